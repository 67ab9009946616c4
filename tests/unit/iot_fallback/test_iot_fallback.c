/* tests/unit/iot_fallback/test_iot_fallback.c — SGP.32 fallback and emergency profiles
 * through card_transmit() on an IoT card with the SGP.26 identity: the metadata fields
 * (ecallIndication, fallbackAllowed from StoreMetadata; fallbackAttribute from the
 * PSMO) kept and listed, setFallbackAttribute / unsetFallbackAttribute and the delete
 * rule, ExecuteFallbackMechanism / ReturnFromFallback, EnableEmergencyProfile /
 * DisableEmergencyProfile and what "ecallActive" blocks, persistence across a card
 * restart and a power-loss sweep over ExecuteFallbackMechanism.
 * Three TS.48 profiles are downloaded in-process (tests/common/download_driver):
 * A (no SGP.32 fields), B (fallbackAllowed TRUE), C (ecallIndication TRUE,
 * fallbackAllowed FALSE). Skips when <shared>/sgp26 or the profiles are absent. */
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

enum { A, B, C, NPROF };

struct fx {
    struct dl d;
    struct eimt e;
    bool associated;
    uint8_t iccid[NPROF][10];
    uint8_t pkg[BUF];
};

static const char *const PROFILES[NPROF] = {
    "TS48V1-A-UNIQUE.der", "TS48V1-B-UNIQUE.der", "TS48V2-SAIP2-1-BERTLV-UNIQUE.der",
};

/* Download <shared>/profiles/ts48/name with the given SGP.32 metadata fields. 0 when
 * installed, -1 otherwise (*res tells why); the ICCID into iccid. */
static int download(struct fx *f, const char *name, const struct smdp_iot_metadata *m,
                    uint8_t iccid[10], struct dl_result *res)
{
    size_t len;
    uint8_t *upp = tu_read_ts48(name, &len);
    if (!upp)
        return -2;
    assert_int_equal(dl_upp_iccid(upp, len, iccid), 0);
    smdp_set_iot_metadata(f->d.dp, m);
    int rc = dl_download(&f->d, upp, len, res);
    smdp_set_iot_metadata(f->d.dp, NULL);
    free(upp);
    return rc;
}

static int setup(void **state)
{
    *state = NULL;
    if (!dl_shared_dir()) {
        print_message("SKIP: <shared>/sgp26 absent (set EUICC_EMU_SHARED)\n");
        return 0;
    }
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(iot_card_open(&f->d), 0);
    assert_int_equal(card_mode(f->d.card), CARD_MODE_IOT);
    const struct smdp_iot_metadata meta[NPROF] = {
        { 0 },
        { .has_fallback_allowed = true, .fallback_allowed = true },
        { .has_ecall_indication = true, .ecall_indication = true,
          .has_fallback_allowed = true, .fallback_allowed = false },
    };
    for (int i = 0; i < NPROF; i++) {
        struct dl_result r;
        int rc = download(f, PROFILES[i], &meta[i], f->iccid[i], &r);
        if (rc == -2) {
            print_message("SKIP: <shared>/profiles/ts48/%s absent\n", PROFILES[i]);
            dl_close(&f->d);
            free(f);
            return 0;
        }
        assert_int_equal(rc, 0);
    }
    iot_card_eim_init(&f->d, &f->e, "eIM");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (f) {
        eimt_free(&f->e);
        dl_close(&f->d);
        free(f);
    }
    return 0;
}

#define FX(state)                                                                         \
    struct fx *f = *(state);                                                             \
    if (!f) {                                                                            \
        skip();                                                                          \
        return;                                                                          \
    }

/* AddInitialEim of f->e (counter 1): the card's association token. */
static void associate(struct fx *f)
{
    assert_int_equal(iot_card_associate(&f->d, &f->e, "127.0.0.1:8000"), 0);
    f->associated = true;
}

/* Send one signed PSMO package (items built by the caller); the decoded answer in r. */
static void send_psmos(struct fx *f, const uint8_t *items, size_t n, struct eimt_result *r)
{
    size_t len = eimt_package(&f->e, false, items, n, NULL, 0, EIMT_FAULT_NONE, f->pkg,
                              sizeof f->pkg);
    assert_true(len > 0);
    assert_int_equal(dl_es10(&f->d, f->pkg, len), 0x9000);
    assert_int_equal(eimt_parse_result(f->d.resp, f->d.resp_len, f->d.euicc_pk, f->e.token,
                                       r), 0);
    assert_true(r->sig_ok);
}

