/* tests/unit/card/card_test_util.h — hex C-APDU helper and fake applets for the runtime tests. */
#ifndef CARD_TEST_UTIL_H
#define CARD_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/applet.h"
#include "card/card.h"
#include "card/card_internal.h"
#include "card/storedata.h"
#include "tests/common/test_util.h"

/* Send a hex C-APDU; returns the R-APDU as an upper-case hex string (static buffer). */
static inline const char *tx(struct card *c, const char *capdu)
{
    static uint8_t rbuf[CARD_MAX_RAPDU];
    static char hex[2 * CARD_MAX_RAPDU + 1];
    size_t rlen = tu_transmit_hex(c, capdu, rbuf, sizeof(rbuf));
    tu_tohex(rbuf, rlen, hex);
    return hex;
}

#define assert_tx(c, capdu, expect) assert_string_equal(tx((c), (capdu)), (expect))

/* ---- fake applets ---- */
struct fake {
    int selects, deselects, processes, resets;
    bool refuse;              /* select() returns false */
    uint16_t refuse_sw;       /* sw set when refusing (0: none) */
    uint8_t id;               /* last FCI byte */
    struct channel *last_ch;  /* channel of the last call */
};

/* select: FCI 6F 03 84 01 <id>. process by INS:
 *  E2: STORE DATA via storedata_accept; complete → echo the request
 *  10: P1P2 = N: answer N bytes (i & 0xFF) with 9000
 *  20, 22: PIN-like, set secret, answers 9000
 *  30: two data bytes with SW 6310
 *  32: SW 9110 without data
 *  34: no SW set at all
 *  else 6D00 */
static inline bool fake_select(struct applet *a, struct card *c, struct channel *ch,
                               struct apdu *apdu)
{
    (void)c;
    struct fake *f = a->ctx;
    f->selects++;
    f->last_ch = ch;
    if (f->refuse) {
        apdu->sw = f->refuse_sw;
        return false;
    }
    uint8_t fci[] = { 0x6F, 0x03, 0x84, 0x01, f->id };
    apdu_respond(apdu, fci, sizeof(fci), SW_OK);
    return true;
}

static inline void fake_deselect(struct applet *a, struct card *c, struct channel *ch)
{
    (void)c;
    struct fake *f = a->ctx;
    f->deselects++;
    f->last_ch = ch;
}

static inline void fake_process(struct applet *a, struct card *c, struct channel *ch,
                                struct apdu *apdu)
{
    (void)c;
    struct fake *f = a->ctx;
    f->processes++;
    f->last_ch = ch;
    uint16_t sw = 0;
    switch (apdu->ins) {
    case 0xE2:
        switch (storedata_accept(&ch->sd, apdu, &sw)) {
        case STOREDATA_MORE: apdu_respond(apdu, NULL, 0, SW_OK); break;
        case STOREDATA_COMPLETE: apdu_respond(apdu, ch->sd.buf, ch->sd.len, SW_OK); break;
        case STOREDATA_ERROR: apdu_respond(apdu, NULL, 0, sw); break;
        }
        break;
    case 0x10: {
        size_t n = (size_t)apdu->p1 << 8 | apdu->p2;
        for (size_t i = 0; i < n; i++)
            apdu->resp[i] = (uint8_t)i;
        apdu->resp_len = n;
        apdu->sw = SW_OK;
        break;
    }
    case 0x20:
    case 0x22:
        apdu->secret = true;
        card_trace(c, "fake: secret command");
        apdu_respond(apdu, NULL, 0, SW_OK);
        break;
    case 0x3A: {                           /* a response carrying a secret */
        uint8_t d[4] = { 0x5E, 0xC2, 0xE7, 0x01 };
        apdu->secret = true;
        apdu_respond(apdu, d, sizeof d, SW_OK);
        break;
    }
    case 0x30: {
        uint8_t d[2] = { 0xAB, 0xCD };
        apdu_respond(apdu, d, 2, 0x6310);
        break;
    }
    case 0x32: apdu_respond(apdu, NULL, 0, 0x9110); break;
    case 0x34: break;
    default: apdu_respond(apdu, NULL, 0, SW_INS_NOT_SUPPORTED); break;
    }
}

static inline void fake_reset(struct applet *a, struct card *c)
{
    (void)c;
    struct fake *f = a->ctx;
    f->resets++;
}

static const struct applet_ops fake_ops = {
    .select = fake_select, .deselect = fake_deselect, .process = fake_process,
    .reset = fake_reset,
};

static inline void fake_init(struct applet *a, struct fake *f, const char *aid_hex, uint8_t id)
{
    memset(a, 0, sizeof(*a));
    memset(f, 0, sizeof(*f));
    a->aid_len = (uint8_t)tu_unhex(aid_hex, a->aid, sizeof(a->aid));
    a->life_cycle = APPLET_LC_SELECTABLE;
    a->ops = &fake_ops;
    a->ctx = f;
    f->id = id;
}

#endif
