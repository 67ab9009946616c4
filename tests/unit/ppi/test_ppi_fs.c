/* tests/unit/ppi/test_ppi_fs.c — the interpreter: every TS.48 profile becomes a profile
 * image (MF, EF.ICCID = header ICCID, EF.DIR lists USIM and ISIM, EF.IMSI as the usim PE
 * gives it, PINs with the profile's values and counters, NAA auth with the test
 * algorithm and K = 000102..0F), survives save/load; each malformed input gets its
 * peStatus (status, identification, additional-information). Profiles are built here
 * with the project's BER writer. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/profile_image.h"
#include "card/store.h"
#include "card/tlv.h"
#include "ppi/ppi.h"
#include "tests/common/test_util.h"

static const uint8_t HDR_ICCID[10] = { 0x89, 0x49, 0x44, 0x99, 0x99, 0x99, 0x99, 0x90,
                                       0x02, 0x3F };
static const uint8_t OID_MF[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x01 };
static const uint8_t OID_USIM[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x04 };
static const uint8_t OID_OPT_USIM[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x05 };
static const uint8_t OID_BAD[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x7F };
static const uint8_t USIM_AID[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF };
static const uint8_t IMSI[9] = { 0x08, 0x29, 0x10, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10 };
static const uint8_t K[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
                               0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF };
static const uint8_t OPC[16] = { 0x0F, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07,
                                 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00 };

/* ------------------------------------------------------------ builder */

struct opts {                   /* variations of the built profile */
    uint8_t major, minor;
    uint32_t bad_service;       /* ServicesList tag to add, 0 none */
    bool bad_gfste;
    bool bad_template;
    bool opt_usim_only;         /* opt-usim without a usim PE */
    bool second_usim;
    bool missing_puk;
    uint8_t aka_alg;            /* 0 = milenage default */
    bool aka_not_mandated;
    bool application;           /* add an application PE */
    bool application_mandated;
    bool gfm_overflow;
    bool gfm_link;
    uint8_t gfm_dflink;         /* with gfm_link: DF 5FFD under the MF linked to ADF.USIM
                                 * (1), to the MF (2), 1 plus an EF created under it (3) */
    bool usim_df_link;          /* usim PE, not mandated, EF.IMSI linked to the MF */
    bool usim_bad_tpl;          /* usim PE, not mandated, an unknown USIM template OID */
    bool no_usim_svc;           /* header does not list usim */
    bool no_milenage_svc;       /* header does not list milenage */
    const uint8_t *ust;         /* explicit EF.UST content (ust_len octets), NULL none */
    size_t ust_len;
};

static void pe_header(struct tlv_writer *w, bool mandated, unsigned id)
{
    static const uint8_t none[1];
    tlv_open(w, 0xA0);
    if (mandated)
        tlv_put(w, 0x80, none, 0);
    tlv_put_int(w, 0x81, id);
    tlv_close(w);
}

