/* isd-r/eim_config.h — the eIM associations of an IoT eUICC (SGP.32 §2.x, §5.9.4):
 * persistent EimConfigurationData records, one per associated eIM, each with the
 * eIM's public key (or certificate), its replay counter and its association token.
 * Store range SID_EIM_FIRST.. (card/store_ids.h), layout:
 *   SID_EIM_TOKEN_COUNTER  8 octets big-endian: the last association token issued
 *   SID_EIM_EPR_SEQ        reserved for euicc_package.c (EuiccPackageResult seqNumber)
 *   SID_EIM_SLOT(1..8)     one record per associated eIM: the DER EimConfigurationData
 *                          SEQUENCE as eim_write_config(c, true) writes it
 *   SID_EIM_PKG_FIRST..SID_EIM_LAST  reserved for euicc_package.c (stored results)
 * Functions do no transaction of their own unless noted: callers group changes
 * (a package = one transaction, the counter persisted before any PSMO runs). */
#ifndef EUICC_EIM_CONFIG_H
#define EUICC_EIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "card/store_ids.h"

struct store;
struct ecasd;

#define EIM_MAX          8
#define EIM_ID_MAX       128     /* UTF8String (SIZE(1..128)) */
#define EIM_FQDN_MAX     255
#define EIM_KEYDATA_MAX  2048    /* eimPublicKeyData: a key (SubjectPublicKeyInfo) or a
                                  * certificate, as received (DER) */
#define EIM_TLS_MAX      2048

#define SID_EIM_TOKEN_COUNTER  (SID_EIM_FIRST + 0x0000u)
#define SID_EIM_EPR_SEQ        (SID_EIM_FIRST + 0x0001u)
#define SID_EIM_SLOT(n)        (SID_EIM_FIRST + 0x0010u + (uint32_t)(n))
#define SID_EIM_PKG_FIRST      (SID_EIM_FIRST + 0x1000u)

enum eim_key_kind { EIM_KEY_PUBLIC_KEY = 0, EIM_KEY_CERTIFICATE = 1 };

struct eim_config {
    uint8_t slot;                    /* 1..EIM_MAX */
    char eim_id[EIM_ID_MAX + 1];
    size_t eim_id_len;
    char fqdn[EIM_FQDN_MAX + 1];     /* empty when absent */
    bool has_id_type;
    uint8_t id_type;                 /* eimIdType: oid 1, fqdn 2, proprietary 3 */
    bool has_counter;                /* counterValue present (decode); always set when saved */
    uint64_t counter;                /* counterValue: highest accepted (replay protection) */
    bool has_token;                  /* associationToken present */
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
    bool indirect_download;          /* indirectProfileDownload NULL present (v1.1+) */
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

/* The eIM's verification key if it is trusted: a SubjectPublicKeyInfo as stored, or a
 * certificate whose AKI names a trusted CI of e and whose signature that CI's key
 * verifies; when euiccCiPKId (88) is present it must name a trusted CI too. NULL when
 * not trusted (ciPKUnknown) or undecodable. Caller frees. */
EVP_PKEY *eim_trusted_key(const struct eim_config *c, const struct ecasd *e);

/* Append the EimConfigurationData SEQUENCE exactly as GetEimConfigurationData lists it
 * (SGP.32 v1.2 tagging, AUTOMATIC TAGS): 30 {80 eimId, 81 eimFqdn?, 82 eimIdType?,
 * 83 counterValue?, 84 associationToken?, A5 eimPublicKeyData? = A5 {A0 SPKI | A1 cert}
 * (the CHOICE's alternatives are implicit: the key's/cert's own 30 becomes A0/A1),
 * A6 trustedPublicKeyDataTls? (same scheme), 87 eimSupportedProtocol?, 88 euiccCiPKId?,
 * 89 indirectProfileDownload?}. with_keys = false leaves A5 and A6 out. */
struct tlv_writer;
void eim_write_config(const struct eim_config *c, bool with_keys, struct tlv_writer *w);

/* Decode one EimConfigurationData SEQUENCE value (AddInitialEim / addEim eCO). 0, or
 * EIM_DECODE_EMALFORMED (-1) when malformed (commandError), or EIM_DECODE_ECOUNTER (-2)
 * when counterValue is negative or larger than 64 bits (counterValueOutOfRange).
 * eimPublicKeyData must decode as a SubjectPublicKeyInfo / X.509 certificate; it is
 * kept in c->key as plain DER (tag 30 restored). Unknown (extension) tags are skipped. */
#define EIM_DECODE_EMALFORMED (-1)
#define EIM_DECODE_ECOUNTER   (-2)
int eim_decode_config(const uint8_t *p, size_t len, struct eim_config *out);

#endif
