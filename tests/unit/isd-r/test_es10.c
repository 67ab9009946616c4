/* tests/unit/isd-r/test_es10.c — ES10a/b/c functions through card_transmit() on an
 * in-memory card, sent as lpac sends them (120-byte STORE DATA blocks, GET RESPONSE):
 * exact response bytes, every result code, malformed input. Expected bytes are
 * written out by hand from SGP.22 v2.5's ASN.1, not produced by the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "crypto/ec.h"
#include "ecasd/ecasd.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"
#include "isd-r/rsp_session.h"
#include "isdr_test_util.h"

#define ICCID_A "989444999999990930F1"
#define ICCID_B "981032547698103254F6"
#define AID_A "A0000005591010FFFFFFFF8900001000"
#define AID_B "A0000005591010FFFFFFFF8900001100"

static char expbuf[4 * FX_OUT_MAX];

/* Concatenate hex fragments into expbuf. */
static const char *cat(const char *first, ...)
{
    va_list ap;
    expbuf[0] = 0;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        strncat(expbuf, s, sizeof expbuf - strlen(expbuf) - 1);
    va_end(ap);
    return expbuf;
}

static char *dup_hex(const uint8_t *p, size_t n)
{
    return strdup(tohex(p, n));
}

/* ---------------------------------------------------------------- dispatch */

static void test_dispatch_malformed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run_bin(f, NULL, 0), 0x6700);         /* STORE DATA without data */
    assert_int_equal(fx_run(f, "BF3E045C015A"), 0x6A80);      /* outer length too long */
    assert_int_equal(fx_run(f, "BF3E025C015A"), 0x6A80);      /* outer length too short */
    assert_int_equal(fx_run(f, "BF3E035C015A00"), 0x6A80);    /* trailing byte */
    assert_int_equal(fx_run(f, "BF3E035C055A"), 0x6A80);      /* inner length overrun */
    assert_int_equal(fx_run(f, "BF"), 0x6A80);                /* truncated tag */
    assert_int_equal(f->out_len, 0);
}

static void test_dispatch_unknown_function(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF5600"), 0x6A88);            /* SGP.32 GetCerts */
    assert_int_equal(fx_run(f, "BF5500"), 0x6A88);
    assert_int_equal(fx_run(f, "BF4500"), 0x6A88);            /* v3 VerifySmdsResponse */
    assert_int_equal(fx_run(f, "E300"), 0x6A88);
    assert_int_equal(fx_run(f, "5A00"), 0x6A88);
    assert_int_equal(f->out_len, 0);
}

/* ---------------------------------------------------------------- GetEID */

static void test_get_eid(void **state)
{
    struct fx *f = *state;
    uint8_t eid[16];
    ecasd_eid(f->ecasd, eid);
    assert_int_equal(fx_run(f, "BF3E035C015A"), 0x9000);
    char *e = dup_hex(eid, 16);
    fx_expect(f, cat("BF3E12 5A10", e, NULL));
    free(e);
}

static void test_get_eid_errors(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF3E00"), 0x6A80);            /* no tagList */
    assert_int_equal(fx_run(f, "BF3E035C014F"), 0x6A80);      /* 5A not requested */
    assert_int_equal(fx_run(f, "BF3E03 7C0100"), 0x6A80);     /* constructed tag 7C */
    assert_int_equal(fx_run(f, "BF3E04 5C029F5A"), 0x6A80);   /* 9F5A is not 5A */
    assert_int_equal(fx_run(f, "BF3E04 5C02 4F5A"), 0x9000);  /* 5A among others */
}

/* ---------------------------------------------------------------- ES10a */

#define ROOT_DS_HEX "6C70612E64732E67736D612E636F6D"      /* lpa.ds.gsma.com */
#define SMDP_HEX "736D64702E6578616D706C652E636F6D"       /* smdp.example.com */

