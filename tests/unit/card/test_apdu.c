/* Unit tests: card/apdu.c — C-APDU decoding, CLA channel numbers, apdu_respond. */
#include "card_test_util.h"

#include "card/apdu.h"

static uint16_t dec(struct apdu *a, const char *hex)
{
    static uint8_t buf[70000];
    size_t n = tu_unhex(hex, buf, sizeof(buf));
    return apdu_decode(a, buf, n);
}

static void test_case1(void **state)
{
    (void)state;
    struct apdu a;
    assert_int_equal(dec(&a, "01A40400"), 0);
    assert_int_equal(a.apdu_case, 1);
    assert_int_equal(a.cla, 0x01);
    assert_int_equal(a.ins, 0xA4);
    assert_int_equal(a.p1, 0x04);
    assert_int_equal(a.p2, 0x00);
    assert_int_equal(a.channel, 1);
    assert_false(a.has_le);
    assert_int_equal(a.lc, 0);
    assert_null(a.data);
    assert_false(a.extended);
    assert_false(a.proprietary);
}

static void test_case2_short(void **state)
{
    (void)state;
    struct apdu a;
    assert_int_equal(dec(&a, "00B0000010"), 0);
    assert_int_equal(a.apdu_case, 2);
    assert_true(a.has_le);
    assert_int_equal(a.ne, 16);
    assert_int_equal(dec(&a, "00B0000000"), 0);
    assert_int_equal(a.ne, 256);
    assert_false(a.extended);
}

static void test_case3_short(void **state)
{
    (void)state;
    struct apdu a;
    assert_int_equal(dec(&a, "80E2910003BF2D00"), 0);
    assert_int_equal(a.apdu_case, 3);
    assert_int_equal(a.lc, 3);
    assert_int_equal(a.data[0], 0xBF);
    assert_int_equal(a.data[2], 0x00);
    assert_false(a.has_le);
    assert_true(a.proprietary);
}

static void test_case4_short(void **state)
{
    (void)state;
    struct apdu a;
    assert_int_equal(dec(&a, "00A4040402 3F00 00"), 0);
    assert_int_equal(a.apdu_case, 4);
    assert_int_equal(a.lc, 2);
    assert_true(a.has_le);
    assert_int_equal(a.ne, 256);
    assert_int_equal(dec(&a, "00A4040402 3F00 05"), 0);
    assert_int_equal(a.ne, 5);
}

static void test_case2_extended(void **state)
{
    (void)state;
    struct apdu a;
    assert_int_equal(dec(&a, "00B00000 000000"), 0);
    assert_int_equal(a.apdu_case, 2);
    assert_true(a.extended);
    assert_int_equal(a.ne, 65536);
    assert_int_equal(dec(&a, "00B00000 000102"), 0);
    assert_int_equal(a.ne, 0x102);
}

static void test_case3_4_extended(void **state)
{
    (void)state;
    struct apdu a;
    static char hex[2 * 70000];
    /* case 3E with 300 data bytes */
    strcpy(hex, "80E29100 00012C");
    for (int i = 0; i < 300; i++)
        strcat(hex, "AA");
    assert_int_equal(dec(&a, hex), 0);
    assert_int_equal(a.apdu_case, 3);
    assert_true(a.extended);
    assert_int_equal(a.lc, 300);
    assert_false(a.has_le);
    /* case 4E with Le 0000 → 65536 */
    strcat(hex, "0000");
    assert_int_equal(dec(&a, hex), 0);
    assert_int_equal(a.apdu_case, 4);
    assert_int_equal(a.lc, 300);
    assert_int_equal(a.ne, 65536);
    /* case 4E with Le 0102 */
    assert_int_equal(dec(&a, "00A40400 000002 3F00 0102"), 0);
    assert_int_equal(a.apdu_case, 4);
    assert_int_equal(a.ne, 0x102);
    assert_int_equal(a.lc, 2);
    assert_int_equal(a.data[0], 0x3F);
}

