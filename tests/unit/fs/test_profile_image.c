/* tests/unit/fs/test_profile_image.c — card/profile_image.c on a memory store: round
 * trip, piecemeal updates touch only their objects, a failed commit keeps the previous
 * image, malformed objects are refused, free wipes the secrets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/profile_image.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "fs_test_util.h"

#define SLOT 3
#define BASE SID_PROFILE_DATA(SLOT)

static void build_image(struct profile_image *img)
{
    profile_image_init(img);
    t_build(&img->fs);
    struct pin_set *ps = &img->pins;
    static const uint8_t refs[3] = {PINREF_PIN1, PINREF_PIN2, PINREF_ADM1};
    for (size_t i = 0; i < 3; i++) {
        struct pin *p = &ps->pins[i];
        p->ref = refs[i];
        p->present = true;
        p->enabled = i != 1;
        p->verified = true;                 /* transient: not persisted */
        memset(p->value, 0xFF, PIN_VALUE_LEN);
        memcpy(p->value, "1234", 4);
        p->value[4] = (uint8_t)('0' + i);
        p->tries_max = 3;
        p->tries_left = (uint8_t)(3 - i);
        p->has_puk = i < 2;
        memcpy(p->puk, "87654321", 8);
        p->puk[7] = (uint8_t)('0' + i);
        p->puk_tries_max = 10;
        p->puk_tries_left = 9;
        p->unblockable = true;
        p->changeable = i == 0;
    }
    ps->n = 3;
    img->n_naa = 2;
    for (size_t n = 0; n < 2; n++) {
        struct naa_auth *a = &img->naa[n];
        a->adf = n == 0 ? T_USIM : FS_NONE;
        a->aka.alg = n == 0 ? AKA_TEST : AKA_TUAK;
        a->aka.k_len = n == 0 ? 16 : 32;
        for (size_t i = 0; i < a->aka.k_len; i++)
            a->aka.k[i] = (uint8_t)(i + n);
        for (size_t i = 0; i < 32; i++)
            a->aka.opc[i] = (uint8_t)(0xA0 + i);
        for (size_t i = 0; i < 5; i++) {
            a->aka.r[i] = (uint8_t)(i * 16);
            a->aka.c[i][15] = (uint8_t)i;
        }
        a->aka.tuak_iterations = 300;
        a->aka.mac_len = 8;
        a->aka.res_len = 16;
        a->aka.ck_len = 32;
        a->aka.ik_len = 16;
        a->sqn_check = n == 0;
        a->ind_bits = 5;
        a->sqn_delta = 0x0123456789ABCDEFull;
    }
    img->naa[0].sqn[3][5] = 0x21;           /* NAA 1 keeps an all-zero array */
    img->n_sd = 1;
    img->sd[0].aid_len = 9;
    memcpy(img->sd[0].aid, "\xA0\x00\x00\x01\x51\x00\x00\x00\x00", 9);
    img->sd[0].keys_len = 40;
    for (size_t i = 0; i < 40; i++)
        img->sd[0].keys[i] = (uint8_t)(0x40 + i);
}

