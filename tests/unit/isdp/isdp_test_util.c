/* tests/unit/isdp/isdp_test_util.c — see isdp_test_util.h */
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
#include "card/card_internal.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "crypto/scp03t.h"
#include "ecasd/ecasd.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"

const char *shared_dir(void)
{
    static char buf[1024];
    const char *d = tu_shared_dir();
    snprintf(buf, sizeof buf, "%s/vectors/README.md", d);
    FILE *f = fopen(buf, "rb");
    if (!f)
        return NULL;
    fclose(f);
    snprintf(buf, sizeof buf, "%s", d);
    return buf;
}

/* The string value of the first "key": "..." in json (pointer into json, length). */
static const char *json_str(const char *json, const char *key, size_t *len)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(json, pat);
    if (!p)
        fail_msg("vector key %s missing", key);
    p += strlen(pat);
    const char *e = strchr(p, '"');
    assert_non_null(e);
    *len = (size_t)(e - p);
    return p;
}

/* Hex value of "key" into a malloc'd buffer. */
static uint8_t *json_hex(const char *json, const char *key, size_t *n)
{
    size_t len;
    const char *s = json_str(json, key, &len);
    char *tmp = strndup(s, len);
    uint8_t *out = malloc(len / 2 + 1);
    assert_non_null(tmp);
    assert_non_null(out);
    *n = tu_unhex(tmp, out, len / 2 + 1);
    free(tmp);
    return out;
}

static void json_hex_fixed(const char *json, const char *key, uint8_t *out, size_t want)
{
    size_t n;
    uint8_t *b = json_hex(json, key, &n);
    assert_int_equal(n, want);
    memcpy(out, b, n);
    free(b);
}

bool vec_load(struct vec *v, const char *name)
{
    char path[1200];
    size_t len;
    const char *sd = shared_dir();
    memset(v, 0, sizeof *v);
    if (!sd)
        return false;
    snprintf(path, sizeof path, "%s/vectors/%s", sd, name);
    char *json = (char *)tu_read_file(path, &len);
    if (!json)
        return false;
    v->bpp = json_hex(json, "bpp", &v->bpp_len);
    json_hex_fixed(json, "transactionId", v->tid, 16);
    json_hex_fixed(json, "otSK_EUICC_ECKA", v->otsk, 32);
    json_hex_fixed(json, "otPK_EUICC_ECKA", v->otpk, 65);
    json_hex_fixed(json, "S_ENC", v->s_enc, 16);
    json_hex_fixed(json, "S_MAC", v->s_mac, 16);
    json_hex_fixed(json, "initial_mcv", v->mcv, 16);
    v->dppb_cert = json_hex(json, "CERT_DPpb_ECDSA", &v->dppb_cert_len);
    v->meta = json_hex(json, "storeMetadataRequest", &v->meta_len);
    const char *a = json_str(json, "smdp_address", &len);
    assert_true(len < sizeof v->address);
    memcpy(v->address, a, len);
    /* es10b_load_segments: {"offset": N, "len": M, ...} objects up to the list's end */
    const char *p = strstr(json, "\"es10b_load_segments\"");
    assert_non_null(p);
    p = strchr(p, '[');
    const char *end = strchr(p, ']');
    while ((p = strstr(p, "\"offset\": ")) && p < end) {
        assert_true(v->npieces < VEC_PIECES_MAX);
        struct bpp_piece *pc = &v->piece[v->npieces++];
        pc->offset = strtoul(p + 10, NULL, 10);
        p = strstr(p, "\"len\": ");
        pc->len = strtoul(p + 7, NULL, 10);
    }
    free(json);
    snprintf(path, sizeof path, "%s/vectors/upp_TS48V1-A-UNIQUE.json", sd);
    json = (char *)tu_read_file(path, &len);
    assert_non_null(json);
    v->upp = json_hex(json, "upp", &v->upp_len);
    free(json);
    return true;
}

void vec_free(struct vec *v)
{
    free(v->bpp);
    free(v->dppb_cert);
    free(v->meta);
    free(v->upp);
    memset(v, 0, sizeof *v);
}

void card_fx_open(struct fx *f, size_t capacity)
{
    static const uint8_t seed[] = "isd-p unit test seed";
    char idir[1100];
    struct card_config cfg = {0};
    memset(f, 0, sizeof *f);
    snprintf(idir, sizeof idir, "%s/sgp26", shared_dir());
    assert_int_equal(store_open_memory(&f->store), 0);
    cfg.store = f->store;
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    cfg.capacity = capacity;
    cfg.identity_dir = idir;
    tu_card_open(&f->card, &cfg);
    f->rng = card_rng(f->card);
    f->ecasd = card_ecasd(f->card);
    f->r = f->card->isdr;
    tu_select_isdr(f->card);
}

