/* tests/unit/isdp/test_isdp.c — ES10b.LoadBoundProfilePackage through card_transmit():
 * known-answer tests with the pySim BPP vectors (SGP.26 identity), downloads bound by the
 * test SM-DP+ (tools/smdp) including its faults, and a negative test for every
 * errorReason the card produces; each failure leaves nothing but its PIR notification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/x509.h>

#include "isdp_test_util.h"

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "ecasd/ecasd.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"
#include "tools/smdp/smdp_internal.h"

#define VEC_OSMO "bpp_TS48V1-A-UNIQUE_osmo-smdpp.json"
#define VEC_SK   "bpp_TS48V1-A-UNIQUE_session-keys.json"

/* memmem without _GNU_SOURCE */
static uint8_t *find_bytes(const void *hay, size_t n, const void *needle, size_t m)
{
    const uint8_t *h = hay;
    for (size_t i = 0; m && i + m <= n; i++)
        if (memcmp(h + i, needle, m) == 0)
            return (uint8_t *)(h + i);
    return NULL;
}

struct t {
    struct fx f;
    struct vec v;
    size_t used_before;       /* store_used_bytes before the load */
    uint8_t *captured;        /* bytes the PPI received */
    size_t captured_len;
};

static void capture(void *ctx, const uint8_t *p, size_t len)
{
    struct t *t = ctx;
    t->captured = realloc(t->captured, t->captured_len + len);
    assert_non_null(t->captured);
    memcpy(t->captured + t->captured_len, p, len);
    t->captured_len += len;
}

static int setup_cap(void **state, size_t capacity)
{
    if (!shared_dir()) {
        print_message("SKIP: ../shared absent (set EUICC_EMU_SHARED)\n");
        *state = NULL;
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    card_fx_open(&t->f, capacity);
    assert_true(vec_load(&t->v, VEC_OSMO));
    /* the seqNumber counter exists before the test (store size comparisons) */
    uint32_t seq;
    assert_int_equal(notification_alloc_seq(t->f.store, &seq), 0);
    isdp_set_feed_observer(capture, t);
    *state = t;
    return 0;
}

static int setup(void **state) { return setup_cap(state, 0); }
static int setup_small(void **state) { return setup_cap(state, 8000); }

static int teardown(void **state)
{
    struct t *t = *state;
    if (!t)
        return 0;
    isdp_set_feed_observer(NULL, NULL);
    card_fx_close(&t->f);
    vec_free(&t->v);
    free(t->captured);
    free(t);
    return 0;
}

#define SKIP_IF_NO_SHARED(t) do { if (!(t)) { skip(); } } while (0)

/* ---- success checks ---- */

static void expect_installed(struct t *t, const char *iccid_hex, const char *spn,
                             const char *name)
{
    struct fx *f = &t->f;
    struct pir p;
    uint8_t iccid[10];
    tu_unhex(iccid_hex, iccid, sizeof iccid);
    assert_int_equal(f->sw, 0x9000);
    pir_check(f, &p);
    if (!p.success)
        fail_msg("PIR error %lld/%lld", (long long)p.cmd, (long long)p.reason);
    expect_bytes(p.tid, p.tid_len, t->v.tid, 16);
    assert_true(p.has_iccid);
    expect_bytes(p.iccid, 10, iccid, 10);
    /* the PPI got exactly the UPP */
    expect_bytes(t->captured, t->captured_len, t->v.upp, t->v.upp_len);
    /* the session is over, the one-time key used up */
    assert_null(f->r->load);
    assert_int_equal(f->r->session.state, RSP_NONE);
    assert_null(f->r->ot_sk);
    /* the PIR is a pending notification with the same seqNumber */
    uint8_t buf[4096];
    size_t len;
    assert_int_equal(notification_get_pending(f->store, p.seq, buf, sizeof buf, &len), 0);
    uint8_t pir_copy[4096];
    memcpy(pir_copy, f->out, f->out_len);
    expect_bytes(buf, len, pir_copy, f->out_len);
    /* the profile: disabled, in the ISD-P the PIR names, listed by GetProfilesInfo */
    struct profile_record rec;
    assert_int_equal(profile_find_iccid(f->store, iccid, &rec), 0);
    assert_int_equal(rec.state, PROFILE_DISABLED);
    expect_bytes(rec.aid, rec.aid_len, p.aid, p.aid_len);
    assert_int_equal(fx_run(f, "BF2D00"), 0x9000);
    char want[512];
    snprintf(want, sizeof want, "5A0A%s", iccid_hex);
    assert_non_null(strstr(tohex(f->out, f->out_len), want));
    assert_non_null(find_bytes(f->out, f->out_len, spn, strlen(spn)));
    assert_non_null(find_bytes(f->out, f->out_len, name, strlen(name)));
    assert_non_null(strstr(tohex(f->out, f->out_len), "9F700100"));   /* disabled */
}

#define VEC_ICCID "989444999999990920F3"

static void run_vector(struct t *t, const char *file)
{
    struct fx *f = &t->f;
    vec_free(&t->v);
    assert_true(vec_load(&t->v, file));
    prepare_session(f, &t->v);
    /* our LPA cut (tools/smdp bpp_pieces) is lpac's */
    struct bpp_piece pc[VEC_PIECES_MAX];
    size_t n;
    assert_int_equal(bpp_pieces(t->v.bpp, t->v.bpp_len, pc, VEC_PIECES_MAX, &n), 0);
    assert_int_equal(n, t->v.npieces);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pc[i].offset, t->v.piece[i].offset);
        assert_int_equal(pc[i].len, t->v.piece[i].len);
    }
    for (size_t i = 0; i < t->v.npieces; i++) {
        uint16_t sw = fx_run_bin(f, t->v.bpp + t->v.piece[i].offset, t->v.piece[i].len);
        assert_int_equal(sw, 0x9000);
        if (i + 1 < t->v.npieces)
            assert_int_equal(f->out_len, 0);
        else
            assert_true(f->out_len > 0);
    }
    expect_installed(t, VEC_ICCID, "OsmocomSPN", "TS48V1-A-UNIQUE");
}