static void assert_image_equal(const struct profile_image *a, const struct profile_image *b)
{
    t_assert_fs_equal(&a->fs, &b->fs);
    assert_int_equal(a->pins.n, b->pins.n);
    for (size_t i = 0; i < a->pins.n; i++) {
        const struct pin *x = &a->pins.pins[i], *y = &b->pins.pins[i];
        assert_int_equal(x->ref, y->ref);
        assert_int_equal(x->present, y->present);
        assert_int_equal(x->enabled, y->enabled);
        assert_memory_equal(x->value, y->value, PIN_VALUE_LEN);
        assert_int_equal(x->tries_max, y->tries_max);
        assert_int_equal(x->tries_left, y->tries_left);
        assert_int_equal(x->has_puk, y->has_puk);
        assert_memory_equal(x->puk, y->puk, PIN_VALUE_LEN);
        assert_int_equal(x->puk_tries_max, y->puk_tries_max);
        assert_int_equal(x->puk_tries_left, y->puk_tries_left);
        assert_int_equal(x->unblockable, y->unblockable);
        assert_int_equal(x->changeable, y->changeable);
        assert_false(y->verified);
    }
    assert_int_equal(a->n_naa, b->n_naa);
    for (size_t n = 0; n < a->n_naa; n++) {
        const struct naa_auth *x = &a->naa[n], *y = &b->naa[n];
        assert_int_equal(x->adf, y->adf);
        assert_int_equal(x->aka.alg, y->aka.alg);
        assert_int_equal(x->aka.k_len, y->aka.k_len);
        assert_memory_equal(x->aka.k, y->aka.k, x->aka.k_len);
        assert_memory_equal(x->aka.opc, y->aka.opc, sizeof x->aka.opc);
        assert_memory_equal(x->aka.r, y->aka.r, sizeof x->aka.r);
        assert_memory_equal(x->aka.c, y->aka.c, sizeof x->aka.c);
        assert_int_equal(x->aka.tuak_iterations, y->aka.tuak_iterations);
        assert_int_equal(x->aka.mac_len, y->aka.mac_len);
        assert_int_equal(x->aka.res_len, y->aka.res_len);
        assert_int_equal(x->aka.ck_len, y->aka.ck_len);
        assert_int_equal(x->aka.ik_len, y->aka.ik_len);
        assert_memory_equal(x->sqn, y->sqn, sizeof x->sqn);
        assert_int_equal(x->sqn_check, y->sqn_check);
        assert_int_equal(x->ind_bits, y->ind_bits);
        assert_true(x->sqn_delta == y->sqn_delta);
    }
    assert_int_equal(a->n_sd, b->n_sd);
    for (size_t i = 0; i < a->n_sd; i++) {
        assert_int_equal(a->sd[i].aid_len, b->sd[i].aid_len);
        assert_memory_equal(a->sd[i].aid, b->sd[i].aid, a->sd[i].aid_len);
        assert_int_equal(a->sd[i].keys_len, b->sd[i].keys_len);
        assert_memory_equal(a->sd[i].keys, b->sd[i].keys, a->sd[i].keys_len);
    }
}

/* ---------------------------------------------------------------- store snapshots */

#define SNAP_MAX 64
struct snap {
    size_t n;
    uint32_t id[SNAP_MAX];
    size_t len[SNAP_MAX];
    uint8_t *data[SNAP_MAX];
};

static void snap_take(struct store *s, struct snap *sn)
{
    memset(sn, 0, sizeof *sn);
    uint32_t id = BASE - 1;
    while (store_next(s, id, BASE + 0xFFFF, &id) == STORE_OK) {
        assert_true(sn->n < SNAP_MAX);
        size_t len = 0;
        assert_int_equal(store_size(s, id, &len), STORE_OK);
        sn->id[sn->n] = id;
        sn->len[sn->n] = len;
        sn->data[sn->n] = malloc(len + 1);
        assert_int_equal(store_get(s, id, sn->data[sn->n], len, &len), STORE_OK);
        sn->n++;
    }
}

static void snap_free(struct snap *sn)
{
    for (size_t i = 0; i < sn->n; i++)
        free(sn->data[i]);
    sn->n = 0;
}

static bool snap_has(const struct snap *sn, uint32_t id, size_t *k)
{
    for (size_t i = 0; i < sn->n; i++)
        if (sn->id[i] == id) {
            *k = i;
            return true;
        }
    return false;
}

/* Assert a and b differ exactly in the objects listed (changed, added or removed). */
static void snap_diff_only(const struct snap *a, const struct snap *b, const uint32_t *ids,
                           size_t n_ids)
{
    bool seen[SNAP_MAX * 2] = {false};
    for (int pass = 0; pass < 2; pass++) {
        const struct snap *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->n; i++) {
            size_t k;
            bool same = snap_has(y, x->id[i], &k) && y->len[k] == x->len[i] &&
                        memcmp(y->data[k], x->data[i], x->len[i]) == 0;
            bool listed = false;
            for (size_t j = 0; j < n_ids; j++)
                if (ids[j] == x->id[i]) {
                    listed = true;
                    seen[j] |= !same;
                }
            if (!listed && !same)
                fail_msg("object %08x changed unexpectedly", (unsigned)x->id[i]);
        }
    }
    for (size_t j = 0; j < n_ids; j++)
        if (!seen[j])
            fail_msg("object %08x did not change", (unsigned)ids[j]);
}

/* ---------------------------------------------------------------- tests */

