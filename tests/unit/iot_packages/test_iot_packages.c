/* tests/unit/iot_packages/test_iot_packages.c — SGP.32 eUICC Packages through
 * card_transmit() on an IoT card with the SGP.26 identity: the captured onomondo-eim
 * vectors (<shared>/vectors/sgp32), every PSMO and eCO with tools/eim (success and
 * errors), wrong packages (EID, eimId, signature, counter, token), the stored results
 * (RetrieveNotificationsList euiccPackageResults, NotificationSent), the counter
 * persisted before execution and the package as one transaction (fault sweep).
 * Skips when <shared>/sgp26 (or the vectors / TS.48 profiles) are absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"
#include "tests/common/download_driver.h"
#include "tests/common/iot_card.h"
#include "tests/common/test_util.h"
#include "tools/eim/eim.h"

#define BUF 65536

struct t {
    struct dl d;
    struct eimt e;           /* the eIM "eIM" with the SGP.26 key */
    uint8_t iccid_a[10], iccid_b[10];
    uint8_t pkg[BUF];
    size_t pkg_len;
    uint8_t res[BUF];        /* the last result of run_ok (drain reuses d.resp) */
};

static const char *vec_dir(char *buf, size_t cap)
{
    const char *sd = dl_shared_dir();
    if (!sd)
        return NULL;
    snprintf(buf, cap, "%s/vectors/sgp32", sd);
    return buf;
}

static uint8_t *load(const char *dir, const char *name, size_t *len)
{
    char p[900];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return tu_read_file(p, len);
}

