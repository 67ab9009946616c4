/* tests/unit/crypto/test_ec.c — EC keys, plain ECDSA, digests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ec.h"
#include "crypto/rng.h"
#include "crypto/x509.h"
#include "tests/common/test_util.h"

static const uint8_t msg[] = "serverSigned1 || serverChallenge";

/* order n of a curve as 32 big-endian octets */
static void curve_order(enum ec_curve c, uint8_t out[32])
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(c == EC_CURVE_P256 ? NID_X9_62_prime256v1
                                                                : NID_brainpoolP256r1);
    assert_non_null(g);
    assert_int_equal(BN_bn2binpad(EC_GROUP_get0_order(g), out, 32), 32);
    EC_GROUP_free(g);
}

static EVP_PKEY *seeded_key(enum ec_curve c, const char *seed)
{
    struct rng *r = rng_new_seeded((const uint8_t *)seed, strlen(seed));
    assert_non_null(r);
    EVP_PKEY *k = ec_keygen(c, r);
    rng_free(r);
    assert_non_null(k);
    return k;
}

static void roundtrip(enum ec_curve c)
{
    EVP_PKEY *k = seeded_key(c, "roundtrip");
    uint8_t sig[64], bad[64], n[32];
    assert_int_equal(ec_key_curve(k), c);
    assert_int_equal(ecdsa_sign_raw(k, msg, sizeof msg, sig), 0);
    assert_true(ecdsa_verify_raw(k, msg, sizeof msg, sig, 64));
    /* public-only key from the point verifies too */
    uint8_t pt[65];
    assert_int_equal(ec_public_point(k, pt), 0);
    assert_int_equal(pt[0], 0x04);
    EVP_PKEY *pub = ec_public_from_point(c, pt, sizeof pt);
    assert_non_null(pub);
    assert_true(ecdsa_verify_raw(pub, msg, sizeof msg, sig, 64));
    /* wrong message, flipped bit, wrong length */
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg - 1, sig, 64));
    memcpy(bad, sig, 64);
    bad[10] ^= 1;
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, sig, 63));
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, sig, 65));
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, NULL, 64));
    /* r = 0, s = 0 */
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    /* r = n, s = n, s = 0xFF.. (>= n) */
    curve_order(c, n);
    memcpy(bad, sig, 64);
    memcpy(bad, n, 32);
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    memcpy(bad, sig, 64);
    memcpy(bad + 32, n, 32);
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    memcpy(bad, sig, 64);
    memset(bad + 32, 0xFF, 32);
    assert_false(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    /* the other valid s (n - s, "high s" when s was low) is accepted */
    BIGNUM *bn = BN_bin2bn(n, 32, NULL), *bs = BN_bin2bn(sig + 32, 32, NULL);
    assert_non_null(bn);
    assert_non_null(bs);
    assert_int_equal(BN_sub(bs, bn, bs), 1);
    memcpy(bad, sig, 32);
    assert_int_equal(BN_bn2binpad(bs, bad + 32, 32), 32);
    assert_true(ecdsa_verify_raw(pub, msg, sizeof msg, bad, 64));
    BN_free(bn);
    BN_free(bs);
    /* a key on the other curve does not verify */
    EVP_PKEY *other = seeded_key(c == EC_CURVE_P256 ? EC_CURVE_BP256R1 : EC_CURVE_P256,
                                 "roundtrip");
    assert_false(ecdsa_verify_raw(other, msg, sizeof msg, sig, 64));
    assert_false(ecdsa_verify_raw(NULL, msg, sizeof msg, sig, 64));
    assert_int_equal(ecdsa_sign_raw(NULL, msg, sizeof msg, sig), -1);
    EVP_PKEY_free(other);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

static void test_roundtrip_p256(void **state) { (void)state; roundtrip(EC_CURVE_P256); }
static void test_roundtrip_bp256(void **state) { (void)state; roundtrip(EC_CURVE_BP256R1); }

static void test_keygen_deterministic(void **state)
{
    (void)state;
    for (int c = EC_CURVE_P256; c <= EC_CURVE_BP256R1; c++) {
        EVP_PKEY *a = seeded_key((enum ec_curve)c, "seed-1");
        EVP_PKEY *b = seeded_key((enum ec_curve)c, "seed-1");
        EVP_PKEY *d = seeded_key((enum ec_curve)c, "seed-2");
        uint8_t pa[65], pb[65], pd[65];
        assert_int_equal(ec_public_point(a, pa), 0);
        assert_int_equal(ec_public_point(b, pb), 0);
        assert_int_equal(ec_public_point(d, pd), 0);
        assert_memory_equal(pa, pb, 65);
        assert_memory_not_equal(pa, pd, 65);
        /* the private keys are the same too */
        uint8_t da[200], db[200];
        size_t la = ec_private_to_der(a, da, sizeof da), lb = ec_private_to_der(b, db, sizeof db);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
        EVP_PKEY_free(a);
        EVP_PKEY_free(b);
        EVP_PKEY_free(d);
    }
    assert_null(ec_keygen(EC_CURVE_NONE, NULL));
    struct rng *r = rng_new_system();
    assert_null(ec_keygen(EC_CURVE_NONE, r));
    assert_null(ec_keygen(EC_CURVE_P256, NULL));
    EVP_PKEY *k = ec_keygen(EC_CURVE_P256, r);
    assert_non_null(k);
    EVP_PKEY_free(k);
    rng_free(r);
}

static void test_private_der_roundtrip(void **state)
{
    (void)state;
    EVP_PKEY *k = seeded_key(EC_CURVE_BP256R1, "der");
    uint8_t der[300], sig[64];
    size_t n = ec_private_to_der(k, der, sizeof der);
    assert_true(n > 0);
    assert_int_equal(der[0], 0x30);
    assert_int_equal(ec_private_to_der(k, der, n - 1), 0);     /* too small */
    assert_int_equal(ec_private_to_der(NULL, der, sizeof der), 0);
    n = ec_private_to_der(k, der, sizeof der);
    EVP_PKEY *k2 = ec_private_from_bytes(der, n);
    assert_non_null(k2);
    assert_int_equal(ec_key_curve(k2), EC_CURVE_BP256R1);
    assert_int_equal(ecdsa_sign_raw(k2, msg, sizeof msg, sig), 0);
    assert_true(ecdsa_verify_raw(k, msg, sizeof msg, sig, 64));
    /* an encrypted PEM key is refused (and never prompts for a password) */
    BIO *mb = BIO_new(BIO_s_mem());
    assert_non_null(mb);
    assert_int_equal(PEM_write_bio_PKCS8PrivateKey(mb, k, EVP_aes_128_cbc(), "pw", 2, NULL,
                                                   NULL), 1);
    char *pem = NULL;
    long pl = BIO_get_mem_data(mb, &pem);
    assert_true(pl > 0);
    assert_null(ec_private_from_bytes((const uint8_t *)pem, (size_t)pl));
    BIO_free(mb);
    /* trailing data, truncation, garbage, empty */
    uint8_t longer[301];
    memcpy(longer, der, n);
    longer[n] = 0;
    assert_null(ec_private_from_bytes(longer, n + 1));
    assert_null(ec_private_from_bytes(der, n - 1));
    assert_null(ec_private_from_bytes((const uint8_t *)"hello", 5));
    assert_null(ec_private_from_bytes(der, 0));
    assert_null(ec_private_from_bytes(NULL, 10));
    /* a non-EC key and an EC key on an unsupported curve */
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    assert_non_null(ed);
    assert_int_equal(ec_key_curve(ed), EC_CURVE_NONE);
    uint8_t *p8 = NULL;
    PKCS8_PRIV_KEY_INFO *pi = EVP_PKEY2PKCS8(ed);
    int l8 = i2d_PKCS8_PRIV_KEY_INFO(pi, &p8);
    assert_true(l8 > 0);
    assert_null(ec_private_from_bytes(p8, (size_t)l8));
    OPENSSL_free(p8);
    PKCS8_PRIV_KEY_INFO_free(pi);
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp384r1");
    assert_non_null(p384);
    assert_int_equal(ec_key_curve(p384), EC_CURVE_NONE);
    assert_int_equal(ecdsa_sign_raw(p384, msg, sizeof msg, sig), -1);
    assert_int_equal(ec_public_point(p384, (uint8_t[65]){0}), -1);
    p8 = NULL;
    pi = EVP_PKEY2PKCS8(p384);
    l8 = i2d_PKCS8_PRIV_KEY_INFO(pi, &p8);
    assert_null(ec_private_from_bytes(p8, (size_t)l8));
    OPENSSL_free(p8);
    PKCS8_PRIV_KEY_INFO_free(pi);
    EVP_PKEY_free(p384);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(k2);
    EVP_PKEY_free(k);
}

static void test_public_from_point_errors(void **state)
{
    (void)state;
    EVP_PKEY *k = seeded_key(EC_CURVE_P256, "pt");
    uint8_t pt[65];
    assert_int_equal(ec_public_point(k, pt), 0);
    assert_null(ec_public_from_point(EC_CURVE_P256, pt, 64));
    assert_null(ec_public_from_point(EC_CURVE_NONE, pt, 65));
    assert_null(ec_public_from_point(EC_CURVE_P256, NULL, 65));
    /* the P-256 point is not on brainpoolP256r1 */
    assert_null(ec_public_from_point(EC_CURVE_BP256R1, pt, 65));
    uint8_t bad[65];
    memcpy(bad, pt, 65);
    bad[0] = 0x02;
    assert_null(ec_public_from_point(EC_CURVE_P256, bad, 65));
    memcpy(bad, pt, 65);
    bad[64] ^= 1;                                 /* off the curve */
    assert_null(ec_public_from_point(EC_CURVE_P256, bad, 65));
    assert_int_equal(ec_public_point(NULL, pt), -1);
    EVP_PKEY_free(k);
}

static uint8_t *slurp(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tu_sgp26_dir(), rel);
    return tu_read_file(path, len);
}

