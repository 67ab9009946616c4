/* Unit tests: the card runtime (card.c, channel.c, select.c, mf.c) on a runtime-only
 * card with fake applets: MANAGE CHANNEL, SELECT, GET RESPONSE/61xx/6Cxx, STORE DATA
 * routing, MF context, power events, trace and buffer limits. */
#include "card_test_util.h"

#define AID_A  "A0000000871002FF01"
#define AID_A2 "A0000000871002FF02"
#define AID_B  "A0000000871004"

struct fixture {
    struct card *c;
    struct applet a, a2, b;
    struct fake fa, fa2, fb;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->c = card_runtime_new(NULL);
    assert_non_null(f->c);
    fake_init(&f->a, &f->fa, AID_A, 0xA1);
    fake_init(&f->a2, &f->fa2, AID_A2, 0xA2);
    fake_init(&f->b, &f->fb, AID_B, 0xB1);
    assert_int_equal(registry_add(card_registry(f->c), &f->a), 0);
    assert_int_equal(registry_add(card_registry(f->c), &f->a2), 0);
    assert_int_equal(registry_add(card_registry(f->c), &f->b), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    card_runtime_free(f->c);
    free(f);
    return 0;
}

/* ---- MANAGE CHANNEL ---- */

static void test_manage_channel_assign(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "0070000001", "019000");      /* lpac */
    assert_tx(c, "0070000001", "029000");
    assert_tx(c, "0070800100", "9000");        /* close 1 with trailing Le */
    assert_tx(c, "0070000001", "019000");      /* lowest free again */
    assert_tx(c, "00700000", "6101");          /* no Le: T=0 style */
    assert_tx(c, "00C0000001", "039000");
    assert_tx(c, "0070000000", "049000");      /* Le 00 */
    for (int i = 5; i < CHANNEL_MAX; i++)
        tx(c, "0070000001");
    assert_tx(c, "0070000001", "6A81");        /* all 19 in use */
    assert_tx(c, "4FF2000C", "9000");          /* channel 19, further interindustry */
    assert_tx(c, "0070801300", "9000");
    assert_tx(c, "4FF2000C", "6881");
}

static void test_manage_channel_explicit(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "01F2000C", "6881");          /* closed channel */
    assert_tx(c, "0070000100", "9000");        /* onomondo-ipa */
    assert_tx(c, "01F2000C", "9000");
    assert_tx(c, "0070000100", "6A81");        /* already open */
    assert_tx(c, "0070001400", "6A86");        /* 20 */
    assert_tx(c, "0070000400", "9000");
    assert_tx(c, "40F2000C", "9000");          /* channel 4 */
    assert_tx(c, "0070000F", "9000");          /* channel 15, case 1 */
    assert_tx(c, "4BF2000C", "9000");
}

static void test_manage_channel_close(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "0070000200", "9000");
    assert_tx(c, "0070800200", "9000");
    assert_tx(c, "02F2000C", "6881");
    assert_tx(c, "0070800200", "6A88");        /* not open */
    assert_tx(c, "0070800000", "6A86");        /* basic channel (CLA channel 0) */
    assert_tx(c, "0070801400", "6A86");        /* 20 */
    assert_tx(c, "0070000300", "9000");
    assert_tx(c, "03708000", "9000");          /* P2 00: the CLA's channel */
    assert_tx(c, "03F2000C", "6881");
    assert_tx(c, "0070000300", "9000");
    assert_tx(c, "0370800300", "9000");        /* closing itself */
    assert_tx(c, "0070400100", "6A86");        /* bad P1 */
    assert_tx(c, "007000000101", "6700");      /* data */
    assert_tx(c, "FF70000001", "6E00");
}

static void test_manage_channel_inherit(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    assert_tx(c, "0070000100", "9000");
    assert_tx(c, "01A4040009" AID_A, "6105");
    assert_int_equal(f->fa.selects, 1);
    /* from channel 1: the new channel has the same applet, selected again */
    assert_tx(c, "0170000001", "029000");
    assert_int_equal(f->fa.selects, 2);
    assert_ptr_equal(f->fa.last_ch, &c->ch[2]);
    assert_ptr_equal(c->ch[2].selected, &f->a);
    assert_tx(c, "0230000000", "ABCD6310");    /* processed by A */
    assert_int_equal(f->fa.processes, 1);
    /* from channel 0 with A selected there: the new channel is in the MF context */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "0070000001", "039000");
    assert_null(c->ch[3].selected);
    assert_tx(c, "0330000000", "6D00");
    /* a refusing applet closes the new channel again */
    f->fa.refuse = true;
    assert_tx(c, "0170000001", "6999");
    assert_false(c->ch[4].open);
    assert_tx(c, "40F2000C", "6881");          /* channel 4 = CLA 40 */
}

