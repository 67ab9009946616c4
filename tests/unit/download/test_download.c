/* tests/unit/download/test_download.c — complete downloads end to end through
 * card_transmit() (tests/common/download_driver: lpac-style STORE DATA, the test SM-DP+
 * with the SGP.26 DPauth/DPpb keys): every TS.48 profile of <shared>/profiles/ts48 with
 * and without ReplaceSessionKeys, then Enable → Disable → Delete with their signed
 * notifications, RetrieveNotificationsList by seqNumber and by event, NotificationSent;
 * two profiles (enabling one disables the other); and the negative end-to-end cases
 * (ICCID twice, memory too small, every SM-DP+ fault) each leaving the card unchanged
 * (store image compared, the stored error PIR aside) with a fresh session succeeding.
 * Needs <shared>/sgp26 and <shared>/profiles/ts48; skips when absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "card/profile_image.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "card/store_internal.h"
#include "isd-r/profile_table.h"
#include "tests/common/download_driver.h"
#include "tests/common/test_util.h"
#include "tools/smdp/smdp_internal.h"

#define SMDP_ADDRESS "testsmdpplus1.example.com"
#define SMDP_SPN     "euicc-emu test SM-DP+"
#define MAX_UPPS     32

enum { EV_INSTALL = 0, EV_ENABLE = 1, EV_DISABLE = 2, EV_DELETE = 3 };

struct t {
    struct dl d;
    uint8_t *upp_a, *upp_b;
    size_t upp_a_len, upp_b_len;
    uint8_t iccid_a[10], iccid_b[10];
};

static int setup_cap(void **state, size_t capacity)
{
    char err[256] = "";
    if (!dl_shared_dir()) {
        static bool told;
        if (!told)
            fprintf(stderr, "SKIP: SGP.26 identity / TS.48 profiles not found "
                            "(set EUICC_EMU_SHARED)\n");
        told = true;
        *state = NULL;
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    if (dl_open(&t->d, capacity, err, sizeof err) != 0)
        fail_msg("dl_open: %s", err);
    t->upp_a = tu_load_ts48("TS48V1-A-UNIQUE.der", &t->upp_a_len);
    t->upp_b = tu_load_ts48("TS48V1-B-UNIQUE.der", &t->upp_b_len);
    assert_int_equal(dl_upp_iccid(t->upp_a, t->upp_a_len, t->iccid_a), 0);
    assert_int_equal(dl_upp_iccid(t->upp_b, t->upp_b_len, t->iccid_b), 0);
    *state = t;
    return 0;
}

static int setup(void **state)
{
    return setup_cap(state, 0);
}

static int teardown(void **state)
{
    struct t *t = *state;
    if (!t)
        return 0;
    dl_close(&t->d);
    free(t->upp_a);
    free(t->upp_b);
    free(t);
    return 0;
}

#define T()                  \
    struct t *t = *state;    \
    if (!t)                  \
        skip();              \
    struct dl *d = &t->d

/* ------------------------------------------------------------------------ helpers */

static void download_ok(struct dl *d, const uint8_t *upp, size_t len, struct dl_result *r)
{
    if (dl_download(d, upp, len, r) != 0)
        fail_msg("download failed at step %d (SW %04X, code %d, PIR %d/%lld/%lld)", r->step,
                 r->sw, r->code, r->has_pir, (long long)r->pir.cmd,
                 (long long)r->pir.reason);
}

static size_t all_notifs(struct dl *d, struct dl_notif *n)
{
    size_t cnt;
    assert_int_equal(dl_notifications(d, 0, -1, n, DL_LIST_MAX, &cnt), 0);
    for (size_t i = 0; i < cnt; i++) {
        assert_true(n[i].sig_ok);
        if (i)
            assert_true(n[i].meta.seq > n[i - 1].meta.seq);
    }
    return cnt;
}

static size_t profiles(struct dl *d, struct lpa_profile_info *p)
{
    size_t n;
    assert_int_equal(dl_profiles(d, p, PROFILE_SLOTS, &n), 0);
    return n;
}

/* The profile the card keeps is the image the interpreter built from the UPP: loaded
 * back from the store, its EF.ICCID holds the profile's ICCID and it has a USIM. */
