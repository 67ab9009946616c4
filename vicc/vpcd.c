/* vicc/vpcd.c — client of vsmartcard's vpcd protocol (see vpcd.h). */
#include "vicc/vpcd.h"
#include "vicc/io_wait.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

void vpcd_options_init(struct vpcd_options *o)
{
    memset(o, 0, sizeof(*o));
    memcpy(o->host, VPCD_DEFAULT_HOST, sizeof(VPCD_DEFAULT_HOST));
    o->port = VPCD_DEFAULT_PORT;
    o->stop_fd = -1;
}

int vpcd_parse_endpoint(struct vpcd_options *o, const char *s, char *err, size_t errcap)
{
    const char *host, *colon, *port_s;
    size_t host_len;

    if (s == NULL || *s == '\0') {
        snprintf(err, errcap, "empty vpcd address (expected HOST:PORT)");
        return -1;
    }
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(err, errcap, "bad vpcd address '%s' (expected [IPV6]:PORT)", s);
            return -1;
        }
        host = s + 1;
        host_len = (size_t)(close - host);
        port_s = close + 2;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL || strchr(s, ':') != colon) {
            snprintf(err, errcap, "bad vpcd address '%s' (expected HOST:PORT)", s);
            return -1;
        }
        host = s;
        host_len = (size_t)(colon - s);
        port_s = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof(o->host)) {
        snprintf(err, errcap, "bad vpcd address '%s': missing or too long host", s);
        return -1;
    }
    if (*port_s == '\0' || strspn(port_s, "0123456789") != strlen(port_s) ||
        strlen(port_s) > 5) {
        snprintf(err, errcap, "bad vpcd address '%s': port must be a number 1-65535", s);
        return -1;
    }
    unsigned long port = strtoul(port_s, NULL, 10);
    if (port == 0 || port > 65535) {
        snprintf(err, errcap, "bad vpcd address '%s': port must be a number 1-65535", s);
        return -1;
    }
    memcpy(o->host, host, host_len);
    o->host[host_len] = '\0';
    o->port = (uint16_t)port;
    return 0;
}

static void set_quickack(int fd)
{
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

int vpcd_connect(const struct vpcd_options *o, char *err, size_t errcap)
{
    struct addrinfo hints, *res = NULL, *ai;
    char port_s[8];
    int rc, fd = -1, last_errno = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port_s, sizeof(port_s), "%u", (unsigned)o->port);
    rc = getaddrinfo(o->host, port_s, &hints, &res);
    if (rc != 0) {
        snprintf(err, errcap, "cannot resolve vpcd host '%s': %s", o->host, gai_strerror(rc));
        return (rc == EAI_AGAIN) ? -1 : -2;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        last_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errcap, "%s", strerror(last_errno));
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    set_quickack(fd);
    return fd;
}

/* Read exactly len bytes. 1 done, 0 closed before any byte, -1 error / closed mid-way,
 * -2 stop. */
static int read_exact(int fd, int stop_fd, uint8_t *p, size_t len)
{
    size_t got = 0;

    while (got < len) {
        int w = io_wait_readable(fd, stop_fd);
        if (w != 0)
            return w;
        set_quickack(fd);
        ssize_t n = recv(fd, p + got, len - got, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -1;
        }
        if (n == 0)
            return got == 0 ? 0 : -1;
        got += (size_t)n;
    }
    set_quickack(fd);
    return 1;
}

int vpcd_read_frame(int fd, int stop_fd, uint8_t *buf, size_t cap, size_t *len)
{
    uint8_t hdr[2] = {0, 0};
    int rc = read_exact(fd, stop_fd, hdr, sizeof(hdr));

    if (rc != 1)
        return rc;
    size_t n = ((size_t)hdr[0] << 8) | hdr[1];
    if (n > cap)
        return -1;
    if (n > 0) {
        rc = read_exact(fd, stop_fd, buf, n);
        if (rc == 0)
            return -1;     /* closed between header and payload */
        if (rc != 1)
            return rc;
    }
    *len = n;
    return 1;
}

