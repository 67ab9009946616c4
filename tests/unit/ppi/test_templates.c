/* tests/unit/ppi/test_templates.c — the SAIP template tables: every templateID of SAIP
 * 2.1 .. 3.3.1 known (supported or explicitly not), table sanity (types, sizes, records,
 * ARR, SFI, defaults, PE tags), unique FIDs and SFIs per DF (also across the templates
 * that share ADF.USIM / ADF.ISIM / MF), spot checks against TS 102 221 / 31.102 / 31.103,
 * and the lookup / default expansion functions with their error paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/tlv.h"
#include "ppi/templates.h"
#include "tests/common/test_util.h"

/* DER content octets of a dotted OID (test-side encoder, arcs < 2^28) */
static size_t oid_der(const char *dotted, uint8_t *out, size_t cap)
{
    unsigned long arcs[16];
    size_t n = 0;
    const char *p = dotted;
    while (*p != '\0' && n < 16) {
        char *end;
        arcs[n++] = strtoul(p, &end, 10);
        p = (*end == '.') ? end + 1 : end;
    }
    assert_true(n >= 2);
    size_t len = 0;
    for (size_t i = 1; i < n; i++) {
        unsigned long v = (i == 1) ? arcs[0] * 40 + arcs[1] : arcs[i];
        uint8_t tmp[5];
        size_t k = 0;
        do {
            tmp[k++] = (uint8_t)(v & 0x7F);
            v >>= 7;
        } while (v != 0);
        while (k > 0) {
            assert_true(len < cap);
            k--;
            out[len++] = (uint8_t)(tmp[k] | (k > 0 ? 0x80 : 0));
        }
    }
    return len;
}

static const struct template *find_str(const char *dotted)
{
    uint8_t der[32];
    size_t n = oid_der(dotted, der, sizeof der);
    return template_find(der, n);
}

static const char *const SUPPORTED[] = {
    "2.23.143.1.2.1",    "2.23.143.1.2.2",    "2.23.143.1.2.3",    "2.23.143.1.2.3.2",
    "2.23.143.1.2.4",    "2.23.143.1.2.4.2",  "2.23.143.1.2.5",    "2.23.143.1.2.5.2",
    "2.23.143.1.2.5.3",  "2.23.143.1.2.6",    "2.23.143.1.2.7",    "2.23.143.1.2.8",
    "2.23.143.1.2.9",    "2.23.143.1.2.9.2",  "2.23.143.1.2.10",   "2.23.143.1.2.10.2",
    "2.23.143.1.2.11",   "2.23.143.1.2.11.2", "2.23.143.1.2.12",   "2.23.143.1.2.13",
    "2.23.143.1.2.13.2", "2.23.143.1.2.13.3", "2.23.143.1.2.13.4", "2.23.143.1.2.14",
    "2.23.143.1.2.15",   "2.23.143.1.2.16",   "2.23.143.1.2.17",   "2.23.143.1.2.18",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_every_oid_known(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(SUPPORTED); i++) {
        const struct template *t = find_str(SUPPORTED[i]);
        assert_non_null(t);
        assert_string_equal(t->oid_str, SUPPORTED[i]);
        assert_non_null(t->files);
        assert_true(t->n_files > 0);
    }
    assert_int_equal(template_count(), N(SUPPORTED));
    /* every table entry's DER matches its dotted form, and entries are unique */
    for (size_t i = 0; i < template_count(); i++) {
        const struct template *t = template_at(i);
        uint8_t der[32];
        size_t n = oid_der(t->oid_str, der, sizeof der);
        assert_int_equal(n, t->oid_len);
        assert_memory_equal(der, t->oid, n);
        assert_ptr_equal(template_find(t->oid, t->oid_len), t);
        assert_non_null(t->saip_min_version);
    }
    assert_null(template_at(template_count()));
}

static void test_unknown_oids(void **state)
{
    (void)state;
    assert_null(find_str("2.23.143.1.2.19"));
    assert_null(find_str("2.23.143.1.2.4.3"));
    assert_null(find_str("2.23.143.1.2.13.5"));
    assert_null(find_str("2.23.143.1.2"));
    assert_null(find_str("1.2.840.10045.2.1"));
    const struct template *mf = find_str("2.23.143.1.2.1");
    assert_null(template_find(mf->oid, mf->oid_len - 1)); /* truncated */
    assert_null(template_find(NULL, 6));
    assert_null(template_find(mf->oid, 0));
}

