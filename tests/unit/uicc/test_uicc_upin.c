/* tests/unit/uicc/test_uicc_upin.c — the universal PIN as replacement of a disabled
 * application PIN (ETSI TS 102 221 §11.1.11 DISABLE PIN with P1 = 91, §9.5.1): access
 * conditions, the PIN status template of the ADF, persistence across a restart and a
 * profile switch, ENABLE/UNBLOCK ending the replacement, and every refusal. Uses the
 * hand-built profile of tests/unit/uicc_auth/uicc_fixture (PIN1/PUK1, PIN2, ADM1), with a
 * universal PIN and an EF under ADF.USIM whose READ needs PIN1 added. */
#include "tests/unit/uicc_auth/uicc_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "card/fs.h"
#include "card/pin.h"

#define UPIN        "32323232FFFFFFFF"      /* "2222" */
#define VERIFY1     "0020000108" FX_PIN1
#define VERIFYU     "0020001108" UPIN
#define DISABLE1_U  "0026910108" FX_PIN1    /* PIN1 disabled, universal PIN replaces it */
#define READ_EF     "00B0000002"
#define EF_DATA     "A55A"

/* Add the universal PIN (3 tries) and EF 6FA0 under ADF.USIM: compact attributes, READ
 * needs key reference 01 (PIN1). */
static void add_upin_and_ef(struct fx *f)
{
    struct pin *u = &f->img.pins.pins[f->img.pins.n++];
    memset(u, 0, sizeof *u);
    u->ref = PINREF_UNIVERSAL;
    u->present = u->enabled = u->changeable = true;
    tu_unhex(UPIN, u->value, sizeof u->value);
    u->tries_max = u->tries_left = 3;
    struct fs_file x;
    uint8_t data[2] = { 0xA5, 0x5A };
    memset(&x, 0, sizeof x);
    x.type = FS_EF_TRANSPARENT;
    x.fid = 0x6FA0;
    x.parent = f->usim;
    x.link = FS_NONE;
    x.size = sizeof data;
    x.data = data;
    x.data_len = sizeof data;
    x.sec_tag = 0x8C;
    x.sec[0] = 0x01;          /* AM: READ */
    x.sec[1] = 0x01;          /* SC: PIN1 */
    x.sec_len = 2;
    assert_int_not_equal(fs_add(&f->img.fs, &x), FS_NONE);
}

static int setup(void **state)
{
    fx_setup(state);
    add_upin_and_ef(*state);
    return 0;
}

/* READ BINARY of EF 6FA0 after selecting it in ADF.USIM; the SW. */
static unsigned read_ef(struct fx *f)
{
    fx_select_usim(f);
    assert_int_equal(fx_tx(f, "00A4000C026FA0"), 0x9000);
    return fx_tx(f, READ_EF);
}

/* The PIN status template (C6 ...) of ADF.USIM's FCP must contain `c6`. */
static void expect_usim_c6(struct fx *f, const char *c6)
{
    assert_int_equal(fx_tx(f, "00A40404 10" FX_USIM_AID), 0x9000);
    if (strstr(fx_data, c6) == NULL)
        fail_msg("FCP %s lacks %s", fx_data, c6);
}

static void test_disable_with_universal(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(read_ef(f), 0x6982);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);
    assert_int_equal(read_ef(f), 0x6982);          /* the universal PIN is needed now */
    assert_int_equal(fx_tx(f, VERIFY1), 0x6984);   /* PIN1 itself is disabled */
    assert_int_equal(fx_tx(f, "00200001"), 0x9000);
    assert_int_equal(fx_tx(f, VERIFYU), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);
    assert_string_equal(fx_data, EF_DATA);
    /* PS_DO: 01 disabled, 81 0A 11 enabled; 95 08 = the universal PIN is used */
    expect_usim_c6(f, "C61290017083010183018183010A950108830111");
}

static void test_replacement_persists(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);
    fx_restart(f);
    assert_int_equal(read_ef(f), 0x6982);
    assert_int_equal(fx_tx(f, VERIFYU), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);
    /* disable and enable the profile: still replaced, the verification is gone */
    assert_int_equal(uicc_switch_profile(f->c, 0), 0);
    assert_int_equal(uicc_switch_profile(f->c, FX_SLOT), 0);
    assert_int_equal(read_ef(f), 0x6982);
    assert_int_equal(fx_tx(f, VERIFYU), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);
    expect_usim_c6(f, "950108830111");
}

static void test_plain_disable_does_not_use_universal(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, "0026000108" FX_PIN1), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);            /* disabled: always */
    expect_usim_c6(f, "C60C90016083010183018183010A");
}

