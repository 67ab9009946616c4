/* tests/unit/ppi/test_ppi.c — the streaming SAIP decoder: every TS.48 profile in
 * $EUICC_EMU_SHARED/profiles/ts48 (default ../shared) in slices of 1, 7, 1008 and
 * whole; each structure error; ICCID mismatch; memory budget; commit and load back.
 * (The image contents: test_ppi_fs.c.) */
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

/* ICCID 8949449999999990023F (header coding) = 989444999999990920F3 (EF.ICCID) */
static const uint8_t META_ICCID[10] = { 0x98, 0x94, 0x44, 0x99, 0x99, 0x99, 0x99, 0x09,
                                        0x20, 0xF3 };
#define HDR_ICCID "830A 8949449999999990023F"
#define HEADER_21 "A016 800102 810101" HDR_ICCID " A500 A600"
#define MF_1      "B00D A003 810101 8106 67810F010201"   /* MF template only */
#define END_2     "AA05 A003 810102"
#define OK_RESPONSE "3007 A005 3003 800100"

static void expect_hex(const uint8_t *got, size_t len, const char *exp_hex)
{
    uint8_t exp[512];
    size_t n = tu_unhex(exp_hex, exp, sizeof exp);
    if (len != n || memcmp(got, exp, n) != 0) {
        print_error("expected %s, got ", exp_hex);
        for (size_t i = 0; i < len; i++)
            print_error("%02X", got[i]);
        print_error("\n");
        fail();
    }
}

/* Run a whole stream given in hex in one feed; returns finish's result and the
 * EUICCResponse in resp/resp_len. */
static int run_hex(const char *stream_hex, const uint8_t *iccid, size_t budget,
                   uint8_t *resp, size_t *resp_len, size_t *kept)
{
    uint8_t *buf = malloc(65536);
    size_t n = tu_unhex(stream_hex, buf, 65536);
    struct ppi_install *p = ppi_install_begin(iccid, budget);
    assert_non_null(p);
    int feed = ppi_install_feed(p, buf, n);
    struct tlv_writer w;
    uint8_t local[512];
    tlv_writer_init(&w, resp ? resp : local, 512);
    int rc = ppi_install_finish(p, &w);
    assert_true(tlv_writer_ok(&w));
    if (resp_len)
        *resp_len = w.len;
    if (kept)
        *kept = ppi_install_size(p);
    if (feed != PPI_OK)
        assert_int_equal(rc, feed);        /* finish repeats the first error */
    ppi_install_free(p);
    free(buf);
    return rc;
}

static void test_minimal_profile(void **state)
{
    (void)state;
    uint8_t resp[512];
    size_t rl, kept;
    assert_int_equal(run_hex(HEADER_21 MF_1 END_2, META_ICCID, 4096, resp, &rl, &kept),
                     PPI_OK);
    expect_hex(resp, rl, OK_RESPONSE);
    assert_true(kept > 0);                          /* the image's size */
    /* versions 2.x and 3.0-3.3 are supported */
    assert_int_equal(run_hex("A016 800102 810109" HDR_ICCID " A500 A600" MF_1 END_2,
                             META_ICCID, 4096, NULL, NULL, NULL), PPI_OK);
    assert_int_equal(run_hex("A016 800103 810103" HDR_ICCID " A500 A600" MF_1 END_2,
                             META_ICCID, 4096, NULL, NULL, NULL), PPI_OK);
    /* mandated known PE is fine */
    assert_int_equal(run_hex(HEADER_21 "B00F A005 8000 810101 8106 67810F010201" END_2,
                             META_ICCID, 4096,
                             NULL, NULL, NULL), PPI_OK);
}

static void test_version(void **state)
{
    (void)state;
    uint8_t resp[512];
    size_t rl;
    assert_int_equal(run_hex("A016 800103 810104" HDR_ICCID " A500 A600" MF_1 END_2,
                             META_ICCID, 4096, resp, &rl, NULL), PPI_EVERSION);
    expect_hex(resp, rl, "3009 A005 3003 80011F 8100");
    assert_int_equal(run_hex("A016 800101 810100" HDR_ICCID " A500 A600" MF_1 END_2,
                             META_ICCID, 4096, NULL, NULL, NULL), PPI_EVERSION);
    assert_int_equal(run_hex("A016 800104 810100" HDR_ICCID " A500 A600" MF_1 END_2,
                             META_ICCID, 4096, NULL, NULL, NULL), PPI_EVERSION);
}

