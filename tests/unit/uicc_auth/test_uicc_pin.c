/* Unit tests: card/uicc_pin.c — VERIFY/CHANGE/DISABLE/ENABLE/UNBLOCK PIN through
 * card_transmit on a card with a hand-built enabled profile: every status word, retry
 * counters persisted across a restart and across a power cut right after the
 * decrement, and PIN values kept out of the trace. */
#include "uicc_fixture.h"

#include <stdlib.h>
#include <string.h>

#define VERIFY1     "00200001"
#define CHANGE1     "00240001"
#define DISABLE1    "00260001"
#define ENABLE1     "00280001"
#define UNBLOCK1    "002C0001"

static unsigned tx(struct fx *f, const char *head, const char *data)
{
    char cmd[128];
    size_t n = strlen(data) / 2;
    if (n == 0)
        snprintf(cmd, sizeof cmd, "%s", head);
    else
        snprintf(cmd, sizeof cmd, "%s%02zX%s", head, n, data);
    return fx_tx(f, cmd);
}

/* ------------------------------------------------------------------ VERIFY */

static void test_verify_ok(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);
    /* the verification is card-wide: a second logical channel sees it */
    assert_int_equal(fx_tx(f, "0070000001"), 0x9000);
    assert_int_equal(tx(f, "01200001", ""), 0x9000);
    /* a reset clears it */
    card_power(f->c, CARD_POWER_RESET);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);
    /* other references: PIN2 and ADM1 */
    assert_int_equal(tx(f, "00200081", FX_PIN2), 0x9000);
    assert_int_equal(tx(f, "0020000A", FX_ADM1), 0x9000);
}

static void test_verify_wrong_then_blocked(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C1);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C0);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x6983);   /* right value, blocked */
    assert_int_equal(tx(f, VERIFY1, ""), 0x6983);
    /* still blocked after a restart */
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x6983);
}

static void test_verify_success_resets_counter(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C1);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);
}

static void test_verify_wrong_clears_verified(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C2);
}

static void test_verify_counter_persists(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C2);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C1);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C1);
}

/* A power cut right after the decrement was written: the right PIN was presented, but
 * the counter reset never landed — the try is spent, never given back. */
static void test_verify_power_cut_after_decrement(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    /* writes of one PIN state update */
    long w0 = store_write_count(f->s);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
    long per_save = (store_write_count(f->s) - w0) / 2;
    assert_true(per_save >= 1);
    card_power(f->c, CARD_POWER_RESET);
    store_fail_after(f->s, per_save);           /* the second save (the reset) fails */
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x6581);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C2);    /* the counter went down */
    /* a failure of the decrement itself: no comparison, nothing spent */
    store_fail_after(f->s, 0);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x6581);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);
}

static void test_verify_bad_parameters(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, "31323334"), 0x6700);            /* Lc 4 */
    assert_int_equal(tx(f, VERIFY1, FX_PIN1 "FF"), 0x6700);          /* Lc 9 */
    assert_int_equal(tx(f, "00200101", FX_PIN1), 0x6A86);            /* P1 */
    assert_int_equal(tx(f, "00200000", FX_PIN1), 0x6A86);            /* P2 00 */
    assert_int_equal(tx(f, "00200021", FX_PIN1), 0x6A86);            /* P2 b6 */
    assert_int_equal(tx(f, "00200002", FX_PIN1), 0x6A88);            /* no such PIN */
    assert_int_equal(tx(f, "00200082", ""), 0x6A88);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);                    /* nothing spent */
}

static void test_verify_disabled(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x6984);
}

/* ------------------------------------------------------------------ CHANGE */

static void test_change_ok(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, VERIFY1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 "3030303030FFFFFF"), 0x9000);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);                    /* verified */
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);                    /* counter reset */
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x63C2);               /* old value gone */
    assert_int_equal(tx(f, VERIFY1, "3030303030FFFFFF"), 0x9000);
}

