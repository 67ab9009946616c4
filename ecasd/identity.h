/* ecasd/identity.h — an eUICC identity in memory: up to two key slots (SK.EUICC.SIG,
 * CERT.EUICC, CERT.EUM; e.g. one NIST P-256 and one brainpoolP256r1) and the trusted
 * CI certificates, with the consistency rules every source (import, generated test PKI,
 * store) must pass. Internal to ecasd/. */
#ifndef EUICC_ECASD_IDENTITY_H
#define EUICC_ECASD_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ecasd/ecasd.h"
#include "ecasd/eid.h"

#define IDENTITY_MAX_SLOTS 2

struct identity_slot {
    EVP_PKEY *sk;              /* SK.EUICC.SIG */
    X509 *euicc, *eum;
    uint8_t *euicc_der, *eum_der;
    size_t euicc_len, eum_len;
    enum ec_curve curve;
};

struct identity {
    struct identity_slot slot[IDENTITY_MAX_SLOTS];
    size_t n_slots;
    X509 *ci[ECASD_MAX_CI];
    uint8_t pkid[ECASD_MAX_CI][PKID_LEN];
    size_t n_ci;
    char eid[EID_DIGITS + 1];
};

/* Free everything an identity holds and zero it. */
void identity_clear(struct identity *id);

/* Add a key slot; takes ownership of sk, euicc and eum (freed on error). Checks: key on
 * a supported curve and matching CERT.EUICC, CERT.EUICC signed by CERT.EUM (a CA), EID
 * valid and inside the EUM's nameConstraints prefix, same EID as the other slot. The
 * labels name the sources in error messages. 0 or -1 with a message in err. */
int identity_add_slot(struct identity *id, EVP_PKEY *sk, X509 *euicc, X509 *eum,
                      const char *sk_label, const char *euicc_label, const char *eum_label,
                      char *err, size_t errcap);

/* Add a trusted CI certificate (takes ownership): must be a CA with an EC key on a
 * supported curve and a 20-octet SKI. 1 added, 0 already trusted (same SKI; freed),
 * -1 error with a message in err. */
int identity_add_ci(struct identity *id, X509 *ci, const char *label, char *err,
                    size_t errcap);

/* Key slot whose CERT.EUM is issued by CI index i, or -1. */
int identity_slot_for_ci(const struct identity *id, size_t i);

/* Every slot's CERT.EUM must be issued by a trusted CI. 0 or -1 with a message. */
int identity_check_chains(const struct identity *id, char *err, size_t errcap);

#endif