enum psmo { P_ENABLE, P_DISABLE, P_DELETE, P_SET_FB, P_UNSET_FB, P_UNSET_FB_BAD };

/* One PSMO in a signed package: its result code under the result tag. */
static int64_t psmo(struct fx *f, enum psmo op, const uint8_t *iccid)
{
    static const uint32_t result_tag[] = { 0x83, 0x84, 0x85, 0x8D, 0x8E, 0x8E };
    uint8_t items[256];
    struct tlv_writer w;
    struct eimt_result r;
    int64_t code = -1;
    tlv_writer_init(&w, items, sizeof items);
    switch (op) {
    case P_ENABLE: eimt_psmo_enable(&w, iccid, false); break;
    case P_DISABLE: eimt_psmo_disable(&w, iccid); break;
    case P_DELETE: eimt_psmo_delete(&w, iccid); break;
    case P_SET_FB: eimt_psmo_set_fallback(&w, iccid); break;
    case P_UNSET_FB: eimt_psmo_unset_fallback(&w); break;
    case P_UNSET_FB_BAD:                         /* A9 with content: commandError */
        tlv_open(&w, 0xA9);
        tlv_put_int(&w, 0x80, 0);
        tlv_close(&w);
        break;
    }
    assert_true(tlv_writer_ok(&w));
    send_psmos(f, items, w.len, &r);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(eimt_result_code(&r, 0, result_tag[op], &code));
    iot_card_drain(&f->d, f->e.token);
    return code;
}

/* An IoT ES10b {80 refreshFlag} function: its result code. */
static int64_t es10b(struct fx *f, uint32_t tag)
{
    const uint8_t req[] = { (uint8_t)(tag >> 8), (uint8_t)tag, 0x03, 0x80, 0x01, 0xFF };
    struct tlv top, res;
    int64_t v;
    assert_int_equal(dl_es10(&f->d, req, sizeof req), 0x9000);
    assert_true(tlv_parse(f->d.resp, f->d.resp_len, &top));
    assert_int_equal(top.tag, tag);
    assert_int_equal(top.raw_len, f->d.resp_len);
    assert_true(tlv_parse(top.value, top.len, &res));
    assert_int_equal(res.tag, 0x80);
    assert_true(tlv_get_int(res.value, res.len, &v));
    return v;
}

#define EXECUTE_FALLBACK 0xBF5Du
#define RETURN_FALLBACK  0xBF5Eu
#define ENABLE_ECALL     0xBF5Bu
#define DISABLE_ECALL    0xBF5Cu

static struct profile_record *record(struct fx *f, int i)
{
    static struct profile_record p;
    assert_int_equal(profile_find_iccid(f->d.store, f->iccid[i], &p), STORE_OK);
    return &p;
}

static int state_of(struct fx *f, int i)
{
    return record(f, i)->state;
}

/* The profile states as "A B C" letters: upper case = enabled ("aBc"). */
static void expect_states(struct fx *f, const char *want)
{
    char got[NPROF + 1];
    for (int i = 0; i < NPROF; i++)
        got[i] = (char)((state_of(f, i) == PROFILE_ENABLED ? 'A' : 'a') + i);
    got[NPROF] = 0;
    assert_string_equal(got, want);
}

/* With A enabled: disable it, then enter (states `during`) and leave: none enabled
 * before, so none after. */
static void back_to_none(struct fx *f, uint32_t enter, uint32_t leave, const char *during)
{
    assert_int_equal(psmo(f, P_DISABLE, f->iccid[A]), 0);
    assert_int_equal(es10b(f, enter), 0);
    expect_states(f, during);
    assert_int_equal(es10b(f, leave), 0);
    expect_states(f, "abc");
}

/* ---------------------------------------------------------------- metadata */

