/* isd-r/es10b_download.c — ES10b AuthenticateServer (SGP.22 §5.7.13), PrepareDownload
 * (§5.7.5) and CancelSession (§5.7.14): the eUICC side of the common mutual
 * authentication and the binding of the one-time key.
 *
 * Order of the AuthenticateServer checks (first failure answers):
 *   1. euiccCiPKIdToBeUsed names a CI the card trusts and holds an eUICC certificate
 *      for                                               → ciPKUnknown (7)
 *   2. CERT.DPauth.SIG against that CI (§4.5.2 rules)     → invalidCertificate (1),
 *      curve not supported → unsupportedCurve (3), not the DPauth role → invalidOid (5)
 *   3. serverSignature1 over serverSigned1 with PK.DPauth → invalidSignature (2)
 *   4. a session started by GetEUICCChallenge and not yet used → noSessionContext (4)
 *   5. serverSigned1.euiccChallenge = the session's       → euiccChallengeMismatch (6)
 *   values that decode but cannot be used (transactionId not 1..16 octets, address not
 *   UTF-8, challenge not 16 octets, signing failure)      → undefinedError (127)
 * PrepareDownload: 1. an authenticated session → noSessionContext (4); 2. CERT.DPpb.SIG
 * against the session's CI, DPpb role, same SM-DP+ OID as CERT.DPauth → invalidCertificate
 * (1) / unsupportedCurve (3); 3. smdpSignature2 over smdpSigned2 ‖ euiccSignature1 TLV →
 * invalidSignature (2); 4. transactionId = the session's → invalidTransactionId (5);
 * ccRequiredFlag without hashCc → undefinedError (127).
 * Any AuthenticateServer / PrepareDownload error ends the session. CancelSession with a
 * wrong transactionId (or no authenticated session) answers invalidTransactionId and
 * leaves the session alone; an unknown reason answers undefinedError. */
#include <stdbool.h>
#include <string.h>

#include "crypto/cert_rules.h"
#include "crypto/ct.h"
#include "crypto/ec.h"
#include "ecasd/ecasd.h"
#include "isd-p/isdp.h"
#include "isd-r/isdr_internal.h"

/* AuthenticateErrorCode / DownloadErrorCode / CancelSessionResponse error values */
#define ERR_INVALID_CERTIFICATE     1
#define ERR_INVALID_SIGNATURE       2
#define ERR_UNSUPPORTED_CURVE       3
#define ERR_NO_SESSION_CONTEXT      4
#define ERR_INVALID_OID             5   /* AuthenticateServer */
#define ERR_INVALID_TRANSACTION_ID  5   /* PrepareDownload, CancelSession */
#define ERR_CHALLENGE_MISMATCH      6
#define ERR_CI_PK_UNKNOWN           7
#define ERR_UNDEFINED               127

#define SIG_LEN 64
#define MAX_OTHER_CERTS 4

static const char *const AUTH_ERROR_NAMES[] = {
    [ERR_INVALID_CERTIFICATE] = "invalidCertificate",
    [ERR_INVALID_SIGNATURE] = "invalidSignature",
    [ERR_UNSUPPORTED_CURVE] = "unsupportedCurve",
    [ERR_NO_SESSION_CONTEXT] = "noSessionContext",
    [ERR_INVALID_OID] = "invalidOid",
    [ERR_CHALLENGE_MISMATCH] = "euiccChallengeMismatch",
    [ERR_CI_PK_UNKNOWN] = "ciPKUnknown",
};

static const char *error_name(int code, bool prepare)
{
    if (code == ERR_UNDEFINED)
        return "undefinedError";
    if (prepare && code == ERR_INVALID_TRANSACTION_ID)
        return "invalidTransactionId";
    if (code > 0 && code <= ERR_CI_PK_UNKNOWN)
        return AUTH_ERROR_NAMES[code];
    return "undefinedError";
}

