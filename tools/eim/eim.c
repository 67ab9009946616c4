/* tools/eim/eim.c — the test eIM (see eim.h). */
#include "tools/eim/eim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "card/tlv.h"
#include "crypto/cert_rules.h"
#include "crypto/ec.h"
#include "crypto/rng.h"
#include "crypto/x509.h"

static const char *const fault_names[] = {
    [EIMT_FAULT_NONE] = "none",
    [EIMT_FAULT_BAD_SIGNATURE] = "bad-signature",
    [EIMT_FAULT_WRONG_EID] = "wrong-eid",
    [EIMT_FAULT_UNKNOWN_EIM] = "unknown-eim",
    [EIMT_FAULT_OLD_COUNTER] = "old-counter",
    [EIMT_FAULT_WRONG_TOKEN] = "wrong-token",
};

const char *eimt_fault_name(enum eimt_fault f)
{
    return (size_t)f < sizeof fault_names / sizeof fault_names[0] ? fault_names[f] : "unknown";
}

int eimt_fault_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof fault_names / sizeof fault_names[0]; i++)
        if (strcmp(name, fault_names[i]) == 0)
            return (int)i;
    return -1;
}

int eimt_init(struct eimt *e, const char *eim_id, const char *key_path)
{
    memset(e, 0, sizeof *e);
    if (!eim_id || strlen(eim_id) < 1 || strlen(eim_id) > EIMT_ID_MAX)
        return -1;
    memcpy(e->id, eim_id, strlen(eim_id));
    if (!key_path) {
        struct rng *rng = rng_new_system();
        e->key = rng ? ec_keygen(EC_CURVE_P256, rng) : NULL;
        rng_free(rng);
        return e->key ? 0 : -1;
    }
    FILE *f = fopen(key_path, "rb");
    if (!f)
        return -1;
    uint8_t buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    e->key = n > 0 && n < sizeof buf ? ec_private_from_bytes(buf, n) : NULL;
    return e->key ? 0 : -1;
}

void eimt_free(struct eimt *e)
{
    EVP_PKEY_free(e->key);
    e->key = NULL;
}

static void put_str(struct tlv_writer *w, uint32_t tag, const char *s)
{
    tlv_put(w, tag, (const uint8_t *)s, strlen(s));
}

/* A5 { A0 <SPKI content> }: the SubjectPublicKeyInfo's 30 becomes A0. */
static void put_key_data(struct tlv_writer *w, const EVP_PKEY *key)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY((EVP_PKEY *)key, &der);
    struct tlv t;
    if (n <= 0 || !tlv_parse(der, (size_t)n, &t)) {
        w->overflow = true;
    } else {
        tlv_open(w, 0xA5);
        tlv_put(w, 0xA0, t.value, t.len);
        tlv_close(w);
    }
    OPENSSL_free(der);
}

void eimt_write_config(struct tlv_writer *w, const char *eim_id, const char *fqdn,
                       uint64_t counter, int64_t token, const EVP_PKEY *key)
{
    tlv_open(w, 0x30);
    put_str(w, 0x80, eim_id);
    if (fqdn)
        put_str(w, 0x81, fqdn);
    tlv_put_uint(w, 0x83, counter);
    tlv_put_int(w, 0x84, token);
    if (key)
        put_key_data(w, key);
    tlv_close(w);
}

size_t eimt_add_initial_eim(const struct eimt *e, const char *fqdn, uint8_t *out, size_t cap)
{
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF57);
    tlv_open(&w, 0xA0);
    eimt_write_config(&w, e->id, fqdn, e->counter, -1, e->key);
    tlv_close(&w);
    tlv_close(&w);
    return tlv_writer_ok(&w) ? w.len : 0;
}

