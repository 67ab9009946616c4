/* crypto/ec.c — EC keys and plain (r||s) ECDSA-SHA256 on P-256 and brainpoolP256r1. */
#include "crypto/ec.h"

#include <limits.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ct.h"

#define SCALAR_LEN 32
#define KEYGEN_TRIES 64

static int curve_nid(enum ec_curve c)
{
    switch (c) {
    case EC_CURVE_P256: return NID_X9_62_prime256v1;
    case EC_CURVE_BP256R1: return NID_brainpoolP256r1;
    default: return NID_undef;
    }
}

/* Speed: building an EC_GROUP (~20 us) and fetching SHA-256 from the provider cost more
 * than the arithmetic around them, so both curves' groups and the SHA-256 method are made
 * once per process (CRYPTO_THREAD_run_once) and only read afterwards. */
static CRYPTO_ONCE ec_once = CRYPTO_ONCE_STATIC_INIT;
static EC_GROUP *group_p256, *group_bp256;
static EVP_MD *md_sha256;

static void ec_init_once(void)
{
    group_p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    group_bp256 = EC_GROUP_new_by_curve_name(NID_brainpoolP256r1);
    md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static bool ec_init(void)
{
    return CRYPTO_THREAD_run_once(&ec_once, ec_init_once) == 1;
}

/* The process-lifetime group of a curve (never freed by callers); NULL when unknown. */
static const EC_GROUP *curve_group(enum ec_curve c)
{
    if (!ec_init())
        return NULL;
    switch (c) {
    case EC_CURVE_P256: return group_p256;
    case EC_CURVE_BP256R1: return group_bp256;
    default: return NULL;
    }
}

/* SHA-256 of msg into h (the prefetched method; EVP_sha256() would fetch per call). */
static bool digest_sha256(const uint8_t *msg, size_t len, uint8_t h[32])
{
    unsigned int olen = 0;
    return ec_init() && md_sha256 != NULL &&
           EVP_Digest(msg, len, h, &olen, md_sha256, NULL) == 1 && olen == 32;
}

enum ec_curve ec_key_curve(const EVP_PKEY *k)
{
    char name[64];
    size_t nlen = 0;

    if (k == NULL || !EVP_PKEY_is_a(k, "EC"))
        return EC_CURVE_NONE;
    if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name,
                                       &nlen) != 1)
        return EC_CURVE_NONE;
    int nid = OBJ_sn2nid(name);
    if (nid == NID_undef)
        nid = EC_curve_nist2nid(name);
    if (nid == NID_X9_62_prime256v1)
        return EC_CURVE_P256;
    if (nid == NID_brainpoolP256r1)
        return EC_CURVE_BP256R1;
    return EC_CURVE_NONE;
}

/* Build an EVP_PKEY from group name, optional private scalar and public point. */
static EVP_PKEY *key_fromdata(enum ec_curve curve, const BIGNUM *priv, const uint8_t *pub,
                              size_t publen)
{
    const char *gname = OBJ_nid2sn(curve_nid(curve));
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (bld == NULL || gname == NULL)
        goto out;
    if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, gname, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) != 1)
        goto out;
    if (priv != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1)
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1)
        goto out;
    if (EVP_PKEY_fromdata(ctx, &pkey, priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params) != 1)
        pkey = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* holds a copy of the private scalar */
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

/* Key pair from OpenSSL's key generation (its private DRBG draws the scalar): for the
 * system rng, where it costs half of drawing a scalar here and importing it. */
static EVP_PKEY *keygen_openssl(enum ec_curve curve)
{
    const char *gname = OBJ_nid2sn(curve_nid(curve));
    EVP_PKEY_CTX *ctx = gname != NULL ? EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL) : NULL;
    EVP_PKEY *pkey = NULL;
    if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_group_name(ctx, gname) != 1 || EVP_PKEY_generate(ctx, &pkey) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return pkey;
}