static void test_kat_osmo_smdpp(void **state)
{
    SKIP_IF_NO_SHARED(*state);
    run_vector(*state, VEC_OSMO);
}

static void test_kat_session_keys(void **state)
{
    SKIP_IF_NO_SHARED(*state);
    run_vector(*state, VEC_SK);
}

/* ---- failures leave only their PIR notification ---- */

static void begin(struct t *t)
{
    prepare_session(&t->f, &t->v);
    t->used_before = store_used_bytes(t->f.store);
}

static void expect_no_trace(struct t *t)
{
    struct fx *f = &t->f;
    struct pir p;
    assert_int_equal(n_profiles(f), 0);
    uint32_t id;
    assert_int_equal(store_next(f->store, SID_PROFILE_DATA(1) - 1, SID_PROFILE_DATA(255) + 0xFFFF,
                                &id), STORE_ENOTFOUND);
    pir_check(f, &p);
    /* the error PIR is stored as a notification; without it the store is as before */
    assert_int_equal(n_notifications(f), 1);
    assert_int_equal(notification_remove(f->store, p.seq), 0);
    assert_int_equal(store_used_bytes(f->store), t->used_before);
}

static void fail_with(struct t *t, const uint8_t *bpp, size_t len, int64_t cmd,
                      int64_t reason)
{
    size_t at = send_bpp(&t->f, bpp, len);
    if (at == SIZE_MAX || t->f.out_len == 0)
        fail_msg("no PIR");
    expect_pir_error(&t->f, cmd, reason);
    expect_no_trace(t);
}

static void test_bad_smdp_sign(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    t->v.bpp[t->v.piece[0].len - 5] ^= 0x01;     /* inside smdpSign */
    fail_with(t, t->v.bpp, t->v.bpp_len, 0, 2);
}