static void test_roundtrip(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image a, b;
    build_image(&a);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);   /* own transaction */
    assert_false(store_in_transaction(s));
    assert_int_equal(store_used_bytes(s), profile_image_size(&a));
    assert_int_equal(store_reload(s), STORE_OK);                   /* persisted */
    assert_int_equal(profile_image_load(s, SLOT, &b), STORE_OK);
    assert_image_equal(&a, &b);
    /* stored objects: header, fs, pins, naa, sd, one SQN array, and only the files whose
     * state is not default (ICCID, DIR, IMSI, CYC, BER) */
    struct snap sn;
    snap_take(s, &sn);
    assert_int_equal(sn.n, 6 + 5);
    size_t k;
    assert_true(snap_has(&sn, BASE + 0x10, &k));
    assert_false(snap_has(&sn, BASE + 0x11, &k));
    assert_false(snap_has(&sn, BASE + 0x100 + T_ADN, &k));
    assert_true(snap_has(&sn, BASE + 0x100 + T_CYC, &k));
    snap_free(&sn);
    /* a 6000-octet ADN of 0xFF costs nothing */
    assert_true(profile_image_size(&a) < 1200);
    profile_image_free(&b);

    /* saving again replaces (no leftovers of a file whose state became default) */
    memset(a.fs.files[T_IMSI].data, 0xFF, 9);
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);   /* caller's transaction */
    assert_true(store_in_transaction(s));
    assert_int_equal(store_commit(s), STORE_OK);
    assert_int_equal(store_used_bytes(s), profile_image_size(&a));
    assert_int_equal(profile_image_load(s, SLOT, &b), STORE_OK);
    assert_image_equal(&a, &b);
    profile_image_free(&b);

    /* another slot is independent; an aborted caller transaction leaves nothing */
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(profile_image_save(s, SLOT + 1, &a), STORE_OK);
    store_abort(s);
    assert_int_equal(profile_image_load(s, SLOT + 1, &b), STORE_ENOTFOUND);
    assert_int_equal(b.fs.n, 0);

    /* an empty image */
    struct profile_image e;
    profile_image_init(&e);
    assert_int_equal(profile_image_save(s, 9, &e), STORE_OK);
    assert_int_equal(profile_image_load(s, 9, &b), STORE_OK);
    assert_int_equal(b.fs.n, 0);
    assert_int_equal(b.n_naa, 0);
    profile_image_free(&b);
    profile_image_free(&a);
    store_close(s);
}

