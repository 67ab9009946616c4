/* tests/unit/uicc_ts48/test_ts48_sim.c — an enabled profile behaves as the SIM its UPP
 * describes, seen by a terminal through card_transmit().
 *
 * For every profile of <shared>/profiles/ts48 (and the project's own full-milenage and
 * full-tuak DERs, EUICC_EMU_PROFILES): a real download (tests/common/download_driver)
 * or, for the TS.48 profiles a second time, the direct preload path (isdp_preload, what
 * `euicc-emu --preload FILE` uses), then ES10c Enable, and the same checks for both: then on the basic channel and on a logical channel opened with MANAGE
 * CHANNEL: SELECT MF (FCP), EF.ICCID = the header's ICCID, EF.DIR lists the USIM (and
 * ISIM) AIDs, SELECT ADF.USIM by full and partial AID, EF.IMSI = the usim PE's content,
 * VERIFY without data = the pinCodes PE's state, AUTHENTICATE (3G) with a network-side
 * AUTN; ADF.ISIM: EF.IMPI / EF.IMPU contents, AUTHENTICATE.
 * The expected values come from this file's own parse of the UPP (card/tlv.h) and its
 * own AKA (USIM test algorithm of TS 34.108 §8.1.2; Milenage f1..f5 on OpenSSL AES,
 * checked first against TS 35.208 test set 1) — never from the card's image or
 * crypto/aka.c.
 * Then: an EF whose EF.ARR rule asks PIN1 for UPDATE answers 6982 until PIN1 is
 * verified; a wrong PIN1 costs a try that survives a power loss; disable hides
 * ADF.USIM, enable brings it back; two installed profiles keep their own files and PINs.
 * Skips with a message when <shared> is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "card/card.h"
#include "card/tlv.h"
#include "isd-p/isdp.h"
#include "tests/common/download_driver.h"
#include "tests/common/test_util.h"

#define FILL_MAX 2048

/* ------------------------------------------------------------- expected values */

struct fill {                     /* a File's fillFileOffset/fillFileContent */
    bool present;
    uint8_t data[FILL_MAX];
    bool set[FILL_MAX];
    size_t end;                   /* one past the last byte filled */
};

struct pin_exp {
    bool present;
    uint8_t value[8];
    bool enabled;                 /* pinAttributes b1 */
    unsigned max, left;
};

struct expect {
    uint8_t iccid[10];            /* EF.ICCID coding (nibbles swapped) */
    struct fill imsi, impi, impu;
    bool has_isim;
    struct pin_exp pin1;
    int alg;                      /* akaParameter algorithmID of the first NAA */
    uint8_t k[32], opc[32];
    size_t k_len, opc_len;
};

/* Apply a File (SEQUENCE OF CHOICE { doNotCreate [0], fileDescriptor [1],
 * fillFileOffset [2], fillFileContent [3] }) to f. */
static void file_fills(const struct tlv *file, struct fill *f)
{
    struct tlv_cursor cur;
    struct tlv t;
    size_t off = 0;
    memset(f, 0, sizeof *f);
    f->present = true;
    assert_true(tlv_enter(file, &cur));
    while (tlv_next(&cur, &t)) {
        if (t.tag == 0x82) {
            uint32_t v;
            assert_true(tlv_get_uint(t.value, t.len, &v));
            off += v;
        } else if (t.tag == 0x83) {
            assert_true(off + t.len <= FILL_MAX);
            memcpy(f->data + off, t.value, t.len);
            for (size_t i = 0; i < t.len; i++)
                f->set[off + i] = true;
            off += t.len;
            if (off > f->end)
                f->end = off;
        }
    }
    assert_false(cur.error);
}

/* The n-th (1-based) child of a constructed TLV with the given tag. */
static bool child(const struct tlv *pe, uint32_t tag, struct tlv *out)
{
    struct tlv_cursor cur;
    assert_true(tlv_enter(pe, &cur));
    while (tlv_next(&cur, out))
        if (out->tag == tag)
            return true;
    return false;
}

static void parse_pins(const struct tlv *pe, struct pin_exp *pin1)
{
    struct tlv codes, conf, e, f;
    struct tlv_cursor cur, in;
    if (!child(pe, 0xA1, &codes) || !child(&codes, 0xA0, &conf))
        return;                                   /* filePath form: nothing defined */
    assert_true(tlv_enter(&conf, &cur));
    while (tlv_next(&cur, &e)) {
        uint32_t ref = 0, attrs = 7, ml = 0x33;
        const uint8_t *val = NULL;
        assert_int_equal(e.tag, 0x30);
        assert_true(tlv_enter(&e, &in));
        while (tlv_next(&in, &f)) {
            if (f.tag == 0x80)
                assert_true(tlv_get_uint(f.value, f.len, &ref));
            else if (f.tag == 0x81 && f.len == 8)
                val = f.value;
            else if (f.tag == 0x83)
                assert_true(tlv_get_uint(f.value, f.len, &attrs));
            else if (f.tag == 0x84)
                assert_true(tlv_get_uint(f.value, f.len, &ml));
        }
        if (ref == 1 && !pin1->present && val != NULL) {
            pin1->present = true;
            memcpy(pin1->value, val, 8);
            pin1->enabled = (attrs & 1) != 0;
            pin1->max = (ml >> 4) & 0x0F;
            pin1->left = ml & 0x0F;
        }
    }
}

