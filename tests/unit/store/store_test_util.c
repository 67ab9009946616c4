/* tests/unit/store/store_test_util.c — see store_test_util.h */
#include "store_test_util.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

void model_put(struct model *m, uint32_t id, const uint8_t *v, size_t len)
{
    assert_true(id >= 1 && id <= MODEL_IDS && len <= MODEL_MAXLEN);
    m->present[id] = true;
    m->len[id] = len;
    if (len)
        memcpy(m->data[id], v, len);
}

void model_delete_range(struct model *m, uint32_t lo, uint32_t hi)
{
    for (uint32_t id = 1; id <= MODEL_IDS; id++)
        if (id >= lo && id <= hi)
            m->present[id] = false;
}

void model_check(struct store *s, const struct model *m)
{
    uint8_t buf[MODEL_MAXLEN];
    size_t used = 0;
    for (uint32_t id = 0; id <= MODEL_IDS + 1; id++) {
        size_t len = 12345;
        int rc = store_get(s, id, buf, sizeof buf, &len);
        bool want = id >= 1 && id <= MODEL_IDS && m->present[id];
        if (!want) {
            assert_int_equal(rc, STORE_ENOTFOUND);
            continue;
        }
        assert_int_equal(rc, STORE_OK);
        assert_int_equal(len, m->len[id]);
        if (len)
            assert_memory_equal(buf, m->data[id], len);
        used += len;
    }
    assert_int_equal(store_used_bytes(s), used + m->extra_used);
    /* iteration over the whole id space visits exactly the present ids, in order */
    uint32_t id = 0, want = 0;
    for (;;) {
        int rc = store_next(s, id, MODEL_IDS + 1, &id);
        while (++want <= MODEL_IDS && !m->present[want])
            ;
        if (want > MODEL_IDS) {
            assert_int_equal(rc, STORE_ENOTFOUND);
            break;
        }
        assert_int_equal(rc, STORE_OK);
        assert_int_equal(id, want);
    }
}

uint32_t test_rand(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

void test_sha256_trailer(uint8_t *p, size_t len)
{
    unsigned int n = 0;
    assert_true(EVP_Digest(p, len, p + len, &n, EVP_sha256(), NULL));
    assert_int_equal(n, 32);
}

char *test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/euicc-store-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(buf));
    char *r = strdup(buf);
    assert_non_null(r);
    return r;
}

void test_path(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

void test_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        test_path(p, sizeof p, dir, e->d_name);
        if (unlink(p) != 0)
            test_rmtree(p);
    }
    closedir(d);
    rmdir(dir);
}
