/* tests/unit/tearing/test_tearing.c — power loss at every persistent write.
 *
 * Scenario S (through card_transmit, tests/common/download_driver): download A
 * (TS48V1-A) ; enable A ; ENABLE PIN1 of A ; VERIFY PIN1 + AUTHENTICATE (3G, USIM test
 * algorithm, a fresh SQN each run) on A ; VERIFY a wrong PIN1 on A ; download B (TS48V1-B) ; enable B (A disabled implicitly) ;
 * disable B ; delete A ; retrieve + NotificationSent every notification one by one ;
 * SetNickname B ; SetDefaultDpAddress ; eUICCMemoryReset (all bits).
 *
 * A fault-free run records W[k], the store's counted writes after step k. Then for
 * every N in [0, W_total): from the same initial image, store_fail_after(N), run S until
 * a step fails (it must be the step whose writes contain N), restart the card
 * (card_close, store_reload, card_open on the same store) and check:
 *  (a) every profile GetProfilesInfo lists is complete (record + content = its UPP),
 *      no content without record; the profiles are those before or after the step;
 *  (b) at most one profile enabled;
 *  (c) the notifications are those before the step or those after it (no loss, no
 *      duplicate seq), and the persistent seq counter is >= every seq ever seen (any
 *      notification made later has a greater seq);
 *  (e) profile A's PIN1 retry counter (from its stored image) is never above the last
 *      count the card reported (63CX, or the maximum after a successful VERIFY/ENABLE),
 *      and its highest stored SQN is never below the highest SQN the card accepted
 *      (answered DB for): a power loss never gives back a try nor re-opens a used AUTN;
 *  (d) the step retried from its beginning (a download from GetEUICCInfo1) succeeds,
 *      the rest of S completes, and the end state equals the fault-free run's.
 * Prints the number of injection points. Needs <shared>; skips when absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/card.h"
#include "card/pin.h"
#include "card/profile_image.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "isd-r/profile_table.h"
#include "tests/common/download_driver.h"
#include "tests/common/test_util.h"
#include "tests/unit/tearing/tearing_util.h"

#define NICKNAME   "tearing B"
#define DEFAULT_DP "smdp.tearing.example.com"
#define N_REMOVE   7            /* notifications pending after "delete A" */
#define MAX_STEPS  32

enum step_kind { DOWNLOAD_A, ENABLE_A, PIN1_ENABLE_A, AUTH_A, PIN1_WRONG_A, DOWNLOAD_B, ENABLE_B, DISABLE_B, DELETE_A,
                 REMOVE_NOTIF, NICKNAME_B, SET_DEFAULT_DP, MEMORY_RESET };

static const char *const KIND_NAME[] = {
    "download A", "enable A", "ENABLE PIN1 A", "VERIFY+AUTHENTICATE A",
    "VERIFY wrong PIN1 A", "download B", "enable B", "disable B", "delete A",
    "remove notification", "SetNickname B", "SetDefaultDpAddress", "eUICCMemoryReset",
};

struct t {
    struct dl d;
    uint8_t *upp[2];
    size_t upp_len[2];
    uint8_t iccid[2][10];
    uint8_t *init;                /* store image of the fresh card */
    size_t init_len;
    size_t nsteps;
    enum step_kind step[MAX_STEPS];
    long w[MAX_STEPS + 1];        /* fault-free: writes before step k (w[0] = 0) */
    struct tearing_view clean[MAX_STEPS + 1];   /* fault-free: view before step k */
    long retried;                 /* injection points whose step was retried */
    struct tearing_seen seen;     /* every seqNumber the card has shown in this run */
    /* (e) what the card said about profile A's PIN1 and SQN in this run */
    unsigned pin1_reported;       /* last retry count the card reported */
    uint64_t sqn_accepted;        /* highest SQN answered with DB (0: none) */
    uint32_t auth_seq;            /* network SEQ counter: fresh for every AUTHENTICATE */
};

/* TS48V1-A: ADF.USIM AID, PIN1 "0000" (disabled, 3 tries), K = 000102..0F (test
 * algorithm) — from its UPP (vectors/upp_TS48V1-A-UNIQUE.json) */
