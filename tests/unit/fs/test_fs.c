/* tests/unit/fs/test_fs.c — card/fs.c: building, validation, lookups, links, remove,
 * serialisation round trips, and malformed blobs (every truncation, random mutations). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fs_test_util.h"

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* ---------------------------------------------------------------- building */

static void test_build_defaults(void **state)
{
    (void)state;
    struct fs fs;
    t_build(&fs);
    const struct fs_file *mf = &fs.files[T_MF];
    assert_int_equal(mf->parent, FS_NONE);
    assert_int_equal(mf->lcsi, FS_LCSI_ACTIVATED);
    assert_null(mf->data);
    /* content copied, default fill 0xFF */
    const struct fs_file *adn = &fs.files[T_ADN];
    assert_int_equal(adn->size, 6000);
    assert_int_equal(adn->data_len, 6000);
    for (size_t i = 0; i < adn->size; i++)
        assert_int_equal(adn->data[i], 0xFF);
    const struct fs_file *cyc = &fs.files[T_CYC];
    assert_int_equal(cyc->size, 20);
    assert_int_equal(cyc->data[11], 0x00);
    assert_int_equal(cyc->data[12], 0xFF);
    assert_int_equal(cyc->data[19], 0xFF);
    assert_int_equal(cyc->lcsi, FS_LCSI_DEACTIVATED);
    const struct fs_file *ber = &fs.files[T_BER];
    assert_int_equal(ber->data_len, 7);
    assert_int_equal(ber->size, 1000);
    const struct fs_file *lk = &fs.files[T_LINK];
    assert_int_equal(lk->size, 9);
    assert_null(lk->data);
    assert_int_equal(lk->data_len, 0);
    /* a BER-TLV file without data is empty */
    struct fs_file f = t_file(FS_EF_BERTLV, 0x6FFD, T_USIM);
    f.size = 100;
    int i = fs_add(&fs, &f);
    assert_int_not_equal(i, FS_NONE);
    assert_int_equal(fs.files[i].data_len, 0);
    assert_null(fs.files[i].data);
    /* a transparent file of size 0 */
    f = t_file(FS_EF_TRANSPARENT, 0x6FFC, T_USIM);
    i = fs_add(&fs, &f);
    assert_int_not_equal(i, FS_NONE);
    assert_null(fs.files[i].data);
    /* several ADFs without FID */
    f = t_file(FS_ADF, 0, T_MF);
    f.aid_len = 5;
    memcpy(f.aid, "\xA0\x00\x00\x00\x09", 5);
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE);
    /* an MF given FID 0 becomes 3F00 */
    struct fs fs2;
    fs_init(&fs2);
    f = t_file(FS_MF, 0, FS_NONE);
    assert_int_equal(fs_add(&fs2, &f), 0);
    assert_int_equal(fs2.files[0].fid, 0x3F00);
    fs_free(&fs2);
    fs_free(&fs);
    assert_null(fs.files);
    assert_int_equal(fs.n, 0);
    fs_free(NULL);
}

static void expect_reject(struct fs *fs, const struct fs_file *f)
{
    size_t n = fs->n;
    assert_int_equal(fs_add(fs, f), FS_NONE);
    assert_int_equal(fs->n, n);
}

