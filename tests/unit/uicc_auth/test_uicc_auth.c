/* Unit tests: card/uicc_auth.c — AUTHENTICATE through card_transmit on a card with a
 * hand-built enabled profile. Expected values are computed here from the published
 * definitions and test sets (USIM test algorithm of TS 34.108 §8.1.2; Milenage test
 * set 1 of TS 35.207/35.208; c2/c3 of TS 33.102 §6.8.1.2), never read back from the card.
 * Resynchronisation: the network side checks AUTS with f5* and f1* of crypto/aka.h. */
#include "uicc_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "card/fs.h"
#include "crypto/aka.h"

#define VERIFY_PIN1 "0020000108" FX_PIN1

/* Milenage test set 1 (TS 35.208 §4.3.1; GSM values of TS 35.207/55.205 test set 1) */
static const char *M1_K = "465b5ce8b199b49faa5f0a2ee238a6bc";
static const char *M1_OPC = "cd63cb71954a9f4e48a5994e37a02baf";
static const char *M1_RAND = "23553cbe9637a89d218ae64dae47bf35";
static const char *M1_SQN = "ff9bb4d0b607";
static const char *M1_AMF = "b9b9";
static const char *M1_F1 = "4a9ffac354dfafb3";
static const char *M1_F2 = "a54211d5e3ba50bf";
static const char *M1_F3 = "b40ba9a3c58b2a05bbf0d987b21bf8cb";
static const char *M1_F4 = "f769bcd751044604127672711c6d3441";
static const char *M1_F5 = "aa689c648370";
static const char *M1_F5S = "451e8beca43b";
static const char *M1_SRES = "46f8416a";
static const char *M1_KC = "eae4be823af9a08b";

static void use_milenage_set1(struct naa_auth *n)
{
    aka_params_defaults(&n->aka, AKA_MILENAGE);
    tu_unhex_n(M1_K, n->aka.k, 16);
    n->aka.k_len = 16;
    tu_unhex_n(M1_OPC, n->aka.opc, 16);
}

/* ---- the USIM test algorithm, written from TS 34.108 §8.1.2 ---- */
struct xor_vec {
    uint8_t res[16], ck[16], ik[16], ak[6], autn[16];
};

static void xor_alg(const uint8_t k[16], const uint8_t rand[16], const uint8_t sqn[6],
                    const uint8_t amf[2], struct xor_vec *v)
{
    uint8_t x[16], cd[8];
    for (int i = 0; i < 16; i++)
        x[i] = k[i] ^ rand[i];
    memcpy(v->res, x, 16);
    for (int i = 0; i < 16; i++) {
        v->ck[i] = x[(i + 1) % 16];
        v->ik[i] = x[(i + 2) % 16];
    }
    memcpy(v->ak, x + 3, 6);
    memcpy(cd, sqn, 6);
    memcpy(cd + 6, amf, 2);
    for (int i = 0; i < 6; i++)
        v->autn[i] = sqn[i] ^ v->ak[i];
    memcpy(v->autn + 6, amf, 2);
    for (int i = 0; i < 8; i++)
        v->autn[8 + i] = x[i] ^ cd[i];
}

static const uint8_t K_TEST[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
static const uint8_t RAND_A[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                   0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x01};
static const uint8_t AMF_A[2] = {0x80, 0x00};

/* SQN from SEQ and IND (5 IND bits) */
static void sqn_of(uint64_t seq, unsigned ind, uint8_t sqn[6])
{
    uint64_t v = (seq << 5) | ind;
    for (int i = 5; i >= 0; i--) {
        sqn[i] = (uint8_t)v;
        v >>= 8;
    }
}

static void c3(const uint8_t ck[16], const uint8_t ik[16], uint8_t kc[8])
{
    for (int i = 0; i < 8; i++)
        kc[i] = ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8];
}

/* AUTHENTICATE 3G context; returns SW, response into out/out_len */
static unsigned auth3g(struct fx *f, const uint8_t rand[16], const uint8_t autn[16],
                       uint8_t *out, size_t *out_len)
{
    uint8_t cmd[5 + 34 + 1] = {0x00, 0x88, 0x00, 0x81, 0x22, 0x10};
    memcpy(cmd + 6, rand, 16);
    cmd[22] = 0x10;
    memcpy(cmd + 23, autn, 16);
    cmd[39] = 0x00;
    return fx_txb(f, cmd, sizeof cmd, out, 256, out_len);
}