void card_fx_close(struct fx *f)
{
    card_close(f->card);
    store_close(f->store);
}

/* SEC1 ECPrivateKey (P-256) from a raw scalar; OpenSSL derives the public key. */
static EVP_PKEY *key_from_scalar(const uint8_t d[32])
{
    static const uint8_t head[] = { 0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20 };
    static const uint8_t tail[] = { 0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE,
                                    0x3D, 0x03, 0x01, 0x07 };
    uint8_t der[sizeof head + 32 + sizeof tail];
    memcpy(der, head, sizeof head);
    memcpy(der + sizeof head, d, 32);
    memcpy(der + sizeof head + 32, tail, sizeof tail);
    EVP_PKEY *k = ec_private_from_bytes(der, sizeof der);
    assert_non_null(k);
    return k;
}

void prepare_session(struct fx *f, const struct vec *v)
{
    struct isdr *r = f->r;
    static const uint8_t oid[] = { 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0xE1, 0x6C, 0x01 };
    rsp_session_clear(&r->session);
    r->session.state = RSP_PREPARED;
    memcpy(r->session.transaction_id, v->tid, 16);
    r->session.transaction_id_len = 16;
    r->session.ci = 0;
    for (size_t i = 0; i < ecasd_ci_count(f->ecasd); i++)
        if (ecasd_curve(f->ecasd, i) == EC_CURVE_P256 && ecasd_ci_can_sign(f->ecasd, i))
            r->session.ci = i;
    memcpy(r->session.smdp_oid, oid, sizeof oid);
    r->session.smdp_oid_len = sizeof oid;
    snprintf(r->session.server_address, sizeof r->session.server_address, "%s", v->address);
    const uint8_t *q = v->dppb_cert;
    X509 *x = d2i_X509(NULL, &q, (long)v->dppb_cert_len);
    assert_non_null(x);
    r->session.dppb_key = X509_get_pubkey(x);
    X509_free(x);
    assert_non_null(r->session.dppb_key);
    EVP_PKEY_free(r->ot_sk);
    r->ot_sk = key_from_scalar(v->otsk);
    uint8_t pt[65];
    assert_int_equal(ec_public_point(r->ot_sk, pt), 0);
    expect_bytes(pt, 65, v->otpk, 65);
    memcpy(r->ot_pk, v->otpk, 65);
}

uint8_t *build_bpp(const struct vec *v, const uint8_t *meta, size_t meta_len,
                   const uint8_t *upp, size_t upp_len, size_t *len)
{
    uint32_t tag;
    size_t hl, vl;
    struct tlv isc;
    struct scp03t k;
    struct tlv_writer w;
    uint8_t seg[1100];
    size_t cap = upp_len + meta_len + 8192, n;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_true(tlv_parse_header(v->bpp, v->bpp_len, &tag, &hl, &vl));
    assert_true(tlv_parse(v->bpp + hl, v->bpp_len - hl, &isc));
    scp03t_init(&k, v->s_enc, v->s_mac, v->mcv);
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF36);
    tlv_put_raw(&w, isc.raw, isc.raw_len);
    tlv_open(&w, 0xA0);
    assert_int_equal(scp03t_wrap(&k, 0x87, (const uint8_t[]){ 0xBF, 0x24, 0x00 }, 3, seg,
                                 sizeof seg, &n), 0);
    tlv_put_raw(&w, seg, n);
    tlv_close(&w);
    tlv_open(&w, 0xA1);
    for (size_t off = 0; off < meta_len; off += 1008) {
        size_t c = meta_len - off > 1008 ? 1008 : meta_len - off;
        assert_int_equal(scp03t_wrap(&k, 0x88, meta + off, c, seg, sizeof seg, &n), 0);
        tlv_put_raw(&w, seg, n);
    }
    tlv_close(&w);
    tlv_open(&w, 0xA3);
    for (size_t off = 0; off < upp_len; off += 1008) {
        size_t c = upp_len - off > 1008 ? 1008 : upp_len - off;
        assert_int_equal(scp03t_wrap(&k, 0x86, upp + off, c, seg, sizeof seg, &n), 0);
        tlv_put_raw(&w, seg, n);
    }
    tlv_close(&w);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    *len = w.len;
    return out;
}