static void test_add_validation(void **state)
{
    (void)state;
    struct fs fs;
    fs_init(&fs);
    struct fs_file f = t_file(FS_DF, 0x7F10, FS_NONE);
    expect_reject(&fs, &f);                       /* first file not the MF */
    f = t_file(FS_MF, 0x3F01, FS_NONE);
    expect_reject(&fs, &f);                       /* MF FID */
    f = t_file(FS_MF, 0x3F00, 0);
    expect_reject(&fs, &f);                       /* MF with a parent */
    fs_free(&fs);
    assert_int_equal(fs_add(NULL, &f), FS_NONE);

    t_build(&fs);
    assert_int_equal(fs_add(&fs, NULL), FS_NONE);
    f = t_file(FS_MF, 0x3F00, FS_NONE);
    expect_reject(&fs, &f);                       /* second MF */
    f = t_file(0, 0x6F01, T_USIM);
    expect_reject(&fs, &f);                       /* bad type */
    f = t_file(FS_EF_BERTLV + 1, 0x6F01, T_USIM);
    expect_reject(&fs, &f);
    f = t_file(FS_EF_TRANSPARENT, 0x6F01, T_IMSI);
    expect_reject(&fs, &f);                       /* parent is an EF */
    f = t_file(FS_EF_TRANSPARENT, 0x6F01, 99);
    expect_reject(&fs, &f);                       /* parent out of range */
    f = t_file(FS_EF_TRANSPARENT, 0x6F01, FS_NONE);
    expect_reject(&fs, &f);
    f = t_file(FS_EF_TRANSPARENT, 0x6F07, T_USIM);
    expect_reject(&fs, &f);                       /* duplicate FID */
    f = t_file(FS_DF, 0x6F07, T_USIM);
    expect_reject(&fs, &f);
    f = t_file(FS_EF_TRANSPARENT, 0x6F07, T_ISIM);
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE); /* same FID, other parent */
    static const uint16_t reserved[] = {0x0000, 0x3F00, 0x7FFF, 0xFFFF};
    for (size_t i = 0; i < 4; i++) {
        f = t_file(FS_EF_TRANSPARENT, reserved[i], T_USIM);
        expect_reject(&fs, &f);
    }
    f = t_file(FS_DF, 0, T_MF);
    expect_reject(&fs, &f);                       /* DF without FID */
    f = t_file(FS_ADF, 0, T_MF);
    expect_reject(&fs, &f);                       /* ADF without AID */
    f.aid_len = 17;
    expect_reject(&fs, &f);
    f = t_file(FS_EF_TRANSPARENT, 0x6F10, T_USIM);
    f.sfi = 31;
    expect_reject(&fs, &f);
    f.sfi = 0;
    f.sec_len = FS_SEC_MAX + 1;
    f.sec_tag = 0x8B;
    expect_reject(&fs, &f);
    f.sec_len = 3;
    f.sec_tag = 0x8A;
    expect_reject(&fs, &f);                       /* unknown attribute tag */
    f.sec_tag = 0;
    expect_reject(&fs, &f);                       /* length without tag */
    f.sec_len = 0;
    f.prop_len = FS_PROP_MAX + 1;
    expect_reject(&fs, &f);
    f.prop_len = 0;
    f.pinstat_len = FS_PINSTAT_MAX + 1;
    expect_reject(&fs, &f);
    f.pinstat_len = 0;
    f.size = FS_EF_SIZE_MAX + 1;
    expect_reject(&fs, &f);                       /* transparent too big */
    f.size = FS_EF_SIZE_MAX;
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE);
    f = t_file(FS_EF_BERTLV, 0x6F11, T_USIM);
    f.size = FS_EF_SIZE_MAX + 1;
    expect_reject(&fs, &f);
    f.size = 4;
    f.data = (uint8_t *)"\x80\x01\x00\x00\x00";
    f.data_len = 5;
    expect_reject(&fs, &f);                       /* data beyond size */
    f = t_file(FS_EF_TRANSPARENT, 0x6F11, T_USIM);
    f.size = 2;
    f.cyclic_last = 1;
    expect_reject(&fs, &f);                       /* cyclic position on a non-cyclic */
    f.cyclic_last = 0;
    f.data = (uint8_t *)"abc";
    f.data_len = 3;
    expect_reject(&fs, &f);
    f = t_file(FS_DF, 0x7F20, T_MF);
    f.sfi = 3;
    expect_reject(&fs, &f);                       /* SFI on a DF */
    f.sfi = 0;
    f.link = T_IMSI;
    expect_reject(&fs, &f);                       /* linked DF */

    /* record structure */
    struct { uint16_t len, count; uint32_t size; } bad[] = {
        {0, 1, 0}, {256, 1, 0}, {1, 0, 0}, {1, 255, 0}, {10, 2, 21}, {10, 2, 19},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        f = t_file(FS_EF_LINEAR, 0x6F20, T_USIM);
        f.rec_len = bad[i].len;
        f.rec_count = bad[i].count;
        f.size = bad[i].size;
        expect_reject(&fs, &f);
        f.type = FS_EF_CYCLIC;
        expect_reject(&fs, &f);
    }
    f = t_file(FS_EF_LINEAR, 0x6F20, T_USIM);
    f.rec_len = 255;
    f.rec_count = 254;
    f.size = 255 * 254;
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE);
    f = t_file(FS_EF_CYCLIC, 0x6F21, T_USIM);
    f.rec_len = 1;
    f.rec_count = 3;
    f.cyclic_last = 3;
    expect_reject(&fs, &f);                       /* cyclic position past the end */

    /* links */
    f = t_file(FS_EF_TRANSPARENT, 0x6F30, T_USIM);
    f.link = T_TELECOM;
    expect_reject(&fs, &f);                       /* link to a DF */
    f.link = 999;
    expect_reject(&fs, &f);
    f.link = T_DIR;
    expect_reject(&fs, &f);                       /* type differs */
    f.link = T_IMSI;
    f.size = 8;
    expect_reject(&fs, &f);                       /* structure differs */
    f.size = 0;
    f.data = (uint8_t *)"x";
    f.data_len = 1;
    expect_reject(&fs, &f);                       /* linked file with own data */
    f.data = NULL;
    f.data_len = 0;
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE);
    fs_free(&fs);
}

