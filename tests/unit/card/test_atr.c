/* Unit tests: card/atr.c — parse the ATR per ISO 7816-3 §8.2 and check its promises. */
#include "card_test_util.h"

static void test_atr_structure(void **state)
{
    (void)state;
    uint8_t atr[33];
    size_t n = card_atr(NULL, atr, sizeof(atr));
    assert_true(n >= 2 && n <= 33);
    assert_int_equal(atr[0], 0x3B);                 /* direct convention */
    size_t i = 1;
    uint8_t y = atr[i] >> 4, k = atr[i] & 0x0F;
    i++;
    bool t0 = false, t1 = false, t15 = false, ta4 = false;
    int level = 1;
    uint8_t td = 0;
    for (;;) {
        if (y & 1) {                                /* TA */
            if (level == 1)
                assert_int_equal(atr[i], 0x96);
            if (level >= 3 && (td & 0x0F) == 15) {
                ta4 = true;
                assert_int_equal(atr[i] & 0x3F, 0x07); /* classes A, B, C */
            }
            i++;
        }
        if (y & 2) i++;                             /* TB */
        if (y & 4) i++;                             /* TC */
        if (!(y & 8))
            break;
        assert_true(i < n);
        td = atr[i++];
        if ((td & 0x0F) == 0) t0 = true;
        if ((td & 0x0F) == 1) t1 = true;
        if ((td & 0x0F) == 15) t15 = true;
        y = td >> 4;
        level++;
    }
    assert_true(t0);
    assert_true(t1);
    assert_true(t15);
    assert_true(ta4);
    /* historical bytes: category 80, then COMPACT-TLV */
    assert_int_equal(n, i + k + 1);                 /* + TCK */
    const uint8_t *h = atr + i;
    assert_int_equal(h[0], 0x80);
    bool caps = false;
    for (size_t j = 1; j < k;) {
        uint8_t tag = h[j] >> 4, l = h[j] & 0x0F;
        assert_true(j + 1 + l <= k);
        if (tag == 7) {                             /* card capabilities */
            assert_int_equal(l, 3);
            uint8_t third = h[j + 3];
            assert_true(third & 0x40);              /* extended Lc/Le */
            assert_int_equal((third >> 3) & 3, 3);  /* assigned by card and IFD */
            assert_int_equal(third & 7, 7);         /* 8 or more channels */
            assert_true(h[j + 1] & 0x80);           /* selection by full DF name */
            assert_true(h[j + 1] & 0x40);           /* selection by partial DF name */
            caps = true;
        }
        j += 1 + l;
    }
    assert_true(caps);
    uint8_t x = 0;
    for (size_t j = 1; j < n; j++)
        x ^= atr[j];
    assert_int_equal(x, 0);                         /* TCK */
    const uint8_t expect[] = { 0x3B, 0x97, 0x96, 0x80, 0x81, 0x1F, 0xC7, 0x80,
                               0x31, 0xE0, 0x73, 0xFE, 0x21, 0x5F };
    assert_memory_equal(atr, expect, sizeof(expect));
}

static void test_atr_cap(void **state)
{
    (void)state;
    uint8_t atr[33];
    size_t n = card_atr(NULL, atr, sizeof(atr));
    assert_int_equal(card_atr(NULL, atr, n - 1), 0);
    assert_int_equal(card_atr(NULL, NULL, 33), 0);
    assert_int_equal(card_atr(NULL, atr, n), n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atr_structure),
        cmocka_unit_test(test_atr_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
