/* ppi/pe_filesystem.c — the file system PEs: mf, cd, telecom, usim, opt-usim, isim,
 * opt-isim, csim, opt-csim, gsm-access, phonebook, df-5gs, df-saip, df-snpn, df-5gprose,
 * eap, iot, opt-iot (one routine driven by ppi/templates.h) and genericFileManagement.
 *
 * Template PE: the templateID names the template; its files are instantiated in table
 * order under the anchor (MF, ADF.USIM/ISIM/CSIM). A file whose PE field is absent is
 * created from the template only for a "created by default" template and when the
 * template knows its size; a field holding doNotCreate suppresses the file (and its
 * subtree; no effect in the MF template). The PE's File entries then apply in ASN.1
 * order: fileDescriptor (the Fcp subset overrides type, FID, dfName, lcsi, security
 * attributes, size, PIN status template, SFI, proprietary info with fill/repeat pattern
 * and BER-TLV maximum size, linkPath), fillFileOffset (skip octets from the current
 * position), fillFileContent (write at the position; BER-TLV files: append).
 * Security attributes given as a record number only get the EF.ARR FID from context:
 * 2F06 for the MF, ADFs and files directly under the MF, 6F06 elsewhere.
 * ADFs keep the temporary FID of the profile (used by filePath/linkPath).
 * linkPath (SAIP Fcp: "the path to the file to which shall be linked, also valid for
 * DFs"; an empty linkPath makes a template link file independent): an EF shares the
 * target EF's content and structure; a DF (service dfLink) becomes a linked DF showing
 * the target DF/ADF's files (card/fs.h; it has no files of its own, so a PE naming files
 * under it fails with bad-values). EF linked to a DF, DF to an EF, an ADF or MF as the
 * link, a link to the MF or to its own ancestor: bad-values.
 *
 * genericFileManagement: FileManagement = sequence of filePath (current DF, from the
 * MF; may name an EF to fill), createFCP (create under the current DF; a DF becomes the
 * current DF), fillFileOffset / fillFileContent (to the file created or named last).
 * Files created without shortEFID get the SFI from the 5 low bits of the FID (1..30). */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "ppi/ppi_internal.h"
#include "ppi/templates.h"

#define FILE_SIZE_MAX 0xFFFFu       /* transparent / record files and BER-TLV content */
#define FIELD_MAX     160u          /* PE field numbers */

struct draft {
    struct fs_file f;
    uint8_t *buf;                   /* content being built (f.size octets, BER-TLV: used) */
    size_t pos;                     /* fill position */
    const uint8_t *pattern;         /* A5 C1 fillPattern / C2 repeatPattern */
    size_t pattern_len;
    bool repeat_pattern;
    bool sec_short;                 /* 8B was one octet: add the EF.ARR FID */
    const uint8_t *link;            /* linkPath (NULL none) */
    size_t link_len;
    bool have_sfi;
};

static void draft_free(struct draft *d)
{
    if (d->buf) {
        ct_wipe(d->buf, d->f.type == FS_EF_BERTLV ? d->f.data_len : d->f.size);
        free(d->buf);
    }
    d->buf = NULL;
}

static bool is_df_type(enum fs_type t)
{
    return t == FS_MF || t == FS_DF || t == FS_ADF;
}

static bool is_record_type(enum fs_type t)
{
    return t == FS_EF_LINEAR || t == FS_EF_CYCLIC;
}

static bool get_be(const struct tlv *t, size_t max_len, uint32_t *v)
{
    if (t->len == 0 || t->len > max_len)
        return false;
    *v = 0;
    for (size_t i = 0; i < t->len; i++)
        *v = *v << 8 | t->value[i];
    return true;
}

/* Fcp (SAIP 3.3.1 Fcp) into the draft. */
static int apply_fcp(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *fcp,
                     struct draft *d)
{
    struct tlv_cursor cur, sub;
    struct tlv t, s;
    uint32_t v;
    bool have_size = false;
    uint32_t size = 0;

