/* card/profile_image.c — an installed profile in the store (see card/profile_image.h).
 *
 * Objects under base = SID_PROFILE_DATA(slot), format version 1:
 *   base + 0           header: 'I' 0x01
 *   base + 1           fs_serialize_structure (the tree, no file state)
 *   base + 2           PINs: n, per PIN: ref flags value[8] tries_max tries_left
 *                      puk[8] puk_tries_max puk_tries_left                (secrets)
 *                      flags b1..b6: present enabled has_puk unblockable changeable
 *                      use_universal (b6 is newer: older images read as "not used")
 *   base + 3           NAAs: n, per NAA: varint(adf + 1) alg k_len k opc[32] r[5]
 *                      c[5][16] varint(tuak_iterations) mac/res/ck/ik lengths
 *                      sqn_check ind_bits sqn_delta(8, big-endian)        (secrets)
 *   base + 4           SDs: n, per SD: aid_len aid varint(keys_len) keys  (secrets)
 *   base + 5           connectivityParameters of the SAIP header (absent when none)
 *   base + 0x10 + n    SQN array of NAA n (6 * SQN_ARRAY), absent when all zero
 *   base + 0x100 + i   fs_file_state_encode of file i, absent when default
 * The same emitter writes the objects (save) and counts them (profile_image_size), so the
 * accounting is exact. Buffers that held secrets are wiped before they are freed. */
#include "card/profile_image.h"

#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "crypto/ct.h"

#define IMG_MAGIC   'I'
#define IMG_VERSION 1

#define OBJ_HEADER 0u
#define OBJ_FS     1u
#define OBJ_PINS   2u
#define OBJ_NAA    3u
#define OBJ_SD     4u
#define OBJ_CONN   5u
#define OBJ_SQN    0x10u
#define OBJ_FILE   0x100u
#define OBJ_LAST   0xFFFFu

#define PIN_F_PRESENT     0x01
#define PIN_F_ENABLED     0x02
#define PIN_F_HAS_PUK     0x04
#define PIN_F_UNBLOCKABLE 0x08
#define PIN_F_CHANGEABLE  0x10
#define PIN_F_UNIVERSAL   0x20   /* use_universal; absent in older images = not used */
#define PIN_F_ALL         0x3F

#define SQN_OBJ_LEN ((size_t)SQN_ARRAY * 6u)

/* ---------------------------------------------------------------- buffers */

struct wbuf {
    uint8_t p[4096];
    size_t len;
    bool err;
};

