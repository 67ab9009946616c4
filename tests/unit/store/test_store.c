/* tests/unit/store/test_store.c — card/store.c API, transactions, faults (memory backend). */
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

static int setup(void **state)
{
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    store_close(*state);
    return 0;
}

static const uint8_t A[] = { 1, 2, 3, 4, 5 };
static const uint8_t B[] = { 9, 8, 7 };

static void test_put_get_size(void **state)
{
    struct store *s = *state;
    uint8_t buf[16];
    size_t len = 0;
    assert_int_equal(store_get(s, 7, buf, sizeof buf, &len), STORE_ENOTFOUND);
    assert_int_equal(store_size(s, 7, &len), STORE_ENOTFOUND);
    assert_int_equal(store_put(s, 7, A, sizeof A), STORE_OK);
    assert_int_equal(store_get(s, 7, buf, sizeof buf, &len), STORE_OK);
    assert_int_equal(len, sizeof A);
    assert_memory_equal(buf, A, sizeof A);
    assert_int_equal(store_size(s, 7, &len), STORE_OK);
    assert_int_equal(len, sizeof A);
    /* replace */
    assert_int_equal(store_put(s, 7, B, sizeof B), STORE_OK);
    assert_int_equal(store_get(s, 7, buf, sizeof buf, &len), STORE_OK);
    assert_int_equal(len, sizeof B);
    assert_memory_equal(buf, B, sizeof B);
    /* zero length, NULL data, id 0 and the largest id */
    assert_int_equal(store_put(s, 0, NULL, 0), STORE_OK);
    assert_int_equal(store_put(s, UINT32_MAX, A, 1), STORE_OK);
    assert_int_equal(store_get(s, 0, NULL, 0, &len), STORE_OK);
    assert_int_equal(len, 0);
    assert_int_equal(store_get(s, UINT32_MAX, buf, 1, &len), STORE_OK);
    assert_int_equal(len, 1);
    assert_int_equal(store_used_bytes(s), sizeof B + 1);
    /* len pointer may be NULL */
    assert_int_equal(store_get(s, 7, buf, sizeof buf, NULL), STORE_OK);
}

/* store_begin_own/store_end_own: their own transaction when none is open, the caller's
 * otherwise (then neither commit nor abort happens here). */
static void test_begin_end_own(void **state)
{
    struct store *s = *state;
    bool own = false;
    size_t len;
    assert_int_equal(store_begin_own(s, &own), STORE_OK);
    assert_true(own);
    assert_true(store_in_transaction(s));
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    assert_int_equal(store_end_own(s, own, STORE_OK), STORE_OK);      /* committed */
    assert_false(store_in_transaction(s));
    assert_int_equal(store_size(s, 1, &len), STORE_OK);
    assert_int_equal(store_begin_own(s, &own), STORE_OK);
    assert_int_equal(store_put(s, 2, B, sizeof B), STORE_OK);
    assert_int_equal(store_end_own(s, own, STORE_EIO), STORE_EIO);    /* aborted */
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
    /* inside the caller's transaction: nothing ends here */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_begin_own(s, &own), STORE_OK);
    assert_false(own);
    assert_int_equal(store_put(s, 3, A, sizeof A), STORE_OK);
    assert_int_equal(store_end_own(s, own, STORE_OK), STORE_OK);
    assert_true(store_in_transaction(s));
    store_abort(s);
    assert_int_equal(store_size(s, 3, &len), STORE_ENOTFOUND);
}

static void test_get_too_small(void **state)
{
    struct store *s = *state;
    uint8_t buf[4] = { 0xEE, 0xEE, 0xEE, 0xEE };
    size_t len = 0;
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_ETOOSMALL);
    assert_int_equal(len, sizeof A);
    len = 0;
    assert_int_equal(store_get(s, 1, NULL, 0, &len), STORE_ETOOSMALL);
    assert_int_equal(len, sizeof A);
    assert_int_equal(buf[0], 0xEE);   /* nothing written on failure */
}

