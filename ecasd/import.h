/* ecasd/import.h — import an eUICC identity laid out as the GSMA SGP.26 test files:
 * eUICC/CERT_EUICC_ECDSA_<C>.der, eUICC/SK_EUICC_ECDSA_<C>.pem, EUM/CERT_EUM_ECDSA_<C>.der,
 * CI/CERT_CI_ECDSA_<C>.der for <C> = NIST (required) and BRP (when its eUICC
 * certificate is present). Internal to ecasd/. */
#ifndef EUICC_ECASD_IMPORT_H
#define EUICC_ECASD_IMPORT_H

#include <stddef.h>

#include "ecasd/identity.h"

/* Fill an empty identity from dir; 0, or -1 with a message naming the file in err
 * (id is then cleared). */
int import_sgp26(const char *dir, struct identity *id, char *err, size_t errcap);

#endif