/* End the session after an error or a failure: a load in progress goes with it. */
static void end_session(struct isdr *r)
{
    if (isdp_load_active(r))
        isdp_load_abort(r);
    rsp_session_clear(&r->session);
}

/* `A1 {80 transactionId, 02 code}` inside the response tag; ends the session. */
static int download_error(struct isdr *r, uint32_t tag, const uint8_t *txid,
                          size_t txid_len, int code, struct tlv_writer *resp)
{
    r->outcome = error_name(code, tag == 0xBF21);
    tlv_open(resp, tag);
    tlv_open(resp, 0xA1);
    tlv_put(resp, 0x80, txid, txid_len);
    tlv_put_int(resp, 0x02, code);
    tlv_close(resp);
    tlv_close(resp);
    end_session(r);
    return ISDR_OK;
}

/* Drop what was written since (start, depth) so an error answer can replace it. */
static void rewind_writer(struct tlv_writer *w, size_t start, unsigned depth)
{
    w->len = start;
    w->depth = depth;
}

/* Signature `5F37 40 sig` TLV into out (67 octets). */
static void signature_tlv(const uint8_t sig[SIG_LEN], uint8_t out[3 + SIG_LEN])
{
    out[0] = 0x5F;
    out[1] = 0x37;
    out[2] = SIG_LEN;
    memcpy(out + 3, sig, SIG_LEN);
}

/* Sign w->buf[start..w->len) (a TLV just written) followed by tail[0..tail_len) with the
 * eUICC key of CI index ci; sig receives r||s. 0 or -1 (also when w overflowed). */
static int sign_written(struct isdr *r, const struct tlv_writer *w, size_t start,
                        const uint8_t *tail, size_t tail_len, uint8_t sig[SIG_LEN])
{
    uint8_t buf[512];
    if (w->overflow || w->len < start)
        return -1;
    size_t n = w->len - start;
    if (tail_len == 0)
        return ecasd_sign(r->ecasd, r->session.ci, w->buf + start, n, sig);
    if (n + tail_len > sizeof buf)
        return -1;
    memcpy(buf, w->buf + start, n);
    memcpy(buf + n, tail, tail_len);
    return ecasd_sign(r->ecasd, r->session.ci, buf, n + tail_len, sig);
}

/* ---------------------------------------------------------------- AuthenticateServer */

struct auth_request {
    struct tlv server_signed1, signature, ci_pkid, certificate, ctx_params1;
    struct tlv txid, euicc_challenge, address, server_challenge;
    const uint8_t *others[MAX_OTHER_CERTS];
    size_t other_lens[MAX_OTHER_CERTS];
    size_t n_others;
};

/* Collect the otherCertsInChain (v3 `A1 {30 …}`); false when malformed or too many. */
static bool parse_other_certs(const struct tlv *t, struct auth_request *q)
{
    struct tlv_cursor c;
    struct tlv cert;
    if (!tlv_enter(t, &c))
        return false;
    while (tlv_next(&c, &cert)) {
        if (cert.tag != 0x30 || q->n_others == MAX_OTHER_CERTS)
            return false;
        q->others[q->n_others] = cert.raw;
        q->other_lens[q->n_others++] = cert.raw_len;
    }
    return !c.error;
}

/* Decode the request's structure: false → SW 6A80. */
static bool parse_auth_request(const struct tlv *req, struct auth_request *q)
{
    struct tlv_cursor c, s;
    struct tlv t;
    unsigned n30 = 0;
    memset(q, 0, sizeof *q);
    tlv_cursor_init(&c, req->value, req->len);
    while (tlv_next(&c, &t)) {
        switch (t.tag) {
        case 0x30:
            if (n30 == 0)
                q->server_signed1 = t;
            else if (n30 == 1)
                q->certificate = t;
            else
                return false;
            n30++;
            break;
        case 0x5F37: q->signature = t; break;
        case 0x04: q->ci_pkid = t; break;
        case 0xA0: q->ctx_params1 = t; break;
        case 0xA1:
            if (!parse_other_certs(&t, q))
                return false;
            break;
        default: break;            /* v3 crlList and extensions: ignored */
        }
    }
    if (c.error || n30 != 2 || !q->signature.raw || !q->ci_pkid.raw || !q->ctx_params1.raw)
        return false;
    if (!tlv_enter(&q->server_signed1, &s))
        return false;
    while (tlv_next(&s, &t)) {
        switch (t.tag) {
        case 0x80: q->txid = t; break;
        case 0x81: q->euicc_challenge = t; break;
        case 0x83: q->address = t; break;
        case 0x84: q->server_challenge = t; break;
        default: break;
        }
    }
    return !s.error && q->txid.raw && q->euicc_challenge.raw && q->address.raw &&
           q->server_challenge.raw;
}

