/* crypto/ecka.h — ECKA-DH (BSI TR-03111): the shared secret Z is the X coordinate of
 * d·Q, not hashed. Used for the BSP key agreement (SGP.22 §2.6.4.2). */
#ifndef EUICC_ECKA_H
#define EUICC_ECKA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* Z = x(d_own · Q_peer) for an uncompressed peer point 04||X||Y on own's curve;
 * 32 octets for 256-bit curves. Rejects points not on the curve. 0 or -1. */
int ecka_shared_secret(const EVP_PKEY *own, const uint8_t *peer_point, size_t len,
                       uint8_t z[32]);

#endif
