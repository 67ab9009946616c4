/* tests/e2e/pcsc_sim.c — a pySim-shell-like SIM walk through pcscd over T=0: SELECT MF,
 * READ EF.ICCID, SELECT ADF.USIM by partial AID, READ EF.IMSI, AUTHENTICATE (3G) with an
 * AUTN built here with the USIM test algorithm (TS 34.108 §8.1.2) from K; every 61xx is
 * answered with GET RESPONSE as a T=0 terminal does. Compares with the values given.
 * Usage: pcsc_sim [--reader NAME] [--wait SEC] --iccid HEX --imsi HEX --k HEX
 * Prints PASS/FAIL lines; exits 1 when a check fails. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

static int n_fail;
static SCARDHANDLE h;
static DWORD proto;

static void check(bool ok, const char *fmt, const char *what)
{
    printf("%s ", ok ? "PASS" : "FAIL");
    printf(fmt, what);
    printf("\n");
    if (!ok)
        n_fail++;
}

static size_t hex2bin(const char *s, unsigned char *o, size_t cap)
{
    size_t n = strlen(s) / 2;
    if (n > cap || strlen(s) % 2)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return 0;
        o[i] = (unsigned char)v;
    }
    return n;
}

static unsigned char resp[512];
static size_t resp_len;
static bool got_61;           /* the last command was answered 61xx first */

/* Transmit; 61xx → GET RESPONSE, 6Cxx → resend with Le. Returns the SW (0 on error). */
static unsigned tx(const unsigned char *c, size_t n)
{
    unsigned char cmd[300], r[300];
    DWORD rl = sizeof r;
    const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    memcpy(cmd, c, n);
    got_61 = false;
    resp_len = 0;
    if (SCardTransmit(h, pci, cmd, (DWORD)n, NULL, r, &rl) != SCARD_S_SUCCESS || rl < 2)
        return 0;
    unsigned sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
    if ((sw >> 8) == 0x6C) {
        cmd[n - 1] = (unsigned char)sw;
        rl = sizeof r;
        if (SCardTransmit(h, pci, cmd, (DWORD)n, NULL, r, &rl) != SCARD_S_SUCCESS || rl < 2)
            return 0;
        sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
    }
    memcpy(resp, r, rl - 2);
    resp_len = rl - 2;
    while ((sw >> 8) == 0x61) {
        unsigned char g[5] = {0x00, 0xC0, 0x00, 0x00, (unsigned char)sw};
        got_61 = true;
        rl = sizeof r;
        if (SCardTransmit(h, pci, g, 5, NULL, r, &rl) != SCARD_S_SUCCESS || rl < 2)
            return 0;
        sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
        if (resp_len + rl - 2 > sizeof resp)
            return 0;
        memcpy(resp + resp_len, r, rl - 2);
        resp_len += rl - 2;
    }
    return sw;
}

static unsigned txh(const char *hex)
{
    unsigned char b[300];
    size_t n = hex2bin(hex, b, sizeof b);
    return n ? tx(b, n) : 0;
}

