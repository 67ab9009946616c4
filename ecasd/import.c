/* ecasd/import.c — SGP.26 layout import (see import.h). */
#include "ecasd/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "crypto/x509.h"

#define KEY_FILE_MAX 16384u    /* 16 KiB */

/* Load a private key file (PEM or DER); NULL with a message naming the file. */
static EVP_PKEY *load_key(const char *path, char *err, size_t errcap)
{
    uint8_t buf[KEY_FILE_MAX + 1];
    EVP_PKEY *k = NULL;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad)
        snprintf(err, errcap, "%s: read error", path);
    else if (n > KEY_FILE_MAX)
        snprintf(err, errcap, "%s: file too large for a private key", path);
    else if ((k = ec_private_from_bytes(buf, n)) == NULL)
        snprintf(err, errcap, "%s: not an EC private key on P-256 or brainpoolP256r1", path);
    ct_wipe(buf, sizeof buf);
    return k;
}

static int import_curve(const char *dir, const char *c, struct identity *id, char *err,
                        size_t errcap)
{
    char p_euicc[4096], p_sk[4096], p_eum[4096], p_ci[4096];
    X509 *euicc = NULL, *eum = NULL, *ci = NULL;
    EVP_PKEY *sk = NULL;

    snprintf(p_euicc, sizeof p_euicc, "%s/eUICC/CERT_EUICC_ECDSA_%s.der", dir, c);
    snprintf(p_sk, sizeof p_sk, "%s/eUICC/SK_EUICC_ECDSA_%s.pem", dir, c);
    snprintf(p_eum, sizeof p_eum, "%s/EUM/CERT_EUM_ECDSA_%s.der", dir, c);
    snprintf(p_ci, sizeof p_ci, "%s/CI/CERT_CI_ECDSA_%s.der", dir, c);

    if ((euicc = x509_load_file(p_euicc, err, errcap)) == NULL ||
        (sk = load_key(p_sk, err, errcap)) == NULL ||
        (eum = x509_load_file(p_eum, err, errcap)) == NULL ||
        (ci = x509_load_file(p_ci, err, errcap)) == NULL)
        goto fail;
    if (!x509_signed_by(eum, ci)) {
        snprintf(err, errcap, "%s: CERT.EUM is not signed by %s", p_eum, p_ci);
        goto fail;
    }
    if (identity_add_ci(id, ci, p_ci, err, errcap) < 0) {
        ci = NULL;   /* freed by identity_add_ci */
        goto fail;
    }
    return identity_add_slot(id, sk, euicc, eum, p_sk, p_euicc, p_eum, err, errcap);
fail:
    EVP_PKEY_free(sk);
    X509_free(euicc);
    X509_free(eum);
    X509_free(ci);
    return -1;
}

int import_sgp26(const char *dir, struct identity *id, char *err, size_t errcap)
{
    char p_brp[4096];

    if (import_curve(dir, "NIST", id, err, errcap) != 0)
        goto fail;
    snprintf(p_brp, sizeof p_brp, "%s/eUICC/CERT_EUICC_ECDSA_BRP.der", dir);
    if (access(p_brp, F_OK) == 0 && import_curve(dir, "BRP", id, err, errcap) != 0)
        goto fail;
    return 0;
fail:
    identity_clear(id);
    return -1;
}