static void test_invalid_args(void **state)
{
    struct store *s = *state;
    size_t len;
    uint32_t id;
    assert_int_equal(store_open_memory(NULL), STORE_EINVAL);
    assert_int_equal(store_put(NULL, 1, A, 1), STORE_EINVAL);
    assert_int_equal(store_put(s, 1, NULL, 1), STORE_EINVAL);
    assert_int_equal(store_get(s, 1, NULL, 5, &len), STORE_EINVAL);
    assert_int_equal(store_get(NULL, 1, NULL, 0, &len), STORE_EINVAL);
    assert_int_equal(store_size(s, 1, NULL), STORE_EINVAL);
    assert_int_equal(store_size(NULL, 1, &len), STORE_EINVAL);
    assert_int_equal(store_next(s, 0, 5, NULL), STORE_EINVAL);
    assert_int_equal(store_next(NULL, 0, 5, &id), STORE_EINVAL);
    assert_int_equal(store_delete(NULL, 1), STORE_EINVAL);
    assert_int_equal(store_delete_range(NULL, 1, 2), STORE_EINVAL);
    assert_int_equal(store_begin(NULL), STORE_EINVAL);
    assert_int_equal(store_commit(NULL), STORE_EINVAL);
    assert_int_equal(store_reload(NULL), STORE_EINVAL);
    assert_false(store_in_transaction(NULL));
    assert_int_equal(store_used_bytes(NULL), 0);
    assert_int_equal(store_write_count(NULL), 0);
    store_abort(NULL);
    store_fail_after(NULL, 1);
    store_close(NULL);
    assert_int_equal(store_open_dir(NULL, "/tmp"), STORE_EINVAL);
    assert_int_equal(store_open_dir(&s, NULL), STORE_EINVAL);
    assert_int_equal(store_open_dir(&s, ""), STORE_EINVAL);
}

static void test_delete(void **state)
{
    struct store *s = *state;
    size_t len;
    assert_int_equal(store_put(s, 3, A, sizeof A), STORE_OK);
    assert_int_equal(store_delete(s, 3), STORE_OK);
    assert_int_equal(store_size(s, 3, &len), STORE_ENOTFOUND);
    long w = store_write_count(s);
    assert_int_equal(store_delete(s, 3), STORE_OK);      /* missing: OK, no write */
    assert_int_equal(store_write_count(s), w);
    assert_int_equal(store_used_bytes(s), 0);
}

static void test_delete_range_and_next(void **state)
{
    struct store *s = *state;
    uint32_t id = 0;
    uint8_t v[16] = { 0 };
    for (uint32_t i = 10; i <= 20; i++)
        assert_int_equal(store_put(s, i, v, i - 9), STORE_OK);
    assert_int_equal(store_next(s, 0, 100, &id), STORE_OK);
    assert_int_equal(id, 10);
    assert_int_equal(store_next(s, 10, 100, &id), STORE_OK);
    assert_int_equal(id, 11);
    assert_int_equal(store_next(s, 20, 100, &id), STORE_ENOTFOUND);
    assert_int_equal(store_next(s, 12, 12, &id), STORE_ENOTFOUND);    /* after == hi */
    assert_int_equal(store_next(s, 13, 12, &id), STORE_ENOTFOUND);    /* after > hi */
    assert_int_equal(store_next(s, 12, 13, &id), STORE_OK);
    assert_int_equal(id, 13);
    assert_int_equal(store_next(s, 0, 9, &id), STORE_ENOTFOUND);      /* hi bound */
    assert_int_equal(store_next(s, UINT32_MAX, UINT32_MAX, &id), STORE_ENOTFOUND);

    assert_int_equal(store_delete_range(s, 12, 15), STORE_OK);
    assert_int_equal(store_next(s, 11, 100, &id), STORE_OK);
    assert_int_equal(id, 16);
    assert_int_equal(store_used_bytes(s), 1 + 2 + 7 + 8 + 9 + 10 + 11);
    assert_int_equal(store_delete_range(s, 15, 12), STORE_OK);       /* lo > hi: nothing */
    assert_int_equal(store_used_bytes(s), 1 + 2 + 7 + 8 + 9 + 10 + 11);
    assert_int_equal(store_delete_range(s, 0, UINT32_MAX), STORE_OK);
    assert_int_equal(store_used_bytes(s), 0);
    assert_int_equal(store_next(s, 0, UINT32_MAX, &id), STORE_ENOTFOUND);
}

