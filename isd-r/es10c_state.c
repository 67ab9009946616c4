/* isd-r/es10c_state.c — ES10c EnableProfile (SGP.22 §5.7.16), DisableProfile
 * (§5.7.17) and DeleteProfile (§5.7.18).
 *
 * Decisions (v2.5 semantics):
 * - One enabled profile at a time: enabling a profile while another is enabled
 *   disables that one implicitly (with its disable notification), unless it carries
 *   PPR1 (disabling not allowed) → disallowedByPolicy.
 * - Notifications: one signed OtherSignedNotification per entry of the profile's
 *   notificationConfigurationInfo whose profileManagementOperation names the event,
 *   sent to that entry's address. Signed with the first eUICC key the ECASD can sign
 *   with (CI index 0 on a generated or SGP.26 identity): the record does not keep the
 *   CI the profile was installed under.
 * - State change and notifications are one store transaction; if any notification
 *   cannot be added (list full, store failure) the result is undefinedError and
 *   nothing changes.
 * - refreshFlag is accepted and ignored: no terminal session, so no REFRESH.
 * - wrongProfileReenabling (Device Test Mode: re-enabling another operational profile
 *   than the one a test profile displaced) and catBusy (a proactive session in
 *   progress) cannot occur on this card: it has no Device Test Mode and no CAT.
 * - A download in progress does not block these functions: SGP.22 defines no error
 *   for it, and the profile being installed is not in the table before its commit.
 * - Notifications are made for every profile class (test profiles included: TS.48
 *   profiles are what the test suites enable and disable).
 * - es10c_profile_notify also serves eUICCMemoryReset (es10c.c): SGP.22 §5.7.19 has
 *   the eUICC generate, for each profile it deletes, the notifications its
 *   notificationConfigurationInfo asks for.
 */
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/uicc.h"
#include "ecasd/ecasd.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"

#define RESULT_OK                    0
#define RESULT_NOT_FOUND             1
#define RESULT_WRONG_STATE           2
#define RESULT_DISALLOWED_BY_POLICY  3
#define RESULT_UNDEFINED_ERROR       127

#define PPR1_DISABLING_NOT_ALLOWED   0x02u
#define PPR2_DELETION_NOT_ALLOWED    0x04u

/* profileIdentifier: 4F isdpAid or 5A iccid */
struct target {
    uint32_t tag;
    const uint8_t *value;
    size_t len;
};

static bool parse_identifier(const struct tlv *t, struct target *out)
{
    if (t->constructed)
        return false;
    if (t->tag == 0x4F && t->len >= 1 && t->len <= PROFILE_AID_MAX) {
        /* ok */
    } else if (t->tag == 0x5A && t->len == PROFILE_ICCID_LEN) {
        /* ok */
    } else {
        return false;
    }
    out->tag = t->tag;
    out->value = t->value;
    out->len = t->len;
    return true;
}

/* The only TLV in p[0..len) is the identifier. */
static bool parse_sole_identifier(const uint8_t *p, size_t len, struct target *out)
{
    struct tlv_cursor c;
    struct tlv t, extra;
    tlv_cursor_init(&c, p, len);
    if (!tlv_next(&c, &t) || tlv_next(&c, &extra) || c.error)
        return false;
    return parse_identifier(&t, out);
}

/* Enable/DisableProfileRequest: { A0 { 4F | 5A }, 81 refreshFlag BOOLEAN }. */
static bool parse_state_request(const struct tlv *req, struct target *out)
{
    struct tlv a0, flag;
    if (!tlv_well_formed(req->value, req->len, 4) ||
        !tlv_find(req->value, req->len, 0xA0, &a0) || !a0.constructed ||
        !parse_sole_identifier(a0.value, a0.len, out))
        return false;
    if (tlv_find(req->value, req->len, 0x81, &flag) && (flag.constructed || flag.len != 1))
        return false;
    return true;
}

static int find_target(struct isdr *r, const struct target *t, struct profile_record *p)
{
    if (t->tag == 0x5A)
        return profile_find_iccid(r->store, t->value, p);
    return profile_find_aid(r->store, t->value, t->len, p);
}

