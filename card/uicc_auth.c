/* card/uicc_auth.c — AUTHENTICATE (INS 88) of a USIM (3GPP TS 31.102 §7.1.2) or ISIM
 * (TS 31.103 §7.1.2, IMS AKA = the 3G context) in the context of the ADF selected on the
 * channel, with the profile's algorithm (crypto/aka.h) and SQN state.
 *
 * 3G context (P2 = 81): data = 10 RAND 10 AUTN. MAC-A checked in constant time (else
 * 9862), SQN freshness per TS 33.102 Annex C.2/C.3 (array of SQN indexed by IND,
 * optional wrap-around limit delta) — a stale SQN answers DC 0E AUTS (§6.3.3) —, the
 * accepted SQN is persisted before the answer DB RES CK IK [Kc].
 * GSM context (P2 = 80, USIM with GSM access): data = 10 RAND; answer 04 SRES 08 Kc from
 * the 3G values with the conversion functions c2/c3 (TS 33.102 §6.8.1.2). */
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "card/uicc_internal.h"
#include "crypto/ct.h"

#define SW_MEMORY_PROBLEM    0x6581
#define SW_AUTH_MAC_FAILURE  0x9862   /* TS 31.102 §10: authentication error, incorrect MAC */

#define AUTH_CTX_GSM 0x80
#define AUTH_CTX_3G  0x81

#define SERVICE_GSM_ACCESS 27         /* TS 31.102 §4.2.8 */
#define FID_EF_UST 0x6F38

static const uint8_t usim_aid_prefix[7] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02};

static bool adf_is_usim(const struct fs_file *f)
{
    return f->aid_len >= sizeof usim_aid_prefix &&
           memcmp(f->aid, usim_aid_prefix, sizeof usim_aid_prefix) == 0;
}

/* Service n of EF.UST under the ADF: 1 available, 0 not, -1 no EF.UST. */
static int ust_service(const struct fs *fs, int adf, unsigned n)
{
    int ef = fs_child(fs, adf, FID_EF_UST);
    if (ef == FS_NONE)
        return -1;
    int ci = fs_content_of(fs, ef);
    if (ci == FS_NONE)
        return -1;
    const struct fs_file *f = &fs->files[ci];
    size_t byte = (n - 1) / 8;
    if (f->data == NULL || byte >= f->data_len)
        return 0;
    return (f->data[byte] >> ((n - 1) % 8)) & 1;
}

/* The application PIN of the ADF: the first key reference 01..08 of its PIN status
 * template DO, else PIN1. */
static uint8_t adf_app_pin(const struct fs_file *f)
{
    struct tlv_cursor cur;
    struct tlv t;
    tlv_cursor_init(&cur, f->pinstat, f->pinstat_len);
    while (tlv_next(&cur, &t)) {
        if (t.tag == 0x83 && t.len == 1 && t.value[0] >= 0x01 && t.value[0] <= 0x08)
            return t.value[0];
    }
    return PINREF_PIN1;
}

/* The NAA authentication parameters serving ADF adf, or -1. */
static int naa_of(const struct profile_image *img, int adf)
{
    for (size_t i = 0; i < img->n_naa && i < NAA_MAX; i++)
        if (img->naa[i].adf == adf)
            return (int)i;
    for (size_t i = 0; i < img->n_naa && i < NAA_MAX; i++)
        if (img->naa[i].adf == FS_NONE)
            return (int)i;
    return -1;
}

static uint64_t be48(const uint8_t s[6])
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++)
        v = (v << 8) | s[i];
    return v;
}

static unsigned ind_bits_of(const struct naa_auth *n)
{
    return n->ind_bits > 5 ? 5u : n->ind_bits;   /* SQN_ARRAY = 32 entries */
}

/* Index of the stored SQN with the highest SEQ (SQN_MS of TS 33.102 Annex C). */
static size_t highest_entry(const struct naa_auth *n)
{
    unsigned ib = ind_bits_of(n);
    size_t entries = (size_t)1 << ib, best = 0;
    for (size_t i = 1; i < entries; i++)
        if ((be48(n->sqn[i]) >> ib) > (be48(n->sqn[best]) >> ib))
            best = i;
    return best;
}

/* TS 33.102 Annex C.2/C.3: SQN = SEQ || IND; acceptable iff SEQ > SEQ_MS(IND) and, when
 * a delta is configured, SEQ - SEQ_MS <= delta (SEQ_MS the highest accepted). */
