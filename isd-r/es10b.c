/* isd-r/es10b.c — ES10b functions that need no SM-DP+: GetEUICCInfo (SGP.22 §5.7.8),
 * GetEUICCChallenge (§5.7.7), ListNotification (§5.7.9), RetrieveNotificationsList
 * (§5.7.10), RemoveNotificationFromList (§5.7.11), GetRAT (§5.7.22). */
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"

#define UNDEFINED_ERROR 127

int es10b_get_euicc_info1(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)req;
    return euicc_info1_write(r, resp) == 0 ? ISDR_OK : ISDR_EFAIL;
}

int es10b_get_euicc_info2(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)req;
    return euicc_info2_write(r, resp) == 0 ? ISDR_OK : ISDR_EFAIL;
}

int es10b_get_euicc_challenge(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)req;
    if (rsp_session_new_challenge(&r->session, r->rng) != 0)
        return ISDR_EFAIL;
    tlv_open(resp, 0xBF2E);
    tlv_put(resp, 0x80, r->session.euicc_challenge, RSP_CHALLENGE_LEN);
    tlv_close(resp);
    return ISDR_OK;
}

/* A CHOICE error alternative `81 code` inside the response tag. */
static int list_error(struct isdr *r, uint32_t tag, struct tlv_writer *resp)
{
    r->outcome = "undefinedError";
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x81, UNDEFINED_ERROR);
    tlv_close(resp);
    return ISDR_OK;
}

/* Pending notifications ordered by seqNumber; caller frees *out. */
static int load_list(struct isdr *r, struct notification_meta **out, size_t *n)
{
    *out = malloc(NOTIF_MAX * sizeof **out);
    if (!*out)
        return -1;
    if (notification_list(r->store, *out, NOTIF_MAX, n) != STORE_OK) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int es10b_list_notification(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv ev;
    uint32_t filter = 0xFFFFFFFFu;
    struct notification_meta *list;
    size_t n;

    if (tlv_find(req->value, req->len, 0x81, &ev) &&
        (ev.constructed || !isdr_get_bits(ev.value, ev.len, &filter)))
        return ISDR_EMALFORMED;
    if (load_list(r, &list, &n) != 0)
        return list_error(r, 0xBF28, resp);
    tlv_open(resp, 0xBF28);
    tlv_open(resp, 0xA0);
    for (size_t i = 0; i < n; i++)
        if (filter & (1u << list[i].event))
            notification_write_metadata(&list[i], resp);
    tlv_close(resp);
    tlv_close(resp);
    free(list);
    return ISDR_OK;
}

/* SGP.32 RetrieveNotificationsList with searchCriteria euiccPackageResults (82 NULL):
 * BF2B { A2 euiccPackageResultList { BF51 ... } } ordered by seqNumber. */
static int retrieve_euicc_package_results(struct isdr *r, struct tlv_writer *resp)
{
    uint32_t seqs[EPR_MAX];
    size_t n = 0, len;
    uint8_t *buf = malloc(EPR_RECORD_MAX);
    size_t start = resp->len;
    unsigned depth = resp->depth;
    int rc = buf ? notification_list_eprs(r->store, seqs, EPR_MAX, &n) : STORE_ENOMEM;
    tlv_open(resp, 0xBF2B);
    tlv_open(resp, 0xA2);
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        rc = notification_get_epr(r->store, seqs[i], buf, EPR_RECORD_MAX, &len);
        if (rc == STORE_OK)
            tlv_put_raw(resp, buf, len);
    }
    tlv_close(resp);
    tlv_close(resp);
    free(buf);
    if (rc != STORE_OK || !tlv_writer_ok(resp)) {
        resp->len = start;
        resp->overflow = false;
        resp->depth = depth;
        return list_error(r, 0xBF2B, resp);
    }
    return ISDR_OK;
}

int es10b_retrieve_notifications_list(struct isdr *r, const struct tlv *req,
                                      struct tlv_writer *resp)
{
    struct tlv crit, f;
    bool by_seq = false;
    uint32_t seq = 0, filter = 0xFFFFFFFFu;