static void build(const struct opts *o, uint8_t *buf, size_t cap, size_t *len)
{
    static const uint8_t none[1];
    struct tlv_writer w;
    unsigned id = 1;
    tlv_writer_init(&w, buf, cap);
    /* header */
    tlv_open(&w, 0xA0);
    tlv_put_int(&w, 0x80, o->major ? o->major : 3);
    tlv_put_int(&w, 0x81, o->major ? o->minor : 3);
    tlv_put(&w, 0x83, HDR_ICCID, 10);
    tlv_open(&w, 0xA5);
    if (!o->no_usim_svc)
        tlv_put(&w, 0x81, none, 0);                      /* usim */
    if (!o->no_milenage_svc)
        tlv_put(&w, 0x84, none, 0);                      /* milenage */
    if (o->bad_service)
        tlv_put(&w, o->bad_service, none, 0);
    tlv_close(&w);
    tlv_open(&w, 0xA6);
    tlv_put(&w, 0x06, OID_MF, sizeof OID_MF);
    if (o->bad_gfste)
        tlv_put(&w, 0x06, OID_BAD, sizeof OID_BAD);
    tlv_close(&w);
    tlv_close(&w);
    /* mf: template only */
    tlv_open(&w, 0xB0);
    pe_header(&w, true, id++);
    tlv_put(&w, 0x81, o->bad_template ? OID_BAD : OID_MF, sizeof OID_MF);
    tlv_close(&w);
    /* pukCodes: PUK 01 = 12345678 (10/10) */
    tlv_open(&w, 0xA3);
    pe_header(&w, true, id++);
    tlv_open(&w, 0xA1);
    tlv_open(&w, 0x30);
    tlv_put_int(&w, 0x80, 1);
    tlv_put(&w, 0x81, (const uint8_t *)"12345678", 8);
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    /* pinCodes: PIN 01 = "1234" FF.., unblocked by PUK 01 (or 02), 3/2 tries, enabled;
     * ADM1 (0A) 8 digits, disabled attribute 6 */
    tlv_open(&w, 0xA2);
    pe_header(&w, true, id++);
    tlv_open(&w, 0xA1);
    tlv_open(&w, 0xA0);
    tlv_open(&w, 0x30);
    tlv_put_int(&w, 0x80, 1);
    tlv_put(&w, 0x81, (const uint8_t *)"1234\xFF\xFF\xFF\xFF", 8);
    tlv_put_int(&w, 0x82, o->missing_puk ? 2 : 1);
    tlv_put_int(&w, 0x84, 0x32);
    tlv_close(&w);
    tlv_open(&w, 0x30);
    tlv_put_int(&w, 0x80, 0x0A);
    tlv_put(&w, 0x81, (const uint8_t *)"87654321", 8);
    tlv_put_int(&w, 0x83, 6);
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    /* usim: ADF (temporary FID 7FD0) + EF.IMSI */
    for (int n = 0; n < (o->second_usim ? 2 : 1) && !o->opt_usim_only; n++) {
        tlv_open(&w, 0xB3);
        pe_header(&w, !o->usim_df_link && !o->usim_bad_tpl, id++);
        static const uint8_t oid_usim_9[] = { 0x67, 0x81, 0x0F, 0x01, 0x02, 0x04, 0x09 };
        if (o->usim_bad_tpl)
            tlv_put(&w, 0x81, oid_usim_9, sizeof oid_usim_9);
        else
            tlv_put(&w, 0x81, OID_USIM, sizeof OID_USIM);
        tlv_open(&w, 0xA2);
        tlv_open(&w, 0xA1);
        tlv_put(&w, 0x82, (const uint8_t *)"\x78\x21", 2);
        tlv_put(&w, 0x83, (const uint8_t *)"\x7F\xD0", 2);
        tlv_put(&w, 0x84, USIM_AID, sizeof USIM_AID);
        tlv_close(&w);
        tlv_close(&w);
        tlv_open(&w, 0xA3);
        if (o->usim_df_link) {
            tlv_open(&w, 0xA1);
            tlv_put(&w, 0xC7, (const uint8_t *)"\x3F\x00", 2);
            tlv_close(&w);
        } else {
            tlv_put(&w, 0x83, IMSI, sizeof IMSI);
        }
        tlv_close(&w);
        if (o->ust) {                                    /* ef-ust [8] */
            tlv_open(&w, 0xA8);
            tlv_put(&w, 0x83, o->ust, o->ust_len);
            tlv_close(&w);
        }
        tlv_close(&w);
    }
    if (o->opt_usim_only) {
        tlv_open(&w, 0xB4);
        pe_header(&w, true, id++);
        tlv_put(&w, 0x81, OID_OPT_USIM, sizeof OID_OPT_USIM);
        tlv_close(&w);
    }
    /* akaParameter */
    tlv_open(&w, 0xA4);
    pe_header(&w, !o->aka_not_mandated, id++);
    tlv_open(&w, 0xA1);
    tlv_open(&w, 0xA1);
    tlv_put_int(&w, 0x80, o->aka_alg ? o->aka_alg : 1);
    tlv_put(&w, 0x81, none, 1);
    tlv_put(&w, 0x82, K, 16);
    tlv_put(&w, 0x83, OPC, 16);
    tlv_put(&w, 0x84, (const uint8_t *)"\x41\x01\x21\x41\x61", 5);
    tlv_close(&w);
    tlv_close(&w);
    tlv_put(&w, 0x82, (const uint8_t *)"\x01", 1);     /* sqnOptions: no check */
    tlv_close(&w);
    /* genericFileManagement: EF 6FFE (transparent 4) under ADF.USIM, filled */
    if (o->gfm_overflow || o->gfm_link) {
        tlv_open(&w, 0xA1);
        pe_header(&w, true, id++);
        tlv_open(&w, 0xA1);
        tlv_open(&w, 0x30);
        tlv_put(&w, 0x80, (const uint8_t *)"\x7F\xD0", 2);
        tlv_open(&w, 0x62);
        tlv_put(&w, 0x82, (const uint8_t *)"\x41\x21", 2);
        tlv_put(&w, 0x83, (const uint8_t *)"\x6F\xFE", 2);
        tlv_put(&w, 0x80, (const uint8_t *)"\x04", 1);
        tlv_close(&w);
        tlv_put_int(&w, 0x02, 1);
        tlv_put(&w, 0x81, (const uint8_t *)"\xAA\xBB\xCC\xDD", o->gfm_overflow ? 4 : 3);
        if (o->gfm_link) {                              /* 2FFD under MF -> 6FFE */
            tlv_put(&w, 0x80, none, 0);
            tlv_open(&w, 0x62);
            tlv_put(&w, 0x82, (const uint8_t *)"\x41\x21", 2);
            tlv_put(&w, 0x83, (const uint8_t *)"\x2F\xFD", 2);
            tlv_put(&w, 0xC7, (const uint8_t *)"\x7F\xD0\x6F\xFE", 4);
            tlv_close(&w);
        }
        if (o->gfm_dflink) {
            tlv_put(&w, 0x80, none, 0);
            tlv_open(&w, 0x62);
            tlv_put(&w, 0x82, (const uint8_t *)"\x78\x21", 2);
            tlv_put(&w, 0x83, (const uint8_t *)"\x5F\xFD", 2);
            tlv_put(&w, 0xC7, o->gfm_dflink == 2 ? (const uint8_t *)"\x3F\x00"
                                                 : (const uint8_t *)"\x7F\xD0", 2);
            tlv_close(&w);
            if (o->gfm_dflink == 3) {                   /* the link DF is current now */
                tlv_open(&w, 0x62);
                tlv_put(&w, 0x82, (const uint8_t *)"\x41\x21", 2);
                tlv_put(&w, 0x83, (const uint8_t *)"\x6F\x01", 2);
                tlv_put(&w, 0x80, (const uint8_t *)"\x01", 1);
                tlv_close(&w);
            }
        }
        tlv_close(&w);
        tlv_close(&w);
        tlv_close(&w);
    }
    if (o->application) {
        tlv_open(&w, 0xA8);
        pe_header(&w, o->application_mandated, 77);
        tlv_close(&w);
    }
    tlv_open(&w, 0xAA);
    pe_header(&w, true, 99);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    *len = w.len;
}

