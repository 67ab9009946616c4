/* card/apdu.c — command APDU decoding (ISO 7816-4 §5.1: short and extended length,
 * cases 1-4) and logical-channel numbers from CLA (ISO 7816-4 §5.4.1). */
#include "card/apdu.h"

#include <string.h>

int apdu_cla_channel(uint8_t cla)
{
    if (cla == 0xFF)
        return -1;                      /* invalid class (PPS) */
    if ((cla & 0x40) == 0)
        return cla & 0x03;              /* first interindustry: b2b1 */
    return 4 + (cla & 0x0F);            /* further interindustry: 4 + b4..b1 */
}

/* Short or extended Le value: 0 means the maximum. */
static size_t le_value(size_t le, bool extended)
{
    if (le == 0)
        return extended ? 65536u : 256u;
    return le;
}

uint16_t apdu_decode(struct apdu *a, const uint8_t *p, size_t len)
{
    memset(a, 0, sizeof(*a));
    if (p == NULL || len < 4)
        return SW_WRONG_LENGTH;
    a->cla = p[0];
    a->ins = p[1];
    a->p1 = p[2];
    a->p2 = p[3];
    int ch = apdu_cla_channel(a->cla);
    if (ch < 0)
        return SW_CLA_NOT_SUPPORTED;
    a->channel = (uint8_t)ch;
    a->proprietary = (a->cla & 0x80) != 0;

    const uint8_t *b = p + 4;
    size_t n = len - 4;
    if (n == 0) {                                   /* case 1 */
        a->apdu_case = 1;
        return 0;
    }
    if (n == 1) {                                   /* case 2S */
        a->apdu_case = 2;
        a->has_le = true;
        a->ne = le_value(b[0], false);
        return 0;
    }
    if (b[0] != 0) {                                /* short Lc */
        size_t lc = b[0];
        if (n == 1 + lc) {
            a->apdu_case = 3;
        } else if (n == 2 + lc) {
            a->apdu_case = 4;
            a->has_le = true;
            a->ne = le_value(b[1 + lc], false);
        } else {
            return SW_WRONG_LENGTH;
        }
        a->lc = lc;
        a->data = b + 1;
        return 0;
    }
    /* b[0] == 0 and n >= 2: extended length */
    if (n < 3)
        return SW_WRONG_LENGTH;
    a->extended = true;
    size_t v = ((size_t)b[1] << 8) | b[2];
    if (n == 3) {                                   /* case 2E */
        a->apdu_case = 2;
        a->has_le = true;
        a->ne = le_value(v, true);
        return 0;
    }
    if (v == 0)                                     /* extended Lc of 0 is malformed */
        return SW_WRONG_LENGTH;
    if (n == 3 + v) {
        a->apdu_case = 3;
    } else if (n == 5 + v) {
        a->apdu_case = 4;
        a->has_le = true;
        a->ne = le_value(((size_t)b[3 + v] << 8) | b[4 + v], true);
    } else {
        return SW_WRONG_LENGTH;
    }
    a->lc = v;
    a->data = b + 3;
    return 0;
}

void apdu_respond(struct apdu *a, const uint8_t *data, size_t len, uint16_t sw)
{
    if (len > 0 && (data == NULL || a->resp == NULL || len > a->resp_cap)) {
        a->resp_len = 0;
        a->sw = SW_UNKNOWN;
        return;
    }
    if (len > 0)
        memmove(a->resp, data, len);
    a->resp_len = len;
    a->sw = sw;
}