static bool sqn_fresh(const struct naa_auth *n, const uint8_t sqn[6], size_t *ind)
{
    unsigned ib = ind_bits_of(n);
    uint64_t s = be48(sqn), seq = s >> ib;
    *ind = (size_t)(s & (((uint64_t)1 << ib) - 1));
    if (!n->sqn_check)
        return true;
    if (seq <= (be48(n->sqn[*ind]) >> ib))
        return false;
    uint64_t seq_ms = be48(n->sqn[highest_entry(n)]) >> ib;
    if (n->sqn_delta != 0 && seq > seq_ms && seq - seq_ms > n->sqn_delta)
        return false;
    return true;
}

/* c3 (TS 33.102 §6.8.1.2): Kc = CK1 xor CK2 xor IK1 xor IK2 (64-bit halves). */
static void conv_c3(const uint8_t ck[16], const uint8_t ik[16], uint8_t kc[8])
{
    for (int i = 0; i < 8; i++)
        kc[i] = (uint8_t)(ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8]);
}

/* c2: SRES = XRES1 xor XRES2 xor XRES3 xor XRES4 (32-bit words of RES zero-padded to
 * 128 bits). */
static void conv_c2(const uint8_t *res, size_t res_len, uint8_t sres[4])
{
    uint8_t x[16] = {0};
    memcpy(x, res, res_len > 16 ? 16 : res_len);
    for (int i = 0; i < 4; i++)
        sres[i] = (uint8_t)(x[i] ^ x[i + 4] ^ x[i + 8] ^ x[i + 12]);
    ct_wipe(x, sizeof x);
}

static size_t mac_len_of(const struct aka_params *p)
{
    return p->alg == AKA_TUAK ? p->mac_len : 8;
}

/* Synchronisation failure: DC 0E AUTS, AUTS = (SQN_MS xor AK*) || MAC-S with AMF* =
 * 0000 (TS 33.102 §6.3.3). */
