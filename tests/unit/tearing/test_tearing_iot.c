/* tests/unit/tearing/test_tearing_iot.c — power loss at every persistent write of the
 * SGP.32 operations of an IoT card (SGP.26 identity, TS48V1-A and -B downloaded first,
 * no eIM), through card_transmit() with tools/eim as the eIM.
 *
 * Scenario S: ConfigureImmediateProfileEnabling (BF59, before any association) ;
 * AddInitialEim "eIM" ; package {addEim "eim2", new token} ; package {updateEim eim2
 * (fqdn, counter 20)} ; package {deleteEim eim2} ; package {enable B, listProfileInfo} ;
 * package {enable A with rollbackFlag} ; ProfileRollback (B enabled again) ; package
 * {disable B, delete A} ; NotificationSent of the three oldest stored
 * EuiccPackageResults, one by one ; eUICCMemoryReset BF64 {deleteOperationalProfiles,
 * resetEimConfigData, resetImmediateEnableConfig}. Every package comes from "eIM".
 *
 * A fault-free run records W[k] (the store's writes before step k) and the state after
 * every step. For every N in [0, W_total): from the same initial image, steps before
 * the one holding write N run normally, the state is read, store_fail_after() arms
 * the fault, the step runs and dies at write N, the card restarts on the same store
 * (dl_restart: card_close, store_reload, card_open) and then:
 *  - profiles: complete or absent, at most one enabled (tearing_check_profiles);
 *  - the state (profiles, notifications, eIM configurations with every field — eimId,
 *    fqdn, counter, token, keys —, the immediate-enable configuration, the stored
 *    EuiccPackageResults) is exactly the one before the step or the one after it
 *    (the sender's counter compared with the package's), or — for a package — the
 *    spec's accepted outcome "counter used, package lost": everything as before except
 *    the eIM's counterValue, which is the package's (euicc_package.c commits it before
 *    running anything). Then the package has no result and, sent again, is refused as a
 *    replay (signed replayError) without changing anything;
 *  - replay counters never went back; the persisted association-token counter is at
 *    least every token given out, and no token given out before the loss is given out
 *    again; seqNumbers of notifications and EuiccPackageResults never collide, the
 *    persisted counter is at least every one seen, and every later one is above them;
 *  - the step retried (a package: a new one with the next counter) succeeds, the rest
 *    of S completes and the end state equals the fault-free run's.
 * ProfileRollback included: its rollback point is persisted (isd-r/profile_rollback.h),
 * so a rollback lost to a power loss completes when retried.
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
#include "card/store.h"
#include "card/tlv.h"
#include "isd-r/eim_config.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"
#include "tests/common/download_driver.h"
#include "tests/common/iot_card.h"
#include "tests/common/test_util.h"
#include "tests/unit/tearing/tearing_util.h"
#include "tools/eim/eim.h"

#define EIM1        "eIM"
#define EIM2        "eim2"
#define EIM2_FQDN   "eim2.tearing.example.com"
#define EIM2_CTR    20u
#define IMM_ADDRESS "smdp.immediate.example.com"
#define N_REMOVE    3
#define MAX_STEPS   24
#define EPR_BODY    1024
#define PKG_MAX     4096

enum step_kind { CONFIG_IMMEDIATE, ADD_INITIAL_EIM, PKG_ADD_EIM, PKG_UPDATE_EIM,
                 PKG_DELETE_EIM, PKG_ENABLE_LIST, PKG_ENABLE_RB, ROLLBACK,
                 PKG_DISABLE_DELETE, REMOVE_EPR, MEMORY_RESET };

static const char *const KIND_NAME[] = {
    "ConfigureImmediate", "AddInitialEim", "pkg addEim", "pkg updateEim",
    "pkg deleteEim", "pkg enable+list", "pkg enable rollback", "ProfileRollback",
    "pkg disable+delete", "NotificationSent EPR", "eUICCMemoryReset BF64",
};

static bool is_package(enum step_kind k)
{
    return k >= PKG_ADD_EIM && k <= PKG_DISABLE_DELETE && k != ROLLBACK;
}

/* One stored EuiccPackageResult. */
struct epr {
    uint32_t seq;
    char eim_id[EIMT_ID_MAX + 1];
    uint64_t counter;
    uint8_t body[EPR_BODY];       /* the euiccResult SEQUENCE's content */
    size_t body_len;
};

