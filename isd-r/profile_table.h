/* isd-r/profile_table.h — the persistent profile table of the ISD-R: one record per
 * installed profile, kept in the store under SID_PROFILE_FIRST + slot (slot 1..
 * PROFILE_SLOTS); the profile's own content lives in SID_PROFILE_DATA(slot).
 * A record is stored as its full ProfileInfo TLV (E3), plus the card-private IoT state
 * (PROFILE_IOT_*) as a private-class field DF40 that ProfileInfo output never carries;
 * records written before a field existed decode with it absent. Functions do no
 * transaction of their own: callers group changes with store_begin/store_commit. */
#ifndef EUICC_PROFILE_TABLE_H
#define EUICC_PROFILE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct tlv_writer;

#define PROFILE_SLOTS          16u
#define PROFILE_ICCID_LEN      10u
#define PROFILE_AID_MAX        16u
#define PROFILE_NICKNAME_CHARS 64u    /* SIZE constraints count characters */
#define PROFILE_SPN_CHARS      32u
#define PROFILE_NAME_CHARS     64u
#define PROFILE_TEXT_MAX       256u   /* octets: 64 characters of up to 4 octets */
#define PROFILE_ICON_MAX       1024u
#define PROFILE_RAW_MAX        512u   /* B6 / B7 / B8 / BF22 values */
#define PROFILE_RECORD_MAX     4096u  /* encoded E3 */

enum profile_state { PROFILE_DISABLED = 0, PROFILE_ENABLED = 1 };
enum profile_class { PROFILE_CLASS_TEST = 0, PROFILE_CLASS_PROVISIONING = 1,
                     PROFILE_CLASS_OPERATIONAL = 2 };

/* presence of optional fields */
#define PROFILE_HAS_NICKNAME   0x001u
#define PROFILE_HAS_SPN        0x002u
#define PROFILE_HAS_NAME       0x004u
#define PROFILE_HAS_ICON_TYPE  0x008u
#define PROFILE_HAS_ICON       0x010u
#define PROFILE_HAS_NOTIF_CFG  0x020u
#define PROFILE_HAS_OWNER      0x040u
#define PROFILE_HAS_DP_PROP    0x080u
#define PROFILE_HAS_PPR        0x100u
#define PROFILE_HAS_SSD        0x200u
#define PROFILE_HAS_ECALL      0x400u  /* SGP.32 ecallIndication (9F7B) */
#define PROFILE_HAS_FB_ALLOWED 0x800u  /* SGP.32 fallbackAllowed (9F67) */

/* Card-private SGP.32 state of a profile (struct profile_record.iot), persisted */
#define PROFILE_IOT_FALLBACK_ACTIVE 0x01u /* the fallback profile, enabled by
                                           * ExecuteFallbackMechanism */
#define PROFILE_IOT_RETURN_FALLBACK 0x02u /* enabled before ExecuteFallbackMechanism:
                                           * where ReturnFromFallback goes back to */
#define PROFILE_IOT_RETURN_ECALL    0x04u /* enabled before EnableEmergencyProfile:
                                           * where DisableEmergencyProfile goes back to */
#define PROFILE_IOT_EPISODE (PROFILE_IOT_FALLBACK_ACTIVE | PROFILE_IOT_RETURN_FALLBACK | \
                             PROFILE_IOT_RETURN_ECALL)

