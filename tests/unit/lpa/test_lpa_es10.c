/* tests/unit/lpa/test_lpa_es10.c — tools/lpa ES10b/ES10c builders and decoders: exact
 * request encodings, decoding of well-formed answers, and every malformed-answer path
 * (wrong tag, trailing octets, wrong field sizes, too many entries, error codes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tools/lpa/lpa_es10b.h"
#include "tools/lpa/lpa_es10c.h"
#include "tests/common/test_util.h"

#define BUF(name, hexstr) \
    uint8_t name[2048]; size_t name##_len = tu_unhex(hexstr, name, sizeof name)

static void expect_hex(const uint8_t *p, size_t len, const char *hexstr)
{
    uint8_t want[2048];
    size_t n = tu_unhex(hexstr, want, sizeof want);
    assert_int_equal(len, n);
    assert_memory_equal(p, want, n);
}

/* ICCID 8949449999999990023 in EF.ICCID coding */
#define ICCID_HEX "98 94 44 99 99 99 99 09 20 F3"
static const uint8_t ICCID[10] = { 0x98, 0x94, 0x44, 0x99, 0x99, 0x99, 0x99, 0x09, 0x20, 0xF3 };

/* ---- ICCID ---- */

static void test_iccid_from_string(void **state)
{
    (void)state;
    uint8_t b[10];
    assert_int_equal(lpa_iccid_from_string("8949449999999990023", b), 0);
    assert_memory_equal(b, ICCID, 10);
    assert_int_equal(lpa_iccid_from_string("89000123456789012341", b), 0);
    expect_hex(b, 10, "98 00 10 32 54 76 98 10 32 14");
    assert_int_equal(lpa_iccid_from_string("894944999999999002", b), -1);      /* 18 */
    assert_int_equal(lpa_iccid_from_string("894944999999999002312", b), -1);   /* 21 */
    assert_int_equal(lpa_iccid_from_string("894944999999999002A", b), -1);
    assert_int_equal(lpa_iccid_from_string("", b), -1);
}

static void test_iccid_to_string(void **state)
{
    (void)state;
    char s[LPA_ICCID_STR];
    assert_int_equal(lpa_iccid_to_string(ICCID, s), 0);
    assert_string_equal(s, "8949449999999990023");
    const uint8_t full[10] = { 0x98, 0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0x14 };
    assert_int_equal(lpa_iccid_to_string(full, s), 0);
    assert_string_equal(s, "89000123456789012341");
    uint8_t bad[10];
    memcpy(bad, ICCID, 10);
    bad[3] = 0x9A;                                      /* a nibble that is no digit */
    assert_int_equal(lpa_iccid_to_string(bad, s), -1);
    assert_string_equal(s, "");
    memcpy(bad, ICCID, 10);
    bad[2] = 0xF4;                                      /* a digit after the padding */
    assert_int_equal(lpa_iccid_to_string(bad, s), -1);
}

/* ---- GetProfilesInfo ---- */

static void test_profiles_info_request(void **state)
{
    (void)state;
    uint8_t out[32];
    size_t n;
    assert_int_equal(lpa_get_profiles_info_request(out, sizeof out, &n), 0);
    expect_hex(out, n, "BF2D 0A 5C 08 5A 4F 9F70 90 91 92 95");
    assert_int_equal(lpa_get_profiles_info_request(out, 5, &n), -1);
}