static void test_configured_addresses(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    fx_expect(f, "BF3C11 810F" ROOT_DS_HEX);

    assert_int_equal(fx_run(f, "BF3F12 8010" SMDP_HEX), 0x9000);
    fx_expect(f, "BF3F03 800100");
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    fx_expect(f, "BF3C23 8010" SMDP_HEX "810F" ROOT_DS_HEX);

    /* an empty address clears the default */
    assert_int_equal(fx_run(f, "BF3F02 8000"), 0x9000);
    fx_expect(f, "BF3F03 800100");
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    fx_expect(f, "BF3C11 810F" ROOT_DS_HEX);

    /* the stored root SM-DS address replaces the default one */
    assert_int_equal(store_put(f->store, SID_ISDR_ROOT_DS, (const uint8_t *)"ds.test", 7), 0);
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    fx_expect(f, "BF3C09 8107 64732E74657374");
}

static void test_set_default_dp_address_limits(void **state)
{
    struct fx *f = *state;
    uint8_t req[300];
    /* 255 octets: stored */
    memcpy(req, "\xBF\x3F\x82\x01\x02\x80\x81\xFF", 8);
    memset(req + 8, 'a', 255);
    assert_int_equal(fx_run_bin(f, req, 8 + 255), 0x9000);
    fx_expect(f, "BF3F03 800100");
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    assert_int_equal(f->out_len, 5 + 3 + 255 + 17);
    /* 256 octets: more than the card keeps -> undefinedError, nothing changed */
    memcpy(req, "\xBF\x3F\x82\x01\x04\x80\x82\x01\x00", 9);
    memset(req + 9, 'b', 256);
    assert_int_equal(fx_run_bin(f, req, 9 + 256), 0x9000);
    fx_expect(f, "BF3F03 80017F");
    assert_int_equal(fx_run(f, "BF3C00"), 0x9000);
    assert_int_equal(f->out[8], 'a');
}

static void test_set_default_dp_address_malformed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF3F00"), 0x6A80);             /* no address */
    assert_int_equal(fx_run(f, "BF3F03 8001FF"), 0x6A80);      /* not UTF-8 */
    assert_int_equal(fx_run(f, "BF3F04 8002C0AF"), 0x6A80);    /* overlong UTF-8 */
    assert_int_equal(fx_run(f, "BF3F03 A00100"), 0x6A80);      /* wrong tag */
}

/* ---------------------------------------------------------------- EUICCInfo */

static const char *pkid_hex(struct fx *f)
{
    static char h[41];
    assert_int_equal(ecasd_ci_count(f->ecasd), 1);
    assert_true(ecasd_ci_can_sign(f->ecasd, 0));
    snprintf(h, sizeof h, "%s", tohex(ecasd_ci_pkid(f->ecasd, 0), 20));
    return h;
}

static void test_euicc_info1(void **state)
{
    struct fx *f = *state;
    const char *pk = pkid_hex(f);
    assert_int_equal(fx_run(f, "BF2000"), 0x9000);
    fx_expect(f, cat("BF2035 8203020500 A916 0414", pk, "AA16 0414", pk, NULL));
}

static const char *fw_hex(void)
{
    static char h[7];
    unsigned a = 0, b = 0, c = 0;
    sscanf(EUICC_EMU_VERSION, "%u.%u.%u", &a, &b, &c);
    snprintf(h, sizeof h, "%02X%02X%02X", a, b, c);
    return h;
}

static const char *info2(struct fx *f, unsigned apps, uint32_t free_nvm, const char *rspcap)
{
    static char out[1024];
    char pk[41], mid[64];
    snprintf(pk, sizeof pk, "%s", pkid_hex(f));
    snprintf(mid, sizeof mid, "840F 8101%02X 8204%08X 830400018000", apps, free_nvm);
    snprintf(out, sizeof out,
             "BF22%02X 8103030301 8203020500 8303%s %s 8504036B8018 %s A916 0414%s AA16 0414%s "
             "8B0100 0403000000 0C0E4555494343 2D454D552D54455354",
             (unsigned)(strlen(rspcap) == 6 ? 0x71 : 0x72),
             fw_hex(), mid, rspcap, pk, pk);
    return out;
}

static void test_euicc_info2_empty(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF2200"), 0x9000);
    fx_expect(f, info2(f, 0, FX_CAPACITY, "88020780"));
}