static void test_wrong_transaction_id(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    t->f.r->session.transaction_id[3] ^= 0x10;   /* the SM-DP+ signed another one */
    fail_with(t, t->v.bpp, t->v.bpp_len, 0, 3);
}

static void test_mac_88(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    const struct bpp_piece *p88 = &t->v.piece[3];
    assert_int_equal(t->v.bpp[p88->offset], 0x88);
    t->v.bpp[p88->offset + p88->len - 1] ^= 0x80;
    fail_with(t, t->v.bpp, t->v.bpp_len, 2, 8);
}

static void test_mac_86_ciphertext(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    const struct bpp_piece *p86 = &t->v.piece[8];
    assert_int_equal(t->v.bpp[p86->offset], 0x86);
    t->v.bpp[p86->offset + 100] ^= 0x01;
    fail_with(t, t->v.bpp, t->v.bpp_len, 5, 8);
}


static void test_isc_malformed(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    /* BF36 82 xx xx | BF23 81 AE | 82 01 01 ...: remoteOpId retagged 83 */
    assert_int_equal(t->v.bpp[9], 0x82);
    t->v.bpp[9] = 0x83;
    fail_with(t, t->v.bpp, t->v.bpp_len, 0, 1);
}

static void test_remote_op_id(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    /* remoteOpId 2, smdpSign made again with SK.DPpb (SGP.26) */
    uint8_t *isc = t->v.bpp + 5;
    struct tlv bf23, sig;
    assert_true(tlv_parse(isc, t->v.bpp_len - 5, &bf23));
    assert_int_equal(bf23.tag, 0xBF23);
    assert_true(tlv_find(bf23.value, bf23.len, 0x5F37, &sig));
    assert_int_equal(isc[6], 0x01);
    isc[6] = 0x02;
    size_t head = (size_t)(sig.raw - bf23.value), klen;
    uint8_t msg[512];
    memcpy(msg, bf23.value, head);
    memcpy(msg + head, "\x5F\x49\x41", 3);
    memcpy(msg + head + 3, t->v.otpk, 65);
    char path[1200];
    snprintf(path, sizeof path, "%s/sgp26/DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem", shared_dir());
    uint8_t *pem = tu_read_file(path, &klen);
    EVP_PKEY *sk = ec_private_from_bytes(pem, klen);
    free(pem);
    assert_non_null(sk);
    assert_int_equal(ecdsa_sign_raw(sk, msg, head + 68, (uint8_t *)sig.value), 0);
    EVP_PKEY_free(sk);
    fail_with(t, t->v.bpp, t->v.bpp_len, 0, 5);
}

static void test_profile_table_full(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    struct profile_record rec;
    char iccid[21];
    for (unsigned i = 1; i <= PROFILE_SLOTS; i++) {
        snprintf(iccid, sizeof iccid, "98001000000000%06u", i);
        fx_profile(&rec, (uint8_t)i, iccid, PROFILE_CLASS_OPERATIONAL, PROFILE_DISABLED);
        assert_int_equal(profile_save(t->f.store, &rec), 0);
    }
    begin(t);
    size_t at = send_bpp(&t->f, t->v.bpp, t->v.bpp_len);
    assert_int_equal(at, 1);                     /* A0: ConfigureISDP */
    expect_pir_error(&t->f, 1, 10);
    assert_int_equal(n_profiles(&t->f), PROFILE_SLOTS);
    struct pir p;
    pir_check(&t->f, &p);
    assert_false(p.has_iccid);                   /* StoreMetadata never ran */
    assert_int_equal(notification_remove(t->f.store, p.seq), 0);
    assert_int_equal(store_used_bytes(t->f.store), t->used_before);
}

/* the first pieces of the vector, each answered 9000 without data */
static void send_until(struct t *t, size_t upto)
{
    for (size_t i = 0; i < upto; i++) {
        assert_int_equal(fx_run_bin(&t->f, t->v.bpp + t->v.piece[i].offset,
                                    t->v.piece[i].len), 0x9000);
        assert_int_equal(t->f.out_len, 0);
    }
}