static void test_piecemeal(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image a, b;
    build_image(&a);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);
    struct snap s0, s1;
    snap_take(s, &s0);

    /* one file's content */
    a.fs.files[T_IMSI].data[1] = 0x99;
    assert_int_equal(profile_image_save_file(s, SLOT, &a, T_IMSI), STORE_OK);
    snap_take(s, &s1);
    uint32_t ids1[] = {BASE + 0x100 + T_IMSI};
    snap_diff_only(&s0, &s1, ids1, 1);
    snap_free(&s0);
    /* a file that had no object gets one; back to default removes it */
    a.fs.files[T_ADN].data[31] = 0x01;
    assert_int_equal(profile_image_save_file(s, SLOT, &a, T_ADN), STORE_OK);
    snap_take(s, &s0);
    uint32_t ids2[] = {BASE + 0x100 + T_ADN};
    snap_diff_only(&s1, &s0, ids2, 1);
    a.fs.files[T_ADN].data[31] = 0xFF;
    assert_int_equal(profile_image_save_file(s, SLOT, &a, T_ADN), STORE_OK);
    snap_free(&s1);
    snap_take(s, &s1);
    snap_diff_only(&s0, &s1, ids2, 1);
    size_t k;
    assert_false(snap_has(&s1, BASE + 0x100 + T_ADN, &k));
    snap_free(&s0);
    /* life cycle of a DF goes with its state object */
    a.fs.files[T_TELECOM].lcsi = FS_LCSI_DEACTIVATED;
    assert_int_equal(profile_image_save_file(s, SLOT, &a, T_TELECOM), STORE_OK);
    snap_take(s, &s0);
    uint32_t ids3[] = {BASE + 0x100 + T_TELECOM};
    snap_diff_only(&s1, &s0, ids3, 1);
    snap_free(&s1);

    /* PIN states */
    a.pins.pins[0].tries_left = 1;
    a.pins.pins[1].enabled = true;
    assert_int_equal(profile_image_save_pins(s, SLOT, &a), STORE_OK);
    snap_take(s, &s1);
    uint32_t ids4[] = {BASE + 2};
    snap_diff_only(&s0, &s1, ids4, 1);
    snap_free(&s0);

    /* SQN of NAA 1 (was all zero: no object) then of NAA 0 */
    a.naa[1].sqn[31][0] = 0x80;
    assert_int_equal(profile_image_save_sqn(s, SLOT, &a, 1), STORE_OK);
    snap_take(s, &s0);
    uint32_t ids5[] = {BASE + 0x11};
    snap_diff_only(&s1, &s0, ids5, 1);
    snap_free(&s1);
    a.naa[0].sqn[0][0] = 0x01;
    assert_int_equal(store_begin(s), STORE_OK);      /* inside a caller's transaction */
    assert_int_equal(profile_image_save_sqn(s, SLOT, &a, 0), STORE_OK);
    assert_true(store_in_transaction(s));
    assert_int_equal(store_commit(s), STORE_OK);
    snap_take(s, &s1);
    uint32_t ids6[] = {BASE + 0x10};
    snap_diff_only(&s0, &s1, ids6, 1);
    snap_free(&s0);
    snap_free(&s1);

    /* everything reads back; the accounting matches */
    assert_int_equal(store_used_bytes(s), profile_image_size(&a));
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(profile_image_load(s, SLOT, &b), STORE_OK);
    assert_image_equal(&a, &b);
    profile_image_free(&b);

    /* errors */
    assert_int_equal(profile_image_save_file(s, SLOT, &a, (int)a.fs.n), STORE_EINVAL);
    assert_int_equal(profile_image_save_file(s, SLOT, &a, -1), STORE_EINVAL);
    assert_int_equal(profile_image_save_file(s, 0, &a, 0), STORE_EINVAL);
    assert_int_equal(profile_image_save_file(NULL, SLOT, &a, 0), STORE_EINVAL);
    assert_int_equal(profile_image_save_sqn(s, SLOT, &a, 2), STORE_EINVAL);
    assert_int_equal(profile_image_save_sqn(s, 0, &a, 0), STORE_EINVAL);
    assert_int_equal(profile_image_save_pins(s, 0, &a), STORE_EINVAL);
    assert_int_equal(profile_image_save_pins(s, SLOT, NULL), STORE_EINVAL);
    a.pins.n = PIN_MAX + 1;
    assert_int_equal(profile_image_save_pins(s, SLOT, &a), STORE_EINVAL);
    a.pins.n = 3;
    /* a store failure is reported and changes nothing */
    snap_take(s, &s0);
    a.fs.files[T_ICCID].data[0] = 0x00;
    store_fail_after(s, 0);
    assert_int_equal(profile_image_save_file(s, SLOT, &a, T_ICCID), STORE_EIO);
    assert_int_equal(store_reload(s), STORE_OK);
    snap_take(s, &s1);
    snap_diff_only(&s0, &s1, NULL, 0);
    store_fail_after(s, 0);
    assert_int_not_equal(profile_image_save_pins(s, SLOT, &a), STORE_OK);
    assert_int_equal(store_reload(s), STORE_OK);
    store_fail_after(s, 0);
    assert_int_not_equal(profile_image_save_sqn(s, SLOT, &a, 0), STORE_OK);
    assert_int_equal(store_reload(s), STORE_OK);
    snap_free(&s1);
    snap_take(s, &s1);
    snap_diff_only(&s0, &s1, NULL, 0);
    snap_free(&s0);
    snap_free(&s1);
    profile_image_free(&a);
    store_close(s);
}

static void test_failed_commit(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image a, b, c;
    build_image(&a);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);
    build_image(&b);
    b.fs.files[T_ICCID].data[0] = 0x11;
    b.pins.pins[0].value[0] = '9';
    b.naa[0].aka.k[0] = 0x77;
    fs_remove(&b.fs, T_TELECOM);
    b.naa[0].adf = fs_find_adf(&b.fs, t_aid_usim, 16, 0);
    store_fail_after(s, 0);
    assert_int_equal(profile_image_save(s, SLOT, &b), STORE_EIO);
    assert_int_equal(store_reload(s), STORE_OK);
    assert_int_equal(profile_image_load(s, SLOT, &c), STORE_OK);
    assert_image_equal(&a, &c);
    profile_image_free(&c);
    /* and the new one lands when the store works */
    assert_int_equal(profile_image_save(s, SLOT, &b), STORE_OK);
    assert_int_equal(profile_image_load(s, SLOT, &c), STORE_OK);
    assert_image_equal(&b, &c);
    assert_int_equal(store_used_bytes(s), profile_image_size(&b));
    profile_image_free(&c);
    profile_image_free(&a);
    profile_image_free(&b);
    store_close(s);
}

