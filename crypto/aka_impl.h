/* crypto/aka_impl.h — the algorithm back ends behind aka_compute() (crypto/aka.h).
 * Internal to crypto/: each takes parameters aka_compute() has already checked
 * (lengths, constants) and fills the whole of *out. 0 or -1. */
#ifndef EUICC_AKA_IMPL_H
#define EUICC_AKA_IMPL_H

#include "crypto/aka.h"

/* Milenage f1, f1*, f2..f5, f5* (3GPP TS 35.206 §4.1) with the r/c constants of p. */
int aka_milenage(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                 const uint8_t amf[2], struct aka_out *out);

/* TUAK f1, f1*, f2..f5, f5* (3GPP TS 35.231 §6) with p's sizes and iteration count. */
int aka_tuak(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
             const uint8_t amf[2], struct aka_out *out);

/* The USIM test algorithm (3GPP TS 34.108 §8.1.2): XOR of K and RAND. */
int aka_test_xor(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                 const uint8_t amf[2], struct aka_out *out);

#endif