static void test_euicc_info2_with_profile(void **state)
{
    struct fx *f = *state;
    struct profile_record p;
    size_t rec, data;
    fx_profile(&p, 1, ICCID_A, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED);
    assert_int_equal(profile_save(f->store, &p), 0);
    uint8_t blob[1000] = {0};
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(1) + 7, blob, sizeof blob), 0);
    assert_int_equal(store_size(f->store, SID_PROFILE_FIRST + 1, &rec), 0);
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(1) + 7, &data), 0);
    assert_int_equal(fx_run(f, "BF2200"), 0x9000);
    fx_expect(f, info2(f, 1, (uint32_t)(FX_CAPACITY - rec - data), "88020780"));

    /* no memory left: additionalProfile is not claimed, free memory is 0 */
    f->r->capacity = 10;
    assert_int_equal(fx_run(f, "BF2200"), 0x9000);
    fx_expect(f, info2(f, 1, 0, "880100"));
}

static void test_euicc_info2_table_full(void **state)
{
    struct fx *f = *state;
    struct profile_record p;
    for (unsigned i = 1; i <= PROFILE_SLOTS; i++) {
        char iccid[21];
        snprintf(iccid, sizeof iccid, "98000000000000000%03u", i);
        fx_profile(&p, (uint8_t)i, iccid, PROFILE_CLASS_TEST, PROFILE_DISABLED);
        assert_int_equal(profile_save(f->store, &p), 0);
    }
    assert_int_equal(fx_run(f, "BF2200"), 0x9000);
    assert_int_equal(f->out[3 + 5 + 5 + 5 + 4], PROFILE_SLOTS);  /* installed apps */
    /* rspCapability without additionalProfile */
    const uint8_t *q = f->out + 3 + 5 + 5 + 5 + 17 + 6;          /* after 85 04 .. */
    assert_memory_equal(q, "\x88\x01\x00", 3);
}

/* ---------------------------------------------------------------- Challenge */

static void test_euicc_challenge(void **state)
{
    struct fx *f = *state;
    uint8_t first[16];
    assert_false(f->r->session.has_challenge);
    assert_int_equal(fx_run(f, "BF2E00"), 0x9000);
    assert_int_equal(f->out_len, 3 + 2 + 16);
    assert_memory_equal(f->out, "\xBF\x2E\x12\x80\x10", 5);
    assert_true(f->r->session.has_challenge);
    assert_memory_equal(f->out + 5, f->r->session.euicc_challenge, 16);
    memcpy(first, f->out + 5, 16);
    assert_int_equal(fx_run(f, "BF2E00"), 0x9000);
    assert_memory_not_equal(f->out + 5, first, 16);          /* replaced */
    assert_memory_equal(f->out + 5, f->r->session.euicc_challenge, 16);
    rsp_session_clear(&f->r->session);                        /* what a power reset does */
    assert_false(f->r->session.has_challenge);
    static const uint8_t zero[16];
    assert_memory_equal(f->r->session.euicc_challenge, zero, 16);
}

/* ---------------------------------------------------------------- GetRAT */

static void test_get_rat(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF4300"), 0x9000);
    fx_expect(f, "BF4302 A000");
    uint8_t rule[13];
    size_t n = tu_unhex("300A 80020560 A100 82020780", rule, sizeof rule);
    assert_int_equal(store_put(f->store, SID_ISDR_RAT, rule, n), 0);
    assert_int_equal(fx_run(f, "BF4300"), 0x9000);
    fx_expect(f, "BF430E A00C 300A80020560A10082020780");
}

/* ---------------------------------------------------------------- GetProfilesInfo */

#define E3_A "E331 5A0A" ICCID_A " 4F10" AID_A " 9F700101 9103535031 92055072 6F6631 950102"
#define E3_B "E32B 5A0A" ICCID_B " 4F10" AID_B " 9F700100 90046E69636B 950100"

static void two_profiles(struct fx *f)
{
    struct profile_record p;
    fx_profile(&p, 1, ICCID_A, PROFILE_CLASS_OPERATIONAL, PROFILE_ENABLED);
    p.present = PROFILE_HAS_SPN | PROFILE_HAS_NAME;
    memcpy(p.spn, "SP1", 3);
    p.spn_len = 3;
    memcpy(p.name, "Prof1", 5);
    p.name_len = 5;
    assert_int_equal(profile_save(f->store, &p), 0);
    uint8_t iccid_b[10];
    tu_unhex(ICCID_B, iccid_b, 10);
    fx_profile(&p, 2, ICCID_B, PROFILE_CLASS_TEST, PROFILE_DISABLED);
    p.present = PROFILE_HAS_NICKNAME;
    memcpy(p.nickname, "nick", 4);
    p.nickname_len = 4;
    assert_int_equal(profile_save(f->store, &p), 0);
}