/* ---- SELECT ---- */

static void test_select_full(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    assert_tx(c, "00A4040009" AID_A, "6105");                   /* lpac: no Le */
    assert_tx(c, "00C0000005", "6F038401A19000");
    assert_tx(c, "00A4040409" AID_A, "6105");                   /* onomondo-ipa P2 04 */
    assert_tx(c, "00A4040409" AID_A "00", "6F038401A19000");    /* pySim: Le 00 */
    assert_tx(c, "00A4040C09" AID_A, "9000");                   /* no data */
    assert_tx(c, "00A4040C09" AID_A "00", "9000");
    assert_int_equal(f->fa.selects, 5);
    assert_int_equal(f->fa.deselects, 0);                        /* reselect */
    assert_tx(c, "00A4040007" AID_B, "6105");
    assert_int_equal(f->fa.deselects, 1);
    assert_ptr_equal(c->ch[0].selected, &f->b);
    assert_tx(c, "00A4040107" AID_B, "6A86");                   /* last occurrence */
    assert_tx(c, "00A4041007" AID_B, "6A86");                   /* P2 b5 */
}

static void test_select_partial_next(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    /* A0000000871002 is a prefix of A and A2 */
    assert_tx(c, "00A4040007A0000000871002", "6105");
    assert_tx(c, "00C0000000", "6F038401A19000");
    assert_tx(c, "00A4040207A0000000871002", "6105");            /* next → A2 */
    assert_tx(c, "00C0000000", "6F038401A29000");
    assert_int_equal(f->fa.deselects, 1);
    assert_tx(c, "00A4040207A0000000871002", "6A82");            /* no more */
    assert_ptr_equal(c->ch[0].selected, &f->a2);
    /* next skips a locked applet */
    f->a2.life_cycle = APPLET_LC_LOCKED;
    assert_tx(c, "00A4040005A000000087", "6105");                /* → A */
    assert_tx(c, "00A4040205A000000087", "6105");                /* → B (A2 locked) */
    assert_tx(c, "00C0000005", "6F038401B19000");
}

static void test_select_errors(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00A4040005A000000099", "6A82");                /* not found */
    assert_ptr_equal(c->ch[0].selected, &f->a);                  /* stays */
    assert_tx(c, "00A4040011A0000000871002FF01000000000000000000", "6A82"); /* 17 octets */
    assert_tx(c, "00A40400", "6A82");                            /* empty AID */
    f->b.life_cycle = APPLET_LC_LOCKED;
    assert_tx(c, "00A4040007" AID_B, "6A82");
    f->b.life_cycle = APPLET_LC_INSTALLED;
    assert_tx(c, "00A4040007" AID_B, "6A82");
    f->b.life_cycle = APPLET_LC_SELECTABLE;
    f->fb.refuse = true;
    assert_tx(c, "00A4040007" AID_B, "6999");
    f->fb.refuse_sw = SW_CONDITIONS_NOT_SATISFIED;
    assert_tx(c, "00A4040007" AID_B, "6985");
    assert_ptr_equal(c->ch[0].selected, &f->a);
    assert_int_equal(f->fa.deselects, 0);
    assert_tx(c, "00A4040009" AID_A "0102", "6700");             /* malformed */
}

/* ---- GET RESPONSE ---- */

