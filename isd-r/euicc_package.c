/* isd-r/euicc_package.c — SGP.32 ES10b.LoadEuiccPackage (§5.9.1): an eUICC Package
 * (EuiccPackageRequest BF51) signed by an associated eIM, its PSMOs / eCOs, and the
 * signed EuiccPackageResult kept until NotificationSent.
 *
 * Order of checks (each refusal changes nothing):
 *   1. the request decodes to BF51 {30 euiccPackageSigned, 5F37 eimSignature} with an
 *      eimId (else SW 6A80: nothing to address an answer to);
 *   2. the eimId names an associated eIM (else EuiccPackageErrorUnsigned A2
 *      {80 eimId, 82 eimTransactionId?, 8F undefinedError});
 *   3. eimSignature (64-octet r||s, ECDSA-SHA256) verifies over the euiccPackageSigned
 *      TLV as received || 84 associationToken (the eIM's key; a certificate must be
 *      signed by a trusted CI) — else A2 {80, 82?, 84 associationToken, 8F undefinedError}
 *      (the token lets the eIM see a token mismatch);
 *   4. the signed content decodes (eidValue, counterValue, package) — else A2 as in 3;
 *   5. eidValue = this EID, else EuiccPackageErrorSigned (A1) invalidEid 3;
 *   6. counterValue is a non-negative INTEGER of at most 64 bits (else A1
 *      counterValueOutOfRange 6) above the stored one (else A1 replayError 4);
 *   7. there is room for its result: EPR_MAX results not yet acknowledged by
 *      NotificationSent → A1 undefinedError 127 (the counter is not used).
 * Then the new counter is committed in its own transaction BEFORE anything runs: a power
 * loss afterwards can lose the package, never run it twice. The PSMOs / eCOs then run in
 * order inside ONE transaction together with the seqNumber (notification_alloc_seq: the
 * notifications' sequence space) and the stored result: all or nothing.
 *
 * Decisions:
 * - Processing stops at the first PSMO/eCO whose result is an error (lastEimDeleted is a
 *   success); the result list holds the results up to and including it. A PSMO/eCO that
 *   does not decode ends the list with processingTerminated unknownOrDamagedCommand (02).
 * - A store failure while executing aborts every effect; a result with the single entry
 *   processingTerminated undefinedError is then stored and answered (the counter is used).
 * - euiccSignEPR / euiccSignEPE cover DER(data) || 84 associationToken (v1.1+; v1.0's
 *   "|| eimSignature" is not produced: onomondo-eim verifies the token form). The key is
 *   the eUICC key of the eIM's euiccCiPKId when it names a CI the card can sign for,
 *   else the first such CI.
 * - enable with rollbackFlag records the rollback point (profile_rollback.h, persisted in
 *   the package's transaction; ES10b.ProfileRollback uses it); rollbackNotAvailable is never
 *   answered.
 * - listProfileInfo without a tagList uses the SGP.32 default list
 *   5A 4F 9F70 91 92 95 9F7B 9F26 9F67 (fields the card does not hold are left out).
 * - setFallbackAttribute: iccidOrAidNotFound (unknown ICCID); fallbackNotAllowed when
 *   the profile's metadata says fallbackAllowed FALSE (absent = allowed: the Profile
 *   Owner did not forbid it); fallbackProfileEnabled when ANOTHER profile carries the
 *   attribute and is enabled (the attribute would move away from the profile in use);
 *   otherwise the attribute moves to this profile (at most one Fallback Profile; the
 *   previous one loses it) — setting it again on the same profile is ok. The profile
 *   may be enabled itself (ExecuteFallbackMechanism then answers
 *   profileNotInDisabledState).
 * - unsetFallbackAttribute: noFallbackAttribute when no profile carries it,
 *   fallbackProfileEnabled when the Fallback Profile is enabled, commandError when the
 *   PSMO is not the empty SEQUENCE; ok clears it. Both end a running fallback's
 *   bookkeeping (card-private PROFILE_IOT_* bits).
 * - delete: returnFallbackProfile (21) for the Fallback Profile and for the profile a
 *   running fallback would return to (ES10b.ReturnFromFallback needs both); the eIM
 *   unsets the attribute first. A successful enable / disable PSMO ends a running
 *   fallback (the eIM has taken over: ReturnFromFallback then answers
 *   fallbackNotAvailable).
 * - ecallActive (EuiccPackageErrorSigned 104): a psmoList package while the Emergency
 *   Profile is enabled is refused before its counter is used (checked after the
 *   replay check); eCO packages change no profile state and still run.
 * - addEim: associationToken absent or -1 → a new token from the card; any other value
 *   → invalidAssociationToken. A certificate as eimPublicKeyData must be signed by a CI
 *   the card trusts, and euiccCiPKId must name one (else ciPKUnknown). counterValue
 *   absent = 0.
 * - updateEim keeps the association token; a counterValue below the stored one is
 *   counterValueOutOfRange (the replay counter never goes back).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "card/card.h"
#include "card/store.h"
#include "card/uicc.h"
#include "crypto/ec.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"
#include "isd-r/eim_config.h"
#include "isd-r/profile_rollback.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"

/* EuiccPackageErrorCode */
#define EPE_INVALID_EID        3
#define EPE_REPLAY             4
#define EPE_COUNTER_RANGE      6
#define EPE_ECALL_ACTIVE       104
#define EPE_UNDEFINED          127
/* EuiccPackageUnsignedErrorCode */
#define EPU_UNDEFINED          127
/* processingTerminated */
#define PT_SIZE_OVERFLOW       1
#define PT_UNKNOWN_COMMAND     2
#define PT_UNDEFINED           127
/* common result codes */
#define R_OK                   0
#define R_NOT_FOUND            1
#define R_INSUFFICIENT_MEMORY  1
#define R_ALREADY_EXISTS       2
#define R_LAST_EIM_DELETED     2
#define R_CIPK_UNKNOWN         3
#define R_INVALID_TOKEN        5
#define R_COUNTER_RANGE        6
#define R_COMMAND_ERROR        7
#define R_FALLBACK_NOT_ALLOWED 2
#define R_NO_FALLBACK_ATTRIBUTE 2
#define R_FALLBACK_ENABLED     3
#define R_RETURN_FALLBACK      21
#define R_UNDEFINED            127

