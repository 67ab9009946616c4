/* isd-r/isdr.c — the ISD-R applet: SELECT answers the FCI, STORE DATA (INS E2)
 * carries ES10a/b/c requests, reassembled and dispatched on their outermost tag. */
#include "isd-r/isdr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/apdu.h"
#include "card/card.h"
#include "card/channel.h"
#include "card/storedata.h"
#include "isd-r/isdr_internal.h"
#include "isd-p/isdp.h"

const uint8_t ISDR_AID[ISDR_AID_LEN] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                         0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };

#define INS_STORE_DATA 0xE2
#define REQUEST_MAX_DEPTH 16

/* Which card mode a function answers in: SGP.32-only functions (and the IoT forms of
 * shared tags) are unknown to a consumer card, which answers them 6A88 exactly as an
 * SGP.22-only eUICC does (pySim's GetCerts probe tells the two apart by this). */
enum es10_modes { MODE_ANY = 0, MODE_CONSUMER = 1, MODE_IOT = 2 };

struct es10_function {
    uint32_t tag;
    enum es10_modes modes;
    const char *name;
    isdr_handler handler;
};

/* First match in the current mode wins: IoT entries of a shared tag come first. */
static const struct es10_function FUNCTIONS[] = {
    { 0xBF3C, MODE_ANY, "ES10a.GetEuiccConfiguredAddresses",
      es10a_get_euicc_configured_addresses },
    { 0xBF3F, MODE_ANY, "ES10a.SetDefaultDpAddress", es10a_set_default_dp_address },
    { 0xBF20, MODE_ANY, "ES10b.GetEUICCInfo1", es10b_get_euicc_info1 },
    { 0xBF22, MODE_ANY, "ES10b.GetEUICCInfo2", es10b_get_euicc_info2 },
    { 0xBF2E, MODE_ANY, "ES10b.GetEUICCChallenge", es10b_get_euicc_challenge },
    { 0xBF28, MODE_ANY, "ES10b.ListNotification", es10b_list_notification },
    { 0xBF2B, MODE_ANY, "ES10b.RetrieveNotificationsList",
      es10b_retrieve_notifications_list },
    { 0xBF30, MODE_ANY, "ES10b.RemoveNotificationFromList",
      es10b_remove_notification_from_list },
    { 0xBF43, MODE_ANY, "ES10b.GetRAT", es10b_get_rat },
    { 0xBF38, MODE_ANY, "ES10b.AuthenticateServer", es10b_authenticate_server },
    { 0xBF21, MODE_ANY, "ES10b.PrepareDownload", es10b_prepare_download },
    { 0xBF41, MODE_ANY, "ES10b.CancelSession", es10b_cancel_session },
    { 0xBF3E, MODE_ANY, "ES10c.GetEID", es10c_get_eid },
    { 0xBF2D, MODE_ANY, "ES10c.GetProfilesInfo", es10c_get_profiles_info },
    { 0xBF29, MODE_ANY, "ES10c.SetNickname", es10c_set_nickname },
    { 0xBF34, MODE_IOT, "ES10b.eUICCMemoryReset (SGP.32 v1.0)",
      es10b_euicc_memory_reset_v10 },
    { 0xBF34, MODE_CONSUMER, "ES10c.eUICCMemoryReset", es10c_euicc_memory_reset },
    { 0xBF31, MODE_IOT, "ES10c.EnableProfile", es10c_enable_profile_guarded },
    { 0xBF32, MODE_IOT, "ES10c.DisableProfile", es10c_disable_profile_guarded },
    { 0xBF33, MODE_IOT, "ES10c.DeleteProfile", es10c_delete_profile_guarded },
    { 0xBF31, MODE_CONSUMER, "ES10c.EnableProfile", es10c_enable_profile },
    { 0xBF32, MODE_CONSUMER, "ES10c.DisableProfile", es10c_disable_profile },
    { 0xBF33, MODE_CONSUMER, "ES10c.DeleteProfile", es10c_delete_profile },
    /* SGP.32 (IoT eUICC) */
    { 0xBF51, MODE_IOT, "ES10b.LoadEuiccPackage", es10b_load_euicc_package },
    { 0xBF55, MODE_IOT, "ES10b.GetEimConfigurationData", es10b_get_eim_configuration_data },
    { 0xBF56, MODE_IOT, "ES10b.GetCerts", es10b_get_certs },
    { 0xBF57, MODE_IOT, "ES10b.AddInitialEim", es10b_add_initial_eim },
    { 0xBF58, MODE_IOT, "ES10b.ProfileRollback", es10b_profile_rollback },
    { 0xBF59, MODE_IOT, "ES10b.ConfigureImmediateProfileEnabling",
      es10b_configure_immediate_enable },
    { 0xBF5A, MODE_IOT, "ES10b.ImmediateEnable", es10b_immediate_enable },
    { 0xBF5B, MODE_IOT, "ES10b.EnableEmergencyProfile", es10b_enable_emergency_profile },
    { 0xBF5C, MODE_IOT, "ES10b.DisableEmergencyProfile", es10b_disable_emergency_profile },
    { 0xBF5D, MODE_IOT, "ES10b.ExecuteFallbackMechanism",
      es10b_execute_fallback_mechanism },
    { 0xBF5E, MODE_IOT, "ES10b.ReturnFromFallback", es10b_return_from_fallback },
    { 0xBF5F, MODE_IOT, "ES10b.GetConnectivityParameters",
      es10b_get_connectivity_parameters },
    { 0xBF64, MODE_IOT, "ES10b.eUICCMemoryReset", es10b_euicc_memory_reset },
    { 0xBF42, MODE_IOT, "ES10b.IpaeActivation", es10b_ipae_activation },
    { 0xBF65, MODE_IOT, "ES10b.SetDefaultDpAddress", es10a_set_default_dp_address },
};