static void test_86_before_a3(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 5);                            /* up to A2; A3 header skipped */
    const struct bpp_piece *p = &t->v.piece[6];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x9000);
    expect_pir_error(&t->f, 5, 7);
    expect_no_trace(t);
    /* the rest of the BPP is not routed any more: unknown function */
    p = &t->v.piece[7];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x6A88);
}

static void test_garbage_segment(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 7);
    static const uint8_t junk[] = { 0x86, 0x03, 0x01, 0x02, 0x03 };
    assert_int_equal(fx_run_bin(&t->f, junk, sizeof junk), 0x9000);
    expect_pir_error(&t->f, 5, 7);
    expect_no_trace(t);
}

static void test_wrong_tag_in_sequence(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 3);                            /* in A1 */
    const struct bpp_piece *p = &t->v.piece[3];
    t->v.bpp[p->offset] = 0x87;                  /* an 87 among the 88s */
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x9000);
    expect_pir_error(&t->f, 2, 7);
    expect_no_trace(t);
}

static void test_truncated_segment(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 9);
    const struct bpp_piece *p = &t->v.piece[9];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len - 1), 0x9000);
    expect_pir_error(&t->f, 5, 7);
    expect_no_trace(t);
}

static void test_new_bpp_while_loading(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 4);
    const struct bpp_piece *p = &t->v.piece[0];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x9000);
    expect_pir_error(&t->f, 5, 7);
    expect_no_trace(t);
}

static void test_no_session(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    size_t before = store_used_bytes(t->f.store);
    const struct bpp_piece *p = &t->v.piece[0];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x6A80);
    assert_null(t->f.r->load);
    assert_int_equal(store_used_bytes(t->f.store), before);
    /* an authenticated session without PrepareDownload is not enough either */
    prepare_session(&t->f, &t->v);
    t->f.r->session.state = RSP_AUTHENTICATED;
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x6A80);
    assert_int_equal(store_used_bytes(t->f.store), before);
}

static void test_iccid_exists(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    run_vector(t, VEC_OSMO);
    size_t profiles = n_profiles(&t->f), notifs = n_notifications(&t->f);
    prepare_session(&t->f, &t->v);
    size_t at = send_bpp(&t->f, t->v.bpp, t->v.bpp_len);
    assert_int_equal(at, 3);                     /* the 88 (StoreMetadata) */
    expect_pir_error(&t->f, 2, 9);
    assert_int_equal(n_profiles(&t->f), profiles);
    assert_int_equal(n_notifications(&t->f), notifs + 1);
}

/* StoreMetadata of the vector plus extra fields */
static uint8_t *meta_plus(const struct t *t, const uint8_t *extra, size_t extra_len,
                          size_t *len)
{
    struct tlv bf25;
    assert_true(tlv_parse(t->v.meta, t->v.meta_len, &bf25));
    uint8_t *m = malloc(t->v.meta_len + extra_len + 8);
    struct tlv_writer w;
    tlv_writer_init(&w, m, t->v.meta_len + extra_len + 8);
    tlv_open(&w, 0xBF25);
    tlv_put_raw(&w, bf25.value, bf25.len);
    tlv_put_raw(&w, extra, extra_len);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    *len = w.len;
    return m;
}

static const uint8_t OWNER_PPR1[] = { 0xB7, 0x05, 0x80, 0x03, 0x09, 0xF1, 0x07,   /* 901-70 */
                                      0x99, 0x02, 0x06, 0x40 };                   /* ppr1 */

static void test_ppr_not_allowed(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    size_t ml, bl;
    uint8_t *m = meta_plus(t, OWNER_PPR1, sizeof OWNER_PPR1, &ml);
    uint8_t *b = build_bpp(&t->v, m, ml, t->v.upp, t->v.upp_len, &bl);
    fail_with(t, b, bl, 2, 15);
    free(b);
    free(m);
}