/* The card's state: the ES10 view plus what only the store shows. */
struct iview {
    struct tearing_view v;
    size_t ne;
    struct eim_config eim[EIM_MAX];
    bool has_imm;
    uint8_t imm[256];
    size_t imm_len;
    size_t nr;
    struct epr r[EPR_MAX];
};

struct t {
    struct dl d;
    struct eimt e, e2;            /* "eIM" (SGP.26 key) and "eim2" (generated key) */
    uint8_t iccid[2][10];         /* A, B */
    uint8_t *init;                /* store image: A and B installed, no eIM */
    size_t init_len;
    size_t nsteps;
    enum step_kind step[MAX_STEPS];
    long w[MAX_STEPS + 1];
    struct iview *clean;          /* [MAX_STEPS + 1]: fault-free, state before step k */
    struct iview cur, before;
    uint8_t pkg[PKG_MAX];         /* the last package sent */
    size_t pkg_len;
    struct tearing_seen seen;     /* seqNumbers (notifications and results) */
    struct tearing_seen tokens;   /* association tokens given out */
    /* counts */
    long lost_packages, retried, landed;
};

/* ------------------------------------------------------------------- the state */

static int64_t token_of(const struct t *t, const char *eim_id)
{
    if (strcmp(eim_id, EIM1) == 0)
        return t->e.token;
    if (strcmp(eim_id, EIM2) == 0)
        return t->e2.token;
    fail_msg("a result of an unknown eIM %s", eim_id);
    return -1;
}

/* The stored EuiccPackageResults (BF2B {A0 {82 NULL}}), each signature verified. */
static int read_eprs(struct t *t, struct iview *v)
{
    static const uint8_t req[] = { 0xBF, 0x2B, 0x04, 0xA0, 0x02, 0x82, 0x00 };
    struct tlv top, a2, e;
    struct tlv_cursor c;
    if (dl_es10(&t->d, req, sizeof req) != 0x9000 ||
        !tlv_parse(t->d.resp, t->d.resp_len, &top) || top.tag != 0xBF2B ||
        !tlv_parse(top.value, top.len, &a2) || a2.tag != 0xA2 || !tlv_enter(&a2, &c))
        return -1;
    while (tlv_next(&c, &e)) {
        struct eimt_result r, probe;
        assert_true(v->nr < EPR_MAX);
        assert_int_equal(eimt_parse_result(e.raw, e.raw_len, t->d.euicc_pk, 0, &probe), 0);
        assert_int_equal(eimt_parse_result(e.raw, e.raw_len, t->d.euicc_pk,
                                           token_of(t, probe.eim_id), &r), 0);
        if (r.kind != EIMT_RESULT_SIGNED || !r.sig_ok)
            fail_msg("stored result seq %u does not verify", r.seq);
        struct epr *x = &v->r[v->nr++];
        x->seq = r.seq;
        memcpy(x->eim_id, r.eim_id, sizeof x->eim_id);
        x->counter = r.counter;
        assert_true(r.results_len <= EPR_BODY);
        memcpy(x->body, r.results, r.results_len);
        x->body_len = r.results_len;
        tearing_seen_add(&t->seen, r.seq);
    }
    return c.error ? -1 : 0;
}

/* Read everything; 0 or -1 when the card did not answer. */
static int read_state(struct t *t, struct iview *v)
{
    memset(v, 0, sizeof *v);
    if (tearing_read_view(&t->d, &t->seen, &v->v) != 0 || read_eprs(t, v) != 0)
        return -1;
    uint8_t slot = 0;
    while (eim_next(t->d.store, slot, &v->eim[v->ne]) == STORE_OK) {
        slot = v->eim[v->ne].slot;
        v->ne++;
    }
    int rc = store_get(t->d.store, SID_ISDR_IMMEDIATE_ENABLE, v->imm, sizeof v->imm,
                       &v->imm_len);
    assert_true(rc == STORE_OK || rc == STORE_ENOTFOUND);
    v->has_imm = rc == STORE_OK;
    return 0;
}

static uint64_t eim_counter(const struct iview *v, const char *id)
{
    for (size_t i = 0; i < v->ne; i++)
        if (strcmp(v->eim[i].eim_id, id) == 0)
            return v->eim[i].counter;
    return 0;
}