static int setup(void **state, bool profiles)
{
    *state = NULL;
    if (!dl_shared_dir()) {
        print_message("SKIP: <shared>/sgp26 absent (set EUICC_EMU_SHARED)\n");
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    assert_int_equal(iot_card_open(&t->d), 0);
    assert_int_equal(card_mode(t->d.card), CARD_MODE_IOT);
    if (profiles) {
        const char *names[2] = { "TS48V1-A-UNIQUE.der", "TS48V1-B-UNIQUE.der" };
        uint8_t *iccids[2] = { t->iccid_a, t->iccid_b };
        for (int i = 0; i < 2; i++) {
            size_t len;
            struct dl_result r;
            uint8_t *upp = tu_load_ts48(names[i], &len);
            assert_int_equal(dl_upp_iccid(upp, len, iccids[i]), 0);
            assert_int_equal(dl_download(&t->d, upp, len, &r), 0);
            free(upp);
        }
    }
    iot_card_eim_init(&t->d, &t->e, "eIM");
    *state = t;
    return 0;
}

static int setup_plain(void **state) { return setup(state, false); }
static int setup_profiles(void **state) { return setup(state, true); }

static int teardown(void **state)
{
    struct t *t = *state;
    if (t) {
        eimt_free(&t->e);
        dl_close(&t->d);
        free(t);
    }
    return 0;
}

/* Associate t->e (counter 1) through tools/eim. */
static void associate(struct t *t)
{
    assert_int_equal(iot_card_associate(&t->d, &t->e, "127.0.0.1:8000"), 0);
    assert_true(t->e.token >= 1);
}

/* Send pkg, decode the answer with the eIM's token. */
static void send_pkg(struct t *t, const uint8_t *p, size_t len, int64_t token,
                     struct eimt_result *res)
{
    assert_int_equal(dl_es10(&t->d, p, len), 0x9000);
    assert_int_equal(eimt_parse_result(t->d.resp, t->d.resp_len, t->d.euicc_pk, token, res), 0);
}

static void drain(struct t *t);

/* Build one package from items, send it, expect a verified signed result (then every
 * stored result is acknowledged: the card keeps at most EPR_MAX). */
static void run_ok(struct t *t, bool eco, const uint8_t *items, size_t n,
                   struct eimt_result *res)
{
    t->pkg_len = eimt_package(&t->e, eco, items, n, (const uint8_t *)"tx", 2,
                              EIMT_FAULT_NONE, t->pkg, sizeof t->pkg);
    assert_true(t->pkg_len > 0);
    send_pkg(t, t->pkg, t->pkg_len, t->e.token, res);
    assert_int_equal(res->kind, EIMT_RESULT_SIGNED);
    assert_true(res->sig_ok);
    assert_int_equal(res->counter, t->e.counter);
    assert_true(res->has_tx && res->tx_len == 2 && memcmp(res->tx, "tx", 2) == 0);
    assert_string_equal(res->eim_id, t->e.id);
    size_t len = t->d.resp_len;
    memcpy(t->res, t->d.resp, len);
    assert_int_equal(eimt_parse_result(t->res, len, t->d.euicc_pk, t->e.token, res), 0);
    drain(t);
}

/* One-item package: the first result's code under tag. */
static int64_t one(struct t *t, bool eco, void (*build)(struct tlv_writer *, const void *),
                   const void *arg, uint32_t tag)
{
    uint8_t items[2048];
    struct tlv_writer w;
    struct eimt_result res;
    int64_t code = -1;
    tlv_writer_init(&w, items, sizeof items);
    build(&w, arg);
    assert_true(tlv_writer_ok(&w));
    run_ok(t, eco, items, w.len, &res);
    assert_true(eimt_result_code(&res, 0, tag, &code));
    return code;
}

static void b_enable(struct tlv_writer *w, const void *a) { eimt_psmo_enable(w, a, false); }
static void b_enable_rb(struct tlv_writer *w, const void *a) { eimt_psmo_enable(w, a, true); }
static void b_disable(struct tlv_writer *w, const void *a) { eimt_psmo_disable(w, a); }
static void b_delete(struct tlv_writer *w, const void *a) { eimt_psmo_delete(w, a); }
static void b_delete_eim(struct tlv_writer *w, const void *a) { eimt_eco_delete_eim(w, a); }

/* NotificationSent for every stored result (signed with t's eIM token). */
static void drain(struct t *t)
{
    iot_card_drain(&t->d, t->e.token);
}

static int profile_state(struct t *t, const uint8_t iccid[10])
{
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    int rc = profile_find_iccid(t->d.store, iccid, p);
    int st = rc == STORE_OK ? p->state : -1;
    free(p);
    return st;
}

/* ---------------------------------------------------------------- the vectors */

static void test_vectors(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    char dir[700];
    size_t add_len, en_len, lpi_len;
    if (!vec_dir(dir, sizeof dir)) {
        skip();
        return;
    }
    uint8_t *add = load(dir, "addInitialEim_request.ber", &add_len);
    uint8_t *en = load(dir, "euiccPackage_enable.ber", &en_len);
    uint8_t *lpi = load(dir, "euiccPackage_listProfileInfo.ber", &lpi_len);
    if (!add || !en || !lpi) {
        free(add); free(en); free(lpi);
        print_message("SKIP: %s absent\n", dir);
        skip();
        return;
    }
    static const uint8_t add_ok[] = { 0xBF, 0x57, 0x05, 0xA0, 0x03, 0x84, 0x01, 0x01 };
    assert_int_equal(dl_es10(&t->d, add, add_len), 0x9000);
    assert_memory_equal(t->d.resp, add_ok, sizeof add_ok);
    assert_int_equal(t->d.resp_len, sizeof add_ok);

    struct eimt_result r;
    int64_t code;
    send_pkg(t, en, en_len, 1, &r);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(r.sig_ok);                 /* over DER(result data) || 84 01 01 */
    assert_string_equal(r.eim_id, "eIM");
    assert_int_equal(r.counter, 2);
    assert_true(r.has_tx && r.tx_len == 16);
    assert_true(eimt_result_code(&r, 0, 0x83, &code));
    assert_int_equal(code, 1);             /* iccidOrAidNotFound */
    uint32_t seq1 = r.seq;

    send_pkg(t, lpi, lpi_len, 1, &r);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(r.sig_ok);
    assert_int_equal(r.counter, 3);
    uint32_t tag;
    const uint8_t *v;
    size_t vl;
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl));
    assert_int_equal(tag, 0xBF2D);
    assert_true(vl >= 2 && v[0] == 0xA0);  /* profileInfoListOk (empty card) */
    assert_true(r.seq > seq1);

    /* each replay is refused (signed replayError) and changes nothing */
    uint32_t seqs[EPR_MAX];
    assert_int_equal(iot_card_results(&t->d, 1, seqs, EPR_MAX), 2);
    for (int i = 0; i < 2; i++) {
        send_pkg(t, i ? lpi : en, i ? lpi_len : en_len, 1, &r);
        assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
        assert_true(r.sig_ok);
        assert_int_equal(r.code, 4);
        assert_int_equal(r.counter, i ? 3 : 2);
        assert_int_equal(iot_card_eim_counter(&t->d, "eIM"), 3);
        assert_int_equal(iot_card_results(&t->d, 1, seqs, EPR_MAX), 2);
    }
    /* removed by NotificationSent, one by one */
    assert_int_equal(dl_remove_notification(&t->d, seqs[0]), 0);
    assert_int_equal(iot_card_results(&t->d, 1, seqs, EPR_MAX), 1);
    assert_int_equal(dl_remove_notification(&t->d, seqs[0]), 0);
    assert_int_equal(iot_card_results(&t->d, 1, seqs, EPR_MAX), 0);
    assert_int_equal(dl_remove_notification(&t->d, seqs[0]), 1);
    free(add);
    free(en);
    free(lpi);
}

