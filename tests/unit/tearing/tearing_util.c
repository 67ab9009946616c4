/* tests/unit/tearing/tearing_util.c — shared helpers of the power-loss sweeps (see
 * tearing_util.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "card/fs.h"
#include "card/profile_image.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "card/store_internal.h"
#include "tests/unit/tearing/tearing_util.h"

void tearing_seen_add(struct tearing_seen *s, uint32_t v)
{
    if (v == 0)                    /* an error PIR the card could not store */
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == v)
            return;
    assert_true(s->n < TEARING_SEEN_MAX);
    s->v[s->n++] = v;
}

uint32_t tearing_seen_max(const struct tearing_seen *s)
{
    uint32_t m = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] > m)
            m = s->v[i];
    return m;
}

int tearing_read_view(struct dl *d, struct tearing_seen *seen, struct tearing_view *v)
{
    memset(v, 0, sizeof *v);
    if (dl_profiles(d, v->p, PROFILE_SLOTS, &v->np) != 0 ||
        dl_notifications(d, 0, -1, v->n, DL_LIST_MAX, &v->nn) != 0 ||
        dl_default_dp(d, v->default_dp, sizeof v->default_dp) != 0)
        return -1;
    for (size_t i = 0; seen && i < v->nn; i++)
        tearing_seen_add(seen, v->n[i].meta.seq);
    return 0;
}

bool tearing_same_profiles(const struct tearing_view *a, const struct tearing_view *b)
{
    if (a->np != b->np)
        return false;
    for (size_t i = 0; i < a->np; i++)
        if (memcmp(a->p[i].iccid, b->p[i].iccid, 10) != 0 || a->p[i].state != b->p[i].state ||
            strcmp(a->p[i].nickname, b->p[i].nickname) != 0 ||
            a->p[i].aid_len != b->p[i].aid_len ||
            memcmp(a->p[i].aid, b->p[i].aid, a->p[i].aid_len) != 0)
            return false;
    return true;
}

bool tearing_same_notifs(const struct tearing_view *a, const struct tearing_view *b,
                         bool seqs)
{
    if (a->nn != b->nn)
        return false;
    for (size_t i = 0; i < a->nn; i++) {
        const struct lpa_notification *x = &a->n[i].meta, *y = &b->n[i].meta;
        if ((seqs && x->seq != y->seq) || x->event != y->event ||
            x->has_iccid != y->has_iccid || memcmp(x->iccid, y->iccid, 10) != 0)
            return false;
    }
    return true;
}

uint32_t tearing_seq_counter(struct store *s)
{
    uint8_t b[4];
    size_t len;
    int rc = store_get(s, SID_NOTIF_FIRST, b, sizeof b, &len);
    if (rc == STORE_ENOTFOUND)
        return 0;
    assert_int_equal(rc, 0);
    assert_int_equal(len, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void tearing_check_profiles(struct store *s, const struct tearing_view *v,
                            const uint8_t (*iccids)[10], size_t n)
{
    struct profile_record *rec = malloc(sizeof *rec);
    size_t enabled = 0, records = 0;
    assert_non_null(rec);
    for (size_t i = 0; i < v->np; i++) {
        size_t which = 0;
        while (which < n && memcmp(v->p[i].iccid, iccids[which], 10) != 0)
            which++;
        if (which == n)
            fail_msg("profile %zu: an ICCID the scenario never installed", i);
        enabled += v->p[i].state == 1;
        assert_int_equal(profile_find_iccid(s, v->p[i].iccid, rec), 0);
        /* its image loads whole and is the profile's (EF.ICCID) */
        struct profile_image img;
        profile_image_init(&img);
        int ef = profile_image_load(s, rec->slot, &img) == 0 ? fs_child(&img.fs, 0, 0x2FE2)
                                                            : FS_NONE;
        if (ef == FS_NONE || memcmp(img.fs.files[ef].data, v->p[i].iccid, 10) != 0)
            fail_msg("profile %zu: image incomplete", which);
        profile_image_free(&img);
    }
    assert_true(enabled <= 1);
    uint8_t slot = 0;
    while (profile_next(s, slot, rec) == STORE_OK) {
        slot = rec->slot;
        records++;
    }
    assert_int_equal(records, v->np);
    /* no profile content without its record */
    uint32_t id = SID_PROFILE_DATA(1) - 1;
    while (store_next(s, id, SID_PROFILE_DATA(255) + 0xFFFFu, &id) == STORE_OK) {
        uint8_t sl = (uint8_t)((id - SID_PROFILE_DATA(0)) >> 16);
        if (profile_load(s, sl, rec) != STORE_OK)
            fail_msg("orphan profile content %08X (slot %u has no record)", id, sl);
    }
    free(rec);
}

uint8_t *tearing_snapshot(struct store *s, size_t *len)
{
    const uint8_t *img;
    assert_int_equal(store_memory_image(s, &img, len), 0);
    uint8_t *copy = malloc(*len);
    assert_non_null(copy);
    memcpy(copy, img, *len);
    return copy;
}

void tearing_fresh_card(struct dl *d, const uint8_t *img, size_t len)
{
    dl_card_close(d);
    assert_int_equal(store_memory_set_image(d->store, img, len), 0);
    assert_int_equal(store_reload(d->store), 0);
    assert_int_equal(dl_card_open(d), 0);
}

double tearing_sweep(const long *w, size_t nsteps, const char *(*name)(void *ctx, size_t k),
                     void (*inject)(void *ctx, long n), void *ctx)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t k = 0; k < nsteps; k++)
        print_message("  step %2zu %-22s writes [%3ld, %3ld)\n", k, name(ctx, k), w[k],
                      w[k + 1]);
    for (long n = 0; n < w[nsteps]; n++)
        inject(ctx, n);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}
