/* tests/common/download_driver.c — see download_driver.h */
#include "download_driver.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/x509.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "tools/smdp/smdp_internal.h"

#define REQ_MAX 1024u

static const uint8_t RNG_SEED[] = "download driver card seed";

const char *dl_shared_dir(void)
{
    static char buf[600];
    struct stat st;
    const char *d = tu_shared_dir();
    char p[700];
    snprintf(p, sizeof p, "%s/sgp26", d);
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(buf, sizeof buf, "%s", d);
    return buf;
}

static size_t transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                       size_t cap)
{
    return card_transmit(ctx, capdu, len, rapdu, cap);
}

int dl_card_open(struct dl *d)
{
    char err[256] = "";
    struct card_config cfg = { .store = d->store, .identity_dir = d->sgp26,
                               .rng_seed = RNG_SEED, .rng_seed_len = sizeof RNG_SEED,
                               .capacity = d->capacity, .trace = d->trace };
    if (card_open(&d->card, &cfg, err, sizeof err) != 0) {
        d->card = NULL;
        return -1;
    }
    d->t.ctx = d->card;
    d->t.transmit = transmit;
    d->t.channel = 0;
    return lpa_select_isdr(&d->t) == 0 ? 0 : -1;
}

void dl_card_close(struct dl *d)
{
    card_close(d->card);
    d->card = NULL;
}

int dl_restart(struct dl *d)
{
    dl_card_close(d);
    if (store_reload(d->store) != STORE_OK)
        return -1;
    return dl_card_open(d);
}

int dl_smdp(struct dl *d, bool replace_session_keys, enum smdp_fault fault)
{
    char a[700], ak[700], b[700], bk[700], ci[700], err[256] = "";
    snprintf(a, sizeof a, "%s/DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", d->sgp26);
    snprintf(ak, sizeof ak, "%s/DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem", d->sgp26);
    snprintf(b, sizeof b, "%s/DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", d->sgp26);
    snprintf(bk, sizeof bk, "%s/DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem", d->sgp26);
    snprintf(ci, sizeof ci, "%s/CI/CERT_CI_ECDSA_NIST.der", d->sgp26);
    struct smdp_config cfg = { .dpauth_cert = a, .dpauth_key = ak, .dppb_cert = b,
                               .dppb_key = bk, .ci_cert = ci,
                               .replace_session_keys = replace_session_keys,
                               .fault = fault };
    smdp_close(d->dp);
    d->dp = NULL;
    if (smdp_open(&d->dp, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "smdp_open: %s\n", err);
        return -1;
    }
    return 0;
}

int dl_open(struct dl *d, size_t capacity, char *err, size_t errcap)
{
    const char *sd = dl_shared_dir();
    char p[700];
    memset(d, 0, sizeof *d);
    if (!sd) {
        snprintf(err, errcap, "SGP.26 identity not found (set EUICC_EMU_SHARED)");
        return -1;
    }
    int n = snprintf(d->sgp26, sizeof d->sgp26, "%s/sgp26", sd);
    if (n < 0 || (size_t)n >= sizeof d->sgp26) {
        snprintf(err, errcap, "shared directory path too long");
        return -1;
    }
    d->capacity = capacity;
    snprintf(p, sizeof p, "%s/eUICC/CERT_EUICC_ECDSA_NIST.der", d->sgp26);
    d->euicc_cert = tu_read_file(p, &d->euicc_cert_len);
    if (d->euicc_cert) {
        const uint8_t *q = d->euicc_cert;
        X509 *x = d2i_X509(NULL, &q, (long)d->euicc_cert_len);
        d->euicc_pk = x ? X509_get_pubkey(x) : NULL;
        X509_free(x);
    }
    if (!d->euicc_pk) {
        snprintf(err, errcap, "cannot read %s", p);
        dl_close(d);
        return -1;
    }
    if (store_open_memory(&d->store) != STORE_OK || dl_card_open(d) != 0 ||
        dl_smdp(d, false, SMDP_FAULT_NONE) != 0) {
        snprintf(err, errcap, "card or SM-DP+ did not open");
        dl_close(d);
        return -1;
    }
    return 0;
}

void dl_close(struct dl *d)
{
    smdp_close(d->dp);
    card_close(d->card);
    store_close(d->store);
    EVP_PKEY_free(d->euicc_pk);
    free(d->euicc_cert);
    memset(d, 0, sizeof *d);
}

