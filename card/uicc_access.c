/* card/uicc_access.c — security attributes of a file evaluated against the PINs
 * (ETSI TS 102 221 §9.2, ISO 7816-4 §5.4.3).
 *
 * Referenced format (8B): EF.ARR FID + record number, or EF.ARR FID + pairs of
 * (SE number, record number) — SE 01 is used (the application PIN context), else the
 * first pair. EF.ARR is looked up in the DF holding the file (for a DF: itself), then
 * in each parent up to the MF. Expanded format (AB, or the ARR record): rules made of
 * access mode DOs (80 AM byte; 84 INS for INCREASE) followed by security condition
 * DOs: 90 always, 97 never, A4 {83 key reference, 95 usage qualifier}, AF all of
 * (AND), A0 one of (OR); several SC_DOs after one AM are alternatives (OR). Compact
 * format (8C): AM byte then one SC byte per set AM bit (b7 down to b1): 00 always,
 * FF never, else the key reference in b4..b1 (1-8 PIN, A-E ADM).
 *
 * A PIN key reference is satisfied when that PIN is verified or disabled; an ADM key
 * only when verified; a PIN disabled with the universal PIN as replacement (DISABLE
 * PIN, P1 b8) when the universal PIN is verified or not enabled (pin_condition_met).
 * With SE/record pairs the SE 01 record is used; its PIN1 conditions then follow the
 * replacement, which is what §11.1.11 asks of "files containing only a reference to the
 * disabled PIN". A missing ARR record, an unknown SC_DO or an operation no rule
 * covers is denied. No security attributes at all: allowed. */
#include "card/uicc_internal.h"

#include "card/card_internal.h"
#include "card/tlv.h"

#define SC_DEPTH 4

static bool key_satisfied(struct card *c, uint8_t ref)
{
    return pin_condition_met(&card_uicc(c)->img.pins, ref);
}

static bool sc_satisfied(struct card *c, const struct tlv *t, unsigned depth);

/* AND (all) / OR (any) over the SC_DOs inside a template. */
static bool sc_template(struct card *c, const struct tlv *t, bool all, unsigned depth)
{
    struct tlv_cursor cur;
    struct tlv in;
    bool any = false;
    tlv_cursor_init(&cur, t->value, t->len);
    while (tlv_next(&cur, &in)) {
        any = true;
        bool ok = sc_satisfied(c, &in, depth + 1);
        if (all && !ok)
            return false;
        if (!all && ok)
            return true;
    }
    return all && any;
}

static bool sc_satisfied(struct card *c, const struct tlv *t, unsigned depth)
{
    if (depth > SC_DEPTH)
        return false;
    switch (t->tag) {
    case 0x90:
        return true;
    case 0x97:
        return false;
    case 0xA4: {
        struct tlv ref;
        if (!tlv_find(t->value, t->len, 0x83, &ref) || ref.len != 1)
            return false;
        return key_satisfied(c, ref.value[0]);
    }
    case 0xAF:
        return sc_template(c, t, true, depth);
    case 0xA0:
        return sc_template(c, t, false, depth);
    default:
        return false;
    }
}

/* Does AM_DO t cover operation am? */
static bool am_covers(const struct tlv *t, uint8_t am)
{
    if (t->tag == 0x80 && t->len == 1)
        return am != UICC_AM_INCREASE && (t->value[0] & 0x80) == 0 && (t->value[0] & am) != 0;
    if (t->tag == 0x84) {
        for (size_t i = 0; i < t->len; i++) {
            if (am == UICC_AM_INCREASE && t->value[i] == 0x32)
                return true;
        }
    }
    return false;
}