static void parse_upp(const uint8_t *upp, size_t len, struct expect *x)
{
    struct tlv_cursor cur;
    struct tlv pe, t, a, b;
    memset(x, 0, sizeof *x);
    tlv_cursor_init(&cur, upp, len);
    while (tlv_next(&cur, &pe)) {
        switch (pe.tag) {
        case 0xA0:                                        /* header: iccid [3] */
            assert_true(child(&pe, 0x83, &t));
            assert_int_equal(t.len, 10);
            for (int i = 0; i < 10; i++)
                x->iccid[i] = (uint8_t)((t.value[i] << 4) | (t.value[i] >> 4));
            break;
        case 0xB3:                                        /* usim: ef-imsi [3] */
            if (child(&pe, 0xA3, &t))
                file_fills(&t, &x->imsi);
            break;
        case 0xB5:                                        /* isim: ef-impi, ef-impu */
            x->has_isim = true;
            if (child(&pe, 0xA3, &t))
                file_fills(&t, &x->impi);
            if (child(&pe, 0xA4, &t))
                file_fills(&t, &x->impu);
            break;
        case 0xA2:                                        /* pinCodes */
            parse_pins(&pe, &x->pin1);
            break;
        case 0xA4:                                        /* akaParameter */
            if (x->alg == 0 && child(&pe, 0xA1, &a) && child(&a, 0xA1, &b)) {
                uint32_t alg;
                assert_true(child(&b, 0x80, &t));
                assert_true(tlv_get_uint(t.value, t.len, &alg));
                x->alg = (int)alg;
                assert_true(child(&b, 0x82, &t));
                assert_true(t.len <= 32);
                memcpy(x->k, t.value, t.len);
                x->k_len = t.len;
                assert_true(child(&b, 0x83, &t));
                assert_true(t.len <= 32);
                memcpy(x->opc, t.value, t.len);
                x->opc_len = t.len;
            }
            break;
        default:
            break;
        }
    }
    assert_false(cur.error);
}

/* -------------------------------------------------------- independent AKA (test) */

struct net_out {
    uint8_t autn[16], res[16], ck[16], ik[16], kc[8];
    size_t res_len;
};

/* TS 34.108 §8.1.2: XDOUT = K xor RAND; RES = XDOUT; CK = XDOUT <<< 8; IK = XDOUT <<< 16;
 * AK = XDOUT[24..71]; MAC = XDOUT[0..63] xor (SQN || AMF). */
static void testalg(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
                    const uint8_t amf[2], struct net_out *o)
{
    uint8_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = k[i] ^ rand[i];
    for (int i = 0; i < 6; i++)
        o->autn[i] = sqn[i] ^ x[3 + i];
    o->autn[6] = amf[0];
    o->autn[7] = amf[1];
    for (int i = 0; i < 8; i++)
        o->autn[8 + i] = x[i] ^ (i < 6 ? sqn[i] : amf[i - 6]);
    memcpy(o->res, x, 16);
    o->res_len = 16;
    for (int i = 0; i < 16; i++) {
        o->ck[i] = x[(i + 1) % 16];
        o->ik[i] = x[(i + 2) % 16];
    }
}

/* -------------------------------------------------------- independent Milenage */

static void aes128(const uint8_t k[16], const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    assert_non_null(c);
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k, NULL), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_EncryptUpdate(c, out, &n, in, 16), 1);
    assert_int_equal(n, 16);
    EVP_CIPHER_CTX_free(c);
}

/* rotate a 128-bit value left by r bits (r multiple of 8 for the defaults) */
static void rot(const uint8_t in[16], unsigned r, uint8_t out[16])
{
    for (int i = 0; i < 16; i++)
        out[i] = in[(i + r / 8) % 16];
}

/* TS 35.206 with the default r/c constants: OUT_n = E_K(rot(TEMP xor OPc, r_n) xor
 * c_n) xor OPc; f1 from IN1 = SQN||AMF||SQN||AMF. */
static void milenage(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
                     const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8],
                     uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6])
{
    static const unsigned r[5] = {64, 0, 32, 64, 96};
    uint8_t temp[16], t[16], x[16], out[5][16], in1[16];
    for (int i = 0; i < 16; i++)
        t[i] = rand[i] ^ opc[i];
    aes128(k, t, temp);
    memcpy(in1, sqn, 6);
    memcpy(in1 + 6, amf, 2);
    memcpy(in1 + 8, sqn, 6);
    memcpy(in1 + 14, amf, 2);
    for (int n = 0; n < 5; n++) {
        for (int i = 0; i < 16; i++)
            t[i] = (uint8_t)((n == 0 ? in1[i] : temp[i]) ^ opc[i]);
        rot(t, r[n], x);
        if (n == 0) {
            for (int i = 0; i < 16; i++)
                x[i] ^= temp[i];
        } else {
            x[15] ^= (uint8_t)(1u << (n - 1));    /* c2..c5 = 1, 2, 4, 8 */
        }
        aes128(k, x, out[n]);
        for (int i = 0; i < 16; i++)
            out[n][i] ^= opc[i];
    }
    memcpy(mac_a, out[0], 8);
    memcpy(res, out[1] + 8, 8);
    memcpy(ak, out[1], 6);
    memcpy(ck, out[2], 16);
    memcpy(ik, out[3], 16);
}

