/* ppi/pe_aka.c — the akaParameter PE (SAIP 3.3.1 PE-AKAParameter) into a struct
 * naa_auth of the profile image.
 * Which NAA: SAIP gives no AID in the PE; it follows the NAA it configures. Decision:
 * the ADF created last before it (USIM or ISIM; TS.48 sends one after ADF.USIM and one
 * after ADF.ISIM); FS_NONE (every NAA) when no ADF exists yet. A second akaParameter
 * for the same ADF is bad-values.
 * algoConfiguration: algoParameter [1] { algorithmID 1 milenage / 2 tuak / 3 usim test
 * algorithm, algorithmOptions, key, opc (OPc, TOPc; ignored for the test algorithm),
 * rotationConstants (5, Milenage r1..r5), xoringConstants (80, Milenage c1..c5),
 * authCounterMax?, numberOfKeccak (TUAK, default 1) } or mappingParameter [0]
 * { mappingOptions, mappingSource AID }: copy the parameters of the NAA whose ADF has
 * that AID. Key sizes: Milenage and test algorithm 16 octets; TUAK 16 or 32 (TOPc 32).
 * TUAK MAC/RES/CK/IK lengths: algorithmOptions is not decoded, the TS 35.231 sizes of
 * aka_params_defaults are used. The public SAIP ASN.1 gives only OCTET STRING (SIZE(1))
 * and no public source found gives its coding (pySim writes '00' for every algorithm),
 * so no bit meaning is guessed here.
 * sqnOptions (1 octet, default 02): b1 set = no SQN freshness check; IND is 5 bits
 * (SQN_ARRAY = 32); sqnDelta (6 octets, default 2^28) kept; sqnAgeLimit not used;
 * sqnInit (32 x 6 octets) loads the SQN array. All SQN fields are ignored for the test
 * algorithm (spec), which keeps the defaults. */
#include <string.h>

#include "crypto/ct.h"
#include "ppi/ppi_internal.h"

static bool adf_has_naa(const struct ppi_ctx *c, int adf)
{
    for (size_t i = 0; i < c->img.n_naa; i++)
        if (c->img.naa[i].adf == adf)
            return true;
    return false;
}

static int algo_parameter(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *a,
                          struct aka_params *k)
{
    struct tlv_cursor cur;
    struct tlv t;
    uint32_t alg = 0, iter = 1;
    bool have_alg = false, have_opt = false, have_key = false, have_opc = false;
    const struct tlv *key = NULL, *opc = NULL, *rot = NULL, *xorc = NULL;
    struct tlv keyt, opct, rott, xort;

    tlv_enter(a, &cur);
    while (tlv_next(&cur, &t)) {
        switch (t.tag) {
        case 0x80:
            if (!tlv_get_uint(t.value, t.len, &alg) || alg < 1 || alg > 3)
                return pe_fail(c, pe, &t, ST_FEATURE_NOT_SUPPORTED);
            have_alg = true;
            break;
        case 0x81: if (t.len != 1) return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            have_opt = true; break;
        case 0x82: keyt = t; key = &keyt; have_key = true; break;
        case 0x83: opct = t; opc = &opct; have_opc = true; break;
        case 0x84: if (t.len != 5) return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            rott = t; rot = &rott; break;
        case 0x85: if (t.len != 80) return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            xort = t; xorc = &xort; break;
        case 0x86: if (t.len != 3) return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            break;
        case 0x87:
            if (!tlv_get_uint(t.value, t.len, &iter) || iter < 1 || iter > 255)
                return pe_fail(c, pe, &t, ST_BAD_VALUES);
            break;
        default:
            return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
        }
    }
    if (cur.error || !have_alg || !have_opt || !have_key || !have_opc)
        return pe_fail(c, pe, a, ST_INVALID_FORMAT);
    aka_params_defaults(k, (enum aka_algorithm)alg);
    if (key->len != 16 && !(alg == AKA_TUAK && key->len == 32))
        return pe_fail(c, pe, key, ST_BAD_VALUES);
    memcpy(k->k, key->value, key->len);
    k->k_len = key->len;
    if (alg == AKA_MILENAGE) {
        if (opc->len != 16)
            return pe_fail(c, pe, opc, ST_BAD_VALUES);
        memcpy(k->opc, opc->value, 16);
        if (rot)
            memcpy(k->r, rot->value, 5);
        if (xorc)
            for (int i = 0; i < 5; i++)
                memcpy(k->c[i], xorc->value + (size_t)16 * (size_t)i, 16);
    } else if (alg == AKA_TUAK) {
        if (opc->len != 32)
            return pe_fail(c, pe, opc, ST_BAD_VALUES);
        memcpy(k->opc, opc->value, 32);
        k->tuak_iterations = iter;
    }
    return ST_OK;
}