/* Evaluate an expanded rule list for am: 1 allowed, 0 denied, -1 no rule covers it. */
static int expanded(struct card *c, const uint8_t *p, size_t len, uint8_t am)
{
    struct tlv_cursor cur;
    struct tlv t;
    bool covering = false, in_sc = false, granted = false, found = false;
    tlv_cursor_init(&cur, p, len);
    while (cur.pos < len && p[cur.pos] != 0xFF && p[cur.pos] != 0x00 && tlv_next(&cur, &t)) {
        bool is_am = t.tag >= 0x80 && t.tag <= 0x8F;
        if (is_am) {
            if (in_sc) {                        /* a new rule starts */
                if (covering && granted)
                    return 1;
                covering = false;
                granted = false;
                in_sc = false;
            }
            if (am_covers(&t, am)) {
                covering = true;
                found = true;
            }
        } else {
            in_sc = true;
            if (covering && sc_satisfied(c, &t, 0))
                granted = true;
        }
    }
    if (covering && granted)
        return 1;
    return found ? 0 : -1;
}

static int find_arr(const struct fs *fs, int start, uint16_t fid)
{
    for (int d = start; d != FS_NONE && (size_t)d < fs->n; d = fs->files[d].parent) {
        int f = fs_child(fs, d, fid);
        if (f != FS_NONE && fs->files[f].type == FS_EF_LINEAR)
            return f;
    }
    return FS_NONE;
}

/* 1 allowed, 0 denied, -1 no rule of the ARR record covers am. */
static int referenced(struct card *c, int idx, const struct fs_file *f, uint8_t am)
{
    const struct fs *fs = &card_uicc(c)->img.fs;
    if (f->sec_len < 3)
        return 0;
    uint16_t fid = (uint16_t)((f->sec[0] << 8) | f->sec[1]);
    uint8_t rec = f->sec[2];
    if (f->sec_len >= 4) {                      /* SE/record pairs */
        rec = f->sec[3];
        for (size_t i = 2; i + 1 < f->sec_len; i += 2) {
            if (f->sec[i] == 0x01) {
                rec = f->sec[i + 1];
                break;
            }
        }
    }
    int start = fs_is_df(f) ? idx : f->parent;
    int arr = find_arr(fs, start, fid);
    if (arr == FS_NONE)
        return 0;
    int content = fs_content_of(fs, arr);
    const struct fs_file *af = &fs->files[content != FS_NONE ? content : arr];
    if (rec == 0 || rec > af->rec_count || af->data == NULL ||
        (uint32_t)rec * af->rec_len > af->data_len)
        return 0;
    const uint8_t *r = af->data + (size_t)(rec - 1) * af->rec_len;
    return expanded(c, r, af->rec_len, am);
}

static bool compact(struct card *c, const struct fs_file *f, uint8_t am)
{
    if (am == UICC_AM_INCREASE)
        am = UICC_AM_UPDATE;
    if (f->sec_len < 1)
        return false;
    uint8_t amb = f->sec[0];
    if ((amb & am) == 0)
        return false;
    size_t at = 1;
    for (uint8_t bit = 0x40; bit != 0; bit >>= 1) {
        if ((amb & bit) == 0)
            continue;
        if (bit == am) {
            if (at >= f->sec_len)
                return false;
            uint8_t sc = f->sec[at];
            if (sc == 0x00)
                return true;
            if (sc == 0xFF)
                return false;
            uint8_t n = sc & 0x0F;
            if ((n >= 1 && n <= 8) || (n >= 0x0A && n <= 0x0E))
                return key_satisfied(c, n);
            return false;
        }
        at++;
    }
    return false;
}

bool uicc_access_allowed(struct card *c, struct channel *ch, int idx, uint8_t am)
{
    (void)ch;
    struct uicc *u = card_uicc(c);
    if (u == NULL || !u->active || idx == FS_NONE || (size_t)idx >= u->img.fs.n)
        return false;
    const struct fs_file *f = &u->img.fs.files[idx];
    switch (f->sec_tag) {
    case 0:
        return true;
    case 0x8B: {
        int r = referenced(c, idx, f, am);
        if (r == -1 && am == UICC_AM_INCREASE)
            r = referenced(c, idx, f, UICC_AM_UPDATE);
        return r == 1;
    }
    case 0xAB: {
        int r = expanded(c, f->sec, f->sec_len, am);
        if (r == -1 && am == UICC_AM_INCREASE)
            r = expanded(c, f->sec, f->sec_len, UICC_AM_UPDATE);
        return r == 1;
    }
    case 0x8C:
        return compact(c, f, am);
    default:
        return false;
    }
}