EVP_PKEY *ec_keygen(enum ec_curve curve, struct rng *rng)
{
    if (rng != NULL && !rng_is_seeded(rng) && curve_group(curve) != NULL)
        return keygen_openssl(curve);
    const EC_GROUP *g = curve_group(curve);
    BN_CTX *bctx = BN_CTX_new();
    BIGNUM *d = BN_secure_new();
    EC_POINT *q = NULL;
    EVP_PKEY *pkey = NULL;
    uint8_t buf[SCALAR_LEN];
    uint8_t pub[65];

    if (g == NULL || bctx == NULL || d == NULL || rng == NULL)
        goto out;
    const BIGNUM *n = EC_GROUP_get0_order(g);
    bool found = false;
    for (int i = 0; i < KEYGEN_TRIES && !found; i++) {
        if (rng_bytes(rng, buf, sizeof buf) != 0 || BN_bin2bn(buf, sizeof buf, d) == NULL)
            goto out;
        found = !BN_is_zero(d) && BN_cmp(d, n) < 0;
    }
    if (!found)
        goto out;
    BN_set_flags(d, BN_FLG_CONSTTIME);
    q = EC_POINT_new(g);
    if (q == NULL || EC_POINT_mul(g, q, d, NULL, NULL, bctx) != 1 ||
        EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, bctx) !=
            sizeof pub)
        goto out;
    pkey = key_fromdata(curve, d, pub, sizeof pub);
out:
    ct_wipe(buf, sizeof buf);
    BN_clear_free(d);
    EC_POINT_free(q);
    BN_CTX_free(bctx);
    return pkey;
}

int ec_public_point(const EVP_PKEY *k, uint8_t out[65])
{
    uint8_t enc[133];
    size_t elen = 0;
    enum ec_curve c = ec_key_curve(k);
    const EC_GROUP *g = curve_group(c);
    EC_POINT *q = NULL;
    int rc = -1;

    if (g == NULL ||
        EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, enc, sizeof enc, &elen) != 1)
        goto out;
    if (elen == 65 && enc[0] == 0x04) {   /* already 04||X||Y (a key's point is valid) */
        memcpy(out, enc, 65);
        rc = 0;
        goto out;
    }
    q = EC_POINT_new(g);
    if (q == NULL || EC_POINT_oct2point(g, q, enc, elen, NULL) != 1 ||
        EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, out, 65, NULL) != 65)
        goto out;
    rc = 0;
out:
    EC_POINT_free(q);
    return rc;
}

EVP_PKEY *ec_public_from_point(enum ec_curve curve, const uint8_t *pt, size_t len)
{
    const EC_GROUP *g = curve_group(curve);
    EC_POINT *q = NULL;
    EVP_PKEY *pkey = NULL;

    if (g == NULL || pt == NULL || len != 65 || pt[0] != 0x04)
        goto out;
    q = EC_POINT_new(g);   /* oct2point rejects points not on the curve */
    if (q == NULL || EC_POINT_oct2point(g, q, pt, len, NULL) != 1)
        goto out;
    pkey = key_fromdata(curve, NULL, pt, len);
out:
    EC_POINT_free(q);
    return pkey;
}

static bool looks_pem(const uint8_t *p, size_t len)
{
    static const char mark[] = "-----BEGIN";
    for (size_t i = 0; i + sizeof mark - 1 <= len; i++)
        if (memcmp(p + i, mark, sizeof mark - 1) == 0)
            return true;
    return false;
}

/* Password callback refusing encrypted keys (never prompt on a terminal). */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

