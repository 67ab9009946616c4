/* isd-r/es10b_iot.c — the SGP.32 IoT ES10b functions besides the eIM association:
 * eUICCMemoryReset (§5.9.5; BF64 v1.2 and BF34 as v1.0 clients send it),
 * ImmediateEnable (§5.9.15, BF5A), ProfileRollback (§5.9.16, BF58),
 * ConfigureImmediateProfileEnabling (§5.9.17, BF59), ExecuteFallbackMechanism /
 * ReturnFromFallback (§5.9.20/21, BF5D/BF5E), EnableEmergencyProfile /
 * DisableEmergencyProfile (§5.9.22/23, BF5B/BF5C), GetConnectivityParameters
 * (§5.9.24, BF5F), and the local-management guard of ES10c in IoT mode.
 *
 * Decisions:
 * - Memory reset, BF64 (v1.2): bits 0 deleteOperationalProfiles, 1
 *   deleteFieldLoadedTestProfiles, 2 resetDefaultSmdpAddress, 3
 *   deletePreLoadedTestProfiles (this card has no pre-loaded test profiles: nothing to
 *   delete), 4 deleteProvisioningProfiles, 5 resetEimConfigData, 6
 *   resetImmediateEnableConfig. Answer BF64 {80 resetResult, 81 resetEimResult when bit
 *   5 was asked, 82 resetImmediateEnableConfigResult when bit 6 was asked}. resetResult
 *   covers bits 0..4: ok when something was deleted or none of them was asked,
 *   nothingToDelete otherwise; resetEimResult ok / nothingToDelete (no eIM);
 *   resetImmediateEnableConfigResult ok (the configuration is back to "not set").
 * - BF34 in IoT mode (v1.0 clients, e.g. onomondo-ipa): bits 0..2 as SGP.22 v2.5, bit 3
 *   resetEimConfigData, bit 4 resetAutoEnableConfig (SGP.32 v1.0 §5.9.5; this card is
 *   SGP.22 v2.5-based, so SGP.22 v3's meaning of bits 3/4 does not apply). The answer
 *   is BF34 {80 resetResult} as SGP.22 encodes it (what the real v1.0 IPA decodes),
 *   plus 81 / 82 only when bit 3 / 4 was asked.
 * - All of one reset is one transaction; a store failure → undefinedError everywhere,
 *   nothing changed. Association tokens are never reused (their counter survives).
 * - ConfigureImmediateProfileEnabling (v1.0: ConfigureAutoProfileEnabling, same tags):
 *   refused with associatedEimAlreadyExists (2; v1.0 unsignedAutoEnableConfigDisallowed)
 *   while an eIM is associated — the eIM configures it with a PSMO then.
 * - ImmediateEnable (v1.2 {80 refreshFlag}; v1.0 EnableUsingDD, empty): without an
 *   immediate-enable configuration → immediateEnableNotAvailable (1); with one →
 *   noSessionContext (4): this card keeps no "profile just downloaded, not yet enabled"
 *   context to enable.
 * - ProfileRollback: rollbackNotAllowed (1) unless an enable PSMO with rollbackFlag left
 *   a rollback point (profile_rollback.h; persisted, so it survives the REFRESH / reset /
 *   power loss that follows an enable — the moment a rollback is needed); then the profile
 *   enabled before it is enabled again (or the PSMO's profile disabled when none was) and
 *   the point removed, in one transaction. The next eUICC Package, a memory reset and the
 *   fallback / emergency switches also remove it. The optional eUICCPackageResult is not
 *   returned.
 * - Fallback (§5.9.20/21): the Fallback Profile is the one whose fallbackAttribute
 *   the eIM set (setFallbackAttribute PSMO, euicc_package.c). ExecuteFallbackMechanism:
 *   ecallActive (104) while the Emergency Profile is enabled; fallbackNotAvailable (6)
 *   without a Fallback Profile; profileNotInDisabledState (2) when it is enabled
 *   already; otherwise the enabled profile (if any) is disabled, the Fallback Profile
 *   enabled, and both remembered in the profile records (card-private PROFILE_IOT_*
 *   bits, so a restart keeps them). ReturnFromFallback: fallbackNotAvailable unless a
 *   fallback is running (the Fallback Profile enabled BY ExecuteFallbackMechanism);
 *   then the remembered profile is enabled again (none was: the Fallback Profile is
 *   just disabled). commandError / catBusy never occur (a malformed request is SW
 *   6A80; no CAT).
 * - Emergency (§5.9.22/23): the Emergency Profile is the one whose metadata says
 *   ecallIndication TRUE (at most one: es8.c). EnableEmergencyProfile:
 *   ecallNotAvailable (8) without one, profileNotInDisabledState (2) when enabled;
 *   otherwise as the fallback (the displaced profile is remembered).
 *   DisableEmergencyProfile: 8 / profileNotInEnabledState (2); otherwise the emergency
 *   profile is disabled and the remembered profile enabled again. An emergency during
 *   a fallback returns to the Fallback Profile, whose fallback keeps running.
 * - These switches override PPR1 of the profile they disable (connectivity for the
 *   device, an emergency call, must not depend on a policy of the displaced profile);
 *   each one is a single transaction with the enable / disable notifications the
 *   profiles' notificationConfigurationInfo asks for, exactly as ES10c does (SGP.32
 *   reports the cause, StateChangeCause fallback / emergencyProfile, on ESipa, which
 *   is the IPA's job). refreshFlag is accepted and ignored (no REFRESH: no terminal
 *   session); a successful switch ends the ProfileRollback window.
 * - While the Emergency Profile is enabled ("ecallActive"): eUICCMemoryReset answers
 *   resetResult ecallActive (104) and resets nothing (81/82, when asked, undefinedError:
 *   their types have no such value); psmoList packages get EuiccPackageErrorSigned
 *   ecallActive (euicc_package.c); local ES10c Enable/Disable/DeleteProfile answer
 *   disallowedByPolicy (3) (their result types have no ecallActive).
 * - GetConnectivityParameters: the enabled profile's SAIP ProfileHeader
 *   connectivityParameters (ppi/pe_header.c keeps them in the profile image) as httpParams:
 *   BF5F {A0 {81 octets}}. SAIP defines the header field as a plain OCTET STRING and
 *   SGP.32 ConnectivityParameters has one component (httpParams, "also used for CoAP"),
 *   so the octets are passed through unchanged. No enabled profile, or one without them →
 *   parametersNotAvailable (1); a store failure → undefinedError (127).
 * - IpaeActivation (BF42): this card has no IPA inside (EUICCInfo2 ipaMode ipad, ISD-R
 *   template E1 without ipaeSupported), so a well-formed request answers notSupported (1).
 * - Guard: with an eIM associated, ES10c EnableProfile / DisableProfile / DeleteProfile
 *   answer disallowedByPolicy (3) without looking further (SGP.32: profile state
 *   changes come from the eIM as PSMOs). GetProfilesInfo and SetNickname change no
 *   profile state and stay local; eUICCMemoryReset stays local too (SGP.32 keeps it an
 *   ES10b function of the IPA: the device's factory reset). Without an associated eIM
 *   the ES10c functions work as in consumer mode.
 */