static unsigned auth_xor(struct fx *f, uint64_t seq, unsigned ind, struct xor_vec *v,
                         uint8_t *out, size_t *out_len)
{
    uint8_t sqn[6];
    sqn_of(seq, ind, sqn);
    xor_alg(K_TEST, RAND_A, sqn, AMF_A, v);
    return auth3g(f, RAND_A, v->autn, out, out_len);
}

static void expect_xor_success(const struct xor_vec *v, const uint8_t *r, size_t n,
                               bool with_kc)
{
    uint8_t exp[1 + 3 * 17 + 9];
    size_t k = 0;
    exp[k++] = 0xDB;
    exp[k++] = 16;
    memcpy(exp + k, v->res, 16);
    k += 16;
    exp[k++] = 16;
    memcpy(exp + k, v->ck, 16);
    k += 16;
    exp[k++] = 16;
    memcpy(exp + k, v->ik, 16);
    k += 16;
    if (with_kc) {
        exp[k++] = 8;
        c3(v->ck, v->ik, exp + k);
        k += 8;
    }
    assert_int_equal(n, k);
    assert_memory_equal(r, exp, k);
}

static void start_usim(struct fx *f)
{
    fx_start(f);
    assert_int_equal(fx_tx(f, VERIFY_PIN1), 0x9000);
    fx_select_usim(f);
}

/* ------------------------------------------------------------------ tests */

static void test_auth_test_algorithm(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 1, 1, &v, r, &n), 0x9000);
    expect_xor_success(&v, r, n, true);
}

static void test_auth_milenage_set1(void **state)
{
    struct fx *f = *state;
    use_milenage_set1(&f->img.naa[0]);
    start_usim(f);
    uint8_t rand[16], sqn[6], ak[6], autn[16], r[256];
    size_t n;
    tu_unhex_n(M1_RAND, rand, 16);
    tu_unhex_n(M1_SQN, sqn, 6);
    tu_unhex_n(M1_F5, ak, 6);
    for (int i = 0; i < 6; i++)
        autn[i] = sqn[i] ^ ak[i];
    tu_unhex_n(M1_AMF, autn + 6, 2);
    tu_unhex_n(M1_F1, autn + 8, 8);
    assert_int_equal(auth3g(f, rand, autn, r, &n), 0x9000);
    char exp[256];
    snprintf(exp, sizeof exp, "DB08%s10%s10%s08%s", M1_F2, M1_F3, M1_F4, M1_KC);
    uint8_t e[128];
    size_t el = tu_unhex(exp, e, sizeof e);
    assert_int_equal(n, el);
    assert_memory_equal(r, e, el);
}

static void test_auth_mac_failure(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    struct xor_vec v;
    uint8_t sqn[6], r[256];
    size_t n;
    sqn_of(7, 0, sqn);
    xor_alg(K_TEST, RAND_A, sqn, AMF_A, &v);
    v.autn[15] ^= 0x01;
    assert_int_equal(auth3g(f, RAND_A, v.autn, r, &n), 0x9862);
    assert_int_equal(n, 0);
    v.autn[15] ^= 0x01;
    v.autn[6] ^= 0x40;                           /* AMF is covered by the MAC */
    assert_int_equal(auth3g(f, RAND_A, v.autn, r, &n), 0x9862);
    v.autn[6] ^= 0x40;
    /* the failed attempts did not move the SQN */
    assert_int_equal(auth3g(f, RAND_A, v.autn, r, &n), 0x9000);
}

/* Milenage set 1 replayed: DC 0E AUTS; the network recovers SQN_MS with the published
 * f5* and checks MAC-S with f1* (AMF* = 0000). */
