/* ppi/ppi.c — streaming SAIP profile element decoder and interpreter driver (see
 * ppi/ppi.h).
 *
 * Bytes are gathered into one buffer holding only the current element (bounded by the
 * budget); a completed element is checked (DER structure, its place in the sequence,
 * its PE header), handed to its handler (ppi/pe_*.c), which builds the profile image,
 * and then wiped and dropped. The image is checked against the budget after every PE.
 *
 * Rules enforced (SAIP 3.3.1 and pySim's checker, REFERENCE §5.1):
 * - every PE is a constructed context-specific TLV; the first PE is the header (A0), the
 *   second the mf (B0), the end (AA) comes last, once; header and mf appear once (other
 *   multiplicity rules: pe_filesystem.c);
 * - header: version, services, templates (pe_header.c); its iccid (83) holds the ICCID
 *   as a plain BCD digit string, the metadata carries EF.ICCID coding (nibbles
 *   swapped): they must match, else PPI_EMISMATCH;
 * - every other PE starts with its PEHeader A0 { 80 mandated NULL?, 81 identification
 *   UInt15 }; identification numbers are unique;
 * - a PE whose handler fails: the install aborts, except when the failure is an
 *   unsupported feature (pe-not-supported, feature-not-supported, runtime/lib/template
 *   not supported) of a PE that is not mandated (and not mf or genericFileManagement):
 *   then what it added to the image is taken back and it is reported and skipped.
 * PEStatus: identification of the PE, additional-information and offset (octets from
 * the first octet of the PE to the part that failed) when known.
 */
#include "ppi/ppi.h"

#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ct.h"
#include "ppi/ppi_internal.h"

#define HDR_MAX        8u        /* 3 tag octets + 5 length octets */
#define PE_DEPTH_MAX   24u       /* nesting allowed inside a PE */
#define WARN_MAX       32u       /* pe-not-supported entries reported */
#define ID_COUNT       32768u    /* UInt15 identification numbers */
#define GROW_MIN       4096u

#define TAG_HEADER 0xA0u
#define TAG_END    0xAAu
#define TAG_MF     0xB0u
#define TAG_IOT    0xBF20u

struct pe_report {
    uint16_t id;
    uint8_t status;
};

struct ppi_install {
    uint8_t iccid[10];          /* metadata ICCID (EF.ICCID coding) */
    size_t budget;
    uint8_t *buf;               /* the current partial element */
    size_t cap, len;
    size_t elem_need;           /* its total size once its header is known, else 0 */
    unsigned count;             /* PEs completed */
    bool seen_end;
    bool finished;
    int err;                    /* first error (sticky) */
    int err_status;             /* PEStatus.status of the failure */
    long err_id;                /* identification of the failing PE or -1 */
    int err_info;               /* additional-information or -1 */
    long err_offset;            /* offset or -1 */
    struct pe_report warn[WARN_MAX]; /* PEs skipped as unsupported */
    unsigned nwarn;
    uint8_t ids[ID_COUNT / 8];  /* identification numbers seen */
    struct ppi_ctx ctx;         /* the image being built */
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
    p->err_info = -1;
    p->err_offset = -1;
    profile_image_init(&p->ctx.img);
    p->ctx.cur_df = p->ctx.last_adf = FS_NONE;
    p->ctx.adf_usim = p->ctx.adf_isim = p->ctx.adf_csim = FS_NONE;
    p->ctx.st_info = -1;
    p->ctx.st_offset = -1;
    return p;
}

