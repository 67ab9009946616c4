/* card/fs.c — the UICC file system tree of one profile (see card/fs.h).
 *
 * Design: files live in one array in creation order; a parent (and a link target) always
 * has a smaller index than the file that refers to it, so the array is a pre-ordered
 * forest and one forward pass resolves subtrees. fs_remove compacts the array.
 *
 * Serialised form (fs_serialize, fs_serialize_structure), version 1:
 *   'F' 0x01 varint(n) then per file:
 *     type(1) flags(1)
 *     [varint(i - parent)]          all but the MF
 *     [fid(2)]                      flags & F_FID
 *     [sfi(1)]                      flags & F_SFI
 *     [len(1) aid]                  flags & F_AID
 *     [sec_tag(1) len(1) sec]       flags & F_SEC
 *     [len(1) prop]                 flags & F_PROP
 *     [len(1) pinstat]              flags & F_PINSTAT
 *     [varint(i - link)]            flags & F_LINK (an EF's structure then inherited;
 *                                   on a DF: the DF/ADF it shows, SAIP dfLink)
 *     structure                     transparent/BER-TLV: varint(size);
 *                                   linear/cyclic: rec_len(1) rec_count(1)
 *     [varint(len) state]           flags & F_STATE: fs_file_state_encode output
 * File state: lcsi(1) [cyclic_last(1)] [BER-TLV: varint(data_len)] then content as
 * runs: varint(literal length) literal varint(0xFF run length), repeated until the
 * content's length is reached exactly. */
#include "card/fs.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"

#define FS_MAGIC   'F'
#define FS_VERSION 1

#define F_FID     0x01
#define F_SFI     0x02
#define F_AID     0x04
#define F_SEC     0x08
#define F_PROP    0x10
#define F_PINSTAT 0x20
#define F_LINK    0x40
#define F_STATE   0x80

#define FF_RUN_MIN 3          /* shorter 0xFF runs stay in the literal */

/* ---------------------------------------------------------------- basics */

void fs_init(struct fs *fs)
{
    fs->files = NULL;
    fs->n = 0;
    fs->cap = 0;
}

static void file_free(struct fs_file *f)
{
    if (f->data) {
        ct_wipe(f->data, f->type == FS_EF_BERTLV ? f->data_len : f->size);
        free(f->data);
    }
    f->data = NULL;
    f->data_len = 0;
}

void fs_free(struct fs *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++)
        file_free(&fs->files[i]);
    free(fs->files);
    fs_init(fs);
}

bool fs_is_df(const struct fs_file *f)
{
    return f && (f->type == FS_MF || f->type == FS_DF || f->type == FS_ADF);
}

static bool is_ef_type(enum fs_type t)
{
    return t == FS_EF_TRANSPARENT || t == FS_EF_LINEAR || t == FS_EF_CYCLIC ||
           t == FS_EF_BERTLV;
}

static bool is_record_type(enum fs_type t)
{
    return t == FS_EF_LINEAR || t == FS_EF_CYCLIC;
}

static bool valid_idx(const struct fs *fs, int idx)
{
    return idx >= 0 && (size_t)idx < fs->n;
}

/* octets of content allocated for a file */
static size_t alloc_len(const struct fs_file *f)
{
    return f->type == FS_EF_BERTLV ? f->data_len : (f->data ? f->size : 0);
}

static size_t content_total(const struct fs *fs)
{
    size_t t = 0;
    for (size_t i = 0; i < fs->n; i++)
        t += alloc_len(&fs->files[i]);
    return t;
}

/* ---------------------------------------------------------------- lookups */

int fs_child(const struct fs *fs, int parent, uint16_t fid)
{
    if (!fs || fid == 0 || !valid_idx(fs, parent))
        return FS_NONE;
    parent = fs_content_of(fs, parent);         /* a linked DF shows its target's files */
    if (parent == FS_NONE)
        return FS_NONE;
    for (size_t i = (size_t)parent + 1; i < fs->n; i++)
        if (fs->files[i].parent == parent && fs->files[i].fid == fid)
            return (int)i;
    return FS_NONE;
}

int fs_child_sfi(const struct fs *fs, int parent, uint8_t sfi)
{
    if (!fs || sfi == 0 || sfi > 30 || !valid_idx(fs, parent))
        return FS_NONE;
    parent = fs_content_of(fs, parent);
    if (parent == FS_NONE)
        return FS_NONE;
    for (size_t i = (size_t)parent + 1; i < fs->n; i++) {
        const struct fs_file *f = &fs->files[i];
        if (f->parent == parent && f->sfi == sfi && is_ef_type(f->type))
            return (int)i;
    }
    return FS_NONE;
}

