/* tests/unit/crypto/test_ecka_kdf.c — ECKA-DH, X9.63 KDF and the BSP session keys
 * against the pySim vectors of <shared>/vectors/bsp_kdf_p256.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "crypto/ec.h"
#include "crypto/ecka.h"
#include "crypto/kdf.h"
#include "crypto/rng.h"
#include "crypto/scp03t.h"
#include "vec_json.h"

#define KDF_FILE "vectors/bsp_kdf_p256.json"

static char *load_or_skip(void)
{
    char *j = vj_load(KDF_FILE);
    if (j == NULL) {
        print_message("SKIP: %s/%s absent (set EUICC_EMU_SHARED)\n", vj_shared_dir(), KDF_FILE);
        skip();
    }
    return j;
}

/* Hex field at path, asserted present with the expected length. */
static uint8_t *field(const char *j, const char *path, size_t want_len)
{
    size_t n = 0;
    uint8_t *v = vj_hex(vj_get(j, path), &n);
    if (v == NULL)
        fail_msg("vector field %s missing", path);
    if (want_len != 0)
        assert_int_equal(n, want_len);
    return v;
}

/* P-256 private key from a raw scalar: SEC1 ECPrivateKey without the public key. */
static EVP_PKEY *p256_from_scalar(const uint8_t d[32])
{
    static const uint8_t pre[] = {0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20};
    static const uint8_t post[] = {0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                   0xce, 0x3d, 0x03, 0x01, 0x07};
    uint8_t der[sizeof pre + 32 + sizeof post];
    memcpy(der, pre, sizeof pre);
    memcpy(der + sizeof pre, d, 32);
    memcpy(der + sizeof pre + 32, post, sizeof post);
    EVP_PKEY *k = ec_private_from_bytes(der, sizeof der);
    assert_non_null(k);
    return k;
}

static void test_ecka_both_directions(void **state)
{
    (void)state;
    char *j = load_or_skip();
    uint8_t *d_e = field(j, "otSK_EUICC_ECKA.d", 32);
    uint8_t *d_p = field(j, "otSK_DP_ECKA.d", 32);
    uint8_t *q_e = field(j, "otPK_EUICC_ECKA.uncompressed", 65);
    uint8_t *q_p = field(j, "otPK_DP_ECKA.uncompressed", 65);
    uint8_t *z = field(j, "shared_secret_Z.value", 32);
    EVP_PKEY *ke = p256_from_scalar(d_e), *kp = p256_from_scalar(d_p);
    uint8_t pt[65], got[32];

    assert_int_equal(ec_public_point(ke, pt), 0);
    assert_memory_equal(pt, q_e, 65);
    assert_int_equal(ec_public_point(kp, pt), 0);
    assert_memory_equal(pt, q_p, 65);
    /* card side: otSK.EUICC with otPK.DP; SM-DP+ side: otSK.DP with otPK.EUICC */
    assert_int_equal(ecka_shared_secret(ke, q_p, 65, got), 0);
    assert_memory_equal(got, z, 32);
    memset(got, 0, sizeof got);
    assert_int_equal(ecka_shared_secret(kp, q_e, 65, got), 0);
    assert_memory_equal(got, z, 32);

    EVP_PKEY_free(ke);
    EVP_PKEY_free(kp);
    free(d_e), free(d_p), free(q_e), free(q_p), free(z), free(j);
}