/* One EimConfigurationData as GetEimConfigurationData lists it (every field). */
static size_t eim_der(const struct eim_config *c, uint8_t *out, size_t cap)
{
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    eim_write_config(c, true, &w);
    assert_true(tlv_writer_ok(&w));
    return w.len;
}

/* Same eIMs with every field; the counter of EIM1 is taken as sender_ctr (when not 0)
 * instead of b's. */
static bool same_eims(const struct iview *a, const struct iview *b, uint64_t sender_ctr)
{
    uint8_t x[EIM_KEYDATA_MAX + EIM_TLS_MAX + 1024], y[sizeof x];
    struct eim_config c;
    if (a->ne != b->ne)
        return false;
    for (size_t i = 0; i < a->ne; i++) {
        c = b->eim[i];
        if (sender_ctr != 0 && strcmp(c.eim_id, EIM1) == 0)
            c.counter = sender_ctr;
        size_t lx = eim_der(&a->eim[i], x, sizeof x), ly = eim_der(&c, y, sizeof y);
        if (a->eim[i].slot != c.slot || lx != ly || memcmp(x, y, lx) != 0)
            return false;
    }
    return true;
}

/* Same stored results (eIM, content; with exact also seqNumber and counter). */
static bool same_eprs(const struct iview *a, const struct iview *b, bool exact)
{
    if (a->nr != b->nr)
        return false;
    for (size_t i = 0; i < a->nr; i++) {
        const struct epr *x = &a->r[i], *y = &b->r[i];
        if (strcmp(x->eim_id, y->eim_id) != 0 || x->body_len != y->body_len ||
            memcmp(x->body, y->body, x->body_len) != 0 ||
            (exact && (x->seq != y->seq || x->counter != y->counter)))
            return false;
    }
    return true;
}

/* a = b: profiles, notifications, default SM-DP+, immediate-enable configuration,
 * eIMs (EIM1's counter = sender_ctr when not 0), results (exact: seqNumbers and
 * counters too). */
static bool same_state(const struct iview *a, const struct iview *b, uint64_t sender_ctr,
                       bool exact)
{
    return tearing_same_profiles(&a->v, &b->v) && tearing_same_notifs(&a->v, &b->v, exact) &&
           strcmp(a->v.default_dp, b->v.default_dp) == 0 && a->has_imm == b->has_imm &&
           a->imm_len == b->imm_len && memcmp(a->imm, b->imm, a->imm_len) == 0 &&
           same_eims(a, b, sender_ctr) && same_eprs(a, b, exact);
}

/* ------------------------------------------------------------------- the steps */

static uint64_t token_counter(struct t *t)
{
    uint8_t b[8];
    size_t len;
    uint64_t v = 0;
    int rc = store_get(t->d.store, SID_EIM_TOKEN_COUNTER, b, sizeof b, &len);
    if (rc == STORE_ENOTFOUND)
        return 0;
    assert_int_equal(rc, STORE_OK);
    assert_int_equal(len, 8);
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* A token the card gave: never one it gave before. */
static int new_token(struct t *t, int64_t token)
{
    if (token < 1 || token > UINT32_MAX)
        return -1;
    for (size_t i = 0; i < t->tokens.n; i++)
        if (t->tokens.v[i] == (uint32_t)token)
            fail_msg("association token %lld given out twice", (long long)token);
    tearing_seen_add(&t->tokens, (uint32_t)token);
    return 0;
}

/* Send a package of items from "eIM"; 0 when a verified signed result came whose item
 * results are codes[i] under tags[i] (tag 0: only present). */
static int package(struct t *t, bool eco, const uint8_t *items, size_t len,
                   const uint32_t *tags, const int64_t *codes, size_t n,
                   struct eimt_result *res)
{
    t->pkg_len = eimt_package(&t->e, eco, items, len, (const uint8_t *)"tt", 2,
                              EIMT_FAULT_NONE, t->pkg, sizeof t->pkg);
    assert_true(t->pkg_len > 0);
    if (dl_es10(&t->d, t->pkg, t->pkg_len) != 0x9000 ||
        eimt_parse_result(t->d.resp, t->d.resp_len, t->d.euicc_pk, t->e.token, res) != 0 ||
        res->kind != EIMT_RESULT_SIGNED || !res->sig_ok || res->counter != t->e.counter)
        return -1;
    tearing_seen_add(&t->seen, res->seq);
    for (size_t i = 0; i < n; i++) {
        uint32_t tag;
        const uint8_t *v;
        size_t vl;
        int64_t code;
        if (!eimt_result_item(res, i, &tag, &v, &vl) || tag != tags[i] ||
            (codes[i] >= 0 && (!eimt_result_code(res, i, tags[i], &code) || code != codes[i])))
            return -1;
    }
    return 0;
}

/* One ES10b request built by fn; the answer's single integer under (tag, field). */
static int es10b_code(struct t *t, const uint8_t *req, size_t len, uint32_t tag,
                      uint32_t field, int64_t *code)
{
    struct tlv top, f;
    if (dl_es10(&t->d, req, len) != 0x9000 || !tlv_parse(t->d.resp, t->d.resp_len, &top) ||
        top.tag != tag || !tlv_find(top.value, top.len, field, &f) ||
        !tlv_get_int(f.value, f.len, code))
        return -1;
    return 0;
}

static int step_add_initial_eim(struct t *t)
{
    if (iot_card_associate(&t->d, &t->e, "eim.tearing.example.com") != 0)
        return -1;
    return new_token(t, t->e.token);
}

static int step_config_immediate(struct t *t)
{
    uint8_t req[128];
    struct tlv_writer w;
    int64_t code;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF59);
    tlv_put(&w, 0x80, NULL, 0);
    tlv_put(&w, 0x82, (const uint8_t *)IMM_ADDRESS, strlen(IMM_ADDRESS));
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    return es10b_code(t, req, w.len, 0xBF59, 0x80, &code) == 0 && code == 0 ? 0 : -1;
}

