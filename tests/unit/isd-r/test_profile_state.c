/* tests/unit/isd-r/test_profile_state.c — ES10c EnableProfile, DisableProfile,
 * DeleteProfile and eUICCMemoryReset against real profile records, through
 * card_transmit() as lpac sends them: every result code, the implicit disable,
 * notifications per notificationConfigurationInfo (signatures verified), PPR1/PPR2,
 * memory reset bits, and atomicity under injected store faults. Expected bytes are
 * written by hand from SGP.22 v2.5's ASN.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/x509.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "ecasd/ecasd.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"
#include "isdr_test_util.h"

#define ICCID_1 "989444999999990930F1"
#define ICCID_2 "981032547698103254F6"
#define ICCID_3 "98777777777777777777"
#define ICCID_X "98000000000000000000"
#define AID_1 "A0000005591010FFFFFFFF8900001000"   /* profile_isdp_aid(1) */
#define AID_2 "A0000005591010FFFFFFFF8900001100"

/* notificationConfigurationInfo entries: 30 { 80 event bits, 81 address } */
#define SMDP "736D64702E6578616D706C652E636F6D"    /* smdp.example.com */
#define OTHER "6F746865722E6F7267"                 /* other.org */
#define CFG_ALL_SMDP "3016 80020470 8110" SMDP      /* enable, disable, delete */
#define CFG_ENABLE_OTHER "300F 80020640 8109" OTHER /* enable only */

#define PPR1 0x02
#define PPR2 0x04

static void put_profile(struct fx *f, uint8_t slot, const char *iccid, uint8_t cls,
                        uint8_t state, uint8_t ppr, const char *cfg_hex)
{
    struct profile_record *p = malloc(sizeof *p);
    fx_profile(p, slot, iccid, cls, state);
    if (ppr) {
        p->ppr = ppr;
        p->present |= PROFILE_HAS_PPR;
    }
    if (cfg_hex) {
        p->notif_cfg_len = tu_unhex(cfg_hex, p->notif_cfg, sizeof p->notif_cfg);
        p->present |= PROFILE_HAS_NOTIF_CFG;
    }
    assert_int_equal(profile_save(f->store, p), 0);
    free(p);
}

static int state_of(struct fx *f, uint8_t slot)
{
    struct profile_record *p = malloc(sizeof *p);
    int rc = profile_load(f->store, slot, p);
    int st = rc == 0 ? p->state : -1;       /* -1: no such profile */
    free(p);
    return st;
}

static size_t notif_list(struct fx *f, struct notification_meta *m)
{
    size_t n = 0;
    assert_int_equal(notification_list(f->store, m, NOTIF_MAX, &n), 0);
    return n;
}

/* The pending notification of m is an OtherSignedNotification for this event,
 * address and ICCID whose signature verifies with CERT.EUICC. */
static void expect_notification(struct fx *f, const struct notification_meta *m,
                                enum notification_event ev, const char *addr,
                                const char *iccid_hex)
{
    uint8_t iccid[10], buf[NOTIF_RECORD_MAX];
    size_t len, cert_len;
    struct tlv top, tbs, sig, cert;
    struct tlv_cursor c;

    assert_int_equal(m->event, ev);
    assert_int_equal(m->address_len, strlen(addr));
    assert_memory_equal(m->address, addr, m->address_len);
    assert_true(m->has_iccid);
    tu_unhex(iccid_hex, iccid, 10);
    assert_memory_equal(m->iccid, iccid, 10);

    assert_int_equal(notification_get_pending(f->store, m->seq, buf, sizeof buf, &len), 0);
    assert_true(tlv_parse(buf, len, &top));
    assert_int_equal(top.tag, 0x30);
    assert_true(tlv_enter(&top, &c));
    assert_true(tlv_next(&c, &tbs));
    assert_int_equal(tbs.tag, 0xBF2F);
    assert_true(tlv_next(&c, &sig));
    assert_int_equal(sig.tag, 0x5F37);
    assert_int_equal(sig.len, 64);
    assert_true(tlv_next(&c, &cert));
    const uint8_t *der = ecasd_cert_euicc(f->ecasd, 0, &cert_len);
    expect_bytes(cert.raw, cert.raw_len, der, cert_len);
    X509 *x = d2i_X509(NULL, &der, (long)cert_len);
    assert_non_null(x);
    assert_true(ecdsa_verify_raw(X509_get0_pubkey(x), tbs.raw, tbs.raw_len, sig.value, 64));
    X509_free(x);
}