EVP_PKEY *ec_private_from_bytes(const uint8_t *p, size_t len)
{
    EVP_PKEY *k = NULL;

    if (p == NULL || len == 0 || len > INT_MAX)
        return NULL;
    if (looks_pem(p, len)) {
        BIO *b = BIO_new_mem_buf(p, (int)len);
        if (b != NULL)
            k = PEM_read_bio_PrivateKey(b, NULL, no_password, NULL); /* skips EC PARAMETERS */
        BIO_free(b);
    } else {
        const unsigned char *q = p;
        k = d2i_AutoPrivateKey(NULL, &q, (long)len);
        if (k != NULL && q != p + len) {
            EVP_PKEY_free(k);
            k = NULL;
        }
    }
    ERR_clear_error();
    if (k != NULL && ec_key_curve(k) == EC_CURVE_NONE) {
        EVP_PKEY_free(k);
        k = NULL;
    }
    return k;
}

size_t ec_private_to_der(const EVP_PKEY *k, uint8_t *out, size_t cap)
{
    PKCS8_PRIV_KEY_INFO *p8 = k != NULL ? EVP_PKEY2PKCS8(k) : NULL;
    unsigned char *der = NULL;
    size_t ret = 0;

    if (p8 == NULL)
        return 0;
    int n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
    if (n > 0 && (size_t)n <= cap && out != NULL) {
        memcpy(out, der, (size_t)n);
        ret = (size_t)n;
    }
    if (der != NULL)
        OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
    PKCS8_PRIV_KEY_INFO_free(p8);
    return ret;
}

int ecdsa_sign_raw(const EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_PKEY_CTX *ctx = NULL;
    uint8_t h[32];
    uint8_t der[80];
    size_t dlen = sizeof der;
    ECDSA_SIG *es = NULL;
    int rc = -1;

    if (ec_key_curve(k) == EC_CURVE_NONE || (msg == NULL && len > 0) ||
        !digest_sha256(msg, len, h))
        goto out;
    /* sign the digest (same ECDSA as EVP_DigestSign, without a per-call digest fetch) */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)k, NULL);
    if (ctx == NULL || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_sign(ctx, der, &dlen, h, sizeof h) != 1)
        goto out;
    ct_public(&dlen, sizeof dlen);     /* the signature is public: it is sent */
    ct_public(der, dlen);
    const unsigned char *q = der;
    es = d2i_ECDSA_SIG(NULL, &q, (long)dlen);
    if (es == NULL)
        goto out;
    const BIGNUM *r = ECDSA_SIG_get0_r(es), *s = ECDSA_SIG_get0_s(es);
    if (BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(s, sig + 32, 32) != 32)
        goto out;
    rc = 0;
out:
    ECDSA_SIG_free(es);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

/* ECDSA with the nonce k drawn from a seeded rng (40 octets reduced mod n: negligible
 * bias): r = x(k·G) mod n, s = k^-1 (e + r·d) mod n. The scalar multiplication and the
 * inversion (Fermat, k^(n-2)) use OpenSSL's constant-time paths; k and d carry
 * BN_FLG_CONSTTIME. Only reached with a deterministic rng (tests, fuzzing). */
