/* isd-r/eim_config.c — persistent eIM associations (see eim_config.h).
 *
 * Store layout (SID_EIM range):
 *   SID_EIM_TOKEN_COUNTER  8 octets big-endian, the last association token issued
 *                          (tokens are never reused, even after a memory reset)
 *   SID_EIM_SLOT(n)        n = 1..EIM_MAX: the record as the DER EimConfigurationData
 *                          SEQUENCE that eim_write_config(c, true) produces; reading a
 *                          record is eim_decode_config() of its value, so the stored
 *                          form and the wire form are one format.
 * SID_EIM_EPR_SEQ and SID_EIM_PKG_FIRST.. belong to euicc_package.c. */
#include "isd-r/eim_config.h"

#include <string.h>

#include <openssl/x509.h>

#include "card/store.h"
#include "card/tlv.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"
#include "isd-r/isdr_internal.h"

/* Largest stored record: every field at its maximum plus headers. */
#define EIM_RECORD_MAX (EIM_KEYDATA_MAX + EIM_TLS_MAX + EIM_ID_MAX + EIM_FQDN_MAX + 128)

/* eimSupportedProtocol: named bits eimRetrieveHttps(0) .. eimProprietary(4) */
#define EIM_PROTOCOL_BITS 5

static int load_slot(struct store *s, uint8_t slot, struct eim_config *out)
{
    uint8_t buf[EIM_RECORD_MAX];
    size_t len = 0;
    int rc = store_get(s, SID_EIM_SLOT(slot), buf, sizeof(buf), &len);
    if (rc != STORE_OK)
        return rc == STORE_ETOOSMALL ? STORE_ECORRUPT : rc;
    struct tlv t;
    if (!tlv_parse(buf, len, &t) || t.tag != 0x30 || t.raw_len != len ||
        eim_decode_config(t.value, t.len, out) != 0)
        return STORE_ECORRUPT;
    out->slot = slot;
    return STORE_OK;
}

int eim_next(struct store *s, uint8_t after, struct eim_config *out)
{
    for (unsigned slot = (unsigned)after + 1u; slot <= EIM_MAX; slot++) {
        int rc = load_slot(s, (uint8_t)slot, out);
        if (rc != STORE_ENOTFOUND)
            return rc;
    }
    return STORE_ENOTFOUND;
}

int eim_count(struct store *s, size_t *n)
{
    *n = 0;
    for (unsigned slot = 1; slot <= EIM_MAX; slot++) {
        size_t len;
        int rc = store_size(s, SID_EIM_SLOT(slot), &len);
        if (rc == STORE_OK)
            (*n)++;
        else if (rc != STORE_ENOTFOUND)
            return rc;
    }
    return STORE_OK;
}

int eim_find(struct store *s, const char *eim_id, size_t len, struct eim_config *out)
{
    uint8_t after = 0;
    int rc;
    while ((rc = eim_next(s, after, out)) == STORE_OK) {
        if (out->eim_id_len == len && memcmp(out->eim_id, eim_id, len) == 0)
            return STORE_OK;
        after = out->slot;
    }
    return rc;
}

int eim_save(struct store *s, struct eim_config *c)
{
    if (c->slot > EIM_MAX)
        return STORE_EINVAL;
    uint8_t slot = c->slot;
    if (slot == 0) {
        for (unsigned i = 1; i <= EIM_MAX && slot == 0; i++) {
            size_t len;
            int rc = store_size(s, SID_EIM_SLOT(i), &len);
            if (rc == STORE_ENOTFOUND)
                slot = (uint8_t)i;
            else if (rc != STORE_OK)
                return rc;
        }
        if (slot == 0)
            return STORE_EFULL;
    }
    uint8_t buf[EIM_RECORD_MAX];
    struct tlv_writer w;
    tlv_writer_init(&w, buf, sizeof(buf));
    eim_write_config(c, true, &w);
    if (!tlv_writer_ok(&w))
        return STORE_EINVAL;
    int rc = store_put(s, SID_EIM_SLOT(slot), buf, w.len);
    if (rc == STORE_OK)
        c->slot = slot;
    return rc;
}

int eim_delete(struct store *s, uint8_t slot)
{
    if (slot == 0 || slot > EIM_MAX)
        return STORE_EINVAL;
    return store_delete(s, SID_EIM_SLOT(slot));
}

int eim_delete_all(struct store *s)
{
    return store_delete_range(s, SID_EIM_SLOT(1), SID_EIM_SLOT(EIM_MAX));
}