    tlv_enter(fcp, &cur);
    while (tlv_next(&cur, &t)) {
        switch (t.tag) {
        case 0x82: {                                    /* fileDescriptor */
            uint8_t fdb;
            if (t.len < 2 || t.len > 4)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            fdb = t.value[0];
            if (fdb == 0x39 || (fdb & 0xBF) == 0x39)
                d->f.type = FS_EF_BERTLV;
            else if ((fdb & 0x38) == 0x38)
                d->f.type = d->f.type == FS_MF || d->f.type == FS_ADF ? d->f.type : FS_DF;
            else if ((fdb & 0x07) == 0x01)
                d->f.type = FS_EF_TRANSPARENT;
            else if ((fdb & 0x07) == 0x02)
                d->f.type = FS_EF_LINEAR;
            else if ((fdb & 0x07) == 0x06)
                d->f.type = FS_EF_CYCLIC;
            else
                return pe_fail(c, pe, &t, ST_BAD_VALUES);
            if (is_record_type(d->f.type)) {
                if (t.len < 3)
                    return pe_fail(c, pe, &t, ST_BAD_VALUES);
                d->f.rec_len = t.len == 3 ? t.value[2]
                                          : (uint16_t)(t.value[2] << 8 | t.value[3]);
                if (d->f.rec_len == 0 || d->f.rec_len > 255)
                    return pe_fail(c, pe, &t, ST_BAD_VALUES);
            }
            break;
        }
        case 0x83:                                      /* fileID */
            if (t.len != 2)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            d->f.fid = (uint16_t)(t.value[0] << 8 | t.value[1]);
            break;
        case 0x84:                                      /* dfName */
            if (t.len < 5 || t.len > FS_AID_MAX)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            memcpy(d->f.aid, t.value, t.len);
            d->f.aid_len = (uint8_t)t.len;
            if (d->f.type == FS_DF)
                d->f.type = FS_ADF;
            break;
        case 0x8A:                                      /* lcsi */
            if (t.len != 1)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            d->f.lcsi = t.value[0];
            break;
        case 0x8B:                                      /* securityAttributesReferenced */
            if (t.len < 1 || t.len > 3)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            d->f.sec_tag = 0x8B;
            memcpy(d->f.sec, t.value, t.len);
            d->f.sec_len = (uint8_t)t.len;
            d->sec_short = t.len == 1;
            break;
        case 0x80:                                      /* efFileSize */
            if (!get_be(&t, 4, &size))
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            have_size = true;
            break;
        case 0xC6:                                      /* pinStatusTemplateDO */
            if (t.len > FS_PINSTAT_MAX)
                return pe_fail(c, pe, &t, ST_NOT_ENOUGH_MEMORY);
            memcpy(d->f.pinstat, t.value, t.len);
            d->f.pinstat_len = (uint8_t)t.len;
            break;
        case 0x88:                                      /* shortEFID */
            if (t.len > 1)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            d->f.sfi = t.len ? (uint8_t)(t.value[0] >> 3) : 0;
            if (t.len && (d->f.sfi == 0 || d->f.sfi > 30 || (t.value[0] & 7)))
                return pe_fail(c, pe, &t, ST_BAD_VALUES);
            d->have_sfi = true;
            break;
        case 0xA5:                                      /* proprietaryEFInfo */
            /* kept for the FCP without the fill / repeat pattern (used here, at
             * creation, as TS 102 222 CREATE FILE would) */
            d->f.prop_len = 0;
            tlv_enter(&t, &sub);
            while (tlv_next(&sub, &s)) {
                if (s.tag == 0xC1 || s.tag == 0xC2) {
                    if (s.len == 0 || s.len > 200)
                        return pe_fail(c, pe, &s, ST_INVALID_FORMAT);
                    d->pattern = s.value;
                    d->pattern_len = s.len;
                    d->repeat_pattern = s.tag == 0xC2;
                    continue;
                }
                if (s.tag == 0x86) {
                    if (!get_be(&s, 4, &v))
                        return pe_fail(c, pe, &s, ST_INVALID_FORMAT);
                    size = v;
                    have_size = true;
                }
                if (s.raw_len > (size_t)FS_PROP_MAX - d->f.prop_len)
                    return pe_fail(c, pe, &s, ST_NOT_ENOUGH_MEMORY);
                memcpy(d->f.prop + d->f.prop_len, s.raw, s.raw_len);
                d->f.prop_len = (uint8_t)(d->f.prop_len + s.raw_len);
            }
            if (sub.error)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            break;
        case 0xC7:                                      /* linkPath */
            if (t.len > 8 || (t.len & 1))
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            d->link = t.value;
            d->link_len = t.len;
            break;
        default:
            break;
        }
    }
    if (cur.error)
        return pe_fail(c, pe, fcp, ST_INVALID_FORMAT);
    if (d->f.fid == 0x3F00 && d->f.type != FS_MF)
        return pe_fail(c, pe, fcp, ST_BAD_VALUES);
    if (have_size && !is_df_type(d->f.type)) {
        if (d->f.type == FS_EF_BERTLV) {
            d->f.size = size;
        } else {
            if (size > FILE_SIZE_MAX)
                return pe_fail(c, pe, fcp, ST_NOT_ENOUGH_MEMORY);
            d->f.size = size;
        }
    }
    if (is_record_type(d->f.type)) {
        if (d->f.rec_len == 0 || d->f.size % d->f.rec_len || d->f.size / d->f.rec_len > 254)
            return pe_fail(c, pe, fcp, ST_BAD_VALUES);
        d->f.rec_count = (uint16_t)(d->f.size / d->f.rec_len);
    }
    return ST_OK;
}

