/* card/uicc_select.c — SELECT and STATUS of the UICC personality (ETSI TS 102 221
 * §8.4, §11.1.1, §11.1.2) and the FCP of every file (§11.1.1.3).
 *
 * SELECT P1: 00 by FID (MF 3F00, "7FFF" = the channel's current ADF, a child of the
 * current DF, the current DF itself, its parent or a sibling of it; empty data = MF),
 * 01 child DF, 02 child EF, 03 parent of the current DF, 04 ADF by AID (full or
 * right-truncated; P2 b2b1 00 first, 10 next occurrence), 08 path from the MF (a leading
 * 3F00 is tolerated, empty = MF), 09 path from the current DF (a leading 7FFF = the
 * current ADF). P2 b4b3: 00 or 01 answer the FCP, 11 no data; 10 (FMD) and the other bits
 * are refused (6A86). A deactivated file is selected with 6283 (TS 102 221 §10.2.1.1).
 * Unknown files answer 6A82 and leave the selection unchanged.
 *
 * DF links (SAIP linkPath naming a DF, card/fs.h): a linked DF is selected like any DF
 * (its own FID, FCP, parent); its children are the target's files. An EF selected
 * through it keeps the linked DF as the current DF, so "parent" (P1 03) and selection by
 * FID relative to the current DF go on from the linked DF; the EF itself (content, FCP,
 * access rules from the EF.ARR of its own directory) is the target's file.
 *
 * FCP tags, in the spec's order: EFs 82 83 A5 8A 8B/8C/AB 80 88; MF/DF/ADF 82 83 84 A5
 * 8A 8B/8C/AB C6. The PIN status template's PS_DO (90) is recomputed from the PINs'
 * enabled states and the universal PIN's usage qualifier (95: 08 when it replaces a
 * disabled PIN of the template, else 00) from their use_universal; without a stored
 * template it lists the profile's PINs that apply. */
#include "card/uicc_internal.h"

#include <string.h>

#include "card/card_internal.h"
#include "card/tlv.h"

static struct fs *fsys(struct card *c)
{
    return &card_uicc(c)->img.fs;
}

static bool is_adm(uint8_t ref)
{
    uint8_t r = ref & 0x7F;
    return r >= 0x0A && r <= 0x0E;
}

static bool under_adf(const struct fs *fs, int idx)
{
    for (int i = idx; i != FS_NONE && (size_t)i < fs->n; i = fs->files[i].parent) {
        if (fs->files[i].type == FS_ADF)
            return true;
    }
    return false;
}

/* --- resolution ------------------------------------------------------------------ */

/* *via: the DF the file was looked up in (a linked DF when the lookup went through one),
 * FS_NONE when the file is not a child of a DF named on the way. */
static int by_fid(const struct fs *fs, const struct uicc_selection *sel, uint16_t fid,
                  int *via)
{
    if (fid == 0x3F00)
        return 0;
    if (fid == 0x7FFF)
        return sel->adf;
    int cur = sel->df;
    if (cur == FS_NONE || (size_t)cur >= fs->n)
        cur = 0;
    int f = fs_child(fs, cur, fid);
    if (f != FS_NONE) {
        *via = cur;
        return f;
    }
    if (fs->files[cur].fid == fid)
        return cur;
    int p = fs->files[cur].parent;
    if (p == FS_NONE)
        return FS_NONE;
    if (fs->files[p].fid == fid)
        return p;
    *via = p;
    return fs_child(fs, p, fid);
}

static int by_path(const struct fs *fs, const struct uicc_selection *sel, int start,
                   const uint8_t *p, size_t len, int *via)
{
    int cur = start;
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint16_t fid = (uint16_t)((p[i] << 8) | p[i + 1]);
        if (cur == FS_NONE || !fs_is_df(&fs->files[cur]))
            return FS_NONE;                     /* an EF in the middle of the path */
        if (i == 0 && fid == 0x7FFF) {
            cur = sel->adf;
        } else if (i == 0 && fid == 0x3F00 && start == 0) {
            cur = 0;
        } else {
            *via = cur;
            cur = fs_child(fs, cur, fid);
        }
    }
    return cur;
}

