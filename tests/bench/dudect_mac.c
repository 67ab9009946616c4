/* tests/bench/dudect_mac.c — dudect-style timing leakage benchmark (not a pass/fail
 * test): Welch's t statistic between two classes of inputs to the secret-handling
 * paths, measured with the cycle counter over many interleaved runs.
 *   mac: BSP segment MAC verification (scp03t_unwrap) — class 0: MAC wrong in its
 *        first octet, class 1: MAC wrong in its last octet. A compare that stops at the
 *        first difference separates them.
 *   memeq: ct_memeq on 16 octets, same two classes.
 *   pin: pin_value_matches (the comparison VERIFY/CHANGE/DISABLE/ENABLE PIN run in
 *        card/uicc_pin.c) with a right-length wrong PIN, class 0 differing in its first
 *        digit, class 1 in its last (not yet the whole VERIFY APDU path).
 * |t| < 4.5 after 10^5+ measurements per class is the customary "no leak detected".
 * Usage: dudect_mac [measurements per class, default 200000] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include "card/uicc_internal.h"
#include "crypto/ct.h"
#include "crypto/rng.h"
#include "crypto/scp03t.h"

struct welch { double n[2], mean[2], m2[2]; };

static void welch_add(struct welch *w, int cls, double x)
{
    w->n[cls] += 1;
    double d = x - w->mean[cls];
    w->mean[cls] += d / w->n[cls];
    w->m2[cls] += d * (x - w->mean[cls]);
}

static double welch_t(const struct welch *w)
{
    double v0 = w->m2[0] / (w->n[0] - 1), v1 = w->m2[1] / (w->n[1] - 1);
    return (w->mean[0] - w->mean[1]) / sqrt(v0 / w->n[0] + v1 / w->n[1]);
}

static inline uint64_t cycles(void)
{
    unsigned aux;
    return __rdtscp(&aux);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Crop the slowest 5% (interrupts, page faults) as dudect does: the p-quantile is the
 * threshold. */
static double percentile(const double *v, size_t n, double p)
{
    double *c = malloc(n * sizeof *c);
    if (c == NULL)
        return 1e300;
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp);
    double r = c[(size_t)(p * (double)(n - 1))];
    free(c);
    return r;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    struct rng *r = rng_new_system();
    uint8_t enc[16], mac[16], mcv[16], plain[240], seg[300], out[300];
    rng_bytes(r, enc, 16);
    rng_bytes(r, mac, 16);
    rng_bytes(r, mcv, 16);
    rng_bytes(r, plain, sizeof plain);
    struct scp03t w, u;
    size_t seg_len, out_len;
    scp03t_init(&w, enc, mac, mcv);
    scp03t_wrap(&w, 0x86, plain, sizeof plain, seg, sizeof seg, &seg_len);
    uint8_t bad[2][300];
    memcpy(bad[0], seg, seg_len);
    memcpy(bad[1], seg, seg_len);
    bad[0][seg_len - SCP03T_MAC_LEN] ^= 0x01;   /* first MAC octet wrong */
    bad[1][seg_len - 1] ^= 0x01;                /* last MAC octet wrong */

    double *t_mac = malloc(2 * n * sizeof *t_mac), *t_eq = malloc(2 * n * sizeof *t_eq);
    double *t_pin = malloc(2 * n * sizeof *t_pin);
    uint8_t *cls = malloc(2 * n);
    if (t_mac == NULL || t_eq == NULL || t_pin == NULL || cls == NULL || n < 2)
        return 1;
    struct pin pin;
    memset(&pin, 0, sizeof pin);
    memcpy(pin.value, "12345678", PIN_VALUE_LEN);
    uint8_t wrong[2][PIN_VALUE_LEN];
    memcpy(wrong[0], "92345678", PIN_VALUE_LEN);    /* first digit differs */
    memcpy(wrong[1], "12345679", PIN_VALUE_LEN);    /* last digit differs */
    rng_bytes(r, cls, 2 * n);
    uint8_t a[16], b[2][16];
    memcpy(a, mac, 16);
    memcpy(b[0], mac, 16);
    memcpy(b[1], mac, 16);
    b[0][0] ^= 1;
    b[1][15] ^= 1;
    volatile int sink = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        int c = cls[i] & 1;
        scp03t_init(&u, enc, mac, mcv);
        uint64_t t0 = cycles();
        sink += scp03t_unwrap(&u, bad[c], seg_len, out, sizeof out, &out_len);
        uint64_t t1 = cycles();
        sink += ct_memeq(a, b[c], 16);
        uint64_t t2 = cycles();
        sink += pin_value_matches(&pin, wrong[c]);
        uint64_t t3 = cycles();
        t_mac[i] = (double)(t1 - t0);
        t_eq[i] = (double)(t2 - t1);
        t_pin[i] = (double)(t3 - t2);
    }
    double cut_mac = percentile(t_mac, 2 * n, 0.95), cut_eq = percentile(t_eq, 2 * n, 0.95);
    double cut_pin = percentile(t_pin, 2 * n, 0.95);
    struct welch wm = {0}, we = {0}, wp = {0};
    for (size_t i = 0; i < 2 * n; i++) {
        int c = cls[i] & 1;
        if (t_mac[i] <= cut_mac)
            welch_add(&wm, c, t_mac[i]);
        if (t_eq[i] <= cut_eq)
            welch_add(&we, c, t_eq[i]);
        if (t_pin[i] <= cut_pin)
            welch_add(&wp, c, t_pin[i]);
    }
    printf("dudect mac   (scp03t_unwrap, wrong first vs last MAC octet): n=%.0f/%.0f "
           "mean %.0f/%.0f cycles  t = %+.2f  %s\n", wm.n[0], wm.n[1], wm.mean[0], wm.mean[1],
           welch_t(&wm), fabs(welch_t(&wm)) < 4.5 ? "(no leak detected)" : "(LEAK?)");
    printf("dudect memeq (ct_memeq 16 octets, first vs last differs):      n=%.0f/%.0f "
           "mean %.0f/%.0f cycles  t = %+.2f  %s\n", we.n[0], we.n[1], we.mean[0], we.mean[1],
           welch_t(&we), fabs(welch_t(&we)) < 4.5 ? "(no leak detected)" : "(LEAK?)");
    printf("dudect pin   (pin_value_matches, first vs last digit wrong):   n=%.0f/%.0f "
           "mean %.0f/%.0f cycles  t = %+.2f  %s\n", wp.n[0], wp.n[1], wp.mean[0], wp.mean[1],
           welch_t(&wp), fabs(welch_t(&wp)) < 4.5 ? "(no leak detected)" : "(LEAK?)");
    free(t_mac);
    free(t_eq);
    free(t_pin);
    free(cls);
    rng_free(r);
    return sink == 12345;
}
