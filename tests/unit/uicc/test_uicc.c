/* tests/unit/uicc/test_uicc.c — the UICC personality through card_transmit on a card
 * whose enabled profile is built by hand (fs_add + profile_image_save). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/card.h"
#include "card/profile_image.h"
#include "card/store.h"
#include "card/uicc_internal.h"
#include "isd-r/profile_table.h"
#include "tests/common/test_util.h"

static const uint8_t USIM_AID[12] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                      0x49, 0xFF, 0x05, 0x89 };
static const uint8_t ISIM_AID[12] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04, 0xFF,
                                      0x49, 0xFF, 0x05, 0x89 };

struct fx {
    struct store *store;
    struct card *card;
};

/* Send capdu (hex) and check the whole R-APDU (hex, spaces ignored). */
static void tx_expect(struct card *c, const char *capdu, const char *expect)
{
    static uint8_t resp[70000];
    uint8_t want[600];
    char got[1300], exp[1300];
    size_t rl = tu_transmit_hex(c, capdu, resp, sizeof resp);
    size_t wl = tu_unhex(expect, want, sizeof want);
    tu_tohex(resp, rl, got);
    tu_tohex(want, wl, exp);
    if (strcmp(got, exp) != 0)
        fail_msg("%s -> %s, expected %s", capdu, got, exp);
}

/* Send and check the status word only. */
static void tx_sw(struct card *c, const char *capdu, uint16_t sw)
{
    static uint8_t resp[70000];
    size_t rl = tu_transmit_hex(c, capdu, resp, sizeof resp);
    uint16_t got = (uint16_t)((resp[rl - 2] << 8) | resp[rl - 1]);
    if (got != sw)
        fail_msg("%s -> SW %04X, expected %04X", capdu, got, sw);
}

static int add(struct fs *fs, enum fs_type type, uint16_t fid, int parent, const char *sec,
               uint32_t size, uint16_t rec_len, uint16_t rec_count, uint8_t sfi,
               const char *data)
{
    struct fs_file f;
    memset(&f, 0, sizeof f);
    uint8_t buf[512];
    f.type = type;
    f.fid = fid;
    f.parent = parent;
    f.link = FS_NONE;
    f.sfi = sfi;
    f.size = size;
    f.rec_len = rec_len;
    f.rec_count = rec_count;
    if (sec != NULL) {
        f.sec_tag = 0x8B;
        f.sec_len = (uint8_t)tu_unhex(sec, f.sec, sizeof f.sec);
    }
    if (data != NULL) {
        f.data_len = (uint32_t)tu_unhex(data, buf, sizeof buf);
        f.data = buf;
    }
    int idx = fs_add(fs, &f);
    assert_int_not_equal(idx, FS_NONE);
    return idx;
}

static void pad_record(char *out, const char *rec, size_t len)
{
    size_t n = strlen(rec);
    strcpy(out, rec);
    for (size_t i = n / 2; i < len; i++)
        strcat(out, "FF");
}

