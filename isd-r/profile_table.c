/* isd-r/profile_table.c — persistent profile table (records stored as ProfileInfo E3). */
#include "isd-r/profile_table.h"

#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "card/tlv.h"

#define TAG_PROFILE_INFO 0xE3u
#define TAG_ECALL        0x9F7Bu  /* ecallIndication BOOLEAN */
#define TAG_FB_ATTRIBUTE 0x9F26u  /* fallbackAttribute BOOLEAN DEFAULT FALSE */
#define TAG_FB_ALLOWED   0x9F67u  /* fallbackAllowed BOOLEAN */
#define TAG_IOT_PRIVATE  0xDF40u  /* card-private PROFILE_IOT_* octet (records only) */

static uint32_t record_id(uint8_t slot)
{
    return SID_PROFILE_FIRST + slot;
}

void profile_isdp_aid(uint8_t slot, uint8_t aid[16])
{
    static const uint8_t prefix[12] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                        0xFF, 0xFF, 0xFF, 0x89 };
    memcpy(aid, prefix, sizeof prefix);
    aid[12] = 0x00;
    aid[13] = 0x00;
    aid[14] = (uint8_t)(0x0F + slot);
    aid[15] = 0x00;
}

static bool wanted(uint32_t tag, const uint32_t *tags, size_t ntags)
{
    if (!tags)
        return true;
    for (size_t i = 0; i < ntags; i++)
        if (tags[i] == tag)
            return true;
    return false;
}

static void put_bool(struct tlv_writer *w, uint32_t tag, bool v)
{
    const uint8_t b = v ? 0xFF : 0x00;
    tlv_put(w, tag, &b, 1);
}

/* The E3 of p; with persist also the card-private field (profile_save). */
static void write_record(const struct profile_record *p, const uint32_t *tags,
                         size_t ntags, bool persist, struct tlv_writer *w)
{
    tlv_open(w, TAG_PROFILE_INFO);
    if (wanted(0x5A, tags, ntags))
        tlv_put(w, 0x5A, p->iccid, PROFILE_ICCID_LEN);
    if (wanted(0x4F, tags, ntags))
        tlv_put(w, 0x4F, p->aid, p->aid_len);
    if (wanted(0x9F70, tags, ntags))
        tlv_put_int(w, 0x9F70, p->state);
    if ((p->present & PROFILE_HAS_NICKNAME) && wanted(0x90, tags, ntags))
        tlv_put(w, 0x90, p->nickname, p->nickname_len);
    if ((p->present & PROFILE_HAS_SPN) && wanted(0x91, tags, ntags))
        tlv_put(w, 0x91, p->spn, p->spn_len);
    if ((p->present & PROFILE_HAS_NAME) && wanted(0x92, tags, ntags))
        tlv_put(w, 0x92, p->name, p->name_len);
    if ((p->present & PROFILE_HAS_ICON_TYPE) && wanted(0x93, tags, ntags))
        tlv_put_int(w, 0x93, p->icon_type);
    if ((p->present & PROFILE_HAS_ICON) && wanted(0x94, tags, ntags))
        tlv_put(w, 0x94, p->icon, p->icon_len);
    if (wanted(0x95, tags, ntags))
        tlv_put_int(w, 0x95, p->profile_class);
    if ((p->present & PROFILE_HAS_NOTIF_CFG) && wanted(0xB6, tags, ntags))
        tlv_put(w, 0xB6, p->notif_cfg, p->notif_cfg_len);
    if ((p->present & PROFILE_HAS_OWNER) && wanted(0xB7, tags, ntags))
        tlv_put(w, 0xB7, p->owner, p->owner_len);
    if ((p->present & PROFILE_HAS_DP_PROP) && wanted(0xB8, tags, ntags))
        tlv_put(w, 0xB8, p->dp_prop, p->dp_prop_len);
    if ((p->present & PROFILE_HAS_PPR) && wanted(0x99, tags, ntags))
        tlv_put_bits(w, 0x99, p->ppr, 3);
    if ((p->present & PROFILE_HAS_SSD) && wanted(0xBF22, tags, ntags))
        tlv_put(w, 0xBF22, p->ssd, p->ssd_len);
    if ((p->present & PROFILE_HAS_ECALL) && wanted(TAG_ECALL, tags, ntags))
        put_bool(w, TAG_ECALL, p->ecall_indication);
    if (p->fallback_attribute && wanted(TAG_FB_ATTRIBUTE, tags, ntags))
        put_bool(w, TAG_FB_ATTRIBUTE, true);
    if ((p->present & PROFILE_HAS_FB_ALLOWED) && wanted(TAG_FB_ALLOWED, tags, ntags))
        put_bool(w, TAG_FB_ALLOWED, p->fallback_allowed);
    if (persist && p->iot)
        tlv_put(w, TAG_IOT_PRIVATE, &p->iot, 1);
    tlv_close(w);
}

