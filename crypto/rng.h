/* crypto/rng.h — the card's random source: OpenSSL RAND_bytes in production, a
 * seeded deterministic DRBG (HMAC-SHA256 based) when tests or fuzzers ask for replay. */
#ifndef EUICC_RNG_H
#define EUICC_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rng;

struct rng *rng_new_system(void);                               /* RAND_bytes */
struct rng *rng_new_seeded(const uint8_t *seed, size_t len);    /* deterministic */
/* Re-instantiate a seeded DRBG as rng_new_seeded would (replay from the start);
 * -1 for the system rng. */
int rng_reseed(struct rng *r, const uint8_t *seed, size_t len);
void rng_free(struct rng *r);                                   /* wipes state */
int rng_bytes(struct rng *r, uint8_t *out, size_t n);           /* 0 or -1 */

/* True for a seeded (deterministic) rng. */
bool rng_is_seeded(const struct rng *r);

#endif