static void test_add_limits(void **state)
{
    (void)state;
    struct fs fs;
    fs_init(&fs);
    struct fs_file f = t_file(FS_MF, 0x3F00, FS_NONE);
    assert_int_equal(fs_add(&fs, &f), 0);
    /* total content bound */
    size_t i;
    for (i = 0; i < 1000; i++) {
        f = t_file(FS_EF_TRANSPARENT, (uint16_t)(0x1000 + i), 0);
        f.size = FS_EF_SIZE_MAX;
        if (fs_add(&fs, &f) == FS_NONE)
            break;
    }
    assert_int_equal(i, FS_CONTENT_MAX / FS_EF_SIZE_MAX);
    fs_free(&fs);
    /* file count bound */
    f = t_file(FS_MF, 0x3F00, FS_NONE);
    assert_int_equal(fs_add(&fs, &f), 0);
    for (i = 1; i < FS_FILES_MAX; i++) {
        f = t_file(FS_EF_TRANSPARENT, (uint16_t)(0x1000 + i), 0);
        assert_int_equal(fs_add(&fs, &f), (int)i);
    }
    f = t_file(FS_EF_TRANSPARENT, 0x0FFF, 0);
    expect_reject(&fs, &f);
    fs_free(&fs);
}

/* ---------------------------------------------------------------- lookups */

static void test_lookups(void **state)
{
    (void)state;
    struct fs fs;
    t_build(&fs);
    assert_int_equal(fs_child(&fs, T_MF, 0x2FE2), T_ICCID);
    assert_int_equal(fs_child(&fs, T_MF, 0x7F10), T_TELECOM);
    assert_int_equal(fs_child(&fs, T_TELECOM, 0x6F3A), T_ADN);
    assert_int_equal(fs_child(&fs, T_USIM, 0x6F07), T_IMSI);
    assert_int_equal(fs_child(&fs, T_MF, 0x6F07), FS_NONE);      /* not a child */
    assert_int_equal(fs_child(&fs, T_MF, 0), FS_NONE);           /* ADFs have no FID */
    assert_int_equal(fs_child(&fs, FS_NONE, 0x3F00), FS_NONE);
    assert_int_equal(fs_child(&fs, 100, 0x6F07), FS_NONE);
    assert_int_equal(fs_child(NULL, 0, 0x2FE2), FS_NONE);

    assert_int_equal(fs_child_sfi(&fs, T_MF, 2), T_ICCID);
    assert_int_equal(fs_child_sfi(&fs, T_MF, 30), T_DIR);
    assert_int_equal(fs_child_sfi(&fs, T_USIM, 7), T_IMSI);
    assert_int_equal(fs_child_sfi(&fs, T_USIM, 2), FS_NONE);
    assert_int_equal(fs_child_sfi(&fs, T_MF, 0), FS_NONE);
    assert_int_equal(fs_child_sfi(&fs, T_MF, 31), FS_NONE);
    assert_int_equal(fs_child_sfi(&fs, -5, 2), FS_NONE);
    assert_int_equal(fs_child_sfi(NULL, 0, 2), FS_NONE);

    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 16, 0), T_USIM);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 16, 1), FS_NONE);
    assert_int_equal(fs_find_adf(&fs, t_aid_isim, 7, 0), T_ISIM);
    /* partial AID shared by both ADFs: first, next, then none */
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 6, 0), T_USIM);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 6, 1), T_ISIM);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 6, 2), FS_NONE);
    assert_int_equal(fs_find_adf(&fs, (const uint8_t *)"\xA0\x01", 2, 0), FS_NONE);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 0, 0), FS_NONE);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 17, 0), FS_NONE);
    assert_int_equal(fs_find_adf(&fs, NULL, 5, 0), FS_NONE);

    assert_true(fs_is_df(&fs.files[T_MF]));
    assert_true(fs_is_df(&fs.files[T_TELECOM]));
    assert_true(fs_is_df(&fs.files[T_USIM]));
    assert_false(fs_is_df(&fs.files[T_IMSI]));
    assert_false(fs_is_df(NULL));
    fs_free(&fs);
}

