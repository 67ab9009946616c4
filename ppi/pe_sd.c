/* ppi/pe_sd.c — the securityDomain PE (SAIP 3.3.1 PE-SecurityDomain): the instance
 * AID (third 4F of ApplicationInstance: load package, class, instance) and the keyList
 * ([2], the KeyObject TLVs as given, secret) are kept in the image; privileges, install
 * parameters, sdPersoData, openPersoData and CAT_TP parameters are checked for form and
 * not kept (the card has no GlobalPlatform runtime). More than SD_MAX domains or a key
 * list over the image's space: not-enough-memory. */
#include <string.h>

#include "crypto/ct.h"
#include "ppi/ppi_internal.h"

int pe_security_domain(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, in;
    struct tlv inst, t, keys;
    struct security_domain *sd;
    int n_aid = 0;
    bool have_keys = false;
    const struct tlv *aid = NULL;
    struct tlv aidt;

    if (!pe_body(pe, &cur) || !tlv_next(&cur, &inst) || inst.tag != 0xA1)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    tlv_enter(&inst, &in);
    while (tlv_next(&in, &t)) {
        if (t.tag == 0x4F) {
            if (t.len < 5 || t.len > 16)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            if (++n_aid == 3) {
                aidt = t;
                aid = &aidt;
            }
        }
    }
    if (in.error || !aid)
        return pe_fail(c, pe, &inst, ST_INVALID_FORMAT);
    while (tlv_next(&cur, &t)) {
        if (t.tag == 0xA2) {
            if (!t.constructed)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            keys = t;
            have_keys = true;
        }
    }
    if (cur.error)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    if (c->img.n_sd >= SD_MAX)
        return pe_fail(c, pe, NULL, ST_NOT_ENOUGH_MEMORY);
    if (have_keys && keys.len > sizeof c->img.sd[0].keys)
        return pe_fail(c, pe, &keys, ST_NOT_ENOUGH_MEMORY);
    sd = &c->img.sd[c->img.n_sd];
    memset(sd, 0, sizeof *sd);
    memcpy(sd->aid, aid->value, aid->len);
    sd->aid_len = (uint8_t)aid->len;
    if (have_keys) {
        memcpy(sd->keys, keys.value, keys.len);
        sd->keys_len = keys.len;
    }
    c->img.n_sd++;
    return ST_OK;
}
