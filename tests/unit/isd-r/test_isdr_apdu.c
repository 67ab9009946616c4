/* tests/unit/isd-r/test_isdr_apdu.c — the ISD-R through card_transmit() on an
 * in-memory card, as PC/SC clients drive it: lpac's `chip info` sequence (T=0 61xx +
 * GET RESPONSE), pySim's single-block form with Le, chained STORE DATA, status words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/card.h"
#include "ecasd/ecasd.h"
#include "isdr_test_util.h"

#define AID "A0000005591010FFFFFFFF8900000100"
#define FCI "6F1F 8410" AID " A5049F6501FF E005 8203020500"

struct cfx {
    struct card *c;
    FILE *trace;
    uint8_t r[CARD_MAX_RAPDU];
    size_t rlen;
};

static int setup(void **state)
{
    static const uint8_t seed[] = "isd-r apdu test";
    struct cfx *x = calloc(1, sizeof *x);
    struct card_config cfg = {0};
    char err[256] = "";
    assert_non_null(x);
    x->trace = tmpfile();
    assert_non_null(x->trace);
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    cfg.trace = x->trace;
    if (card_open(&x->c, &cfg, err, sizeof err) != 0)
        fail_msg("card_open: %s", err);
    card_power(x->c, CARD_POWER_ON);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct cfx *x = *state;
    card_close(x->c);
    fclose(x->trace);
    free(x);
    return 0;
}

/* Send a C-APDU in hex; returns the SW, the data is in x->r[0..x->rlen - 2). */
static uint16_t tx(struct cfx *x, const char *capdu_hex)
{
    uint8_t *c = malloc(CARD_MAX_CAPDU);
    size_t n = tu_unhex(capdu_hex, c, CARD_MAX_CAPDU);
    x->rlen = card_transmit(x->c, c, n, x->r, sizeof x->r);
    free(c);
    assert_true(x->rlen >= 2);
    return (uint16_t)(x->r[x->rlen - 2] << 8 | x->r[x->rlen - 1]);
}

static void expect_data(struct cfx *x, const char *exp_hex)
{
    uint8_t *e = malloc(CARD_MAX_RAPDU);
    size_t n = tu_unhex(exp_hex, e, CARD_MAX_RAPDU);
    expect_bytes(x->r, x->rlen - 2, e, n);
    free(e);
}

/* The command answered 61xx: fetch with GET RESPONSE (cla) until 9000, collect data. */
static size_t fetch(struct cfx *x, uint16_t sw, uint8_t cla, uint8_t *out, size_t cap)
{
    size_t total = 0;
    char cmd[16];
    assert_int_equal(sw & 0xFF00, 0x6100);
    while ((sw & 0xFF00) == 0x6100) {
        snprintf(cmd, sizeof cmd, "%02XC00000%02X", cla, sw & 0xFF);
        sw = tx(x, cmd);
        assert_true(total + x->rlen - 2 <= cap);
        memcpy(out + total, x->r, x->rlen - 2);
        total += x->rlen - 2;
    }
    assert_int_equal(sw, 0x9000);
    return total;
}

static void expect_fetched(struct cfx *x, uint16_t sw, uint8_t cla, const char *exp_hex)
{
    uint8_t *got = malloc(CARD_MAX_RAPDU), *e = malloc(CARD_MAX_RAPDU);
    size_t n = fetch(x, sw, cla, got, CARD_MAX_RAPDU);
    size_t m = tu_unhex(exp_hex, e, CARD_MAX_RAPDU);
    expect_bytes(got, n, e, m);
    free(got);
    free(e);
}

static const char *eid_hex(struct cfx *x)
{
    static char h[33];
    uint8_t eid[16];
    ecasd_eid(card_ecasd(x->c), eid);
    snprintf(h, sizeof h, "%s", tohex(eid, 16));
    return h;
}

static bool trace_has(struct cfx *x, const char *needle)
{
    static char buf[65536];
    fflush(x->trace);
    rewind(x->trace);
    size_t n = fread(buf, 1, sizeof buf - 1, x->trace);
    buf[n] = 0;
    fseek(x->trace, 0, SEEK_END);
    return strstr(buf, needle) != NULL;
}

static void test_lpac_chip_info(void **state)
{
    struct cfx *x = *state;
    char exp[128];

    /* lpac starts with TERMINAL CAPABILITY: see test_lpac_terminal_capability */
    assert_int_equal(tx(x, "0070000001"), 0x9000);
    expect_data(x, "01");
    uint16_t sw = tx(x, "01A4040010" AID);
    assert_int_equal(sw, 0x6121);
    expect_fetched(x, sw, 0x01, FCI);

    snprintf(exp, sizeof exp, "BF3E125A10%s", eid_hex(x));
    sw = tx(x, "81E2910006BF3E035C015A");
    assert_int_equal(sw, 0x6115);
    expect_fetched(x, sw, 0x81, exp);

    sw = tx(x, "81E2910003BF3C00");
    assert_int_equal(sw, 0x6114);
    expect_fetched(x, sw, 0x81, "BF3C11 810F6C70612E64732E67736D612E636F6D");

    sw = tx(x, "81E2910003BF4300");
    assert_int_equal(sw, 0x6105);
    expect_fetched(x, sw, 0x81, "BF4302A000");

    sw = tx(x, "81E2910003BF2200");
    assert_int_equal(sw, 0x6175);
    uint8_t info2[256];
    assert_int_equal(fetch(x, sw, 0x81, info2, sizeof info2), 0x75);
    assert_memory_equal(info2, "\xBF\x22\x72\x81\x03\x03\x03\x01\x82\x03\x02\x05\x00", 13);

    sw = tx(x, "81E2910003BF2D00");
    expect_fetched(x, sw, 0x81, "BF2D02A000");
    sw = tx(x, "81E2910003BF2800");
    expect_fetched(x, sw, 0x81, "BF2802A000");

    assert_int_equal(tx(x, "0070800100"), 0x9000);
    card_power(x->c, CARD_POWER_OFF);

    assert_true(trace_has(x, "ES10c.GetEID \xE2\x86\x92 ok"));
    assert_true(trace_has(x, "ES10b.GetEUICCInfo2 \xE2\x86\x92 ok"));
}