#include <stdlib.h>
#include <string.h>

#include "card/profile_image.h"
#include "card/store.h"
#include "card/uicc.h"
#include "isd-r/eim_config.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/profile_rollback.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"

#define RESULT_OK                 0
#define RESULT_NOTHING_TO_DELETE  1
#define RESULT_UNDEFINED_ERROR    127

#define RESET_RESULT_OK           0
#define RESET_EIM_NOTHING         1

/* BF64 resetOptions (v1.2) */
#define V12_DELETE_OPERATIONAL    (1u << 0)
#define V12_DELETE_FIELD_TEST     (1u << 1)
#define V12_RESET_DEFAULT_SMDP    (1u << 2)
#define V12_DELETE_PRELOADED_TEST (1u << 3)
#define V12_DELETE_PROVISIONING   (1u << 4)
#define V12_RESET_EIM             (1u << 5)
#define V12_RESET_IMMEDIATE       (1u << 6)

/* BF34 resetOptions as SGP.32 v1.0 defines them */
#define V10_PROFILE_BITS          0x07u
#define V10_RESET_EIM             (1u << 3)
#define V10_RESET_AUTO_ENABLE     (1u << 4)

#define IMMEDIATE_NOT_AVAILABLE   1
#define IMMEDIATE_NO_SESSION      4
#define CONFIG_EIM_EXISTS         2
#define ROLLBACK_NOT_ALLOWED      1
#define PROFILE_NOT_IN_STATE      2
#define FALLBACK_NOT_AVAILABLE    6
#define ECALL_NOT_AVAILABLE       8
#define ECALL_ACTIVE              104
#define PARAMETERS_NOT_AVAILABLE  1
#define IPAE_NOT_SUPPORTED        1
#define DISALLOWED_BY_POLICY      3

