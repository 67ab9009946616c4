/* card/store.c — persistent objects with atomic transactions (see card/store.h).
 *
 * In memory: the committed objects (sorted by id) and, during a transaction, an
 * overlay of pending puts and tombstones (sorted by id). A commit streams the whole
 * merged view as one image (card/store_image.c) to the backend's temporary area
 * (card/store_backend.h: card/store_mem.c, card/store_dir.c), syncs it and renames it
 * over the current image; only then does the in-memory state move to the new values.
 * Every backend write is counted, and fault injection happens here, before one.
 */
#include "card/store.h"
#include "card/store_backend.h"
#include "card/store_image.h"
#include "card/store_internal.h"
#include "card/store_objvec.h"

#include <stdlib.h>
#include <string.h>

struct store {
    struct store_backend *be;
    struct store_objvec cur;  /* committed objects */
    struct store_objvec ov;   /* transaction overlay */
    size_t cur_payload;
    size_t view_payload;      /* payload bytes of committed + overlay */
    size_t view_count;        /* object count of committed + overlay */
    uint64_t generation;
    bool in_tx;
    bool dead;
    long fail_in;             /* counted writes to let pass before failing; < 0: off */
    long writes;
    uint8_t *chunk;           /* STORE_CHUNK_MAX bytes, encoder buffer */
};

struct store_backend *store_backend_of(const struct store *s)
{
    return s->be;
}

/* ---------------------------------------------------------------- counted writes */

/* Called before every counted backend write: true when this one must fail. */
static bool fault_now(struct store *s)
{
    if (s->fail_in < 0)
        return false;
    if (s->fail_in == 0) {
        s->fail_in = -1;
        return true;
    }
    s->fail_in--;
    return false;
}

static void drop_overlay(struct store *s)
{
    store_objvec_clear(&s->ov);
    s->in_tx = false;
    s->view_payload = s->cur_payload;
    s->view_count = s->cur.n;
}

static void go_dead(struct store *s)
{
    drop_overlay(s);
    s->dead = true;
}

/* Count a backend write that was let through fault_now() and returned rc. */
static int counted(struct store *s, int rc)
{
    if (rc == STORE_OK)
        s->writes++;
    return rc;
}

/* Walks the merged view (committed objects, shadowed by the overlay) in id order. */
struct view_iter {
    struct store *s;
    size_t i, j;      /* next committed object, next overlay entry */
};

/* Next object of the merged view, NULL after the last (store_image_io.next). */
static const struct store_obj *view_next(void *ctx)
{
    struct view_iter *it = ctx;
    const struct store *s = it->s;
    while (it->i < s->cur.n || it->j < s->ov.n) {
        const struct store_obj *c = it->i < s->cur.n ? &s->cur.v[it->i] : NULL;
        const struct store_obj *o = it->j < s->ov.n ? &s->ov.v[it->j] : NULL;
        if (c && (!o || c->id < o->id)) {
            it->i++;
            return c;
        }
        if (o == NULL)          /* unreachable: the loop condition leaves o set here */
            break;
        if (c && c->id == o->id)
            it->i++;
        it->j++;
        if (!o->tomb)
            return o;
    }
    return NULL;
}

/* One counted write of an image chunk to the backend (store_image_io.write). */
static int view_write(void *ctx, size_t off, const uint8_t *p, size_t n)
{
    struct store *s = ((struct view_iter *)ctx)->s;
    return fault_now(s) ? STORE_EIO : counted(s, s->be->ops->write_tmp_chunk(s->be, off, p, n));
}

/* Stream the merged view (committed + overlay) as the image of generation gen. */
static int image_write(struct store *s, uint64_t gen)
{
    static const struct store_image_io io = { view_next, view_write };
    struct view_iter it = { .s = s };
    return store_image_encode(&io, &it, gen, (uint32_t)s->view_count, s->chunk);
}

/* ---------------------------------------------------------------- open / close / reload */

static struct store *store_alloc(struct store_backend *be)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->chunk = malloc(STORE_CHUNK_MAX);
    if (!s->chunk) {
        free(s);
        return NULL;
    }
    s->be = be;
    s->fail_in = -1;
    return s;
}

static void store_free(struct store *s)
{
    store_objvec_free(&s->ov);
    store_objvec_free(&s->cur);
    s->be->ops->close(s->be);
    free(s->chunk);
    free(s);
}