/* Initial content: template default (prefix + filler per file or record) or the
 * A5 fill/repeat pattern, else FF. */
static int build_content(struct draft *d, const struct template_file *tf)
{
    size_t unit, units;
    if (is_df_type(d->f.type) || d->link) {
        d->f.size = is_df_type(d->f.type) ? 0 : d->f.size;
        return ST_OK;
    }
    if (d->f.type == FS_EF_BERTLV) {
        d->buf = NULL;
        d->f.data_len = 0;
        return ST_OK;
    }
    d->f.data_len = d->f.size;
    if (d->f.size == 0)
        return ST_OK;
    d->buf = malloc(d->f.size);
    if (!d->buf)
        return ST_MEMORY_FAILURE;
    memset(d->buf, 0xFF, d->f.size);
    unit = is_record_type(d->f.type) ? d->f.rec_len : d->f.size;
    if (unit == 0)
        return ST_BAD_VALUES;
    units = d->f.size / unit;
    for (size_t u = 0; u < units; u++) {
        uint8_t *r = d->buf + u * unit;
        if (d->pattern && d->pattern_len > 0) {
            for (size_t i = 0; i < unit; i++) {
                if (i < d->pattern_len)
                    r[i] = d->pattern[i];
                else
                    r[i] = d->repeat_pattern ? d->pattern[i % d->pattern_len]
                                             : d->pattern[d->pattern_len - 1];
            }
        } else if (tf && template_default_content(tf, (uint32_t)unit, r, unit) < 0) {
            memset(r, 0xFF, unit);          /* default longer than the PE's size */
        }
    }
    return ST_OK;
}

static int fill_content(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t,
                        struct draft *d)
{
    if (d->f.type == FS_EF_BERTLV) {
        size_t n = d->f.data_len + t->len;
        uint8_t *nb;
        if (n > FILE_SIZE_MAX || (d->f.size && n > d->f.size))
            return pe_fail(c, pe, t, ST_NOT_ENOUGH_MEMORY);
        if (!tlv_well_formed(t->value, t->len, 8))
            return pe_fail(c, pe, t, ST_BAD_VALUES);
        nb = malloc(n ? n : 1);
        if (!nb)
            return ST_MEMORY_FAILURE;
        if (d->f.data_len)
            memcpy(nb, d->buf, d->f.data_len);
        memcpy(nb + d->f.data_len, t->value, t->len);
        draft_free(d);
        d->buf = nb;
        d->f.data_len = (uint32_t)n;
        return ST_OK;
    }
    if (is_df_type(d->f.type) || d->link || d->pos > d->f.size || t->len > d->f.size - d->pos)
        return pe_fail(c, pe, t, ST_BAD_VALUES);
    memcpy(d->buf + d->pos, t->value, t->len);
    d->pos += t->len;
    return ST_OK;
}

