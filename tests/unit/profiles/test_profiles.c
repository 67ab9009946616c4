/* tests/unit/profiles/test_profiles.c — the project's own profiles (profiles/ sources,
 * built into $EUICC_EMU_PROFILES = <build>/profiles by tools/tlvasm) through the profile
 * package interpreter: every well-formed one is accepted whole, in 1008-octet segments
 * (as osmo-smdpp cuts) and octet by octet; every malformed one is refused with the
 * expected PEStatus (status, identification) and profileInstallationAborted; the ICCID
 * mismatch is made here (metadata ICCID of another profile). The images built from the
 * well-formed ones hold what the sources say (ICCID, EF.DIR, IMSI, EF.ARR records, PINs,
 * PUKs, AKA algorithm and keys: RES/CK/IK of 3GPP TS 35.208 set 1, MAC-A of TS 35.233
 * set 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/fs.h"
#include "card/pin.h"
#include "card/profile_image.h"
#include "card/tlv.h"
#include "crypto/aka.h"
#include "ppi/ppi.h"
#include "tests/common/test_util.h"

#define BUDGET (256u * 1024)
#define NO_ID  (-1L)

/* PEStatus.status values (SAIP 3.3.1) */
#define ST_OK                  0
#define ST_PE_NOT_SUPPORTED    1
#define ST_INVALID_FORMAT      5
#define ST_TEMPLATE_NOT_SUPP   9

/* EF.ICCID coding (nibbles swapped) of the profiles' ICCIDs */
static const uint8_t ICCID_IOT[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x10, 0xF1 };
static const uint8_t ICCID_MIL[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x20, 0xF1 };
static const uint8_t ICCID_TUAK[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x30, 0xF1 };
static const uint8_t ICCID_IOT_TPL[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x40, 0xF1 };
static const uint8_t ICCID_CSIM[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x50, 0xF1 };
static const uint8_t ICCID_SKEL[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x90, 0xF9 };

static uint8_t *load(const char *name, size_t *len)
{
    const char *dir = getenv("EUICC_EMU_PROFILES");
    char path[1024];
    if (!dir)
        fail_msg("EUICC_EMU_PROFILES is not set (run through meson test)");
    snprintf(path, sizeof path, "%s/%s.der", dir, name);
    uint8_t *buf = tu_read_file(path, len);
    if (!buf)
        fail_msg("cannot open %s (built by tools/tlvasm from profiles/)", path);
    assert_true(*len > 0 && *len < BUDGET);
    return buf;
}

struct outcome {
    int rc;
    long status;          /* status of the last PEStatus */
    long id;              /* its identification, NO_ID when absent */
    unsigned n_status;
    bool aborted;
};

/* Decode EUICCResponse 30 { A0 { 30 { 80 status, 81 id? ... } ... }, 81 aborted? }. */
static void decode_response(const uint8_t *r, size_t len, struct outcome *o)
{
    struct tlv top, list, st, f;
    struct tlv_cursor c, lc, fc;
    assert_true(tlv_parse(r, len, &top));
    assert_int_equal(top.tag, 0x30);
    assert_int_equal(top.raw_len, len);
    assert_true(tlv_enter(&top, &c));
    assert_true(tlv_next(&c, &list));
    assert_int_equal(list.tag, 0xA0);
    o->aborted = tlv_find(top.value, top.len, 0x81, &f);
    assert_true(tlv_enter(&list, &lc));
    o->n_status = 0;
    while (tlv_next(&lc, &st)) {
        int64_t v;
        assert_int_equal(st.tag, 0x30);
        o->n_status++;
        o->id = NO_ID;
        assert_true(tlv_enter(&st, &fc));
        while (tlv_next(&fc, &f)) {
            assert_true(tlv_get_int(f.value, f.len, &v));
            if (f.tag == 0x80)
                o->status = (long)v;
            else if (f.tag == 0x81)
                o->id = (long)v;
        }
    }
    assert_false(lc.error);
    assert_true(o->n_status >= 1);
}

