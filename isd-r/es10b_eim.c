/* isd-r/es10b_eim.c — SGP.32 ES10b functions of the eIM association and the eUICC's
 * certificates: GetCerts (§5.9.10, BF56), AddInitialEim (§5.9.4, BF57) and
 * GetEimConfigurationData (§5.9.18, BF55). Tagging per SGP.32 v1.2 (AUTOMATIC TAGS).
 *
 * Decisions:
 * - AddInitialEim is refused with associatedEimAlreadyExists (2) as soon as any eIM is
 *   associated (v1.0 called the code unsignedEimConfigDisallowed: same number).
 * - associationToken: -1 → the eUICC generates one (a persistent counter, first token
 *   1) and answers it as 84; a value >= 0 chosen by the sender is stored as given and
 *   answered addOk (05); absent → no token, addOk; below -1 → invalidAssociationToken.
 * - counterValue: absent → 0; negative or wider than 64 bits → counterValueOutOfRange.
 * - eimPublicKeyData is mandatory here (without it no package could ever verify):
 *   absent or undecodable → commandError (7). A certificate must chain to a trusted CI
 *   (AKI = the CI's SKI and the CI's signature verifies), and a present euiccCiPKId must
 *   name a trusted CI, else ciPKUnknown (3).
 * - More entries than eIM slots → insufficientMemory (1); two entries with one eimId →
 *   commandError. All entries and their tokens are stored in one transaction.
 * - GetEimConfigurationData lists every stored field (the IPA needs eimFqdn, and
 *   trustedPublicKeyDataTls for its TLS; nothing listed is secret). The v1.0 request is
 *   empty, v1.2 may carry A0 {80 eimId}: an unknown eimId gives an empty list.
 * - GetCerts: euiccCiPKId absent → the first CI the card holds an eUICC certificate
 *   for; present but not one of those → invalidCiPKId (1).
 */
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "ecasd/ecasd.h"
#include "isd-r/eim_config.h"
#include "isd-r/isdr_internal.h"

#define GETCERTS_INVALID_CI_PKID 1

#define ADD_EIM_INSUFFICIENT_MEMORY  1
#define ADD_EIM_ALREADY_EXISTS       2
#define ADD_EIM_CI_PK_UNKNOWN        3
#define ADD_EIM_INVALID_TOKEN        5
#define ADD_EIM_COUNTER_OUT_OF_RANGE 6
#define ADD_EIM_COMMAND_ERROR        7
#define ADD_EIM_UNDEFINED_ERROR      127

#define TOKEN_GENERATE (-1)

/* Write cert (DER, outer 30) with its outer tag replaced by tag (implicit retag). */
static bool put_cert(struct tlv_writer *w, uint32_t tag, const uint8_t *der, size_t len)
{
    struct tlv t;
    if (!der || !tlv_parse(der, len, &t) || t.raw_len != len || t.tag != 0x30)
        return false;
    tlv_put(w, tag, t.value, t.len);
    return true;
}

int es10b_get_certs(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct tlv_cursor c;
    struct tlv f;
    int ci = -1;
    bool asked = false;

    tlv_cursor_init(&c, req->value, req->len);
    while (tlv_next(&c, &f)) {
        if (f.tag != 0x80 || f.constructed || asked)
            return ISDR_EMALFORMED;
        asked = true;
        ci = ecasd_ci_find(r->ecasd, f.value, f.len);
        if (ci >= 0 && !ecasd_ci_can_sign(r->ecasd, (size_t)ci))
            ci = -1;
    }
    if (c.error)
        return ISDR_EMALFORMED;
    if (!asked) {
        size_t n = ecasd_ci_count(r->ecasd);
        for (size_t i = 0; i < n && ci < 0; i++)
            if (ecasd_ci_can_sign(r->ecasd, i))
                ci = (int)i;
    }
    tlv_open(resp, 0xBF56);
    if (ci < 0) {
        r->outcome = "invalidCiPKId";
        tlv_put_int(resp, 0x81, GETCERTS_INVALID_CI_PKID);
        tlv_close(resp);
        return ISDR_OK;
    }
    size_t eum_len = 0, euicc_len = 0;
    const uint8_t *eum = ecasd_cert_eum(r->ecasd, (size_t)ci, &eum_len);
    const uint8_t *euicc = ecasd_cert_euicc(r->ecasd, (size_t)ci, &euicc_len);
    tlv_open(resp, 0xA0);
    if (!put_cert(resp, 0xA5, eum, eum_len) || !put_cert(resp, 0xA6, euicc, euicc_len))
        return ISDR_EFAIL;
    tlv_close(resp);
    tlv_close(resp);
    return ISDR_OK;
}

static const char *add_eim_outcome(int code)
{
    switch (code) {
    case ADD_EIM_INSUFFICIENT_MEMORY: return "insufficientMemory";
    case ADD_EIM_ALREADY_EXISTS: return "associatedEimAlreadyExists";
    case ADD_EIM_CI_PK_UNKNOWN: return "ciPKUnknown";
    case ADD_EIM_INVALID_TOKEN: return "invalidAssociationToken";
    case ADD_EIM_COUNTER_OUT_OF_RANGE: return "counterValueOutOfRange";
    case ADD_EIM_COMMAND_ERROR: return "commandError";
    default: return "undefinedError";
    }
}