/* Known answer: CERT.EUM's signature (ECDSA-Sig-Value -> r||s) over its TBS verifies
 * with CERT.CI's key, both curves; the SGP.26 PEM private key loads. */
static void test_sgp26_known_answer(void **state)
{
    (void)state;
    static const char *curves[] = {"NIST", "BRP"};
    for (int i = 0; i < 2; i++) {
        char ci_name[64], eum_name[64], sk_name[64];
        snprintf(ci_name, sizeof ci_name, "CI/CERT_CI_ECDSA_%s.der", curves[i]);
        snprintf(eum_name, sizeof eum_name, "EUM/CERT_EUM_ECDSA_%s.der", curves[i]);
        snprintf(sk_name, sizeof sk_name, "eUICC/SK_EUICC_ECDSA_%s.pem", curves[i]);
        size_t lci = 0, leum = 0, lsk = 0;
        uint8_t *ci = slurp(ci_name, &lci), *eum = slurp(eum_name, &leum);
        uint8_t *sk = slurp(sk_name, &lsk);
        if (ci == NULL || eum == NULL || sk == NULL) {
            free(ci);
            free(eum);
            free(sk);
            skip();   /* SGP.26 files absent (set EUICC_SGP26_DIR) */
        }
        X509 *xci = x509_from_der(ci, lci), *xeum = x509_from_der(eum, leum);
        assert_non_null(xci);
        assert_non_null(xeum);
        uint8_t *tbs = NULL;
        int ltbs = i2d_re_X509_tbs(xeum, &tbs);
        assert_true(ltbs > 0);
        const ASN1_BIT_STRING *bs = NULL;
        X509_get0_signature(&bs, NULL, xeum);
        const unsigned char *q = ASN1_STRING_get0_data(bs);
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, ASN1_STRING_length(bs));
        assert_non_null(es);
        uint8_t sig[64];
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32), 32);
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32), 32);
        EVP_PKEY *kci = X509_get0_pubkey(xci);
        assert_int_equal(ec_key_curve(kci), i == 0 ? EC_CURVE_P256 : EC_CURVE_BP256R1);
        assert_true(ecdsa_verify_raw(kci, tbs, (size_t)ltbs, sig, 64));
        tbs[ltbs / 2] ^= 1;
        assert_false(ecdsa_verify_raw(kci, tbs, (size_t)ltbs, sig, 64));
        /* wrong key (EUM's own) */
        tbs[ltbs / 2] ^= 1;
        assert_false(ecdsa_verify_raw(X509_get0_pubkey(xeum), tbs, (size_t)ltbs, sig, 64));
        /* SEC1 PEM with EC PARAMETERS block */
        EVP_PKEY *k = ec_private_from_bytes(sk, lsk);
        assert_non_null(k);
        assert_int_equal(ec_key_curve(k), i == 0 ? EC_CURVE_P256 : EC_CURVE_BP256R1);
        EVP_PKEY_free(k);
        ECDSA_SIG_free(es);
        OPENSSL_free(tbs);
        X509_free(xci);
        X509_free(xeum);
        free(ci);
        free(eum);
        free(sk);
    }
}

