/* tests/e2e/lpac_chip_info.c — end-to-end client through pcscd: replays what real
 * clients send (lpac `chip info`, an SGP.32 IPAd, pySim-shell start-up) and checks
 * every answer's encoding with card/tlv.h.
 *
 * Usage: lpac_chip_info [--reader NAME] [--wait SEC] [--eid HEX] [--pkid HEX]...
 *                       [--passes connect,lpac,ipa,pysim]
 * Prints "EID <hex>" and one line per check; exits 0 when every check passed. */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card/tlv.h"

#define MAX_PKIDS 8

static const uint8_t isdr_aid[16] = {0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00};

struct opts {
    const char *reader;
    int wait_s;
    uint8_t eid[16];
    bool have_eid;
    uint8_t pkid[MAX_PKIDS][20];
    size_t n_pkid;
    bool lpac, ipa, pysim, connect;
};

struct conn {
    SCARDCONTEXT ctx;
    SCARDHANDLE h;
    DWORD proto;
    char reader[256];
};

struct resp {
    uint8_t data[70000];
    size_t len;       /* data without SW */
    uint16_t sw;
};

static unsigned n_ok, n_fail;
static uint8_t seen_eid[16];
static bool have_seen_eid;

static void check(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(bool cond, const char *fmt, ...)
{
    va_list ap;
    printf("%s ", cond ? "ok  " : "FAIL");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (cond)
        n_ok++;
    else
        n_fail++;
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

static void hex_str(const uint8_t *p, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 3 <= cap; i++, o += 2)
        snprintf(out + o, cap - o, "%02X", p[i]);
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
}

/* ---- PC/SC ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static bool pick_reader(struct conn *c, const char *want)
{
    char buf[4096];
    DWORD len = sizeof(buf);
    LONG rv = SCardListReaders(c->ctx, NULL, buf, &len);
    if (rv != SCARD_S_SUCCESS)
        return false;
    for (const char *r = buf; *r; r += strlen(r) + 1) {
        if ((want && strcmp(r, want) == 0) || (!want && strstr(r, "Virtual PCD"))) {
            snprintf(c->reader, sizeof(c->reader), "%.255s", r);
            return true;
        }
    }
    return false;
}

/* Connect (retrying until the card shows up or wait_s passed). */
static bool card_connect(struct conn *c, const struct opts *o, DWORD protocols)
{
    long waited = 0;
    LONG rv = SCARD_E_NO_SMARTCARD;
    for (;;) {
        if (c->reader[0] || pick_reader(c, o->reader)) {
            rv = SCardConnect(c->ctx, c->reader, SCARD_SHARE_SHARED, protocols, &c->h,
                              &c->proto);
            if (rv == SCARD_S_SUCCESS)
                return true;
        }
        if (waited >= (long)o->wait_s * 1000)
            break;
        sleep_ms(100);
        waited += 100;
    }
    printf("FAIL connect to '%s': %s\n", c->reader[0] ? c->reader : "(no Virtual PCD reader)",
           pcsc_stringify_error(rv));
    n_fail++;
    return false;
}

/* Send a raw C-APDU; fills r (data + SW). False on a transport failure. */
static bool xmit(struct conn *c, const uint8_t *capdu, size_t len, struct resp *r)
{
    uint8_t buf[70000];
    DWORD rlen = sizeof(buf);
    const SCARD_IO_REQUEST *pci = c->proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    LONG rv = SCardTransmit(c->h, pci, capdu, (DWORD)len, NULL, buf, &rlen);
    if (rv != SCARD_S_SUCCESS || rlen < 2) {
        char hx[64];
        hex_str(capdu, len < 20 ? len : 20, hx, sizeof(hx));
        printf("FAIL transmit %s…: %s\n", hx, pcsc_stringify_error(rv));
        n_fail++;
        r->len = 0;
        r->sw = 0;
        return false;
    }
    r->len = rlen - 2;
    memcpy(r->data, buf, r->len);
    r->sw = (uint16_t)((buf[rlen - 2] << 8) | buf[rlen - 1]);
    return true;
}

static bool xmit_hex(struct conn *c, const char *hex, struct resp *r)
{
    uint8_t apdu[300];
    int n = hex_to_bin(hex, apdu, sizeof(apdu));
    if (n < 4) {
        printf("FAIL internal: bad hex %s\n", hex);
        n_fail++;
        return false;
    }
    return xmit(c, apdu, (size_t)n, r);
}

/* Follow 61xx with GET RESPONSE (CLA given), appending to r. */
static bool get_responses(struct conn *c, uint8_t cla, struct resp *r)
{
    struct resp *part = malloc(sizeof(*part));
    bool ok = true;
    int guard = 0;
    if (part == NULL)
        return false;
    while ((r->sw >> 8) == 0x61 && guard++ < 300) {
        uint8_t gr[5] = {cla, 0xC0, 0x00, 0x00, (uint8_t)(r->sw & 0xFF)};
        if (!xmit(c, gr, sizeof(gr), part)) {
            ok = false;
            break;
        }
        if (r->len + part->len > sizeof(r->data)) {
            ok = false;
            break;
        }
        memcpy(r->data + r->len, part->data, part->len);
        r->len += part->len;
        r->sw = part->sw;
    }
    free(part);
    return ok && guard < 300;
}

/* ---- ES10 over STORE DATA ---- */

/* Send an ES10 request in blocks of `block` octets on channel ch. lpac style:
 * GET RESPONSE with CLA 8x; IPA style (ipa=true): GET RESPONSE with CLA 0x, intermediate
 * blocks must answer exactly 9000 and the final block must answer 61xx. */
static bool es10(struct conn *c, uint8_t ch, const uint8_t *req, size_t len, size_t block,
                 bool ipa, struct resp *r, const char *what)
{
    uint8_t apdu[5 + 255];
    size_t off = 0;
    uint8_t p2 = 0;
    if (block > 255)
        block = 255;
    while (off < len) {
        size_t n = len - off > block ? block : len - off;
        bool last = off + n == len;
        apdu[0] = (uint8_t)(0x80 | ch);
        apdu[1] = 0xE2;
        apdu[2] = last ? 0x91 : 0x11;
        apdu[3] = p2++;
        apdu[4] = (uint8_t)n;
        memcpy(apdu + 5, req + off, n);
        if (!xmit(c, apdu, 5 + n, r))
            return false;
        if (!last) {
            if (ipa) {
                if (r->sw != 0x9000 || r->len != 0) {
                    check(false, "%s: intermediate block %u answered %04X (want 9000)", what,
                          (unsigned)(p2 - 1), r->sw);
                    return false;
                }
            } else if ((r->sw >> 8) != 0x90 && (r->sw >> 8) != 0x61) {
                check(false, "%s: block %u answered %04X", what, (unsigned)(p2 - 1), r->sw);
                return false;
            }
        }
        off += n;
    }
    if (ipa && (r->sw >> 8) != 0x61) {
        check(false, "%s: final block answered %04X (an IPA needs 61xx)", what, r->sw);
        return false;
    }
    if (r->len != 0 && ipa) {
        check(false, "%s: data returned with the final block (an IPA drops it)", what);
        return false;
    }
    if (!get_responses(c, ipa ? ch : (uint8_t)(0x80 | ch), r))
        return false;
    if ((r->sw >> 8) != 0x90) {
        check(false, "%s: final status %04X", what, r->sw);
        return false;
    }
    return true;
}

static bool es10_hex(struct conn *c, uint8_t ch, const char *hex, bool ipa, struct resp *r,
                     const char *what)
{
    uint8_t req[300];
    int n = hex_to_bin(hex, req, sizeof(req));
    return n > 0 && es10(c, ch, req, (size_t)n, ipa ? 255 : 120, ipa, r, what);
}

/* ---- response checks ---- */

/* The single top-level TLV of r, which must have tag `tag` and be well-formed. */
static bool top(const struct resp *r, uint32_t tag, struct tlv *t, const char *what)
{
    bool ok = tlv_parse(r->data, r->len, t) && t->raw_len == r->len && t->tag == tag &&
              tlv_well_formed(r->data, r->len, 16);
    check(ok, "%s: response is one well-formed %X TLV (%zu octets)", what, (unsigned)tag,
          r->len);
    return ok;
}

static bool eid_valid(const uint8_t eid[16])
{
    unsigned rem = 0;
    for (size_t i = 0; i < 16; i++) {
        unsigned hi = eid[i] >> 4, lo = eid[i] & 0xF;
        if (hi > 9 || lo > 9)
            return false;
        rem = (rem * 10 + hi) % 97;
        rem = (rem * 10 + lo) % 97;
    }
    return rem == 1;
}

static void check_eid(const struct resp *r, const struct opts *o, const char *what)
{
    struct tlv t, e;
    char hx[40];
    if (!top(r, 0xBF3E, &t, what))
        return;
    bool found = tlv_find(t.value, t.len, 0x5A, &e) && e.len == 16;
    check(found, "%s: BF3E holds 5A with 16 octets", what);
    if (!found)
        return;
    hex_str(e.value, 16, hx, sizeof(hx));
    check(eid_valid(e.value), "%s: EID %s is 32 digits with valid check digits (mod 97 = 1)",
          what, hx);
    if (!have_seen_eid) {
        memcpy(seen_eid, e.value, 16);
        have_seen_eid = true;
        printf("EID %s\n", hx);
    } else {
        check(memcmp(seen_eid, e.value, 16) == 0, "%s: EID is the same as before", what);
    }
    if (o->have_eid)
        check(memcmp(o->eid, e.value, 16) == 0, "%s: EID is the expected one", what);
}

/* A9/AA list: only 04 OCTET STRINGs of 20 octets, at least one. */
static bool pkid_list(const struct tlv *list, size_t *count)
{
    struct tlv_cursor cur;
    struct tlv k;
    size_t n = 0;
    if (!tlv_enter(list, &cur))
        return false;
    while (tlv_next(&cur, &k)) {
        if (k.tag != 0x04 || k.len != 20)
            return false;
        n++;
    }
    *count = n;
    return !cur.error && n > 0;
}

static bool list_has_pkid(const struct tlv *list, const uint8_t pkid[20])
{
    struct tlv_cursor cur;
    struct tlv k;
    if (!tlv_enter(list, &cur))
        return false;
    while (tlv_next(&cur, &k))
        if (k.len == 20 && memcmp(k.value, pkid, 20) == 0)
            return true;
    return false;
}

static void check_pkid_lists(const struct tlv *t, const struct opts *o, const char *what)
{
    static const uint32_t lists[2] = {0xA9, 0xAA};
    for (size_t i = 0; i < 2; i++) {
        struct tlv l;
        size_t n = 0;
        bool ok = tlv_find(t->value, t->len, lists[i], &l) && pkid_list(&l, &n);
        check(ok, "%s: %X lists %zu CI PKID(s) of 20 octets", what, (unsigned)lists[i], n);
        for (size_t k = 0; ok && k < o->n_pkid; k++) {
            char hx[44];
            hex_str(o->pkid[k], 20, hx, sizeof(hx));
            check(list_has_pkid(&l, o->pkid[k]), "%s: %X contains PKID %s", what,
                  (unsigned)lists[i], hx);
        }
    }
}

static void check_info1(const struct resp *r, const struct opts *o, const char *what)
{
    struct tlv t, v;
    if (!top(r, 0xBF20, &t, what))
        return;
    check(tlv_find(t.value, t.len, 0x82, &v) && v.len == 3, "%s: 82 svn (3 octets)", what);
    check_pkid_lists(&t, o, what);
}

static void check_info2(const struct resp *r, const struct opts *o, const char *what)
{
    static const struct {
        uint32_t tag;
        size_t exact;   /* 0: any non-zero length */
        const char *name;
    } fields[] = {
        {0x81, 3, "profileVersion"},   {0x82, 3, "svn"},
        {0x83, 3, "euiccFirmwareVer"}, {0x84, 0, "extCardResource"},
        {0x85, 0, "uiccCapability"},   {0x88, 0, "rspCapability"},
        {0x04, 3, "ppVersion"},        {0x0C, 0, "sasAcreditationNumber"},
    };
    struct tlv t, v;
    if (!top(r, 0xBF22, &t, what))
        return;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        bool ok = tlv_find(t.value, t.len, fields[i].tag, &v) &&
                  (fields[i].exact ? v.len == fields[i].exact : v.len > 0);
        check(ok, "%s: %02X %s present%s", what, (unsigned)fields[i].tag, fields[i].name,
              fields[i].exact ? " with 3 octets" : "");
    }
    check_pkid_lists(&t, o, what);
}