static void meta_of(const uint8_t hdr[10], uint8_t meta[10])
{
    for (int k = 0; k < 10; k++)
        meta[k] = (uint8_t)(hdr[k] << 4 | hdr[k] >> 4);
}

/* Install o's profile; returns finish's result, the response in resp. The install is
 * returned through *out when non-NULL (caller frees). */
static int run(const struct opts *o, size_t budget, uint8_t *resp, size_t *rl,
               struct ppi_install **out)
{
    uint8_t buf[4096], meta[10], local[256];
    size_t n;
    struct tlv_writer w;
    build(o, buf, sizeof buf, &n);
    meta_of(HDR_ICCID, meta);
    struct ppi_install *p = ppi_install_begin(meta, budget);
    assert_non_null(p);
    for (size_t off = 0; off < n; off += 5)          /* small slices */
        if (ppi_install_feed(p, buf + off, n - off < 5 ? n - off : 5) != PPI_OK)
            break;
    tlv_writer_init(&w, resp ? resp : local, 256);
    int rc = ppi_install_finish(p, &w);
    assert_true(tlv_writer_ok(&w));
    if (rl)
        *rl = w.len;
    if (out)
        *out = p;
    else
        ppi_install_free(p);
    return rc;
}

/* The last PEStatus of a response: status, identification, additional info (-1). */
static void last_status(const uint8_t *r, size_t rl, long *st, long *id, long *info,
                        bool *aborted)
{
    struct tlv top, list, e = {0}, f;
    struct tlv_cursor c;
    int64_t v;
    assert_true(tlv_parse(r, rl, &top));
    assert_true(tlv_find(top.value, top.len, 0xA0, &list));
    *aborted = tlv_find(top.value, top.len, 0x81, &f);
    tlv_cursor_init(&c, list.value, list.len);
    bool any = false;
    while (tlv_next(&c, &f)) {
        e = f;
        any = true;
    }
    assert_true(any);
    *st = *id = *info = -1;
    if (tlv_find(e.value, e.len, 0x80, &f) && tlv_get_int(f.value, f.len, &v))
        *st = (long)v;
    if (tlv_find(e.value, e.len, 0x81, &f) && tlv_get_int(f.value, f.len, &v))
        *id = (long)v;
    if (tlv_find(e.value, e.len, 0x82, &f) && tlv_get_int(f.value, f.len, &v))
        *info = (long)v;
}

static void expect_status(const struct opts *o, int rc_exp, long st_exp, long id_exp,
                          long info_exp)
{
    uint8_t r[256];
    size_t rl;
    long st, id, info;
    bool ab;
    int rc = run(o, 1u << 20, r, &rl, NULL);
    assert_int_equal(rc, rc_exp);
    last_status(r, rl, &st, &id, &info, &ab);
    assert_int_equal(st, st_exp);
    assert_int_equal(id, id_exp);
    if (info_exp != -2)
        assert_int_equal(info, info_exp);
    assert_int_equal(ab, rc_exp != PPI_OK);
}

/* ------------------------------------------------------------ own profiles */