/* Install der through the interpreter in segments of `seg` octets (0 = whole). */
static void install(const uint8_t *der, size_t len, const uint8_t iccid[10], size_t seg,
                    struct outcome *o)
{
    uint8_t resp[1024];
    struct tlv_writer w;
    struct ppi_install *p = ppi_install_begin(iccid, BUDGET);
    assert_non_null(p);
    int feed_rc = PPI_OK;
    for (size_t off = 0; off < len && feed_rc == PPI_OK;) {
        size_t n = seg == 0 || len - off < seg ? len - off : seg;
        feed_rc = ppi_install_feed(p, der + off, n);
        off += n;
    }
    tlv_writer_init(&w, resp, sizeof resp);
    o->rc = ppi_install_finish(p, &w);
    assert_true(tlv_writer_ok(&w));
    if (feed_rc != PPI_OK)
        assert_int_equal(feed_rc, o->rc);   /* the first error is the one reported */
    decode_response(resp, w.len, o);
    ppi_install_free(p);
}

static struct ppi_install *live;    /* freed by teardown, also when a test fails */

static int free_live(void **state)
{
    (void)state;
    ppi_install_free(live);
    live = NULL;
    return 0;
}

/* Install der whole; return the install (freed by the teardown) after a successful
 * finish. */
static struct ppi_install *install_ok(const char *name, const uint8_t iccid[10])
{
    size_t len;
    uint8_t *der = load(name, &len);
    struct ppi_install *p = ppi_install_begin(iccid, BUDGET);
    assert_non_null(p);
    live = p;
    int rc = ppi_install_feed(p, der, len);
    free(der);
    assert_int_equal(rc, PPI_OK);
    assert_int_equal(ppi_install_finish(p, NULL), PPI_OK);
    assert_non_null(ppi_install_image(p));
    return p;
}

/* Content of EF `fid` under DF `df` (offset off) equals hex. */
static void expect_content(const struct fs *fs, int df, uint16_t fid, size_t off,
                           const char *hex)
{
    uint8_t exp[128];
    size_t n = tu_unhex(hex, exp, sizeof exp);
    int f = fs_child(fs, df, fid);
    if (f == FS_NONE)
        fail_msg("no file %04X", fid);
    f = fs_content_of(fs, f);
    assert_true(f != FS_NONE);
    assert_true(fs->files[f].data_len >= off + n);
    if (memcmp(fs->files[f].data + off, exp, n) != 0)
        fail_msg("file %04X at %zu: not %s", fid, off, hex);
}

static int usim_adf(const struct fs *fs)
{
    static const uint8_t aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
    int adf = fs_find_adf(fs, aid, sizeof aid, 0);
    assert_true(adf != FS_NONE);
    return adf;
}

static void expect_pin(struct pin_set *ps, uint8_t ref, const char *value, bool enabled,
                       unsigned tries, const char *puk)
{
    uint8_t v[8];
    struct pin *pin = pin_find(ps, ref);
    if (!pin || !pin->present)
        fail_msg("no PIN %02X", ref);
    assert_int_equal(tu_unhex(value, v, sizeof v), 8);
    assert_memory_equal(pin->value, v, 8);
    assert_int_equal(pin->enabled, enabled);
    assert_int_equal(pin->tries_max, tries);
    assert_int_equal(pin->tries_left, tries);
    assert_int_equal(pin->has_puk, puk != NULL);
    if (puk) {
        assert_int_equal(tu_unhex(puk, v, sizeof v), 8);
        assert_memory_equal(pin->puk, v, 8);
        assert_int_equal(pin->puk_tries_left, 10);
    }
}

/* RES/CK/IK of 3GPP TS 35.208 test set 1 from the image's Milenage parameters. */
static void expect_milenage_set1(const struct aka_params *k)
{
    uint8_t rand[16], sqn[6], amf[2], exp[16];
    struct aka_out out;
    assert_int_equal(k->alg, AKA_MILENAGE);
    tu_unhex("23553cbe9637a89d218ae64dae47bf35", rand, sizeof rand);
    tu_unhex("ff9bb4d0b607", sqn, sizeof sqn);
    tu_unhex("b9b9", amf, sizeof amf);
    assert_int_equal(aka_compute(k, rand, sqn, amf, &out), 0);
    tu_unhex("4a9ffac354dfafb3", exp, sizeof exp);
    assert_memory_equal(out.mac_a, exp, 8);
    tu_unhex("a54211d5e3ba50bf", exp, sizeof exp);
    assert_memory_equal(out.res, exp, 8);
    tu_unhex("b40ba9a3c58b2a05bbf0d987b21bf8cb", exp, sizeof exp);
    assert_memory_equal(out.ck, exp, 16);
    tu_unhex("f769bcd751044604127672711c6d3441", exp, sizeof exp);
    assert_memory_equal(out.ik, exp, 16);
}