static void test_iccid_mismatch(void **state)
{
    (void)state;
    uint8_t other[10];
    uint8_t resp[512];
    size_t rl;
    memcpy(other, META_ICCID, 10);
    other[7] ^= 0x01;                               /* one digit differs */
    assert_int_equal(run_hex(HEADER_21 MF_1 END_2, other, 4096, resp, &rl, NULL),
                     PPI_EMISMATCH);
    expect_hex(resp, rl, "3009 A005 3003 800103 8100");
    /* the header's own coding taken as EF.ICCID coding is a different ICCID */
    uint8_t unswapped[10];
    tu_unhex("8949449999999990023F", unswapped, 10);
    assert_int_equal(run_hex(HEADER_21 MF_1 END_2, unswapped, 4096, NULL, NULL, NULL),
                     PPI_EMISMATCH);
    /* header without iccid / with a short one */
    assert_int_equal(run_hex("A00A 800102 810101 A500 A600" MF_1 END_2, META_ICCID, 4096,
                             NULL, NULL, NULL), PPI_EPE);
    assert_int_equal(run_hex("A015 800102 810101 8309 8949449999999990 02 A500 A600"
                             MF_1 END_2, META_ICCID, 4096, NULL, NULL, NULL), PPI_EPE);
}

static void test_structure_errors(void **state)
{
    (void)state;
    uint8_t resp[512];
    size_t rl;
    static const char *const bad[] = {
        MF_1 HEADER_21 END_2,                          /* header not first */
        HEADER_21 "A305 A003 810101" MF_1 END_2,       /* mf not second */
        HEADER_21 MF_1 "B005 A003 810103" END_2,       /* mf twice */
        HEADER_21 MF_1 HEADER_21 END_2,                /* second header */
        HEADER_21 MF_1 "A305 A003 810101" END_2,       /* duplicate identification */
        HEADER_21 MF_1 "A303 810103" END_2,            /* no PEHeader */
        HEADER_21 MF_1 "A305 A003 800100" END_2,       /* PEHeader without id */
        HEADER_21 MF_1 "A306 A004 81028000" END_2,     /* id beyond UInt15 */
        HEADER_21 MF_1 "A307 A005 810103 0500" END_2,  /* extra field in PEHeader */
        HEADER_21 MF_1 "A307 A005 810103 8001" END_2,  /* malformed inner TLV */
        HEADER_21 MF_1 "8301 00" END_2,                /* primitive PE */
        HEADER_21 MF_1 "3005 A003 810103" END_2,       /* universal class PE */
        HEADER_21 MF_1 END_2 "A305 A003 810103",       /* PE after end */
        HEADER_21 MF_1 END_2 "00",                     /* byte after end */
        HEADER_21 MF_1,                                /* no end */
        HEADER_21 MF_1 "AA05 A003 8101",               /* truncated end */
        HEADER_21 MF_1 "AA80 A003 810102 0000",        /* indefinite length */
        HEADER_21 MF_1 "AA8500000000 05",              /* 5 length octets */
        "",                                            /* empty stream */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = run_hex(bad[i], META_ICCID, 4096, resp, &rl, NULL);
        if (rc != PPI_EPE)
            fail_msg("case %zu: %d", i, rc);
        /* always an aborted EUICCResponse */
        struct tlv top, ab;
        assert_true(tlv_parse(resp, rl, &top));
        assert_true(tlv_find(top.value, top.len, 0x81, &ab));
    }
    /* the status names the failing PE where known */
    assert_int_equal(run_hex(HEADER_21 MF_1 "A305 A003 810101" END_2, META_ICCID, 4096,
                             resp, &rl, NULL), PPI_EPE);
    expect_hex(resp, rl, "300C A008 3006 800103 810101 8100");
}

static void test_unknown_pe(void **state)
{
    (void)state;
    uint8_t resp[512];
    size_t rl, kept;
    /* rfu1 (AB) and a future BF23, not mandated: reported and skipped */
    assert_int_equal(run_hex(HEADER_21 MF_1 "AB07 A003 810107 0400"
                             "BF2307 A003 810108 0400" END_2, META_ICCID, 4096,
                             resp, &rl, &kept), PPI_OK);
    expect_hex(resp, rl, "3017 A015 3006 800101 810107 3006 800101 810108 3003 800100");
    assert_true(kept > 0);
    /* mandated: the installation is aborted */
    assert_int_equal(run_hex(HEADER_21 MF_1 "AB07 A005 8000 810107" END_2, META_ICCID, 4096,
                             resp, &rl, NULL), PPI_EPE);
    expect_hex(resp, rl, "300C A008 3006 800101 810107 8100");
    /* unknown PE without a PEHeader */
    assert_int_equal(run_hex(HEADER_21 MF_1 "AB02 0400" END_2, META_ICCID, 4096,
                             NULL, NULL, NULL), PPI_EPE);
}