static void test_links(void **state)
{
    (void)state;
    struct fs fs;
    t_build(&fs);
    assert_int_equal(fs_content_of(&fs, T_LINK), T_IMSI);
    assert_int_equal(fs_content_of(&fs, T_LINK2), T_IMSI);       /* chain */
    assert_int_equal(fs_content_of(&fs, T_IMSI), T_IMSI);
    assert_int_equal(fs_content_of(&fs, -1), FS_NONE);
    assert_int_equal(fs_content_of(&fs, T_COUNT), FS_NONE);
    assert_int_equal(fs_content_of(NULL, 0), FS_NONE);
    /* a loop (only reachable by corrupting the array) ends */
    fs.files[T_IMSI].link = T_LINK2;
    assert_int_equal(fs_content_of(&fs, T_LINK), FS_NONE);
    fs.files[T_IMSI].link = FS_NONE;
    /* a dangling link */
    fs.files[T_LINK2].link = 500;
    assert_int_equal(fs_content_of(&fs, T_LINK2), FS_NONE);
    fs.files[T_LINK2].link = T_LINK;
    fs_free(&fs);
}

/* DF links (SAIP linkPath naming a DF): a DF showing another DF's files. */
static void test_dir_links(void **state)
{
    (void)state;
    struct fs fs, b;
    t_build(&fs);
    /* DF.TELECOM shown as DF 5F3A inside ADF.USIM */
    struct fs_file f = t_file(FS_DF, 0x5F3A, T_USIM);
    f.link = T_TELECOM;
    f.sec_tag = 0x8B;
    f.sec_len = 1;
    f.sec[0] = 0x05;
    int l = fs_add(&fs, &f);
    assert_int_equal(l, T_COUNT);
    assert_int_equal(fs.files[l].link, T_TELECOM);
    assert_int_equal(fs.files[l].parent, T_USIM);
    assert_int_equal(fs_content_of(&fs, l), T_TELECOM);
    assert_int_equal(fs_child(&fs, T_USIM, 0x5F3A), l);
    assert_int_equal(fs_child(&fs, l, 0x6F3A), T_ADN);      /* the target's EF itself */
    assert_int_equal(fs_child(&fs, l, 0x6F07), FS_NONE);
    /* an ADF's files through a DF link, SFI too */
    f = t_file(FS_DF, 0x5F3B, T_TELECOM);
    f.link = T_USIM;
    int l2 = fs_add(&fs, &f);
    assert_int_equal(l2, T_COUNT + 1);
    assert_int_equal(fs_child(&fs, l2, 0x6F07), T_IMSI);
    assert_int_equal(fs_child_sfi(&fs, l2, 7), T_IMSI);
    assert_int_equal(fs_child_sfi(&fs, l2, 8), FS_NONE);
    /* a chain of DF links ends at the DF with the files */
    f = t_file(FS_DF, 0x5F3C, T_ISIM);
    f.link = l;
    int l3 = fs_add(&fs, &f);
    assert_int_not_equal(l3, FS_NONE);
    assert_int_equal(fs_content_of(&fs, l3), T_TELECOM);
    assert_int_equal(fs_child(&fs, l3, 0x6F3A), T_ADN);

    /* refused: files under a DF link, a link to the MF / an EF / its parent / an
     * ancestor / itself out of range, an ADF or MF as link, an SFI on it */
    f = t_file(FS_EF_TRANSPARENT, 0x6F01, l);
    f.size = 1;
    expect_reject(&fs, &f);
    f = t_file(FS_DF, 0x5F01, l);
    expect_reject(&fs, &f);
    f = t_file(FS_DF, 0x5F40, T_USIM);
    f.link = T_MF;
    expect_reject(&fs, &f);
    f.link = T_IMSI;
    expect_reject(&fs, &f);
    f.link = T_USIM;
    expect_reject(&fs, &f);                                  /* its own parent */
    f.link = (int)fs.n;
    expect_reject(&fs, &f);
    f.link = -7;
    expect_reject(&fs, &f);
    f = t_file(FS_DF, 0x5F41, l2);                           /* under a link anyway */
    f.link = T_TELECOM;
    expect_reject(&fs, &f);
    f = t_file(FS_DF, 0x5F42, T_TELECOM);
    f.link = T_TELECOM;                                      /* its own parent */
    expect_reject(&fs, &f);
    f.link = l;
    f.sfi = 3;
    expect_reject(&fs, &f);
    f = t_file(FS_ADF, 0x7FF5, T_MF);
    memcpy(f.aid, t_aid_isim, 16);
    f.aid_len = 16;
    f.link = T_TELECOM;
    expect_reject(&fs, &f);
    f = t_file(FS_EF_LINEAR, 0x6F99, T_USIM);               /* EF linked to a DF */
    f.link = T_TELECOM;
    expect_reject(&fs, &f);

    /* persisted: the serialised tree keeps the DF links */
    uint8_t *p;
    size_t len;
    assert_int_equal(fs_serialize(&fs, &p, &len), 0);
    assert_int_equal(fs_deserialize(&b, p, len), 0);
    t_assert_fs_equal(&fs, &b);
    assert_int_equal(fs_child(&b, l, 0x6F3A), T_ADN);
    fs_free(&b);
    free(p);

    /* the target removed: the link stays as an empty DF, later indices follow */
    fs_remove(&fs, T_TELECOM);
    l = fs_child(&fs, T_USIM - 2, 0x5F3A);
    assert_int_not_equal(l, FS_NONE);
    assert_int_equal(fs.files[l].link, FS_NONE);
    assert_int_equal(fs.files[l].type, FS_DF);
    assert_int_equal(fs_child(&fs, l, 0x6F3A), FS_NONE);
    int l3n = fs_child(&fs, T_ISIM - 2, 0x5F3C);
    assert_int_equal(fs.files[l3n].link, l);                 /* linked to the empty DF */
    fs_free(&fs);
}

