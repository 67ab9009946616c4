/* tests/unit/fs/fs_test_util.c — see fs_test_util.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fs_test_util.h"

const uint8_t t_aid_usim[16] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                0x33, 0xFF, 0x01, 0x89, 0x00, 0x00, 0x01, 0x00};
const uint8_t t_aid_isim[16] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04, 0xFF,
                                0x33, 0xFF, 0x01, 0x89, 0x00, 0x00, 0x01, 0x00};

struct fs_file t_file(enum fs_type type, uint16_t fid, int parent)
{
    struct fs_file f;
    memset(&f, 0, sizeof f);
    f.type = type;
    f.fid = fid;
    f.parent = parent;
    f.link = FS_NONE;
    return f;
}

static void add_at(struct fs *fs, const struct fs_file *f, int want)
{
    assert_int_equal(fs_add(fs, f), want);
}

void t_build(struct fs *fs)
{
    static const uint8_t iccid[10] = {0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32,
                                      0x54, 0xF6};
    static const uint8_t imsi[9] = {0x08, 0x09, 0x10, 0x10, 0x10, 0x32, 0x54, 0x76, 0x98};
    static const uint8_t ber[7] = {0x80, 0x02, 0x01, 0x02, 0x81, 0x01, 0xFF};
    uint8_t dir[3 * 38];
    memset(dir, 0xFF, sizeof dir);
    dir[0] = 0x61;
    dir[1] = 0x18;
    dir[2] = 0x4F;
    dir[3] = 0x10;
    memcpy(dir + 4, t_aid_usim, 16);

    fs_init(fs);
    struct fs_file f = t_file(FS_MF, 0x3F00, FS_NONE);
    f.sec_tag = 0x8B;
    f.sec_len = 3;
    f.sec[0] = 0x2F; f.sec[1] = 0x06; f.sec[2] = 0x01;
    f.pinstat_len = 6;
    memcpy(f.pinstat, "\x90\x01\x40\x83\x01\x01", 6);
    add_at(fs, &f, T_MF);

    f = t_file(FS_EF_TRANSPARENT, 0x2FE2, T_MF);
    f.size = 10;
    f.data = (uint8_t *)iccid;
    f.data_len = sizeof iccid;
    f.sfi = 2;
    f.sec_tag = 0x8B;
    f.sec_len = 3;
    f.sec[0] = 0x2F; f.sec[1] = 0x06; f.sec[2] = 0x0B;
    add_at(fs, &f, T_ICCID);

    f = t_file(FS_EF_LINEAR, 0x2F00, T_MF);
    f.rec_len = 38;
    f.rec_count = 3;
    f.size = 3 * 38;
    f.sfi = 30;
    f.data = dir;
    f.data_len = sizeof dir;
    f.prop_len = 3;
    memcpy(f.prop, "\xC0\x01\x00", 3);
    add_at(fs, &f, T_DIR);

    f = t_file(FS_DF, 0x7F10, T_MF);
    add_at(fs, &f, T_TELECOM);

    f = t_file(FS_EF_LINEAR, 0x6F3A, T_TELECOM);
    f.rec_len = 30;
    f.rec_count = 200;     /* size computed, content all 0xFF */
    add_at(fs, &f, T_ADN);

    f = t_file(FS_ADF, 0, T_MF);
    memcpy(f.aid, t_aid_usim, 16);
    f.aid_len = 16;
    f.pinstat_len = 3;
    memcpy(f.pinstat, "\x90\x01\x40", 3);
    add_at(fs, &f, T_USIM);

    f = t_file(FS_EF_TRANSPARENT, 0x6F07, T_USIM);
    f.size = 9;
    f.sfi = 7;
    f.data = (uint8_t *)imsi;
    f.data_len = sizeof imsi;
    f.sec_tag = 0x8C;
    f.sec_len = 4;
    memcpy(f.sec, "\x03\x01\x0A\x01", 4);
    add_at(fs, &f, T_IMSI);

    f = t_file(FS_EF_CYCLIC, 0x6F39, T_USIM);
    f.rec_len = 5;
    f.rec_count = 4;
    f.cyclic_last = 2;
    f.lcsi = FS_LCSI_DEACTIVATED;
    f.data = (uint8_t *)"\x01\x02\x03\x04\x05\xFF\xFF\xFF\xFF\xFF\x00\x00";
    f.data_len = 12;
    add_at(fs, &f, T_CYC);

    f = t_file(FS_EF_BERTLV, 0x6FFE, T_USIM);
    f.size = 1000;
    f.data = (uint8_t *)ber;
    f.data_len = sizeof ber;
    add_at(fs, &f, T_BER);

    f = t_file(FS_ADF, 0, T_MF);
    memcpy(f.aid, t_aid_isim, 16);
    f.aid_len = 16;
    add_at(fs, &f, T_ISIM);

    f = t_file(FS_EF_TRANSPARENT, 0x6F02, T_ISIM);
    f.link = T_IMSI;       /* structure inherited */
    add_at(fs, &f, T_LINK);

    f = t_file(FS_EF_TRANSPARENT, 0x6F03, T_ISIM);
    f.link = T_LINK;       /* a chain */
    f.size = 9;
    add_at(fs, &f, T_LINK2);
    assert_int_equal(fs->n, T_COUNT);
}

void t_assert_fs_equal(const struct fs *a, const struct fs *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const struct fs_file *x = &a->files[i], *y = &b->files[i];
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->fid, y->fid);
        assert_int_equal(x->parent, y->parent);
        assert_int_equal(x->link, y->link);
        assert_int_equal(x->sfi, y->sfi);
        assert_int_equal(x->lcsi, y->lcsi);
        assert_int_equal(x->aid_len, y->aid_len);
        assert_memory_equal(x->aid, y->aid, x->aid_len);
        assert_int_equal(x->sec_tag, y->sec_tag);
        assert_int_equal(x->sec_len, y->sec_len);
        assert_memory_equal(x->sec, y->sec, x->sec_len);
        assert_int_equal(x->prop_len, y->prop_len);
        assert_memory_equal(x->prop, y->prop, x->prop_len);
        assert_int_equal(x->pinstat_len, y->pinstat_len);
        assert_memory_equal(x->pinstat, y->pinstat, x->pinstat_len);
        assert_int_equal(x->rec_len, y->rec_len);
        assert_int_equal(x->rec_count, y->rec_count);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->data_len, y->data_len);
        assert_int_equal(x->cyclic_last, y->cyclic_last);
        assert_int_equal(x->data == NULL, y->data == NULL);
        if (x->data && x->data_len)
            assert_memory_equal(x->data, y->data, x->data_len);
    }
}