static void test_get_response_cla(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "0070000100", "9000");
    assert_tx(c, "01A4040009" AID_A, "6105");
    assert_tx(c, "81C0000005", "6F038401A19000");   /* lpac: 8<ch> */
    assert_tx(c, "01A4040009" AID_A, "6105");
    assert_tx(c, "01C0000005", "6F038401A19000");   /* onomondo-ipa: 0<ch> */
    assert_tx(c, "81100005", "6105");               /* command's CLA 81 */
    assert_tx(c, "81C0000005", "00010203049000");
    assert_tx(c, "01A4040009" AID_A, "6105");
    assert_tx(c, "00C0000005", "6985");             /* wrong channel: 0 has nothing */
    assert_tx(c, "0DC0000005", "6E00");             /* SM bits */
    assert_tx(c, "01C0000105", "6B00");
    assert_tx(c, "01C00000020000", "6700");
    assert_tx(c, "01C0000005", "6F038401A19000");   /* still pending */
    assert_tx(c, "01C0000005", "6985");
    /* further interindustry channel 5 */
    assert_tx(c, "0070000500", "9000");
    assert_tx(c, "41A4040009" AID_A, "6105");
    assert_tx(c, "41C0000005", "6F038401A19000");
    assert_tx(c, "C1100003", "6103");
    assert_tx(c, "C1C0000003", "0001029000");
}

static void test_get_response_le(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00C0000010", "6C05");             /* Le too long */
    assert_tx(c, "00C0000002", "6F036103");         /* part, 3 remain */
    assert_tx(c, "00C0000004", "6C03");
    assert_tx(c, "00C0000000", "8401A19000");       /* Le 00: up to 256 */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00C00000", "6F038401A19000");     /* no Le: up to 256 */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00F2000C", "6D00");               /* other command drops it */
    assert_tx(c, "00C0000005", "6985");
}

static void expect_chunk(struct card *c, const char *capdu, size_t n, size_t first,
                         const char *sw)
{
    const char *r = tx(c, capdu);
    assert_int_equal(strlen(r), 2 * n + 4);
    for (size_t i = 0; i < n; i++) {
        char b[3];
        snprintf(b, sizeof(b), "%02X", (unsigned)((first + i) & 0xFF));
        assert_memory_equal(r + 2 * i, b, 2);
    }
    assert_string_equal(r + 2 * n, sw);
}

static void test_long_response(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "00A4040009" AID_A, "6105");
    /* 600 octets without Le: 6100 (>= 256 remain), then 256 + 256 + 88 */
    assert_tx(c, "80100258", "6100");
    expect_chunk(c, "80C0000000", 256, 0, "6100");
    expect_chunk(c, "00C0000000", 256, 256, "6158");
    expect_chunk(c, "80C0000058", 88, 512, "9000");
    assert_tx(c, "80C0000000", "6985");
    /* with Le 00 (case 2): 256 directly, the rest through GET RESPONSE */
    expect_chunk(c, "8010025800", 256, 0, "6100");
    expect_chunk(c, "80C0000000", 256, 256, "6158");
    expect_chunk(c, "80C0000000", 88, 512, "9000");
    /* Le smaller than the data */
    expect_chunk(c, "8010000810", 8, 0, "9000");
    expect_chunk(c, "8010001004", 4, 0, "610C");
    /* extended Le 0000: everything directly */
    expect_chunk(c, "80100258000000", 600, 0, "9000");
    /* extended Le smaller */
    expect_chunk(c, "80100258000100", 256, 0, "6100");
    expect_chunk(c, "80C00000000200", 344, 256, "9000");
}

static void test_applet_status_words(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "80300000", "ABCD6310");           /* error SW with data: as is */
    assert_tx(c, "80320000", "9000");               /* 91xx never leaves the card */
    assert_tx(c, "80340000", "6F00");               /* applet set no SW */
    assert_tx(c, "80990000", "6D00");
}

/* ---- STORE DATA through an applet ---- */

static void test_storedata_chain(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_tx(c, "0070000001", "019000");
    assert_tx(c, "01A4040009" AID_A, "6105");
    assert_tx(c, "81E2110003BF2D03", "9000");       /* intermediate: plain 9000 */
    assert_tx(c, "81E2910103010203", "6106");
    assert_tx(c, "81C0000006", "BF2D030102039000");
    /* out of order: discarded */
    assert_tx(c, "81E2110002BF2D", "9000");
    assert_tx(c, "81E2910202BF2D", "6A86");
    assert_tx(c, "81E2910102BF2D", "6A86");
    /* a SELECT discards the chain */
    assert_tx(c, "81E2110002BF2D", "9000");
    assert_tx(c, "01A4040C09" AID_A, "9000");
    assert_tx(c, "81E2910102BF2D", "6A86");
    assert_tx(c, "81E2910000", "6700");             /* empty block */
}

/* ---- MF context ---- */