uint16_t dl_es10(struct dl *d, const uint8_t *req, size_t len)
{
    d->sw = lpa_es10(&d->t, req, len, d->resp, sizeof d->resp, &d->resp_len);
    return d->sw;
}

/* ------------------------------------------------------------------------ download */

int dl_upp_iccid(const uint8_t *upp, size_t len, uint8_t iccid[10])
{
    struct tlv hdr, ic;
    if (!tlv_parse(upp, len, &hdr) || hdr.tag != 0xA0 ||
        !tlv_find(hdr.value, hdr.len, 0x83, &ic) || ic.len != 10)
        return -1;
    for (size_t i = 0; i < 10; i++)
        iccid[i] = (uint8_t)(ic.value[i] << 4 | ic.value[i] >> 4);
    return 0;
}

int dl_pir_parse(const struct dl *d, const uint8_t *p, size_t len, struct dl_pir *o)
{
    struct lpa_pir pir;
    struct tlv bf37, bf27, sig, t;
    memset(o, 0, sizeof *o);
    if (lpa_pir_decode(p, len, &pir) != 0 || pir.meta.event != 0 ||
        !tlv_parse(p, len, &bf37) || !tlv_find(bf37.value, bf37.len, 0xBF27, &bf27) ||
        !tlv_find(bf37.value, bf37.len, 0x5F37, &sig) ||
        !tlv_find(bf27.value, bf27.len, 0x80, &t) || t.len > sizeof o->tid)
        return -1;
    /* euiccSignPIR over the whole BF27 TLV */
    o->sig_ok = ecdsa_verify_raw(d->euicc_pk, bf27.raw, bf27.raw_len, sig.value, sig.len);
    memcpy(o->tid, t.value, t.len);
    o->tid_len = t.len;
    o->seq = pir.meta.seq;
    o->has_iccid = pir.meta.has_iccid;
    memcpy(o->iccid, pir.meta.iccid, sizeof o->iccid);
    o->success = pir.success;
    memcpy(o->aid, pir.aid, pir.aid_len);
    o->aid_len = pir.aid_len;
    o->cmd = pir.bpp_command_id;
    o->reason = pir.error_reason;
    return 0;
}

/* The ES10b error code of the last answer (0 for success), -1 on a bad SW. */
static int result_code(const struct dl *d, uint32_t tag)
{
    if (d->sw != 0x9000)
        return -1;
    return lpa_es10b_error_code(tag, d->resp, d->resp_len);
}

int dl_download(struct dl *d, const uint8_t *upp, size_t upp_len, struct dl_result *res)
{
    static const uint8_t info1_req[] = { 0xBF, 0x20, 0x00 }, chal_req[] = { 0xBF, 0x2E, 0x00 };
    uint8_t info1[512], chal[64], *req = malloc(DL_RESP_MAX), *bpp = NULL;
    size_t info1_len, chal_len, req_len = 0, bpp_len = 0;
    struct bpp_piece pc[DL_PIECES_MAX];
    int rc = -1;

    memset(res, 0, sizeof *res);
    if (!req)
        return -1;
    res->step = DL_STEP_INFO1;
    if ((res->sw = dl_es10(d, info1_req, sizeof info1_req)) != 0x9000 ||
        d->resp_len > sizeof info1)
        goto out;
    memcpy(info1, d->resp, d->resp_len);
    info1_len = d->resp_len;
    res->step = DL_STEP_CHALLENGE;
    if ((res->sw = dl_es10(d, chal_req, sizeof chal_req)) != 0x9000 ||
        d->resp_len > sizeof chal)
        goto out;
    memcpy(chal, d->resp, d->resp_len);
    chal_len = d->resp_len;
    res->step = DL_STEP_AUTH;
    if (smdp_authenticate_server_request(d->dp, info1, info1_len, chal, chal_len,
                                         "MATCHING-ID", req, DL_RESP_MAX, &req_len) != 0)
        goto out;
    res->sw = dl_es10(d, req, req_len);
    if ((res->code = result_code(d, 0xBF38)) != 0)
        goto out;
    res->step = DL_STEP_SMDP_AUTH;
    memcpy(req, d->resp, d->resp_len);
    if (smdp_prepare_download_request(d->dp, req, d->resp_len, req, DL_RESP_MAX,
                                      &req_len) != 0)
        goto out;
    res->step = DL_STEP_PREPARE;
    res->sw = dl_es10(d, req, req_len);
    if ((res->code = result_code(d, 0xBF21)) != 0)
        goto out;
    res->step = DL_STEP_SMDP_BPP;
    if (d->bpp_fault != SMDP_FAULT_NONE)
        d->dp->fault = d->bpp_fault;
    if (smdp_bound_profile_package(d->dp, d->resp, d->resp_len, upp, upp_len, &bpp,
                                   &bpp_len) != 0 ||
        bpp_pieces(bpp, bpp_len, pc, DL_PIECES_MAX, &res->npieces) != 0)
        goto out;
    res->step = DL_STEP_BPP;
    for (res->piece = 0; res->piece < res->npieces; res->piece++) {
        res->sw = dl_es10(d, bpp + pc[res->piece].offset, pc[res->piece].len);
        if (res->sw != 0x9000)
            goto out;
        if (d->resp_len)
            break;
    }
    if (res->piece == res->npieces)
        goto out;                                  /* no PIR at all */
    if (dl_pir_parse(d, d->resp, d->resp_len, &res->pir) != 0)
        goto out;
    res->has_pir = true;
    res->step = DL_STEP_DONE;
    if (res->pir.success && res->pir.sig_ok && res->piece == res->npieces - 1)
        rc = 0;
out:
    free(bpp);
    free(req);
    return rc;
}