static void test_iot_minimal_image(void **state)
{
    (void)state;
    struct ppi_install *p = install_ok("iot-minimal", ICCID_IOT);
    struct profile_image *img = (struct profile_image *)ppi_install_image(p);
    expect_content(&img->fs, 0, 0x2FE2, 0, "988892090000000010F1");
    expect_content(&img->fs, 0, 0x2F00, 0, "61144F0CA0000000871002FFFFFFFF8950045553494D");
    expect_content(&img->fs, 0, 0x2F06, 13 * 32, "80015BA40683010A950108");  /* record 14 */
    int adf = usim_adf(&img->fs);
    expect_content(&img->fs, adf, 0x6F07, 0, "080910100000000010");
    expect_content(&img->fs, adf, 0x6F06, 7 * 36,                             /* record 8 */
                   "800101A406830101950108800102A406830181950108800158A40683010A950108");
    expect_content(&img->fs, adf, 0x6F46, 0, "0165756963632D656D75FFFFFFFFFFFFFF");
    expect_pin(&img->pins, 0x01, "30303030FFFFFFFF", false, 3, NULL);
    expect_pin(&img->pins, 0x0A, "3838383838383838", true, 10, NULL);
    assert_int_equal(img->n_naa, 1);
    expect_milenage_set1(&img->naa[0].aka);
}

/* A file's structure as the template table gives it. */
static void expect_file(const struct fs *fs, int df, uint16_t fid, uint8_t sfi,
                        uint32_t size)
{
    int f = fs_child(fs, df, fid);
    if (f == FS_NONE)
        fail_msg("no file %04X", fid);
    assert_int_equal(fs->files[f].sfi, sfi);
    assert_int_equal(fs->files[f].size, size);
}

/* iot-template: the same IoT minimal profile made with the PE-IoT / PE-OPT-IoT templates:
 * the files come out with the facts of the MF / USIM / DF.5GS templates. */
static void test_iot_template_image(void **state)
{
    (void)state;
    struct ppi_install *p = install_ok("iot-template", ICCID_IOT_TPL);
    struct profile_image *img = (struct profile_image *)ppi_install_image(p);
    expect_content(&img->fs, 0, 0x2FE2, 0, "988892090000000040F1");
    expect_content(&img->fs, 0, 0x2F05, 0, "FFFF");                 /* EF.PL by default */
    expect_file(&img->fs, 0, 0x2F05, 0x05, 2);
    int adf = usim_adf(&img->fs);
    assert_int_equal(img->fs.files[adf].parent, 0);                 /* below the MF */
    expect_content(&img->fs, adf, 0x6F07, 0, "080910100000000040");
    expect_file(&img->fs, adf, 0x6F07, 0x07, 9);
    expect_file(&img->fs, adf, 0x6F38, 0x04, 17);                   /* EF.UST v2 */
    expect_content(&img->fs, adf, 0x6F08, 0, "07FFFF");             /* EF.KEYS default */
    expect_content(&img->fs, adf, 0x6F5B, 0, "F00000F00000");       /* EF.START-HFN */
    expect_content(&img->fs, adf, 0x6FAD, 0, "00000002");           /* EF.AD */
    expect_content(&img->fs, adf, 0x6F78, 0, "0001");
    assert_int_equal(fs_child(&img->fs, adf, 0x6F3B), FS_NONE);     /* FDN: opt-IoT, not named */
    /* PE-OPT-IoT: the named files only */
    expect_content(&img->fs, adf, 0x6F46, 0, "0165756963632D656D75FFFFFFFFFFFFFF");
    expect_file(&img->fs, adf, 0x6F46, 0, 17);
    expect_content(&img->fs, adf, 0x6F56, 0, "00");
    assert_int_equal(fs_child(&img->fs, adf, 0x6FE3), FS_NONE);     /* EPSLOCI not named */
    int gs = fs_child(&img->fs, adf, 0x5FC0);
    assert_true(gs != FS_NONE);                                     /* DF.5GS */
    expect_content(&img->fs, gs, 0x4F0A, 0, "F0FF0000");            /* Routing Indicator */
    expect_file(&img->fs, gs, 0x4F0A, 0x0A, 4);
    expect_content(&img->fs, gs, 0x4F01, 16, "00000001");           /* 5GS3GPPLOCI */
    expect_file(&img->fs, gs, 0x4F01, 0x01, 20);
    assert_int_equal(fs_child(&img->fs, gs, 0x4F07), FS_NONE);      /* not named */
    expect_pin(&img->pins, 0x01, "30303030FFFFFFFF", false, 3, NULL);
    assert_int_equal(img->n_naa, 1);
    expect_milenage_set1(&img->naa[0].aka);
}