#define RESULTS_MAX  (EPR_RECORD_MAX - 512u)   /* room for the signed wrapper */
#define TX_ID_MAX    16u

/* The decoded request. */
struct package {
    const uint8_t *eim_id;
    size_t eim_id_len;
    const struct tlv *signed_tlv;  /* euiccPackageSigned as received */
    const uint8_t *sig;
    size_t sig_len;
    bool has_tx;
    const uint8_t *tx;
    size_t tx_len;
    bool has_eid;
    uint8_t eid[16];
    bool has_counter;
    struct tlv counter;            /* counterValue TLV as received */
    struct tlv list;               /* A0 psmoList / A1 ecoList */
};

/* What the execution did. */
struct run {
    struct eim_config *eim;        /* the sender (its token signs the result) */
    bool state_changed;            /* profile state changed: reload the UICC */
    bool failed;                   /* a store failure: abort every effect */
};

static int unsigned_error(struct isdr *r, const struct package *pk, bool with_token,
                          int64_t token, struct tlv_writer *resp)
{
    r->outcome = "euiccPackageErrorUnsigned";
    tlv_open(resp, 0xBF51);
    tlv_open(resp, 0xA2);
    tlv_put(resp, 0x80, pk->eim_id, pk->eim_id_len);
    if (pk->has_tx)
        tlv_put(resp, 0x82, pk->tx, pk->tx_len);
    if (with_token)
        tlv_put_int(resp, 0x84, token);
    tlv_put_int(resp, 0x8F, EPU_UNDEFINED);
    tlv_close(resp);
    tlv_close(resp);
    return ISDR_OK;
}

/* CI index whose eUICC key signs for this eIM. */
static size_t signing_ci(const struct isdr *r, const struct eim_config *c)
{
    if (c->has_ci_pkid) {
        int i = ecasd_ci_find(r->ecasd, c->ci_pkid, sizeof c->ci_pkid);
        if (i >= 0 && ecasd_ci_can_sign(r->ecasd, (size_t)i))
            return (size_t)i;
    }
    size_t n = ecasd_ci_count(r->ecasd);
    for (size_t i = 0; i < n; i++)
        if (ecasd_ci_can_sign(r->ecasd, i))
            return i;
    return 0;
}

/* Sign data[0..len) || 84 token into sig. 0 or -1. */
static int sign_with_token(const struct isdr *r, const struct eim_config *c,
                           const uint8_t *data, size_t len, uint8_t sig[64])
{
    size_t mlen;
    uint8_t *msg = tlv_dup_with_int(data, len, 0x84,
                                    c->has_token ? c->association_token : 0, &mlen);
    if (!msg)
        return -1;
    int rc = ecasd_sign(r->ecasd, signing_ci(r, c), msg, mlen, sig);
    free(msg);
    return rc;
}

/* EuiccPackageErrorSigned: BF51 { A1 { 30 {80 eimId, 81 counterValue, 82 txId?,
 * 02 code}, 5F37 euiccSignEPE } }. */
static int signed_error(struct isdr *r, const struct package *pk, const struct eim_config *c,
                        int code, const char *name, struct tlv_writer *resp)
{
    uint8_t data[512];
    uint8_t sig[64];
    struct tlv_writer w;
    tlv_writer_init(&w, data, sizeof data);
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, pk->eim_id, pk->eim_id_len);
    tlv_put(&w, 0x81, pk->counter.value, pk->counter.len);
    if (pk->has_tx)
        tlv_put(&w, 0x82, pk->tx, pk->tx_len);
    tlv_put_int(&w, 0x02, code);
    tlv_close(&w);
    if (!tlv_writer_ok(&w) || sign_with_token(r, c, data, w.len, sig) != 0)
        return ISDR_EFAIL;
    r->outcome = name;
    tlv_open(resp, 0xBF51);
    tlv_open(resp, 0xA1);
    tlv_put_raw(resp, data, w.len);
    tlv_put(resp, 0x5F37, sig, sizeof sig);
    tlv_close(resp);
    tlv_close(resp);
    return ISDR_OK;
}

