/* tests/unit/vicc/test_vpcd.c — the vpcd client against a local listener that plays
 * vpcd: endpoint parsing, framing, power events, split frames, reconnect, stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/vicc/fake_card.h"
#include "vicc/vpcd.h"

/* ---- helpers: a listener that plays vpcd ---- */

static int listen_any(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* accept with a timeout so a broken client fails the test instead of hanging it */
static int accept_timeout(int lfd, int ms)
{
    struct pollfd p = {.fd = lfd, .events = POLLIN, .revents = 0};
    if (poll(&p, 1, ms) != 1)
        return -1;
    return accept(lfd, NULL, NULL);
}

static void write_all(int fd, const void *p, size_t len)
{
    const uint8_t *b = p;
    while (len > 0) {
        ssize_t n = write(fd, b, len);
        assert_true(n > 0);
        b += n;
        len -= (size_t)n;
    }
}

static void send_frame(int fd, const uint8_t *p, size_t len)
{
    uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    write_all(fd, hdr, 2);
    if (len)
        write_all(fd, p, len);
}

static void send_ctrl(int fd, uint8_t b)
{
    send_frame(fd, &b, 1);
}

/* read one frame with a timeout; returns its length or -1 */
static long recv_frame(int fd, uint8_t *buf, size_t cap, int ms)
{
    uint8_t hdr[2];
    size_t got = 0, need = 2;
    uint8_t *dst = hdr;
    for (int phase = 0; phase < 2; phase++) {
        while (got < need) {
            struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
            if (poll(&p, 1, ms) != 1)
                return -1;
            ssize_t n = read(fd, dst + got, need - got);
            if (n <= 0)
                return -1;
            got += (size_t)n;
        }
        if (phase == 0) {
            need = ((size_t)hdr[0] << 8) | hdr[1];
            if (need > cap)
                return -1;
            dst = buf;
            got = 0;
        }
    }
    return (long)need;
}

/* nothing arrives within ms */
static bool quiet(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    return poll(&p, 1, ms) == 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct runner {
    pthread_t th;
    struct frontend_card fe;
    struct vpcd_options o;
    int rc;
};

static void *run_thread(void *arg)
{
    struct runner *r = arg;
    r->rc = vpcd_run(&r->fe, &r->o);
    return NULL;
}

/* ---- endpoint parsing ---- */

static void test_parse_endpoint_ok(void **state)
{
    (void)state;
    struct vpcd_options o;
    char err[128];

    vpcd_options_init(&o);
    assert_string_equal(o.host, "127.0.0.1");
    assert_int_equal(o.port, 35963);
    assert_int_equal(o.stop_fd, -1);
    assert_int_equal(vpcd_parse_endpoint(&o, "localhost:1", err, sizeof(err)), 0);
    assert_string_equal(o.host, "localhost");
    assert_int_equal(o.port, 1);
    assert_int_equal(vpcd_parse_endpoint(&o, "10.0.0.2:65535", err, sizeof(err)), 0);
    assert_string_equal(o.host, "10.0.0.2");
    assert_int_equal(o.port, 65535);
    assert_int_equal(vpcd_parse_endpoint(&o, "[::1]:35964", err, sizeof(err)), 0);
    assert_string_equal(o.host, "::1");
    assert_int_equal(o.port, 35964);
}

static void test_parse_endpoint_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "localhost", ":35963", "host:", "host:0", "host:65536", "host:12a",
        "host:-1", "host:123456", "a:b:1", "[::1]35963", "[::1", "[]:1", "host: 1",
    };
    struct vpcd_options o;
    char err[128];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        vpcd_options_init(&o);
        err[0] = '\0';
        assert_int_equal(vpcd_parse_endpoint(&o, bad[i], err, sizeof(err)), -1);
        assert_true(err[0] != '\0');
        /* a failed parse leaves the defaults alone */
        assert_string_equal(o.host, "127.0.0.1");
        assert_int_equal(o.port, 35963);
    }
    assert_int_equal(vpcd_parse_endpoint(&o, NULL, err, sizeof(err)), -1);
    char longhost[400];
    memset(longhost, 'a', sizeof(longhost));
    memcpy(longhost + sizeof(longhost) - 4, ":12", 4);
    assert_int_equal(vpcd_parse_endpoint(&o, longhost, err, sizeof(err)), -1);
}

/* ---- connect ---- */

static void test_connect_sets_nodelay(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = listen_any(&port);
    struct vpcd_options o;
    char err[128];

    vpcd_options_init(&o);
    o.port = port;
    int fd = vpcd_connect(&o, err, sizeof(err));
    assert_true(fd >= 0);
    int v = 0;
    socklen_t vl = sizeof(v);
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl), 0);
    assert_int_not_equal(v, 0);
    close(fd);
    close(lfd);
}

static void test_connect_refused(void **state)
{
    (void)state;
    uint16_t port;
    int lfd = listen_any(&port);
    close(lfd);   /* now nothing listens on port */
    struct vpcd_options o;
    char err[128] = "";

    vpcd_options_init(&o);
    o.port = port;
    assert_int_equal(vpcd_connect(&o, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "refused"));
}

