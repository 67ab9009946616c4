/* isd-r/es10c.c — ES10c functions of the foundation: GetEID (SGP.22 §5.7.20),
 * GetProfilesInfo (§5.7.15), SetNickname (§5.7.21), eUICCMemoryReset (§5.7.19). */
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/uicc.h"
#include "ecasd/ecasd.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"

#define UNDEFINED_ERROR 127
#define TAGLIST_MAX 32

/* Split a tagList value into tags (1-3 identifier octets each). */
static bool parse_taglist(const uint8_t *p, size_t len, uint32_t *tags, size_t *n)
{
    size_t i = 0;
    *n = 0;
    while (i < len) {
        uint32_t tag = p[i++];
        if ((tag & 0x1F) == 0x1F) {
            size_t k = 0;
            do {
                if (i == len || ++k > 2)
                    return false;
                tag = tag << 8 | p[i];
            } while (p[i++] & 0x80);
        }
        if (*n == TAGLIST_MAX)
            return false;
        tags[(*n)++] = tag;
    }
    return true;
}

int es10c_get_eid(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv tl;
    uint32_t tags[TAGLIST_MAX];
    size_t n = 0;
    bool eid_requested = false;
    uint8_t eid[16];

    /* tagList '5C' SHALL be '5A'; the EID is the only data object GetEuiccData has */
    if (!tlv_find(req->value, req->len, 0x5C, &tl) || tl.constructed ||
        !parse_taglist(tl.value, tl.len, tags, &n))
        return ISDR_EMALFORMED;
    for (size_t i = 0; i < n; i++)
        eid_requested |= tags[i] == 0x5A;
    if (!eid_requested)
        return ISDR_EMALFORMED;
    ecasd_eid(r->ecasd, eid);
    tlv_open(resp, 0xBF3E);
    tlv_put(resp, 0x5A, eid, sizeof eid);
    tlv_close(resp);
    return ISDR_OK;
}

struct search {
    uint32_t tag;            /* 0: none, 0x4F, 0x5A or 0x95 */
    const uint8_t *value;
    size_t len;
    uint8_t profile_class;
};

/* searchCriteria [0] CHOICE { 4F isdpAid, 5A iccid, 95 profileClass }: false when
 * the criterion is not a valid value (incorrectInputValues). */
static bool parse_search(const struct tlv *a0, struct search *s)
{
    struct tlv_cursor c;
    struct tlv f, extra;
    uint32_t v;
    if (!tlv_enter(a0, &c) || !tlv_next(&c, &f) || tlv_next(&c, &extra) || c.error ||
        f.constructed)
        return false;
    s->tag = f.tag;
    s->value = f.value;
    s->len = f.len;
    switch (f.tag) {
    case 0x4F:
        return f.len >= 1 && f.len <= PROFILE_AID_MAX;
    case 0x5A:
        return f.len == PROFILE_ICCID_LEN;
    case 0x95:
        if (!tlv_get_uint(f.value, f.len, &v) || v > PROFILE_CLASS_OPERATIONAL)
            return false;
        s->profile_class = (uint8_t)v;
        return true;
    default:
        return false;
    }
}

static bool matches(const struct search *s, const struct profile_record *p)
{
    switch (s->tag) {
    case 0x4F:
        return p->aid_len == s->len && memcmp(p->aid, s->value, s->len) == 0;
    case 0x5A:
        return memcmp(p->iccid, s->value, PROFILE_ICCID_LEN) == 0;
    case 0x95:
        return p->profile_class == s->profile_class;
    default:
        return true;
    }
}

static int profiles_info_error(struct isdr *r, struct tlv_writer *resp, int code)
{
    r->outcome = code == 1 ? "incorrectInputValues" : "undefinedError";
    tlv_open(resp, 0xBF2D);
    tlv_put_int(resp, 0x81, code);
    tlv_close(resp);
    return ISDR_OK;
}

int es10c_get_profiles_info(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv t;
    struct search s = {0};
    uint32_t tags[TAGLIST_MAX];
    size_t ntags = 0;
    bool filter = false;

    if (tlv_find(req->value, req->len, 0xA0, &t) && !parse_search(&t, &s))
        return profiles_info_error(r, resp, 1);
    if (tlv_find(req->value, req->len, 0x5C, &t)) {
        if (t.constructed || !parse_taglist(t.value, t.len, tags, &ntags))
            return profiles_info_error(r, resp, 1);
        filter = true;
    }

    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return ISDR_EFAIL;
    size_t start = resp->len;
    unsigned depth = resp->depth;
    uint8_t slot = 0;
    int rc;
    tlv_open(resp, 0xBF2D);
    tlv_open(resp, 0xA0);
    while ((rc = profile_next(r->store, slot, p)) == STORE_OK) {
        slot = p->slot;
        if (matches(&s, p))
            profile_write_info(p, filter ? tags : NULL, ntags, resp);
    }
    tlv_close(resp);
    tlv_close(resp);
    free(p);
    if (rc != STORE_ENOTFOUND || !tlv_writer_ok(resp)) {
        resp->len = start;
        resp->depth = depth;
        resp->overflow = false;
        return profiles_info_error(r, resp, UNDEFINED_ERROR);
    }
    return ISDR_OK;
}