#define IMMEDIATE_CONFIG_MAX      (ISDR_ADDRESS_MAX + 96u)

/* Which bits a reset runs: profile bits in ISDR_RESET_* terms, plus the IoT parts. */
struct reset_plan {
    uint32_t profile_bits;
    bool profiles_asked;
    bool eim;
    bool immediate;
};

struct reset_result {
    int main;
    int eim;
    int immediate;
};

static int reset_in_tx(struct isdr *r, const struct reset_plan *p, struct reset_result *out)
{
    bool done = false;
    int rc = STORE_OK;
    out->main = RESET_RESULT_OK;
    out->eim = RESET_RESULT_OK;
    out->immediate = RESET_RESULT_OK;
    if (p->profile_bits)
        rc = es10c_memory_reset_in_tx(r, p->profile_bits, &done);
    if (rc != STORE_OK)
        return rc;
    if (p->profiles_asked && !done)
        out->main = RESULT_NOTHING_TO_DELETE;
    if (p->eim) {
        size_t n = 0;
        rc = eim_count(r->store, &n);
        if (rc == STORE_OK && n == 0)
            out->eim = RESET_EIM_NOTHING;
        else if (rc == STORE_OK)
            rc = eim_delete_all(r->store);
        if (rc != STORE_OK)
            return rc;
    }
    if (p->immediate)
        rc = store_delete(r->store, SID_ISDR_IMMEDIATE_ENABLE);
    if (rc == STORE_OK)
        rc = rollback_point_clear(r->store);
    return rc;
}

/* {80 main, 81 eim?, 82 immediate?} */
static void put_reset(struct tlv_writer *resp, uint32_t tag, const struct reset_plan *p,
                      const struct reset_result *res)
{
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x80, res->main);
    if (p->eim)
        tlv_put_int(resp, 0x81, res->eim);
    if (p->immediate)
        tlv_put_int(resp, 0x82, res->immediate);
    tlv_close(resp);
}

/* Run the plan in one transaction and write {80 main, 81 eim?, 82 immediate?}. */
static int run_reset(struct isdr *r, uint32_t tag, const struct reset_plan *p,
                     struct tlv_writer *resp)
{
    struct reset_result res;
    bool ecall = false;
    int rc = profile_ecall_active(r->store, &ecall);
    if (rc == STORE_OK && ecall) {
        /* nothing is reset while the Emergency Profile is enabled */
        r->outcome = "ecallActive";
        res.main = ECALL_ACTIVE;
        res.eim = res.immediate = RESULT_UNDEFINED_ERROR;
        put_reset(resp, tag, p, &res);
        return ISDR_OK;
    }
    if (rc == STORE_OK)
        rc = store_begin(r->store);
    if (rc == STORE_OK) {
        rc = reset_in_tx(r, p, &res);
        if (rc == STORE_OK)
            rc = store_commit(r->store);
        else
            store_abort(r->store);
    }
    if (rc != STORE_OK) {
        res.main = res.eim = res.immediate = RESULT_UNDEFINED_ERROR;
    } else {
        uicc_load_enabled(r->card);       /* a deleted enabled profile leaves the UICC */
    }
    r->outcome = res.main == RESET_RESULT_OK ? "ok" :
                 res.main == RESULT_NOTHING_TO_DELETE ? "nothingToDelete" : "undefinedError";
    put_reset(resp, tag, p, &res);
    return ISDR_OK;
}

