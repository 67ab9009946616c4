/* crypto/aka_tuak.c — TUAK (3GPP TS 35.231): f1, f1*, f2..f5, f5* built on the
 * Keccak-f[1600] permutation (FIPS 202 §3; written here from the public definition).
 *
 * The 1600-bit input of every function (TS 35.231 §6.2..6.6), as the 200-octet
 * Keccak state (lane j = octets 8j..8j+7, least significant octet first):
 *   0..31   TOPc        (octets in reverse order, as every field below)
 *   32      INSTANCE    (function and size selector, see instance_*())
 *   33..39  ALGONAME    "TUAK1.0"
 *   40..55  RAND
 *   56..57  AMF         (zero for f2..f5, f5*)
 *   58..63  SQN         (zero for f2..f5, f5*)
 *   64..95  K           (a 128-bit K fills 64..79, 80..95 stay zero)
 *   96      0x1F, 97..134 zero, 135 0x80, 136..199 zero   (padding, capacity)
 * The permutation runs tuak_iterations times; outputs are read back reversed:
 * MAC/RES from octet 0, CK from 32, IK from 64, AK from 96.
 * Keccak is table-free over the data (only round-indexed constants), so nothing
 * branches on or indexes by K or TOPc. */
#include "crypto/aka_impl.h"

#include <string.h>

#include "crypto/ct.h"

#define STATE 200u

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL,
    0x8000000080008000ULL, 0x000000000000808BULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008AULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800AULL, 0x800000008000000AULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho rotation offsets by lane index x + 5y */
static const unsigned keccak_rho[25] = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
};

static uint64_t rotl64(uint64_t v, unsigned n)
{
    return (v << n) | (v >> ((64u - n) & 63u));
}

/* Keccak-f[1600]: 24 rounds of theta, rho, pi, chi, iota on lanes a[x + 5y]. */
static void keccak_f1600(uint64_t a[25])
{
    uint64_t b[25], c[5], d;
    for (unsigned round = 0; round < 24; round++) {
        for (unsigned x = 0; x < 5; x++)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (unsigned x = 0; x < 5; x++) {
            d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
            for (unsigned y = 0; y < 25; y += 5)
                a[x + y] ^= d;
        }
        /* rho and pi: B[y, 2x + 3y] = rot(A[x, y], rho[x, y]) */
        for (unsigned x = 0; x < 5; x++)
            for (unsigned y = 0; y < 5; y++)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl64(a[x + 5 * y], keccak_rho[x + 5 * y]);
        for (unsigned y = 0; y < 25; y += 5)
            for (unsigned x = 0; x < 5; x++)
                a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        a[0] ^= keccak_rc[round];
    }
    ct_wipe(b, sizeof b);
    ct_wipe(c, sizeof c);
}

/* Append n octets of src to st at *at, last octet first. */
static void push_reversed(uint8_t *st, size_t *at, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        st[*at + i] = src[n - 1 - i];
    *at += n;
}

/* Copy n octets of st from off to dst, reversing their order. */
static void pull_reversed(const uint8_t *st, size_t off, uint8_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = st[off + n - 1 - i];
}

/* Build the input for one TUAK function, permute it `iterations` times into st. */
static void tuak_core(const struct aka_params *p, uint8_t instance, const uint8_t rand[16],
                      const uint8_t sqn[6], const uint8_t amf[2], uint8_t st[STATE])
{
    static const uint8_t algoname[7] = {'T', 'U', 'A', 'K', '1', '.', '0'};
    uint64_t lanes[25];
    size_t at = 0;

    memset(st, 0, STATE);
    push_reversed(st, &at, p->opc, 32);
    st[at++] = instance;
    push_reversed(st, &at, algoname, sizeof algoname);
    push_reversed(st, &at, rand, 16);
    push_reversed(st, &at, amf, 2);
    push_reversed(st, &at, sqn, 6);
    push_reversed(st, &at, p->k, p->k_len);   /* at = 64 here; K fills 64.. */
    st[96] = 0x1F;
    st[135] = 0x80;

    for (unsigned j = 0; j < 25; j++) {
        uint64_t v = 0;
        for (unsigned i = 0; i < 8; i++)
            v |= (uint64_t)st[8 * j + i] << (8 * i);
        lanes[j] = v;
    }
    for (unsigned it = 0; it < p->tuak_iterations; it++)
        keccak_f1600(lanes);
    for (unsigned j = 0; j < 25; j++)
        for (unsigned i = 0; i < 8; i++)
            st[8 * j + i] = (uint8_t)(lanes[j] >> (8 * i));
    ct_wipe(lanes, sizeof lanes);
}

/* INSTANCE size bits (TS 35.231 §6.2..6.6): 8/16/32-octet MAC or RES -> 0x08/0x10/0x20
 * (a 4-octet RES -> 0), 32-octet CK -> 0x04, 32-octet IK -> 0x02, 256-bit K -> 0x01. */
static uint8_t size_bits(size_t len)
{
    return (uint8_t)(len == 32 ? 0x20 : len == 16 ? 0x10 : len == 8 ? 0x08 : 0x00);
}

int aka_tuak(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
             const uint8_t amf[2], struct aka_out *out)
{
    static const uint8_t zero[6];
    uint8_t st[STATE];
    uint8_t kbit = p->k_len == 32 ? 0x01 : 0x00;

    /* f1: INSTANCE = 0x00 | MAC size | K size */
    tuak_core(p, (uint8_t)(0x00 | size_bits(p->mac_len) | kbit), rand, sqn, amf, st);
    pull_reversed(st, 0, out->mac_a, p->mac_len);
    /* f1*: INSTANCE = 0x80 | MAC size | K size */
    tuak_core(p, (uint8_t)(0x80 | size_bits(p->mac_len) | kbit), rand, sqn, amf, st);
    pull_reversed(st, 0, out->mac_s, p->mac_len);
    /* f2, f3, f4, f5: INSTANCE = 0x40 | RES size | CK size | IK size | K size, no SQN/AMF */
    uint8_t inst = (uint8_t)(0x40 | size_bits(p->res_len) | (p->ck_len == 32 ? 0x04 : 0) |
                             (p->ik_len == 32 ? 0x02 : 0) | kbit);
    tuak_core(p, inst, rand, zero, zero, st);
    pull_reversed(st, 0, out->res, p->res_len);
    out->res_len = p->res_len;
    pull_reversed(st, 32, out->ck, p->ck_len);
    pull_reversed(st, 64, out->ik, p->ik_len);
    pull_reversed(st, 96, out->ak, 6);
    /* f5*: INSTANCE = 0xC0 | K size */
    tuak_core(p, (uint8_t)(0xC0 | kbit), rand, zero, zero, st);
    pull_reversed(st, 96, out->ak_s, 6);
    ct_wipe(st, sizeof st);
    return 0;
}
