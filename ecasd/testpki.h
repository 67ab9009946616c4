/* ecasd/testpki.h — a self-consistent test PKI for a fresh card: a test CI
 * (self-signed), an EUM issued by it (nameConstraints with the EID prefix) and a
 * CERT.EUICC issued by the EUM, all NIST P-256, keys and EID drawn from rng.
 * Internal to ecasd/. */
#ifndef EUICC_ECASD_TESTPKI_H
#define EUICC_ECASD_TESTPKI_H

#include <stddef.h>

#include "crypto/rng.h"
#include "ecasd/identity.h"

/* EID prefix of generated identities (deliberately not the GSMA SGP.26 89049032). */
#define TESTPKI_EID_PREFIX "89049999"
#define TESTPKI_EUM_ORG "euicc-emu Test EUM"

/* Fill an empty identity with a freshly generated test PKI. 0, or -1 with a message. */
int testpki_generate(struct rng *rng, struct identity *id, char *err, size_t errcap);

#endif