/* CI index whose eUICC key signs the notifications. */
static size_t notification_ci(const struct ecasd *e)
{
    size_t n = ecasd_ci_count(e);
    for (size_t i = 0; i < n; i++)
        if (ecasd_ci_can_sign(e, i))
            return i;
    return 0;
}

/* Add the notifications p's notificationConfigurationInfo asks for on event ev:
 * B6 { 30 { 80 profileManagementOperation, 81 notificationAddress } ... }.
 * Entries that do not decode are skipped (they cannot name an address). */
int es10c_profile_notify(struct isdr *r, const struct profile_record *p, int event)
{
    enum notification_event ev = (enum notification_event)event;
    struct tlv_cursor c, ec;
    struct tlv entry, f;

    if (!(p->present & PROFILE_HAS_NOTIF_CFG))
        return 0;
    tlv_cursor_init(&c, p->notif_cfg, p->notif_cfg_len);
    while (tlv_next(&c, &entry)) {
        const uint8_t *addr = NULL;
        size_t addr_len = 0;
        uint32_t bits = 0;
        bool has_bits = false;
        if (entry.tag != 0x30 || !tlv_enter(&entry, &ec))
            continue;
        while (tlv_next(&ec, &f)) {
            if (f.tag == 0x80 && !f.constructed)
                has_bits = isdr_get_bits(f.value, f.len, &bits);
            else if (f.tag == 0x81 && !f.constructed) {
                addr = f.value;
                addr_len = f.len;
            }
        }
        if (ec.error || !has_bits || !addr || addr_len > NOTIF_ADDRESS_MAX ||
            !(bits & (1u << ev)))
            continue;
        if (notification_add_other_signed(r->store, r->ecasd, notification_ci(r->ecasd), ev,
                                          addr, addr_len, p->iccid, NULL) != 0)
            return -1;
    }
    return 0;
}

/* Put p into state, with its notification, inside the open transaction. */
static int change_state(struct isdr *r, struct profile_record *p, uint8_t state)
{
    p->state = state;
    if (profile_save(r->store, p) != STORE_OK)
        return -1;
    return es10c_profile_notify(r, p, state == PROFILE_ENABLED ? NOTIF_EVENT_ENABLE
                                                            : NOTIF_EVENT_DISABLE);
}

/* Run op inside one transaction: commit on success, abort otherwise. */
static int finish_transaction(struct isdr *r, int result)
{
    if (result != RESULT_OK) {
        store_abort(r->store);
        return result < 0 ? RESULT_UNDEFINED_ERROR : result;
    }
    return store_commit(r->store) == STORE_OK ? RESULT_OK : RESULT_UNDEFINED_ERROR;
}

/* The checks and changes of an enable inside the open transaction: a result code, or
 * -1 when the store failed (the caller aborts). */
static int enable_in_tx(struct isdr *r, const struct target *t)
{
    struct profile_record *p = malloc(2 * sizeof *p);
    if (!p)
        return -1;
    struct profile_record *old = p + 1;
    int result;
    int rc = find_target(r, t, p);
    if (rc == STORE_ENOTFOUND) {
        result = RESULT_NOT_FOUND;
    } else if (rc != STORE_OK) {
        result = -1;
    } else if (p->state != PROFILE_DISABLED) {
        result = RESULT_WRONG_STATE;
    } else if ((rc = profile_find_enabled(r->store, p->slot, old)) != STORE_OK &&
               rc != STORE_ENOTFOUND) {
        result = -1;
    } else if (rc == STORE_OK && (old->ppr & PPR1_DISABLING_NOT_ALLOWED)) {
        result = RESULT_DISALLOWED_BY_POLICY;
    } else {
        int op = 0;
        if (rc == STORE_OK)
            op = change_state(r, old, PROFILE_DISABLED);
        if (op == 0)
            op = change_state(r, p, PROFILE_ENABLED);
        result = op == 0 ? RESULT_OK : -1;
    }
    free(p);
    return result;
}

static int disable_in_tx(struct isdr *r, const struct target *t)
{
    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return -1;
    int result;
    int rc = find_target(r, t, p);
    if (rc == STORE_ENOTFOUND)
        result = RESULT_NOT_FOUND;
    else if (rc != STORE_OK)
        result = -1;
    else if (p->state != PROFILE_ENABLED)
        result = RESULT_WRONG_STATE;
    else if (p->ppr & PPR1_DISABLING_NOT_ALLOWED)
        result = RESULT_DISALLOWED_BY_POLICY;
    else
        result = change_state(r, p, PROFILE_DISABLED) == 0 ? RESULT_OK : -1;
    free(p);
    return result;
}