static void test_auth_sync_failure_auts(void **state)
{
    struct fx *f = *state;
    use_milenage_set1(&f->img.naa[0]);
    start_usim(f);
    uint8_t rand[16], sqn[6], ak[6], autn[16], r[256];
    size_t n;
    tu_unhex_n(M1_RAND, rand, 16);
    tu_unhex_n(M1_SQN, sqn, 6);
    tu_unhex_n(M1_F5, ak, 6);
    for (int i = 0; i < 6; i++)
        autn[i] = sqn[i] ^ ak[i];
    tu_unhex_n(M1_AMF, autn + 6, 2);
    tu_unhex_n(M1_F1, autn + 8, 8);
    assert_int_equal(auth3g(f, rand, autn, r, &n), 0x9000);
    assert_int_equal(auth3g(f, rand, autn, r, &n), 0x9000);   /* replay */
    assert_int_equal(n, 16);
    assert_int_equal(r[0], 0xDC);
    assert_int_equal(r[1], 0x0E);
    uint8_t ak_s[6], sqn_ms[6];
    tu_unhex_n(M1_F5S, ak_s, 6);
    for (int i = 0; i < 6; i++)
        sqn_ms[i] = r[2 + i] ^ ak_s[i];
    assert_memory_equal(sqn_ms, sqn, 6);                     /* the accepted one */
    struct aka_params net;
    aka_params_defaults(&net, AKA_MILENAGE);
    tu_unhex_n(M1_K, net.k, 16);
    tu_unhex_n(M1_OPC, net.opc, 16);
    static const uint8_t amf0[2] = {0, 0};
    struct aka_out o;
    assert_int_equal(aka_compute(&net, rand, sqn_ms, amf0, &o), 0);
    assert_memory_equal(o.ak_s, ak_s, 6);
    assert_memory_equal(o.mac_s, r + 8, 8);
}

static void test_auth_sqn_array(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 5, 2, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDB);
    assert_int_equal(auth_xor(f, 3, 1, &v, r, &n), 0x9000);   /* other IND: fresh */
    assert_int_equal(r[0], 0xDB);
    assert_int_equal(auth_xor(f, 5, 2, &v, r, &n), 0x9000);   /* replay */
    assert_int_equal(r[0], 0xDC);
    assert_int_equal(auth_xor(f, 4, 2, &v, r, &n), 0x9000);   /* older in IND 2 */
    assert_int_equal(r[0], 0xDC);
    /* AUTS carries SQN_MS = the highest accepted (SEQ 5, IND 2), test algorithm f5* and f1* */
    uint8_t sqn_ms[6], exp_ms[6], cd[8];
    for (int i = 0; i < 6; i++)
        sqn_ms[i] = r[2 + i] ^ v.ak[i];
    sqn_of(5, 2, exp_ms);
    assert_memory_equal(sqn_ms, exp_ms, 6);
    memcpy(cd, exp_ms, 6);
    cd[6] = cd[7] = 0;
    for (int i = 0; i < 8; i++)
        assert_int_equal(r[8 + i], (uint8_t)(K_TEST[i] ^ RAND_A[i] ^ cd[i]));
    assert_int_equal(auth_xor(f, 6, 2, &v, r, &n), 0x9000);   /* newer: fresh */
    expect_xor_success(&v, r, n, true);
}

static void test_auth_sqn_persists(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 9, 4, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDB);
    fx_restart(f);
    assert_int_equal(fx_tx(f, VERIFY_PIN1), 0x9000);
    fx_select_usim(f);
    assert_int_equal(auth_xor(f, 9, 4, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDC);
}

static void test_auth_sqn_check_off(void **state)
{
    struct fx *f = *state;
    f->img.naa[0].sqn_check = false;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 9, 4, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDB);
    assert_int_equal(auth_xor(f, 9, 4, &v, r, &n), 0x9000);
    expect_xor_success(&v, r, n, true);
}

static void test_auth_sqn_delta(void **state)
{
    struct fx *f = *state;
    f->img.naa[0].sqn_delta = 16;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 1, 0, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDB);
    assert_int_equal(auth_xor(f, 1 + 17, 3, &v, r, &n), 0x9000);   /* too far ahead */
    assert_int_equal(r[0], 0xDC);
    assert_int_equal(auth_xor(f, 1 + 16, 3, &v, r, &n), 0x9000);
    assert_int_equal(r[0], 0xDB);
}

/* The accepted SQN is persisted before the answer: when that write fails, no RES goes
 * out and the SQN is not consumed. */