/* The hand-built profile (indexes noted for the checks). */
static void build_image(struct profile_image *img)
{
    profile_image_init(img);
    struct fs *fs = &img->fs;
    char arr[3 * 100 + 1], tmp[200];
    add(fs, FS_MF, 0x3F00, FS_NONE, NULL, 0, 0, 0, 0, NULL);                       /* 0 */
    add(fs, FS_EF_LINEAR, 0x2F00, 0, "2F0601", 0, 32, 2, 0x1E,
        "61144F0CA0000000871002FF49FF058950045553494DFFFFFFFFFFFFFFFFFFFF"
        "61144F0CA0000000871004FF49FF058950044953494DFFFFFFFFFFFFFFFFFFFF");             /* 1 */
    /* EF.ARR: 1 read always / update+(de)activate ADM1; 2 read+update PIN1;
     * 3 everything always */
    arr[0] = '\0';
    pad_record(tmp, "800101900080011AA40683010A950108", 40);
    strcat(arr, tmp);
    pad_record(tmp, "800101A40683010195010880010" "2A406830101950108", 40);
    strcat(arr, tmp);
    pad_record(tmp, "80011B9000", 40);
    strcat(arr, tmp);
    add(fs, FS_EF_LINEAR, 0x2F06, 0, "2F0601", 0, 40, 3, 0x06, arr);                /* 2 */
    add(fs, FS_EF_TRANSPARENT, 0x2FE2, 0, "2F0601", 10, 0, 0, 0x02,
        "98942000000000000102");                                                   /* 3 */
    struct fs_file adf;
    memset(&adf, 0, sizeof adf);
    adf.type = FS_ADF;
    adf.fid = 0x7FF0;
    adf.parent = 0;
    adf.link = FS_NONE;
    memcpy(adf.aid, USIM_AID, sizeof USIM_AID);
    adf.aid_len = sizeof USIM_AID;
    adf.sec_tag = 0x8B;
    adf.sec_len = (uint8_t)tu_unhex("2F0603", adf.sec, sizeof adf.sec);
    adf.pinstat_len = (uint8_t)tu_unhex("900140830101830181", adf.pinstat, sizeof adf.pinstat);
    assert_int_equal(fs_add(fs, &adf), 4);                                          /* 4 */
    memcpy(adf.aid, ISIM_AID, sizeof ISIM_AID);
    adf.fid = 0x7FF1;
    assert_int_equal(fs_add(fs, &adf), 5);                                          /* 5 */
    /* ADF.USIM's EF.ARR: 1 read+update PIN1; 2 read always, update never, INCREASE PIN1 */
    arr[0] = '\0';
    pad_record(tmp, "800103A406830101950108", 40);
    strcat(arr, tmp);
    pad_record(tmp, "80010190008001029700840132A406830101950108", 40);
    strcat(arr, tmp);
    add(fs, FS_EF_LINEAR, 0x6F06, 4, "2F0603", 0, 40, 2, 0x17, arr);                /* 6 */
    add(fs, FS_EF_TRANSPARENT, 0x6F07, 4, "6F0601", 9, 0, 0, 0x07,
        "082910101032547698");                                                     /* 7 */
    add(fs, FS_EF_CYCLIC, 0x6F39, 4, "6F0602", 0, 3, 3, 0, "000001000002000003");   /* 8 */
    add(fs, FS_EF_LINEAR, 0x6F40, 4, "2F0603", 0, 4, 3, 0x0A,
        "01020304AABBCCDD11AABB22");                                               /* 9 */
    add(fs, FS_DF, 0x7F10, 0, NULL, 0, 0, 0, 0, NULL);                              /* 10 */
    add(fs, FS_DF, 0x5F3A, 10, NULL, 0, 0, 0, 0, NULL);                             /* 11 */
    add(fs, FS_EF_TRANSPARENT, 0x4F30, 11, "2F0603", 4, 0, 0, 0, "A0B0C0D0");       /* 12 */
    add(fs, FS_EF_BERTLV, 0x2F10, 0, "2F0603", 64, 0, 0, 0, "800201028101AA");     /* 13 */
    add(fs, FS_EF_TRANSPARENT, 0x2F05, 0, "2F0601", 4, 0, 0, 0, "656E6465");        /* 14 */
    struct fs_file ab;
    memset(&ab, 0, sizeof ab);
    ab.type = FS_EF_TRANSPARENT;
    ab.fid = 0x2F08;
    ab.link = FS_NONE;
    ab.size = 2;
    ab.sec_tag = 0xAB;
    ab.sec_len = (uint8_t)tu_unhex("80010190008001029700", ab.sec, sizeof ab.sec);
    assert_int_equal(fs_add(fs, &ab), 15);                                          /* 15 */
    struct fs_file cp = ab;
    cp.fid = 0x2F09;
    cp.sec_tag = 0x8C;
    cp.sec_len = (uint8_t)tu_unhex("03FF00", cp.sec, sizeof cp.sec); /* SCs b2 then b1 */
    assert_int_equal(fs_add(fs, &cp), 16);                                          /* 16 */

    img->pins.n = 2;
    struct pin *p = &img->pins.pins[0];
    p->ref = PINREF_PIN1;
    p->present = p->enabled = true;
    memcpy(p->value, "1234\xFF\xFF\xFF\xFF", 8);
    p->tries_max = p->tries_left = 3;
    p = &img->pins.pins[1];
    p->ref = PINREF_ADM1;
    p->present = p->enabled = true;
    memcpy(p->value, "88888888", 8);
    p->tries_max = p->tries_left = 10;
}

