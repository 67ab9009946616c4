/* ppi/ppi.c — streaming SAIP profile element decoder (see ppi/ppi.h).
 *
 * The elements are appended to one buffer as they arrive; the buffer holds the kept
 * elements followed by the current partial element and never exceeds the budget.
 * A completed element is checked (DER structure, its place in the sequence, its PE
 * header) and kept, or dropped when it is an unknown, non-mandated PE.
 *
 * Rules enforced (SAIP 3.3.1 and pySim's checker, REFERENCE §5.1):
 * - every PE is a constructed context-specific TLV; known tags A0..AA, B0..BE,
 *   BF1F..BF21; the first PE is the header (A0), the second the mf (B0), the end (AA)
 *   comes last, once; header and mf appear once;
 * - header: major version 2 (any minor) or 3 (minor <= 3), else PPI_EVERSION; its
 *   iccid (83, 10 octets) holds the ICCID as a plain BCD digit string, the metadata
 *   carries EF.ICCID coding (nibbles swapped): the header's nibble-swapped ICCID must
 *   equal the metadata's, else PPI_EMISMATCH;
 * - every other PE starts with its PEHeader A0 { 80 mandated NULL?, 81 identification
 *   UInt15 }; identification numbers are unique; an unknown PE that is mandated aborts,
 *   otherwise it is reported pe-not-supported and skipped.
 */
#include "ppi/ppi.h"

#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "card/tlv.h"
#include "crypto/ct.h"

#define HDR_MAX        8u        /* 3 tag octets + 5 length octets */
#define PE_DEPTH_MAX   24u       /* nesting allowed inside a PE */
#define WARN_MAX       32u       /* pe-not-supported entries reported */
#define ID_COUNT       32768u    /* UInt15 identification numbers */
#define CHUNK          16384u    /* octets per stored object */
#define GROW_MIN       4096u

/* PEStatus.status values */
#define ST_OK                   0
#define ST_PE_NOT_SUPPORTED     1
#define ST_BAD_VALUES           3
#define ST_NOT_ENOUGH_MEMORY    4
#define ST_INVALID_FORMAT       5
#define ST_UNSUPPORTED_VERSION  31

#define TAG_HEADER 0xA0u
#define TAG_END    0xAAu
#define TAG_MF     0xB0u

struct ppi_install {
    uint8_t iccid[10];          /* metadata ICCID (EF.ICCID coding) */
    size_t budget;
    uint8_t *buf;               /* kept elements ‖ current partial element */
    size_t cap, len;
    size_t elem_start;          /* start of the partial element in buf */
    size_t elem_need;           /* its total size once its header is known, else 0 */
    unsigned count;             /* PEs completed */
    bool seen_mf, seen_end;
    bool finished;
    int err;                    /* first error (sticky) */
    int err_status;             /* PEStatus.status of the failure */
    long err_id;                /* identification of the failing PE or -1 */
    uint16_t warn[WARN_MAX];    /* identifications reported pe-not-supported */
    unsigned nwarn;
    uint8_t ids[ID_COUNT / 8];  /* identification numbers seen */
};

struct ppi_install *ppi_install_begin(const uint8_t iccid[10], size_t budget)
{
    if (!iccid)
        return NULL;
    struct ppi_install *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    memcpy(p->iccid, iccid, sizeof p->iccid);
    p->budget = budget;
    return p;
}

static int fail(struct ppi_install *p, int err, int status, long id)
{
    if (p->err == PPI_OK) {
        p->err = err;
        p->err_status = status;
        p->err_id = id;
    }
    return p->err;
}

/* Make room for need octets in total; the old buffer is wiped before release. */
static bool reserve(struct ppi_install *p, size_t need)
{
    if (need <= p->cap)
        return true;
    size_t cap = p->cap < GROW_MIN ? GROW_MIN : p->cap;
    while (cap < need && cap <= p->budget / 2)
        cap *= 2;
    if (cap < need || cap > p->budget)
        cap = need > p->budget ? need : p->budget;
    uint8_t *nb = malloc(cap);
    if (!nb)
        return false;
    if (p->len)
        memcpy(nb, p->buf, p->len);
    if (p->buf) {
        ct_wipe(p->buf, p->cap);
        free(p->buf);
    }
    p->buf = nb;
    p->cap = cap;
    return true;
}