static void test_built_profile(void **state)
{
    (void)state;
    struct opts o = {0};
    struct ppi_install *p;
    uint8_t r[256];
    size_t rl;
    assert_int_equal(run(&o, 1u << 20, r, &rl, &p), PPI_OK);
    const struct profile_image *img = ppi_install_image(p);
    assert_non_null(img);
    const struct fs *fs = &img->fs;
    assert_true(fs->n > 3);
    assert_int_equal(fs->files[0].type, FS_MF);
    int adf = fs_find_adf(fs, USIM_AID, 7, 0);
    assert_int_not_equal(adf, FS_NONE);
    int imsi = fs_child(fs, adf, 0x6F07);
    assert_int_not_equal(imsi, FS_NONE);
    assert_int_equal(fs->files[imsi].sfi, 7);
    assert_memory_equal(fs->files[imsi].data, IMSI, 9);
    /* PINs */
    struct pin_set pins = img->pins;
    struct pin *pin1 = pin_find(&pins, 1), *adm = pin_find(&pins, 0x0A);
    assert_non_null(pin1);
    assert_non_null(adm);
    assert_memory_equal(pin1->value, "1234\xFF\xFF\xFF\xFF", 8);
    assert_int_equal(pin1->tries_max, 3);
    assert_int_equal(pin1->tries_left, 2);
    assert_true(pin1->enabled);
    assert_true(pin1->has_puk);
    assert_memory_equal(pin1->puk, "12345678", 8);
    assert_int_equal(pin1->puk_tries_max, 10);
    assert_false(adm->enabled);                      /* attributes 6: b1 clear */
    assert_false(adm->has_puk);
    assert_int_equal(adm->tries_max, 3);
    /* NAA: Milenage with the profile's constants, for ADF.USIM */
    assert_int_equal(img->n_naa, 1);
    assert_int_equal(img->naa[0].adf, adf);
    assert_int_equal(img->naa[0].aka.alg, AKA_MILENAGE);
    assert_memory_equal(img->naa[0].aka.k, K, 16);
    assert_memory_equal(img->naa[0].aka.opc, OPC, 16);
    assert_memory_equal(img->naa[0].aka.r, "\x41\x01\x21\x41\x61", 5);
    assert_false(img->naa[0].sqn_check);
    size_t sz = ppi_install_size(p);
    assert_true(sz > 0);
    ppi_install_free(p);

    /* budget: exactly the image fits, one octet less does not */
    assert_int_equal(run(&o, sz, NULL, NULL, NULL), PPI_OK);
    assert_int_equal(run(&o, sz - 1, r, &rl, NULL), PPI_EMEMORY);
    long st, id, info;
    bool ab;
    last_status(r, rl, &st, &id, &info, &ab);
    assert_int_equal(st, 4);
    assert_true(ab);
}

static void test_gfm(void **state)
{
    (void)state;
    struct opts o = { .gfm_link = true };
    struct ppi_install *p;
    assert_int_equal(run(&o, 1u << 20, NULL, NULL, &p), PPI_OK);
    const struct fs *fs = &ppi_install_image(p)->fs;
    int adf = fs_find_adf(fs, USIM_AID, 7, 0);
    int ef = fs_child(fs, adf, 0x6FFE), ln = fs_child(fs, 0, 0x2FFD);
    assert_int_not_equal(ef, FS_NONE);
    assert_int_not_equal(ln, FS_NONE);
    assert_memory_equal(fs->files[ef].data, "\xFF\xAA\xBB\xCC", 4);   /* offset 1 */
    assert_int_equal(fs->files[ef].sfi, 0x1E);        /* 5 low bits of 6FFE */
    assert_int_equal(fs_content_of(fs, ln), ef);
    ppi_install_free(p);
    /* a DF linked to ADF.USIM: its files are the ADF's (SAIP dfLink) */
    o = (struct opts){ .gfm_link = true, .gfm_dflink = 1 };
    assert_int_equal(run(&o, 1u << 20, NULL, NULL, &p), PPI_OK);
    fs = &ppi_install_image(p)->fs;
    adf = fs_find_adf(fs, USIM_AID, 7, 0);
    int dl = fs_child(fs, 0, 0x5FFD);
    assert_int_not_equal(dl, FS_NONE);
    assert_int_equal(fs->files[dl].type, FS_DF);
    assert_int_equal(fs->files[dl].link, adf);
    assert_int_equal(fs_child(fs, dl, 0x6FFE), fs_child(fs, adf, 0x6FFE));
    assert_int_equal(fs_child(fs, dl, 0x6F07), fs_child(fs, adf, 0x6F07));
    ppi_install_free(p);
    /* a DF linked to the MF, or a file created under a linked DF: bad-values */
    o = (struct opts){ .gfm_link = true, .gfm_dflink = 2 };
    expect_status(&o, PPI_EPE, 3, 6, -2);
    o = (struct opts){ .gfm_link = true, .gfm_dflink = 3 };
    expect_status(&o, PPI_EPE, 3, 6, -2);
}