/* GetProfilesInfo with tagList {5A 9F7B 9F26 9F67}: the E3 of profile i. */
static void iot_info(struct fx *f, int i, struct tlv *e3)
{
    static const uint8_t req[] = { 0xBF, 0x2D, 0x09, 0x5C, 0x07, 0x5A, 0x9F, 0x7B, 0x9F,
                                   0x26, 0x9F, 0x67 };
    struct tlv top, a0, id;
    struct tlv_cursor c;
    assert_int_equal(dl_es10(&f->d, req, sizeof req), 0x9000);
    memcpy(f->pkg, f->d.resp, f->d.resp_len);
    assert_true(tlv_parse(f->pkg, f->d.resp_len, &top));
    assert_true(tlv_parse(top.value, top.len, &a0) && a0.tag == 0xA0);
    assert_true(tlv_enter(&a0, &c));
    while (tlv_next(&c, e3))
        if (tlv_find(e3->value, e3->len, 0x5A, &id) && memcmp(id.value, f->iccid[i], 10) == 0)
            return;
    fail_msg("profile %d not listed", i);
}

static void expect_field(const struct tlv *e3, uint32_t tag, int want)
{
    struct tlv t;
    bool has = tlv_find(e3->value, e3->len, tag, &t);
    if (want < 0) {
        assert_false(has);
        return;
    }
    assert_true(has);
    assert_int_equal(t.len, 1);
    assert_int_equal(t.value[0], want);
}

static void test_metadata_kept_and_listed(void **state)
{
    FX(state);
    struct tlv e3;
    iot_info(f, A, &e3);
    expect_field(&e3, 0x9F7B, -1);
    expect_field(&e3, 0x9F26, -1);
    expect_field(&e3, 0x9F67, -1);
    iot_info(f, B, &e3);
    expect_field(&e3, 0x9F7B, -1);
    expect_field(&e3, 0x9F67, 0xFF);
    iot_info(f, C, &e3);
    expect_field(&e3, 0x9F7B, 0xFF);
    expect_field(&e3, 0x9F67, 0x00);

    /* the fallbackAttribute (set by the eIM) is listed once set, also after a restart */
    associate(f);
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);
    assert_int_equal(dl_restart(&f->d), 0);
    iot_info(f, B, &e3);
    expect_field(&e3, 0x9F26, 0xFF);
    iot_info(f, A, &e3);
    expect_field(&e3, 0x9F26, -1);

    /* listProfileInfo PSMO without a tag list: the SGP.32 default includes them */
    uint8_t items[64];
    struct tlv_writer w;
    struct eimt_result r;
    const uint8_t *v;
    size_t vl;
    uint32_t tag;
    tlv_writer_init(&w, items, sizeof items);
    tlv_open(&w, 0xBF2D);
    tlv_close(&w);
    send_psmos(f, items, w.len, &r);
    assert_true(eimt_result_item(&r, 0, &tag, &v, &vl));
    assert_int_equal(tag, 0xBF2D);
    struct tlv a0, t;
    assert_true(tlv_parse(v, vl, &a0) && a0.tag == 0xA0);
    size_t found = 0;
    struct tlv_cursor c;
    assert_true(tlv_enter(&a0, &c));
    while (tlv_next(&c, &e3)) {
        found += tlv_find(e3.value, e3.len, 0x9F7B, &t);
        found += tlv_find(e3.value, e3.len, 0x9F26, &t);
        found += tlv_find(e3.value, e3.len, 0x9F67, &t);
    }
    assert_int_equal(found, 4);      /* B: 9F26 9F67; C: 9F7B 9F67 */
    iot_card_drain(&f->d, f->e.token);
}

static void test_metadata_second_emergency_refused(void **state)
{
    FX(state);
    const struct smdp_iot_metadata m = { .has_ecall_indication = true,
                                         .ecall_indication = true };
    uint8_t iccid[10];
    struct dl_result r;
    int rc = download(f, "TS48V2-SAIP2-3-BERTLV-UNIQUE.der", &m, iccid, &r);
    if (rc == -2) {
        skip();
        return;
    }
    assert_int_equal(rc, -1);
    assert_true(r.has_pir);
    assert_false(r.pir.success);
    assert_int_equal(r.pir.cmd, 2);             /* storeMetadata */
    assert_int_equal(r.pir.reason, 1);          /* incorrectInputValues */
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    assert_int_equal(profile_find_iccid(f->d.store, iccid, p), STORE_ENOTFOUND);
    /* ecallIndication FALSE is no second Emergency Profile */
    const struct smdp_iot_metadata m2 = { .has_ecall_indication = true };
    assert_int_equal(download(f, "TS48V2-SAIP2-3-BERTLV-UNIQUE.der", &m2, iccid, &r), 0);
    assert_int_equal(profile_find_iccid(f->d.store, iccid, p), STORE_OK);
    assert_true((p->present & PROFILE_HAS_ECALL) && !p->ecall_indication);
    free(p);
}