/* Checks 1-5 of the header comment; on success the session holds the transaction. */
static int authenticate_checks(struct isdr *r, const struct auth_request *q)
{
    size_t chars;
    struct rsp_session *s = &r->session;

    if (q->txid.len < 1 || q->txid.len > RSP_TRANSACTION_ID_MAX ||
        q->server_challenge.len != RSP_CHALLENGE_LEN || q->address.len > RSP_ADDRESS_MAX ||
        !isdr_utf8_valid(q->address.value, q->address.len, &chars))
        return ERR_UNDEFINED;

    int ci = ecasd_ci_find(r->ecasd, q->ci_pkid.value, q->ci_pkid.len);
    if (ci < 0 || !ecasd_ci_can_sign(r->ecasd, (size_t)ci))
        return ERR_CI_PK_UNKNOWN;

    EVP_PKEY *dpauth = NULL;
    uint8_t oid[SMDP_OID_MAX];
    size_t oid_len = 0;
    enum cert_check cc = cert_check_smdp(q->certificate.raw, q->certificate.raw_len,
                                         OID_RSP_ROLE_DP_AUTH,
                                         ecasd_ci_cert(r->ecasd, (size_t)ci), q->others,
                                         q->other_lens, q->n_others, &dpauth, oid, &oid_len);
    switch (cc) {
    case CERT_OK: break;
    case CERT_UNSUPPORTED_CURVE: return ERR_UNSUPPORTED_CURVE;
    case CERT_INVALID_OID: return ERR_INVALID_OID;
    default: return ERR_INVALID_CERTIFICATE;   /* CERT_INVALID, CERT_CI_UNKNOWN */
    }
    if (oid_len == 0 || oid_len > RSP_SMDP_OID_MAX) {   /* no SM-DP+ OID to sign later */
        EVP_PKEY_free(dpauth);
        return ERR_INVALID_CERTIFICATE;
    }
    bool sig_ok = ecdsa_verify_raw(dpauth, q->server_signed1.raw, q->server_signed1.raw_len,
                                   q->signature.value, q->signature.len);
    EVP_PKEY_free(dpauth);
    if (!sig_ok)
        return ERR_INVALID_SIGNATURE;

    if (s->state != RSP_CHALLENGED || !s->has_challenge)
        return ERR_NO_SESSION_CONTEXT;
    if (q->euicc_challenge.len != RSP_CHALLENGE_LEN ||
        !ct_memeq(q->euicc_challenge.value, s->euicc_challenge, RSP_CHALLENGE_LEN))
        return ERR_CHALLENGE_MISMATCH;

    memcpy(s->transaction_id, q->txid.value, q->txid.len);
    s->transaction_id_len = q->txid.len;
    s->ci = (size_t)ci;
    memcpy(s->smdp_oid, oid, oid_len);
    s->smdp_oid_len = oid_len;
    memcpy(s->server_address, q->address.value, q->address.len);
    s->server_address[q->address.len] = '\0';
    return 0;
}