static int sqn_fields(struct ppi_ctx *c, const struct tlv *pe, struct tlv_cursor *cur,
                      struct naa_auth *n)
{
    struct tlv t, e;
    struct tlv_cursor list;
    while (tlv_next(cur, &t)) {
        if (t.tag == 0x82 && t.len == 1) {
            n->sqn_check = !(t.value[0] & 0x01);
        } else if (t.tag == 0x83 && t.len == 6) {
            n->sqn_delta = 0;
            for (int i = 0; i < 6; i++)
                n->sqn_delta = n->sqn_delta << 8 | t.value[i];
        } else if (t.tag == 0x84 && t.len == 6) {
            continue;
        } else if (t.tag == 0xA5) {
            size_t i = 0;
            tlv_enter(&t, &list);
            while (tlv_next(&list, &e)) {
                if (e.tag != 0x04 || e.len != 6 || i >= SQN_ARRAY)
                    return pe_fail(c, pe, &e, ST_BAD_VALUES);
                memcpy(n->sqn[i++], e.value, 6);
            }
            if (list.error || i != SQN_ARRAY)
                return pe_fail(c, pe, &t, ST_BAD_VALUES);
        } else {
            return pe_fail(c, pe, &t, t.tag >= 0x82 && t.tag <= 0x84 ? ST_BAD_VALUES
                                                                     : ST_INVALID_FORMAT);
        }
    }
    if (cur->error)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    return ST_OK;
}

int pe_aka(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, sub;
    struct tlv conf, t, s;
    struct naa_auth n;
    int st = ST_OK;

    if (!pe_body(pe, &cur) || !tlv_next(&cur, &conf) || conf.tag != 0xA1 ||
        !tlv_enter(&conf, &sub) || !tlv_next(&sub, &t))
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    if (c->img.n_naa >= NAA_MAX)
        return pe_fail(c, pe, NULL, ST_NOT_ENOUGH_MEMORY);
    if (adf_has_naa(c, c->last_adf))
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    memset(&n, 0, sizeof n);
    n.adf = c->last_adf;
    n.sqn_check = true;
    n.ind_bits = 5;
    n.sqn_delta = UINT64_C(1) << 28;
    if (t.tag == 0xA1) {
        st = algo_parameter(c, pe, &t, &n.aka);
    } else if (t.tag == 0xA0) {                  /* mappingParameter */
        struct tlv aid;
        size_t i;
        if (!tlv_find(t.value, t.len, 0x81, &aid) || aid.len < 5 || aid.len > 16)
            return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
        for (i = 0; i < c->img.n_naa; i++) {
            int a = c->img.naa[i].adf;
            if (a != FS_NONE && c->img.fs.files[a].aid_len == aid.len &&
                memcmp(c->img.fs.files[a].aid, aid.value, aid.len) == 0)
                break;
        }
        if (i == c->img.n_naa)
            return pe_fail(c, pe, &aid, ST_BAD_VALUES);
        n.aka = c->img.naa[i].aka;
    } else {
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    }
    if (st == ST_OK && n.aka.alg != AKA_TEST)
        st = sqn_fields(c, pe, &cur, &n);
    else if (st == ST_OK)
        while (tlv_next(&cur, &s))              /* ignored for the test algorithm */
            ;
    if (st == ST_OK)
        c->img.naa[c->img.n_naa++] = n;
    ct_wipe(&n, sizeof n);
    return st;
}