static bool is_dir(uint8_t type)
{
    return type == FS_MF || type == FS_DF || type == FS_ADF;
}

static void test_table_sanity(void **state)
{
    (void)state;
    for (size_t ti = 0; ti < template_count(); ti++) {
        const struct template *t = template_at(ti);
        if (t->optional_tpl) {
            assert_true(t->anchor != TPL_AT_ROOT && t->anchor != TPL_AT_MF);
        } else {
            assert_int_equal(t->files[0].depth, 0);
            assert_true(is_dir(t->files[0].type));
        }
        uint8_t prev_tag = 1, prev_depth = t->optional_tpl ? 1 : 0;
        for (size_t i = 0; i < t->n_files; i++) {
            const struct template_file *f = &t->files[i];
            /* PE field tags follow the ASN.1 order */
            assert_true(f->pe_tag > prev_tag);
            prev_tag = f->pe_tag;
            assert_non_null(f->name);
            assert_non_null(f->pe_name);
            assert_true(f->depth <= prev_depth + 1);
            assert_true(f->depth <= 2);
            if (i > 0 && !t->optional_tpl)
                assert_true(f->depth >= 1);
            if (t->optional_tpl)
                assert_true(f->depth >= 1);
            prev_depth = is_dir(f->type) ? f->depth + 1 : f->depth;
            if (f->depth > 0 && !(t->optional_tpl && f->depth == 1)) {
                int p = template_parent(t, i);
                assert_true(p >= 0 && (size_t)p < i);
                assert_true(is_dir(t->files[p].type));
            }
            assert_true(f->repeat >= 1);
            assert_true((uint32_t)f->fid + f->repeat <= 0x10000);
            assert_true(f->arr_record >= 1 && f->arr_record <= 14);
            assert_true(f->sfi <= 30);
            if (is_dir(f->type)) {
                assert_int_equal(f->size, 0);
                assert_int_equal(f->rec_len, 0);
                assert_int_equal(f->sfi, 0);
                assert_true(f->flags & TPL_F_PINSTAT);
                assert_int_equal(f->fid == 0, (f->flags & TPL_F_NEED_FID) != 0);
                continue;
            }
            assert_true(f->fid != 0);
            if (f->type == FS_EF_LINEAR || f->type == FS_EF_CYCLIC) {
                assert_int_equal(f->size, 0);
                assert_true(f->rec_len <= 255 && f->rec_count <= 254);
                assert_int_equal(f->rec_len == 0, (f->flags & TPL_F_NEED_SIZE) != 0);
                assert_int_equal(f->rec_count == 0, (f->flags & TPL_F_NEED_NBREC) != 0);
            } else {
                assert_true(f->type == FS_EF_TRANSPARENT || f->type == FS_EF_BERTLV);
                assert_int_equal(f->rec_len, 0);
                assert_int_equal(f->rec_count, 0);
                assert_true(f->size <= 0xFFFF);
                assert_int_equal(f->size == 0, (f->flags & TPL_F_NEED_SIZE) != 0);
            }
            bool has_default = f->default_len > 0 || f->has_fill;
            if (f->flags & TPL_F_CONTENT_REQUIRED)
                assert_false(has_default);
            if (f->type == FS_EF_BERTLV)
                assert_false(has_default);
            assert_int_equal(f->default_len > 0, f->default_content != NULL);
            assert_int_equal(f->tail_len > 0, f->default_tail != NULL);
            if (f->tail_len > 0)
                assert_true(f->has_fill);
            if (f->repeat_default)
                assert_true(f->default_len > 0 && !f->has_fill);
            /* the default fits the template's own unit size exactly */
            uint32_t unit = f->size != 0 ? f->size : f->rec_len;
            if (has_default && unit != 0) {
                uint8_t buf[256];
                assert_true(unit <= sizeof buf);
                assert_int_equal(template_default_content(f, unit, buf, sizeof buf), (int)unit);
                if (!f->has_fill && !f->repeat_default)
                    assert_int_equal(f->default_len, unit);
            }
        }
    }
}