/* Load the committed state from the backend's current image (none = empty store). */
static int load_current(struct store *s)
{
    const uint8_t *p = NULL;
    size_t len = 0;
    uint8_t *owned = NULL;
    uint64_t gen = 0;
    store_objvec_free(&s->ov);
    store_objvec_clear(&s->cur);
    s->in_tx = false;
    int rc = s->be->ops->read_current(s->be, &p, &len, &owned);
    if (rc == STORE_ENOTFOUND)
        rc = STORE_OK;
    else if (rc == STORE_OK)
        rc = store_image_decode(p, len, &s->cur, &gen);
    free(owned);
    s->cur_payload = 0;
    for (size_t i = 0; i < s->cur.n; i++)
        s->cur_payload += s->cur.v[i].len;
    s->generation = gen;
    s->view_payload = s->cur_payload;
    s->view_count = s->cur.n;
    return rc;
}

/* Finish opening a store on backend be (closed on failure): load its current image. */
static int store_open_backend(struct store **out, struct store_backend *be)
{
    struct store *s = store_alloc(be);
    if (!s) {
        be->ops->close(be);
        return STORE_ENOMEM;
    }
    int rc = load_current(s);
    if (rc != STORE_OK) {
        store_free(s);
        return rc;
    }
    be->ops->discard_tmp(be);
    *out = s;
    return STORE_OK;
}

int store_open_memory(struct store **out)
{
    if (!out)
        return STORE_EINVAL;
    *out = NULL;
    struct store_backend *be;
    int rc = store_mem_backend_new(&be);
    return rc == STORE_OK ? store_open_backend(out, be) : rc;
}

int store_open_dir(struct store **out, const char *dir)
{
    if (!out || !dir)
        return STORE_EINVAL;
    *out = NULL;
    struct store_backend *be;
    int rc = store_dir_backend_open(&be, dir);
    return rc == STORE_OK ? store_open_backend(out, be) : rc;
}

void store_close(struct store *s)
{
    if (s)
        store_free(s);
}

int store_reload(struct store *s)
{
    if (!s)
        return STORE_EINVAL;
    s->fail_in = -1;
    int rc = load_current(s);
    if (rc != STORE_OK) {
        go_dead(s);
        return rc;
    }
    s->be->ops->discard_tmp(s->be);
    s->dead = false;
    return STORE_OK;
}

/* ---------------------------------------------------------------- transactions */

int store_begin(struct store *s)
{
    if (!s)
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    if (s->in_tx)
        return STORE_ESTATE;
    s->in_tx = true;
    return STORE_OK;
}

bool store_in_transaction(const struct store *s)
{
    return s && s->in_tx;
}

int store_begin_own(struct store *s, bool *own)
{
    *own = !store_in_transaction(s);
    return *own ? store_begin(s) : STORE_OK;
}

int store_end_own(struct store *s, bool own, int rc)
{
    if (!own)
        return rc;
    if (rc != STORE_OK) {
        store_abort(s);
        return rc;
    }
    return store_commit(s);
}

void store_abort(struct store *s)
{
    if (s && s->in_tx)
        drop_overlay(s);
}

/* Move the committed state to the merged view; allocation-free (dst is preallocated). */
static void apply_overlay(struct store *s, struct store_obj *dst)
{
    size_t k = 0;
    struct view_iter it = { .s = s };
    for (const struct store_obj *o; (o = view_next(&it)) != NULL;)
        dst[k++] = *o;
    for (size_t j = 0; j < s->ov.n; j++) {   /* committed values the overlay replaced */
        struct store_obj *c = store_objvec_find(&s->cur, s->ov.v[j].id);
        if (c)
            free(c->bytes);
    }
    free(s->cur.v);
    s->cur.v = dst;
    s->cur.n = k;
    s->cur.cap = s->view_count ? s->view_count : 1;
    s->ov.n = 0;            /* bytes moved to cur */
    s->cur_payload = s->view_payload;
}

int store_commit(struct store *s)
{
    if (!s)
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    if (!s->in_tx)
        return STORE_ESTATE;
    if (s->ov.n == 0) {
        s->in_tx = false;
        return STORE_OK;
    }
    struct store_obj *dst = malloc((s->view_count ? s->view_count : 1) * sizeof *dst);
    if (!dst) {
        drop_overlay(s);
        return STORE_ENOMEM;
    }
    int rc = image_write(s, s->generation + 1);
    if (rc == STORE_OK)
        rc = fault_now(s) ? STORE_EIO : counted(s, s->be->ops->sync(s->be));
    if (rc == STORE_OK)
        rc = fault_now(s) ? STORE_EIO : counted(s, s->be->ops->rename(s->be));
    if (rc != STORE_OK) {
        free(dst);
        go_dead(s);
        return rc == STORE_ENOMEM ? STORE_ENOMEM : STORE_EIO;
    }
    apply_overlay(s, dst);
    s->generation++;
    s->in_tx = false;
    return STORE_OK;
}