static void test_connect_bad_host(void **state)
{
    (void)state;
    struct vpcd_options o;
    char err[128] = "";

    vpcd_options_init(&o);
    memcpy(o.host, "no-such-host.invalid", sizeof("no-such-host.invalid"));
    assert_true(vpcd_connect(&o, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "no-such-host.invalid"));
}

/* ---- frames on a socketpair ---- */

static void test_read_frame_split_and_errors(void **state)
{
    (void)state;
    int sv[2];
    uint8_t buf[16];
    size_t len = 99;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    /* zero-length frame is read as such */
    write_all(sv[0], "\x00\x00", 2);
    assert_int_equal(vpcd_read_frame(sv[1], -1, buf, sizeof(buf), &len), 1);
    assert_int_equal(len, 0);
    /* a frame longer than the buffer is refused */
    write_all(sv[0], "\x00\x11", 2);
    assert_int_equal(vpcd_read_frame(sv[1], -1, buf, sizeof(buf), &len), -1);
    close(sv[0]);
    close(sv[1]);

    /* closed between header and payload */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    write_all(sv[0], "\x00\x05\x01\x02", 4);
    close(sv[0]);
    assert_int_equal(vpcd_read_frame(sv[1], -1, buf, sizeof(buf), &len), -1);
    close(sv[1]);

    /* closed in the middle of the header */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    write_all(sv[0], "\x00", 1);
    close(sv[0]);
    assert_int_equal(vpcd_read_frame(sv[1], -1, buf, sizeof(buf), &len), -1);
    close(sv[1]);

    /* orderly close before a frame */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[0]);
    assert_int_equal(vpcd_read_frame(sv[1], -1, buf, sizeof(buf), &len), 0);
    close(sv[1]);

    /* stop fd wins */
    int pp[2];
    assert_int_equal(pipe(pp), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    write_all(pp[1], "x", 1);
    assert_int_equal(vpcd_read_frame(sv[1], pp[0], buf, sizeof(buf), &len), -2);
    close(sv[0]);
    close(sv[1]);
    close(pp[0]);
    close(pp[1]);
}

