/* crypto/kdf.h — ANSI X9.63 key derivation with SHA-256 (SGP.22 Annex G):
 * out = SHA-256(Z || counter32 || SharedInfo) for counter = 1, 2, ... truncated. */
#ifndef EUICC_KDF_H
#define EUICC_KDF_H

#include <stddef.h>
#include <stdint.h>

/* Derive outlen octets (outlen <= 32 * 255). 0 or -1. */
int kdf_x963_sha256(const uint8_t *z, size_t zlen, const uint8_t *shared_info,
                    size_t silen, uint8_t *out, size_t outlen);

#endif