static int fail(struct ppi_install *p, int err, int status, long id)
{
    if (p->err == PPI_OK) {
        p->err = err;
        p->err_status = status;
        p->err_id = id;
        p->err_info = p->ctx.st_info;
        p->err_offset = p->ctx.st_offset;
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

static bool known_tag(uint32_t tag)
{
    return (tag >= 0xA0 && tag <= 0xAA) || (tag >= 0xB0 && tag <= 0xBE) ||
           (tag >= 0xBF1F && tag <= 0xBF21);
}

/* What a PE may have added before it failed, to take back when it is skipped. */
struct snapshot {
    size_t fs_n, pins_n, n_naa, n_sd, n_puk;
    int cur_df, last_adf, adf_usim, adf_isim, adf_csim;
};

static void take_snapshot(const struct ppi_ctx *c, struct snapshot *s)
{
    s->fs_n = c->img.fs.n;
    s->pins_n = c->img.pins.n;
    s->n_naa = c->img.n_naa;
    s->n_sd = c->img.n_sd;
    s->n_puk = c->n_puk;
    s->cur_df = c->cur_df;
    s->last_adf = c->last_adf;
    s->adf_usim = c->adf_usim;
    s->adf_isim = c->adf_isim;
    s->adf_csim = c->adf_csim;
}

static void roll_back(struct ppi_ctx *c, const struct snapshot *s)
{
    while (c->img.fs.n > s->fs_n)
        fs_remove(&c->img.fs, (int)c->img.fs.n - 1);
    for (size_t i = s->pins_n; i < c->img.pins.n; i++)
        ct_wipe(&c->img.pins.pins[i], sizeof c->img.pins.pins[i]);
    c->img.pins.n = s->pins_n;
    for (size_t i = s->n_naa; i < c->img.n_naa; i++)
        ct_wipe(&c->img.naa[i], sizeof c->img.naa[i]);
    c->img.n_naa = s->n_naa;
    for (size_t i = s->n_sd; i < c->img.n_sd; i++)
        ct_wipe(&c->img.sd[i], sizeof c->img.sd[i]);
    c->img.n_sd = s->n_sd;
    for (size_t i = s->n_puk; i < c->n_puk; i++)
        ct_wipe(&c->puk[i], sizeof c->puk[i]);
    c->n_puk = s->n_puk;
    c->cur_df = s->cur_df;
    c->last_adf = s->last_adf;
    c->adf_usim = s->adf_usim;
    c->adf_isim = s->adf_isim;
    c->adf_csim = s->adf_csim;
}

/* A failure that lets a non-mandated PE be skipped. */
static bool skippable(int status)
{
    return status == ST_PE_NOT_SUPPORTED || status == ST_RUNTIME_NOT_SUPPORTED ||
           status == 8 /* lib-not-supported */ || status == ST_TEMPLATE_NOT_SUPPORTED ||
           status == ST_FEATURE_NOT_SUPPORTED;
}

static void skip_pe(struct ppi_install *p, uint32_t id, int status)
{
    if (p->nwarn < WARN_MAX) {
        p->warn[p->nwarn].id = (uint16_t)id;
        p->warn[p->nwarn].status = (uint8_t)status;
        p->nwarn++;
    }
}

static int header_element(struct ppi_install *p, const struct tlv *pe)
{
    uint8_t swapped[10];
    int st = pe_header(&p->ctx, pe);
    if (st != ST_OK)
        return fail(p, st == ST_UNSUPPORTED_VERSION ? PPI_EVERSION : PPI_EPE, st, -1);
    nibble_swap(p->ctx.header_iccid, swapped, sizeof swapped);
    if (memcmp(swapped, p->iccid, sizeof swapped) != 0)
        return fail(p, PPI_EMISMATCH, ST_BAD_VALUES, -1);
    return PPI_OK;
}

/* The complete element buf[0 .. elem_need): check it and interpret it. */
/* An upper bound of profile_image_size, cheap enough to check after every element (the
 * exact size serialises the whole image): every file's facts at their largest plus its
 * content uncompressed, and the PIN/NAA/SD records at their full struct size. Only when
 * the bound exceeds the budget is the exact size computed. */
static size_t image_size_bound(const struct profile_image *img)
{
    size_t n = 1024 + sizeof img->pins + sizeof img->naa + sizeof img->sd;
    for (size_t i = 0; i < img->fs.n; i++)
        n += 256 + img->fs.files[i].data_len;
    return n;
}

static int complete_element(struct ppi_install *p)
{
    struct tlv pe;
    bool mandated = false;
    uint32_t id = 0;
    const uint8_t *e = p->buf;
    unsigned index = p->count;
    int st;

    p->ctx.st_info = -1;
    p->ctx.st_offset = -1;
    if (!tlv_parse(e, p->elem_need, &pe) || pe.raw_len != p->elem_need ||
        !pe.constructed || (e[0] & 0xC0) != 0x80 ||
        !tlv_well_formed(pe.value, pe.len, PE_DEPTH_MAX))
        return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
    if (index == 0) {
        if (pe.tag != TAG_HEADER)
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        if (header_element(p, &pe) != PPI_OK)
            return p->err;
    } else {
        if (pe.tag == TAG_HEADER || !parse_pe_header(&pe, &mandated, &id))
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        if (p->ids[id / 8] & (1u << (id % 8)))
            return fail(p, PPI_EPE, ST_BAD_VALUES, (long)id);
        p->ids[id / 8] |= (uint8_t)(1u << (id % 8));
        /* mf second, and only there; an IoT profile's PE-IoT (which creates the MF)
         * takes its place */
        if ((index == 1) != (pe.tag == TAG_MF || pe.tag == TAG_IOT))
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, (long)id);
        struct snapshot snap;
        take_snapshot(&p->ctx, &snap);
        st = known_tag(pe.tag) ? pe_dispatch(&p->ctx, &pe) : ST_PE_NOT_SUPPORTED;
        if (st != ST_OK) {
            /* genericFileManagement may have filled existing files: never skipped */
            if (mandated || !skippable(st) || pe.tag == TAG_MF || pe.tag == TAG_IOT ||
                pe.tag == 0xA1)
                return fail(p, PPI_EPE, st, (long)id);
            roll_back(&p->ctx, &snap);
            skip_pe(p, id, st);
        } else if (pe.tag == 0xB3 || pe.tag == 0xB5 || pe.tag == 0xBF20) {
            ppi_service_tables_trim(&p->ctx);       /* usim, isim, iot: EF.UST/IST */
        }
        if (pe.tag == TAG_END)
            p->seen_end = true;
    }
    p->count++;
    if (image_size_bound(&p->ctx.img) > p->budget &&
        profile_image_size(&p->ctx.img) > p->budget)
        return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, index ? (long)id : -1);
    return PPI_OK;
}

