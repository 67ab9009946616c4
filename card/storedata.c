/* card/storedata.c — GlobalPlatform STORE DATA block chaining (GP Card Spec v2.3
 * §11.11). P1: b8 = last block; b7b6 = encryption (only 00, none, is accepted);
 * b5b4 = data structure (00 no information or 10 BER-TLV accepted, 01 DGI refused);
 * b3b2 RFU (must be 0); b1 = response expected (ignored). So P1 may be
 * 00/01/10/11 (more blocks) or 80/81/90/91 (last block); lpac and onomondo-ipa send
 * 11/91, pySim 91. P2 is the block number: 0 for the first block, then +1 per
 * block, wrapping from 255 to 0 (a 96 KiB request in blocks of 255 octets needs
 * more than 256 blocks). Any error discards the chain in progress. */
#include "card/storedata.h"

#include <stdlib.h>
#include <string.h>

void storedata_reset(struct storedata *sd)
{
    if (sd == NULL)
        return;
    sd->len = 0;
    sd->active = false;
    sd->next_block = 0;
}

void storedata_free(struct storedata *sd)
{
    if (sd == NULL)
        return;
    free(sd->buf);
    sd->buf = NULL;
    storedata_reset(sd);
}

static enum storedata_result fail(struct storedata *sd, uint16_t *sw, uint16_t code)
{
    storedata_reset(sd);
    *sw = code;
    return STOREDATA_ERROR;
}

enum storedata_result storedata_accept(struct storedata *sd, const struct apdu *a,
                                       uint16_t *sw)
{
    uint16_t dummy;
    if (sw == NULL)
        sw = &dummy;
    if (sd == NULL || a == NULL) {
        *sw = SW_UNKNOWN;
        return STOREDATA_ERROR;
    }
    uint8_t structure = a->p1 & 0x6E;       /* b7b6 encryption, b5b4 structure, b3b2 RFU */
    if (structure != 0x00 && structure != 0x10)
        return fail(sd, sw, SW_INCORRECT_P1P2);
    bool last = (a->p1 & 0x80) != 0;
    uint8_t expect = sd->active ? sd->next_block : 0;
    if (a->p2 != expect)
        return fail(sd, sw, SW_INCORRECT_P1P2);
    if (a->lc == 0 || a->data == NULL)
        return fail(sd, sw, SW_WRONG_LENGTH);
    if (!sd->active) {
        sd->len = 0;
        sd->next_block = 0;
    }
    if (a->lc > STOREDATA_MAX - sd->len)
        return fail(sd, sw, SW_NOT_ENOUGH_MEMORY);
    if (sd->buf == NULL) {
        sd->buf = malloc(STOREDATA_MAX);
        if (sd->buf == NULL)
            return fail(sd, sw, SW_NOT_ENOUGH_MEMORY);
    }
    memcpy(sd->buf + sd->len, a->data, a->lc);
    sd->len += a->lc;
    *sw = SW_OK;
    if (last) {
        sd->active = false;
        sd->next_block = 0;
        return STOREDATA_COMPLETE;
    }
    sd->active = true;
    sd->next_block = (uint8_t)(sd->next_block + 1);
    return STOREDATA_MORE;
}
