/* tests/unit/profiles/test_tlvasm.c — the profile compiler (tools/tlvasm.h): every value
 * form, nesting and DER lengths, comments and raw blocks, output space, and every
 * syntax error with its file:line message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tools/tlvasm.h"
#include "tests/common/test_util.h"

/* Compile src and compare with the expected DER (hex). */
static void expect_der(const char *src, const char *exp_hex)
{
    uint8_t out[1024], exp[1024];
    size_t n = 0;
    char err[256];
    int rc = tlvasm_compile(src, strlen(src), "t.tlv", out, sizeof out, &n, err, sizeof err);
    if (rc != TLVASM_OK)
        fail_msg("compile failed (%d): %s\nsource: %s", rc, err, src);
    size_t en = tu_unhex(exp_hex, exp, sizeof exp);
    if (n != en || memcmp(out, exp, n) != 0) {
        print_error("source %s\nexpected %s\ngot      ", src, exp_hex);
        for (size_t i = 0; i < n; i++)
            print_error("%02X", out[i]);
        print_error("\n");
        fail();
    }
}

/* Compile src and expect a syntax error whose message starts with "t.tlv:<line>:" and
 * contains `what`. */
static void expect_error(const char *src, unsigned line, const char *what)
{
    uint8_t out[1024];
    size_t n = 99;
    char err[256], prefix[32];
    int rc = tlvasm_compile(src, strlen(src), "t.tlv", out, sizeof out, &n, err, sizeof err);
    if (rc != TLVASM_ESYNTAX)
        fail_msg("expected a syntax error for: %s (rc %d)", src, rc);
    assert_int_equal(n, 0);
    snprintf(prefix, sizeof prefix, "t.tlv:%u: ", line);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
        fail_msg("source %s: message '%s', expected '%s...%s'", src, err, prefix, what);
}

static void test_primitive_forms(void **state)
{
    (void)state;
    expect_der("80 0102ff", "8003 0102FF");
    expect_der("80 AbCd", "8002 ABCD");
    expect_der("80 null", "8000");
    expect_der("05 null", "0500");
    expect_der("0C \"abc\"", "0C03 616263");
    expect_der("0C \"\"", "0C00");
    expect_der("0C \"a\\\"b\\\\c\\n\\t\\x41\"", "0C08 6122625C630A0941");
    expect_der("0C \"\xC3\xBC\"", "0C02 C3BC");                 /* UTF-8 ü */
    expect_der("02 int:0", "020100");
    expect_der("02 int:127", "02017F");
    expect_der("02 int:128", "02020080");
    expect_der("02 int:-1", "0201FF");
    expect_der("02 int:-129", "0202FF7F");
    expect_der("81 int:261", "81020105");
    expect_der("02 int:9223372036854775807", "02087FFFFFFFFFFFFFFF");
    expect_der("02 int:-9223372036854775808", "02088000000000000000");
    expect_der("06 oid:2.23.143.1.2.1", "0606 67810F010201");
    expect_der("06 oid:2.23.143.1.2.4.2", "0607 67810F01020402");
    expect_der("06 oid:1.2.840.10045.2.1", "0607 2A8648CE3D0201");
    expect_der("06 oid:0.39", "060127");
    expect_der("03 bits:0,3,5", "0302 0294");
    expect_der("03 bits:5,0,3", "0302 0294");
    expect_der("03 bits:0", "0302 0780");
    expect_der("03 bits:7", "0302 0001");
    expect_der("03 bits:8", "0303 070080");
    expect_der("03 bits:31", "0305 0000000001");
    expect_der("03 bits:", "0301 00");
}

static void test_tags(void **state)
{
    (void)state;
    expect_der("5F37 00", "5F3701 00");
    expect_der("9F70 01", "9F7001 01");
    expect_der("BF22 { }", "BF2200");
    expect_der("BF8101 { }", "BF810100");                   /* 3-octet tag */
    expect_der("C0 40", "C00140");
    expect_der("4F A000000151000000", "4F08 A000000151000000");
}