static bool reset_options(const struct tlv *req, uint32_t *bits)
{
    struct tlv opt;
    return tlv_find(req->value, req->len, 0x82, &opt) && !opt.constructed &&
           isdr_get_bits(opt.value, opt.len, bits);
}

int es10b_euicc_memory_reset(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    uint32_t bits;
    if (!reset_options(req, &bits))
        return ISDR_EMALFORMED;
    struct reset_plan p = { 0 };
    if (bits & V12_DELETE_OPERATIONAL)
        p.profile_bits |= ISDR_RESET_DELETE_OPERATIONAL;
    if (bits & V12_DELETE_FIELD_TEST)
        p.profile_bits |= ISDR_RESET_DELETE_FIELD_TEST;
    if (bits & V12_RESET_DEFAULT_SMDP)
        p.profile_bits |= ISDR_RESET_DEFAULT_SMDP_ADDRESS;
    if (bits & V12_DELETE_PROVISIONING)
        p.profile_bits |= ISDR_RESET_DELETE_PROVISIONING;
    p.profiles_asked = (bits & (V12_DELETE_OPERATIONAL | V12_DELETE_FIELD_TEST |
                                V12_RESET_DEFAULT_SMDP | V12_DELETE_PRELOADED_TEST |
                                V12_DELETE_PROVISIONING)) != 0;
    p.eim = (bits & V12_RESET_EIM) != 0;
    p.immediate = (bits & V12_RESET_IMMEDIATE) != 0;
    return run_reset(r, 0xBF64, &p, resp);
}

int es10b_euicc_memory_reset_v10(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp)
{
    uint32_t bits;
    if (!reset_options(req, &bits))
        return ISDR_EMALFORMED;
    struct reset_plan p = { 0 };
    p.profile_bits = bits & V10_PROFILE_BITS;   /* same numbering as ISDR_RESET_* */
    p.profiles_asked = p.profile_bits != 0;
    p.eim = (bits & V10_RESET_EIM) != 0;
    p.immediate = (bits & V10_RESET_AUTO_ENABLE) != 0;
    return run_reset(r, 0xBF34, &p, resp);
}

static void put_result(struct tlv_writer *resp, uint32_t tag, int result)
{
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x80, result);
    tlv_close(resp);
}

/* { 80 refreshFlag BOOLEAN } — or, when allow_empty (v1.0 EnableUsingDD), nothing. */
static bool refresh_request(const struct tlv *req, bool allow_empty)
{
    struct tlv_cursor c;
    struct tlv f, extra;
    tlv_cursor_init(&c, req->value, req->len);
    if (!tlv_next(&c, &f))
        return !c.error && allow_empty;
    return f.tag == 0x80 && !f.constructed && f.len == 1 && !tlv_next(&c, &extra) &&
           !c.error;
}

int isdr_immediate_enable_save(struct isdr *r, const uint8_t *v, size_t len)
{
    struct tlv_cursor c;
    struct tlv f;
    uint32_t last = 0;
    size_t chars;
    if (len > IMMEDIATE_CONFIG_MAX)
        return ISDR_EMALFORMED;
    tlv_cursor_init(&c, v, len);
    while (tlv_next(&c, &f)) {
        /* in order, each at most once */
        if (f.constructed || f.tag <= last || f.tag > 0x82)
            return ISDR_EMALFORMED;
        last = f.tag;
        if (f.tag == 0x80 && f.len != 0)
            return ISDR_EMALFORMED;
        if (f.tag == 0x81 && (f.len == 0 || f.len > 64))
            return ISDR_EMALFORMED;
        if (f.tag == 0x82 && (f.len > ISDR_ADDRESS_MAX ||
                              !isdr_utf8_valid(f.value, f.len, &chars)))
            return ISDR_EMALFORMED;
    }
    if (c.error)
        return ISDR_EMALFORMED;
    return store_put(r->store, SID_ISDR_IMMEDIATE_ENABLE, v, len) == STORE_OK ? ISDR_OK
                                                                              : ISDR_EFAIL;
}