static void put_result(struct tlv_writer *resp, uint32_t tag, int result)
{
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x80, result);
    tlv_close(resp);
}

int es10c_set_nickname(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv iccid, nick;
    size_t chars;

    if (!tlv_find(req->value, req->len, 0x5A, &iccid) || iccid.constructed ||
        iccid.len != PROFILE_ICCID_LEN)
        return ISDR_EMALFORMED;
    /* profileNickname [16] is '90'; pySim sends it as '8F': accepted too */
    if ((!tlv_find(req->value, req->len, 0x90, &nick) &&
         !tlv_find(req->value, req->len, 0x8F, &nick)) || nick.constructed ||
        nick.len > PROFILE_TEXT_MAX || !isdr_utf8_valid(nick.value, nick.len, &chars) ||
        chars > PROFILE_NICKNAME_CHARS)
        return ISDR_EMALFORMED;

    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return ISDR_EFAIL;
    int result;
    int rc = profile_find_iccid(r->store, iccid.value, p);
    if (rc == STORE_ENOTFOUND) {
        result = 1;
    } else if (rc != STORE_OK) {
        result = UNDEFINED_ERROR;
    } else {
        /* an empty nickname removes it */
        memcpy(p->nickname, nick.value, nick.len);
        p->nickname_len = nick.len;
        if (nick.len)
            p->present |= PROFILE_HAS_NICKNAME;
        else
            p->present &= ~PROFILE_HAS_NICKNAME;
        result = profile_save(r->store, p) == STORE_OK ? 0 : UNDEFINED_ERROR;
    }
    free(p);
    r->outcome = result == 0 ? "ok" : result == 1 ? "iccidNotFound" : "undefinedError";
    put_result(resp, 0xBF29, result);
    return ISDR_OK;
}

/* Delete the profiles and settings selected by bits (ISDR_RESET_*) inside the open
 * transaction; *done tells whether anything was there to delete. */
int es10c_memory_reset_in_tx(struct isdr *r, uint32_t bits, bool *done)
{
    struct profile_record *p = malloc(sizeof *p);
    uint8_t slot = 0;
    int rc;
    if (!p)
        return STORE_ENOMEM;
    *done = false;
    while ((rc = profile_next(r->store, slot, p)) == STORE_OK) {
        slot = p->slot;
        bool del = ((bits & ISDR_RESET_DELETE_OPERATIONAL) &&
                    p->profile_class == PROFILE_CLASS_OPERATIONAL) ||
                   ((bits & ISDR_RESET_DELETE_FIELD_TEST) &&
                    p->profile_class == PROFILE_CLASS_TEST) ||
                   ((bits & ISDR_RESET_DELETE_PROVISIONING) &&
                    p->profile_class == PROFILE_CLASS_PROVISIONING);
        if (del) {
            /* deleted whatever its state and PPRs; its delete notifications are made
             * per its notificationConfigurationInfo (SGP.22 §5.7.19); a full list
             * fails the whole reset */
            rc = profile_delete(r->store, slot);
            if (rc == STORE_OK && es10c_profile_notify(r, p, NOTIF_EVENT_DELETE) != 0)
                rc = STORE_EFULL;
            if (rc != STORE_OK)
                break;
            *done = true;
        }
    }
    free(p);
    if (rc != STORE_ENOTFOUND)
        return rc;
    if (bits & ISDR_RESET_DEFAULT_SMDP_ADDRESS) {
        size_t len;
        rc = store_size(r->store, SID_ISDR_DEFAULT_DP, &len);
        if (rc == STORE_OK) {
            rc = store_delete(r->store, SID_ISDR_DEFAULT_DP);
            *done = true;
        } else if (rc == STORE_ENOTFOUND) {
            rc = STORE_OK;
        }
    }
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int es10c_euicc_memory_reset(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv opt;
    uint32_t bits;
    bool done = false;
    int result;

    if (!tlv_find(req->value, req->len, 0x82, &opt) || opt.constructed ||
        !isdr_get_bits(opt.value, opt.len, &bits))
        return ISDR_EMALFORMED;
    int rc = store_begin(r->store);
    if (rc == STORE_OK) {
        /* SGP.22 v2.5 defines bits 0..2 only */
        rc = es10c_memory_reset_in_tx(r, bits & (ISDR_RESET_DELETE_OPERATIONAL |
                                                 ISDR_RESET_DELETE_FIELD_TEST |
                                                 ISDR_RESET_DEFAULT_SMDP_ADDRESS), &done);
        if (rc == STORE_OK && done)
            rc = store_commit(r->store);
        else
            store_abort(r->store);
    }
    result = rc != STORE_OK ? UNDEFINED_ERROR : done ? 0 : 1;
    if (result == 0)
        uicc_load_enabled(r->card);       /* a deleted enabled profile leaves the UICC */
    r->outcome = result == 0 ? "ok" : result == 1 ? "nothingToDelete" : "undefinedError";
    put_result(resp, 0xBF34, result);
    return ISDR_OK;
}
