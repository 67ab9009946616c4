/* tests/unit/profiles/test_csim.c — a CDMA profile through card_transmit(): full-csim
 * (profiles/full-csim.tlv) preloaded and enabled, then a terminal on the basic channel
 * and on a logical channel selects ADF.CSIM by AID (full and partial) and finds the files
 * the ADF.CSIM v2 / CSIM optional v2 templates give (ppi/templates.c, 3GPP2 C.S0065
 * facts): sizes, structures, SFIs and access rules from the template where the profile
 * gives none, the profile's values where it does, no file for doNotCreate nor for a file
 * whose size the template leaves open and the profile does not name; the CSIM's EF.FDN
 * is a link to the USIM's (one content seen from both applications). */
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
#include "isd-p/isdp.h"
#include "tests/common/test_util.h"

#define CSIM_AID "A0000003431002F310FFFF8905000000"

struct t {
    struct store *store;
    struct card *card;
    uint8_t ch;                   /* logical channel of the commands */
    uint8_t data[1024];
    size_t len;
};

/* One command (hex, CLA channel bits set from t->ch); 61xx answered by GET RESPONSE.
 * Returns the SW, the data in t->data / t->len. */
static unsigned tx(struct t *t, const char *hex)
{
    uint8_t c[300], r[1024 + 2];
    size_t n = tu_unhex(hex, c, sizeof c);
    c[0] = (uint8_t)((c[0] & 0xFC) | t->ch);
    size_t rl = card_transmit(t->card, c, n, r, sizeof r);
    assert_true(rl >= 2);
    unsigned sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
    t->len = rl - 2;
    memcpy(t->data, r, t->len);
    while ((sw >> 8) == 0x61) {
        uint8_t g[5] = { t->ch, 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xFF) };
        rl = card_transmit(t->card, g, sizeof g, r, sizeof r);
        assert_true(rl >= 2 && t->len + rl - 2 <= sizeof t->data);
        sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
        memcpy(t->data + t->len, r, rl - 2);
        t->len += rl - 2;
    }
    return sw;
}

static unsigned select_fid(struct t *t, uint16_t fid)
{
    char h[32];
    snprintf(h, sizeof h, "00A4000402%04X00", fid);
    return tx(t, h);
}

/* The FCP of the last SELECT: descriptor (82), size (80), SFI (88), ARR reference (8B). */
struct fcp {
    uint8_t fdb;
    size_t rec_len, nrec;
    size_t size;
    int sfi;                      /* -1 absent */
    uint8_t arr_rec;
};

static struct fcp fcp_of(const struct t *t)
{
    struct tlv top, v;
    struct fcp f = { .sfi = -1 };
    assert_true(tlv_parse(t->data, t->len, &top));
    assert_int_equal(top.tag, 0x62);
    assert_true(tlv_find(top.value, top.len, 0x82, &v) && v.len >= 2);
    f.fdb = v.value[0];
    if (v.len >= 5) {
        f.rec_len = (size_t)(v.value[2] << 8 | v.value[3]);
        f.nrec = v.value[4];
    }
    if (tlv_find(top.value, top.len, 0x80, &v)) {
        for (size_t i = 0; i < v.len; i++)
            f.size = f.size << 8 | v.value[i];
    }
    if (tlv_find(top.value, top.len, 0x88, &v))
        f.sfi = v.len ? v.value[0] >> 3 : 0;
    if (tlv_find(top.value, top.len, 0x8B, &v) && v.len == 3)
        f.arr_rec = v.value[2];
    return f;
}

/* SELECT fid and check its FCP: descriptor byte, size (transparent) or record length and
 * count, SFI, EF.ARR record; -1 leaves a value unchecked. */
static void expect_ef(struct t *t, uint16_t fid, int fdb, long size, long rec_len, long nrec,
                      int sfi, int arr_rec)
{
    assert_int_equal(select_fid(t, fid), 0x9000);
    struct fcp f = fcp_of(t);
    if (fdb >= 0)
        assert_int_equal(f.fdb, fdb);
    if (size >= 0)
        assert_int_equal(f.size, size);
    if (rec_len >= 0)
        assert_int_equal(f.rec_len, rec_len);
    if (nrec >= 0)
        assert_int_equal(f.nrec, nrec);
    if (sfi >= 0)
        assert_int_equal(f.sfi, sfi);
    if (arr_rec >= 0)
        assert_int_equal(f.arr_rec, arr_rec);
}

