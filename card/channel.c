/* card/channel.c — logical channels (ISO 7816-4 §5.4.1, §11.1.2 MANAGE CHANNEL) and
 * the per-channel pending response served by GET RESPONSE (ISO 7816-4 §11.7.1,
 * T=0 61xx/6Cxx procedure).
 *
 * MANAGE CHANNEL choices: open with P2 = 00 assigns the lowest free channel 1..19 and
 * answers it in one data byte; open with P2 = n opens n (n > 19 → 6A86, n already open
 * → 6A81). Close (P1 = 80) closes P2, or the CLA's channel when P2 = 00; the basic
 * channel cannot be closed (6A86), P2 > 19 → 6A86, a channel that is not open → 6A88.
 * A channel opened from the basic channel starts in the MF context; opened from
 * channel k it inherits k's file selection and selected applet (its select() is called
 * for the new channel; a refusal closes it again and answers 6999). */
#include "card/card_internal.h"

#include <stdlib.h>
#include <string.h>

bool channel_buffer(struct channel *ch)
{
    if (ch->pending == NULL)
        ch->pending = malloc(CARD_MAX_RAPDU);
    return ch->pending != NULL;
}

void channel_clear(struct card *c, struct channel *ch)
{
    struct applet *app = ch->selected;
    ch->selected = NULL;
    if (app != NULL && app->ops->deselect != NULL)
        app->ops->deselect(app, c, ch);
    ch->pending_len = 0;
    ch->pending_off = 0;
    storedata_reset(&ch->sd);
    ch->cur_df = 0x3F00;
    ch->cur_ef = 0;
    uicc_channel_reset(ch);
}

static void channel_open(struct card *c, struct channel *from, struct apdu *a)
{
    uint8_t n = a->p2;
    if (n == 0) {
        for (uint8_t i = 1; i < CHANNEL_MAX && n == 0; i++) {
            if (!c->ch[i].open)
                n = i;
        }
        if (n == 0) {
            apdu_respond(a, NULL, 0, SW_FUNC_NOT_SUPPORTED);
            return;
        }
    } else if (n >= CHANNEL_MAX) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    } else if (c->ch[n].open) {
        apdu_respond(a, NULL, 0, SW_FUNC_NOT_SUPPORTED);
        return;
    }
    struct channel *nc = &c->ch[n];
    channel_clear(c, nc);
    nc->open = true;
    if (from->number != 0) {
        nc->cur_df = from->cur_df;
        nc->cur_ef = from->cur_ef;
        uicc_channel_inherit(nc, from);
        if (from->selected != NULL) {
            struct apdu sel = *a;
            if (!channel_buffer(nc)) {
                nc->open = false;
                apdu_respond(a, NULL, 0, SW_UNKNOWN);
                return;
            }
            sel.resp = nc->pending;
            sel.resp_cap = CARD_MAX_RAPDU - 2;
            if (!select_applet(c, nc, from->selected, &sel)) {
                nc->open = false;
                apdu_respond(a, NULL, 0, SW_SELECT_FAILED);
                return;
            }
            /* the FCI produced for the new channel is not returned */
        }
    }
    if (a->p2 == 0)
        apdu_respond(a, &n, 1, SW_OK);
    else
        apdu_respond(a, NULL, 0, SW_OK);
}

static void channel_close(struct card *c, struct channel *from, struct apdu *a)
{
    uint8_t n = a->p2 != 0 ? a->p2 : from->number;
    if (n == 0 || n >= CHANNEL_MAX) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    struct channel *target = &c->ch[n];
    if (!target->open) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    channel_clear(c, target);
    target->open = false;
    apdu_respond(a, NULL, 0, SW_OK);
}

void channel_manage(struct card *c, struct channel *ch, struct apdu *a)
{
    if (a->lc != 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (a->p1 == 0x00)
        channel_open(c, ch, a);
    else if (a->p1 == 0x80)
        channel_close(c, ch, a);
    else
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
}

/* A CLA GET RESPONSE may carry: the pending command's own, or a plain interindustry
 * or proprietary one (no chaining, no secure messaging) — 0x/8x, or 4x/Cx for
 * channels 4..19. The channel is the CLA's, so it always matches. */
static bool get_response_cla_ok(const struct channel *ch, uint8_t cla)
{
    if (cla == ch->pending_cla)
        return true;
    if ((cla & 0x40) == 0)
        return (cla & 0x3C) == 0;
    return (cla & 0x30) == 0;
}

static size_t sw_only(uint8_t *out, uint16_t sw)
{
    out[0] = (uint8_t)(sw >> 8);
    out[1] = (uint8_t)sw;
    return 2;
}

size_t channel_get_response(struct channel *ch, const struct apdu *a, uint8_t *out, size_t cap)
{
    if (!get_response_cla_ok(ch, a->cla))
        return sw_only(out, SW_CLA_NOT_SUPPORTED);
    if (a->p1 != 0 || a->p2 != 0)
        return sw_only(out, SW_WRONG_P1P2);
    if (a->lc != 0)
        return sw_only(out, SW_WRONG_LENGTH);
    size_t rem = ch->pending_len - ch->pending_off;
    if (ch->pending == NULL || ch->pending_len == 0 || rem == 0)
        return sw_only(out, SW_CONDITIONS_NOT_SATISFIED);
    if (a->has_le && !a->extended && a->ne != 256 && a->ne > rem)
        return sw_only(out, SW_WRONG_LE(rem));      /* rem < ne <= 255 here */
    size_t n = a->has_le ? a->ne : 256;
    if (n > rem)
        n = rem;
    if (n + 2 > cap)
        return sw_only(out, SW_UNKNOWN);
    memcpy(out, ch->pending + ch->pending_off, n);
    ch->pending_off += n;
    rem -= n;
    if (rem == 0) {
        ch->pending_len = 0;
        ch->pending_off = 0;
        return n + sw_only(out + n, SW_OK);
    }
    return n + sw_only(out + n, (uint16_t)(0x6100 | (rem >= 256 ? 0 : rem)));
}