static void test_save_errors(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image a;
    build_image(&a);
    assert_int_equal(profile_image_save(s, 0, &a), STORE_EINVAL);
    assert_int_equal(profile_image_save(NULL, SLOT, &a), STORE_EINVAL);
    assert_int_equal(profile_image_save(s, SLOT, NULL), STORE_EINVAL);
    a.n_naa = NAA_MAX + 1;
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_EINVAL);
    a.n_naa = 2;
    a.n_sd = SD_MAX + 1;
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_EINVAL);
    a.n_sd = 1;
    a.sd[0].keys_len = sizeof a.sd[0].keys + 1;
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_EINVAL);
    a.sd[0].keys_len = 40;
    a.naa[0].aka.k_len = 33;
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_EINVAL);
    a.naa[0].aka.k_len = 16;
    a.pins.n = PIN_MAX + 1;
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_EINVAL);
    a.pins.n = 3;
    assert_int_equal(store_used_bytes(s), 0);     /* failed saves left nothing */
    assert_false(store_in_transaction(s));
    assert_int_equal(profile_image_size(NULL), 0);
    profile_image_free(&a);
    profile_image_free(NULL);
    profile_image_init(NULL);
    store_close(s);
}

/* Save a good image, then overwrite object `obj` with v and expect `rc` from load. */
static void corrupt_case(struct store *s, uint32_t obj, const void *v, size_t len, int rc)
{
    struct profile_image a, b;
    build_image(&a);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);
    if (v)
        assert_int_equal(store_put(s, BASE + obj, v, len), STORE_OK);
    else
        assert_int_equal(store_delete(s, BASE + obj), STORE_OK);
    assert_int_equal(profile_image_load(s, SLOT, &b), rc);
    assert_int_equal(b.fs.n, 0);
    assert_null(b.fs.files);
    assert_int_equal(b.n_naa, 0);
    assert_int_equal(b.pins.n, 0);
    profile_image_free(&a);
}

