/* Unit tests of the BER-TLV codec (card/tlv.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/tlv.h"

static void test_parse_one_byte_tag(void **state)
{
    (void)state;
    const uint8_t in[] = {0x5A, 0x02, 0x12, 0x34};
    struct tlv t;
    assert_true(tlv_parse(in, sizeof in, &t));
    assert_int_equal(t.tag, 0x5A);
    assert_false(t.constructed);
    assert_int_equal(t.len, 2);
    assert_ptr_equal(t.value, in + 2);
    assert_int_equal(t.raw_len, 4);
}

static void test_parse_multibyte_tags(void **state)
{
    (void)state;
    const uint8_t a[] = {0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A};
    const uint8_t b[] = {0x5F, 0x37, 0x00};
    const uint8_t c[] = {0x9F, 0x70, 0x01, 0x01};
    const uint8_t d[] = {0xBF, 0x81, 0x01, 0x00};           /* 3 identifier octets */
    struct tlv t;
    assert_true(tlv_parse(a, sizeof a, &t));
    assert_int_equal(t.tag, 0xBF3E);
    assert_true(t.constructed);
    assert_int_equal(t.len, 3);
    assert_true(tlv_parse(b, sizeof b, &t));
    assert_int_equal(t.tag, 0x5F37);
    assert_int_equal(t.len, 0);
    assert_true(tlv_parse(c, sizeof c, &t));
    assert_int_equal(t.tag, 0x9F70);
    assert_true(tlv_parse(d, sizeof d, &t));
    assert_int_equal(t.tag, 0xBF8101);
    assert_int_equal(tlv_tag_size(t.tag), 3);
}

static void test_parse_long_lengths(void **state)
{
    (void)state;
    static uint8_t buf[4 + 0x10000];
    buf[0] = 0x86;
    buf[1] = 0x83;
    buf[2] = 0x01;
    buf[3] = 0x00;
    buf[4] = 0x00;                       /* length 65536 */
    struct tlv t;
    assert_true(tlv_parse(buf, 5 + 0x10000 - 1, &t) == false); /* one short */
    static uint8_t big[5 + 0x10000];
    memcpy(big, buf, 5);
    assert_true(tlv_parse(big, sizeof big, &t));
    assert_int_equal(t.len, 0x10000);
    const uint8_t l81[] = {0x04, 0x81, 0x01, 0xAA};
    assert_true(tlv_parse(l81, sizeof l81, &t));
    assert_int_equal(t.len, 1);
    const uint8_t l84[] = {0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 0xAA};
    assert_true(tlv_parse(l84, sizeof l84, &t));
    assert_int_equal(t.len, 1);
}

static void test_parse_rejects_malformed(void **state)
{
    (void)state;
    struct tlv t;
    const uint8_t empty[] = {0x00};
    const uint8_t trunc_tag[] = {0xBF};
    const uint8_t trunc_tag2[] = {0xBF, 0x81};
    const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
    const uint8_t five_len[] = {0x04, 0x85, 0, 0, 0, 0, 1, 0xAA};
    const uint8_t over[] = {0x04, 0x05, 0xAA};
    const uint8_t trunc_len[] = {0x04, 0x82, 0x01};
    const uint8_t long_tag[] = {0x5F, 0x81, 0x81, 0x01, 0x00};   /* 4 id octets */
    const uint8_t nonmin_tag[] = {0x5F, 0x80, 0x01, 0x00};
    assert_false(tlv_parse(empty, 0, &t));
    assert_false(tlv_parse(empty, 1, &t));
    assert_false(tlv_parse(trunc_tag, sizeof trunc_tag, &t));
    assert_false(tlv_parse(trunc_tag2, sizeof trunc_tag2, &t));
    assert_false(tlv_parse(indefinite, sizeof indefinite, &t));
    assert_false(tlv_parse(five_len, sizeof five_len, &t));
    assert_false(tlv_parse(over, sizeof over, &t));
    assert_false(tlv_parse(trunc_len, sizeof trunc_len, &t));
    assert_false(tlv_parse(long_tag, sizeof long_tag, &t));
    assert_false(tlv_parse(nonmin_tag, sizeof nonmin_tag, &t));
    assert_false(tlv_parse(NULL, 10, &t));
}