static void answer_sync_failure(const struct naa_auth *n, const uint8_t rand[16],
                                struct apdu *a)
{
    static const uint8_t amf0[2] = {0, 0};
    const uint8_t *sqn_ms = n->sqn[highest_entry(n)];
    struct aka_out o;
    if (aka_compute(&n->aka, rand, sqn_ms, amf0, &o) != 0) {
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    uint8_t r[2 + 6 + 32];
    size_t ml = mac_len_of(&n->aka);
    if (ml > 32)
        ml = 32;
    r[0] = 0xDC;
    r[1] = (uint8_t)(6 + ml);
    for (int i = 0; i < 6; i++)
        r[2 + i] = (uint8_t)(sqn_ms[i] ^ o.ak_s[i]);
    memcpy(r + 8, o.mac_s, ml);
    apdu_respond(a, r, 8 + ml, SW_OK);
    ct_wipe(&o, sizeof o);
}

static void auth_3g(struct card *c, struct uicc *u, int naa_idx, int adf, struct apdu *a)
{
    struct naa_auth *n = &u->img.naa[naa_idx];
    size_t ml = mac_len_of(&n->aka);
    if (ml == 0 || ml > 32) {
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    const uint8_t *d = a->data;
    if (a->lc < 18) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (d[0] != 16 || d[17] != 8 + ml) {
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
        return;
    }
    if (a->lc != 18 + 8 + ml) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    const uint8_t *rand = d + 1, *autn = d + 18;
    const uint8_t *amf = autn + 6, *mac = autn + 8;
    static const uint8_t zero_sqn[6] = {0};
    struct aka_out o;
    if (aka_compute(&n->aka, rand, zero_sqn, amf, &o) != 0) {   /* AK = f5(RAND) */
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    uint8_t sqn[6];
    for (int i = 0; i < 6; i++)
        sqn[i] = (uint8_t)(autn[i] ^ o.ak[i]);
    if (aka_compute(&n->aka, rand, sqn, amf, &o) != 0) {
        ct_wipe(&o, sizeof o);
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    bool mac_ok = ct_memeq(o.mac_a, mac, ml);
    ct_public(&mac_ok, sizeof mac_ok);          /* the verdict is the status word */
    if (!mac_ok) {
        ct_wipe(&o, sizeof o);
        apdu_respond(a, NULL, 0, SW_AUTH_MAC_FAILURE);
        return;
    }
    ct_public(sqn, sizeof sqn);                 /* authenticated: freshness is public */
    size_t ind;
    if (!sqn_fresh(n, sqn, &ind)) {
        ct_wipe(&o, sizeof o);
        answer_sync_failure(n, rand, a);
        return;
    }
    if (n->sqn_check) {
        uint8_t old[6];
        memcpy(old, n->sqn[ind], 6);
        memcpy(n->sqn[ind], sqn, 6);
        if (profile_image_save_sqn(card_store(c), u->slot, &u->img, (size_t)naa_idx)
            != STORE_OK) {
            memcpy(n->sqn[ind], old, 6);     /* RAM mirrors the store: not accepted */
            ct_wipe(&o, sizeof o);
            apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
            return;
        }
    }
    size_t res_len = o.res_len > 32 ? 32 : o.res_len;
    size_t ck_len = n->aka.alg == AKA_TUAK ? n->aka.ck_len : 16;
    size_t ik_len = n->aka.alg == AKA_TUAK ? n->aka.ik_len : 16;
    if (ck_len < 16 || ck_len > 32 || ik_len < 16 || ik_len > 32) {
        ct_wipe(&o, sizeof o);
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    uint8_t r[1 + 1 + 32 + 1 + 32 + 1 + 32 + 1 + 8];
    size_t k = 0;
    r[k++] = 0xDB;
    r[k++] = (uint8_t)res_len;
    memcpy(r + k, o.res, res_len);
    k += res_len;
    r[k++] = (uint8_t)ck_len;
    memcpy(r + k, o.ck, ck_len);
    k += ck_len;
    r[k++] = (uint8_t)ik_len;
    memcpy(r + k, o.ik, ik_len);
    k += ik_len;
    if (adf_is_usim(&u->img.fs.files[adf]) &&
        ust_service(&u->img.fs, adf, SERVICE_GSM_ACCESS) != 0) {
        r[k++] = 8;
        conv_c3(o.ck, o.ik, r + k);
        k += 8;
    }
    apdu_respond(a, r, k, SW_OK);
    ct_wipe(r, sizeof r);
    ct_wipe(&o, sizeof o);
}

static void auth_gsm(struct uicc *u, int naa_idx, int adf, struct apdu *a)
{
    if (!adf_is_usim(&u->img.fs.files[adf])) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (ust_service(&u->img.fs, adf, SERVICE_GSM_ACCESS) == 0) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (a->lc != 17) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (a->data[0] != 16) {
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
        return;
    }
    static const uint8_t zero_sqn[6] = {0}, zero_amf[2] = {0};
    struct aka_out o;
    if (aka_compute(&u->img.naa[naa_idx].aka, a->data + 1, zero_sqn, zero_amf, &o) != 0) {
        apdu_respond(a, NULL, 0, SW_UNKNOWN);
        return;
    }
    uint8_t r[1 + 4 + 1 + 8];
    r[0] = 4;
    conv_c2(o.res, o.res_len, r + 1);
    r[5] = 8;
    conv_c3(o.ck, o.ik, r + 6);
    apdu_respond(a, r, sizeof r, SW_OK);
    ct_wipe(r, sizeof r);
    ct_wipe(&o, sizeof o);
}

void uicc_authenticate(struct card *c, struct channel *ch, struct apdu *a)
{
    a->secret = true;   /* CK/IK/Kc in the answer */
    struct uicc *u = card_uicc(c);
    if (u == NULL || !u->active) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (a->p1 != 0x00 || (a->p2 != AUTH_CTX_3G && a->p2 != AUTH_CTX_GSM)) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int adf = uicc_current_adf(c, ch);
    if (adf < 0 || (size_t)adf >= u->img.fs.n || u->img.fs.files[adf].type != FS_ADF) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    struct pin *pin = pin_find(&u->img.pins, adf_app_pin(&u->img.fs.files[adf]));
    if (pin != NULL && pin->present && pin->enabled && !pin->verified) {
        apdu_respond(a, NULL, 0, SW_SECURITY_STATUS);
        return;
    }
    int naa_idx = naa_of(&u->img, adf);
    if (naa_idx < 0) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    if (a->lc == 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (a->p2 == AUTH_CTX_3G)
        auth_3g(c, u, naa_idx, adf, a);
    else
        auth_gsm(u, naa_idx, adf, a);
}