/* ProfileRollback: the result code, or -1. */
static int rollback_code(struct t *t)
{
    static const uint8_t req[] = { 0xBF, 0x58, 0x03, 0x80, 0x01, 0x00 };
    int64_t code;
    return es10b_code(t, req, sizeof req, 0xBF58, 0x02, &code) == 0 ? (int)code : -1;
}

static int step_memory_reset(struct t *t)
{
    /* BF64 {82 resetOptions: deleteOperationalProfiles (0), resetEimConfigData (5),
     * resetImmediateEnableConfig (6)} → {80 ok, 81 ok, 82 ok} */
    static const uint8_t req[] = { 0xBF, 0x64, 0x04, 0x82, 0x02, 0x01, 0x86 };
    static const uint8_t ok[] = { 0xBF, 0x64, 0x09, 0x80, 0x01, 0x00, 0x81, 0x01, 0x00,
                                  0x82, 0x01, 0x00 };
    return dl_es10(&t->d, req, sizeof req) == 0x9000 && t->d.resp_len == sizeof ok &&
           memcmp(t->d.resp, ok, sizeof ok) == 0 ? 0 : -1;
}

/* NotificationSent for the oldest stored result. */
static int step_remove_epr(struct t *t)
{
    struct iview *v = calloc(1, sizeof *v);
    assert_non_null(v);
    int rc = read_eprs(t, v) == 0 && v->nr > 0 &&
             dl_remove_notification(&t->d, v->r[0].seq) == 0 ? 0 : -1;
    free(v);
    return rc;
}