/* TS 35.208 §4.3 test set 1 */
#define M1_K    "465b5ce8b199b49faa5f0a2ee238a6bc"
#define M1_OPC  "cd63cb71954a9f4e48a5994e37a02baf"
#define M1_RAND "23553cbe9637a89d218ae64dae47bf35"
#define M1_SQN  "ff9bb4d0b607"
#define M1_AMF  "b9b9"
#define M1_F1   "4a9ffac354dfafb3"
#define M1_F2   "a54211d5e3ba50bf"
#define M1_F3   "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define M1_F4   "f769bcd751044604127672711c6d3441"
#define M1_F5   "aa689c648370"

static void test_milenage_set1_self(void **state)
{
    (void)state;
    uint8_t k[16], opc[16], rnd[16], sqn[6], amf[2], mac[8], res[8], ck[16], ik[16], ak[6];
    uint8_t e[16];
    tu_unhex(M1_K, k, 16);
    tu_unhex(M1_OPC, opc, 16);
    tu_unhex(M1_RAND, rnd, 16);
    tu_unhex(M1_SQN, sqn, 6);
    tu_unhex(M1_AMF, amf, 2);
    milenage(k, opc, rnd, sqn, amf, mac, res, ck, ik, ak);
    assert_memory_equal(mac, e, tu_unhex(M1_F1, e, 16));
    assert_memory_equal(res, e, tu_unhex(M1_F2, e, 16));
    assert_memory_equal(ck, e, tu_unhex(M1_F3, e, 16));
    assert_memory_equal(ik, e, tu_unhex(M1_F4, e, 16));
    assert_memory_equal(ak, e, tu_unhex(M1_F5, e, 16));
}

/* ---------------------------------------------------------------- the terminal */

struct t {
    struct dl d;
    uint32_t seq;                 /* network SQN counter (SEQ part) */
    uint8_t data[4096];
    size_t len;
};

/* One command on a channel (CLA b1..b2 = channel 0..3); 61xx answered by GET RESPONSE.
 * Returns the SW; the data in t->data / t->len. */
static unsigned tx(struct t *t, uint8_t ch, const uint8_t *cmd, size_t n)
{
    static uint8_t c[300], r[4096 + 2];
    assert_true(n <= sizeof c);
    memcpy(c, cmd, n);
    c[0] = (uint8_t)((c[0] & 0xFC) | ch);
    size_t rl = card_transmit(t->d.card, c, n, r, sizeof r);
    assert_true(rl >= 2);
    unsigned sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
    t->len = rl - 2;
    memcpy(t->data, r, t->len);
    while ((sw >> 8) == 0x61) {
        uint8_t g[5] = {ch, 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xFF)};
        rl = card_transmit(t->d.card, g, 5, r, sizeof r);
        assert_true(rl >= 2);
        sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
        memcpy(t->data + t->len, r, rl - 2);
        t->len += rl - 2;
    }
    return sw;
}

static unsigned txh(struct t *t, uint8_t ch, const char *hex)
{
    uint8_t b[300];
    size_t n = tu_unhex(hex, b, sizeof b);
    return tx(t, ch, b, n);
}

static unsigned select_fid(struct t *t, uint8_t ch, uint16_t fid)
{
    uint8_t c[] = {0x00, 0xA4, 0x00, 0x04, 0x02, (uint8_t)(fid >> 8), (uint8_t)fid};
    return tx(t, ch, c, sizeof c);
}

static unsigned select_aid(struct t *t, uint8_t ch, const uint8_t *aid, size_t n)
{
    uint8_t c[5 + 16] = {0x00, 0xA4, 0x04, 0x04, (uint8_t)n};
    memcpy(c + 5, aid, n);
    return tx(t, ch, c, 5 + n);
}

/* FCP of the last SELECT: file descriptor (82) → type byte, record size, count. */
static void fcp_desc(struct t *t, uint8_t *fdb, size_t *rec_len, size_t *nrec, size_t *size)
{
    struct tlv fcp, d;
    assert_true(tlv_parse(t->data, t->len, &fcp));
    assert_int_equal(fcp.tag, 0x62);
    assert_true(tlv_find(fcp.value, fcp.len, 0x82, &d));
    *fdb = d.value[0];
    *rec_len = d.len >= 5 ? (size_t)(d.value[2] << 8 | d.value[3]) : 0;
    *nrec = d.len >= 5 ? d.value[4] : 0;
    *size = 0;
    if (tlv_find(fcp.value, fcp.len, 0x80, &d))
        for (size_t i = 0; i < d.len; i++)
            *size = *size << 8 | d.value[i];
}

