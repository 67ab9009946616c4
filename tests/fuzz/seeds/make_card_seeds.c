/* tests/fuzz/seeds/make_card_seeds.c — records the `card` fuzz target's download seeds:
 * real sessions of the test SM-DP+ (tools/smdp) and the LPA library (tools/lpa) against
 * the very card the fuzz target starts from (fuzz_card_setup.h), written in the fuzz
 * input format (vpcd framing). Because the fuzz card replays its rng from the same seed,
 * the eUICC challenge and one-time key in these sessions come out identical on every
 * fuzz run, so the recorded signatures and MACs stay valid and the fuzzer starts deep
 * inside the download.
 *   make_card_seeds OUT_DIR [UPP]     (needs <shared>/sgp26; UPP default: TS48V1-A)
 * With --bpp it writes the `bpp` target's seeds instead (fuzz_bpp_setup.h format: the
 * pieces of complete downloads as plaintexts, checked to install):
 *   make_card_seeds --bpp OUT_DIR */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz_bpp_setup.h"
#include "../fuzz_card_setup.h"
#include "card/tlv.h"
#include "tools/lpa/lpa.h"
#include "tools/smdp/smdp.h"

#define REC_MAX (1u << 20)

struct recorder {
    struct card *card;
    uint8_t *buf;
    size_t len;
    uint16_t sw[4096];          /* status word of every recorded command */
    size_t n_sw;
};

static size_t rec_transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                           size_t cap)
{
    struct recorder *r = ctx;
    if (r->len + 2 + len <= REC_MAX) {
        r->buf[r->len++] = (uint8_t)(len >> 8);
        r->buf[r->len++] = (uint8_t)len;
        memcpy(r->buf + r->len, capdu, len);
        r->len += len;
    }
    size_t n = card_transmit(r->card, capdu, len, rapdu, cap);
    if (r->n_sw < sizeof r->sw / sizeof r->sw[0] && n >= 2)
        r->sw[r->n_sw++] = (uint16_t)(rapdu[n - 2] << 8 | rapdu[n - 1]);
    return n;
}

/* Replay a recorded session on a fresh clean card, as the fuzz target will, and check
 * every status word comes out the same (signatures differ: OpenSSL's random nonces). */
static int replay_check(const char *identity, const struct recorder *r)
{
    static uint8_t rapdu[CARD_MAX_RAPDU];
    struct store *s = NULL;
    if (store_open_memory(&s) != STORE_OK)
        return -1;
    card_close(fuzz_card_open(s, identity));
    struct card *c = fuzz_card_open(s, NULL);
    fuzz_card_restart(c);
    size_t off = 0, i = 0;
    int rc = 0;
    while (rc == 0 && r->len - off >= 2) {
        size_t n = (size_t)r->buf[off] << 8 | r->buf[off + 1];
        off += 2;
        size_t out = card_transmit(c, r->buf + off, n, rapdu, sizeof rapdu);
        uint16_t sw = (uint16_t)(rapdu[out - 2] << 8 | rapdu[out - 1]);
        if (i >= r->n_sw || sw != r->sw[i])
            rc = -1;
        i++;
        off += n;
    }
    card_close(c);
    store_close(s);
    return rc == 0 && i == r->n_sw ? 0 : -1;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *p = malloc(REC_MAX);
    *len = p ? fread(p, 1, REC_MAX, f) : 0;
    fclose(f);
    return p;
}

