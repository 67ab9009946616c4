/* crypto/cert_rules.c — SGP.22 §4.5.2 rules for the SM-DP+ certificates the eUICC
 * receives (CERT.DPauth.SIG, CERT.DPpb.SIG).
 *
 * Checks, in this order (the first failing one decides the result):
 *   1. DER parses, exactly len octets                              else CERT_INVALID
 *   2. subject key EC on P-256 or brainpoolP256r1                   else CERT_UNSUPPORTED_CURVE
 *   3. certificatePolicies contains the role OID                    else CERT_INVALID_OID
 *      (so an EUM certificate offered as an SM-DP+ one is INVALID_OID: wrong role)
 *   4. keyUsage present with digitalSignature, not a CA, extensions
 *      well formed                                                  else CERT_INVALID
 *   5. issuer by AKI: the CI's SKI, or an intermediate of others[] (any order) whose
 *      own chain leads to the CI; no match                          → CERT_CI_UNKNOWN
 *      each link's ECDSA-SHA256 signature, intermediates are CAs    else CERT_INVALID
 *   6. subjectAltName registeredID (optional) fits SMDP_OID_MAX     else CERT_INVALID
 * Validity dates are NOT checked: the card has no reliable clock (SGP.22 leaves the
 * expiry check to the parties that have one, the LPA/SM-DP+ TLS side). */
#include "crypto/cert_rules.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "card/tlv.h"
#include "crypto/x509.h"

#define OTHERS_MAX 8   /* intermediates accepted between the certificate and the CI */
#define KEYID_MAX 64
#define PARSE_CACHE 4          /* parsed certificates kept */
#define PARSE_CACHE_DER_MAX 4096u

/* Speed: d2i_X509 costs ~250 us with OpenSSL 3.0 (it builds a provider decoder chain for
 * the subject key), more than all the signature checks of a download. An SM-DP+ sends
 * the same CERT.DPauth / CERT.DPpb on every download, so the last PARSE_CACHE parsed
 * certificates are kept, keyed by their exact DER octets: a hit returns the same parse
 * (a new reference), which is what parsing those octets again would give. Every rule
 * and every signature below is still checked on each call; nothing else is cached. */
struct parsed_cert {
    uint8_t der[PARSE_CACHE_DER_MAX];
    size_t len;
    X509 *x;
};

static CRYPTO_ONCE parse_once = CRYPTO_ONCE_STATIC_INIT;
static CRYPTO_RWLOCK *parse_lock;
static struct parsed_cert parse_cache[PARSE_CACHE];
static size_t parse_next;

static void parse_init(void)
{
    parse_lock = CRYPTO_THREAD_lock_new();
}

/* x509_from_der, through the cache of recently parsed certificates. */
static X509 *parse_cert(const uint8_t *der, size_t len)
{
    X509 *x = NULL;
    if (der == NULL || len == 0 || len > PARSE_CACHE_DER_MAX ||
        CRYPTO_THREAD_run_once(&parse_once, parse_init) != 1 || parse_lock == NULL)
        return x509_from_der(der, len);
    if (CRYPTO_THREAD_write_lock(parse_lock) != 1)
        return x509_from_der(der, len);
    for (size_t i = 0; i < PARSE_CACHE && x == NULL; i++) {
        struct parsed_cert *c = &parse_cache[i];
        if (c->x != NULL && c->len == len && memcmp(c->der, der, len) == 0 &&
            X509_up_ref(c->x) == 1)
            x = c->x;
    }
    if (x == NULL) {
        x = x509_from_der(der, len);
        struct parsed_cert *c = &parse_cache[parse_next];
        if (x != NULL && X509_up_ref(x) == 1) {
            X509_free(c->x);
            memcpy(c->der, der, len);
            c->len = len;
            c->x = x;
            parse_next = (parse_next + 1) % PARSE_CACHE;
        }
    }
    CRYPTO_THREAD_unlock(parse_lock);
    return x;
}

static bool key_usage_ok(X509 *x)
{
    uint32_t flags = X509_get_extension_flags(x);
    return (flags & EXFLAG_INVALID) == 0 && (flags & EXFLAG_KUSAGE) != 0 &&
           (X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE) != 0 && !x509_is_ca(x);
}

/* Same key identifier: AKI of a against SKI of b (both present). */
static bool issued_by_id(const uint8_t *aki, size_t aki_len, X509 *b)
{
    uint8_t ski[KEYID_MAX];
    size_t n = x509_ski(b, ski, sizeof ski);
    return n > 0 && n == aki_len && memcmp(aki, ski, n) == 0;
}