static void test_transaction_commit_abort(void **state)
{
    struct store *s = *state;
    uint8_t buf[16];
    size_t len;
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    assert_int_equal(store_put(s, 2, A, sizeof A), STORE_OK);

    assert_false(store_in_transaction(s));
    assert_int_equal(store_begin(s), STORE_OK);
    assert_true(store_in_transaction(s));
    long w = store_write_count(s);
    assert_int_equal(store_put(s, 1, B, sizeof B), STORE_OK);
    assert_int_equal(store_delete(s, 2), STORE_OK);
    assert_int_equal(store_put(s, 3, B, sizeof B), STORE_OK);
    assert_int_equal(store_write_count(s), w);          /* buffered */
    /* read your writes */
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_OK);
    assert_int_equal(len, sizeof B);
    assert_memory_equal(buf, B, sizeof B);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
    assert_int_equal(store_size(s, 3, &len), STORE_OK);
    assert_int_equal(store_used_bytes(s), 2 * sizeof B);
    store_abort(s);
    assert_false(store_in_transaction(s));
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_OK);
    assert_memory_equal(buf, A, sizeof A);
    assert_int_equal(store_size(s, 2, &len), STORE_OK);
    assert_int_equal(store_size(s, 3, &len), STORE_ENOTFOUND);
    assert_int_equal(store_used_bytes(s), 2 * sizeof A);

    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_put(s, 1, B, sizeof B), STORE_OK);
    assert_int_equal(store_delete(s, 2), STORE_OK);
    assert_int_equal(store_put(s, 3, B, sizeof B), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    assert_false(store_in_transaction(s));
    assert_int_equal(store_write_count(s), w + 3);      /* one chunk, sync, rename */
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_OK);
    assert_memory_equal(buf, B, sizeof B);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_get(s, 3, buf, sizeof buf, &len), STORE_OK);
    assert_memory_equal(buf, B, sizeof B);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
}

static void test_transaction_state_errors(void **state)
{
    struct store *s = *state;
    assert_int_equal(store_commit(s), STORE_ESTATE);
    store_abort(s);                                       /* outside: no-op */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_begin(s), STORE_ESTATE);
    assert_true(store_in_transaction(s));
    long w = store_write_count(s);
    assert_int_equal(store_commit(s), STORE_OK);          /* empty: no writes */
    assert_int_equal(store_write_count(s), w);
    assert_int_equal(store_commit(s), STORE_ESTATE);
}

static void test_transaction_overlay_edges(void **state)
{
    struct store *s = *state;
    struct model m;
    memset(&m, 0, sizeof m);
    uint8_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    for (uint32_t id = 1; id <= 10; id++) {
        assert_int_equal(store_put(s, id, v, id % 8), STORE_OK);
        model_put(&m, id, v, id % 8);
    }
    assert_int_equal(store_begin(s), STORE_OK);
    /* new id put then deleted: vanishes; committed id deleted then re-put */
    assert_int_equal(store_put(s, 20, v, 3), STORE_OK);
    assert_int_equal(store_delete(s, 20), STORE_OK);
    assert_int_equal(store_delete(s, 4), STORE_OK);
    assert_int_equal(store_put(s, 4, v, 8), STORE_OK);
    model_put(&m, 4, v, 8);
    /* range over a mix of overlay puts, tombstones, new ids and committed ids */
    assert_int_equal(store_put(s, 6, v, 1), STORE_OK);
    assert_int_equal(store_delete(s, 7), STORE_OK);
    assert_int_equal(store_put(s, 11, v, 2), STORE_OK);
    assert_int_equal(store_delete_range(s, 5, 8), STORE_OK);
    model_delete_range(&m, 5, 8);
    model_put(&m, 11, v, 2);
    assert_int_equal(store_put(s, 7, v, 5), STORE_OK);   /* re-put after range delete */
    model_put(&m, 7, v, 5);
    model_check(s, &m);
    assert_int_equal(store_commit(s), STORE_OK);
    model_check(s, &m);
    assert_int_equal(store_reload(s), STORE_OK);
    model_check(s, &m);
}

