/* ecasd/testpki.c — generate a test PKI following the SGP.22 §4.5 certificate profiles:
 *   CI:    self-signed; basicConstraints cA critical; keyUsage keyCertSign|cRLSign
 *          critical; certificatePolicies id-rspRole-ci critical; SKI; AKI = SKI.
 *   EUM:   issued by the CI; cA, pathLen 0 critical; keyUsage keyCertSign|cRLSign
 *          critical; id-rspRole-eum critical; nameConstraints critical permitted
 *          DirName O=<EUM O>, serialNumber=<EID prefix>; SKI; AKI.
 *   eUICC: issued by the EUM; keyUsage digitalSignature critical; id-rspRole-euicc
 *          critical; subject C, O=<EUM O>, serialNumber=<EID>, CN; SKI; AKI;
 *          notAfter 99991231235959Z.
 * Keys, serial numbers and EID come from the rng (the certificate signatures use
 * OpenSSL's random ECDSA nonce, so only they differ between two seeded runs). */
#include "ecasd/testpki.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "crypto/x509.h"

#define OID_ROLE_CI    "2.23.146.1.2.1.0"
#define OID_ROLE_EUICC "2.23.146.1.2.1.1"
#define OID_ROLE_EUM   "2.23.146.1.2.1.2"

#define BIT_DIGITAL_SIGNATURE 0
#define BIT_KEY_CERT_SIGN     5
#define BIT_CRL_SIGN          6

enum role { ROLE_CI, ROLE_EUM, ROLE_EUICC };

/* SKI per RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the point). */
static int key_id(EVP_PKEY *k, uint8_t out[20])
{
    uint8_t pt[65];
    if (ec_public_point(k, pt) != 0)
        return -1;
    sha1(pt, sizeof pt, out);
    return 0;
}

static bool name_add(X509_NAME *n, int nid, int type, const char *v)
{
    return X509_NAME_add_entry_by_NID(n, nid, type, (const unsigned char *)v, -1, -1, 0) == 1;
}

static X509_NAME *make_name(enum role r, const char *eid)
{
    X509_NAME *n = X509_NAME_new();
    bool ok = n != NULL && name_add(n, NID_countryName, V_ASN1_PRINTABLESTRING, "XX");
    switch (r) {
    case ROLE_CI:
        ok = ok && name_add(n, NID_organizationName, V_ASN1_UTF8STRING, "euicc-emu") &&
             name_add(n, NID_commonName, V_ASN1_UTF8STRING, "euicc-emu Test CI");
        break;
    case ROLE_EUM:
        ok = ok && name_add(n, NID_organizationName, V_ASN1_UTF8STRING, TESTPKI_EUM_ORG) &&
             name_add(n, NID_commonName, V_ASN1_UTF8STRING, "euicc-emu Test EUM");
        break;
    case ROLE_EUICC:
        ok = ok && name_add(n, NID_organizationName, V_ASN1_UTF8STRING, TESTPKI_EUM_ORG) &&
             name_add(n, NID_serialNumber, V_ASN1_PRINTABLESTRING, eid) &&
             name_add(n, NID_commonName, V_ASN1_UTF8STRING, "euicc-emu Test eUICC");
        break;
    }
    if (!ok) {
        X509_NAME_free(n);
        n = NULL;
    }
    return n;
}

static bool add_key_usage(X509 *x, const int *bits, size_t n)
{
    ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
    bool ok = ku != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = ASN1_BIT_STRING_set_bit(ku, bits[i], 1) == 1;
    ok = ok && X509_add1_ext_i2d(x, NID_key_usage, ku, 1, X509V3_ADD_DEFAULT) == 1;
    ASN1_BIT_STRING_free(ku);
    return ok;
}

static bool add_basic_constraints(X509 *x, long pathlen)
{
    BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
    bool ok = bc != NULL;
    if (ok) {
        bc->ca = 0xFF;
        if (pathlen >= 0) {
            bc->pathlen = ASN1_INTEGER_new();
            ok = bc->pathlen != NULL && ASN1_INTEGER_set(bc->pathlen, pathlen) == 1;
        }
    }
    ok = ok && X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_DEFAULT) == 1;
    BASIC_CONSTRAINTS_free(bc);
    return ok;
}

