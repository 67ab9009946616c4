/* isd-p/es8.c — the ES8+ functions a BoundProfilePackage carries to the eUICC (SGP.22
 * v2.5 §5.5): InitialiseSecureChannel (BF23), ConfigureISDP (BF24), StoreMetadata
 * (BF25), ReplaceSessionKeys (BF26) and LoadProfileElements (the UPP for the PPI).
 *
 * Decisions:
 * - StoreMetadata keeps SGP.32's ecallIndication (9F7B) and fallbackAllowed (9F67),
 *   DER BOOLEANs (00/FF, else incorrectInputValues), in every card mode (a consumer
 *   SM-DP+ never sends them). SGP.32's BF25 has no fallbackAttribute: the eIM sets it
 *   with the setFallbackAttribute PSMO (euicc_package.c). iotSpecificMetadata (BF64)
 *   is accepted and not kept (the spec defines no content).
 * - At most one Emergency Profile: a profile with ecallIndication TRUE while another
 *   installed profile has it is refused with incorrectInputValues (the card could not
 *   tell which one EnableEmergencyProfile means). */
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ct.h"
#include "crypto/ec.h"
#include "crypto/ecka.h"
#include "ecasd/ecasd.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/isdr_internal.h"
#include "ppi/ppi.h"

#define OTPK_LEN 65
#define SIG_LEN 64
#define DP_PROPRIETARY_MAX 128   /* dpProprietaryData incl. tag and length (§5.5.2) */
#define KEY_TYPE_AES 0x88
#define HOST_ID_MAX 16

static isdp_feed_observer feed_observer;
static void *feed_observer_ctx;

void isdp_set_feed_observer(isdp_feed_observer fn, void *ctx)
{
    feed_observer = fn;
    feed_observer_ctx = ctx;
}

/* ---- InitialiseSecureChannel (§5.5.1) ---- */

struct isc {
    uint32_t remote_op;
    const uint8_t *tid; size_t tid_len;
    struct tlv crt;
    const uint8_t *otpk; size_t otpk_len;
    const uint8_t *sig; size_t sig_len;
    const uint8_t *value;        /* the BF23 value */
    size_t signed_len;           /* octets of the BF23 value before smdpSign */
};

/* BF23 { 82 remoteOpId, 80 transactionId, A6 CRT, 5F49 smdpOtpk, 5F37 smdpSign },
 * in this order. */
static bool isc_decode(const uint8_t *bf23, size_t len, struct isc *o)
{
    static const uint32_t order[] = { 0x82, 0x80, 0xA6, 0x5F49, 0x5F37 };
    struct tlv t, f;
    struct tlv_cursor c;
    size_t i = 0;
    if (!tlv_parse(bf23, len, &t) || t.raw_len != len || !tlv_enter(&t, &c))
        return false;
    o->value = t.value;
    while (tlv_next(&c, &f)) {
        if (i == 5 || f.tag != order[i])
            return false;
        switch (i++) {
        case 0:
            if (!tlv_get_uint(f.value, f.len, &o->remote_op))
                return false;
            break;
        case 1:
            if (f.len == 0 || f.len > RSP_TRANSACTION_ID_MAX)
                return false;
            o->tid = f.value;
            o->tid_len = f.len;
            break;
        case 2:
            o->crt = f;
            break;
        case 3:
            o->otpk = f.value;
            o->otpk_len = f.len;
            break;
        case 4:
            o->sig = f.value;
            o->sig_len = f.len;
            o->signed_len = (size_t)(f.raw - t.value);
            break;
        }
    }
    return !c.error && i == 5;
}

/* CRT A6 { 80 keyType, 81 keyLen, 84 hostId }: AES-128 only. */
static bool crt_supported(const struct tlv *crt, const uint8_t **host_id, size_t *host_len)
{
    struct tlv kt, kl, hid;
    if (!tlv_find(crt->value, crt->len, 0x80, &kt) ||
        !tlv_find(crt->value, crt->len, 0x81, &kl) ||
        !tlv_find(crt->value, crt->len, 0x84, &hid))
        return false;
    if (kt.len != 1 || kt.value[0] != KEY_TYPE_AES || kl.len != 1 ||
        kl.value[0] != SCP03T_KEY_LEN || hid.len == 0 || hid.len > HOST_ID_MAX)
        return false;
    *host_id = hid.value;
    *host_len = hid.len;
    return true;
}