static const uint8_t A_USIM_AID[] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                     0x49, 0xFF, 0x05, 0x89};
static const uint8_t A_PIN1[8] = {0x30, 0x30, 0x30, 0x30, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t A_WRONG[8] = {0x39, 0x38, 0x37, 0x36, 0xFF, 0xFF, 0xFF, 0xFF};
#define A_PIN1_MAX 3u

/* ---------------------------------------------------------------------- steps */

/* One terminal command on the basic channel (61xx: GET RESPONSE); the SW, data in r. */
static unsigned term(struct t *t, const uint8_t *c, size_t n, uint8_t *r, size_t *rlen)
{
    uint8_t buf[300];
    size_t l = card_transmit(t->d.card, c, n, buf, sizeof buf);
    if (l < 2)
        return 0;
    unsigned sw = (unsigned)(buf[l - 2] << 8 | buf[l - 1]);
    *rlen = 0;
    if ((sw >> 8) == 0x61) {
        uint8_t g[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)sw};
        l = card_transmit(t->d.card, g, 5, buf, sizeof buf);
        if (l < 2)
            return 0;
        sw = (unsigned)(buf[l - 2] << 8 | buf[l - 1]);
    }
    if (r != NULL) {
        memcpy(r, buf, l - 2);
        *rlen = l - 2;
    }
    return sw;
}

static unsigned pin_cmd(struct t *t, uint8_t ins, const uint8_t v[8])
{
    uint8_t c[13] = {0x00, ins, 0x00, 0x01, 0x08};
    size_t rl;
    memcpy(c + 5, v, 8);
    unsigned sw = term(t, c, sizeof c, NULL, &rl);
    if ((sw & 0xFFF0) == 0x63C0)
        t->pin1_reported = sw & 0x0F;
    else if (sw == 0x9000)
        t->pin1_reported = A_PIN1_MAX;
    return sw;
}

/* The PIN/AUTHENTICATE steps on A, as a terminal on the basic channel; the ISD-R is
 * selected again afterwards for the LPA steps. */
static int uicc_step(struct t *t, enum step_kind k)
{
    uint8_t sel[5 + sizeof A_USIM_AID] = {0x00, 0xA4, 0x04, 0x04, sizeof A_USIM_AID};
    uint8_t r[300];
    size_t rl;
    int rc = -1;
    memcpy(sel + 5, A_USIM_AID, sizeof A_USIM_AID);
    if (term(t, sel, sizeof sel, r, &rl) != 0x9000)
        return -1;
    if (k == PIN1_ENABLE_A) {
        unsigned sw = pin_cmd(t, 0x28, A_PIN1);
        rc = sw == 0x9000 || sw == 0x6985 ? 0 : -1;     /* 6985: enabled already */
    } else if (k == PIN1_WRONG_A) {
        rc = (pin_cmd(t, 0x20, A_WRONG) & 0xFFF0) == 0x63C0 ? 0 : -1;
    } else if (pin_cmd(t, 0x20, A_PIN1) == 0x9000) {     /* AUTH_A */
        /* network side, USIM test algorithm (TS 34.108 §8.1.2): XDOUT = K xor RAND,
         * AK = XDOUT[3..8], MAC = XDOUT[0..7] xor SQN||AMF */
        uint8_t c[5 + 34] = {0x00, 0x88, 0x00, 0x81, 34, 16}, x[16], sqn[6];
        uint64_t s = (uint64_t)++t->auth_seq << 5 | 3;   /* IND 3 */
        for (int i = 0; i < 6; i++)
            sqn[i] = (uint8_t)(s >> (40 - 8 * i));
        for (int i = 0; i < 16; i++) {
            c[6 + i] = (uint8_t)(0xA0 + i);
            x[i] = (uint8_t)i ^ c[6 + i];
        }
        c[22] = 16;
        for (int i = 0; i < 6; i++)
            c[23 + i] = sqn[i] ^ x[3 + i];
        c[29] = 0x80;
        c[30] = 0x00;
        for (int i = 0; i < 8; i++)
            c[31 + i] = x[i] ^ c[23 + i] ^ x[3 + i];
        for (int i = 6; i < 8; i++)
            c[31 + i] = x[i] ^ c[23 + i];
        if (term(t, c, sizeof c, r, &rl) == 0x9000 && rl >= 18 && r[0] == 0xDB &&
            r[1] == 16 && memcmp(r + 2, x, 16) == 0) {
            if (s > t->sqn_accepted)
                t->sqn_accepted = s;
            rc = 0;
        }
    }
    if (lpa_select_isdr(&t->d.t) != 0)
        return -1;
    return rc;
}

/* Profile A's PIN1 counter and highest stored SQN from the store; false when A is not
 * installed. */