int eim_next_association_token(struct store *s, int64_t *token)
{
    uint8_t v[8];
    size_t len = 0;
    uint64_t last = 0;
    int rc = store_get(s, SID_EIM_TOKEN_COUNTER, v, sizeof(v), &len);
    if (rc == STORE_OK && len == sizeof(v)) {
        for (size_t i = 0; i < sizeof(v); i++)
            last = (last << 8) | v[i];
    } else if (rc != STORE_ENOTFOUND) {
        return rc == STORE_OK ? STORE_ECORRUPT : rc;
    }
    if (last >= (uint64_t)INT64_MAX)
        return STORE_EFULL;
    last++;
    for (size_t i = 0; i < sizeof(v); i++)
        v[i] = (uint8_t)(last >> (8 * (7 - i)));
    rc = store_put(s, SID_EIM_TOKEN_COUNTER, v, sizeof(v));
    if (rc == STORE_OK)
        *token = (int64_t)last;
    return rc;
}

EVP_PKEY *eim_public_key(const struct eim_config *c)
{
    if (c->key_len == 0 || c->key_len > sizeof(c->key))
        return NULL;
    const unsigned char *p = c->key;
    if (c->key_kind == EIM_KEY_PUBLIC_KEY) {
        EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)c->key_len);
        if (k && p != c->key + c->key_len) {
            EVP_PKEY_free(k);
            return NULL;
        }
        return k;
    }
    X509 *x = d2i_X509(NULL, &p, (long)c->key_len);
    if (!x)
        return NULL;
    EVP_PKEY *k = p == c->key + c->key_len ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    return k;
}

/* Write DER whose outer 30 is replaced by tag (an implicitly tagged CHOICE alternative). */
static void put_retagged(struct tlv_writer *w, uint32_t tag, const uint8_t *der, size_t len)
{
    struct tlv t;
    if (!tlv_parse(der, len, &t) || t.raw_len != len) {
        w->overflow = true;
        return;
    }
    tlv_put(w, tag, t.value, t.len);
}

void eim_write_config(const struct eim_config *c, bool with_keys, struct tlv_writer *w)
{
    tlv_open(w, 0x30);
    tlv_put(w, 0x80, (const uint8_t *)c->eim_id, c->eim_id_len);
    size_t fl = strnlen(c->fqdn, sizeof(c->fqdn));
    if (fl)
        tlv_put(w, 0x81, (const uint8_t *)c->fqdn, fl);
    if (c->has_id_type)
        tlv_put_int(w, 0x82, c->id_type);
    if (c->has_counter) {
        /* DER INTEGER of an unsigned 64-bit value: a leading 00 when the top bit is set */
        uint8_t v[9];
        size_t n = 0;
        int i = 7;
        while (i > 0 && ((c->counter >> (8 * i)) & 0xFF) == 0)
            i--;
        if ((c->counter >> (8 * i)) & 0x80)
            v[n++] = 0;
        for (; i >= 0; i--)
            v[n++] = (uint8_t)(c->counter >> (8 * i));
        tlv_put(w, 0x83, v, n);
    }
    if (c->has_token)
        tlv_put_int(w, 0x84, c->association_token);
    if (with_keys && c->key_len) {
        tlv_open(w, 0xA5);
        put_retagged(w, c->key_kind == EIM_KEY_PUBLIC_KEY ? 0xA0 : 0xA1, c->key, c->key_len);
        tlv_close(w);
    }
    if (with_keys && c->tls_len)
        tlv_put_raw(w, c->tls, c->tls_len);
    if (c->has_protocol)
        tlv_put_bits(w, 0x87, c->protocol, EIM_PROTOCOL_BITS);
    if (c->has_ci_pkid)
        tlv_put(w, 0x88, c->ci_pkid, sizeof(c->ci_pkid));
    if (c->indirect_download)
        tlv_put(w, 0x89, NULL, 0);
    tlv_close(w);
}

/* counterValue: a non-negative INTEGER that fits 64 bits. 0, malformed or range. */
static int get_counter(const uint8_t *v, size_t len, uint64_t *out)
{
    if (len == 0)
        return EIM_DECODE_EMALFORMED;
    return tlv_get_u64(v, len, out) ? 0 : EIM_DECODE_ECOUNTER;
}

/* A5 { A0 SPKI | A1 Certificate }: keep the alternative and the DER with 30 restored. */
static bool get_key_data(const struct tlv *t, struct eim_config *c)
{
    struct tlv alt;
    if (!t->constructed || !tlv_parse(t->value, t->len, &alt) || alt.raw_len != t->len)
        return false;
    if ((alt.tag != 0xA0 && alt.tag != 0xA1) || alt.raw_len > sizeof(c->key))
        return false;
    memcpy(c->key, alt.raw, alt.raw_len);
    c->key[0] = 0x30;
    c->key_len = alt.raw_len;
    c->key_kind = alt.tag == 0xA0 ? EIM_KEY_PUBLIC_KEY : EIM_KEY_CERTIFICATE;
    EVP_PKEY *k = eim_public_key(c);
    if (!k)
        return false;
    EVP_PKEY_free(k);
    return true;
}