static void check_fci(const struct resp *r, const char *what)
{
    struct tlv t;
    bool ok = tlv_parse(r->data, r->len, &t) && t.tag == 0x6F && t.raw_len == r->len &&
              tlv_well_formed(r->data, r->len, 8);
    check(ok, "%s: SELECT ISD-R returns an FCI (6F, %zu octets)", what, r->len);
}

/* ---- passes ---- */

static void pass_lpac(struct conn *c, const struct opts *o)
{
    struct resp *r = malloc(sizeof(*r));
    struct tlv t, v;
    const char *w = "lpac";
    uint8_t apdu[21];

    if (r == NULL || !card_connect(c, o, SCARD_PROTOCOL_T0)) {
        free(r);
        return;
    }
    check(c->proto == SCARD_PROTOCOL_T0, "%s: connected with T=0 only", w);
    if (xmit_hex(c, "80AA00000AA9088100820101830107", r))
        check(r->sw == 0x9000, "%s: TERMINAL CAPABILITY -> %04X", w, r->sw);
    if (xmit_hex(c, "0070000001", r))
        check(r->sw == 0x9000 && r->len == 1 && r->data[0] == 0x01,
              "%s: MANAGE CHANNEL open -> exactly 01 9000 (got %zu octets, %04X)", w, r->len,
              r->sw);
    memcpy(apdu, "\x01\xA4\x04\x00\x10", 5);
    memcpy(apdu + 5, isdr_aid, 16);
    if (xmit(c, apdu, sizeof(apdu), r)) {
        check((r->sw >> 8) == 0x61 || r->sw == 0x9000, "%s: SELECT ISD-R -> %04X", w, r->sw);
        if ((r->sw >> 8) == 0x61 && get_responses(c, 0x01, r))
            check_fci(r, w);
    }
    if (es10_hex(c, 1, "BF3E035C015A", false, r, "lpac GetEID"))
        check_eid(r, o, "lpac GetEID");
    if (es10_hex(c, 1, "BF3C00", false, r, "lpac GetEuiccConfiguredAddresses") &&
        top(r, 0xBF3C, &t, "lpac BF3C")) {
        bool found = tlv_find(t.value, t.len, 0x81, &v) && v.len > 0;
        check(found, "lpac BF3C: 81 rootDsAddress present (%.*s)", found ? (int)v.len : 0,
              found ? (const char *)v.value : "");
    }
    if (es10_hex(c, 1, "BF4300", false, r, "lpac GetRAT") && top(r, 0xBF43, &t, "lpac BF43"))
        check(tlv_find(t.value, t.len, 0xA0, &v), "lpac BF43: A0 rat present");
    if (es10_hex(c, 1, "BF2200", false, r, "lpac GetEUICCInfo2"))
        check_info2(r, o, "lpac BF22");
    if (xmit_hex(c, "0070800100", r))
        check(r->sw == 0x9000, "%s: MANAGE CHANNEL close -> %04X", w, r->sw);
    check(SCardDisconnect(c->h, SCARD_UNPOWER_CARD) == SCARD_S_SUCCESS, "%s: disconnect", w);
    free(r);
}