static void test_pe_errors(void **state)
{
    (void)state;
    struct opts o;
    /* header: version 3.4 → unsupported-profile-version */
    o = (struct opts){ .major = 3, .minor = 4 };
    expect_status(&o, PPI_EVERSION, 31, -1, -1);
    /* header: a mandatory service the card lacks (contactless 80, eaka 9D) */
    o = (struct opts){ .bad_service = 0x80 };
    expect_status(&o, PPI_EPE, 10, -1, 0);
    o = (struct opts){ .bad_service = 0x9D };
    expect_status(&o, PPI_EPE, 10, -1, 0x1D);
    /* header: unknown template OID in the GFSTE list (second entry) */
    o = (struct opts){ .bad_gfste = true };
    expect_status(&o, PPI_EPE, 9, -1, 1);
    /* mf with an unknown templateID */
    o = (struct opts){ .bad_template = true };
    expect_status(&o, PPI_EPE, 9, 1, -1);
    /* PIN naming a PUK not defined → pin-code-missing */
    o = (struct opts){ .missing_puk = true };
    expect_status(&o, PPI_EPE, 11, 3, -1);
    /* opt-usim without a usim PE → bad-values */
    o = (struct opts){ .opt_usim_only = true };
    expect_status(&o, PPI_EPE, 3, 4, -1);
    /* two usim PEs → invalid-request-format */
    o = (struct opts){ .second_usim = true };
    expect_status(&o, PPI_EPE, 5, 5, -1);
    /* unknown algorithm: mandated aborts, not mandated is skipped */
    o = (struct opts){ .aka_alg = 9 };
    expect_status(&o, PPI_EPE, 10, 5, -1);
    o = (struct opts){ .aka_alg = 9, .aka_not_mandated = true, .no_milenage_svc = true };
    uint8_t r[256];
    size_t rl;
    struct ppi_install *p;
    assert_int_equal(run(&o, 1u << 20, r, &rl, &p), PPI_OK);
    assert_int_equal(ppi_install_image(p)->n_naa, 0);
    ppi_install_free(p);
    /* application PE: not executed; reported pe-not-supported, fatal only if mandated */
    o = (struct opts){ .application = true };
    assert_int_equal(run(&o, 1u << 20, r, &rl, NULL), PPI_OK);
    struct tlv top, list, first, f;
    assert_true(tlv_parse(r, rl, &top));
    assert_true(tlv_find(top.value, top.len, 0xA0, &list));
    assert_true(tlv_parse(list.value, list.len, &first));
    assert_true(tlv_find(first.value, first.len, 0x80, &f));
    assert_int_equal(f.value[0], 1);
    assert_true(tlv_find(first.value, first.len, 0x81, &f));
    assert_int_equal(f.value[0], 77);
    o = (struct opts){ .application = true, .application_mandated = true };
    expect_status(&o, PPI_EPE, 1, 77, -1);
    /* an EF linked to a DF is malformed (bad-values), fatal even in a PE not mandated */
    o = (struct opts){ .usim_df_link = true, .no_usim_svc = true };
    expect_status(&o, PPI_EPE, 3, 4, -1);
    /* a non-mandated usim PE with an unsupported template is reported and skipped
     * whole: no ADF, the NAA then serves every NAA */
    o = (struct opts){ .usim_bad_tpl = true, .no_usim_svc = true };
    assert_int_equal(run(&o, 1u << 20, r, &rl, &p), PPI_OK);
    assert_int_equal(fs_find_adf(&ppi_install_image(p)->fs, USIM_AID, 7, 0), FS_NONE);
    for (size_t i = 0; i < ppi_install_image(p)->fs.n; i++) {  /* nothing of the usim */
        assert_int_not_equal(ppi_install_image(p)->fs.files[i].type, FS_ADF);
        assert_int_not_equal(ppi_install_image(p)->fs.files[i].fid, 0x6F07);
    }
    assert_int_equal(ppi_install_image(p)->naa[0].adf, FS_NONE);
    assert_true(tlv_parse(r, rl, &top));
    assert_true(tlv_find(top.value, top.len, 0xA0, &list));
    assert_true(tlv_parse(list.value, list.len, &first));
    assert_true(tlv_find(first.value, first.len, 0x80, &f));
    assert_int_equal(f.value[0], 9);
    ppi_install_free(p);
    /* fillFileContent beyond the file → bad-values */
    o = (struct opts){ .gfm_overflow = true };
    expect_status(&o, PPI_EPE, 3, 6, -1);
}

/* ------------------------------------------------------------ TS.48 profiles */