/* FIDs and SFIs of the files directly in one DF, gathered over several templates */
struct dirset {
    uint16_t lo[512], hi[512];
    uint8_t sfi[512];
    size_t n;
};

static void dirset_add(struct dirset *s, const struct template_file *f)
{
    assert_true(s->n < 512);
    s->lo[s->n] = f->fid;
    s->hi[s->n] = (uint16_t)(f->fid + f->repeat - 1);
    s->sfi[s->n] = f->sfi;
    s->n++;
}

static void dirset_check(const struct dirset *s)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = i + 1; j < s->n; j++) {
            if (s->lo[i] == 0 || s->lo[j] == 0)
                continue;
            bool overlap = s->lo[i] <= s->hi[j] && s->lo[j] <= s->hi[i];
            if (overlap)
                fail_msg("FID %04X..%04X clashes with %04X..%04X", s->lo[i], s->hi[i],
                         s->lo[j], s->hi[j]);
            if (s->sfi[i] != 0 && s->sfi[i] == s->sfi[j])
                fail_msg("SFI %02X twice (%04X, %04X)", s->sfi[i], s->lo[i], s->lo[j]);
        }
}

/* children of file index `dir` (-1 = the anchor) of template t */
static void add_children(struct dirset *s, const struct template *t, int dir)
{
    for (size_t i = 0; i < t->n_files; i++) {
        if (dir == -1 && t->files[i].depth == 0)
            continue;
        if (template_parent(t, i) == dir)
            dirset_add(s, &t->files[i]);
    }
}

static void test_unique_fids_and_sfis_per_df(void **state)
{
    (void)state;
    /* inside every DF of every template */
    for (size_t ti = 0; ti < template_count(); ti++) {
        const struct template *t = template_at(ti);
        for (size_t i = 0; i < t->n_files; i++) {
            if (!is_dir(t->files[i].type))
                continue;
            struct dirset s = { .n = 0 };
            add_children(&s, t, (int)i);
            dirset_check(&s);
        }
        if (t->optional_tpl) {
            struct dirset s = { .n = 0 };
            add_children(&s, t, -1);
            dirset_check(&s);
        }
    }
    /* ADF.USIM: mandatory v1/v2 + optional v1..v3 + the DFs anchored there */
    static const char *const usim_m[] = { "2.23.143.1.2.4", "2.23.143.1.2.4.2" };
    static const char *const usim_o[] = { "2.23.143.1.2.5", "2.23.143.1.2.5.2",
                                          "2.23.143.1.2.5.3" };
    for (size_t a = 0; a < N(usim_m); a++)
        for (size_t b = 0; b < N(usim_o); b++) {
            struct dirset s = { .n = 0 };
            add_children(&s, find_str(usim_m[a]), 0);
            add_children(&s, find_str(usim_o[b]), -1);
            for (size_t ti = 0; ti < template_count(); ti++) {
                const struct template *t = template_at(ti);
                if (t->anchor == TPL_AT_ADF_USIM && !t->optional_tpl &&
                    (strncmp(t->oid_str, "2.23.143.1.2.13", 15) != 0 ||
                     strcmp(t->oid_str, "2.23.143.1.2.13.4") == 0))
                    dirset_add(&s, &t->files[0]);
            }
            dirset_check(&s);
        }
    /* ADF.ISIM: mandatory + optional v2 */
    struct dirset s = { .n = 0 };
    add_children(&s, find_str("2.23.143.1.2.8"), 0);
    add_children(&s, find_str("2.23.143.1.2.9.2"), -1);
    dirset_check(&s);
    /* ADF.CSIM: mandatory + optional */
    struct dirset cs = { .n = 0 };
    add_children(&cs, find_str("2.23.143.1.2.10"), 0);
    add_children(&cs, find_str("2.23.143.1.2.11"), -1);
    dirset_check(&cs);
    /* MF: its files + DF.CD + DF.TELECOM */
    struct dirset m = { .n = 0 };
    add_children(&m, find_str("2.23.143.1.2.1"), 0);
    dirset_add(&m, &find_str("2.23.143.1.2.2")->files[0]);
    dirset_add(&m, &find_str("2.23.143.1.2.3.2")->files[0]);
    dirset_check(&m);
}

