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
#include <openssl/x509.h>

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

/* The fault's command-line name ("bad-signature", "wrong-eid", "unknown-eim",
 * "old-counter", "wrong-token"; "none"), and back: -1 for an unknown name. */
const char *eimt_fault_name(enum eimt_fault f);
int eimt_fault_from_name(const char *name);

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

/* Decode an AddInitialEimResponse p[0..len) (BF57 {A0 {84 associationToken | 05 addOk}...}
 * or BF57 {81 addInitialEimError}): 0 with *token the first associationToken (-1 when
 * the card gave none), 1 with *error the addInitialEimError code, -1 when it does not
 * decode. */
int eimt_parse_add_initial_eim_response(const uint8_t *p, size_t len, int64_t *token,
                                        int64_t *error);

/* The IPA's own ES10b requests, by tag: BF5D ExecuteFallbackMechanism, BF5E
 * ReturnFromFallback, BF5B / BF5C Enable- / DisableEmergencyProfile, BF58
 * ProfileRollback, BF5A ImmediateEnable (each {80 refreshFlag}) and BF5F
 * GetConnectivityParameters (empty; refresh ignored). Returns the length, 0 when the
 * tag is none of these or it does not fit. */
size_t eimt_ipa_request(uint32_t tag, bool refresh, uint8_t *out, size_t cap);

/* A decoded answer to one of those requests. */
struct eimt_ipa_answer {
    int64_t code;                  /* the result (BF58: cmdResult); BF5F: 0 for
                                    * connectivityParameters, else the error */
    bool has_http_params;          /* BF5F: httpParams present */
    const uint8_t *http_params;    /* (points into the answer) */
    size_t http_params_len;
    bool has_package_result;       /* BF58: eUICCPackageResult (BF51) present */
};

/* Decode the answer p[0..len) to the request tag: 0, or -1 when it does not decode
 * (another tag, a missing or extra field, trailing octets). */
int eimt_parse_ipa_response(uint32_t tag, const uint8_t *p, size_t len,
                            struct eimt_ipa_answer *out);

/* PSMOs (append one to w) *//* PSMOs (append one to w) */
void eimt_psmo_enable(struct tlv_writer *w, const uint8_t iccid[10], bool rollback);
void eimt_psmo_disable(struct tlv_writer *w, const uint8_t iccid[10]);
void eimt_psmo_delete(struct tlv_writer *w, const uint8_t iccid[10]);
/* search: NULL or one TLV (4F/5A/95) for A0; tags: NULL or the tagList octets */
void eimt_psmo_list_profile_info(struct tlv_writer *w, const uint8_t *search,
                                 size_t search_len, const uint8_t *tags, size_t ntags);
void eimt_psmo_get_rat(struct tlv_writer *w);
void eimt_psmo_configure_immediate_enable(struct tlv_writer *w, bool flag,
                                          const char *smdp_address);
/* The same with defaultSmdpOid 81 (oid: content octets, NULL for none). */
void eimt_psmo_configure_immediate_enable_oid(struct tlv_writer *w, bool flag,
                                              const uint8_t *oid, size_t oid_len,
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

/* The spec name of an EuiccResultData alternative by its tag (0x83 "enableResult",
 * 0x02 "processingTerminated", ...), NULL when the tag is not one. */
const char *eimt_result_data_name(uint32_t tag);

/* The spec name of the integer code of EuiccResultData `tag` (0x83 1 →
 * "iccidOrAidNotFound"; 0xA8 → AddEimResult's addEimResultCode), "unknown" otherwise.
 * EIMT_CODE_PACKAGE_ERROR / EIMT_CODE_UNSIGNED_ERROR name EuiccPackageErrorCode and
 * EuiccPackageUnsignedErrorCode; 0xBF2D / 0xAB their error alternatives. The IPA's
 * ES10b answers go by their response tag: 0xBF5D ExecuteFallbackMechanism, 0xBF5E
 * ReturnFromFallback, 0xBF5B / 0xBF5C Enable- / DisableEmergencyProfile, 0xBF58
 * ProfileRollback (cmdResult), 0xBF5F GetConnectivityParameters (the error),
 * 0xBF5A ImmediateEnable (0xBF5D 6 → "fallbackNotAvailable"). */
#define EIMT_CODE_PACKAGE_ERROR  0xFFFF0001u
#define EIMT_CODE_UNSIGNED_ERROR 0xFFFF0002u
const char *eimt_code_name(uint32_t tag, int64_t code);

/* Why a CERT.EUICC is not trusted. */
enum eimt_chain {
    EIMT_CHAIN_OK = 0,
    EIMT_CHAIN_MALFORMED,        /* GetCerts answer or a certificate does not decode */
    EIMT_CHAIN_EUM,              /* CERT.EUM: not an EUM (role), not a CA, or not
                                  * issued by the CI (AKI / signature) */
    EIMT_CHAIN_EUICC,            /* CERT.EUICC: not an eUICC certificate or not issued
                                  * by CERT.EUM (crypto/cert_rules.h) */
    EIMT_CHAIN_EID,              /* the certificate's EID is not the card's, or outside
                                  * the EUM's permitted range */
};

/* Check the GetCerts answer p[0..len) (BF56 {A0 {A5 CERT.EUM, A6 CERT.EUICC}}):
 * CERT.EUICC → CERT.EUM → ci (trusted), roles, EID of CERT.EUICC = eid (NULL: not
 * compared) inside the EUM's nameConstraints. On EIMT_CHAIN_OK *pk receives
 * PK.EUICC.SIG (caller frees). */
enum eimt_chain eimt_check_euicc_certs(const uint8_t *p, size_t len, X509 *ci,
                                       const uint8_t eid[16], EVP_PKEY **pk);

/* A one-line reason for a chain result. */
const char *eimt_chain_reason(enum eimt_chain c);

#endif