int es8_initialise_secure_channel(struct isdr *r, struct isdp_load *l,
                                  const uint8_t *bf23, size_t len)
{
    const uint8_t cmd = BPP_CMD_INITIALISE_SECURE_CHANNEL;
    struct isc isc;
    const uint8_t *host_id;
    size_t host_len;
    uint8_t z[32], eid[16];

    memset(&isc, 0, sizeof isc);
    if (!isc_decode(bf23, len, &isc))
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "InitialiseSecureChannel");
    if (!r->ot_sk || !r->session.dppb_key)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "no one-time key");

    /* smdpSign over the BF23 value up to smdpSign ‖ 5F49 otPK.EUICC.ECKA */
    uint8_t *msg = malloc(isc.signed_len + 3 + OTPK_LEN);
    if (!msg)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "out of memory");
    memcpy(msg, isc.value, isc.signed_len);
    msg[isc.signed_len] = 0x5F;
    msg[isc.signed_len + 1] = 0x49;
    msg[isc.signed_len + 2] = OTPK_LEN;
    memcpy(msg + isc.signed_len + 3, r->ot_pk, OTPK_LEN);
    bool ok = ecdsa_verify_raw(r->session.dppb_key, msg, isc.signed_len + 3 + OTPK_LEN,
                               isc.sig, isc.sig_len);
    free(msg);
    if (!ok)
        return isdp_fail(l, cmd, BPP_ERR_INVALID_SIGNATURE, "smdpSign does not verify");
    if (isc.tid_len != r->session.transaction_id_len ||
        memcmp(isc.tid, r->session.transaction_id, isc.tid_len) != 0)
        return isdp_fail(l, cmd, BPP_ERR_INVALID_TRANSACTION_ID, "transactionId");
    if (isc.remote_op != 1)
        return isdp_fail(l, cmd, BPP_ERR_UNSUPPORTED_REMOTE_OPERATION_TYPE, "remoteOpId");
    if (!crt_supported(&isc.crt, &host_id, &host_len))
        return isdp_fail(l, cmd, BPP_ERR_UNSUPPORTED_CRT_VALUES, "controlRefTemplate");
    if (ecka_shared_secret(r->ot_sk, isc.otpk, isc.otpk_len, z) != 0)
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "smdpOtpk");
    ecasd_eid(r->ecasd, eid);
    int rc = scp03t_derive_session_keys(&l->keys, z, KEY_TYPE_AES, SCP03T_KEY_LEN,
                                        host_id, host_len, eid);
    ct_wipe(z, sizeof z);
    if (rc != SCP03T_OK)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "key derivation");
    l->keys_set = true;
    r->session.state = RSP_LOADING;
    return 0;
}

/* ---- ConfigureISDP (§5.5.2) ---- */

int es8_configure_isdp(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len)
{
    const uint8_t cmd = BPP_CMD_CONFIGURE_ISDP;
    struct tlv t, f;
    struct tlv_cursor c;
    uint8_t slot;
    if (!tlv_parse(p, len, &t) || t.raw_len != len || t.tag != 0xBF24 || !tlv_enter(&t, &c))
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "ConfigureISDP");
    while (tlv_next(&c, &f)) {
        if (f.tag != 0xB8)
            continue;                    /* later versions' fields: ignored */
        struct tlv oid;
        if (f.raw_len > DP_PROPRIETARY_MAX || !tlv_find(f.value, f.len, 0x06, &oid))
            return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "dpProprietaryData");
        memcpy(l->rec.dp_prop, f.value, f.len);
        l->rec.dp_prop_len = f.len;
        l->rec.present |= PROFILE_HAS_DP_PROP;
    }
    if (c.error)
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "ConfigureISDP");
    /* the ISD-P needs a slot of the profile table */
    if (profile_free_slot(r->store, &slot) != STORE_OK)
        return isdp_fail(l, cmd, BPP_ERR_INSUFFICIENT_MEMORY, "no free ISD-P slot");
    return 0;
}

