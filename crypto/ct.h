/* crypto/ct.h — constant-time helpers for secrets. */
#ifndef EUICC_CT_H
#define EUICC_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Equality of two equal-length buffers without data-dependent branches. */
bool ct_memeq(const void *a, const void *b, size_t n);

/* Wipe a buffer holding secrets (OPENSSL_cleanse). */
void ct_wipe(void *p, size_t n);

/* Declassify: p[0..n) derives from secrets but is public by protocol from here on (a MAC
 * verdict, a signature, a plaintext length). A no-op in the product; in the
 * constant-time check build (-Dct_check=true) it tells valgrind memcheck that these bytes
 * may be branched on. Call it exactly where the spec makes the value public. */
void ct_public(const void *p, size_t n);

#endif