static void test_load_errors(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image b;
    assert_int_equal(profile_image_load(s, SLOT, &b), STORE_ENOTFOUND);
    assert_int_equal(profile_image_load(s, 0, &b), STORE_EINVAL);
    assert_int_equal(profile_image_load(NULL, SLOT, &b), STORE_EINVAL);
    assert_int_equal(profile_image_load(s, SLOT, NULL), STORE_EINVAL);

    corrupt_case(s, 0, NULL, 0, STORE_ENOTFOUND);              /* no header */
    corrupt_case(s, 0, "I\x02", 2, STORE_ECORRUPT);            /* version */
    corrupt_case(s, 0, "I\x01\x00", 3, STORE_ECORRUPT);
    corrupt_case(s, 1, NULL, 0, STORE_ECORRUPT);               /* no tree */
    corrupt_case(s, 1, "F\x01\x05", 3, STORE_ECORRUPT);
    corrupt_case(s, 2, NULL, 0, STORE_ECORRUPT);               /* no PINs */
    corrupt_case(s, 2, "\x11", 1, STORE_ECORRUPT);             /* 17 PINs */
    corrupt_case(s, 2, "\x01\x01\x20", 3, STORE_ECORRUPT);     /* truncated */
    uint8_t pin[1 + 22] = {1, 0x01, 0x03};
    pin[11] = 3;
    pin[12] = 4;                                               /* tries left > max */
    corrupt_case(s, 2, pin, sizeof pin, STORE_ECORRUPT);
    pin[12] = 3;
    pin[2] = 0x43;                                             /* unknown flag */
    corrupt_case(s, 2, pin, sizeof pin, STORE_ECORRUPT);
    pin[2] = 0x03;
    corrupt_case(s, 2, pin, sizeof pin - 1, STORE_ECORRUPT);
    corrupt_case(s, 3, NULL, 0, STORE_ECORRUPT);               /* no NAAs */
    corrupt_case(s, 3, "\x05", 1, STORE_ECORRUPT);             /* 5 NAAs */
    uint8_t naa[200] = {1, 0x00, 0x04, 0x10};                  /* algorithm 4 */
    corrupt_case(s, 3, naa, 4 + 16 + 32 + 5 + 80 + 1 + 4 + 2 + 8, STORE_ECORRUPT);
    naa[2] = 0x03;
    naa[1] = 1 + T_IMSI;                                       /* ADF index is an EF */
    size_t nl = 4 + 16 + 32 + 5 + 80 + 1 + 4 + 2 + 8;
    corrupt_case(s, 3, naa, nl, STORE_ECORRUPT);
    naa[1] = 100;                                              /* beyond the tree */
    corrupt_case(s, 3, naa, nl, STORE_ECORRUPT);
    naa[1] = 1 + T_USIM;
    corrupt_case(s, 3, naa, nl - 1, STORE_ECORRUPT);           /* truncated */
    corrupt_case(s, 3, naa, nl + 1, STORE_ECORRUPT);           /* trailing */
    naa[nl - 10] = 2;                                          /* sqn_check 2 */
    corrupt_case(s, 3, naa, nl, STORE_ECORRUPT);
    naa[nl - 10] = 1;
    {
        /* the valid NAA object loads */
        struct profile_image a;
        build_image(&a);
        assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);
        assert_int_equal(store_put(s, BASE + 3, naa, nl), STORE_OK);
        assert_int_equal(store_delete(s, BASE + 0x10), STORE_OK);
        assert_int_equal(profile_image_load(s, SLOT, &b), STORE_OK);
        assert_int_equal(b.n_naa, 1);
        assert_int_equal(b.naa[0].adf, T_USIM);
        assert_int_equal(b.naa[0].aka.alg, AKA_TEST);
        profile_image_free(&b);
        profile_image_free(&a);
    }
    corrupt_case(s, 4, NULL, 0, STORE_ECORRUPT);               /* no SDs */
    corrupt_case(s, 4, "\x05", 1, STORE_ECORRUPT);
    corrupt_case(s, 4, "\x01\x11", 2, STORE_ECORRUPT);         /* AID of 17 */
    corrupt_case(s, 4, "\x01\x01\xA0\x81\x02", 5, STORE_ECORRUPT); /* keys of 257 */
    corrupt_case(s, 4, "\x01\x01\xA0\x02\x00", 5, STORE_ECORRUPT); /* keys truncated */
    corrupt_case(s, 4, "\x00\x00", 2, STORE_ECORRUPT);         /* trailing */
    corrupt_case(s, 0x10, "\x00", 1, STORE_ECORRUPT);          /* SQN array length */
    uint8_t big[200] = {0};
    corrupt_case(s, 0x10, big, sizeof big, STORE_ECORRUPT);
    corrupt_case(s, 0x100 + T_COUNT, "\x05", 1, STORE_ECORRUPT); /* no such file */
    corrupt_case(s, 0x100 + T_IMSI, "\x05\x00\x0A", 3, STORE_ECORRUPT);
    corrupt_case(s, 0x100 + T_ADN, "", 0, STORE_ECORRUPT);     /* empty state object */
    store_close(s);
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++)
        if (q[i])
            return false;
    return true;
}

static void test_free_wipes(void **state)
{
    (void)state;
    struct store *s;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct profile_image a, *b = malloc(sizeof *b);
    build_image(&a);
    assert_int_equal(profile_image_save(s, SLOT, &a), STORE_OK);
    assert_int_equal(profile_image_load(s, SLOT, b), STORE_OK);
    assert_false(all_zero(b->pins.pins[0].value, PIN_VALUE_LEN));
    assert_false(all_zero(b->naa[0].aka.k, 16));
    profile_image_free(b);
    for (size_t i = 0; i < PIN_MAX; i++) {
        assert_true(all_zero(b->pins.pins[i].value, PIN_VALUE_LEN));
        assert_true(all_zero(b->pins.pins[i].puk, PIN_VALUE_LEN));
    }
    for (size_t n = 0; n < NAA_MAX; n++) {
        assert_true(all_zero(b->naa[n].aka.k, sizeof b->naa[n].aka.k));
        assert_true(all_zero(b->naa[n].aka.opc, sizeof b->naa[n].aka.opc));
    }
    assert_true(all_zero(b->sd, sizeof b->sd));
    assert_true(all_zero(b, sizeof *b));       /* the whole struct, with an empty fs */
    assert_null(b->fs.files);
    free(b);
    profile_image_free(&a);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_piecemeal),
        cmocka_unit_test(test_failed_commit),
        cmocka_unit_test(test_save_errors),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_free_wipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