/* ---------------------------------------------------------------- EnableProfile */

static void test_enable_by_iccid(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP CFG_ENABLE_OTHER);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_1 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800100");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    /* one per configured address that asks for enable */
    assert_int_equal(notif_list(f, m), 2);
    expect_notification(f, &m[0], NOTIF_EVENT_ENABLE, "smdp.example.com", ICCID_1);
    expect_notification(f, &m[1], NOTIF_EVENT_ENABLE, "other.org", ICCID_1);
    /* enabling it again: profileNotInDisabledState, nothing added */
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_1 " 810100"), 0x9000);
    fx_expect(f, "BF3103 800102");
    assert_int_equal(notif_list(f, m), 2);
}

static void test_enable_by_aid_no_config(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, NULL);
    assert_int_equal(fx_run(f, "BF3117 A012 4F10" AID_1 " 810100"), 0x9000);
    fx_expect(f, "BF3103 800100");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(notif_list(f, m), 0);
    /* refreshFlag may be absent */
    assert_int_equal(fx_run(f, "BF3214 A012 4F10" AID_1), 0x9000);
    fx_expect(f, "BF3203 800100");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
}

static void test_enable_not_found(void **state)
{
    struct fx *f = *state;
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, NULL);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_X " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800101");
    assert_int_equal(fx_run(f, "BF3117 A012 4F10" AID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800101");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
}

static void test_enable_implicit_disable(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800100");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
    assert_int_equal(state_of(f, 2), PROFILE_ENABLED);
    assert_int_equal(notif_list(f, m), 2);
    expect_notification(f, &m[0], NOTIF_EVENT_DISABLE, "smdp.example.com", ICCID_1);
    expect_notification(f, &m[1], NOTIF_EVENT_ENABLE, "smdp.example.com", ICCID_2);
    assert_true(m[0].seq < m[1].seq);
}

static void test_enable_blocked_by_ppr1(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, PPR1,
                CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800103");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(state_of(f, 2), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), 0);
    /* PPR2 alone does not prevent disabling */
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, PPR2, NULL);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800100");
}

static void fill_notifications(struct fx *f, size_t count)
{
    for (size_t i = 0; i < count; i++)
        assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0,
                                                       NOTIF_EVENT_INSTALL,
                                                       (const uint8_t *)"x.example", 9,
                                                       NULL, NULL), 0);
}

static void test_enable_notification_list_full(void **state)
{
    struct fx *f = *state;
    struct notification_meta *m = calloc(NOTIF_MAX, sizeof *m);
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    fill_notifications(f, NOTIF_MAX - 1);       /* room for the disable, not the enable */
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 80017F");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(state_of(f, 2), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), NOTIF_MAX - 1);
    /* after one is sent, there is room for both */
    assert_int_equal(notification_remove(f->store, m[0].seq), 0);
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800100");
    assert_int_equal(notif_list(f, m), NOTIF_MAX);
    free(m);
}

/* Every fault point of an enable with implicit disable: after a reload the card is
 * either exactly as before or exactly as after. */
static void test_enable_atomic(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    for (long n = 0;; n++) {
        assert_true(n < 50);
        store_fail_after(f->store, n);
        assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
        bool ok = f->out_len == 6 && f->out[5] == 0;
        store_fail_after(f->store, -1);
        assert_int_equal(store_reload(f->store), 0);
        size_t k = notif_list(f, m);
        if (state_of(f, 2) == PROFILE_ENABLED) {
            assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
            assert_int_equal(k, 2);
            if (ok)
                break;
            fail_msg("fault %ld: the change landed but the answer was an error", n);
        }
        assert_false(ok);
        fx_expect(f, "BF3103 80017F");
        assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
        assert_int_equal(k, 0);
    }
}

