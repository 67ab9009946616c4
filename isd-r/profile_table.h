/* isd-r/profile_table.h — the persistent profile table of the ISD-R: one record per
 * installed profile, kept in the store under SID_PROFILE_FIRST + slot (slot 1..
 * PROFILE_SLOTS); the profile's own content lives in SID_PROFILE_DATA(slot).
 * A record is stored as its full ProfileInfo TLV (E3). Functions do no transaction
 * of their own: callers group changes with store_begin/store_commit. */
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