static int delete_in_tx(struct isdr *r, const struct target *t)
{
    struct profile_record *p = malloc(sizeof *p);
    if (!p)
        return -1;
    int result;
    int rc = find_target(r, t, p);
    if (rc == STORE_ENOTFOUND) {
        result = RESULT_NOT_FOUND;
    } else if (rc != STORE_OK) {
        result = -1;
    } else if (p->state != PROFILE_DISABLED) {
        result = RESULT_WRONG_STATE;
    } else if (p->ppr & PPR2_DELETION_NOT_ALLOWED) {
        result = RESULT_DISALLOWED_BY_POLICY;
    } else {
        int op = profile_delete(r->store, p->slot) == STORE_OK ? 0 : -1;
        if (op == 0)
            op = es10c_profile_notify(r, p, NOTIF_EVENT_DELETE);
        result = op == 0 ? RESULT_OK : -1;
    }
    free(p);
    return result;
}

static int do_enable(struct isdr *r, const struct target *t)
{
    if (store_begin(r->store) != STORE_OK)
        return RESULT_UNDEFINED_ERROR;
    return finish_transaction(r, enable_in_tx(r, t));
}

static int do_disable(struct isdr *r, const struct target *t)
{
    if (store_begin(r->store) != STORE_OK)
        return RESULT_UNDEFINED_ERROR;
    return finish_transaction(r, disable_in_tx(r, t));
}

static int do_delete(struct isdr *r, const struct target *t)
{
    if (store_begin(r->store) != STORE_OK)
        return RESULT_UNDEFINED_ERROR;
    return finish_transaction(r, delete_in_tx(r, t));
}

int isdr_state_change_in_tx(struct isdr *r, enum isdr_state_op op,
                            const uint8_t iccid[10])
{
    const struct target t = { .tag = 0x5A, .value = iccid, .len = PROFILE_ICCID_LEN };
    switch (op) {
    case ISDR_STATE_ENABLE: return enable_in_tx(r, &t);
    case ISDR_STATE_DISABLE: return disable_in_tx(r, &t);
    case ISDR_STATE_DELETE: return delete_in_tx(r, &t);
    default: return -1;
    }
}

static const char *outcome(int result, const char *wrong_state)
{
    switch (result) {
    case RESULT_OK: return "ok";
    case RESULT_NOT_FOUND: return "iccidOrAidNotFound";
    case RESULT_WRONG_STATE: return wrong_state;
    case RESULT_DISALLOWED_BY_POLICY: return "disallowedByPolicy";
    default: return "undefinedError";
    }
}

static void put_result(struct tlv_writer *resp, uint32_t tag, int result)
{
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x80, result);
    tlv_close(resp);
}

/* The common end of Enable/Disable/Delete: on success the UICC shows whatever profile
 * is now enabled; the result is traced and answered as {tag {80 result}}. */
static int answer_state_change(struct isdr *r, struct tlv_writer *resp, uint32_t tag,
                               int result, const char *wrong_state)
{
    if (result == RESULT_OK)
        uicc_load_enabled(r->card);
    r->outcome = outcome(result, wrong_state);
    put_result(resp, tag, result);
    return ISDR_OK;
}

int es10c_enable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct target t;
    if (!parse_state_request(req, &t))
        return ISDR_EMALFORMED;
    return answer_state_change(r, resp, 0xBF31, do_enable(r, &t), "profileNotInDisabledState");
}

int es10c_disable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct target t;
    if (!parse_state_request(req, &t))
        return ISDR_EMALFORMED;
    return answer_state_change(r, resp, 0xBF32, do_disable(r, &t), "profileNotInEnabledState");
}

int es10c_delete_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct target t;
    if (!parse_sole_identifier(req->value, req->len, &t))
        return ISDR_EMALFORMED;
    return answer_state_change(r, resp, 0xBF33, do_delete(r, &t), "profileNotInDisabledState");
}
