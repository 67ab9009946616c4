/* card/uicc.c — the UICC personality's front: the enabled profile loaded into the
 * card (uicc_switch_profile), the per-channel selections (fs_ctx), power reset, and
 * the command dispatch of an applet-less channel (TS 102 221 §10.1.2 classes:
 * CLA 0X/4X/6X for the ISO commands, 8X/CX/EX for STATUS, INCREASE, RETRIEVE/SET DATA,
 * TERMINAL PROFILE). With no profile enabled the foundation's minimal MF (mf.c)
 * answers. */
#include "card/uicc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "card/card_internal.h"
#include "card/store.h"
#include "isd-r/profile_table.h"

struct uicc *card_uicc(struct card *c)
{
    return c != NULL ? &c->uicc : NULL;
}

static void selection_to_mf(struct uicc_chan *x)
{
    x->sel.df = 0;
    x->sel.ef = FS_NONE;
    x->sel.adf = FS_NONE;
    x->sel.record = 0;
    x->retrieve_file = FS_NONE;
    x->retrieve_off = 0;
    x->set_file = FS_NONE;
    free(x->set_buf);
    x->set_buf = NULL;
    x->set_len = 0;
    x->set_expected = 0;
}

struct uicc_selection *uicc_selection_of(struct card *c, struct channel *ch)
{
    (void)c;
    if (ch->fs_ctx == NULL) {
        struct uicc_chan *x = calloc(1, sizeof *x);
        if (x == NULL)
            return NULL;
        selection_to_mf(x);
        ch->fs_ctx = x;
    }
    return &((struct uicc_chan *)ch->fs_ctx)->sel;
}

void uicc_channel_reset(struct channel *ch)
{
    if (ch->fs_ctx != NULL)
        selection_to_mf(ch->fs_ctx);
}

void uicc_channel_inherit(struct channel *to, const struct channel *from)
{
    uicc_channel_reset(to);
    const struct uicc_chan *f = from->fs_ctx;
    if (f == NULL)
        return;
    if (to->fs_ctx == NULL)
        to->fs_ctx = calloc(1, sizeof(struct uicc_chan));
    struct uicc_chan *t = to->fs_ctx;
    if (t == NULL)
        return;                                 /* starts at the MF on first use */
    selection_to_mf(t);
    t->sel = f->sel;
}

int uicc_current_adf(struct card *c, struct channel *ch)
{
    if (c == NULL || !c->uicc.active)
        return FS_NONE;
    struct uicc_selection *s = uicc_selection_of(c, ch);
    return s != NULL ? s->adf : FS_NONE;
}

int uicc_save_pins(struct card *c)
{
    if (c == NULL || !c->uicc.active || c->store == NULL)
        return STORE_OK;                        /* nothing persistent to update */
    return profile_image_save_pins(c->store, c->uicc.slot, &c->uicc.img);
}

int uicc_save_file(struct card *c, int file_idx)
{
    if (c == NULL || !c->uicc.active || c->store == NULL)
        return STORE_OK;
    return profile_image_save_file(c->store, c->uicc.slot, &c->uicc.img, file_idx);
}

static void reset_all_selections(struct card *c)
{
    for (size_t i = 0; i < CHANNEL_MAX; i++)
        uicc_channel_reset(&c->ch[i]);
}

int uicc_switch_profile(struct card *c, uint8_t slot)
{
    if (c == NULL)
        return -1;
    struct uicc *u = &c->uicc;
    if (u->active)
        profile_image_free(&u->img);
    profile_image_init(&u->img);
    u->active = false;
    u->slot = 0;
    reset_all_selections(c);
    if (slot == 0)
        return 0;
    if (c->store == NULL || profile_image_load(c->store, slot, &u->img) != STORE_OK) {
        profile_image_free(&u->img);
        profile_image_init(&u->img);
        card_trace(c, "uicc: profile %u cannot be loaded; no profile active", slot);
        return -1;
    }
    if (u->img.fs.n == 0 || u->img.fs.files[0].type != FS_MF) {
        profile_image_free(&u->img);
        profile_image_init(&u->img);
        card_trace(c, "uicc: profile %u has no MF; no profile active", slot);
        return -1;
    }
    pin_reset_session(&u->img.pins);
    u->active = true;
    u->slot = slot;
    return 0;
}