/* Walk from x up to ci through inter[0..n) by AKI/SKI, verifying every signature. */
static enum cert_check check_chain(X509 *x, X509 *ci, X509 *const *inter, size_t n)
{
    bool used[OTHERS_MAX] = {false};
    X509 *cur = x;

    for (;;) {
        uint8_t aki[KEYID_MAX];
        size_t aki_len = x509_aki(cur, aki, sizeof aki);
        X509 *issuer = NULL;
        size_t idx = 0;

        if (aki_len == 0)
            return CERT_INVALID;           /* SGP.22 certificates always carry an AKI */
        if (issued_by_id(aki, aki_len, ci)) {
            issuer = ci;
        } else {
            for (idx = 0; idx < n && issuer == NULL; idx++)
                if (!used[idx] && issued_by_id(aki, aki_len, inter[idx]))
                    issuer = inter[idx];
            if (issuer == NULL)
                return CERT_CI_UNKNOWN;
            used[idx - 1] = true;          /* each intermediate once: the walk ends */
            if (!x509_is_ca(issuer))
                return CERT_INVALID;
        }
        if (!x509_signed_by(cur, issuer))
            return CERT_INVALID;
        if (issuer == ci)
            return CERT_OK;
        cur = issuer;
    }
}

/* SM-DP+ OID: content octets of the first subjectAltName registeredID. */
static enum cert_check smdp_oid_of(X509 *x, uint8_t *out, size_t *out_len)
{
    int crit = -1;
    enum cert_check rc = CERT_OK;
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);

    *out_len = 0;
    if (names == NULL)
        return crit == -1 ? CERT_OK : CERT_INVALID;   /* absent, or duplicated/bad */
    for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type != GEN_RID)
            continue;
        uint8_t der[2 + 127 + 8];
        int n = i2d_ASN1_OBJECT(gn->d.registeredID, NULL);
        unsigned char *q = der;
        struct tlv t;
        if (n <= 0 || (size_t)n > sizeof der || i2d_ASN1_OBJECT(gn->d.registeredID, &q) != n ||
            !tlv_parse(der, (size_t)n, &t) || t.tag != 0x06 || t.raw_len != (size_t)n ||
            t.len == 0 || t.len > SMDP_OID_MAX) {
            rc = CERT_INVALID;
            break;
        }
        if (out != NULL)
            memcpy(out, t.value, t.len);
        *out_len = t.len;
        break;
    }
    GENERAL_NAMES_free(names);
    return rc;
}

enum cert_check cert_check_smdp(const uint8_t *cert, size_t len, const char *role_oid,
                                X509 *ci, const uint8_t *const *others,
                                const size_t *other_lens, size_t n_others, EVP_PKEY **key,
                                uint8_t smdp_oid[SMDP_OID_MAX], size_t *oid_len)
{
    X509 *inter[OTHERS_MAX] = {NULL};
    X509 *x = NULL;
    size_t olen = 0;
    enum cert_check rc = CERT_INVALID;

    if (key != NULL)
        *key = NULL;
    if (oid_len != NULL)
        *oid_len = 0;
    if (cert == NULL || role_oid == NULL || n_others > OTHERS_MAX ||
        (n_others > 0 && (others == NULL || other_lens == NULL)))
        goto out;
    if (ci == NULL) {
        rc = CERT_CI_UNKNOWN;
        goto out;
    }
    x = parse_cert(cert, len);
    if (x == NULL)
        goto out;
    if (x509_curve(x) == EC_CURVE_NONE) {
        rc = CERT_UNSUPPORTED_CURVE;
        goto out;
    }
    if (!x509_has_policy(x, role_oid)) {
        rc = CERT_INVALID_OID;
        goto out;
    }
    if (!key_usage_ok(x))
        goto out;
    for (size_t i = 0; i < n_others; i++) {
        inter[i] = parse_cert(others[i], other_lens[i]);
        if (inter[i] == NULL)
            goto out;
    }
    rc = check_chain(x, ci, inter, n_others);
    if (rc != CERT_OK)
        goto out;
    uint8_t oid[SMDP_OID_MAX];
    rc = smdp_oid_of(x, oid, &olen);
    if (rc != CERT_OK)
        goto out;
    if (key != NULL) {
        *key = X509_get_pubkey(x);
        if (*key == NULL) {
            rc = CERT_INVALID;
            goto out;
        }
    }
    if (smdp_oid != NULL && olen > 0)
        memcpy(smdp_oid, oid, olen);
    if (oid_len != NULL)
        *oid_len = olen;
out:
    for (size_t i = 0; i < OTHERS_MAX; i++)
        X509_free(inter[i]);
    X509_free(x);
    ERR_clear_error();
    return rc;
}