static void test_change_errors(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, CHANGE1, FX_PIN1), 0x6700);                        /* Lc 8 */
    assert_int_equal(tx(f, CHANGE1, ""), 0x6700);
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 "313233FFFFFFFFFF"), 0x6A80);     /* 3 digits */
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 "3132FF34FFFFFFFF"), 0x6A80);     /* gap */
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 "31323341FFFFFFFF"), 0x6A80);     /* 'A' */
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);                             /* no try spent */
    assert_int_equal(tx(f, "00240002", FX_PIN1 FX_PIN1), 0x6A88);
    assert_int_equal(tx(f, "00240101", FX_PIN1 FX_PIN1), 0x6A86);
    assert_int_equal(tx(f, CHANGE1, FX_BADPIN FX_PIN1), 0x63C2);
    assert_int_equal(tx(f, CHANGE1, FX_BADPIN FX_PIN1), 0x63C1);
    assert_int_equal(tx(f, CHANGE1, FX_BADPIN FX_PIN1), 0x63C0);
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 FX_PIN1), 0x6983);
    /* ADM values are not digit strings: any 8 octets are accepted */
    assert_int_equal(tx(f, "0024000A", FX_ADM1 "0102030405060708"), 0x9000);
    assert_int_equal(tx(f, "0020000A", "0102030405060708"), 0x9000);
}

static void test_change_disabled_or_not_changeable(void **state)
{
    struct fx *f = *state;
    f->img.pins.pins[1].changeable = false;          /* PIN2 */
    fx_start(f);
    assert_int_equal(tx(f, "00240081", FX_PIN2 "31313131FFFFFFFF"), 0x6985);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, CHANGE1, FX_PIN1 "31313131FFFFFFFF"), 0x6984);
}

/* ----------------------------------------------------------------- DISABLE */

static void test_disable_ok_persists(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);       /* disabled: nothing to verify */
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x6984); /* already disabled */
}

static void test_disable_errors(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, DISABLE1, ""), 0x6700);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1 FX_PIN1), 0x6700);
    assert_int_equal(tx(f, "00261101", FX_PIN1), 0x6A86);   /* alternative global ref */
    assert_int_equal(tx(f, "0026000A", FX_ADM1), 0x6985);   /* ADM cannot be disabled */
    assert_int_equal(tx(f, "00260003", FX_PIN1), 0x6A88);
    assert_int_equal(tx(f, DISABLE1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, DISABLE1, FX_BADPIN), 0x63C1);
    assert_int_equal(tx(f, DISABLE1, FX_BADPIN), 0x63C0);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x6983);
}

/* ------------------------------------------------------------------ ENABLE */

static void test_enable_ok(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, ENABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);       /* enabled and verified */
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);       /* enabled, persisted */
}

static void test_enable_errors(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, ENABLE1, FX_PIN1), 0x6985);   /* already enabled */
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, ENABLE1, ""), 0x6700);
    assert_int_equal(tx(f, "00280001", FX_PIN1 "00"), 0x6700);
    assert_int_equal(tx(f, "00280004", FX_PIN1), 0x6A88);
    assert_int_equal(tx(f, ENABLE1, FX_BADPIN), 0x63C2);
    assert_int_equal(tx(f, ENABLE1, FX_BADPIN), 0x63C1);
    assert_int_equal(tx(f, ENABLE1, FX_BADPIN), 0x63C0);
    assert_int_equal(tx(f, ENABLE1, FX_PIN1), 0x6983);
}

/* ----------------------------------------------------------------- UNBLOCK */

static void test_unblock_ok(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    for (int i = 0; i < 3; i++)
        tx(f, VERIFY1, FX_BADPIN);
    assert_int_equal(tx(f, VERIFY1, ""), 0x6983);
    assert_int_equal(tx(f, UNBLOCK1, ""), 0x63CA);
    assert_int_equal(tx(f, UNBLOCK1, FX_BADPIN FX_PIN1), 0x63C9);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1 "3939393939FFFFFF"), 0x9000);
    assert_int_equal(tx(f, VERIFY1, ""), 0x9000);       /* verified by the unblock */
    assert_int_equal(tx(f, UNBLOCK1, ""), 0x63CA);      /* PUK counter reset */
    fx_restart(f);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x63C2);
    assert_int_equal(tx(f, VERIFY1, "3939393939FFFFFF"), 0x9000);
}