static void pass_ipa(struct conn *c, const struct opts *o)
{
    struct resp *r = malloc(sizeof(*r));
    const char *w = "ipa";
    uint8_t apdu[21];

    if (r == NULL || !card_connect(c, o, SCARD_PROTOCOL_T0)) {
        free(r);
        return;
    }
    if (xmit_hex(c, "80AA000005A903830107", r))
        check(r->sw == 0x9000, "%s: TERMINAL CAPABILITY -> %04X", w, r->sw);
    if (xmit_hex(c, "0070000100", r))
        check(r->sw == 0x9000 && r->len == 0, "%s: MANAGE CHANNEL P2=1 -> %04X", w, r->sw);
    memcpy(apdu, "\x01\xA4\x04\x04\x10", 5);
    memcpy(apdu + 5, isdr_aid, 16);
    if (xmit(c, apdu, sizeof(apdu), r)) {
        check((r->sw >> 8) == 0x61 && r->len == 0, "%s: SELECT ISD-R P2=04 -> 61xx (got %04X)",
              w, r->sw);
        if ((r->sw >> 8) == 0x61 && get_responses(c, 0x01, r))
            check_fci(r, w);
    }
    if (es10_hex(c, 1, "BF3E035C015A", true, r, "ipa GetEID"))
        check_eid(r, o, "ipa GetEID");
    if (es10_hex(c, 1, "BF2000", true, r, "ipa GetEUICCInfo1"))
        check_info1(r, o, "ipa BF20");
    if (es10_hex(c, 1, "BF2200", true, r, "ipa GetEUICCInfo2"))
        check_info2(r, o, "ipa BF22");

    /* a request longer than one block: GetProfilesInfo with a 300-octet tag list,
     * sent as 255-octet blocks */
    uint8_t req[5 + 4 + 300];
    size_t n = 0;
    req[n++] = 0xBF;
    req[n++] = 0x2D;
    req[n++] = 0x82;
    req[n++] = 0x01;
    req[n++] = 0x30;   /* 304 */
    req[n++] = 0x5C;
    req[n++] = 0x82;
    req[n++] = 0x01;
    req[n++] = 0x2C;   /* 300 */
    for (size_t i = 0; i < 300; i += 2) {
        req[n++] = 0x5A;   /* pairs of one-octet tags: 5A iccid, 95 profileClass */
        req[n++] = 0x95;
    }
    struct tlv t;
    if (es10(c, 1, req, n, 255, true, r, "ipa chained GetProfilesInfo (2 blocks)"))
        top(r, 0xBF2D, &t, "ipa chained GetProfilesInfo");
    if (xmit_hex(c, "0070800100", r))
        check(r->sw == 0x9000, "%s: MANAGE CHANNEL close -> %04X", w, r->sw);
    check(SCardDisconnect(c->h, SCARD_UNPOWER_CARD) == SCARD_S_SUCCESS, "%s: disconnect", w);
    free(r);
}

