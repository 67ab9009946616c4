/* tests/unit/crypto/test_cert_rules.c — SGP.22 SM-DP+ certificate rules on the SGP.26
 * test PKI (EUICC_SGP26_DIR) and on certificates generated here, signed by the SGP.26
 * CI key, for the cases SGP.26 has no file for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/conf.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "crypto/cert_rules.h"
#include "crypto/ec.h"
#include "crypto/x509.h"
#include "tests/common/test_util.h"

/* Whole file under the SGP.26 directory (caller frees); skips the test when absent. */
static uint8_t *slurp(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_sgp26_dir(), rel);
    uint8_t *buf = tu_read_file(path, len);
    if (buf == NULL) {
        print_message("SKIP: %s absent (set EUICC_SGP26_DIR)\n", path);
        skip();
    }
    assert_true(*len > 0 && *len < 64 * 1024);
    return buf;
}

static X509 *ci_of(const char *curve)
{
    char rel[128];
    size_t n = 0;
    snprintf(rel, sizeof rel, "CI/CERT_CI_ECDSA_%s.der", curve);
    uint8_t *der = slurp(rel, &n);
    X509 *x = x509_from_der(der, n);
    assert_non_null(x);
    free(der);
    return x;
}

static EVP_PKEY *key_of(const char *rel)
{
    size_t n = 0;
    uint8_t *pem = slurp(rel, &n);
    EVP_PKEY *k = ec_private_from_bytes(pem, n);
    assert_non_null(k);
    free(pem);
    return k;
}

static enum cert_check check(const uint8_t *der, size_t len, const char *role, X509 *ci,
                             EVP_PKEY **key, uint8_t oid[SMDP_OID_MAX], size_t *oid_len)
{
    return cert_check_smdp(der, len, role, ci, NULL, NULL, 0, key, oid, oid_len);
}

static void print_oid(const char *what, const uint8_t *oid, size_t n)
{
    char txt[3 * SMDP_OID_MAX + 1] = "";
    for (size_t i = 0; i < n; i++)
        snprintf(txt + 3 * i, sizeof txt - 3 * i, "%02x ", oid[i]);
    print_message("%s SM-DP+ OID content octets: %s\n", what, txt);
}