static int sign_with_rng_nonce(const EVP_PKEY *key, struct rng *rng, const uint8_t *msg,
                               size_t len, uint8_t sig[64])
{
    const EC_GROUP *g = curve_group(ec_key_curve(key));
    BN_CTX *ctx = BN_CTX_secure_new();
    EC_POINT *R = g ? EC_POINT_new(g) : NULL;
    BIGNUM *d = NULL, *e = BN_new(), *k = BN_secure_new(), *kinv = BN_secure_new();
    BIGNUM *r = BN_new(), *s = BN_secure_new(), *x = BN_new(), *nm2 = BN_new();
    uint8_t h[32], kb[40];
    int rc = -1;

    if (g == NULL || ctx == NULL || R == NULL || !e || !k || !kinv || !r || !s || !x || !nm2 ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1)
        goto out;
    BN_set_flags(d, BN_FLG_CONSTTIME);
    const BIGNUM *n = EC_GROUP_get0_order(g);
    sha256(msg, len, h);
    if (!BN_bin2bn(h, sizeof h, e) || !BN_nnmod(e, e, n, ctx) || !BN_copy(nm2, n) ||
        !BN_sub_word(nm2, 2))
        goto out;
    for (int tries = 0; tries < 8 && rc != 0; tries++) {
        if (rng_bytes(rng, kb, sizeof kb) != 0 || !BN_bin2bn(kb, sizeof kb, k) ||
            !BN_nnmod(k, k, n, ctx))
            goto out;
        BN_set_flags(k, BN_FLG_CONSTTIME);
        if (BN_is_zero(k) || !EC_POINT_mul(g, R, k, NULL, NULL, ctx) ||
            !EC_POINT_get_affine_coordinates(g, R, x, NULL, ctx) || !BN_nnmod(r, x, n, ctx) ||
            BN_is_zero(r))
            continue;
        if (!BN_mod_exp_mont_consttime(kinv, k, nm2, n, ctx, NULL) ||
            !BN_mod_mul(s, r, d, n, ctx) || !BN_mod_add(s, s, e, n, ctx) ||
            !BN_mod_mul(s, s, kinv, n, ctx))
            goto out;
        if (BN_is_zero(s))
            continue;
        if (BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32)
            rc = 0;
    }
    ct_public(sig, 64);                /* the signature is public: it is sent */
out:
    ct_wipe(kb, sizeof kb);
    BN_clear_free(d);
    BN_clear_free(k);
    BN_clear_free(kinv);
    BN_clear_free(s);
    BN_free(e);
    BN_free(r);
    BN_free(x);
    BN_free(nm2);
    EC_POINT_free(R);
    BN_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

int ecdsa_sign_raw_rng(const EVP_PKEY *k, struct rng *rng, const uint8_t *msg, size_t len,
                       uint8_t sig[64])
{
    if (!rng_is_seeded(rng))
        return ecdsa_sign_raw(k, msg, len, sig);
    if (k == NULL || ec_key_curve(k) == EC_CURVE_NONE || (msg == NULL && len > 0))
        return -1;
    return sign_with_rng_nonce(k, rng, msg, len, sig);
}

bool ecdsa_verify_raw(const EVP_PKEY *k, const uint8_t *msg, size_t len, const uint8_t *sig,
                      size_t sig_len)
{
    const EC_GROUP *g = curve_group(ec_key_curve(k));
    EVP_PKEY_CTX *ctx = NULL;
    ECDSA_SIG *es = NULL;
    uint8_t h[32];
    BIGNUM *r = NULL, *s = NULL;
    unsigned char *der = NULL;
    bool ok = false;

    if (g == NULL || sig == NULL || sig_len != 64 || (msg == NULL && len > 0))
        goto out;
    const BIGNUM *n = EC_GROUP_get0_order(g);
    r = BN_bin2bn(sig, 32, NULL);
    s = BN_bin2bn(sig + 32, 32, NULL);
    if (r == NULL || s == NULL || BN_is_zero(r) || BN_is_zero(s) || BN_cmp(r, n) >= 0 ||
        BN_cmp(s, n) >= 0)
        goto out;
    es = ECDSA_SIG_new();
    if (es == NULL || ECDSA_SIG_set0(es, r, s) != 1)
        goto out;
    r = s = NULL; /* owned by es */
    int dlen = i2d_ECDSA_SIG(es, &der);
    if (dlen <= 0 || !digest_sha256(msg, len, h))
        goto out;
    /* verify over the digest (same ECDSA as EVP_DigestVerify, no per-call digest fetch) */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)k, NULL);
    if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1)
        goto out;
    ok = EVP_PKEY_verify(ctx, der, (size_t)dlen, h, sizeof h) == 1;
out:
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

void sha256(const uint8_t *p, size_t len, uint8_t out[32])
{
    if (!digest_sha256(p, len, out))
        memset(out, 0, 32);
}

void sha1(const uint8_t *p, size_t len, uint8_t out[20])
{
    unsigned int olen = 0;
    if (EVP_Digest(p, len, out, &olen, EVP_sha1(), NULL) != 1)
        memset(out, 0, 20);
}