/* Decode and check the list A0 { 30 {...} ... } into cfg[0..*n): 0 or an error code. */
static int decode_list(struct isdr *r, const struct tlv *req, struct eim_config *cfg,
                       size_t *n)
{
    struct tlv a0, e, extra;
    struct tlv_cursor c;
    *n = 0;
    tlv_cursor_init(&c, req->value, req->len);
    if (!tlv_next(&c, &a0) || a0.tag != 0xA0 || !a0.constructed || tlv_next(&c, &extra))
        return ADD_EIM_COMMAND_ERROR;
    tlv_cursor_init(&c, a0.value, a0.len);
    while (tlv_next(&c, &e)) {
        if (e.tag != 0x30 || !e.constructed)
            return ADD_EIM_COMMAND_ERROR;
        if (*n == EIM_MAX)
            return ADD_EIM_INSUFFICIENT_MEMORY;
        struct eim_config *x = &cfg[*n];
        int rc = eim_decode_config(e.value, e.len, x);
        if (rc == EIM_DECODE_ECOUNTER)
            return ADD_EIM_COUNTER_OUT_OF_RANGE;
        if (rc != 0 || x->key_len == 0)
            return ADD_EIM_COMMAND_ERROR;
        if (x->has_token && x->association_token < TOKEN_GENERATE)
            return ADD_EIM_INVALID_TOKEN;
        for (size_t i = 0; i < *n; i++)
            if (cfg[i].eim_id_len == x->eim_id_len &&
                memcmp(cfg[i].eim_id, x->eim_id, x->eim_id_len) == 0)
                return ADD_EIM_COMMAND_ERROR;
        EVP_PKEY *k = eim_trusted_key(x, r->ecasd);
        if (!k)
            return ADD_EIM_CI_PK_UNKNOWN;
        EVP_PKEY_free(k);
        if (!x->has_counter) {
            x->has_counter = true;
            x->counter = 0;
        }
        x->slot = 0;
        (*n)++;
    }
    if (c.error || *n == 0)
        return ADD_EIM_COMMAND_ERROR;
    return 0;
}

/* Store cfg[0..n) with their tokens in the open transaction: 0 or an error code. */
static int store_list(struct isdr *r, struct eim_config *cfg, size_t n, bool *generated)
{
    for (size_t i = 0; i < n; i++) {
        generated[i] = false;
        if (cfg[i].has_token && cfg[i].association_token == TOKEN_GENERATE) {
            if (eim_next_association_token(r->store, &cfg[i].association_token) != STORE_OK)
                return ADD_EIM_UNDEFINED_ERROR;
            generated[i] = true;
        }
        int rc = eim_save(r->store, &cfg[i]);
        if (rc == STORE_EFULL)
            return ADD_EIM_INSUFFICIENT_MEMORY;
        if (rc != STORE_OK)
            return ADD_EIM_UNDEFINED_ERROR;
    }
    return 0;
}

int es10b_add_initial_eim(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    struct eim_config *cfg = malloc(EIM_MAX * sizeof *cfg);
    bool generated[EIM_MAX];
    size_t n = 0, count = 0;
    int code;

    if (!cfg)
        return ISDR_EFAIL;
    if (eim_count(r->store, &count) != STORE_OK)
        code = ADD_EIM_UNDEFINED_ERROR;
    else if (count > 0)
        code = ADD_EIM_ALREADY_EXISTS;
    else
        code = decode_list(r, req, cfg, &n);
    if (code == 0) {
        if (store_begin(r->store) != STORE_OK) {
            code = ADD_EIM_UNDEFINED_ERROR;
        } else {
            code = store_list(r, cfg, n, generated);
            if (code == 0 && store_commit(r->store) != STORE_OK)
                code = ADD_EIM_UNDEFINED_ERROR;
            else if (code != 0)
                store_abort(r->store);
        }
    }
    tlv_open(resp, 0xBF57);
    if (code != 0) {
        r->outcome = add_eim_outcome(code);
        tlv_put_int(resp, 0x81, code);
    } else {
        tlv_open(resp, 0xA0);
        for (size_t i = 0; i < n; i++) {
            if (generated[i])
                tlv_put_int(resp, 0x84, cfg[i].association_token);
            else
                tlv_put(resp, 0x05, NULL, 0);   /* addOk */
        }
        tlv_close(resp);
    }
    tlv_close(resp);
    free(cfg);
    return ISDR_OK;
}

int es10b_get_eim_configuration_data(struct isdr *r, const struct tlv *req,
                                     struct tlv_writer *resp)
{
    struct tlv_cursor c;
    struct tlv crit, id, extra;
    const uint8_t *want = NULL;
    size_t want_len = 0;

    tlv_cursor_init(&c, req->value, req->len);
    if (tlv_next(&c, &crit)) {
        /* searchCriteria [0] CHOICE { eimId [0] } → A0 { 80 eimId } */
        struct tlv_cursor cc;
        if (crit.tag != 0xA0 || !tlv_enter(&crit, &cc) || !tlv_next(&cc, &id) ||
            id.tag != 0x80 || id.constructed || id.len < 1 || id.len > EIM_ID_MAX ||
            tlv_next(&cc, &extra) || cc.error || tlv_next(&c, &extra))
            return ISDR_EMALFORMED;
        want = id.value;
        want_len = id.len;
    }
    if (c.error)
        return ISDR_EMALFORMED;
    struct eim_config *e = malloc(sizeof *e);
    if (!e)
        return ISDR_EFAIL;
    uint8_t after = 0;
    int rc;
    tlv_open(resp, 0xBF55);
    tlv_open(resp, 0xA0);
    while ((rc = eim_next(r->store, after, e)) == STORE_OK) {
        after = e->slot;
        if (want && (e->eim_id_len != want_len || memcmp(e->eim_id, want, want_len) != 0))
            continue;
        eim_write_config(e, true, resp);
    }
    tlv_close(resp);
    tlv_close(resp);
    free(e);
    return rc == STORE_ENOTFOUND ? ISDR_OK : ISDR_EFAIL;
}