/* Step 1: BF51 {30 {80 eimId, ...}, 5F37 sig}. false: not even an eimId. */
static bool decode_outer(const struct tlv *req, struct tlv *sgn, struct package *pk)
{
    struct tlv_cursor c;
    struct tlv sig, extra, id;
    memset(pk, 0, sizeof *pk);
    tlv_cursor_init(&c, req->value, req->len);
    if (!tlv_next(&c, sgn) || sgn->tag != 0x30 || !sgn->constructed ||
        !tlv_next(&c, &sig) || sig.tag != 0x5F37 || sig.constructed ||
        tlv_next(&c, &extra) || c.error)
        return false;
    if (!tlv_parse(sgn->value, sgn->len, &id) || id.tag != 0x80 || id.constructed ||
        id.len < 1 || id.len > EIM_ID_MAX)
        return false;
    pk->eim_id = id.value;
    pk->eim_id_len = id.len;
    pk->signed_tlv = sgn;
    pk->sig = sig.value;
    pk->sig_len = sig.len;
    /* the optional eimTransactionId, for correlation even in unsigned errors */
    struct tlv tx;
    if (tlv_find(sgn->value, sgn->len, 0x82, &tx) && !tx.constructed && tx.len >= 1 &&
        tx.len <= TX_ID_MAX) {
        pk->has_tx = true;
        pk->tx = tx.value;
        pk->tx_len = tx.len;
    }
    return true;
}

/* Step 4: the signed content in ASN.1 order: 80, 5A, 81, 82?, A0|A1, nothing else. */
static bool decode_signed(struct package *pk)
{
    struct tlv_cursor c;
    struct tlv t;
    int stage = 0;     /* 0: eimId seen, 1: eid, 2: counter, 3: txId, 4: package */
    tlv_cursor_init(&c, pk->signed_tlv->value, pk->signed_tlv->len);
    if (!tlv_next(&c, &t))    /* eimId, checked by decode_outer */
        return false;
    while (tlv_next(&c, &t)) {
        if (stage == 0 && t.tag == 0x5A && !t.constructed && t.len == 16) {
            memcpy(pk->eid, t.value, 16);
            pk->has_eid = true;
            stage = 1;
        } else if (stage == 1 && t.tag == 0x81 && !t.constructed && t.len >= 1) {
            pk->counter = t;
            pk->has_counter = true;
            stage = 2;
        } else if (stage == 2 && t.tag == 0x82 && !t.constructed && pk->has_tx) {
            stage = 3;
        } else if ((stage == 2 || stage == 3) && (t.tag == 0xA0 || t.tag == 0xA1) &&
                   t.constructed) {
            pk->list = t;
            stage = 4;
        } else {
            return false;
        }
    }
    return !c.error && stage == 4;
}

/* A certificate as eimPublicKeyData must be signed by a CI the card trusts. */
static bool key_trusted(const struct isdr *r, const struct eim_config *c)
{
    if (c->key_kind == EIM_KEY_PUBLIC_KEY)
        return true;
    X509 *x = x509_from_der(c->key, c->key_len);
    bool ok = false;
    for (size_t i = 0; x && !ok && i < ecasd_ci_count(r->ecasd); i++)
        ok = x509_signed_by(x, ecasd_ci_cert(r->ecasd, i));
    X509_free(x);
    return ok;
}

static bool verify_signature(const struct isdr *r, const struct package *pk,
                             const struct eim_config *c)
{
    if (pk->sig_len != 64 || !key_trusted(r, c))
        return false;
    EVP_PKEY *k = eim_public_key(c);
    size_t mlen = 0;
    uint8_t *msg = k ? tlv_dup_with_int(pk->signed_tlv->raw, pk->signed_tlv->raw_len, 0x84,
                                        c->has_token ? c->association_token : 0, &mlen)
                     : NULL;
    bool ok = msg && ecdsa_verify_raw(k, msg, mlen, pk->sig, pk->sig_len);
    free(msg);
    EVP_PKEY_free(k);
    return ok;
}

/* ---- PSMOs ---- */

/* The only content of t is 5A iccid (and, when flag_ok, an optional 05 NULL). */
static bool parse_iccid_seq(const struct tlv *t, bool flag_ok, uint8_t iccid[10])
{
    struct tlv_cursor c;
    struct tlv f;
    bool has_iccid = false, has_flag = false;
    if (!tlv_enter(t, &c))
        return false;
    while (tlv_next(&c, &f)) {
        if (!has_iccid && !has_flag && f.tag == 0x5A && !f.constructed &&
            f.len == PROFILE_ICCID_LEN) {
            memcpy(iccid, f.value, PROFILE_ICCID_LEN);
            has_iccid = true;
        } else if (flag_ok && has_iccid && !has_flag && f.tag == 0x05 && !f.constructed &&
                   f.len == 0) {
            has_flag = true;
        } else {
            return false;
        }
    }
    return !c.error && has_iccid;
}

static bool has_rollback_flag(const struct tlv *t)
{
    struct tlv f;
    return tlv_find(t->value, t->len, 0x05, &f);
}

