/* ppi/templates.h — the default file structures behind the SAIP templateID OIDs
 * (TCA eUICC Profile Package Interoperable Format, Annex A "File Structure Templates",
 * SAIP v2.1 .. v3.3.1; OID prefix 2.23.143.1). Data tables only: the profile package
 * interpreter creates these files when a PE names the template, then applies the PE's
 * own File entries on top (explicit FCP overrides, doNotCreate removes, fill* fills).
 *
 * Layout of one template: files[] in PE order. files[0] is the template's own DF/ADF/MF
 * (depth 0) for a "base" template; an "optional" template (USIM/ISIM/CSIM optional,
 * IoT optional) has no own DF and its files are created in the DF given by `anchor`
 * (depth 1 there too: depth counts from the anchor). depth 1 = child of the template's
 * own DF (or of the anchor), depth 2 = child of the nearest preceding depth-1 DF. */
#ifndef EUICC_PPI_TEMPLATES_H
#define EUICC_PPI_TEMPLATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/fs.h"

/* template_file.flags */
#define TPL_F_CONTENT_REQUIRED 0x01 /* the profile must give content (no usable default) */
#define TPL_F_NEED_FID         0x02 /* FID not fixed: from the PE (DF.EAP; ADFs' temporary
                                     * FID and AID always come from the PE) */
#define TPL_F_NEED_SIZE        0x04 /* file size / record length not fixed: from the PE */
#define TPL_F_NEED_NBREC       0x08 /* record count not fixed: from the PE */
#define TPL_F_SFI_PARAM        0x10 /* the PE may give the SFI (template fixes none) */
#define TPL_F_PINSTAT          0x20 /* DF/ADF: the PE gives the PIN status template DO */
#define TPL_F_HIGH_UPDATE      0x40 /* high update activity file */

/* Where a template's depth-0 (or, for optional templates, depth-1) files go. */
enum template_anchor {
    TPL_AT_ROOT = 0,     /* the template creates the MF itself (2.1) */
    TPL_AT_MF,           /* its DF/ADF is a child of the MF */
    TPL_AT_ADF_USIM,     /* inside ADF.USIM */
    TPL_AT_ADF_ISIM,     /* inside ADF.ISIM */
    TPL_AT_ADF_CSIM,     /* inside ADF.CSIM */
};

struct template_file {
    uint16_t fid;                 /* file ID; 0 for ADFs (temporary FID and AID from the
                                   * PE) and when TPL_F_NEED_FID */
    uint8_t type;                 /* enum fs_type */
    uint8_t depth;                /* 0 = template's own DF, 1 = child, 2 = grandchild */
    uint8_t pe_tag;               /* context tag number of this file's field in its PE
                                   * SEQUENCE (header = 0, templateID = 1, first file 2;
                                   * field n >= 31 is encoded BF n, e.g. 87 = BF57) */
    uint8_t repeat;               /* 1 = one file; n = n files at fid, fid+1, ... fid+n-1,
                                   * all described by this entry and one PE field */
    uint8_t arr_record;           /* record number in the applicable EF.ARR (8B), 0 none */
    uint8_t sfi;                  /* short file identifier 1..30, 0 = none */
    uint16_t rec_count;           /* linear fixed / cyclic: default record count, 0 = n/a */
    uint16_t rec_len;             /* linear fixed / cyclic: default record length */
    uint32_t size;                /* transparent / BER-TLV: default size; records: 0 */
    /* Default content of one unit (the whole transparent file, or each record):
     * default_content, then `fill` up to the last tail_len octets, then default_tail
     * (when has_fill); or default_content repeated to the end (repeat_default); or
     * default_content alone (a unit longer than it, as a PE may size it, gets 0xFF after
     * it). No default: default_len == 0 and
     * !has_fill (the file is filled with 0xFF unless the PE gives content). */
    const uint8_t *default_content;
    const uint8_t *default_tail;
    uint8_t default_len;
    uint8_t tail_len;
    uint8_t fill;
    bool has_fill;
    bool repeat_default;
    uint8_t flags;                /* TPL_F_* */
    const char *name;             /* spec name, e.g. "EF.IMSI" */
    const char *pe_name;          /* ASN.1 identifier of the PE field, e.g. "ef-imsi" */
};

struct template {
    const uint8_t *oid;           /* DER content octets of the templateID OID */
    size_t oid_len;
    const char *oid_str;          /* dotted form, e.g. "2.23.143.1.2.4" */
    const char *name;             /* e.g. "ADF.USIM v2" */
    uint16_t pe_tag;              /* ProfileElement tag of the PE that names it: 0xB0 mf ..
                                   * 0xBE, 0xBF1F df-5gprose, 0xBF20 iot, 0xBF21 opt-iot */
    enum template_anchor anchor;  /* where the template's files are created */
    bool created_by_default;      /* true: every file is created unless the PE says
                                   * doNotCreate; false: only the files the PE names */
    bool optional_tpl;            /* no own DF: files go directly into the anchor DF */
    const char *saip_min_version; /* first SAIP version listing the OID, e.g. "2.3" */
    const struct template_file *files;
    size_t n_files;
};

/* The template with this templateID (DER content octets of the OID), or NULL when unknown. */
const struct template *template_find(const uint8_t *oid, size_t len);

/* Number of templates in the table. */
size_t template_count(void);

/* The i-th template (0 <= i < template_count()), else NULL. */
const struct template *template_at(size_t i);

/* Index in t->files of the parent DF of file i, or -1 when its parent is the anchor
 * (depth 0, or depth 1 of an optional template). */
int template_parent(const struct template *t, size_t i);

/* Expand f's default content for one unit of `len` octets (file size, or record length)
 * into out[0..len). Returns len, 0 when f has no default (or len is 0), -1 when cap < len
 * or the default does not fit len (prefix + tail, or a fixed default, longer than it). */
int template_default_content(const struct template_file *f, uint32_t len, uint8_t *out,
                             size_t cap);

/* The file entry whose PE field has context tag `pe_tag`, or NULL. */
const struct template_file *template_file_by_tag(const struct template *t, uint8_t pe_tag);

/* The first file entry (any depth, repeat ranges count) covering fid, or NULL. FIDs may
 * repeat in different DFs of one template: use template_parent() to tell them apart. */
const struct template_file *template_file_by_fid(const struct template *t, uint16_t fid);

#endif
