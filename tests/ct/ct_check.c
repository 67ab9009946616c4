/* tests/ct/ct_check.c — constant-time check of the project's secret-handling code,
 * run under valgrind memcheck (tests/ct/run.sh). Secret inputs are marked undefined
 * with VALGRIND_MAKE_MEM_UNDEFINED; memcheck then reports every conditional jump and
 * every memory index that depends on them. OpenSSL's own internals are suppressed
 * (tests/ct/openssl.supp: errors whose innermost frame is in libcrypto); calls from the
 * project into OpenSSL and everything the project does around them are checked.
 * Results that are public by design (a MAC verdict, a length) are declassified with
 * VALGRIND_MAKE_MEM_DEFINED right where the protocol makes them public.
 * Exit status 0 when the checked paths ran; valgrind's --error-exitcode reports leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "card/uicc_internal.h"
#include "crypto/aka.h"
#include "crypto/ct.h"
#include "crypto/ec.h"
#include "crypto/ecka.h"
#include "crypto/kdf.h"
#include "crypto/rng.h"
#include "crypto/scp03t.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

static void check(int ok, const char *what)
{
    PUBLIC(&ok, sizeof ok);
    if (!ok) {
        fprintf(stderr, "ct_check: %s failed\n", what);
        failures++;
    }
}

/* ct_memeq on secret buffers: the verdict is the only thing that may become public. */
static void check_ct_memeq(void)
{
    uint8_t a[32], b[32];
    memset(a, 0x5A, sizeof a);
    memset(b, 0x5A, sizeof b);
    b[31] ^= 1;
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    bool eq = ct_memeq(a, b, sizeof a);
    PUBLIC(&eq, sizeof eq);
    check(!eq, "ct_memeq difference");
}

/* X9.63 KDF with a secret Z, and the BSP session-key derivation. */
static void check_kdf(void)
{
    uint8_t z[32], out[48];
    for (size_t i = 0; i < sizeof z; i++)
        z[i] = (uint8_t)(i * 7 + 1);
    static const uint8_t si[] = {0x88, 0x10, 0x02, 0x01, 0x02};
    SECRET(z, sizeof z);
    check(kdf_x963_sha256(z, sizeof z, si, sizeof si, out, sizeof out) == 0, "kdf");
    struct scp03t k;
    static const uint8_t eid[16] = {0x89, 0x04, 0x90, 0x32};
    static const uint8_t host[] = "mahlzeit";
    check(scp03t_derive_session_keys(&k, z, 0x88, 0x10, host, 8, eid) == 0, "derive");
    scp03t_wipe(&k);
}

/* BSP: wrap with public test keys, then unwrap with the SAME keys marked secret: MAC
 * verification and decryption must not branch on key-dependent data. */
static void check_scp03t(void)
{
    uint8_t enc[16], mac[16], mcv[16];
    for (int i = 0; i < 16; i++) {
        enc[i] = (uint8_t)(0x10 + i);
        mac[i] = (uint8_t)(0x30 + i);
        mcv[i] = (uint8_t)(0x50 + i);
    }
    static uint8_t plain[1008], seg[1100], out[1100];
    for (size_t i = 0; i < sizeof plain; i++)
        plain[i] = (uint8_t)i;
    struct scp03t w, u;
    size_t seg_len, out_len;
    const uint8_t tags[] = {0x87, 0x88, 0x86};
    scp03t_init(&w, enc, mac, mcv);
    scp03t_init(&u, enc, mac, mcv);
    SECRET(u.enc, sizeof u.enc);
    SECRET(u.mac, sizeof u.mac);
    for (size_t t = 0; t < sizeof tags; t++) {
        check(scp03t_wrap(&w, tags[t], plain, sizeof plain, seg, sizeof seg, &seg_len) == 0,
              "wrap");
        int rc = scp03t_unwrap(&u, seg, seg_len, out, sizeof out, &out_len);
        check(rc == SCP03T_OK, "unwrap");
        /* the plaintext of 86/87 is profile data the card now holds: secret as well, but
         * this check only compares it (declassified for the comparison) */
        PUBLIC(out, out_len);
        check(out_len == sizeof plain && memcmp(out, plain, out_len) == 0, "round trip");
    }
    /* a wrong MAC: the verdict becomes public, nothing else */
    check(scp03t_wrap(&w, 0x86, plain, 64, seg, sizeof seg, &seg_len) == 0, "wrap 2");
    seg[seg_len - 1] ^= 0x01;
    int rc = scp03t_unwrap(&u, seg, seg_len, out, sizeof out, &out_len);
    PUBLIC(&rc, sizeof rc);
    check(rc == SCP03T_EMAC, "bad MAC refused");
    scp03t_wipe(&w);
    scp03t_wipe(&u);
}