int eimt_parse_add_initial_eim_response(const uint8_t *p, size_t len, int64_t *token,
                                        int64_t *error)
{
    struct tlv top, alt, f;
    struct tlv_cursor c;
    bool has_token = false;
    *token = -1;
    if (!tlv_parse(p, len, &top) || top.raw_len != len || top.tag != 0xBF57 ||
        !tlv_parse(top.value, top.len, &alt) || alt.raw_len != top.len)
        return -1;
    if (alt.tag == 0x81)
        return tlv_get_int(alt.value, alt.len, error) ? 1 : -1;
    if (alt.tag != 0xA0 || !tlv_enter(&alt, &c))
        return -1;
    while (tlv_next(&c, &f)) {
        int64_t v;
        if (f.tag == 0x84 && tlv_get_int(f.value, f.len, &v)) {
            if (!has_token)
                *token = v;
            has_token = true;
        } else if (f.tag != 0x05 || f.len != 0) {
            return -1;
        }
    }
    return c.error ? -1 : 0;
}

/* ---- the IPA's own ES10b requests (SGP.32 §5.9.15-24) ---- */

static bool ipa_tag(uint32_t tag)
{
    return tag == 0xBF5A || tag == 0xBF58 || (tag >= 0xBF5B && tag <= 0xBF5F);
}

size_t eimt_ipa_request(uint32_t tag, bool refresh, uint8_t *out, size_t cap)
{
    struct tlv_writer w;
    if (!ipa_tag(tag))
        return 0;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, tag);
    if (tag != 0xBF5F)              /* GetConnectivityParametersRequest is empty */
        tlv_put_bool(&w, 0x80, refresh);
    tlv_close(&w);
    return tlv_writer_ok(&w) ? w.len : 0;
}

/* GetConnectivityParametersResponse: connectivityParameters SEQUENCE {81 httpParams?}
 * (code 0) or connectivityParametersError INTEGER (81). */
static int parse_connectivity(const struct tlv *alt, struct eimt_ipa_answer *out)
{
    struct tlv f;
    if (alt->tag == 0x81)
        return tlv_get_int(alt->value, alt->len, &out->code) && out->code != 0 ? 0 : -1;
    if (alt->tag != 0xA0 || !alt->constructed)
        return -1;
    out->code = 0;
    if (alt->len == 0)
        return 0;
    if (!tlv_parse(alt->value, alt->len, &f) || f.raw_len != alt->len || f.tag != 0x81 ||
        f.constructed)
        return -1;
    out->has_http_params = true;
    out->http_params = f.value;
    out->http_params_len = f.len;
    return 0;
}

int eimt_parse_ipa_response(uint32_t tag, const uint8_t *p, size_t len,
                            struct eimt_ipa_answer *out)
{
    struct tlv top, f, extra;
    struct tlv_cursor c;
    memset(out, 0, sizeof *out);
    if (!ipa_tag(tag) || !tlv_parse(p, len, &top) || top.raw_len != len || top.tag != tag ||
        !tlv_enter(&top, &c) || !tlv_next(&c, &f))
        return -1;
    int rc;
    if (tag == 0xBF5F) {
        rc = parse_connectivity(&f, out);
    } else {
        /* ProfileRollbackResponse keeps the universal tag of cmdResult (02) */
        uint32_t want = tag == 0xBF58 ? 0x02 : 0x80;
        rc = f.tag == want && !f.constructed && tlv_get_int(f.value, f.len, &out->code) ? 0
             : -1;
    }
    if (rc == 0 && tag == 0xBF58 && tlv_next(&c, &extra)) {
        out->has_package_result = extra.tag == 0xBF51;   /* eUICCPackageResult [81] */
        if (!out->has_package_result)
            return -1;
    }
    return rc == 0 && !tlv_next(&c, &extra) && !c.error ? 0 : -1;
}

static void iccid_psmo(struct tlv_writer *w, uint32_t tag, const uint8_t iccid[10],
                       bool rollback)
{
    tlv_open(w, tag);
    tlv_put(w, 0x5A, iccid, 10);
    if (rollback)
        tlv_put(w, 0x05, NULL, 0);
    tlv_close(w);
}

void eimt_psmo_enable(struct tlv_writer *w, const uint8_t iccid[10], bool rollback)
{
    iccid_psmo(w, 0xA3, iccid, rollback);
}