static void test_full_milenage_image(void **state)
{
    (void)state;
    struct ppi_install *p = install_ok("full-milenage", ICCID_MIL);
    struct profile_image *img = (struct profile_image *)ppi_install_image(p);
    static const uint8_t isim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04 };
    expect_content(&img->fs, 0, 0x2FE2, 0, "988892090000000020F1");
    expect_content(&img->fs, 0, 0x2F00, 32, "61144F0CA0000000871004FFFFFFFF8950044953494D");
    assert_true(fs_child(&img->fs, 0, 0x7F10) != FS_NONE);                   /* telecom */
    int adf = usim_adf(&img->fs);
    expect_content(&img->fs, adf, 0x6F07, 0, "080910100000000020");
    int isim = fs_find_adf(&img->fs, isim_aid, sizeof isim_aid, 0);
    assert_true(isim != FS_NONE);
    expect_content(&img->fs, isim, 0x6F02, 0, "801075736572406578616D706C652E6F7267");
    expect_content(&img->fs, isim, 0x6F04, 0,
                   "80147369703A75736572406578616D706C652E6F7267");
    expect_pin(&img->pins, 0x01, "31323334FFFFFFFF", true, 3, "3132333435363738");
    expect_pin(&img->pins, 0x81, "35363738FFFFFFFF", true, 3, "3837363534333231");
    expect_pin(&img->pins, 0x0A, "3838383838383838", true, 10, NULL);
    assert_int_equal(img->n_naa, 2);                          /* USIM, ISIM (mapped) */
    expect_milenage_set1(&img->naa[0].aka);
    expect_milenage_set1(&img->naa[1].aka);
    assert_int_equal(img->n_sd, 1);
}

static void test_full_tuak_image(void **state)
{
    (void)state;
    uint8_t rand[16], sqn[6], amf[2], exp[32];
    struct aka_out out;
    struct ppi_install *p = install_ok("full-tuak", ICCID_TUAK);
    const struct profile_image *img = ppi_install_image(p);
    expect_content(&img->fs, 0, 0x2FE2, 0, "988892090000000030F1");
    expect_content(&img->fs, usim_adf(&img->fs), 0x6F07, 0, "080910100000000030");
    assert_int_equal(img->n_naa, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct aka_params *k = &img->naa[i].aka;
        assert_int_equal(k->alg, AKA_TUAK);
        assert_int_equal(k->k_len, 16);
        tu_unhex("bd04d9530e87513c5d837ac2ad954623a8e2330c115305a73eb45d1f40cccbff", exp,
              sizeof exp);
        assert_memory_equal(k->opc, exp, 32);
        /* TS 35.233 set 1: MAC-A (64 bits, 128-bit K) does not depend on RES/CK/IK sizes */
        tu_unhex("42424242424242424242424242424242", rand, sizeof rand);
        tu_unhex("111111111111", sqn, sizeof sqn);
        tu_unhex("ffff", amf, sizeof amf);
        assert_int_equal(aka_compute(k, rand, sqn, amf, &out), 0);
        tu_unhex("f9a54e6aeaa8618d", exp, sizeof exp);
        assert_memory_equal(out.mac_a, exp, 8);
    }
}

static void expect_accepted(const char *name, const uint8_t iccid[10])
{
    static const size_t segs[] = { 0, 1008, 1 };
    size_t len;
    uint8_t *der = load(name, &len);
    assert_true(tlv_well_formed(der, len, 32));
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
        struct outcome o = { 0 };
        install(der, len, iccid, segs[i], &o);
        if (o.rc != PPI_OK || o.status != ST_OK || o.aborted || o.n_status != 1)
            fail_msg("%s (segments of %zu): rc %d, status %ld, identification %ld", name,
                     segs[i], o.rc, o.status, o.id);
    }
    free(der);
}