static void test_unblock_enables_disabled_pin(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(tx(f, DISABLE1, FX_PIN1), 0x9000);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1 FX_PIN1), 0x9000);
    card_power(f->c, CARD_POWER_RESET);
    assert_int_equal(tx(f, VERIFY1, ""), 0x63C3);       /* enabled again */
}

static void test_unblock_puk_blocked(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    for (unsigned i = 9; i > 0; i--)
        assert_int_equal(tx(f, UNBLOCK1, FX_BADPIN FX_PIN1), 0x63C0 | i);
    fx_restart(f);                                      /* the PUK counter persists */
    assert_int_equal(tx(f, UNBLOCK1, ""), 0x63C1);
    assert_int_equal(tx(f, UNBLOCK1, FX_BADPIN FX_PIN1), 0x63C0);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1 FX_PIN1), 0x6983);
    assert_int_equal(tx(f, UNBLOCK1, ""), 0x6983);
    /* a false PUK does not touch the PIN */
    assert_int_equal(tx(f, VERIFY1, FX_PIN1), 0x9000);
}

static void test_unblock_errors(void **state)
{
    struct fx *f = *state;
    f->img.pins.pins[2].has_puk = true;                  /* ADM1 with a PUK ... */
    memset(f->img.pins.pins[2].puk, 0x31, 8);
    f->img.pins.pins[2].puk_tries_max = f->img.pins.pins[2].puk_tries_left = 3;
    f->img.pins.pins[2].unblockable = false;             /* ... that may not be used */
    fx_start(f);
    assert_int_equal(tx(f, "002C0081", FX_PIN2 FX_PIN2), 0x6A88);   /* PIN2: no PUK */
    assert_int_equal(tx(f, "002C0081", ""), 0x6A88);
    assert_int_equal(tx(f, "002C000A", "3131313131313131" FX_ADM1), 0x6985);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1), 0x6700);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1 FX_PIN1 "FF"), 0x6700);
    assert_int_equal(tx(f, UNBLOCK1, FX_PUK1 "FFFFFFFFFFFFFFFF"), 0x6A80);
    assert_int_equal(tx(f, "002C0101", FX_PUK1 FX_PIN1), 0x6A86);
    assert_int_equal(tx(f, UNBLOCK1, ""), 0x63CA);                   /* nothing spent */
}

/* ------------------------------------------------------------------ misc */

static void test_no_profile(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(uicc_switch_profile(f->c, 0), 0);
    unsigned sw = tx(f, VERIFY1, FX_PIN1);
    assert_true(sw != 0x9000 && (sw & 0xFFF0) != 0x63C0);
}

static void test_pin_values_not_traced(void **state)
{
    struct fx *f = *state;
    char *buf = NULL;
    size_t len = 0;
    f->trace = open_memstream(&buf, &len);
    assert_non_null(f->trace);
    fx_start(f);
    tx(f, VERIFY1, FX_PIN1);
    tx(f, CHANGE1, FX_PIN1 "3736353433FFFFFF");
    tx(f, UNBLOCK1, FX_PUK1 "3837363534FFFFFF");
    card_close(f->c);
    f->c = NULL;
    fclose(f->trace);
    f->trace = NULL;
    assert_non_null(strstr(buf, "00200001"));          /* the trace is there ... */
    assert_null(strstr(buf, "31323334"));              /* ... without the values */
    assert_null(strstr(buf, "3736353433"));
    assert_null(strstr(buf, "3837363534"));
    free(buf);
    fx_restart(f);                                     /* reopen (untraced) for teardown */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_verify_ok),
        T(test_verify_wrong_then_blocked),
        T(test_verify_success_resets_counter),
        T(test_verify_wrong_clears_verified),
        T(test_verify_counter_persists),
        T(test_verify_power_cut_after_decrement),
        T(test_verify_bad_parameters),
        T(test_verify_disabled),
        T(test_change_ok),
        T(test_change_errors),
        T(test_change_disabled_or_not_changeable),
        T(test_disable_ok_persists),
        T(test_disable_errors),
        T(test_enable_ok),
        T(test_enable_errors),
        T(test_unblock_ok),
        T(test_unblock_enables_disabled_pin),
        T(test_unblock_puk_blocked),
        T(test_unblock_errors),
        T(test_no_profile),
        T(test_pin_values_not_traced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