static void install_profile(struct store *s, uint8_t slot, bool enabled)
{
    struct profile_image img;
    build_image(&img);
    struct profile_record *rec = calloc(1, sizeof *rec);
    assert_non_null(rec);
    rec->slot = slot;
    memcpy(rec->iccid, "\x98\x94\x20\x00\x00\x00\x00\x00\x01\x02", 10);
    profile_isdp_aid(slot, rec->aid);
    rec->aid_len = 16;
    rec->state = enabled ? PROFILE_ENABLED : PROFILE_DISABLED;
    rec->profile_class = PROFILE_CLASS_OPERATIONAL;
    assert_int_equal(store_begin(s), STORE_OK);
    assert_int_equal(profile_image_save(s, slot, &img), STORE_OK);
    assert_int_equal(profile_save(s, rec), STORE_OK);
    assert_int_equal(store_commit(s), STORE_OK);
    free(rec);
    profile_image_free(&img);
}

static void open_card(struct fx *f)
{
    static const uint8_t seed[32] = { 1, 2, 3 };
    struct card_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.store = f->store;
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    tu_card_open(&f->card, &cfg);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(store_open_memory(&f->store), STORE_OK);
    install_profile(f->store, 1, true);
    open_card(f);
    *state = f;
    return 0;
}

static int setup_no_profile(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(store_open_memory(&f->store), STORE_OK);
    open_card(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    card_close(f->card);
    store_close(f->store);
    free(f);
    return 0;
}

static void verify_pin(struct card *c, uint8_t ref, bool v)
{
    struct pin *p = pin_find(&card_uicc(c)->img.pins, ref);
    assert_non_null(p);
    p->verified = v;
}

#define MF_FCP "62188202782183023F00A5038001718A0105C606900180830101"
#define TELECOM_FCP "62138202782183027F108A0105C606900180830101"
#define USIM_FCP "62298202782183027FF0840CA0000000871002FF49FF05898A01058B032F0603" \
                 "C609900180830101830181"
#define IMSI_FCP "62178202412183026F078A01058B036F060180020009880138"
#define DIR_FCP "621A8205422100200283022F008A01058B032F06018002004088 01F0"

/* ------------------------------------------------------------------------- tests */

static void test_select_fid_and_fcp(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A40004023F0000", MF_FCP "9000");
    tx_expect(c, "00A40004022F0000", DIR_FCP "9000");
    tx_expect(c, "00A40004027FF000", USIM_FCP "9000");
    tx_expect(c, "00A40004026F0700", IMSI_FCP "9000");
    tx_expect(c, "00A40004027F1000", TELECOM_FCP "9000");
    tx_expect(c, "00A4000C025F3A", "9000");            /* child of the current DF */
    tx_expect(c, "00A4000C024F30", "9000");
    tx_expect(c, "00B0000004", "A0B0C0D09000");
    tx_expect(c, "00A4000C025F3A", "9000");            /* the current DF itself */
    tx_expect(c, "00A4000C027F10", "9000");            /* its parent */
    tx_expect(c, "00A4000C022FE2", "9000");            /* a sibling of the parent: MF child */
    tx_expect(c, "00A4000C026F07", "6A82");            /* not reachable from the MF */
    tx_expect(c, "00A4000C0101", "6700");
    tx_expect(c, "00A4001002 3F00", "6A86");
    tx_expect(c, "00A4000802 3F00", "6A86");           /* FMD not offered */
    tx_expect(c, "00A4000E02 3F00", "6A86");           /* occurrence with P1 00 */
    tx_expect(c, "00A40504023F00", "6A86");
    tx_expect(c, "80A4000C023F00", "6E00");
    /* BER-TLV and cyclic FCPs */
    tx_expect(c, "00A40004022F1000",
              "62168202792183022F108A01058B032F0603800200408800 9000");
    tx_expect(c, "00A40004027FF000", USIM_FCP "9000");
    tx_expect(c, "00A40004026F3900",
              "62198205462100030383026F398A01058B036F0602800200098800 9000");
}

static void test_select_paths(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4080C067F105F3A4F30", "9000");
    tx_expect(c, "00B0000004", "A0B0C0D09000");
    tx_expect(c, "00A4080C083F007F105F3A4F30", "9000");     /* leading MF tolerated */
    tx_expect(c, "00A4080C047F104F30", "6A82");
    tx_expect(c, "00A4080C062FE27F104F30", "6A82");         /* an EF in the middle */
    tx_expect(c, "00A4080C03112233", "6700");
    tx_expect(c, "00A4080C00", "9000");                      /* empty path: the MF */
    tx_expect(c, "00A4090C047F105F3A", "9000");              /* from the current DF */
    tx_expect(c, "00A4090C024F30", "9000");
    tx_expect(c, "00A4030C", "9000");                        /* parent of 5F3A */
    tx_expect(c, "80F2000C", "9000");
    tx_expect(c, "00A4030C", "9000");                        /* parent: MF */
    tx_expect(c, "00A4030C", "6A82");                        /* the MF has none */
    tx_expect(c, "00A4030C02 7F10", "6700");
    tx_expect(c, "00A4090C00", "6700");
    /* 7FFF: the current ADF */
    tx_expect(c, "00A4000C027FFF", "6A82");                  /* none selected yet */
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "00A4000C023F00", "9000");
    tx_expect(c, "00A4090C047FFF6F07", "9000");
    tx_expect(c, "00A4000C023F00", "9000");
    tx_expect(c, "00A4080C047FFF6F07", "9000");
    tx_expect(c, "00A40004027FFF00", USIM_FCP "9000");
    tx_expect(c, "00A4010C027F10", "6A82");                  /* not a child of the ADF */
    tx_expect(c, "00A4000C023F00", "9000");
    tx_expect(c, "00A4010C027F10", "9000");                  /* child DF */
    tx_expect(c, "00A4020C025F3A", "6A82");                  /* a DF is no child EF */
}

