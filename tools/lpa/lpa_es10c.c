/* tools/lpa/lpa_es10c.c — ES10c profile management, LPA side (see lpa_es10c.h). */
#include "tools/lpa/lpa_es10c.h"

#include <string.h>

#include "card/tlv.h"

#define TAG_PROFILE_INFO 0xE3
#define TAG_STATE        0x9F70

int lpa_iccid_from_string(const char *s, uint8_t out[LPA_ICCID_LEN])
{
    size_t n = strlen(s);
    if (n != 19 && n != 20)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    for (size_t i = 0; i < LPA_ICCID_LEN; i++) {
        uint8_t lo = (uint8_t)(s[2 * i] - '0');
        uint8_t hi = 2 * i + 1 < n ? (uint8_t)(s[2 * i + 1] - '0') : 0x0F;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int lpa_iccid_to_string(const uint8_t iccid[LPA_ICCID_LEN], char out[LPA_ICCID_STR])
{
    size_t k = 0;
    bool padded = false;
    for (size_t i = 0; i < (size_t)2 * LPA_ICCID_LEN; i++) {
        uint8_t d = (uint8_t)(i % 2 ? iccid[i / 2] >> 4 : iccid[i / 2] & 0x0F);
        if (d == 0x0F) {
            padded = true;
            continue;
        }
        if (d > 9 || padded) {
            out[0] = '\0';
            return -1;
        }
        out[k++] = (char)('0' + d);
    }
    out[k] = '\0';
    return 0;
}

int lpa_get_profiles_info_request(uint8_t *out, size_t cap, size_t *len)
{
    static const uint8_t tags[] = { 0x5A, 0x4F, 0x9F, 0x70, 0x90, 0x91, 0x92, 0x95 };
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF2D);
    tlv_put(&w, 0x5C, tags, sizeof tags);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *len = w.len;
    return 0;
}

/* UTF8String value → NUL-terminated text of at most LPA_NAME_MAX octets, control
 * characters shown as '?'. */
static void copy_text(char *dst, const struct tlv *t)
{
    size_t n = t->len > LPA_NAME_MAX ? LPA_NAME_MAX : t->len;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = t->value[i];
        dst[i] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
    dst[n] = '\0';
}

static int small_int(const struct tlv *t)
{
    int64_t v;
    if (t->constructed || !tlv_get_int(t->value, t->len, &v) || v < 0 || v > 0xFFFF)
        return -2;
    return (int)v;
}

/* One E3 ProfileInfo. false when a field it carries is malformed. */
static bool decode_profile(const struct tlv *e3, struct lpa_profile_info *o)
{
    struct tlv_cursor c;
    struct tlv f;
    memset(o, 0, sizeof *o);
    o->state = -1;
    o->profile_class = -1;
    if (!tlv_enter(e3, &c))
        return false;
    while (tlv_next(&c, &f)) {
        switch (f.tag) {
        case 0x5A:
            if (f.len != LPA_ICCID_LEN)
                return false;
            memcpy(o->iccid, f.value, LPA_ICCID_LEN);
            o->has_iccid = true;
            break;
        case 0x4F:
            if (f.len == 0 || f.len > LPA_AID_MAX)
                return false;
            memcpy(o->aid, f.value, f.len);
            o->aid_len = f.len;
            break;
        case TAG_STATE:
            if ((o->state = small_int(&f)) < 0)
                return false;
            break;
        case 0x95:
            if ((o->profile_class = small_int(&f)) < 0)
                return false;
            break;
        case 0x90:
            copy_text(o->nickname, &f);
            break;
        case 0x91:
            copy_text(o->spn, &f);
            break;
        case 0x92:
            copy_text(o->name, &f);
            break;
        default:
            break;                      /* a tag this LPA did not ask for: ignore */
        }
    }
    return !c.error;
}

int lpa_get_profiles_info_decode(const uint8_t *p, size_t len, struct lpa_profile_info *out,
                                 size_t max, size_t *n)
{
    struct tlv top, list, e;
    struct tlv_cursor c;
    *n = 0;
    if (!tlv_parse(p, len, &top) || top.tag != 0xBF2D || top.raw_len != len)
        return LPA_DECODE_ERROR;
    if (tlv_find(top.value, top.len, 0x81, &e)) {
        int code = small_int(&e);
        return code > 0 ? code : LPA_DECODE_ERROR;
    }
    if (!tlv_find(top.value, top.len, 0xA0, &list) || !tlv_enter(&list, &c))
        return LPA_DECODE_ERROR;
    while (tlv_next(&c, &e)) {
        if (e.tag != TAG_PROFILE_INFO || *n == max || !decode_profile(&e, &out[*n]))
            return LPA_DECODE_ERROR;
        (*n)++;
    }
    return c.error ? LPA_DECODE_ERROR : 0;
}

static const uint32_t OP_TAG[] = { 0xBF31, 0xBF32, 0xBF33 };

int lpa_profile_op_request(enum lpa_profile_op op, const uint8_t iccid[LPA_ICCID_LEN],
                           bool refresh, uint8_t *out, size_t cap, size_t *len)
{
    struct tlv_writer w;
    if ((unsigned)op > LPA_OP_DELETE)
        return -1;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, OP_TAG[op]);
    if (op == LPA_OP_DELETE) {
        tlv_put(&w, 0x5A, iccid, LPA_ICCID_LEN);
    } else {
        tlv_open(&w, 0xA0);
        tlv_put(&w, 0x5A, iccid, LPA_ICCID_LEN);
        tlv_close(&w);
        tlv_put_bool(&w, 0x81, refresh);
    }
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *len = w.len;
    return 0;
}

int lpa_profile_op_result(enum lpa_profile_op op, const uint8_t *p, size_t len)
{
    struct tlv top, r;
    if ((unsigned)op > LPA_OP_DELETE || !tlv_parse(p, len, &top) || top.tag != OP_TAG[op] ||
        top.raw_len != len || !tlv_find(top.value, top.len, 0x80, &r))
        return LPA_DECODE_ERROR;
    int code = small_int(&r);
    return code < 0 ? LPA_DECODE_ERROR : code;
}

const char *lpa_profile_op_result_name(enum lpa_profile_op op, int code)
{
    switch (code) {
    case 0: return "ok";
    case 1: return "iccidOrAidNotFound";
    case 2: return op == LPA_OP_DISABLE ? "profileNotInEnabledState"
                                        : "profileNotInDisabledState";
    case 3: return "disallowedByPolicy";
    case 4: return op == LPA_OP_ENABLE ? "wrongProfileReenabling" : "unknown";
    case 5: return op == LPA_OP_DELETE ? "unknown" : "catBusy";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

const char *lpa_profile_op_name(enum lpa_profile_op op)
{
    switch (op) {
    case LPA_OP_ENABLE: return "EnableProfile";
    case LPA_OP_DISABLE: return "DisableProfile";
    case LPA_OP_DELETE: return "DeleteProfile";
    }
    return "unknown";
}

const char *lpa_profile_state_name(int state)
{
    switch (state) {
    case 0: return "disabled";
    case 1: return "enabled";
    default: return "unknown";
    }
}

const char *lpa_profile_class_name(int profile_class)
{
    switch (profile_class) {
    case 0: return "test";
    case 1: return "provisioning";
    case 2: return "operational";
    default: return "unknown";
    }
}