static void expect_content(struct dl *d, const uint8_t iccid[10], const uint8_t *upp,
                           size_t upp_len)
{
    static const uint8_t usim_aid[] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
    struct profile_record *rec = malloc(sizeof *rec);
    struct profile_image img;
    assert_non_null(rec);
    (void)upp;
    assert_true(upp_len > 0);
    assert_int_equal(profile_find_iccid(d->store, iccid, rec), 0);
    profile_image_init(&img);
    assert_int_equal(profile_image_load(d->store, rec->slot, &img), 0);
    int ef = fs_child(&img.fs, 0, 0x2FE2);
    assert_int_not_equal(ef, FS_NONE);
    assert_memory_equal(img.fs.files[ef].data, iccid, 10);
    assert_int_not_equal(fs_find_adf(&img.fs, usim_aid, sizeof usim_aid, 0), FS_NONE);
    profile_image_free(&img);
    free(rec);
}

static void expect_notif(const struct dl_notif *n, int event, const uint8_t iccid[10],
                         bool pir)
{
    assert_int_equal(n->meta.event, event);
    assert_true(n->meta.has_iccid);
    assert_memory_equal(n->meta.iccid, iccid, 10);
    assert_int_equal(n->is_pir, pir);
    assert_true(n->sig_ok);
    assert_string_equal(n->meta.address, SMDP_ADDRESS);
}