static bool a_secrets(struct t *t, unsigned *tries, uint64_t *sqn)
{
    struct profile_record *rec = malloc(sizeof *rec);
    struct profile_image img;
    bool ok = false;
    assert_non_null(rec);
    profile_image_init(&img);
    if (profile_find_iccid(t->d.store, t->iccid[0], rec) == 0 &&
        profile_image_load(t->d.store, rec->slot, &img) == 0) {
        struct pin *p = pin_find(&img.pins, 0x01);
        assert_non_null(p);
        *tries = p->tries_left;
        *sqn = 0;
        for (size_t n = 0; n < img.n_naa; n++)
            for (size_t i = 0; i < SQN_ARRAY; i++) {
                uint64_t v = 0;
                for (int b = 0; b < 6; b++)
                    v = v << 8 | img.naa[n].sqn[i][b];
                if (v > *sqn)
                    *sqn = v;
            }
        ok = true;
    }
    profile_image_free(&img);
    free(rec);
    return ok;
}

/* (e) after a restart: no try given back, no accepted SQN forgotten. */
static void check_secrets(struct t *t, long n, size_t k)
{
    unsigned tries;
    uint64_t sqn;
    if (!a_secrets(t, &tries, &sqn))
        return;
    if (tries > t->pin1_reported)
        fail_msg("write %ld, step %zu (%s): PIN1 counter went back: %u tries stored, the "
                 "card had reported %u", n, k, KIND_NAME[t->step[k]], tries,
                 t->pin1_reported);
    if (sqn < t->sqn_accepted)
        fail_msg("write %ld, step %zu (%s): SQN went back: %llx stored, %llx accepted", n,
                 k, KIND_NAME[t->step[k]], (unsigned long long)sqn,
                 (unsigned long long)t->sqn_accepted);
}

/* Run one step; 0 when the card did it, -1 when it answered otherwise. */
static int run_step(struct t *t, enum step_kind k)
{
    struct dl *d = &t->d;
    struct dl_result r;
    switch (k) {
    case DOWNLOAD_A:
    case DOWNLOAD_B: {
        int i = k == DOWNLOAD_A ? 0 : 1;
        int rc = dl_download(d, t->upp[i], t->upp_len[i], &r);
        if (r.has_pir)
            tearing_seen_add(&t->seen, r.pir.seq);
        return rc;
    }
    case ENABLE_A:
        return dl_enable(d, t->iccid[0]) == 0 ? 0 : -1;
    case PIN1_ENABLE_A:
    case AUTH_A:
    case PIN1_WRONG_A:
        return uicc_step(t, k);
    case ENABLE_B:
        return dl_enable(d, t->iccid[1]) == 0 ? 0 : -1;
    case DISABLE_B:
        return dl_disable(d, t->iccid[1]) == 0 ? 0 : -1;
    case DELETE_A:
        return dl_delete(d, t->iccid[0]) == 0 ? 0 : -1;
    case REMOVE_NOTIF: {
        /* as an LPA does: list, retrieve the oldest by seqNumber, NotificationSent */
        struct dl_notif n[DL_LIST_MAX];
        size_t cnt;
        if (dl_notifications(d, 0, -1, n, DL_LIST_MAX, &cnt) != 0 || cnt == 0)
            return -1;
        uint32_t seq = n[0].meta.seq;
        tearing_seen_add(&t->seen, seq);
        if (dl_notifications(d, seq, -1, n, DL_LIST_MAX, &cnt) != 0 || cnt != 1 ||
            !n[0].sig_ok)
            return -1;
        return dl_remove_notification(d, seq) == 0 ? 0 : -1;
    }
    case NICKNAME_B:
        return dl_set_nickname(d, t->iccid[1], NICKNAME) == 0 ? 0 : -1;
    case SET_DEFAULT_DP:
        return dl_set_default_dp(d, DEFAULT_DP) == 0 ? 0 : -1;
    case MEMORY_RESET:
        return dl_memory_reset(d, 0x7) == 0 ? 0 : -1;
    }
    return -1;
}

/* ------------------------------------------------------------------ invariants */

/* (c) notifications: before or after the step, distinct seqs; counter >= every seq
 * ever seen. */