void profile_write_info(const struct profile_record *p, const uint32_t *tags,
                        size_t ntags, struct tlv_writer *w)
{
    write_record(p, tags, ntags, false, w);
}

static bool copy_field(const struct tlv *t, uint8_t *dst, size_t cap, size_t *len)
{
    if (t->len > cap)
        return false;
    memcpy(dst, t->value, t->len);
    *len = t->len;
    return true;
}

static bool small_uint(const struct tlv *t, uint32_t max, uint8_t *out)
{
    uint32_t v;
    if (!tlv_get_uint(t->value, t->len, &v) || v > max)
        return false;
    *out = (uint8_t)v;
    return true;
}

/* DER BOOLEAN: one octet 00 or FF. */
static bool der_bool(const struct tlv *t, bool *out)
{
    if (t->constructed || t->len != 1 || (t->value[0] != 0x00 && t->value[0] != 0xFF))
        return false;
    *out = t->value[0] == 0xFF;
    return true;
}

static bool decode_field(const struct tlv *t, struct profile_record *o)
{
    switch (t->tag) {
    case 0x5A:
        if (t->len != PROFILE_ICCID_LEN)
            return false;
        memcpy(o->iccid, t->value, PROFILE_ICCID_LEN);
        return true;
    case 0x4F:
        if (t->len == 0 || t->len > PROFILE_AID_MAX)
            return false;
        memcpy(o->aid, t->value, t->len);
        o->aid_len = (uint8_t)t->len;
        return true;
    case 0x9F70:
        return small_uint(t, 1, &o->state);
    case 0x90:
        o->present |= PROFILE_HAS_NICKNAME;
        return copy_field(t, o->nickname, sizeof o->nickname, &o->nickname_len);
    case 0x91:
        o->present |= PROFILE_HAS_SPN;
        return copy_field(t, o->spn, sizeof o->spn, &o->spn_len);
    case 0x92:
        o->present |= PROFILE_HAS_NAME;
        return copy_field(t, o->name, sizeof o->name, &o->name_len);
    case 0x93:
        o->present |= PROFILE_HAS_ICON_TYPE;
        return small_uint(t, 1, &o->icon_type);
    case 0x94:
        o->present |= PROFILE_HAS_ICON;
        return copy_field(t, o->icon, sizeof o->icon, &o->icon_len);
    case 0x95:
        return small_uint(t, 2, &o->profile_class);
    case 0xB6:
        o->present |= PROFILE_HAS_NOTIF_CFG;
        return copy_field(t, o->notif_cfg, sizeof o->notif_cfg, &o->notif_cfg_len);
    case 0xB7:
        o->present |= PROFILE_HAS_OWNER;
        return copy_field(t, o->owner, sizeof o->owner, &o->owner_len);
    case 0xB8:
        o->present |= PROFILE_HAS_DP_PROP;
        return copy_field(t, o->dp_prop, sizeof o->dp_prop, &o->dp_prop_len);
    case 0x99: {
        /* DER BIT STRING of at most 3 named bits: unused-bits octet + one octet */
        if (t->len == 0 || t->len > 2 || t->value[0] > 7)
            return false;
        o->present |= PROFILE_HAS_PPR;
        o->ppr = 0;
        if (t->len == 2)
            for (unsigned i = 0; i < 3; i++)
                if (t->value[1] & (0x80u >> i))
                    o->ppr |= (uint8_t)(1u << i);
        return true;
    }
    case 0xBF22:
        o->present |= PROFILE_HAS_SSD;
        return copy_field(t, o->ssd, sizeof o->ssd, &o->ssd_len);
    case TAG_ECALL:
        o->present |= PROFILE_HAS_ECALL;
        return der_bool(t, &o->ecall_indication);
    case TAG_FB_ATTRIBUTE:
        return der_bool(t, &o->fallback_attribute);
    case TAG_FB_ALLOWED:
        o->present |= PROFILE_HAS_FB_ALLOWED;
        return der_bool(t, &o->fallback_allowed);
    case TAG_IOT_PRIVATE:
        if (t->constructed || t->len != 1 || (t->value[0] & ~PROFILE_IOT_EPISODE))
            return false;
        o->iot = t->value[0];
        return true;
    default:
        return true;   /* fields of later versions: ignored */
    }
}