int es10b_authenticate_server(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct auth_request q;
    struct rsp_session *s = &r->session;
    uint8_t sig[SIG_LEN];
    size_t cert_len, eum_len;

    if (!parse_auth_request(req, &q)) {
        end_session(r);
        return ISDR_EMALFORMED;
    }
    size_t txid_len = q.txid.len > RSP_TRANSACTION_ID_MAX ? RSP_TRANSACTION_ID_MAX
                                                           : q.txid.len;
    int code = authenticate_checks(r, &q);
    if (code != 0)
        return download_error(r, 0xBF38, q.txid.value, txid_len, code, resp);

    const uint8_t *cert = ecasd_cert_euicc(r->ecasd, s->ci, &cert_len);
    const uint8_t *eum = ecasd_cert_eum(r->ecasd, s->ci, &eum_len);
    if (!cert || !eum)
        return download_error(r, 0xBF38, q.txid.value, txid_len, ERR_UNDEFINED, resp);

    size_t start = resp->len;
    unsigned depth = resp->depth;
    tlv_open(resp, 0xBF38);
    tlv_open(resp, 0xA0);
    size_t signed_at = resp->len;
    tlv_open(resp, 0x30);                                  /* euiccSigned1 */
    tlv_put(resp, 0x80, s->transaction_id, s->transaction_id_len);
    tlv_put(resp, 0x83, q.address.value, q.address.len);
    tlv_put(resp, 0x84, q.server_challenge.value, q.server_challenge.len);
    if (euicc_info2_write(r, resp) != 0) {
        rewind_writer(resp, start, depth);
        return download_error(r, 0xBF38, q.txid.value, txid_len, ERR_UNDEFINED, resp);
    }
    tlv_put_raw(resp, q.ctx_params1.raw, q.ctx_params1.raw_len);
    tlv_close(resp);
    if (sign_written(r, resp, signed_at, NULL, 0, sig) != 0) {
        if (resp->overflow) {
            end_session(r);
            return ISDR_EFAIL;
        }
        rewind_writer(resp, start, depth);
        return download_error(r, 0xBF38, q.txid.value, txid_len, ERR_UNDEFINED, resp);
    }
    tlv_put(resp, 0x5F37, sig, SIG_LEN);
    tlv_put_raw(resp, cert, cert_len);
    tlv_put_raw(resp, eum, eum_len);
    tlv_close(resp);
    tlv_close(resp);
    if (!tlv_writer_ok(resp)) {
        end_session(r);
        return ISDR_EFAIL;
    }
    memcpy(s->euicc_signature1, sig, SIG_LEN);
    s->state = RSP_AUTHENTICATED;
    return ISDR_OK;
}

/* ------------------------------------------------------------------ PrepareDownload */

struct prepare_request {
    struct tlv smdp_signed2, signature, hash_cc, certificate;
    struct tlv txid, cc_required, otpk;
};

static bool parse_prepare_request(const struct tlv *req, struct prepare_request *q)
{
    struct tlv_cursor c, s;
    struct tlv t;
    unsigned n30 = 0;
    memset(q, 0, sizeof *q);
    tlv_cursor_init(&c, req->value, req->len);
    while (tlv_next(&c, &t)) {
        switch (t.tag) {
        case 0x30:
            if (n30 == 0)
                q->smdp_signed2 = t;
            else if (n30 == 1)
                q->certificate = t;
            else
                return false;
            n30++;
            break;
        case 0x5F37: q->signature = t; break;
        case 0x04: q->hash_cc = t; break;
        default: break;
        }
    }
    if (c.error || n30 != 2 || !q->signature.raw)
        return false;
    if (q->hash_cc.raw && q->hash_cc.len != 32)
        return false;
    if (!tlv_enter(&q->smdp_signed2, &s))
        return false;
    while (tlv_next(&s, &t)) {
        switch (t.tag) {
        case 0x80: q->txid = t; break;
        case 0x01: q->cc_required = t; break;
        case 0x5F49: q->otpk = t; break;
        default: break;           /* v3 rpmPending and extensions */
        }
    }
    return !s.error && q->txid.raw && q->cc_required.raw && q->cc_required.len == 1;
}