/* SELECT ISD-R on the basic channel the way pySim does with T=0 (Le stripped, then
 * GET RESPONSE with the command's CLA). */
static void pysim_select_isdr(struct conn *c, struct resp *r, const char *w)
{
    uint8_t apdu[21];
    memcpy(apdu, "\x00\xA4\x04\x04\x10", 5);
    memcpy(apdu + 5, isdr_aid, 16);
    if (xmit(c, apdu, sizeof(apdu), r)) {
        check((r->sw >> 8) == 0x61 || r->sw == 0x9000, "%s: SELECT ISD-R -> %04X", w, r->sw);
        if ((r->sw >> 8) == 0x61 && get_responses(c, 0x00, r))
            check_fci(r, w);
    }
}

static bool reconnect_unpower(struct conn *c, const char *w)
{
    LONG rv = SCardReconnect(c->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                             SCARD_UNPOWER_CARD, &c->proto);
    check(rv == SCARD_S_SUCCESS, "%s: SCardReconnect(SCARD_UNPOWER_CARD): %s", w,
          pcsc_stringify_error(rv));
    return rv == SCARD_S_SUCCESS;
}

static void pass_pysim(struct conn *c, const struct opts *o)
{
    struct resp *r = malloc(sizeof(*r));
    const char *w = "pysim";

    /* pySim reads the ATR and asks for T=0 alone when the card offers it (pcsc-lite
     * itself would pick T=1 when both are requested) */
    if (r == NULL || !card_connect(c, o, SCARD_PROTOCOL_T0)) {
        free(r);
        return;
    }
    check(c->proto == SCARD_PROTOCOL_T0, "%s: the card runs T=0", w);
    if (xmit_hex(c, "00A40004023F00", r)) {
        check((r->sw >> 8) == 0x61 || r->sw == 0x9000, "%s: SELECT MF -> %04X", w, r->sw);
        if ((r->sw >> 8) == 0x61)
            get_responses(c, 0x00, r);
    }
    if (!reconnect_unpower(c, w))
        goto out;
    /* SGP.32 probe: a consumer eUICC answers GetCerts with an error status word */
    pysim_select_isdr(c, r, w);
    if (xmit_hex(c, "80E2910003BF5600", r))
        check((r->sw >> 8) != 0x61 && (r->sw >> 8) != 0x90,
              "%s: GetCerts (BF56) on a consumer eUICC -> error SW (got %04X)", w, r->sw);
    /* open a channel and select ISD-R on it: both must be gone after the power cycle */
    if (xmit_hex(c, "0070000001", r))
        check(r->sw == 0x9000 && r->len == 1, "%s: MANAGE CHANNEL open -> %04X", w, r->sw);
    uint8_t ch = r->len == 1 ? r->data[0] : 1;
    uint8_t sel[21];
    memcpy(sel, "\x00\xA4\x04\x00\x10", 5);
    sel[0] = ch;
    memcpy(sel + 5, isdr_aid, 16);
    if (xmit(c, sel, sizeof(sel), r) && (r->sw >> 8) == 0x61)
        get_responses(c, ch, r);
    if (!reconnect_unpower(c, w))
        goto out;
    /* SGP.22 probe: GetEID */
    pysim_select_isdr(c, r, w);
    if (xmit_hex(c, "80E2910006BF3E035C015A", r)) {
        check((r->sw >> 8) == 0x61 || r->sw == 0x9000, "%s: GetEID -> %04X", w, r->sw);
        if ((r->sw >> 8) == 0x61 && get_responses(c, 0x80, r))
            check_eid(r, o, "pysim GetEID after power cycles");
    }
    uint8_t ge[11] = {(uint8_t)(0x80 | ch), 0xE2, 0x91, 0x00, 0x06, 0xBF, 0x3E, 0x03, 0x5C, 0x01,
                      0x5A};
    if (xmit(c, ge, sizeof(ge), r))
        check((r->sw >> 8) != 0x61 && (r->sw >> 8) != 0x90,
              "%s: channel %u is closed after the power cycle (STORE DATA -> %04X)", w,
              (unsigned)ch, r->sw);
    check(SCardDisconnect(c->h, SCARD_UNPOWER_CARD) == SCARD_S_SUCCESS, "%s: disconnect", w);
out:
    free(r);
}