/* ECDSA signing and ECKA with a key generated from a secret seed. */
static void check_ec(void)
{
    uint8_t seed[32];
    memset(seed, 0x42, sizeof seed);
    SECRET(seed, sizeof seed);
    struct rng *r = rng_new_seeded(seed, sizeof seed);
    check(r != NULL, "rng");
    EVP_PKEY *k = ec_keygen(EC_CURVE_P256, r);
    EVP_PKEY *peer = ec_keygen(EC_CURVE_P256, r);
    check(k != NULL && peer != NULL, "keygen");
    uint8_t sig[64], pt[65], z[32];
    static const uint8_t msg[] = "euiccSigned1";
    check(ecdsa_sign_raw(k, msg, sizeof msg, sig) == 0, "sign");
    check(ec_public_point(peer, pt) == 0, "point");
    PUBLIC(pt, sizeof pt);
    check(ecka_shared_secret(k, pt, sizeof pt, z) == 0, "ecka");
    EVP_PKEY_free(k);
    EVP_PKEY_free(peer);
    rng_free(r);
}

/* AUTHENTICATE algorithms: Milenage (AES via OpenSSL around the project's XOR/rotation
 * code), TUAK (the project's Keccak-f[1600]) with a 256-bit K and 2 iterations, and the
 * USIM test algorithm, each run once with public K/OPc for the reference and once with
 * K and OPc marked secret; the outputs become public (they leave the card as the
 * AUTHENTICATE response) only for the comparison. */
static void check_aka(void)
{
    static const uint8_t rand[16] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d},
                         sqn[6] = {0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07}, amf[2] = {0xb9, 0xb9};
    const enum aka_algorithm algs[] = {AKA_MILENAGE, AKA_TUAK, AKA_TEST};
    for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
        struct aka_params p;
        struct aka_out want, got;
        aka_params_defaults(&p, algs[a]);
        if (algs[a] == AKA_TUAK) {
            p.k_len = 32;
            p.tuak_iterations = 2;
            p.mac_len = 16;
            p.res_len = 32;
            p.ck_len = 32;
        }
        for (size_t i = 0; i < sizeof p.k; i++) {
            p.k[i] = (uint8_t)(0x46 + 13 * i);
            p.opc[i] = (uint8_t)(0xcd ^ (7 * i));
        }
        check(aka_compute(&p, rand, sqn, amf, &want) == 0, "aka reference");
        SECRET(p.k, sizeof p.k);
        SECRET(p.opc, sizeof p.opc);
        int rc = aka_compute(&p, rand, sqn, amf, &got);
        PUBLIC(&rc, sizeof rc);
        check(rc == 0, "aka");
        PUBLIC(&got, sizeof got);
        check(memcmp(&got, &want, sizeof got) == 0, "aka outputs");
        ct_wipe(&p, sizeof p);
    }
}

/* PIN comparison of the UICC personality (card/uicc_pin.c): stored and presented values
 * secret; only the verdict becomes public (it is the status word). */
static void check_pin(void)
{
    struct pin p;
    memset(&p, 0, sizeof p);
    memcpy(p.value, "1234\xff\xff\xff\xff", PIN_VALUE_LEN);
    uint8_t good[PIN_VALUE_LEN], bad[PIN_VALUE_LEN];
    memcpy(good, p.value, sizeof good);
    memcpy(bad, p.value, sizeof bad);
    bad[3] = '5';
    SECRET(p.value, sizeof p.value);
    SECRET(good, sizeof good);
    SECRET(bad, sizeof bad);
    check(pin_value_matches(&p, good), "pin match");
    check(!pin_value_matches(&p, bad), "pin mismatch");
    ct_wipe(&p, sizeof p);
}

int main(void)
{
    check_ct_memeq();
    check_kdf();
    check_scp03t();
    check_ec();
    check_aka();
    check_pin();
    if (failures) {
        fprintf(stderr, "ct_check: %d functional failure(s)\n", failures);
        return 2;
    }
    printf("ct_check: checked ct_memeq, X9.63 KDF, BSP key derivation, SCP03t wrap/unwrap "
           "(MAC verify + decrypt), EC keygen, ECDSA sign, ECKA, AKA Milenage/TUAK/test "
           "algorithm, UICC PIN comparison\n");
    return 0;
}
