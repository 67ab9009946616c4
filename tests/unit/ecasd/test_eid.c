/* tests/unit/ecasd/test_eid.c — EID check digits and packing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ecasd/eid.h"

static const char sgp26[] = "89049032123451234512345678901235";

static void test_valid(void **state)
{
    (void)state;
    assert_true(eid_valid(sgp26, 32));
    assert_false(eid_valid(sgp26, 31));
    assert_false(eid_valid(NULL, 32));
    char d[33];
    memcpy(d, sgp26, 33);
    d[31] = '6';                                 /* wrong check digit */
    assert_false(eid_valid(d, 32));
    d[31] = '5';
    d[10] = 'A';                                 /* non-digit */
    assert_false(eid_valid(d, 32));
}

static void test_check_digits(void **state)
{
    (void)state;
    char d[33];
    memcpy(d, sgp26, 33);
    d[30] = d[31] = '0';
    assert_int_equal(eid_set_check_digits(d), 0);
    assert_string_equal(d, sgp26);
    /* every prefix gets digits making mod 97 == 1, also the extremes 98 and 02 */
    for (int i = 0; i < 200; i++) {
        memcpy(d, "890499990000000000000000000000", 30);
        d[27] = (char)('0' + i / 100);
        d[28] = (char)('0' + (i / 10) % 10);
        d[29] = (char)('0' + i % 10);
        assert_int_equal(eid_set_check_digits(d), 0);
        assert_true(eid_valid(d, 32));
    }
    d[3] = 'x';
    assert_int_equal(eid_set_check_digits(d), -1);
}

static void test_to_bytes(void **state)
{
    (void)state;
    static const uint8_t want[16] = {0x89, 0x04, 0x90, 0x32, 0x12, 0x34, 0x51, 0x23,
                                     0x45, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x35};
    uint8_t out[16];
    assert_int_equal(eid_to_bytes(sgp26, out), 0);
    assert_memory_equal(out, want, 16);
    assert_int_equal(eid_to_bytes("8904", out), -1);     /* short: stops at the NUL */
    assert_int_equal(eid_to_bytes(NULL, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_check_digits),
        cmocka_unit_test(test_to_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
