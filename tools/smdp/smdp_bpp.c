/* tools/smdp/smdp_bpp.c — the test SM-DP+'s ES9+ GetBoundProfilePackage (SGP.22 §3.1.3.2,
 * §2.5.4, §5.5): verifies the card's PrepareDownload response, makes the one-time key
 * otSK.DP.ECKA, signs InitialiseSecureChannel with SK.DPpb, derives the BSP session keys
 * and binds the UPP into a BoundProfilePackage (BF36) the way osmo-smdpp does:
 * ConfigureISDP (BF24 empty), StoreMetadata from the UPP's ProfileHeader, optional
 * ReplaceSessionKeys with fixed PPKs, the UPP in 1008-octet slices as 86 segments.
 * The segment protection is crypto/scp03t's (the card's unwrap, same code). Faults:
 * ISC_SIGNATURE, CRT, MAC, METADATA_ICCID, TRANSACTION_ID. */
#include <stdlib.h>
#include <string.h>

#include "card/tlv.h"
#include "crypto/ct.h"
#include "crypto/ec.h"
#include "crypto/ecka.h"
#include "crypto/rng.h"
#include "crypto/scp03t.h"
#include "tools/smdp/smdp_internal.h"

#define SIG_LEN 64
#define OTPK_LEN 65
#define SLICE 1008u                  /* plaintext octets per segment, as pySim cuts */
#define SEG_MAX (SLICE + 16u + 4u + SCP03T_MAC_LEN)
#define META_MAX 4096u
#define SPN "euicc-emu test SM-DP+"
#define DEFAULT_NAME "euicc-emu test profile"
#define KEY_TYPE_AES 0x88

/* osmo-smdpp's constant profile protection keys (tests only: no secrecy) */
static const uint8_t PPK_ENC[16] = { 0 };
static const uint8_t PPK_MAC[16] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                     0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };
static const uint8_t PPK_MCV[16] = { 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
                                     0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22 };

/* BF21 { A0 { 30 euiccSigned2 {80 tid, 5F49 euiccOtpk, 04 hashCc?}, 5F37 sig } }:
 * check transactionId and euiccSignature2 (over euiccSigned2 ‖ 5F37 40 smdpSignature2),
 * keep otPK.EUICC.ECKA. */
static int check_prepare_response(struct smdp *s, const uint8_t *p, size_t len)
{
    struct tlv bf21, ok, signed2, sig, tid, otpk;
    if (!s->euicc_key || !tlv_parse(p, len, &bf21) || bf21.tag != 0xBF21 ||
        !tlv_find(bf21.value, bf21.len, 0xA0, &ok) ||
        !tlv_find(ok.value, ok.len, 0x30, &signed2) ||
        !tlv_find(ok.value, ok.len, 0x5F37, &sig) ||
        !tlv_find(signed2.value, signed2.len, 0x80, &tid) ||
        !tlv_find(signed2.value, signed2.len, 0x5F49, &otpk) || otpk.len != OTPK_LEN)
        return -1;
    if (tid.len != s->transaction_id_len ||
        memcmp(tid.value, s->transaction_id, tid.len) != 0)
        return -1;
    size_t n = signed2.raw_len + 3 + SIG_LEN;
    uint8_t *msg = malloc(n);
    if (!msg)
        return -1;
    memcpy(msg, signed2.raw, signed2.raw_len);
    msg[signed2.raw_len] = 0x5F;
    msg[signed2.raw_len + 1] = 0x37;
    msg[signed2.raw_len + 2] = SIG_LEN;
    memcpy(msg + signed2.raw_len + 3, s->smdp_signature2, SIG_LEN);
    bool good = ecdsa_verify_raw(s->euicc_key, msg, n, sig.value, sig.len);
    free(msg);
    if (!good)
        return -1;
    memcpy(s->euicc_otpk, otpk.value, OTPK_LEN);
    s->has_euicc_otpk = true;
    return 0;
}