/* Checks of the header comment; on success *dppb receives PK.DPpb (caller owns). */
static int prepare_checks(struct isdr *r, const struct prepare_request *q, EVP_PKEY **dppb)
{
    struct rsp_session *s = &r->session;
    uint8_t oid[SMDP_OID_MAX];
    size_t oid_len = 0;
    uint8_t input[2048];

    *dppb = NULL;
    if (s->state != RSP_AUTHENTICATED)
        return ERR_NO_SESSION_CONTEXT;
    enum cert_check cc = cert_check_smdp(q->certificate.raw, q->certificate.raw_len,
                                         OID_RSP_ROLE_DP_PB, ecasd_ci_cert(r->ecasd, s->ci),
                                         NULL, NULL, 0, dppb, oid, &oid_len);
    if (cc == CERT_UNSUPPORTED_CURVE)
        return ERR_UNSUPPORTED_CURVE;
    if (cc != CERT_OK)
        return ERR_INVALID_CERTIFICATE;
    if (oid_len != s->smdp_oid_len || memcmp(oid, s->smdp_oid, oid_len) != 0)
        return ERR_INVALID_CERTIFICATE;

    size_t n = q->smdp_signed2.raw_len;
    if (q->signature.len != SIG_LEN || n + 3 + SIG_LEN > sizeof input)
        return ERR_INVALID_SIGNATURE;
    memcpy(input, q->smdp_signed2.raw, n);
    signature_tlv(s->euicc_signature1, input + n);
    if (!ecdsa_verify_raw(*dppb, input, n + 3 + SIG_LEN, q->signature.value,
                          q->signature.len))
        return ERR_INVALID_SIGNATURE;

    if (q->txid.len != s->transaction_id_len ||
        memcmp(q->txid.value, s->transaction_id, s->transaction_id_len) != 0)
        return ERR_INVALID_TRANSACTION_ID;
    if (q->cc_required.value[0] != 0 && !q->hash_cc.raw)
        return ERR_UNDEFINED;
    return 0;
}

/* Reuse the held one-time key when the SM-DP+ names it, else make a new one. 0 or -1. */
static int one_time_key(struct isdr *r, const struct prepare_request *q)
{
    if (r->ot_sk && q->otpk.raw && q->otpk.len == sizeof r->ot_pk &&
        ct_memeq(q->otpk.value, r->ot_pk, sizeof r->ot_pk))
        return 0;
    EVP_PKEY *k = ec_keygen(ecasd_curve(r->ecasd, r->session.ci), r->rng);
    if (!k)
        return -1;
    uint8_t pk[65];
    if (ec_public_point(k, pk) != 0) {
        EVP_PKEY_free(k);
        return -1;
    }
    EVP_PKEY_free(r->ot_sk);
    r->ot_sk = k;
    memcpy(r->ot_pk, pk, sizeof pk);
    return 0;
}