static int eim_associated(struct isdr *r, bool *yes)
{
    size_t n = 0;
    int rc = eim_count(r->store, &n);
    *yes = n > 0;
    return rc;
}

int es10b_configure_immediate_enable(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp)
{
    bool assoc;
    int result;
    if (eim_associated(r, &assoc) != STORE_OK) {
        result = RESULT_UNDEFINED_ERROR;
    } else if (assoc) {
        result = CONFIG_EIM_EXISTS;
    } else {
        int rc = isdr_immediate_enable_save(r, req->value, req->len);
        if (rc == ISDR_EMALFORMED)
            return ISDR_EMALFORMED;
        result = rc == ISDR_OK ? RESULT_OK : RESULT_UNDEFINED_ERROR;
    }
    r->outcome = result == RESULT_OK ? "ok" : result == CONFIG_EIM_EXISTS
                 ? "associatedEimAlreadyExists" : "undefinedError";
    put_result(resp, 0xBF59, result);
    return ISDR_OK;
}

int es10b_immediate_enable(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    uint8_t cfg[IMMEDIATE_CONFIG_MAX];
    size_t len = 0;
    struct tlv flag;
    int result;
    if (!refresh_request(req, true))
        return ISDR_EMALFORMED;
    int rc = store_get(r->store, SID_ISDR_IMMEDIATE_ENABLE, cfg, sizeof(cfg), &len);
    if (rc == STORE_ENOTFOUND || (rc == STORE_OK && !tlv_find(cfg, len, 0x80, &flag)))
        result = IMMEDIATE_NOT_AVAILABLE;
    else if (rc == STORE_OK)
        result = IMMEDIATE_NO_SESSION;
    else
        result = RESULT_UNDEFINED_ERROR;
    r->outcome = result == IMMEDIATE_NOT_AVAILABLE ? "immediateEnableNotAvailable" :
                 result == IMMEDIATE_NO_SESSION ? "noSessionContext" : "undefinedError";
    put_result(resp, 0xBF5A, result);
    return ISDR_OK;
}

/* The rollback's state changes inside the open transaction: a result code or -1. */
static int rollback_in_tx(struct isdr *r, const struct rollback_point *rp)
{
    int rc;
    if (rp->had_previous)   /* enabling the previous profile disables the PSMO's one */
        rc = isdr_state_change_in_tx(r, ISDR_STATE_ENABLE, rp->previous_iccid);
    else
        rc = isdr_state_change_in_tx(r, ISDR_STATE_DISABLE, rp->enabled_iccid);
    if (rc < 0)
        return -1;
    if (rc != 0)
        return RESULT_UNDEFINED_ERROR;
    return rollback_point_clear(r->store) == STORE_OK ? RESULT_OK : -1;
}

int es10b_profile_rollback(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    int result;
    struct rollback_point rp;
    if (!refresh_request(req, false))
        return ISDR_EMALFORMED;
    int q = rollback_point_get(r->store, &rp);
    if (q == STORE_ENOTFOUND) {
        result = ROLLBACK_NOT_ALLOWED;
    } else if (q != STORE_OK || store_begin(r->store) != STORE_OK) {
        result = RESULT_UNDEFINED_ERROR;
    } else {
        result = rollback_in_tx(r, &rp);
        if (result == RESULT_OK && store_commit(r->store) == STORE_OK) {
            uicc_load_enabled(r->card);
        } else {
            if (result != RESULT_OK)
                store_abort(r->store);
            result = RESULT_UNDEFINED_ERROR;
        }
    }
    r->outcome = result == RESULT_OK ? "ok" : result == ROLLBACK_NOT_ALLOWED
                 ? "rollbackNotAllowed" : "undefinedError";
    /* cmdResult is untagged (02): eUICCPackageResult [81] is the tagged component */
    tlv_open(resp, 0xBF58);
    tlv_put_int(resp, 0x02, result);
    tlv_close(resp);
    return ISDR_OK;
}