static void put_code(struct tlv_writer *w, uint32_t tag, int code)
{
    tlv_put_int(w, tag, code);
}

/* The delete rule of the fallback mechanism: the Fallback Profile, and the profile a
 * running fallback returns to, are not deleted. R_OK (may go on), R_RETURN_FALLBACK,
 * or -1. */
static int fallback_delete_rule(struct isdr *r, const uint8_t iccid[PROFILE_ICCID_LEN])
{
    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return -1;
    int rc = profile_find_iccid(r->store, iccid, p);
    int result = rc == STORE_ENOTFOUND ? R_OK : rc != STORE_OK ? -1
               : p->fallback_attribute || (p->iot & PROFILE_IOT_RETURN_FALLBACK)
               ? R_RETURN_FALLBACK : R_OK;
    free(p);
    return result;
}

/* enable A3 → 83, disable A4 → 84, delete A5 → 85. Returns the result code or -1. */
static int psmo_state(struct isdr *r, const struct tlv *t, struct run *run,
                      struct tlv_writer *w)
{
    uint8_t iccid[PROFILE_ICCID_LEN];
    enum isdr_state_op op = t->tag == 0xA3 ? ISDR_STATE_ENABLE
                          : t->tag == 0xA4 ? ISDR_STATE_DISABLE : ISDR_STATE_DELETE;
    if (!parse_iccid_seq(t, t->tag == 0xA3, iccid))
        return -2;
    struct profile_record *prev = NULL;
    bool had_previous = false;
    if (op == ISDR_STATE_ENABLE && has_rollback_flag(t)) {
        /* the rollback point: the profile enabled before this PSMO */
        prev = malloc(sizeof *prev);
        if (!prev)
            return -1;
        int q = profile_find_enabled(r->store, 0, prev);
        had_previous = q == STORE_OK;
        if (q != STORE_OK && q != STORE_ENOTFOUND) {
            free(prev);
            return -1;
        }
    }
    int result = op == ISDR_STATE_DELETE ? fallback_delete_rule(r, iccid) : R_OK;
    if (result == R_OK)
        result = isdr_state_change_in_tx(r, op, iccid);
    /* an eIM-driven enable / disable ends a fallback (and its way back) */
    if (result == R_OK && op != ISDR_STATE_DELETE &&
        profile_clear_iot(r->store, PROFILE_IOT_EPISODE) != STORE_OK)
        result = -1;
    if (result == R_OK && prev) {
        struct rollback_point rp = { .had_previous = had_previous };
        if (had_previous)
            memcpy(rp.previous_iccid, prev->iccid, PROFILE_ICCID_LEN);
        memcpy(rp.enabled_iccid, iccid, PROFILE_ICCID_LEN);
        if (rollback_point_set(r->store, &rp) != STORE_OK)
            result = -1;
    }
    free(prev);
    if (result < 0)
        return -1;
    if (result == R_OK)
        run->state_changed = true;
    put_code(w, 0x80u | (t->tag & 0x1Fu), result);
    return result;
}

/* listProfileInfo: ES10c.GetProfilesInfo on the request, with the SGP.32 default tag
 * list when it has none. Its answer BF2D is the result. */
static int psmo_list_profile_info(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    static const uint8_t default_tags[] = { 0x5A, 0x4F, 0x9F, 0x70, 0x91, 0x92, 0x95,
                                            0x9F, 0x7B, 0x9F, 0x26, 0x9F, 0x67 };
    struct tlv tl, req;
    if (!tlv_well_formed(t->value, t->len, 4))
        return -2;
    uint8_t *buf = malloc(t->raw_len + sizeof default_tags + 8);
    if (!buf)
        return -1;
    struct tlv_writer rw;
    tlv_writer_init(&rw, buf, t->raw_len + sizeof default_tags + 8);
    tlv_open(&rw, 0xBF2D);
    tlv_put_raw(&rw, t->value, t->len);
    if (!tlv_find(t->value, t->len, 0x5C, &tl))
        tlv_put(&rw, 0x5C, default_tags, sizeof default_tags);
    tlv_close(&rw);
    int rc = -1;
    if (tlv_writer_ok(&rw) && tlv_parse(buf, rw.len, &req)) {
        size_t at = w->len;
        rc = es10c_get_profiles_info(r, &req, w) == ISDR_OK ? 0 : -1;
        /* an error answer BF2D {81 code} stops the package like any error result */
        struct tlv ans, alt;
        if (rc == 0 && tlv_parse(w->buf + at, w->len - at, &ans) &&
            tlv_parse(ans.value, ans.len, &alt) && alt.tag == 0x81)
            rc = 1;
    }
    free(buf);
    return rc;
}

static int psmo_get_rat(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    if (t->len != 0)
        return -2;
    uint8_t *rat = malloc(ISDR_RAT_MAX);
    size_t len = 0;
    if (!rat)
        return -1;
    int rc = store_get(r->store, SID_ISDR_RAT, rat, ISDR_RAT_MAX, &len);
    if (rc == STORE_ENOTFOUND) {
        len = 0;
        rc = STORE_OK;
    }
    if (rc == STORE_OK)
        tlv_put(w, 0xA6, rat, len);
    free(rat);
    return rc == STORE_OK ? 0 : -1;
}