void eimt_psmo_disable(struct tlv_writer *w, const uint8_t iccid[10])
{
    iccid_psmo(w, 0xA4, iccid, false);
}

void eimt_psmo_delete(struct tlv_writer *w, const uint8_t iccid[10])
{
    iccid_psmo(w, 0xA5, iccid, false);
}

void eimt_psmo_list_profile_info(struct tlv_writer *w, const uint8_t *search,
                                 size_t search_len, const uint8_t *tags, size_t ntags)
{
    tlv_open(w, 0xBF2D);
    if (search) {
        tlv_open(w, 0xA0);
        tlv_put_raw(w, search, search_len);
        tlv_close(w);
    }
    if (tags)
        tlv_put(w, 0x5C, tags, ntags);
    tlv_close(w);
}

void eimt_psmo_get_rat(struct tlv_writer *w)
{
    tlv_put(w, 0xA6, NULL, 0);
}

void eimt_psmo_configure_immediate_enable_oid(struct tlv_writer *w, bool flag,
                                              const uint8_t *oid, size_t oid_len,
                                              const char *smdp_address)
{
    tlv_open(w, 0xA7);
    if (flag)
        tlv_put(w, 0x80, NULL, 0);
    if (oid)
        tlv_put(w, 0x81, oid, oid_len);
    if (smdp_address)
        put_str(w, 0x82, smdp_address);
    tlv_close(w);
}

void eimt_psmo_configure_immediate_enable(struct tlv_writer *w, bool flag,
                                          const char *smdp_address)
{
    eimt_psmo_configure_immediate_enable_oid(w, flag, NULL, 0, smdp_address);
}

void eimt_psmo_set_fallback(struct tlv_writer *w, const uint8_t iccid[10])
{
    iccid_psmo(w, 0xA8, iccid, false);
}

void eimt_psmo_unset_fallback(struct tlv_writer *w)
{
    tlv_put(w, 0xA9, NULL, 0);
}

void eimt_psmo_set_default_dp(struct tlv_writer *w, const char *address)
{
    tlv_open(w, 0xBF65);
    put_str(w, 0x80, address);
    tlv_close(w);
}

void eimt_eco_add_eim(struct tlv_writer *w, const char *eim_id, uint64_t counter,
                      int64_t token, const EVP_PKEY *key)
{
    /* addEim [8] EimConfigurationData: the SEQUENCE's 30 becomes A8 */
    uint8_t buf[1024];
    struct tlv_writer cw;
    struct tlv t;
    tlv_writer_init(&cw, buf, sizeof buf);
    eimt_write_config(&cw, eim_id, NULL, counter, token, key);
    if (!tlv_writer_ok(&cw) || !tlv_parse(buf, cw.len, &t)) {
        w->overflow = true;
        return;
    }
    tlv_put(w, 0xA8, t.value, t.len);
}

void eimt_eco_delete_eim(struct tlv_writer *w, const char *eim_id)
{
    tlv_open(w, 0xA9);
    put_str(w, 0x80, eim_id);
    tlv_close(w);
}

void eimt_eco_update_eim(struct tlv_writer *w, const char *eim_id, const char *fqdn,
                         bool has_counter, uint64_t counter)
{
    tlv_open(w, 0xAA);
    put_str(w, 0x80, eim_id);
    if (fqdn)
        put_str(w, 0x81, fqdn);
    if (has_counter)
        tlv_put_uint(w, 0x83, counter);
    tlv_close(w);
}

void eimt_eco_list_eim(struct tlv_writer *w)
{
    tlv_put(w, 0xAB, NULL, 0);
}