/* The captured results' structure: the eIM accepted a result signed with the SGP.26
 * eUICC key over DER(data) || 84 01 01 — our verifier agrees. */
static void test_vector_result_rule(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    char dir[700];
    size_t len;
    uint8_t *p = vec_dir(dir, sizeof dir) ? load(dir, "provideEimPackageResult_accepted.ber",
                                                 &len) : NULL;
    if (!p) {
        skip();
        return;
    }
    struct tlv bf50, s30, bf51;
    assert_true(tlv_parse(p, len, &bf50));
    assert_true(tlv_parse(bf50.value, bf50.len, &s30));
    assert_true(tlv_find(s30.value, s30.len, 0xBF51, &bf51));
    struct eimt_result r;
    assert_int_equal(eimt_parse_result(bf51.raw, bf51.raw_len, t->d.euicc_pk, 1, &r), 0);
    assert_true(r.sig_ok);
    assert_int_equal(eimt_parse_result(bf51.raw, bf51.raw_len, t->d.euicc_pk, 2, &r), 0);
    assert_false(r.sig_ok);
    free(p);
}

/* ---------------------------------------------------------------- PSMOs */

static void test_psmos(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    static const uint8_t unknown[10] = { 0x98, 0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10,
                                         0x32, 0x85 };
    associate(t);
    /* local management is refused once an eIM is associated */
    assert_int_equal(dl_enable(&t->d, t->iccid_a), 3);
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_DISABLED);

    assert_int_equal(one(t, false, b_enable, t->iccid_a, 0x83), 0);
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_ENABLED);
    assert_int_equal(one(t, false, b_enable, t->iccid_a, 0x83), 2);
    assert_int_equal(one(t, false, b_enable, unknown, 0x83), 1);
    assert_int_equal(one(t, false, b_enable_rb, t->iccid_b, 0x83), 0);   /* rollback flag */
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_DISABLED);
    assert_int_equal(profile_state(t, t->iccid_b), PROFILE_ENABLED);
    /* ProfileRollback returns to A (the profile enabled before, in the first slot) */
    static const uint8_t rollback[] = { 0xBF, 0x58, 0x03, 0x80, 0x01, 0x00 };
    assert_int_equal(dl_es10(&t->d, rollback, sizeof rollback), 0x9000);
    assert_int_equal(t->d.resp_len, 6);
    assert_memory_equal(t->d.resp, "\xBF\x58\x03\x02\x01\x00", 6);
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_ENABLED);
    assert_int_equal(profile_state(t, t->iccid_b), PROFILE_DISABLED);
    assert_int_equal(one(t, false, b_enable, t->iccid_b, 0x83), 0);
    assert_int_equal(one(t, false, b_disable, t->iccid_a, 0x84), 2);
    assert_int_equal(one(t, false, b_disable, unknown, 0x84), 1);
    assert_int_equal(one(t, false, b_delete, t->iccid_b, 0x85), 2);
    assert_int_equal(one(t, false, b_delete, unknown, 0x85), 1);
    assert_int_equal(one(t, false, b_disable, t->iccid_b, 0x84), 0);
    assert_int_equal(profile_state(t, t->iccid_b), PROFILE_DISABLED);

    /* processing stops at the first error: [enable unknown, enable A] → one result */
    uint8_t items[512];
    struct tlv_writer w;
    struct eimt_result r;
    int64_t code;
    uint32_t tag;
    const uint8_t *v;
    size_t vl;
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_enable(&w, unknown, false);
    eimt_psmo_enable(&w, t->iccid_a, false);
    run_ok(t, false, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x83, &code));
    assert_int_equal(code, 1);
    assert_false(eimt_result_item(&r, 1, &tag, &v, &vl));
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_DISABLED);

    /* [enable A, disable A, listProfileInfo, getRAT] → four results in order */
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_enable(&w, t->iccid_a, false);
    eimt_psmo_disable(&w, t->iccid_a);
    eimt_psmo_list_profile_info(&w, NULL, 0, NULL, 0);
    eimt_psmo_get_rat(&w);
    run_ok(t, false, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x83, &code) && code == 0);
    assert_true(eimt_result_code(&r, 1, 0x84, &code) && code == 0);
    assert_true(eimt_result_item(&r, 2, &tag, &v, &vl) && tag == 0xBF2D);
    {
        struct tlv a0, e3;
        struct tlv_cursor c;
        size_t n = 0;
        assert_true(tlv_parse(v, vl, &a0) && a0.tag == 0xA0);
        assert_true(tlv_enter(&a0, &c));
        while (tlv_next(&c, &e3)) {
            struct tlv f;
            assert_int_equal(e3.tag, 0xE3);
            assert_true(tlv_find(e3.value, e3.len, 0x5A, &f));   /* default tag list */
            assert_true(tlv_find(e3.value, e3.len, 0x9F70, &f));
            assert_false(tlv_find(e3.value, e3.len, 0xB6, &f));  /* not in the list */
            n++;
        }
        assert_int_equal(n, 2);
    }
    assert_true(eimt_result_item(&r, 3, &tag, &v, &vl) && tag == 0xA6);
    assert_int_equal(profile_state(t, t->iccid_a), PROFILE_DISABLED);

    /* listProfileInfo with search criteria and a tag list */
    uint8_t crit[12] = { 0x5A, 0x0A };
    memcpy(crit + 2, t->iccid_b, 10);
    static const uint8_t tags[] = { 0x5A };
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_list_profile_info(&w, crit, sizeof crit, tags, sizeof tags);
    run_ok(t, false, items, w.len, &r);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xBF2D);
    uint8_t exp[16] = { 0xA0, 0x0E, 0xE3, 0x0C, 0x5A, 0x0A };
    memcpy(exp + 6, t->iccid_b, 10);
    assert_int_equal(vl, sizeof exp);
    assert_memory_equal(v, exp, vl);
    /* bad search criteria → BF2D {81 incorrectInputValues} */
    static const uint8_t bad_crit[] = { 0x5A, 0x01, 0x00 };
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_list_profile_info(&w, bad_crit, sizeof bad_crit, NULL, 0);
    run_ok(t, false, items, w.len, &r);
    static const uint8_t lpi_err[] = { 0x81, 0x01, 0x01 };
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xBF2D);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, lpi_err, 3);

    /* configureImmediateEnable, setDefaultDpAddress */
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_configure_immediate_enable(&w, true, "smdp.example.com");
    eimt_psmo_set_default_dp(&w, "dp.example.com");
    run_ok(t, false, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x87, &code) && code == 0);
    assert_true(eimt_result_item(&r, 1, &tag, &v, &vl) && tag == 0xBF65);
    char addr[300];
    assert_int_equal(dl_default_dp(&t->d, addr, sizeof addr), 0);
    assert_string_equal(addr, "dp.example.com");
    /* a damaged configureImmediateEnable → commandError */
    static const uint8_t bad_cie[] = { 0xA7, 0x03, 0x80, 0x01, 0x00 };   /* NULL with content */
    run_ok(t, false, bad_cie, sizeof bad_cie, &r);
    assert_true(eimt_result_code(&r, 0, 0x87, &code) && code == 7);

    /* an unknown PSMO → processingTerminated unknownOrDamagedCommand (02 01 02) */
    static const uint8_t unk[] = { 0xAF, 0x00 };
    run_ok(t, false, unk, sizeof unk, &r);
    assert_true(eimt_result_code(&r, 0, 0x02, &code) && code == 2);
    static const uint8_t dmg[] = { 0xA3, 0x02, 0x5A, 0x00 };
    run_ok(t, false, dmg, sizeof dmg, &r);
    assert_true(eimt_result_code(&r, 0, 0x02, &code) && code == 2);

    /* delete A (disabled) */
    assert_int_equal(one(t, false, b_delete, t->iccid_a, 0x85), 0);
    assert_int_equal(profile_state(t, t->iccid_a), -1);
}

