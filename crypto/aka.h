/* crypto/aka.h — the authentication algorithms a USIM/ISIM runs for AUTHENTICATE:
 * Milenage (3GPP TS 35.205/35.206), TUAK (TS 35.231) and the USIM test algorithm
 * (TS 34.108 §8.1.2), with the SAIP akaParameter options (algorithm constants:
 * Milenage rotation/xoring constants r1..r5, c1..c5; TUAK number of Keccak iterations,
 * key length, MAC/RES/CK/IK lengths). Keys are secrets: no branch or index on them. */
#ifndef EUICC_AKA_H
#define EUICC_AKA_H

#include <stddef.h>
#include <stdint.h>

enum aka_algorithm { AKA_MILENAGE = 1, AKA_TUAK = 2, AKA_TEST = 3 };

struct aka_params {
    enum aka_algorithm alg;
    uint8_t k[32];            /* secret; 16 octets except TUAK with a 256-bit key */
    size_t k_len;
    uint8_t opc[32];          /* Milenage OPc (16) / TUAK TOPc (32); secret */
    /* Milenage constants (defaults per TS 35.206 when not given by the profile) */
    uint8_t r[5];             /* r1..r5 in bits */
    uint8_t c[5][16];         /* c1..c5 */
    /* TUAK parameters */
    unsigned tuak_iterations; /* Keccak iterations (default 1) */
    size_t mac_len, res_len, ck_len, ik_len;   /* TUAK output sizes in octets */
};

/* Defaults: Milenage r/c constants of TS 35.206, TUAK sizes 8/8/16/16, 1 iteration. */
void aka_params_defaults(struct aka_params *p, enum aka_algorithm alg);

struct aka_out {
    uint8_t mac_a[32], mac_s[32];   /* f1, f1* (8 octets for Milenage/test) */
    uint8_t res[32];                /* f2 */
    size_t res_len;
    uint8_t ck[32], ik[32];         /* f3, f4 */
    uint8_t ak[6], ak_s[6];         /* f5, f5* */
};

/* Run f1..f5* for RAND, SQN (6 octets) and AMF (2 octets). 0 or -1. */
int aka_compute(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                const uint8_t amf[2], struct aka_out *out);

#endif