static void test_mf_context(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    const char *fcp = "621F8202782183023F00A503800171 8A01058C087FFFFFFFFFFFFFFFC603900100";
    char expect[128];
    size_t n = 0;
    for (const char *p = fcp; *p; p++)
        if (*p != ' ')
            expect[n++] = *p;
    expect[n] = '\0';
    strcat(expect, "9000");
    assert_tx(c, "00A40004023F00", "6121");          /* pySim, no Le */
    assert_string_equal(tx(c, "00C0000021"), expect);
    assert_string_equal(tx(c, "00A40004023F0000"), expect);
    assert_tx(c, "00A4000C023F00", "9000");
    assert_tx(c, "00A40004", "6121");                /* empty FID = MF */
    assert_tx(c, "00A40804023F00", "6121");
    assert_string_equal(tx(c, "00A4080400"), expect); /* Le 00: direct */
    assert_tx(c, "00A40004022F00", "6A82");
    assert_tx(c, "00A40304", "6A82");                /* parent of MF */
    assert_tx(c, "00A4000403", "621F82611E");        /* MF, Le 3: 3 octets, 30 more */
    assert_tx(c, "00A40904022F00", "6A82");
    assert_tx(c, "00A4000403 3F0001", "6700");
    assert_tx(c, "00A40044023F00", "6A86");           /* P2 */
    assert_tx(c, "00A40504023F00", "6A86");           /* P1 */
    assert_tx(c, "80A40004023F00", "6E00");
    assert_string_equal(tx(c, "80F2000000"), expect); /* STATUS */
    assert_tx(c, "80F2000100", "9000");
    assert_tx(c, "80F2000C00", "9000");
    assert_tx(c, "80F2000200", "6A86");
    assert_tx(c, "80F2030000", "6A86");
    assert_tx(c, "00B0000000", "6D00");
    /* SELECT MF leaves the applet */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00A4000C023F00", "9000");
    assert_null(c->ch[0].selected);
    assert_int_equal(f->fa.deselects, 1);
    /* other SELECTs with an applet selected go to the applet */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "00A40004022F00", "6D00");
    assert_int_equal(f->fa.processes, 1);
}

static void test_terminal_capability(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    assert_tx(c, "80AA00000AA9088100820101830107", "9000");   /* lpac */
    assert_tx(c, "80AA000005A903830107", "9000");             /* onomondo-ipa */
    assert_tx(c, "00A4040009" AID_A, "6105");
    assert_tx(c, "80AA000005A903830107", "9000");             /* applet selected: still card-level */
    assert_int_equal(f->fa.processes, 0);
    assert_tx(c, "80AA000003A90283", "6A80");                 /* truncated */
    assert_tx(c, "80AA000004A9018300", "6A80");               /* trailing octet */
    assert_tx(c, "80AA000004B1028301", "6A80");               /* not A9 */
    assert_tx(c, "80AA010005A903830107", "6A86");
    assert_tx(c, "80AA0000", "9000");
}

/* ---- power ---- */

static void test_power_reset(void **state)
{
    struct fixture *f = *state;
    struct card *c = f->c;
    assert_tx(c, "0070000200", "9000");
    assert_tx(c, "02A4040009" AID_A, "6105");
    assert_tx(c, "00A4040007" AID_B, "6105");
    assert_tx(c, "80E2110002BF2D", "9000");          /* chain on channel 0 (B) */
    assert_true(c->ch[0].sd.active);
    assert_int_equal(c->ch[2].pending_len, 5);
    card_power(c, CARD_POWER_RESET);
    assert_int_equal(f->fa.deselects, 1);
    assert_int_equal(f->fb.deselects, 1);
    assert_int_equal(f->fa.resets, 1);
    assert_int_equal(f->fa2.resets, 1);
    assert_int_equal(f->fb.resets, 1);
    assert_false(c->ch[0].sd.active);
    assert_tx(c, "02C0000005", "6881");              /* channel 2 closed */
    assert_tx(c, "00C0000005", "6985");
    assert_null(c->ch[0].selected);
    assert_true(c->ch[0].open);
    assert_tx(c, "80E2910102BF2D", "6D00");          /* MF context now */
    card_power(c, CARD_POWER_OFF);
    card_power(c, CARD_POWER_ON);
    assert_int_equal(f->fb.resets, 3);
    assert_int_equal(f->fb.deselects, 1);            /* nothing selected any more */
    assert_tx(c, "0070000001", "019000");
    card_power(NULL, CARD_POWER_ON);
}