/* ---------------------------------------------------------------- eCOs */

static void b_list_eim(struct tlv_writer *w, const void *a) { (void)a; eimt_eco_list_eim(w); }

static void test_ecos(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    associate(t);
    uint8_t items[2048];
    struct tlv_writer w;
    struct eimt_result r;
    uint32_t tag;
    const uint8_t *v;
    size_t vl;
    int64_t code;

    /* listEim → AB {A0 {30 {80 "eIM"}}} */
    tlv_writer_init(&w, items, sizeof items);
    b_list_eim(&w, NULL);
    run_ok(t, true, items, w.len, &r);
    static const uint8_t list1[] = { 0xA0, 0x07, 0x30, 0x05, 0x80, 0x03, 'e', 'I', 'M' };
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xAB);
    assert_int_equal(vl, sizeof list1);
    assert_memory_equal(v, list1, vl);

    /* addEim eim2 (generated key, token -1) → A8 {84 token} */
    struct eimt e2;
    assert_int_equal(eimt_init(&e2, "eim2", NULL), 0);
    memcpy(e2.eid, t->e.eid, 16);
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_add_eim(&w, "eim2", 10, -1, e2.key);
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xA8);
    struct tlv tok;
    assert_true(tlv_parse(v, vl, &tok) && tok.tag == 0x84);
    assert_true(tlv_get_int(tok.value, tok.len, &e2.token));
    assert_true(e2.token != t->e.token);
    /* again → associatedEimAlreadyExists; a token other than -1 → invalidAssociationToken */
    static const uint8_t already[] = { 0x02, 0x01, 0x02 }, badtok[] = { 0x02, 0x01, 0x05 };
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xA8);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, already, 3);
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_add_eim(&w, "eim3", 0, 5, e2.key);
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xA8);
    assert_memory_equal(v, badtok, 3);
    /* without a key → commandError */
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_add_eim(&w, "eim3", 0, -1, NULL);
    run_ok(t, true, items, w.len, &r);
    static const uint8_t cmderr[] = { 0x02, 0x01, 0x07 };
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xA8);
    assert_memory_equal(v, cmderr, 3);

    /* eim2 manages the card with its own token and counter (initial 10) */
    e2.counter = 10;
    uint8_t pkg[2048];
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_list_eim(&w);
    size_t n = eimt_package(&e2, true, items, w.len, NULL, 0, EIMT_FAULT_NONE, pkg, sizeof pkg);
    send_pkg(t, pkg, n, e2.token, &r);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(r.sig_ok);
    assert_false(r.has_tx);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl) && tag == 0xAB);
    assert_int_equal(vl, 2 + 7 + 8);     /* two EimIdInfo */
    iot_card_drain(&t->d, e2.token);    /* its result is signed with eim2's token */
    /* eim2 counter 11 <= ... a package with counter 10 is a replay */
    e2.counter = 9;
    n = eimt_package(&e2, true, items, w.len, NULL, 0, EIMT_FAULT_NONE, pkg, sizeof pkg);
    send_pkg(t, pkg, n, e2.token, &r);
    assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
    assert_int_equal(r.code, 4);
    e2.counter = 11;

    /* updateEim: ok, unknown eIM, counter going back */
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_update_eim(&w, "eim2", "eim2.example.com", true, 20);
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x8A, &code) && code == 0);
    assert_int_equal(iot_card_eim_counter(&t->d, "eim2"), 20);
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_update_eim(&w, "nobody", NULL, false, 0);
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x8A, &code) && code == 1);
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_update_eim(&w, "eim2", NULL, true, 3);
    run_ok(t, true, items, w.len, &r);
    assert_true(eimt_result_code(&r, 0, 0x8A, &code) && code == 6);
    assert_int_equal(iot_card_eim_counter(&t->d, "eim2"), 20);

    /* deleteEim: unknown, eim2, then the last one (lastEimDeleted; still signed) */
    assert_int_equal(one(t, true, b_delete_eim, "nobody", 0x89), 1);
    assert_int_equal(one(t, true, b_delete_eim, "eim2", 0x89), 0);
    assert_int_equal(one(t, true, b_delete_eim, "eIM", 0x89), 2);
    /* now "eIM" is unknown: EuiccPackageErrorUnsigned without a token */
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_list_eim(&w);
    n = eimt_package(&t->e, true, items, w.len, NULL, 0, EIMT_FAULT_NONE, pkg, sizeof pkg);
    send_pkg(t, pkg, n, t->e.token, &r);
    assert_int_equal(r.kind, EIMT_ERROR_UNSIGNED);
    assert_false(r.has_token);
    eimt_free(&e2);
}