static void test_auth_sqn_store_fault(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    store_fail_after(f->s, 0);
    assert_int_equal(auth_xor(f, 2, 2, &v, r, &n), 0x6581);
    assert_int_equal(n, 0);
    fx_restart(f);
    assert_int_equal(fx_tx(f, VERIFY_PIN1), 0x9000);
    fx_select_usim(f);
    assert_int_equal(auth_xor(f, 2, 2, &v, r, &n), 0x9000);
    expect_xor_success(&v, r, n, true);
}

static void test_auth_gsm_context(void **state)
{
    struct fx *f = *state;
    use_milenage_set1(&f->img.naa[0]);
    start_usim(f);
    char cmd[64], exp[64];
    snprintf(cmd, sizeof cmd, "0088008011 10%s 00", M1_RAND);
    assert_int_equal(fx_tx(f, cmd), 0x9000);
    snprintf(exp, sizeof exp, "04%s08%s", M1_SRES, M1_KC);
    for (char *p = exp; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    assert_string_equal(fx_data, exp);
    /* GSM context needs no SQN: it may be repeated */
    assert_int_equal(fx_tx(f, cmd), 0x9000);
    assert_string_equal(fx_data, exp);
}

static void test_auth_gsm_context_test_algorithm(void **state)
{
    struct fx *f = *state;
    start_usim(f);
    uint8_t cmd[5 + 17] = {0x00, 0x88, 0x00, 0x80, 0x11, 0x10};
    memcpy(cmd + 6, RAND_A, 16);
    uint8_t r[64];
    size_t n;
    assert_int_equal(fx_txb(f, cmd, sizeof cmd, r, sizeof r, &n), 0x9000);
    uint8_t sqn[6] = {0};
    struct xor_vec v;
    xor_alg(K_TEST, RAND_A, sqn, AMF_A, &v);
    uint8_t exp[14];
    exp[0] = 4;
    for (int i = 0; i < 4; i++)                   /* c2 over the 16-octet RES */
        exp[1 + i] = v.res[i] ^ v.res[i + 4] ^ v.res[i + 8] ^ v.res[i + 12];
    exp[5] = 8;
    c3(v.ck, v.ik, exp + 6);
    assert_int_equal(n, sizeof exp);
    assert_memory_equal(r, exp, sizeof exp);
}

static void test_auth_no_gsm_access(void **state)
{
    struct fx *f = *state;
    f->img.fs.files[f->ust].data[3] = 0x00;       /* service 27 not available */
    start_usim(f);
    uint8_t cmd[5 + 17] = {0x00, 0x88, 0x00, 0x80, 0x11, 0x10};
    memcpy(cmd + 6, RAND_A, 16);
    uint8_t r[256];
    size_t n;
    assert_int_equal(fx_txb(f, cmd, sizeof cmd, r, sizeof r, &n), 0x6985);
    struct xor_vec v;                             /* 3G context: no Kc in the answer */
    assert_int_equal(auth_xor(f, 1, 1, &v, r, &n), 0x9000);
    expect_xor_success(&v, r, n, false);
}

/* ISIM: its own NAA parameters (another K), IMS AKA = 3G context, no Kc, no GSM. */
static void test_auth_isim(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 16; i++)
        f->img.naa[1].aka.k[i] = (uint8_t)(0xF0 | i);
    fx_start(f);
    assert_int_equal(fx_tx(f, VERIFY_PIN1), 0x9000);
    fx_select_isim(f);
    uint8_t k[16], sqn[6], r[256];
    size_t n;
    for (int i = 0; i < 16; i++)
        k[i] = (uint8_t)(0xF0 | i);
    sqn_of(1, 1, sqn);
    struct xor_vec v;
    xor_alg(k, RAND_A, sqn, AMF_A, &v);
    assert_int_equal(auth3g(f, RAND_A, v.autn, r, &n), 0x9000);
    expect_xor_success(&v, r, n, false);
    /* the USIM's K does not authenticate on the ISIM */
    assert_int_equal(auth_xor(f, 2, 1, &v, r, &n), 0x9862);
    uint8_t cmd[5 + 17] = {0x00, 0x88, 0x00, 0x80, 0x11, 0x10};
    memcpy(cmd + 6, RAND_A, 16);
    assert_int_equal(fx_txb(f, cmd, sizeof cmd, r, sizeof r, &n), 0x6A86);
    /* the USIM on another logical channel keeps its own SQN state */
    assert_int_equal(fx_tx(f, "0070000001"), 0x9000);
    assert_int_equal(fx_tx(f, "01A40404 10" FX_USIM_AID), 0x9000);
    uint8_t c1[5 + 34] = {0x01, 0x88, 0x00, 0x81, 0x22, 0x10};
    sqn_of(1, 1, sqn);
    xor_alg(K_TEST, RAND_A, sqn, AMF_A, &v);
    memcpy(c1 + 6, RAND_A, 16);
    c1[22] = 0x10;
    memcpy(c1 + 23, v.autn, 16);
    assert_int_equal(fx_txb(f, c1, sizeof c1, r, sizeof r, &n), 0x9000);
    expect_xor_success(&v, r, n, true);
}

