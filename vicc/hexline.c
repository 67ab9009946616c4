/* vicc/hexline.c — the stdin/stdout hex front end (see hexline.h). */
#include "vicc/hexline.h"
#include "vicc/io_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define HEXLINE_MAX_LINE (3u * CARD_MAX_CAPDU + 64u)

static int hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Decode hex with optional whitespace between octets. Returns octets or -1. */
static long hex_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
    size_t n = 0, i = 0;

    while (i < len) {
        if (is_space(s[i])) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return -1;
        int hi = hex_nibble(s[i]), lo = hex_nibble(s[i + 1]);
        if (hi < 0 || lo < 0 || n >= cap)
            return -1;
        out[n++] = (uint8_t)((hi << 4) | lo);
        i += 2;
    }
    return (long)n;
}

static void print_hex(FILE *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fprintf(out, "%02X", p[i]);
    fputc('\n', out);
    fflush(out);
}

static void print_atr(const struct frontend_card *card, FILE *out)
{
    uint8_t atr[64];
    size_t n = card->atr(card->ctx, atr, sizeof(atr));

    print_hex(out, atr, n <= sizeof(atr) ? n : 0);
}

static bool word_is(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    return len == wl && strncmp(s, word, wl) == 0;
}

void hexline_handle(const struct frontend_card *card, const char *line, size_t len,
                    FILE *out)
{
    static uint8_t capdu[CARD_MAX_CAPDU];
    static uint8_t rapdu[CARD_MAX_RAPDU];

    while (len > 0 && is_space(line[0])) {
        line++;
        len--;
    }
    while (len > 0 && is_space(line[len - 1]))
        len--;
    if (len == 0 || line[0] == '#')
        return;
    if (word_is(line, len, "on")) {
        card->power(card->ctx, CARD_POWER_ON);
        print_atr(card, out);
        return;
    }
    if (word_is(line, len, "reset")) {
        card->power(card->ctx, CARD_POWER_RESET);
        print_atr(card, out);
        return;
    }
    if (word_is(line, len, "off")) {
        card->power(card->ctx, CARD_POWER_OFF);
        fputs("OK\n", out);
        fflush(out);
        return;
    }
    if (word_is(line, len, "atr")) {
        print_atr(card, out);
        return;
    }
    long n = hex_decode(line, len, capdu, sizeof(capdu));
    if (n < 0) {
        fputs("ERROR not a hex C-APDU (or on/off/reset/atr)\n", out);
        fflush(out);
        return;
    }
    if (n < 4) {
        fputs("ERROR a C-APDU has at least 4 octets (CLA INS P1 P2)\n", out);
        fflush(out);
        return;
    }
    size_t r = card->transmit(card->ctx, capdu, (size_t)n, rapdu, sizeof(rapdu));
    if (r < 2 || r > sizeof(rapdu)) {
        fputs("ERROR the card gave no status word\n", out);
        fflush(out);
        return;
    }
    print_hex(out, rapdu, r);
}

int hexline_run(const struct frontend_card *card, int in_fd, FILE *out, int stop_fd)
{
    static char buf[HEXLINE_MAX_LINE];
    size_t used = 0;
    bool discarding = false;   /* inside an over-long line */

    for (;;) {
        int w = io_wait_readable(in_fd, stop_fd);
        if (w == -2)
            return 0;
        if (w == -1)
            return -1;
        ssize_t n = read(in_fd, buf + used, sizeof(buf) - used);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -1;
        }
        if (n == 0) {
            if (used > 0 && !discarding)
                hexline_handle(card, buf, used, out);
            return 0;
        }
        used += (size_t)n;
        size_t start = 0;
        for (size_t i = 0; i < used; i++) {
            if (buf[i] != '\n')
                continue;
            if (!discarding)
                hexline_handle(card, buf + start, i - start, out);
            discarding = false;
            start = i + 1;
        }
        memmove(buf, buf + start, used - start);
        used -= start;
        if (used == sizeof(buf)) {
            if (!discarding) {
                fputs("ERROR line too long\n", out);
                fflush(out);
            }
            discarding = true;
            used = 0;
        }
    }
}
