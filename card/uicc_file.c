/* card/uicc_file.c — the file commands of the UICC personality (ETSI TS 102 221 §11.1.3
 * to §11.1.8, §11.1.14-15, §11.3): READ/UPDATE BINARY, READ/UPDATE RECORD, SEARCH
 * RECORD, INCREASE, RETRIEVE/SET DATA, ACTIVATE/DEACTIVATE FILE.
 *
 * Choices: an SFI (READ/UPDATE BINARY P1 b8 = 1, record commands P2 b8..b4) names an EF
 * of the current DF and makes it the current EF. No current EF → 6986; wrong structure
 * → 6981; access condition not met → 6982; a deactivated EF → 6985. READ BINARY with a
 * short Le beyond the end answers 6Cxx (the octets available). Records: absolute/current
 * mode (04) leaves the record pointer alone, next (02) / previous (03) move it (cyclic
 * files wrap around); UPDATE RECORD on a cyclic EF only in previous mode (the oldest
 * record is rewritten and becomes record 1). SEARCH RECORD: simple search (04 forward,
 * 05 backward from P1, 00 = current record) for the pattern anywhere in a record;
 * the matching record numbers are answered (none: no data, 9000) and the pointer is set
 * to the first. INCREASE adds to record 1 of a cyclic EF and writes the sum as the new
 * record 1; it answers the new value and the added value; overflow → 9850. RETRIEVE
 * DATA P1 00 first block (data: tag) / 01 next block, 62F1 when more remains; SET DATA
 * P1 80 first block (tag, length, value start; an empty value deletes) / 00 next block.
 * Every change is persisted (uicc_save_file); when that fails the RAM change is undone
 * and 6581 answered. */
#include "card/uicc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "card/card_internal.h"
#include "card/store.h"
#include "card/tlv.h"

#define SW_INCOMPATIBLE   0x6981
#define SW_MEMORY_PROBLEM 0x6581
#define SW_MORE_DATA      0x62F1
#define SW_MAX_REACHED    0x9850

static struct fs *fsys(struct card *c)
{
    return &card_uicc(c)->img.fs;
}

static struct uicc_chan *chan(struct channel *ch)
{
    return ch->fs_ctx;
}

static bool ef_of_type(const struct fs_file *f, enum fs_type t1, enum fs_type t2)
{
    return f->type == t1 || f->type == t2;
}

/* The EF a command works on: by SFI (made current) or the current EF. Checks its
 * structure and access; returns its index or FS_NONE with a->sw set. */
static int target(struct card *c, struct channel *ch, struct apdu *a, uint8_t sfi,
                  enum fs_type t1, enum fs_type t2, uint8_t am)
{
    struct fs *fs = fsys(c);
    struct uicc_selection *sel = &chan(ch)->sel;
    int idx;
    if (sfi != 0) {
        idx = fs_child_sfi(fs, sel->df != FS_NONE ? sel->df : 0, sfi);
        if (idx == FS_NONE) {
            apdu_respond(a, NULL, 0, SW_FILE_NOT_FOUND);
            return FS_NONE;
        }
        if (idx != sel->ef)
            uicc_make_current(c, ch, idx);
    } else {
        idx = sel->ef;
        if (idx == FS_NONE || (size_t)idx >= fs->n) {
            apdu_respond(a, NULL, 0, SW_COMMAND_NOT_ALLOWED);
            return FS_NONE;
        }
    }
    int content = fs_content_of(fs, idx);
    if (content == FS_NONE || !ef_of_type(&fs->files[content], t1, t2)) {
        apdu_respond(a, NULL, 0, SW_INCOMPATIBLE);
        return FS_NONE;
    }
    if (fs->files[idx].lcsi == FS_LCSI_DEACTIVATED) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return FS_NONE;
    }
    if (!uicc_access_allowed(c, ch, idx, am)) {
        apdu_respond(a, NULL, 0, SW_SECURITY_STATUS);
        return FS_NONE;
    }
    return content;
}

/* Write len octets at data+off of file idx and persist; undone on failure. */
static bool write_persist(struct card *c, int idx, size_t off, const uint8_t *p, size_t len)
{
    struct fs_file *f = &fsys(c)->files[idx];
    uint8_t *old = malloc(len > 0 ? len : 1);
    if (old == NULL)
        return false;
    memcpy(old, f->data + off, len);
    memcpy(f->data + off, p, len);
    bool ok = uicc_save_file(c, idx) == STORE_OK;
    if (!ok)
        memcpy(f->data + off, old, len);
    free(old);
    return ok;
}