static const struct template_file *by_fid(const char *oid, uint16_t fid)
{
    const struct template_file *f = template_file_by_fid(find_str(oid), fid);
    assert_non_null(f);
    return f;
}

static void test_spot_checks(void **state)
{
    (void)state;
    const struct template_file *f;
    /* ADF.CSIM (3GPP2 C.S0065): v1 and v2 share the rows */
    assert_ptr_equal(find_str("2.23.143.1.2.10")->files, find_str("2.23.143.1.2.10.2")->files);
    f = by_fid("2.23.143.1.2.10", 0x6F22);
    assert_string_equal(f->pe_name, "ef-imsi-m");
    assert_int_equal(f->type, FS_EF_TRANSPARENT);
    assert_int_equal(f->size, 10);
    assert_int_equal(f->sfi, 0x04);
    assert_int_equal(f->pe_tag, 5);
    f = by_fid("2.23.143.1.2.10", 0x6F21);
    assert_int_equal(f->type, FS_EF_CYCLIC);
    assert_int_equal(f->rec_len, 2);
    assert_int_equal(f->arr_record, 7);                 /* increase allowed */
    f = by_fid("2.23.143.1.2.10", 0x6F73);
    assert_string_equal(f->pe_name, "ef-call-prompt");
    assert_int_equal(f->pe_tag, 36);                    /* BF24 */
    assert_true(f->flags & TPL_F_NEED_SIZE);
    f = by_fid("2.23.143.1.2.11", 0x6F8D);
    assert_string_equal(f->pe_name, "ef-jdl");
    assert_int_equal(f->pe_tag, 68);                    /* BF44 */
    f = by_fid("2.23.143.1.2.11", 0x6F41);
    assert_int_equal(f->size, 35);
    assert_int_equal(f->sfi, 0x08);
    /* MF (TS 102 221) */
    f = by_fid("2.23.143.1.2.1", 0x2FE2);
    assert_string_equal(f->name, "EF.ICCID");
    assert_int_equal(f->type, FS_EF_TRANSPARENT);
    assert_int_equal(f->size, 10);
    assert_true(f->flags & TPL_F_CONTENT_REQUIRED);
    f = by_fid("2.23.143.1.2.1", 0x2F00);
    assert_string_equal(f->name, "EF.DIR");
    assert_int_equal(f->type, FS_EF_LINEAR);
    assert_int_equal(f->sfi, 0x1E);
    f = by_fid("2.23.143.1.2.1", 0x2F06);
    assert_string_equal(f->name, "EF.ARR");
    assert_int_equal(f->type, FS_EF_LINEAR);
    f = by_fid("2.23.143.1.2.1", 0x3F00);
    assert_int_equal(f->type, FS_MF);
    assert_int_equal(find_str("2.23.143.1.2.1")->anchor, TPL_AT_ROOT);
    /* USIM (TS 31.102) */
    static const char *const usims[] = { "2.23.143.1.2.4", "2.23.143.1.2.4.2" };
    for (size_t i = 0; i < N(usims); i++) {
        const struct template *t = find_str(usims[i]);
        assert_true(t->created_by_default);
        assert_int_equal(t->pe_tag, 0xB3);
        assert_int_equal(t->files[0].type, FS_ADF);
        f = by_fid(usims[i], 0x6F07);
        assert_string_equal(f->name, "EF.IMSI");
        assert_int_equal(f->type, FS_EF_TRANSPARENT);
        assert_int_equal(f->size, 9);
        assert_int_equal(f->sfi, 0x07);
        assert_int_equal(f->pe_tag, 3);
        f = by_fid(usims[i], 0x6FAD);
        assert_string_equal(f->name, "EF.AD");
        assert_int_equal(f->sfi, 0x03);
        f = by_fid(usims[i], 0x6F38);
        assert_string_equal(f->name, "EF.UST");
        assert_int_equal(f->sfi, 0x04);
        assert_int_equal(f->size, i == 0 ? 14 : 17);
        f = by_fid(usims[i], 0x6F56);
        assert_string_equal(f->name, "EF.EST");
        assert_int_equal(f->sfi, 0x05);
        assert_int_equal(f->size, 1);
        f = by_fid(usims[i], 0x6F78);
        assert_int_equal(f->size, 2);
        assert_int_equal(f->sfi, 0x06);
        f = by_fid(usims[i], 0x6FB7);
        assert_string_equal(f->name, "EF.ECC");
        assert_int_equal(f->type, FS_EF_LINEAR);
        assert_int_equal(f->sfi, 0x01);
        f = by_fid(usims[i], 0x6F06);
        assert_int_equal(f->sfi, 0x17);
        assert_int_equal(f->type, FS_EF_LINEAR);
    }
    f = by_fid("2.23.143.1.2.5.3", 0x6F01);
    assert_string_equal(f->pe_name, "ef-eaka");
    f = by_fid("2.23.143.1.2.5.2", 0x6FCC);
    assert_string_equal(f->name, "EF.EXT7");
    /* ISIM (TS 31.103) */
    f = by_fid("2.23.143.1.2.8", 0x6F02);
    assert_string_equal(f->name, "EF.IMPI");
    assert_int_equal(f->sfi, 0x02);
    f = by_fid("2.23.143.1.2.8", 0x6F04);
    assert_string_equal(f->name, "EF.IMPU");
    assert_int_equal(f->type, FS_EF_LINEAR);
    assert_int_equal(f->sfi, 0x04);
    f = by_fid("2.23.143.1.2.8", 0x6F03);
    assert_string_equal(f->name, "EF.DOMAIN");
    assert_int_equal(f->sfi, 0x05);
    f = by_fid("2.23.143.1.2.8", 0x6F07);
    assert_string_equal(f->name, "EF.IST");
    assert_int_equal(find_str("2.23.143.1.2.9.2")->anchor, TPL_AT_ADF_ISIM);
    /* DFs under ADF.USIM */
    assert_int_equal(find_str("2.23.143.1.2.13.4")->files[0].fid, 0x5FC0);
    assert_int_equal(find_str("2.23.143.1.2.14")->files[0].fid, 0x5FD0);
    assert_int_equal(find_str("2.23.143.1.2.15")->files[0].fid, 0x5FE0);
    assert_int_equal(find_str("2.23.143.1.2.16")->files[0].fid, 0x5FF0);
    assert_int_equal(find_str("2.23.143.1.2.16")->pe_tag, 0xBF1F);
    assert_int_equal(find_str("2.23.143.1.2.6")->files[0].fid, 0x5F3A);
    assert_int_equal(find_str("2.23.143.1.2.7")->files[0].fid, 0x5F3B);
    assert_int_equal(find_str("2.23.143.1.2.3")->files[0].fid, 0x7F10);
    f = by_fid("2.23.143.1.2.13.4", 0x4F07);
    assert_string_equal(f->name, "EF.SUCI_Calc_Info");
}