static void test_constructed_and_lengths(void **state)
{
    (void)state;
    expect_der("A0 { 80 int:3 81 int:3 A5 { 81 null 84 null } }",
               "A00C 800103 810103 A504 8100 8400");
    expect_der("A0{80 01}A1{}", "A003 800101 A100");
    expect_der("30 { 30 { 30 { 04 null } } }", "3006 3004 3002 0400");

    /* 128 and 300 octets of content: long-form lengths 81 / 82 */
    char src[1024];
    char exp[2048];
    strcpy(src, "04 ");
    for (int i = 0; i < 128; i++)
        strcat(src, "AA");
    strcpy(exp, "048180");
    for (int i = 0; i < 128; i++)
        strcat(exp, "AA");
    expect_der(src, exp);
    strcpy(src, "A0 { 04 ");
    for (int i = 0; i < 296; i++)
        strcat(src, "BB");
    strcat(src, " }");
    strcpy(exp, "A082012C 04820128");
    for (int i = 0; i < 296; i++)
        strcat(exp, "BB");
    expect_der(src, exp);
}

static void test_comments_and_raw(void **state)
{
    (void)state;
    expect_der("# only a comment\n", "");
    expect_der("", "");
    expect_der("A0 { # open\n  80 01 # value\n} # close\n", "A003 800101");
    expect_der("hex: 01 0203\nhex: AABB # tail\n80 00", "010203AABB 800100");
    expect_der("A0 {\n hex: 8001FF\n}", "A003 8001FF");
    expect_der("hex: A2 33\n", "A233");     /* a bare header (truncated element) */
}