static int resolve(struct card *c, const struct uicc_selection *sel, uint8_t p1,
                   const uint8_t *data, size_t len, int *via)
{
    const struct fs *fs = fsys(c);
    *via = FS_NONE;
    if (fs->n == 0)
        return FS_NONE;
    int df = sel->df != FS_NONE && (size_t)sel->df < fs->n ? sel->df : 0;
    int f;
    switch (p1) {
    case 0x00:
        if (len == 0)
            return 0;
        return len == 2 ? by_fid(fs, sel, (uint16_t)((data[0] << 8) | data[1]), via)
                        : FS_NONE;
    case 0x01:
    case 0x02:
        if (len != 2)
            return FS_NONE;
        f = fs_child(fs, df, (uint16_t)((data[0] << 8) | data[1]));
        if (f == FS_NONE || fs_is_df(&fs->files[f]) != (p1 == 0x01))
            return FS_NONE;
        *via = df;
        return f;
    case 0x03:
        return len == 0 ? fs->files[df].parent : FS_NONE;
    case 0x08:
        if (len % 2 != 0)
            return FS_NONE;
        return by_path(fs, sel, 0, data, len, via);
    case 0x09:
        if (len == 0 || len % 2 != 0)
            return FS_NONE;
        return by_path(fs, sel, df, data, len, via);
    default:
        return FS_NONE;
    }
}

int uicc_resolve(struct card *c, const struct uicc_selection *sel, uint8_t p1,
                 const uint8_t *data, size_t len)
{
    int via;
    return resolve(c, sel, p1, data, len, &via);
}

/* Make idx current; an EF's current DF is `via` when the EF was found through that
 * (linked) DF, else the channel's current DF when that shows the EF's directory (an EF
 * named by SFI in a linked DF), else the EF's parent. */
static void make_current_via(struct card *c, struct channel *ch, int idx, int via)
{
    const struct fs *fs = fsys(c);
    struct uicc_selection *sel = uicc_selection_of(c, ch);
    if (sel == NULL || idx == FS_NONE || (size_t)idx >= fs->n)
        return;
    const struct fs_file *f = &fs->files[idx];
    if (fs_is_df(f)) {
        sel->df = idx;
        sel->ef = FS_NONE;
        if (f->type == FS_ADF)
            sel->adf = idx;
    } else {
        if (via == FS_NONE || (size_t)via >= fs->n || fs_content_of(fs, via) != f->parent)
            via = sel->df;
        if (via == FS_NONE || (size_t)via >= fs->n || fs_content_of(fs, via) != f->parent)
            via = f->parent;
        sel->df = via;
        sel->ef = idx;
    }
    sel->record = 0;
}

void uicc_make_current(struct card *c, struct channel *ch, int idx)
{
    make_current_via(c, ch, idx, FS_NONE);
}

/* --- FCP ------------------------------------------------------------------------- */

static void put_size(struct tlv_writer *w, uint32_t tag, uint32_t size)
{
    uint8_t v[4] = { (uint8_t)(size >> 24), (uint8_t)(size >> 16), (uint8_t)(size >> 8),
                     (uint8_t)size };
    size_t skip = size > 0xFFFFFF ? 0 : size > 0xFFFF ? 1 : 2;
    tlv_put(w, tag, v + skip, 4 - skip);
}

static void put_descriptor(struct tlv_writer *w, const struct fs_file *f)
{
    uint8_t d[5] = { 0x78, 0x21, 0, 0, 0 };
    size_t n = 2;
    switch (f->type) {
    case FS_EF_TRANSPARENT: d[0] = 0x41; break;
    case FS_EF_LINEAR: d[0] = 0x42; n = 5; break;
    case FS_EF_CYCLIC: d[0] = 0x46; n = 5; break;
    case FS_EF_BERTLV: d[0] = 0x79; break;
    default: break;
    }
    if (n == 5) {
        d[2] = (uint8_t)(f->rec_len >> 8);
        d[3] = (uint8_t)f->rec_len;
        d[4] = (uint8_t)f->rec_count;
    }
    tlv_put(w, 0x82, d, n);
}

static bool pin_enabled(struct card *c, uint8_t ref)
{
    struct pin *p = pin_find(&card_uicc(c)->img.pins, ref);
    return p != NULL && p->enabled;
}

/* Does one of the key references refs[0..n) name a PIN disabled with the universal PIN
 * as replacement? Then the template's universal PIN is "used" (TS 102 221 §9.5.1). */
static bool universal_used(struct card *c, const uint8_t *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct pin *p = pin_find(&card_uicc(c)->img.pins, refs[i]);
        if (p != NULL && !p->enabled && p->use_universal)
            return true;
    }
    return false;
}

/* Key references of a PIN status template, each with the usage qualifier (95) that
 * preceded it in a stored template (uq < 0: none). */
struct ps_refs {
    uint8_t ref[16];
    int uq[16];
    size_t n;
};

/* The PIN status template C6 for r (n <= 15): PS_DO 90 with one bit per reference
 * (1 = enabled), then per reference [95 01 uq] 83 01 ref; the universal PIN's usage
 * qualifier is 08 ("use": it replaces a disabled PIN listed here) or 00 (TS 102 221
 * §9.5.1 UUP/DUUP); then the DOs of extra (of a stored template, kept as they are). A
 * listed PIN that uses the universal PIN brings the universal PIN's reference in when
 * the list lacks it. */