/* configureImmediateEnable A7 {80 NULL?, 81 OID?, 82 UTF8String?} → 87 (the check and
 * the store are those of ES10b.ConfigureImmediateProfileEnabling). */
static int psmo_configure_immediate_enable(struct isdr *r, const struct tlv *t,
                                           struct tlv_writer *w)
{
    int rc = isdr_immediate_enable_save(r, t->value, t->len);
    if (rc == ISDR_EFAIL)
        return -1;
    int result = rc == ISDR_OK ? R_OK : R_COMMAND_ERROR;
    put_code(w, 0x87, result);
    return result;
}

/* Give p the fallbackAttribute (or take it away) and forget any running fallback's
 * bookkeeping: R_OK or -1. */
static int put_fallback_attribute(struct isdr *r, struct profile_record *p, bool on)
{
    p->fallback_attribute = on;
    if (profile_save(r->store, p) != STORE_OK ||
        profile_clear_iot(r->store, PROFILE_IOT_FALLBACK_ACTIVE |
                                    PROFILE_IOT_RETURN_FALLBACK) != STORE_OK)
        return -1;
    return R_OK;
}

/* setFallbackAttribute inside the open transaction: fb and p are work records. */
static int set_fallback(struct isdr *r, const uint8_t iccid[PROFILE_ICCID_LEN],
                        struct profile_record *fb, struct profile_record *p)
{
    int rc = profile_find_iccid(r->store, iccid, p);
    if (rc == STORE_ENOTFOUND)
        return R_NOT_FOUND;
    if (rc != STORE_OK)
        return -1;
    if ((p->present & PROFILE_HAS_FB_ALLOWED) && !p->fallback_allowed)
        return R_FALLBACK_NOT_ALLOWED;
    if (p->fallback_attribute)
        return R_OK;                        /* already the Fallback Profile */
    rc = profile_find_iot(r->store, PROFILE_ROLE_FALLBACK, fb);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND)
        return -1;
    if (rc == STORE_OK && fb->state == PROFILE_ENABLED)
        return R_FALLBACK_ENABLED;
    if (rc == STORE_OK) {                   /* the attribute moves: at most one carries it */
        fb->fallback_attribute = false;
        if (profile_save(r->store, fb) != STORE_OK)
            return -1;
    }
    return put_fallback_attribute(r, p, true);
}

/* unsetFallbackAttribute inside the open transaction. */
static int unset_fallback(struct isdr *r, struct profile_record *fb)
{
    int rc = profile_find_iot(r->store, PROFILE_ROLE_FALLBACK, fb);
    if (rc == STORE_ENOTFOUND)
        return R_NO_FALLBACK_ATTRIBUTE;
    if (rc != STORE_OK)
        return -1;
    if (fb->state == PROFILE_ENABLED)
        return R_FALLBACK_ENABLED;
    return put_fallback_attribute(r, fb, false);
}

/* setFallbackAttribute A8 {5A iccid} → 8D, unsetFallbackAttribute A9 {} → 8E (see the
 * decisions). */
static int psmo_fallback(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    uint8_t iccid[PROFILE_ICCID_LEN];
    if (t->tag == 0xA8 && !parse_iccid_seq(t, false, iccid))
        return -2;
    struct profile_record *p = malloc(2 * sizeof *p);
    if (!p)
        return -1;
    int result;
    if (t->tag == 0xA8)
        result = set_fallback(r, iccid, p, p + 1);
    else
        result = t->len != 0 ? R_COMMAND_ERROR : unset_fallback(r, p);
    free(p);
    if (result < 0)
        return -1;
    put_code(w, t->tag == 0xA8 ? 0x8D : 0x8E, result);
    return result;
}

/* setDefaultDpAddress BF65 {80 address} → BF65 {80 result}. */
static int psmo_set_default_dp(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    struct tlv a;
    size_t chars;
    if (!tlv_parse(t->value, t->len, &a) || a.raw_len != t->len || a.tag != 0x80 ||
        a.constructed || !isdr_utf8_valid(a.value, a.len, &chars))
        return -2;
    int result = R_OK;
    if (a.len > ISDR_ADDRESS_MAX) {
        result = R_UNDEFINED;
    } else {
        int rc = a.len == 0 ? store_delete(r->store, SID_ISDR_DEFAULT_DP)
                            : store_put(r->store, SID_ISDR_DEFAULT_DP, a.value, a.len);
        if (rc != STORE_OK)
            return -1;
    }
    tlv_open(w, 0xBF65);
    put_code(w, 0x80, result);
    tlv_close(w);
    return result;
}

/* One PSMO: its result appended to w. Returns 0 ok (go on), 1 error result (stop),
 * -1 store failure, -2 does not decode. */
