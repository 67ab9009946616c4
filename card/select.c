/* card/select.c — SELECT by DF name (ISO 7816-4 §11.2.2, P1 = 04): full or
 * right-truncated AIDs, first/next occurrence, FCI or no response data.
 *
 * P2: b8..b5 must be 0; b4b3 = 00 FCI, 01 FCP, 10 FMD (all answered with whatever the
 * applet's select() writes — its FCI), 11 no response data; b2b1 = 00 first or only
 * occurrence, 10 next occurrence (after the applet selected on this channel);
 * last/previous occurrence (01/11) are not supported (6A86). Only applets whose life
 * cycle is SELECTABLE (b3 set) and not LOCKED (b8 set) can be selected; others, and
 * unknown AIDs, answer 6A82 and leave the current selection unchanged. An empty AID
 * answers 6A82 as well. */
#include "card/card_internal.h"

static bool selectable(const struct applet *app)
{
    return (app->life_cycle & 0x80) == 0 && (app->life_cycle & 0x04) != 0;
}

static struct applet *find_occurrence(const struct card *c, const uint8_t *aid, size_t len,
                                      const struct applet *after)
{
    const struct applet *cur = after;
    for (;;) {
        struct applet *app = registry_find_prefix(&c->reg, aid, len, cur);
        if (app == NULL || selectable(app))
            return app;
        cur = app;
    }
}

struct applet *select_find_applet(struct card *c, const uint8_t *aid, size_t len)
{
    if (len == 0 || len > AID_MAX)
        return NULL;
    struct applet *app = registry_find(&c->reg, aid, len);
    if (app != NULL && !selectable(app))
        return NULL;
    return app != NULL ? app : find_occurrence(c, aid, len, NULL);
}

bool select_applet(struct card *c, struct channel *ch, struct applet *app, struct apdu *a)
{
    a->resp_len = 0;
    a->sw = 0;
    bool ok = true;
    if (app->ops->select != NULL)
        ok = app->ops->select(app, c, ch, a);
    if (!ok) {
        a->resp_len = 0;
        return false;
    }
    if (a->sw == 0)
        a->sw = SW_OK;
    struct applet *old = ch->selected;
    if (old != NULL && old != app && old->ops->deselect != NULL)
        old->ops->deselect(old, c, ch);
    ch->selected = app;
    ch->pending_len = 0;
    ch->pending_off = 0;
    storedata_reset(&ch->sd);
    return true;
}

void select_by_aid(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t occurrence = a->p2 & 0x03;
    uint8_t rtype = a->p2 & 0x0C;
    if ((a->p2 & 0xF0) != 0 || occurrence == 0x01 || occurrence == 0x03) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    struct applet *app = NULL;
    if (a->lc > 0 && a->lc <= AID_MAX) {
        if (occurrence == 0x00) {
            app = registry_find(&c->reg, a->data, a->lc);
            if (app != NULL && !selectable(app))
                app = NULL;
            else if (app == NULL)
                app = find_occurrence(c, a->data, a->lc, NULL);
        } else {
            app = find_occurrence(c, a->data, a->lc, ch->selected);
        }
    }
    if (app == NULL) {
        apdu_respond(a, NULL, 0, SW_FILE_NOT_FOUND);
        return;
    }
    if (!select_applet(c, ch, app, a)) {
        uint16_t sw = (a->sw != 0 && a->sw != SW_OK) ? a->sw : SW_SELECT_FAILED;
        apdu_respond(a, NULL, 0, sw);
        return;
    }
    if (rtype == 0x0C)
        a->resp_len = 0;
}
