/* ecasd/ecasd.c — the ECASD: identity life cycle (open: import / generate / load,
 * extra trusted CIs, persistence), accessors, signing, and the ECASD applet.
 *
 * Persistent layout (ids inside SID_ECASD_FIRST..SID_ECASD_LAST, card/store_ids.h):
 *   SID_ECASD_FIRST + 0x0001             format version, 1 octet (= 1)
 *   SID_ECASD_FIRST + 0x0100 + 0x10*k    key slot k (0..1): SK.EUICC.SIG, PKCS#8 DER
 *                                  + 1   CERT.EUICC, DER
 *                                  + 2   CERT.EUM, DER
 *   SID_ECASD_FIRST + 0x1000 + i         CI trust list entry i (0..ECASD_MAX_CI-1), DER
 * An open that imports, generates or adds CIs rewrites the whole range in one store
 * transaction. */
#include "ecasd/ecasd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/applet.h"
#include "card/card.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "card/tlv.h"
#include "crypto/ct.h"
#include "crypto/x509.h"
#include "ecasd/eid.h"
#include "ecasd/identity.h"
#include "ecasd/import.h"
#include "ecasd/testpki.h"

#define SID_ECASD_FORMAT       (SID_ECASD_FIRST + 0x0001u)
#define SID_ECASD_SLOT(k, w)   (SID_ECASD_FIRST + 0x0100u + 0x10u * (uint32_t)(k) + (w))
#define SLOT_SK    0u
#define SLOT_EUICC 1u
#define SLOT_EUM   2u
#define SID_ECASD_CI(i)        (SID_ECASD_FIRST + 0x1000u + (uint32_t)(i))
#define SID_ECASD_CI_LAST      (SID_ECASD_FIRST + 0x1FFFu)
#define ECASD_FORMAT 1u

#define SK_DER_MAX 512u
#define CERT_DER_MAX 8192u

const uint8_t ECASD_AID[ECASD_AID_LEN] = {0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x02, 0x00};

struct ecasd {
    struct identity id;
    uint8_t eid[EID_LEN];
    int ci_slot[ECASD_MAX_CI];    /* key slot chaining to CI i, or -1 */
    struct applet applet;
    struct rng *rng;              /* the card's rng (not owned): signature nonces */
};

/* ---- persistence ---------------------------------------------------------------- */

static int put_cert(struct store *s, uint32_t sid, const uint8_t *der, size_t len)
{
    return store_put(s, sid, der, len);
}

static int save_identity(struct store *s, const struct identity *id, char *err,
                         size_t errcap)
{
    static const uint8_t fmt = ECASD_FORMAT;
    uint8_t sk[SK_DER_MAX];
    int rc = store_begin(s);

    if (rc == STORE_OK)
        rc = store_delete_range(s, SID_ECASD_FIRST, SID_ECASD_LAST);
    if (rc == STORE_OK)
        rc = store_put(s, SID_ECASD_FORMAT, &fmt, 1);
    for (size_t k = 0; k < id->n_slots && rc == STORE_OK; k++) {
        const struct identity_slot *sl = &id->slot[k];
        size_t n = ec_private_to_der(sl->sk, sk, sizeof sk);
        rc = n == 0 ? STORE_EIO : store_put(s, SID_ECASD_SLOT(k, SLOT_SK), sk, n);
        ct_wipe(sk, sizeof sk);
        if (rc == STORE_OK)
            rc = put_cert(s, SID_ECASD_SLOT(k, SLOT_EUICC), sl->euicc_der, sl->euicc_len);
        if (rc == STORE_OK)
            rc = put_cert(s, SID_ECASD_SLOT(k, SLOT_EUM), sl->eum_der, sl->eum_len);
    }
    for (size_t i = 0; i < id->n_ci && rc == STORE_OK; i++) {
        uint8_t der[CERT_DER_MAX];
        size_t n = x509_to_der(id->ci[i], der, sizeof der);
        rc = n == 0 ? STORE_EIO : put_cert(s, SID_ECASD_CI(i), der, n);
    }
    if (rc == STORE_OK)
        rc = store_commit(s);
    else if (store_in_transaction(s))
        store_abort(s);
    if (rc != STORE_OK)
        snprintf(err, errcap, "ECASD: cannot persist the identity (store error %d)", rc);
    return rc == STORE_OK ? 0 : -1;
}

/* Read object sid into buf (cap); returns its length, 0 when absent, -1 on error. */
static long get_obj(struct store *s, uint32_t sid, uint8_t *buf, size_t cap)
{
    size_t len = 0;
    int rc = store_get(s, sid, buf, cap, &len);
    if (rc == STORE_ENOTFOUND)
        return 0;
    return rc == STORE_OK ? (long)len : -1;
}

