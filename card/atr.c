/* card/atr.c — the Answer To Reset (ISO 7816-3 §8.2, historical bytes ISO 7816-4 §12.1).
 *
 *   3B          TS direct convention
 *   97          T0: TA1 and TD1 follow, K = 7 historical bytes
 *   96          TA1: Fi = 512, Di = 32
 *   80          TD1: T=0 offered, TD2 follows
 *   81          TD2: T=1 offered, TD3 follows
 *   1F          TD3: T=15 (global), TA4 follows
 *   C7          TA4: clock stop no preference, classes A, B and C
 *   80          historical: category indicator (COMPACT-TLV follows)
 *   31 E0       card service data: selection by full/partial DF name, EF.DIR/EF.ATR in MF
 *   73 FE 21 5F card capabilities: selection methods; data coding 21; third byte
 *               b7 extended Lc/Le, b5b4 = 11 channel numbers assigned by the card and
 *               by the interface device, b3..b1 = 111 eight or more logical channels
 *   TCK         XOR of T0 .. last historical byte (present because T=1 is offered)
 */
#include "card/card.h"

#include <string.h>

static const uint8_t ATR_BODY[] = {
    0x3B, 0x97, 0x96, 0x80, 0x81, 0x1F, 0xC7,
    0x80, 0x31, 0xE0, 0x73, 0xFE, 0x21, 0x5F,
};

size_t card_atr(const struct card *c, uint8_t *atr, size_t cap)
{
    (void)c;
    size_t n = sizeof(ATR_BODY) + 1;
    if (atr == NULL || cap < n)
        return 0;
    memcpy(atr, ATR_BODY, sizeof(ATR_BODY));
    uint8_t tck = 0;
    for (size_t i = 1; i < sizeof(ATR_BODY); i++)
        tck ^= ATR_BODY[i];
    atr[sizeof(ATR_BODY)] = tck;
    return n;
}