static void test_digests(void **state)
{
    (void)state;
    static const uint8_t want256[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
        0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
        0xf2, 0x00, 0x15, 0xad};
    static const uint8_t want1[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
                                      0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};
    uint8_t out[32];
    sha256((const uint8_t *)"abc", 3, out);
    assert_memory_equal(out, want256, 32);
    sha1((const uint8_t *)"abc", 3, out);
    assert_memory_equal(out, want1, 20);
}

static void test_sign_with_seeded_rng(void **state)
{
    (void)state;
    static const uint8_t seed[] = "nonce seed";
    static const uint8_t msg[] = "euiccSigned1";
    const enum ec_curve curves[] = { EC_CURVE_P256, EC_CURVE_BP256R1 };
    for (size_t c = 0; c < 2; c++) {
        struct rng *r1 = rng_new_seeded(seed, sizeof seed);
        struct rng *r2 = rng_new_seeded(seed, sizeof seed);
        EVP_PKEY *k = ec_keygen(curves[c], r1);
        EVP_PKEY *k2 = ec_keygen(curves[c], r2);
        uint8_t s1[64], s2[64], s3[64];
        assert_non_null(k);
        assert_non_null(k2);
        assert_int_equal(ecdsa_sign_raw_rng(k, r1, msg, sizeof msg, s1), 0);
        assert_int_equal(ecdsa_sign_raw_rng(k2, r2, msg, sizeof msg, s2), 0);
        assert_memory_equal(s1, s2, 64);                 /* replays exactly */
        assert_true(ecdsa_verify_raw(k, msg, sizeof msg, s1, 64));
        assert_int_equal(ecdsa_sign_raw_rng(k, r1, msg, sizeof msg, s3), 0);
        assert_memory_not_equal(s1, s3, 64);             /* a fresh nonce each time */
        assert_true(ecdsa_verify_raw(k, msg, sizeof msg, s3, 64));
        s3[10] ^= 1;
        assert_false(ecdsa_verify_raw(k, msg, sizeof msg, s3, 64));
        /* the system rng: OpenSSL's own nonce, still a valid signature */
        struct rng *sys = rng_new_system();
        assert_int_equal(ecdsa_sign_raw_rng(k, sys, msg, sizeof msg, s3), 0);
        assert_true(ecdsa_verify_raw(k, msg, sizeof msg, s3, 64));
        assert_int_equal(ecdsa_sign_raw_rng(NULL, r1, msg, sizeof msg, s3), -1);
        rng_free(sys);
        EVP_PKEY_free(k);
        EVP_PKEY_free(k2);
        rng_free(r1);
        rng_free(r2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_with_seeded_rng),
        cmocka_unit_test(test_roundtrip_p256),
        cmocka_unit_test(test_roundtrip_bp256),
        cmocka_unit_test(test_keygen_deterministic),
        cmocka_unit_test(test_private_der_roundtrip),
        cmocka_unit_test(test_public_from_point_errors),
        cmocka_unit_test(test_sgp26_known_answer),
        cmocka_unit_test(test_digests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