size_t eimt_package(struct eimt *e, bool eco, const uint8_t *items, size_t items_len,
                    const uint8_t *tx_id, size_t tx_len, enum eimt_fault fault,
                    uint8_t *out, size_t cap)
{
    struct tlv_writer w;
    uint8_t eid[16];
    uint8_t sig[64];
    uint64_t counter = fault == EIMT_FAULT_OLD_COUNTER ? e->counter : e->counter + 1;
    memcpy(eid, e->eid, sizeof eid);
    if (fault == EIMT_FAULT_WRONG_EID)
        eid[15] ^= 0x01;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF51);
    size_t at = w.len;
    tlv_open(&w, 0x30);
    put_str(&w, 0x80, fault == EIMT_FAULT_UNKNOWN_EIM ? "unknown-eim" : e->id);
    tlv_put(&w, 0x5A, eid, sizeof eid);
    tlv_put_uint(&w, 0x81, counter);
    if (tx_id)
        tlv_put(&w, 0x82, tx_id, tx_len);
    tlv_put(&w, eco ? 0xA1 : 0xA0, items, items_len);
    tlv_close(&w);
    if (w.overflow)
        return 0;
    size_t mlen;
    int64_t token = fault == EIMT_FAULT_WRONG_TOKEN ? e->token + 1 : e->token;
    uint8_t *m = tlv_dup_with_int(out + at, w.len - at, 0x84, token, &mlen);
    int rc = m ? ecdsa_sign_raw(e->key, m, mlen, sig) : -1;
    free(m);
    if (rc != 0)
        return 0;
    if (fault == EIMT_FAULT_BAD_SIGNATURE)
        sig[10] ^= 0x01;
    tlv_put(&w, 0x5F37, sig, sizeof sig);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return 0;
    if (fault != EIMT_FAULT_OLD_COUNTER)
        e->counter = counter;
    return w.len;
}

/* 30 data + 5F37 signature of a signed kind. */
static int parse_signed(const struct tlv *alt, const EVP_PKEY *pk, int64_t token,
                        struct eimt_result *o)
{
    struct tlv_cursor c, dc;
    struct tlv data, sig, f;
    if (!tlv_enter(alt, &c) || !tlv_next(&c, &data) || data.tag != 0x30 ||
        !tlv_next(&c, &sig) || sig.tag != 0x5F37 || !tlv_enter(&data, &dc))
        return -1;
    size_t mlen;
    uint8_t *m = tlv_dup_with_int(data.raw, data.raw_len, 0x84, token, &mlen);
    o->sig_ok = m && pk && ecdsa_verify_raw(pk, m, mlen, sig.value, sig.len);
    free(m);
    bool has_id = false, has_counter = false, has_tail = false;
    while (tlv_next(&dc, &f)) {
        if (f.tag == 0x80 && f.len <= EIMT_ID_MAX) {
            memcpy(o->eim_id, f.value, f.len);
            has_id = true;
        } else if (f.tag == 0x81) {
            has_counter = tlv_get_u64(f.value, f.len, &o->counter);
        } else if (f.tag == 0x82 && f.len <= sizeof o->tx) {
            memcpy(o->tx, f.value, f.len);
            o->tx_len = f.len;
            o->has_tx = true;
        } else if (f.tag == 0x83 && o->kind == EIMT_RESULT_SIGNED) {
            uint32_t v;
            if (!tlv_get_uint(f.value, f.len, &v))
                return -1;
            o->seq = v;
        } else if (f.tag == 0x30 && o->kind == EIMT_RESULT_SIGNED) {
            o->results = f.value;
            o->results_len = f.len;
            has_tail = true;
        } else if (f.tag == 0x02 && o->kind == EIMT_ERROR_SIGNED) {
            if (!tlv_get_int(f.value, f.len, &o->code))
                return -1;
            has_tail = true;
        } else {
            return -1;
        }
    }
    return !dc.error && has_id && has_counter && has_tail ? 0 : -1;
}