int ppi_install_feed(struct ppi_install *p, const uint8_t *data, size_t len)
{
    if (!p || p->finished || (!data && len))
        return PPI_ESTATE;
    if (p->err != PPI_OK)
        return p->err;
    while (len > 0) {
        if (p->seen_end)                           /* nothing may follow the end PE */
            return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
        if (p->elem_need == 0) {
            /* header phase: one octet at a time, so that no octet of the next element
             * is taken before this one's size is known */
            if (p->len + 1 > p->budget || !reserve(p, p->len + 1))
                return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
            p->buf[p->len++] = *data++;
            len--;
            uint32_t tag;
            size_t hdr, val;
            if (tlv_parse_header(p->buf, p->len, &tag, &hdr, &val)) {
                if (val > p->budget || hdr + val > p->budget)
                    return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
                p->elem_need = hdr + val;
                if (!reserve(p, p->elem_need))
                    return fail(p, PPI_EMEMORY, ST_NOT_ENOUGH_MEMORY, -1);
            } else if (p->len >= HDR_MAX) {
                return fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);
            }
        } else {
            size_t take = p->elem_need - p->len;
            if (take > len)
                take = len;
            memcpy(p->buf + p->len, data, take);
            p->len += take;
            data += take;
            len -= take;
        }
        if (p->elem_need && p->len == p->elem_need) {
            int rc = complete_element(p);
            ct_wipe(p->buf, p->len);               /* keys, PINs: not kept here */
            p->len = 0;
            p->elem_need = 0;
            if (rc != PPI_OK)
                return rc;
        }
    }
    return PPI_OK;
}

static void put_status(struct tlv_writer *w, int status, long id, int info, long offset)
{
    tlv_open(w, 0x30);
    tlv_put_int(w, 0x80, status);
    if (id >= 0)
        tlv_put_int(w, 0x81, id);
    if (info >= 0)
        tlv_put_int(w, 0x82, info);
    if (offset >= 0)
        tlv_put_int(w, 0x83, offset);
    tlv_close(w);
}

int ppi_install_finish(struct ppi_install *p, struct tlv_writer *w)
{
    static const uint8_t none[1];
    if (!p)
        return PPI_ESTATE;
    if (!p->finished && p->err == PPI_OK && (!p->seen_end || p->len != 0)) {
        p->ctx.st_info = -1;
        p->ctx.st_offset = -1;
        fail(p, PPI_EPE, ST_INVALID_FORMAT, -1);   /* truncated stream */
    }
    if (!p->finished && p->err == PPI_OK) {
        p->ctx.st_info = -1;
        p->ctx.st_offset = -1;
        int st = ppi_services_finish(&p->ctx);
        if (st != ST_OK)
            fail(p, PPI_EPE, st, -1);
    }
    p->finished = true;
    if (w) {
        /* EUICCResponse 30 { A0 peStatus { 30 PEStatus ... }, 81 aborted? } */
        tlv_open(w, 0x30);
        tlv_open(w, 0xA0);
        for (unsigned i = 0; i < p->nwarn; i++)
            put_status(w, p->warn[i].status, p->warn[i].id, -1, -1);
        if (p->err != PPI_OK)
            put_status(w, p->err_status, p->err_id, p->err_info, p->err_offset);
        else
            put_status(w, ST_OK, -1, -1, -1);
        tlv_close(w);
        if (p->err != PPI_OK)
            tlv_put(w, 0x81, none, 0);
        tlv_close(w);
    }
    if (p->err != PPI_OK)
        profile_image_free(&p->ctx.img);           /* nothing of it will be stored */
    return p->err;
}

int ppi_install_commit(struct ppi_install *p, struct store *s, uint8_t slot)
{
    if (!p || !s || !p->finished || p->err != PPI_OK || slot == 0)
        return PPI_ESTATE;
    int rc = profile_image_save(s, slot, &p->ctx.img);
    if (rc == STORE_OK)
        return PPI_OK;
    return rc == STORE_EFULL ? PPI_EMEMORY : PPI_ESTORE;
}

const struct profile_image *ppi_install_image(const struct ppi_install *p)
{
    return p && p->finished && p->err == PPI_OK ? &p->ctx.img : NULL;
}

size_t ppi_install_size(const struct ppi_install *p)
{
    return p ? profile_image_size(&p->ctx.img) : 0;
}

void ppi_install_free(struct ppi_install *p)
{
    if (!p)
        return;
    if (p->buf) {
        ct_wipe(p->buf, p->cap);
        free(p->buf);
    }
    profile_image_free(&p->ctx.img);            /* wipes K, OPc, PINs, SD keys */
    ct_wipe(p, sizeof *p);
    free(p);
}