static void test_header_streaming(void **state)
{
    (void)state;
    /* a BF36 header whose value is not in the buffer (BPP pieces) */
    const uint8_t hdr[] = {0xBF, 0x36, 0x82, 0x12, 0x34};
    uint32_t tag;
    size_t hl, vl;
    assert_true(tlv_parse_header(hdr, sizeof hdr, &tag, &hl, &vl));
    assert_int_equal(tag, 0xBF36);
    assert_int_equal(hl, 5);
    assert_int_equal(vl, 0x1234);
    struct tlv t;
    assert_false(tlv_parse(hdr, sizeof hdr, &t));
}

static void test_cursor_find_enter(void **state)
{
    (void)state;
    const uint8_t in[] = {0xBF, 0x2D, 0x08, 0xA0, 0x06, 0xE3, 0x04, 0x5A, 0x02, 0x98, 0x10,
                          0x81, 0x01, 0x7F};
    struct tlv outer, a0, e3, x;
    struct tlv_cursor c;
    assert_true(tlv_parse(in, sizeof in, &outer));
    assert_int_equal(outer.raw_len, 11);
    assert_true(tlv_find(outer.value, outer.len, 0xA0, &a0));
    assert_true(tlv_enter(&a0, &c));
    assert_true(tlv_next(&c, &e3));
    assert_int_equal(e3.tag, 0xE3);
    assert_false(tlv_next(&c, &x));
    assert_false(c.error);
    assert_true(tlv_find(e3.value, e3.len, 0x5A, &x));
    assert_int_equal(x.len, 2);
    assert_false(tlv_find(e3.value, e3.len, 0x4F, &x));
    /* enter on a primitive refuses */
    assert_false(tlv_enter(&x, &c));
    /* siblings after the first TLV */
    tlv_cursor_init(&c, in, sizeof in);
    assert_true(tlv_next(&c, &x));
    assert_true(tlv_next(&c, &x));
    assert_int_equal(x.tag, 0x81);
    assert_false(tlv_next(&c, &x));
    assert_false(c.error);
    /* garbage after a good TLV sets error */
    const uint8_t bad[] = {0x80, 0x00, 0x81};
    tlv_cursor_init(&c, bad, sizeof bad);
    assert_true(tlv_next(&c, &x));
    assert_false(tlv_next(&c, &x));
    assert_true(c.error);
}

static void test_well_formed(void **state)
{
    (void)state;
    const uint8_t good[] = {0x30, 0x05, 0xA0, 0x03, 0x80, 0x01, 0x00, 0x05, 0x00};
    const uint8_t inner_bad[] = {0x30, 0x04, 0xA0, 0x02, 0x80, 0x05};
    assert_true(tlv_well_formed(good, sizeof good, 8));
    assert_false(tlv_well_formed(good, sizeof good, 1));   /* too deep */
    assert_false(tlv_well_formed(inner_bad, sizeof inner_bad, 8));
    assert_true(tlv_well_formed(good, 0, 8));               /* empty sequence */
}