static void open_enabled(struct t *t)
{
    static const uint8_t seed[] = "csim test seed";
    struct card_config cfg = { .rng_seed = seed, .rng_seed_len = sizeof seed };
    char err[256], path[1024];
    size_t len;
    const char *dir = getenv("EUICC_EMU_PROFILES");
    if (!dir)
        fail_msg("EUICC_EMU_PROFILES is not set (run through meson test)");
    snprintf(path, sizeof path, "%s/full-csim.der", dir);
    uint8_t *der = tu_read_file(path, &len);
    if (!der)
        fail_msg("cannot open %s", path);
    memset(t, 0, sizeof *t);
    assert_int_equal(store_open_memory(&t->store), STORE_OK);
    cfg.store = t->store;
    tu_card_open(&t->card, &cfg);
    assert_int_equal(isdp_preload(t->card, der, len, err, sizeof err), ISDP_PRELOAD_OK);
    free(der);
    tu_select_isdr(t->card);
    /* ES10c EnableProfile by ICCID 8988299000000000051 */
    assert_int_equal(tx(t, "80E2910014" "BF3111A00C5A0A988892090000000050F1810100" "00"),
                     0x9000);
    assert_memory_equal(t->data, "\xBF\x31\x03\x80\x01\x00", 6);
}

static void close_card(struct t *t)
{
    card_close(t->card);
    store_close(t->store);
}

/* The terminal's view of ADF.CSIM on channel t->ch (PIN1 not yet verified there). */
static void csim_walk(struct t *t, bool pin_verified)
{
    /* EF.DIR lists the CSIM (after the USIM) */
    assert_int_equal(select_fid(t, 0x3F00), 0x9000);
    assert_int_equal(select_fid(t, 0x2F00), 0x9000);
    assert_int_equal(tx(t, "00B2020420"), 0x9000);
    assert_int_equal(t->len, 32);
    uint8_t rec[26];
    tu_unhex("61184F10" CSIM_AID "50044353494D", rec, sizeof rec);
    assert_memory_equal(t->data, rec, sizeof rec);
    /* SELECT by the partial AID (RID + application code), then the full one */
    assert_int_equal(tx(t, "00A4040407A000000343100200"), 0x9000);
    assert_int_equal(tx(t, "00A4040410" CSIM_AID "00"), 0x9000);
    /* EF.AD: not named by the profile, template size 3, SFI 01, read always (rule 10) */
    expect_ef(t, 0x6F43, 0x41, 3, -1, -1, 0x01, 10);
    assert_int_equal(tx(t, "00B0000003"), 0x9000);
    assert_memory_equal(t->data, "\xFF\xFF\xFF", 3);
    /* EF.IMSI_M: content without size → template size 10, SFI 04, rule 6 (read PIN1) */
    expect_ef(t, 0x6F22, 0x41, 10, -1, -1, 0x04, 6);
    if (!pin_verified) {
        assert_int_equal(tx(t, "00B000000A"), 0x6982);
        assert_int_equal(tx(t, "002000010831323334FFFFFFFF"), 0x9000);
    }
    assert_int_equal(tx(t, "00B000000A"), 0x9000);
    assert_int_equal(t->len, 10);
    uint8_t imsi_m[10];
    tu_unhex("00112233445566778899", imsi_m, sizeof imsi_m);
    assert_memory_equal(t->data, imsi_m, 10);
    assert_int_equal(tx(t, "00D6000001" "01"), 0x6982);      /* update: ADM */
    /* EF.IMSI_T named empty: the template's file, 10 octets of FF */
    assert_int_equal(select_fid(t, 0x6F23), 0x9000);
    assert_int_equal(tx(t, "00B000000A"), 0x9000);
    assert_int_equal(t->len, 10);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(t->data[i], 0xFF);
    /* EF.TMSI not named: created by default, 16 octets, read by its SFI 06 */
    assert_int_equal(tx(t, "00B0860010"), 0x9000);
    assert_int_equal(t->len, 16);
    /* EF.COUNT: the profile gives only the record length; one record (template) */
    expect_ef(t, 0x6F21, 0x46, -1, 2, 1, -1, 7);
    /* EF.CDMAHOME: 3 records of 5, the first given, SFI 0C */
    expect_ef(t, 0x6F28, 0x42, -1, 5, 3, 0x0C, 5);
    assert_int_equal(tx(t, "00B2010405"), 0x9000);
    assert_memory_equal(t->data, "\xE8\x03\xAE\x08\x00", 5);
    assert_int_equal(tx(t, "00B2030405"), 0x9000);
    assert_memory_equal(t->data, "\xFF\xFF\xFF\xFF\xFF", 5);
    /* sizes the profile gives where C.S0065 fixes none */
    expect_ef(t, 0x6F30, 0x41, 18, -1, -1, 0x07, 2);          /* EF.PRL */
    expect_ef(t, 0x6F73, 0x41, 15, -1, -1, -1, 2);            /* EF.CALL_PROMPT */
    /* doNotCreate (EF.AOP) and unnamed open-size files (EF.HOME_TAG): absent */
    assert_int_equal(select_fid(t, 0x6F26), 0x6A82);
    assert_int_equal(select_fid(t, 0x6F70), 0x6A82);
    /* optional files: EF.SPN (template 35, SFI 08), EF.MDN (2 x 11), EF.3GCIK (32) */
    expect_ef(t, 0x6F41, 0x41, 35, -1, -1, 0x08, 10);
    assert_int_equal(tx(t, "00B0000023"), 0x9000);
    assert_int_equal(t->len, 35);
    assert_memory_equal(t->data, "\x01\x01\xFF" "euicc\xFF", 8);
    assert_int_equal(t->data[34], 0xFF);
    expect_ef(t, 0x6F44, 0x42, -1, 11, 2, -1, 5);
    expect_ef(t, 0x6F6B, 0x41, 32, -1, -1, 0x0B, 2);
    assert_int_equal(select_fid(t, 0x6F2E), 0x9000);          /* EF.SSCI */
    assert_int_equal(tx(t, "00B0000001"), 0x9000);
    assert_int_equal(t->data[0], 0x02);
    /* an optional file the profile does not name is not there */
    assert_int_equal(select_fid(t, 0x6F3C), 0x6A82);          /* EF.SMS */
    /* EF.FDN is a link to the USIM's EF.FDN: its records (26 octets) and rules (8) */
    expect_ef(t, 0x6F3B, 0x42, -1, 26, 20, -1, 8);
    assert_int_equal(tx(t, "00B201041A"), 0x9000);
    assert_memory_equal(t->data, "One\xFF", 4);
}