static void test_profiles_info_empty(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF2D00"), 0x9000);
    fx_expect(f, "BF2D02 A000");
}

static void test_profiles_info_all(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    assert_int_equal(fx_run(f, "BF2D00"), 0x9000);
    fx_expect(f, "BF2D62 A060 " E3_A E3_B);
}

static void test_profiles_info_taglist(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    assert_int_equal(fx_run(f, "BF2D06 5C04 959F705A"), 0x9000);   /* ASN.1 order out */
    fx_expect(f, "BF2D2C A02A E313 5A0A" ICCID_A " 9F700101 950102"
                 "E313 5A0A" ICCID_B " 9F700100 950100");
    /* a tag the profile lacks: empty ProfileInfo */
    assert_int_equal(fx_run(f, "BF2D03 5C0190"), 0x9000);
    fx_expect(f, "BF2D0C A00A E300 E306 90046E69636B");
}

static void test_profiles_info_search(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    assert_int_equal(fx_run(f, "BF2D0E A00C 5A0A" ICCID_B), 0x9000);
    fx_expect(f, "BF2D2F A02D " E3_B);
    assert_int_equal(fx_run(f, "BF2D14 A012 4F10" AID_A), 0x9000);
    fx_expect(f, "BF2D35 A033 " E3_A);
    assert_int_equal(fx_run(f, "BF2D05 A003 950100"), 0x9000);
    fx_expect(f, "BF2D2F A02D " E3_B);
    assert_int_equal(fx_run(f, "BF2D11 A00C 5A0A" ICCID_A " 5C015A"), 0x9000);
    fx_expect(f, "BF2D10 A00E E30C 5A0A" ICCID_A);
    assert_int_equal(fx_run(f, "BF2D0E A00C 5A0A 11111111111111111111"), 0x9000);
    fx_expect(f, "BF2D02 A000");
    assert_int_equal(fx_run(f, "BF2D05 A003 950101"), 0x9000);
    fx_expect(f, "BF2D02 A000");
}

static void test_profiles_info_incorrect_input(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    static const char *bad[] = {
        "BF2D05 A003 5A0100",          /* short ICCID */
        "BF2D02 A000",                 /* empty criterion */
        "BF2D05 A003 950103",          /* no such class */
        "BF2D08 A006 950100 950100",   /* two criteria */
        "BF2D04 A002 4F00",            /* empty AID */
        "BF2D05 A003 800100",          /* unknown criterion */
        "BF2D03 5C019F",               /* truncated two-octet tag */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(fx_run(f, bad[i]), 0x9000);
        fx_expect(f, "BF2D03 810101");
    }
}

/* ---------------------------------------------------------------- SetNickname */

static void test_set_nickname(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    assert_int_equal(fx_run(f, "BF2912 5A0A" ICCID_A " 9004776F726B"), 0x9000);
    fx_expect(f, "BF2903 800100");
    assert_int_equal(fx_run(f, "BF2D11 A00C 5A0A" ICCID_A " 5C0190"), 0x9000);
    fx_expect(f, "BF2D0A A008 E306 9004776F726B");
    /* pySim's '8F' form */
    assert_int_equal(fx_run(f, "BF2911 5A0A" ICCID_A " 8F03616263"), 0x9000);
    fx_expect(f, "BF2903 800100");
    assert_int_equal(fx_run(f, "BF2D11 A00C 5A0A" ICCID_A " 5C0190"), 0x9000);
    fx_expect(f, "BF2D09 A007 E305 9003616263");
    /* an empty nickname removes it */
    assert_int_equal(fx_run(f, "BF290E 5A0A" ICCID_A " 9000"), 0x9000);
    fx_expect(f, "BF2903 800100");
    assert_int_equal(fx_run(f, "BF2D11 A00C 5A0A" ICCID_A " 5C0190"), 0x9000);
    fx_expect(f, "BF2D04 A002 E300");
}

