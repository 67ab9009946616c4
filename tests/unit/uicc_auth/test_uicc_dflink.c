/* tests/unit/uicc_auth/test_uicc_dflink.c — DF links (SAIP linkPath naming a DF) as a
 * terminal sees them through card_transmit: DF.TELECOM (7F10, with EF 6F01 and EF 6F02
 * with SFI 2) is shown as DF 5F50 inside ADF.USIM. Selecting through the linked DF
 * reaches the target's EFs, the linked DF stays the current DF (parent, siblings, STATUS),
 * and an update through one path is visible through the other, also after a restart. */
#include "uicc_fixture.h"

#include <string.h>

#include "card/fs.h"

static int setup(void **state)
{
    fx_setup(state);
    struct fx *f = *state;
    int telecom = fx_add_file(f, FS_DF, 0x7F10, 0, FS_NONE, NULL, NULL, 0, 0, 0, NULL);
    fx_add_file(f, FS_EF_TRANSPARENT, 0x6F01, telecom, FS_NONE, NULL, "4142434445", 0, 0, 5,
                NULL);
    int ef2 = fx_add_file(f, FS_EF_TRANSPARENT, 0x6F02, telecom, FS_NONE, NULL, "7879", 0, 0,
                          2, NULL);
    f->img.fs.files[ef2].sfi = 2;
    fx_add_file(f, FS_DF, 0x5F50, f->usim, telecom, NULL, NULL, 0, 0, 0, NULL);
    fx_start(f);
    return 0;
}

static void assert_data_has(const char *hex)
{
    assert_non_null(strstr(fx_data, hex));
}

static void test_select_through_link(void **state)
{
    struct fx *f = *state;
    fx_select_usim(f);
    /* the linked DF: its own FID in the FCP, a DF descriptor */
    assert_int_equal(fx_tx(f, "00A40004 02 5F50 00"), 0x9000);
    assert_data_has("820278");
    assert_data_has("83025F50");
    /* a child of the target, by FID relative to the linked DF */
    assert_int_equal(fx_tx(f, "00A40004 02 6F01 00"), 0x9000);
    assert_data_has("83026F01");
    assert_int_equal(fx_tx(f, "00B00000 05"), 0x9000);
    assert_string_equal(fx_data, "4142434445");
    /* P1 02 (child EF of the current DF) and a sibling by FID */
    assert_int_equal(fx_tx(f, "00A4020C 02 6F02"), 0x9000);
    assert_int_equal(fx_tx(f, "00B00000 02"), 0x9000);
    assert_string_equal(fx_data, "7879");
    /* the current DF is still the linked DF: STATUS answers its FCP */
    assert_int_equal(fx_tx(f, "80F20000 00"), 0x9000);
    assert_data_has("83025F50");
    /* its parent is ADF.USIM, not the MF (the target's parent) */
    assert_int_equal(fx_tx(f, "00A40304 00"), 0x9000);
    assert_data_has(FX_USIM_AID);
    /* path from the current ADF and from the MF (ADF temporary FID 7FF0 is not a path
     * element for the terminal: 7FFF is) through the link */
    assert_int_equal(fx_tx(f, "00A4080C 06 7FFF5F506F01"), 0x9000);
    assert_int_equal(fx_tx(f, "00B00000 01"), 0x9000);
    assert_string_equal(fx_data, "41");
    assert_int_equal(fx_tx(f, "00A4090C 04 5F506F02"), 0x6A82);   /* from 5F50 itself */
    assert_int_equal(fx_tx(f, "00A40304 00"), 0x9000);
    assert_int_equal(fx_tx(f, "00A4090C 04 5F506F02"), 0x9000);   /* from ADF.USIM */
    /* READ BINARY by SFI inside the linked DF, then the linked DF is still current */
    assert_int_equal(fx_tx(f, "00A4000C 02 5F50"), 0x9000);
    assert_int_equal(fx_tx(f, "00B08200 02"), 0x9000);
    assert_string_equal(fx_data, "7879");
    assert_int_equal(fx_tx(f, "80F20000 00"), 0x9000);
    assert_data_has("83025F50");
    /* an FID the target does not have */
    assert_int_equal(fx_tx(f, "00A4000C 02 6F07"), 0x6A82);
}

static void test_update_both_ways(void **state)
{
    struct fx *f = *state;
    /* update through the link ... */
    fx_select_usim(f);
    assert_int_equal(fx_tx(f, "00A4080C 06 7FFF5F506F01"), 0x9000);
    assert_int_equal(fx_tx(f, "00D60000 02 0102"), 0x9000);
    /* ... seen at the target's own path */
    assert_int_equal(fx_tx(f, "00A4080C 04 7F106F01"), 0x9000);
    assert_int_equal(fx_tx(f, "00B00000 05"), 0x9000);
    assert_string_equal(fx_data, "0102434445");
    /* and the other way round */
    assert_int_equal(fx_tx(f, "00D60003 02 0304"), 0x9000);
    fx_restart(f);
    fx_select_usim(f);
    assert_int_equal(fx_tx(f, "00A4000C 02 5F50"), 0x9000);
    assert_int_equal(fx_tx(f, "00A4000C 02 6F01"), 0x9000);
    assert_int_equal(fx_tx(f, "00B00000 05"), 0x9000);
    assert_string_equal(fx_data, "0102430304");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_select_through_link, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_update_both_ways, setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