/* Read the selected EF whole: transparent by READ BINARY, records concatenated. */
static size_t read_ef(struct t *t, uint8_t ch, uint8_t *out, size_t cap)
{
    uint8_t fdb;
    size_t rl, nrec, size, n = 0;
    fcp_desc(t, &fdb, &rl, &nrec, &size);
    if ((fdb & 0x07) == 0x01) {
        while (n < size) {
            size_t chunk = size - n > 255 ? 255 : size - n;
            uint8_t c[] = {0x00, 0xB0, (uint8_t)(n >> 8), (uint8_t)n, (uint8_t)chunk};
            assert_int_equal(tx(t, ch, c, sizeof c), 0x9000);
            assert_int_equal(t->len, chunk);
            assert_true(n + chunk <= cap);
            memcpy(out + n, t->data, chunk);
            n += chunk;
        }
        return n;
    }
    for (size_t r = 1; r <= nrec; r++) {
        uint8_t c[] = {0x00, 0xB2, (uint8_t)r, 0x04, (uint8_t)rl};
        assert_int_equal(tx(t, ch, c, sizeof c), 0x9000);
        assert_int_equal(t->len, rl);
        assert_true(n + rl <= cap);
        memcpy(out + n, t->data, rl);
        n += rl;
    }
    return n;
}

static void check_fill(const char *what, const uint8_t *got, size_t n, const struct fill *f)
{
    if (f->end > n)
        fail_msg("%s: %zu octets, the profile fills %zu", what, n, f->end);
    for (size_t i = 0; i < f->end; i++)
        if (f->set[i] && got[i] != f->data[i])
            fail_msg("%s: octet %zu is %02X, the profile says %02X", what, i, got[i],
                     f->data[i]);
}

struct aids {
    uint8_t usim[16], isim[16];
    size_t usim_len, isim_len;
};

static const uint8_t USIM_RID[7] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02};
static const uint8_t ISIM_RID[7] = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04};

static void read_ef_dir(struct t *t, uint8_t ch, struct aids *a)
{
    uint8_t buf[2048];
    uint8_t fdb;
    size_t rl, nrec, size;
    memset(a, 0, sizeof *a);
    assert_int_equal(txh(t, ch, "00A40004023F00"), 0x9000);     /* leaves any applet */
    assert_int_equal(select_fid(t, ch, 0x2F00), 0x9000);
    fcp_desc(t, &fdb, &rl, &nrec, &size);
    size_t n = read_ef(t, ch, buf, sizeof buf);
    for (size_t off = 0; off + rl <= n; off += rl) {
        struct tlv app, aid;
        if (buf[off] != 0x61 || !tlv_parse(buf + off, rl, &app) ||
            !tlv_find(app.value, app.len, 0x4F, &aid) || aid.len < 7 || aid.len > 16)
            continue;
        if (memcmp(aid.value, USIM_RID, 7) == 0 && a->usim_len == 0) {
            memcpy(a->usim, aid.value, aid.len);
            a->usim_len = aid.len;
        } else if (memcmp(aid.value, ISIM_RID, 7) == 0 && a->isim_len == 0) {
            memcpy(a->isim, aid.value, aid.len);
            a->isim_len = aid.len;
        }
    }
}

/* AUTHENTICATE 3G on the ADF selected on ch, network side computed here. */
static void authenticate(struct t *t, uint8_t ch, const struct expect *x, bool usim)
{
    uint8_t rnd[16], sqn[6], amf[2] = {0x80, 0x00}, c[5 + 34], e[16];
    struct net_out o;
    memset(&o, 0, sizeof o);
    for (int i = 0; i < 16; i++)
        rnd[i] = (uint8_t)(0x11 * i + t->seq);
    t->seq++;
    uint64_t s = (uint64_t)t->seq << 5 | (t->seq & 0x1F);
    for (int i = 0; i < 6; i++)
        sqn[i] = (uint8_t)(s >> (40 - 8 * i));
    if (x->alg == 3) {
        testalg(x->k, rnd, sqn, amf, &o);
    } else if (x->alg == 1) {
        uint8_t mac[8], ak[6];
        tu_unhex(M1_RAND, rnd, 16);                /* TS 35.208 set 1: f2..f5 published */
        milenage(x->k, x->opc, rnd, sqn, amf, mac, o.res, o.ck, o.ik, ak);
        assert_memory_equal(o.res, e, tu_unhex(M1_F2, e, 16));
        assert_memory_equal(o.ck, e, tu_unhex(M1_F3, e, 16));
        assert_memory_equal(o.ik, e, tu_unhex(M1_F4, e, 16));
        assert_memory_equal(ak, e, tu_unhex(M1_F5, e, 16));
        o.res_len = 8;
        for (int i = 0; i < 6; i++)
            o.autn[i] = sqn[i] ^ ak[i];
        memcpy(o.autn + 6, amf, 2);
        memcpy(o.autn + 8, mac, 8);
    } else {
        print_message("    (algorithm %d: no independent implementation here, AUTHENTICATE "
                      "not checked)\n", x->alg);
        return;
    }
    for (int i = 0; i < 8; i++)                   /* c3 */
        o.kc[i] = o.ck[i] ^ o.ck[i + 8] ^ o.ik[i] ^ o.ik[i + 8];
    c[0] = 0x00; c[1] = 0x88; c[2] = 0x00; c[3] = 0x81; c[4] = 34;
    c[5] = 16;
    memcpy(c + 6, rnd, 16);
    c[22] = 16;
    memcpy(c + 23, o.autn, 16);
    assert_int_equal(tx(t, ch, c, sizeof c), 0x9000);
    const uint8_t *r = t->data;
    assert_true(t->len >= 2 + o.res_len + 34);
    assert_int_equal(r[0], 0xDB);
    assert_int_equal(r[1], o.res_len);
    assert_memory_equal(r + 2, o.res, o.res_len);
    r += 2 + o.res_len;
    assert_int_equal(r[0], 16);
    assert_memory_equal(r + 1, o.ck, 16);
    assert_int_equal(r[17], 16);
    assert_memory_equal(r + 18, o.ik, 16);
    r += 34;
    size_t rest = t->len - (size_t)(r - t->data);
    if (usim && rest > 0) {                       /* Kc when GSM access is offered */
        assert_int_equal(rest, 9);
        assert_int_equal(r[0], 8);
        assert_memory_equal(r + 1, o.kc, 8);
    } else {
        assert_int_equal(rest, 0);
    }
    /* the same AUTN again is a replay: synchronisation failure DC 0E AUTS */
    assert_int_equal(tx(t, ch, c, sizeof c), 0x9000);
    assert_int_equal(t->data[0], 0xDC);
}