/* ---------------------------------------------------------------- remove */

static void test_remove(void **state)
{
    (void)state;
    struct fs fs;
    t_build(&fs);
    fs_remove(&fs, -1);
    fs_remove(&fs, T_COUNT);
    fs_remove(NULL, 0);
    assert_int_equal(fs.n, T_COUNT);

    /* a DF with its child: later files move down by 2, parents/links follow */
    fs_remove(&fs, T_TELECOM);
    assert_int_equal(fs.n, T_COUNT - 2);
    assert_int_equal(fs_child(&fs, T_MF, 0x7F10), FS_NONE);
    int usim = fs_find_adf(&fs, t_aid_usim, 16, 0);
    int isim = fs_find_adf(&fs, t_aid_isim, 16, 0);
    assert_int_equal(usim, T_USIM - 2);
    int imsi = fs_child(&fs, usim, 0x6F07);
    assert_int_equal(imsi, T_IMSI - 2);
    int lk = fs_child(&fs, isim, 0x6F02);
    int lk2 = fs_child(&fs, isim, 0x6F03);
    assert_int_equal(fs.files[lk].link, imsi);
    assert_int_equal(fs_content_of(&fs, lk2), imsi);
    assert_int_equal(fs_child_sfi(&fs, usim, 7), imsi);

    /* an EF */
    fs_remove(&fs, fs_child(&fs, usim, 0x6F39));
    assert_int_equal(fs.n, T_COUNT - 3);
    assert_int_equal(fs_child(&fs, usim, 0x6F39), FS_NONE);

    /* the ADF whose EF others link to: they keep the content they showed */
    uint8_t imsi_data[9];
    memcpy(imsi_data, fs.files[imsi].data, 9);
    fs_remove(&fs, usim);
    isim = fs_find_adf(&fs, t_aid_isim, 16, 0);
    assert_int_not_equal(isim, FS_NONE);
    assert_int_equal(fs_find_adf(&fs, t_aid_usim, 16, 0), FS_NONE);
    lk = fs_child(&fs, isim, 0x6F02);
    lk2 = fs_child(&fs, isim, 0x6F03);
    assert_int_equal(fs.files[lk].link, FS_NONE);
    assert_int_equal(fs.files[lk].data_len, 9);
    assert_memory_equal(fs.files[lk].data, imsi_data, 9);
    assert_int_equal(fs.files[lk2].link, lk);                    /* still linked */
    assert_int_equal(fs_content_of(&fs, lk2), lk);
    for (size_t i = 1; i < fs.n; i++)
        assert_true(fs.files[i].parent >= 0 && fs.files[i].parent < (int)i);
    /* a file can be added after removal */
    struct fs_file f = t_file(FS_EF_TRANSPARENT, 0x6F07, isim);
    assert_int_not_equal(fs_add(&fs, &f), FS_NONE);

    /* the MF: all gone */
    fs_remove(&fs, T_MF);
    assert_int_equal(fs.n, 0);
    f = t_file(FS_MF, 0x3F00, FS_NONE);
    assert_int_equal(fs_add(&fs, &f), 0);
    fs_free(&fs);
}