static void test_select_aid(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A404000CA0000000871002FF49FF058900", USIM_FCP "9000");
    tx_expect(c, "80F2000100", "840CA0000000871002FF49FF05899000");
    tx_expect(c, "00A4040C07A0000000871004", "9000");                /* partial: ISIM */
    tx_expect(c, "80F2000100", "840CA0000000871004FF49FF05899000");
    tx_expect(c, "00A4040C05A000000087", "9000");                   /* first: USIM */
    tx_expect(c, "80F2000100", "840CA0000000871002FF49FF05899000");
    tx_expect(c, "00A4040E05A000000087", "9000");                   /* next: ISIM */
    tx_expect(c, "80F2000100", "840CA0000000871004FF49FF05899000");
    tx_expect(c, "00A4040E05A000000087", "6A82");                   /* no third */
    tx_expect(c, "00A4040C05A000000099", "6A82");
    tx_expect(c, "00A4040D05A000000087", "6A86");                   /* last: refused */
    /* applets win for their AIDs; an ADF leaves the applet */
    tx_sw(c, "00A4040010A0000005591010FFFFFFFF890000010000", 0x9000);
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "00A4000C026F07", "9000");
    tx_expect(c, "00A4000C023F00", "9000");
    tx_expect(c, "80F2000C", "9000");
}