/* VERIFY PIN1 without data: what the pinCodes PE says (or what the test changed). */
static void expect_pin1_status(struct t *t, uint8_t ch, bool enabled, unsigned left)
{
    unsigned sw = txh(t, ch, "0020000100");
    if (!enabled)
        assert_int_equal(sw, 0x9000);
    else
        assert_int_equal(sw, 0x63C0 | left);
}

/* The terminal's walk over the profile on channel ch. */
static void terminal_walk(struct t *t, uint8_t ch, const struct expect *x, bool pin_verified)
{
    uint8_t buf[FILL_MAX];
    struct aids a;
    size_t n;
    /* MF with FCP */
    assert_int_equal(txh(t, ch, "00A40004023F00"), 0x9000);
    assert_true(t->len > 2 && t->data[0] == 0x62);
    /* EF.ICCID */
    assert_int_equal(select_fid(t, ch, 0x2FE2), 0x9000);
    n = read_ef(t, ch, buf, sizeof buf);
    assert_int_equal(n, 10);
    assert_memory_equal(buf, x->iccid, 10);
    /* EF.DIR */
    read_ef_dir(t, ch, &a);
    assert_true(a.usim_len > 0);
    assert_int_equal(a.isim_len > 0, x->has_isim);
    /* ADF.USIM by partial AID (RID + app code) then full AID */
    assert_int_equal(txh(t, ch, "00A40004023F00"), 0x9000);
    assert_int_equal(select_aid(t, ch, a.usim, 7), 0x9000);
    assert_true(t->len > 2 && t->data[0] == 0x62);
    assert_int_equal(select_aid(t, ch, a.usim, a.usim_len), 0x9000);
    {   /* the FCP names the ADF by its full AID */
        struct tlv fcp, df;
        assert_true(tlv_parse(t->data, t->len, &fcp));
        assert_true(tlv_find(fcp.value, fcp.len, 0x84, &df));
        assert_int_equal(df.len, a.usim_len);
        assert_memory_equal(df.value, a.usim, a.usim_len);
    }
    /* PIN1 (card-wide: verified already when an earlier walk verified it) */
    expect_pin1_status(t, ch, x->pin1.enabled && !pin_verified, x->pin1.left);
    if (x->pin1.enabled && !pin_verified) {
        uint8_t c[13] = {0x00, 0x20, 0x00, 0x01, 0x08};
        memcpy(c + 5, x->pin1.value, 8);
        assert_int_equal(tx(t, ch, c, sizeof c), 0x9000);
    }
    /* EF.IMSI */
    assert_int_equal(select_fid(t, ch, 0x6F07), 0x9000);
    n = read_ef(t, ch, buf, sizeof buf);
    assert_true(x->imsi.present);
    check_fill("EF.IMSI", buf, n, &x->imsi);
    /* AUTHENTICATE on ADF.USIM */
    assert_int_equal(select_aid(t, ch, a.usim, a.usim_len), 0x9000);
    authenticate(t, ch, x, true);
    if (!x->has_isim)
        return;
    assert_int_equal(select_aid(t, ch, a.isim, a.isim_len), 0x9000);
    assert_int_equal(select_fid(t, ch, 0x6F02), 0x9000);
    n = read_ef(t, ch, buf, sizeof buf);
    check_fill("EF.IMPI", buf, n, &x->impi);
    assert_int_equal(select_fid(t, ch, 0x6F04), 0x9000);
    n = read_ef(t, ch, buf, sizeof buf);
    check_fill("EF.IMPU", buf, n, &x->impu);
    assert_int_equal(select_aid(t, ch, a.isim, a.isim_len), 0x9000);
    authenticate(t, ch, x, false);
}

