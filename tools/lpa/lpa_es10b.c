/* tools/lpa/lpa_es10b.c — ES10b notifications and download results, LPA side (see
 * lpa_es10b.h). */
#include "tools/lpa/lpa_es10b.h"

#include <string.h>

#include "card/tlv.h"

/* The number of the first set bit of a BIT STRING value (unused-bits octet first), or
 * -1 when none is set or the encoding is wrong. */
static int first_bit(const struct tlv *t)
{
    if (t->constructed || t->len < 1 || t->value[0] > 7 || (t->len == 1 && t->value[0]))
        return -1;
    for (size_t i = 1; i < t->len; i++)
        for (int b = 0; b < 8; b++)
            if (t->value[i] & (0x80 >> b))
                return (int)((i - 1) * 8) + b;
    return -1;
}

static int small_int(const struct tlv *t)
{
    int64_t v;
    if (t->constructed || !tlv_get_int(t->value, t->len, &v) || v < 0 || v > 0xFFFF)
        return -1;
    return (int)v;
}

/* BF2F NotificationMetadata {80 seq, 81 event, 0C address, 5A iccid?}. */
static bool decode_metadata(const struct tlv *bf2f, struct lpa_notification *o)
{
    struct tlv f;
    memset(o, 0, sizeof *o);
    if (bf2f->tag != 0xBF2F || !bf2f->constructed ||
        !tlv_find(bf2f->value, bf2f->len, 0x80, &f) || f.constructed ||
        !tlv_get_uint(f.value, f.len, &o->seq) ||
        !tlv_find(bf2f->value, bf2f->len, 0x81, &f) || (o->event = first_bit(&f)) < 0 ||
        !tlv_find(bf2f->value, bf2f->len, 0x0C, &f) || f.constructed ||
        f.len > LPA_ADDRESS_MAX)
        return false;
    for (size_t i = 0; i < f.len; i++)
        o->address[i] = (char)(f.value[i] < 0x20 || f.value[i] == 0x7F ? '?' : f.value[i]);
    o->address[f.len] = '\0';
    if (tlv_find(bf2f->value, bf2f->len, 0x5A, &f)) {
        if (f.constructed || f.len != LPA_ICCID_LEN)
            return false;
        memcpy(o->iccid, f.value, LPA_ICCID_LEN);
        o->has_iccid = true;
    }
    return true;
}

/* tag {A0 {entries}} | tag {81 error}: the list's TLV into *list, or the error code. */
static int open_list(uint32_t tag, const uint8_t *p, size_t len, struct tlv *list)
{
    struct tlv top, e;
    if (!tlv_parse(p, len, &top) || top.tag != tag || top.raw_len != len)
        return LPA_DECODE_ERROR;
    if (tlv_find(top.value, top.len, 0x81, &e)) {
        int code = small_int(&e);
        return code > 0 ? code : LPA_DECODE_ERROR;
    }
    if (!tlv_find(top.value, top.len, 0xA0, list) || !list->constructed)
        return LPA_DECODE_ERROR;
    return 0;
}

int lpa_list_notification_request(int event, uint8_t *out, size_t cap, size_t *len)
{
    struct tlv_writer w;
    if (event > 7)
        return -1;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF28);
    if (event >= 0)
        tlv_put_bits(&w, 0x81, 1u << event, 4);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *len = w.len;
    return 0;
}

int lpa_list_notification_decode(const uint8_t *p, size_t len, struct lpa_notification *out,
                                 size_t max, size_t *n)
{
    struct tlv list, e;
    struct tlv_cursor c;
    *n = 0;
    int rc = open_list(0xBF28, p, len, &list);
    if (rc != 0)
        return rc;
    tlv_enter(&list, &c);
    while (tlv_next(&c, &e)) {
        if (*n == max || !decode_metadata(&e, &out[*n]))
            return LPA_DECODE_ERROR;
        (*n)++;
    }
    return c.error ? LPA_DECODE_ERROR : 0;
}

int lpa_retrieve_notifications_request(bool by_seq, uint32_t seq, uint8_t *out, size_t cap,
                                       size_t *len)
{
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF2B);
    if (by_seq) {
        tlv_open(&w, 0xA0);
        tlv_put_int(&w, 0x80, seq);
        tlv_close(&w);
    }
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *len = w.len;
    return 0;
}

/* The BF2F of a PendingNotification: BF37 {BF27 {…, BF2F, …}, 5F37} or 30 {BF2F, …}. */
static bool pending_metadata(const struct tlv *e, struct lpa_pending *o)
{
    struct tlv data, meta;
    memset(o, 0, sizeof *o);
    o->tlv = e->raw;
    o->tlv_len = e->raw_len;
    if (e->tag == 0xBF37) {
        o->is_pir = true;
        if (!tlv_find(e->value, e->len, 0xBF27, &data) ||
            !tlv_find(data.value, data.len, 0xBF2F, &meta))
            return false;
    } else if (e->tag != 0x30 || !tlv_find(e->value, e->len, 0xBF2F, &meta)) {
        return false;
    }
    return decode_metadata(&meta, &o->meta);
}

int lpa_retrieve_notifications_decode(const uint8_t *p, size_t len, struct lpa_pending *out,
                                      size_t max, size_t *n)
{
    struct tlv list, e;
    struct tlv_cursor c;
    *n = 0;
    int rc = open_list(0xBF2B, p, len, &list);
    if (rc != 0)
        return rc;
    tlv_enter(&list, &c);
    while (tlv_next(&c, &e)) {
        if (*n == max || !pending_metadata(&e, &out[*n]))
            return LPA_DECODE_ERROR;
        (*n)++;
    }
    return c.error ? LPA_DECODE_ERROR : 0;
}