struct profile_record {
    uint8_t slot;                          /* 1..PROFILE_SLOTS */
    uint8_t iccid[PROFILE_ICCID_LEN];      /* as in EF.ICCID (BCD, swapped) */
    uint8_t aid[PROFILE_AID_MAX];          /* ISD-P AID */
    uint8_t aid_len;
    uint8_t state;                         /* enum profile_state */
    uint8_t profile_class;                 /* enum profile_class */
    uint32_t present;                      /* PROFILE_HAS_* */
    uint8_t nickname[PROFILE_TEXT_MAX];  size_t nickname_len;
    uint8_t spn[PROFILE_TEXT_MAX];       size_t spn_len;
    uint8_t name[PROFILE_TEXT_MAX];      size_t name_len;
    uint8_t icon_type;                     /* jpg 0, png 1 */
    uint8_t icon[PROFILE_ICON_MAX];      size_t icon_len;
    uint8_t notif_cfg[PROFILE_RAW_MAX];  size_t notif_cfg_len; /* value of B6 */
    uint8_t owner[PROFILE_RAW_MAX];      size_t owner_len;     /* value of B7 */
    uint8_t dp_prop[PROFILE_RAW_MAX];    size_t dp_prop_len;   /* value of B8 */
    uint8_t ppr;                           /* PprIds: bit0 updateControl, 1 ppr1, 2 ppr2 */
    uint8_t ssd[PROFILE_RAW_MAX];        size_t ssd_len;       /* value of BF22 */
    bool ecall_indication;                 /* 9F7B value (PROFILE_HAS_ECALL) */
    bool fallback_allowed;                 /* 9F67 value (PROFILE_HAS_FB_ALLOWED) */
    bool fallback_attribute;               /* 9F26 (DEFAULT FALSE: written when TRUE) */
    uint8_t iot;                           /* PROFILE_IOT_* (card-private) */
};

/* Which profile profile_find_iot looks for. */
enum profile_iot_role {
    PROFILE_ROLE_FALLBACK,        /* fallbackAttribute TRUE */
    PROFILE_ROLE_EMERGENCY,       /* ecallIndication TRUE */
    PROFILE_ROLE_RETURN_FALLBACK, /* PROFILE_IOT_RETURN_FALLBACK set */
    PROFILE_ROLE_RETURN_ECALL,    /* PROFILE_IOT_RETURN_ECALL set */
};

/* The ISD-P AID given to a slot: A0000005591010FFFFFFFF89 0000 (0F + slot) 00. */
void profile_isdp_aid(uint8_t slot, uint8_t aid[16]);

/* Read the record of a slot. 0, STORE_ENOTFOUND, or another STORE_E* code. */
int profile_load(struct store *s, uint8_t slot, struct profile_record *out);

/* Write (add or replace) the record of p->slot. */
int profile_save(struct store *s, const struct profile_record *p);

/* Delete a slot's record and all of its profile data (SID_PROFILE_DATA range). */
int profile_delete(struct store *s, uint8_t slot);

/* Iterate: the first record with slot > after (after = 0 starts); STORE_ENOTFOUND
 * at the end. */
int profile_next(struct store *s, uint8_t after, struct profile_record *out);

/* Find by ICCID / by ISD-P AID. 0 or STORE_ENOTFOUND. */
int profile_find_iccid(struct store *s, const uint8_t iccid[PROFILE_ICCID_LEN],
                       struct profile_record *out);
int profile_find_aid(struct store *s, const uint8_t *aid, size_t len,
                     struct profile_record *out);

/* The enabled profile in a slot other than except (0: any slot). 0, STORE_ENOTFOUND or a
 * store error. */
int profile_find_enabled(struct store *s, uint8_t except, struct profile_record *out);

/* The first profile (by slot) in role. 0, STORE_ENOTFOUND, or another STORE_E* code. */
int profile_find_iot(struct store *s, enum profile_iot_role role, struct profile_record *out);

/* *yes = an Emergency Profile is installed and enabled (SGP.32 "ecallActive").
 * 0 or a STORE_E* code (then *yes = false). */
int profile_ecall_active(struct store *s, bool *yes);

/* Clear the PROFILE_IOT_* bits of mask on every profile (an eIM-driven state change
 * ends a fallback / emergency episode). 0 or a STORE_E* code. */
int profile_clear_iot(struct store *s, uint8_t mask);

/* Number of installed profiles. */
int profile_count(struct store *s, size_t *n);

/* A free slot for a new profile; STORE_EFULL when the table is full. */
int profile_free_slot(struct store *s, uint8_t *slot);

/* Octets the store holds for all profiles (records and profile data). */
size_t profile_bytes_used(struct store *s);

/* Append the ProfileInfo (E3) of p, fields in ASN.1 order; with tags != NULL only the
 * fields whose tag is among tags[0..ntags). */
void profile_write_info(const struct profile_record *p, const uint32_t *tags,
                        size_t ntags, struct tlv_writer *w);

/* Decode an encoded record (E3). 0 or -1 when malformed. */
int profile_decode(const uint8_t *p, size_t len, struct profile_record *out);

#endif