int vpcd_send_frame(int fd, const uint8_t *p, size_t len)
{
    uint8_t buf[2 + VPCD_MAX_FRAME];
    size_t sent = 0, total;

    if (len > VPCD_MAX_FRAME)
        return -1;
    buf[0] = (uint8_t)(len >> 8);
    buf[1] = (uint8_t)len;
    if (len > 0)
        memcpy(buf + 2, p, len);
    total = len + 2;
    while (sent < total) {
        ssize_t n = send(fd, buf + sent, total - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        sent += (size_t)n;
    }
    return 0;
}

static void trace_line(FILE *trace, const char *what)
{
    if (trace != NULL) {
        fprintf(trace, "vpcd: %s\n", what);
        fflush(trace);
    }
}

int vpcd_handle_frame(const struct frontend_card *card, int fd, const uint8_t *frame,
                      size_t len, FILE *trace)
{
    static uint8_t rapdu[CARD_MAX_RAPDU];   /* one card, one thread per process */

    if (len == 0) {
        trace_line(trace, "ignoring empty frame");
        return 0;
    }
    if (len == 1) {
        switch (frame[0]) {
        case VPCD_CTRL_OFF:
            trace_line(trace, "power off");
            card->power(card->ctx, CARD_POWER_OFF);
            return 0;
        case VPCD_CTRL_ON:
            trace_line(trace, "power on");
            card->power(card->ctx, CARD_POWER_ON);
            return 0;
        case VPCD_CTRL_RESET:
            trace_line(trace, "reset");
            card->power(card->ctx, CARD_POWER_RESET);
            return 0;
        case VPCD_CTRL_ATR: {
            uint8_t atr[64];
            size_t n = card->atr(card->ctx, atr, sizeof(atr));
            if (n > sizeof(atr))
                n = 0;
            return vpcd_send_frame(fd, atr, n);
        }
        default:
            if (trace != NULL) {
                fprintf(trace, "vpcd: ignoring unknown control byte %02X\n", frame[0]);
                fflush(trace);
            }
            return 0;
        }
    }
    size_t n = card->transmit(card->ctx, frame, len, rapdu, sizeof(rapdu));
    if (n < 2 || n > sizeof(rapdu)) {
        static const uint8_t sw_unknown[2] = {0x6F, 0x00};
        return vpcd_send_frame(fd, sw_unknown, sizeof(sw_unknown));
    }
    if (n > VPCD_MAX_FRAME) {
        /* Only an extended Le of 65536 can produce this; the frame cannot carry it. */
        static const uint8_t sw_wrong_length[2] = {0x67, 0x00};
        return vpcd_send_frame(fd, sw_wrong_length, sizeof(sw_wrong_length));
    }
    return vpcd_send_frame(fd, rapdu, n);
}

int vpcd_serve(const struct frontend_card *card, int fd, const struct vpcd_options *o)
{
    static uint8_t frame[VPCD_MAX_FRAME];

    for (;;) {
        size_t len = 0;
        int rc = vpcd_read_frame(fd, o->stop_fd, frame, sizeof(frame), &len);
        if (rc != 1)
            return rc;
        if (vpcd_handle_frame(card, fd, frame, len, o->trace) != 0)
            return -1;
    }
}

/* Sleep ms milliseconds unless stop_fd fires; returns true when stopped. */
static bool sleep_or_stop(int stop_fd, unsigned ms)
{
    struct pollfd pfd = {.fd = stop_fd, .events = POLLIN, .revents = 0};

    if (stop_fd < 0) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return false;
    }
    for (;;) {
        int rc = poll(&pfd, 1, (int)ms);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc > 0;
    }
}

static void log_line(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(FILE *log, const char *fmt, ...)
{
    va_list ap;

    if (log == NULL)
        return;
    va_start(ap, fmt);
    vfprintf(log, fmt, ap);
    va_end(ap);
    fputc('\n', log);
    fflush(log);
}

int vpcd_run(const struct frontend_card *card, const struct vpcd_options *o)
{
    unsigned min_ms = o->backoff_min_ms ? o->backoff_min_ms : 50;
    unsigned max_ms = o->backoff_max_ms ? o->backoff_max_ms : 1000;
    unsigned delay = min_ms;
    bool told_waiting = false;
    char err[256];

    if (max_ms < min_ms)
        max_ms = min_ms;
    for (;;) {
        int fd = vpcd_connect(o, err, sizeof(err));
        if (fd == -2) {
            log_line(o->log, "euicc-emu: vpcd %s:%u: %s", o->host, (unsigned)o->port, err);
            return -1;
        }
        if (fd < 0) {
            if (!told_waiting) {
                log_line(o->log,
                         "euicc-emu: no vpcd listening on %s:%u — is pcscd with "
                         "vsmartcard-vpcd running? (%s; retrying)",
                         o->host, (unsigned)o->port, err);
                told_waiting = true;
            }
            if (sleep_or_stop(o->stop_fd, delay))
                return 0;
            delay = delay * 2 > max_ms ? max_ms : delay * 2;
            continue;
        }
        told_waiting = false;
        delay = min_ms;
        log_line(o->log, "euicc-emu: connected to vpcd at %s:%u", o->host, (unsigned)o->port);
        int rc = vpcd_serve(card, fd, o);
        close(fd);
        /* The reader is gone: whatever the card held for this session is void. */
        card->power(card->ctx, CARD_POWER_OFF);
        if (rc == -2)
            return 0;
        log_line(o->log, "euicc-emu: vpcd at %s:%u %s; reconnecting", o->host, (unsigned)o->port,
                 rc == 0 ? "closed the connection" : "connection failed");
        if (sleep_or_stop(o->stop_fd, delay))
            return 0;
    }
}
