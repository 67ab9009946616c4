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

#endif