static void test_ecka_rejects_bad_points(void **state)
{
    (void)state;
    static const uint8_t seed[] = "ecka-negative";
    struct rng *r = rng_new_seeded(seed, sizeof seed);
    EVP_PKEY *own = ec_keygen(EC_CURVE_P256, r);
    EVP_PKEY *peer = ec_keygen(EC_CURVE_P256, r);
    EVP_PKEY *bp = ec_keygen(EC_CURVE_BP256R1, r);
    uint8_t pt[65], bad[65], z[32];
    assert_non_null(own), assert_non_null(peer), assert_non_null(bp);
    assert_int_equal(ec_public_point(peer, pt), 0);
    assert_int_equal(ecka_shared_secret(own, pt, 65, z), 0);

    memcpy(bad, pt, 65);
    bad[64] ^= 0x01;                                   /* off the curve */
    assert_int_equal(ecka_shared_secret(own, bad, 65, z), -1);
    memcpy(bad, pt, 65);
    bad[0] = 0x02;                                     /* not uncompressed */
    assert_int_equal(ecka_shared_secret(own, bad, 33, z), -1);
    assert_int_equal(ecka_shared_secret(own, pt, 64, z), -1);   /* truncated */
    assert_int_equal(ecka_shared_secret(own, pt, 66, z), -1);   /* too long */
    static const uint8_t inf[1] = {0x00};              /* point at infinity */
    assert_int_equal(ecka_shared_secret(own, inf, 1, z), -1);
    memset(bad, 0, sizeof bad);
    bad[0] = 0x04;                                     /* (0, 0): not on the curve */
    assert_int_equal(ecka_shared_secret(own, bad, 65, z), -1);
    uint8_t bpt[65];
    assert_int_equal(ec_public_point(bp, bpt), 0);     /* brainpool point on a P-256 key */
    assert_int_equal(ecka_shared_secret(own, bpt, 65, z), -1);
    assert_int_equal(ecka_shared_secret(NULL, pt, 65, z), -1);
    assert_int_equal(ecka_shared_secret(own, NULL, 65, z), -1);
    assert_int_equal(ecka_shared_secret(own, pt, 65, NULL), -1);
    /* an EC key on an unsupported curve is refused */
    EVP_PKEY *p384 = EVP_EC_gen("secp384r1");
    assert_non_null(p384);
    assert_int_equal(ecka_shared_secret(p384, pt, 65, z), -1);

    EVP_PKEY_free(p384);
    EVP_PKEY_free(own);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(bp);
    rng_free(r);
}

static void test_ecka_brainpool(void **state)
{
    (void)state;
    static const uint8_t seed[] = "ecka-brainpool";
    struct rng *r = rng_new_seeded(seed, sizeof seed);
    EVP_PKEY *a = ec_keygen(EC_CURVE_BP256R1, r), *b = ec_keygen(EC_CURVE_BP256R1, r);
    uint8_t pa[65], pb[65], za[32], zb[32], zero[32] = {0};
    assert_int_equal(ec_public_point(a, pa), 0);
    assert_int_equal(ec_public_point(b, pb), 0);
    assert_int_equal(ecka_shared_secret(a, pb, 65, za), 0);
    assert_int_equal(ecka_shared_secret(b, pa, 65, zb), 0);
    assert_memory_equal(za, zb, 32);
    assert_memory_not_equal(za, zero, 32);
    pb[40] ^= 0x80;
    assert_int_equal(ecka_shared_secret(a, pb, 65, za), -1);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    rng_free(r);
}

static void test_kdf_blocks(void **state)
{
    (void)state;
    char *j = load_or_skip();
    uint8_t *z = field(j, "shared_secret_Z.value", 32);
    uint8_t *host = field(j, "kdf_inputs.hostId", 8);
    uint8_t *eid = field(j, "kdf_inputs.eid", 16);
    uint8_t *kt = field(j, "kdf_inputs.keyType", 1), *kl = field(j, "kdf_inputs.keyLength", 1);
    size_t silen = 0;
    uint8_t *si = vj_hex(vj_get(j, "shared_info.value"), &silen);
    uint8_t *b0 = field(j, "kdf.blocks[0].output", 32), *b1 = field(j, "kdf.blocks[1].output", 32);
    uint8_t *c0 = field(j, "kdf.blocks[0].counter", 4), *c1 = field(j, "kdf.blocks[1].counter", 4);
    uint8_t *all = field(j, "kdf.output", 48);
    uint8_t mine[64], out[64];
    size_t n = 0;
    assert_non_null(si);

    /* SharedInfo as the header documents it, field by field */
    mine[n++] = kt[0];
    mine[n++] = kl[0];
    mine[n++] = 8;
    memcpy(mine + n, host, 8), n += 8;
    mine[n++] = 16;
    memcpy(mine + n, eid, 16), n += 16;
    assert_int_equal(n, silen);
    assert_memory_equal(mine, si, silen);
    static const uint8_t one[4] = {0, 0, 0, 1}, two[4] = {0, 0, 0, 2};
    assert_memory_equal(c0, one, 4);
    assert_memory_equal(c1, two, 4);

    assert_int_equal(kdf_x963_sha256(z, 32, si, silen, out, 64), 0);
    assert_memory_equal(out, b0, 32);
    assert_memory_equal(out + 32, b1, 32);
    assert_int_equal(kdf_x963_sha256(z, 32, si, silen, out, 48), 0);
    assert_memory_equal(out, all, 48);
    assert_int_equal(kdf_x963_sha256(z, 32, si, silen, out, 5), 0);   /* truncation */
    assert_memory_equal(out, b0, 5);

    free(z), free(host), free(eid), free(kt), free(kl), free(si), free(b0), free(b1);
    free(c0), free(c1), free(all), free(j);
}