static void test_status(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "80F2000000", MF_FCP "9000");
    tx_expect(c, "80F2000100", "9000");                  /* no application selected */
    tx_expect(c, "80F2000C00", "9000");
    tx_expect(c, "80F2030000", "6A86");
    tx_expect(c, "80F2000200", "6A86");
    tx_expect(c, "00F2000000", "6E00");
    tx_expect(c, "80F200000100", "6700");
    tx_expect(c, "00A4000C022F00", "9000");
    tx_expect(c, "80F2000000", MF_FCP "9000");           /* the DF of the current EF */
}

static void test_read_update_binary(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00B0000001", "6986");                  /* no current EF */
    tx_expect(c, "00A4000C022FE2", "9000");
    tx_expect(c, "00B000000A", "989420000000000001029000");
    tx_expect(c, "00B0000000", "989420000000000001029000");
    tx_expect(c, "00B0000800", "01029000");
    tx_expect(c, "00B0000803", "6C02");
    tx_expect(c, "00B0000A00", "6B00");
    tx_expect(c, "00B000000101", "6700");
    tx_expect(c, "00D6000001FF", "6982");                /* update needs ADM1 */
    verify_pin(c, PINREF_ADM1, true);
    tx_expect(c, "00D6000902AABB", "6700");
    tx_expect(c, "00D6000A01AA", "6B00");
    tx_expect(c, "00D6000000", "6700");
    tx_expect(c, "00D6000802AABB", "9000");
    tx_expect(c, "00B0000800", "AABB9000");
    /* SFI: 2FE2 has SFI 2 in the MF */
    tx_expect(c, "00A4000C022F00", "9000");
    tx_expect(c, "00B0820002", "98949000");
    tx_expect(c, "00B0000002", "98949000");              /* now the current EF */
    tx_expect(c, "00B0850002", "6A82");
    tx_expect(c, "00B0A20002", "6A86");
    tx_expect(c, "00B0800002", "6A86");
    tx_expect(c, "00A4000C022F00", "9000");
    tx_expect(c, "00B0000002", "6981");                  /* a record EF */
    tx_expect(c, "00B2010420", "61144F0CA0000000871002FF49FF058950045553494DFFFFFFFFFFFFFFFFFFFF9000");
}

static void test_access_pin(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "00A4000C026F07", "9000");
    tx_expect(c, "00B0000009", "6982");
    tx_expect(c, "00D6000001FF", "6982");
    verify_pin(c, PINREF_ADM1, true);                    /* ADM does not stand for PIN1 */
    tx_expect(c, "00B0000009", "6982");
    verify_pin(c, PINREF_PIN1, true);
    tx_expect(c, "00B0000009", "0829101010325476989000");
    /* a disabled PIN counts as satisfied */
    verify_pin(c, PINREF_PIN1, false);
    pin_find(&card_uicc(c)->img.pins, PINREF_PIN1)->enabled = false;
    tx_expect(c, "00B0870009", "0829101010325476989000");
    /* and the ADF's FCP shows it disabled */
    tx_expect(c, "00A40004027FFF00",
              "62298202782183027FF0840CA0000000871002FF49FF05898A01058B032F0603"
              "C609900100830101830181 9000");
    /* expanded (AB) and compact (8C) attributes */
    tx_expect(c, "00A4000C022F08", "9000");
    tx_expect(c, "00B0000002", "FFFF9000");
    tx_expect(c, "00D6000001AA", "6982");                /* never */
    tx_expect(c, "00A4000C022F09", "9000");
    tx_expect(c, "00B0000002", "FFFF9000");
    tx_expect(c, "00D6000001AA", "6982");
}