static void test_lookups(void **state)
{
    (void)state;
    const struct template *usim = find_str("2.23.143.1.2.4.2");
    const struct template *tel = find_str("2.23.143.1.2.3.2");
    const struct template *cd = find_str("2.23.143.1.2.2");
    const struct template *opt = find_str("2.23.143.1.2.5.3");
    assert_string_equal(template_file_by_tag(usim, 3)->name, "EF.IMSI");
    assert_string_equal(template_file_by_tag(usim, 8)->name, "EF.UST");
    assert_string_equal(template_file_by_tag(usim, 2)->name, "ADF.USIM");
    assert_null(template_file_by_tag(usim, 26));
    assert_null(template_file_by_tag(usim, 0));
    assert_null(template_file_by_tag(NULL, 3));
    assert_string_equal(template_file_by_tag(tel, 25)->name, "EF.PBC");
    assert_string_equal(template_file_by_tag(tel, 47)->pe_name, "ef-v2xp-Uu");
    assert_string_equal(template_file_by_tag(opt, 87)->name, "EF.eAKA");
    assert_string_equal(template_file_by_tag(find_str("2.23.143.1.2.1"), 4)->name,
                        "EF.ICCID");
    /* repeat ranges */
    assert_string_equal(template_file_by_fid(cd, 0x6F40)->name, "EF.ICON");
    assert_string_equal(template_file_by_fid(cd, 0x6F7E)->name, "EF.ICON");
    assert_null(template_file_by_fid(cd, 0x6F7F));
    assert_null(template_file_by_fid(cd, 0x6F3F));
    assert_null(template_file_by_fid(NULL, 0x6F40));
    assert_null(template_file_by_fid(usim, 0));
    /* parents */
    const struct template_file *mlpl = template_file_by_tag(tel, 37);
    int p = template_parent(tel, (size_t)(mlpl - tel->files));
    assert_string_equal(tel->files[p].name, "DF.MMSS");
    const struct template_file *pbr = template_file_by_tag(tel, 16);
    p = template_parent(tel, (size_t)(pbr - tel->files));
    assert_string_equal(tel->files[p].name, "DF.PHONEBOOK");
    p = template_parent(tel, (size_t)(template_file_by_tag(tel, 15) - tel->files));
    assert_int_equal(p, 0);
    assert_int_equal(template_parent(usim, 1), 0);
    assert_int_equal(template_parent(usim, 0), -1);
    assert_int_equal(template_parent(opt, 0), -1);
    assert_int_equal(template_parent(usim, usim->n_files), -1);
    assert_int_equal(template_parent(NULL, 0), -1);
}