/* ---- StoreMetadata (§5.5.3) ---- */

static bool utf8_field(const struct tlv *f, size_t max_chars, uint8_t *dst, size_t *dlen)
{
    size_t chars;
    if (f->len > PROFILE_TEXT_MAX || !isdr_utf8_valid(f->value, f->len, &chars) ||
        chars > max_chars)
        return false;
    memcpy(dst, f->value, f->len);
    *dlen = f->len;
    return true;
}

static bool raw_field(const struct tlv *f, uint8_t *dst, size_t *dlen)
{
    if (f->len > PROFILE_RAW_MAX || !tlv_well_formed(f->value, f->len, 8))
        return false;
    memcpy(dst, f->value, f->len);
    *dlen = f->len;
    return true;
}

/* A DER BOOLEAN value: one octet 00 or FF. */
static bool der_bool(const struct tlv *f, bool *out)
{
    if (f->constructed || f->len != 1 || (f->value[0] != 0x00 && f->value[0] != 0xFF))
        return false;
    *out = f->value[0] == 0xFF;
    return true;
}

/* One field of BF25 into rec; *bad_class set for an unknown profileClass. */
static bool metadata_field(const struct tlv *f, struct profile_record *rec, bool *has_spn,
                           bool *has_name, bool *bad_class)
{
    uint32_t v;
    switch (f->tag) {
    case 0x5A:
        return false;                    /* handled by the caller */
    case 0x91:
        *has_spn = true;
        rec->present |= PROFILE_HAS_SPN;
        return utf8_field(f, PROFILE_SPN_CHARS, rec->spn, &rec->spn_len);
    case 0x92:
        *has_name = true;
        rec->present |= PROFILE_HAS_NAME;
        return utf8_field(f, PROFILE_NAME_CHARS, rec->name, &rec->name_len);
    case 0x93:
        if (!tlv_get_uint(f->value, f->len, &v) || v > 1)
            return false;
        rec->icon_type = (uint8_t)v;
        rec->present |= PROFILE_HAS_ICON_TYPE;
        return true;
    case 0x94:
        if (f->len > PROFILE_ICON_MAX)
            return false;
        memcpy(rec->icon, f->value, f->len);
        rec->icon_len = f->len;
        rec->present |= PROFILE_HAS_ICON;
        return true;
    case 0x95:
        if (!tlv_get_uint(f->value, f->len, &v))
            return false;
        if (v > PROFILE_CLASS_OPERATIONAL)
            *bad_class = true;
        rec->profile_class = (uint8_t)(v & 0xFF);
        return true;
    case 0xB6:
        rec->present |= PROFILE_HAS_NOTIF_CFG;
        return raw_field(f, rec->notif_cfg, &rec->notif_cfg_len);
    case 0xB7: {
        struct tlv mcc;
        if (!tlv_find(f->value, f->len, 0x80, &mcc) || mcc.len != 3)
            return false;
        rec->present |= PROFILE_HAS_OWNER;
        return raw_field(f, rec->owner, &rec->owner_len);
    }
    case 0x99:
        if (f->len == 0 || f->len > 2 || f->value[0] > 7 || !isdr_get_bits(f->value, f->len, &v))
            return false;
        rec->ppr = (uint8_t)(v & 0x07);
        rec->present |= PROFILE_HAS_PPR;
        return true;
    case 0xBF22:
        rec->present |= PROFILE_HAS_SSD;
        return raw_field(f, rec->ssd, &rec->ssd_len);
    case 0x9F7B:                         /* SGP.32 ecallIndication BOOLEAN */
        rec->present |= PROFILE_HAS_ECALL;
        return der_bool(f, &rec->ecall_indication);
    case 0x9F67:                         /* SGP.32 fallbackAllowed BOOLEAN */
        rec->present |= PROFILE_HAS_FB_ALLOWED;
        return der_bool(f, &rec->fallback_allowed);
    default:
        return true;                     /* BF23 (not stored), BF64 and later fields */
    }
}