static void expect_refused(const char *name, const uint8_t iccid[10], int rc, long status,
                           long id)
{
    static const size_t segs[] = { 0, 1008, 1 };
    size_t len;
    uint8_t *der = load(name, &len);
    for (size_t i = 0; i < sizeof segs / sizeof segs[0]; i++) {
        struct outcome o = { 0 };
        install(der, len, iccid, segs[i], &o);
        if (o.rc != rc || o.status != status || !o.aborted || (id != NO_ID && o.id != id))
            fail_msg("%s (segments of %zu): rc %d status %ld identification %ld aborted %d; "
                     "expected rc %d status %ld identification %ld", name, segs[i], o.rc,
                     o.status, o.id, o.aborted, rc, status, id);
    }
    free(der);
}

static void test_iot_minimal(void **state)
{
    (void)state;
    size_t len;
    uint8_t *der = load("iot-minimal", &len);
    assert_true(len >= 200 && len < 1024);          /* "a few hundred octets" */
    assert_int_equal(der[0], 0xA0);                 /* header first ... */
    assert_int_equal(der[len - 9], 0xAA);           /* ... end last (AA 07 A0 05 ...) */
    free(der);
    expect_accepted("iot-minimal", ICCID_IOT);
}

/* PE-IoT stands where PE-MF does (second) or nowhere */
static void test_bad_iot_late(void **state)
{
    (void)state;
    expect_refused("bad-iot-late", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, 60);
}

static void test_full_milenage(void **state)
{
    (void)state;
    expect_accepted("full-milenage", ICCID_MIL);
}

static void test_full_tuak(void **state)
{
    (void)state;
    expect_accepted("full-tuak", ICCID_TUAK);
}

static void test_full_csim(void **state)
{
    (void)state;
    expect_accepted("full-csim", ICCID_CSIM);
}

/* a CSIM file whose size C.S0065 leaves open, named without one */
static void test_bad_csim_nosize(void **state)
{
    (void)state;
    expect_refused("bad-csim-nosize", ICCID_SKEL, PPI_EPE, 3 /* bad-values */, 50);
}

static void test_skeleton(void **state)
{
    (void)state;
    /* the parts the malformed variants are made of form a valid profile */
    expect_accepted("skeleton", ICCID_SKEL);
}

static void test_iccid_mismatch(void **state)
{
    (void)state;
    expect_refused("iot-minimal", ICCID_MIL, PPI_EMISMATCH, 3 /* bad-values */, NO_ID);
    expect_refused("full-milenage", ICCID_IOT, PPI_EMISMATCH, 3, NO_ID);
}

static void test_wrong_order(void **state)
{
    (void)state;
    expect_refused("bad-order", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, NO_ID);
}

static void test_missing_end(void **state)
{
    (void)state;
    expect_refused("bad-no-end", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, NO_ID);
}

static void test_duplicate_header(void **state)
{
    (void)state;
    expect_refused("bad-dup-header", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, NO_ID);
}

static void test_unknown_template(void **state)
{
    (void)state;
    expect_refused("bad-template", ICCID_SKEL, PPI_EPE, ST_TEMPLATE_NOT_SUPP, 50);
}

static void test_truncated(void **state)
{
    (void)state;
    expect_refused("bad-truncated", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, NO_ID);
    expect_refused("bad-truncated-inner", ICCID_SKEL, PPI_EPE, ST_INVALID_FORMAT, NO_ID);
}

static void test_mandated_unsupported(void **state)
{
    (void)state;
    expect_refused("bad-mandated-app", ICCID_SKEL, PPI_EPE, ST_PE_NOT_SUPPORTED, 50);
    expect_refused("bad-mandated-rfu", ICCID_SKEL, PPI_EPE, ST_PE_NOT_SUPPORTED, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iot_minimal),
        cmocka_unit_test(test_full_milenage),
        cmocka_unit_test(test_full_tuak),
        cmocka_unit_test(test_full_csim),
        cmocka_unit_test(test_bad_csim_nosize),
        cmocka_unit_test(test_skeleton),
        cmocka_unit_test_teardown(test_iot_minimal_image, free_live),
        cmocka_unit_test_teardown(test_iot_template_image, free_live),
        cmocka_unit_test(test_bad_iot_late),
        cmocka_unit_test_teardown(test_full_milenage_image, free_live),
        cmocka_unit_test_teardown(test_full_tuak_image, free_live),
        cmocka_unit_test(test_iccid_mismatch),
        cmocka_unit_test(test_wrong_order),
        cmocka_unit_test(test_missing_end),
        cmocka_unit_test(test_duplicate_header),
        cmocka_unit_test(test_unknown_template),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_mandated_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
