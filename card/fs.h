/* card/fs.h — the UICC file system of one profile (ETSI TS 102 221 §8, §11.1.1): a tree
 * of MF / DF / ADF / EF (transparent, linear fixed, cyclic, BER-TLV) with the FCP facts
 * of each file and its content. Built by the profile package interpreter from SAIP
 * profile elements and templates, serialised compactly into the store, loaded when the
 * profile is enabled, and served by the UICC commands (card/uicc.h).
 *
 * Files live in one array; a file refers to its parent by index (MF = index 0). A linked
 * EF (SAIP linkPath) shares the content of another EF: `link` is that file's index. A
 * linked DF (SAIP linkPath naming a DF, service dfLink) has its own FID, parent, life
 * cycle and security attributes but no files of its own: it shows the files of the DF
 * or ADF `link` names (fs_child / fs_child_sfi look there), so a file reached through
 * it is the target's file (same index, same content). */
#ifndef EUICC_FS_H
#define EUICC_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fs_type {
    FS_MF = 1,
    FS_DF,
    FS_ADF,
    FS_EF_TRANSPARENT,
    FS_EF_LINEAR,
    FS_EF_CYCLIC,
    FS_EF_BERTLV,
};

/* life cycle status integer (TS 102 221 §11.1.1.4.9) */
#define FS_LCSI_ACTIVATED   0x05
#define FS_LCSI_DEACTIVATED 0x04
#define FS_LCSI_TERMINATED  0x0C

#define FS_NONE       (-1)
#define FS_AID_MAX    16
#define FS_SEC_MAX    64      /* security attributes (8B/8C/AB content) */
#define FS_PROP_MAX   64      /* proprietary information (A5 content) */
#define FS_PINSTAT_MAX 32     /* PIN status template DO (C6 content), DFs/ADFs */
#define FS_FILES_MAX  4096    /* files per profile */
#define FS_EF_SIZE_MAX 0xFFFF /* transparent size / BER-TLV maximum size (FCP '80') */
#define FS_CONTENT_MAX (16u << 20) /* octets of content allocated per file system */

struct fs_file {
    enum fs_type type;
    uint16_t fid;             /* 0 when an ADF has no FID */
    int parent;               /* index of the parent DF, FS_NONE for the MF */
    int link;                 /* EF: index of the EF whose content this one shares; DF:
                               * index of the DF/ADF whose files it shows; or FS_NONE */
    uint8_t sfi;              /* short file identifier 1..30, 0 = none */
    uint8_t lcsi;
    uint8_t aid[FS_AID_MAX];  /* ADF / DF name */
    uint8_t aid_len;
    uint8_t sec_tag;          /* 0x8B referenced, 0x8C compact, 0xAB expanded, 0 none */
    uint8_t sec[FS_SEC_MAX];
    uint8_t sec_len;
    uint8_t prop[FS_PROP_MAX];/* A5 content as the profile gave it (may be empty) */
    uint8_t prop_len;
    uint8_t pinstat[FS_PINSTAT_MAX];
    uint8_t pinstat_len;
    uint16_t rec_len;         /* linear fixed / cyclic */
    uint16_t rec_count;
    uint32_t size;            /* transparent: file size; records: rec_len * rec_count;
                               * BER-TLV: maximum total size */
    uint8_t *data;            /* content (size octets; BER-TLV: used octets), heap */
    uint32_t data_len;        /* octets of data in use (== size except for BER-TLV) */
    uint8_t cyclic_last;      /* cyclic: record number (0-based) written last */
};

struct fs {
    struct fs_file *files;
    size_t n, cap;
};

/* An empty file system (no MF yet). */
void fs_init(struct fs *fs);

/* Free every file's content and the array. */
void fs_free(struct fs *fs);

/* Add a file (copied; data is copied from f->data when non-NULL, else zero/filler
 * initialised to f->size octets of 0xFF). Returns its index or FS_NONE (full, duplicate
 * FID under the same parent, bad parent, a second MF).
 * Details: the MF comes first (index 0, FID 3F00 or 0); every other file has an earlier
 * MF/DF/ADF as parent and a FID other than 0000/3F00/7FFF/FFFF (an ADF may have FID 0,
 * several ADFs too). f->data: f->data_len octets copied (<= size), the rest 0xFF
 * (BER-TLV: data_len octets in use). Linear/cyclic: rec_len 1..255, rec_count 1..254,
 * size == rec_len * rec_count (size 0 = computed). Transparent/BER-TLV size <=
 * FS_EF_SIZE_MAX. A linked EF (link = an earlier EF index) has no data of its own and the
 * target's type and structure (size fields all 0 = inherited). A linked DF (type FS_DF,
 * link = an earlier DF/ADF that is not its parent or an ancestor of it) gets no children
 * of its own (fs_add under it fails). lcsi 0 = activated.
 * MF/DF/ADF: size/record fields and data ignored. */
int fs_add(struct fs *fs, const struct fs_file *f);

/* Remove a file and its whole subtree. The array is compacted: every file after a removed
 * one moves down (parent/link indices are remapped; any other index a caller holds must be
 * looked up again). An EF outside the subtree linked into it gets its own copy of the
 * content it showed and stops being linked; a DF outside it linked to a removed DF stops
 * being linked (an empty DF). */
void fs_remove(struct fs *fs, int idx);

/* Child of DF `parent` with this FID (for a linked DF: of its target), or FS_NONE. */
int fs_child(const struct fs *fs, int parent, uint16_t fid);

/* EF under DF `parent` (a linked DF: its target) with this SFI, or FS_NONE. */
int fs_child_sfi(const struct fs *fs, int parent, uint8_t sfi);

/* ADF whose AID starts with aid[0..len) (partial selection), the `nth` match (0 = first),
 * or FS_NONE. */
int fs_find_adf(const struct fs *fs, const uint8_t *aid, size_t len, unsigned nth);

/* The file whose content file idx shows (follows links; for a linked DF the DF/ADF
 * whose files it shows). */
int fs_content_of(const struct fs *fs, int idx);

/* True for MF/DF/ADF. */
bool fs_is_df(const struct fs_file *f);

/* Serialise compactly (FCP facts + content, no padding). *out is malloc'd. 0 or -1. */
int fs_serialize(const struct fs *fs, uint8_t **out, size_t *len);

/* Rebuild from fs_serialize output; every length checked. 0 or -1 (fs left empty). */
int fs_deserialize(struct fs *fs, const uint8_t *p, size_t len);

/* fs_serialize without any file's state: every file as fs_add makes it (0xFF / empty
 * content, activated, cyclic position 0); fs_file_state_* carry the rest. 0 or -1. */
int fs_serialize_structure(const struct fs *fs, uint8_t **out, size_t *len);

/* Encode the state of file idx that may differ from its fs_add default: life cycle,
 * cyclic position and its own content (runs of 0xFF compressed; a linked EF has no own
 * content). *out malloc'd; *len = 0 and *out = NULL when everything is default. 0 or -1. */
int fs_file_state_encode(const struct fs *fs, int idx, uint8_t **out, size_t *len);

/* Apply fs_file_state_encode output to file idx; every length checked (len 0 = default
 * state). 0, or -1 with the file unchanged. */
int fs_file_state_decode(struct fs *fs, int idx, const uint8_t *p, size_t len);

#endif