static void test_default_content(void **state)
{
    (void)state;
    uint8_t buf[64];
    const struct template *usim = find_str("2.23.143.1.2.4.2");
    /* prefix + fill: EF.Keys = 07 FF.. */
    const struct template_file *keys = template_file_by_fid(usim, 0x6F08);
    assert_int_equal(template_default_content(keys, 33, buf, sizeof buf), 33);
    assert_int_equal(buf[0], 0x07);
    for (int i = 1; i < 33; i++)
        assert_int_equal(buf[i], 0xFF);
    /* fill + tail: EF.ICI record FF.. 00 00 00 00 01 FF FF */
    const struct template_file *ici =
        template_file_by_fid(find_str("2.23.143.1.2.5"), 0x6F80);
    assert_int_equal(template_default_content(ici, 38, buf, sizeof buf), 38);
    static const uint8_t ici_tail[7] = { 0, 0, 0, 0, 1, 0xFF, 0xFF };
    assert_memory_equal(buf + 31, ici_tail, 7);
    assert_int_equal(buf[30], 0xFF);
    assert_int_equal(template_default_content(ici, 6, buf, sizeof buf), -1);
    /* repeated pattern: EF.PLMNwAcT */
    const struct template_file *pw =
        template_file_by_fid(find_str("2.23.143.1.2.5.2"), 0x6F60);
    assert_int_equal(template_default_content(pw, 12, buf, sizeof buf), 12);
    static const uint8_t pw12[12] = { 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF,
                                      0xFF };
    assert_memory_equal(buf, pw12, 12);
    /* exact: EF.AD; a larger unit gets FF after it; a smaller one is refused */
    const struct template_file *ad = template_file_by_fid(usim, 0x6FAD);
    static const uint8_t ad5[5] = { 0, 0, 0, 2, 0xFF };
    assert_int_equal(template_default_content(ad, 4, buf, sizeof buf), 4);
    assert_int_equal(template_default_content(ad, 5, buf, sizeof buf), 5);
    assert_memory_equal(buf, ad5, 5);
    assert_int_equal(template_default_content(ad, 3, buf, sizeof buf), -1);
    /* fill only: EF.FPLMN */
    const struct template_file *fpl = template_file_by_fid(usim, 0x6F7B);
    assert_int_equal(template_default_content(fpl, 12, buf, sizeof buf), 12);
    assert_int_equal(buf[11], 0xFF);
    /* no default / empty unit / bad arguments */
    assert_int_equal(template_default_content(template_file_by_fid(usim, 0x6F07), 9, buf,
                                              sizeof buf), 0);
    assert_int_equal(template_default_content(keys, 0, buf, sizeof buf), 0);
    assert_int_equal(template_default_content(keys, 33, buf, 32), -1);
    assert_int_equal(template_default_content(keys, 33, NULL, 64), -1);
    assert_int_equal(template_default_content(NULL, 4, buf, sizeof buf), -1);
}

/* ---- cross-check against the real TS.48 profiles (skipped when ../shared is absent):
 * every file a file-system PE describes maps, by its PE field tag, to a template entry
 * of the same structure and (outside DF.PHONEBOOK, whose FIDs are the profile's choice)
 * the same FID range. */

