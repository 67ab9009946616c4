/* card/mf.c — the minimal UICC context of a channel without a selected applet:
 * the MF (3F00) and nothing below it, until the profile interpreter brings a real
 * file system (ETSI TS 102 221). SELECT MF by FID (P1 00, data 3F00 or empty) or by
 * path (P1 08, data empty or 3F00) answers the MF's FCP (P2 04 or 00) or nothing
 * (P2 0C); any other file → 6A82. STATUS (INS F2) answers the FCP for P2 00 and no
 * data for P2 01 (no application selected) or 0C. Anything else → 6D00.
 * TERMINAL CAPABILITY (CLA 8x, INS AA, TS 102 221 §11.1.19) is a card-level command
 * answered on any channel: 9000 for a well-formed A9 template (contents not kept yet). */
#include "card/card_internal.h"

#include "card/tlv.h"

/* FCP of the MF per TS 102 221 §11.1.1.3.1 */
static const uint8_t MF_FCP[] = {
    0x62, 0x1F,
    0x82, 0x02, 0x78, 0x21,               /* file descriptor: DF, shareable; data coding 21 */
    0x83, 0x02, 0x3F, 0x00,               /* file identifier */
    0xA5, 0x03, 0x80, 0x01, 0x71,         /* UICC characteristics: clock stop allowed, class A/B/C */
    0x8A, 0x01, 0x05,                     /* life cycle: operational, activated */
    0x8C, 0x08, 0x7F,                     /* security attributes, compact: admin commands */
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /*   (delete, terminate, (de)activate, create) never */
    0xC6, 0x03, 0x90, 0x01, 0x00,         /* PIN status template: no PIN enabled */
};

bool mf_select_names_mf(const struct apdu *a)
{
    if (a->ins != 0xA4 || (a->p1 != 0x00 && a->p1 != 0x08))
        return false;
    return a->lc == 0 || (a->lc == 2 && a->data[0] == 0x3F && a->data[1] == 0x00);
}

static void mf_select(struct channel *ch, struct apdu *a)
{
    if (a->proprietary) {
        apdu_respond(a, NULL, 0, SW_CLA_NOT_SUPPORTED);
        return;
    }
    if (a->p1 > 0x09 || (a->p1 > 0x03 && a->p1 < 0x08)) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (a->p2 != 0x00 && a->p2 != 0x04 && a->p2 != 0x0C) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (a->p1 == 0x00 && a->lc != 0 && a->lc != 2) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!mf_select_names_mf(a)) {
        apdu_respond(a, NULL, 0, SW_FILE_NOT_FOUND);
        return;
    }
    ch->cur_df = 0x3F00;
    ch->cur_ef = 0;
    if (a->p2 == 0x0C)
        apdu_respond(a, NULL, 0, SW_OK);
    else
        apdu_respond(a, MF_FCP, sizeof(MF_FCP), SW_OK);
}

static void mf_status(struct apdu *a)
{
    if (a->p1 > 0x02) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (a->p2 == 0x00)
        apdu_respond(a, MF_FCP, sizeof(MF_FCP), SW_OK);
    else if (a->p2 == 0x01 || a->p2 == 0x0C)
        apdu_respond(a, NULL, 0, SW_OK);
    else
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
}

void mf_process(struct card *c, struct channel *ch, struct apdu *a)
{
    (void)c;
    if (a->ins == 0xA4)
        mf_select(ch, a);
    else if (a->ins == 0xF2)
        mf_status(a);
    else
        apdu_respond(a, NULL, 0, SW_INS_NOT_SUPPORTED);
}

void mf_terminal_capability(struct apdu *a)
{
    struct tlv t;
    if (a->p1 != 0x00 || a->p2 != 0x00)
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
    else if (a->lc > 0 && (!tlv_parse(a->data, a->lc, &t) || t.tag != 0xA9 ||
                           t.raw_len != a->lc || !tlv_well_formed(t.value, t.len, 2)))
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
    else
        apdu_respond(a, NULL, 0, SW_OK);
}