int profile_decode(const uint8_t *p, size_t len, struct profile_record *out)
{
    struct tlv e3, f;
    struct tlv_cursor c;
    uint8_t slot = out->slot;

    memset(out, 0, sizeof *out);
    out->slot = slot;
    if (!tlv_parse(p, len, &e3) || e3.raw_len != len || e3.tag != TAG_PROFILE_INFO ||
        !tlv_enter(&e3, &c))
        return -1;
    while (tlv_next(&c, &f))
        if (!decode_field(&f, out))
            return -1;
    return c.error ? -1 : 0;
}

int profile_load(struct store *s, uint8_t slot, struct profile_record *out)
{
    if (slot == 0 || slot > PROFILE_SLOTS)
        return STORE_ENOTFOUND;
    uint8_t *buf = malloc(PROFILE_RECORD_MAX);
    if (!buf)
        return STORE_ENOMEM;
    size_t len = 0;
    int rc = store_get(s, record_id(slot), buf, PROFILE_RECORD_MAX, &len);
    if (rc == STORE_OK) {
        out->slot = slot;
        if (profile_decode(buf, len, out) != 0)
            rc = STORE_ECORRUPT;
    }
    free(buf);
    return rc;
}

int profile_save(struct store *s, const struct profile_record *p)
{
    if (p->slot == 0 || p->slot > PROFILE_SLOTS)
        return STORE_ESTATE;
    uint8_t *buf = malloc(PROFILE_RECORD_MAX);
    if (!buf)
        return STORE_ENOMEM;
    struct tlv_writer w;
    tlv_writer_init(&w, buf, PROFILE_RECORD_MAX);
    write_record(p, NULL, 0, true, &w);
    int rc = tlv_writer_ok(&w) ? store_put(s, record_id(p->slot), buf, w.len) : STORE_EFULL;
    free(buf);
    return rc;
}

int profile_delete(struct store *s, uint8_t slot)
{
    if (slot == 0 || slot > PROFILE_SLOTS)
        return STORE_ENOTFOUND;
    int rc = store_delete(s, record_id(slot));
    if (rc == STORE_OK)
        rc = store_delete_range(s, SID_PROFILE_DATA(slot), SID_PROFILE_DATA(slot) + 0xFFFFu);
    return rc;
}

int profile_next(struct store *s, uint8_t after, struct profile_record *out)
{
    uint32_t id;
    if (after >= PROFILE_SLOTS)
        return STORE_ENOTFOUND;
    int rc = store_next(s, record_id(after), record_id(PROFILE_SLOTS), &id);
    if (rc != STORE_OK)
        return rc;
    return profile_load(s, (uint8_t)(id - SID_PROFILE_FIRST), out);
}

/* The first profile (in slot order) that match accepts: STORE_OK, STORE_ENOTFOUND or a
 * store error. */
typedef bool (*profile_match)(const struct profile_record *p, const void *ctx);

static int find_first(struct store *s, profile_match match, const void *ctx,
                      struct profile_record *out)
{
    int rc;
    uint8_t slot = 0;
    while ((rc = profile_next(s, slot, out)) == STORE_OK) {
        if (match(out, ctx))
            return STORE_OK;
        slot = out->slot;
    }
    return rc;
}