static void put_pinstat(struct card *c, struct tlv_writer *w, struct ps_refs *r,
                        size_t ps_min, const struct tlv *extra, size_t n_extra)
{
    uint8_t *refs = r->ref;
    size_t n = r->n;
    bool used = universal_used(c, refs, n);
    bool listed = memchr(refs, PINREF_UNIVERSAL, n) != NULL;
    if (used && !listed && n < 16) {
        r->uq[n] = -1;
        refs[n++] = PINREF_UNIVERSAL;
    }
    uint8_t ps[2] = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (pin_enabled(c, refs[i]))
            ps[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    }
    size_t ps_len = n > 8 ? 2 : 1;
    tlv_open(w, 0xC6);
    tlv_put(w, 0x90, ps, ps_len > ps_min ? ps_len : ps_min);
    for (size_t i = 0; i < n; i++) {
        uint8_t uq = (uint8_t)r->uq[i];
        if (refs[i] == PINREF_UNIVERSAL)
            uq = used ? 0x08 : 0x00;
        if (refs[i] == PINREF_UNIVERSAL || r->uq[i] >= 0)
            tlv_put(w, 0x95, &uq, 1);
        tlv_put(w, 0x83, &refs[i], 1);
    }
    for (size_t i = 0; i < n_extra; i++)
        tlv_put_raw(w, extra[i].raw, extra[i].raw_len);
    tlv_close(w);
}

/* C6 from the stored template (key references kept, PS_DO and usage qualifiers
 * recomputed, other DOs kept). */
static void put_pinstat_stored(struct card *c, struct tlv_writer *w, const struct fs_file *f)
{
    struct ps_refs r;
    struct tlv extra[8];
    size_t n_extra = 0, ps_len = 1;
    int uq = -1;
    struct tlv_cursor cur;
    struct tlv t;
    r.n = 0;
    tlv_cursor_init(&cur, f->pinstat, f->pinstat_len);
    while (tlv_next(&cur, &t)) {
        if (t.tag == 0x90 && t.len > 0) {
            ps_len = t.len < 2 ? t.len : 2;
        } else if (t.tag == 0x95 && t.len == 1) {
            uq = t.value[0];
        } else if (t.tag == 0x83 && t.len == 1 && r.n < sizeof r.ref - 1) {
            r.uq[r.n] = uq;
            r.ref[r.n++] = t.value[0];
            uq = -1;
        } else if (t.tag != 0x90 && t.tag != 0x95 && t.tag != 0x83 && n_extra < 8) {
            extra[n_extra++] = t;
        }
    }
    put_pinstat(c, w, &r, ps_len, extra, n_extra);
}

/* C6 derived from the profile's PINs: global ones, plus local ones inside an ADF. */
static void put_pinstat_derived(struct card *c, struct tlv_writer *w, int idx)
{
    const struct pin_set *s = &card_uicc(c)->img.pins;
    bool local = under_adf(fsys(c), idx);
    struct ps_refs r;
    r.n = 0;
    for (size_t i = 0; i < s->n && i < PIN_MAX && r.n < sizeof r.ref - 1; i++) {
        const struct pin *p = &s->pins[i];
        if (!p->present || is_adm(p->ref) || ((p->ref & 0x80) && !local))
            continue;
        r.uq[r.n] = -1;
        r.ref[r.n++] = p->ref;
    }
    put_pinstat(c, w, &r, 1, NULL, 0);
}

size_t uicc_fcp(struct card *c, int idx, uint8_t *out, size_t cap)
{
    const struct fs *fs = fsys(c);
    if (idx == FS_NONE || (size_t)idx >= fs->n)
        return 0;
    const struct fs_file *f = &fs->files[idx];
    int content = fs_content_of(fs, idx);
    const struct fs_file *cf = content != FS_NONE ? &fs->files[content] : f;
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0x62);
    put_descriptor(&w, cf);
    if (f->fid != 0)
        put_size(&w, 0x83, f->fid);
    if (f->type == FS_ADF && f->aid_len > 0)
        tlv_put(&w, 0x84, f->aid, f->aid_len);
    if (f->prop_len > 0) {
        tlv_put(&w, 0xA5, f->prop, f->prop_len);
    } else if (f->type == FS_MF) {
        static const uint8_t uicc_chars[] = { 0x80, 0x01, 0x71 };
        tlv_put(&w, 0xA5, uicc_chars, sizeof uicc_chars);
    }
    tlv_put(&w, 0x8A, &f->lcsi, 1);
    if (f->sec_tag != 0)
        tlv_put(&w, f->sec_tag, f->sec, f->sec_len);
    if (fs_is_df(f)) {
        if (f->pinstat_len > 0)
            put_pinstat_stored(c, &w, f);
        else
            put_pinstat_derived(c, &w, idx);
    } else {
        put_size(&w, 0x80, cf->size);
        uint8_t sfi = (uint8_t)(f->sfi << 3);
        tlv_put(&w, 0x88, &sfi, f->sfi != 0 ? 1 : 0);
    }
    tlv_close(&w);
    return tlv_writer_ok(&w) ? w.len : 0;
}