static void test_integers(void **state)
{
    (void)state;
    const uint8_t m1[] = {0xFF};
    const uint8_t p128[] = {0x00, 0x80};
    const uint8_t big[] = {0x01, 0x00, 0x00, 0x00, 0x00};
    int64_t v;
    uint32_t u;
    assert_true(tlv_get_int(m1, 1, &v));
    assert_int_equal(v, -1);
    assert_true(tlv_get_int(p128, 2, &v));
    assert_int_equal(v, 128);
    assert_false(tlv_get_uint(m1, 1, &u));
    assert_false(tlv_get_uint(big, sizeof big, &u));
    assert_false(tlv_get_int(m1, 0, &v));
    assert_true(tlv_get_uint(p128, 2, &u));
    assert_int_equal(u, 128);
    /* 64-bit non-negative: the top bit set needs a leading zero octet */
    const uint8_t max64[] = {0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    const uint8_t wide[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    const uint8_t zeros[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07};
    uint64_t q;
    assert_true(tlv_get_u64(max64, sizeof max64, &q));
    assert_true(q == UINT64_MAX);
    assert_true(tlv_get_u64(zeros, sizeof zeros, &q));
    assert_true(q == 7);
    assert_true(tlv_get_u64(p128, 2, &q));
    assert_true(q == 128);
    assert_false(tlv_get_u64(wide, sizeof wide, &q));      /* 65 bits */
    assert_false(tlv_get_u64(m1, 1, &q));                  /* negative */
    assert_false(tlv_get_u64(m1, 0, &q));                  /* empty */

    uint8_t buf[64];
    struct tlv_writer w;
    const struct { int64_t v; const char *hex; } cases[] = {
        {0, "800100"}, {127, "80017F"}, {128, "80020080"}, {-1, "8001FF"},
        {-128, "800180"}, {-129, "8002FF7F"}, {256, "80020100"},
        {INT64_MAX, "80087FFFFFFFFFFFFFFF"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tlv_writer_init(&w, buf, sizeof buf);
        tlv_put_int(&w, 0x80, cases[i].v);
        assert_true(tlv_writer_ok(&w));
        char hex[64] = {0};
        for (size_t k = 0; k < w.len; k++) {
            static const char d[] = "0123456789ABCDEF";
            hex[2 * k] = d[buf[k] >> 4];
            hex[2 * k + 1] = d[buf[k] & 15];
        }
        assert_string_equal(hex, cases[i].hex);
        struct tlv t;
        assert_true(tlv_parse(buf, w.len, &t));
        assert_true(tlv_get_int(t.value, t.len, &v));
        assert_true(v == cases[i].v);
    }
}

static void test_bits(void **state)
{
    (void)state;
    uint8_t buf[16];
    struct tlv_writer w;
    /* lpac's memory reset: bits 0,1,2 set of 3 named bits → 82 02 05 E0 */
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_put_bits(&w, 0x82, 0x7, 3);
    assert_int_equal(w.len, 4);
    assert_memory_equal(buf, "\x82\x02\x05\xE0", 4);
    /* no bits set → 03 01 00 (empty BIT STRING) */
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_put_bits(&w, 0x03, 0, 8);
    assert_memory_equal(buf, "\x03\x01\x00", 3);
    /* bit 8 set → two octets, 7 unused */
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_put_bits(&w, 0x88, 1u << 8, 16);
    assert_memory_equal(buf, "\x88\x03\x07\x00\x80", 5);
}

static void test_writer_nested_backpatch(void **state)
{
    (void)state;
    static uint8_t buf[1024];
    static uint8_t payload[300];
    struct tlv_writer w;
    memset(payload, 0xAB, sizeof payload);
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_open(&w, 0xBF2D);
    tlv_open(&w, 0xA0);
    tlv_put(&w, 0x94, payload, sizeof payload);     /* forces 82 xx xx lengths */
    tlv_close(&w);
    tlv_put(&w, 0x81, (const uint8_t *)"\x01", 1);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    /* expected: BF2D 82 0137 | A0 82 0130 | 94 82 012C <300> | 81 01 01 */
    assert_int_equal(w.len, 5 + 4 + 4 + 300 + 3);
    assert_memory_equal(buf, "\xBF\x2D\x82\x01\x37\xA0\x82\x01\x30\x94\x82\x01\x2C", 13);
    struct tlv t, a0, x;
    assert_true(tlv_parse(buf, w.len, &t));
    assert_int_equal(t.raw_len, w.len);
    assert_true(tlv_find(t.value, t.len, 0xA0, &a0));
    assert_true(tlv_find(a0.value, a0.len, 0x94, &x));
    assert_int_equal(x.len, 300);
    assert_memory_equal(x.value, payload, 300);
    assert_true(tlv_find(t.value, t.len, 0x81, &x));
}

static void test_writer_overflow_sticky(void **state)
{
    (void)state;
    uint8_t buf[8];
    struct tlv_writer w;
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_open(&w, 0xBF22);
    tlv_put(&w, 0x81, (const uint8_t *)"\x01\x02\x03\x04\x05", 5);  /* 2+2+5 > 8 */
    tlv_close(&w);
    assert_false(tlv_writer_ok(&w));
    assert_true(w.len <= sizeof buf);
    tlv_put(&w, 0x80, NULL, 0);
    assert_false(tlv_writer_ok(&w));
    /* unbalanced close */
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_close(&w);
    assert_false(tlv_writer_ok(&w));
    /* unclosed open */
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_open(&w, 0x30);
    assert_false(tlv_writer_ok(&w));
    /* too deep */
    uint8_t big[256];
    tlv_writer_init(&w, big, sizeof big);
    for (int i = 0; i <= TLV_WRITER_MAX_DEPTH; i++)
        tlv_open(&w, 0x30);
    assert_false(tlv_writer_ok(&w));
    /* backpatch growth that does not fit */
    static uint8_t small[130];
    static uint8_t pl[126];
    tlv_writer_init(&w, small, sizeof small);
    tlv_open(&w, 0x30);                       /* 2 */
    tlv_put(&w, 0x04, pl, sizeof pl);          /* 2 + 126 = 128 → total 130 */
    tlv_close(&w);                             /* length 128 needs 81 80: +1 */
    assert_false(tlv_writer_ok(&w));
}

static void test_encode_length(void **state)
{
    (void)state;
    uint8_t l[5];
    assert_int_equal(tlv_encode_length(0, l), 1);
    assert_int_equal(tlv_encode_length(127, l), 1);
    assert_int_equal(tlv_encode_length(128, l), 2);
    assert_memory_equal(l, "\x81\x80", 2);
    assert_int_equal(tlv_encode_length(256, l), 3);
    assert_memory_equal(l, "\x82\x01\x00", 3);
    assert_int_equal(tlv_encode_length(0x1000000, l), 5);
    assert_memory_equal(l, "\x84\x01\x00\x00\x00", 5);
}

/* Every prefix and every single-byte corruption of a valid encoding must be handled
 * without reading out of bounds (run under ASan). */
static void test_truncations_and_flips(void **state)
{
    (void)state;
    const uint8_t in[] = {0xBF, 0x22, 0x0E, 0x81, 0x03, 0x02, 0x03, 0x01, 0xA9, 0x07,
                          0x04, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05};
    uint8_t *copy;
    for (size_t n = 0; n <= sizeof in; n++) {
        copy = test_malloc(n ? n : 1);
        memcpy(copy, in, n);
        (void)tlv_well_formed(copy, n, 8);
        test_free(copy);
    }
    for (size_t i = 0; i < sizeof in; i++) {
        for (int v = 0; v < 256; v++) {
            copy = test_malloc(sizeof in);
            memcpy(copy, in, sizeof in);
            copy[i] = (uint8_t)v;
            (void)tlv_well_formed(copy, sizeof in, 8);
            test_free(copy);
        }
    }
}

static void test_put_uint_and_dup_with_int(void **state)
{
    (void)state;
    uint8_t buf[16];
    struct tlv_writer w;
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_put_uint(&w, 0x81, 0);
    tlv_put_uint(&w, 0x81, 0x80);                   /* top bit set: 00 prefix */
    assert_true(tlv_writer_ok(&w));
    assert_int_equal(w.len, 3 + 4);
    assert_memory_equal(buf, "\x81\x01\x00\x81\x02\x00\x80", 7);
    tlv_writer_init(&w, buf, sizeof buf);
    tlv_put_uint(&w, 0x81, UINT64_MAX);             /* 9 octets: 00 FF*8 */
    assert_int_equal(w.len, 11);
    assert_memory_equal(buf, "\x81\x09\x00\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 11);
    /* the SGP.32 signed-data input: DER(x) || 84 01 01 */
    const uint8_t x[] = {0x30, 0x03, 0x80, 0x01, 0x07};
    size_t n = 0;
    uint8_t *d = tlv_dup_with_int(x, sizeof x, 0x84, 1, &n);
    assert_non_null(d);
    assert_int_equal(n, sizeof x + 3);
    assert_memory_equal(d, "\x30\x03\x80\x01\x07\x84\x01\x01", 8);
    free(d);
    d = tlv_dup_with_int(x, sizeof x, 0x84, -1, &n);   /* negative token: FF */
    assert_non_null(d);
    assert_memory_equal(d + sizeof x, "\x84\x01\xFF", 3);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_one_byte_tag),
        cmocka_unit_test(test_parse_multibyte_tags),
        cmocka_unit_test(test_parse_long_lengths),
        cmocka_unit_test(test_parse_rejects_malformed),
        cmocka_unit_test(test_header_streaming),
        cmocka_unit_test(test_cursor_find_enter),
        cmocka_unit_test(test_well_formed),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_writer_nested_backpatch),
        cmocka_unit_test(test_writer_overflow_sticky),
        cmocka_unit_test(test_encode_length),
        cmocka_unit_test(test_truncations_and_flips),
        cmocka_unit_test(test_put_uint_and_dup_with_int),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