/* ---------------------------------------------------------------- wrong packages */

static void test_wrong_packages(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    associate(t);
    uint8_t items[64];
    struct tlv_writer w;
    struct eimt_result r;
    uint32_t seqs[EPR_MAX];
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_list_eim(&w);
    static const struct { enum eimt_fault f; int kind; int64_t code; bool token; } cases[] = {
        { EIMT_FAULT_WRONG_EID, EIMT_ERROR_SIGNED, 3, false },
        { EIMT_FAULT_UNKNOWN_EIM, EIMT_ERROR_UNSIGNED, 127, false },
        { EIMT_FAULT_BAD_SIGNATURE, EIMT_ERROR_UNSIGNED, 127, true },
        { EIMT_FAULT_WRONG_TOKEN, EIMT_ERROR_UNSIGNED, 127, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t before = t->e.counter;
        t->pkg_len = eimt_package(&t->e, true, items, w.len, (const uint8_t *)"x", 1,
                                  cases[i].f, t->pkg, sizeof t->pkg);
        send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);
        assert_int_equal(r.kind, cases[i].kind);
        assert_int_equal(r.code, cases[i].code);
        assert_true(r.has_tx && r.tx[0] == 'x');
        if (r.kind == EIMT_ERROR_SIGNED)
            assert_true(r.sig_ok);
        assert_int_equal(r.has_token, cases[i].token);
        if (cases[i].token)
            assert_int_equal(r.token, t->e.token);
        assert_int_equal(iot_card_eim_counter(&t->d, "eIM"), before);   /* nothing changed */
        t->e.counter = before;
        assert_int_equal(iot_card_results(&t->d, t->e.token, seqs, EPR_MAX), 0);
    }
    /* an old counter → signed replayError; a counter beyond 64 bits → out of range */
    run_ok(t, true, items, w.len, &r);
    t->pkg_len = eimt_package(&t->e, true, items, w.len, NULL, 0, EIMT_FAULT_OLD_COUNTER,
                              t->pkg, sizeof t->pkg);
    send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);
    assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
    assert_true(r.sig_ok);
    assert_int_equal(r.code, 4);
    /* EPR_MAX results unacknowledged: the next package is refused (signed undefinedError)
     * before its counter is used */
    for (size_t i = 0; i < EPR_MAX; i++) {
        t->pkg_len = eimt_package(&t->e, true, items, w.len, NULL, 0, EIMT_FAULT_NONE,
                                  t->pkg, sizeof t->pkg);
        send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);
        assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    }
    uint64_t full_counter = iot_card_eim_counter(&t->d, "eIM");
    t->pkg_len = eimt_package(&t->e, true, items, w.len, NULL, 0, EIMT_FAULT_NONE,
                              t->pkg, sizeof t->pkg);
    send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);
    assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
    assert_true(r.sig_ok);
    assert_int_equal(r.code, 127);
    assert_int_equal(iot_card_eim_counter(&t->d, "eIM"), full_counter);
    drain(t);
    send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);     /* room again: it runs now */
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    /* malformed requests: no eimId → 6A80 */
    static const uint8_t junk[] = { 0xBF, 0x51, 0x04, 0x30, 0x00, 0x5F, 0x37 };
    assert_int_equal(dl_es10(&t->d, junk, 5), 0x6A80);
}