/* ----------------------------------------------------------------------- ES10c etc. */

/* `tag { 80 result }` of the last answer, or -1. */
static int simple_result(const struct dl *d, uint32_t tag)
{
    struct tlv r, c;
    int64_t v;
    if (d->sw != 0x9000 || !tlv_parse(d->resp, d->resp_len, &r) || r.tag != tag ||
        r.raw_len != d->resp_len || !tlv_find(r.value, r.len, 0x80, &c) ||
        !tlv_get_int(c.value, c.len, &v) || v < 0)
        return -1;
    return (int)v;
}

static int profile_op(struct dl *d, enum lpa_profile_op op, const uint8_t iccid[10])
{
    uint8_t req[64];
    size_t len;
    if (lpa_profile_op_request(op, iccid, true, req, sizeof req, &len) != 0 ||
        dl_es10(d, req, len) != 0x9000)
        return -1;
    return lpa_profile_op_result(op, d->resp, d->resp_len);
}

int dl_profile_op_aid(struct dl *d, uint32_t fn_tag, const uint8_t *aid, size_t aid_len)
{
    /* tools/lpa names profiles by ICCID only; by ISD-P AID (4F) it is built here */
    uint8_t req[64];
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, fn_tag);
    if (fn_tag == 0xBF33) {
        tlv_put(&w, 0x4F, aid, aid_len);
    } else {
        tlv_open(&w, 0xA0);
        tlv_put(&w, 0x4F, aid, aid_len);
        tlv_close(&w);
        tlv_put_bool(&w, 0x81, true);
    }
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    dl_es10(d, req, w.len);
    return simple_result(d, fn_tag);
}

int dl_enable(struct dl *d, const uint8_t iccid[10])
{
    return profile_op(d, LPA_OP_ENABLE, iccid);
}

int dl_disable(struct dl *d, const uint8_t iccid[10])
{
    return profile_op(d, LPA_OP_DISABLE, iccid);
}

int dl_delete(struct dl *d, const uint8_t iccid[10])
{
    return profile_op(d, LPA_OP_DELETE, iccid);
}

int dl_profiles(struct dl *d, struct lpa_profile_info *out, size_t cap, size_t *n)
{
    uint8_t req[64];
    size_t len;
    *n = 0;
    if (lpa_get_profiles_info_request(req, sizeof req, &len) != 0 ||
        dl_es10(d, req, len) != 0x9000 ||
        lpa_get_profiles_info_decode(d->resp, d->resp_len, out, cap, n) != 0)
        return -1;
    for (size_t i = 0; i < *n; i++)
        if (!out[i].has_iccid)
            return -1;
    return 0;
}

/* Verify one PendingNotification: PIR (euiccSignPIR) or OtherSignedNotification
 * 30 {BF2F, 5F37 over BF2F, CERT.EUICC (this card's), CERT.EUM}. */