static int run_psmo(struct isdr *r, const struct tlv *t, struct run *run, struct tlv_writer *w)
{
    int rc;
    switch (t->tag) {
    case 0xA3: case 0xA4: case 0xA5:
        rc = t->constructed ? psmo_state(r, t, run, w) : -2;
        break;
    case 0xBF2D:
        rc = t->constructed ? psmo_list_profile_info(r, t, w) : -2;
        break;
    case 0xA6:
        rc = psmo_get_rat(r, t, w);
        break;
    case 0xA7:
        rc = t->constructed ? psmo_configure_immediate_enable(r, t, w) : -2;
        break;
    case 0xA8: case 0xA9:
        rc = t->constructed ? psmo_fallback(r, t, w) : -2;
        break;
    case 0xBF65:
        rc = t->constructed ? psmo_set_default_dp(r, t, w) : -2;
        break;
    default:
        rc = -2;
        break;
    }
    return rc < 0 ? rc : rc == 0 ? 0 : 1;
}

/* ---- eCOs ---- */

static bool ci_known(const struct isdr *r, const struct eim_config *c)
{
    return !c->has_ci_pkid || ecasd_ci_find(r->ecasd, c->ci_pkid, sizeof c->ci_pkid) >= 0;
}

/* addEim A8 {EimConfigurationData} → A8 {84 associationToken | 02 code}. */
static int eco_add_eim(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    struct eim_config *c = malloc(2 * sizeof *c);
    if (!c)
        return -1;
    struct eim_config *old = c + 1;
    int result = R_OK, rc;
    size_t n = 0;
    int dec = eim_decode_config(t->value, t->len, c);
    if (dec == EIM_DECODE_ECOUNTER)
        result = R_COUNTER_RANGE;
    else if (dec != 0 || c->key_len == 0)
        result = R_COMMAND_ERROR;
    else if ((rc = eim_find(r->store, c->eim_id, c->eim_id_len, old)) == STORE_OK)
        result = R_ALREADY_EXISTS;
    else if (rc != STORE_ENOTFOUND)
        result = -1;
    else if (!ci_known(r, c) || !key_trusted(r, c))
        result = R_CIPK_UNKNOWN;
    else if (c->has_token && c->association_token != -1)
        result = R_INVALID_TOKEN;
    else if (eim_count(r->store, &n) != STORE_OK)
        result = -1;
    else if (n >= EIM_MAX)
        result = R_INSUFFICIENT_MEMORY;
    if (result == R_OK) {
        c->slot = 0;
        c->has_counter = true;        /* absent: 0 */
        c->has_token = true;
        if (eim_next_association_token(r->store, &c->association_token) != STORE_OK ||
            eim_save(r->store, c) != STORE_OK)
            result = -1;
    }
    if (result >= 0) {
        tlv_open(w, 0xA8);
        if (result == R_OK)
            tlv_put_int(w, 0x84, c->association_token);
        else
            tlv_put_int(w, 0x02, result);
        tlv_close(w);
    }
    free(c);
    return result;
}

/* deleteEim A9 {80 eimId} → 89. */
static int eco_delete_eim(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    struct tlv id;
    if (!tlv_parse(t->value, t->len, &id) || id.raw_len != t->len || id.tag != 0x80 ||
        id.constructed || id.len < 1 || id.len > EIM_ID_MAX)
        return -2;
    struct eim_config *c = malloc(sizeof *c);
    if (!c)
        return -1;
    size_t n = 0;
    int result;
    int rc = eim_find(r->store, (const char *)id.value, id.len, c);
    if (rc == STORE_ENOTFOUND)
        result = R_NOT_FOUND;
    else if (rc != STORE_OK || eim_delete(r->store, c->slot) != STORE_OK ||
             eim_count(r->store, &n) != STORE_OK)
        result = -1;
    else
        result = n == 0 ? R_LAST_EIM_DELETED : R_OK;
    free(c);
    if (result < 0)
        return result;
    put_code(w, 0x89, result);
    return result == R_LAST_EIM_DELETED ? R_OK : result;
}

/* updateEim AA {EimConfigurationData} → 8A: the fields present replace the stored ones
 * (eimId selects; the association token is kept). */
static int eco_update_eim(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    struct eim_config *c = malloc(2 * sizeof *c);
    if (!c)
        return -1;
    struct eim_config *cur = c + 1;
    int result = R_OK, rc = STORE_OK;
    int dec = eim_decode_config(t->value, t->len, c);
    if (dec == EIM_DECODE_ECOUNTER)
        result = R_COUNTER_RANGE;
    else if (dec != 0)
        result = R_COMMAND_ERROR;
    else if ((rc = eim_find(r->store, c->eim_id, c->eim_id_len, cur)) == STORE_ENOTFOUND)
        result = R_NOT_FOUND;
    else if (rc != STORE_OK)
        result = -1;
    else if (!ci_known(r, c) || (c->key_len && !key_trusted(r, c)))
        result = R_CIPK_UNKNOWN;
    else if (c->has_counter && c->counter < cur->counter)
        result = R_COUNTER_RANGE;
    if (result == R_OK) {
        if (c->fqdn[0])
            memcpy(cur->fqdn, c->fqdn, sizeof cur->fqdn);
        if (c->has_id_type) {
            cur->has_id_type = true;
            cur->id_type = c->id_type;
        }
        if (c->has_counter)
            cur->counter = c->counter;
        if (c->key_len) {
            cur->key_kind = c->key_kind;
            memcpy(cur->key, c->key, c->key_len);
            cur->key_len = c->key_len;
        }
        if (c->tls_len) {
            memcpy(cur->tls, c->tls, c->tls_len);
            cur->tls_len = c->tls_len;
        }
        if (c->has_protocol) {
            cur->has_protocol = true;
            cur->protocol = c->protocol;
        }
        if (c->has_ci_pkid) {
            cur->has_ci_pkid = true;
            memcpy(cur->ci_pkid, c->ci_pkid, sizeof cur->ci_pkid);
        }
        if (c->indirect_download)
            cur->indirect_download = true;
        if (eim_save(r->store, cur) != STORE_OK)
            result = -1;
    }
    if (result >= 0)
        put_code(w, 0x8A, result);
    free(c);
    return result;
}