/* ---------------------------------------------------------------- tearing */

/* Power loss at each write of an enable package: afterwards the counter never went
 * back, the package ran completely (with its stored result) or not at all, and it
 * never runs twice. */
static void test_tearing(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    associate(t);
    bool saw_counter_only = false, saw_complete = false;
    for (long k = 0; k < 40 && !saw_complete; k++) {
        uint32_t seqs[EPR_MAX];
        size_t eprs = iot_card_results(&t->d, t->e.token, seqs, EPR_MAX);
        uint64_t before = iot_card_eim_counter(&t->d, "eIM");
        uint8_t items[64];
        struct tlv_writer w;
        tlv_writer_init(&w, items, sizeof items);
        eimt_psmo_enable(&w, t->iccid_a, false);
        t->pkg_len = eimt_package(&t->e, false, items, w.len, NULL, 0, EIMT_FAULT_NONE,
                                  t->pkg, sizeof t->pkg);
        uint64_t n = t->e.counter;
        store_fail_after(t->d.store, k);
        (void)dl_es10(&t->d, t->pkg, t->pkg_len);
        assert_int_equal(dl_restart(&t->d), 0);

        uint64_t after = iot_card_eim_counter(&t->d, "eIM");
        int st = profile_state(t, t->iccid_a);
        size_t eprs_after = iot_card_results(&t->d, t->e.token, seqs, EPR_MAX);
        assert_true(after == before || after == n);
        if (st == PROFILE_ENABLED) {
            assert_int_equal(after, n);
            assert_int_equal(eprs_after, eprs + 1);
            saw_complete = true;
        } else {
            assert_int_equal(eprs_after, eprs);
            if (after == n)
                saw_counter_only = true;
        }
        /* the same package again: refused when its counter was kept */
        struct eimt_result r;
        send_pkg(t, t->pkg, t->pkg_len, t->e.token, &r);
        if (after == n) {
            assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
            assert_int_equal(r.code, 4);
            assert_int_equal(profile_state(t, t->iccid_a), st);
        } else {
            int64_t code;
            assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
            assert_true(eimt_result_code(&r, 0, 0x83, &code) && code == 0);
        }
        /* back to the start: A disabled, no stored result */
        if (profile_state(t, t->iccid_a) == PROFILE_ENABLED && !saw_complete)
            assert_int_equal(one(t, false, b_disable, t->iccid_a, 0x84), 0);
        eprs = iot_card_results(&t->d, t->e.token, seqs, EPR_MAX);
        for (size_t i = 0; i < eprs; i++)
            assert_int_equal(dl_remove_notification(&t->d, seqs[i]), 0);
    }
    assert_true(saw_counter_only);
    assert_true(saw_complete);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vectors, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_vector_result_rule, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_packages, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_psmos, setup_profiles, teardown),
        cmocka_unit_test_setup_teardown(test_ecos, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_tearing, setup_profiles, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