static void usage(void)
{
    fprintf(stderr, "usage: lpac_chip_info [--reader NAME] [--wait SEC] [--eid HEX] "
                    "[--pkid HEX]... [--passes connect,lpac,ipa,pysim]\n");
}

int main(int argc, char **argv)
{
    struct opts o;
    memset(&o, 0, sizeof(o));
    o.wait_s = 10;
    o.lpac = o.ipa = o.pysim = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--reader") == 0) {
            o.reader = v;
        } else if (strcmp(a, "--wait") == 0) {
            o.wait_s = atoi(v);
        } else if (strcmp(a, "--eid") == 0) {
            if (hex_to_bin(v, o.eid, 16) != 16) {
                fprintf(stderr, "--eid needs 32 hex digits\n");
                return 2;
            }
            o.have_eid = true;
        } else if (strcmp(a, "--pkid") == 0) {
            if (o.n_pkid >= MAX_PKIDS || hex_to_bin(v, o.pkid[o.n_pkid], 20) != 20) {
                fprintf(stderr, "--pkid needs 40 hex digits (at most %d)\n", MAX_PKIDS);
                return 2;
            }
            o.n_pkid++;
        } else if (strcmp(a, "--passes") == 0) {
            o.lpac = strstr(v, "lpac") != NULL;
            o.ipa = strstr(v, "ipa") != NULL;
            o.pysim = strstr(v, "pysim") != NULL;
            o.connect = strstr(v, "connect") != NULL;
        } else {
            usage();
            return 2;
        }
    }

    struct conn c;
    memset(&c, 0, sizeof(c));
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c.ctx);
    if (rv != SCARD_S_SUCCESS) {
        printf("FAIL SCardEstablishContext: %s (is pcscd running? PCSCLITE_CSOCK_NAME=%s)\n",
               pcsc_stringify_error(rv), getenv("PCSCLITE_CSOCK_NAME") ? getenv("PCSCLITE_CSOCK_NAME") : "");
        return 1;
    }
    if (o.connect && card_connect(&c, &o, SCARD_PROTOCOL_T0)) {
        check(true, "connect: the card answers in '%s'", c.reader);
        SCardDisconnect(c.h, SCARD_LEAVE_CARD);
    }
    if (o.lpac)
        pass_lpac(&c, &o);
    if (o.ipa)
        pass_ipa(&c, &o);
    if (o.pysim)
        pass_pysim(&c, &o);
    SCardReleaseContext(c.ctx);
    printf("lpac_chip_info: %u passed, %u failed\n", n_ok, n_fail);
    return n_fail == 0 && n_ok > 0 ? 0 : 1;
}