/* ---- limits ---- */

static void test_rapdu_cap(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    uint8_t cmd[] = { 0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02,
                      0xFF, 0x01, 0x00 };
    uint8_t r[8];
    memset(r, 0xEE, sizeof(r));
    assert_int_equal(card_transmit(c, cmd, sizeof(cmd), r, 1), 0);
    assert_int_equal(r[0], 0xEE);
    assert_int_equal(card_transmit(c, cmd, sizeof(cmd), r, 2), 2);  /* FCI + SW needs 7 */
    assert_int_equal(r[0], 0x6F);
    assert_int_equal(r[1], 0x00);
    assert_int_equal(r[2], 0xEE);
    assert_int_equal(card_transmit(c, cmd, sizeof(cmd) - 1, r, 2), 2); /* no Le: 61 05 */
    assert_int_equal(r[0], 0x61);
    uint8_t gr[] = { 0x00, 0xC0, 0x00, 0x00, 0x05 };
    assert_int_equal(card_transmit(c, gr, sizeof(gr), r, 6), 2);
    assert_int_equal(r[0], 0x6F);
    assert_int_equal(card_transmit(c, gr, sizeof(gr), r, 7), 7);    /* still pending */
    assert_int_equal(r[5], 0x90);
    assert_int_equal(card_transmit(NULL, gr, sizeof(gr), r, sizeof(r)), 2);
    assert_int_equal(r[0], 0x6F);
    assert_int_equal(card_transmit(c, NULL, 0, r, sizeof(r)), 2);
    assert_int_equal(r[0], 0x67);
    assert_int_equal(card_transmit(c, gr, sizeof(gr), NULL, 10), 0);
}

static void test_services(void **state)
{
    struct card *c = ((struct fixture *)*state)->c;
    assert_null(card_store(c));
    assert_null(card_rng(c));
    assert_null(card_ecasd(c));
    assert_int_equal(card_mode(c), CARD_MODE_CONSUMER);
    assert_int_equal(card_capacity(c), 512u * 1024u);
    assert_false(card_tracing(c));
    card_trace(c, "nothing %d", 1);
    assert_null(card_registry(NULL));
    assert_int_equal(card_mode(NULL), CARD_MODE_DEFAULT);
}

/* ---- trace ---- */

static void test_trace(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct card *c = card_runtime_new(f);
    struct applet a;
    struct fake fa;
    fake_init(&a, &fa, AID_A, 0xA1);
    assert_int_equal(registry_add(card_registry(c), &a), 0);
    assert_true(card_tracing(c));
    tx(c, "00A4040009" AID_A "00");
    tx(c, "0020000108 3132333435FFFFFF");          /* VERIFY PIN: masked */
    tx(c, "8022000002 1234");                      /* applet marks secret */
    card_trace(c, "hello %s", "applet");           /* outside a command: at once */
    tx(c, "803A0000");                             /* secret data kept for GET RESPONSE */
    tx(c, "80C0000004");                           /* ... which masks it too */
    tx(c, "FF");
    fflush(f);
    assert_string_equal(buf,
                        "> 00A4040009" AID_A "00\n"
                        "< 6F038401A19000\n"
                        "> 00200001 <secret>\n"
                        "  fake: secret command\n"
                        "< 9000\n"
                        "> 80220000 <secret>\n"
                        "  fake: secret command\n"
                        "< 9000\n"
                        "  hello applet\n"
                        "> 803A0000\n"
                        "< 6104\n"
                        "> 80C00000 <secret>\n"
                        "< <secret> 9000\n"
                        "> FF\n"
                        "< 6700\n");
    card_runtime_free(c);
    fclose(f);
    free(buf);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_manage_channel_assign),
        T(test_manage_channel_explicit),
        T(test_manage_channel_close),
        T(test_manage_channel_inherit),
        T(test_select_full),
        T(test_select_partial_next),
        T(test_select_errors),
        T(test_get_response_cla),
        T(test_get_response_le),
        T(test_long_response),
        T(test_applet_status_words),
        T(test_storedata_chain),
        T(test_mf_context),
        T(test_terminal_capability),
        T(test_power_reset),
        T(test_rapdu_cap),
        T(test_services),
        cmocka_unit_test(test_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