static void test_reload_drops_open_transaction(void **state)
{
    struct store *s = *state;
    size_t len;
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_put(s, 2, A, sizeof A), STORE_OK);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_false(store_in_transaction(s));
    assert_int_equal(store_size(s, 1, &len), STORE_OK);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
}

static void test_reload_empty_store(void **state)
{
    struct store *s = *state;
    uint32_t id;
    const uint8_t *img;
    size_t len;
    assert_int_equal(store_memory_image(s, &img, &len), STORE_ENOTFOUND);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_next(s, 0, UINT32_MAX, &id), STORE_ENOTFOUND);
    assert_int_equal(store_used_bytes(s), 0);
}

static void test_full(void **state)
{
    struct store *s = *state;
    const size_t overhead = STORE_IMAGE_HEADER_LEN + STORE_IMAGE_TRAILER_LEN;
    uint8_t *big = calloc(1, STORE_IMAGE_MAX);
    assert_non_null(big);
    size_t len;
    assert_int_equal(store_put(s, 1, big, STORE_IMAGE_MAX), STORE_EFULL);
    size_t fit = STORE_IMAGE_MAX - overhead - STORE_IMAGE_RECORD_HDR;
    assert_int_equal(store_put(s, 1, big, fit + 1), STORE_EFULL);
    assert_int_equal(store_size(s, 1, &len), STORE_ENOTFOUND);
    assert_int_equal(store_put(s, 1, big, fit), STORE_OK);          /* exactly 64 MiB */
    assert_int_equal(store_put(s, 2, NULL, 0), STORE_EFULL);        /* record header */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(store_put(s, 2, NULL, 0), STORE_EFULL);
    assert_true(store_in_transaction(s));                           /* tx survives */
    assert_int_equal(store_put(s, 1, big, fit - 8), STORE_OK);      /* shrink in place */
    assert_int_equal(store_put(s, 2, NULL, 0), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_size(s, 1, &len), STORE_OK);
    assert_int_equal(len, fit - 8);
    assert_int_equal(store_used_bytes(s), fit - 8);
    free(big);
}

static void test_fault_makes_dead(void **state)
{
    struct store *s = *state;
    uint8_t buf[16];
    size_t len;
    uint32_t id;
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    long w = store_write_count(s);
    store_fail_after(s, 0);
    assert_int_equal(store_put(s, 2, B, sizeof B), STORE_EIO);
    assert_int_equal(store_write_count(s), w);
    assert_false(store_in_transaction(s));
    assert_int_equal(store_begin(s), STORE_EDEAD);
    assert_int_equal(store_commit(s), STORE_EDEAD);
    assert_int_equal(store_put(s, 3, A, 1), STORE_EDEAD);
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_EDEAD);
    assert_int_equal(store_size(s, 1, &len), STORE_EDEAD);
    assert_int_equal(store_delete(s, 1), STORE_EDEAD);
    assert_int_equal(store_delete_range(s, 0, 9), STORE_EDEAD);
    assert_int_equal(store_next(s, 0, 9, &id), STORE_EDEAD);
    store_abort(s);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_get(s, 1, buf, sizeof buf, &len), STORE_OK);
    assert_memory_equal(buf, A, sizeof A);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
    /* fault injection in a later write: two writes pass, the third (rename) fails */
    store_fail_after(s, 2);
    assert_int_equal(store_put(s, 2, B, sizeof B), STORE_EIO);
    assert_int_equal(store_write_count(s), w + 2);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_size(s, 2, &len), STORE_ENOTFOUND);
    /* disabling, and reload clearing a pending injection */
    store_fail_after(s, 0);
    store_fail_after(s, -1);
    assert_int_equal(store_put(s, 2, B, sizeof B), STORE_OK);
    store_fail_after(s, 0);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_put(s, 3, B, sizeof B), STORE_OK);
}