static void w_bytes(struct wbuf *b, const void *p, size_t n)
{
    if (b->err || n > sizeof b->p - b->len) {
        b->err = true;
        return;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void w_u8(struct wbuf *b, uint8_t v)
{
    w_bytes(b, &v, 1);
}

static void w_varint(struct wbuf *b, uint64_t v)
{
    do {
        uint8_t c = (uint8_t)(v & 0x7F);
        v >>= 7;
        w_u8(b, (uint8_t)(c | (v ? 0x80 : 0)));
    } while (v);
}

struct rbuf {
    const uint8_t *p;
    size_t len, off;
    bool err;
};

static uint8_t r_u8(struct rbuf *r)
{
    if (r->err || r->off >= r->len) {
        r->err = true;
        return 0;
    }
    return r->p[r->off++];
}

static void r_bytes(struct rbuf *r, void *out, size_t n)
{
    if (r->err || n > r->len - r->off) {
        r->err = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
}

static uint64_t r_varint(struct rbuf *r, uint64_t max)
{
    uint64_t v = 0;
    for (unsigned sh = 0; sh < 64; sh += 7) {
        uint8_t c = r_u8(r);
        if (r->err)
            return 0;
        if (sh == 63 && (c & 0xFE)) {
            r->err = true;
            return 0;
        }
        v |= (uint64_t)(c & 0x7F) << sh;
        if (!(c & 0x80)) {
            if (v > max)
                r->err = true;
            return r->err ? 0 : v;
        }
    }
    r->err = true;
    return 0;
}

/* ---------------------------------------------------------------- encoders */

static void enc_pins(struct wbuf *b, const struct pin_set *ps)
{
    w_u8(b, (uint8_t)ps->n);
    for (size_t i = 0; i < ps->n && i < PIN_MAX; i++) {
        const struct pin *p = &ps->pins[i];
        uint8_t fl = (p->present ? PIN_F_PRESENT : 0) | (p->enabled ? PIN_F_ENABLED : 0) |
                     (p->has_puk ? PIN_F_HAS_PUK : 0) |
                     (p->unblockable ? PIN_F_UNBLOCKABLE : 0) |
                     (p->changeable ? PIN_F_CHANGEABLE : 0) |
                     (p->use_universal ? PIN_F_UNIVERSAL : 0);
        w_u8(b, p->ref);
        w_u8(b, fl);
        w_bytes(b, p->value, PIN_VALUE_LEN);
        w_u8(b, p->tries_max);
        w_u8(b, p->tries_left);
        w_bytes(b, p->puk, PIN_VALUE_LEN);
        w_u8(b, p->puk_tries_max);
        w_u8(b, p->puk_tries_left);
    }
    if (ps->n > PIN_MAX)
        b->err = true;
}

static void enc_naa(struct wbuf *b, const struct profile_image *img)
{
    w_u8(b, (uint8_t)img->n_naa);
    if (img->n_naa > NAA_MAX) {
        b->err = true;
        return;
    }
    for (size_t i = 0; i < img->n_naa; i++) {
        const struct naa_auth *n = &img->naa[i];
        const struct aka_params *a = &n->aka;
        if (n->adf < FS_NONE || a->k_len > sizeof a->k || a->mac_len > 32 ||
            a->res_len > 32 || a->ck_len > 32 || a->ik_len > 32) {
            b->err = true;
            return;
        }
        w_varint(b, (uint64_t)n->adf + 1u);
        w_u8(b, (uint8_t)a->alg);
        w_u8(b, (uint8_t)a->k_len);
        w_bytes(b, a->k, a->k_len);
        w_bytes(b, a->opc, sizeof a->opc);
        w_bytes(b, a->r, sizeof a->r);
        w_bytes(b, a->c, sizeof a->c);
        w_varint(b, a->tuak_iterations);
        w_u8(b, (uint8_t)a->mac_len);
        w_u8(b, (uint8_t)a->res_len);
        w_u8(b, (uint8_t)a->ck_len);
        w_u8(b, (uint8_t)a->ik_len);
        w_u8(b, n->sqn_check ? 1 : 0);
        w_u8(b, n->ind_bits);
        for (int s = 56; s >= 0; s -= 8)
            w_u8(b, (uint8_t)(n->sqn_delta >> s));
    }
}

static void enc_sd(struct wbuf *b, const struct profile_image *img)
{
    w_u8(b, (uint8_t)img->n_sd);
    if (img->n_sd > SD_MAX) {
        b->err = true;
        return;
    }
    for (size_t i = 0; i < img->n_sd; i++) {
        const struct security_domain *d = &img->sd[i];
        if (d->aid_len > sizeof d->aid || d->keys_len > sizeof d->keys) {
            b->err = true;
            return;
        }
        w_u8(b, d->aid_len);
        w_bytes(b, d->aid, d->aid_len);
        w_varint(b, d->keys_len);
        w_bytes(b, d->keys, d->keys_len);
    }
}

static bool sqn_is_zero(const struct naa_auth *n)
{
    for (size_t i = 0; i < SQN_ARRAY; i++)
        for (size_t j = 0; j < 6; j++)
            if (n->sqn[i][j])
                return false;
    return true;
}

/* ---------------------------------------------------------------- emitter */

/* Writes objects to the store, or only adds up their sizes when s is NULL. */
struct sink {
    struct store *s;
    uint32_t base;
    size_t total;
    int rc;
};

static void emit(struct sink *k, uint32_t obj, const uint8_t *p, size_t len)
{
    if (k->rc != STORE_OK)
        return;
    k->total += len;
    if (k->s)
        k->rc = store_put(k->s, k->base + obj, p, len);
}

static void emit_wbuf(struct sink *k, uint32_t obj, struct wbuf *b)
{
    if (b->err && k->rc == STORE_OK)
        k->rc = STORE_EINVAL;
    emit(k, obj, b->p, b->len);
    ct_wipe(b, sizeof *b);
}

static void emit_file(struct sink *k, const struct fs *fs, size_t i)
{
    uint8_t *p = NULL;
    size_t len = 0;
    if (k->rc != STORE_OK)
        return;
    if (fs_file_state_encode(fs, (int)i, &p, &len) != 0) {
        k->rc = STORE_ENOMEM;
        return;
    }
    if (len)
        emit(k, OBJ_FILE + (uint32_t)i, p, len);
    free(p);
}

static void emit_image(struct sink *k, const struct profile_image *img)
{
    static const uint8_t hdr[2] = {IMG_MAGIC, IMG_VERSION};
    struct wbuf *b = malloc(sizeof *b);
    uint8_t *st = NULL;
    size_t st_len = 0;

    if (!b || img->fs.n > OBJ_LAST - OBJ_FILE + 1) {
        free(b);
        k->rc = b ? STORE_EINVAL : STORE_ENOMEM;
        return;
    }
    emit(k, OBJ_HEADER, hdr, sizeof hdr);
    if (fs_serialize_structure(&img->fs, &st, &st_len) != 0) {
        k->rc = STORE_ENOMEM;
    } else {
        emit(k, OBJ_FS, st, st_len);
        free(st);
    }
    memset(b, 0, sizeof *b);
    enc_pins(b, &img->pins);
    emit_wbuf(k, OBJ_PINS, b);
    enc_naa(b, img);
    emit_wbuf(k, OBJ_NAA, b);
    enc_sd(b, img);
    emit_wbuf(k, OBJ_SD, b);
    free(b);
    if (img->connectivity_len)
        emit(k, OBJ_CONN, img->connectivity, img->connectivity_len);
    for (size_t n = 0; n < img->n_naa && n < NAA_MAX; n++)
        if (!sqn_is_zero(&img->naa[n]))
            emit(k, OBJ_SQN + (uint32_t)n, &img->naa[n].sqn[0][0], SQN_OBJ_LEN);
    for (size_t i = 0; i < img->fs.n; i++)
        emit_file(k, &img->fs, i);
}

/* ---------------------------------------------------------------- public: save */

void profile_image_init(struct profile_image *img)
{
    if (!img)
        return;
    memset(img, 0, sizeof *img);
    fs_init(&img->fs);
}

void profile_image_free(struct profile_image *img)
{
    if (!img)
        return;
    fs_free(&img->fs);
    ct_wipe(img, sizeof *img);
    fs_init(&img->fs);
}

int profile_image_save(struct store *s, uint8_t slot, const struct profile_image *img)
{
    if (!s || !img || slot == 0)
        return STORE_EINVAL;
    bool own;
    int rc = store_begin_own(s, &own);
    if (rc != STORE_OK)
        return rc;
    uint32_t base = SID_PROFILE_DATA(slot);
    struct sink k = {s, base, 0, STORE_OK};
    k.rc = store_delete_range(s, base, base + OBJ_LAST);
    emit_image(&k, img);
    return store_end_own(s, own, k.rc);
}

size_t profile_image_size(const struct profile_image *img)
{
    if (!img)
        return 0;
    struct sink k = {NULL, 0, 0, STORE_OK};
    emit_image(&k, img);
    return k.total;
}

int profile_image_save_file(struct store *s, uint8_t slot, const struct profile_image *img,
                            int file_idx)
{
    if (!s || !img || slot == 0 || file_idx < 0 || (size_t)file_idx >= img->fs.n ||
        (size_t)file_idx > OBJ_LAST - OBJ_FILE)
        return STORE_EINVAL;
    uint8_t *p = NULL;
    size_t len = 0;
    if (fs_file_state_encode(&img->fs, file_idx, &p, &len) != 0)
        return STORE_ENOMEM;
    bool own;
    int rc = store_begin_own(s, &own);
    if (rc == STORE_OK) {
        uint32_t id = SID_PROFILE_DATA(slot) + OBJ_FILE + (uint32_t)file_idx;
        rc = len ? store_put(s, id, p, len) : store_delete(s, id);
        rc = store_end_own(s, own, rc);
    }
    free(p);
    return rc;
}

int profile_image_save_pins(struct store *s, uint8_t slot, const struct profile_image *img)
{
    if (!s || !img || slot == 0)
        return STORE_EINVAL;
    struct wbuf *b = calloc(1, sizeof *b);
    if (!b)
        return STORE_ENOMEM;
    enc_pins(b, &img->pins);
    int rc = b->err ? STORE_EINVAL : STORE_OK;
    bool own = false;
    if (rc == STORE_OK)
        rc = store_begin_own(s, &own);
    if (rc == STORE_OK) {
        rc = store_put(s, SID_PROFILE_DATA(slot) + OBJ_PINS, b->p, b->len);
        rc = store_end_own(s, own, rc);
    }
    ct_wipe(b, sizeof *b);
    free(b);
    return rc;
}

int profile_image_save_sqn(struct store *s, uint8_t slot, const struct profile_image *img,
                           size_t naa)
{
    if (!s || !img || slot == 0 || naa >= img->n_naa || naa >= NAA_MAX)
        return STORE_EINVAL;
    bool own;
    int rc = store_begin_own(s, &own);
    if (rc != STORE_OK)
        return rc;
    uint32_t id = SID_PROFILE_DATA(slot) + OBJ_SQN + (uint32_t)naa;
    const struct naa_auth *n = &img->naa[naa];
    rc = sqn_is_zero(n) ? store_delete(s, id) : store_put(s, id, &n->sqn[0][0], SQN_OBJ_LEN);
    return store_end_own(s, own, rc);
}

/* ---------------------------------------------------------------- public: load */

/* Read an object into a malloc'd buffer (a 0-length object gives a 1-octet buffer). */
static int get_obj(struct store *s, uint32_t id, uint8_t **out, size_t *len)
{
    size_t sz = 0;
    int rc = store_size(s, id, &sz);
    if (rc != STORE_OK)
        return rc;
    uint8_t *p = malloc(sz ? sz : 1);
    if (!p)
        return STORE_ENOMEM;
    rc = store_get(s, id, p, sz, len);
    if (rc != STORE_OK || *len != sz) {
        free(p);
        return rc != STORE_OK ? rc : STORE_ECORRUPT;
    }
    *out = p;
    return STORE_OK;
}

static void drop_obj(uint8_t *p, size_t len)
{
    if (p) {
        ct_wipe(p, len);
        free(p);
    }
}

static bool dec_pins(struct rbuf *r, struct pin_set *ps)
{
    ps->n = r_u8(r);
    if (r->err || ps->n > PIN_MAX)
        return false;
    for (size_t i = 0; i < ps->n; i++) {
        struct pin *p = &ps->pins[i];
        p->ref = r_u8(r);
        uint8_t fl = r_u8(r);
        r_bytes(r, p->value, PIN_VALUE_LEN);
        p->tries_max = r_u8(r);
        p->tries_left = r_u8(r);
        r_bytes(r, p->puk, PIN_VALUE_LEN);
        p->puk_tries_max = r_u8(r);
        p->puk_tries_left = r_u8(r);
        if (r->err || (fl & ~PIN_F_ALL) || p->tries_left > p->tries_max ||
            p->puk_tries_left > p->puk_tries_max)
            return false;
        p->present = fl & PIN_F_PRESENT;
        p->enabled = fl & PIN_F_ENABLED;
        p->has_puk = fl & PIN_F_HAS_PUK;
        p->unblockable = fl & PIN_F_UNBLOCKABLE;
        p->changeable = fl & PIN_F_CHANGEABLE;
        p->use_universal = fl & PIN_F_UNIVERSAL;
        p->verified = false;
    }
    return r->off == r->len;
}

static bool dec_naa(struct rbuf *r, struct profile_image *img)
{
    img->n_naa = r_u8(r);
    if (r->err || img->n_naa > NAA_MAX)
        return false;
    for (size_t i = 0; i < img->n_naa; i++) {
        struct naa_auth *n = &img->naa[i];
        struct aka_params *a = &n->aka;
        n->adf = (int)r_varint(r, img->fs.n) - 1;
        uint8_t alg = r_u8(r);
        a->k_len = r_u8(r);
        if (r->err || a->k_len > sizeof a->k || alg < AKA_MILENAGE || alg > AKA_TEST)
            return false;
        a->alg = (enum aka_algorithm)alg;
        r_bytes(r, a->k, a->k_len);
        r_bytes(r, a->opc, sizeof a->opc);
        r_bytes(r, a->r, sizeof a->r);
        r_bytes(r, a->c, sizeof a->c);
        a->tuak_iterations = (unsigned)r_varint(r, 0xFFFFFFFFu);
        a->mac_len = r_u8(r);
        a->res_len = r_u8(r);
        a->ck_len = r_u8(r);
        a->ik_len = r_u8(r);
        uint8_t chk = r_u8(r);
        n->ind_bits = r_u8(r);
        n->sqn_delta = 0;
        for (int s = 0; s < 8; s++)
            n->sqn_delta = n->sqn_delta << 8 | r_u8(r);
        if (r->err || chk > 1 || a->mac_len > 32 || a->res_len > 32 || a->ck_len > 32 ||
            a->ik_len > 32)
            return false;
        n->sqn_check = chk;
        if (n->adf != FS_NONE && img->fs.files[n->adf].type != FS_ADF)
            return false;
    }
    return r->off == r->len;
}

static bool dec_sd(struct rbuf *r, struct profile_image *img)
{
    img->n_sd = r_u8(r);
    if (r->err || img->n_sd > SD_MAX)
        return false;
    for (size_t i = 0; i < img->n_sd; i++) {
        struct security_domain *d = &img->sd[i];
        d->aid_len = r_u8(r);
        if (r->err || d->aid_len > sizeof d->aid)
            return false;
        r_bytes(r, d->aid, d->aid_len);
        d->keys_len = (size_t)r_varint(r, sizeof d->keys);
        r_bytes(r, d->keys, d->keys_len);
        if (r->err)
            return false;
    }
    return r->off == r->len;
}

/* Decode object obj with dec; STORE_ECORRUPT when malformed or missing. */
static int load_obj(struct store *s, uint32_t id, struct profile_image *img,
                    bool (*dec)(struct rbuf *, struct profile_image *))
{
    uint8_t *p = NULL;
    size_t len = 0;
    int rc = get_obj(s, id, &p, &len);
    if (rc == STORE_ENOTFOUND)
        return STORE_ECORRUPT;
    if (rc != STORE_OK)
        return rc;
    struct rbuf r = {p, len, 0, false};
    rc = dec(&r, img) ? STORE_OK : STORE_ECORRUPT;
    drop_obj(p, len);
    return rc;
}

static bool dec_pins_img(struct rbuf *r, struct profile_image *img)
{
    return dec_pins(r, &img->pins);
}

static bool dec_header(struct rbuf *r, struct profile_image *img)
{
    (void)img;
    uint8_t m = r_u8(r), v = r_u8(r);
    return !r->err && m == IMG_MAGIC && v == IMG_VERSION && r->off == r->len;
}

static bool dec_fs(struct rbuf *r, struct profile_image *img)
{
    return fs_deserialize(&img->fs, r->p, r->len) == 0;
}

static int load_sqn(struct store *s, uint32_t base, struct profile_image *img)
{
    for (size_t n = 0; n < img->n_naa; n++) {
        size_t len = 0;
        int rc = store_get(s, base + OBJ_SQN + (uint32_t)n, &img->naa[n].sqn[0][0],
                           SQN_OBJ_LEN, &len);
        if (rc == STORE_ENOTFOUND) {
            memset(img->naa[n].sqn, 0, SQN_OBJ_LEN);
            continue;
        }
        if (rc == STORE_ETOOSMALL || (rc == STORE_OK && len != SQN_OBJ_LEN))
            return STORE_ECORRUPT;
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int load_files(struct store *s, uint32_t base, struct profile_image *img)
{
    uint32_t id = base + OBJ_FILE - 1;
    for (;;) {
        int rc = store_next(s, id, base + OBJ_LAST, &id);
        if (rc == STORE_ENOTFOUND)
            return STORE_OK;
        if (rc != STORE_OK)
            return rc;
        size_t idx = id - base - OBJ_FILE;
        if (idx >= img->fs.n)
            return STORE_ECORRUPT;
        uint8_t *p = NULL;
        size_t len = 0;
        rc = get_obj(s, id, &p, &len);
        if (rc != STORE_OK)
            return rc;
        rc = len == 0 || fs_file_state_decode(&img->fs, (int)idx, p, len) != 0
                 ? STORE_ECORRUPT : STORE_OK;
        free(p);
        if (rc != STORE_OK)
            return rc;
    }
}

int profile_image_load(struct store *s, uint8_t slot, struct profile_image *img)
{
    if (!s || !img || slot == 0)
        return STORE_EINVAL;
    profile_image_init(img);
    uint32_t base = SID_PROFILE_DATA(slot);
    size_t sz;
    int rc = store_size(s, base + OBJ_HEADER, &sz);
    if (rc == STORE_OK)
        rc = load_obj(s, base + OBJ_HEADER, img, dec_header);
    if (rc == STORE_OK)
        rc = load_obj(s, base + OBJ_FS, img, dec_fs);
    if (rc == STORE_OK)
        rc = load_obj(s, base + OBJ_PINS, img, dec_pins_img);
    if (rc == STORE_OK)
        rc = load_obj(s, base + OBJ_NAA, img, dec_naa);
    if (rc == STORE_OK)
        rc = load_obj(s, base + OBJ_SD, img, dec_sd);
    if (rc == STORE_OK) {
        rc = profile_image_connectivity(s, slot, img->connectivity, sizeof img->connectivity,
                                        &img->connectivity_len);
        if (rc == STORE_ENOTFOUND)
            rc = STORE_OK;
    }
    if (rc == STORE_OK)
        rc = load_sqn(s, base, img);
    if (rc == STORE_OK)
        rc = load_files(s, base, img);
    if (rc != STORE_OK)
        profile_image_free(img);
    return rc;
}

int profile_image_connectivity(struct store *s, uint8_t slot, uint8_t *out, size_t cap,
                               size_t *len)
{
    if (!s || slot == 0)
        return STORE_EINVAL;
    *len = 0;
    int rc = store_get(s, SID_PROFILE_DATA(slot) + OBJ_CONN, out, cap, len);
    if (rc == STORE_ETOOSMALL) {
        *len = 0;
        return STORE_ECORRUPT;
    }
    return rc;
}