static void test_records(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "00A4000C026F40", "9000");
    tx_expect(c, "00B2020404", "AABBCCDD9000");          /* absolute */
    tx_expect(c, "00B2000404", "6A83");                  /* no current record yet */
    tx_expect(c, "00B2000204", "010203049000");          /* next: 1 */
    tx_expect(c, "00B2000204", "AABBCCDD9000");
    tx_expect(c, "00B2000404", "AABBCCDD9000");          /* current */
    tx_expect(c, "00B2000204", "11AABB229000");
    tx_expect(c, "00B2000204", "6A83");                  /* linear: no wrap */
    tx_expect(c, "00B2000304", "AABBCCDD9000");          /* previous */
    tx_expect(c, "00B2000304", "010203049000");
    tx_expect(c, "00B2000304", "6A83");
    tx_expect(c, "00B2040404", "6A83");
    tx_expect(c, "00B2010403", "6C04");
    tx_expect(c, "00B2010400", "010203049000");
    tx_expect(c, "00B2010504", "6A86");
    tx_expect(c, "00B2010204", "6A86");                  /* next with P1 != 0 */
    /* SFI 0A from the ADF */
    tx_expect(c, "00A4000C027FFF", "9000");
    tx_expect(c, "00B2035404", "11AABB229000");
    tx_expect(c, "00B201FC04", "6A86");
    /* UPDATE RECORD (always allowed here) */
    tx_expect(c, "00DC020404CAFEBABE", "9000");
    tx_expect(c, "00B2020404", "CAFEBABE9000");
    tx_expect(c, "00DC020403CAFEBA", "6700");
    tx_expect(c, "00DC000204 01010101", "9000");         /* next from no current: 1 */
    tx_expect(c, "00B2010404", "010101019000");
    /* SEARCH RECORD */
    tx_expect(c, "00A2010402BB2200", "039000");
    tx_expect(c, "00B2000404", "11AABB229000");          /* pointer on the match */
    tx_expect(c, "00A2030501FE00", "029000");              /* backward from 3 */
    tx_expect(c, "00A20104017700", "9000");                /* no match */
    tx_expect(c, "00A2010600", "6A86");
    tx_expect(c, "00A2010400", "6700");
    tx_expect(c, "00A2010405 0102030405", "6700");
    tx_expect(c, "00A2050401AA", "6A83");
    tx_expect(c, "00A4000C026F07", "9000");
    tx_expect(c, "00A2010401AA", "6981");
}

static void test_cyclic_increase(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "00A4000C026F39", "9000");
    tx_expect(c, "00B2010403", "0000019000");
    tx_expect(c, "00DC000303AAAAAA", "6982");            /* update never */
    tx_expect(c, "8032000001 05", "6982");               /* INCREASE needs PIN1 */
    verify_pin(c, PINREF_PIN1, true);
    tx_expect(c, "8032000001 05 00", "000006059000");
    tx_expect(c, "00B2010403", "0000069000");            /* the new record 1 */
    tx_expect(c, "00B2020403", "0000019000");
    tx_expect(c, "00B2030403", "0000039000");            /* the oldest */
    tx_expect(c, "00B2000203", "0000019000");            /* pointer 1 (INCREASE): next 2 */
    tx_expect(c, "00B2000203", "0000039000");
    tx_expect(c, "00B2000203", "0000069000");            /* cyclic next wraps to 1 */
    tx_expect(c, "00B2000303", "0000039000");            /* previous of 1 wraps to 3 */
    tx_expect(c, "8032000002 FFFF 00", "010005FFFF9000");
    tx_expect(c, "80320000040000000000", "6700");
    tx_expect(c, "8032010001 01", "6A86");
    tx_expect(c, "8032000003 FFFFFF", "9850");
    tx_expect(c, "0032000001 01", "6E00");
    tx_expect(c, "00A4000C026F40", "9000");
    tx_expect(c, "8032000001 01", "6981");
    /* cyclic UPDATE in previous mode on a file that allows it: EF.ARR rule 1 -> use
     * ADM-free cyclic: make one with the MF's always rule by relinking the attribute */
    struct fs_file *f = &card_uicc(c)->img.fs.files[8];
    f->sec[2] = 0x01;                                     /* ADF ARR rec 1: PIN1 update */
    tx_expect(c, "00A4000C026F39", "9000");
    tx_expect(c, "00DC000303 123456", "9000");
    tx_expect(c, "00B2010403", "1234569000");
    tx_expect(c, "00B2020403", "0100059000");
    tx_expect(c, "00DC010403 123456", "6A86");           /* absolute on cyclic */
}