/* --- SELECT ---------------------------------------------------------------------- */

static int select_aid(struct card *c, const struct uicc_selection *sel, const struct apdu *a)
{
    const struct fs *fs = fsys(c);
    if ((a->p2 & 0x03) == 0x00)
        return fs_find_adf(fs, a->data, a->lc, 0);
    /* next occurrence: the match after the channel's current ADF */
    bool after = false;
    for (unsigned nth = 0;; nth++) {
        int f = fs_find_adf(fs, a->data, a->lc, nth);
        if (f == FS_NONE)
            return FS_NONE;
        if (after)
            return f;
        if (f == sel->adf)
            after = true;
        else if (sel->adf == FS_NONE)
            return f;
        if (nth > fs->n)
            return FS_NONE;
    }
}

static uint16_t check_select(const struct apdu *a)
{
    uint8_t rtype = a->p2 & 0x0C, occ = a->p2 & 0x03;
    if ((a->p2 & 0xF0) != 0 || rtype == 0x08 || occ == 0x01 || occ == 0x03 ||
        (occ == 0x02 && a->p1 != 0x04))
        return SW_INCORRECT_P1P2;
    switch (a->p1) {
    case 0x00: return a->lc == 0 || a->lc == 2 ? 0 : SW_WRONG_LENGTH;
    case 0x01:
    case 0x02: return a->lc == 2 ? 0 : SW_WRONG_LENGTH;
    case 0x03: return a->lc == 0 ? 0 : SW_WRONG_LENGTH;
    case 0x04: return a->lc >= 1 && a->lc <= FS_AID_MAX ? 0 : SW_WRONG_LENGTH;
    case 0x08: return a->lc % 2 == 0 ? 0 : SW_WRONG_LENGTH;
    case 0x09: return a->lc >= 2 && a->lc % 2 == 0 ? 0 : SW_WRONG_LENGTH;
    default: return SW_INCORRECT_P1P2;
    }
}

void uicc_select(struct card *c, struct channel *ch, struct apdu *a)
{
    struct uicc_selection *sel = uicc_selection_of(c, ch);
    uint16_t sw = check_select(a);
    if (sw != 0) {
        apdu_respond(a, NULL, 0, sw);
        return;
    }
    int via = FS_NONE;
    int f = a->p1 == 0x04 ? select_aid(c, sel, a) : resolve(c, sel, a->p1, a->data, a->lc, &via);
    if (f == FS_NONE || (size_t)f >= fsys(c)->n ||
        fsys(c)->files[f].lcsi == FS_LCSI_TERMINATED) {
        apdu_respond(a, NULL, 0, SW_FILE_NOT_FOUND);
        return;
    }
    make_current_via(c, ch, f, via);
    sw = fsys(c)->files[f].lcsi == FS_LCSI_DEACTIVATED ? 0x6283 : SW_OK;
    if ((a->p2 & 0x0C) == 0x0C) {
        apdu_respond(a, NULL, 0, sw);
        return;
    }
    a->resp_len = uicc_fcp(c, f, a->resp, a->resp_cap);
    a->sw = a->resp_len > 0 ? sw : SW_UNKNOWN;
}

/* --- STATUS ---------------------------------------------------------------------- */

void uicc_status(struct card *c, struct channel *ch, struct apdu *a)
{
    struct uicc_selection *sel = uicc_selection_of(c, ch);
    if (a->p1 > 0x02 || (a->p2 != 0x00 && a->p2 != 0x01 && a->p2 != 0x0C)) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (a->lc != 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (a->p2 == 0x0C) {
        apdu_respond(a, NULL, 0, SW_OK);
    } else if (a->p2 == 0x00) {
        a->resp_len = uicc_fcp(c, sel->df != FS_NONE ? sel->df : 0, a->resp, a->resp_cap);
        a->sw = a->resp_len > 0 ? SW_OK : SW_UNKNOWN;
    } else if (sel->adf == FS_NONE) {
        apdu_respond(a, NULL, 0, SW_OK);     /* no application selected */
    } else {
        const struct fs_file *f = &fsys(c)->files[sel->adf];
        struct tlv_writer w;
        tlv_writer_init(&w, a->resp, a->resp_cap);
        tlv_put(&w, 0x84, f->aid, f->aid_len);
        a->resp_len = w.len;
        a->sw = SW_OK;
    }
}