/* A copy of the store's current image. */
static uint8_t *image_copy(struct dl *d, size_t *len)
{
    const uint8_t *p;
    assert_int_equal(store_memory_image(d->store, &p, len), 0);
    uint8_t *c = malloc(*len);
    assert_non_null(c);
    memcpy(c, p, *len);
    return c;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Next record of an image at *off (outside [lo, hi] when skipping): false at the end. */
static bool next_record(const uint8_t *img, size_t len, size_t *off, uint32_t lo,
                        uint32_t hi, uint32_t *id, const uint8_t **v, uint32_t *vl)
{
    while (*off + STORE_IMAGE_RECORD_HDR <= len - STORE_IMAGE_TRAILER_LEN) {
        *id = be32(img + *off);
        *vl = be32(img + *off + 4);
        *v = img + *off + STORE_IMAGE_RECORD_HDR;
        *off += STORE_IMAGE_RECORD_HDR + *vl;
        assert_true(*off <= len - STORE_IMAGE_TRAILER_LEN);
        if (*id < lo || *id > hi)
            return true;
    }
    return false;
}

/* Both images hold the same objects, ids in [lo, hi] aside (the header's generation
 * and the trailer's hash may differ). */
static void expect_same_objects(const uint8_t *a, size_t alen, const uint8_t *b,
                                size_t blen, uint32_t lo, uint32_t hi)
{
    size_t oa = STORE_IMAGE_HEADER_LEN, ob = STORE_IMAGE_HEADER_LEN;
    uint32_t ia, ib, la, lb;
    const uint8_t *va, *vb;
    assert_int_equal(store_image_check(a, alen, NULL), 0);
    assert_int_equal(store_image_check(b, blen, NULL), 0);
    for (;;) {
        bool ha = next_record(a, alen, &oa, lo, hi, &ia, &va, &la);
        bool hb = next_record(b, blen, &ob, lo, hi, &ib, &vb, &lb);
        assert_int_equal(ha, hb);
        if (!ha)
            return;
        if (ia != ib || la != lb || memcmp(va, vb, la) != 0)
            fail_msg("store object %08X differs", ia < ib ? ia : ib);
    }
}

/* ------------------------------------------------------- every TS.48 profile, life */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Download, check the PIR and GetProfilesInfo, enable → disable → delete, check the
 * four notifications, retrieve them by seq and by event, remove them one by one. */
static void life_cycle(struct dl *d, const char *name, const uint8_t *upp, size_t upp_len)
{
    struct dl_result r;
    struct lpa_profile_info p[PROFILE_SLOTS];
    struct dl_notif n[DL_LIST_MAX], one[DL_LIST_MAX];
    uint8_t iccid[10];
    size_t cnt;

    assert_int_equal(dl_upp_iccid(upp, upp_len, iccid), 0);
    download_ok(d, upp, upp_len, &r);
    assert_true(r.pir.sig_ok);
    assert_true(r.pir.has_iccid);
    assert_memory_equal(r.pir.iccid, iccid, 10);
    assert_int_equal(r.pir.tid_len, d->dp->transaction_id_len);
    assert_memory_equal(r.pir.tid, d->dp->transaction_id, r.pir.tid_len);
    assert_int_equal(r.pir.aid_len, 16);

    assert_int_equal(profiles(d, p), 1);
    assert_memory_equal(p[0].iccid, iccid, 10);
    assert_int_equal(p[0].aid_len, 16);
    assert_memory_equal(p[0].aid, r.pir.aid, 16);
    assert_int_equal(p[0].state, 0);
    assert_int_equal(p[0].profile_class, 2);
    assert_string_equal(p[0].spn, SMDP_SPN);
    assert_true(p[0].name[0] != 0);
    assert_string_equal(p[0].nickname, "");
    expect_content(d, iccid, upp, upp_len);

    assert_int_equal(all_notifs(d, n), 1);
    expect_notif(&n[0], EV_INSTALL, iccid, true);
    assert_int_equal(n[0].meta.seq, r.pir.seq);

    assert_int_equal(dl_enable(d, iccid), 0);
    assert_int_equal(profiles(d, p), 1);
    assert_int_equal(p[0].state, 1);
    assert_int_equal(dl_disable(d, iccid), 0);
    assert_int_equal(profiles(d, p), 1);
    assert_int_equal(p[0].state, 0);
    assert_int_equal(dl_delete(d, iccid), 0);
    assert_int_equal(profiles(d, p), 0);

    assert_int_equal(all_notifs(d, n), 4);      /* seqs strictly increasing, signed */
    static const int ev[4] = { EV_INSTALL, EV_ENABLE, EV_DISABLE, EV_DELETE };
    for (int i = 0; i < 4; i++) {
        expect_notif(&n[i], ev[i], iccid, i == 0);
        /* by seqNumber: exactly that one */
        assert_int_equal(dl_notifications(d, n[i].meta.seq, -1, one, DL_LIST_MAX, &cnt), 0);
        assert_int_equal(cnt, 1);
        assert_int_equal(one[0].meta.seq, n[i].meta.seq);
        /* by event: exactly that one */
        assert_int_equal(dl_notifications(d, 0, ev[i], one, DL_LIST_MAX, &cnt), 0);
        assert_int_equal(cnt, 1);
        assert_int_equal(one[0].meta.seq, n[i].meta.seq);
        assert_int_equal(one[0].meta.event, ev[i]);
    }
    struct lpa_notification meta[DL_LIST_MAX];
    assert_int_equal(dl_list_notifications(d, -1, meta, DL_LIST_MAX, &cnt), 0);
    assert_int_equal(cnt, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(meta[i].seq, n[i].meta.seq);
        assert_int_equal(meta[i].event, ev[i]);
        assert_int_equal(dl_list_notifications(d, ev[i], meta, DL_LIST_MAX, &cnt), 0);
        assert_int_equal(cnt, 1);
        assert_int_equal(meta[0].seq, n[i].meta.seq);
    }
    /* NotificationSent removes exactly one, the named one */
    for (int i = 0; i < 4; i++) {
        struct dl_notif rest[DL_LIST_MAX];
        assert_int_equal(dl_remove_notification(d, n[i].meta.seq), 0);
        assert_int_equal(all_notifs(d, rest), (size_t)(3 - i));
        for (int j = 0; j < 3 - i; j++)
            assert_int_equal(rest[j].meta.seq, n[i + 1 + j].meta.seq);
        assert_int_equal(dl_remove_notification(d, n[i].meta.seq), 1);   /* nothingToDelete */
    }
    (void)name;
}

static void test_every_ts48_profile(void **state)
{
    T();
    char dir[900], *names[MAX_UPPS];
    size_t nn = 0;
    snprintf(dir, sizeof dir, "%s/profiles/ts48", dl_shared_dir());
    DIR *dh = opendir(dir);
    if (!dh)
        skip();
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".der") == 0 && nn < MAX_UPPS)
            names[nn++] = strdup(e->d_name);
    }
    closedir(dh);
    assert_true(nn >= 2);
    qsort(names, nn, sizeof names[0], cmp_str);
    for (size_t i = 0; i < nn; i++) {
        size_t len;
        uint8_t *upp = tu_load_ts48(names[i], &len);
        for (int rsk = 0; rsk < 2; rsk++) {
            char err[256];
            dl_close(d);
            if (dl_open(d, 0, err, sizeof err) != 0)
                fail_msg("dl_open: %s", err);
            assert_int_equal(dl_smdp(d, rsk, SMDP_FAULT_NONE), 0);
            life_cycle(d, names[i], upp, len);
        }
        free(upp);
        free(names[i]);
    }
    print_message("downloaded %zu TS.48 profiles x {session keys, ReplaceSessionKeys}\n",
                  nn);
}