/* listEim AB {} → AB { A0 { 30 {80 eimId, 82 eimIdType?} ... } }. */
static int eco_list_eim(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    if (t->len != 0)
        return -2;
    struct eim_config *c = malloc(sizeof *c);
    if (!c)
        return -1;
    uint8_t slot = 0;
    int rc;
    tlv_open(w, 0xAB);
    tlv_open(w, 0xA0);
    while ((rc = eim_next(r->store, slot, c)) == STORE_OK) {
        slot = c->slot;
        tlv_open(w, 0x30);
        tlv_put(w, 0x80, (const uint8_t *)c->eim_id, c->eim_id_len);
        if (c->has_id_type)
            tlv_put_int(w, 0x82, c->id_type);
        tlv_close(w);
    }
    tlv_close(w);
    tlv_close(w);
    free(c);
    return rc == STORE_ENOTFOUND ? 0 : -1;
}

static int run_eco(struct isdr *r, const struct tlv *t, struct tlv_writer *w)
{
    int rc;
    if (!t->constructed)
        return -2;
    switch (t->tag) {
    case 0xA8: rc = eco_add_eim(r, t, w); break;
    case 0xA9: rc = eco_delete_eim(r, t, w); break;
    case 0xAA: rc = eco_update_eim(r, t, w); break;
    case 0xAB: rc = eco_list_eim(r, t, w); break;
    default: rc = -2; break;
    }
    return rc < 0 ? rc : rc == 0 ? 0 : 1;
}

/* Run the list; the results' content (EuiccResultData …) appended to w. */
static void run_list(struct isdr *r, const struct package *pk, struct run *run,
                     struct tlv_writer *w)
{
    struct tlv_cursor c;
    struct tlv t;
    bool eco = pk->list.tag == 0xA1;
    tlv_cursor_init(&c, pk->list.value, pk->list.len);
    for (;;) {
        if (!tlv_next(&c, &t)) {
            if (c.error)
                tlv_put_int(w, 0x02, PT_UNKNOWN_COMMAND);
            return;
        }
        int rc = eco ? run_eco(r, &t, w) : run_psmo(r, &t, run, w);
        if (rc == -1) {
            run->failed = true;
            return;
        }
        if (rc == -2) {
            tlv_put_int(w, 0x02, PT_UNKNOWN_COMMAND);
            return;
        }
        if (rc == 1 || w->overflow)
            return;
    }
}

/* Build EuiccPackageResultDataSigned around results[0..rlen), sign it, keep the whole
 * EuiccPackageResult (BF51) in out; stored under a new seqNumber (open transaction). */
static int make_result(struct isdr *r, const struct package *pk, const struct eim_config *c,
                       uint64_t counter, const uint8_t *results, size_t rlen,
                       uint8_t *out, size_t cap, size_t *out_len)
{
    uint32_t seq;
    uint8_t sig[64];
    if (notification_alloc_seq(r->store, &seq) != STORE_OK)
        return -1;
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF51);
    tlv_open(&w, 0xA0);
    size_t data_at = w.len;
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, pk->eim_id, pk->eim_id_len);
    tlv_put_uint(&w, 0x81, counter);
    if (pk->has_tx)
        tlv_put(&w, 0x82, pk->tx, pk->tx_len);
    tlv_put_int(&w, 0x83, seq);
    tlv_open(&w, 0x30);
    tlv_put_raw(&w, results, rlen);
    tlv_close(&w);
    tlv_close(&w);
    if (w.overflow || sign_with_token(r, c, out + data_at, w.len - data_at, sig) != 0)
        return -1;
    tlv_put(&w, 0x5F37, sig, sizeof sig);
    tlv_close(&w);
    tlv_close(&w);
    if (!tlv_writer_ok(&w) || notification_add_epr(r->store, seq, out, w.len) != STORE_OK)
        return -1;
    *out_len = w.len;
    return 0;
}

