/* Unit tests: card/storedata.c — STORE DATA block chaining. */
#include "card_test_util.h"

static uint8_t big[256];

static struct apdu block(uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc)
{
    struct apdu a;
    memset(&a, 0, sizeof(a));
    a.cla = 0x80;
    a.ins = 0xE2;
    a.p1 = p1;
    a.p2 = p2;
    a.data = lc ? data : NULL;
    a.lc = lc;
    a.apdu_case = 3;
    return a;
}

static void test_single_block(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    const uint8_t req[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A };
    struct apdu a = block(0x91, 0x00, req, sizeof(req));
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_COMPLETE);
    assert_int_equal(sw, SW_OK);
    assert_int_equal(sd.len, sizeof(req));
    assert_memory_equal(sd.buf, req, sizeof(req));
    assert_false(sd.active);
    /* a new chain starts fresh */
    a = block(0x91, 0x00, req, 2);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_COMPLETE);
    assert_int_equal(sd.len, 2);
    storedata_free(&sd);
    assert_null(sd.buf);
}

static void test_in_order(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    const uint8_t d[] = { 1, 2, 3, 4, 5, 6, 7 };
    struct apdu a = block(0x11, 0, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    assert_int_equal(sw, SW_OK);
    assert_true(sd.active);
    a = block(0x11, 1, d + 3, 2);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    a = block(0x91, 2, d + 5, 2);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_COMPLETE);
    assert_int_equal(sd.len, 7);
    assert_memory_equal(sd.buf, d, 7);
    storedata_free(&sd);
}

static void test_p1_variants(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    const uint8_t d[] = { 0x5A };
    const uint8_t ok_last[] = { 0x80, 0x81, 0x90, 0x91 };
    for (size_t i = 0; i < sizeof(ok_last); i++) {
        struct apdu a = block(ok_last[i], 0, d, 1);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_COMPLETE);
    }
    const uint8_t ok_more[] = { 0x00, 0x01, 0x10, 0x11 };
    for (size_t i = 0; i < sizeof(ok_more); i++) {
        storedata_reset(&sd);
        struct apdu a = block(ok_more[i], 0, d, 1);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    }
    /* DGI (b5b4 = 01), encryption (b7b6 != 00), RFU b3b2 → 6A86, chain dropped */
    const uint8_t bad[] = { 0x09, 0x89, 0xB1, 0xD1, 0x31, 0x95, 0x93 };
    for (size_t i = 0; i < sizeof(bad); i++) {
        storedata_reset(&sd);
        struct apdu a = block(0x11, 0, d, 1);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
        a = block(bad[i], 1, d, 1);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
        assert_int_equal(sw, SW_INCORRECT_P1P2);
        assert_false(sd.active);
    }
    storedata_free(&sd);
}

static void test_out_of_order(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    const uint8_t d[] = { 1, 2, 3 };
    /* first block with P2 != 0 */
    struct apdu a = block(0x91, 1, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    assert_int_equal(sw, SW_INCORRECT_P1P2);
    /* skipped block: error, chain discarded */
    a = block(0x11, 0, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    a = block(0x91, 2, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    assert_int_equal(sw, SW_INCORRECT_P1P2);
    assert_false(sd.active);
    /* the block that would have been next is now out of sequence too */
    a = block(0x91, 1, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    /* repeated block */
    a = block(0x11, 0, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    a = block(0x11, 0, d, 3);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    storedata_free(&sd);
}

static void test_empty_block(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    const uint8_t d[] = { 1 };
    struct apdu a = block(0x11, 0, d, 1);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    a = block(0x91, 1, NULL, 0);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    assert_int_equal(sw, SW_WRONG_LENGTH);
    assert_false(sd.active);
    assert_int_equal(storedata_accept(NULL, &a, &sw), STOREDATA_ERROR);
    assert_int_equal(sw, SW_UNKNOWN);
    assert_int_equal(storedata_accept(&sd, NULL, NULL), STOREDATA_ERROR);
    storedata_free(&sd);
}

static void test_wrap_and_overflow(void **state)
{
    (void)state;
    struct storedata sd = { 0 };
    uint16_t sw = 0;
    memset(big, 0x42, sizeof(big));
    /* 200-octet blocks: block numbers wrap from 255 to 0 */
    size_t blocks = STOREDATA_MAX / 200;   /* 491 blocks fit */
    for (size_t i = 0; i < blocks; i++) {
        struct apdu a = block(0x11, (uint8_t)i, big, 200);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    }
    assert_int_equal(sd.len, blocks * 200);
    /* the remaining room is less than 200: the next block overflows */
    struct apdu a = block(0x91, (uint8_t)blocks, big, 200);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_ERROR);
    assert_int_equal(sw, SW_NOT_ENOUGH_MEMORY);
    assert_false(sd.active);
    assert_int_equal(sd.len, 0);
    /* exactly STOREDATA_MAX is accepted */
    for (size_t i = 0; i < blocks; i++) {
        a = block(0x11, (uint8_t)i, big, 200);
        assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_MORE);
    }
    a = block(0x91, (uint8_t)blocks, big, STOREDATA_MAX - blocks * 200);
    assert_int_equal(storedata_accept(&sd, &a, &sw), STOREDATA_COMPLETE);
    assert_int_equal(sd.len, STOREDATA_MAX);
    storedata_free(&sd);
    storedata_free(NULL);
    storedata_reset(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_block),
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_p1_variants),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_empty_block),
        cmocka_unit_test(test_wrap_and_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