/* ----------------------------------------------------------------- two profiles */

static void test_two_profiles_enable_switches(void **state)
{
    T();
    struct dl_result r;
    struct lpa_profile_info p[PROFILE_SLOTS];
    struct dl_notif n[DL_LIST_MAX];
    download_ok(d, t->upp_a, t->upp_a_len, &r);
    download_ok(d, t->upp_b, t->upp_b_len, &r);
    assert_int_equal(profiles(d, p), 2);
    assert_int_equal(dl_enable(d, t->iccid_a), 0);
    assert_int_equal(all_notifs(d, n), 3);
    /* enabling B disables A: one disable (A) then one enable (B), in that order */
    assert_int_equal(dl_enable(d, t->iccid_b), 0);
    assert_int_equal(profiles(d, p), 2);
    for (int i = 0; i < 2; i++) {
        bool is_a = memcmp(p[i].iccid, t->iccid_a, 10) == 0;
        assert_int_equal(p[i].state, is_a ? 0 : 1);
    }
    assert_int_equal(all_notifs(d, n), 5);
    expect_notif(&n[3], EV_DISABLE, t->iccid_a, false);
    expect_notif(&n[4], EV_ENABLE, t->iccid_b, false);
    /* error codes end to end: wrong states, unknown ICCID; nothing added */
    assert_int_equal(dl_enable(d, t->iccid_b), 2);      /* profileNotInDisabledState */
    assert_int_equal(dl_disable(d, t->iccid_a), 2);     /* profileNotInEnabledState */
    assert_int_equal(dl_delete(d, t->iccid_b), 2);      /* enabled: not deletable */
    uint8_t unknown[10];
    memcpy(unknown, t->iccid_a, 10);
    unknown[9] ^= 0x10;
    assert_int_equal(dl_enable(d, unknown), 1);          /* iccidOrAidNotFound */
    assert_int_equal(dl_delete(d, unknown), 1);
    assert_int_equal(all_notifs(d, n), 5);
    /* by ISD-P AID: disable B, delete A */
    uint8_t aid_a[16], aid_b[16];
    for (int i = 0; i < 2; i++)
        memcpy(memcmp(p[i].iccid, t->iccid_a, 10) == 0 ? aid_a : aid_b, p[i].aid, 16);
    assert_int_equal(dl_profile_op_aid(d, 0xBF32, aid_b, 16), 0);
    assert_int_equal(dl_profile_op_aid(d, 0xBF33, aid_a, 16), 0);
    assert_int_equal(profiles(d, p), 1);
    assert_memory_equal(p[0].iccid, t->iccid_b, 10);
    assert_int_equal(all_notifs(d, n), 7);
    expect_notif(&n[5], EV_DISABLE, t->iccid_b, false);
    expect_notif(&n[6], EV_DELETE, t->iccid_a, false);
}

/* ------------------------------------------------------------ negative end to end */

/* After a failed download: the objects are those of before (the notification range
 * aside); the notifications are those of before plus, when the card answered an error
 * PIR, exactly that PIR (removed here again); then a fresh session succeeds. */