/* Records written before the SGP.32 fields existed decode with them absent; the
 * private field round-trips through profile_save only. */
static void test_record_compatibility(void **state)
{
    (void)state;
    static const uint8_t old[] = { 0xE3, 0x13, 0x5A, 0x0A, 0x98, 0x10, 0x32, 0x54, 0x76,
                                   0x98, 0x10, 0x32, 0x54, 0xF6, 0x9F, 0x70, 0x01, 0x01,
                                   0x95, 0x01, 0x02 };
    struct profile_record *p = calloc(2, sizeof *p);
    assert_non_null(p);
    assert_int_equal(profile_decode(old, sizeof old, p), 0);
    assert_int_equal(p->state, PROFILE_ENABLED);
    assert_false(p->present & (PROFILE_HAS_ECALL | PROFILE_HAS_FB_ALLOWED));
    assert_false(p->fallback_attribute);
    assert_int_equal(p->iot, 0);

    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    p->slot = 3;
    profile_isdp_aid(3, p->aid);
    p->aid_len = 16;
    p->fallback_attribute = true;
    p->present |= PROFILE_HAS_ECALL;
    p->ecall_indication = true;
    p->iot = PROFILE_IOT_RETURN_ECALL;
    assert_int_equal(profile_save(s, p), STORE_OK);
    assert_int_equal(profile_load(s, 3, p + 1), STORE_OK);
    assert_true(p[1].fallback_attribute && p[1].ecall_indication);
    assert_int_equal(p[1].iot, PROFILE_IOT_RETURN_ECALL);
    uint8_t out[512];
    struct tlv_writer w;
    struct tlv e3, t;
    tlv_writer_init(&w, out, sizeof out);
    profile_write_info(p + 1, NULL, 0, &w);
    assert_true(tlv_writer_ok(&w) && tlv_parse(out, w.len, &e3));
    assert_false(tlv_find(e3.value, e3.len, 0xDF40, &t));
    assert_true(tlv_find(e3.value, e3.len, 0x9F26, &t));
    assert_int_equal(profile_find_iot(s, PROFILE_ROLE_RETURN_ECALL, p), STORE_OK);
    assert_int_equal(profile_clear_iot(s, PROFILE_IOT_EPISODE), STORE_OK);
    assert_int_equal(profile_find_iot(s, PROFILE_ROLE_RETURN_ECALL, p), STORE_ENOTFOUND);
    /* a wrong BOOLEAN or private octet is a corrupt record */
    static const uint8_t bad_bool[] = { 0xE3, 0x04, 0x9F, 0x26, 0x01, 0x01 };
    static const uint8_t bad_iot[] = { 0xE3, 0x04, 0xDF, 0x40, 0x01, 0x80 };
    assert_int_equal(profile_decode(bad_bool, sizeof bad_bool, p), -1);
    assert_int_equal(profile_decode(bad_iot, sizeof bad_iot, p), -1);
    store_close(s);
    free(p);
}

/* ---------------------------------------------------------------- PSMOs */

static void test_set_unset_fallback_attribute(void **state)
{
    FX(state);
    associate(f);
    uint8_t unknown[10];
    memcpy(unknown, f->iccid[A], 10);
    unknown[9] ^= 0x10;
    assert_int_equal(psmo(f, P_SET_FB, unknown), 1);          /* iccidOrAidNotFound */
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[C]), 2);      /* fallbackNotAllowed */
    assert_int_equal(psmo(f, P_UNSET_FB, NULL), 2);           /* noFallbackAttribute */
    assert_int_equal(psmo(f, P_UNSET_FB_BAD, NULL), 7);       /* commandError */
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);
    assert_true(record(f, B)->fallback_attribute);
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);      /* again: still ok */
    /* absent fallbackAllowed allows; the attribute moves (at most one profile) */
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[A]), 0);
    assert_true(record(f, A)->fallback_attribute);
    assert_false(record(f, B)->fallback_attribute);
    /* the Fallback Profile enabled: the attribute stays where it is */
    assert_int_equal(psmo(f, P_ENABLE, f->iccid[A]), 0);
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 3);      /* fallbackProfileEnabled */
    assert_int_equal(psmo(f, P_UNSET_FB, NULL), 3);
    assert_true(record(f, A)->fallback_attribute);
    assert_int_equal(psmo(f, P_DISABLE, f->iccid[A]), 0);
    /* delete: the Fallback Profile is not deleted */
    assert_int_equal(psmo(f, P_DELETE, f->iccid[A]), 21);     /* returnFallbackProfile */
    assert_int_equal(state_of(f, A), PROFILE_DISABLED);
    assert_int_equal(psmo(f, P_UNSET_FB, NULL), 0);
    assert_false(record(f, A)->fallback_attribute);
    assert_int_equal(psmo(f, P_DELETE, f->iccid[A]), 0);
}