static void test_profiles_info_decode(void **state)
{
    (void)state;
    struct lpa_profile_info p[2];
    size_t n = 99;
    BUF(r, "BF2D 41 A0 3F"
           " E3 2D 5A 0A " ICCID_HEX " 4F 10 A0000005591010FFFFFFFF8900001000"
           " 9F70 01 01 95 01 02 92 03 41 0A 42 DF 01 00"      /* unknown tag ignored */
           " E3 0E 9F70 01 00 91 02 53 50 90 04 6E 69 63 6B");
    assert_int_equal(lpa_get_profiles_info_decode(r, r_len, p, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_true(p[0].has_iccid);
    assert_memory_equal(p[0].iccid, ICCID, 10);
    assert_int_equal(p[0].aid_len, 16);
    assert_int_equal(p[0].state, 1);
    assert_int_equal(p[0].profile_class, 2);
    assert_string_equal(p[0].name, "A?B");               /* control character shown as ? */
    assert_false(p[1].has_iccid);
    assert_int_equal(p[1].aid_len, 0);
    assert_int_equal(p[1].state, 0);
    assert_int_equal(p[1].profile_class, -1);
    assert_string_equal(p[1].spn, "SP");
    assert_string_equal(p[1].nickname, "nick");
    assert_string_equal(p[1].name, "");
    /* more profiles than room */
    assert_int_equal(lpa_get_profiles_info_decode(r, r_len, p, 1, &n), LPA_DECODE_ERROR);
    /* empty list */
    BUF(e, "BF2D 02 A0 00");
    assert_int_equal(lpa_get_profiles_info_decode(e, e_len, p, 2, &n), 0);
    assert_int_equal(n, 0);
}

static void test_profiles_info_name_cut(void **state)
{
    (void)state;
    uint8_t r[128] = { 0xBF, 0x2D, 0x49, 0xA0, 0x47, 0xE3, 0x45, 0x92, 0x43 };
    memset(r + 9, 'x', 0x43);
    struct lpa_profile_info p;
    size_t n;
    assert_int_equal(lpa_get_profiles_info_decode(r, 9 + 0x43, &p, 1, &n), 0);
    assert_int_equal(strlen(p.name), LPA_NAME_MAX);
}

static void test_profiles_info_errors(void **state)
{
    (void)state;
    struct lpa_profile_info p[2];
    size_t n;
    static const char *const bad[] = {
        "BF2E 02 A0 00",                                  /* wrong tag */
        "BF2D 02 A0 00 00",                               /* trailing octet */
        "BF2D 03 A0 00",                                  /* truncated */
        "BF2D 00",                                        /* no list */
        "BF2D 04 A0 02 E4 00",                            /* not a ProfileInfo */
        "BF2D 07 A0 05 E3 03 5A 01 00",                   /* ICCID of 1 octet */
        "BF2D 06 A0 04 E3 02 4F 00",                      /* empty AID */
        "BF2D 17 A0 15 E3 13 4F 11 A0000005591010FFFFFFFF890000100000", /* AID of 17 */
        "BF2D 07 A0 05 E3 03 9F70 00",                    /* empty state */
        "BF2D 09 A0 07 E3 05 9F70 01 FF 00",              /* garbage after a field */
        "BF2D 07 A0 05 E3 03 95 01 FF",                   /* negative class */
        "BF2D 05 A0 03 E3 01 00",                         /* malformed inside E3 */
        "BF2D 03 81 01 00",                               /* error code 0 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BUF(r, bad[i]);
        if (lpa_get_profiles_info_decode(r, r_len, p, 2, &n) != LPA_DECODE_ERROR)
            fail_msg("accepted %s", bad[i]);
    }
    BUF(err, "BF2D 03 81 01 7F");
    assert_int_equal(lpa_get_profiles_info_decode(err, err_len, p, 2, &n), 127);
}

/* ---- Enable / Disable / Delete ---- */

static void test_profile_op_request(void **state)
{
    (void)state;
    uint8_t out[64];
    size_t n;
    assert_int_equal(lpa_profile_op_request(LPA_OP_ENABLE, ICCID, false, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF31 11 A0 0C 5A 0A " ICCID_HEX " 81 01 00");
    assert_int_equal(lpa_profile_op_request(LPA_OP_DISABLE, ICCID, true, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF32 11 A0 0C 5A 0A " ICCID_HEX " 81 01 FF");
    assert_int_equal(lpa_profile_op_request(LPA_OP_DELETE, ICCID, true, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF33 0C 5A 0A " ICCID_HEX);
    assert_int_equal(lpa_profile_op_request(LPA_OP_ENABLE, ICCID, false, out, 10, &n), -1);
    assert_int_equal(lpa_profile_op_request((enum lpa_profile_op)7, ICCID, false, out,
                                            sizeof out, &n), -1);
}

static void test_profile_op_result(void **state)
{
    (void)state;
    BUF(ok, "BF31 03 80 01 00");
    BUF(nf, "BF33 03 80 01 01");
    BUF(ue, "BF32 04 80 02 00 7F");
    assert_int_equal(lpa_profile_op_result(LPA_OP_ENABLE, ok, ok_len), 0);
    assert_int_equal(lpa_profile_op_result(LPA_OP_DELETE, nf, nf_len), 1);
    assert_int_equal(lpa_profile_op_result(LPA_OP_DISABLE, ue, ue_len), 127);
    /* wrong function's tag, trailing octet, no result, constructed result, bad op */
    assert_int_equal(lpa_profile_op_result(LPA_OP_DISABLE, ok, ok_len), LPA_DECODE_ERROR);
    BUF(tr, "BF31 03 80 01 00 00");
    assert_int_equal(lpa_profile_op_result(LPA_OP_ENABLE, tr, tr_len), LPA_DECODE_ERROR);
    BUF(no, "BF31 03 81 01 00");
    assert_int_equal(lpa_profile_op_result(LPA_OP_ENABLE, no, no_len), LPA_DECODE_ERROR);
    BUF(co, "BF31 02 A0 00");
    assert_int_equal(lpa_profile_op_result(LPA_OP_ENABLE, co, co_len), LPA_DECODE_ERROR);
    BUF(ng, "BF31 03 80 01 FF");
    assert_int_equal(lpa_profile_op_result(LPA_OP_ENABLE, ng, ng_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_profile_op_result((enum lpa_profile_op)3, ok, ok_len),
                     LPA_DECODE_ERROR);
}

static void test_es10c_names(void **state)
{
    (void)state;
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_ENABLE, 0), "ok");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_ENABLE, 1), "iccidOrAidNotFound");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_ENABLE, 2),
                        "profileNotInDisabledState");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DISABLE, 2),
                        "profileNotInEnabledState");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DELETE, 2),
                        "profileNotInDisabledState");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DELETE, 3), "disallowedByPolicy");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_ENABLE, 4), "wrongProfileReenabling");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DISABLE, 4), "unknown");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DISABLE, 5), "catBusy");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DELETE, 5), "unknown");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DELETE, 127), "undefinedError");
    assert_string_equal(lpa_profile_op_result_name(LPA_OP_DELETE, 42), "unknown");
    assert_string_equal(lpa_profile_op_name(LPA_OP_ENABLE), "EnableProfile");
    assert_string_equal(lpa_profile_op_name(LPA_OP_DISABLE), "DisableProfile");
    assert_string_equal(lpa_profile_op_name(LPA_OP_DELETE), "DeleteProfile");
    assert_string_equal(lpa_profile_op_name((enum lpa_profile_op)9), "unknown");
    assert_string_equal(lpa_profile_state_name(0), "disabled");
    assert_string_equal(lpa_profile_state_name(1), "enabled");
    assert_string_equal(lpa_profile_state_name(-1), "unknown");
    assert_string_equal(lpa_profile_class_name(0), "test");
    assert_string_equal(lpa_profile_class_name(1), "provisioning");
    assert_string_equal(lpa_profile_class_name(2), "operational");
    assert_string_equal(lpa_profile_class_name(3), "unknown");
}

