/* card/store.c — persistent objects with atomic transactions (see card/store.h).
 *
 * In memory: the committed objects (sorted by id) and, during a transaction, an
 * overlay of pending puts and tombstones (sorted by id). A commit streams the whole
 * merged view as one image (format in card/store_internal.h) to the backend's
 * temporary area in chunks of at most 64 KiB, syncs it and renames it over the
 * current image; only then does the in-memory state move to the new values.
 * One image encoder/decoder serves both backends, which differ only in a tiny
 * vtable (write_tmp_chunk, sync, rename, read_current, discard_tmp, close).
 */
#include "card/store.h"
#include "card/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

/* ---------------------------------------------------------------- objects */

struct obj {
    uint32_t id;
    uint32_t len;
    uint8_t *bytes;   /* NULL when len == 0 */
    bool tomb;        /* overlay only: pending delete */
};

struct objvec {
    struct obj *v;
    size_t n, cap;
};

struct store;

struct backend_ops {
    /* Write p[0..n) at offset off of the temporary image (off 0 starts a new one). */
    int (*write_tmp_chunk)(struct store *s, size_t off, const uint8_t *p, size_t n);
    int (*sync)(struct store *s);           /* make the temporary image durable */
    int (*rename)(struct store *s);         /* temporary image becomes the current one */
    /* Current image in *p and *len (borrowed or in *owned, to free); STORE_ENOTFOUND if none. */
    int (*read_current)(struct store *s, const uint8_t **p, size_t *len, uint8_t **owned);
    void (*discard_tmp)(struct store *s);   /* forget a stale temporary image */
    void (*close)(struct store *s);
};

struct mem_backend {
    uint8_t *cur;
    size_t cur_len;
    bool cur_present;
    uint8_t *tmp;
    size_t tmp_len, tmp_cap;
};

struct dir_backend {
    int dirfd;
    int lockfd;
    int tmpfd;
};