/* -------------------------------------------------- PIN1-protected EF (EF.ARR) */

/* Does ARR record rec (already read into t->data) ask exactly PIN1 for UPDATE? */
static bool update_needs_pin1(const uint8_t *p, size_t len)
{
    struct tlv_cursor cur;
    struct tlv e, k;
    uint8_t am = 0;
    bool found = false, ok = false;
    tlv_cursor_init(&cur, p, len);
    while (tlv_next(&cur, &e)) {
        if (e.tag == 0x80 && e.len == 1) {
            am = e.value[0];
        } else if ((am & 0x02) && !found) {
            found = true;
            ok = e.tag == 0xA4 && tlv_find(e.value, e.len, 0x83, &k) && k.len == 1 &&
                 k.value[0] == 0x01;
        }
    }
    return found && ok;
}

/* Find a transparent EF under ADF.USIM whose UPDATE rule is PIN1 only (by the EF.ARR
 * record its FCP references). Returns its FID, 0 when none. */
static uint16_t find_pin1_ef(struct t *t, const struct aids *a)
{
    for (unsigned fid = 0x6F00; fid <= 0x6FFF; fid++) {
        uint8_t fdb;
        size_t rl, nrec, size;
        struct tlv fcp, arr;
        assert_int_equal(select_aid(t, 0, a->usim, a->usim_len), 0x9000);
        if (select_fid(t, 0, (uint16_t)fid) != 0x9000)
            continue;
        fcp_desc(t, &fdb, &rl, &nrec, &size);
        if ((fdb & 0x07) != 0x01 || size == 0 || !tlv_parse(t->data, t->len, &fcp) ||
            !tlv_find(fcp.value, fcp.len, 0x8B, &arr) || arr.len != 3)
            continue;
        uint16_t arr_fid = (uint16_t)(arr.value[0] << 8 | arr.value[1]);
        uint8_t rec = arr.value[2];
        if (select_fid(t, 0, arr_fid) != 0x9000)
            continue;
        uint8_t c[] = {0x00, 0xB2, rec, 0x04, 0x00};
        if (tx(t, 0, c, sizeof c) != 0x9000)
            continue;
        if (update_needs_pin1(t->data, t->len))
            return (uint16_t)fid;
    }
    return 0;
}

static unsigned update_byte(struct t *t, uint8_t v)
{
    uint8_t c[] = {0x00, 0xD6, 0x00, 0x00, 0x01, v};
    return tx(t, 0, c, sizeof c);
}

static unsigned verify_pin1(struct t *t, const uint8_t v[8])
{
    uint8_t c[13] = {0x00, 0x20, 0x00, 0x01, 0x08};
    memcpy(c + 5, v, 8);
    return tx(t, 0, c, sizeof c);
}

static void wrong_pin(const uint8_t right[8], uint8_t out[8])
{
    static const uint8_t a[8] = {0x39, 0x38, 0x37, 0x36, 0xFF, 0xFF, 0xFF, 0xFF};
    memcpy(out, a, 8);
    if (memcmp(out, right, 8) == 0)
        out[0] = 0x31;
}

/* Restart the card (power loss: store reloaded) and leave the ISD-R for the MF. */
static void restart(struct t *t)
{
    assert_int_equal(dl_restart(&t->d), 0);
}

static void to_isdr(struct t *t)
{
    assert_int_equal(lpa_select_isdr(&t->d.t), 0);
}

/* ----------------------------------------------------------------- profiles */

struct prof {
    char name[128];
    uint8_t *upp;
    size_t len;
    struct expect x;
};

static size_t load_profiles(struct prof *p, size_t cap, bool own)
{
    static const char *const ts48[] = {
        "TS48V1-A-UNIQUE", "TS48V1-B-UNIQUE", "TS48V2-SAIP2-1-BERTLV-UNIQUE",
        "TS48V2-SAIP2-1-NOBERTLV-UNIQUE", "TS48V2-SAIP2-3-BERTLV-UNIQUE",
        "TS48V2-SAIP2-3-NOBERTLV-UNIQUE", "TS48V3-SAIP2-1-BERTLV-UNIQUE",
        "TS48V3-SAIP2-1-NOBERTLV-UNIQUE", "TS48V3-SAIP2-3-BERTLV-UNIQUE",
        "TS48V3-SAIP2-3-NOBERTLV-UNIQUE",
    };
    static const char *const mine[] = {"full-milenage", "full-tuak"};
    size_t n = 0;
    char path[1024];
    const char *dir = own ? getenv("EUICC_EMU_PROFILES") : dl_shared_dir();
    if (dir == NULL)
        return 0;
    size_t cnt = own ? 2 : sizeof ts48 / sizeof ts48[0];
    for (size_t i = 0; i < cnt && n < cap; i++) {
        const char *nm = own ? mine[i] : ts48[i];
        snprintf(path, sizeof path, own ? "%s/%s.der" : "%s/profiles/ts48/%s.der", dir, nm);
        p[n].upp = tu_read_file(path, &p[n].len);
        if (p[n].upp == NULL) {
            print_message("  (missing %s)\n", path);
            continue;
        }
        snprintf(p[n].name, sizeof p[n].name, "%s", nm);
        parse_upp(p[n].upp, p[n].len, &p[n].x);
        n++;
    }
    return n;
}

