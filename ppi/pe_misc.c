/* ppi/pe_misc.c — the interpreter's dispatch, shared helpers, and the PEs that build
 * nothing in the profile image:
 * - rfm (PE-RFM): checked (instanceAID, minimumSecurityLevel present) and accepted; the
 *   card has no OTA RFM applet, the parameters are not kept;
 * - application (PE-Application): Java Card load/install is not executed: reported
 *   pe-not-supported (fails the install only when mandated, decided by ppi.c);
 * - nonStandard: no issuerID is understood: reported pe-not-supported (same rule);
 * - cdmaParameter: CAVE is not implemented; the keys are checked for size and ignored
 *   (the CSIM files are still created);
 * - end: nothing to do (ppi.c checks its place). */
#include <string.h>

#include "ppi/ppi_internal.h"

int pe_fail(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t, int status)
{
    if (t && pe && t->raw >= pe->raw && t->raw < pe->raw + pe->raw_len)
        c->st_offset = (long)(t->raw - pe->raw);
    return status;
}

unsigned pe_tag_number(uint32_t tag)
{
    if (tag <= 0xFF)
        return tag & 0x1F;
    if (tag <= 0xFFFF)
        return tag & 0x7F;
    return 0xFFFF;                       /* beyond any SAIP field number */
}

bool pe_body(const struct tlv *pe, struct tlv_cursor *cur)
{
    struct tlv h;
    if (!tlv_enter(pe, cur) || !tlv_next(cur, &h) || h.tag != 0xA0)
        return false;
    return true;
}

int pe_resolve_path(const struct fs *fs, const uint8_t *p, size_t len)
{
    int cur = 0;
    if (fs->n == 0 || (len & 1))
        return FS_NONE;
    for (size_t i = 0; i < len; i += 2) {
        uint16_t fid = (uint16_t)(p[i] << 8 | p[i + 1]);
        if (i == 0 && fid == 0x3F00)
            continue;
        if (!fs_is_df(&fs->files[cur]))
            return FS_NONE;
        cur = fs_child(fs, cur, fid);
        if (cur == FS_NONE)
            return FS_NONE;
    }
    return cur;
}

static int pe_rfm(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur;
    struct tlv t;
    bool aid = false, msl = false;
    if (!pe_body(pe, &cur))
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    while (tlv_next(&cur, &t)) {
        if (t.tag == 0x4F && !aid) {
            if (t.len < 5 || t.len > 16)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            aid = true;
        } else if (t.tag == 0x81) {
            if (t.len != 1)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            msl = true;
        }
    }
    if (cur.error || !aid || !msl)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    return ST_OK;
}

static int pe_cdma(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur;
    struct tlv t;
    if (!pe_body(pe, &cur) || !tlv_next(&cur, &t))
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    if (t.tag != 0x81 || t.len != 8)
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    return ST_OK;
}

int pe_misc(struct ppi_ctx *c, const struct tlv *pe)
{
    switch (pe->tag) {
    case 0xA5: return pe_cdma(c, pe);
    case 0xA7: return pe_rfm(c, pe);
    case 0xA8:                                   /* application */
    case 0xA9:                                   /* nonStandard */
        return pe_fail(c, pe, NULL, ST_PE_NOT_SUPPORTED);
    case 0xAA: return ST_OK;                     /* end */
    default:   return pe_fail(c, pe, NULL, ST_PE_NOT_SUPPORTED);
    }
}

int pe_dispatch(struct ppi_ctx *c, const struct tlv *pe)
{
    switch (pe->tag) {
    case 0xA1: return pe_generic_fm(c, pe);
    case 0xA2: return pe_pin_codes(c, pe);
    case 0xA3: return pe_puk_codes(c, pe);
    case 0xA4: return pe_aka(c, pe);
    case 0xA6: return pe_security_domain(c, pe);
    case 0xA5: case 0xA7: case 0xA8: case 0xA9: case 0xAA:
        return pe_misc(c, pe);
    default:
        if ((pe->tag >= 0xB0 && pe->tag <= 0xBE) || (pe->tag >= 0xBF1F && pe->tag <= 0xBF21))
            return pe_filesystem(c, pe);
        return pe_fail(c, pe, NULL, ST_PE_NOT_SUPPORTED);
    }
}