int es8_store_metadata(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len)
{
    const uint8_t cmd = BPP_CMD_STORE_METADATA;
    struct tlv t, f;
    struct tlv_cursor c;
    struct profile_record *rec = &l->rec;
    bool has_iccid = false, has_spn = false, has_name = false, bad_class = false;

    rec->profile_class = PROFILE_CLASS_OPERATIONAL;   /* DEFAULT operational */
    if (!tlv_parse(p, len, &t) || t.raw_len != len || t.tag != 0xBF25 || !tlv_enter(&t, &c))
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "StoreMetadata");
    while (tlv_next(&c, &f)) {
        if (f.tag == 0x5A) {
            if (f.len != PROFILE_ICCID_LEN || has_iccid)
                return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "iccid");
            memcpy(rec->iccid, f.value, PROFILE_ICCID_LEN);
            has_iccid = true;
        } else if (!metadata_field(&f, rec, &has_spn, &has_name, &bad_class)) {
            return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "metadata field");
        }
    }
    if (c.error || !has_iccid || !has_spn || !has_name ||
        ((rec->present & PROFILE_HAS_ICON) && !(rec->present & PROFILE_HAS_ICON_TYPE)))
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "StoreMetadata");
    l->has_iccid = true;
    if (bad_class)
        return isdp_fail(l, cmd, BPP_ERR_UNSUPPORTED_PROFILE_CLASS, "profileClass");
    struct profile_record *other = malloc(sizeof *other);
    if (!other)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "out of memory");
    int rc = profile_find_iccid(r->store, rec->iccid, other);
    int ecall_rc = STORE_ENOTFOUND;
    if (rc == STORE_ENOTFOUND && (rec->present & PROFILE_HAS_ECALL) && rec->ecall_indication)
        ecall_rc = profile_find_iot(r->store, PROFILE_ROLE_EMERGENCY, other);
    free(other);
    if (rc == STORE_OK)
        return isdp_fail(l, cmd, BPP_ERR_ICCID_ALREADY_EXISTS, "ICCID already installed");
    if (rc != STORE_ENOTFOUND || (ecall_rc != STORE_OK && ecall_rc != STORE_ENOTFOUND))
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "profile table");
    if (ecall_rc == STORE_OK)
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES,
                         "a second Emergency Profile (ecallIndication)");
    if (!es8_ppr_allowed(r, rec))
        return isdp_fail(l, cmd, BPP_ERR_PPR_NOT_ALLOWED, "PPR not allowed by the RAT");
    /* LoadProfileElements can start: the PPI checks the header ICCID against ours */
    size_t used = profile_bytes_used(r->store);
    size_t budget = r->capacity > used ? r->capacity - used : 0;
    l->ppi = ppi_install_begin(rec->iccid, budget);
    if (!l->ppi)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "out of memory");
    return 0;
}

/* ---- RAT / PPR (§2.9.2) ---- */

/* mccMnc of a rule ('E' nibbles are wildcards) against the profile owner's. */
static bool mccmnc_match(const uint8_t rule[3], const uint8_t own[3])
{
    for (size_t i = 0; i < 3; i++) {
        uint8_t rh = rule[i] >> 4, rl = rule[i] & 0x0F;
        if (rh != 0x0E && rh != own[i] >> 4)
            return false;
        if (rl != 0x0E && rl != (own[i] & 0x0F))
            return false;
    }
    return true;
}

/* OperatorId {80 mccMnc, 81 gid1?, 82 gid2?} of a rule against the profile owner. */
static bool operator_match(const struct tlv *op, const uint8_t *owner, size_t owner_len)
{
    struct tlv rm, om;
    if (!tlv_find(op->value, op->len, 0x80, &rm) || rm.len != 3 ||
        !tlv_find(owner, owner_len, 0x80, &om) || om.len != 3 ||
        !mccmnc_match(rm.value, om.value))
        return false;
    for (uint32_t tag = 0x81; tag <= 0x82; tag++) {
        struct tlv rg, og;
        if (!tlv_find(op->value, op->len, tag, &rg))
            continue;
        if (!tlv_find(owner, owner_len, tag, &og) || og.len != rg.len ||
            memcmp(og.value, rg.value, rg.len) != 0)
            return false;
    }
    return true;
}