/* ---------------------------------------------------------------- fallback */

static size_t count_events(struct fx *f, int event)
{
    struct lpa_notification n[DL_LIST_MAX];
    size_t k = 0;
    assert_int_equal(dl_list_notifications(&f->d, event, n, DL_LIST_MAX, &k), 0);
    return k;
}

static void test_fallback_mechanism(void **state)
{
    FX(state);
    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 6);          /* fallbackNotAvailable */
    assert_int_equal(es10b(f, RETURN_FALLBACK), 6);
    associate(f);
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);
    assert_int_equal(es10b(f, RETURN_FALLBACK), 6);           /* none running */
    assert_int_equal(psmo(f, P_ENABLE, f->iccid[A]), 0);
    size_t en = count_events(f, 1), dis = count_events(f, 2);

    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 0);
    expect_states(f, "aBc");
    assert_int_equal(count_events(f, 1), en + 1);             /* B's enable */
    assert_int_equal(count_events(f, 2), dis + 1);            /* A's disable */
    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 2);          /* profileNotInDisabledState */
    /* the profile to return to is not deleted while the fallback runs */
    assert_int_equal(psmo(f, P_DELETE, f->iccid[A]), 21);

    /* the fallback and its way back survive a restart */
    assert_int_equal(dl_restart(&f->d), 0);
    expect_states(f, "aBc");
    assert_int_equal(es10b(f, RETURN_FALLBACK), 0);
    expect_states(f, "Abc");
    assert_int_equal(es10b(f, RETURN_FALLBACK), 6);
    assert_int_equal(record(f, A)->iot, 0);
    assert_int_equal(record(f, B)->iot, 0);

    back_to_none(f, EXECUTE_FALLBACK, RETURN_FALLBACK, "aBc");

    /* an eIM enable during a fallback ends it */
    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 0);
    assert_int_equal(psmo(f, P_ENABLE, f->iccid[A]), 0);
    expect_states(f, "Abc");
    assert_int_equal(psmo(f, P_ENABLE, f->iccid[B]), 0);
    assert_int_equal(es10b(f, RETURN_FALLBACK), 6);           /* not by the mechanism */
    expect_states(f, "aBc");

    /* malformed requests */
    static const uint8_t bad[] = { 0xBF, 0x5D, 0x00 };
    assert_int_equal(dl_es10(&f->d, bad, sizeof bad), 0x6A80);
}

/* Power loss at every write of ExecuteFallbackMechanism: afterwards all of it or none. */
static void test_fallback_power_loss(void **state)
{
    FX(state);
    associate(f);
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);
    assert_int_equal(psmo(f, P_ENABLE, f->iccid[A]), 0);
    static const uint8_t req[] = { 0xBF, 0x5D, 0x03, 0x80, 0x01, 0x00 };
    bool done = false;
    unsigned n;
    for (n = 0; n < 64 && !done; n++) {
        store_fail_after(f->d.store, n);
        uint16_t sw = dl_es10(&f->d, req, sizeof req);
        assert_int_equal(dl_restart(&f->d), 0);
        bool after = state_of(f, B) == PROFILE_ENABLED;
        if (after) {
            expect_states(f, "aBc");
            assert_int_equal(record(f, A)->iot, PROFILE_IOT_RETURN_FALLBACK);
            assert_int_equal(record(f, B)->iot, PROFILE_IOT_FALLBACK_ACTIVE);
            done = sw == 0x9000 && f->d.resp_len == 6 && f->d.resp[5] == 0;
            if (!done) {                   /* committed, the answer was lost */
                assert_int_equal(es10b(f, RETURN_FALLBACK), 0);
                expect_states(f, "Abc");
            }
        } else {
            expect_states(f, "Abc");
            assert_int_equal(record(f, A)->iot, 0);
            assert_int_equal(record(f, B)->iot, 0);
        }
    }
    assert_true(done);
    assert_true(n > 2);                     /* the faults did hit its writes */
}