static void check_notifs(struct t *t, const struct tearing_view *v, size_t k, uint32_t seen_max)
{
    for (size_t i = 1; i < v->nn; i++)
        assert_true(v->n[i].meta.seq > v->n[i - 1].meta.seq);   /* no duplicate */
    for (size_t i = 0; i < v->nn; i++)
        assert_true(v->n[i].sig_ok);
    bool before = tearing_same_notifs(v, &t->clean[k], true);
    bool after = tearing_same_notifs(v, &t->clean[k + 1], false);
    if (!before && !after)
        fail_msg("step %zu (%s): %zu notifications after the restart, clean run has %zu "
                 "before and %zu after", k, KIND_NAME[t->step[k]], v->nn, t->clean[k].nn,
                 t->clean[k + 1].nn);
    uint32_t ctr = tearing_seq_counter(t->d.store);
    if (ctr < seen_max)
        fail_msg("step %zu: seq counter went back: %u < %u already seen", k, ctr, seen_max);
}

/* ----------------------------------------------------------------------- setup */

static int setup(void **state)
{
    char err[256] = "";
    if (!dl_shared_dir()) {
        fprintf(stderr, "SKIP: SGP.26 identity / TS.48 profiles not found "
                        "(set EUICC_EMU_SHARED)\n");
        *state = NULL;
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    if (dl_open(&t->d, 0, err, sizeof err) != 0)
        fail_msg("dl_open: %s", err);
    t->upp[0] = tu_load_ts48("TS48V1-A-UNIQUE.der", &t->upp_len[0]);
    t->upp[1] = tu_load_ts48("TS48V1-B-UNIQUE.der", &t->upp_len[1]);
    for (int i = 0; i < 2; i++)
        assert_int_equal(dl_upp_iccid(t->upp[i], t->upp_len[i], t->iccid[i]), 0);
    t->init = tearing_snapshot(t->d.store, &t->init_len);
    static const enum step_kind head[] = { DOWNLOAD_A, ENABLE_A, PIN1_ENABLE_A, AUTH_A,
                                           PIN1_WRONG_A, DOWNLOAD_B, ENABLE_B,
                                           DISABLE_B, DELETE_A };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        t->step[t->nsteps++] = head[i];
    for (int i = 0; i < N_REMOVE; i++)
        t->step[t->nsteps++] = REMOVE_NOTIF;
    t->step[t->nsteps++] = NICKNAME_B;
    t->step[t->nsteps++] = SET_DEFAULT_DP;
    t->step[t->nsteps++] = MEMORY_RESET;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    if (!t)
        return 0;
    dl_close(&t->d);
    free(t->upp[0]);
    free(t->upp[1]);
    free(t->init);
    free(t);
    return 0;
}

/* Back to the fresh card's image (a new card on the same store). */
static void fresh_card(struct t *t)
{
    tearing_fresh_card(&t->d, t->init, t->init_len);
    t->seen.n = 0;
    t->pin1_reported = A_PIN1_MAX;                /* the pinCodes PE: 3 of 3 */
    t->sqn_accepted = 0;
}

/* The fault-free run: W and the view before/after every step. */
static void clean_run(struct t *t)
{
    fresh_card(t);
    long base = store_write_count(t->d.store);
    for (size_t k = 0; k < t->nsteps; k++) {
        assert_int_equal(tearing_read_view(&t->d, &t->seen, &t->clean[k]), 0);
        t->w[k] = store_write_count(t->d.store) - base;
        if (run_step(t, t->step[k]) != 0)
            fail_msg("fault-free run: step %zu (%s) failed", k, KIND_NAME[t->step[k]]);
    }
    t->w[t->nsteps] = store_write_count(t->d.store) - base;
    assert_int_equal(tearing_read_view(&t->d, &t->seen, &t->clean[t->nsteps]), 0);
    /* the scenario did what it says */
    size_t first_remove = 0;
    while (t->step[first_remove] != REMOVE_NOTIF)
        first_remove++;
    assert_int_equal(t->clean[first_remove].nn, N_REMOVE);   /* before the removals */
    assert_int_equal(t->clean[first_remove + N_REMOVE].nn, 0);
    /* the UICC steps did what they say: one try spent, one SQN accepted */
    assert_int_equal(t->pin1_reported, A_PIN1_MAX - 1);
    assert_true(t->sqn_accepted != 0);
    assert_int_equal(t->clean[t->nsteps - 1].np, 1);
    assert_string_equal(t->clean[t->nsteps - 1].p[0].nickname, NICKNAME);
    assert_string_equal(t->clean[t->nsteps - 1].default_dp, DEFAULT_DP);
    assert_int_equal(t->clean[t->nsteps].np, 0);
    assert_int_equal(t->clean[t->nsteps].nn, 1);      /* delete B by the reset */
    assert_string_equal(t->clean[t->nsteps].default_dp, "");
    for (size_t k = 0; k < t->nsteps; k++)
        assert_true(t->w[k + 1] > t->w[k]);           /* every step writes */
}

/* One injection point: fail at write n, restart, check, retry, finish (ctx: the
 * struct t; the signature tearing_sweep calls). */
static void inject(void *ctx, long n)
{
    struct t *t = ctx;
    struct tearing_view v;
    size_t k = 0;
    fresh_card(t);
    long base = store_write_count(t->d.store);
    store_fail_after(t->d.store, n);
    for (k = 0; k < t->nsteps; k++)
        if (run_step(t, t->step[k]) != 0)
            break;
    if (k == t->nsteps)
        fail_msg("write %ld: no step failed", n);
    if (!(t->w[k] <= n && n < t->w[k + 1]))
        fail_msg("write %ld: step %zu (%s) failed, its writes are [%ld, %ld)", n, k,
                 KIND_NAME[t->step[k]], t->w[k], t->w[k + 1]);
    assert_int_equal(store_write_count(t->d.store) - base, n);   /* died at write n */
    uint32_t seen_max = tearing_seen_max(&t->seen);

    /* power loss → restart on the same store */
    if (dl_restart(&t->d) != 0)
        fail_msg("write %ld: the card does not restart", n);
    assert_int_equal(tearing_read_view(&t->d, &t->seen, &v), 0);
    tearing_check_profiles(t->d.store, &v, (const uint8_t (*)[10])t->iccid, 2);
    check_secrets(t, n, k);
    bool before = tearing_same_profiles(&v, &t->clean[k]), after = tearing_same_profiles(&v, &t->clean[k + 1]);
    if (!before && !after)
        fail_msg("write %ld, step %zu (%s): profiles neither before nor after the step", n, k,
                 KIND_NAME[t->step[k]]);
    check_notifs(t, &v, k, seen_max);
    bool all_before = before && tearing_same_notifs(&v, &t->clean[k], true) &&
                      strcmp(v.default_dp, t->clean[k].default_dp) == 0;
    bool all_after = after && tearing_same_notifs(&v, &t->clean[k + 1], false) &&
                     strcmp(v.default_dp, t->clean[k + 1].default_dp) == 0;
    if (!all_before && !all_after)
        fail_msg("write %ld, step %zu (%s): state is a mix of before and after", n, k,
                 KIND_NAME[t->step[k]]);
    if (!all_before)
        k++;                                   /* the step landed: go on with the next */
    else
        t->retried++;

    /* (d) retry the step from its beginning, then the rest of S */
    for (; k < t->nsteps; k++) {
        size_t before_nseen = t->seen.n;
        if (run_step(t, t->step[k]) != 0)
            fail_msg("write %ld: step %zu (%s) fails after the restart", n, k,
                     KIND_NAME[t->step[k]]);
        for (size_t i = before_nseen; i < t->seen.n; i++)
            if (t->seen.v[i] <= seen_max)
                fail_msg("write %ld: new seqNumber %u not above %u seen before the loss", n,
                         t->seen.v[i], seen_max);
    }
    assert_int_equal(tearing_read_view(&t->d, &t->seen, &v), 0);
    for (size_t i = 0; i < v.nn; i++)
        if (v.n[i].meta.seq <= seen_max)
            fail_msg("write %ld: final notification seq %u not above %u", n,
                     v.n[i].meta.seq, seen_max);
    if (!tearing_same_profiles(&v, &t->clean[t->nsteps]) ||
        !tearing_same_notifs(&v, &t->clean[t->nsteps], false) ||
        strcmp(v.default_dp, t->clean[t->nsteps].default_dp) != 0)
        fail_msg("write %ld: end state differs from the fault-free run", n);
}

static const char *step_name(void *ctx, size_t k)
{
    const struct t *t = ctx;
    return KIND_NAME[t->step[k]];
}

static void test_power_loss_every_write(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    clean_run(t);
    double secs = tearing_sweep(t->w, t->nsteps, step_name, inject, t);
    long total = t->w[t->nsteps];
    print_message("tearing: %ld injection points (every write of %zu steps; %ld left the "
                  "state before the step, %ld after it), all invariants held (%.1f s)\n",
                  total, t->nsteps, t->retried, total - t->retried, secs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_loss_every_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