/* ---------------------------------------------------------------- serialise */

static void test_roundtrip(void **state)
{
    (void)state;
    struct fs a, b;
    t_build(&a);
    uint8_t *p;
    size_t len;
    assert_int_equal(fs_serialize(&a, &p, &len), 0);
    assert_int_equal(fs_deserialize(&b, p, len), 0);
    t_assert_fs_equal(&a, &b);
    /* the default 6000-octet ADN is not stored */
    assert_true(len < 400);
    free(p);
    fs_free(&b);

    /* content with short FF runs, long runs, trailing runs */
    a.files[T_ADN].data[0] = 0x00;
    a.files[T_ADN].data[2] = 0x01;
    a.files[T_ADN].data[3] = 0xFF;
    a.files[T_ADN].data[4] = 0x02;
    a.files[T_ADN].data[3000] = 0x55;
    a.files[T_ADN].data[5999] = 0x00;
    assert_int_equal(fs_serialize(&a, &p, &len), 0);
    assert_int_equal(fs_deserialize(&b, p, len), 0);
    t_assert_fs_equal(&a, &b);
    free(p);
    fs_free(&b);

    /* structure only, then the states: the same tree */
    assert_int_equal(fs_serialize_structure(&a, &p, &len), 0);
    assert_int_equal(fs_deserialize(&b, p, len), 0);
    free(p);
    assert_int_equal(b.files[T_CYC].lcsi, FS_LCSI_ACTIVATED);
    assert_int_equal(b.files[T_IMSI].data[0], 0xFF);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(fs_file_state_encode(&a, (int)i, &p, &len), 0);
        assert_int_equal(fs_file_state_decode(&b, (int)i, p, len), 0);
        free(p);
    }
    t_assert_fs_equal(&a, &b);
    fs_free(&b);

    /* an empty fs */
    fs_free(&a);
    assert_int_equal(fs_serialize(&a, &p, &len), 0);
    assert_int_equal(fs_deserialize(&b, p, len), 0);
    assert_int_equal(b.n, 0);
    free(p);
    assert_int_equal(fs_serialize(NULL, &p, &len), -1);
    assert_int_equal(fs_serialize_structure(&a, NULL, &len), -1);
}