/* Steps after the counter: one transaction for the effects and the stored result. */
static int execute(struct isdr *r, const struct package *pk, struct eim_config *c,
                   uint64_t counter, struct tlv_writer *resp)
{
    uint8_t *results = malloc(RESULTS_MAX);
    uint8_t *epr = malloc(EPR_RECORD_MAX);
    size_t epr_len = 0;
    int rc = -1;
    struct run run = { .eim = c };
    if (!results || !epr)
        goto out;
    struct tlv_writer w;
    tlv_writer_init(&w, results, RESULTS_MAX);
    if (store_begin(r->store) != STORE_OK)
        goto out;
    if (rollback_point_clear(r->store) != STORE_OK)   /* a new package ends the window */
        run.failed = true;
    else
        run_list(r, pk, &run, &w);
    if (!run.failed && w.overflow) {
        /* the results do not fit one answer: keep the effects, say so */
        tlv_writer_init(&w, results, RESULTS_MAX);
        tlv_put_int(&w, 0x02, PT_SIZE_OVERFLOW);
    }
    if (!run.failed &&
        make_result(r, pk, c, counter, results, w.len, epr, EPR_RECORD_MAX, &epr_len) == 0 &&
        store_commit(r->store) == STORE_OK) {
        rc = 0;
    } else {
        /* nothing of the package stays; the counter is used: answer that it did not run */
        store_abort(r->store);
        run.state_changed = false;
        tlv_writer_init(&w, results, RESULTS_MAX);
        tlv_put_int(&w, 0x02, PT_UNDEFINED);
        if (store_begin(r->store) == STORE_OK) {
            if (rollback_point_clear(r->store) == STORE_OK &&
                make_result(r, pk, c, counter, results, w.len, epr, EPR_RECORD_MAX,
                            &epr_len) == 0 && store_commit(r->store) == STORE_OK)
                rc = 0;
            else
                store_abort(r->store);
        }
    }
    if (rc == 0) {
        if (run.state_changed && r->card)
            uicc_load_enabled(r->card);
        r->outcome = "euiccPackageResultSigned";
        tlv_put_raw(resp, epr, epr_len);
    }
out:
    free(results);
    free(epr);
    return rc == 0 ? ISDR_OK : ISDR_EFAIL;
}

/* 1 when EPR_MAX results wait for NotificationSent, 0 when there is room, -1 on a
 * store failure. */
static int results_full(struct isdr *r)
{
    uint32_t seqs[EPR_MAX];
    size_t n = 0;
    if (notification_list_eprs(r->store, seqs, EPR_MAX, &n) != STORE_OK)
        return -1;
    return n >= EPR_MAX ? 1 : 0;
}

/* 1 when a PSMO list arrives while the Emergency Profile is enabled (ecallActive), 0
 * otherwise, -1 on a store failure. */
static int ecall_refusal(struct isdr *r, const struct package *pk)
{
    bool ecall = false;
    if (pk->list.tag != 0xA0)
        return 0;
    return profile_ecall_active(r->store, &ecall) != STORE_OK ? -1 : ecall ? 1 : 0;
}

int es10b_load_euicc_package(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv sgn;
    struct package pk;
    if (!decode_outer(req, &sgn, &pk))
        return ISDR_EMALFORMED;

    struct eim_config *c = malloc(sizeof *c);
    if (!c)
        return ISDR_EFAIL;
    int ret;
    uint64_t counter = 0;
    uint8_t eid[16];
    ecasd_eid(r->ecasd, eid);
    int rc = eim_find(r->store, (const char *)pk.eim_id, pk.eim_id_len, c);
    if (rc == STORE_ENOTFOUND) {
        ret = unsigned_error(r, &pk, false, 0, resp);
    } else if (rc != STORE_OK) {
        ret = ISDR_EFAIL;
    } else if (!verify_signature(r, &pk, c) || !decode_signed(&pk)) {
        ret = unsigned_error(r, &pk, c->has_token, c->association_token, resp);
    } else if (memcmp(eid, pk.eid, sizeof eid) != 0) {
        ret = signed_error(r, &pk, c, EPE_INVALID_EID, "invalidEid", resp);
    } else if (!tlv_get_u64(pk.counter.value, pk.counter.len, &counter)) {
        ret = signed_error(r, &pk, c, EPE_COUNTER_RANGE, "counterValueOutOfRange", resp);
    } else if (counter <= c->counter) {
        ret = signed_error(r, &pk, c, EPE_REPLAY, "replayError", resp);
    } else if ((rc = ecall_refusal(r, &pk)) != 0) {
        ret = rc < 0 ? ISDR_EFAIL
                     : signed_error(r, &pk, c, EPE_ECALL_ACTIVE, "ecallActive", resp);
    } else if ((rc = results_full(r)) != 0) {
        /* no room for the result: refuse before the counter is used */
        ret = rc < 0 ? ISDR_EFAIL
                     : signed_error(r, &pk, c, EPE_UNDEFINED, "undefinedError", resp);
    } else {
        /* persist the counter first, in its own transaction */
        c->counter = counter;
        c->has_counter = true;
        if (store_begin(r->store) != STORE_OK) {
            ret = ISDR_EFAIL;
        } else if (eim_save(r->store, c) != STORE_OK || store_commit(r->store) != STORE_OK) {
            store_abort(r->store);
            ret = ISDR_EFAIL;
        } else {
            ret = execute(r, &pk, c, counter, resp);
        }
    }
    free(c);
    return ret;
}