/* PEHeader A0 { 80 NULL?, 81 UInt15 } at the start of a PE's value. */
static bool parse_pe_header(const struct tlv *pe, bool *mandated, uint32_t *id)
{
    struct tlv_cursor c, hc;
    struct tlv h, f;
    bool has_id = false;
    *mandated = false;
    if (!tlv_enter(pe, &c) || !tlv_next(&c, &h) || h.tag != 0xA0 || !tlv_enter(&h, &hc))
        return false;
    while (tlv_next(&hc, &f)) {
        if (f.tag == 0x80 && !f.constructed && f.len == 0 && !has_id && !*mandated) {
            *mandated = true;
        } else if (f.tag == 0x81 && !f.constructed && !has_id) {
            if (!tlv_get_uint(f.value, f.len, id) || *id >= ID_COUNT)
                return false;
            has_id = true;
        } else {
            return false;
        }
    }
    return !hc.error && has_id;
}

static void nibble_swap(const uint8_t *in, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(in[i] << 4 | in[i] >> 4);
}

/* ProfileHeader: 80 major, 81 minor, ..., 83 iccid. */
static int check_profile_header(struct ppi_install *p, const struct tlv *pe)
{
    struct tlv major, minor, iccid;
    uint32_t maj, min;
    uint8_t swapped[10];
    if (!tlv_find(pe->value, pe->len, 0x80, &major) ||
        !tlv_find(pe->value, pe->len, 0x81, &minor) ||
        !tlv_find(pe->value, pe->len, 0x83, &iccid) ||
        !tlv_get_uint(major.value, major.len, &maj) ||
        !tlv_get_uint(minor.value, minor.len, &min) || iccid.len != sizeof swapped)
        return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
    if (!(maj == 2 || (maj == 3 && min <= 3)))
        return fail(p, PPI_EVERSION, ST_UNSUPPORTED_VERSION, -1);
    nibble_swap(iccid.value, swapped, sizeof swapped);
    if (memcmp(swapped, p->iccid, sizeof swapped) != 0)
        return fail(p, PPI_EMISMATCH, ST_BAD_VALUES, -1);
    return PPI_OK;
}

static bool known_tag(uint32_t tag)
{
    return (tag >= 0xA0 && tag <= 0xAA) || (tag >= 0xB0 && tag <= 0xBE) ||
           (tag >= 0xBF1F && tag <= 0xBF21);
}

/* A complete element is at buf[elem_start .. elem_start + elem_need): check it and
 * keep or drop it. */
static int complete_element(struct ppi_install *p)
{
    struct tlv pe;
    bool mandated = false;
    uint32_t id = 0;
    const uint8_t *e = p->buf + p->elem_start;
    unsigned index = p->count;

    if (!tlv_parse(e, p->elem_need, &pe) || pe.raw_len != p->elem_need ||
        !pe.constructed || (e[0] & 0xC0) != 0x80 ||
        !tlv_well_formed(pe.value, pe.len, PE_DEPTH_MAX))
        return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
    if (index == 0) {
        if (pe.tag != TAG_HEADER)
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        int rc = check_profile_header(p, &pe);
        if (rc != PPI_OK)
            return rc;
    } else {
        if (pe.tag == TAG_HEADER || !parse_pe_header(&pe, &mandated, &id))
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        if (p->ids[id / 8] & (1u << (id % 8)))
            return fail(p, PPI_EPE, ST_BAD_VALUES, (long)id);
        p->ids[id / 8] |= (uint8_t)(1u << (id % 8));
        if ((index == 1) != (pe.tag == TAG_MF))   /* mf second, and only there */
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, (long)id);
        if (!known_tag(pe.tag)) {
            if (mandated)
                return fail(p, PPI_EPE, ST_PE_NOT_SUPPORTED, (long)id);
            if (p->nwarn < WARN_MAX)
                p->warn[p->nwarn++] = (uint16_t)id;
            ct_wipe(p->buf + p->elem_start, p->elem_need);   /* dropped */
            p->len = p->elem_start;
            p->elem_need = 0;
            p->count++;
            return PPI_OK;
        }
        if (pe.tag == TAG_END)
            p->seen_end = true;
    }
    p->count++;
    p->elem_start = p->len;
    p->elem_need = 0;
    return PPI_OK;
}