static void test_set_nickname_not_found(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF2912 5A0A" ICCID_A " 9004776F726B"), 0x9000);
    fx_expect(f, "BF2903 800101");
}

static void test_set_nickname_malformed(void **state)
{
    struct fx *f = *state;
    two_profiles(f);
    uint8_t req[200];
    assert_int_equal(fx_run(f, "BF290C 5A0A" ICCID_A), 0x6A80);         /* no nickname */
    assert_int_equal(fx_run(f, "BF2906 9004776F726B"), 0x6A80);          /* no ICCID */
    assert_int_equal(fx_run(f, "BF2911 5A09 9894449999999909 30 9004776F726B"), 0x6A80);
    assert_int_equal(fx_run(f, "BF2910 5A0A" ICCID_A " 9002C328"), 0x6A80); /* bad UTF-8 */
    /* 64 characters are fine, 65 are not */
    size_t n = tu_unhex("BF294E 5A0A" ICCID_A " 9040", req, sizeof req);
    memset(req + n, 'x', 64);
    assert_int_equal(fx_run_bin(f, req, n + 64), 0x9000);
    fx_expect(f, "BF2903 800100");
    n = tu_unhex("BF294F 5A0A" ICCID_A " 9041", req, sizeof req);
    memset(req + n, 'x', 65);
    assert_int_equal(fx_run_bin(f, req, n + 65), 0x6A80);
}

/* ---------------------------------------------------------------- eUICCMemoryReset */

static void three_profiles_and_address(struct fx *f)
{
    struct profile_record p;
    two_profiles(f);
    fx_profile(&p, 3, "98777777777777777777", PROFILE_CLASS_PROVISIONING, PROFILE_DISABLED);
    assert_int_equal(profile_save(f->store, &p), 0);
    uint8_t blob[10] = {1};
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(1) + 5, blob, 10), 0);
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(2), blob, 10), 0);
    assert_int_equal(fx_run(f, "BF3F12 8010" SMDP_HEX), 0x9000);
}

static bool has_slot(struct fx *f, uint8_t slot)
{
    struct profile_record p;
    return profile_load(f->store, slot, &p) == 0;
}

static bool has_default_dp(struct fx *f)
{
    size_t len;
    return store_size(f->store, SID_ISDR_DEFAULT_DP, &len) == 0;
}

static void test_memory_reset_pysim(void **state)
{
    struct fx *f = *state;
    size_t len;
    three_profiles_and_address(f);
    assert_int_equal(fx_run(f, "BF3403 820180"), 0x9000);    /* no unused-bits octet */
    fx_expect(f, "BF3403 800100");
    assert_false(has_slot(f, 1));
    assert_true(has_slot(f, 2));
    assert_true(has_slot(f, 3));
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(1) + 5, &len), STORE_ENOTFOUND);
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(2), &len), 0);
    assert_true(has_default_dp(f));
}

static void test_memory_reset_lpac(void **state)
{
    struct fx *f = *state;
    size_t len;
    three_profiles_and_address(f);
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 800100");
    assert_false(has_slot(f, 1));
    assert_false(has_slot(f, 2));
    assert_true(has_slot(f, 3));                              /* provisioning stays */
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(2), &len), STORE_ENOTFOUND);
    assert_false(has_default_dp(f));
    /* again: nothing left to delete */
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 800101");
}

static void test_memory_reset_address_only(void **state)
{
    struct fx *f = *state;
    three_profiles_and_address(f);
    assert_int_equal(fx_run(f, "BF3404 82020520"), 0x9000);
    fx_expect(f, "BF3403 800100");
    assert_false(has_default_dp(f));
    assert_true(has_slot(f, 1) && has_slot(f, 2));
}

static void test_memory_reset_nothing(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 800101");
    assert_int_equal(fx_run(f, "BF3403 820100"), 0x9000);     /* no option at all */
    fx_expect(f, "BF3403 800101");
}