static void test_ppr_allowed_by_rat(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    /* RAT: ppr1 allowed for MCC 901, any MNC: allowedOperators {30 {80 09 F1 EE}} */
    static const uint8_t rule[] = { 0x30, 0x10, 0x80, 0x02, 0x06, 0x40,
                                    0xA1, 0x07, 0x30, 0x05, 0x80, 0x03, 0x09, 0xF1, 0xEE,
                                    0x82, 0x01, 0x00 };
    assert_int_equal(store_put(t->f.store, SID_ISDR_RAT, rule, sizeof rule), 0);
    prepare_session(&t->f, &t->v);
    size_t ml, bl;
    uint8_t *m = meta_plus(t, OWNER_PPR1, sizeof OWNER_PPR1, &ml);
    uint8_t *b = build_bpp(&t->v, m, ml, t->v.upp, t->v.upp_len, &bl);
    send_bpp(&t->f, b, bl);
    expect_installed(t, VEC_ICCID, "OsmocomSPN", "TS48V1-A-UNIQUE");
    struct profile_record rec;
    uint8_t iccid[10];
    tu_unhex(VEC_ICCID, iccid, 10);
    assert_int_equal(profile_find_iccid(t->f.store, iccid, &rec), 0);
    assert_int_equal(rec.ppr, 0x02);
    free(b);
    free(m);
}

static void test_unsupported_profile_class(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    /* the vector's metadata with class 2 → 5 */
    uint8_t *m = malloc(t->v.meta_len);
    memcpy(m, t->v.meta, t->v.meta_len);
    uint8_t *c = find_bytes(m, t->v.meta_len, "\x95\x01\x02", 3);
    assert_non_null(c);
    c[2] = 5;
    size_t bl;
    uint8_t *b = build_bpp(&t->v, m, t->v.meta_len, t->v.upp, t->v.upp_len, &bl);
    fail_with(t, b, bl, 2, 6);
    free(b);
    free(m);
}

static void test_metadata_incorrect(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    /* iccid of 9 octets */
    static const uint8_t meta[] = { 0xBF, 0x25, 0x11, 0x5A, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                    0x91, 0x01, 'a', 0x92, 0x01, 'b' };
    size_t bl;
    uint8_t *b = build_bpp(&t->v, meta, sizeof meta, t->v.upp, t->v.upp_len, &bl);
    fail_with(t, b, bl, 2, 1);
    free(b);
}

static void test_data_mismatch(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    uint8_t *m = malloc(t->v.meta_len);
    memcpy(m, t->v.meta, t->v.meta_len);
    uint8_t *ic = find_bytes(m, t->v.meta_len, "\x5A\x0A", 2);
    assert_non_null(ic);
    ic[5] ^= 0x11;                               /* another ICCID, not on the card */
    size_t bl;
    uint8_t *b = build_bpp(&t->v, m, t->v.meta_len, t->v.upp, t->v.upp_len, &bl);
    fail_with(t, b, bl, 5, 13);
    free(b);
    free(m);
}

static void test_pe_processing_error(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    struct tlv hdr;
    assert_true(tlv_parse(t->v.upp, t->v.upp_len, &hdr));
    size_t bl;                                   /* first PE is the MF, no header */
    uint8_t *b = build_bpp(&t->v, t->v.meta, t->v.meta_len, t->v.upp + hdr.raw_len,
                           t->v.upp_len - hdr.raw_len, &bl);
    fail_with(t, b, bl, 5, 12);
    free(b);
}

static void test_insufficient_memory(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    fail_with(t, t->v.bpp, t->v.bpp_len, 5, 10);
}