size_t send_bpp(struct fx *f, const uint8_t *bpp, size_t len)
{
    struct bpp_piece pc[VEC_PIECES_MAX];
    size_t n;
    assert_int_equal(bpp_pieces(bpp, len, pc, VEC_PIECES_MAX, &n), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fx_run_bin(f, bpp + pc[i].offset, pc[i].len), 0x9000);
        if (f->out_len)
            return i;
    }
    return n;
}

void pir_check(const struct fx *f, struct pir *o)
{
    struct tlv bf37, bf27, sig, t, meta, fr, res;
    memset(o, 0, sizeof *o);
    assert_true(tlv_parse(f->out, f->out_len, &bf37));
    assert_int_equal(bf37.raw_len, f->out_len);
    assert_int_equal(bf37.tag, 0xBF37);
    assert_true(tlv_find(bf37.value, bf37.len, 0xBF27, &bf27));
    assert_true(tlv_find(bf37.value, bf37.len, 0x5F37, &sig));
    /* euiccSignPIR over the BF27 TLV, with CERT.EUICC (SGP.26 NIST) */
    char path[1200];
    size_t clen;
    snprintf(path, sizeof path, "%s/sgp26/eUICC/CERT_EUICC_ECDSA_NIST.der", shared_dir());
    uint8_t *cert = tu_read_file(path, &clen);
    assert_non_null(cert);
    const uint8_t *q = cert;
    X509 *x = d2i_X509(NULL, &q, (long)clen);
    assert_non_null(x);
    EVP_PKEY *pk = X509_get_pubkey(x);
    assert_true(ecdsa_verify_raw(pk, bf27.raw, bf27.raw_len, sig.value, sig.len));
    EVP_PKEY_free(pk);
    X509_free(x);
    free(cert);
    assert_true(tlv_find(bf27.value, bf27.len, 0x80, &t));
    assert_true(t.len <= 16);
    memcpy(o->tid, t.value, t.len);
    o->tid_len = t.len;
    assert_true(tlv_find(bf27.value, bf27.len, 0xBF2F, &meta));
    assert_true(tlv_find(meta.value, meta.len, 0x80, &t));
    uint32_t seq;
    assert_true(tlv_get_uint(t.value, t.len, &seq));
    o->seq = seq;
    assert_true(tlv_find(meta.value, meta.len, 0x81, &t));
    expect_bytes(t.value, t.len, (const uint8_t[]){ 0x07, 0x80 }, 2);   /* install */
    assert_true(tlv_find(meta.value, meta.len, 0x0C, &t));
    if (tlv_find(meta.value, meta.len, 0x5A, &t)) {
        assert_int_equal(t.len, 10);
        o->has_iccid = true;
        memcpy(o->iccid, t.value, 10);
    }
    assert_true(tlv_find(bf27.value, bf27.len, 0x06, &t));
    assert_true(tlv_find(bf27.value, bf27.len, 0xA2, &fr));
    if (tlv_find(fr.value, fr.len, 0xA0, &res)) {
        o->success = true;
        assert_true(tlv_find(res.value, res.len, 0x4F, &t));
        assert_true(t.len <= 16);
        memcpy(o->aid, t.value, t.len);
        o->aid_len = t.len;
        assert_true(tlv_find(res.value, res.len, 0x04, &t));
    } else {
        assert_true(tlv_find(fr.value, fr.len, 0xA1, &res));
        assert_true(tlv_find(res.value, res.len, 0x80, &t));
        assert_true(tlv_get_int(t.value, t.len, &o->cmd));
        assert_true(tlv_find(res.value, res.len, 0x81, &t));
        assert_true(tlv_get_int(t.value, t.len, &o->reason));
    }
}

void expect_pir_error(struct fx *f, int64_t cmd, int64_t reason)
{
    struct pir p;
    assert_int_equal(f->sw, 0x9000);
    assert_true(f->out_len > 0);
    pir_check(f, &p);
    assert_false(p.success);
    if (p.cmd != cmd || p.reason != reason)
        fail_msg("PIR error: bppCommandId %lld errorReason %lld, expected %lld/%lld",
                 (long long)p.cmd, (long long)p.reason, (long long)cmd, (long long)reason);
    /* the load and the session are over */
    assert_false(f->r->load != NULL);
    assert_int_equal(f->r->session.state, RSP_NONE);
}

size_t n_profiles(struct fx *f)
{
    size_t n = 0;
    assert_int_equal(profile_count(f->store, &n), 0);
    return n;
}

size_t n_notifications(struct fx *f)
{
    struct notification_meta m[NOTIF_MAX];
    size_t n = 0;
    assert_int_equal(notification_list(f->store, m, NOTIF_MAX, &n), 0);
    return n;
}