static int fill_offset(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t,
                       struct draft *d)
{
    uint32_t off;
    if (!tlv_get_uint(t->value, t->len, &off) || off > 0xFFFF)
        return pe_fail(c, pe, t, ST_INVALID_FORMAT);
    if (d->f.type == FS_EF_BERTLV || is_df_type(d->f.type) || d->pos + off > d->f.size)
        return pe_fail(c, pe, t, ST_BAD_VALUES);
    d->pos += off;
    return ST_OK;
}

/* Add the draft under parent; returns the file index through *idx. */
static int create_inner(struct ppi_ctx *c, const struct tlv *pe, struct draft *d,
                        int parent, int *idx)
{
    struct fs *fs = &c->img.fs;
    if (d->f.type == 0)
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    if (d->f.type == FS_MF) {
        if (parent != FS_NONE || fs->n != 0 || d->f.fid != 0x3F00)
            return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    } else if (parent == FS_NONE || !fs_is_df(&fs->files[parent]) || d->f.fid == 0 ||
               d->f.fid == 0x3F00 || d->f.fid == 0x7FFF || d->f.fid == 0xFFFF) {
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    }
    if (d->f.type == FS_ADF && parent != 0)
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    d->f.parent = parent;
    d->f.link = FS_NONE;
    if (d->link && d->link_len) {
        int target = pe_resolve_path(fs, d->link, d->link_len);
        if (target != FS_NONE)
            target = fs_content_of(fs, target);
        if (target == FS_NONE || fs_is_df(&fs->files[target]) != is_df_type(d->f.type))
            return pe_fail(c, pe, NULL, ST_BAD_VALUES);      /* EF <-> DF, or unknown */
        d->f.link = target;
        if (is_df_type(d->f.type)) {
            /* a DF link: a plain DF showing the target DF/ADF's files (card/fs.h) */
            if (d->f.type != FS_DF || fs->files[target].type == FS_MF)
                return pe_fail(c, pe, NULL, ST_BAD_VALUES);
        } else {
            d->f.type = fs->files[target].type;
            draft_free(d);              /* no content of its own; sizes inherited */
            d->f.size = d->f.data_len = 0;
            d->f.rec_len = d->f.rec_count = 0;
        }
    }
    if (d->sec_short) {
        bool top = d->f.type == FS_ADF || parent == 0;
        d->f.sec[2] = d->f.sec[0];
        d->f.sec[0] = top ? 0x2F : 0x6F;
        d->f.sec[1] = 0x06;
        d->f.sec_len = 3;
    }
    if (is_df_type(d->f.type))
        d->f.sfi = 0;
    d->f.data = d->buf;
    *idx = fs_add(fs, &d->f);
    d->f.data = NULL;
    if (*idx == FS_NONE)
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);
    if (d->f.type == FS_ADF)
        c->last_adf = *idx;
    return ST_OK;
}

static int create(struct ppi_ctx *c, const struct tlv *pe, struct draft *d, int parent,
                  int *idx)
{
    int st = create_inner(c, pe, d, parent, idx);
    draft_free(d);
    return st;
}

/* The draft of template file tf (instance r of its repeat range). */
static void draft_from_template(struct draft *d, const struct template_file *tf, unsigned r)
{
    memset(d, 0, sizeof *d);
    d->f.type = (enum fs_type)tf->type;
    d->f.fid = (uint16_t)(tf->fid + r);
    d->f.sfi = tf->sfi;
    d->f.lcsi = FS_LCSI_ACTIVATED;
    d->f.rec_len = tf->rec_len;
    d->f.rec_count = tf->rec_count;
    d->f.size = is_record_type(d->f.type) ? (uint32_t)tf->rec_len * tf->rec_count : tf->size;
    if (tf->arr_record) {
        d->f.sec_tag = 0x8B;
        d->f.sec[0] = tf->arr_record;
        d->f.sec_len = 1;
        d->sec_short = true;
    }
}

