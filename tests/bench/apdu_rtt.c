/* tests/bench/apdu_rtt.c — APDU round-trip benchmark through pcscd + vpcd (not a test).
 *
 * Usage: apdu_rtt [--reader NAME] [-n COUNT] [--apdu HEX] [--wait SEC]
 * Sends COUNT copies of one trivial C-APDU (default: SELECT ISD-R by AID, answered with
 * 61xx and no data) and prints min/median/p90/p99/max round trip in microseconds. */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int hex_to_bin(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

int main(int argc, char **argv)
{
    const char *reader = NULL, *apdu_hex = "00A4040010A0000005591010FFFFFFFF8900000100";
    long count = 2000, wait_s = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reader") == 0)
            reader = argv[i + 1];
        else if (strcmp(argv[i], "-n") == 0)
            count = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--apdu") == 0)
            apdu_hex = argv[i + 1];
        else if (strcmp(argv[i], "--wait") == 0)
            wait_s = atol(argv[i + 1]);
        else {
            fprintf(stderr, "usage: apdu_rtt [--reader NAME] [-n COUNT] [--apdu HEX] [--wait SEC]\n");
            return 2;
        }
    }
    if (argc % 2 == 0 || count < 1) {
        fprintf(stderr, "usage: apdu_rtt [--reader NAME] [-n COUNT] [--apdu HEX] [--wait SEC]\n");
        return 2;
    }
    uint8_t apdu[300];
    int alen = hex_to_bin(apdu_hex, apdu, sizeof(apdu));
    if (alen < 4) {
        fprintf(stderr, "apdu_rtt: bad --apdu\n");
        return 2;
    }

    SCARDCONTEXT ctx;
    SCARDHANDLE h = 0;
    DWORD proto = 0;
    char readers[4096], chosen[256] = "";
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "apdu_rtt: SCardEstablishContext: %s\n", pcsc_stringify_error(rv));
        return 1;
    }
    for (long waited = 0;; waited += 100) {
        DWORD len = sizeof(readers);
        if (!chosen[0] && SCardListReaders(ctx, NULL, readers, &len) == SCARD_S_SUCCESS) {
            for (const char *r = readers; *r; r += strlen(r) + 1)
                if ((reader && strcmp(r, reader) == 0) || (!reader && strstr(r, "Virtual PCD"))) {
                    snprintf(chosen, sizeof(chosen), "%.255s", r);
                    break;
                }
        }
        if (chosen[0]) {
            rv = SCardConnect(ctx, chosen, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, &h, &proto);
            if (rv == SCARD_S_SUCCESS)
                break;
        }
        if (waited >= wait_s * 1000) {
            fprintf(stderr, "apdu_rtt: no card in '%s': %s\n", chosen[0] ? chosen : "(no reader)",
                    pcsc_stringify_error(rv));
            return 1;
        }
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }

    uint64_t *t = calloc((size_t)count, sizeof(*t));
    if (t == NULL)
        return 1;
    uint8_t resp[300];
    for (long i = -50; i < count; i++) {   /* 50 warm-up round trips */
        DWORD rlen = sizeof(resp);
        uint64_t t0 = now_ns();
        rv = SCardTransmit(h, SCARD_PCI_T0, apdu, (DWORD)alen, NULL, resp, &rlen);
        uint64_t t1 = now_ns();
        if (rv != SCARD_S_SUCCESS || rlen < 2) {
            fprintf(stderr, "apdu_rtt: SCardTransmit: %s\n", pcsc_stringify_error(rv));
            return 1;
        }
        if (i >= 0)
            t[i] = t1 - t0;
    }
    qsort(t, (size_t)count, sizeof(*t), cmp_u64);
#define PCT(p) ((double)t[(size_t)(((double)(count - 1)) * (p))] / 1000.0)
    printf("apdu_rtt: %ld x %s via '%s'\n", count, apdu_hex, chosen);
    printf("apdu_rtt: min %.1f us  median %.1f us  p90 %.1f us  p99 %.1f us  max %.1f us\n",
           (double)t[0] / 1000.0, PCT(0.5), PCT(0.9), PCT(0.99), (double)t[count - 1] / 1000.0);
    free(t);
    SCardDisconnect(h, SCARD_UNPOWER_CARD);
    SCardReleaseContext(ctx);
    return 0;
}
