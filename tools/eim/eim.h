/* tools/eim/eim.h — a test eIM (SGP.32): builds and signs AddInitialEim requests and
 * eUICC Packages (every PSMO and eCO), verifies the card's signed EuiccPackageResult,
 * and makes wrong packages on demand. Encodings follow SGP.32 v1.2 (AUTOMATIC TAGS,
 * REFERENCE §2.2-2.4); the signatures are ECDSA-SHA256, 64-octet r||s, over
 * DER(signed data) || 84 associationToken. */
#ifndef EUICC_TOOLS_EIM_H
#define EUICC_TOOLS_EIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct tlv_writer;

#define EIMT_ID_MAX 128

/* One eIM as the card knows it. */
struct eimt {
    EVP_PKEY *key;                 /* SK.EIM (signs packages) */
    char id[EIMT_ID_MAX + 1];      /* eimId */
    int64_t token;                 /* associationToken the card gave (AddInitialEim) */
    uint64_t counter;              /* last counterValue used */
    uint8_t eid[16];               /* the card's EID */
};

/* Wrong packages on demand. */
enum eimt_fault {
    EIMT_FAULT_NONE = 0,
    EIMT_FAULT_BAD_SIGNATURE,      /* one bit of the signature flipped */
    EIMT_FAULT_WRONG_EID,          /* eidValue of another card (last octet changed) */
    EIMT_FAULT_UNKNOWN_EIM,        /* eimId the card does not know ("unknown-eim") */
    EIMT_FAULT_OLD_COUNTER,        /* the last counterValue again (a replay) */
    EIMT_FAULT_WRONG_TOKEN,        /* signed with associationToken + 1 */
};

/* Set up e with this eimId; key_path: a PEM/DER private key (SGP.26
 * SK_S_EIMsign_ECDSA_NIST.pem), or NULL to generate a P-256 key. 0 or -1. */
int eimt_init(struct eimt *e, const char *eim_id, const char *key_path);
void eimt_free(struct eimt *e);

/* Append EimConfigurationData 30 {80 eimId, 81 fqdn?, 83 counter, 84 token,
 * A5 {A0 SPKI}} for key (public part); token -1 asks the card for one. */
void eimt_write_config(struct tlv_writer *w, const char *eim_id, const char *fqdn,
                       uint64_t counter, int64_t token, const EVP_PKEY *key);

/* AddInitialEim BF57 {A0 {EimConfigurationData of e (token -1)}}; e->counter is the
 * initial counterValue. Returns the length, 0 when it does not fit. */
size_t eimt_add_initial_eim(const struct eimt *e, const char *fqdn, uint8_t *out, size_t cap);

/* PSMOs (append one to w) */
void eimt_psmo_enable(struct tlv_writer *w, const uint8_t iccid[10], bool rollback);
void eimt_psmo_disable(struct tlv_writer *w, const uint8_t iccid[10]);
void eimt_psmo_delete(struct tlv_writer *w, const uint8_t iccid[10]);
/* search: NULL or one TLV (4F/5A/95) for A0; tags: NULL or the tagList octets */
void eimt_psmo_list_profile_info(struct tlv_writer *w, const uint8_t *search,
                                 size_t search_len, const uint8_t *tags, size_t ntags);
void eimt_psmo_get_rat(struct tlv_writer *w);
void eimt_psmo_configure_immediate_enable(struct tlv_writer *w, bool flag,
                                          const char *smdp_address);
void eimt_psmo_set_fallback(struct tlv_writer *w, const uint8_t iccid[10]);
void eimt_psmo_unset_fallback(struct tlv_writer *w);
void eimt_psmo_set_default_dp(struct tlv_writer *w, const char *address);

/* eCOs */
void eimt_eco_add_eim(struct tlv_writer *w, const char *eim_id, uint64_t counter,
                      int64_t token, const EVP_PKEY *key);
void eimt_eco_delete_eim(struct tlv_writer *w, const char *eim_id);
void eimt_eco_update_eim(struct tlv_writer *w, const char *eim_id, const char *fqdn,
                         bool has_counter, uint64_t counter);
void eimt_eco_list_eim(struct tlv_writer *w);

/* EuiccPackageRequest BF51 {30 {80, 5A, 81, 82?, A0|A1 {items}}, 5F37}: eco selects
 * ecoList; items[0..len) = the PSMOs / eCOs. The counter advances (e->counter + 1)
 * except with EIMT_FAULT_OLD_COUNTER. Returns the length, 0 on error. */
size_t eimt_package(struct eimt *e, bool eco, const uint8_t *items, size_t items_len,
                    const uint8_t *tx_id, size_t tx_len, enum eimt_fault fault,
                    uint8_t *out, size_t cap);

/* A decoded EuiccPackageResult (BF51). */
enum eimt_result_kind { EIMT_RESULT_SIGNED = 0, EIMT_ERROR_SIGNED = 1, EIMT_ERROR_UNSIGNED = 2 };
struct eimt_result {
    enum eimt_result_kind kind;
    bool sig_ok;                   /* signed kinds: signature verifies */
    char eim_id[EIMT_ID_MAX + 1];
    uint64_t counter;
    bool has_tx;
    uint8_t tx[16];
    size_t tx_len;
    uint32_t seq;                  /* result: seqNumber */
    const uint8_t *results;        /* result: content of the euiccResult SEQUENCE */
    size_t results_len;
    int64_t code;                  /* signed error: euiccPackageErrorCode;
                                    * unsigned: 8F code or -1 */
    bool has_token;                /* unsigned: associationToken present */
    int64_t token;
};

/* Decode p[0..len) (BF51) and verify a signature with euicc_pk over
 * DER(data) || 84 token. 0, or -1 when it does not decode. */
int eimt_parse_result(const uint8_t *p, size_t len, const EVP_PKEY *euicc_pk, int64_t token,
                      struct eimt_result *out);

/* The n-th (0-based) EuiccResultData of a result: its tag and value. false at end. */
bool eimt_result_item(const struct eimt_result *r, size_t n, uint32_t *tag,
                      const uint8_t **value, size_t *len);

/* The integer value of a primitive result item (e.g. 83 enableResult). */
bool eimt_result_code(const struct eimt_result *r, size_t n, uint32_t tag, int64_t *code);

#endif