bool isdr_is_iot(const struct isdr *r)
{
    return r->card != NULL && card_mode(r->card) == CARD_MODE_IOT;
}

bool isdr_get_bits(const uint8_t *v, size_t len, uint32_t *bits)
{
    size_t off = 1;
    unsigned unused;
    if (len == 0)
        return false;
    unused = v[0];
    if (unused > 7) {          /* no unused-bits octet (pySim): all octets are bits */
        off = 0;
        unused = 0;
    } else if (len == 1 && unused != 0) {
        return false;
    }
    *bits = 0;
    size_t nbits = (len - off) * 8 - unused;
    for (size_t i = 0; i < nbits && i < 32; i++)
        if (v[off + i / 8] & (0x80u >> (i % 8)))
            *bits |= 1u << i;
    return true;
}

bool isdr_utf8_valid(const uint8_t *p, size_t len, size_t *chars)
{
    size_t i = 0;
    *chars = 0;
    while (i < len) {
        uint8_t b = p[i];
        size_t n;
        uint32_t cp, min;
        if (b < 0x80) {
            n = 0; cp = b; min = 0;
        } else if ((b & 0xE0) == 0xC0) {
            n = 1; cp = b & 0x1F; min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            n = 2; cp = b & 0x0F; min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            n = 3; cp = b & 0x07; min = 0x10000;
        } else {
            return false;
        }
        if (len - i - 1 < n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
        (*chars)++;
    }
    return true;
}

static const struct es10_function *find_function(const struct isdr *r, uint32_t tag)
{
    enum es10_modes mode = isdr_is_iot(r) ? MODE_IOT : MODE_CONSUMER;
    for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++)
        if (FUNCTIONS[i].tag == tag &&
            (FUNCTIONS[i].modes == MODE_ANY || FUNCTIONS[i].modes == mode))
            return &FUNCTIONS[i];
    return NULL;
}

/* A piece of a BoundProfilePackage: BF36 (its start), or while a load is in progress
 * one of its parts (A0..A3 sequences, 86/87/88 segments). */
static bool is_bpp_piece(const struct isdr *r, const uint8_t *p, size_t len)
{
    uint32_t tag;
    size_t hl, vl;
    if (len == 0 || !tlv_parse_header(p, len, &tag, &hl, &vl))
        return false;
    if (tag == 0xBF36)
        return true;
    if (!isdp_load_active(r))
        return false;
    return (tag >= 0xA0 && tag <= 0xA3) || (tag >= 0x86 && tag <= 0x88);
}

static void trace(struct isdr *r, const char *fmt, const char *name, const char *what)
{
    if (r->card && card_tracing(r->card))
        card_trace(r->card, fmt, name, what);
}