static void test_bertlv(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4000C022F10", "9000");
    tx_expect(c, "80CB00000180 00", "800201029000");
    tx_expect(c, "80CB00000181 00", "8101AA9000");
    tx_expect(c, "80CB00000182 00", "6A88");
    tx_expect(c, "80CB000001 80 02", "800262F1");        /* in blocks */
    tx_expect(c, "80CB0100 02", "01029000");
    tx_expect(c, "80CB0100 02", "6985");
    tx_expect(c, "80CB0000011F", "6A80");
    tx_expect(c, "80CB000100", "6A86");
    tx_expect(c, "80DB800005 8203112233", "9000");
    tx_expect(c, "80CB000001 82 00", "82031122339000");
    tx_expect(c, "80DB800004 80021234", "9000");        /* replace */
    tx_expect(c, "80CB000001 80 00", "800212349000");
    tx_expect(c, "80DB800002 8100", "9000");            /* delete */
    tx_expect(c, "80CB000001 81 00", "6A88");
    tx_expect(c, "80DB800004 830401 02", "9000");       /* two blocks */
    tx_expect(c, "80DB000002 0304", "9000");
    tx_expect(c, "80CB000001 83 00", "830401020304 9000");
    tx_expect(c, "80DB000001 05", "6985");
    tx_expect(c, "80DB800003 8441FF", "6A84");           /* bigger than the file */
    tx_expect(c, "80DB800003 850301", "9000");           /* first block of 3 */
    tx_expect(c, "80DB000003 020304", "6700");           /* too much */
    tx_expect(c, "80DB800001 FF", "6A80");
    tx_expect(c, "80DB800004 8201AABB", "6700");
    tx_expect(c, "00A4000C022FE2", "9000");
    tx_expect(c, "80CB00000180 00", "6981");
}

static void test_activate_deactivate(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4000C022F05", "9000");
    tx_expect(c, "0004000000", "6982");
    verify_pin(c, PINREF_ADM1, true);
    tx_expect(c, "0004000000", "9000");
    tx_expect(c, "00B0000004", "6985");
    tx_expect(c, "00A40004022F0500",
              "62168202412183022F058A01048B032F0601800200048800 6283");
    tx_expect(c, "0044000C00", "6A86");
    tx_expect(c, "0044000002 2F05", "9000");
    tx_expect(c, "00B0000004", "656E64659000");
    tx_expect(c, "0044000002 2F99", "6A82");
    tx_expect(c, "8044000000", "6E00");
}

