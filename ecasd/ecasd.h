/* ecasd/ecasd.h — the eUICC Controlling Authority Security Domain: the card's
 * identity (SK.EUICC.SIG, CERT.EUICC, CERT.EUM), the trusted CI list, and the only
 * code that signs with the eUICC key. */
#ifndef EUICC_ECASD_H
#define EUICC_ECASD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/ec.h"

struct ecasd;
struct store;
struct rng;
struct card;

#define ECASD_AID_LEN 16
extern const uint8_t ECASD_AID[ECASD_AID_LEN];   /* A0000005591010FFFFFFFF8900000200 */

#define ECASD_MAX_CI 8
#define PKID_LEN 20

/* Load the identity from the store; when the store holds none: import identity_dir
 * (SGP.26 layout) if given, else generate a self-consistent test PKI. identity_dir
 * given while another identity is stored replaces it. Extra CI certificates are
 * added to the trust list. Returns 0, or -1 with a message in err. Persists via the
 * store in one transaction. */
int ecasd_open(struct ecasd **out, struct store *s, struct rng *rng,
               const char *identity_dir, const char *const *ci_paths, size_t n_ci,
               char *err, size_t errcap);
void ecasd_close(struct ecasd *e);

/* Register the ECASD applet (SELECT answers its FCI) with the card. */
int ecasd_install(struct card *c, struct ecasd *e);

/* EID as 16 octets (BCD, as GetEID carries it). */
void ecasd_eid(const struct ecasd *e, uint8_t eid[16]);

/* Trusted CI public key identifiers (SKIs), in trust-list order; the same list serves
 * euiccCiPKIdListForVerification and ...ForSigning (a CI is only listed when the card
 * holds an eUICC certificate chaining to it). */
size_t ecasd_ci_count(const struct ecasd *e);
const uint8_t *ecasd_ci_pkid(const struct ecasd *e, size_t i);     /* PKID_LEN octets */
X509 *ecasd_ci_cert(const struct ecasd *e, size_t i);
bool ecasd_ci_can_sign(const struct ecasd *e, size_t i);            /* eUICC cert for it */
/* Index of the CI with this PKID, or -1. */
int ecasd_ci_find(const struct ecasd *e, const uint8_t *pkid, size_t len);

/* CERT.EUICC and CERT.EUM (DER) for the eUICC key that chains to CI index ci
 * (an SGP.26 identity has one per curve). NULL when none. */
const uint8_t *ecasd_cert_euicc(const struct ecasd *e, size_t ci, size_t *len);
const uint8_t *ecasd_cert_eum(const struct ecasd *e, size_t ci, size_t *len);

/* Sign msg with SK.EUICC.SIG of the key that chains to CI index ci: ECDSA-SHA256,
 * 64-octet r||s. 0 or -1. */
int ecasd_sign(const struct ecasd *e, size_t ci, const uint8_t *msg, size_t len,
               uint8_t sig[64]);

/* Curve of the eUICC key for CI index ci. */
enum ec_curve ecasd_curve(const struct ecasd *e, size_t ci);

#endif