/* ---- fallback and emergency (SGP.32 §5.9.20-23) ---- */

/* Make the profile iccid (NULL: none) the enabled one inside the open transaction: the
 * enabled profile, when another, is disabled first with its notifications, whatever its
 * PPR1 (see the decisions). scratch is a work record. 0 or -1. */
static int switch_to(struct isdr *r, const uint8_t *iccid, struct profile_record *scratch)
{
    int rc = profile_find_enabled(r->store, 0, scratch);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND)
        return -1;
    if (rc == STORE_OK && iccid && memcmp(scratch->iccid, iccid, PROFILE_ICCID_LEN) == 0)
        return 0;
    if (rc == STORE_OK) {
        scratch->state = PROFILE_DISABLED;
        if (profile_save(r->store, scratch) != STORE_OK ||
            es10c_profile_notify(r, scratch, NOTIF_EVENT_DISABLE) != 0)
            return -1;
    }
    if (!iccid)
        return 0;
    return isdr_state_change_in_tx(r, ISDR_STATE_ENABLE, iccid) == RESULT_OK ? 0 : -1;
}

/* Set the PROFILE_IOT_* bits on the profile iccid. 0 or -1. */
static int mark(struct isdr *r, const uint8_t iccid[PROFILE_ICCID_LEN], uint8_t bits,
                struct profile_record *scratch)
{
    if (profile_find_iccid(r->store, iccid, scratch) != STORE_OK)
        return -1;
    scratch->iot |= bits;
    return profile_save(r->store, scratch) == STORE_OK ? 0 : -1;
}

/* Enable the profile of role (already loaded into p[0], disabled), remembering the
 * profile enabled before with return_bit. p[1] is scratch. 0 or -1. */
static int enter_episode(struct isdr *r, struct profile_record *p, uint8_t active_bit,
                         uint8_t return_bit)
{
    uint8_t target[PROFILE_ICCID_LEN], prev[PROFILE_ICCID_LEN];
    int q = profile_find_enabled(r->store, 0, p + 1);
    bool had = q == STORE_OK;
    if ((q != STORE_OK && q != STORE_ENOTFOUND) || profile_clear_iot(r->store, (uint8_t)(active_bit | return_bit)) != STORE_OK)
        return -1;
    memcpy(target, p->iccid, sizeof target);
    if (had)
        memcpy(prev, p[1].iccid, sizeof prev);
    if (switch_to(r, target, p + 1) != 0 ||
        (active_bit && mark(r, target, active_bit, p + 1) != 0) ||
        (had && mark(r, prev, return_bit, p + 1) != 0))
        return -1;
    return 0;
}

/* Go back to the profile carrying return_bit (none: no profile enabled), clearing
 * clear_bits everywhere. p[0..1] are scratch. 0 or -1. */
static int leave_episode(struct isdr *r, struct profile_record *p, enum profile_iot_role back,
                         uint8_t clear_bits)
{
    uint8_t to[PROFILE_ICCID_LEN];
    int rc = profile_find_iot(r->store, back, p);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND)
        return -1;
    if (rc == STORE_OK)
        memcpy(to, p->iccid, sizeof to);
    if (profile_clear_iot(r->store, clear_bits) != STORE_OK)
        return -1;
    return switch_to(r, rc == STORE_OK ? to : NULL, p + 1);
}

/* Load the profile of role into p: a result code when it is missing or not in state,
 * -1 on a store failure, RESULT_OK when it is there in state. */