static bool add_policy(X509 *x, const char *oid)
{
    CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
    POLICYINFO *pi = POLICYINFO_new();
    bool ok = pols != NULL && pi != NULL;
    if (ok) {
        ASN1_OBJECT_free(pi->policyid);
        pi->policyid = OBJ_txt2obj(oid, 1);
        ok = pi->policyid != NULL && sk_POLICYINFO_push(pols, pi) > 0;
        if (ok)
            pi = NULL;
    }
    ok = ok && X509_add1_ext_i2d(x, NID_certificate_policies, pols, 1, X509V3_ADD_DEFAULT) == 1;
    POLICYINFO_free(pi);
    CERTIFICATEPOLICIES_free(pols);
    return ok;
}

static bool add_key_ids(X509 *x, const uint8_t ski[20], const uint8_t aki[20])
{
    ASN1_OCTET_STRING *s = ASN1_OCTET_STRING_new();
    AUTHORITY_KEYID *a = AUTHORITY_KEYID_new();
    bool ok = s != NULL && a != NULL && ASN1_OCTET_STRING_set(s, ski, 20) == 1 &&
              X509_add1_ext_i2d(x, NID_subject_key_identifier, s, 0, X509V3_ADD_DEFAULT) == 1;
    if (ok) {
        a->keyid = ASN1_OCTET_STRING_new();
        ok = a->keyid != NULL && ASN1_OCTET_STRING_set(a->keyid, aki, 20) == 1 &&
             X509_add1_ext_i2d(x, NID_authority_key_identifier, a, 0, X509V3_ADD_DEFAULT) == 1;
    }
    ASN1_OCTET_STRING_free(s);
    AUTHORITY_KEYID_free(a);
    return ok;
}

static bool add_name_constraints(X509 *x, const char *prefix)
{
    NAME_CONSTRAINTS *nc = NAME_CONSTRAINTS_new();
    GENERAL_SUBTREE *st = GENERAL_SUBTREE_new();
    X509_NAME *dn = X509_NAME_new();
    bool ok = nc != NULL && st != NULL && dn != NULL &&
              name_add(dn, NID_organizationName, V_ASN1_UTF8STRING, TESTPKI_EUM_ORG) &&
              name_add(dn, NID_serialNumber, V_ASN1_PRINTABLESTRING, prefix);
    if (ok) {
        GENERAL_NAME_free(st->base);
        st->base = GENERAL_NAME_new();
        ok = st->base != NULL;
    }
    if (ok) {
        GENERAL_NAME_set0_value(st->base, GEN_DIRNAME, dn);
        dn = NULL;
        nc->permittedSubtrees = sk_GENERAL_SUBTREE_new_null();
        ok = nc->permittedSubtrees != NULL &&
             sk_GENERAL_SUBTREE_push(nc->permittedSubtrees, st) > 0;
        if (ok)
            st = NULL;
    }
    ok = ok && X509_add1_ext_i2d(x, NID_name_constraints, nc, 1, X509V3_ADD_DEFAULT) == 1;
    X509_NAME_free(dn);
    GENERAL_SUBTREE_free(st);
    NAME_CONSTRAINTS_free(nc);
    return ok;
}

static bool set_serial(X509 *x, struct rng *rng)
{
    uint8_t b[8];
    if (rng_bytes(rng, b, sizeof b) != 0)
        return false;
    b[0] = (uint8_t)((b[0] & 0x7F) | 0x01);   /* positive, 8 octets, non-zero */
    BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
    ASN1_INTEGER *ai = bn != NULL ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    bool ok = ai != NULL && X509_set_serialNumber(x, ai) == 1;
    ASN1_INTEGER_free(ai);
    BN_free(bn);
    return ok;
}

static bool set_validity(X509 *x)
{
    ASN1_TIME *nb = ASN1_TIME_new(), *na = ASN1_TIME_new();
    bool ok = nb != NULL && na != NULL &&
              ASN1_TIME_set_string_X509(nb, "20250101000000Z") == 1 &&
              ASN1_TIME_set_string_X509(na, "99991231235959Z") == 1 &&
              X509_set1_notBefore(x, nb) == 1 && X509_set1_notAfter(x, na) == 1;
    ASN1_TIME_free(nb);
    ASN1_TIME_free(na);
    return ok;
}

