/* vicc/frontend.h — what a front end (vpcd client, stdio) needs from a card.
 *
 * Front ends reach the card only through these four calls; euicc-emu binds them
 * to card_power/card_atr/card_transmit, unit tests bind them to a fake card. */
#ifndef EUICC_VICC_FRONTEND_H
#define EUICC_VICC_FRONTEND_H

#include <stddef.h>
#include <stdint.h>

#include "card/card.h"

struct frontend_card {
    void *ctx;
    void (*power)(void *ctx, enum card_power ev);
    size_t (*atr)(void *ctx, uint8_t *atr, size_t cap);
    size_t (*transmit)(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                       size_t cap);
};

#endif