/* BF23 InitialiseSecureChannelRequest; smdpSign over its fields before smdpSign ‖
 * 5F49 otPK.EUICC.ECKA. */
static int write_isc(struct smdp *s, const uint8_t dp_otpk[OTPK_LEN], struct tlv_writer *w)
{
    uint8_t body[256], msg[256 + 3 + OTPK_LEN], sig[SIG_LEN], tid[SMDP_TXID_LEN];
    struct tlv_writer b;
    memcpy(tid, s->transaction_id, s->transaction_id_len);
    if (s->fault == SMDP_FAULT_TRANSACTION_ID)
        tid[0] ^= 0xFF;
    tlv_writer_init(&b, body, sizeof body);
    tlv_put_int(&b, 0x82, 1);                        /* installBoundProfilePackage */
    tlv_put(&b, 0x80, tid, s->transaction_id_len);
    tlv_open(&b, 0xA6);
    const uint8_t key_type = s->fault == SMDP_FAULT_CRT ? 0x89 : KEY_TYPE_AES;
    const uint8_t key_len = SCP03T_KEY_LEN;
    tlv_put(&b, 0x80, &key_type, 1);
    tlv_put(&b, 0x81, &key_len, 1);
    tlv_put(&b, 0x84, s->host_id, s->host_id_len);
    tlv_close(&b);
    tlv_put(&b, 0x5F49, dp_otpk, OTPK_LEN);
    if (!tlv_writer_ok(&b))
        return -1;
    memcpy(msg, body, b.len);
    msg[b.len] = 0x5F;
    msg[b.len + 1] = 0x49;
    msg[b.len + 2] = OTPK_LEN;
    memcpy(msg + b.len + 3, s->euicc_otpk, OTPK_LEN);
    if (ecdsa_sign_raw(s->dppb_sk, msg, b.len + 3 + OTPK_LEN, sig) != 0)
        return -1;
    if (s->fault == SMDP_FAULT_ISC_SIGNATURE)
        sig[SIG_LEN / 2] ^= 0x01;
    tlv_open(w, 0xBF23);
    tlv_put_raw(w, body, b.len);
    tlv_put(w, 0x5F37, sig, SIG_LEN);
    tlv_close(w);
    return 0;
}

/* The UPP's ProfileHeader (first PE, A0 {80 major, 81 minor, 82 profileType?,
 * 83 iccid, ...}): ICCID (as in the header) and profileType. */
static int upp_header(const uint8_t *upp, size_t len, uint8_t iccid[10], struct tlv *type,
                      bool *has_type)
{
    struct tlv hdr, ic;
    if (!tlv_parse(upp, len, &hdr) || hdr.tag != 0xA0 ||
        !tlv_find(hdr.value, hdr.len, 0x83, &ic) || ic.len != 10)
        return -1;
    memcpy(iccid, ic.value, 10);
    *has_type = tlv_find(hdr.value, hdr.len, 0x82, type) && type->len > 0 && type->len <= 64;
    return 0;
}

void smdp_set_iot_metadata(struct smdp *s, const struct smdp_iot_metadata *m)
{
    if (m)
        s->iot = *m;
    else
        memset(&s->iot, 0, sizeof s->iot);
}

static void put_bool(struct tlv_writer *w, uint32_t tag, bool v)
{
    const uint8_t b = v ? 0xFF : 0x00;
    tlv_put(w, tag, &b, 1);
}

/* StoreMetadataRequest BF25 as osmo-smdpp makes it: ICCID in EF.ICCID coding (nibbles
 * of the header's swapped), SPN, profile name, class operational, notification
 * addresses for enable/disable/delete; then the SGP.32 fields smdp_set_iot_metadata
 * asked for (9F7B ecallIndication, 9F67 fallbackAllowed, in ASN.1 order). */