uint16_t isdr_dispatch(struct isdr *r, const uint8_t *p, size_t len, uint8_t *out,
                       size_t cap, size_t *out_len)
{
    struct tlv req;
    struct tlv_writer w;
    char tagname[16];

    *out_len = 0;
    if (is_bpp_piece(r, p, len)) {
        /* LoadBoundProfilePackage: pieces are parts of one BF36 (headers arrive without
         * their contents), so they are not complete TLVs: the ISD-P parses the stream */
        tlv_writer_init(&w, out, cap);
        int rc = isdp_load_piece(r, p, len, &w);
        if (rc == ISDR_EMALFORMED) {
            trace(r, "%s → %s", "ES10b.LoadBoundProfilePackage", "6A80 (malformed)");
            return SW_WRONG_DATA;
        }
        if (rc != ISDR_OK || !tlv_writer_ok(&w)) {
            trace(r, "%s → %s", "ES10b.LoadBoundProfilePackage", "6F00 (internal error)");
            return SW_UNKNOWN;
        }
        trace(r, "%s → %s", "ES10b.LoadBoundProfilePackage",
              w.len ? "ProfileInstallationResult" : "segment accepted");
        *out_len = w.len;
        return SW_OK;
    }
    if (len == 0 || !tlv_parse(p, len, &req) || req.raw_len != len) {
        trace(r, "%s%s", "ES10: malformed request", " → 6A80");
        return SW_WRONG_DATA;
    }
    const struct es10_function *f = find_function(r, req.tag);
    if (!f) {
        snprintf(tagname, sizeof tagname, "%X", (unsigned)req.tag);
        trace(r, "ES10: unknown function %s%s", tagname, " → 6A88");
        return SW_REF_DATA_NOT_FOUND;
    }
    if (!req.constructed || !tlv_well_formed(req.value, req.len, REQUEST_MAX_DEPTH)) {
        trace(r, "%s → %s", f->name, "6A80 (malformed)");
        return SW_WRONG_DATA;
    }
    tlv_writer_init(&w, out, cap);
    r->outcome = "ok";
    int rc = f->handler(r, &req, &w);
    if (rc == ISDR_EMALFORMED) {
        trace(r, "%s → %s", f->name, "6A80 (malformed)");
        return SW_WRONG_DATA;
    }
    if (rc != ISDR_OK || !tlv_writer_ok(&w)) {
        trace(r, "%s → %s", f->name, "6F00 (internal error)");
        return SW_UNKNOWN;
    }
    trace(r, "%s → %s", f->name, r->outcome);
    *out_len = w.len;
    return SW_OK;
}

static bool isdr_select(struct applet *a, struct card *c, struct channel *ch,
                        struct apdu *apdu)
{
    struct isdr *r = a->ctx;
    struct tlv_writer w;
    (void)c;
    storedata_reset(&ch->sd);
    tlv_writer_init(&w, apdu->resp, apdu->resp_cap);
    isdr_write_fci(r, &w);
    if (!tlv_writer_ok(&w)) {
        apdu->resp_len = 0;
        apdu->sw = SW_UNKNOWN;
        return false;
    }
    apdu->resp_len = w.len;
    apdu->sw = SW_OK;
    return true;
}

static void isdr_deselect(struct applet *a, struct card *c, struct channel *ch)
{
    (void)a;
    (void)c;
    storedata_reset(&ch->sd);
}

static void isdr_process(struct applet *a, struct card *c, struct channel *ch,
                         struct apdu *apdu)
{
    struct isdr *r = a->ctx;
    uint16_t sw = SW_OK;
    (void)c;

    apdu->resp_len = 0;
    if (apdu->ins != INS_STORE_DATA) {
        apdu->sw = SW_INS_NOT_SUPPORTED;
        return;
    }
    if (!apdu->proprietary) {
        apdu->sw = SW_CLA_NOT_SUPPORTED;
        return;
    }
    switch (storedata_accept(&ch->sd, apdu, &sw)) {
    case STOREDATA_MORE:
        apdu->sw = SW_OK;
        return;
    case STOREDATA_ERROR:
        apdu->sw = sw;
        return;
    case STOREDATA_COMPLETE:
        break;
    }
    apdu->sw = isdr_dispatch(r, ch->sd.buf, ch->sd.len, apdu->resp, apdu->resp_cap,
                             &apdu->resp_len);
    storedata_reset(&ch->sd);
}

static void isdr_reset(struct applet *a, struct card *c)
{
    struct isdr *r = a->ctx;
    (void)c;
    isdp_load_abort(r);
    rsp_session_clear(&r->session);
    EVP_PKEY_free(r->ot_sk);      /* the one-time key does not survive a power loss */
    r->ot_sk = NULL;
}

static const struct applet_ops ISDR_OPS = {
    .select = isdr_select,
    .deselect = isdr_deselect,
    .process = isdr_process,
    .reset = isdr_reset,
};

struct isdr *isdr_install(struct card *c, char *err, size_t errcap)
{
    struct isdr *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errcap, "isd-r: out of memory");
        return NULL;
    }
    r->card = c;
    r->store = card_store(c);
    r->rng = card_rng(c);
    r->ecasd = card_ecasd(c);
    r->capacity = card_capacity(c);
    memcpy(r->applet.aid, ISDR_AID, ISDR_AID_LEN);
    r->applet.aid_len = ISDR_AID_LEN;
    r->applet.life_cycle = APPLET_LC_SELECTABLE;
    r->applet.ops = &ISDR_OPS;
    r->applet.ctx = r;
    rsp_session_clear(&r->session);
    if (!r->store || !r->rng || !r->ecasd) {
        snprintf(err, errcap, "isd-r: card services missing (store, rng, ecasd)");
        free(r);
        return NULL;
    }
    if (registry_add(card_registry(c), &r->applet) != 0) {
        snprintf(err, errcap, "isd-r: cannot register the ISD-R applet");
        free(r);
        return NULL;
    }
    return r;
}

void isdr_free(struct isdr *r)
{
    if (!r)
        return;
    isdp_load_abort(r);
    rsp_session_clear(&r->session);
    EVP_PKEY_free(r->ot_sk);
    free(r);
}