static void free_profiles(struct prof *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].upp);
}

static void open_card(struct t *t)
{
    char err[256] = "";
    memset(t, 0, sizeof *t);
    if (dl_open(&t->d, 0, err, sizeof err) != 0)
        fail_msg("dl_open: %s", err);
}

static void install(struct t *t, const struct prof *p)
{
    struct dl_result r;
    if (dl_download(&t->d, p->upp, p->len, &r) != 0)
        fail_msg("%s: download stopped at step %d (sw %04X, reason %lld)", p->name, r.step,
                 r.sw, (long long)r.pir.reason);
}

/* Install by the direct preload path (euicc-emu --preload): operational, disabled. */
static void preload(struct t *t, const struct prof *p)
{
    char err[256] = "";
    int rc = isdp_preload(t->d.card, p->upp, p->len, err, sizeof err);
    if (rc != ISDP_PRELOAD_OK)
        fail_msg("%s: preload failed (%d): %s", p->name, rc, err);
}

/* The whole walk for one profile on a fresh card, installed by download or preload. */
static void one_profile(const struct prof *p, bool by_preload)
{
    struct t *t = calloc(1, sizeof *t);
    uint8_t buf[64], wrong[8];
    struct aids a;
    assert_non_null(t);
    open_card(t);
    if (by_preload)
        preload(t, p);
    else
        install(t, p);
    assert_int_equal(dl_enable(&t->d, p->x.iccid), 0);
    /* the basic channel, then a logical channel opened by MANAGE CHANNEL */
    terminal_walk(t, 0, &p->x, false);
    assert_int_equal(txh(t, 0, "0070000001"), 0x9000);
    assert_int_equal(t->len, 1);
    uint8_t ch = t->data[0];
    assert_true(ch >= 1 && ch <= 3);
    terminal_walk(t, ch, &p->x, true);
    {
        uint8_t c[] = {0x00, 0x70, 0x80, ch};
        assert_int_equal(tx(t, 0, c, sizeof c), 0x9000);
    }

    /* PIN1 and EF.ARR */
    read_ef_dir(t, 0, &a);
    uint16_t fid = find_pin1_ef(t, &a);
    if (fid == 0)
        fail_msg("%s: no EF under ADF.USIM whose UPDATE needs PIN1", p->name);
    assert_true(p->x.pin1.present);
    if (!p->x.pin1.enabled) {                    /* a disabled PIN1: enable it first */
        uint8_t c[13] = {0x00, 0x28, 0x00, 0x01, 0x08};
        memcpy(c + 5, p->x.pin1.value, 8);
        assert_int_equal(tx(t, 0, c, sizeof c), 0x9000);
    }
    unsigned max = p->x.pin1.max;
    restart(t);                                  /* verification states gone */
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    assert_int_equal(update_byte(t, 0x5A), 0x6982);
    expect_pin1_status(t, 0, true, max);
    wrong_pin(p->x.pin1.value, wrong);
    assert_int_equal(verify_pin1(t, wrong), 0x63C0 | (max - 1));
    restart(t);                                  /* the spent try persists */
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    expect_pin1_status(t, 0, true, max - 1);
    assert_int_equal(update_byte(t, 0x5A), 0x6982);
    assert_int_equal(verify_pin1(t, p->x.pin1.value), 0x9000);
    expect_pin1_status(t, 0, false, 0);
    assert_int_equal(update_byte(t, 0x5A), 0x9000);
    assert_int_equal(txh(t, 0, "00B0000001"), 0x9000);
    assert_int_equal(t->data[0], 0x5A);

    /* disable hides ADF.USIM; enable shows it again with the updated file */
    to_isdr(t);
    assert_int_equal(dl_disable(&t->d, p->x.iccid), 0);
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x6A82);
    to_isdr(t);
    assert_int_equal(dl_enable(&t->d, p->x.iccid), 0);
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    expect_pin1_status(t, 0, true, max);         /* enable = reset: not verified */
    assert_int_equal(verify_pin1(t, p->x.pin1.value), 0x9000);
    assert_int_equal(txh(t, 0, "00B0000001"), 0x9000);
    assert_int_equal(t->data[0], 0x5A);
    (void)buf;
    dl_close(&t->d);
    free(t);
}

static void run_all(bool own, bool by_preload)
{
    struct prof *p = calloc(12, sizeof *p);
    assert_non_null(p);
    size_t n = load_profiles(p, 12, own);
    if (n == 0 || dl_shared_dir() == NULL) {
        print_message("SKIP: %s not found\n",
                      own ? "EUICC_EMU_PROFILES (full-milenage/full-tuak)"
                          : "<shared>/profiles/ts48 or sgp26 (set EUICC_EMU_SHARED)");
        free_profiles(p, n);
        free(p);
        skip();
    }
    for (size_t i = 0; i < n; i++) {
        print_message("  %s (algorithm %d, PIN1 %s %u/%u, ISIM %s)\n", p[i].name, p[i].x.alg,
                      p[i].x.pin1.enabled ? "enabled" : "disabled", p[i].x.pin1.left,
                      p[i].x.pin1.max, p[i].x.has_isim ? "yes" : "no");
        one_profile(&p[i], by_preload);
    }
    print_message("%zu profiles %s, enabled and walked on 2 channels\n", n,
                  by_preload ? "preloaded" : "downloaded");
    free_profiles(p, n);
    free(p);
}