/* ---- notifications ---- */

#define META_ENABLE "BF2F 21 80 01 04 81 02 06 40 0C 0C 74 65 73 74 2E 65 78 61 6D 70 6C 65" \
                    " 5A 0A " ICCID_HEX
#define META_INSTALL "BF2F 16 80 02 01 00 81 02 07 80 0C 0C 74 65 73 74 2E 65 78 61 6D 70 6C 65"

static void test_list_notification_request(void **state)
{
    (void)state;
    uint8_t out[16];
    size_t n;
    assert_int_equal(lpa_list_notification_request(-1, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF28 00");
    assert_int_equal(lpa_list_notification_request(3, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF28 04 81 02 04 10");
    assert_int_equal(lpa_list_notification_request(8, out, sizeof out, &n), -1);
    assert_int_equal(lpa_list_notification_request(0, out, 3, &n), -1);
}

static void test_list_notification_decode(void **state)
{
    (void)state;
    struct lpa_notification m[2];
    size_t n;
    BUF(r, "BF28 3F A0 3D " META_ENABLE " " META_INSTALL);
    assert_int_equal(lpa_list_notification_decode(r, r_len, m, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(m[0].seq, 4);
    assert_int_equal(m[0].event, 1);
    assert_string_equal(m[0].address, "test.example");
    assert_true(m[0].has_iccid);
    assert_memory_equal(m[0].iccid, ICCID, 10);
    assert_int_equal(m[1].seq, 256);
    assert_int_equal(m[1].event, 0);
    assert_false(m[1].has_iccid);
    assert_int_equal(lpa_list_notification_decode(r, r_len, m, 1, &n), LPA_DECODE_ERROR);
    BUF(err, "BF28 03 81 01 7F");
    assert_int_equal(lpa_list_notification_decode(err, err_len, m, 2, &n), 127);
    static const char *const bad[] = {
        "BF2B 02 A0 00",                                          /* wrong tag */
        "BF28 02 A0 00 00",                                       /* trailing */
        "BF28 02 80 00",                                          /* neither A0 nor 81 */
        "BF28 02 81 00",                                          /* empty error code */
        "BF28 04 A0 02 30 00",                                    /* not BF2F */
        "BF28 0D A0 0B BF2F 08 81 02 07 80 0C 02 61 62",          /* no seq */
        "BF28 0E A0 0C BF2F 09 80 01 01 81 01 00 0C 01 61",       /* no bits */
        "BF28 0F A0 0D BF2F 0A 80 01 01 81 02 00 00 0C 01 61",    /* no bit set */
        "BF28 0F A0 0D BF2F 0A 80 01 01 81 02 08 80 0C 01 61",    /* unused bits 8 */
        "BF28 0C A0 0A BF2F 07 80 01 01 81 02 07 80",             /* no address */
        "BF28 12 A0 10 BF2F 0D 80 01 01 81 02 07 80 0C 01 61 5A 01 00", /* ICCID 1 octet */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BUF(b, bad[i]);
        if (lpa_list_notification_decode(b, b_len, m, 2, &n) >= 0)
            fail_msg("accepted %s", bad[i]);
    }
}

static void test_retrieve_request(void **state)
{
    (void)state;
    uint8_t out[16];
    size_t n;
    assert_int_equal(lpa_retrieve_notifications_request(false, 0, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF2B 00");
    assert_int_equal(lpa_retrieve_notifications_request(true, 300, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF2B 06 A0 04 80 02 01 2C");
    assert_int_equal(lpa_retrieve_notifications_request(true, 1, out, 4, &n), -1);
}

static void test_retrieve_decode(void **state)
{
    (void)state;
    struct lpa_pending m[2];
    size_t n;
    /* a PIR (BF37 {BF27 {BF2F}, 5F37}) and an OtherSignedNotification (30 {BF2F, 5F37}) */
    BUF(r, "BF2B 4E A0 4C"
           " BF37 20 BF27 19 " META_INSTALL " 5F37 01 00"
           " 30 27 " META_ENABLE " 5F37 00");
    assert_int_equal(lpa_retrieve_notifications_decode(r, r_len, m, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_true(m[0].is_pir);
    assert_int_equal(m[0].meta.seq, 256);
    assert_ptr_equal(m[0].tlv, r + 5);
    assert_int_equal(m[0].tlv_len, 0x23);
    assert_false(m[1].is_pir);
    assert_int_equal(m[1].meta.event, 1);
    assert_int_equal(m[1].tlv_len, 0x29);
    assert_int_equal(lpa_retrieve_notifications_decode(r, r_len, m, 1, &n), LPA_DECODE_ERROR);
    BUF(nr, "BF2B 03 81 01 01");
    assert_int_equal(lpa_retrieve_notifications_decode(nr, nr_len, m, 2, &n), 1);
    assert_string_equal(lpa_notification_list_error_name(1), "noResult");
    static const char *const bad[] = {
        "BF2B 04 A0 02 31 00",                                 /* neither BF37 nor 30 */
        "BF2B 05 A0 03 BF37 00",                               /* PIR without BF27 */
        "BF2B 08 A0 06 BF37 03 BF27 00",                       /* BF27 without BF2F */
        "BF2B 04 A0 02 30 00",                                 /* 30 without BF2F */
        "BF2B 03 A0 00",                                       /* truncated */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BUF(b, bad[i]);
        if (lpa_retrieve_notifications_decode(b, b_len, m, 2, &n) >= 0)
            fail_msg("accepted %s", bad[i]);
    }
}

static void test_notification_sent(void **state)
{
    (void)state;
    uint8_t out[16];
    size_t n;
    assert_int_equal(lpa_notification_sent_request(5, out, sizeof out, &n), 0);
    expect_hex(out, n, "BF30 03 80 01 05");
    assert_int_equal(lpa_notification_sent_request(5, out, 4, &n), -1);
    BUF(ok, "BF30 03 80 01 00");
    BUF(nd, "BF30 03 80 01 01");
    assert_int_equal(lpa_notification_sent_result(ok, ok_len), 0);
    assert_int_equal(lpa_notification_sent_result(nd, nd_len), 1);
    BUF(tag, "BF31 03 80 01 00");
    BUF(none, "BF30 00");
    BUF(trail, "BF30 03 80 01 00 00");
    assert_int_equal(lpa_notification_sent_result(tag, tag_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_notification_sent_result(none, none_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_notification_sent_result(trail, trail_len), LPA_DECODE_ERROR);
    assert_string_equal(lpa_notification_sent_result_name(0), "ok");
    assert_string_equal(lpa_notification_sent_result_name(1), "nothingToDelete");
    assert_string_equal(lpa_notification_sent_result_name(127), "undefinedError");
    assert_string_equal(lpa_notification_sent_result_name(2), "unknown");
    assert_string_equal(lpa_notification_event_name(0), "install");
    assert_string_equal(lpa_notification_event_name(3), "delete");
    assert_string_equal(lpa_notification_event_name(4), "unknown");
    assert_string_equal(lpa_notification_list_error_name(127), "undefinedError");
    assert_string_equal(lpa_notification_list_error_name(2), "unknown");
}

/* ---- ProfileInstallationResult ---- */

static void test_pir_decode(void **state)
{
    (void)state;
    struct lpa_pir p;
    BUF(ok, "BF37 35 BF27 2E 80 01 01 " META_INSTALL " 06 01 00"
            " A2 0D A0 0B 4F 07 A0000005591010 04 00 5F37 01 00");
    assert_int_equal(lpa_pir_decode(ok, ok_len, &p), 0);
    assert_true(p.success);
    assert_int_equal(p.aid_len, 7);
    assert_int_equal(p.meta.seq, 256);
    BUF(er, "BF37 31 BF27 2A 80 01 01 " META_INSTALL " 06 01 00"
            " A2 09 A1 07 80 01 02 81 02 00 09 5F37 01 00");
    assert_int_equal(lpa_pir_decode(er, er_len, &p), 0);
    assert_false(p.success);
    assert_int_equal(p.bpp_command_id, 2);
    assert_int_equal(p.error_reason, 9);
    static const char *const bad[] = {
        "BF38 00",                                                          /* tag */
        "BF37 02 5F37 00",                                                  /* no BF27 */
        "BF37 05 BF27 02 80 00",                                            /* no BF2F */
        "BF37 1F BF27 1C " META_INSTALL " 5F37 00",                         /* no A2 */
        "BF37 1E BF27 1B " META_INSTALL " A2 00",                           /* no result */
        "BF37 20 BF27 1D " META_INSTALL " A2 02 A0 00",                     /* no AID */
        "BF37 23 BF27 20 " META_INSTALL " A2 05 A1 03 81 01 09",            /* no cmd id */
        "BF37 23 BF27 20 " META_INSTALL " A2 05 A1 03 80 01 02",            /* no reason */
        "BF37 22 BF27 1F " META_INSTALL " A2 04 A0 02 4F 00",               /* empty AID */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BUF(b, bad[i]);
        if (lpa_pir_decode(b, b_len, &p) != LPA_DECODE_ERROR)
            fail_msg("accepted %s", bad[i]);
    }
}

static void test_es10b_error_code(void **state)
{
    (void)state;
    BUF(ok, "BF38 02 A0 00");
    BUF(err, "BF38 0A A1 08 80 03 010203 02 01 06");
    BUF(dl, "BF21 05 A1 03 02 01 05");
    assert_int_equal(lpa_es10b_error_code(0xBF38, ok, ok_len), 0);
    assert_int_equal(lpa_es10b_error_code(0xBF38, err, err_len), 6);
    assert_int_equal(lpa_es10b_error_code(0xBF21, dl, dl_len), 5);
    assert_int_equal(lpa_es10b_error_code(0xBF21, ok, ok_len), LPA_DECODE_ERROR);
    BUF(none, "BF38 02 A2 00");
    BUF(nocode, "BF38 05 A1 03 80 01 00");
    BUF(zero, "BF38 05 A1 03 02 01 00");
    BUF(prim, "9F38 00");
    assert_int_equal(lpa_es10b_error_code(0xBF38, none, none_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_es10b_error_code(0xBF38, nocode, nocode_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_es10b_error_code(0xBF38, zero, zero_len), LPA_DECODE_ERROR);
    assert_int_equal(lpa_es10b_error_code(0x9F38, prim, prim_len), LPA_DECODE_ERROR);
}

static void test_es10b_names(void **state)
{
    (void)state;
    assert_string_equal(lpa_authenticate_error_name(1), "invalidCertificate");
    assert_string_equal(lpa_authenticate_error_name(6), "euiccChallengeMismatch");
    assert_string_equal(lpa_authenticate_error_name(7), "ciPKUnknown");
    assert_string_equal(lpa_authenticate_error_name(127), "undefinedError");
    assert_string_equal(lpa_authenticate_error_name(0), "unknown");
    assert_string_equal(lpa_authenticate_error_name(99), "unknown");
    assert_string_equal(lpa_download_error_name(5), "invalidTransactionId");
    assert_string_equal(lpa_download_error_name(127), "undefinedError");
    assert_string_equal(lpa_download_error_name(6), "unknown");
    assert_string_equal(lpa_bpp_command_name(0), "initialiseSecureChannel");
    assert_string_equal(lpa_bpp_command_name(5), "loadProfileElements");
    assert_string_equal(lpa_bpp_command_name(6), "unknown");
    assert_string_equal(lpa_bpp_command_name(-1), "unknown");
    assert_string_equal(lpa_error_reason_name(9), "installFailedDueToIccidAlreadyExistsOnEuicc");
    assert_string_equal(lpa_error_reason_name(8), "bspSecurityError");
    assert_string_equal(lpa_error_reason_name(15), "pprNotAllowed");
    assert_string_equal(lpa_error_reason_name(127), "installFailedDueToUnknownError");
    assert_string_equal(lpa_error_reason_name(0), "unknown");
    assert_string_equal(lpa_error_reason_name(16), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iccid_from_string),
        cmocka_unit_test(test_iccid_to_string),
        cmocka_unit_test(test_profiles_info_request),
        cmocka_unit_test(test_profiles_info_decode),
        cmocka_unit_test(test_profiles_info_name_cut),
        cmocka_unit_test(test_profiles_info_errors),
        cmocka_unit_test(test_profile_op_request),
        cmocka_unit_test(test_profile_op_result),
        cmocka_unit_test(test_es10c_names),
        cmocka_unit_test(test_list_notification_request),
        cmocka_unit_test(test_list_notification_decode),
        cmocka_unit_test(test_retrieve_request),
        cmocka_unit_test(test_retrieve_decode),
        cmocka_unit_test(test_notification_sent),
        cmocka_unit_test(test_pir_decode),
        cmocka_unit_test(test_es10b_error_code),
        cmocka_unit_test(test_es10b_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