/* Independent reading of the UPP: the usim PE's EF.IMSI content and the PIN entries. */
static void check_against_upp(const uint8_t *upp, size_t len, const struct profile_image *img,
                              int usim, const char *name)
{
    struct tlv_cursor c, in, l2, e;
    struct tlv pe, t, u, x;
    bool imsi_seen = false;
    unsigned pins_checked = 0;
    tlv_cursor_init(&c, upp, len);
    while (tlv_next(&c, &pe)) {
        if (pe.tag == 0xB3 && tlv_find(pe.value, pe.len, 0xA3, &t) &&
            tlv_find(t.value, t.len, 0x83, &u)) {
            int f = fs_child(&img->fs, usim, 0x6F07);
            assert_int_not_equal(f, FS_NONE);
            assert_true(img->fs.files[f].size >= u.len);
            assert_memory_equal(img->fs.files[f].data, u.value, u.len);
            imsi_seen = true;
        }
        if (pe.tag == 0xA2 && tlv_find(pe.value, pe.len, 0xA1, &t) &&
            tlv_find(t.value, t.len, 0xA0, &u)) {
            tlv_enter(&u, &in);
            while (tlv_next(&in, &x)) {
                struct tlv ref, val, cnt;
                uint32_t r, cv = 0x33;
                assert_true(tlv_find(x.value, x.len, 0x80, &ref));
                assert_true(tlv_find(x.value, x.len, 0x81, &val));
                assert_true(tlv_get_uint(ref.value, ref.len, &r));
                if (tlv_find(x.value, x.len, 0x84, &cnt))
                    assert_true(tlv_get_uint(cnt.value, cnt.len, &cv));
                struct pin_set ps = img->pins;
                struct pin *p = pin_find(&ps, (uint8_t)r);
                if (!p)
                    fail_msg("%s: PIN %02X missing", name, r);
                assert_memory_equal(p->value, val.value, 8);
                assert_int_equal(p->tries_max, cv >> 4);
                assert_int_equal(p->tries_left, cv & 15);
                pins_checked++;
            }
        }
    }
    (void)l2;
    (void)e;
    assert_true(imsi_seen);
    assert_true(pins_checked >= 3);
}

static bool dir_lists(const struct fs *fs, const uint8_t *aid, size_t n)
{
    int dir = fs_child(fs, 0, 0x2F00);
    if (dir == FS_NONE)
        return false;
    const struct fs_file *f = &fs->files[fs_content_of(fs, dir)];
    for (unsigned r = 0; r < f->rec_count; r++) {
        const uint8_t *rec = f->data + (size_t)r * f->rec_len;
        for (unsigned i = 0; i + n <= f->rec_len; i++)
            if (memcmp(rec + i, aid, n) == 0)
                return true;
    }
    return false;
}

static void check_image(const uint8_t *upp, size_t len, const struct profile_image *img,
                        const char *name)
{
    static const uint8_t usim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
    static const uint8_t isim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04 };
    static const uint8_t k[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    struct tlv h, ic;
    const struct fs *fs = &img->fs;
    assert_true(fs->n > 10);
    assert_int_equal(fs->files[0].type, FS_MF);
    assert_int_equal(fs->files[0].fid, 0x3F00);
    /* EF.ICCID = the header's ICCID in EF coding */
    assert_true(tlv_parse(upp, len, &h));
    assert_true(tlv_find(h.value, h.len, 0x83, &ic));
    int iccid = fs_child(fs, 0, 0x2FE2);
    assert_int_not_equal(iccid, FS_NONE);
    for (int i = 0; i < 10; i++)
        assert_int_equal(fs->files[iccid].data[i],
                         (uint8_t)(ic.value[i] << 4 | ic.value[i] >> 4));
    if (!dir_lists(fs, usim_aid, sizeof usim_aid) || !dir_lists(fs, isim_aid, sizeof isim_aid))
        fail_msg("%s: EF.DIR does not list USIM and ISIM", name);
    int usim = fs_find_adf(fs, usim_aid, sizeof usim_aid, 0);
    int isim = fs_find_adf(fs, isim_aid, sizeof isim_aid, 0);
    assert_int_not_equal(usim, FS_NONE);
    assert_int_not_equal(isim, FS_NONE);
    check_against_upp(upp, len, img, usim, name);
    /* NAA auth: test algorithm, K = 000102..0F; the first for ADF.USIM */
    assert_true(img->n_naa >= 1);
    assert_int_equal(img->naa[0].adf, usim);
    for (size_t i = 0; i < img->n_naa; i++) {
        assert_int_equal(img->naa[i].aka.alg, AKA_TEST);
        assert_int_equal(img->naa[i].aka.k_len, 16);
        assert_memory_equal(img->naa[i].aka.k, k, 16);
    }
    assert_true(img->n_sd >= 1);
}


/* ------------------------------------------------------------ service tables */

/* The service bits the card keeps, worked out by hand from TS 31.102 §4.2.8 / TS 31.103
 * §4.2.7 and the card's abilities (no USAT, no GBA/MBMS/VGCS/HTTP-Digest contexts, no
 * GET IDENTITY; USIM services up to 146, ISIM up to 22): byte k covers 8k+1..8k+8. */
static const uint8_t UST_MASK[19] = { 0xFF, 0xFF, 0xFF, 0x07, 0xFF, 0xFF, 0xDF, 0x7F,
                                      0x46, 0x73, 0xBF, 0xAF, 0x5B, 0xFE, 0xFE, 0x6F,
                                      0xFF, 0xFF, 0x03 };
static const uint8_t IST_MASK[3] = { 0x71, 0x40, 0x3F };

static uint8_t mask_at(const uint8_t *m, size_t n, size_t i)
{
    return i < n ? m[i] : 0x00;
}

