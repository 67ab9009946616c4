/* tests/unit/vicc/test_hexline.c — the --stdio front end: line handling and the loop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/vicc/fake_card.h"
#include "vicc/hexline.h"

struct out {
    char *buf;
    size_t size;
    FILE *f;
};

static void out_open(struct out *o)
{
    o->buf = NULL;
    o->size = 0;
    o->f = open_memstream(&o->buf, &o->size);
    assert_non_null(o->f);
}

static void out_close(struct out *o)
{
    fclose(o->f);
    free(o->buf);
}

static void handle(const struct frontend_card *fe, struct out *o, const char *line)
{
    hexline_handle(fe, line, strlen(line), o->f);
    fflush(o->f);
}

static void test_apdu_line(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    struct out o;

    fake_init(&f, &fe);
    out_open(&o);
    handle(&fe, &o, "00A40400");
    assert_string_equal(o.buf, "0004A4009000\n");
    out_close(&o);

    out_open(&o);   /* spaces, tabs, lower case, CR */
    handle(&fe, &o, "  00 a4\t04 00 02 3f 00\r");
    assert_string_equal(o.buf, "003F020004A4009000\n");
    assert_int_equal(f.n_apdus, 2);
    out_close(&o);
}

static void test_power_and_atr_lines(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    struct out o;

    fake_init(&f, &fe);
    out_open(&o);
    handle(&fe, &o, "on");
    handle(&fe, &o, "reset");
    handle(&fe, &o, "off");
    handle(&fe, &o, "atr");
    assert_string_equal(o.buf, "3B9F96801FC78031E0\n3B9F96801FC78031E0\nOK\n3B9F96801FC78031E0\n");
    assert_int_equal(f.n_events, 3);
    assert_int_equal(f.events[0], CARD_POWER_ON);
    assert_int_equal(f.events[1], CARD_POWER_RESET);
    assert_int_equal(f.events[2], CARD_POWER_OFF);
    out_close(&o);
}

static void test_skipped_lines(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    struct out o;

    fake_init(&f, &fe);
    out_open(&o);
    handle(&fe, &o, "");
    handle(&fe, &o, "   ");
    handle(&fe, &o, "# a comment 00A40400");
    assert_int_equal(o.size, 0);
    assert_int_equal(f.n_apdus, 0);
    out_close(&o);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const char *const bad[] = {"zz", "00A4040", "00 A 404 00", "resetx", "0G000000",
                                      "00A4"};
    struct fake_card f;
    struct frontend_card fe;
    struct out o;

    fake_init(&f, &fe);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        out_open(&o);
        handle(&fe, &o, bad[i]);
        assert_non_null(o.buf);
        assert_int_equal(strncmp(o.buf, "ERROR ", 6), 0);
        assert_non_null(strchr(o.buf, '\n'));
        out_close(&o);
    }
    assert_int_equal(f.n_apdus, 0);
    /* a card that gives no status word */
    f.mode = FAKE_NO_SW;
    out_open(&o);
    handle(&fe, &o, "00A40400");
    assert_int_equal(strncmp(o.buf, "ERROR ", 6), 0);
    out_close(&o);
}

static void test_run_loop(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    struct out o;
    int in[2];

    fake_init(&f, &fe);
    out_open(&o);
    assert_int_equal(pipe(in), 0);
    static const char input[] = "on\n00A40400\n\n# c\nzz\noff\n80CA";   /* last line: no \n */
    assert_int_equal(write(in[1], input, sizeof(input) - 1), (ssize_t)(sizeof(input) - 1));
    close(in[1]);
    assert_int_equal(hexline_run(&fe, in[0], o.f, -1), 0);
    fflush(o.f);
    assert_string_equal(o.buf, "3B9F96801FC78031E0\n0004A4009000\nERROR not a hex C-APDU "
                               "(or on/off/reset/atr)\nOK\nERROR a C-APDU has at least 4 "
                               "octets (CLA INS P1 P2)\n");
    close(in[0]);
    out_close(&o);
}

static void test_run_long_line_and_stop(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    struct out o;
    int in[2], stop[2];

    fake_init(&f, &fe);
    out_open(&o);
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(stop), 0);

    /* a line far longer than any C-APDU, written from a child so the pipe never blocks */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(in[0]);
        static char chunk[4096];
        memset(chunk, 'A', sizeof(chunk));
        for (int i = 0; i < 60; i++)
            if (write(in[1], chunk, sizeof(chunk)) < 0)
                _exit(1);
        if (write(in[1], "\n00A40400\n", 10) != 10)
            _exit(1);
        _exit(0);
    }
    close(in[1]);
    assert_int_equal(hexline_run(&fe, in[0], o.f, -1), 0);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(status, 0);
    fflush(o.f);
    assert_string_equal(o.buf, "ERROR line too long\n0004A4009000\n");
    close(in[0]);
    out_close(&o);

    /* stop fd ends the loop although input stays open */
    out_open(&o);
    assert_int_equal(pipe(in), 0);
    assert_int_equal(write(stop[1], "x", 1), 1);
    assert_int_equal(hexline_run(&fe, in[0], o.f, stop[0]), 0);
    close(in[0]);
    close(in[1]);
    close(stop[0]);
    close(stop[1]);
    out_close(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apdu_line),
        cmocka_unit_test(test_power_and_atr_lines),
        cmocka_unit_test(test_skipped_lines),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_run_loop),
        cmocka_unit_test(test_run_long_line_and_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