static void test_send_frame(void **state)
{
    (void)state;
    int sv[2];
    uint8_t buf[8];
    static uint8_t big[0x10000];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(vpcd_send_frame(sv[0], (const uint8_t *)"\x90\x00", 2), 0);
    assert_int_equal(read(sv[1], buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "\x00\x02\x90\x00", 4);
    assert_int_equal(vpcd_send_frame(sv[0], big, sizeof(big)), -1);
    close(sv[1]);
    /* peer gone: an error, not a SIGPIPE */
    assert_int_equal(vpcd_send_frame(sv[0], (const uint8_t *)"\x90\x00", 2), -1);
    close(sv[0]);
}

static void test_handle_frame_card_faults(void **state)
{
    (void)state;
    struct fake_card f;
    struct frontend_card fe;
    int sv[2];
    uint8_t buf[8];
    static const uint8_t apdu[] = {0x00, 0xA4, 0x04, 0x00};

    fake_init(&f, &fe);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    f.mode = FAKE_NO_SW;    /* card produced no status word → 6F00 */
    assert_int_equal(vpcd_handle_frame(&fe, sv[0], apdu, sizeof(apdu), NULL), 0);
    assert_int_equal(read(sv[1], buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "\x00\x02\x6F\x00", 4);
    f.mode = FAKE_HUGE;     /* longer than a frame can carry → 6700 */
    assert_int_equal(vpcd_handle_frame(&fe, sv[0], apdu, sizeof(apdu), NULL), 0);
    assert_int_equal(read(sv[1], buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "\x00\x02\x67\x00", 4);
    /* empty frame and unknown control byte: no reply */
    assert_int_equal(vpcd_handle_frame(&fe, sv[0], apdu, 0, NULL), 0);
    assert_int_equal(vpcd_handle_frame(&fe, sv[0], (const uint8_t *)"\x07", 1, NULL), 0);
    assert_true(quiet(sv[1], 50));
    assert_int_equal(f.n_events, 0);
    close(sv[1]);
    /* reply cannot be sent */
    f.mode = FAKE_ECHO;
    assert_int_equal(vpcd_handle_frame(&fe, sv[0], apdu, sizeof(apdu), NULL), -1);
    close(sv[0]);
}

/* ---- a whole session through vpcd_run ---- */

static void test_run_session_reconnect_stop(void **state)
{
    (void)state;
    struct fake_card f;
    struct runner r;
    uint16_t port;
    int lfd = listen_any(&port), pp[2];
    uint8_t buf[300];

    assert_int_equal(pipe(pp), 0);
    memset(&r, 0, sizeof(r));
    fake_init(&f, &r.fe);
    vpcd_options_init(&r.o);
    r.o.port = port;
    r.o.stop_fd = pp[0];
    r.o.backoff_min_ms = 10;
    r.o.backoff_max_ms = 20;
    assert_int_equal(pthread_create(&r.th, NULL, run_thread, &r), 0);

    int c = accept_timeout(lfd, 3000);
    assert_true(c >= 0);
    /* power on gets no reply: the first reply must be the ATR */
    send_ctrl(c, VPCD_CTRL_ON);
    send_ctrl(c, VPCD_CTRL_ATR);
    long n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, sizeof(fake_atr));
    assert_memory_equal(buf, fake_atr, sizeof(fake_atr));
    assert_int_equal(fake_count(&f, CARD_POWER_ON), 1);

    /* an APDU in one write */
    static const uint8_t apdu[] = {0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00};
    send_frame(c, apdu, sizeof(apdu));
    n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, sizeof(apdu) + 2);
    assert_int_equal(buf[0], 0x00);
    assert_int_equal(buf[6], 0x00);
    assert_int_equal(buf[5], 0xA4);
    assert_memory_equal(buf + sizeof(apdu), "\x90\x00", 2);

    /* the same APDU split over four writes, as Debian's vpcd (with Nagle) does */
    uint8_t hdr[2] = {0, sizeof(apdu)};
    write_all(c, hdr, 1);
    sleep_ms(20);
    write_all(c, hdr + 1, 1);
    sleep_ms(20);
    write_all(c, apdu, 3);
    sleep_ms(20);
    write_all(c, apdu + 3, sizeof(apdu) - 3);
    n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, sizeof(apdu) + 2);
    assert_int_equal(buf[5], 0xA4);

    /* reset: no reply; an empty frame and an unknown control byte: no reply either */
    send_ctrl(c, VPCD_CTRL_RESET);
    send_frame(c, NULL, 0);
    send_ctrl(c, 0x07);
    assert_true(quiet(c, 100));
    assert_int_equal(fake_count(&f, CARD_POWER_RESET), 1);
    /* the stream is still in step */
    send_frame(c, apdu, 4);
    n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "\x00\x04\xA4\x00\x90\x00", 6);

    /* a long C-APDU (255 data octets) */
    uint8_t longapdu[5 + 255];
    memset(longapdu, 0x5A, sizeof(longapdu));
    longapdu[0] = 0x80;
    longapdu[4] = 0xFF;
    send_frame(c, longapdu, sizeof(longapdu));
    n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, sizeof(longapdu) + 2);
    assert_int_equal(buf[sizeof(longapdu) - 1], 0x80);

    /* vpcd goes away: the card is powered off and the client comes back */
    size_t offs_before = fake_count(&f, CARD_POWER_OFF);
    close(c);
    c = accept_timeout(lfd, 3000);
    assert_true(c >= 0);
    assert_int_equal(fake_count(&f, CARD_POWER_OFF), offs_before + 1);
    send_ctrl(c, VPCD_CTRL_ATR);
    n = recv_frame(c, buf, sizeof(buf), 2000);
    assert_int_equal(n, sizeof(fake_atr));

    /* stop */
    write_all(pp[1], "x", 1);
    pthread_join(r.th, NULL);
    assert_int_equal(r.rc, 0);
    /* the client closed its socket */
    assert_int_equal(recv_frame(c, buf, sizeof(buf), 2000), -1);
    close(c);
    close(lfd);
    close(pp[0]);
    close(pp[1]);
}

static void test_run_no_listener_says_so_once(void **state)
{
    (void)state;
    struct fake_card f;
    struct runner r;
    uint16_t port;
    int lfd = listen_any(&port), pp[2];
    char *logbuf = NULL;
    size_t logsize = 0;

    close(lfd);
    assert_int_equal(pipe(pp), 0);
    memset(&r, 0, sizeof(r));
    fake_init(&f, &r.fe);
    vpcd_options_init(&r.o);
    r.o.port = port;
    r.o.stop_fd = pp[0];
    r.o.backoff_min_ms = 5;
    r.o.backoff_max_ms = 10;
    r.o.log = open_memstream(&logbuf, &logsize);
    assert_non_null(r.o.log);
    assert_int_equal(pthread_create(&r.th, NULL, run_thread, &r), 0);
    sleep_ms(150);   /* a dozen retries */

    /* then vpcd appears on that port: the client connects */
    lfd = listen_any(&port);
    (void)lfd;
    write_all(pp[1], "x", 1);
    pthread_join(r.th, NULL);
    assert_int_equal(r.rc, 0);
    fclose(r.o.log);

    char needle[128];
    snprintf(needle, sizeof(needle), "no vpcd listening on 127.0.0.1:%u", (unsigned)r.o.port);
    char *first = strstr(logbuf, needle);
    assert_non_null(first);
    assert_null(strstr(first + 1, needle));
    assert_non_null(strstr(logbuf, "is pcscd with vsmartcard-vpcd running?"));
    free(logbuf);
    close(lfd);
    close(pp[0]);
    close(pp[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_endpoint_ok),
        cmocka_unit_test(test_parse_endpoint_errors),
        cmocka_unit_test(test_connect_sets_nodelay),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_bad_host),
        cmocka_unit_test(test_read_frame_split_and_errors),
        cmocka_unit_test(test_send_frame),
        cmocka_unit_test(test_handle_frame_card_faults),
        cmocka_unit_test(test_run_session_reconnect_stop),
        cmocka_unit_test(test_run_no_listener_says_so_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