/* ---------------------------------------------------------------- DisableProfile */

static void test_disable(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0,
                CFG_ALL_SMDP CFG_ENABLE_OTHER);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, NULL);
    assert_int_equal(fx_run(f, "BF3211 A00C 5A0A" ICCID_2 " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 800102");                     /* profileNotInEnabledState */
    assert_int_equal(fx_run(f, "BF3211 A00C 5A0A" ICCID_X " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 800101");
    assert_int_equal(fx_run(f, "BF3211 A00C 5A0A" ICCID_1 " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 800100");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), 1);             /* other.org wants enable only */
    expect_notification(f, &m[0], NOTIF_EVENT_DISABLE, "smdp.example.com", ICCID_1);
    assert_int_equal(fx_run(f, "BF3211 A00C 5A0A" ICCID_1 " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 800102");
}

static void test_disable_ppr1(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, PPR1 | PPR2,
                CFG_ALL_SMDP);
    assert_int_equal(fx_run(f, "BF3217 A012 4F10" AID_1 " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 800103");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(notif_list(f, m), 0);
}

static void test_disable_power_loss(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    store_fail_after(f->store, 0);
    assert_int_equal(fx_run(f, "BF3211 A00C 5A0A" ICCID_1 " 8101FF"), 0x9000);
    fx_expect(f, "BF3203 80017F");
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(notif_list(f, m), 0);
}

/* ---------------------------------------------------------------- DeleteProfile */

static void test_delete(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    size_t len;
    uint8_t blob[4] = {1, 2, 3, 4};
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP CFG_ENABLE_OTHER);
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(2) + 1, blob, 4), 0);
    /* the enabled one cannot be deleted */
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_1), 0x9000);
    fx_expect(f, "BF3303 800102");
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_X), 0x9000);
    fx_expect(f, "BF3303 800101");
    assert_int_equal(fx_run(f, "BF3312 4F10" AID_2), 0x9000);
    fx_expect(f, "BF3303 800100");
    assert_int_equal(state_of(f, 2), -1);
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(2) + 1, &len), STORE_ENOTFOUND);
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(notif_list(f, m), 1);
    expect_notification(f, &m[0], NOTIF_EVENT_DELETE, "smdp.example.com", ICCID_2);
    assert_int_equal(fx_run(f, "BF3312 4F10" AID_2), 0x9000);
    fx_expect(f, "BF3303 800101");
}

static void test_delete_ppr2(void **state)
{
    struct fx *f = *state;
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, PPR2, NULL);
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_1), 0x9000);
    fx_expect(f, "BF3303 800103");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
    /* PPR1 alone does not prevent deletion */
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, PPR1, NULL);
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_1), 0x9000);
    fx_expect(f, "BF3303 800100");
}

static void test_delete_list_full_and_power_loss(void **state)
{
    struct fx *f = *state;
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, CFG_ALL_SMDP);
    fill_notifications(f, NOTIF_MAX);
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_1), 0x9000);
    fx_expect(f, "BF3303 80017F");
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
    /* without a notification to make, a store fault still leaves no trace */
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, NULL);
    store_fail_after(f->store, 0);
    assert_int_equal(fx_run(f, "BF330C 5A0A" ICCID_1), 0x9000);
    fx_expect(f, "BF3303 80017F");
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
}

/* ---------------------------------------------------------------- malformed */

