/* ecasd/identity.c — consistency rules of an eUICC identity (see identity.h). */
#include "ecasd/identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "crypto/x509.h"

static void slot_free(struct identity_slot *s)
{
    EVP_PKEY_free(s->sk);
    X509_free(s->euicc);
    X509_free(s->eum);
    free(s->euicc_der);
    free(s->eum_der);
    memset(s, 0, sizeof *s);
}

void identity_clear(struct identity *id)
{
    if (id == NULL)
        return;
    for (size_t i = 0; i < id->n_slots; i++)
        slot_free(&id->slot[i]);
    for (size_t i = 0; i < id->n_ci; i++)
        X509_free(id->ci[i]);
    memset(id, 0, sizeof *id);
}

/* DER of x in a fresh heap buffer */
static uint8_t *der_dup(X509 *x, size_t *len)
{
    int n = i2d_X509(x, NULL);
    if (n <= 0)
        return NULL;
    uint8_t *p = malloc((size_t)n);
    if (p != NULL && (*len = x509_to_der(x, p, (size_t)n)) == 0) {
        free(p);
        p = NULL;
    }
    return p;
}

static int check_slot(const struct identity *id, EVP_PKEY *sk, X509 *euicc, X509 *eum,
                      const char *skl, const char *el, const char *ml, char *eid,
                      char *err, size_t errcap)
{
    if (id->n_slots >= IDENTITY_MAX_SLOTS) {
        snprintf(err, errcap, "%s: at most %d eUICC keys are supported", el,
                 IDENTITY_MAX_SLOTS);
        return -1;
    }
    if (ec_key_curve(sk) == EC_CURVE_NONE) {
        snprintf(err, errcap, "%s: not an EC private key on P-256 or brainpoolP256r1", skl);
        return -1;
    }
    if (EVP_PKEY_eq(sk, X509_get0_pubkey(euicc)) != 1) {
        snprintf(err, errcap, "%s: private key does not match the public key of %s", skl, el);
        return -1;
    }
    if (!x509_is_ca(eum)) {
        snprintf(err, errcap, "%s: CERT.EUM is not a CA certificate", ml);
        return -1;
    }
    if (!x509_signed_by(euicc, eum)) {
        snprintf(err, errcap, "%s: CERT.EUICC is not signed by %s", el, ml);
        return -1;
    }
    size_t n = x509_subject_serial(euicc, eid, EID_DIGITS + 1);
    if (!eid_valid(eid, n)) {
        snprintf(err, errcap,
                 "%s: subject serialNumber '%.40s' is not a valid EID (32 digits, mod 97 == 1)",
                 el, n > 0 ? eid : "");
        return -1;
    }
    char prefix[EID_DIGITS + 1];
    int pc = x509_permitted_serial(eum, prefix, sizeof prefix);
    if (pc < 0) {
        snprintf(err, errcap, "%s: nameConstraints without a permitted DirName serialNumber",
                 ml);
        return -1;
    }
    if (pc > 0 && strncmp(eid, prefix, strlen(prefix)) != 0) {
        snprintf(err, errcap, "%s: EID %s is outside the EUM's permitted prefix %s (%s)", el,
                 eid, prefix, ml);
        return -1;
    }
    if (id->n_slots > 0 && strcmp(eid, id->eid) != 0) {
        snprintf(err, errcap, "%s: EID %s differs from the other eUICC certificate's %s", el,
                 eid, id->eid);
        return -1;
    }
    return 0;
}

int identity_add_slot(struct identity *id, EVP_PKEY *sk, X509 *euicc, X509 *eum,
                      const char *sk_label, const char *euicc_label, const char *eum_label,
                      char *err, size_t errcap)
{
    char eid[EID_DIGITS + 1] = "";
    struct identity_slot s = {.sk = sk, .euicc = euicc, .eum = eum};

    if (id == NULL || sk == NULL || euicc == NULL || eum == NULL) {
        snprintf(err, errcap, "%s: incomplete eUICC identity", euicc_label);
        goto fail;
    }
    if (check_slot(id, sk, euicc, eum, sk_label, euicc_label, eum_label, eid, err, errcap))
        goto fail;
    s.euicc_der = der_dup(euicc, &s.euicc_len);
    s.eum_der = der_dup(eum, &s.eum_len);
    if (s.euicc_der == NULL || s.eum_der == NULL) {
        snprintf(err, errcap, "%s: cannot encode certificate", euicc_label);
        goto fail;
    }
    s.curve = ec_key_curve(sk);
    memcpy(id->eid, eid, sizeof id->eid);
    id->slot[id->n_slots++] = s;
    return 0;
fail:
    slot_free(&s);
    return -1;
}

int identity_add_ci(struct identity *id, X509 *ci, const char *label, char *err,
                    size_t errcap)
{
    uint8_t ski[PKID_LEN + 1];

    if (ci == NULL || id == NULL) {
        snprintf(err, errcap, "%s: no certificate", label);
        goto fail;
    }
    if (!x509_is_ca(ci)) {
        snprintf(err, errcap, "%s: not a CA certificate (basicConstraints cA is not TRUE)",
                 label);
        goto fail;
    }
    if (x509_curve(ci) == EC_CURVE_NONE) {
        snprintf(err, errcap, "%s: CI key is not EC on P-256 or brainpoolP256r1", label);
        goto fail;
    }
    if (x509_ski(ci, ski, sizeof ski) != PKID_LEN) {
        snprintf(err, errcap, "%s: CI certificate has no 20-octet subject key identifier",
                 label);
        goto fail;
    }
    for (size_t i = 0; i < id->n_ci; i++) {
        if (memcmp(id->pkid[i], ski, PKID_LEN) == 0) {
            X509_free(ci);
            return 0;
        }
    }
    if (id->n_ci >= ECASD_MAX_CI) {
        snprintf(err, errcap, "%s: trust list full (%d CI certificates)", label,
                 ECASD_MAX_CI);
        goto fail;
    }
    memcpy(id->pkid[id->n_ci], ski, PKID_LEN);
    id->ci[id->n_ci++] = ci;
    return 1;
fail:
    X509_free(ci);
    return -1;
}

int identity_slot_for_ci(const struct identity *id, size_t i)
{
    uint8_t aki[PKID_LEN + 1];

    if (id == NULL || i >= id->n_ci)
        return -1;
    for (size_t k = 0; k < id->n_slots; k++) {
        X509 *eum = id->slot[k].eum;
        if (x509_aki(eum, aki, sizeof aki) == PKID_LEN &&
            /* key identifiers are public; the project's one compare serves anyway */
            ct_memeq(aki, id->pkid[i], PKID_LEN) && x509_signed_by(eum, id->ci[i]))
            return (int)k;
    }
    return -1;
}

int identity_check_chains(const struct identity *id, char *err, size_t errcap)
{
    for (size_t k = 0; k < id->n_slots; k++) {
        bool found = false;
        for (size_t i = 0; i < id->n_ci && !found; i++)
            found = x509_signed_by(id->slot[k].eum, id->ci[i]);
        if (!found) {
            snprintf(err, errcap, "CERT.EUM of eUICC key %zu is not issued by a trusted CI", k);
            return -1;
        }
    }
    return 0;
}