int eimt_parse_result(const uint8_t *p, size_t len, const EVP_PKEY *euicc_pk, int64_t token,
                      struct eimt_result *out)
{
    struct tlv top, alt, f;
    struct tlv_cursor c;
    memset(out, 0, sizeof *out);
    out->code = -1;
    if (!tlv_parse(p, len, &top) || top.raw_len != len || top.tag != 0xBF51 ||
        !tlv_parse(top.value, top.len, &alt) || alt.raw_len != top.len)
        return -1;
    switch (alt.tag) {
    case 0xA0:
        out->kind = EIMT_RESULT_SIGNED;
        return parse_signed(&alt, euicc_pk, token, out);
    case 0xA1:
        out->kind = EIMT_ERROR_SIGNED;
        return parse_signed(&alt, euicc_pk, token, out);
    case 0xA2:
        out->kind = EIMT_ERROR_UNSIGNED;
        if (!tlv_enter(&alt, &c))
            return -1;
        while (tlv_next(&c, &f)) {
            if (f.tag == 0x80 && f.len <= EIMT_ID_MAX) {
                memcpy(out->eim_id, f.value, f.len);
            } else if (f.tag == 0x82 && f.len <= sizeof out->tx) {
                memcpy(out->tx, f.value, f.len);
                out->tx_len = f.len;
                out->has_tx = true;
            } else if (f.tag == 0x84) {
                if (!tlv_get_int(f.value, f.len, &out->token))
                    return -1;
                out->has_token = true;
            } else if (f.tag == 0x8F) {
                if (!tlv_get_int(f.value, f.len, &out->code))
                    return -1;
            } else {
                return -1;
            }
        }
        return c.error ? -1 : 0;
    default:
        return -1;
    }
}

bool eimt_result_item(const struct eimt_result *r, size_t n, uint32_t *tag,
                      const uint8_t **value, size_t *len)
{
    struct tlv_cursor c;
    struct tlv t;
    if (!r->results)
        return false;
    tlv_cursor_init(&c, r->results, r->results_len);
    for (size_t i = 0; tlv_next(&c, &t); i++) {
        if (i == n) {
            *tag = t.tag;
            *value = t.value;
            *len = t.len;
            return true;
        }
    }
    return false;
}

bool eimt_result_code(const struct eimt_result *r, size_t n, uint32_t tag, int64_t *code)
{
    uint32_t t;
    const uint8_t *v;
    size_t len;
    return eimt_result_item(r, n, &t, &v, &len) && t == tag && tlv_get_int(v, len, code);
}

/* ---- the one decoder table of result names (SGP.32 v1.2 ASN.1) ---- */

struct code_name {
    int64_t code;
    const char *name;
};

#define CODES(...) (const struct code_name[]){ __VA_ARGS__, { -1, NULL } }

