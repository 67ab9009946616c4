/* tests/unit/store/test_store_image.c — the image format byte by byte, and the parser
 * fed with crafted and random images (validly hashed, so the record parser is reached). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/store.h"
#include "card/store_internal.h"
#include "store_test_util.h"

static size_t hdr(uint8_t *p, uint64_t gen, uint32_t count)
{
    memcpy(p, "EUEMST01", 8);
    p[8] = 0, p[9] = 0, p[10] = 0, p[11] = 1;
    for (int i = 0; i < 8; i++)
        p[12 + i] = (uint8_t)(gen >> (56 - 8 * i));
    p[20] = (uint8_t)(count >> 24), p[21] = (uint8_t)(count >> 16);
    p[22] = (uint8_t)(count >> 8), p[23] = (uint8_t)count;
    return 24;
}

static size_t rec(uint8_t *p, uint32_t id, uint32_t len, const void *v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(id >> (24 - 8 * i));
        p[4 + i] = (uint8_t)(len >> (24 - 8 * i));
    }
    if (v && len)
        memcpy(p + 8, v, len);
    return 8 + (v ? len : 0);
}

/* The committed image is exactly the documented format. */
static void test_format_known_answer(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_put(s, 0x00020001, (const uint8_t *)"xyz", 3), STORE_OK);
    assert_int_equal(store_put(s, 0x00010001, (const uint8_t *)"\x00\x00\x00\x01", 4), STORE_OK);
    assert_int_equal(store_put(s, 0x00030000, NULL, 0), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    assert_int_equal(store_put(s, 0x00020001, (const uint8_t *)"ab", 2), STORE_OK);

    uint8_t want[128];
    size_t n = hdr(want, 2, 3);
    n += rec(want + n, 0x00010001, 4, "\x00\x00\x00\x01");
    n += rec(want + n, 0x00020001, 2, "ab");
    n += rec(want + n, 0x00030000, 0, NULL);
    test_sha256_trailer(want, n);
    n += 32;
    const uint8_t *p;
    size_t len;
    assert_int_equal(store_memory_image(s, &p, &len), STORE_OK);
    assert_int_equal(len, n);
    assert_memory_equal(p, want, n);
    uint32_t count = 0;
    assert_int_equal(store_image_check(want, n, &count), STORE_OK);
    assert_int_equal(count, 3);
    store_close(s);
}

static void expect_corrupt(uint8_t *img, size_t body)
{
    test_sha256_trailer(img, body);
    assert_int_equal(store_image_check(img, body + 32, NULL), STORE_ECORRUPT);
}

/* Each structural rule of the parser, with a correct hash so only that rule fails. */
static void test_parser_rules(void **state)
{
    (void)state;
    uint8_t img[256];
    size_t n;
    /* empty image is fine */
    n = hdr(img, 0, 0);
    test_sha256_trailer(img, n);
    assert_int_equal(store_image_check(img, n + 32, NULL), STORE_OK);
    /* bad magic, bad version */
    n = hdr(img, 0, 0);
    img[7] = '2';
    expect_corrupt(img, n);
    n = hdr(img, 0, 0);
    img[11] = 2;
    expect_corrupt(img, n);
    /* count larger than the records present */
    n = hdr(img, 0, 2);
    n += rec(img + n, 1, 1, "a");
    expect_corrupt(img, n);
    /* count so large it cannot fit (no huge allocation) */
    n = hdr(img, 0, 0xFFFFFFFFu);
    expect_corrupt(img, n);
    /* record length beyond the end */
    n = hdr(img, 0, 1);
    n += rec(img + n, 1, 0xFFFFFFF0u, NULL);
    expect_corrupt(img, n);
    n = hdr(img, 0, 1);
    n += rec(img + n, 1, 5, NULL);
    memcpy(img + n, "abcd", 4);
    expect_corrupt(img, n + 4);
    /* ids not strictly increasing */
    n = hdr(img, 0, 2);
    n += rec(img + n, 5, 1, "a");
    n += rec(img + n, 5, 1, "b");
    expect_corrupt(img, n);
    n = hdr(img, 0, 2);
    n += rec(img + n, 5, 1, "a");
    n += rec(img + n, 4, 1, "b");
    expect_corrupt(img, n);
    /* trailing bytes after the last record */
    n = hdr(img, 0, 1);
    n += rec(img + n, 5, 1, "a");
    img[n++] = 0;
    expect_corrupt(img, n);
    /* half a record header */
    n = hdr(img, 0, 1);
    memset(img + n, 0, 4);
    expect_corrupt(img, n + 4);
    /* wrong hash, too short, NULL */
    n = hdr(img, 0, 0);
    test_sha256_trailer(img, n);
    img[n + 31] ^= 1;
    assert_int_equal(store_image_check(img, n + 32, NULL), STORE_ECORRUPT);
    assert_int_equal(store_image_check(img, 55, NULL), STORE_ECORRUPT);
    assert_int_equal(store_image_check(NULL, 0, NULL), STORE_ECORRUPT);
    assert_int_equal(store_image_check(NULL, 5, NULL), STORE_EINVAL);
    /* a valid two-record image */
    n = hdr(img, 7, 2);
    n += rec(img + n, 1, 1, "a");
    n += rec(img + n, 0xFFFFFFFFu, 2, "bc");
    test_sha256_trailer(img, n);
    uint32_t count = 0;
    assert_int_equal(store_image_check(img, n + 32, &count), STORE_OK);
    assert_int_equal(count, 2);
}

