/* ppi/pe_pin.c — pukCodes and pinCodes PEs into the profile's pin_set (SAIP 3.3.1
 * PE-PUKCodes, PE-PINCodes).
 * - PUKConfiguration { [0] keyReference, [1] pukValue (8), [2] max/left DEFAULT 0xAA }:
 *   kept in the context until a PIN names it;
 * - PINConfiguration { [0] keyReference, [1] pinValue (8), [2] unblockingPINReference?,
 *   [3] pinAttributes DEFAULT 7, [4] max/left DEFAULT 0x33 }: max number of attempts in
 *   the high nibble, retries left in the low nibble (left <= max, max >= 1);
 *   unblockingPINReference must name a PUK of the pukCodes PE (else pin-code-missing);
 *   the PIN gets a copy of that PUK's value and counters;
 * - pinAttributes (UInt8 DEFAULT 7): the PE_Definitions 3.3.1 module declares the field
 *   without defining its bits (they are in the spec body, not in any public text found).
 *   Read here as b1 = PIN enabled (verification required), b2 = change allowed, b3 =
 *   disable allowed. The TS.48 v1-v3 profiles agree with this reading: PIN1 06
 *   (disabled, changeable, may be disabled; TS.48 ships PIN1 disabled), ADM1/ADM2 03 (no
 *   disabling - an ADM key is never disabled, card/uicc_pin.c), PIN2 07 (v1) or 03
 *   (v2/v3). b3 is not enforced (card/pin.h keeps no such field; DISABLE PIN refuses
 *   ADM keys only) since its meaning is unconfirmed; a PIN is unblockable when it has a
 *   PUK. A PIN starts without the universal PIN as replacement (use_universal false:
 *   only DISABLE PIN with P1 91 sets it);
 * - a key reference defined again in another DF/ADF (e.g. secondPINAppl1 in USIM and
 *   ISIM) is one PIN of the profile: the first definition is kept (card/pin.h has no
 *   per-DF PINs);
 * - the filePath alternative (PINs shared with another DF) creates nothing. */
#include <string.h>

#include "crypto/ct.h"
#include "ppi/ppi_internal.h"

static bool valid_ref(uint32_t r, bool puk)
{
    if (r >= 1 && r <= 8)
        return true;
    if (r >= 0x81 && r <= 0x88)
        return true;
    if (!puk && ((r >= 0x0A && r <= 0x0E) || (r >= 0x8A && r <= 0x8E)))
        return true;
    return false;
}

static bool counters(const struct tlv *t, uint8_t *max, uint8_t *left)
{
    uint32_t v;
    if (!tlv_get_uint(t->value, t->len, &v) || v > 255)
        return false;
    *max = (uint8_t)(v >> 4);
    *left = (uint8_t)(v & 0x0F);
    return *max >= 1 && *left <= *max;
}

int pe_puk_codes(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, list, f;
    struct tlv t, e, v;
    if (!pe_body(pe, &cur) || !tlv_next(&cur, &t) || t.tag != 0xA1)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    tlv_enter(&t, &list);
    while (tlv_next(&list, &e)) {
        struct ppi_puk k = { .max = 10, .left = 10 };
        bool have_ref = false, have_val = false;
        uint32_t ref;
        if (e.tag != 0x30)
            return pe_fail(c, pe, &e, ST_INVALID_FORMAT);
        tlv_enter(&e, &f);
        while (tlv_next(&f, &v)) {
            if (v.tag == 0x80 && tlv_get_uint(v.value, v.len, &ref) && valid_ref(ref, true)) {
                k.ref = (uint8_t)ref;
                have_ref = true;
            } else if (v.tag == 0x81 && v.len == 8) {
                memcpy(k.value, v.value, 8);
                have_val = true;
            } else if (v.tag == 0x82 && counters(&v, &k.max, &k.left)) {
                continue;
            } else {
                ct_wipe(&k, sizeof k);
                return pe_fail(c, pe, &v, v.tag <= 0x82 ? ST_BAD_VALUES : ST_INVALID_FORMAT);
            }
        }
        if (f.error || !have_ref || !have_val) {
            ct_wipe(&k, sizeof k);
            return pe_fail(c, pe, &e, ST_INVALID_FORMAT);
        }
        for (size_t i = 0; i < c->n_puk; i++)
            if (c->puk[i].ref == k.ref) {
                ct_wipe(&k, sizeof k);
                return pe_fail(c, pe, &e, ST_BAD_VALUES);   /* defined once only */
            }
        if (c->n_puk == PUK_MAX) {
            ct_wipe(&k, sizeof k);
            return pe_fail(c, pe, &e, ST_NOT_ENOUGH_MEMORY);
        }
        c->puk[c->n_puk++] = k;
        ct_wipe(&k, sizeof k);
    }
    if (list.error)
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    return ST_OK;
}