    if (tlv_find(req->value, req->len, 0xA0, &crit)) {
        /* searchCriteria CHOICE: exactly one of 80 seqNumber / 81 event */
        struct tlv_cursor c;
        if (!tlv_enter(&crit, &c) || !tlv_next(&c, &f) || tlv_next(&c, &(struct tlv){0}) ||
            c.error)
            return ISDR_EMALFORMED;
        if (f.tag == 0x80 && !f.constructed) {
            if (!tlv_get_uint(f.value, f.len, &seq))
                return ISDR_EMALFORMED;
            by_seq = true;
        } else if (f.tag == 0x81 && !f.constructed) {
            if (!isdr_get_bits(f.value, f.len, &filter))
                return ISDR_EMALFORMED;
        } else if (f.tag == 0x82 && !f.constructed && f.len == 0 && r->card &&
                   card_mode(r->card) == CARD_MODE_IOT) {
            return retrieve_euicc_package_results(r, resp);   /* SGP.32 */
        } else {
            return ISDR_EMALFORMED;
        }
    }

    struct notification_meta *list;
    size_t n;
    if (load_list(r, &list, &n) != 0)
        return list_error(r, 0xBF2B, resp);
    uint8_t *buf = malloc(NOTIF_RECORD_MAX);
    size_t start = resp->len;
    unsigned depth = resp->depth;
    int rc = buf ? STORE_OK : STORE_ENOMEM;
    tlv_open(resp, 0xBF2B);
    tlv_open(resp, 0xA0);
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        if (by_seq ? list[i].seq != seq : !(filter & (1u << list[i].event)))
            continue;
        size_t len;
        rc = notification_get_pending(r->store, list[i].seq, buf, NOTIF_RECORD_MAX, &len);
        if (rc == STORE_OK)
            tlv_put_raw(resp, buf, len);
    }
    tlv_close(resp);
    tlv_close(resp);
    free(buf);
    free(list);
    if (rc != STORE_OK || !tlv_writer_ok(resp)) {
        /* too many to answer, or the store failed: the spec's error alternative */
        resp->len = start;
        resp->overflow = false;
        resp->depth = depth;
        return list_error(r, 0xBF2B, resp);
    }
    return ISDR_OK;
}

int es10b_remove_notification_from_list(struct isdr *r, const struct tlv *req,
                                        struct tlv_writer *resp)
{
    struct tlv s;
    uint32_t seq;
    int result;

    if (!tlv_find(req->value, req->len, 0x80, &s) || s.constructed)
        return ISDR_EMALFORMED;
    if (!tlv_get_uint(s.value, s.len, &seq)) {
        int64_t v;   /* a well-formed INTEGER out of range matches no notification */
        if (!tlv_get_int(s.value, s.len, &v))
            return ISDR_EMALFORMED;
        result = 1;
    } else {
        int rc = notification_remove(r->store, seq);
        result = rc == STORE_OK ? 0 : rc == STORE_ENOTFOUND ? 1 : UNDEFINED_ERROR;
    }
    r->outcome = result == 0 ? "ok" : result == 1 ? "nothingToDelete" : "undefinedError";
    tlv_open(resp, 0xBF30);
    tlv_put_int(resp, 0x80, result);
    tlv_close(resp);
    return ISDR_OK;
}

int es10b_get_rat(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    uint8_t *rat = malloc(ISDR_RAT_MAX);
    size_t len = 0;
    (void)req;
    if (!rat)
        return ISDR_EFAIL;
    int rc = store_get(r->store, SID_ISDR_RAT, rat, ISDR_RAT_MAX, &len);
    if (rc == STORE_ENOTFOUND) {
        len = 0;             /* no rule: an empty RulesAuthorisationTable */
        rc = STORE_OK;
    }
    if (rc == STORE_OK) {
        tlv_open(resp, 0xBF43);
        tlv_put(resp, 0xA0, rat, len);
        tlv_close(resp);
    }
    free(rat);
    return rc == STORE_OK ? ISDR_OK : ISDR_EFAIL;
}
