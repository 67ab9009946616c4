/* crypto/aka_test.c — the USIM test algorithm of 3GPP TS 34.108 §8.1.2 (the "XOR"
 * algorithm of test USIMs and of the GSMA TS.48 test profiles):
 *   XDOUT = K xor RAND                      (128 bits)
 *   RES   = XDOUT[0 .. res_len)            (f2)
 *   CK    = XDOUT cyclically shifted left by 8 bits, IK by 16 bits   (f3, f4)
 *   AK    = XDOUT bits 24..71, i.e. octets 3..8 (f5; f5* is the same function)
 *   CDOUT = SQN || AMF; MAC = XDOUT[0..8) xor CDOUT  (f1; f1* is the same function,
 *           the resynchronisation caller passes SQNms and the dummy AMF)
 * Pure XOR and fixed-position copies: nothing branches on or indexes by K. */
#include "crypto/aka_impl.h"

#include <string.h>

#include "crypto/ct.h"

int aka_test_xor(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                 const uint8_t amf[2], struct aka_out *out)
{
    uint8_t xdout[16], cdout[8];
    for (size_t i = 0; i < 16; i++)
        xdout[i] = p->k[i] ^ rand[i];
    memcpy(cdout, sqn, 6);
    memcpy(cdout + 6, amf, 2);
    for (size_t i = 0; i < 8; i++) {
        out->mac_a[i] = xdout[i] ^ cdout[i];
        out->mac_s[i] = out->mac_a[i];
    }
    memcpy(out->res, xdout, p->res_len);
    out->res_len = p->res_len;
    for (size_t i = 0; i < 16; i++) {
        out->ck[i] = xdout[(i + 1) % 16];
        out->ik[i] = xdout[(i + 2) % 16];
    }
    memcpy(out->ak, xdout + 3, 6);
    memcpy(out->ak_s, xdout + 3, 6);
    ct_wipe(xdout, sizeof xdout);
    return 0;
}