static void test_auth_pin_required(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    fx_select_usim(f);
    struct xor_vec v;
    uint8_t r[256];
    size_t n;
    assert_int_equal(auth_xor(f, 1, 1, &v, r, &n), 0x6982);
    assert_int_equal(fx_tx(f, "0026000108" FX_PIN1), 0x9000);     /* disable PIN1 */
    assert_int_equal(auth_xor(f, 1, 1, &v, r, &n), 0x9000);
    expect_xor_success(&v, r, n, true);
}

static void test_auth_errors(void **state)
{
    struct fx *f = *state;
    f->img.n_naa = 1;                             /* the ISIM has no NAA parameters */
    fx_start(f);
    assert_int_equal(fx_tx(f, VERIFY_PIN1), 0x9000);
    char c[160];
    const char *rand = "11223344556677889900AABBCCDDEEFF";
    const char *autn = "00000000000080000000000000000000";
    /* at the MF: no ADF selected */
    snprintf(c, sizeof c, "0088008122 10%s 10%s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6985);
    fx_select_usim(f);
    snprintf(c, sizeof c, "0088018122 10%s 10%s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A86);                      /* P1 */
    snprintf(c, sizeof c, "0088008222 10%s 10%s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A86);                      /* P2 context 010 */
    snprintf(c, sizeof c, "0088000122 10%s 10%s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A86);                      /* P2 b8 = 0 */
    assert_int_equal(fx_tx(f, "00880081"), 0x6700);             /* no data */
    snprintf(c, sizeof c, "0088008111 10%s", rand);
    assert_int_equal(fx_tx(f, c), 0x6700);                      /* RAND only */
    snprintf(c, sizeof c, "0088008121 10%s 0F%.30s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A80);                      /* AUTN length 15 */
    snprintf(c, sizeof c, "0088008121 0F%s 10%.30s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A80);                      /* RAND length 15 */
    snprintf(c, sizeof c, "0088008123 10%s 10%s 00", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6700);                      /* trailing octet */
    snprintf(c, sizeof c, "0088008010 10%.30s", rand);
    assert_int_equal(fx_tx(f, c), 0x6700);                      /* GSM: short RAND */
    snprintf(c, sizeof c, "0088008011 0F%s", rand);
    assert_int_equal(fx_tx(f, c), 0x6A80);                      /* GSM: L = 15 */
    fx_select_isim(f);
    snprintf(c, sizeof c, "0088008122 10%s 10%s", rand, autn);
    assert_int_equal(fx_tx(f, c), 0x6A88);                      /* no NAA parameters */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_auth_test_algorithm),
        T(test_auth_milenage_set1),
        T(test_auth_mac_failure),
        T(test_auth_sync_failure_auts),
        T(test_auth_sqn_array),
        T(test_auth_sqn_persists),
        T(test_auth_sqn_check_off),
        T(test_auth_sqn_delta),
        T(test_auth_sqn_store_fault),
        T(test_auth_gsm_context),
        T(test_auth_gsm_context_test_algorithm),
        T(test_auth_no_gsm_access),
        T(test_auth_isim),
        T(test_auth_pin_required),
        T(test_auth_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