static bool le_is_max(const struct apdu *a)
{
    return !a->has_le || a->ne == 256 || a->ne == 65536;
}

/* --- transparent ----------------------------------------------------------------- */

static bool binary_params(struct apdu *a, uint8_t *sfi, size_t *off)
{
    if (a->p1 & 0x80) {
        if (a->p1 & 0x60) {
            apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
            return false;
        }
        *sfi = a->p1 & 0x1F;
        *off = a->p2;
        if (*sfi == 0) {
            apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
            return false;
        }
    } else {
        *sfi = 0;
        *off = ((size_t)a->p1 << 8) | a->p2;
    }
    return true;
}

void uicc_read_binary(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t sfi;
    size_t off;
    if (!binary_params(a, &sfi, &off))
        return;
    if (a->lc != 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    int idx = target(c, ch, a, sfi, FS_EF_TRANSPARENT, FS_EF_TRANSPARENT, UICC_AM_READ);
    if (idx == FS_NONE)
        return;
    const struct fs_file *f = &fsys(c)->files[idx];
    if (off >= f->data_len || f->data == NULL) {
        apdu_respond(a, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    size_t avail = f->data_len - off;
    size_t n = avail;
    if (!le_is_max(a)) {
        if (a->ne > avail) {
            if (!a->extended && avail < 256)
                apdu_respond(a, NULL, 0, SW_WRONG_LE(avail));
            else
                apdu_respond(a, f->data + off, avail, SW_WARNING_EOF);
            return;
        }
        n = a->ne;
    } else if (a->has_le && a->ne < n) {
        n = a->ne;
    }
    apdu_respond(a, f->data + off, n, SW_OK);
}

void uicc_update_binary(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t sfi;
    size_t off;
    if (!binary_params(a, &sfi, &off))
        return;
    if (a->lc == 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    int idx = target(c, ch, a, sfi, FS_EF_TRANSPARENT, FS_EF_TRANSPARENT, UICC_AM_UPDATE);
    if (idx == FS_NONE)
        return;
    const struct fs_file *f = &fsys(c)->files[idx];
    if (off >= f->data_len || f->data == NULL) {
        apdu_respond(a, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    if (a->lc > f->data_len - off) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    apdu_respond(a, NULL, 0, write_persist(c, idx, off, a->data, a->lc) ? SW_OK
                                                                        : SW_MEMORY_PROBLEM);
}

/* --- records --------------------------------------------------------------------- */

/* 0-based physical position of logical record n (1-based). */
static size_t phys(const struct fs_file *f, unsigned n)
{
    if (f->type != FS_EF_CYCLIC)
        return n - 1;
    return ((size_t)f->cyclic_last + f->rec_count - (n - 1) % f->rec_count) % f->rec_count;
}

static uint8_t *record_ptr(struct fs_file *f, unsigned n)
{
    size_t at = phys(f, n) * f->rec_len;
    if (f->data == NULL || at + f->rec_len > f->data_len)
        return NULL;
    return f->data + at;
}

/* The record a READ/UPDATE RECORD names; 0 when none (a->sw set). Moves the pointer
 * for next/previous. */
static unsigned pick_record(struct uicc_selection *sel, const struct fs_file *f,
                            struct apdu *a, uint8_t mode)
{
    unsigned n = f->rec_count, cur = (unsigned)sel->record;
    bool cyclic = f->type == FS_EF_CYCLIC;
    unsigned r = 0;
    if (mode == 0x04) {
        r = a->p1 == 0 ? cur : a->p1;
        if (r == 0 || r > n) {
            apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
            return 0;
        }
        return r;
    }
    if (a->p1 != 0 || (mode != 0x02 && mode != 0x03)) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return 0;
    }
    if (mode == 0x02)
        r = cur == 0 ? 1 : cur < n ? cur + 1 : cyclic ? 1 : 0;
    else
        r = cur == 0 ? n : cur > 1 ? cur - 1 : cyclic ? n : 0;
    if (r == 0 || r > n) {
        apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
        return 0;
    }
    sel->record = (int)r;
    return r;
}

static bool record_p2(struct apdu *a, uint8_t *sfi, uint8_t *mode)
{
    *sfi = a->p2 >> 3;
    *mode = a->p2 & 0x07;
    if (*sfi == 0x1F) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return false;
    }
    return true;
}

void uicc_read_record(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t sfi, mode;
    if (!record_p2(a, &sfi, &mode))
        return;
    if (a->lc != 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (mode != 0x02 && mode != 0x03 && mode != 0x04) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, sfi, FS_EF_LINEAR, FS_EF_CYCLIC, UICC_AM_READ);
    if (idx == FS_NONE)
        return;
    struct fs_file *f = &fsys(c)->files[idx];
    if (!le_is_max(a) && a->ne != f->rec_len) {
        apdu_respond(a, NULL, 0, f->rec_len < 256 ? SW_WRONG_LE(f->rec_len) : SW_WRONG_LENGTH);
        return;
    }
    unsigned r = pick_record(&chan(ch)->sel, f, a, mode);
    if (r == 0)
        return;
    const uint8_t *p = record_ptr(f, r);
    if (p == NULL)
        apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
    else
        apdu_respond(a, p, f->rec_len, SW_OK);
}

void uicc_update_record(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t sfi, mode;
    if (!record_p2(a, &sfi, &mode))
        return;
    if (mode != 0x02 && mode != 0x03 && mode != 0x04) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, sfi, FS_EF_LINEAR, FS_EF_CYCLIC, UICC_AM_UPDATE);
    if (idx == FS_NONE)
        return;
    struct fs_file *f = &fsys(c)->files[idx];
    struct uicc_selection *sel = &chan(ch)->sel;
    if (a->lc != f->rec_len) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (f->type == FS_EF_CYCLIC) {
        if (mode != 0x03 || a->p1 != 0 || f->rec_count == 0) {
            apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
            return;
        }
        uint8_t last = f->cyclic_last;
        f->cyclic_last = (uint8_t)((f->cyclic_last + 1u) % f->rec_count);
        if (!write_persist(c, idx, (size_t)f->cyclic_last * f->rec_len, a->data, a->lc)) {
            f->cyclic_last = last;
            apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
            return;
        }
        sel->record = 1;
        apdu_respond(a, NULL, 0, SW_OK);
        return;
    }
    unsigned r = pick_record(sel, f, a, mode);
    if (r == 0)
        return;
    if (record_ptr(f, r) == NULL) {
        apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
        return;
    }
    apdu_respond(a, NULL, 0, write_persist(c, idx, phys(f, r) * f->rec_len, a->data, a->lc)
                                 ? SW_OK : SW_MEMORY_PROBLEM);
}

static bool contains(const uint8_t *rec, size_t rlen, const uint8_t *pat, size_t plen)
{
    for (size_t i = 0; i + plen <= rlen; i++) {
        if (memcmp(rec + i, pat, plen) == 0)
            return true;
    }
    return false;
}

void uicc_search_record(struct card *c, struct channel *ch, struct apdu *a)
{
    uint8_t sfi, mode;
    if (!record_p2(a, &sfi, &mode))
        return;
    if (mode != 0x04 && mode != 0x05) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, sfi, FS_EF_LINEAR, FS_EF_CYCLIC, UICC_AM_READ);
    if (idx == FS_NONE)
        return;
    struct fs_file *f = &fsys(c)->files[idx];
    struct uicc_selection *sel = &chan(ch)->sel;
    if (a->lc == 0 || a->lc > f->rec_len) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    unsigned n = f->rec_count;
    unsigned start = a->p1 != 0 ? a->p1 : sel->record != 0 ? (unsigned)sel->record
                                                             : mode == 0x04 ? 1 : n;
    if (start == 0 || start > n) {
        apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
        return;
    }
    size_t found = 0;
    for (unsigned r = start; r >= 1 && r <= n && found < a->resp_cap;
         r = mode == 0x04 ? r + 1 : r - 1) {
        const uint8_t *p = record_ptr(f, r);
        if (p != NULL && contains(p, f->rec_len, a->data, a->lc))
            a->resp[found++] = (uint8_t)r;
    }
    if (found > 0)
        sel->record = a->resp[0];
    a->resp_len = found;
    a->sw = SW_OK;
}

/* --- INCREASE -------------------------------------------------------------------- */

void uicc_increase(struct card *c, struct channel *ch, struct apdu *a)
{
    if (a->p1 != 0x00 || a->p2 != 0x00) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, 0, FS_EF_CYCLIC, FS_EF_CYCLIC, UICC_AM_INCREASE);
    if (idx == FS_NONE)
        return;
    struct fs_file *f = &fsys(c)->files[idx];
    if (a->lc == 0 || a->lc > f->rec_len || f->rec_count == 0 ||
        (size_t)f->rec_len + a->lc > a->resp_cap) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    const uint8_t *cur = record_ptr(f, 1);
    if (cur == NULL) {
        apdu_respond(a, NULL, 0, SW_RECORD_NOT_FOUND);
        return;
    }
    uint8_t *sum = a->resp;
    unsigned carry = 0;
    for (size_t i = f->rec_len; i-- > 0;) {
        size_t from_end = f->rec_len - 1 - i;
        unsigned add = from_end < a->lc ? a->data[a->lc - 1 - from_end] : 0;
        unsigned v = cur[i] + add + carry;
        sum[i] = (uint8_t)v;
        carry = v >> 8;
    }
    if (carry != 0) {
        apdu_respond(a, NULL, 0, SW_MAX_REACHED);
        return;
    }
    uint8_t last = f->cyclic_last;
    f->cyclic_last = (uint8_t)((f->cyclic_last + 1u) % f->rec_count);
    if (!write_persist(c, idx, (size_t)f->cyclic_last * f->rec_len, sum, f->rec_len)) {
        f->cyclic_last = last;
        apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
        return;
    }
    chan(ch)->sel.record = 1;
    memcpy(a->resp + f->rec_len, a->data, a->lc);
    a->resp_len = (size_t)f->rec_len + a->lc;
    a->sw = SW_OK;
}

/* --- BER-TLV EFs ----------------------------------------------------------------- */

static bool find_object(const struct fs_file *f, uint32_t tag, struct tlv *out)
{
    struct tlv_cursor cur;
    if (f->data == NULL)
        return false;
    tlv_cursor_init(&cur, f->data, f->data_len);
    while (tlv_next(&cur, out)) {
        if (out->tag == tag)
            return true;
    }
    return false;
}

static void retrieve_send(struct uicc_chan *x, const struct fs_file *f, struct apdu *a)
{
    struct tlv t;
    if (!find_object(f, x->retrieve_tag, &t) || x->retrieve_off > t.raw_len) {
        x->retrieve_file = FS_NONE;
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    size_t rem = t.raw_len - x->retrieve_off;
    size_t max = a->has_le ? a->ne : 256;
    if (max > a->resp_cap)
        max = a->resp_cap;
    size_t n = rem < max ? rem : max;
    memcpy(a->resp, t.raw + x->retrieve_off, n);
    a->resp_len = n;
    x->retrieve_off += n;
    if (x->retrieve_off < t.raw_len) {
        a->sw = SW_MORE_DATA;
    } else {
        a->sw = SW_OK;
        x->retrieve_file = FS_NONE;
    }
}

static bool parse_tag(const uint8_t *p, size_t len, uint32_t *tag, size_t *used)
{
    size_t hdr, vlen;
    uint8_t buf[8];
    if (len == 0 || len > 3)
        return false;
    /* parse the tag with a zero length appended (the codec reads tag + length) */
    memcpy(buf, p, len);
    buf[len] = 0x00;
    if (!tlv_parse_header(buf, len + 1, tag, &hdr, &vlen) || hdr != len + 1)
        return false;
    *used = len;
    return true;
}

void uicc_retrieve_data(struct card *c, struct channel *ch, struct apdu *a)
{
    struct uicc_chan *x = chan(ch);
    if ((a->p1 != 0x00 && a->p1 != 0x01) || a->p2 != 0x00) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, 0, FS_EF_BERTLV, FS_EF_BERTLV, UICC_AM_READ);
    if (idx == FS_NONE)
        return;
    const struct fs_file *f = &fsys(c)->files[idx];
    if (a->p1 == 0x01) {
        if (a->lc != 0) {
            apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        } else if (x->retrieve_file != idx) {
            apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        } else {
            retrieve_send(x, f, a);
        }
        return;
    }
    size_t used;
    uint32_t tag;
    if (!parse_tag(a->data, a->lc, &tag, &used)) {
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
        return;
    }
    x->retrieve_file = idx;
    x->retrieve_tag = tag;
    x->retrieve_off = 0;
    retrieve_send(x, f, a);
}

/* Replace (or with vlen 0 delete) object tag of BER-TLV file idx; persisted. */
static uint16_t store_object(struct card *c, int idx, uint32_t tag, const uint8_t *v,
                             size_t vlen)
{
    struct fs_file *f = &fsys(c)->files[idx];
    size_t cap = f->data_len + vlen + 16;
    uint8_t *nb = malloc(cap);
    if (nb == NULL)
        return SW_MEMORY_PROBLEM;
    struct tlv_writer w;
    tlv_writer_init(&w, nb, cap);
    struct tlv_cursor cur;
    struct tlv t;
    if (f->data != NULL) {
        tlv_cursor_init(&cur, f->data, f->data_len);
        while (tlv_next(&cur, &t)) {
            if (t.tag != tag)
                tlv_put_raw(&w, t.raw, t.raw_len);
        }
    }
    if (vlen > 0)
        tlv_put(&w, tag, v, vlen);
    if (!tlv_writer_ok(&w) || w.len > f->size) {
        free(nb);
        return SW_NOT_ENOUGH_MEMORY;
    }
    uint8_t *old = f->data;
    uint32_t old_len = f->data_len;
    f->data = nb;
    f->data_len = (uint32_t)w.len;
    if (uicc_save_file(c, idx) != STORE_OK) {
        f->data = old;
        f->data_len = old_len;
        free(nb);
        return SW_MEMORY_PROBLEM;
    }
    free(old);
    return SW_OK;
}

static void set_reset(struct uicc_chan *x)
{
    free(x->set_buf);
    x->set_buf = NULL;
    x->set_len = 0;
    x->set_expected = 0;
    x->set_file = FS_NONE;
}

void uicc_set_data(struct card *c, struct channel *ch, struct apdu *a)
{
    struct uicc_chan *x = chan(ch);
    if ((a->p1 != 0x80 && a->p1 != 0x00) || a->p2 != 0x00) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx = target(c, ch, a, 0, FS_EF_BERTLV, FS_EF_BERTLV, UICC_AM_UPDATE);
    if (idx == FS_NONE)
        return;
    const struct fs_file *f = &fsys(c)->files[idx];
    if (a->lc == 0) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (a->p1 == 0x80) {
        set_reset(x);
        uint32_t tag;
        size_t hdr, vlen;
        if (!tlv_parse_header(a->data, a->lc, &tag, &hdr, &vlen)) {
            apdu_respond(a, NULL, 0, SW_WRONG_DATA);
            return;
        }
        size_t have = a->lc - hdr;
        if (have > vlen) {
            apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
            return;
        }
        if (vlen > f->size) {
            apdu_respond(a, NULL, 0, SW_NOT_ENOUGH_MEMORY);
            return;
        }
        if (have == vlen) {
            apdu_respond(a, NULL, 0, store_object(c, idx, tag, a->data + hdr, vlen));
            return;
        }
        x->set_buf = malloc(vlen);
        if (x->set_buf == NULL) {
            apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
            return;
        }
        memcpy(x->set_buf, a->data + hdr, have);
        x->set_len = have;
        x->set_expected = vlen;
        x->set_tag = tag;
        x->set_file = idx;
        apdu_respond(a, NULL, 0, SW_OK);
        return;
    }
    if (x->set_file != idx || x->set_buf == NULL) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (a->lc > x->set_expected - x->set_len) {
        set_reset(x);
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    memcpy(x->set_buf + x->set_len, a->data, a->lc);
    x->set_len += a->lc;
    if (x->set_len < x->set_expected) {
        apdu_respond(a, NULL, 0, SW_OK);
        return;
    }
    uint16_t sw = store_object(c, idx, x->set_tag, x->set_buf, x->set_len);
    set_reset(x);
    apdu_respond(a, NULL, 0, sw);
}

/* --- life cycle ------------------------------------------------------------------ */

void uicc_activate(struct card *c, struct channel *ch, struct apdu *a, bool activate)
{
    struct uicc_selection *sel = &chan(ch)->sel;
    if ((a->p1 != 0x00 && a->p1 != 0x08 && a->p1 != 0x09) || a->p2 != 0x00) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    int idx;
    if (a->lc == 0)
        idx = sel->ef != FS_NONE ? sel->ef : sel->df;
    else
        idx = uicc_resolve(c, sel, a->p1, a->data, a->lc);
    struct fs *fs = fsys(c);
    if (idx == FS_NONE || (size_t)idx >= fs->n || fs->files[idx].lcsi == FS_LCSI_TERMINATED) {
        apdu_respond(a, NULL, 0, SW_FILE_NOT_FOUND);
        return;
    }
    if (a->lc != 0)
        uicc_make_current(c, ch, idx);
    if (!uicc_access_allowed(c, ch, idx, activate ? UICC_AM_ACTIVATE : UICC_AM_DEACTIVATE)) {
        apdu_respond(a, NULL, 0, SW_SECURITY_STATUS);
        return;
    }
    struct fs_file *f = &fs->files[idx];
    uint8_t old = f->lcsi;
    f->lcsi = activate ? FS_LCSI_ACTIVATED : FS_LCSI_DEACTIVATED;
    if (old != f->lcsi && uicc_save_file(c, idx) != STORE_OK) {
        f->lcsi = old;
        apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
        return;
    }
    apdu_respond(a, NULL, 0, SW_OK);
}