int fs_find_adf(const struct fs *fs, const uint8_t *aid, size_t len, unsigned nth)
{
    if (!fs || !aid || len == 0 || len > FS_AID_MAX)
        return FS_NONE;
    for (size_t i = 0; i < fs->n; i++) {
        const struct fs_file *f = &fs->files[i];
        if (f->type == FS_ADF && f->aid_len >= len && memcmp(f->aid, aid, len) == 0) {
            if (nth == 0)
                return (int)i;
            nth--;
        }
    }
    return FS_NONE;
}

int fs_content_of(const struct fs *fs, int idx)
{
    if (!fs)
        return FS_NONE;
    /* a chain longer than the file count is a loop */
    for (size_t steps = 0; steps <= fs->n; steps++) {
        if (!valid_idx(fs, idx))
            return FS_NONE;
        if (fs->files[idx].link == FS_NONE)
            return idx;
        idx = fs->files[idx].link;
    }
    return FS_NONE;
}

/* ---------------------------------------------------------------- fs_add */

static bool reserved_fid(uint16_t fid)
{
    return fid == 0x3F00 || fid == 0x7FFF || fid == 0xFFFF;
}

/* A DF link (SAIP linkPath naming a DF): a DF (not the MF, not an ADF) showing the
 * files of an earlier DF or ADF, which is not the link's own parent or an ancestor of it
 * (the tree would contain itself). */
static bool dir_link_ok(const struct fs *fs, const struct fs_file *g)
{
    if (g->type != FS_DF || !valid_idx(fs, g->link))
        return false;
    const struct fs_file *t = &fs->files[g->link];
    if (t->type != FS_DF && t->type != FS_ADF)
        return false;
    for (int a = g->parent; a != FS_NONE; a = fs->files[a].parent)
        if (a == g->link)
            return false;
    return true;
}

/* Check f against the tree and normalise it into *g (no data pointer yet). */
static bool check_file(const struct fs *fs, const struct fs_file *f, struct fs_file *g)
{
    *g = *f;
    g->data = NULL;
    g->data_len = 0;
    if (g->lcsi == 0)
        g->lcsi = FS_LCSI_ACTIVATED;
    if (g->aid_len > FS_AID_MAX || g->sec_len > FS_SEC_MAX || g->prop_len > FS_PROP_MAX ||
        g->pinstat_len > FS_PINSTAT_MAX || g->sfi > 30)
        return false;
    if (!(g->sec_tag == 0 || g->sec_tag == 0x8B || g->sec_tag == 0x8C ||
          g->sec_tag == 0xAB) || (g->sec_tag == 0 && g->sec_len != 0))
        return false;

    if (g->type == FS_MF) {
        if (fs->n != 0 || g->parent != FS_NONE || g->link != FS_NONE || g->sfi)
            return false;
        if (g->fid == 0)
            g->fid = 0x3F00;
        if (g->fid != 0x3F00)
            return false;
    } else {
        if (fs->n == 0 || !valid_idx(fs, g->parent) || !fs_is_df(&fs->files[g->parent]) ||
            fs->files[g->parent].link != FS_NONE)      /* a DF link has no own files */
            return false;
        if (reserved_fid(g->fid) || (g->fid == 0 && g->type != FS_ADF))
            return false;
        if (g->fid != 0 && fs_child(fs, g->parent, g->fid) != FS_NONE)
            return false;
    }
    if (g->type == FS_ADF && g->aid_len == 0)
        return false;

    if (fs_is_df(g)) {
        if (g->sfi || (g->link != FS_NONE && !dir_link_ok(fs, g)))
            return false;
        g->size = 0;
        g->rec_len = g->rec_count = 0;
        g->cyclic_last = 0;
        return true;
    }
    if (!is_ef_type(g->type))
        return false;

    if (g->link != FS_NONE) {
        if (!valid_idx(fs, g->link) || f->data)
            return false;
        const struct fs_file *t = &fs->files[g->link];
        if (t->type != g->type)
            return false;
        if (g->size == 0 && g->rec_len == 0 && g->rec_count == 0) {
            g->size = t->size;
            g->rec_len = t->rec_len;
            g->rec_count = t->rec_count;
        }
        if (g->size != t->size || g->rec_len != t->rec_len || g->rec_count != t->rec_count)
            return false;
    }
    if (is_record_type(g->type)) {
        if (g->rec_len < 1 || g->rec_len > 255 || g->rec_count < 1 || g->rec_count > 254)
            return false;
        uint32_t sz = (uint32_t)g->rec_len * g->rec_count;
        if (g->size == 0)
            g->size = sz;
        if (g->size != sz)
            return false;
        if (g->type == FS_EF_CYCLIC ? g->cyclic_last >= g->rec_count : g->cyclic_last != 0)
            return false;
    } else {
        if (g->size > FS_EF_SIZE_MAX)
            return false;
        g->rec_len = g->rec_count = 0;
        if (g->cyclic_last != 0)
            return false;
    }
    if (f->data && f->data_len > g->size)
        return false;
    return true;
}