/* A6 { A0 SPKI | A1 Certificate }: kept as received (raw TLV), shape checked. */
static bool get_tls_data(const struct tlv *t, struct eim_config *c)
{
    struct tlv alt;
    if (!t->constructed || !tlv_parse(t->value, t->len, &alt) || alt.raw_len != t->len ||
        (alt.tag != 0xA0 && alt.tag != 0xA1) || t->raw_len > sizeof(c->tls))
        return false;
    memcpy(c->tls, t->raw, t->raw_len);
    c->tls_len = t->raw_len;
    return true;
}

int eim_decode_config(const uint8_t *p, size_t len, struct eim_config *out)
{
    memset(out, 0, sizeof(*out));
    struct tlv_cursor cur;
    struct tlv t;
    uint32_t seen = 0;
    tlv_cursor_init(&cur, p, len);
    while (tlv_next(&cur, &t)) {
        unsigned bit = (t.tag & 0x1Fu);
        bool ctx = (t.tag & 0xC0u) == 0x80u && t.tag <= 0xFF;
        if (ctx && bit <= 10) {
            if (seen & (1u << bit))
                return EIM_DECODE_EMALFORMED;
            seen |= 1u << bit;
        }
        size_t chars;
        int64_t i64;
        uint32_t bits;
        switch (t.tag) {
        case 0x80:
            if (t.len < 1 || t.len > EIM_ID_MAX || !isdr_utf8_valid(t.value, t.len, &chars))
                return EIM_DECODE_EMALFORMED;
            memcpy(out->eim_id, t.value, t.len);
            out->eim_id_len = t.len;
            break;
        case 0x81:
            if (t.len > EIM_FQDN_MAX || !isdr_utf8_valid(t.value, t.len, &chars) ||
                memchr(t.value, 0, t.len))
                return EIM_DECODE_EMALFORMED;
            memcpy(out->fqdn, t.value, t.len);
            break;
        case 0x82:
            if (!tlv_get_int(t.value, t.len, &i64) || i64 < 1 || i64 > 3)
                return EIM_DECODE_EMALFORMED;
            out->has_id_type = true;
            out->id_type = (uint8_t)i64;
            break;
        case 0x83: {
            int rc = get_counter(t.value, t.len, &out->counter);
            if (rc)
                return rc;
            out->has_counter = true;
            break;
        }
        case 0x84:
            if (!tlv_get_int(t.value, t.len, &out->association_token))
                return EIM_DECODE_EMALFORMED;
            out->has_token = true;
            break;
        case 0xA5:
            if (!get_key_data(&t, out))
                return EIM_DECODE_EMALFORMED;
            break;
        case 0xA6:
            if (!get_tls_data(&t, out))
                return EIM_DECODE_EMALFORMED;
            break;
        case 0x87:
            if (!isdr_get_bits(t.value, t.len, &bits))
                return EIM_DECODE_EMALFORMED;
            out->has_protocol = true;
            out->protocol = (uint8_t)(bits & ((1u << EIM_PROTOCOL_BITS) - 1u));
            break;
        case 0x88:
            if (t.len != sizeof(out->ci_pkid))
                return EIM_DECODE_EMALFORMED;
            memcpy(out->ci_pkid, t.value, t.len);
            out->has_ci_pkid = true;
            break;
        case 0x89:
            if (t.len != 0)
                return EIM_DECODE_EMALFORMED;
            out->indirect_download = true;
            break;
        default:
            /* primitive-form mismatches of known tags and extensions (AA …) */
            if (ctx && bit <= 9)
                return EIM_DECODE_EMALFORMED;
            break;
        }
    }
    if (cur.error || !(seen & 1u))
        return EIM_DECODE_EMALFORMED;
    return 0;
}

EVP_PKEY *eim_trusted_key(const struct eim_config *c, const struct ecasd *e)
{
    if (c->has_ci_pkid && ecasd_ci_find(e, c->ci_pkid, sizeof(c->ci_pkid)) < 0)
        return NULL;
    if (c->key_kind == EIM_KEY_PUBLIC_KEY)
        return eim_public_key(c);
    X509 *x = x509_from_der(c->key, c->key_len);
    if (!x)
        return NULL;
    uint8_t aki[PKID_LEN];
    EVP_PKEY *k = NULL;
    int ci = x509_aki(x, aki, sizeof(aki)) == PKID_LEN ? ecasd_ci_find(e, aki, PKID_LEN) : -1;
    if (ci >= 0) {
        X509 *root = ecasd_ci_cert(e, (size_t)ci);
        if (root && x509_signed_by(x, root))
            k = X509_get_pubkey(x);
    }
    X509_free(x);
    return k;
}