static bool match_iccid(const struct profile_record *p, const void *iccid)
{
    return memcmp(p->iccid, iccid, PROFILE_ICCID_LEN) == 0;
}

int profile_find_iccid(struct store *s, const uint8_t iccid[PROFILE_ICCID_LEN],
                       struct profile_record *out)
{
    return find_first(s, match_iccid, iccid, out);
}

struct aid_ref { const uint8_t *aid; size_t len; };

static bool match_aid(const struct profile_record *p, const void *ctx)
{
    const struct aid_ref *a = ctx;
    return p->aid_len == a->len && memcmp(p->aid, a->aid, a->len) == 0;
}

int profile_find_aid(struct store *s, const uint8_t *aid, size_t len,
                     struct profile_record *out)
{
    const struct aid_ref a = { aid, len };
    return find_first(s, match_aid, &a, out);
}

static bool match_enabled(const struct profile_record *p, const void *except)
{
    return p->state == PROFILE_ENABLED && p->slot != *(const uint8_t *)except;
}

int profile_find_enabled(struct store *s, uint8_t except, struct profile_record *out)
{
    return find_first(s, match_enabled, &except, out);
}

static bool in_role(const struct profile_record *p, const void *ctx)
{
    switch (*(const enum profile_iot_role *)ctx) {
    case PROFILE_ROLE_FALLBACK: return p->fallback_attribute;
    case PROFILE_ROLE_EMERGENCY:
        return (p->present & PROFILE_HAS_ECALL) && p->ecall_indication;
    case PROFILE_ROLE_RETURN_FALLBACK: return (p->iot & PROFILE_IOT_RETURN_FALLBACK) != 0;
    case PROFILE_ROLE_RETURN_ECALL: return (p->iot & PROFILE_IOT_RETURN_ECALL) != 0;
    default: return false;
    }
}

int profile_find_iot(struct store *s, enum profile_iot_role role, struct profile_record *out)
{
    return find_first(s, in_role, &role, out);
}

int profile_ecall_active(struct store *s, bool *yes)
{
    struct profile_record *p = malloc(sizeof *p);
    *yes = false;
    if (!p)
        return STORE_ENOMEM;
    int rc = profile_find_iot(s, PROFILE_ROLE_EMERGENCY, p);
    if (rc == STORE_OK)
        *yes = p->state == PROFILE_ENABLED;
    free(p);
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int profile_clear_iot(struct store *s, uint8_t mask)
{
    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return STORE_ENOMEM;
    int rc;
    uint8_t slot = 0;
    while ((rc = profile_next(s, slot, p)) == STORE_OK) {
        slot = p->slot;
        if (p->iot & mask) {
            p->iot &= (uint8_t)~mask;
            if ((rc = profile_save(s, p)) != STORE_OK)
                break;
        }
    }
    free(p);
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int profile_count(struct store *s, size_t *n)
{
    uint32_t id = record_id(0);
    int rc;
    *n = 0;
    while ((rc = store_next(s, id, record_id(PROFILE_SLOTS), &id)) == STORE_OK)
        (*n)++;
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int profile_free_slot(struct store *s, uint8_t *slot)
{
    for (uint8_t i = 1; i <= PROFILE_SLOTS; i++) {
        size_t len;
        int rc = store_size(s, record_id(i), &len);
        if (rc == STORE_ENOTFOUND) {
            *slot = i;
            return STORE_OK;
        }
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_EFULL;
}

static size_t range_bytes(struct store *s, uint32_t lo, uint32_t hi)
{
    size_t total = 0, len;
    uint32_t id = lo;
    if (store_size(s, lo, &len) == STORE_OK)
        total += len;
    while (store_next(s, id, hi, &id) == STORE_OK)
        if (store_size(s, id, &len) == STORE_OK)
            total += len;
    return total;
}

size_t profile_bytes_used(struct store *s)
{
    return range_bytes(s, SID_PROFILE_FIRST, SID_PROFILE_LAST) +
           range_bytes(s, SID_PROFILE_DATA(1), SID_PROFILE_DATA(255) + 0xFFFFu);
}