static uint8_t fd_type(uint8_t fd)
{
    switch (fd & 0xBF) {
    case 0x01: return FS_EF_TRANSPARENT;
    case 0x02: return FS_EF_LINEAR;
    case 0x06: return FS_EF_CYCLIC;
    case 0x39: return FS_EF_BERTLV;
    case 0x38: return 0; /* DF or ADF */
    default: return 0xFF;
    }
}

static bool in_phonebook(const struct template *t, const struct template_file *f)
{
    int p = template_parent(t, (size_t)(f - t->files));
    return p >= 0 && t->files[p].fid == 0x5F3A;
}

static unsigned check_pe(uint32_t pe_tag, const uint8_t *v, size_t len)
{
    struct tlv_cursor c;
    struct tlv f, oid;
    unsigned checked = 0;
    if (!tlv_find(v, len, 0x81, &oid))
        return 0;
    const struct template *t = template_find(oid.value, oid.len);
    assert_non_null(t);
    assert_int_equal(t->pe_tag, pe_tag);
    tlv_cursor_init(&c, v, len);
    while (tlv_next(&c, &f)) {
        unsigned n = (f.tag > 0xFF) ? (f.tag & 0x7F) : (f.tag & 0x1F);
        if (f.tag == 0xA0 || f.tag == 0x81)
            continue;
        const struct template_file *tf = template_file_by_tag(t, (uint8_t)n);
        if (tf == NULL)
            fail_msg("%s: no entry for PE field tag %u", t->name, n);
        struct tlv_cursor fc;
        struct tlv choice, el;
        tlv_cursor_init(&fc, f.value, f.len);
        while (tlv_next(&fc, &choice)) {
            if (choice.tag != 0xA1)
                continue;
            if (tlv_find(choice.value, choice.len, 0x83, &el) && el.len == 2 && tf->fid != 0 &&
                !in_phonebook(t, tf)) {
                uint16_t fid = (uint16_t)(el.value[0] << 8 | el.value[1]);
                if (fid < tf->fid || fid >= tf->fid + tf->repeat)
                    fail_msg("%s %s: profile FID %04X, template %04X", t->name, tf->name, fid,
                             tf->fid);
                checked++;
            }
            if (tlv_find(choice.value, choice.len, 0x82, &el) && el.len >= 1) {
                uint8_t ty = fd_type(el.value[0]);
                bool dir = tf->type == FS_MF || tf->type == FS_DF || tf->type == FS_ADF;
                if ((dir && ty != 0) || (!dir && ty != tf->type))
                    fail_msg("%s %s: profile structure %02X, template %u", t->name, tf->name,
                             el.value[0], tf->type);
            }
        }
    }
    return checked;
}

static void test_ts48_profiles_match(void **state)
{
    (void)state;
    static const char *const names[] = {
        "TS48V1-A-UNIQUE.der", "TS48V2-SAIP2-3-BERTLV-UNIQUE.der",
        "TS48V3-SAIP2-1-NOBERTLV-UNIQUE.der", "TS48V3-SAIP2-3-BERTLV-UNIQUE.der",
    };
    unsigned checked = 0;
    for (size_t i = 0; i < N(names); i++) {
        char path[512];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/profiles/ts48/%s", tu_shared_dir(), names[i]);
        uint8_t *d = tu_read_file(path, &len);
        if (d == NULL) {
            printf("SKIP: %s not found (set EUICC_EMU_SHARED)\n", path);
            skip();
        }
        struct tlv_cursor c;
        struct tlv pe;
        tlv_cursor_init(&c, d, len);
        while (tlv_next(&c, &pe))
            if ((pe.tag >= 0xB0 && pe.tag <= 0xBE) || (pe.tag >= 0xBF1F && pe.tag <= 0xBF21))
                checked += check_pe(pe.tag, pe.value, pe.len);
        assert_false(c.error);
        free(d);
    }
    assert_true(checked > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_oid_known),
        cmocka_unit_test(test_unknown_oids),
        cmocka_unit_test(test_table_sanity),
        cmocka_unit_test(test_unique_fids_and_sfis_per_df),
        cmocka_unit_test(test_spot_checks),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_default_content),
        cmocka_unit_test(test_ts48_profiles_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
