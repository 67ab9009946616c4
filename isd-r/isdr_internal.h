/* isd-r/isdr_internal.h — the ISD-R instance and the ES10 handlers shared by the
 * isd-r files (not a public contract: other components use isd-r/isdr.h). */
#ifndef EUICC_ISDR_INTERNAL_H
#define EUICC_ISDR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/applet.h"
#include "card/store_ids.h"
#include "card/tlv.h"
#include "isd-r/rsp_session.h"

#include <openssl/evp.h>

struct card;
struct isdp_load;
struct store;
struct rng;
struct ecasd;

/* ISD-R persistent objects (SID_ISDR range of card/store_ids.h) */
#define SID_ISDR_DEFAULT_DP   (SID_ISDR_FIRST + 1u) /* UTF-8 default SM-DP+ address */
#define SID_ISDR_ROOT_DS      (SID_ISDR_FIRST + 2u) /* UTF-8 root SM-DS address */
#define SID_ISDR_RAT          (SID_ISDR_FIRST + 3u) /* value of GetRatResponse's A0 */
#define SID_ISDR_IMMEDIATE_ENABLE (SID_ISDR_FIRST + 4u) /* SGP.32 immediate-enable config:
                                   * the value of a ConfigureImmediateProfileEnabling
                                   * request / configureImmediateEnable PSMO {80? 81? 82?}
                                   * as isdr_immediate_enable_save() checked it */

#define SID_ISDR_ROLLBACK     (SID_ISDR_FIRST + 5u) /* SGP.32 rollback point (profile_rollback.c) */

#define ISDR_ROOT_DS_DEFAULT  "lpa.ds.gsma.com"
#define ISDR_ADDRESS_MAX      255u   /* octets of a stored FQDN */
#define ISDR_RAT_MAX          2048u

/* SGP.22 version this ISD-R implements (SVN), VersionType octets */
#define ISDR_SVN_MAJOR 2
#define ISDR_SVN_MINOR 5
#define ISDR_SVN_REV   0

/* Handler return values: a response TLV was written (it may be the spec's error
 * variant), or a transport-level fault. */
#define ISDR_OK          0
#define ISDR_EMALFORMED  (-1)   /* SW 6A80: the request does not decode */
#define ISDR_EFAIL       (-2)   /* SW 6F00: internal failure, nothing written */

struct isdr {
    struct card *card;          /* NULL when handlers are driven without a card */
    struct store *store;
    struct rng *rng;
    struct ecasd *ecasd;
    size_t capacity;            /* profile memory in bytes */
    struct applet applet;
    struct rsp_session session;
    /* one-time key pair otSK/otPK.EUICC.ECKA (PrepareDownload): kept after the session
     * until a profile is installed with it, so a retried download can reuse it
     * (bppEuiccOtpk); RAM only */
    EVP_PKEY *ot_sk;
    uint8_t ot_pk[65];
    struct isdp_load *load;     /* LoadBoundProfilePackage in progress (isd-p) */
    const char *outcome;        /* spec name of the last handler's result (trace) */
};