int uicc_load_enabled(struct card *c)
{
    if (c == NULL || c->store == NULL)
        return -1;
    struct profile_record *p = malloc(sizeof *p);
    if (p == NULL)
        return -1;
    uint8_t slot = 0, enabled = 0;
    while (profile_next(c->store, slot, p) == STORE_OK) {
        slot = p->slot;
        if (p->state == PROFILE_ENABLED) {
            enabled = slot;
            break;
        }
    }
    free(p);
    if (enabled == c->uicc.slot && (enabled == 0 || c->uicc.active))
        return 0;                               /* already what the table says */
    return uicc_switch_profile(c, enabled);
}

void uicc_reset(struct card *c)
{
    if (c == NULL)
        return;
    if (c->uicc.active)
        pin_reset_session(&c->uicc.img.pins);
    reset_all_selections(c);
}

void uicc_free(struct card *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < CHANNEL_MAX; i++) {
        struct uicc_chan *x = c->ch[i].fs_ctx;
        if (x != NULL) {
            free(x->set_buf);
            free(x);
        }
        c->ch[i].fs_ctx = NULL;
    }
    if (c->uicc.active)
        profile_image_free(&c->uicc.img);
    c->uicc.active = false;
}

bool uicc_select_claims_aid(struct card *c, struct channel *ch, const struct apdu *a)
{
    if (!c->uicc.active || a->lc == 0 || a->lc > FS_AID_MAX)
        return false;
    if ((a->p2 & 0x03) == 0x02)                 /* next occurrence: where we are */
        return ch->selected == NULL;
    if (select_find_applet(c, a->data, a->lc) != NULL)
        return false;                           /* applets win for their AIDs */
    return fs_find_adf(&c->uicc.img.fs, a->data, a->lc, 0) != FS_NONE;
}

/* TERMINAL PROFILE (TS 102 221 §11.2.1): accepted, no proactive UICC here. */
static void terminal_profile(struct apdu *a)
{
    if (a->p1 != 0x00 || a->p2 != 0x00)
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
    else
        apdu_respond(a, NULL, 0, SW_OK);
}

static bool iso_ins(uint8_t ins)
{
    switch (ins) {
    case 0xA4: case 0xB0: case 0xD6: case 0xB2: case 0xDC: case 0xA2:
    case 0x20: case 0x24: case 0x26: case 0x28: case 0x2C: case 0x88:
    case 0x04: case 0x44:
        return true;
    default:
        return false;
    }
}

static bool prop_ins(uint8_t ins)
{
    return ins == 0xF2 || ins == 0x32 || ins == 0xCB || ins == 0xDB || ins == 0x10;
}

void uicc_process(struct card *c, struct channel *ch, struct apdu *a)
{
    if (!c->uicc.active) {
        mf_process(c, ch, a);
        return;
    }
    if (uicc_selection_of(c, ch) == NULL) {
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    if (iso_ins(a->ins) && a->proprietary) {
        apdu_respond(a, NULL, 0, SW_CLA_NOT_SUPPORTED);
        return;
    }
    if (prop_ins(a->ins) && !a->proprietary) {
        apdu_respond(a, NULL, 0, SW_CLA_NOT_SUPPORTED);
        return;
    }
    switch (a->ins) {
    case 0xA4: uicc_select(c, ch, a); break;
    case 0xF2: uicc_status(c, ch, a); break;
    case 0xB0: uicc_read_binary(c, ch, a); break;
    case 0xD6: uicc_update_binary(c, ch, a); break;
    case 0xB2: uicc_read_record(c, ch, a); break;
    case 0xDC: uicc_update_record(c, ch, a); break;
    case 0xA2: uicc_search_record(c, ch, a); break;
    case 0x32: uicc_increase(c, ch, a); break;
    case 0xCB: uicc_retrieve_data(c, ch, a); break;
    case 0xDB: uicc_set_data(c, ch, a); break;
    case 0x44: uicc_activate(c, ch, a, true); break;
    case 0x04: uicc_activate(c, ch, a, false); break;
    case 0x20: case 0x24: case 0x26: case 0x28: case 0x2C:
        a->secret = true;
        uicc_pin_command(c, ch, a);
        break;
    case 0x88: uicc_authenticate(c, ch, a); break;
    case 0x10: terminal_profile(a); break;
    default: apdu_respond(a, NULL, 0, SW_INS_NOT_SUPPORTED); break;
    }
}