static void test_budget(void **state)
{
    (void)state;
    const char *s = HEADER_21 MF_1 END_2;
    size_t need;
    assert_int_equal(run_hex(s, META_ICCID, 1u << 20, NULL, NULL, &need), PPI_OK);
    assert_true(need > 24);                         /* larger than any element here */
    assert_int_equal(run_hex(s, META_ICCID, need, NULL, NULL, NULL), PPI_OK);   /* exact */
    uint8_t resp[512];
    size_t rl;
    struct tlv top, list, st, f;
    assert_int_equal(run_hex(s, META_ICCID, need - 1, resp, &rl, NULL), PPI_EMEMORY);
    assert_true(tlv_parse(resp, rl, &top));
    assert_true(tlv_find(top.value, top.len, 0xA0, &list));
    assert_true(tlv_parse(list.value, list.len, &st));
    assert_true(tlv_find(st.value, st.len, 0x80, &f));
    assert_int_equal(f.value[0], 4);                /* not-enough-memory */
    assert_true(tlv_find(top.value, top.len, 0x81, &f));
    assert_int_equal(run_hex(s, META_ICCID, 0, NULL, NULL, NULL), PPI_EMEMORY);
    /* an element announcing 4 GiB fails at once, before its content arrives */
    struct ppi_install *p = ppi_install_begin(META_ICCID, 1u << 20);
    uint8_t hdr[] = { 0xA9, 0x84, 0xFF, 0xFF, 0xFF, 0xF0 };
    assert_int_equal(ppi_install_feed(p, hdr, sizeof hdr), PPI_EMEMORY);
    ppi_install_free(p);
}

static void test_misuse(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = tu_unhex(HEADER_21 MF_1 END_2, buf, sizeof buf);
    struct store *s;
    assert_int_equal(store_open_memory(&s), 0);
    assert_null(ppi_install_begin(NULL, 10));
    assert_int_equal(ppi_install_feed(NULL, buf, 1), PPI_ESTATE);
    assert_int_equal(ppi_install_finish(NULL, NULL), PPI_ESTATE);
    assert_int_equal(ppi_install_commit(NULL, s, 1), PPI_ESTATE);
    assert_int_equal(ppi_install_size(NULL), 0);
    ppi_install_free(NULL);

    struct ppi_install *p = ppi_install_begin(META_ICCID, 4096);
    assert_int_equal(ppi_install_feed(p, NULL, 1), PPI_ESTATE);
    assert_int_equal(ppi_install_feed(p, NULL, 0), PPI_OK);
    assert_int_equal(ppi_install_feed(p, buf, n), PPI_OK);
    assert_int_equal(ppi_install_commit(p, s, 1), PPI_ESTATE);     /* before finish */
    assert_int_equal(ppi_install_finish(p, NULL), PPI_OK);
    assert_int_equal(ppi_install_feed(p, buf, 1), PPI_ESTATE);     /* after finish */
    assert_int_equal(ppi_install_commit(p, s, 0), PPI_ESTATE);     /* no slot 0 */
    store_fail_after(s, 0);
    assert_int_equal(ppi_install_commit(p, s, 1), PPI_ESTORE);
    assert_int_equal(store_reload(s), 0);
    assert_int_equal(ppi_install_commit(p, s, 1), PPI_OK);
    ppi_install_free(p);

    /* the first error sticks; commit after a failure is refused */
    p = ppi_install_begin(META_ICCID, 4096);
    assert_int_equal(ppi_install_feed(p, buf + 24, 15), PPI_EPE);
    assert_int_equal(ppi_install_feed(p, buf, n), PPI_EPE);
    assert_int_equal(ppi_install_finish(p, NULL), PPI_EPE);
    assert_int_equal(ppi_install_commit(p, s, 1), PPI_ESTATE);
    ppi_install_free(p);
    store_close(s);
}