/* One certificate of role r for subject key sk, issued by issuer (NULL: self). */
static X509 *make_cert(enum role r, EVP_PKEY *sk, X509 *issuer, EVP_PKEY *issuer_key,
                       const char *eid, struct rng *rng)
{
    static const int ku_ca[] = {BIT_KEY_CERT_SIGN, BIT_CRL_SIGN};
    static const int ku_ee[] = {BIT_DIGITAL_SIGNATURE};
    uint8_t ski[20], aki[20];
    X509 *x = X509_new();
    X509_NAME *subj = make_name(r, eid);
    bool ok = x != NULL && subj != NULL && X509_set_version(x, X509_VERSION_3) == 1 &&
              set_serial(x, rng) && X509_set_subject_name(x, subj) == 1 &&
              X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer)
                                                     : subj) == 1 &&
              set_validity(x) && X509_set_pubkey(x, sk) == 1 && key_id(sk, ski) == 0 &&
              key_id(issuer_key, aki) == 0;
    switch (r) {
    case ROLE_CI:
        ok = ok && add_basic_constraints(x, -1) && add_key_usage(x, ku_ca, 2) &&
             add_policy(x, OID_ROLE_CI);
        break;
    case ROLE_EUM:
        ok = ok && add_basic_constraints(x, 0) && add_key_usage(x, ku_ca, 2) &&
             add_policy(x, OID_ROLE_EUM) && add_name_constraints(x, TESTPKI_EID_PREFIX);
        break;
    case ROLE_EUICC:
        ok = ok && add_key_usage(x, ku_ee, 1) && add_policy(x, OID_ROLE_EUICC);
        break;
    }
    ok = ok && add_key_ids(x, ski, aki) && X509_sign(x, issuer_key, EVP_sha256()) > 0;
    X509_NAME_free(subj);
    if (!ok) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

/* TESTPKI_EID_PREFIX, 22 digits from rng, two check digits. */
static int make_eid(struct rng *rng, char eid[EID_DIGITS + 1])
{
    size_t n = strlen(TESTPKI_EID_PREFIX);
    memcpy(eid, TESTPKI_EID_PREFIX, n);
    while (n < EID_DIGITS - 2) {
        uint8_t b;
        if (rng_bytes(rng, &b, 1) != 0)
            return -1;
        if (b < 250)                            /* unbiased digit */
            eid[n++] = (char)('0' + b % 10);
    }
    eid[EID_DIGITS] = '\0';
    return eid_set_check_digits(eid);
}

int testpki_generate(struct rng *rng, struct identity *id, char *err, size_t errcap)
{
    char eid[EID_DIGITS + 1];
    EVP_PKEY *ci_key = NULL, *eum_key = NULL, *euicc_key = NULL;
    X509 *ci = NULL, *eum = NULL, *euicc = NULL;
    int rc = -1;

    if (rng == NULL || id == NULL || make_eid(rng, eid) != 0 ||
        (ci_key = ec_keygen(EC_CURVE_P256, rng)) == NULL ||
        (eum_key = ec_keygen(EC_CURVE_P256, rng)) == NULL ||
        (euicc_key = ec_keygen(EC_CURVE_P256, rng)) == NULL ||
        (ci = make_cert(ROLE_CI, ci_key, NULL, ci_key, NULL, rng)) == NULL ||
        (eum = make_cert(ROLE_EUM, eum_key, ci, ci_key, NULL, rng)) == NULL ||
        (euicc = make_cert(ROLE_EUICC, euicc_key, eum, eum_key, eid, rng)) == NULL) {
        snprintf(err, errcap, "test PKI generation failed");
        goto out;
    }
    if (identity_add_ci(id, ci, "generated CERT.CI", err, errcap) < 0) {
        ci = NULL;
        goto out;
    }
    ci = NULL;
    rc = identity_add_slot(id, euicc_key, euicc, eum, "generated SK.EUICC",
                           "generated CERT.EUICC", "generated CERT.EUM", err, errcap);
    euicc_key = NULL;
    euicc = eum = NULL;
out:
    if (rc != 0)
        identity_clear(id);
    EVP_PKEY_free(ci_key);
    EVP_PKEY_free(eum_key);
    EVP_PKEY_free(euicc_key);
    X509_free(ci);
    X509_free(eum);
    X509_free(euicc);
    return rc;
}