/* Rule 30 {80 pprIds, A1 allowedOperators {30 OperatorId..}, 82 pprFlags} allows ppr? */
static bool rule_allows(const struct tlv *rule, unsigned ppr, const struct profile_record *rec)
{
    struct tlv ids, ops, op;
    struct tlv_cursor c;
    uint32_t bits;
    if (!tlv_find(rule->value, rule->len, 0x80, &ids) ||
        !isdr_get_bits(ids.value, ids.len, &bits) || !(bits & (1u << ppr)))
        return false;
    if (!tlv_find(rule->value, rule->len, 0xA1, &ops) || !tlv_enter(&ops, &c))
        return false;
    while (tlv_next(&c, &op))
        if (operator_match(&op, rec->owner, rec->owner_len))
            return true;
    return false;
}

bool es8_ppr_allowed(struct isdr *r, const struct profile_record *rec)
{
    if (!(rec->present & PROFILE_HAS_PPR) || (rec->ppr & 0x06) == 0)
        return true;
    if (!(rec->present & PROFILE_HAS_OWNER))
        return false;
    uint8_t *rat = malloc(ISDR_RAT_MAX);
    size_t len = 0;
    bool ok = true;
    if (!rat)
        return false;
    if (store_get(r->store, SID_ISDR_RAT, rat, ISDR_RAT_MAX, &len) != STORE_OK)
        len = 0;                         /* no RAT: no PPR is allowed */
    for (unsigned ppr = 1; ppr <= 2 && ok; ppr++) {
        if (!(rec->ppr & (1u << ppr)))
            continue;
        struct tlv_cursor c;
        struct tlv rule;
        bool found = false;
        tlv_cursor_init(&c, rat, len);
        while (!found && tlv_next(&c, &rule))
            found = rule.tag == 0x30 && rule_allows(&rule, ppr, rec);
        ok = found;
    }
    free(rat);
    return ok;
}

/* ---- ReplaceSessionKeys (§5.5.4) ---- */

int es8_replace_session_keys(struct isdp_load *l, const uint8_t *p, size_t len)
{
    const uint8_t cmd = BPP_CMD_REPLACE_SESSION_KEYS;
    struct tlv t, mcv, enc, mac;
    if (!tlv_parse(p, len, &t) || t.raw_len != len || t.tag != 0xBF26 || !t.constructed ||
        !tlv_find(t.value, t.len, 0x80, &mcv) || !tlv_find(t.value, t.len, 0x81, &enc) ||
        !tlv_find(t.value, t.len, 0x82, &mac) || mcv.len != 16 ||
        enc.len != SCP03T_KEY_LEN || mac.len != SCP03T_KEY_LEN)
        return isdp_fail(l, cmd, BPP_ERR_INCORRECT_INPUT_VALUES, "ReplaceSessionKeys");
    scp03t_init(&l->keys, enc.value, mac.value, mcv.value);
    return 0;
}

/* ---- LoadProfileElements (§5.5.5): the plaintext goes to the PPI ---- */

int es8_load_profile_elements(struct isdp_load *l, const uint8_t *p, size_t len)
{
    const uint8_t cmd = BPP_CMD_LOAD_PROFILE_ELEMENTS;
    if (!l->ppi)
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "no installation");
    if (feed_observer)
        feed_observer(feed_observer_ctx, p, len);
    switch (ppi_install_feed(l->ppi, p, len)) {
    case PPI_OK:
        return 0;
    case PPI_EMISMATCH:
        return isdp_fail(l, cmd, BPP_ERR_DATA_MISMATCH, "header ICCID differs");
    case PPI_EMEMORY:
        return isdp_fail(l, cmd, BPP_ERR_INSUFFICIENT_MEMORY, "profile too large");
    case PPI_EPE:
    case PPI_EVERSION:
        return isdp_fail(l, cmd, BPP_ERR_PE_PROCESSING, "profile element");
    default:
        return isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "PPI");
    }
}