static void test_ts48_profiles(void **state)
{
    (void)state;
    run_all(false, false);
}

/* The same profiles through the direct preload path (isd-p/isdp_preload.c). */
static void test_ts48_preload(void **state)
{
    (void)state;
    run_all(false, true);
}

static void test_own_profiles(void **state)
{
    (void)state;
    run_all(true, false);
}

/* Two profiles on one card: separate file systems and PIN states. */
static void test_two_profiles(void **state)
{
    (void)state;
    struct prof *p = calloc(12, sizeof *p);
    assert_non_null(p);
    size_t n = load_profiles(p, 2, false);
    if (n < 2) {
        print_message("SKIP: two TS.48 profiles needed\n");
        free_profiles(p, n);
        free(p);
        skip();
    }
    struct t *t = calloc(1, sizeof *t);
    struct aids a;
    uint8_t newpin[8] = {0x34, 0x33, 0x32, 0x31, 0xFF, 0xFF, 0xFF, 0xFF}, wrong[8];
    assert_non_null(t);
    assert_memory_not_equal(p[0].x.iccid, p[1].x.iccid, 10);
    open_card(t);
    install(t, &p[0]);
    install(t, &p[1]);
    /* A: PIN1 enabled and changed, a PIN1-protected byte written */
    assert_int_equal(dl_enable(&t->d, p[0].x.iccid), 0);
    read_ef_dir(t, 0, &a);
    uint16_t fid = find_pin1_ef(t, &a);
    assert_true(fid != 0);
    uint8_t c[21] = {0x00, 0x28, 0x00, 0x01, 0x08};
    memcpy(c + 5, p[0].x.pin1.value, 8);
    if (!p[0].x.pin1.enabled)
        assert_int_equal(tx(t, 0, c, 13), 0x9000);
    c[1] = 0x24;
    c[4] = 0x10;
    memcpy(c + 13, newpin, 8);
    assert_int_equal(tx(t, 0, c, 21), 0x9000);
    wrong_pin(p[0].x.pin1.value, wrong);
    assert_int_equal(verify_pin1(t, wrong), 0x63C0 | (p[0].x.pin1.max - 1));
    assert_int_equal(verify_pin1(t, newpin), 0x9000);
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    assert_int_equal(txh(t, 0, "00B0000001"), 0x9000);
    uint8_t orig = t->data[0];
    assert_int_equal(update_byte(t, (uint8_t)(orig ^ 0xA5)), 0x9000);
    /* B: its own PIN1 as its PE says, its old value works, its file unchanged */
    to_isdr(t);
    assert_int_equal(dl_enable(&t->d, p[1].x.iccid), 0);
    read_ef_dir(t, 0, &a);
    assert_int_equal(select_fid(t, 0, 0x2FE2), 0x9000);
    assert_int_equal(txh(t, 0, "00B000000A"), 0x9000);
    assert_memory_equal(t->data, p[1].x.iccid, 10);
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    expect_pin1_status(t, 0, p[1].x.pin1.enabled, p[1].x.pin1.left);
    if (p[1].x.pin1.enabled)
        assert_int_equal(verify_pin1(t, p[1].x.pin1.value), 0x9000);
    else
        assert_int_equal(verify_pin1(t, p[1].x.pin1.value), 0x6984);   /* disabled */
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    assert_int_equal(txh(t, 0, "00B0000001"), 0x9000);
    assert_int_equal(t->data[0], orig);
    /* back to A after a power loss: the changed PIN and the written byte are there */
    to_isdr(t);
    assert_int_equal(dl_enable(&t->d, p[0].x.iccid), 0);
    restart(t);
    read_ef_dir(t, 0, &a);
    assert_int_equal(select_aid(t, 0, a.usim, a.usim_len), 0x9000);
    expect_pin1_status(t, 0, true, p[0].x.pin1.max);
    assert_int_equal(verify_pin1(t, p[0].x.pin1.value), 0x63C0 | (p[0].x.pin1.max - 1));
    assert_int_equal(verify_pin1(t, newpin), 0x9000);
    assert_int_equal(select_fid(t, 0, fid), 0x9000);
    assert_int_equal(txh(t, 0, "00B0000001"), 0x9000);
    assert_int_equal(t->data[0], (uint8_t)(orig ^ 0xA5));
    dl_close(&t->d);
    free(t);
    free_profiles(p, n);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_milenage_set1_self),
        cmocka_unit_test(test_ts48_profiles),
        cmocka_unit_test(test_ts48_preload),
        cmocka_unit_test(test_own_profiles),
        cmocka_unit_test(test_two_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