static void test_write_count_chunks(void **state)
{
    struct store *s = *state;
    size_t n = 200 * 1024;
    uint8_t *big = malloc(n);
    assert_non_null(big);
    memset(big, 0x5A, n);
    long w = store_write_count(s);
    assert_int_equal(store_put(s, 1, big, n), STORE_OK);
    size_t img = STORE_IMAGE_HEADER_LEN + STORE_IMAGE_RECORD_HDR + n + STORE_IMAGE_TRAILER_LEN;
    long chunks = (long)((img + STORE_CHUNK_MAX - 1) / STORE_CHUNK_MAX);
    assert_int_equal(chunks, 4);
    assert_int_equal(store_write_count(s), w + chunks + 2);
    const uint8_t *p;
    size_t len;
    assert_int_equal(store_memory_image(s, &p, &len), STORE_OK);
    assert_int_equal(len, img);
    free(big);
}

/* Tearing sweep: a transaction interrupted at every write leaves the old state. */
static void test_tearing_sweep_memory(void **state)
{
    struct store *s = *state;
    struct model old, new;
    memset(&old, 0, sizeof old);
    uint32_t r = 42;
    uint8_t v[MODEL_MAXLEN];
    for (uint32_t id = 1; id <= 40; id++) {
        for (size_t i = 0; i < sizeof v; i++)
            v[i] = (uint8_t)test_rand(&r);
        assert_int_equal(store_put(s, id, v, id * 7 % MODEL_MAXLEN), STORE_OK);
        model_put(&old, id, v, id * 7 % MODEL_MAXLEN);
    }
    /* a big object so the commit spans several chunks */
    size_t bign = 150 * 1024;
    uint8_t *big = malloc(bign);
    assert_non_null(big);
    memset(big, 0xA5, bign);
    long needed = -1;
    for (long n = 0; n < 100; n++) {
        assert_int_equal(store_reload(s), STORE_OK);
        model_check(s, &old);
        new = old;
        assert_int_equal(store_begin(s), STORE_OK);
        assert_int_equal(store_put(s, 3, v, 100), STORE_OK);
        model_put(&new, 3, v, 100);
        assert_int_equal(store_delete(s, 5), STORE_OK);
        model_delete_range(&new, 5, 5);
        assert_int_equal(store_delete_range(s, 10, 19), STORE_OK);
        model_delete_range(&new, 10, 19);
        assert_int_equal(store_put(s, 50, v, 1), STORE_OK);
        model_put(&new, 50, v, 1);
        assert_int_equal(store_put(s, 1000, big, bign), STORE_OK);
        new.extra_used = bign;
        long w = store_write_count(s);
        store_fail_after(s, n);
        int rc = store_commit(s);
        if (rc == STORE_OK) {
            needed = store_write_count(s) - w;
            assert_int_equal(needed, n);    /* the first n that passes is the count */
            break;
        }
        assert_int_equal(rc, STORE_EIO);
        assert_int_equal(store_write_count(s) - w, n);
        assert_int_equal(store_begin(s), STORE_EDEAD);
        assert_int_equal(store_reload(s), STORE_OK);
        model_check(s, &old);
        size_t len;
        assert_int_equal(store_size(s, 1000, &len), STORE_ENOTFOUND);
    }
    assert_int_equal(needed, 3 + 2);       /* 150 KiB + records: 3 chunks, sync, rename */
    store_fail_after(s, -1);
    model_check(s, &new);
    assert_int_equal(store_reload(s), STORE_OK);
    model_check(s, &new);
    size_t len;
    assert_int_equal(store_size(s, 1000, &len), STORE_OK);
    assert_int_equal(len, bign);
    free(big);
}