/* One SGP.26 variant (NIST or BRP) through the success and the error paths. */
static void sgp26_variant(const char *curve, const char *other_curve)
{
    char rel[160];
    size_t alen = 0, plen = 0, elen = 0, o1 = 99, o2 = 99;
    snprintf(rel, sizeof rel, "DPauth/CERT_S_SM_DPauth_ECDSA_%s.der", curve);
    uint8_t *auth = slurp(rel, &alen);
    snprintf(rel, sizeof rel, "DPpb/CERT_S_SM_DPpb_ECDSA_%s.der", curve);
    uint8_t *pb = slurp(rel, &plen);
    snprintf(rel, sizeof rel, "EUM/CERT_EUM_ECDSA_%s.der", curve);
    uint8_t *eum = slurp(rel, &elen);
    X509 *ci = ci_of(curve), *wrong_ci = ci_of(other_curve);
    EVP_PKEY *key = NULL;
    uint8_t oid1[SMDP_OID_MAX], oid2[SMDP_OID_MAX];

    /* CERT.DPauth.SIG: OK, and its key verifies what SK.DPauth signs */
    assert_int_equal(check(auth, alen, OID_RSP_ROLE_DP_AUTH, ci, &key, oid1, &o1), CERT_OK);
    assert_non_null(key);
    snprintf(rel, sizeof rel, "DPauth/SK_S_SM_DPauth_ECDSA_%s.pem", curve);
    EVP_PKEY *sk = key_of(rel);
    static const uint8_t msg[] = "serverSigned1";
    uint8_t sig[64];
    assert_int_equal(ecdsa_sign_raw(sk, msg, sizeof msg, sig), 0);
    assert_true(ecdsa_verify_raw(key, msg, sizeof msg, sig, sizeof sig));
    sig[5] ^= 1;
    assert_false(ecdsa_verify_raw(key, msg, sizeof msg, sig, sizeof sig));
    EVP_PKEY_free(key);
    EVP_PKEY_free(sk);

    /* CERT.DPpb.SIG: OK in its own role, same SM-DP+ OID (2.999.10 = 88 37 0a) */
    assert_int_equal(check(pb, plen, OID_RSP_ROLE_DP_PB, ci, &key, oid2, &o2), CERT_OK);
    EVP_PKEY_free(key);
    assert_true(o1 > 0);
    assert_int_equal(o1, o2);
    assert_memory_equal(oid1, oid2, o1);
    static const uint8_t want_oid[] = {0x88, 0x37, 0x0a};
    assert_int_equal(o1, sizeof want_oid);
    assert_memory_equal(oid1, want_oid, sizeof want_oid);
    print_oid(curve, oid1, o1);

    /* wrong role, wrong CI, tampered signature, trailing garbage */
    key = (EVP_PKEY *)1;
    assert_int_equal(check(pb, plen, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID_OID);
    assert_null(key);
    assert_int_equal(o2, 0);
    assert_int_equal(check(auth, alen, OID_RSP_ROLE_DP_PB, ci, &key, oid2, &o2),
                     CERT_INVALID_OID);
    assert_int_equal(check(auth, alen, OID_RSP_ROLE_DP_AUTH, wrong_ci, &key, oid2, &o2),
                     CERT_CI_UNKNOWN);
    assert_null(key);
    uint8_t *bad = malloc(alen + 1);
    assert_non_null(bad);
    memcpy(bad, auth, alen);
    bad[alen - 1] ^= 0x01;                                  /* inside the signature's s */
    assert_int_equal(check(bad, alen, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID);
    memcpy(bad, auth, alen);
    bad[alen] = 0x00;
    assert_int_equal(check(bad, alen + 1, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID);
    assert_int_equal(check(bad, alen - 1, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID);
    free(bad);

    /* the EUM certificate (a CA): offered as an SM-DP+ certificate it has the wrong
     * role (the policy check comes first) → INVALID_OID; in its own role it still fails
     * the SM-DP+ rules (no digitalSignature, cA) → INVALID */
    assert_int_equal(check(eum, elen, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID_OID);
    assert_int_equal(check(eum, elen, OID_RSP_ROLE_EUM, ci, &key, oid2, &o2), CERT_INVALID);

    /* arguments: no CI, no certificate, NULL outputs allowed */
    assert_int_equal(check(auth, alen, OID_RSP_ROLE_DP_AUTH, NULL, &key, oid2, &o2),
                     CERT_CI_UNKNOWN);
    assert_int_equal(check(NULL, alen, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2),
                     CERT_INVALID);
    assert_int_equal(check(auth, 0, OID_RSP_ROLE_DP_AUTH, ci, &key, oid2, &o2), CERT_INVALID);
    assert_int_equal(check(auth, alen, NULL, ci, &key, oid2, &o2), CERT_INVALID);
    assert_int_equal(check(auth, alen, OID_RSP_ROLE_DP_AUTH, ci, NULL, NULL, NULL), CERT_OK);
    assert_int_equal(cert_check_smdp(auth, alen, OID_RSP_ROLE_DP_AUTH, ci, NULL, NULL, 1, &key,
                                     oid2, &o2),
                     CERT_INVALID);                         /* n_others without array */

    X509_free(ci);
    X509_free(wrong_ci);
    free(auth), free(pb), free(eum);
}

static void test_sgp26_nist(void **state)
{
    (void)state;
    sgp26_variant("NIST", "BRP");
}

static void test_sgp26_brp(void **state)
{
    (void)state;
    sgp26_variant("BRP", "NIST");
}

/* ---- generated certificates ---- */

struct gen {
    const char *curve;      /* "P-256", "P-384", "ED25519" */
    const char *policy;     /* NULL: none */
    const char *key_usage;  /* NULL: none */
    const char *basic;      /* NULL: none */
    const char *san;        /* NULL: none */
    bool no_aki;
};

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (e == NULL)
        print_message("extension %d = %s refused\n", nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate per g signed by issuer_key (issuer cert for AKI / name); DER out. */
static uint8_t *gen_cert(const struct gen *g, X509 *issuer, EVP_PKEY *issuer_key,
                         EVP_PKEY **subject_key, X509 **cert_out, size_t *len)
{
    EVP_PKEY *k = strcmp(g->curve, "ED25519") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                                                    : EVP_EC_gen(g->curve);
    X509 *x = X509_new();
    X509V3_CTX ctx;
    assert_non_null(k), assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 4711);
    X509_NAME *name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"gen", -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_NAME_free(name);
    X509_set_issuer_name(x, X509_get_subject_name(issuer));
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    assert_int_equal(X509_set_pubkey(x, k), 1);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    CONF *conf = NCONF_new(NULL);   /* certificatePolicies' parser needs a database */
    assert_non_null(conf);
    X509V3_set_nconf(&ctx, conf);
    if (!g->no_aki)
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (g->san != NULL)
        add_ext(x, &ctx, NID_subject_alt_name, g->san);
    if (g->key_usage != NULL)
        add_ext(x, &ctx, NID_key_usage, g->key_usage);
    if (g->policy != NULL)
        add_ext(x, &ctx, NID_certificate_policies, g->policy);
    if (g->basic != NULL)
        add_ext(x, &ctx, NID_basic_constraints, g->basic);
    NCONF_free(conf);
    assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
    int n = i2d_X509(x, NULL);
    assert_true(n > 0);
    uint8_t *der = malloc((size_t)n), *q = der;
    assert_non_null(der);
    assert_int_equal(i2d_X509(x, &q), n);
    *len = (size_t)n;
    if (subject_key != NULL)
        *subject_key = k;
    else
        EVP_PKEY_free(k);
    if (cert_out != NULL)
        *cert_out = x;
    else
        X509_free(x);
    return der;
}

static const struct gen good_dp = {"P-256", "critical," OID_RSP_ROLE_DP_AUTH,
                                   "critical,digitalSignature", NULL, "RID:2.999.10", false};

static void expect_gen(const struct gen *g, X509 *ci, EVP_PKEY *ci_key, enum cert_check want)
{
    size_t len = 0, ol = 0;
    EVP_PKEY *key = NULL;
    uint8_t oid[SMDP_OID_MAX];
    uint8_t *der = gen_cert(g, ci, ci_key, NULL, NULL, &len);
    assert_int_equal(check(der, len, OID_RSP_ROLE_DP_AUTH, ci, &key, oid, &ol), want);
    if (want == CERT_OK)
        assert_non_null(key);
    else
        assert_null(key);
    EVP_PKEY_free(key);
    free(der);
}

static void test_generated_rules(void **state)
{
    (void)state;
    X509 *ci = ci_of("NIST");
    EVP_PKEY *ci_key = key_of("CI/SK_CI_ECDSA_NIST.pem");
    struct gen g;

    expect_gen(&good_dp, ci, ci_key, CERT_OK);             /* control: the generator is right */
    g = good_dp, g.curve = "P-384";
    expect_gen(&g, ci, ci_key, CERT_UNSUPPORTED_CURVE);
    g = good_dp, g.curve = "ED25519";
    expect_gen(&g, ci, ci_key, CERT_UNSUPPORTED_CURVE);
    g = good_dp, g.key_usage = NULL;
    expect_gen(&g, ci, ci_key, CERT_INVALID);              /* keyUsage absent */
    g = good_dp, g.key_usage = "critical,keyCertSign";
    expect_gen(&g, ci, ci_key, CERT_INVALID);              /* no digitalSignature */
    g = good_dp, g.basic = "critical,CA:TRUE";
    expect_gen(&g, ci, ci_key, CERT_INVALID);              /* a CA */
    g = good_dp, g.basic = "critical,CA:FALSE";
    expect_gen(&g, ci, ci_key, CERT_OK);
    g = good_dp, g.policy = NULL;
    expect_gen(&g, ci, ci_key, CERT_INVALID_OID);          /* no certificatePolicies */
    g = good_dp, g.no_aki = true;
    expect_gen(&g, ci, ci_key, CERT_INVALID);              /* no AKI */

    /* SAN absent: still OK, oid_len 0; SAN with only a DNS name: same */
    for (int i = 0; i < 2; i++) {
        g = good_dp, g.san = i == 0 ? NULL : "DNS:smdp.example.com";
        size_t len = 0, ol = 77;
        uint8_t oid[SMDP_OID_MAX];
        uint8_t *der = gen_cert(&g, ci, ci_key, NULL, NULL, &len);
        assert_int_equal(check(der, len, OID_RSP_ROLE_DP_AUTH, ci, NULL, oid, &ol), CERT_OK);
        assert_int_equal(ol, 0);
        free(der);
    }
    /* a registeredID longer than SMDP_OID_MAX content octets is refused */
    char longoid[400] = "RID:1.3";
    for (int i = 0; i < 40; i++)
        strcat(longoid, ".123456");
    g = good_dp, g.san = longoid;
    expect_gen(&g, ci, ci_key, CERT_INVALID);

    /* signed by a key that is not the CI's, but naming the CI's SKI as AKI */
    EVP_PKEY *rogue = EVP_EC_gen("P-256");
    assert_non_null(rogue);
    expect_gen(&good_dp, ci, rogue, CERT_INVALID);
    EVP_PKEY_free(rogue);

    X509_free(ci);
    EVP_PKEY_free(ci_key);
}

static void test_intermediates(void **state)
{
    (void)state;
    X509 *ci = ci_of("NIST");
    EVP_PKEY *ci_key = key_of("CI/SK_CI_ECDSA_NIST.pem");
    static const struct gen sub = {"P-256", "critical," OID_RSP_ROLE_CI,
                                   "critical,keyCertSign", "critical,CA:TRUE", NULL, false};
    static const struct gen not_ca = {"P-256", "critical," OID_RSP_ROLE_CI,
                                      "critical,keyCertSign", NULL, NULL, false};
    EVP_PKEY *k1 = NULL, *k2 = NULL, *k3 = NULL, *key = NULL;
    X509 *c1 = NULL, *c2 = NULL, *c3 = NULL;
    size_t l1, l2, l3, ld, ld3, ol;
    uint8_t oid[SMDP_OID_MAX];
    /* CI → sub1 → sub2 → DP */
    uint8_t *s1 = gen_cert(&sub, ci, ci_key, &k1, &c1, &l1);
    uint8_t *s2 = gen_cert(&sub, c1, k1, &k2, &c2, &l2);
    uint8_t *dp = gen_cert(&good_dp, c2, k2, NULL, NULL, &ld);
    /* CI → not-a-CA → DP */
    uint8_t *s3 = gen_cert(&not_ca, ci, ci_key, &k3, &c3, &l3);
    uint8_t *dp3 = gen_cert(&good_dp, c3, k3, NULL, NULL, &ld3);

    const uint8_t *ord[2] = {s2, s1}, *rev[2] = {s1, s2};
    size_t lo[2] = {l2, l1}, lr[2] = {l1, l2};
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, ord, lo, 2, &key, oid,
                                     &ol),
                     CERT_OK);
    assert_non_null(key);
    EVP_PKEY_free(key);
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, rev, lr, 2, &key, oid,
                                     &ol),
                     CERT_OK);                              /* any order */
    EVP_PKEY_free(key);
    /* missing links */
    assert_int_equal(check(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, &key, oid, &ol), CERT_CI_UNKNOWN);
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, ord, lo, 1, &key, oid,
                                     &ol),
                     CERT_CI_UNKNOWN);
    /* another CI */
    X509 *brp = ci_of("BRP");
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, brp, ord, lo, 2, &key, oid,
                                     &ol),
                     CERT_CI_UNKNOWN);
    X509_free(brp);
    /* a tampered intermediate signature */
    uint8_t *t1 = malloc(l1);
    assert_non_null(t1);
    memcpy(t1, s1, l1);
    t1[l1 - 1] ^= 0x01;
    const uint8_t *tam[2] = {s2, t1};
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, tam, lo, 2, &key, oid,
                                     &ol),
                     CERT_INVALID);
    /* an intermediate that is not a CA */
    const uint8_t *nc[1] = {s3};
    assert_int_equal(cert_check_smdp(dp3, ld3, OID_RSP_ROLE_DP_AUTH, ci, nc, &l3, 1, &key, oid,
                                     &ol),
                     CERT_INVALID);
    /* malformed intermediate, too many intermediates */
    size_t one = 1;
    const uint8_t *junk[1] = {s1};
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, junk, &one, 1, &key, oid,
                                     &ol),
                     CERT_INVALID);
    const uint8_t *many[9] = {s1, s1, s1, s1, s1, s1, s1, s1, s2};
    size_t ml[9] = {l1, l1, l1, l1, l1, l1, l1, l1, l2};
    assert_int_equal(cert_check_smdp(dp, ld, OID_RSP_ROLE_DP_AUTH, ci, many, ml, 9, &key, oid,
                                     &ol),
                     CERT_INVALID);
    assert_null(key);

    free(t1), free(s1), free(s2), free(s3), free(dp), free(dp3);
    X509_free(c1), X509_free(c2), X509_free(c3);
    EVP_PKEY_free(k1), EVP_PKEY_free(k2), EVP_PKEY_free(k3);
    X509_free(ci);
    EVP_PKEY_free(ci_key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgp26_nist),
        cmocka_unit_test(test_sgp26_brp),
        cmocka_unit_test(test_generated_rules),
        cmocka_unit_test(test_intermediates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