static int role_in_state(struct isdr *r, enum profile_iot_role role, uint8_t state,
                         int missing, struct profile_record *p)
{
    int rc = profile_find_iot(r->store, role, p);
    if (rc == STORE_ENOTFOUND)
        return missing;
    if (rc != STORE_OK)
        return -1;
    return p->state == state ? RESULT_OK : PROFILE_NOT_IN_STATE;
}

static int fallback_in_tx(struct isdr *r, struct profile_record *p)
{
    bool ecall;
    if (profile_ecall_active(r->store, &ecall) != STORE_OK)
        return -1;
    if (ecall)
        return ECALL_ACTIVE;
    int result = role_in_state(r, PROFILE_ROLE_FALLBACK, PROFILE_DISABLED,
                               FALLBACK_NOT_AVAILABLE, p);
    if (result != RESULT_OK)
        return result;
    return enter_episode(r, p, PROFILE_IOT_FALLBACK_ACTIVE, PROFILE_IOT_RETURN_FALLBACK);
}

static int return_in_tx(struct isdr *r, struct profile_record *p)
{
    int result = role_in_state(r, PROFILE_ROLE_FALLBACK, PROFILE_ENABLED,
                               FALLBACK_NOT_AVAILABLE, p);
    if (result < 0)
        return result;
    if (result != RESULT_OK || !(p->iot & PROFILE_IOT_FALLBACK_ACTIVE))
        return FALLBACK_NOT_AVAILABLE;      /* no fallback is running */
    return leave_episode(r, p, PROFILE_ROLE_RETURN_FALLBACK,
                         PROFILE_IOT_FALLBACK_ACTIVE | PROFILE_IOT_RETURN_FALLBACK);
}

static int ecall_enable_in_tx(struct isdr *r, struct profile_record *p)
{
    int result = role_in_state(r, PROFILE_ROLE_EMERGENCY, PROFILE_DISABLED,
                               ECALL_NOT_AVAILABLE, p);
    if (result != RESULT_OK)
        return result;
    return enter_episode(r, p, 0, PROFILE_IOT_RETURN_ECALL);
}

static int ecall_disable_in_tx(struct isdr *r, struct profile_record *p)
{
    int result = role_in_state(r, PROFILE_ROLE_EMERGENCY, PROFILE_ENABLED,
                               ECALL_NOT_AVAILABLE, p);
    if (result != RESULT_OK)
        return result;
    return leave_episode(r, p, PROFILE_ROLE_RETURN_ECALL, PROFILE_IOT_RETURN_ECALL);
}

static const char *episode_outcome(uint32_t tag, int result)
{
    switch (result) {
    case RESULT_OK: return "ok";
    case PROFILE_NOT_IN_STATE:
        return tag == 0xBF5C ? "profileNotInEnabledState" : "profileNotInDisabledState";
    case FALLBACK_NOT_AVAILABLE: return "fallbackNotAvailable";
    case ECALL_NOT_AVAILABLE: return "ecallNotAvailable";
    case ECALL_ACTIVE: return "ecallActive";
    default: return "undefinedError";
    }
}

/* {80 refreshFlag} → {80 result}: fn's checks and changes in one transaction. */
static int run_episode(struct isdr *r, const struct tlv *req, struct tlv_writer *resp,
                       int (*fn)(struct isdr *, struct profile_record *))
{
    if (!refresh_request(req, false))
        return ISDR_EMALFORMED;
    struct profile_record *p = malloc(2 * sizeof *p);
    int result = RESULT_UNDEFINED_ERROR;
    if (p && store_begin(r->store) == STORE_OK) {
        result = fn(r, p);
        /* the state the rollback point knew is gone */
        if (result == RESULT_OK && rollback_point_clear(r->store) != STORE_OK)
            result = -1;
        if (result == RESULT_OK && store_commit(r->store) == STORE_OK) {
            uicc_load_enabled(r->card);
        } else {
            if (result != RESULT_OK)
                store_abort(r->store);
            if (result <= RESULT_OK)
                result = RESULT_UNDEFINED_ERROR;
        }
    }
    free(p);
    r->outcome = episode_outcome(req->tag, result);
    put_result(resp, req->tag, result);
    return ISDR_OK;
}