static void test_corrupt_memory_image(void **state)
{
    struct store *s = *state;
    size_t len;
    assert_int_equal(store_put(s, 1, A, sizeof A), STORE_OK);
    const uint8_t *p;
    size_t n;
    assert_int_equal(store_memory_image(s, &p, &n), STORE_OK);
    uint8_t *good = malloc(n);
    assert_non_null(good);
    memcpy(good, p, n);
    for (size_t i = 0; i < n; i++) {                 /* every single-byte flip */
        uint8_t *bad = malloc(n);
        assert_non_null(bad);
        memcpy(bad, good, n);
        bad[i] ^= 0x01;
        assert_int_equal(store_memory_set_image(s, bad, n), STORE_OK);
        assert_int_equal(store_reload(s), STORE_ECORRUPT);
        assert_int_equal(store_size(s, 1, &len), STORE_EDEAD);
        free(bad);
    }
    for (size_t cut = 0; cut < n; cut++) {            /* every truncation */
        assert_int_equal(store_memory_set_image(s, good, cut), STORE_OK);
        assert_int_equal(store_reload(s), STORE_ECORRUPT);
    }
    assert_int_equal(store_memory_set_image(s, good, n), STORE_OK);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(store_size(s, 1, &len), STORE_OK);
    free(good);
}

static void test_random_against_model(void **state)
{
    struct store *s = *state;
    struct model committed, view;
    memset(&committed, 0, sizeof committed);
    view = committed;
    uint32_t r = 7;
    uint8_t v[MODEL_MAXLEN];
    for (size_t i = 0; i < sizeof v; i++)
        v[i] = (uint8_t)(i * 31 + 5);
    bool tx = false;
    for (int step = 0; step < 3000; step++) {
        uint32_t op = test_rand(&r) % 100;
        uint32_t id = 1 + test_rand(&r) % MODEL_IDS;
        if (op < 35) {
            size_t len = test_rand(&r) % MODEL_MAXLEN;
            assert_int_equal(store_put(s, id, v + (MODEL_MAXLEN - len), len), STORE_OK);
            model_put(&view, id, v + (MODEL_MAXLEN - len), len);
        } else if (op < 50) {
            assert_int_equal(store_delete(s, id), STORE_OK);
            model_delete_range(&view, id, id);
        } else if (op < 55) {
            uint32_t hi = id + test_rand(&r) % 10;
            assert_int_equal(store_delete_range(s, id, hi), STORE_OK);
            model_delete_range(&view, id, hi);
        } else if (op < 70 && !tx) {
            assert_int_equal(store_begin(s), STORE_OK);
            tx = true;
        } else if (op < 80 && tx) {
            assert_int_equal(store_commit(s), STORE_OK);
            tx = false;
        } else if (op < 85 && tx) {
            store_abort(s);
            view = committed;
            tx = false;
        } else if (op < 88) {
            assert_int_equal(store_reload(s), STORE_OK);
            view = committed;
            tx = false;
        }
        if (!tx)
            committed = view;
        if (step % 50 == 0)
            model_check(s, &view);
    }
    model_check(s, &view);
}

static void test_strerror(void **state)
{
    (void)state;
    const char *seen[16];
    int n = 0;
    for (int rc = STORE_OK; rc >= STORE_EINVAL; rc--) {
        const char *m = store_strerror(rc);
        assert_non_null(m);
        for (int i = 0; i < n; i++)
            assert_string_not_equal(m, seen[i]);
        seen[n++] = m;
    }
    assert_string_equal(store_strerror(-100), "unknown store error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_get_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_begin_end_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_range_and_next, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_commit_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_state_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_overlay_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_drops_open_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_empty_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_makes_dead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_count_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tearing_sweep_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_memory_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