/* Content of field ftag of the first PE petag of a UPP (fillFileContent after relative
 * fillFileOffsets, from offset 0); length in *n, 0 when absent. */
static void upp_field_content(const uint8_t *upp, size_t len, uint32_t petag, uint32_t ftag,
                              uint8_t *out, size_t cap, size_t *n)
{
    struct tlv_cursor c, fc;
    struct tlv pe, fld, e;
    int64_t v;
    size_t pos = 0;
    *n = 0;
    memset(out, 0xFF, cap);
    tlv_cursor_init(&c, upp, len);
    while (tlv_next(&c, &pe))
        if (pe.tag == petag)
            break;
    if (pe.tag != petag || !tlv_find(pe.value, pe.len, ftag, &fld))
        return;
    tlv_cursor_init(&fc, fld.value, fld.len);
    while (tlv_next(&fc, &e)) {
        if (e.tag == 0x82 && tlv_get_int(e.value, e.len, &v) && v >= 0) {
            pos += (size_t)v;
        } else if (e.tag == 0x83) {
            assert_true(pos + e.len <= cap);
            memcpy(out + pos, e.value, e.len);
            pos += e.len;
            if (pos > *n)
                *n = pos;
        }
    }
}

/* EF fid of the nth ADF with the 7-octet AID prefix aid: its content, or NULL. */
static const struct fs_file *adf_ef(const struct profile_image *img, const uint8_t *aid,
                                    uint16_t fid)
{
    int adf = fs_find_adf(&img->fs, aid, 7, 0);
    if (adf == FS_NONE)
        return NULL;
    int ef = fs_child(&img->fs, adf, fid);
    int ci = ef == FS_NONE ? FS_NONE : fs_content_of(&img->fs, ef);
    return ci == FS_NONE ? NULL : &img->fs.files[ci];
}

/* Returns how many octets the trimming changed. */
static int check_table(const uint8_t *upp, size_t len, const struct profile_image *img,
                       uint32_t petag, uint32_t ftag, const uint8_t *aid, uint16_t fid,
                       const uint8_t *mask, size_t mask_len, const char *name)
{
    uint8_t orig[64];
    size_t n;
    int changed = 0;
    upp_field_content(upp, len, petag, ftag, orig, sizeof orig, &n);
    const struct fs_file *f = adf_ef(img, aid, fid);
    if (n == 0 || !f)
        return 0;
    assert_non_null(f->data);
    for (size_t i = 0; i < n && i < f->data_len; i++) {
        uint8_t want = orig[i] & mask_at(mask, mask_len, i);
        if (f->data[i] != want)
            fail_msg("%s: %04X octet %zu = %02X, want %02X", name, fid, i, f->data[i], want);
        changed += want != orig[i];
    }
    return changed;
}

static int ts48_tables_changed;

static void check_service_tables(const uint8_t *upp, size_t len,
                                 const struct profile_image *img, const char *name)
{
    static const uint8_t usim[7] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
    static const uint8_t isim[7] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04 };
    ts48_tables_changed += check_table(upp, len, img, 0xB3, 0xA8, usim, 0x6F38, UST_MASK,
                                       sizeof UST_MASK, name);
    ts48_tables_changed += check_table(upp, len, img, 0xB5, 0xA6, isim, 0x6F07, IST_MASK,
                                       sizeof IST_MASK, name);
}

/* A built profile with EF.UST all ones (USIM v1 template: 14 octets, services 1..112)
 * keeps exactly the supported services. */
static void test_ust_trimmed(void **state)
{
    (void)state;
    uint8_t ones[14];
    memset(ones, 0xFF, sizeof ones);
    struct opts o = { .ust = ones, .ust_len = sizeof ones };
    struct ppi_install *p;
    assert_int_equal(run(&o, 1u << 20, NULL, NULL, &p), PPI_OK);
    const struct fs_file *f = adf_ef(ppi_install_image(p), USIM_AID, 0x6F38);
    assert_non_null(f);
    assert_int_equal(f->data_len, 14);
    assert_memory_equal(f->data, UST_MASK, 14);
    ppi_install_free(p);
    /* nothing set: nothing to clear */
    memset(ones, 0x00, sizeof ones);
    assert_int_equal(run(&o, 1u << 20, NULL, NULL, &p), PPI_OK);
    f = adf_ef(ppi_install_image(p), USIM_AID, 0x6F38);
    assert_non_null(f);
    for (size_t i = 0; i < 14; i++)
        assert_int_equal(f->data[i], 0);
    ppi_install_free(p);
}

/* eUICC-Mandatory-services that the PEs do not back: bad-values, no identification,
 * the service's tag number as additional-information; nothing installed. */