static int run_step(struct t *t, enum step_kind k)
{
    uint8_t items[1024];
    struct tlv_writer w;
    struct eimt_result r;
    tlv_writer_init(&w, items, sizeof items);
    switch (k) {
    case CONFIG_IMMEDIATE:
        return step_config_immediate(t);
    case ADD_INITIAL_EIM:
        return step_add_initial_eim(t);
    case PKG_ADD_EIM: {
        static const uint32_t tags[] = { 0xA8 };
        static const int64_t codes[] = { -1 };
        struct tlv tok;
        const uint8_t *v;
        size_t vl;
        uint32_t tag;
        int64_t token;
        eimt_eco_add_eim(&w, EIM2, 10, -1, t->e2.key);
        if (package(t, true, items, w.len, tags, codes, 1, &r) != 0 ||
            !eimt_result_item(&r, 0, &tag, &v, &vl) || !tlv_parse(v, vl, &tok) ||
            tok.tag != 0x84 || !tlv_get_int(tok.value, tok.len, &token))
            return -1;
        t->e2.token = token;
        return new_token(t, token);
    }
    case PKG_UPDATE_EIM: {
        static const uint32_t tags[] = { 0x8A };
        static const int64_t codes[] = { 0 };
        eimt_eco_update_eim(&w, EIM2, EIM2_FQDN, true, EIM2_CTR);
        return package(t, true, items, w.len, tags, codes, 1, &r);
    }
    case PKG_DELETE_EIM: {
        static const uint32_t tags[] = { 0x89 };
        static const int64_t codes[] = { 0 };
        eimt_eco_delete_eim(&w, EIM2);
        return package(t, true, items, w.len, tags, codes, 1, &r);
    }
    case PKG_ENABLE_LIST: {
        static const uint32_t tags[] = { 0x83, 0xBF2D };
        static const int64_t codes[] = { 0, -1 };
        eimt_psmo_enable(&w, t->iccid[1], false);
        eimt_psmo_list_profile_info(&w, NULL, 0, NULL, 0);
        return package(t, false, items, w.len, tags, codes, 2, &r);
    }
    case PKG_ENABLE_RB: {
        static const uint32_t tags[] = { 0x83 };
        static const int64_t codes[] = { 0 };
        eimt_psmo_enable(&w, t->iccid[0], true);
        return package(t, false, items, w.len, tags, codes, 1, &r);
    }
    case ROLLBACK:
        return rollback_code(t) == 0 ? 0 : -1;
    case PKG_DISABLE_DELETE: {
        static const uint32_t tags[] = { 0x84, 0x85 };
        static const int64_t codes[] = { 0, 0 };
        eimt_psmo_disable(&w, t->iccid[1]);
        eimt_psmo_delete(&w, t->iccid[0]);
        return package(t, false, items, w.len, tags, codes, 2, &r);
    }
    case REMOVE_EPR:
        return step_remove_epr(t);
    case MEMORY_RESET:
        return step_memory_reset(t);
    }
    return -1;
}

/* ---------------------------------------------------------------------- setup */