static void test_power_reset_mid_load(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    begin(t);
    send_until(t, 9);
    assert_non_null(t->f.r->load);
    card_power(t->f.card, CARD_POWER_RESET);
    assert_null(t->f.r->load);
    assert_int_equal(t->f.r->session.state, RSP_NONE);
    assert_int_equal(n_profiles(&t->f), 0);
    assert_int_equal(store_used_bytes(t->f.store), t->used_before);
    /* after the reset the rest of the BPP goes nowhere */
    static const uint8_t select[] = { 0x00, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00,
                                      0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF,
                                      0x89, 0x00, 0x00, 0x01, 0x00 };
    uint8_t r[300];
    card_transmit(t->f.card, select, sizeof select, r, sizeof r);
    const struct bpp_piece *p = &t->v.piece[9];
    assert_int_equal(fx_run_bin(&t->f, t->v.bpp + p->offset, p->len), 0x6A88);
    assert_int_equal(n_profiles(&t->f), 0);
}

/* ---- the test SM-DP+ binds for the card ---- */

static char *sp(const char *rel)
{
    static char buf[4][1200];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/sgp26/%s", shared_dir(), rel);
    return buf[i];
}

/* An SM-DP+ mid-session with the card: transaction and EID of the vector, PK.EUICC, a
 * PrepareDownload response signed with SK.EUICC (SGP.26) carrying the vector's
 * otPK.EUICC.ECKA (the card holds its otSK from prepare_session). */
static struct smdp *smdp_for(struct t *t, enum smdp_fault fault, bool rsk, uint8_t *bf21,
                             size_t *bf21_len)
{
    struct smdp_config cfg = {
        .dpauth_cert = sp("DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der"),
        .dpauth_key = sp("DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem"),
        .dppb_cert = sp("DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der"),
        .dppb_key = sp("DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem"),
        .address = t->v.address, .replace_session_keys = rsk, .fault = fault,
    };
    struct smdp *s;
    char err[256];
    if (smdp_open(&s, &cfg, err, sizeof err) != 0)
        fail_msg("smdp_open: %s", err);
    memcpy(s->transaction_id, t->v.tid, 16);
    s->transaction_id_len = 16;
    ecasd_eid(t->f.ecasd, s->eid_bin);
    size_t len;
    uint8_t *der = tu_read_file(sp("eUICC/CERT_EUICC_ECDSA_NIST.der"), &len);
    const uint8_t *q = der;
    X509 *x = d2i_X509(NULL, &q, (long)len);
    s->euicc_key = X509_get_pubkey(x);
    X509_free(x);
    free(der);
    memset(s->smdp_signature2, 0x5A, 64);
    uint8_t *pem = tu_read_file(sp("eUICC/SK_EUICC_ECDSA_NIST.pem"), &len);
    EVP_PKEY *sk = ec_private_from_bytes(pem, len);
    free(pem);
    assert_non_null(sk);
    uint8_t signed2[128], msg[256], sig[64];
    struct tlv_writer w;
    tlv_writer_init(&w, signed2, sizeof signed2);
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, t->v.tid, 16);
    tlv_put(&w, 0x5F49, t->v.otpk, 65);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    memcpy(msg, signed2, w.len);
    memcpy(msg + w.len, "\x5F\x37\x40", 3);
    memcpy(msg + w.len + 3, s->smdp_signature2, 64);
    assert_int_equal(ecdsa_sign_raw(sk, msg, w.len + 67, sig), 0);
    EVP_PKEY_free(sk);
    size_t slen = w.len;
    tlv_writer_init(&w, bf21, 512);
    tlv_open(&w, 0xBF21);
    tlv_open(&w, 0xA0);
    tlv_put_raw(&w, signed2, slen);
    tlv_put(&w, 0x5F37, sig, 64);
    tlv_close(&w);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    *bf21_len = w.len;
    return s;
}