static void test_kdf_errors(void **state)
{
    (void)state;
    uint8_t z[32] = {1}, si[4] = {2};
    uint8_t *big = malloc(32 * 256);
    assert_non_null(big);
    assert_int_equal(kdf_x963_sha256(z, 32, si, 4, big, 0), -1);
    assert_int_equal(kdf_x963_sha256(z, 32, si, 4, big, 32 * 255 + 1), -1);
    assert_int_equal(kdf_x963_sha256(NULL, 32, si, 4, big, 16), -1);
    assert_int_equal(kdf_x963_sha256(z, 0, si, 4, big, 16), -1);
    assert_int_equal(kdf_x963_sha256(z, 32, NULL, 4, big, 16), -1);
    assert_int_equal(kdf_x963_sha256(z, 32, si, 4, NULL, 16), -1);
    assert_int_equal(kdf_x963_sha256(z, 32, NULL, 0, big, 16), 0);    /* empty SharedInfo */
    assert_int_equal(kdf_x963_sha256(z, 32, si, 4, big, 32 * 255), 0); /* the maximum */
    free(big);
}

/* Session keys of one vector set (prefix: "" for the main set, or the cross-check). */
static void check_session_keys(const char *j, const char *zp, const char *hp, const char *ep,
                               const char *mcvp, const char *encp, const char *macp)
{
    size_t hlen = 0;
    uint8_t *z = field(j, zp, 32), *eid = field(j, ep, 16);
    uint8_t *host = vj_hex(vj_get(j, hp), &hlen);
    uint8_t *mcv = field(j, mcvp, 16), *enc = field(j, encp, 16), *mac = field(j, macp, 16);
    struct scp03t k;
    assert_non_null(host);
    memset(&k, 0xA5, sizeof k);
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, host, hlen, eid),
                     SCP03T_OK);
    assert_memory_equal(k.mcv, mcv, 16);
    assert_memory_equal(k.enc, enc, 16);
    assert_memory_equal(k.mac, mac, 16);
    assert_int_equal(k.counter, 1);
    scp03t_wipe(&k);
    static const uint8_t zero[sizeof k] = {0};
    assert_memory_equal(&k, zero, sizeof k);
    free(z), free(eid), free(host), free(mcv), free(enc), free(mac);
}

static void test_session_keys(void **state)
{
    (void)state;
    char *j = load_or_skip();
    check_session_keys(j, "shared_secret_Z.value", "kdf_inputs.hostId", "kdf_inputs.eid",
                       "derived.initial_mac_chaining_value", "derived.S_ENC", "derived.S_MAC");
    free(j);
}

static void test_session_keys_third_party(void **state)
{
    (void)state;
    char *j = load_or_skip();
    const char *t = "third_party_crosscheck.";
    char p[6][96];
    const char *names[6] = {"shared_secret_Z", "hostId", "eid", "initial_mac_chaining_value",
                            "S_ENC", "S_MAC"};
    for (int i = 0; i < 6; i++)
        snprintf(p[i], sizeof p[i], "%s%s", t, names[i]);
    check_session_keys(j, p[0], p[1], p[2], p[3], p[4], p[5]);
    free(j);
}

static void test_session_keys_errors(void **state)
{
    (void)state;
    uint8_t z[32] = {0}, eid[16] = {0}, host[128] = {0};
    struct scp03t k;
    memset(&k, 0x5A, sizeof k);
    struct scp03t before = k;
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, host, 128, eid),
                     SCP03T_EFORMAT);
    assert_memory_equal(&k, &before, sizeof k);
    assert_int_equal(scp03t_derive_session_keys(NULL, z, 0x88, 0x10, host, 8, eid),
                     SCP03T_EFORMAT);
    assert_int_equal(scp03t_derive_session_keys(&k, NULL, 0x88, 0x10, host, 8, eid),
                     SCP03T_EFORMAT);
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, NULL, 8, eid),
                     SCP03T_EFORMAT);
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, host, 8, NULL),
                     SCP03T_EFORMAT);
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, host, 127, eid),
                     SCP03T_OK);
    assert_int_equal(scp03t_derive_session_keys(&k, z, 0x88, 0x10, NULL, 0, eid), SCP03T_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecka_both_directions),
        cmocka_unit_test(test_ecka_rejects_bad_points),
        cmocka_unit_test(test_ecka_brainpool),
        cmocka_unit_test(test_kdf_blocks),
        cmocka_unit_test(test_kdf_errors),
        cmocka_unit_test(test_session_keys),
        cmocka_unit_test(test_session_keys_third_party),
        cmocka_unit_test(test_session_keys_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