static void test_persistence(void **state)
{
    struct fx *f = *state;
    verify_pin(f->card, PINREF_PIN1, true);
    tx_expect(f->card, "00A4080C047FFF6F07", "6A82");
    tx_expect(f->card, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(f->card, "00D6870002 0901", "9000");
    tx_expect(f->card, "00A4000C026F39", "9000");
    tx_expect(f->card, "8032000001 07 00", "000008079000");
    card_close(f->card);
    open_card(f);
    tx_expect(f->card, "00A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(f->card, "00B0870002", "6982");            /* PIN states do not survive */
    verify_pin(f->card, PINREF_PIN1, true);
    tx_expect(f->card, "00B0870002", "09019000");
    tx_expect(f->card, "00A4000C026F39", "9000");
    tx_expect(f->card, "00B2010403", "0000089000");
}

static void test_two_channels_and_reset(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "0070000001", "019000");
    tx_expect(c, "01A4040C0CA0000000871002FF49FF0589", "9000");
    tx_expect(c, "01A4000C026F40", "9000");
    tx_expect(c, "80F2000000", MF_FCP "9000");
    tx_expect(c, "81F2000000", USIM_FCP "9000");
    tx_expect(c, "00B2010404", "6986");                  /* channel 0 has no EF */
    tx_expect(c, "01B2010404", "010203049000");
    tx_expect(c, "00A4000C022FE2", "9000");
    tx_expect(c, "01B2010404", "010203049000");
    tx_expect(c, "00B0000002", "98949000");
    /* a channel opened from channel 1 inherits its selection */
    tx_expect(c, "01700002", "9000");
    tx_expect(c, "02B2020404", "AABBCCDD9000");
    tx_expect(c, "0170800200", "9000");
    /* record pointers are per channel */
    tx_expect(c, "00700002", "9000");                  /* from channel 0: the MF */
    tx_expect(c, "82F2000000", MF_FCP "9000");
    verify_pin(c, PINREF_PIN1, true);
    card_power(c, CARD_POWER_RESET);
    tx_expect(c, "80F2000000", MF_FCP "9000");
    tx_expect(c, "80F2000100", "9000");
    tx_expect(c, "01F2000000", "6881");
    assert_false(pin_find(&card_uicc(c)->img.pins, PINREF_PIN1)->verified);
}

static void test_pysim_startup(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A40004023F00", "611A");
    tx_expect(c, "00C000001A", MF_FCP "9000");
    tx_expect(c, "00A40004022F00", "611C");
    tx_expect(c, "00C000001C", DIR_FCP "9000");
    tx_expect(c, "00B2010420", "61144F0CA0000000871002FF49FF058950045553494DFFFFFFFFFFFFFFFFFFFF9000");
    tx_expect(c, "00B2020420", "61144F0CA0000000871004FF49FF058950044953494DFFFFFFFFFFFFFFFFFFFF9000");
    tx_expect(c, "00B2030420", "6A83");
    /* the ISD-R still answers its FCI */
    tx_sw(c, "00A4040010A0000005591010FFFFFFFF8900000100", 0x6121);
}

static void test_switch_profile(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    tx_expect(c, "00A4000C022F00", "9000");
    assert_int_equal(uicc_switch_profile(c, 0), 0);
    tx_expect(c, "00A4000C022F00", "6A82");               /* the minimal MF again */
    tx_expect(c, "00B0000001", "6D00");
    assert_int_equal(uicc_switch_profile(c, 7), -1);      /* nothing there */
    assert_false(card_uicc(c)->active);
    assert_int_equal(uicc_switch_profile(c, 1), 0);
    tx_expect(c, "00A4000C022F00", "9000");
    assert_int_equal(uicc_load_enabled(c), 0);
}

static void test_no_profile(void **state)
{
    struct card *c = ((struct fx *)*state)->card;
    assert_false(card_uicc(c)->active);
    tx_sw(c, "00A40004023F00", 0x6121);
    tx_expect(c, "00A4000C022F00", "6A82");
    tx_expect(c, "00A4040C0CA0000000871002FF49FF0589", "6A82");
    tx_expect(c, "00B0000001", "6D00");
    tx_expect(c, "80F2000100", "9000");
    tx_expect(c, "00A4040010A0000005591010FFFFFFFF8900000100", "6121");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_select_fid_and_fcp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_aid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_update_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cyclic_increase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bertlv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activate_deactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_channels_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pysim_startup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_profile, setup_no_profile, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