static const struct {
    uint32_t tag;
    const char *name;                 /* EuiccResultData alternative, or NULL */
    const struct code_name *codes;    /* {-1, NULL} terminated */
} result_names[] = {
    { 0x83, "enableResult", CODES({ 0, "ok" }, { 1, "iccidOrAidNotFound" },
        { 2, "profileNotInDisabledState" }, { 3, "disallowedByPolicy" }, { 5, "catBusy" },
        { 20, "rollbackNotAvailable" }, { 127, "undefinedError" }) },
    { 0x84, "disableResult", CODES({ 0, "ok" }, { 1, "iccidOrAidNotFound" },
        { 2, "profileNotInEnabledState" }, { 3, "disallowedByPolicy" }, { 5, "catBusy" },
        { 127, "undefinedError" }) },
    { 0x85, "deleteResult", CODES({ 0, "ok" }, { 1, "iccidOrAidNotFound" },
        { 2, "profileNotInDisabledState" }, { 3, "disallowedByPolicy" },
        { 20, "rollbackNotAvailable" }, { 21, "returnFallbackProfile" },
        { 127, "undefinedError" }) },
    { 0xBF2D, "listProfileInfoResult", CODES({ 1, "incorrectInputValues" },
        { 11, "profileChangeOngoing" }, { 127, "undefinedError" }) },
    { 0xA6, "getRATResult", CODES({ 127, "undefinedError" }) },
    { 0x87, "configureImmediateEnableResult", CODES({ 0, "ok" }, { 1, "insufficientMemory" },
        { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0xA8, "addEimResult", CODES({ 0, "ok" }, { 1, "insufficientMemory" },
        { 2, "associatedEimAlreadyExists" }, { 3, "ciPKUnknown" },
        { 5, "invalidAssociationToken" }, { 6, "counterValueOutOfRange" },
        { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0x89, "deleteEimResult", CODES({ 0, "ok" }, { 1, "eimNotFound" },
        { 2, "lastEimDeleted" }, { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0x8A, "updateEimResult", CODES({ 0, "ok" }, { 1, "eimNotFound" }, { 3, "ciPKUnknown" },
        { 6, "counterValueOutOfRange" }, { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0xAB, "listEimResult", CODES({ 127, "undefinedError" }) },
    { 0x8C, "rollbackResult", CODES({ 0, "ok" }, { 127, "undefinedError" }) },
    { 0x8D, "setFallbackAttributeResult", CODES({ 0, "ok" }, { 1, "iccidOrAidNotFound" },
        { 2, "fallbackNotAllowed" }, { 3, "fallbackProfileEnabled" },
        { 127, "undefinedError" }) },
    { 0x8E, "unsetFallbackAttributeResult", CODES({ 0, "ok" }, { 2, "noFallbackAttribute" },
        { 3, "fallbackProfileEnabled" }, { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0x02, "processingTerminated", CODES({ 1, "resultSizeOverflow" },
        { 2, "unknownOrDamagedCommand" }, { 3, "interruption" }, { 127, "undefinedError" }) },
    { 0xBF65, "setDefaultDpAddressResult", CODES({ 0, "ok" }, { 127, "undefinedError" }) },
    /* the IPA's ES10b functions (not EuiccResultData: no alternative name), by the tag
     * of their response */
    { 0xBF5D, NULL, CODES({ 0, "ok" }, { 2, "profileNotInDisabledState" }, { 5, "catBusy" },
        { 6, "fallbackNotAvailable" }, { 7, "commandError" }, { 104, "ecallActive" },
        { 127, "undefinedError" }) },
    { 0xBF5E, NULL, CODES({ 0, "ok" }, { 5, "catBusy" }, { 6, "fallbackNotAvailable" },
        { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0xBF5B, NULL, CODES({ 0, "ok" }, { 2, "profileNotInDisabledState" }, { 5, "catBusy" },
        { 8, "ecallNotAvailable" }, { 127, "undefinedError" }) },
    { 0xBF5C, NULL, CODES({ 0, "ok" }, { 2, "profileNotInEnabledState" }, { 5, "catBusy" },
        { 8, "ecallNotAvailable" }, { 127, "undefinedError" }) },
    { 0xBF58, NULL, CODES({ 0, "ok" }, { 1, "rollbackNotAllowed" }, { 5, "catBusy" },
        { 7, "commandError" }, { 127, "undefinedError" }) },
    { 0xBF5F, NULL, CODES({ 1, "parametersNotAvailable" }, { 127, "undefinedError" }) },
    { 0xBF5A, NULL, CODES({ 0, "ok" }, { 1, "immediateEnableNotAvailable" },
        { 4, "noSessionContext" }, { 5, "catBusy" }, { 127, "undefinedError" }) },
    { EIMT_CODE_PACKAGE_ERROR, NULL, CODES({ 3, "invalidEid" }, { 4, "replayError" },
        { 6, "counterValueOutOfRange" }, { 15, "sizeOverflow" }, { 104, "ecallActive" },
        { 127, "undefinedError" }) },
    { EIMT_CODE_UNSIGNED_ERROR, NULL, CODES({ 15, "sizeOverflow" },
        { 127, "undefinedError" }) },
};

const char *eimt_result_data_name(uint32_t tag)
{
    for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
        if (result_names[i].tag == tag)
            return result_names[i].name;
    return NULL;
}

const char *eimt_code_name(uint32_t tag, int64_t code)
{
    for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++) {
        if (result_names[i].tag != tag)
            continue;
        for (const struct code_name *c = result_names[i].codes; c->name; c++)
            if (c->code == code)
                return c->name;
    }
    return "unknown";
}

/* ---- CERT.EUICC → CERT.EUM → CI ---- */

/* A certificate sent with an implicit tag (A5/A6) as a DER Certificate (30). */
static X509 *retagged_cert(const struct tlv *t, uint8_t **der, size_t *der_len)
{
    size_t cap = t->len + 8;
    struct tlv_writer w;
    *der = malloc(cap);
    if (!*der || !t->constructed)
        return NULL;
    tlv_writer_init(&w, *der, cap);
    tlv_put(&w, 0x30, t->value, t->len);
    *der_len = w.len;
    return tlv_writer_ok(&w) ? x509_from_der(*der, w.len) : NULL;
}

/* The EID of CERT.EUICC (subject serialNumber): the card's, inside the EUM's range. */
static bool eid_ok(X509 *euicc, X509 *eum, const uint8_t eid[16])
{
    char s[64], permitted[64], want[33];
    if (x509_subject_serial(euicc, s, sizeof s) != 32)
        return false;
    int pc = x509_permitted_serial(eum, permitted, sizeof permitted);
    if (pc < 0 || (pc == 1 && strncmp(s, permitted, strlen(permitted)) != 0))
        return false;
    if (!eid)
        return true;
    for (size_t i = 0; i < 16; i++)
        snprintf(want + 2 * i, 3, "%02X", eid[i]);
    return strcmp(s, want) == 0;             /* EIDs are decimal digits */
}

enum eimt_chain eimt_check_euicc_certs(const uint8_t *p, size_t len, X509 *ci,
                                       const uint8_t eid[16], EVP_PKEY **pk)
{
    struct tlv top, a0, t_eum, t_euicc;
    uint8_t *eum_der = NULL, *euicc_der = NULL;
    size_t eum_len = 0, euicc_len = 0;
    X509 *eum = NULL, *euicc = NULL;
    enum eimt_chain rc = EIMT_CHAIN_MALFORMED;
    *pk = NULL;
    if (!tlv_parse(p, len, &top) || top.raw_len != len || top.tag != 0xBF56 ||
        !tlv_find(top.value, top.len, 0xA0, &a0) ||
        !tlv_find(a0.value, a0.len, 0xA5, &t_eum) || !tlv_find(a0.value, a0.len, 0xA6, &t_euicc))
        return rc;
    eum = retagged_cert(&t_eum, &eum_der, &eum_len);
    euicc = retagged_cert(&t_euicc, &euicc_der, &euicc_len);
    if (!eum || !euicc || !ci)
        goto out;
    rc = EIMT_CHAIN_EUM;
    if (!x509_has_policy(eum, OID_RSP_ROLE_EUM) || !x509_is_ca(eum))
        goto out;
    const uint8_t *others[1] = { eum_der };
    enum cert_check cc = cert_check_smdp(euicc_der, euicc_len, OID_RSP_ROLE_EUICC, ci, others,
                                         &eum_len, 1, pk, NULL, NULL);
    if (cc != CERT_OK) {
        /* the walk above checked both links; name the one that fails */
        rc = x509_signed_by(eum, ci) ? EIMT_CHAIN_EUICC : EIMT_CHAIN_EUM;
        goto out;
    }
    rc = eid_ok(euicc, eum, eid) ? EIMT_CHAIN_OK : EIMT_CHAIN_EID;
out:
    if (rc != EIMT_CHAIN_OK) {
        EVP_PKEY_free(*pk);
        *pk = NULL;
    }
    X509_free(eum);
    X509_free(euicc);
    free(eum_der);
    free(euicc_der);
    return rc;
}

const char *eimt_chain_reason(enum eimt_chain c)
{
    switch (c) {
    case EIMT_CHAIN_OK: return "CERT.EUICC chains to the trusted CI";
    case EIMT_CHAIN_MALFORMED: return "the GetCerts answer or a certificate does not decode";
    case EIMT_CHAIN_EUM: return "CERT.EUM is not an EUM certificate issued by the trusted CI";
    case EIMT_CHAIN_EUICC: return "CERT.EUICC is not an eUICC certificate issued by CERT.EUM";
    case EIMT_CHAIN_EID: return "the EID of CERT.EUICC is not the card's or outside the "
                                "EUM's range";
    default: return "unknown";
    }
}