static void smdp_download(struct t *t, enum smdp_fault fault, bool rsk)
{
    uint8_t bf21[512];
    size_t bf21_len, bpp_len;
    uint8_t *bpp;
    begin(t);
    struct smdp *s = smdp_for(t, fault, rsk, bf21, &bf21_len);
    assert_int_equal(smdp_bound_profile_package(s, bf21, bf21_len, t->v.upp, t->v.upp_len,
                                                &bpp, &bpp_len), 0);
    /* a response signed by someone else is refused */
    bf21[bf21_len - 1] ^= 1;
    uint8_t *bad;
    size_t bad_len;
    assert_int_equal(smdp_bound_profile_package(s, bf21, bf21_len, t->v.upp, t->v.upp_len,
                                                &bad, &bad_len), -1);
    smdp_close(s);
    send_bpp(&t->f, bpp, bpp_len);
    free(bpp);
}

static void test_smdp_session_keys(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    smdp_download(t, SMDP_FAULT_NONE, false);
    expect_installed(t, VEC_ICCID, "euicc-emu test SM-DP+", "GSMA Generic eUICC Test Profile");
}

static void test_smdp_replace_session_keys(void **state)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    smdp_download(t, SMDP_FAULT_NONE, true);
    expect_installed(t, VEC_ICCID, "euicc-emu test SM-DP+", "GSMA Generic eUICC Test Profile");
}

static void smdp_fault(void **state, enum smdp_fault fault, int64_t cmd, int64_t reason)
{
    struct t *t = *state;
    SKIP_IF_NO_SHARED(t);
    smdp_download(t, fault, true);
    expect_pir_error(&t->f, cmd, reason);
    expect_no_trace(t);
}

static void test_smdp_fault_isc_signature(void **s) { smdp_fault(s, SMDP_FAULT_ISC_SIGNATURE, 0, 2); }
static void test_smdp_fault_transaction_id(void **s) { smdp_fault(s, SMDP_FAULT_TRANSACTION_ID, 0, 3); }
static void test_smdp_fault_crt(void **s) { smdp_fault(s, SMDP_FAULT_CRT, 0, 4); }
static void test_smdp_fault_mac(void **s) { smdp_fault(s, SMDP_FAULT_MAC, 5, 8); }
static void test_smdp_fault_metadata_iccid(void **s) { smdp_fault(s, SMDP_FAULT_METADATA_ICCID, 5, 13); }

static void test_bpp_pieces_errors(void **state)
{
    (void)state;
    struct bpp_piece pc[4];
    size_t n;
    static const uint8_t not_bpp[] = { 0xBF, 0x37, 0x00 };
    assert_int_equal(bpp_pieces(not_bpp, sizeof not_bpp, pc, 4, &n), -1);
    static const uint8_t short_bpp[] = { 0xBF, 0x36, 0x05, 0xBF, 0x23, 0x00 };
    assert_int_equal(bpp_pieces(short_bpp, sizeof short_bpp, pc, 4, &n), -1);
    static const uint8_t bad_seq[] = { 0xBF, 0x36, 0x05, 0xBF, 0x23, 0x00, 0xA5, 0x00 };
    assert_int_equal(bpp_pieces(bad_seq, sizeof bad_seq, pc, 4, &n), -1);
    static const uint8_t many[] = { 0xBF, 0x36, 0x0B, 0xBF, 0x23, 0x00, 0xA1, 0x06,
                                    0x88, 0x00, 0x88, 0x00, 0x88, 0x00 };
    assert_int_equal(bpp_pieces(many, sizeof many, pc, 4, &n), -1);   /* 5 pieces > 4 */
    assert_int_equal(bpp_pieces(many, sizeof many, pc, 3, &n), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kat_osmo_smdpp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kat_session_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_smdp_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_transaction_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_88, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_86_ciphertext, setup, teardown),
        cmocka_unit_test_setup_teardown(test_isc_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remote_op_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profile_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_86_before_a3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_segment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_tag_in_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_segment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_bpp_while_loading, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iccid_exists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppr_not_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppr_allowed_by_rat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_profile_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metadata_incorrect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pe_processing_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insufficient_memory, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_power_reset_mid_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_session_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_replace_session_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_fault_isc_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_fault_transaction_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_fault_crt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_fault_mac, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smdp_fault_metadata_iccid, setup, teardown),
        cmocka_unit_test(test_bpp_pieces_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