int fs_add(struct fs *fs, const struct fs_file *f)
{
    struct fs_file g;
    if (!fs || !f || fs->n >= FS_FILES_MAX || !check_file(fs, f, &g))
        return FS_NONE;

    size_t need = 0;
    if (is_ef_type(g.type) && g.link == FS_NONE)
        need = g.type == FS_EF_BERTLV ? (f->data ? f->data_len : 0) : g.size;
    if (need > FS_CONTENT_MAX - content_total(fs))
        return FS_NONE;

    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? fs->cap * 2 : 16;
        struct fs_file *nf = realloc(fs->files, cap * sizeof *nf);
        if (!nf)
            return FS_NONE;
        fs->files = nf;
        fs->cap = cap;
    }
    if (need) {
        g.data = malloc(need);
        if (!g.data)
            return FS_NONE;
        memset(g.data, 0xFF, need);
        if (f->data && f->data_len)
            memcpy(g.data, f->data, f->data_len);
    }
    g.data_len = g.type == FS_EF_BERTLV ? (uint32_t)need : (g.link == FS_NONE ? g.size : 0);
    if (fs_is_df(&g))
        g.data_len = 0;
    fs->files[fs->n] = g;
    return (int)fs->n++;
}

/* ---------------------------------------------------------------- fs_remove */

/* Give file i its own copy of the content it shows through its link. */
static int materialise(struct fs *fs, int i)
{
    struct fs_file *f = &fs->files[i];
    int src = fs_content_of(fs, i);
    if (src == FS_NONE)
        return -1;
    const struct fs_file *s = &fs->files[src];
    size_t n = alloc_len(s);
    uint8_t *d = NULL;
    if (n) {
        d = malloc(n);
        if (!d)
            return -1;
        memcpy(d, s->data, n);
    }
    f->data = d;
    f->data_len = s->data_len;
    f->cyclic_last = s->cyclic_last;
    return 0;
}

void fs_remove(struct fs *fs, int idx)
{
    if (!fs || !valid_idx(fs, idx))
        return;
    int *map = malloc(fs->n * sizeof *map);
    if (!map)
        return;
    /* map[i]: new index, or FS_NONE when i is in the subtree (parents come first) */
    for (size_t i = 0; i < fs->n; i++) {
        int p = fs->files[i].parent;
        bool gone = (int)i == idx || (p != FS_NONE && map[p] == FS_NONE);
        map[i] = gone ? FS_NONE : 0;
    }
    /* survivors that show removed content get their own copy first (old indices) */
    for (size_t i = 0; i < fs->n; i++) {
        struct fs_file *f = &fs->files[i];
        if (map[i] == FS_NONE || f->link == FS_NONE || map[f->link] != FS_NONE)
            continue;
        if (materialise(fs, (int)i) != 0) {
            /* out of memory: drop the copies made, leave the tree as it was */
            for (size_t j = 0; j < i; j++)
                if (fs->files[j].link != FS_NONE && fs->files[j].data)
                    file_free(&fs->files[j]);
            free(map);
            return;
        }
    }
    for (size_t i = 0; i < fs->n; i++) {
        struct fs_file *f = &fs->files[i];
        if (map[i] != FS_NONE && f->link != FS_NONE && map[f->link] == FS_NONE)
            f->link = FS_NONE;
    }
    size_t w = 0;
    for (size_t i = 0; i < fs->n; i++) {
        if (map[i] == FS_NONE) {
            file_free(&fs->files[i]);
            continue;
        }
        map[i] = (int)w;
        struct fs_file f = fs->files[i];
        if (f.parent != FS_NONE)
            f.parent = map[f.parent];
        if (f.link != FS_NONE)
            f.link = map[f.link];
        fs->files[w++] = f;
    }
    fs->n = w;
    free(map);
}