static void test_state(void **state)
{
    (void)state;
    struct fs fs;
    t_build(&fs);
    uint8_t *p;
    size_t len;
    /* defaults encode to nothing */
    static const int def[] = {T_MF, T_TELECOM, T_ADN, T_USIM, T_LINK, T_LINK2};
    for (size_t i = 0; i < sizeof def / sizeof def[0]; i++) {
        assert_int_equal(fs_file_state_encode(&fs, def[i], &p, &len), 0);
        assert_int_equal(len, 0);
        assert_null(p);
    }
    assert_int_equal(fs_file_state_encode(&fs, T_COUNT, &p, &len), -1);
    assert_int_equal(fs_file_state_encode(NULL, 0, &p, &len), -1);

    /* len 0 restores the default */
    assert_int_equal(fs_file_state_decode(&fs, T_IMSI, NULL, 0), 0);
    assert_int_equal(fs.files[T_IMSI].data[0], 0xFF);
    assert_int_equal(fs_file_state_decode(&fs, T_BER, NULL, 0), 0);
    assert_int_equal(fs.files[T_BER].data_len, 0);
    assert_int_equal(fs_file_state_decode(&fs, T_CYC, NULL, 0), 0);
    assert_int_equal(fs.files[T_CYC].lcsi, FS_LCSI_ACTIVATED);
    assert_int_equal(fs.files[T_CYC].cyclic_last, 0);
    fs_free(&fs);

    t_build(&fs);
    struct fs_file before = fs.files[T_CYC];
    uint8_t bdata[20];
    memcpy(bdata, before.data, 20);
    /* malformed states leave the file unchanged */
    static const struct { int idx; const char *s; size_t n; } bad[] = {
        {T_CYC, "\x05\x04\x14\x00\x00", 5},        /* cyclic position 4 of 4 */
        {T_CYC, "\x05\x00\x13\x00\x00", 5},        /* literal 19 octets missing */
        {T_CYC, "\x05\x00\x00\x15", 4},             /* FF run past the end */
        {T_CYC, "\x05\x00\x00\x14\x00", 5},         /* trailing octet */
        {T_CYC, "\x05\x00\x00\x00\x00\x14", 6},     /* an empty pair */
        {T_CYC, "\x05\x00\x00\x10", 4},             /* short of the size */
        {T_CYC, "\x05", 1},                         /* no position */
        {T_CYC, "\x00\x00\x00\x14", 4},             /* lcsi 0 */
        {T_CYC, "\x05\x00\x80\x80\x80\x80\x80", 7}, /* varint too long */
        {T_BER, "\x05\x89\x0F", 3},                 /* data_len 1929 > size 1000 */
        {T_BER, "\x05\x02\x01\x80", 4},             /* run short */
        {T_MF, "\x05\x00", 2},                      /* trailing on a DF */
        {T_LINK, "\x05\x00\x09", 3},                /* content for a linked file */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(fs_file_state_decode(&fs, bad[i].idx, (const uint8_t *)bad[i].s,
                                              bad[i].n), -1);
    assert_int_equal(fs_file_state_decode(&fs, 99, (const uint8_t *)"\x05", 1), -1);
    assert_int_equal(fs_file_state_decode(&fs, T_MF, NULL, 1), -1);
    assert_int_equal(fs_file_state_decode(NULL, 0, NULL, 0), -1);
    assert_int_equal(fs.files[T_CYC].cyclic_last, before.cyclic_last);
    assert_int_equal(fs.files[T_CYC].lcsi, before.lcsi);
    assert_memory_equal(fs.files[T_CYC].data, bdata, 20);
    assert_int_equal(fs.files[T_BER].data_len, 7);
    /* valid ones */
    assert_int_equal(fs_file_state_decode(&fs, T_CYC, (const uint8_t *)"\x04\x03\x01\x07\x13",
                                          5), 0);
    assert_int_equal(fs.files[T_CYC].lcsi, 0x04);
    assert_int_equal(fs.files[T_CYC].cyclic_last, 3);
    assert_int_equal(fs.files[T_CYC].data[0], 0x07);
    assert_int_equal(fs.files[T_CYC].data[19], 0xFF);
    assert_int_equal(fs_file_state_decode(&fs, T_MF, (const uint8_t *)"\x04", 1), 0);
    assert_int_equal(fs.files[T_MF].lcsi, 0x04);
    assert_int_equal(fs_file_state_decode(&fs, T_BER, (const uint8_t *)"\x05\x02\x02\x80\x00\x00",
                                          6), 0);
    assert_int_equal(fs.files[T_BER].data_len, 2);
    fs_free(&fs);
}

static void test_deserialize_bad(void **state)
{
    (void)state;
    struct fs fs;
    assert_int_equal(fs_deserialize(&fs, NULL, 0), -1);
    assert_int_equal(fs_deserialize(NULL, (const uint8_t *)"F\x01\x00", 3), -1);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x00", 3), 0);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"G\x01\x00", 3), -1);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x02\x00", 3), -1);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x00\x00", 4), -1);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x81\x20", 4), -1);
    /* MF then an EF whose parent reference is 2 back (before the MF) */
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x02\x01\x00\x04\x01\x02\x6F\x07\x00",
                                    11), -1);
    assert_int_equal(fs.n, 0);
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x02\x01\x00\x04\x01\x01\x6F\x07\x00",
                                    11), 0);
    assert_int_equal(fs.n, 2);
    fs_free(&fs);
    /* flags say a fact is present but it is zero: not canonical */
    assert_int_equal(fs_deserialize(&fs, (const uint8_t *)"F\x01\x02\x01\x00\x04\x01\x01\x00\x00\x00",
                                    11), -1);
    assert_int_equal(fs.n, 0);
}