static X509 *get_cert(struct store *s, uint32_t sid)
{
    uint8_t *buf = malloc(CERT_DER_MAX);
    X509 *x = NULL;
    long n = buf != NULL ? get_obj(s, sid, buf, CERT_DER_MAX) : -1;
    if (n > 0)
        x = x509_from_der(buf, (size_t)n);
    free(buf);
    return x;
}

/* 1 loaded, 0 nothing stored, -1 error (message in err). */
static int load_identity(struct store *s, struct identity *id, char *err, size_t errcap)
{
    uint8_t fmt = 0, sk[SK_DER_MAX];
    long n = get_obj(s, SID_ECASD_FORMAT, &fmt, 1);

    if (n == 0)
        return 0;
    if (n != 1 || fmt != ECASD_FORMAT) {
        snprintf(err, errcap, "ECASD: stored identity has an unknown format");
        return -1;
    }
    for (size_t k = 0; k < IDENTITY_MAX_SLOTS; k++) {
        n = get_obj(s, SID_ECASD_SLOT(k, SLOT_SK), sk, sizeof sk);
        if (n == 0)
            break;
        EVP_PKEY *key = n > 0 ? ec_private_from_bytes(sk, (size_t)n) : NULL;
        ct_wipe(sk, sizeof sk);
        X509 *euicc = get_cert(s, SID_ECASD_SLOT(k, SLOT_EUICC));
        X509 *eum = get_cert(s, SID_ECASD_SLOT(k, SLOT_EUM));
        if (identity_add_slot(id, key, euicc, eum, "stored SK.EUICC", "stored CERT.EUICC",
                              "stored CERT.EUM", err, errcap) != 0)
            goto fail;
    }
    if (id->n_slots == 0) {
        snprintf(err, errcap, "ECASD: stored identity has no eUICC key");
        goto fail;
    }
    uint32_t sid = SID_ECASD_CI(0) - 1;
    while (store_next(s, sid, SID_ECASD_CI_LAST, &sid) == STORE_OK) {
        X509 *ci = get_cert(s, sid);
        if (ci == NULL) {
            snprintf(err, errcap, "ECASD: stored CI certificate is unreadable");
            goto fail;
        }
        if (identity_add_ci(id, ci, "stored CI certificate", err, errcap) < 0)
            goto fail;
    }
    return 1;
fail:
    identity_clear(id);
    return -1;
}

/* ---- open / close ---------------------------------------------------------------- */

int ecasd_open(struct ecasd **out, struct store *s, struct rng *rng,
               const char *identity_dir, const char *const *ci_paths, size_t n_ci,
               char *err, size_t errcap)
{
    struct ecasd *e = NULL;
    bool dirty = false;

    if (out == NULL || s == NULL || (ci_paths == NULL && n_ci > 0)) {
        snprintf(err, errcap, "ECASD: invalid arguments");
        return -1;
    }
    *out = NULL;
    e = calloc(1, sizeof *e);
    if (e != NULL)
        e->rng = rng;
    if (e == NULL) {
        snprintf(err, errcap, "ECASD: out of memory");
        return -1;
    }
    if (identity_dir != NULL) {
        if (import_sgp26(identity_dir, &e->id, err, errcap) != 0)
            goto fail;
        dirty = true;
    } else {
        int rc = load_identity(s, &e->id, err, errcap);
        if (rc < 0)
            goto fail;
        if (rc == 0) {
            if (testpki_generate(rng, &e->id, err, errcap) != 0)
                goto fail;
            dirty = true;
        }
    }
    for (size_t i = 0; i < n_ci; i++) {
        X509 *x = x509_load_file(ci_paths[i], err, errcap);
        if (x == NULL)
            goto fail;
        int rc = identity_add_ci(&e->id, x, ci_paths[i], err, errcap);
        if (rc < 0)
            goto fail;
        dirty = dirty || rc > 0;
    }
    if (identity_check_chains(&e->id, err, errcap) != 0)
        goto fail;
    if (eid_to_bytes(e->id.eid, e->eid) != 0) {
        snprintf(err, errcap, "ECASD: invalid EID");
        goto fail;
    }
    for (size_t i = 0; i < ECASD_MAX_CI; i++)
        e->ci_slot[i] = identity_slot_for_ci(&e->id, i);
    if (dirty && save_identity(s, &e->id, err, errcap) != 0)
        goto fail;
    *out = e;
    return 0;
fail:
    ecasd_close(e);
    return -1;
}

void ecasd_close(struct ecasd *e)
{
    if (e == NULL)
        return;
    identity_clear(&e->id);
    free(e);
}

/* ---- accessors and signing ------------------------------------------------------- */

void ecasd_eid(const struct ecasd *e, uint8_t eid[16])
{
    memcpy(eid, e->eid, EID_LEN);
}

size_t ecasd_ci_count(const struct ecasd *e)
{
    return e != NULL ? e->id.n_ci : 0;
}

const uint8_t *ecasd_ci_pkid(const struct ecasd *e, size_t i)
{
    return e != NULL && i < e->id.n_ci ? e->id.pkid[i] : NULL;
}