static void test_output_space(void **state)
{
    (void)state;
    const char *src = "A0 { 80 0102 81 int:5 }";
    uint8_t out[9];
    size_t n;
    char err[64];
    /* A0 07 80 02 01 02 81 01 05: 9 octets */
    assert_int_equal(tlvasm_compile(src, strlen(src), "t", out, 8, &n, err, sizeof err),
                     TLVASM_ESPACE);
    assert_int_equal(n, 0);
    assert_int_equal(tlvasm_compile(src, strlen(src), "t", out, 9, &n, err, sizeof err),
                     TLVASM_OK);
    assert_int_equal(n, 9);
    assert_int_equal(tlvasm_compile(src, strlen(src), "t", NULL, 0, &n, err, sizeof err),
                     TLVASM_ESPACE);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t out[8];
    size_t n;
    char err[64];
    assert_int_equal(tlvasm_compile("80 00", 5, "t", out, sizeof out, NULL, err, sizeof err),
                     TLVASM_ESYNTAX);
    assert_int_equal(tlvasm_compile(NULL, 5, "t", out, sizeof out, &n, err, sizeof err),
                     TLVASM_ESYNTAX);
    assert_int_equal(tlvasm_compile("80 00", 5, "t", NULL, 4, &n, err, sizeof err),
                     TLVASM_ESYNTAX);
    /* NULL source of length 0 is an empty source; no error buffer is fine */
    assert_int_equal(tlvasm_compile(NULL, 0, NULL, out, sizeof out, &n, NULL, 0), TLVASM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(tlvasm_compile("zz", 2, NULL, out, sizeof out, &n, NULL, 0),
                     TLVASM_ESYNTAX);
    /* a tiny error buffer is truncated, still NUL-terminated */
    char small[6];
    assert_int_equal(tlvasm_compile("zz", 2, "file", out, sizeof out, &n, small, sizeof small),
                     TLVASM_ESYNTAX);
    assert_string_equal(small, "file:");
}

static void test_errors(void **state)
{
    (void)state;
    /* tags */
    expect_error("ZZ 00", 1, "expected a tag");
    expect_error("\n\n8 00", 3, "expected a tag");
    expect_error("1F 00", 1, "expected a tag");               /* 1F needs more octets */
    expect_error("9F1E 00", 1, "expected a tag");             /* not minimal (< 31) */
    expect_error("9F8001 00", 1, "expected a tag");           /* leading 80 octet */
    expect_error("9F81 00", 1, "expected a tag");             /* continuation never ends */
    expect_error("8001 00", 1, "expected a tag");             /* 2 octets, low tag */
    expect_error("BF818181 00", 1, "expected a tag");         /* 4 octets */
    expect_error("int:3", 1, "expected a tag");
    /* values */
    expect_error("80", 1, "without a value");
    expect_error("A0 {\n 80\n}", 3, "without a value");
    expect_error("A0 00", 1, "is constructed");
    expect_error("A0 null", 1, "is constructed");
    expect_error("A0 int:1", 1, "is constructed");
    expect_error("\n80 { }", 2, "is primitive");
    expect_error("80 123", 1, "bad value");
    expect_error("80 12G4", 1, "bad value");
    expect_error("80 nul", 1, "bad value");
    /* strings */
    expect_error("80 \"abc", 1, "unterminated string");
    expect_error("80 \"ab\nc\"", 1, "unterminated string");
    expect_error("80 \"a\\qb\"", 1, "bad escape");
    expect_error("80 \"a\\x4\"", 1, "bad escape");
    expect_error("80 \"a\\xZZ\"", 1, "bad escape");
    expect_error("\n80 \"\\xFF\"", 2, "not valid UTF-8");
    expect_error("80 \"\xC0\xAF\"", 1, "not valid UTF-8");     /* overlong */
    expect_error("80 \"\xED\xA0\x80\"", 1, "not valid UTF-8"); /* surrogate */
    expect_error("80 \"\xE2\x82\"", 1, "not valid UTF-8");     /* truncated */
    expect_error("80 \"\xF4\x90\x80\x80\"", 1, "not valid UTF-8"); /* > U+10FFFF */
    /* integers */
    expect_error("80 int:", 1, "bad integer");
    expect_error("80 int:-", 1, "bad integer");
    expect_error("80 int:12a", 1, "bad integer");
    expect_error("80 int:9223372036854775808", 1, "bad integer");
    expect_error("80 int:-9223372036854775809", 1, "bad integer");
    expect_error("80 int:99999999999999999999", 1, "bad integer");
    /* object identifiers */
    expect_error("06 oid:", 1, "bad object identifier");
    expect_error("06 oid:1", 1, "bad object identifier");
    expect_error("06 oid:3.1", 1, "bad object identifier");
    expect_error("06 oid:1.40", 1, "bad object identifier");
    expect_error("06 oid:1..2", 1, "bad object identifier");
    expect_error("06 oid:1.2.", 1, "bad object identifier");
    expect_error("06 oid:1.2.-3", 1, "bad object identifier");
    expect_error("06 oid:1.2.x", 1, "bad object identifier");
    {
        char src[1024] = "06 oid:1.2";
        for (int i = 0; i < 40; i++)
            strcat(src, ".18446744073709551615");
        expect_error(src, 1, "bad object identifier");   /* over 128 content octets */
    }
    /* bit strings */
    expect_error("03 bits:32", 1, "bad bit list");
    expect_error("03 bits:1,1", 1, "bad bit list");
    expect_error("03 bits:1,", 1, "bad bit list");
    expect_error("03 bits:a", 1, "bad bit list");
    /* structure */
    expect_error("A0 {\n 80 00\n", 1, "not closed");
    expect_error("80 00\n}", 2, "without '{'");
    expect_error("hex:\n80 00", 1, "hex: without octets");
    expect_error("hex: 010", 1, "hex: expects hex octets");
    expect_error("hex: 01 zz", 1, "hex: expects hex octets");
    {
        char src[256] = "";
        for (int i = 0; i < 16; i++)
            strcat(src, "A0 {\n");
        expect_error(src, 16, "nesting deeper");
    }
    {
        const char src[] = "80 00\n81 \0 00";
        uint8_t out[16];
        size_t n;
        char err[128];
        assert_int_equal(tlvasm_compile(src, sizeof src - 1, "t.tlv", out, sizeof out, &n,
                                        err, sizeof err), TLVASM_ESYNTAX);
        assert_non_null(strstr(err, "t.tlv:2: NUL"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primitive_forms),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_constructed_and_lengths),
        cmocka_unit_test(test_comments_and_raw),
        cmocka_unit_test(test_output_space),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