int ppi_install_feed(struct ppi_install *p, const uint8_t *data, size_t len)
{
    if (!p || p->finished || (!data && len))
        return PPI_ESTATE;
    if (p->err != PPI_OK)
        return p->err;
    while (len > 0) {
        size_t partial = p->len - p->elem_start;
        if (p->seen_end)                           /* nothing may follow the end PE */
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        if (p->elem_need == 0) {
            /* header phase: one octet at a time, so that no octet of the next element
             * is taken before this one's size is known */
            if (p->len + 1 > p->budget)
                return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
            if (!reserve(p, p->len + 1))
                return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
            p->buf[p->len++] = *data++;
            len--;
            partial++;
            uint32_t tag;
            size_t hdr, val;
            if (tlv_parse_header(p->buf + p->elem_start, partial, &tag, &hdr, &val)) {
                if (val > p->budget || p->elem_start + hdr + val > p->budget)
                    return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
                p->elem_need = hdr + val;
                if (!reserve(p, p->elem_start + p->elem_need))
                    return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
            } else if (partial >= HDR_MAX) {
                return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
            }
        } else {
            size_t take = p->elem_need - partial;
            if (take > len)
                take = len;
            memcpy(p->buf + p->len, data, take);
            p->len += take;
            data += take;
            len -= take;
            partial += take;
        }
        if (p->elem_need && partial == p->elem_need) {
            int rc = complete_element(p);
            if (rc != PPI_OK)
                return rc;
        }
    }
    return PPI_OK;
}

static void put_status(struct tlv_writer *w, int status, long id)
{
    tlv_open(w, 0x30);
    tlv_put_int(w, 0x80, status);
    if (id >= 0)
        tlv_put_int(w, 0x81, id);
    tlv_close(w);
}

int ppi_install_finish(struct ppi_install *p, struct tlv_writer *w)
{
    static const uint8_t none[1];
    if (!p)
        return PPI_ESTATE;
    if (!p->finished && p->err == PPI_OK && (!p->seen_end || p->len != p->elem_start))
        fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);   /* truncated stream */
    p->finished = true;
    if (w) {
        /* EUICCResponse 30 { A0 peStatus { 30 PEStatus ... }, 81 aborted? } */
        tlv_open(w, 0x30);
        tlv_open(w, 0xA0);
        for (unsigned i = 0; i < p->nwarn; i++)
            put_status(w, ST_PE_NOT_SUPPORTED, p->warn[i]);
        if (p->err != PPI_OK)
            put_status(w, p->err_status, p->err_id);
        else
            put_status(w, ST_OK, -1);
        tlv_close(w);
        if (p->err != PPI_OK)
            tlv_put(w, 0x81, none, 0);
        tlv_close(w);
    }
    return p->err;
}

int ppi_install_commit(struct ppi_install *p, struct store *s, uint8_t slot)
{
    if (!p || !s || !p->finished || p->err != PPI_OK || slot == 0)
        return PPI_ESTATE;
    uint32_t base = SID_PROFILE_DATA(slot);
    int rc = store_delete_range(s, base, base + 0xFFFFu);
    for (size_t off = 0; rc == STORE_OK && off < p->len; off += CHUNK) {
        size_t n = p->len - off < CHUNK ? p->len - off : CHUNK;
        rc = store_put(s, base + (uint32_t)(off / CHUNK), p->buf + off, n);
    }
    if (rc == STORE_OK)
        return PPI_OK;
    return rc == STORE_EFULL ? PPI_EMEMORY : PPI_ESTORE;
}

size_t ppi_install_size(const struct ppi_install *p)
{
    return p ? p->elem_start : 0;
}

void ppi_install_free(struct ppi_install *p)
{
    if (!p)
        return;
    if (p->buf) {
        ct_wipe(p->buf, p->cap);     /* NAA keys, PINs and PUKs live in the elements */
        free(p->buf);
    }
    ct_wipe(p, sizeof *p);
    free(p);
}