static void test_memory_reset_malformed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF3400"), 0x6A80);
    assert_int_equal(fx_run(f, "BF3402 8200"), 0x6A80);        /* empty BIT STRING */
    assert_int_equal(fx_run(f, "BF3403 820101"), 0x6A80);      /* unused bits, no data */
}

static void test_memory_reset_power_loss(void **state)
{
    struct fx *f = *state;
    three_profiles_and_address(f);
    store_fail_after(f->store, 0);
    assert_int_equal(fx_run(f, "BF3404 820205E0"), 0x9000);
    fx_expect(f, "BF3403 80017F");
    assert_int_equal(store_reload(f->store), 0);
    assert_true(has_slot(f, 1) && has_slot(f, 2) && has_slot(f, 3));
    assert_true(has_default_dp(f));
}

/* ---------------------------------------------------------------- notifications */

#define D_EXAMPLE_HEX "642E6578616D706C65"               /* d.example */
#define META_1 "BF2F25 800101 81020780 0C10" SMDP_HEX " 5A0A" ICCID_A
#define META_2 "BF2F12 800102 81020410 0C09" D_EXAMPLE_HEX

static void add_two_notifications(struct fx *f)
{
    uint8_t iccid[10];
    uint32_t seq = 0;
    tu_unhex(ICCID_A, iccid, 10);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_INSTALL,
                                                   (const uint8_t *)"smdp.example.com", 16,
                                                   iccid, &seq), 0);
    assert_int_equal(seq, 1);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_DELETE,
                                                   (const uint8_t *)"d.example", 9, NULL,
                                                   &seq), 0);
    assert_int_equal(seq, 2);
}

static void test_notifications_empty(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF2800"), 0x9000);
    fx_expect(f, "BF2802 A000");
    assert_int_equal(fx_run(f, "BF2B00"), 0x9000);
    fx_expect(f, "BF2B02 A000");
    assert_int_equal(fx_run(f, "BF3003 800101"), 0x9000);
    fx_expect(f, "BF3003 800101");
}

static void test_other_signed_notification_verifies(void **state)
{
    struct fx *f = *state;
    uint8_t buf[NOTIF_RECORD_MAX], meta[64];
    size_t len, euicc_len, eum_len;
    struct tlv top, t;
    struct tlv_cursor c;

    add_two_notifications(f);
    assert_int_equal(notification_get_pending(f->store, 1, buf, sizeof buf, &len), 0);
    assert_true(tlv_parse(buf, len, &top));
    assert_int_equal(top.tag, 0x30);
    assert_int_equal(top.raw_len, len);
    assert_true(tlv_enter(&top, &c));
    assert_true(tlv_next(&c, &t));                       /* tbsOtherNotification */
    size_t mlen = tu_unhex(META_1, meta, sizeof meta);
    expect_bytes(t.raw, t.raw_len, meta, mlen);
    const uint8_t *tbs = t.raw;
    size_t tbs_len = t.raw_len;
    assert_true(tlv_next(&c, &t));
    assert_int_equal(t.tag, 0x5F37);
    assert_int_equal(t.len, 64);
    const uint8_t *sig = t.value;
    const uint8_t *euicc = ecasd_cert_euicc(f->ecasd, 0, &euicc_len);
    const uint8_t *eum = ecasd_cert_eum(f->ecasd, 0, &eum_len);
    assert_true(tlv_next(&c, &t));
    expect_bytes(t.raw, t.raw_len, euicc, euicc_len);
    assert_true(tlv_next(&c, &t));
    expect_bytes(t.raw, t.raw_len, eum, eum_len);
    assert_false(tlv_next(&c, &t));
    assert_false(c.error);

    const uint8_t *pp = euicc;
    X509 *x = d2i_X509(NULL, &pp, (long)euicc_len);
    assert_non_null(x);
    assert_true(ecdsa_verify_raw(X509_get0_pubkey(x), tbs, tbs_len, sig, 64));
    uint8_t bad[64];
    memcpy(bad, tbs, tbs_len < 64 ? tbs_len : 64);
    bad[5] ^= 1;                                          /* altered metadata fails */
    assert_false(ecdsa_verify_raw(X509_get0_pubkey(x), bad, tbs_len, sig, 64));
    X509_free(x);
}