int lpa_notification_sent_request(uint32_t seq, uint8_t *out, size_t cap, size_t *len)
{
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF30);
    tlv_put_int(&w, 0x80, seq);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *len = w.len;
    return 0;
}

int lpa_notification_sent_result(const uint8_t *p, size_t len)
{
    struct tlv top, r;
    if (!tlv_parse(p, len, &top) || top.tag != 0xBF30 || top.raw_len != len ||
        !tlv_find(top.value, top.len, 0x80, &r))
        return LPA_DECODE_ERROR;
    return small_int(&r);
}

int lpa_pir_decode(const uint8_t *p, size_t len, struct lpa_pir *out)
{
    struct tlv bf37, data, meta, fr, res, f;
    int64_t v;
    memset(out, 0, sizeof *out);
    if (!tlv_parse(p, len, &bf37) || bf37.tag != 0xBF37 || bf37.raw_len != len ||
        !tlv_find(bf37.value, bf37.len, 0xBF27, &data) ||
        !tlv_find(data.value, data.len, 0xBF2F, &meta) ||
        !decode_metadata(&meta, &out->meta) ||
        !tlv_find(data.value, data.len, 0xA2, &fr) || !fr.constructed)
        return LPA_DECODE_ERROR;
    if (tlv_find(fr.value, fr.len, 0xA0, &res)) {
        if (!tlv_find(res.value, res.len, 0x4F, &f) || f.constructed || f.len == 0 ||
            f.len > LPA_AID_MAX)
            return LPA_DECODE_ERROR;
        memcpy(out->aid, f.value, f.len);
        out->aid_len = f.len;
        out->success = true;
        return 0;
    }
    if (!tlv_find(fr.value, fr.len, 0xA1, &res) ||
        !tlv_find(res.value, res.len, 0x80, &f) || f.constructed ||
        !tlv_get_int(f.value, f.len, &v))
        return LPA_DECODE_ERROR;
    out->bpp_command_id = v;
    if (!tlv_find(res.value, res.len, 0x81, &f) || f.constructed ||
        !tlv_get_int(f.value, f.len, &v))
        return LPA_DECODE_ERROR;
    out->error_reason = v;
    return 0;
}

int lpa_es10b_error_code(uint32_t tag, const uint8_t *p, size_t len)
{
    struct tlv top, e, c;
    if (!tlv_parse(p, len, &top) || top.tag != tag || top.raw_len != len ||
        !top.constructed)
        return LPA_DECODE_ERROR;
    if (tlv_find(top.value, top.len, 0xA0, &e))
        return 0;
    if (!tlv_find(top.value, top.len, 0xA1, &e) || !tlv_find(e.value, e.len, 0x02, &c))
        return LPA_DECODE_ERROR;
    int code = small_int(&c);
    return code > 0 ? code : LPA_DECODE_ERROR;
}

const char *lpa_notification_event_name(int event)
{
    static const char *const names[] = { "install", "enable", "disable", "delete" };
    return event >= 0 && event < 4 ? names[event] : "unknown";
}

const char *lpa_notification_sent_result_name(int code)
{
    switch (code) {
    case 0: return "ok";
    case 1: return "nothingToDelete";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

const char *lpa_notification_list_error_name(int code)
{
    switch (code) {
    case 1: return "noResult";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

const char *lpa_authenticate_error_name(int code)
{
    static const char *const names[] = {
        NULL, "invalidCertificate", "invalidSignature", "unsupportedCurve",
        "noSessionContext", "invalidOid", "euiccChallengeMismatch", "ciPKUnknown",
        "transactionIdError", "missingCrlError", "invalidCrlSignature", "revokedCert",
        "invalidCertOrCrlTime", "invalidCertOrCrlConfiguration", "invalidIccid",
    };
    if (code == 127)
        return "undefinedError";
    return code > 0 && code < (int)(sizeof names / sizeof names[0]) ? names[code] : "unknown";
}

const char *lpa_download_error_name(int code)
{
    static const char *const names[] = {
        NULL, "invalidCertificate", "invalidSignature", "unsupportedCurve",
        "noSessionContext", "invalidTransactionId",
    };
    if (code == 127)
        return "undefinedError";
    return code > 0 && code < (int)(sizeof names / sizeof names[0]) ? names[code] : "unknown";
}

const char *lpa_bpp_command_name(int64_t id)
{
    static const char *const names[] = {
        "initialiseSecureChannel", "configureISDP", "storeMetadata", "storeMetadata2",
        "replaceSessionKeys", "loadProfileElements",
    };
    return id >= 0 && id < (int64_t)(sizeof names / sizeof names[0]) ? names[id] : "unknown";
}

const char *lpa_error_reason_name(int64_t reason)
{
    static const char *const names[] = {
        NULL, "incorrectInputValues", "invalidSignature", "invalidTransactionId",
        "unsupportedCrtValues", "unsupportedRemoteOperationType", "unsupportedProfileClass",
        "bspStructureError", "bspSecurityError", "installFailedDueToIccidAlreadyExistsOnEuicc",
        "installFailedDueToInsufficientMemoryForProfile", "installFailedDueToInterruption",
        "installFailedDueToPEProcessingError", "installFailedDueToDataMismatch",
        "testProfileInstallFailedDueToInvalidNaaKey", "pprNotAllowed",
    };
    if (reason == 127)
        return "installFailedDueToUnknownError";
    if (reason > 0 && reason < (int64_t)(sizeof names / sizeof names[0]))
        return names[reason];
    return "unknown";
}