/* ---------------------------------------------------------------- reads */

/* The object id as the caller sees it (overlay first); NULL when absent. */
static const struct store_obj *view_find(const struct store *s, uint32_t id)
{
    const struct store_obj *o = store_objvec_find(&s->ov, id);
    if (o)
        return o->tomb ? NULL : o;
    return store_objvec_find(&s->cur, id);
}

int store_get(struct store *s, uint32_t id, uint8_t *v, size_t cap, size_t *len)
{
    if (!s || (!v && cap))
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    const struct store_obj *o = view_find(s, id);
    if (!o)
        return STORE_ENOTFOUND;
    if (len)
        *len = o->len;
    if (o->len > cap)
        return STORE_ETOOSMALL;
    if (o->len)
        memcpy(v, o->bytes, o->len);
    return STORE_OK;
}

int store_size(struct store *s, uint32_t id, size_t *len)
{
    if (!s || !len)
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    const struct store_obj *o = view_find(s, id);
    if (!o)
        return STORE_ENOTFOUND;
    *len = o->len;
    return STORE_OK;
}

int store_next(struct store *s, uint32_t after, uint32_t hi, uint32_t *id)
{
    if (!s || !id)
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    if (after == UINT32_MAX || after >= hi)
        return STORE_ENOTFOUND;
    uint32_t from = after + 1;
    bool found = false;
    uint32_t best = 0;
    /* first pending put in range */
    for (size_t j = store_objvec_lower_bound(&s->ov, from); j < s->ov.n && s->ov.v[j].id <= hi; j++) {
        if (!s->ov.v[j].tomb) {
            best = s->ov.v[j].id;
            found = true;
            break;
        }
    }
    /* first committed object in range not deleted by the overlay */
    for (size_t i = store_objvec_lower_bound(&s->cur, from); i < s->cur.n && s->cur.v[i].id <= hi; i++) {
        uint32_t cid = s->cur.v[i].id;
        if (found && cid >= best)
            break;
        const struct store_obj *o = store_objvec_find(&s->ov, cid);
        if (!o || !o->tomb) {
            best = cid;
            found = true;
            break;
        }
    }
    if (!found)
        return STORE_ENOTFOUND;
    *id = best;
    return STORE_OK;
}

size_t store_used_bytes(struct store *s)
{
    return s ? s->view_payload : 0;
}

/* ---------------------------------------------------------------- writes */

/* Insert or replace the overlay entry for o.id (o.bytes ownership moves in). */
static int ov_set(struct store *s, struct store_obj o)
{
    size_t i = store_objvec_lower_bound(&s->ov, o.id);
    if (i < s->ov.n && s->ov.v[i].id == o.id) {
        free(s->ov.v[i].bytes);
        s->ov.v[i] = o;
        return STORE_OK;
    }
    if (!store_objvec_reserve(&s->ov, 1))
        return STORE_ENOMEM;
    memmove(&s->ov.v[i + 1], &s->ov.v[i], (s->ov.n - i) * sizeof o);
    s->ov.v[i] = o;
    s->ov.n++;
    return STORE_OK;
}

static void ov_remove(struct store *s, uint32_t id)
{
    size_t i = store_objvec_lower_bound(&s->ov, id);
    if (i < s->ov.n && s->ov.v[i].id == id) {
        free(s->ov.v[i].bytes);
        memmove(&s->ov.v[i], &s->ov.v[i + 1], (s->ov.n - i - 1) * sizeof s->ov.v[0]);
        s->ov.n--;
    }
}

static int tx_put(struct store *s, uint32_t id, const uint8_t *v, size_t len)
{
    const struct store_obj *old = view_find(s, id);
    size_t count = s->view_count + (old ? 0 : 1);
    size_t payload = s->view_payload - (old ? old->len : 0);
    if (len > STORE_IMAGE_MAX || store_image_size(count, payload + len) > STORE_IMAGE_MAX)
        return STORE_EFULL;
    uint8_t *b = NULL;
    if (len) {
        b = malloc(len);
        if (!b)
            return STORE_ENOMEM;
        memcpy(b, v, len);
    }
    int rc = ov_set(s, (struct store_obj){ .id = id, .len = (uint32_t)len, .bytes = b });
    if (rc != STORE_OK) {
        free(b);
        return rc;
    }
    s->view_count = count;
    s->view_payload = payload + len;
    return STORE_OK;
}

