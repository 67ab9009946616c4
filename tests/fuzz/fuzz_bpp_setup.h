/* tests/fuzz/fuzz_bpp_setup.h — the `bpp` fuzz target's fixture, shared with its seed
 * recorder (make_card_seeds --bpp): a real GetEUICCChallenge / AuthenticateServer /
 * PrepareDownload with the test SM-DP+ (tools/smdp) on the fuzz card, one BPP, the
 * card's RSP session as it stands after PrepareDownload (kept to be restored before
 * every input) and the BSP session keys, derived here from the card's otSK.EUICC and
 * the otPK.DP of BF23 (ECKA + SGP.22 Annex G KDF), so inputs are wrapped with the right
 * MACs.
 *
 * Input format (a list of pieces, each [kind][len hi][len lo][payload], len cut to
 * what is left). Every piece is sent as its own STORE DATA sequence (lpa_es10):
 *   kind 0 (and 7): RAW      payload sent as is (structure errors)
 *   kind 1/2/3:     86/87/88 payload = plaintext, wrapped with the current keys
 *   kind 4:         HDR      sequence header A0..A3 (payload[0] & 3) sent alone
 *   kind 5:         HDR+SEGS the same header sent together with the segments that
 *                            follow it (how lpac sends A0 and A2)
 *   kind 6:         RSK      A2 { 87 { BF26 ReplaceSessionKeys } }: payload = PPK-ENC
 *                            ‖ PPK-MAC ‖ initial MCV (zero-padded to 48); then the
 *                            wrapper switches to those keys
 * A header's length: payload of 1 octet → the total of the segments that follow it up
 * to the next non-segment piece; 2 octets → payload[1]; 3+ → payload[1..2] big-endian.
 * The BF36 header + BF23 piece of the fixture goes first, its BF36 length = BF23 + all
 * pieces of the input (so a well-formed list completes the BPP). */
#ifndef EUICC_FUZZ_BPP_SETUP_H
#define EUICC_FUZZ_BPP_SETUP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "card/card.h"
#include "card/card_internal.h"
#include "card/tlv.h"
#include "crypto/ct.h"
#include "crypto/ecka.h"
#include "crypto/scp03t.h"
#include "isd-p/isdp.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/rsp_session.h"
#include "tools/lpa/lpa.h"
#include "tools/smdp/smdp.h"
#include "tools/smdp/smdp_internal.h"

#define BPP_FX_PIECES_MAX 256
#define BPP_FX_WIRE_MAX (70000u)   /* one wrapped piece (payload ≤ 65535 + overhead) */
#define BPP_FX_MAX_PIECES_PER_INPUT 512

enum { BPP_K_RAW = 0, BPP_K_86, BPP_K_87, BPP_K_88, BPP_K_HDR, BPP_K_HDR_SEGS, BPP_K_RSK };

struct bpp_fx {
    uint8_t *bpp;                    /* the BPP the SM-DP+ bound (malloc'd) */
    size_t bpp_len;
    struct bpp_piece pieces[BPP_FX_PIECES_MAX];
    size_t npieces;
    const uint8_t *bf23;             /* BF23 inside bpp */
    size_t bf23_len;
    struct scp03t keys;              /* S-ENC, S-MAC, initial MCV, counter 1 */
    struct rsp_session session;      /* ISD-R session after PrepareDownload; dppb_key is
                                      * our own reference */
    EVP_PKEY *ot_sk;                 /* otSK.EUICC.ECKA (own reference) */
    uint8_t ot_pk[65];
};

static inline size_t bpp_fx_xmit(void *ctx, const uint8_t *c, size_t n, uint8_t *r,
                                 size_t cap)
{
    return card_transmit(ctx, c, n, r, cap);
}