static int setup(void **state)
{
    static const char *const names[2] = { "TS48V1-A-UNIQUE.der", "TS48V1-B-UNIQUE.der" };
    static const enum step_kind head[] = { CONFIG_IMMEDIATE, ADD_INITIAL_EIM, PKG_ADD_EIM,
                                           PKG_UPDATE_EIM, PKG_DELETE_EIM, PKG_ENABLE_LIST,
                                           PKG_ENABLE_RB, ROLLBACK, PKG_DISABLE_DELETE };
    *state = NULL;
    if (!dl_shared_dir()) {
        fprintf(stderr, "SKIP: SGP.26 identity / TS.48 profiles not found "
                        "(set EUICC_EMU_SHARED)\n");
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->clean = calloc(MAX_STEPS + 1, sizeof *t->clean);
    assert_non_null(t->clean);
    assert_int_equal(iot_card_open(&t->d), 0);
    assert_int_equal(card_mode(t->d.card), CARD_MODE_IOT);
    for (int i = 0; i < 2; i++) {
        size_t len;
        struct dl_result r;
        uint8_t *upp = tu_load_ts48(names[i], &len);
        assert_int_equal(dl_upp_iccid(upp, len, t->iccid[i]), 0);
        assert_int_equal(dl_download(&t->d, upp, len, &r), 0);
        free(upp);
    }
    iot_card_eim_init(&t->d, &t->e, EIM1);
    assert_int_equal(eimt_init(&t->e2, EIM2, NULL), 0);
    memcpy(t->e2.eid, t->e.eid, sizeof t->e.eid);
    t->init = tearing_snapshot(t->d.store, &t->init_len);
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        t->step[t->nsteps++] = head[i];
    for (int i = 0; i < N_REMOVE; i++)
        t->step[t->nsteps++] = REMOVE_EPR;
    t->step[t->nsteps++] = MEMORY_RESET;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    if (!t)
        return 0;
    eimt_free(&t->e);
    eimt_free(&t->e2);
    dl_close(&t->d);
    free(t->init);
    free(t->clean);
    free(t);
    return 0;
}

/* Back to the initial image; the eIM side forgets everything. */
static void fresh_card(struct t *t)
{
    tearing_fresh_card(&t->d, t->init, t->init_len);
    t->seen.n = 0;
    t->tokens.n = 0;
    t->e.counter = t->e2.counter = 0;
    t->e.token = t->e2.token = 0;
}

/* The fault-free run: W and the state before/after every step. */
static void clean_run(struct t *t)
{
    fresh_card(t);
    long base = store_write_count(t->d.store);
    for (size_t k = 0; k < t->nsteps; k++) {
        assert_int_equal(read_state(t, &t->clean[k]), 0);
        t->w[k] = store_write_count(t->d.store) - base;
        if (run_step(t, t->step[k]) != 0)
            fail_msg("fault-free run: step %zu (%s) failed", k, KIND_NAME[t->step[k]]);
    }
    t->w[t->nsteps] = store_write_count(t->d.store) - base;
    assert_int_equal(read_state(t, &t->clean[t->nsteps]), 0);
    for (size_t k = 0; k < t->nsteps; k++)
        if (t->w[k + 1] <= t->w[k])
            fail_msg("step %zu (%s) writes nothing", k, KIND_NAME[t->step[k]]);
    /* the scenario did what it says */
    const struct iview *reset = &t->clean[t->nsteps - 1], *end = &t->clean[t->nsteps];
    assert_true(t->clean[1].has_imm);
    assert_int_equal(t->clean[2].ne, 1);
    assert_int_equal(t->clean[3].ne, 2);
    assert_int_equal(eim_counter(&t->clean[4], EIM2), EIM2_CTR);
    assert_int_equal(t->clean[5].ne, 1);
    assert_int_equal(reset->v.np, 1);                   /* B left */
    assert_int_equal(reset->nr, 6 - N_REMOVE);
    assert_int_equal(t->clean[8].v.p[0].state, 0);      /* rollback: B enabled again */
    assert_int_equal(t->clean[8].v.p[1].state, 1);
    assert_int_equal(end->v.np, 0);
    assert_int_equal(end->ne, 0);
    assert_false(end->has_imm);
    assert_int_equal(token_counter(t), 2);
}

/* ------------------------------------------------------------------ invariants */

/* After the restart: counters, tokens, seqNumbers. */
static void check_counters(struct t *t, long n, size_t k, uint32_t seq_max, uint32_t tok_max)
{
    const struct iview *c = &t->cur, *b = &t->before;
    for (size_t i = 0; i < b->ne; i++) {
        uint64_t now = eim_counter(c, b->eim[i].eim_id);
        if (now != 0 && now < b->eim[i].counter)
            fail_msg("write %ld, step %zu (%s): %s counterValue went back %llu -> %llu", n,
                     k, KIND_NAME[t->step[k]], b->eim[i].eim_id,
                     (unsigned long long)b->eim[i].counter, (unsigned long long)now);
    }
    if (token_counter(t) < tok_max)
        fail_msg("write %ld: token counter %llu below a token given out (%u)", n,
                 (unsigned long long)token_counter(t), tok_max);
    if (tearing_seq_counter(t->d.store) < seq_max)
        fail_msg("write %ld: seq counter %u below a seqNumber seen (%u)", n,
                 tearing_seq_counter(t->d.store), seq_max);
    /* notification and result seqNumbers never collide */
    for (size_t i = 0; i < c->nr; i++)
        for (size_t j = 0; j < c->v.nn; j++)
            if (c->r[i].seq == c->v.n[j].meta.seq)
                fail_msg("write %ld: seqNumber %u is a notification and a result", n,
                         c->r[i].seq);
    for (size_t i = 1; i < c->nr; i++)
        assert_true(c->r[i].seq > c->r[i - 1].seq);
}

/* The package counter-only outcome: the same package again is a replay and changes
 * nothing. */
static void check_replay(struct t *t, long n)
{
    struct eimt_result r;
    struct iview *again = malloc(sizeof *again);
    assert_non_null(again);
    assert_int_equal(dl_es10(&t->d, t->pkg, t->pkg_len), 0x9000);
    assert_int_equal(eimt_parse_result(t->d.resp, t->d.resp_len, t->d.euicc_pk, t->e.token,
                                       &r), 0);
    if (r.kind != EIMT_ERROR_SIGNED || !r.sig_ok || r.code != 4)
        fail_msg("write %ld: a package whose counter was kept is not refused as a replay",
                 n);
    assert_int_equal(read_state(t, again), 0);
    if (!same_state(again, &t->cur, 0, true))
        fail_msg("write %ld: the refused replay changed the card", n);
    free(again);
}

/* One injection point: fail at write n, restart, check, retry, finish (ctx: the
 * struct t; the signature tearing_sweep calls). */
static void inject(void *ctx, long n)
{
    struct t *t = ctx;
    size_t k = 0;
    while (!(t->w[k] <= n && n < t->w[k + 1]))
        k++;
    fresh_card(t);
    for (size_t i = 0; i < k; i++)
        if (run_step(t, t->step[i]) != 0)
            fail_msg("write %ld: step %zu (%s) failed before the fault", n, i,
                     KIND_NAME[t->step[i]]);
    assert_int_equal(read_state(t, &t->before), 0);
    if (!same_state(&t->before, &t->clean[k], eim_counter(&t->before, EIM1), false))
        fail_msg("write %ld: the state before step %zu differs from the clean run", n, k);
    uint64_t sender_before = eim_counter(&t->before, EIM1);
    long base = store_write_count(t->d.store) - t->w[k];
    store_fail_after(t->d.store, n - t->w[k]);
    if (run_step(t, t->step[k]) == 0)
        fail_msg("write %ld: step %zu (%s) did not fail", n, k, KIND_NAME[t->step[k]]);
    assert_int_equal(store_write_count(t->d.store) - base, n);   /* died at write n */
    uint32_t seq_max = tearing_seen_max(&t->seen), tok_max = tearing_seen_max(&t->tokens);
    bool pkg = is_package(t->step[k]);
    uint64_t pkg_ctr = pkg ? t->e.counter : 0;

    /* power loss → restart on the same store */
    if (dl_restart(&t->d) != 0)
        fail_msg("write %ld: the card does not restart", n);
    if (read_state(t, &t->cur) != 0)
        fail_msg("write %ld: the card does not answer after the restart", n);
    tearing_check_profiles(t->d.store, &t->cur.v, (const uint8_t (*)[10])t->iccid, 2);
    check_counters(t, n, k, seq_max, tok_max);
    bool before = same_state(&t->cur, &t->before, 0, true);
    bool lost = pkg && !before && same_state(&t->cur, &t->before, pkg_ctr, true);
    bool after = same_state(&t->cur, &t->clean[k + 1], pkg ? pkg_ctr : sender_before, false);
    if (!before && !lost && !after)
        fail_msg("write %ld, step %zu (%s): the state is neither the one before the step, "
                 "nor after it, nor 'counter used, package lost'", n, k,
                 KIND_NAME[t->step[k]]);
    if (lost) {
        check_replay(t, n);
        t->lost_packages++;
    } else if (after && !before) {
        t->landed++;
        k++;
    } else {
        t->retried++;
    }

    /* retry the step (a package: a new one, next counter), then the rest of S */
    for (; k < t->nsteps; k++) {
        size_t seen_n = t->seen.n, tok_n = t->tokens.n;
        if (run_step(t, t->step[k]) != 0)
            fail_msg("write %ld: step %zu (%s) fails after the restart", n, k,
                     KIND_NAME[t->step[k]]);
        for (size_t i = seen_n; i < t->seen.n; i++)
            if (t->seen.v[i] <= seq_max)
                fail_msg("write %ld: new seqNumber %u not above %u seen before the loss", n,
                         t->seen.v[i], seq_max);
        for (size_t i = tok_n; i < t->tokens.n; i++)
            if (t->tokens.v[i] <= tok_max)
                fail_msg("write %ld: new token %u not above %u given before the loss", n,
                         t->tokens.v[i], tok_max);
    }
    assert_int_equal(read_state(t, &t->cur), 0);
    const struct iview *end = &t->clean[t->nsteps];
    if (!tearing_same_profiles(&t->cur.v, &end->v) ||
        !tearing_same_notifs(&t->cur.v, &end->v, false) ||
        !same_eims(&t->cur, end, 0) || t->cur.has_imm != end->has_imm ||
        t->cur.nr != end->nr)
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
    print_message("tearing-iot: %ld injection points (every write of %zu steps: %ld left "
                  "the state before the step, %ld after it, %ld packages lost with their "
                  "counter used), all invariants held (%.1f s)\n", total, t->nsteps,
                  t->retried, t->landed, t->lost_packages, secs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_loss_every_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