static bool has_do_not_create(const struct tlv *field)
{
    struct tlv_cursor cur;
    struct tlv t;
    tlv_enter(field, &cur);
    while (tlv_next(&cur, &t))
        if (t.tag == 0x80)
            return true;
    return false;
}

/* One template file slot with its PE field (may be NULL). */
static int make_template_file(struct ppi_ctx *c, const struct tlv *pe,
                              const struct template_file *tf, const struct tlv *field,
                              int parent, unsigned r, int *idx)
{
    struct draft d;
    struct tlv_cursor cur;
    struct tlv t;
    *idx = FS_NONE;                     /* also when the file is not created */
    int st;

    draft_from_template(&d, tf, r);
    if (field) {                                         /* Fcp first, then the fills */
        tlv_enter(field, &cur);
        while (tlv_next(&cur, &t))
            if (t.tag == 0xA1 && (st = apply_fcp(c, pe, &t, &d)) != ST_OK)
                return st;
        if (cur.error)
            return pe_fail(c, pe, field, ST_INVALID_FORMAT);
    }
    if (!is_df_type(d.f.type) && !d.link && d.f.size == 0 && d.f.type != FS_EF_BERTLV)
        return pe_fail(c, pe, field, ST_BAD_VALUES);
    if ((st = build_content(&d, tf)) != ST_OK)
        return st;
    if (field) {
        tlv_enter(field, &cur);
        while (tlv_next(&cur, &t)) {
            if (t.tag == 0x82)
                st = fill_offset(c, pe, &t, &d);
            else if (t.tag == 0x83)
                st = fill_content(c, pe, &t, &d);
            else if (t.tag == 0xA1 || t.tag == 0x80)
                st = ST_OK;
            else
                st = pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            if (st != ST_OK) {
                draft_free(&d);
                return st;
            }
        }
    }
    return create(c, pe, &d, parent, idx);
}

/* PE tags allowed once (REFERENCE §5.1). */
static bool once_only(uint32_t tag)
{
    switch (tag) {
    case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6:
    case 0xB9: case 0xBA: case 0xBC: case 0xBD: case 0xBF20: case 0xBF21:
        return true;
    default:
        return false;
    }
}