static void test_enable_ends_replacement(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);
    assert_int_equal(fx_tx(f, "0028000108" FX_PIN1), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);            /* ENABLE verified PIN1 */
    fx_restart(f);
    assert_int_equal(fx_tx(f, VERIFYU), 0x9000);
    assert_int_equal(read_ef(f), 0x6982);            /* PIN1 again, not the universal */
    expect_usim_c6(f, "C60C9001E083010183018183010A");
}

static void test_unblock_ends_replacement(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);
    assert_int_equal(fx_tx(f, "002C000110" FX_PUK1 FX_PIN1), 0x9000);
    fx_restart(f);
    assert_int_equal(fx_tx(f, VERIFYU), 0x9000);
    assert_int_equal(read_ef(f), 0x6982);
    assert_int_equal(fx_tx(f, VERIFY1), 0x9000);
    assert_int_equal(read_ef(f), 0x9000);
}

static void test_universal_disabled_afterwards(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);
    assert_int_equal(fx_tx(f, "0026001108" UPIN), 0x9000);
    /* application PIN disabled, universal PIN not enabled: no PIN (§9.5.1, SE 00) */
    assert_int_equal(read_ef(f), 0x9000);
    expect_usim_c6(f, "C61290016083010183018183010A950108830111");
}

static void test_disable_p1_errors(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, "0026800108" FX_PIN1), 0x6A86);   /* b8, reference 00 */
    assert_int_equal(fx_tx(f, "0026810108" FX_PIN1), 0x6A86);   /* 01 is no alternative */
    assert_int_equal(fx_tx(f, "0026B10108" FX_PIN1), 0x6A86);   /* b6 set */
    assert_int_equal(fx_tx(f, "0026110108" FX_PIN1), 0x6A86);   /* reference without b8 */
    assert_int_equal(fx_tx(f, "0026918108" FX_PIN2), 0x6A86);   /* a local PIN */
    assert_int_equal(fx_tx(f, "0026911108" UPIN), 0x6A86);      /* the universal itself */
    assert_int_equal(fx_tx(f, "0026910A08" FX_ADM1), 0x6985);   /* ADM */
    assert_int_equal(fx_tx(f, "00269101"), 0x6700);
    assert_int_equal(fx_tx(f, "0020910108" FX_PIN1), 0x6A86);   /* P1 91 is DISABLE's */
    assert_int_equal(fx_tx(f, "0028910108" FX_PIN1), 0x6A86);
    /* nothing was spent or changed */
    assert_int_equal(fx_tx(f, "00200001"), 0x63C3);
    assert_int_equal(fx_tx(f, "00200081"), 0x63C3);
    assert_int_equal(read_ef(f), 0x6982);
}

static void test_disable_universal_not_usable(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    /* universal PIN blocked */
    for (unsigned i = 2; i < 3; i--)
        assert_int_equal(fx_tx(f, "0020001108" FX_BADPIN), 0x63C0 | i);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x6985);
    assert_int_equal(fx_tx(f, "00200001"), 0x63C3);              /* no try spent */
    fx_stop(f);
    /* universal PIN not enabled */
    fx_build(f);
    add_upin_and_ef(f);
    f->img.pins.pins[f->img.pins.n - 1].enabled = false;
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x6985);
    fx_stop(f);
    /* no universal PIN in the profile */
    fx_build(f);
    fx_start(f);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x6A88);
    assert_int_equal(fx_tx(f, "0026000108" FX_PIN1), 0x9000);    /* P1 00 still works */
}

static void test_disable_universal_counters(void **state)
{
    struct fx *f = *state;
    fx_start(f);
    assert_int_equal(fx_tx(f, "0026910108" FX_BADPIN), 0x63C2);
    fx_restart(f);                                                /* persisted */
    assert_int_equal(fx_tx(f, "00200001"), 0x63C2);
    assert_int_equal(fx_tx(f, "0026910108" FX_BADPIN), 0x63C1);
    assert_int_equal(fx_tx(f, "0026910108" FX_BADPIN), 0x63C0);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x6983);               /* blocked */
    assert_int_equal(read_ef(f), 0x6982);                         /* still PIN1's rule */
    assert_int_equal(fx_tx(f, "002C000110" FX_PUK1 FX_PIN1), 0x9000);
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x9000);               /* counter reset */
    assert_int_equal(fx_tx(f, "00200001"), 0x9000);               /* disabled */
    assert_int_equal(fx_tx(f, DISABLE1_U), 0x6984);               /* already disabled */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_disable_with_universal, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_replacement_persists, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_plain_disable_does_not_use_universal, setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_enable_ends_replacement, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_unblock_ends_replacement, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_universal_disabled_afterwards, setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable_p1_errors, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable_universal_not_usable, setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_disable_universal_counters, setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
