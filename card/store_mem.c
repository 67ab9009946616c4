/* card/store_mem.c — the store's memory backend: the "disk" is a byte blob that
 * outlives a simulated restart (store_reload); for tests and fuzzers.
 */
#include "card/store_backend.h"
#include "card/store.h"
#include "card/store_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mem_backend {
    struct store_backend base;   /* first: a struct store_backend * points here */
    uint8_t *cur;
    size_t cur_len;
    bool cur_present;
    uint8_t *tmp;
    size_t tmp_len, tmp_cap;
};

static struct mem_backend *mem_of(struct store_backend *be)
{
    return (struct mem_backend *)be;
}

static int mem_write_tmp_chunk(struct store_backend *be, size_t off, const uint8_t *p, size_t n)
{
    struct mem_backend *m = mem_of(be);
    if (off == 0)
        m->tmp_len = 0;
    if (off != m->tmp_len)
        return STORE_EIO;
    if (m->tmp_len + n > m->tmp_cap) {
        size_t cap = m->tmp_cap ? m->tmp_cap : STORE_CHUNK_MAX;
        while (cap < m->tmp_len + n)
            cap *= 2;
        uint8_t *t = realloc(m->tmp, cap);
        if (!t)
            return STORE_ENOMEM;
        m->tmp = t;
        m->tmp_cap = cap;
    }
    memcpy(m->tmp + m->tmp_len, p, n);
    m->tmp_len += n;
    return STORE_OK;
}

static int mem_sync(struct store_backend *be)
{
    (void)be;
    return STORE_OK;
}

static int mem_rename(struct store_backend *be)
{
    struct mem_backend *m = mem_of(be);
    uint8_t *t = m->cur;
    size_t tcap = m->cur_present ? m->cur_len : 0;
    m->cur = m->tmp;
    m->cur_len = m->tmp_len;
    m->cur_present = true;
    m->tmp = t;             /* old image's buffer is reused as the next tmp */
    m->tmp_cap = t ? tcap : 0;
    m->tmp_len = 0;
    return STORE_OK;
}

static int mem_read_current(struct store_backend *be, const uint8_t **p, size_t *len,
                            uint8_t **owned)
{
    struct mem_backend *m = mem_of(be);
    *owned = NULL;
    if (!m->cur_present)
        return STORE_ENOTFOUND;
    *p = m->cur;
    *len = m->cur_len;
    return STORE_OK;
}

static void mem_discard_tmp(struct store_backend *be)
{
    mem_of(be)->tmp_len = 0;
}

static void mem_close(struct store_backend *be)
{
    struct mem_backend *m = mem_of(be);
    free(m->cur);
    free(m->tmp);
    free(m);
}

static const struct store_backend_ops mem_ops = {
    mem_write_tmp_chunk, mem_sync, mem_rename, mem_read_current, mem_discard_tmp, mem_close,
};

int store_mem_backend_new(struct store_backend **out)
{
    struct mem_backend *m = calloc(1, sizeof *m);
    if (!m)
        return STORE_ENOMEM;
    m->base.ops = &mem_ops;
    *out = &m->base;
    return STORE_OK;
}

/* The memory backend of s, or NULL when s runs on another backend. */
static struct mem_backend *mem_backend_of(const struct store *s)
{
    struct store_backend *be = store_backend_of(s);
    return be->ops == &mem_ops ? mem_of(be) : NULL;
}

int store_memory_image(const struct store *s, const uint8_t **p, size_t *len)
{
    struct mem_backend *m = s ? mem_backend_of(s) : NULL;
    if (!m || !p || !len)
        return STORE_EINVAL;
    uint8_t *owned;
    return mem_read_current(&m->base, p, len, &owned);
}

int store_memory_set_image(struct store *s, const uint8_t *p, size_t len)
{
    struct mem_backend *m = s ? mem_backend_of(s) : NULL;
    if (!m || (!p && len))
        return STORE_EINVAL;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return STORE_ENOMEM;
    if (len)
        memcpy(b, p, len);
    free(m->cur);
    m->cur = b;
    m->cur_len = len;
    m->cur_present = true;
    return STORE_OK;
}