int pe_filesystem(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur;
    struct tlv t, oid;
    const struct template *tpl;
    struct tlv *field;
    int *made = NULL;
    int anchor, st = ST_OK;
    unsigned last = 1, bit = pe_tag_number(pe->tag) + (pe->tag > 0xFF ? 32 : 0);

    if (!pe_body(pe, &cur) || !tlv_next(&cur, &oid) || oid.tag != 0x81)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    if (once_only(pe->tag)) {
        if (c->seen_pe[bit / 32] & (1u << (bit % 32)))
            return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
        c->seen_pe[bit / 32] |= 1u << (bit % 32);
    }
    tpl = template_find(oid.value, oid.len);
    if (!tpl || tpl->pe_tag != pe->tag)
        return pe_fail(c, pe, &oid, ST_TEMPLATE_NOT_SUPPORTED);
    switch (tpl->anchor) {
    case TPL_AT_ROOT:     anchor = FS_NONE; break;
    case TPL_AT_MF:       anchor = c->img.fs.n ? 0 : FS_NONE; break;
    case TPL_AT_ADF_USIM: anchor = c->adf_usim; break;
    case TPL_AT_ADF_ISIM: anchor = c->adf_isim; break;
    case TPL_AT_ADF_CSIM: anchor = c->adf_csim; break;
    default:              anchor = FS_NONE; break;
    }
    if (tpl->anchor != TPL_AT_ROOT && anchor == FS_NONE)
        return pe_fail(c, pe, NULL, ST_BAD_VALUES);        /* e.g. opt-usim without usim */

    field = calloc(FIELD_MAX, sizeof *field);
    made = malloc(tpl->n_files * sizeof *made);
    if (!field || !made) {
        free(field);
        free(made);
        return ST_MEMORY_FAILURE;
    }
    while (tlv_next(&cur, &t)) {                          /* the File fields */
        unsigned n = pe_tag_number(t.tag);
        if (!t.constructed || n >= FIELD_MAX || n <= last ||
            !template_file_by_tag(tpl, (uint8_t)n)) {
            st = pe_fail(c, pe, &t, n < FIELD_MAX && n > last ? ST_BAD_VALUES
                                                              : ST_INVALID_FORMAT);
            goto out;
        }
        field[n] = t;
        last = n;
    }
    if (cur.error) {
        st = pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
        goto out;
    }
    c->cur_df = anchor;
    for (size_t i = 0; i < tpl->n_files; i++) {
        const struct template_file *tf = &tpl->files[i];
        const struct tlv *fld = field[tf->pe_tag].raw ? &field[tf->pe_tag] : NULL;
        int tp = template_parent(tpl, i);
        int parent = tp < 0 ? anchor : made[tp];
        made[i] = FS_NONE;
        if (tp >= 0 && parent == FS_NONE) {
            if (fld && !has_do_not_create(fld)) {
                st = pe_fail(c, pe, fld, ST_BAD_VALUES);  /* file in a DF not created */
                goto out;
            }
            continue;
        }
        if (!fld && (!tpl->created_by_default ||
                     (tf->flags & (TPL_F_NEED_SIZE | TPL_F_NEED_NBREC | TPL_F_NEED_FID)) ||
                     tf->type == FS_ADF))
            continue;
        if (fld && has_do_not_create(fld) && tpl->anchor != TPL_AT_ROOT)
            continue;
        for (unsigned r = 0; r < (tf->repeat ? tf->repeat : 1u); r++) {
            int idx = FS_NONE;
            st = make_template_file(c, pe, tf, fld, parent, r, &idx);
            if (st != ST_OK)
                goto out;
            if (r == 0)
                made[i] = idx;
        }
        if (tf->depth == 0 && !tpl->optional_tpl && made[i] != FS_NONE) {
            enum fs_type ty = c->img.fs.files[made[i]].type;
            if (is_df_type(ty))
                c->cur_df = made[i];
            if (ty == FS_ADF) {
                if (pe->tag == 0xB3 || pe->tag == 0xBF20)
                    c->adf_usim = made[i];
                else if (pe->tag == 0xB5)
                    c->adf_isim = made[i];
                else if (pe->tag == 0xB9)
                    c->adf_csim = made[i];
            }
        }
        if (pe->tag == 0xBF20 && made[i] != FS_NONE &&
            c->img.fs.files[made[i]].type == FS_ADF)
            c->adf_usim = made[i];          /* IoT: ADF.USIM below the MF */
    }
out:
    free(field);
    free(made);
    return st;
}

/* ---- genericFileManagement ---- */

struct gfm {
    struct draft d;
    bool pending;
    int cur_df;
    int cur_ef;                     /* existing EF named by filePath, FS_NONE */
    size_t ef_pos;
};

static int gfm_flush(struct ppi_ctx *c, const struct tlv *pe, struct gfm *g)
{
    int idx = FS_NONE, st;
    if (!g->pending)
        return ST_OK;
    g->pending = false;
    st = create(c, pe, &g->d, g->cur_df, &idx);
    if (st == ST_OK && idx != FS_NONE && fs_is_df(&c->img.fs.files[idx]))
        g->cur_df = idx;
    return st;
}

static int gfm_create(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t,
                      struct gfm *g)
{
    int st;
    memset(&g->d, 0, sizeof g->d);
    g->d.f.lcsi = FS_LCSI_ACTIVATED;
    g->cur_ef = FS_NONE;
    if ((st = apply_fcp(c, pe, t, &g->d)) != ST_OK)
        return st;
    if (g->d.f.type == FS_DF && g->d.f.fid == 0x3F00)
        g->d.f.type = FS_MF;
    if (!g->d.have_sfi && !is_df_type(g->d.f.type)) {
        uint8_t sfi = g->d.f.fid & 0x1F;
        g->d.f.sfi = sfi >= 1 && sfi <= 30 ? sfi : 0;
    }
    if (g->d.f.type == 0 ||
        (!is_df_type(g->d.f.type) && !g->d.link && g->d.f.type != FS_EF_BERTLV &&
         g->d.f.size == 0))
        return pe_fail(c, pe, t, ST_BAD_VALUES);
    if ((st = build_content(&g->d, NULL)) != ST_OK)
        return st;
    g->pending = true;
    return ST_OK;
}