typedef int (*isdr_handler)(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* Run one reassembled ES10 request p[0..len): dispatch on its outermost tag, write
 * the response TLV into out[0..cap) and return the status word. */
uint16_t isdr_dispatch(struct isdr *r, const uint8_t *p, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len);

/* Decode a BIT STRING value (first octet = unused bits) into bits, bit 0 = first named
 * bit; tolerates a value without the unused-bits octet (pySim) when its first octet
 * cannot be one (> 7). Bits past 31 are ignored. */
bool isdr_get_bits(const uint8_t *v, size_t len, uint32_t *bits);

/* True when p[0..len) is well-formed UTF-8; *chars receives the character count. */
bool isdr_utf8_valid(const uint8_t *p, size_t len, size_t *chars);

/* True when the card runs as an SGP.32 IoT eUICC (card_mode IOT). */
bool isdr_is_iot(const struct isdr *r);

/* ES10a (es10a.c); SetDefaultDpAddress also serves SGP.32's BF65 (the response tag is
 * the request's) */
int es10a_get_euicc_configured_addresses(struct isdr *r, const struct tlv *req,
                                         struct tlv_writer *resp);
int es10a_set_default_dp_address(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp);

/* ES10b (es10b.c) */
int es10b_get_euicc_info1(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_get_euicc_info2(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_get_euicc_challenge(struct isdr *r, const struct tlv *req,
                              struct tlv_writer *resp);
int es10b_list_notification(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_retrieve_notifications_list(struct isdr *r, const struct tlv *req,
                                      struct tlv_writer *resp);
int es10b_remove_notification_from_list(struct isdr *r, const struct tlv *req,
                                        struct tlv_writer *resp);
int es10b_get_rat(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* ES10b download functions (es10b_download.c) */
int es10b_authenticate_server(struct isdr *r, const struct tlv *req,
                              struct tlv_writer *resp);
int es10b_prepare_download(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_cancel_session(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* ES10c (es10c.c) */
int es10c_get_eid(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10c_get_profiles_info(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10c_set_nickname(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10c_euicc_memory_reset(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* The profile deletions and address reset of eUICCMemoryReset inside the open
 * transaction (es10c.c): bits use ISDR_RESET_* (SGP.22 resetOptions numbering);
 * *done tells whether anything was there. A STORE_* code. */
#define ISDR_RESET_DELETE_OPERATIONAL   0x01u
#define ISDR_RESET_DELETE_FIELD_TEST    0x02u
#define ISDR_RESET_DEFAULT_SMDP_ADDRESS 0x04u
#define ISDR_RESET_DELETE_PROVISIONING  0x10u
int es10c_memory_reset_in_tx(struct isdr *r, uint32_t bits, bool *done);

/* SGP.32 IoT ES10b functions (es10b_eim.c: eIM association and certificates;
 * es10b_iot.c: the others). Registered for IoT mode only. */
int es10b_get_certs(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_add_initial_eim(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_get_eim_configuration_data(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp);
int es10b_euicc_memory_reset(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_euicc_memory_reset_v10(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp);
int es10b_immediate_enable(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_configure_immediate_enable(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp);
int es10b_profile_rollback(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_execute_fallback_mechanism(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp);
int es10b_return_from_fallback(struct isdr *r, const struct tlv *req,
                               struct tlv_writer *resp);
int es10b_enable_emergency_profile(struct isdr *r, const struct tlv *req,
                                   struct tlv_writer *resp);
int es10b_disable_emergency_profile(struct isdr *r, const struct tlv *req,
                                    struct tlv_writer *resp);
int es10b_ipae_activation(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10b_get_connectivity_parameters(struct isdr *r, const struct tlv *req,
                                      struct tlv_writer *resp);
/* ES10c Enable/Disable/DeleteProfile in IoT mode: refused with disallowedByPolicy (3)
 * while an eIM is associated (only a verified PSMO changes profile state then). */
int es10c_enable_profile_guarded(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp);
int es10c_disable_profile_guarded(struct isdr *r, const struct tlv *req,
                                  struct tlv_writer *resp);
int es10c_delete_profile_guarded(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp);

/* Check and store an immediate-enable configuration (BF59 request value or the
 * configureImmediateEnable PSMO's value: 80 flag NULL?, 81 defaultSmdpOid?,
 * 82 defaultSmdpAddress?) inside the caller's transaction, if any. ISDR_OK,
 * ISDR_EMALFORMED (not that shape: commandError) or ISDR_EFAIL (store failure). */
int isdr_immediate_enable_save(struct isdr *r, const uint8_t *v, size_t len);

/* SGP.32 eUICC Packages (euicc_package.c): EuiccPackageRequest BF51 → EuiccPackageResult */
int es10b_load_euicc_package(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* ES10c profile state management (es10c_state.c) */
int es10c_enable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10c_disable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);
int es10c_delete_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp);

/* A profile state change by ICCID inside the caller's open transaction, with the
 * notifications it makes (SGP.32 PSMOs enable/disable/delete use it; the guarded
 * ES10c entry points are not for them). Returns the spec result code (ok 0,
 * iccidOrAidNotFound 1, profileNotIn...State 2, disallowedByPolicy 3), or -1 when the
 * store failed: the caller must then abort its transaction. */
enum isdr_state_op { ISDR_STATE_ENABLE, ISDR_STATE_DISABLE, ISDR_STATE_DELETE };
int isdr_state_change_in_tx(struct isdr *r, enum isdr_state_op op, const uint8_t iccid[10]);

/* Add the signed notifications p's notificationConfigurationInfo asks for on event
 * (enum notification_event) inside the open transaction (also used by
 * eUICCMemoryReset for each profile it deletes). 0, or -1 (list full, store failure). */
struct profile_record;
int es10c_profile_notify(struct isdr *r, const struct profile_record *p, int event);

/* EUICCInfo1 (BF20) and EUICCInfo2 (BF22) of this card (euicc_info.c); also used
 * inside euiccSigned1 by AuthenticateServer. 0 or -1 (store failure). */
int euicc_info1_write(struct isdr *r, struct tlv_writer *w);
int euicc_info2_write(struct isdr *r, struct tlv_writer *w);

/* ISD-R SELECT response: FCI 6F { 84 AID, A5 {9F65}, E0 {82 svn} } (euicc_info.c). */
void isdr_write_fci(struct isdr *r, struct tlv_writer *w);

#endif