static int write_seed(const char *dir, const char *name, const struct recorder *r)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(r->buf, 1, r->len, f) != r->len) {
        fprintf(stderr, "make_card_seeds: cannot write %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    printf("make_card_seeds: %s (%zu octets)\n", path, r->len);
    return 0;
}

/* One complete download; the ICCID of the installed profile into iccid. 0 or -1. */
static int download(struct lpa_transport *t, struct smdp *dp, const uint8_t *upp,
                    size_t upp_len, uint8_t iccid[10])
{
    static uint8_t a[65536], b[65536], req[65536];
    size_t al, bl, rl;
    uint16_t sw;
    if (lpa_select_isdr(t) != 0)
        return -1;
    sw = lpa_es10(t, (const uint8_t *)"\xBF\x20\x00", 3, a, sizeof a, &al);
    if (sw != 0x9000)
        return -1;
    sw = lpa_es10(t, (const uint8_t *)"\xBF\x2E\x00", 3, b, sizeof b, &bl);
    if (sw != 0x9000 ||
        smdp_authenticate_server_request(dp, a, al, b, bl, "fuzz-seed", req, sizeof req,
                                         &rl) != 0)
        return -1;
    if (lpa_es10(t, req, rl, a, sizeof a, &al) != 0x9000 ||
        smdp_prepare_download_request(dp, a, al, req, sizeof req, &rl) != 0)
        return -1;
    if (lpa_es10(t, req, rl, a, sizeof a, &al) != 0x9000)
        return -1;
    uint8_t *bpp = NULL;
    size_t bpp_len = 0;
    if (smdp_bound_profile_package(dp, a, al, upp, upp_len, &bpp, &bpp_len) != 0)
        return -1;
    struct bpp_piece pieces[256];
    size_t n = 0;
    int rc = bpp_pieces(bpp, bpp_len, pieces, 256, &n) == 0 ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (lpa_es10(t, bpp + pieces[i].offset, pieces[i].len, a, sizeof a, &al) != 0x9000)
            rc = -1;
    free(bpp);
    /* the last answer is the PIR: BF37 { BF27 { 80 txid, BF2F { .. 5A iccid } ... } } */
    struct tlv pir, data, meta, x;
    if (rc == 0 && tlv_parse(a, al, &pir) && tlv_find(pir.value, pir.len, 0xBF27, &data) &&
        tlv_find(data.value, data.len, 0xBF2F, &meta) &&
        tlv_find(meta.value, meta.len, 0x5A, &x) && x.len == 10)
        memcpy(iccid, x.value, 10);
    else
        rc = -1;
    return rc;
}

/* An ES10c request {tag {A0 {5A iccid}} [81 refresh]} or, for delete, {BF33 {5A iccid}}. */
static uint16_t profile_op(struct lpa_transport *t, uint32_t tag, const uint8_t iccid[10])
{
    uint8_t req[64], resp[64];
    size_t rl;
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, tag);
    if (tag == 0xBF33) {
        tlv_put(&w, 0x5A, iccid, 10);
    } else {
        tlv_open(&w, 0xA0);
        tlv_put(&w, 0x5A, iccid, 10);
        tlv_close(&w);
        tlv_put_bool(&w, 0x81, false);
    }
    tlv_close(&w);
    return lpa_es10(t, req, w.len, resp, sizeof resp, &rl);
}

/* One recorded session on a card in the fuzz target's clean state (a fresh store with
 * the identity imported, re-opened, power-cycled, rng re-seeded). */
static int record(const char *dir, const char *name, const char *identity, struct smdp *dp,
                  const uint8_t *upp, size_t upp_len, bool lifecycle, struct recorder *r)
{
    struct store *s = NULL;
    if (store_open_memory(&s) != STORE_OK)
        return -1;
    card_close(fuzz_card_open(s, identity));
    r->card = fuzz_card_open(s, NULL);
    fuzz_card_restart(r->card);
    r->len = 0;
    r->n_sw = 0;
    struct lpa_transport t = { .ctx = r, .transmit = rec_transmit, .channel = 0 };
    uint8_t iccid[10], resp[65536];
    size_t rl;
    int rc = download(&t, dp, upp, upp_len, iccid);
    if (rc == 0 && lifecycle) {
        if (profile_op(&t, 0xBF31, iccid) != 0x9000 || profile_op(&t, 0xBF32, iccid) != 0x9000 ||
            profile_op(&t, 0xBF33, iccid) != 0x9000)
            rc = -1;
        /* list, retrieve all, acknowledge seq 1 (the install PIR) */
        if (lpa_es10(&t, (const uint8_t *)"\xBF\x28\x00", 3, resp, sizeof resp, &rl) != 0x9000 ||
            lpa_es10(&t, (const uint8_t *)"\xBF\x2B\x00", 3, resp, sizeof resp, &rl) != 0x9000 ||
            lpa_es10(&t, (const uint8_t *)"\xBF\x30\x03\x80\x01\x01", 6, resp, sizeof resp,
                     &rl) != 0x9000)
            rc = -1;
    }
    card_close(r->card);
    r->card = NULL;
    if (rc == 0 && replay_check(identity, r) != 0) {
        fprintf(stderr, "make_card_seeds: session %s does not replay identically\n", name);
        rc = -1;
    }
    if (rc == 0)
        rc = write_seed(dir, name, r);
    else
        fprintf(stderr, "make_card_seeds: session %s failed\n", name);
    store_close(s);
    return rc;
}

/* One `bpp` seed: a download of the UPP at upp_path (optionally with ReplaceSessionKeys)
 * on a clean fuzz card, converted to the input format and replayed on the card it was
 * prepared on; written only when that replay installs the profile. */