static void test_malformed(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "BF3100",                                   /* no identifier */
        "BF3103 8101FF",                            /* refreshFlag only */
        "BF310E 5A0A" ICCID_1 " 8101FF",            /* identifier without A0 */
        "BF3110 A00B 5A09 989444999999990930 8101FF",   /* ICCID of 9 octets */
        "BF311D A018 5A0A" ICCID_1 " 5A0A" ICCID_2 " 8101FF", /* two identifiers */
        "BF3118 A013 4F11 A0000005591010FFFFFFFF890000100000 8101FF", /* AID of 17 */
        "BF3102 A000",                              /* empty choice */
        "BF3111 A00C 5B0A" ICCID_1 " 8101FF",       /* unknown alternative */
        "BF3112 A00C 5A0A" ICCID_1 " 8102FFFF",     /* refreshFlag of 2 octets */
        "BF3211 A00C 5A0B" ICCID_1 " 8101FF",       /* inner length overrun */
        "BF330E A00C 5A0A" ICCID_1,                 /* delete has no A0 wrapper */
        "BF3300",
        "BF3318 5A0A" ICCID_1 " 5A0A" ICCID_2,      /* delete: two identifiers */
        "BF330B 5A09 989444999999990930",           /* delete: short ICCID */
    };
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0, NULL);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint16_t sw = fx_run(f, bad[i]);
        if (sw != 0x6A80)
            fail_msg("case %zu: SW %04X", i, sw);
    }
    assert_int_equal(state_of(f, 1), PROFILE_DISABLED);
}

/* ---------------------------------------------------------------- eUICCMemoryReset */

static void test_memory_reset_real_profiles(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    /* enabled operational with PPR1|PPR2, a disabled test profile, a provisioning one */
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, PPR1 | PPR2,
                CFG_ALL_SMDP CFG_ENABLE_OTHER);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_TEST, PROFILE_DISABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 3, ICCID_3, PROFILE_CLASS_PROVISIONING, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    fill_notifications(f, 1);                       /* a pending one survives */
    /* deleteOperationalProfiles only: the enabled one goes despite its PPRs, with the
     * delete notification its configuration asks for */
    assert_int_equal(fx_run(f, "BF3404 82020780"), 0x9000);
    fx_expect(f, "BF3403 800100");
    assert_int_equal(state_of(f, 1), -1);
    assert_int_equal(state_of(f, 2), PROFILE_DISABLED);
    assert_int_equal(state_of(f, 3), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), 2);
    expect_notification(f, &m[1], NOTIF_EVENT_DELETE, "smdp.example.com", ICCID_1);
    /* deleteFieldLoadedTestProfiles */
    assert_int_equal(fx_run(f, "BF3404 82020640"), 0x9000);
    fx_expect(f, "BF3403 800100");
    assert_int_equal(state_of(f, 2), -1);
    assert_int_equal(state_of(f, 3), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), 3);
    expect_notification(f, &m[2], NOTIF_EVENT_DELETE, "smdp.example.com", ICCID_2);
    /* nothing of those classes left */
    assert_int_equal(fx_run(f, "BF3404 820206C0"), 0x9000);
    fx_expect(f, "BF3403 800101");
    assert_int_equal(notif_list(f, m), 3);
    /* the provisioning profile can still be enabled afterwards */
    assert_int_equal(fx_run(f, "BF3111 A00C 5A0A" ICCID_3 " 8101FF"), 0x9000);
    fx_expect(f, "BF3103 800100");
}

static void test_memory_reset_list_full(void **state)
{
    struct fx *f = *state;
    struct notification_meta m[NOTIF_MAX];
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, CFG_ALL_SMDP);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED, 0,
                CFG_ALL_SMDP);
    fill_notifications(f, NOTIF_MAX - 1);          /* room for one of the two */
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 80017F");
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(state_of(f, 2), PROFILE_DISABLED);
    assert_int_equal(notif_list(f, m), NOTIF_MAX - 1);
}

static void test_memory_reset_atomic(void **state)
{
    struct fx *f = *state;
    put_profile(f, 1, ICCID_1, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED, 0, NULL);
    put_profile(f, 2, ICCID_2, PROFILE_CLASS_TEST, PROFILE_DISABLED, 0, NULL);
    store_fail_after(f->store, 0);
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 80017F");
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(state_of(f, 1), PROFILE_ENABLED);
    assert_int_equal(state_of(f, 2), PROFILE_DISABLED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enable_by_iccid, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_by_aid_no_config, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_not_found, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_implicit_disable, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_blocked_by_ppr1, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_notification_list_full, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_atomic, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable_ppr1, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable_power_loss, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_delete, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_delete_ppr2, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_delete_list_full_and_power_loss, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_malformed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_memory_reset_real_profiles, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_memory_reset_list_full, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_memory_reset_atomic, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