static void test_commit_load(void **state)
{
    (void)state;
    uint8_t buf[64];
    size_t n = tu_unhex(HEADER_21 MF_1 END_2, buf, sizeof buf);
    struct store *s;
    struct profile_image img;
    assert_int_equal(store_open_memory(&s), 0);
    struct ppi_install *p = ppi_install_begin(META_ICCID, 1u << 20);
    assert_int_equal(ppi_install_feed(p, buf, n), PPI_OK);
    assert_int_equal(ppi_install_finish(p, NULL), PPI_OK);
    assert_non_null(ppi_install_image(p));
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(ppi_install_commit(p, s, 3), PPI_OK);
    assert_int_equal(store_commit(s), 0);
    assert_int_equal(store_reload(s), 0);
    profile_image_init(&img);
    assert_int_equal(profile_image_load(s, 3, &img), 0);
    assert_int_equal(img.fs.n, ppi_install_image(p)->fs.n);
    assert_int_equal(img.fs.files[0].fid, 0x3F00);
    profile_image_free(&img);
    ppi_install_free(p);
    /* a failed install has no image */
    p = ppi_install_begin(META_ICCID, 1u << 20);
    assert_int_equal(ppi_install_feed(p, buf, 24), PPI_OK);
    assert_int_equal(ppi_install_finish(p, NULL), PPI_EPE);
    assert_null(ppi_install_image(p));
    ppi_install_free(p);
    store_close(s);
}

/* ------------------------------------------------------------ TS.48 profiles */

/* Metadata ICCID of a profile: its header PE's iccid, nibble-swapped. */
static void header_iccid(const uint8_t *upp, size_t len, uint8_t meta[10])
{
    struct tlv h = {0}, i = {0};
    assert_true(tlv_parse(upp, len, &h));
    assert_int_equal(h.tag, 0xA0);
    assert_true(tlv_find(h.value, h.len, 0x83, &i));
    assert_int_equal(i.len, 10);
    for (int k = 0; k < 10; k++)
        meta[k] = (uint8_t)(i.value[k] << 4 | i.value[k] >> 4);
}

static void install_one(const uint8_t *upp, size_t len, size_t slice, const char *name)
{
    uint8_t meta[10], resp[64];
    header_iccid(upp, len, meta);
    struct ppi_install *p = ppi_install_begin(meta, 256 * 1024);
    assert_non_null(p);
    for (size_t off = 0; off < len; off += slice) {
        size_t n = len - off < slice ? len - off : slice;
        int rc = ppi_install_feed(p, upp + off, n);
        if (rc != PPI_OK)
            fail_msg("%s slice %zu at %zu: %d", name, slice, off, rc);
    }
    struct tlv_writer w;
    tlv_writer_init(&w, resp, sizeof resp);
    assert_int_equal(ppi_install_finish(p, &w), PPI_OK);
    expect_hex(resp, w.len, OK_RESPONSE);
    size_t need = ppi_install_size(p);
    assert_true(need > 0 && need <= len + len / 2);   /* goal: <= 1.5x the UPP */
    struct store *s;
    struct profile_image img;
    assert_int_equal(store_open_memory(&s), 0);
    assert_int_equal(store_begin(s), 0);
    assert_int_equal(ppi_install_commit(p, s, 1), PPI_OK);
    assert_int_equal(store_commit(s), 0);
    profile_image_init(&img);
    assert_int_equal(profile_image_load(s, 1, &img), 0);
    assert_int_equal(img.fs.n, ppi_install_image(p)->fs.n);
    profile_image_free(&img);
    store_close(s);
    ppi_install_free(p);

    /* the same profile under another metadata ICCID is refused */
    meta[9] ^= 0x10;
    p = ppi_install_begin(meta, 256 * 1024);
    assert_int_equal(ppi_install_feed(p, upp, len), PPI_EMISMATCH);
    ppi_install_free(p);
    /* and a budget one octet short of the image fails */
    meta[9] ^= 0x10;
    p = ppi_install_begin(meta, need - 1);
    assert_int_equal(ppi_install_feed(p, upp, len), PPI_EMEMORY);
    ppi_install_free(p);
}

static void test_ts48_profiles(void **state)
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
        static const size_t slices[] = { 1, 7, 1008, 0 };
        for (size_t i = 0; i < 4; i++)
            install_one(upp, len, slices[i] ? slices[i] : len, e->d_name);
        free(upp);
        count++;
    }
    closedir(d);
    print_message("%d TS.48 profiles installed\n", count);
    assert_true(count > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_profile),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_iccid_mismatch),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_unknown_pe),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_commit_load),
        cmocka_unit_test(test_ts48_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
