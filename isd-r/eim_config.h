/* isd-r/eim_config.h — the eIM associations of an IoT eUICC (SGP.32 §2.x, §5.9.4):
 * persistent EimConfigurationData records, one per associated eIM, each with the
 * eIM's public key (or certificate), its replay counter and its association token.
 * Store range SID_EIM_FIRST.. (card/store_ids.h): one object per eIM slot plus the
 * eUICC-wide association-token counter and the EuiccPackageResult sequence number.
 * Functions do no transaction of their own unless noted: callers group changes
 * (a package = one transaction, the counter persisted before any PSMO runs). */
#ifndef EUICC_EIM_CONFIG_H
#define EUICC_EIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct store;

#define EIM_MAX          8
#define EIM_ID_MAX       128     /* UTF8String (SIZE(1..128)) */
#define EIM_FQDN_MAX     255
#define EIM_KEYDATA_MAX  2048    /* eimPublicKeyData: a key (SubjectPublicKeyInfo) or a
                                  * certificate, as received (DER) */
#define EIM_TLS_MAX      2048

enum eim_key_kind { EIM_KEY_PUBLIC_KEY = 0, EIM_KEY_CERTIFICATE = 1 };

struct eim_config {
    uint8_t slot;                    /* 1..EIM_MAX */
    char eim_id[EIM_ID_MAX + 1];
    size_t eim_id_len;
    char fqdn[EIM_FQDN_MAX + 1];     /* empty when absent */
    bool has_id_type;
    uint8_t id_type;                 /* eimIdType: oid 1, fqdn 2, proprietary 3 */
    uint64_t counter;                /* counterValue: highest accepted (replay protection) */
    int64_t association_token;       /* the token this eIM's packages are bound to */
    enum eim_key_kind key_kind;
    uint8_t key[EIM_KEYDATA_MAX];    /* DER of the public key data (SPKI or certificate) */
    size_t key_len;
    uint8_t tls[EIM_TLS_MAX];        /* trustedPublicKeyDataTls as received (raw TLV), opt. */
    size_t tls_len;
    bool has_protocol;
    uint8_t protocol;                /* eimSupportedProtocol */
    uint8_t ci_pkid[20];             /* euiccCiPKId, optional */
    bool has_ci_pkid;
};

/* Number of associated eIMs. */
int eim_count(struct store *s, size_t *n);

/* Iterate: first record with slot > after (after = 0 starts); STORE_ENOTFOUND at end. */
int eim_next(struct store *s, uint8_t after, struct eim_config *out);

/* Find by eimId. 0 or STORE_ENOTFOUND. */
int eim_find(struct store *s, const char *eim_id, size_t len, struct eim_config *out);

/* Add or replace (by slot) a record. A new record: slot = 0 → a free slot is chosen and
 * written back into c->slot (STORE_EFULL when none). */
int eim_save(struct store *s, struct eim_config *c);

/* Delete one / all associations. */
int eim_delete(struct store *s, uint8_t slot);
int eim_delete_all(struct store *s);

/* A fresh association token (a persistent eUICC-wide counter: never reused). */
int eim_next_association_token(struct store *s, int64_t *token);

/* The eIM's verification key: from a SubjectPublicKeyInfo, or from a certificate that
 * chains to a trusted CI (the caller checks the chain). NULL when undecodable. */
EVP_PKEY *eim_public_key(const struct eim_config *c);

/* Append the EimConfigurationData SEQUENCE (30 {80 eimId, 81 fqdn?, 82 idType?,
 * 83 counter, 84 token?, A5 keyData?, ...}) exactly as GetEimConfigurationData lists it. */
struct tlv_writer;
void eim_write_config(const struct eim_config *c, bool with_keys, struct tlv_writer *w);

/* Decode one EimConfigurationData SEQUENCE value (AddInitialEim / addEim eCO). 0, or -1
 * when malformed. */
int eim_decode_config(const uint8_t *p, size_t len, struct eim_config *out);

#endif