static void expect_unchanged_then_ok(struct t *t, const uint8_t *before, size_t before_len,
                                     const struct dl_notif *nb, size_t nb_cnt,
                                     const struct dl_result *r, const uint8_t *upp,
                                     size_t upp_len)
{
    struct dl *d = &t->d;
    struct dl_notif n[DL_LIST_MAX];
    size_t after_len, cnt;
    uint8_t *after = image_copy(d, &after_len);
    if (!r->has_pir) {
        /* refused before any load: not a single object changed */
        assert_int_equal(after_len, before_len);
        assert_memory_equal(after + STORE_IMAGE_HEADER_LEN, before + STORE_IMAGE_HEADER_LEN,
                            before_len - STORE_IMAGE_HEADER_LEN);
    }
    expect_same_objects(before, before_len, after, after_len, SID_NOTIF_FIRST,
                        SID_NOTIF_LAST);
    free(after);
    cnt = all_notifs(d, n);
    assert_int_equal(cnt, nb_cnt + (r->has_pir ? 1 : 0));
    for (size_t i = 0; i < nb_cnt; i++)
        assert_int_equal(n[i].meta.seq, nb[i].meta.seq);
    if (r->has_pir) {
        /* the stored error PIR is the one answered (isd-p/isdp.c) */
        assert_true(n[cnt - 1].is_pir);
        assert_int_equal(n[cnt - 1].meta.seq, r->pir.seq);
        assert_true(nb_cnt == 0 || r->pir.seq > nb[nb_cnt - 1].meta.seq);
        assert_int_equal(dl_remove_notification(d, r->pir.seq), 0);
    }
    /* a fresh session succeeds */
    struct dl_result ok;
    d->bpp_fault = SMDP_FAULT_NONE;
    assert_int_equal(dl_smdp(d, false, SMDP_FAULT_NONE), 0);
    download_ok(d, upp, upp_len, &ok);
    assert_true(!r->has_pir || ok.pir.seq > r->pir.seq);
}

static void test_same_iccid_twice(void **state)
{
    T();
    struct dl_result r;
    struct dl_notif nb[DL_LIST_MAX];
    size_t blen;
    download_ok(d, t->upp_a, t->upp_a_len, &r);
    size_t nb_cnt = all_notifs(d, nb);
    uint8_t *before = image_copy(d, &blen);
    assert_int_equal(dl_download(d, t->upp_a, t->upp_a_len, &r), -1);
    assert_true(r.has_pir && r.pir.sig_ok && !r.pir.success);
    assert_int_equal(r.pir.cmd, 2);      /* storeMetadata */
    assert_int_equal(r.pir.reason, 9);   /* installFailedDueToIccidAlreadyExistsOnEuicc */
    assert_true(r.piece < r.npieces - 1);   /* answered at once, not at the end */
    expect_unchanged_then_ok(t, before, blen, nb, nb_cnt, &r, t->upp_b, t->upp_b_len);
    free(before);
}

static void test_insufficient_memory(void **state)
{
    T();
    struct dl_result r;
    struct dl_notif nb[DL_LIST_MAX];
    size_t blen;
    /* room for profile A and a bit: B does not fit (an installed image is smaller
     * than its UPP: about 0.7x for TS.48) */
    char err[256];
    dl_close(d);
    if (dl_open(d, t->upp_a_len + 2000, err, sizeof err) != 0)
        fail_msg("dl_open: %s", err);
    download_ok(d, t->upp_a, t->upp_a_len, &r);
    size_t nb_cnt = all_notifs(d, nb);
    uint8_t *before = image_copy(d, &blen);
    assert_int_equal(dl_download(d, t->upp_b, t->upp_b_len, &r), -1);
    assert_true(r.has_pir && r.pir.sig_ok && !r.pir.success);
    assert_int_equal(r.pir.reason, 10);  /* installFailedDueToInsufficientMemoryForProfile */
    /* after deleting A, B fits */
    assert_int_equal(dl_delete(d, t->iccid_a), 0);
    nb_cnt = all_notifs(d, nb);
    free(before);
    before = image_copy(d, &blen);
    expect_unchanged_then_ok(t, before, blen, nb, nb_cnt, &(struct dl_result){0}, t->upp_b,
                             t->upp_b_len);
    free(before);
}

static void test_capacity_too_small(void **state)
{
    T();
    struct dl_result r;
    char err[256];
    size_t blen;
    dl_close(d);
    if (dl_open(d, 4000, err, sizeof err) != 0)
        fail_msg("dl_open: %s", err);
    uint8_t *before = image_copy(d, &blen);
    assert_int_equal(dl_download(d, t->upp_a, t->upp_a_len, &r), -1);
    assert_true(r.has_pir && r.pir.sig_ok && !r.pir.success);
    assert_int_equal(r.pir.reason, 10);  /* installFailedDueToInsufficientMemoryForProfile */
    struct lpa_profile_info p[PROFILE_SLOTS];
    assert_int_equal(profiles(d, p), 0);
    size_t alen;
    uint8_t *after = image_copy(d, &alen);
    expect_same_objects(before, blen, after, alen, SID_NOTIF_FIRST, SID_NOTIF_LAST);
    free(after);
    free(before);
}