/* Fill an existing transparent / record EF in place. */
static int gfm_fill_existing(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t,
                             struct gfm *g)
{
    struct fs_file *f;
    uint32_t off;
    if (g->cur_ef == FS_NONE)
        return pe_fail(c, pe, t, ST_BAD_VALUES);
    f = &c->img.fs.files[fs_content_of(&c->img.fs, g->cur_ef)];
    if (f->type == FS_EF_BERTLV || !f->data)
        return pe_fail(c, pe, t, ST_FEATURE_NOT_SUPPORTED);
    if (t->tag == 0x02) {
        if (!tlv_get_uint(t->value, t->len, &off) || off > 0xFFFF || g->ef_pos + off > f->size)
            return pe_fail(c, pe, t, ST_BAD_VALUES);
        g->ef_pos += off;
        return ST_OK;
    }
    if (g->ef_pos > f->size || t->len > f->size - g->ef_pos)
        return pe_fail(c, pe, t, ST_BAD_VALUES);
    memcpy(f->data + g->ef_pos, t->value, t->len);
    g->ef_pos += t->len;
    return ST_OK;
}

static int gfm_one(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *cmd)
{
    struct tlv_cursor cur;
    struct tlv t;
    struct gfm g;
    int st = ST_OK;

    memset(&g, 0, sizeof g);
    g.cur_df = c->img.fs.n ? 0 : FS_NONE;
    g.cur_ef = FS_NONE;
    tlv_enter(cmd, &cur);
    while (st == ST_OK && tlv_next(&cur, &t)) {
        switch (t.tag) {
        case 0x80: {                                     /* filePath */
            int idx;
            if ((st = gfm_flush(c, pe, &g)) != ST_OK)
                break;
            idx = pe_resolve_path(&c->img.fs, t.value, t.len);
            if (t.len > 8 || idx == FS_NONE) {
                st = pe_fail(c, pe, &t, ST_BAD_VALUES);
            } else if (fs_is_df(&c->img.fs.files[idx])) {
                g.cur_df = idx;
                g.cur_ef = FS_NONE;
            } else {
                g.cur_df = c->img.fs.files[idx].parent;
                g.cur_ef = idx;
                g.ef_pos = 0;
            }
            break;
        }
        case 0x62:                                       /* createFCP */
            if ((st = gfm_flush(c, pe, &g)) == ST_OK)
                st = gfm_create(c, pe, &t, &g);
            break;
        case 0x02:                                       /* fillFileOffset */
            st = g.pending ? fill_offset(c, pe, &t, &g.d) : gfm_fill_existing(c, pe, &t, &g);
            break;
        case 0x81:                                       /* fillFileContent */
            st = g.pending ? fill_content(c, pe, &t, &g.d) : gfm_fill_existing(c, pe, &t, &g);
            break;
        default:
            st = pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            break;
        }
    }
    if (st == ST_OK && cur.error)
        st = pe_fail(c, pe, cmd, ST_INVALID_FORMAT);
    if (st == ST_OK)
        st = gfm_flush(c, pe, &g);
    if (g.pending || g.d.buf)
        draft_free(&g.d);
    if (st == ST_OK && g.cur_df != FS_NONE)
        c->cur_df = g.cur_df;
    return st;
}

int pe_generic_fm(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, cmds;
    struct tlv t, cmd;
    int st;
    if (!pe_body(pe, &cur) || !tlv_next(&cur, &t) || t.tag != 0xA1)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    tlv_enter(&t, &cmds);
    while (tlv_next(&cmds, &cmd)) {
        if (cmd.tag != 0x30)
            return pe_fail(c, pe, &cmd, ST_INVALID_FORMAT);
        if ((st = gfm_one(c, pe, &cmd)) != ST_OK)
            return st;
    }
    if (cmds.error)
        return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
    return ST_OK;
}