static void test_csim_channels(void **state)
{
    (void)state;
    struct t t;
    open_enabled(&t);
    csim_walk(&t, false);
    /* the same on a logical channel (PIN1 is global: verified already) */
    assert_int_equal(tx(&t, "0070000001"), 0x9000);
    assert_int_equal(t.len, 1);
    uint8_t ch = t.data[0];
    assert_true(ch >= 1 && ch <= 3);
    t.ch = ch;
    csim_walk(&t, true);
    close_card(&t);
}

/* EF.COUNT (rule 7): INCREASE with PIN1; UPDATE RECORD needs PIN1 too */
static void test_csim_call_count(void **state)
{
    (void)state;
    struct t t;
    open_enabled(&t);
    assert_int_equal(tx(&t, "00A4040410" CSIM_AID "00"), 0x9000);
    assert_int_equal(select_fid(&t, 0x6F21), 0x9000);
    assert_int_equal(tx(&t, "8032000002" "0001"), 0x6982);
    assert_int_equal(tx(&t, "002000010831323334FFFFFFFF"), 0x9000);
    assert_int_equal(tx(&t, "8032000002" "0001"), 0x9000);
    assert_int_equal(tx(&t, "00B2010402"), 0x9000);
    assert_memory_equal(t.data, "\x00\x01", 2);
    close_card(&t);
}

/* EF.FDN updated through ADF.USIM (PIN2) reads back through the CSIM's link, and the
 * other way round */
static void test_csim_fdn_link(void **state)
{
    (void)state;
    struct t t;
    open_enabled(&t);
    assert_int_equal(tx(&t, "00A4040407A000000087100200"), 0x9000);    /* ADF.USIM */
    assert_int_equal(tx(&t, "002000010831323334FFFFFFFF"), 0x9000);
    assert_int_equal(tx(&t, "002000810835363738FFFFFFFF"), 0x9000);   /* PIN2 */
    assert_int_equal(select_fid(&t, 0x6F3B), 0x9000);
    /* record 2 "Two" 112233 through the USIM */
    assert_int_equal(tx(&t, "00DC02041A54776FFFFFFFFFFFFFFFFFFF0381112233FFFFFFFFFFFFFFFFFF"),
                     0x9000);
    assert_int_equal(tx(&t, "00A4040407A000000343100200"), 0x9000);    /* ADF.CSIM */
    assert_int_equal(select_fid(&t, 0x6F3B), 0x9000);
    assert_int_equal(tx(&t, "00B202041A"), 0x9000);
    assert_memory_equal(t.data, "Two\xFF", 4);
    /* record 3 "Three" 445566 through the CSIM */
    assert_int_equal(tx(&t, "00DC03041A5468726565FFFFFFFFFFFFFF0381445566FFFFFFFFFFFFFFFFFF"),
                     0x9000);
    assert_int_equal(tx(&t, "00A4040407A000000087100200"), 0x9000);
    assert_int_equal(select_fid(&t, 0x6F3B), 0x9000);
    assert_int_equal(tx(&t, "00B203041A"), 0x9000);
    assert_memory_equal(t.data, "Three\xFF", 6);
    close_card(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csim_channels),
        cmocka_unit_test(test_csim_call_count),
        cmocka_unit_test(test_csim_fdn_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
