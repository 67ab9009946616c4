/* tests/unit/crypto/test_rng.c — rng: HMAC_DRBG known answer, determinism, system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/ct.h"
#include "crypto/rng.h"
#include "tests/common/test_util.h"

/* NIST CAVP HMAC_DRBG.rsp [SHA-256] no PR, no reseed, no personalisation, COUNT 0:
 * instantiate with EntropyInput || Nonce, generate 1024 bits twice, check the second. */
static void test_drbg_known_answer(void **state)
{
    (void)state;
    uint8_t seed[48], want[128], got[128];
    tu_unhex_n("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488", seed, 32);
    tu_unhex_n("659ba96c601dc69fc902940805ec0ca8", seed + 32, 16);
    tu_unhex_n("e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
        "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
        "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
        "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8",
        want, 128);
    struct rng *r = rng_new_seeded(seed, sizeof seed);
    assert_non_null(r);
    assert_int_equal(rng_bytes(r, got, sizeof got), 0);
    assert_int_equal(rng_bytes(r, got, sizeof got), 0);
    assert_memory_equal(got, want, sizeof want);
    rng_free(r);
}

static void test_seeded_deterministic(void **state)
{
    (void)state;
    static const uint8_t seed[] = "euicc-emu test seed";
    uint8_t a[100], b[100], c[100];
    struct rng *r1 = rng_new_seeded(seed, sizeof seed);
    struct rng *r2 = rng_new_seeded(seed, sizeof seed);
    struct rng *r3 = rng_new_seeded(seed, sizeof seed - 1);
    assert_non_null(r1);
    assert_non_null(r2);
    assert_non_null(r3);
    assert_int_equal(rng_bytes(r1, a, sizeof a), 0);
    assert_int_equal(rng_bytes(r2, b, 37), 0);          /* split requests differ from */
    assert_int_equal(rng_bytes(r2, b + 37, 63), 0);     /* one request only after 32 */
    assert_memory_equal(a, b, 32);
    assert_int_equal(rng_bytes(r3, c, sizeof c), 0);
    assert_memory_not_equal(a, c, sizeof a);
    assert_int_equal(rng_bytes(r1, a, 0), 0);
    rng_free(r1);
    rng_free(r2);
    rng_free(r3);
    /* empty seed is allowed; NULL with length is not */
    struct rng *r4 = rng_new_seeded(NULL, 0);
    assert_non_null(r4);
    rng_free(r4);
    assert_null(rng_new_seeded(NULL, 5));
}

static void test_reseed_replays(void **state)
{
    (void)state;
    static const uint8_t seed[] = "replay";
    uint8_t a[48], b[48];
    struct rng *r = rng_new_seeded(seed, sizeof seed);
    assert_non_null(r);
    assert_int_equal(rng_bytes(r, a, sizeof a), 0);
    assert_int_equal(rng_bytes(r, b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(rng_reseed(r, seed, sizeof seed), 0);
    assert_int_equal(rng_bytes(r, b, sizeof b), 0);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(rng_reseed(r, NULL, 3), -1);
    rng_free(r);
    struct rng *sys = rng_new_system();
    assert_non_null(sys);
    assert_int_equal(rng_reseed(sys, seed, sizeof seed), -1);
    rng_free(sys);
}

static void test_system(void **state)
{
    (void)state;
    uint8_t a[32] = {0}, b[32] = {0};
    struct rng *r = rng_new_system();
    assert_non_null(r);
    assert_int_equal(rng_bytes(r, a, sizeof a), 0);
    assert_int_equal(rng_bytes(r, b, sizeof b), 0);
    assert_false(ct_memeq(a, b, sizeof a));
    assert_int_equal(rng_bytes(r, NULL, 4), -1);
    assert_int_equal(rng_bytes(NULL, a, 4), -1);
    rng_free(r);
    rng_free(NULL);
}

static void test_ct(void **state)
{
    (void)state;
    uint8_t a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 4, 5};
    assert_true(ct_memeq(a, b, 5));
    b[4] ^= 0x80;
    assert_false(ct_memeq(a, b, 5));
    assert_true(ct_memeq(a, b, 0));
    ct_wipe(a, sizeof a);
    static const uint8_t zero[5];
    assert_memory_equal(a, zero, 5);
    ct_wipe(NULL, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drbg_known_answer),
        cmocka_unit_test(test_seeded_deterministic),
        cmocka_unit_test(test_reseed_replays),
        cmocka_unit_test(test_system),
        cmocka_unit_test(test_ct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