static int tx_delete(struct store *s, uint32_t id)
{
    const struct store_obj *old = view_find(s, id);
    if (!old)
        return STORE_OK;
    size_t oldlen = old->len;
    int rc;
    if (store_objvec_find(&s->cur, id))
        rc = ov_set(s, (struct store_obj){ .id = id, .tomb = true });
    else {
        ov_remove(s, id);
        rc = STORE_OK;
    }
    if (rc == STORE_OK) {
        s->view_count--;
        s->view_payload -= oldlen;
    }
    return rc;
}

static int tx_delete_range(struct store *s, uint32_t lo, uint32_t hi)
{
    if (lo > hi)
        return STORE_OK;
    size_t c0 = store_objvec_lower_bound(&s->cur, lo), c1 = c0;
    while (c1 < s->cur.n && s->cur.v[c1].id <= hi)
        c1++;
    size_t ncur = c1 - c0;
    /* reserve first so that nothing changes when memory runs out */
    if (!store_objvec_reserve(&s->ov, ncur))
        return STORE_ENOMEM;
    size_t a = store_objvec_lower_bound(&s->ov, lo), b = a;
    while (b < s->ov.n && s->ov.v[b].id <= hi)
        b++;
    /* drop overlay entries in range: the view there becomes the committed objects */
    for (size_t j = a; j < b; j++) {
        const struct store_obj *o = &s->ov.v[j];
        const struct store_obj *c = store_objvec_find(&s->cur, o->id);
        if (!o->tomb) {
            s->view_count--;
            s->view_payload -= o->len;
        }
        if (c) {
            s->view_count++;
            s->view_payload += c->len;
        }
        free(o->bytes);
    }
    if (b > a && s->ov.n > b)
        memmove(&s->ov.v[a], &s->ov.v[b], (s->ov.n - b) * sizeof s->ov.v[0]);
    s->ov.n -= b - a;
    /* then a tombstone for every committed object in range */
    if (ncur && s->ov.n > a)
        memmove(&s->ov.v[a + ncur], &s->ov.v[a], (s->ov.n - a) * sizeof s->ov.v[0]);
    for (size_t k = 0; k < ncur; k++) {
        const struct store_obj *c = &s->cur.v[c0 + k];
        s->ov.v[a + k] = (struct store_obj){ .id = c->id, .tomb = true };
        s->view_count--;
        s->view_payload -= c->len;
    }
    s->ov.n += ncur;
    return STORE_OK;
}

/* Run one write operation, as its own transaction when none is open. */
#define OP_PUT 0
#define OP_DEL 1
#define OP_RANGE 2

static int run_op(struct store *s, int op, uint32_t a, uint32_t b, const uint8_t *v, size_t len)
{
    if (!s || (!v && len))
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    bool own = !s->in_tx;
    s->in_tx = true;
    int rc = op == OP_PUT ? tx_put(s, a, v, len)
           : op == OP_DEL ? tx_delete(s, a)
                          : tx_delete_range(s, a, b);
    if (!own)
        return rc;
    if (rc != STORE_OK) {
        drop_overlay(s);
        return rc;
    }
    return store_commit(s);
}

int store_put(struct store *s, uint32_t id, const uint8_t *v, size_t len)
{
    return run_op(s, OP_PUT, id, 0, v, len);
}

int store_delete(struct store *s, uint32_t id)
{
    return run_op(s, OP_DEL, id, 0, NULL, 0);
}

int store_delete_range(struct store *s, uint32_t lo, uint32_t hi)
{
    return run_op(s, OP_RANGE, lo, hi, NULL, 0);
}

/* ---------------------------------------------------------------- fault injection, misc */

void store_fail_after(struct store *s, long n)
{
    if (s)
        s->fail_in = n < 0 ? -1 : n;
}

long store_write_count(const struct store *s)
{
    return s ? s->writes : 0;
}


const char *store_strerror(int rc)
{
    switch (rc) {
    case STORE_OK: return "ok";
    case STORE_ENOTFOUND: return "no such object";
    case STORE_ETOOSMALL: return "buffer too small";
    case STORE_EIO: return "backend I/O error";
    case STORE_EDEAD: return "store is dead after a fault; reload needed";
    case STORE_ESTATE: return "wrong transaction state";
    case STORE_EFULL: return "store capacity exceeded";
    case STORE_ECORRUPT: return "persistent image failed its integrity check";
    case STORE_ENOMEM: return "out of memory";
    case STORE_ELOCKED: return "state directory is locked by another store";
    case STORE_EINVAL: return "invalid argument";
    default: return "unknown store error";
    }
}