static void check_pending(const struct dl *d, const struct lpa_pending *e, struct dl_notif *m)
{
    memset(m, 0, sizeof *m);
    m->meta = e->meta;
    m->is_pir = e->is_pir;
    if (e->is_pir) {
        struct dl_pir pir;
        m->sig_ok = dl_pir_parse(d, e->tlv, e->tlv_len, &pir) == 0 && pir.sig_ok;
        return;
    }
    struct tlv t, meta, sig, cert;
    struct tlv_cursor c;
    m->sig_ok = tlv_parse(e->tlv, e->tlv_len, &t) && tlv_enter(&t, &c) &&
                tlv_next(&c, &meta) && meta.tag == 0xBF2F && tlv_next(&c, &sig) &&
                sig.tag == 0x5F37 &&
                ecdsa_verify_raw(d->euicc_pk, meta.raw, meta.raw_len, sig.value, sig.len) &&
                tlv_next(&c, &cert) && cert.raw_len == d->euicc_cert_len &&
                memcmp(cert.raw, d->euicc_cert, cert.raw_len) == 0 &&
                tlv_next(&c, &cert) && cert.tag == 0x30;      /* CERT.EUM */
}

int dl_notifications(struct dl *d, uint32_t seq, int event, struct dl_notif *out,
                     size_t cap, size_t *n)
{
    uint8_t req[64];
    size_t len, cnt = 0;
    struct lpa_pending *e = calloc(cap ? cap : 1, sizeof *e);
    int rc = -1;
    *n = 0;
    if (!e)
        return -1;
    if (event >= 0) {
        /* by event: tools/lpa builds only "all" and "by seqNumber" */
        struct tlv_writer w;
        tlv_writer_init(&w, req, sizeof req);
        tlv_open(&w, 0xBF2B);
        tlv_open(&w, 0xA0);
        tlv_put_bits(&w, 0x81, 1u << event, 4);
        tlv_close(&w);
        tlv_close(&w);
        len = w.len;
    } else if (lpa_retrieve_notifications_request(seq > 0, seq, req, sizeof req, &len) != 0) {
        goto out;
    }
    if (dl_es10(d, req, len) != 0x9000 ||
        lpa_retrieve_notifications_decode(d->resp, d->resp_len, e, cap, &cnt) != 0)
        goto out;
    for (size_t i = 0; i < cnt; i++)
        check_pending(d, &e[i], &out[i]);
    *n = cnt;
    rc = 0;
out:
    free(e);
    return rc;
}

int dl_list_notifications(struct dl *d, int event, struct lpa_notification *out, size_t cap,
                          size_t *n)
{
    uint8_t req[64];
    size_t len;
    *n = 0;
    if (lpa_list_notification_request(event, req, sizeof req, &len) != 0 ||
        dl_es10(d, req, len) != 0x9000 ||
        lpa_list_notification_decode(d->resp, d->resp_len, out, cap, n) != 0)
        return -1;
    return 0;
}

int dl_remove_notification(struct dl *d, uint32_t seq)
{
    uint8_t req[32];
    size_t len;
    if (lpa_notification_sent_request(seq, req, sizeof req, &len) != 0 ||
        dl_es10(d, req, len) != 0x9000)
        return -1;
    return lpa_notification_sent_result(d->resp, d->resp_len);
}

/* SetNickname, SetDefaultDpAddress, eUICCMemoryReset, GetEuiccConfiguredAddresses:
 * not in tools/lpa; built here. */
int dl_set_nickname(struct dl *d, const uint8_t iccid[10], const char *nick)
{
    uint8_t req[512];
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF29);
    tlv_put(&w, 0x5A, iccid, 10);
    tlv_put(&w, 0x90, (const uint8_t *)nick, strlen(nick));
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    dl_es10(d, req, w.len);
    return simple_result(d, 0xBF29);
}

int dl_set_default_dp(struct dl *d, const char *address)
{
    uint8_t req[512];
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF3F);
    tlv_put(&w, 0x80, (const uint8_t *)address, strlen(address));
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    dl_es10(d, req, w.len);
    return simple_result(d, 0xBF3F);
}

int dl_memory_reset(struct dl *d, uint32_t bits)
{
    uint8_t req[32];
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF34);
    tlv_put_bits(&w, 0x82, bits, 3);
    tlv_close(&w);
    dl_es10(d, req, w.len);
    return simple_result(d, 0xBF34);
}

int dl_default_dp(struct dl *d, char *out, size_t cap)
{
    static const uint8_t req[] = { 0xBF, 0x3C, 0x00 };
    struct tlv r, t;
    out[0] = 0;
    if (dl_es10(d, req, sizeof req) != 0x9000 || !tlv_parse(d->resp, d->resp_len, &r) ||
        r.tag != 0xBF3C || r.raw_len != d->resp_len)
        return -1;
    if (tlv_find(r.value, r.len, 0x80, &t)) {
        size_t n = t.len < cap - 1 ? t.len : cap - 1;
        memcpy(out, t.value, n);
        out[n] = 0;
    }
    return 0;
}