static int record_bpp(const char *dir, const char *name, const char *identity,
                      const char *upp_path, bool rsk)
{
    static uint8_t in[1u << 18], resp[65536];
    struct store *s = NULL;
    struct bpp_fx fx;
    size_t upp_len = 0, n = 0, rl = 0;
    int rc = -1;
    uint8_t *upp = read_file(upp_path, &upp_len);
    struct smdp *dp = upp ? bpp_fx_smdp(identity, rsk) : NULL;
    memset(&fx, 0, sizeof fx);
    if (dp && store_open_memory(&s) == STORE_OK) {
        card_close(fuzz_card_open(s, identity));
        struct card *c = fuzz_card_open(s, NULL);
        fuzz_card_restart(c);
        struct lpa_transport t = { .ctx = c, .transmit = bpp_fx_xmit, .channel = 0 };
        if (bpp_fx_prepare(&fx, c, dp, upp, upp_len) == 0 &&
            (n = bpp_fx_to_input(&fx, in, sizeof in)) > 0 &&
            bpp_fx_send(&fx, &t, in, n, resp, sizeof resp, &rl) >= 0 &&
            bpp_fx_pir_success(resp, rl)) {
            struct recorder r = { .buf = in, .len = n };
            rc = write_seed(dir, name, &r);
        }
        card_close(c);
        store_close(s);
    }
    if (rc != 0)
        fprintf(stderr, "make_card_seeds: bpp seed %s failed\n", name);
    bpp_fx_free(&fx);
    smdp_close(dp);
    free(upp);
    return rc;
}

static int main_bpp(const char *dir, const char *identity)
{
    static const struct { const char *name, *upp; bool rsk; } SEEDS[] = {
        { "download_ts48v1a", "TS48V1-A-UNIQUE.der", false },
        { "download_ts48v1a_rsk", "TS48V1-A-UNIQUE.der", true },
        { "download_ts48v3_saip23_bertlv", "TS48V3-SAIP2-3-BERTLV-UNIQUE.der", false },
    };
    char path[700];
    int rc = 0;
    for (size_t i = 0; i < sizeof SEEDS / sizeof SEEDS[0]; i++) {
        snprintf(path, sizeof path, "%s/../profiles/ts48/%s", identity, SEEDS[i].upp);
        if (record_bpp(dir, SEEDS[i].name, identity, path, SEEDS[i].rsk) != 0)
            rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--bpp") == 0) {
        const char *identity = fuzz_card_identity();
        if (!identity) {
            printf("make_card_seeds: SKIP: no SGP.26 identity (set EUICC_EMU_SHARED)\n");
            return 0;
        }
        return main_bpp(argv[2], identity);
    }
    if (argc < 2) {
        fprintf(stderr, "usage: make_card_seeds OUT_DIR [UPP] | --bpp OUT_DIR\n");
        return 2;
    }
    const char *identity = fuzz_card_identity();
    if (!identity) {
        printf("make_card_seeds: SKIP: no SGP.26 identity (set EUICC_EMU_SHARED)\n");
        return 0;
    }
    char upp_path[600], p[5][600];
    snprintf(upp_path, sizeof upp_path, "%s/../profiles/ts48/TS48V1-A-UNIQUE.der", identity);
    size_t upp_len = 0;
    uint8_t *upp = read_file(argc > 2 ? argv[2] : upp_path, &upp_len);
    static const char *rel[5] = {
        "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem",
        "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", "DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem",
        "CI/CERT_CI_ECDSA_NIST.der" };
    for (int i = 0; i < 5; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", identity, rel[i]);
    struct smdp_config cfg = { .dpauth_cert = p[0], .dpauth_key = p[1], .dppb_cert = p[2],
                               .dppb_key = p[3], .ci_cert = p[4] };
    struct smdp *dp = NULL, *dp_rsk = NULL;
    char err[256];
    struct recorder r = { .buf = malloc(REC_MAX) };
    int rc = 1;
    if (upp && r.buf && smdp_open(&dp, &cfg, err, sizeof err) == 0) {
        cfg.replace_session_keys = true;
        if (smdp_open(&dp_rsk, &cfg, err, sizeof err) == 0 &&
            record(argv[1], "download_ts48v1a", identity, dp, upp, upp_len, false, &r) == 0 &&
            record(argv[1], "download_rsk_lifecycle", identity, dp_rsk, upp, upp_len, true,
                   &r) == 0)
            rc = 0;
    } else {
        fprintf(stderr, "make_card_seeds: setup failed (%s)\n", upp ? err : upp_path);
    }
    smdp_close(dp);
    smdp_close(dp_rsk);
    free(upp);
    free(r.buf);
    return rc;
}