static int one_pin(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *e)
{
    struct tlv_cursor f;
    struct tlv v;
    struct pin p;
    uint32_t ref = 0, unblock = 0, attrs = 7;
    bool have_ref = false, have_val = false, have_unblock = false;
    int st = ST_OK;

    memset(&p, 0, sizeof p);
    p.tries_max = p.tries_left = 3;
    tlv_enter(e, &f);
    while (st == ST_OK && tlv_next(&f, &v)) {
        if (v.tag == 0x80 && tlv_get_uint(v.value, v.len, &ref) && valid_ref(ref, false)) {
            have_ref = true;
        } else if (v.tag == 0x81 && v.len == PIN_VALUE_LEN) {
            memcpy(p.value, v.value, PIN_VALUE_LEN);
            have_val = true;
        } else if (v.tag == 0x82 && tlv_get_uint(v.value, v.len, &unblock) &&
                   valid_ref(unblock, true)) {
            have_unblock = true;
        } else if (v.tag == 0x83 && tlv_get_uint(v.value, v.len, &attrs) && attrs <= 255) {
            continue;
        } else if (v.tag == 0x84 && counters(&v, &p.tries_max, &p.tries_left)) {
            continue;
        } else {
            st = pe_fail(c, pe, &v, v.tag <= 0x84 ? ST_BAD_VALUES : ST_INVALID_FORMAT);
        }
    }
    if (st == ST_OK && (f.error || !have_ref || !have_val))
        st = pe_fail(c, pe, e, ST_INVALID_FORMAT);
    if (st == ST_OK && have_unblock) {
        size_t i;
        for (i = 0; i < c->n_puk && c->puk[i].ref != unblock; i++)
            ;
        if (i == c->n_puk) {
            st = pe_fail(c, pe, e, ST_PIN_CODE_MISSING);
        } else {
            p.has_puk = true;
            memcpy(p.puk, c->puk[i].value, PIN_VALUE_LEN);
            p.puk_tries_max = c->puk[i].max;
            p.puk_tries_left = c->puk[i].left;
        }
    }
    if (st == ST_OK && !pin_find(&c->img.pins, (uint8_t)ref)) {
        if (c->img.pins.n >= PIN_MAX) {
            st = pe_fail(c, pe, e, ST_NOT_ENOUGH_MEMORY);
        } else {
            p.ref = (uint8_t)ref;
            p.present = true;
            p.enabled = attrs & 0x01;
            p.changeable = (attrs & 0x02) != 0;
            p.unblockable = p.has_puk;
            p.verified = false;
            c->img.pins.pins[c->img.pins.n++] = p;
        }
    }
    ct_wipe(&p, sizeof p);
    return st;
}

int pe_pin_codes(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, list;
    struct tlv t, e;
    int st;
    if (!pe_body(pe, &cur) || !tlv_next(&cur, &t) || t.tag != 0xA1 || !tlv_enter(&t, &list) ||
        !tlv_next(&list, &t))
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    if (t.tag == 0x81) {                 /* filePath: PINs shared with another DF */
        if (t.len > 8 || pe_resolve_path(&c->img.fs, t.value, t.len) == FS_NONE)
            return pe_fail(c, pe, &t, ST_BAD_VALUES);
        return ST_OK;
    }
    if (t.tag != 0xA0)
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    tlv_enter(&t, &list);
    while (tlv_next(&list, &e)) {
        if (e.tag != 0x30)
            return pe_fail(c, pe, &e, ST_INVALID_FORMAT);
        if ((st = one_pin(c, pe, &e)) != ST_OK)
            return st;
    }
    if (list.error)
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    return ST_OK;
}