struct store {
    const struct backend_ops *ops;
    union {
        struct mem_backend mem;
        struct dir_backend dir;
    } be;
    struct objvec cur;        /* committed objects */
    struct objvec ov;         /* transaction overlay */
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

#define STATE_FILE "state.bin"
#define TMP_FILE   "state.tmp"
#define LOCK_FILE  "lock"

static size_t lower_bound(const struct objvec *vec, uint32_t id)
{
    size_t lo = 0, hi = vec->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vec->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct obj *vec_find(const struct objvec *vec, uint32_t id)
{
    size_t i = lower_bound(vec, id);
    return (i < vec->n && vec->v[i].id == id) ? &vec->v[i] : NULL;
}

static bool vec_reserve(struct objvec *vec, size_t extra)
{
    if (vec->n + extra <= vec->cap)
        return true;
    size_t cap = vec->cap ? vec->cap : 16;
    while (cap < vec->n + extra)
        cap *= 2;
    struct obj *v = realloc(vec->v, cap * sizeof *v);
    if (!v)
        return false;
    vec->v = v;
    vec->cap = cap;
    return true;
}

static void vec_clear(struct objvec *vec)
{
    for (size_t i = 0; i < vec->n; i++)
        free(vec->v[i].bytes);
    vec->n = 0;
}

static void vec_free(struct objvec *vec)
{
    vec_clear(vec);
    free(vec->v);
    vec->v = NULL;
    vec->cap = 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static size_t image_size(size_t count, size_t payload)
{
    return STORE_IMAGE_HEADER_LEN + count * STORE_IMAGE_RECORD_HDR + payload +
           STORE_IMAGE_TRAILER_LEN;
}

/* ---------------------------------------------------------------- image decoder */

/* Parse a whole image into out (empty on entry); on error out is left empty. */
static int image_decode(const uint8_t *p, size_t len, struct objvec *out, uint64_t *gen)
{
    if (len < STORE_IMAGE_HEADER_LEN + STORE_IMAGE_TRAILER_LEN || len > STORE_IMAGE_MAX)
        return STORE_ECORRUPT;
    if (memcmp(p, STORE_IMAGE_MAGIC, 8) != 0 || be32(p + 8) != STORE_IMAGE_VERSION)
        return STORE_ECORRUPT;
    size_t body = len - STORE_IMAGE_TRAILER_LEN;
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(p, body, md, &mdlen, EVP_sha256(), NULL) || mdlen != sizeof md)
        return STORE_ENOMEM;
    if (memcmp(md, p + body, sizeof md) != 0)
        return STORE_ECORRUPT;

    uint64_t g = (uint64_t)be32(p + 12) << 32 | be32(p + 16);
    uint32_t count = be32(p + 20);
    size_t pos = STORE_IMAGE_HEADER_LEN;
    if (count > (body - pos) / STORE_IMAGE_RECORD_HDR)
        return STORE_ECORRUPT;
    if (count && !vec_reserve(out, count))
        return STORE_ENOMEM;
    int rc = STORE_OK;
    for (uint32_t i = 0; i < count; i++) {
        if (body - pos < STORE_IMAGE_RECORD_HDR) {
            rc = STORE_ECORRUPT;
            break;
        }
        uint32_t id = be32(p + pos), rlen = be32(p + pos + 4);
        pos += STORE_IMAGE_RECORD_HDR;
        if (rlen > body - pos || (i > 0 && id <= out->v[out->n - 1].id)) {
            rc = STORE_ECORRUPT;
            break;
        }
        uint8_t *b = NULL;
        if (rlen) {
            b = malloc(rlen);
            if (!b) {
                rc = STORE_ENOMEM;
                break;
            }
            memcpy(b, p + pos, rlen);
        }
        pos += rlen;
        out->v[out->n++] = (struct obj){ .id = id, .len = rlen, .bytes = b };
    }
    if (rc == STORE_OK && pos != body)
        rc = STORE_ECORRUPT;
    if (rc != STORE_OK) {
        vec_clear(out);
        return rc;
    }
    *gen = g;
    return STORE_OK;
}

int store_image_check(const uint8_t *p, size_t len, uint32_t *count)
{
    struct objvec v = { 0 };
    uint64_t gen = 0;
    if (!p && len)
        return STORE_EINVAL;
    int rc = image_decode(p, len, &v, &gen);
    if (rc == STORE_OK && count)
        *count = (uint32_t)v.n;
    vec_free(&v);
    return rc;
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
    vec_clear(&s->ov);
    s->in_tx = false;
    s->view_payload = s->cur_payload;
    s->view_count = s->cur.n;
}

static void go_dead(struct store *s)
{
    drop_overlay(s);
    s->dead = true;
}

/* ---------------------------------------------------------------- image encoder */

struct encoder {
    struct store *s;
    EVP_MD_CTX *md;
    size_t fill;      /* bytes in s->chunk */
    size_t off;       /* bytes already written to the temporary image */
    int rc;
};

static void enc_flush(struct encoder *e)
{
    if (e->rc != STORE_OK || e->fill == 0)
        return;
    struct store *s = e->s;
    if (fault_now(s))
        e->rc = STORE_EIO;
    else
        e->rc = s->ops->write_tmp_chunk(s, e->off, s->chunk, e->fill);
    if (e->rc == STORE_OK) {
        s->writes++;
        e->off += e->fill;
        e->fill = 0;
    }
}

/* Append bytes to the image; hashed unless this is the trailer. */
static void enc_emit(struct encoder *e, const uint8_t *p, size_t n, bool hash)
{
    if (e->rc == STORE_OK && hash && n && !EVP_DigestUpdate(e->md, p, n))
        e->rc = STORE_ENOMEM;
    while (e->rc == STORE_OK && n) {
        size_t room = STORE_CHUNK_MAX - e->fill;
        size_t k = n < room ? n : room;
        memcpy(e->s->chunk + e->fill, p, k);
        e->fill += k;
        p += k;
        n -= k;
        if (e->fill == STORE_CHUNK_MAX)
            enc_flush(e);
    }
}

static void enc_record(struct encoder *e, const struct obj *o)
{
    uint8_t h[STORE_IMAGE_RECORD_HDR];
    put32(h, o->id);
    put32(h + 4, o->len);
    enc_emit(e, h, sizeof h, true);
    if (o->len)
        enc_emit(e, o->bytes, o->len, true);
}

/* Stream the merged view (committed + overlay) as the image of generation gen. */
static int image_write(struct store *s, uint64_t gen)
{
    struct encoder e = { .s = s, .md = EVP_MD_CTX_new(), .rc = STORE_OK };
    if (!e.md || !EVP_DigestInit_ex(e.md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(e.md);
        return STORE_ENOMEM;
    }
    uint8_t h[STORE_IMAGE_HEADER_LEN];
    memcpy(h, STORE_IMAGE_MAGIC, 8);
    put32(h + 8, STORE_IMAGE_VERSION);
    put32(h + 12, (uint32_t)(gen >> 32));
    put32(h + 16, (uint32_t)gen);
    put32(h + 20, (uint32_t)s->view_count);
    enc_emit(&e, h, sizeof h, true);

    size_t i = 0, j = 0;
    while (e.rc == STORE_OK && (i < s->cur.n || j < s->ov.n)) {
        const struct obj *c = i < s->cur.n ? &s->cur.v[i] : NULL;
        const struct obj *o = j < s->ov.n ? &s->ov.v[j] : NULL;
        if (c && (!o || c->id < o->id)) {
            enc_record(&e, c);
            i++;
            continue;
        }
        if (c && c->id == o->id)
            i++;
        if (!o->tomb)
            enc_record(&e, o);
        j++;
    }
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (e.rc == STORE_OK && (!EVP_DigestFinal_ex(e.md, md, &mdlen) || mdlen != sizeof md))
        e.rc = STORE_ENOMEM;
    EVP_MD_CTX_free(e.md);
    enc_emit(&e, md, sizeof md, false);
    enc_flush(&e);
    return e.rc;
}

/* ---------------------------------------------------------------- memory backend */

static int mem_write_tmp_chunk(struct store *s, size_t off, const uint8_t *p, size_t n)
{
    struct mem_backend *m = &s->be.mem;
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

static int mem_sync(struct store *s)
{
    (void)s;
    return STORE_OK;
}

static int mem_rename(struct store *s)
{
    struct mem_backend *m = &s->be.mem;
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

static int mem_read_current(struct store *s, const uint8_t **p, size_t *len, uint8_t **owned)
{
    struct mem_backend *m = &s->be.mem;
    *owned = NULL;
    if (!m->cur_present)
        return STORE_ENOTFOUND;
    *p = m->cur;
    *len = m->cur_len;
    return STORE_OK;
}

static void mem_discard_tmp(struct store *s)
{
    s->be.mem.tmp_len = 0;
}

static void mem_close(struct store *s)
{
    free(s->be.mem.cur);
    free(s->be.mem.tmp);
}

static const struct backend_ops mem_ops = {
    mem_write_tmp_chunk, mem_sync, mem_rename, mem_read_current, mem_discard_tmp, mem_close,
};

/* ---------------------------------------------------------------- directory backend */

static int dir_write_tmp_chunk(struct store *s, size_t off, const uint8_t *p, size_t n)
{
    struct dir_backend *d = &s->be.dir;
    if (off == 0) {
        if (d->tmpfd >= 0)
            close(d->tmpfd);
        d->tmpfd = openat(d->dirfd, TMP_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    }
    if (d->tmpfd < 0)
        return STORE_EIO;
    while (n) {
        ssize_t w = write(d->tmpfd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return STORE_EIO;
        p += w;
        n -= (size_t)w;
    }
    return STORE_OK;
}

static int dir_sync(struct store *s)
{
    struct dir_backend *d = &s->be.dir;
    if (d->tmpfd < 0)
        return STORE_EIO;
    int r = fsync(d->tmpfd);
    int c = close(d->tmpfd);
    d->tmpfd = -1;
    return (r == 0 && c == 0) ? STORE_OK : STORE_EIO;
}

static int dir_rename(struct store *s)
{
    struct dir_backend *d = &s->be.dir;
    if (renameat(d->dirfd, TMP_FILE, d->dirfd, STATE_FILE) != 0)
        return STORE_EIO;
    return fsync(d->dirfd) == 0 ? STORE_OK : STORE_EIO;
}

static int dir_read_current(struct store *s, const uint8_t **p, size_t *len, uint8_t **owned)
{
    struct dir_backend *d = &s->be.dir;
    *owned = NULL;
    int fd = openat(d->dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? STORE_ENOTFOUND : STORE_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return STORE_EIO;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > STORE_IMAGE_MAX) {
        close(fd);
        return STORE_ECORRUPT;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        close(fd);
        return STORE_ENOMEM;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != size) {
        free(buf);
        return STORE_EIO;
    }
    *p = buf;
    *len = size;
    *owned = buf;
    return STORE_OK;
}

static void dir_discard_tmp(struct store *s)
{
    struct dir_backend *d = &s->be.dir;
    if (d->tmpfd >= 0) {
        close(d->tmpfd);
        d->tmpfd = -1;
    }
    (void)unlinkat(d->dirfd, TMP_FILE, 0);
}

static void dir_close(struct store *s)
{
    struct dir_backend *d = &s->be.dir;
    if (d->tmpfd >= 0)
        close(d->tmpfd);
    if (d->lockfd >= 0)
        close(d->lockfd);   /* releases the flock */
    if (d->dirfd >= 0)
        close(d->dirfd);
}

static const struct backend_ops dir_ops = {
    dir_write_tmp_chunk, dir_sync, dir_rename, dir_read_current, dir_discard_tmp, dir_close,
};

/* mkdir -p with mode 0700 for every component created. */
static int make_dirs(const char *dir)
{
    size_t n = strlen(dir);
    if (n == 0 || n >= PATH_MAX)
        return STORE_EINVAL;
    char path[PATH_MAX];
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char save = path[i];
        path[i] = '\0';
        struct stat st;
        if (mkdir(path, 0700) != 0 && errno != EEXIST &&
            (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
            return STORE_EIO;
        path[i] = save;
    }
    return STORE_OK;
}

/* ---------------------------------------------------------------- open / close / reload */

static struct store *store_alloc(const struct backend_ops *ops)
{
    struct store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->chunk = malloc(STORE_CHUNK_MAX);
    if (!s->chunk) {
        free(s);
        return NULL;
    }
    s->ops = ops;
    s->fail_in = -1;
    return s;
}

static void store_free(struct store *s)
{
    vec_free(&s->ov);
    vec_free(&s->cur);
    s->ops->close(s);
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
    vec_free(&s->ov);
    vec_clear(&s->cur);
    s->in_tx = false;
    int rc = s->ops->read_current(s, &p, &len, &owned);
    if (rc == STORE_ENOTFOUND)
        rc = STORE_OK;
    else if (rc == STORE_OK)
        rc = image_decode(p, len, &s->cur, &gen);
    free(owned);
    s->cur_payload = 0;
    for (size_t i = 0; i < s->cur.n; i++)
        s->cur_payload += s->cur.v[i].len;
    s->generation = gen;
    s->view_payload = s->cur_payload;
    s->view_count = s->cur.n;
    return rc;
}

int store_open_memory(struct store **out)
{
    if (!out)
        return STORE_EINVAL;
    *out = NULL;
    struct store *s = store_alloc(&mem_ops);
    if (!s)
        return STORE_ENOMEM;
    *out = s;
    return STORE_OK;
}

int store_open_dir(struct store **out, const char *dir)
{
    if (!out || !dir)
        return STORE_EINVAL;
    *out = NULL;
    int rc = make_dirs(dir);
    if (rc != STORE_OK)
        return rc;
    struct store *s = store_alloc(&dir_ops);
    if (!s)
        return STORE_ENOMEM;
    struct dir_backend *d = &s->be.dir;
    d->tmpfd = -1;
    d->lockfd = -1;
    d->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d->dirfd < 0) {
        store_free(s);
        return STORE_EIO;
    }
    d->lockfd = openat(d->dirfd, LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (d->lockfd < 0) {
        store_free(s);
        return STORE_EIO;
    }
    if (flock(d->lockfd, LOCK_EX | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK ? STORE_ELOCKED : STORE_EIO;
        store_free(s);
        return rc;
    }
    rc = load_current(s);
    if (rc != STORE_OK) {
        store_free(s);
        return rc;
    }
    s->ops->discard_tmp(s);
    *out = s;
    return STORE_OK;
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
    s->ops->discard_tmp(s);
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

void store_abort(struct store *s)
{
    if (s && s->in_tx)
        drop_overlay(s);
}

/* Move the committed state to the merged view; allocation-free (dst is preallocated). */
static void apply_overlay(struct store *s, struct obj *dst)
{
    size_t i = 0, j = 0, k = 0;
    while (i < s->cur.n || j < s->ov.n) {
        struct obj *c = i < s->cur.n ? &s->cur.v[i] : NULL;
        struct obj *o = j < s->ov.n ? &s->ov.v[j] : NULL;
        if (c && (!o || c->id < o->id)) {
            dst[k++] = *c;
            i++;
            continue;
        }
        if (c && c->id == o->id) {
            free(c->bytes);
            i++;
        }
        if (!o->tomb)
            dst[k++] = *o;
        j++;
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
    struct obj *dst = malloc((s->view_count ? s->view_count : 1) * sizeof *dst);
    if (!dst) {
        drop_overlay(s);
        return STORE_ENOMEM;
    }
    int rc = image_write(s, s->generation + 1);
    if (rc == STORE_OK) {
        rc = fault_now(s) ? STORE_EIO : s->ops->sync(s);
        if (rc == STORE_OK)
            s->writes++;
    }
    if (rc == STORE_OK) {
        rc = fault_now(s) ? STORE_EIO : s->ops->rename(s);
        if (rc == STORE_OK)
            s->writes++;
    }
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
static const struct obj *view_find(const struct store *s, uint32_t id)
{
    const struct obj *o = vec_find(&s->ov, id);
    if (o)
        return o->tomb ? NULL : o;
    return vec_find(&s->cur, id);
}

int store_get(struct store *s, uint32_t id, uint8_t *v, size_t cap, size_t *len)
{
    if (!s || (!v && cap))
        return STORE_EINVAL;
    if (s->dead)
        return STORE_EDEAD;
    const struct obj *o = view_find(s, id);
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
    const struct obj *o = view_find(s, id);
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
    for (size_t j = lower_bound(&s->ov, from); j < s->ov.n && s->ov.v[j].id <= hi; j++) {
        if (!s->ov.v[j].tomb) {
            best = s->ov.v[j].id;
            found = true;
            break;
        }
    }
    /* first committed object in range not deleted by the overlay */
    for (size_t i = lower_bound(&s->cur, from); i < s->cur.n && s->cur.v[i].id <= hi; i++) {
        uint32_t cid = s->cur.v[i].id;
        if (found && cid >= best)
            break;
        const struct obj *o = vec_find(&s->ov, cid);
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
static int ov_set(struct store *s, struct obj o)
{
    size_t i = lower_bound(&s->ov, o.id);
    if (i < s->ov.n && s->ov.v[i].id == o.id) {
        free(s->ov.v[i].bytes);
        s->ov.v[i] = o;
        return STORE_OK;
    }
    if (!vec_reserve(&s->ov, 1))
        return STORE_ENOMEM;
    memmove(&s->ov.v[i + 1], &s->ov.v[i], (s->ov.n - i) * sizeof o);
    s->ov.v[i] = o;
    s->ov.n++;
    return STORE_OK;
}

static void ov_remove(struct store *s, uint32_t id)
{
    size_t i = lower_bound(&s->ov, id);
    if (i < s->ov.n && s->ov.v[i].id == id) {
        free(s->ov.v[i].bytes);
        memmove(&s->ov.v[i], &s->ov.v[i + 1], (s->ov.n - i - 1) * sizeof s->ov.v[0]);
        s->ov.n--;
    }
}

static int tx_put(struct store *s, uint32_t id, const uint8_t *v, size_t len)
{
    const struct obj *old = view_find(s, id);
    size_t count = s->view_count + (old ? 0 : 1);
    size_t payload = s->view_payload - (old ? old->len : 0);
    if (len > STORE_IMAGE_MAX || image_size(count, payload + len) > STORE_IMAGE_MAX)
        return STORE_EFULL;
    uint8_t *b = NULL;
    if (len) {
        b = malloc(len);
        if (!b)
            return STORE_ENOMEM;
        memcpy(b, v, len);
    }
    int rc = ov_set(s, (struct obj){ .id = id, .len = (uint32_t)len, .bytes = b });
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
    const struct obj *old = view_find(s, id);
    if (!old)
        return STORE_OK;
    size_t oldlen = old->len;
    int rc;
    if (vec_find(&s->cur, id))
        rc = ov_set(s, (struct obj){ .id = id, .tomb = true });
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
    size_t c0 = lower_bound(&s->cur, lo), c1 = c0;
    while (c1 < s->cur.n && s->cur.v[c1].id <= hi)
        c1++;
    size_t ncur = c1 - c0;
    /* reserve first so that nothing changes when memory runs out */
    if (!vec_reserve(&s->ov, ncur))
        return STORE_ENOMEM;
    size_t a = lower_bound(&s->ov, lo), b = a;
    while (b < s->ov.n && s->ov.v[b].id <= hi)
        b++;
    /* drop overlay entries in range: the view there becomes the committed objects */
    for (size_t j = a; j < b; j++) {
        const struct obj *o = &s->ov.v[j];
        const struct obj *c = vec_find(&s->cur, o->id);
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
        const struct obj *c = &s->cur.v[c0 + k];
        s->ov.v[a + k] = (struct obj){ .id = c->id, .tomb = true };
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

int store_memory_image(const struct store *s, const uint8_t **p, size_t *len)
{
    if (!s || !p || !len || s->ops != &mem_ops)
        return STORE_EINVAL;
    if (!s->be.mem.cur_present)
        return STORE_ENOTFOUND;
    *p = s->be.mem.cur;
    *len = s->be.mem.cur_len;
    return STORE_OK;
}

int store_memory_set_image(struct store *s, const uint8_t *p, size_t len)
{
    if (!s || (!p && len) || s->ops != &mem_ops)
        return STORE_EINVAL;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        return STORE_ENOMEM;
    if (len)
        memcpy(b, p, len);
    free(s->be.mem.cur);
    s->be.mem.cur = b;
    s->be.mem.cur_len = len;
    s->be.mem.cur_present = true;
    return STORE_OK;
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