static void test_list_notification(void **state)
{
    struct fx *f = *state;
    add_two_notifications(f);
    assert_int_equal(fx_run(f, "BF2800"), 0x9000);
    fx_expect(f, "BF283F A03D " META_1 META_2);
    assert_int_equal(fx_run(f, "BF2804 81020780"), 0x9000);       /* install only */
    fx_expect(f, "BF282A A028 " META_1);
    assert_int_equal(fx_run(f, "BF2803 810180"), 0x9000);         /* pySim-style bits */
    fx_expect(f, "BF282A A028 " META_1);
    assert_int_equal(fx_run(f, "BF2804 81020520"), 0x9000);       /* disable: none */
    fx_expect(f, "BF2802 A000");
    assert_int_equal(fx_run(f, "BF2804 81020490"), 0x9000);       /* install|delete */
    fx_expect(f, "BF283F A03D " META_1 META_2);
    assert_int_equal(fx_run(f, "BF2802 8100"), 0x6A80);
}

static void test_retrieve_notifications(void **state)
{
    struct fx *f = *state;
    uint8_t p1[NOTIF_RECORD_MAX], p2[NOTIF_RECORD_MAX], exp[2 * NOTIF_RECORD_MAX];
    size_t l1, l2;
    add_two_notifications(f);
    assert_int_equal(notification_get_pending(f->store, 1, p1, sizeof p1, &l1), 0);
    assert_int_equal(notification_get_pending(f->store, 2, p2, sizeof p2, &l2), 0);
    assert_true(l1 > 255 && l2 > 255);

    /* BF2B 82 LLLL A0 82 LLLL p1 p2 */
    size_t inner = l1 + l2, n = 0;
    exp[n++] = 0xBF; exp[n++] = 0x2B; exp[n++] = 0x82;
    exp[n++] = (uint8_t)((inner + 4) >> 8); exp[n++] = (uint8_t)(inner + 4);
    exp[n++] = 0xA0; exp[n++] = 0x82;
    exp[n++] = (uint8_t)(inner >> 8); exp[n++] = (uint8_t)inner;
    memcpy(exp + n, p1, l1); n += l1;
    memcpy(exp + n, p2, l2); n += l2;
    assert_int_equal(fx_run(f, "BF2B00"), 0x9000);
    expect_bytes(f->out, f->out_len, exp, n);

    /* by seqNumber (lpac / IPA form) */
    assert_int_equal(fx_run(f, "BF2B05 A003 800102"), 0x9000);
    n = 0;
    exp[n++] = 0xBF; exp[n++] = 0x2B; exp[n++] = 0x82;
    exp[n++] = (uint8_t)((l2 + 4) >> 8); exp[n++] = (uint8_t)(l2 + 4);
    exp[n++] = 0xA0; exp[n++] = 0x82;
    exp[n++] = (uint8_t)(l2 >> 8); exp[n++] = (uint8_t)l2;
    memcpy(exp + n, p2, l2); n += l2;
    expect_bytes(f->out, f->out_len, exp, n);
    /* by event: delete */
    assert_int_equal(fx_run(f, "BF2B06 A004 81020410"), 0x9000);
    expect_bytes(f->out, f->out_len, exp, n);
    /* unknown seqNumber: empty list */
    assert_int_equal(fx_run(f, "BF2B05 A003 800109"), 0x9000);
    fx_expect(f, "BF2B02 A000");
}

static void test_retrieve_notifications_malformed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(fx_run(f, "BF2B02 A000"), 0x6A80);                 /* empty choice */
    assert_int_equal(fx_run(f, "BF2B08 A006 800101 800102"), 0x6A80);   /* two */
    assert_int_equal(fx_run(f, "BF2B05 A003 820101"), 0x6A80);          /* unknown */
    assert_int_equal(fx_run(f, "BF2B04 A002 8000"), 0x6A80);            /* empty INTEGER */
}