static void test_truncations_and_mutations(void **state)
{
    (void)state;
    struct fs a, b;
    t_build(&a);
    a.files[T_ADN].data[100] = 0x12;
    uint8_t *p;
    size_t len;
    assert_int_equal(fs_serialize(&a, &p, &len), 0);
    for (size_t n = 0; n < len; n++) {
        uint8_t *q = malloc(n ? n : 1);     /* exact-size copy: ASan sees any over-read */
        memcpy(q, p, n);
        assert_int_equal(fs_deserialize(&b, q, n), -1);
        assert_int_equal(b.n, 0);
        assert_null(b.files);
        free(q);
    }
    uint32_t seed = 0x12345678;
    unsigned ok = 0;
    for (unsigned it = 0; it < 10000; it++) {
        size_t n = len;
        uint8_t *q = malloc(len + 8);
        memcpy(q, p, len);
        unsigned muts = 1 + rnd(&seed) % 4;
        for (unsigned m = 0; m < muts; m++) {
            size_t at = rnd(&seed) % n;
            switch (rnd(&seed) % 4) {
            case 0: q[at] = (uint8_t)rnd(&seed); break;
            case 1: q[at] ^= (uint8_t)(1u << (rnd(&seed) % 8)); break;
            case 2: if (n > 1) { memmove(q + at, q + at + 1, n - at - 1); n--; } break;
            default:
                if (n < len + 8) {
                    memmove(q + at + 1, q + at, n - at);
                    q[at] = (uint8_t)rnd(&seed);
                    n++;
                }
            }
        }
        uint8_t *e = malloc(n);
        memcpy(e, q, n);
        free(q);
        if (fs_deserialize(&b, e, n) == 0) {
            ok++;
            /* whatever was accepted is a valid tree that round-trips */
            uint8_t *p2;
            size_t len2;
            struct fs c;
            assert_int_equal(fs_serialize(&b, &p2, &len2), 0);
            assert_int_equal(fs_deserialize(&c, p2, len2), 0);
            t_assert_fs_equal(&b, &c);
            free(p2);
            fs_free(&c);
            fs_free(&b);
        } else {
            assert_int_equal(b.n, 0);
            assert_null(b.files);
        }
        free(e);
    }
    assert_true(ok > 0 && ok < 10000);
    free(p);
    fs_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_defaults),
        cmocka_unit_test(test_add_validation),
        cmocka_unit_test(test_add_limits),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_dir_links),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_deserialize_bad),
        cmocka_unit_test(test_truncations_and_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
