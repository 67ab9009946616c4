/* crypto/aka.c — parameter defaults and checks, and dispatch to the algorithm back ends
 * (crypto/aka_milenage.c, crypto/aka_tuak.c, crypto/aka_test.c).
 *
 * Sizes per algorithm:
 *   Milenage: K 16, OPc 16, MAC-A/MAC-S 8, RES 8, CK/IK 16 (res_len, mac_len, ck_len,
 *             ik_len of aka_params are not used); r1..r5 must be 0..127 bits.
 *   TUAK:     K 16 or 32, TOPc 32, MAC 8/16/32, RES 4/8/16/32, CK/IK 16/32,
 *             1..255 Keccak iterations (SAIP numberOfKeccak is a UInt8).
 *   Test:     K 16; RES = the first res_len octets of XDOUT, 4..16 (TS 34.108 §8.1.2
 *             lets n range up to 128 bits; the default is the full 16 octets);
 *             MAC-A/MAC-S 8, CK/IK 16. */
#include "crypto/aka.h"

#include <stdbool.h>
#include <string.h>

#include "crypto/aka_impl.h"
#include "crypto/ct.h"

void aka_params_defaults(struct aka_params *p, enum aka_algorithm alg)
{
    memset(p, 0, sizeof *p);
    p->alg = alg;
    p->k_len = 16;
    /* TS 35.206 §4.1: r1 = 64, r2 = 0, r3 = 32, r4 = 64, r5 = 96 bits;
     * c1 = 0, c2 = ..01, c3 = ..02, c4 = ..04, c5 = ..08 */
    p->r[0] = 64;
    p->r[1] = 0;
    p->r[2] = 32;
    p->r[3] = 64;
    p->r[4] = 96;
    p->c[1][15] = 0x01;
    p->c[2][15] = 0x02;
    p->c[3][15] = 0x04;
    p->c[4][15] = 0x08;
    p->tuak_iterations = 1;
    p->mac_len = 8;
    p->res_len = alg == AKA_TEST ? 16 : 8;
    p->ck_len = 16;
    p->ik_len = 16;
}

static bool one_of(size_t v, size_t a, size_t b, size_t c, size_t d)
{
    return v == a || v == b || v == c || v == d;
}

/* Lengths and constants of p valid for its algorithm (all public values). */
static bool params_valid(const struct aka_params *p)
{
    switch (p->alg) {
    case AKA_MILENAGE:
        for (size_t i = 0; i < 5; i++)
            if (p->r[i] > 127)
                return false;
        return p->k_len == 16;
    case AKA_TUAK:
        return (p->k_len == 16 || p->k_len == 32) && one_of(p->mac_len, 8, 16, 32, 32) &&
               one_of(p->res_len, 4, 8, 16, 32) && one_of(p->ck_len, 16, 32, 32, 32) &&
               one_of(p->ik_len, 16, 32, 32, 32) && p->tuak_iterations >= 1 &&
               p->tuak_iterations <= 255;
    case AKA_TEST:
        return p->k_len == 16 && p->res_len >= 4 && p->res_len <= 16;
    }
    return false;
}

int aka_compute(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                const uint8_t amf[2], struct aka_out *out)
{
    if (p == NULL || rand == NULL || sqn == NULL || amf == NULL || out == NULL)
        return -1;
    memset(out, 0, sizeof *out);
    if (!params_valid(p))
        return -1;
    int rc = -1;
    switch (p->alg) {
    case AKA_MILENAGE:
        rc = aka_milenage(p, rand, sqn, amf, out);
        break;
    case AKA_TUAK:
        rc = aka_tuak(p, rand, sqn, amf, out);
        break;
    case AKA_TEST:
        rc = aka_test_xor(p, rand, sqn, amf, out);
        break;
    }
    if (rc != 0)
        ct_wipe(out, sizeof *out);
    return rc;
}