static bool connect_card(const char *want, int wait_s)
{
    SCARDCONTEXT ctx;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
        return false;
    for (int waited = 0; waited <= wait_s * 10; waited++) {
        char buf[4096];
        DWORD len = sizeof buf;
        if (SCardListReaders(ctx, NULL, buf, &len) == SCARD_S_SUCCESS) {
            for (const char *r = buf; *r; r += strlen(r) + 1) {
                if ((want && strcmp(r, want) != 0) || (!want && !strstr(r, "Virtual PCD")))
                    continue;
                if (SCardConnect(ctx, r, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, &h, &proto) ==
                    SCARD_S_SUCCESS)
                    return true;
            }
        }
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *reader = NULL, *iccid_h = NULL, *imsi_h = NULL, *k_h = NULL;
    int wait_s = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reader") == 0) reader = argv[i + 1];
        else if (strcmp(argv[i], "--wait") == 0) wait_s = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--iccid") == 0) iccid_h = argv[i + 1];
        else if (strcmp(argv[i], "--imsi") == 0) imsi_h = argv[i + 1];
        else if (strcmp(argv[i], "--k") == 0) k_h = argv[i + 1];
    }
    unsigned char iccid[10], imsi[16], k[16];
    size_t imsi_len;
    if (!iccid_h || !imsi_h || !k_h || hex2bin(iccid_h, iccid, 10) != 10 ||
        (imsi_len = hex2bin(imsi_h, imsi, sizeof imsi)) == 0 || hex2bin(k_h, k, 16) != 16) {
        fprintf(stderr, "usage: pcsc_sim [--reader NAME] [--wait SEC] --iccid HEX --imsi HEX "
                        "--k HEX\n");
        return 2;
    }
    if (!connect_card(reader, wait_s)) {
        printf("FAIL no card in %s\n", reader ? reader : "a Virtual PCD reader");
        return 1;
    }
    check(proto == SCARD_PROTOCOL_T0, "%s", "connected with T=0");
    check(txh("00A40004023F00") == 0x9000 && resp_len > 0 && resp[0] == 0x62,
          "%s", "SELECT MF: FCP");
    check(txh("00A40004022FE2") == 0x9000, "%s", "SELECT EF.ICCID");
    check(txh("00B000000A") == 0x9000 && resp_len == 10 && memcmp(resp, iccid, 10) == 0,
          "READ BINARY EF.ICCID = %s", iccid_h);
    check(txh("00A4040407A0000000871002") == 0x9000 && got_61, "%s",
          "SELECT ADF.USIM by partial AID (FCP by 61xx + GET RESPONSE)");
    check(txh("00A40004026F07") == 0x9000, "%s", "SELECT EF.IMSI");
    {
        unsigned char c[5] = {0x00, 0xB0, 0x00, 0x00, (unsigned char)imsi_len};
        check(tx(c, 5) == 0x9000 && resp_len == imsi_len && memcmp(resp, imsi, imsi_len) == 0,
              "READ BINARY EF.IMSI = %s", imsi_h);
    }
    /* AUTHENTICATE: XDOUT = K xor RAND; AUTN = SQN^AK || AMF || MAC */
    unsigned char c[5 + 34] = {0x00, 0x88, 0x00, 0x81, 34, 16}, x[16], sqn[6];
    unsigned long long s = 1u << 5 | 1u;   /* SEQ 1, IND 1: fresh on a new card state */
    for (int i = 0; i < 6; i++)
        sqn[i] = (unsigned char)(s >> (40 - 8 * i));
    for (int i = 0; i < 16; i++) {
        c[6 + i] = (unsigned char)(0x5A ^ (i * 7));
        x[i] = k[i] ^ c[6 + i];
    }
    c[22] = 16;
    for (int i = 0; i < 6; i++)
        c[23 + i] = sqn[i] ^ x[3 + i];
    c[29] = 0x80;
    c[30] = 0x00;
    for (int i = 0; i < 8; i++)
        c[31 + i] = x[i] ^ (i < 6 ? sqn[i] : c[29 + i - 6]);
    unsigned sw = tx(c, sizeof c);
    bool ok = sw == 0x9000 && got_61 && resp_len >= 52 && resp[0] == 0xDB && resp[1] == 16 &&
              memcmp(resp + 2, x, 16) == 0 && resp[18] == 16 && resp[35] == 16;
    for (int i = 0; ok && i < 16; i++)
        ok = resp[19 + i] == x[(i + 1) % 16] && resp[36 + i] == x[(i + 2) % 16];
    if (ok && resp_len == 61) {                              /* Kc = c3(CK, IK) */
        ok = resp[52] == 8;
        for (int i = 0; ok && i < 8; i++)
            ok = resp[53 + i] == (x[(i + 1) % 16] ^ x[(i + 9) % 16] ^ x[(i + 2) % 16] ^
                                  x[(i + 10) % 16]);
    } else if (ok) {
        ok = resp_len == 52;
    }
    check(ok, "%s", "AUTHENTICATE 3G (61xx + GET RESPONSE): RES/CK/IK/Kc of the test algorithm");
    sw = tx(c, sizeof c);
    check(sw == 0x9000 && resp_len == 16 && resp[0] == 0xDC && resp[1] == 14, "%s",
          "the same AUTN again: synchronisation failure with AUTS");
    SCardDisconnect(h, SCARD_UNPOWER_CARD);   /* as lpac does: the next client (or a restarted card) starts clean */
    return n_fail ? 1 : 0;
}