static void test_malformed(void **state)
{
    (void)state;
    struct apdu a;
    uint8_t three[3] = { 0x00, 0xA4, 0x04 };
    assert_int_equal(apdu_decode(&a, three, 3), SW_WRONG_LENGTH);
    assert_int_equal(apdu_decode(&a, NULL, 0), SW_WRONG_LENGTH);
    assert_int_equal(dec(&a, "00A4040002 3F"), SW_WRONG_LENGTH);        /* Lc > data */
    assert_int_equal(dec(&a, "00A4040002 3F00 0000"), SW_WRONG_LENGTH); /* 2 extra */
    assert_int_equal(dec(&a, "00A40400 0000"), SW_WRONG_LENGTH);        /* 00 + 1 byte */
    assert_int_equal(dec(&a, "00A40400 000000 3F"), SW_WRONG_LENGTH);   /* ext Lc 0 */
    assert_int_equal(dec(&a, "00A40400 000002 3F"), SW_WRONG_LENGTH);   /* ext Lc > data */
    assert_int_equal(dec(&a, "00A40400 000002 3F00 01"), SW_WRONG_LENGTH); /* 1-byte ext Le */
    assert_int_equal(dec(&a, "00A40400 000002 3F00 010203"), SW_WRONG_LENGTH);
    assert_int_equal(dec(&a, "FFA40400"), SW_CLA_NOT_SUPPORTED);
}

static void test_cla_channel(void **state)
{
    (void)state;
    assert_int_equal(apdu_cla_channel(0x00), 0);
    assert_int_equal(apdu_cla_channel(0x01), 1);
    assert_int_equal(apdu_cla_channel(0x03), 3);
    assert_int_equal(apdu_cla_channel(0x0C), 0);  /* SM bits */
    assert_int_equal(apdu_cla_channel(0x13), 3);  /* chaining bit */
    assert_int_equal(apdu_cla_channel(0x80), 0);
    assert_int_equal(apdu_cla_channel(0x81), 1);
    assert_int_equal(apdu_cla_channel(0xA2), 2);
    assert_int_equal(apdu_cla_channel(0xB3), 3);
    assert_int_equal(apdu_cla_channel(0x40), 4);
    assert_int_equal(apdu_cla_channel(0x41), 5);
    assert_int_equal(apdu_cla_channel(0x4F), 19);
    assert_int_equal(apdu_cla_channel(0x60), 4);  /* SM bit b6 */
    assert_int_equal(apdu_cla_channel(0x7F), 19);
    assert_int_equal(apdu_cla_channel(0xC0), 4);
    assert_int_equal(apdu_cla_channel(0xC5), 9);
    assert_int_equal(apdu_cla_channel(0xFE), 18);
    assert_int_equal(apdu_cla_channel(0xFF), -1);
    struct apdu a;
    assert_int_equal(dec(&a, "4FF20000"), 0);
    assert_int_equal(a.channel, 19);
    assert_false(a.proprietary);
    assert_int_equal(dec(&a, "C5F20000"), 0);
    assert_int_equal(a.channel, 9);
    assert_true(a.proprietary);
}

static void test_respond(void **state)
{
    (void)state;
    uint8_t buf[4];
    struct apdu a;
    memset(&a, 0, sizeof(a));
    a.resp = buf;
    a.resp_cap = sizeof(buf);
    const uint8_t d[5] = { 1, 2, 3, 4, 5 };
    apdu_respond(&a, d, 4, SW_OK);
    assert_int_equal(a.resp_len, 4);
    assert_int_equal(a.sw, SW_OK);
    assert_memory_equal(buf, d, 4);
    apdu_respond(&a, d, 5, SW_OK);                /* too long */
    assert_int_equal(a.resp_len, 0);
    assert_int_equal(a.sw, SW_UNKNOWN);
    apdu_respond(&a, NULL, 2, SW_OK);             /* no data */
    assert_int_equal(a.sw, SW_UNKNOWN);
    apdu_respond(&a, NULL, 0, SW_FILE_NOT_FOUND);
    assert_int_equal(a.resp_len, 0);
    assert_int_equal(a.sw, SW_FILE_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case1),
        cmocka_unit_test(test_case2_short),
        cmocka_unit_test(test_case3_short),
        cmocka_unit_test(test_case4_short),
        cmocka_unit_test(test_case2_extended),
        cmocka_unit_test(test_case3_4_extended),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_cla_channel),
        cmocka_unit_test(test_respond),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