int es10b_execute_fallback_mechanism(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp)
{
    return run_episode(r, req, resp, fallback_in_tx);
}

int es10b_return_from_fallback(struct isdr *r, const struct tlv *req,
                               struct tlv_writer *resp)
{
    return run_episode(r, req, resp, return_in_tx);
}

int es10b_enable_emergency_profile(struct isdr *r, const struct tlv *req,
                                   struct tlv_writer *resp)
{
    return run_episode(r, req, resp, ecall_enable_in_tx);
}

int es10b_disable_emergency_profile(struct isdr *r, const struct tlv *req,
                                    struct tlv_writer *resp)
{
    return run_episode(r, req, resp, ecall_disable_in_tx);
}

/* IpaeActivationRequest BF42 {80 ipaeOption BIT STRING} → BF42 {80 notSupported}. */
int es10b_ipae_activation(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv_cursor c;
    struct tlv f, extra;
    uint32_t bits;
    tlv_cursor_init(&c, req->value, req->len);
    if (!tlv_next(&c, &f) || f.tag != 0x80 || f.constructed ||
        !isdr_get_bits(f.value, f.len, &bits) || tlv_next(&c, &extra) || c.error)
        return ISDR_EMALFORMED;
    r->outcome = "notSupported";
    put_result(resp, 0xBF42, IPAE_NOT_SUPPORTED);
    return ISDR_OK;
}

int es10b_get_connectivity_parameters(struct isdr *r, const struct tlv *req,
                                      struct tlv_writer *resp)
{
    if (req->len != 0)
        return ISDR_EMALFORMED;
    struct profile_record *p = malloc(sizeof *p);
    uint8_t *params = malloc(CONNECTIVITY_MAX);
    size_t len = 0;
    int rc = p && params ? profile_find_enabled(r->store, 0, p) : STORE_ENOMEM;
    if (rc == STORE_OK)
        rc = profile_image_connectivity(r->store, p->slot, params, CONNECTIVITY_MAX, &len);
    tlv_open(resp, 0xBF5F);
    if (rc == STORE_OK) {
        r->outcome = "ok";
        tlv_open(resp, 0xA0);                       /* connectivityParameters */
        tlv_put(resp, 0x81, params, len);           /* httpParams */
        tlv_close(resp);
    } else {
        bool none = rc == STORE_ENOTFOUND;
        r->outcome = none ? "parametersNotAvailable" : "undefinedError";
        tlv_put_int(resp, 0x81, none ? PARAMETERS_NOT_AVAILABLE : RESULT_UNDEFINED_ERROR);
    }
    tlv_close(resp);
    free(p);
    free(params);
    return ISDR_OK;
}

/* The guard: with an eIM associated, answer disallowedByPolicy; else run handler. */
static int guarded(struct isdr *r, const struct tlv *req, struct tlv_writer *resp,
                   isdr_handler handler)
{
    bool assoc, ecall;
    if (eim_associated(r, &assoc) != STORE_OK ||
        profile_ecall_active(r->store, &ecall) != STORE_OK) {
        r->outcome = "undefinedError";
        put_result(resp, req->tag, RESULT_UNDEFINED_ERROR);
        return ISDR_OK;
    }
    if (!assoc && !ecall)
        return handler(r, req, resp);
    r->outcome = assoc ? "disallowedByPolicy (eIM associated: PSMOs only)"
                       : "disallowedByPolicy (Emergency Profile enabled)";
    put_result(resp, req->tag, DISALLOWED_BY_POLICY);
    return ISDR_OK;
}

int es10c_enable_profile_guarded(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp)
{
    return guarded(r, req, resp, es10c_enable_profile);
}

int es10c_disable_profile_guarded(struct isdr *r, const struct tlv *req,
                                  struct tlv_writer *resp)
{
    return guarded(r, req, resp, es10c_disable_profile);
}

int es10c_delete_profile_guarded(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp)
{
    return guarded(r, req, resp, es10c_delete_profile);
}