struct fault_case {
    enum smdp_fault fault;
    bool at_bpp;                  /* switched on after PrepareDownload (bpp_fault) */
    enum dl_step step;
    int code;                     /* ES10b error code (AUTH / PREPARE) */
    int64_t cmd, reason;          /* error PIR (BPP) */
};

static const struct fault_case FAULTS[] = {
    { SMDP_FAULT_SERVER_SIGNATURE1, false, DL_STEP_AUTH, 2, 0, 0 },    /* invalidSignature */
    { SMDP_FAULT_CI_UNKNOWN, false, DL_STEP_AUTH, 7, 0, 0 },           /* ciPKUnknown */
    { SMDP_FAULT_CHALLENGE, false, DL_STEP_AUTH, 6, 0, 0 },            /* euiccChallengeMismatch */
    { SMDP_FAULT_DPAUTH_OID, false, DL_STEP_AUTH, 5, 0, 0 },           /* invalidOid */
    { SMDP_FAULT_SMDP_SIGNATURE2, false, DL_STEP_PREPARE, 2, 0, 0 },   /* invalidSignature */
    { SMDP_FAULT_TRANSACTION_ID, false, DL_STEP_PREPARE, 5, 0, 0 },    /* invalidTransactionId */
    { SMDP_FAULT_TRANSACTION_ID, true, DL_STEP_DONE, 0, 0, 3 },        /* ISC: invalidTransactionId */
    { SMDP_FAULT_ISC_SIGNATURE, false, DL_STEP_DONE, 0, 0, 2 },        /* ISC: invalidSignature */
    { SMDP_FAULT_CRT, false, DL_STEP_DONE, 0, 0, 4 },                  /* unsupportedCrtValues */
    { SMDP_FAULT_MAC, false, DL_STEP_DONE, 0, 5, 8 },                  /* LPE: bspSecurityError */
    { SMDP_FAULT_METADATA_ICCID, false, DL_STEP_DONE, 0, 5, 13 },      /* LPE: dataMismatch */
};

static void test_smdp_faults(void **state)
{
    T();
    struct dl_result r;
    /* one profile installed and enabled, so "unchanged" means something */
    download_ok(d, t->upp_a, t->upp_a_len, &r);
    assert_int_equal(dl_enable(d, t->iccid_a), 0);
    for (size_t i = 0; i < sizeof FAULTS / sizeof FAULTS[0]; i++) {
        const struct fault_case *c = &FAULTS[i];
        struct dl_notif nb[DL_LIST_MAX];
        size_t blen;
        for (int rsk = 0; rsk < 2; rsk++) {
            size_t nb_cnt = all_notifs(d, nb);
            uint8_t *before = image_copy(d, &blen);
            assert_int_equal(dl_smdp(d, rsk, c->at_bpp ? SMDP_FAULT_NONE : c->fault), 0);
            d->bpp_fault = c->at_bpp ? c->fault : SMDP_FAULT_NONE;
            assert_int_equal(dl_download(d, t->upp_b, t->upp_b_len, &r), -1);
            if (r.step != c->step)
                fail_msg("fault %zu: stopped at step %d, expected %d", i, r.step, c->step);
            if (c->step == DL_STEP_DONE) {
                assert_true(r.has_pir && r.pir.sig_ok && !r.pir.success);
                if (r.pir.cmd != c->cmd || r.pir.reason != c->reason)
                    fail_msg("fault %zu: PIR %lld/%lld, expected %lld/%lld", i,
                             (long long)r.pir.cmd, (long long)r.pir.reason,
                             (long long)c->cmd, (long long)c->reason);
            } else {
                assert_int_equal(r.sw, 0x9000);
                assert_int_equal(r.code, c->code);
                assert_false(r.has_pir);
            }
            expect_unchanged_then_ok(t, before, blen, nb, nb_cnt, &r, t->upp_b,
                                     t->upp_b_len);
            free(before);
            /* back to "A enabled, B absent" for the next case */
            assert_int_equal(dl_delete(d, t->iccid_b), 0);
            size_t cnt = all_notifs(d, nb);
            for (size_t k = 0; k < cnt; k++)
                assert_int_equal(dl_remove_notification(d, nb[k].meta.seq), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_ts48_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_profiles_enable_switches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_iccid_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insufficient_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_capacity_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_faults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