/* First command of lpac's `chip info` (handled by the card runtime, basic channel). */
static void test_lpac_terminal_capability(void **state)
{
    struct cfx *x = *state;
    assert_int_equal(tx(x, "80AA00000AA9088100820101830107"), 0x9000);
    assert_int_equal(x->rlen, 2);
}

static void test_select_with_le_and_pysim_form(void **state)
{
    struct cfx *x = *state;
    char exp[128];
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    expect_data(x, FCI);
    /* pySim: single block with Le; the data comes back with 9000 */
    snprintf(exp, sizeof exp, "BF3E125A10%s", eid_hex(x));
    assert_int_equal(tx(x, "80E2910006BF3E035C015A00"), 0x9000);
    expect_data(x, exp);
    /* the SGP.32 probe must fail on a consumer card */
    assert_int_equal(tx(x, "80E2910003BF560000"), 0x6A88);
    /* IPA form: SELECT P2=04 without Le answers 61xx */
    assert_int_equal(tx(x, "00A4040410" AID), 0x6121);
}

static void test_chained_store_data(void **state)
{
    struct cfx *x = *state;
    /* SetDefaultDpAddress "smdp.example.com" (21 octets) in three blocks */
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    assert_int_equal(tx(x, "80E2110007 BF3F128010736D"), 0x9000);
    assert_int_equal(x->rlen, 2);
    assert_int_equal(tx(x, "80E2110107 64702E6578616D"), 0x9000);
    assert_int_equal(x->rlen, 2);
    uint16_t sw = tx(x, "80E2910207 706C652E636F6D");
    assert_int_equal(sw, 0x6106);
    expect_fetched(x, sw, 0x80, "BF3F03800100");

    sw = tx(x, "80E2910003BF3C00");
    expect_fetched(x, sw, 0x80, "BF3C23 8010736D64702E6578616D706C652E636F6D"
                                "810F6C70612E64732E67736D612E636F6D");
    /* persistent across a power cycle */
    card_power(x->c, CARD_POWER_OFF);
    card_power(x->c, CARD_POWER_ON);
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    sw = tx(x, "80E2910003BF3C00");
    expect_fetched(x, sw, 0x80, "BF3C23 8010736D64702E6578616D706C652E636F6D"
                                "810F6C70612E64732E67736D612E636F6D");
}

static void test_chain_broken_then_recovers(void **state)
{
    struct cfx *x = *state;
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    assert_int_equal(tx(x, "80E2110003 BF3E03"), 0x9000);
    assert_int_not_equal(tx(x, "80E2910203 5C015A"), 0x9000);   /* block 1 skipped */
    uint16_t sw = tx(x, "80E2910006BF3E035C015A");
    assert_int_equal(sw, 0x6115);
}

static void test_status_words(void **state)
{
    struct cfx *x = *state;
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    assert_int_equal(tx(x, "80F24000024F0000"), 0x6D00);      /* GET STATUS: not here */
    assert_int_equal(tx(x, "00E2910003BF3C00"), 0x6E00);      /* STORE DATA needs CLA 8x */
    assert_int_equal(tx(x, "80E2910003BF5F00"), 0x6A88);      /* unknown function */
    assert_int_equal(tx(x, "80E2910004BF3E0300"), 0x6A80);    /* wrong outer length */
    assert_int_equal(tx(x, "80E2910004BF3C0000"), 0x6A80);    /* trailing byte */
    assert_int_equal(tx(x, "80E2910006BF3E035C015B"), 0x6A80);/* tagList without 5A */
    /* memory reset: pySim's and lpac's forms on an empty card */
    uint16_t sw = tx(x, "80E2910006BF3403820180");
    expect_fetched(x, sw, 0x80, "BF3403800101");
    sw = tx(x, "80E2910007BF3404820205E0");
    expect_fetched(x, sw, 0x80, "BF3403800101");
}

static void test_challenge_cleared_by_reset(void **state)
{
    struct cfx *x = *state;
    uint8_t a[32], b[32];
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    assert_int_equal(tx(x, "80E2910003BF2E0000"), 0x9000);
    assert_int_equal(x->rlen, 21 + 2);
    memcpy(a, x->r, 21);
    card_power(x->c, CARD_POWER_RESET);
    assert_int_equal(tx(x, "00A4040410" AID "00"), 0x9000);
    assert_int_equal(tx(x, "80E2910003BF2E0000"), 0x9000);
    memcpy(b, x->r, 21);
    assert_memory_equal(a, "\xBF\x2E\x12\x80\x10", 5);
    assert_memory_not_equal(a + 5, b + 5, 16);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_lpac_terminal_capability),
        T(test_lpac_chip_info),
        T(test_select_with_le_and_pysim_form),
        T(test_chained_store_data),
        T(test_chain_broken_then_recovers),
        T(test_status_words),
        T(test_challenge_cleared_by_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