int es10b_prepare_download(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct prepare_request q;
    struct rsp_session *s = &r->session;
    EVP_PKEY *dppb = NULL;
    uint8_t sig[SIG_LEN], tail[3 + SIG_LEN];

    if (!parse_prepare_request(req, &q)) {
        end_session(r);
        return ISDR_EMALFORMED;
    }
    const uint8_t *txid = q.txid.value;
    size_t txid_len = q.txid.len > RSP_TRANSACTION_ID_MAX ? RSP_TRANSACTION_ID_MAX
                                                           : q.txid.len;
    int code = prepare_checks(r, &q, &dppb);
    if (code == 0 && one_time_key(r, &q) != 0)
        code = ERR_UNDEFINED;
    if (code != 0) {
        EVP_PKEY_free(dppb);
        return download_error(r, 0xBF21, txid, txid_len, code, resp);
    }

    size_t start = resp->len;
    unsigned depth = resp->depth;
    tlv_open(resp, 0xBF21);
    tlv_open(resp, 0xA0);
    size_t signed_at = resp->len;
    tlv_open(resp, 0x30);                                  /* euiccSigned2 */
    tlv_put(resp, 0x80, s->transaction_id, s->transaction_id_len);
    tlv_put(resp, 0x5F49, r->ot_pk, sizeof r->ot_pk);
    if (q.hash_cc.raw)
        tlv_put(resp, 0x04, q.hash_cc.value, q.hash_cc.len);
    tlv_close(resp);
    signature_tlv(q.signature.value, tail);   /* smdpSignature2 is 64 octets: verified */
    if (sign_written(r, resp, signed_at, tail, sizeof tail, sig) != 0) {
        EVP_PKEY_free(dppb);
        if (resp->overflow) {
            end_session(r);
            return ISDR_EFAIL;
        }
        rewind_writer(resp, start, depth);
        return download_error(r, 0xBF21, txid, txid_len, ERR_UNDEFINED, resp);
    }
    tlv_put(resp, 0x5F37, sig, SIG_LEN);
    tlv_close(resp);
    tlv_close(resp);
    if (!tlv_writer_ok(resp)) {
        EVP_PKEY_free(dppb);
        end_session(r);
        return ISDR_EFAIL;
    }
    EVP_PKEY_free(s->dppb_key);
    s->dppb_key = dppb;
    memcpy(s->smdp_signature2, q.signature.value, SIG_LEN);
    s->cc_required = q.cc_required.value[0] != 0;
    s->state = RSP_PREPARED;
    return ISDR_OK;
}

/* -------------------------------------------------------------------- CancelSession */

/* CancelSessionReason values of v2.5 */
static bool reason_known(int64_t v)
{
    return (v >= 0 && v <= 5) || v == 127;
}

static int cancel_error(struct isdr *r, int code, struct tlv_writer *resp)
{
    r->outcome = code == ERR_INVALID_TRANSACTION_ID ? "invalidTransactionId"
                                                    : "undefinedError";
    tlv_open(resp, 0xBF41);
    tlv_put_int(resp, 0x81, code);
    tlv_close(resp);
    return ISDR_OK;
}

int es10b_cancel_session(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct rsp_session *s = &r->session;
    struct tlv txid, reason;
    int64_t why;
    uint8_t sig[SIG_LEN];

    if (!tlv_find(req->value, req->len, 0x80, &txid) ||
        !tlv_find(req->value, req->len, 0x81, &reason) ||
        !tlv_get_int(reason.value, reason.len, &why))
        return ISDR_EMALFORMED;
    if (s->state < RSP_AUTHENTICATED || txid.len != s->transaction_id_len ||
        memcmp(txid.value, s->transaction_id, txid.len) != 0)
        return cancel_error(r, ERR_INVALID_TRANSACTION_ID, resp);
    if (!reason_known(why))
        return cancel_error(r, ERR_UNDEFINED, resp);

    size_t start = resp->len;
    unsigned depth = resp->depth;
    tlv_open(resp, 0xBF41);
    tlv_open(resp, 0xA0);
    size_t signed_at = resp->len;
    tlv_open(resp, 0x30);                                  /* euiccCancelSessionSigned */
    tlv_put(resp, 0x80, s->transaction_id, s->transaction_id_len);
    tlv_put(resp, 0x81, s->smdp_oid, s->smdp_oid_len);
    tlv_put_int(resp, 0x82, why);
    tlv_close(resp);
    int rc = sign_written(r, resp, signed_at, NULL, 0, sig);
    if (rc != 0) {
        if (resp->overflow)
            return ISDR_EFAIL;
        rewind_writer(resp, start, depth);
        return cancel_error(r, ERR_UNDEFINED, resp);
    }
    tlv_put(resp, 0x5F37, sig, SIG_LEN);
    tlv_close(resp);
    tlv_close(resp);
    if (!tlv_writer_ok(resp))
        return ISDR_EFAIL;
    end_session(r);
    r->outcome = "ok";
    return ISDR_OK;
}