/* ---------------------------------------------------------------- emergency */

static void test_emergency_profile(void **state)
{
    FX(state);
    /* before an eIM: local ES10c enable works, then is blocked while eCall runs */
    assert_int_equal(dl_enable(&f->d, f->iccid[A]), 0);
    assert_int_equal(es10b(f, DISABLE_ECALL), 2);             /* profileNotInEnabledState */
    assert_int_equal(es10b(f, ENABLE_ECALL), 0);
    expect_states(f, "abC");
    assert_int_equal(es10b(f, ENABLE_ECALL), 2);              /* profileNotInDisabledState */
    assert_int_equal(dl_enable(&f->d, f->iccid[B]), 3);       /* disallowedByPolicy */
    assert_int_equal(dl_disable(&f->d, f->iccid[C]), 3);
    assert_int_equal(dl_delete(&f->d, f->iccid[B]), 3);
    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 104);        /* ecallActive */
    static const uint8_t reset[] = { 0xBF, 0x64, 0x04, 0x82, 0x02, 0x02, 0x04 };
    static const uint8_t reset_refused[] = { 0xBF, 0x64, 0x06, 0x80, 0x01, 0x68, 0x81,
                                             0x01, 0x7F };
    assert_int_equal(dl_es10(&f->d, reset, sizeof reset), 0x9000);
    assert_int_equal(f->d.resp_len, sizeof reset_refused);
    assert_memory_equal(f->d.resp, reset_refused, sizeof reset_refused);
    expect_states(f, "abC");

    /* PSMO packages are refused (signed ecallActive), eCO packages still run */
    associate(f);
    uint8_t items[64];
    struct tlv_writer w;
    struct eimt_result r;
    tlv_writer_init(&w, items, sizeof items);
    eimt_psmo_disable(&w, f->iccid[C]);
    send_psmos(f, items, w.len, &r);
    assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
    assert_int_equal(r.code, 104);
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_list_eim(&w);
    size_t len = eimt_package(&f->e, true, items, w.len, NULL, 0, EIMT_FAULT_NONE, f->pkg,
                              sizeof f->pkg);
    assert_int_equal(dl_es10(&f->d, f->pkg, len), 0x9000);
    assert_int_equal(eimt_parse_result(f->d.resp, f->d.resp_len, f->d.euicc_pk, f->e.token,
                                       &r), 0);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    iot_card_drain(&f->d, f->e.token);

    /* the way back survives a restart */
    assert_int_equal(dl_restart(&f->d), 0);
    assert_int_equal(es10b(f, DISABLE_ECALL), 0);
    expect_states(f, "Abc");
    assert_int_equal(es10b(f, DISABLE_ECALL), 2);
    assert_int_equal(record(f, A)->iot, 0);

    /* an emergency during a fallback returns to the fallback, which keeps running */
    assert_int_equal(psmo(f, P_SET_FB, f->iccid[B]), 0);
    assert_int_equal(es10b(f, EXECUTE_FALLBACK), 0);
    expect_states(f, "aBc");
    assert_int_equal(es10b(f, ENABLE_ECALL), 0);
    expect_states(f, "abC");
    assert_int_equal(es10b(f, RETURN_FALLBACK), 6);
    assert_int_equal(es10b(f, DISABLE_ECALL), 0);
    expect_states(f, "aBc");
    assert_int_equal(es10b(f, RETURN_FALLBACK), 0);
    expect_states(f, "Abc");

    back_to_none(f, ENABLE_ECALL, DISABLE_ECALL, "abC");
}

static void test_emergency_not_available(void **state)
{
    FX(state);
    associate(f);
    assert_int_equal(psmo(f, P_DELETE, f->iccid[C]), 0);
    assert_int_equal(es10b(f, ENABLE_ECALL), 8);              /* ecallNotAvailable */
    assert_int_equal(es10b(f, DISABLE_ECALL), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_compatibility),
        cmocka_unit_test_setup_teardown(test_metadata_kept_and_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_second_emergency_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_unset_fallback_attribute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_mechanism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_power_loss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emergency_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emergency_not_available, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