X509 *ecasd_ci_cert(const struct ecasd *e, size_t i)
{
    return e != NULL && i < e->id.n_ci ? e->id.ci[i] : NULL;
}

bool ecasd_ci_can_sign(const struct ecasd *e, size_t i)
{
    return e != NULL && i < e->id.n_ci && e->ci_slot[i] >= 0;
}

int ecasd_ci_find(const struct ecasd *e, const uint8_t *pkid, size_t len)
{
    if (e == NULL || pkid == NULL || len != PKID_LEN)
        return -1;
    for (size_t i = 0; i < e->id.n_ci; i++)
        if (memcmp(e->id.pkid[i], pkid, PKID_LEN) == 0)
            return (int)i;
    return -1;
}

static const struct identity_slot *slot_for(const struct ecasd *e, size_t ci)
{
    if (!ecasd_ci_can_sign(e, ci))
        return NULL;
    return &e->id.slot[e->ci_slot[ci]];
}

const uint8_t *ecasd_cert_euicc(const struct ecasd *e, size_t ci, size_t *len)
{
    const struct identity_slot *s = slot_for(e, ci);
    if (s == NULL)
        return NULL;
    if (len != NULL)
        *len = s->euicc_len;
    return s->euicc_der;
}

const uint8_t *ecasd_cert_eum(const struct ecasd *e, size_t ci, size_t *len)
{
    const struct identity_slot *s = slot_for(e, ci);
    if (s == NULL)
        return NULL;
    if (len != NULL)
        *len = s->eum_len;
    return s->eum_der;
}

int ecasd_sign(const struct ecasd *e, size_t ci, const uint8_t *msg, size_t len,
               uint8_t sig[64])
{
    const struct identity_slot *s = slot_for(e, ci);
    if (s == NULL || sig == NULL)
        return -1;
    return ecdsa_sign_raw_rng(s->sk, e->rng, msg, len, sig);
}

enum ec_curve ecasd_curve(const struct ecasd *e, size_t ci)
{
    const struct identity_slot *s = slot_for(e, ci);
    return s != NULL ? s->curve : EC_CURVE_NONE;
}

/* ---- the applet ------------------------------------------------------------------ */

/* FCI: 6F { 84 AID, A5 { 9F65 01 FF } } (maximum length of data field in command). */
static bool ecasd_select(struct applet *a, struct card *c, struct channel *ch,
                         struct apdu *apdu)
{
    (void)c;
    (void)ch;
    static const uint8_t max_cmd = 0xFF;
    struct tlv_writer w;
    tlv_writer_init(&w, apdu->resp, apdu->resp_cap);
    tlv_open(&w, 0x6F);
    tlv_put(&w, 0x84, a->aid, a->aid_len);
    tlv_open(&w, 0xA5);
    tlv_put(&w, 0x9F65, &max_cmd, 1);
    tlv_close(&w);
    tlv_close(&w);
    if (!tlv_writer_ok(&w)) {
        apdu_respond(apdu, NULL, 0, SW_UNKNOWN);
        return false;
    }
    apdu->resp_len = w.len;
    apdu->sw = SW_OK;
    return true;
}

/* GET DATA 7F21: CERT.EUICC of the first key slot in a 7F21 template; nothing else. */
static void ecasd_process(struct applet *a, struct card *c, struct channel *ch,
                          struct apdu *apdu)
{
    (void)c;
    (void)ch;
    const struct ecasd *e = a->ctx;

    if (apdu->ins != 0xCA) {
        apdu_respond(apdu, NULL, 0, SW_INS_NOT_SUPPORTED);
        return;
    }
    if (apdu->p1 != 0x7F || apdu->p2 != 0x21 || e->id.n_slots == 0) {
        apdu_respond(apdu, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    struct tlv_writer w;
    tlv_writer_init(&w, apdu->resp, apdu->resp_cap);
    tlv_put(&w, 0x7F21, e->id.slot[0].euicc_der, e->id.slot[0].euicc_len);
    if (!tlv_writer_ok(&w)) {
        apdu_respond(apdu, NULL, 0, SW_UNKNOWN);
        return;
    }
    apdu->resp_len = w.len;
    apdu->sw = SW_OK;
}

static const struct applet_ops ecasd_ops = {
    .select = ecasd_select,
    .deselect = NULL,
    .process = ecasd_process,
    .reset = NULL,
};

int ecasd_install(struct card *c, struct ecasd *e)
{
    if (c == NULL || e == NULL)
        return -1;
    memcpy(e->applet.aid, ECASD_AID, ECASD_AID_LEN);
    e->applet.aid_len = ECASD_AID_LEN;
    e->applet.life_cycle = APPLET_LC_SELECTABLE;
    e->applet.ops = &ecasd_ops;
    e->applet.ctx = e;
    return registry_add(card_registry(c), &e->applet);
}