static int write_metadata(struct smdp *s, const uint8_t *upp, size_t upp_len,
                          uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t hdr_iccid[10], iccid[10];
    struct tlv type;
    bool has_type;
    struct tlv_writer w;
    if (upp_header(upp, upp_len, hdr_iccid, &type, &has_type) != 0)
        return -1;
    for (size_t i = 0; i < 10; i++)
        iccid[i] = (uint8_t)(hdr_iccid[i] << 4 | hdr_iccid[i] >> 4);
    if (s->fault == SMDP_FAULT_METADATA_ICCID)
        iccid[0] ^= 0x01;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF25);
    tlv_put(&w, 0x5A, iccid, sizeof iccid);
    tlv_put(&w, 0x91, (const uint8_t *)SPN, strlen(SPN));
    if (has_type)
        tlv_put(&w, 0x92, type.value, type.len);
    else
        tlv_put(&w, 0x92, (const uint8_t *)DEFAULT_NAME, strlen(DEFAULT_NAME));
    tlv_put_int(&w, 0x95, 2);                       /* operational */
    tlv_open(&w, 0xB6);
    for (unsigned ev = 1; ev <= 3; ev++) {          /* enable, disable, delete */
        tlv_open(&w, 0x30);
        tlv_put_bits(&w, 0x80, 1u << ev, 4);
        tlv_put(&w, 0x81, (const uint8_t *)s->address, strlen(s->address));
        tlv_close(&w);
    }
    tlv_close(&w);
    if (s->iot.has_ecall_indication)
        put_bool(&w, 0x9F7B, s->iot.ecall_indication);
    if (s->iot.has_fallback_allowed)
        put_bool(&w, 0x9F67, s->iot.fallback_allowed);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *out_len = w.len;
    return 0;
}

/* Wrap plain[0..len) as segments of tag (slices of SLICE octets) into w. */
static int put_segments(struct scp03t *k, uint8_t tag, const uint8_t *plain, size_t len,
                        bool alter_mac, struct tlv_writer *w)
{
    uint8_t seg[SEG_MAX];
    size_t off = 0;
    do {
        size_t n = len - off > SLICE ? SLICE : len - off, out;
        if (scp03t_wrap(k, tag, plain + off, n, seg, sizeof seg, &out) != SCP03T_OK)
            return -1;
        if (alter_mac && off == 0)
            seg[out - 1] ^= 0x01;
        tlv_put_raw(w, seg, out);
        off += n;
    } while (off < len);
    ct_wipe(seg, sizeof seg);
    return 0;
}