/* Random and mutated images, re-hashed, through store_reload(): never a crash or leak;
 * when accepted, the store is usable and consistent. */
static void test_fuzz_reload(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    uint32_t r = 12345;
    uint8_t *img = malloc(4096 + 32);
    assert_non_null(img);
    int accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = hdr(img, test_rand(&r), 0);
        uint32_t count = test_rand(&r) % 6;
        uint32_t id = 0;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t len = test_rand(&r) % 40;
            id += 1 + test_rand(&r) % 5;
            n += rec(img + n, id, len, NULL);
            for (uint32_t k = 0; k < len; k++)
                img[n++] = (uint8_t)test_rand(&r);
        }
        img[23] = (uint8_t)count;
        /* mutate a few bytes (or none), possibly the length */
        int muts = test_rand(&r) % 4;
        for (int k = 0; k < muts; k++)
            img[test_rand(&r) % n] ^= (uint8_t)(1u << (test_rand(&r) % 8));
        if (test_rand(&r) % 4 == 0)
            n -= test_rand(&r) % (n - 20);
        if (test_rand(&r) % 8 == 0) {
            n = 24 + test_rand(&r) % 200;
            for (size_t k = 24; k < n; k++)
                img[k] = (uint8_t)test_rand(&r);
        }
        test_sha256_trailer(img, n);
        assert_int_equal(store_memory_set_image(s, img, n + 32), STORE_OK);
        int rc = store_reload(s);
        assert_true(rc == STORE_OK || rc == STORE_ECORRUPT);
        if (rc == STORE_OK) {
            accepted++;
            uint32_t next = 0;
            size_t total = 0, len;
            if (store_size(s, 0, &len) == STORE_OK)
                total += len;
            while (store_next(s, next, UINT32_MAX, &next) == STORE_OK) {
                assert_int_equal(store_size(s, next, &len), STORE_OK);
                total += len;
            }
            assert_int_equal(store_used_bytes(s), total);
            assert_int_equal(store_put(s, 1, img, 3), STORE_OK);
            assert_int_equal(store_reload(s), STORE_OK);
        } else {
            assert_int_equal(store_begin(s), STORE_EDEAD);
        }
        /* pure random bytes: always rejected (magic/hash) */
        size_t m = test_rand(&r) % 200;
        for (size_t k = 0; k < m; k++)
            img[k] = (uint8_t)test_rand(&r);
        assert_int_equal(store_image_check(img, m, NULL), STORE_ECORRUPT);
    }
    assert_true(accepted > 100);       /* the sweep reaches the accepting path too */
    free(img);
    store_close(s);
}

static void test_memory_internals_errors(void **state)
{
    (void)state;
    struct store *s = NULL;
    const uint8_t *p;
    size_t len;
    assert_int_equal(store_memory_image(NULL, &p, &len), STORE_EINVAL);
    assert_int_equal(store_memory_set_image(NULL, NULL, 0), STORE_EINVAL);
    assert_int_equal(store_open_memory(&s), STORE_OK);
    assert_int_equal(store_memory_set_image(s, NULL, 3), STORE_EINVAL);
    assert_int_equal(store_memory_set_image(s, NULL, 0), STORE_OK);   /* empty file */
    assert_int_equal(store_reload(s), STORE_ECORRUPT);
    store_close(s);
    char *dir = test_tmpdir();
    assert_int_equal(store_open_dir(&s, dir), STORE_OK);
    assert_int_equal(store_memory_image(s, &p, &len), STORE_EINVAL);
    assert_int_equal(store_memory_set_image(s, (const uint8_t *)"x", 1), STORE_EINVAL);
    store_close(s);
    test_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_known_answer),
        cmocka_unit_test(test_parser_rules),
        cmocka_unit_test(test_fuzz_reload),
        cmocka_unit_test(test_memory_internals_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