/* ---------------------------------------------------------------- byte buffer */

struct buf {
    uint8_t *p;
    size_t len, cap;
    bool err;
};

static void buf_reserve(struct buf *b, size_t n)
{
    if (b->err || n <= b->cap - b->len)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2) {
            b->err = true;
            return;
        }
        cap *= 2;
    }
    uint8_t *np = realloc(b->p, cap);
    if (!np) {
        b->err = true;
        return;
    }
    b->p = np;
    b->cap = cap;
}

static void put_bytes(struct buf *b, const uint8_t *p, size_t n)
{
    buf_reserve(b, n);
    if (b->err || n == 0)
        return;
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_u8(struct buf *b, uint8_t v)
{
    put_bytes(b, &v, 1);
}

static void put_varint(struct buf *b, uint32_t v)
{
    uint8_t t[5];
    size_t n = 0;
    do {
        t[n] = (uint8_t)(v & 0x7F);
        v >>= 7;
        if (v)
            t[n] |= 0x80;
        n++;
    } while (v);
    put_bytes(b, t, n);
}

struct rd {
    const uint8_t *p;
    size_t len, off;
    bool err;
};

static uint8_t get_u8(struct rd *r)
{
    if (r->err || r->off >= r->len) {
        r->err = true;
        return 0;
    }
    return r->p[r->off++];
}

static const uint8_t *get_bytes(struct rd *r, size_t n)
{
    if (r->err || n > r->len - r->off) {
        r->err = true;
        return NULL;
    }
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

/* LEB128, at most 32 bits, canonical-enough: more than 5 octets or overflow fails */
static uint32_t get_varint(struct rd *r)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 5; i++) {
        uint8_t c = get_u8(r);
        if (r->err)
            return 0;
        if (i == 4 && (c & 0xF0)) {
            r->err = true;
            return 0;
        }
        v |= (uint32_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80))
            return v;
    }
    r->err = true;
    return 0;
}

/* ---------------------------------------------------------------- file state */

static void put_runs(struct buf *b, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* literal up to the next 0xFF run worth a run (or up to the end) */
        size_t lit = i, run = 0;
        while (lit < n) {
            size_t k = lit;
            while (k < n && p[k] == 0xFF)
                k++;
            if (k - lit >= FF_RUN_MIN || (k == n && k > lit)) {
                run = k - lit;
                break;
            }
            lit = k == lit ? lit + 1 : k;
        }
        put_varint(b, (uint32_t)(lit - i));
        put_bytes(b, p + i, lit - i);
        put_varint(b, (uint32_t)run);
        i = lit + run;
    }
}

static bool all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0xFF)
            return false;
    return true;
}

static bool state_is_default(const struct fs_file *f)
{
    if (f->lcsi != FS_LCSI_ACTIVATED || f->cyclic_last != 0)
        return false;
    if (!is_ef_type(f->type) || f->link != FS_NONE)
        return true;
    if (f->type == FS_EF_BERTLV)
        return f->data_len == 0;
    return !f->data || all_ff(f->data, f->size);
}

static void put_state(struct buf *b, const struct fs_file *f)
{
    put_u8(b, f->lcsi);
    if (f->type == FS_EF_CYCLIC)
        put_u8(b, f->cyclic_last);
    if (!is_ef_type(f->type) || f->link != FS_NONE)
        return;
    if (f->type == FS_EF_BERTLV) {
        put_varint(b, f->data_len);
        put_runs(b, f->data, f->data_len);
    } else if (f->data) {
        put_runs(b, f->data, f->size);
    }
}