/* The test SM-DP+ with the SGP.26 keys under identity (a directory like <shared>/sgp26). */
static inline struct smdp *bpp_fx_smdp(const char *identity, bool rsk)
{
    static const char *rel[5] = {
        "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem",
        "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", "DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem",
        "CI/CERT_CI_ECDSA_NIST.der" };
    char p[5][600], err[256];
    struct smdp *dp = NULL;
    for (int i = 0; i < 5; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", identity, rel[i]);
    struct smdp_config cfg = { .dpauth_cert = p[0], .dpauth_key = p[1], .dppb_cert = p[2],
                               .dppb_key = p[3], .ci_cert = p[4],
                               .replace_session_keys = rsk };
    if (smdp_open(&dp, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "bpp fixture: smdp: %s\n", err);
        return NULL;
    }
    return dp;
}

/* Run the download up to the BPP on card (any state: it is power-cycled by the caller),
 * keep session, one-time key, BPP and session keys in fx. 0 or -1. */
static inline int bpp_fx_prepare(struct bpp_fx *fx, struct card *card, struct smdp *dp,
                                 const uint8_t *upp, size_t upp_len)
{
    static uint8_t a[65536], b[65536], req[65536];
    size_t al, bl, rl;
    struct lpa_transport t = { .ctx = card, .transmit = bpp_fx_xmit, .channel = 0 };
    memset(fx, 0, sizeof *fx);
    if (lpa_select_isdr(&t) != 0 ||
        lpa_es10(&t, (const uint8_t *)"\xBF\x20\x00", 3, a, sizeof a, &al) != 0x9000 ||
        lpa_es10(&t, (const uint8_t *)"\xBF\x2E\x00", 3, b, sizeof b, &bl) != 0x9000 ||
        smdp_authenticate_server_request(dp, a, al, b, bl, "fuzz-bpp", req, sizeof req,
                                         &rl) != 0 ||
        lpa_es10(&t, req, rl, a, sizeof a, &al) != 0x9000 ||
        smdp_prepare_download_request(dp, a, al, req, sizeof req, &rl) != 0 ||
        lpa_es10(&t, req, rl, a, sizeof a, &al) != 0x9000 ||
        smdp_bound_profile_package(dp, a, al, upp, upp_len, &fx->bpp, &fx->bpp_len) != 0 ||
        bpp_pieces(fx->bpp, fx->bpp_len, fx->pieces, BPP_FX_PIECES_MAX, &fx->npieces) != 0)
        return -1;
    struct isdr *r = card->isdr;
    if (r->session.state != RSP_PREPARED || !r->ot_sk || !r->session.dppb_key)
        return -1;
    fx->session = r->session;
    EVP_PKEY_up_ref(fx->session.dppb_key);
    fx->ot_sk = r->ot_sk;
    EVP_PKEY_up_ref(fx->ot_sk);
    memcpy(fx->ot_pk, r->ot_pk, sizeof fx->ot_pk);

    /* BF36 header, then BF23 { ..., A6 { 80 keyType, 81 keyLen, 84 hostId }, 5F49 otPK.DP } */
    uint32_t tag;
    size_t hl, vl;
    struct tlv bf23, crt, kt, kl, host, otpk;
    uint8_t z[32];
    if (!tlv_parse_header(fx->bpp, fx->bpp_len, &tag, &hl, &vl) ||
        !tlv_parse(fx->bpp + hl, fx->bpp_len - hl, &bf23) || bf23.tag != 0xBF23 ||
        !tlv_find(bf23.value, bf23.len, 0xA6, &crt) ||
        !tlv_find(crt.value, crt.len, 0x80, &kt) || kt.len != 1 ||
        !tlv_find(crt.value, crt.len, 0x81, &kl) || kl.len != 1 ||
        !tlv_find(crt.value, crt.len, 0x84, &host) ||
        !tlv_find(bf23.value, bf23.len, 0x5F49, &otpk))
        return -1;
    fx->bf23 = bf23.raw;
    fx->bf23_len = bf23.raw_len;
    int rc = ecka_shared_secret(fx->ot_sk, otpk.value, otpk.len, z) == 0 &&
             scp03t_derive_session_keys(&fx->keys, z, kt.value[0], kl.value[0], host.value,
                                        host.len, dp->eid_bin) == SCP03T_OK ? 0 : -1;
    ct_wipe(z, sizeof z);
    return rc;
}

static inline void bpp_fx_free(struct bpp_fx *fx)
{
    free(fx->bpp);
    rsp_session_clear(&fx->session);
    EVP_PKEY_free(fx->ot_sk);
    scp03t_wipe(&fx->keys);
    memset(fx, 0, sizeof *fx);
}

/* Put card (freshly power-cycled) back into the state right after PrepareDownload. */
static inline void bpp_fx_restore(const struct bpp_fx *fx, struct card *card)
{
    struct isdr *r = card->isdr;
    isdp_load_abort(r);
    rsp_session_clear(&r->session);
    r->session = fx->session;
    EVP_PKEY_up_ref(r->session.dppb_key);
    EVP_PKEY_free(r->ot_sk);
    r->ot_sk = fx->ot_sk;
    EVP_PKEY_up_ref(r->ot_sk);
    memcpy(r->ot_pk, fx->ot_pk, sizeof r->ot_pk);
}

static inline size_t bpp_fx_put_piece(uint8_t *out, size_t cap, size_t pos, uint8_t kind,
                                      const uint8_t *p, size_t len)
{
    if (pos == SIZE_MAX || len > 0xFFFF || cap - pos < 3 + len)
        return SIZE_MAX;
    out[pos] = kind;
    out[pos + 1] = (uint8_t)(len >> 8);
    out[pos + 2] = (uint8_t)len;
    memcpy(out + pos + 3, p, len);
    return pos + 3 + len;
}

/* The fixture's BPP (after the BF36 + BF23 piece) in the input format: plaintexts
 * recovered by unwrapping with the session keys. Length written, or 0 on failure. */
static inline size_t bpp_fx_to_input(const struct bpp_fx *fx, uint8_t *out, size_t cap)
{
    static uint8_t plain[BPP_FX_WIRE_MAX];
    struct scp03t k = fx->keys;
    size_t pos = 0, pl;
    for (size_t i = 1; i < fx->npieces && pos != SIZE_MAX; i++) {
        const uint8_t *p = fx->bpp + fx->pieces[i].offset;
        size_t len = fx->pieces[i].len, hl, vl;
        uint32_t tag;
        if (!tlv_parse_header(p, len, &tag, &hl, &vl))
            return 0;
        if (tag >= 0xA0 && tag <= 0xA3) {
            uint8_t sel = (uint8_t)(tag & 3);
            if (hl == len) {                      /* header alone */
                pos = bpp_fx_put_piece(out, cap, pos, BPP_K_HDR, &sel, 1);
                continue;
            }
            if (tag == 0xA2) {                    /* A2 { 87 { BF26 {80 mcv, 81 enc, 82 mac} } } */
                struct tlv bf26, mcv, enc, mac;
                uint8_t keys[48];
                if (scp03t_unwrap(&k, p + hl, len - hl, plain, sizeof plain, &pl) !=
                        SCP03T_OK || !tlv_parse(plain, pl, &bf26) ||
                    !tlv_find(bf26.value, bf26.len, 0x80, &mcv) || mcv.len != 16 ||
                    !tlv_find(bf26.value, bf26.len, 0x81, &enc) || enc.len != 16 ||
                    !tlv_find(bf26.value, bf26.len, 0x82, &mac) || mac.len != 16)
                    return 0;
                memcpy(keys, enc.value, 16);
                memcpy(keys + 16, mac.value, 16);
                memcpy(keys + 32, mcv.value, 16);
                scp03t_init(&k, keys, keys + 16, keys + 32);
                pos = bpp_fx_put_piece(out, cap, pos, BPP_K_RSK, keys, sizeof keys);
                continue;
            }
            pos = bpp_fx_put_piece(out, cap, pos, BPP_K_HDR_SEGS, &sel, 1);
            size_t off = hl;
            while (off < len && pos != SIZE_MAX) {
                struct tlv seg;
                if (!tlv_parse(p + off, len - off, &seg) ||
                    scp03t_unwrap(&k, seg.raw, seg.raw_len, plain, sizeof plain, &pl) !=
                        SCP03T_OK)
                    return 0;
                pos = bpp_fx_put_piece(out, cap, pos, (uint8_t)(seg.tag - 0x86 + BPP_K_86),
                                       plain, pl);
                off += seg.raw_len;
            }
            continue;
        }
        if (tag < 0x86 || tag > 0x88 ||
            scp03t_unwrap(&k, p, len, plain, sizeof plain, &pl) != SCP03T_OK)
            return 0;
        pos = bpp_fx_put_piece(out, cap, pos, (uint8_t)(tag - 0x86 + BPP_K_86), plain, pl);
    }
    return pos == SIZE_MAX ? 0 : pos;
}

/* One parsed input piece. */
struct bpp_in_piece {
    uint8_t kind;
    const uint8_t *p;
    size_t len;
};

static inline size_t bpp_der_len(uint8_t *o, size_t n)
{
    if (n < 0x80) { o[0] = (uint8_t)n; return 1; }
    if (n < 0x100) { o[0] = 0x81; o[1] = (uint8_t)n; return 2; }
    if (n < 0x10000) { o[0] = 0x82; o[1] = (uint8_t)(n >> 8); o[2] = (uint8_t)n; return 3; }
    o[0] = 0x83; o[1] = (uint8_t)(n >> 16); o[2] = (uint8_t)(n >> 8); o[3] = (uint8_t)n;
    return 4;
}

/* Turn the input into wire pieces (wrapping with a copy of the session keys) and send
 * them, after the BF36 + BF23 piece, to the ISD-R selected on t. The last non-empty
 * response (the PIR) goes to resp. Returns the number of pieces answered 9000, or -1 when
 * the BF36 + BF23 piece was not accepted. */
static inline int bpp_fx_send(const struct bpp_fx *fx, const struct lpa_transport *t,
                              const uint8_t *data, size_t size, uint8_t *resp, size_t cap,
                              size_t *resp_len)
{
    static struct bpp_in_piece in[BPP_FX_MAX_PIECES_PER_INPUT];
    static uint8_t *wire[BPP_FX_MAX_PIECES_PER_INPUT];
    static size_t wire_len[BPP_FX_MAX_PIECES_PER_INPUT];
    static uint8_t *arena;             /* all wire pieces, back to back */
    static size_t arena_cap;
    static uint8_t rbuf[65536];
    size_t n = 0, off = 0;
    *resp_len = 0;
    while (off < size && n < BPP_FX_MAX_PIECES_PER_INPUT) {
        size_t len = 0;
        in[n].kind = (uint8_t)(data[off] % 8);
        if (size - off >= 3)
            len = (size_t)data[off + 1] << 8 | data[off + 2];
        off = off + 3 > size ? size : off + 3;
        if (len > size - off)
            len = size - off;
        in[n].p = data + off;
        in[n].len = len;
        off += len;
        n++;
    }
    /* every wire piece is at most its payload + 128 octets (headers, padding, MAC) */
    size_t need = 8 + fx->bf23_len + size + 128 * (n + 1);
    if (need > arena_cap) {
        free(arena);
        arena = malloc(need);
        arena_cap = arena ? need : 0;
        if (!arena)
            abort();
    }
    /* pass 1: wire pieces (headers get their length in pass 2); arena[0..8) is left for
     * the BF36 header */
    struct scp03t k = fx->keys;
    size_t apos = 8 + fx->bf23_len, total = fx->bf23_len;
    for (size_t i = 0; i < n; i++) {
        uint8_t *w = arena + apos;
        size_t wl = 0;
        switch (in[i].kind) {
        case BPP_K_86: case BPP_K_87: case BPP_K_88:
            if (scp03t_wrap(&k, (uint8_t)(0x86 + in[i].kind - BPP_K_86), in[i].p, in[i].len,
                            w, arena_cap - apos, &wl) != SCP03T_OK)
                wl = 0;
            break;
        case BPP_K_HDR: case BPP_K_HDR_SEGS:
            wl = 5;                                 /* placeholder: A? 83 LL LL LL max */
            break;
        case BPP_K_RSK: {
            uint8_t keys[48] = {0}, plain[64];
            memcpy(keys, in[i].p, in[i].len < 48 ? in[i].len : 48);
            size_t pl = 0;
            plain[pl++] = 0xBF; plain[pl++] = 0x26; plain[pl++] = 54;
            plain[pl++] = 0x80; plain[pl++] = 16; memcpy(plain + pl, keys + 32, 16); pl += 16;
            plain[pl++] = 0x81; plain[pl++] = 16; memcpy(plain + pl, keys, 16); pl += 16;
            plain[pl++] = 0x82; plain[pl++] = 16; memcpy(plain + pl, keys + 16, 16); pl += 16;
            size_t sl = 0;
            w[0] = 0xA2;
            if (scp03t_wrap(&k, 0x87, plain, pl, w + 2, arena_cap - apos - 2, &sl) !=
                    SCP03T_OK || sl > 0x7F)
                break;
            w[1] = (uint8_t)sl;
            wl = 2 + sl;
            scp03t_init(&k, keys, keys + 16, keys + 32);
            ct_wipe(keys, sizeof keys);
            break;
        }
        default:
            memcpy(w, in[i].p, in[i].len);
            wl = in[i].len;
            break;
        }
        wire[i] = w;
        wire_len[i] = wl;
        apos += wl;
    }
    scp03t_wipe(&k);
    /* pass 2: header lengths (auto: the segments that follow up to the next non-segment) */
    for (size_t i = 0; i < n; i++) {
        if (in[i].kind != BPP_K_HDR && in[i].kind != BPP_K_HDR_SEGS) {
            total += wire_len[i];
            continue;
        }
        uint8_t sel = in[i].len ? in[i].p[0] : 0;
        size_t declared = 0;
        if (in[i].len == 2)
            declared = in[i].p[1];
        else if (in[i].len >= 3)
            declared = (size_t)in[i].p[1] << 8 | in[i].p[2];
        else
            for (size_t j = i + 1; j < n && in[j].kind >= BPP_K_86 && in[j].kind <= BPP_K_88;
                 j++)
                declared += wire_len[j];
        uint8_t hdr[5];
        hdr[0] = (uint8_t)(0xA0 | (sel & 3));
        size_t hl = 1 + bpp_der_len(hdr + 1, declared);
        /* the placeholder is 5 octets: right-align the header in it */
        wire[i] += 5 - hl;
        wire_len[i] = hl;
        memcpy(wire[i], hdr, hl);
        total += hl;
    }
    /* BF36 header right before BF23 */
    uint8_t h[8];
    size_t hl = 2 + bpp_der_len(h + 2, total);
    h[0] = 0xBF;
    h[1] = 0x36;
    uint8_t *first = arena + 8 - hl;
    memcpy(first, h, hl);
    memcpy(arena + 8, fx->bf23, fx->bf23_len);
    size_t rl = 0;
    if (lpa_es10(t, first, hl + fx->bf23_len, rbuf, sizeof rbuf, &rl) != 0x9000)
        return -1;
    if (rl) {
        memcpy(resp, rbuf, rl < cap ? rl : cap);
        *resp_len = rl < cap ? rl : cap;
    }
    int ok = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = wire[i];
        size_t len = wire_len[i];
        if (in[i].kind == BPP_K_HDR_SEGS) {      /* with its segments: contiguous in arena */
            size_t j = i + 1;
            while (j < n && in[j].kind >= BPP_K_86 && in[j].kind <= BPP_K_88)
                len += wire_len[j++];
            i = j - 1;
        }
        rl = 0;
        if (lpa_es10(t, p, len, rbuf, sizeof rbuf, &rl) == 0x9000)
            ok++;
        if (rl) {
            memcpy(resp, rbuf, rl < cap ? rl : cap);
            *resp_len = rl < cap ? rl : cap;
        }
    }
    return ok;
}

/* True when resp is a ProfileInstallationResult with a successResult. */
static inline bool bpp_fx_pir_success(const uint8_t *resp, size_t len)
{
    struct tlv pir, data, fin, res;
    return tlv_parse(resp, len, &pir) && pir.tag == 0xBF37 &&
           tlv_find(pir.value, pir.len, 0xBF27, &data) &&
           tlv_find(data.value, data.len, 0xA2, &fin) && tlv_parse(fin.value, fin.len, &res) &&
           res.tag == 0xA0;
}

#endif