static void test_mandatory_services(void **state)
{
    (void)state;
    struct opts o;
    /* isim listed, no ADF.ISIM */
    o = (struct opts){ .bad_service = 0x82 };
    expect_status(&o, PPI_EPE, 3, -1, 2);
    /* csim listed, no ADF.CSIM */
    o = (struct opts){ .bad_service = 0x83 };
    expect_status(&o, PPI_EPE, 3, -1, 3);
    /* tuak128 / tuak256 / test algorithm listed, only Milenage present */
    o = (struct opts){ .bad_service = 0x85 };
    expect_status(&o, PPI_EPE, 3, -1, 5);
    o = (struct opts){ .bad_service = 0x90 };
    expect_status(&o, PPI_EPE, 3, -1, 16);
    o = (struct opts){ .bad_service = 0x91 };
    expect_status(&o, PPI_EPE, 3, -1, 17);
    /* milenage listed, the akaParameter is the test algorithm */
    o = (struct opts){ .aka_alg = 3 };
    expect_status(&o, PPI_EPE, 3, -1, 4);
    /* ... and consistent once milenage is not listed */
    o = (struct opts){ .aka_alg = 3, .no_milenage_svc = true };
    expect_status(&o, PPI_OK, 0, -1, -1);
    /* milenage listed, its (not mandated, unsupported) akaParameter skipped */
    o = (struct opts){ .aka_alg = 9, .aka_not_mandated = true };
    expect_status(&o, PPI_EPE, 3, -1, 4);
    /* usim listed, the (not mandated) usim PE skipped */
    o = (struct opts){ .usim_bad_tpl = true };
    expect_status(&o, PPI_EPE, 3, -1, 1);
    /* the failed install has no image and cannot be committed */
    struct ppi_install *p;
    struct store *s;
    o = (struct opts){ .bad_service = 0x82 };
    assert_int_equal(run(&o, 1u << 20, NULL, NULL, &p), PPI_EPE);
    assert_null(ppi_install_image(p));
    assert_int_equal(store_open_memory(&s), 0);
    assert_int_equal(ppi_install_commit(p, s, 2), PPI_ESTATE);
    store_close(s);
    ppi_install_free(p);
}

static void install_ts48(const uint8_t *upp, size_t len, size_t slice, const char *name)
{
    uint8_t meta[10], resp[64];
    struct tlv h, ic;
    assert_true(tlv_parse(upp, len, &h));
    assert_true(tlv_find(h.value, h.len, 0x83, &ic));
    meta_of(ic.value, meta);
    struct ppi_install *p = ppi_install_begin(meta, 1u << 20);
    assert_non_null(p);
    for (size_t off = 0; off < len; off += slice) {
        if (ppi_install_feed(p, upp + off, len - off < slice ? len - off : slice) != PPI_OK)
            break;
    }
    struct tlv_writer w;
    tlv_writer_init(&w, resp, sizeof resp);
    int rc = ppi_install_finish(p, &w);
    if (rc != PPI_OK) {
        print_error("%s: ", name);
        for (size_t i = 0; i < w.len; i++)
            print_error("%02X", resp[i]);
        print_error("\n");
        fail_msg("%s: finish %d", name, rc);
    }
    const struct profile_image *img = ppi_install_image(p);
    assert_non_null(img);
    check_image(upp, len, img, name);
    check_service_tables(upp, len, img, name);
    /* persisted and read back: the same facts */
    struct store *s;
    struct profile_image back;
    assert_int_equal(store_open_memory(&s), 0);
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(ppi_install_commit(p, s, 2), PPI_OK);
    assert_int_equal(store_commit(s), 0);
    assert_int_equal(store_reload(s), 0);
    profile_image_init(&back);
    assert_int_equal(profile_image_load(s, 2, &back), 0);
    check_image(upp, len, &back, name);
    check_service_tables(upp, len, &back, name);
    assert_int_equal(back.fs.n, img->fs.n);
    print_message("%s: %zu files, image %zu octets (UPP %zu)\n", name, img->fs.n,
                  ppi_install_size(p), len);
    profile_image_free(&back);
    store_close(s);
    ppi_install_free(p);
}

static void test_ts48_images(void **state)
{
    (void)state;
    char dir[1024], path[1400];
    snprintf(dir, sizeof dir, "%s/profiles/ts48", tu_shared_dir());
    DIR *d = opendir(dir);
    if (!d) {
        print_message("SKIP: %s absent (set EUICC_EMU_SHARED)\n", dir);
        skip();
    }
    struct dirent *e;
    int count = 0;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".der") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = 0;
        uint8_t *upp = tu_read_file(path, &len);
        assert_non_null(upp);
        install_ts48(upp, len, 1008, e->d_name);
        install_ts48(upp, len, 13, e->d_name);
        free(upp);
        count++;
    }
    closedir(d);
    assert_true(count > 0);
    assert_true(ts48_tables_changed > 0);     /* TS.48 sets services the card lacks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_built_profile),
        cmocka_unit_test(test_gfm),
        cmocka_unit_test(test_pe_errors),
        cmocka_unit_test(test_ts48_images),
        cmocka_unit_test(test_ust_trimmed),
        cmocka_unit_test(test_mandatory_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