int fs_file_state_encode(const struct fs *fs, int idx, uint8_t **out, size_t *len)
{
    if (!fs || !out || !len || !valid_idx(fs, idx))
        return -1;
    *out = NULL;
    *len = 0;
    const struct fs_file *f = &fs->files[idx];
    if (state_is_default(f))
        return 0;
    struct buf b = {0};
    put_state(&b, f);
    if (b.err) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

/* Decode runs into d[0..n) exactly, consuming the rest of r. */
static bool get_runs(struct rd *r, uint8_t *d, size_t n)
{
    size_t pos = 0;
    while (!r->err && pos < n) {
        uint32_t lit = get_varint(r);
        if (r->err || lit > n - pos)
            return false;
        const uint8_t *q = get_bytes(r, lit);
        if (!q)
            return false;
        if (lit)
            memcpy(d + pos, q, lit);
        pos += lit;
        uint32_t run = get_varint(r);
        if (r->err || run > n - pos || (lit == 0 && run == 0))
            return false;
        memset(d + pos, 0xFF, run);
        pos += run;
    }
    return !r->err && pos == n && r->off == r->len;
}

int fs_file_state_decode(struct fs *fs, int idx, const uint8_t *p, size_t len)
{
    if (!fs || !valid_idx(fs, idx) || (!p && len))
        return -1;
    struct fs_file *f = &fs->files[idx];
    bool has_content = is_ef_type(f->type) && f->link == FS_NONE;
    uint8_t lcsi = FS_LCSI_ACTIVATED, cyc = 0;
    uint32_t n = has_content && f->type != FS_EF_BERTLV ? f->size : 0;
    uint8_t *d = NULL;
    struct rd r = {p, len, 0, false};

    if (len) {
        lcsi = get_u8(&r);
        if (f->type == FS_EF_CYCLIC)
            cyc = get_u8(&r);
        if (has_content && f->type == FS_EF_BERTLV)
            n = get_varint(&r);
        if (r.err || lcsi == 0 || (f->type == FS_EF_CYCLIC && cyc >= f->rec_count) ||
            (f->type == FS_EF_BERTLV && n > f->size))
            return -1;
        if (f->type == FS_EF_BERTLV && n > alloc_len(f) &&
            n - alloc_len(f) > FS_CONTENT_MAX - content_total(fs))
            return -1;
    }
    if (has_content && n) {
        d = malloc(n);
        if (!d)
            return -1;
        if (len == 0) {
            memset(d, 0xFF, n);
        } else if (!get_runs(&r, d, n)) {
            free(d);
            return -1;
        }
    } else if (len && r.off != r.len) {
        return -1;     /* trailing octets */
    }
    file_free(f);
    f->data = d;
    f->data_len = f->type == FS_EF_BERTLV ? n : (has_content ? f->size : 0);
    f->lcsi = lcsi;
    f->cyclic_last = cyc;
    return 0;
}

/* ---------------------------------------------------------------- serialise */

static int serialize(const struct fs *fs, bool with_state, uint8_t **out, size_t *len)
{
    if (!fs || !out || !len)
        return -1;
    struct buf b = {0};
    put_u8(&b, FS_MAGIC);
    put_u8(&b, FS_VERSION);
    put_varint(&b, (uint32_t)fs->n);
    for (size_t i = 0; i < fs->n; i++) {
        const struct fs_file *f = &fs->files[i];
        uint8_t fl = 0;
        fl |= f->fid && f->type != FS_MF ? F_FID : 0;
        fl |= f->sfi ? F_SFI : 0;
        fl |= f->aid_len ? F_AID : 0;
        fl |= f->sec_tag ? F_SEC : 0;
        fl |= f->prop_len ? F_PROP : 0;
        fl |= f->pinstat_len ? F_PINSTAT : 0;
        fl |= f->link != FS_NONE ? F_LINK : 0;
        fl |= with_state && !state_is_default(f) ? F_STATE : 0;
        put_u8(&b, (uint8_t)f->type);
        put_u8(&b, fl);
        if (f->type != FS_MF)
            put_varint(&b, (uint32_t)((int)i - f->parent));
        if (fl & F_FID) {
            put_u8(&b, (uint8_t)(f->fid >> 8));
            put_u8(&b, (uint8_t)f->fid);
        }
        if (fl & F_SFI)
            put_u8(&b, f->sfi);
        if (fl & F_AID) {
            put_u8(&b, f->aid_len);
            put_bytes(&b, f->aid, f->aid_len);
        }
        if (fl & F_SEC) {
            put_u8(&b, f->sec_tag);
            put_u8(&b, f->sec_len);
            put_bytes(&b, f->sec, f->sec_len);
        }
        if (fl & F_PROP) {
            put_u8(&b, f->prop_len);
            put_bytes(&b, f->prop, f->prop_len);
        }
        if (fl & F_PINSTAT) {
            put_u8(&b, f->pinstat_len);
            put_bytes(&b, f->pinstat, f->pinstat_len);
        }
        if (fl & F_LINK) {
            put_varint(&b, (uint32_t)((int)i - f->link));
        } else if (is_record_type(f->type)) {
            put_u8(&b, (uint8_t)f->rec_len);
            put_u8(&b, (uint8_t)f->rec_count);
        } else if (is_ef_type(f->type)) {
            put_varint(&b, f->size);
        }
        if (fl & F_STATE) {
            struct buf s = {0};
            put_state(&s, f);
            b.err |= s.err;
            put_varint(&b, (uint32_t)s.len);
            put_bytes(&b, s.p, s.len);
            free(s.p);
        }
    }
    if (b.err) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}

int fs_serialize(const struct fs *fs, uint8_t **out, size_t *len)
{
    return serialize(fs, true, out, len);
}

int fs_serialize_structure(const struct fs *fs, uint8_t **out, size_t *len)
{
    return serialize(fs, false, out, len);
}

/* Read a relative back-reference (i - k, 1..i) into an index. */
static int get_backref(struct rd *r, size_t i)
{
    uint32_t d = get_varint(r);
    if (r->err || d == 0 || d > i) {
        r->err = true;
        return FS_NONE;
    }
    return (int)(i - d);
}

static bool read_file(struct fs *fs, struct rd *r, size_t i)
{
    struct fs_file f;
    memset(&f, 0, sizeof f);
    f.parent = FS_NONE;
    f.link = FS_NONE;
    uint8_t t = get_u8(r);
    uint8_t fl = get_u8(r);
    if (r->err || t < FS_MF || t > FS_EF_BERTLV)
        return false;
    f.type = (enum fs_type)t;
    if (f.type != FS_MF)
        f.parent = get_backref(r, i);
    if (fl & F_FID) {
        f.fid = (uint16_t)(get_u8(r) << 8);
        f.fid |= get_u8(r);
    }
    if (fl & F_SFI)
        f.sfi = get_u8(r);
    if (fl & F_AID) {
        f.aid_len = get_u8(r);
        const uint8_t *q = f.aid_len <= FS_AID_MAX ? get_bytes(r, f.aid_len) : NULL;
        if (!q)
            return false;
        memcpy(f.aid, q, f.aid_len);
    }
    if (fl & F_SEC) {
        f.sec_tag = get_u8(r);
        f.sec_len = get_u8(r);
        const uint8_t *q = f.sec_len <= FS_SEC_MAX ? get_bytes(r, f.sec_len) : NULL;
        if (!q || f.sec_tag == 0)
            return false;
        memcpy(f.sec, q, f.sec_len);
    }
    if (fl & F_PROP) {
        f.prop_len = get_u8(r);
        const uint8_t *q = f.prop_len <= FS_PROP_MAX ? get_bytes(r, f.prop_len) : NULL;
        if (!q)
            return false;
        memcpy(f.prop, q, f.prop_len);
    }
    if (fl & F_PINSTAT) {
        f.pinstat_len = get_u8(r);
        const uint8_t *q = f.pinstat_len <= FS_PINSTAT_MAX ? get_bytes(r, f.pinstat_len)
                                                           : NULL;
        if (!q)
            return false;
        memcpy(f.pinstat, q, f.pinstat_len);
    }
    if (fl & F_LINK) {
        f.link = get_backref(r, i);
    } else if (is_record_type(f.type)) {
        f.rec_len = get_u8(r);
        f.rec_count = get_u8(r);
    } else if (is_ef_type(f.type)) {
        f.size = get_varint(r);
    }
    if (r->err)
        return false;
    /* canonical: flags say exactly which facts are non-zero */
    if (((fl & F_FID) && f.fid == 0) || ((fl & F_SFI) && f.sfi == 0) ||
        ((fl & F_AID) && f.aid_len == 0) || ((fl & F_PROP) && f.prop_len == 0) ||
        ((fl & F_PINSTAT) && f.pinstat_len == 0))
        return false;
    if (fs_add(fs, &f) != (int)i)
        return false;
    if (fl & F_STATE) {
        uint32_t n = get_varint(r);
        const uint8_t *q = get_bytes(r, n);
        if (!q || n == 0 || fs_file_state_decode(fs, (int)i, q, n) != 0)
            return false;
    }
    return true;
}

int fs_deserialize(struct fs *fs, const uint8_t *p, size_t len)
{
    if (!fs)
        return -1;
    fs_init(fs);
    if (!p)
        return -1;
    struct rd r = {p, len, 0, false};
    uint8_t m = get_u8(&r), v = get_u8(&r);
    uint32_t n = get_varint(&r);
    if (r.err || m != FS_MAGIC || v != FS_VERSION || n > FS_FILES_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!read_file(fs, &r, i)) {
            fs_free(fs);
            return -1;
        }
    }
    if (r.off != r.len) {
        fs_free(fs);
        return -1;
    }
    return 0;
}