static void test_notification_sent(void **state)
{
    struct fx *f = *state;
    add_two_notifications(f);
    assert_int_equal(fx_run(f, "BF3003 800101"), 0x9000);
    fx_expect(f, "BF3003 800100");
    assert_int_equal(fx_run(f, "BF3003 800101"), 0x9000);
    fx_expect(f, "BF3003 800101");
    assert_int_equal(fx_run(f, "BF2800"), 0x9000);
    fx_expect(f, "BF2817 A015 " META_2);
    assert_int_equal(fx_run(f, "BF3003 8001FF"), 0x9000);   /* -1: nothing to delete */
    fx_expect(f, "BF3003 800101");
    assert_int_equal(fx_run(f, "BF3000"), 0x6A80);
    assert_int_equal(fx_run(f, "BF3002 8000"), 0x6A80);
}

static void test_notification_counter_never_goes_back(void **state)
{
    struct fx *f = *state;
    uint32_t seq;
    add_two_notifications(f);
    assert_int_equal(notification_remove(f->store, 1), 0);
    assert_int_equal(notification_remove(f->store, 2), 0);
    assert_int_equal(notification_remove(f->store, 2), STORE_ENOTFOUND);
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_ENABLE,
                                                   (const uint8_t *)"x", 1, NULL, &seq), 0);
    assert_int_equal(seq, 3);
}

static void test_notification_list_full_refuses(void **state)
{
    struct fx *f = *state;
    struct notification_meta *all = calloc(NOTIF_MAX, sizeof *all);
    size_t n;
    uint32_t seq = 0;
    for (unsigned i = 0; i < NOTIF_MAX; i++)
        assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0,
                                                       NOTIF_EVENT_DISABLE,
                                                       (const uint8_t *)"x", 1, NULL, &seq),
                         0);
    assert_int_equal(seq, NOTIF_MAX);
    /* full: refused, nothing dropped, the counter does not advance */
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_DISABLE,
                                                   (const uint8_t *)"x", 1, NULL, &seq),
                     -1);
    assert_int_equal(notification_list(f->store, all, NOTIF_MAX, &n), 0);
    assert_int_equal(n, NOTIF_MAX);
    assert_int_equal(all[0].seq, 1);
    for (size_t i = 1; i < n; i++)
        assert_true(all[i].seq == all[i - 1].seq + 1);
    /* after one is removed the next gets the next number */
    assert_int_equal(notification_remove(f->store, 1), 0);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_DISABLE,
                                                   (const uint8_t *)"x", 1, NULL, &seq),
                     0);
    assert_int_equal(seq, NOTIF_MAX + 1);
    free(all);
}

static void test_notification_add_atomic(void **state)
{
    struct fx *f = *state;
    struct notification_meta all[4];
    size_t n;
    uint32_t seq = 0;
    store_fail_after(f->store, 0);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_ENABLE,
                                                   (const uint8_t *)"x", 1, NULL, &seq), -1);
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(notification_list(f->store, all, 4, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(notification_add_other_signed(f->store, f->ecasd, 0, NOTIF_EVENT_ENABLE,
                                                   (const uint8_t *)"x", 1, NULL, &seq), 0);
    assert_int_equal(seq, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_dispatch_malformed),
        T(test_dispatch_unknown_function),
        T(test_get_eid),
        T(test_get_eid_errors),
        T(test_configured_addresses),
        T(test_set_default_dp_address_limits),
        T(test_set_default_dp_address_malformed),
        T(test_euicc_info1),
        T(test_euicc_info2_empty),
        T(test_euicc_info2_with_profile),
        T(test_euicc_info2_table_full),
        T(test_euicc_challenge),
        T(test_get_rat),
        T(test_profiles_info_empty),
        T(test_profiles_info_all),
        T(test_profiles_info_taglist),
        T(test_profiles_info_search),
        T(test_profiles_info_incorrect_input),
        T(test_set_nickname),
        T(test_set_nickname_not_found),
        T(test_set_nickname_malformed),
        T(test_memory_reset_pysim),
        T(test_memory_reset_lpac),
        T(test_memory_reset_address_only),
        T(test_memory_reset_nothing),
        T(test_memory_reset_malformed),
        T(test_memory_reset_power_loss),
        T(test_notifications_empty),
        T(test_other_signed_notification_verifies),
        T(test_list_notification),
        T(test_retrieve_notifications),
        T(test_retrieve_notifications_malformed),
        T(test_notification_sent),
        T(test_notification_counter_never_goes_back),
        T(test_notification_list_full_refuses),
        T(test_notification_add_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