int smdp_bound_profile_package(struct smdp *s, const uint8_t *prep_resp, size_t len,
                               const uint8_t *upp, size_t upp_len, uint8_t **bpp,
                               size_t *bpp_len)
{
    uint8_t dp_otpk[OTPK_LEN], z[32], meta[META_MAX], rsk[64];
    size_t meta_len;
    struct scp03t k;
    struct tlv_writer w;
    EVP_PKEY *dp_sk = NULL;
    struct rng *rng = NULL;
    uint8_t *out = NULL;
    int rc = -1;

    *bpp = NULL;
    *bpp_len = 0;
    memset(&k, 0, sizeof k);
    if (!s || !upp || upp_len == 0 || check_prepare_response(s, prep_resp, len) != 0)
        return -1;
    if (write_metadata(s, upp, upp_len, meta, sizeof meta, &meta_len) != 0)
        return -1;
    rng = rng_new_system();
    dp_sk = rng ? ec_keygen(s->curve, rng) : NULL;
    if (!dp_sk || ec_public_point(dp_sk, dp_otpk) != 0 ||
        ecka_shared_secret(dp_sk, s->euicc_otpk, OTPK_LEN, z) != 0 ||
        scp03t_derive_session_keys(&k, z, KEY_TYPE_AES, SCP03T_KEY_LEN, s->host_id,
                                   s->host_id_len, s->eid_bin) != SCP03T_OK)
        goto out;

    size_t cap = upp_len + upp_len / SLICE * 64 + (size_t)2 * META_MAX + 2048;
    out = malloc(cap);
    if (!out)
        goto out;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF36);
    if (write_isc(s, dp_otpk, &w) != 0)
        goto out;
    tlv_open(&w, 0xA0);                             /* ConfigureISDP */
    if (put_segments(&k, 0x87, (const uint8_t[]){ 0xBF, 0x24, 0x00 }, 3, false, &w) != 0)
        goto out;
    tlv_close(&w);
    tlv_open(&w, 0xA1);                             /* StoreMetadata (MAC only) */
    if (put_segments(&k, 0x88, meta, meta_len, false, &w) != 0)
        goto out;
    tlv_close(&w);
    if (s->replace_session_keys) {                  /* ReplaceSessionKeys → PPKs */
        struct tlv_writer r;
        tlv_writer_init(&r, rsk, sizeof rsk);
        tlv_open(&r, 0xBF26);
        tlv_put(&r, 0x80, PPK_MCV, sizeof PPK_MCV);
        tlv_put(&r, 0x81, PPK_ENC, sizeof PPK_ENC);
        tlv_put(&r, 0x82, PPK_MAC, sizeof PPK_MAC);
        tlv_close(&r);
        tlv_open(&w, 0xA2);
        if (!tlv_writer_ok(&r) || put_segments(&k, 0x87, rsk, r.len, false, &w) != 0)
            goto out;
        tlv_close(&w);
        scp03t_init(&k, PPK_ENC, PPK_MAC, PPK_MCV);
    }
    tlv_open(&w, 0xA3);                             /* LoadProfileElements */
    if (put_segments(&k, 0x86, upp, upp_len, s->fault == SMDP_FAULT_MAC, &w) != 0)
        goto out;
    tlv_close(&w);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        goto out;
    *bpp = out;
    *bpp_len = w.len;
    out = NULL;
    rc = 0;
out:
    scp03t_wipe(&k);
    ct_wipe(z, sizeof z);
    ct_wipe(rsk, sizeof rsk);
    EVP_PKEY_free(dp_sk);
    rng_free(rng);
    free(out);
    return rc;
}

/* lpac's rule: BF36 header + BF23; A0 whole; A1 header; each 88; A2 whole; A3 header;
 * each 86. */
int bpp_pieces(const uint8_t *bpp, size_t len, struct bpp_piece *pieces, size_t max,
               size_t *n)
{
    uint32_t tag;
    size_t hl, vl, pos, k = 0;
    struct tlv isc;
    *n = 0;
    if (!tlv_parse_header(bpp, len, &tag, &hl, &vl) || tag != 0xBF36 || hl + vl != len ||
        !tlv_parse(bpp + hl, len - hl, &isc) || isc.tag != 0xBF23)
        return -1;
#define PIECE(o, l_) do { if (k == max) return -1; \
                          pieces[k].offset = (o); pieces[k].len = (l_); k++; } while (0)
    PIECE(0, hl + isc.raw_len);
    pos = hl + isc.raw_len;
    while (pos < len) {
        size_t shl, svl;
        if (!tlv_parse_header(bpp + pos, len - pos, &tag, &shl, &svl) ||
            svl > len - pos - shl || tag < 0xA0 || tag > 0xA3)
            return -1;
        if (tag == 0xA0 || tag == 0xA2) {
            PIECE(pos, shl + svl);
            pos += shl + svl;
            continue;
        }
        PIECE(pos, shl);
        size_t end = pos + shl + svl;
        pos += shl;
        while (pos < end) {
            struct tlv seg;
            if (!tlv_parse(bpp + pos, end - pos, &seg))
                return -1;
            PIECE(pos, seg.raw_len);
            pos += seg.raw_len;
        }
    }
#undef PIECE
    *n = k;
    return 0;
}
