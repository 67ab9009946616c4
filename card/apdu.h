/* card/apdu.h — command APDU decoding (ISO 7816-4: short and extended, cases 1-4)
 * and the status words the runtime and applets use. */
#ifndef EUICC_APDU_H
#define EUICC_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* status words (ISO 7816-4, ETSI TS 102 221, GlobalPlatform) */
#define SW_OK                      0x9000
#define SW_BYTES_REMAINING(n)      (0x6100 | ((n) & 0xFF))
#define SW_WARNING_EOF             0x6282
#define SW_WRONG_LENGTH            0x6700
#define SW_LOGICAL_CHANNEL_NOT_SUPPORTED 0x6881
#define SW_SECURE_MESSAGING_NOT_SUPPORTED 0x6882
#define SW_SECURITY_STATUS         0x6982
#define SW_AUTH_BLOCKED            0x6983
#define SW_CONDITIONS_NOT_SATISFIED 0x6985
#define SW_COMMAND_NOT_ALLOWED     0x6986
#define SW_WRONG_DATA              0x6A80
#define SW_FUNC_NOT_SUPPORTED      0x6A81
#define SW_FILE_NOT_FOUND          0x6A82
#define SW_RECORD_NOT_FOUND        0x6A83
#define SW_NOT_ENOUGH_MEMORY       0x6A84
#define SW_INCORRECT_P1P2          0x6A86
#define SW_REF_DATA_NOT_FOUND      0x6A88
#define SW_WRONG_P1P2              0x6B00
#define SW_WRONG_LE(n)             (0x6C00 | ((n) & 0xFF))
#define SW_INS_NOT_SUPPORTED       0x6D00
#define SW_CLA_NOT_SUPPORTED       0x6E00
#define SW_UNKNOWN                 0x6F00

struct apdu {
    /* command */
    uint8_t cla, ins, p1, p2;
    uint8_t channel;        /* logical channel 0..19 decoded from CLA */
    bool proprietary;       /* CLA b8 set (0x8X..0xFX, not 0xFF) */
    const uint8_t *data;    /* command data (lc octets), NULL when lc == 0 */
    size_t lc;
    bool has_le;            /* case 2 or 4 */
    size_t ne;              /* expected length: Le, 256 for short 00, 65536 for ext 0000 */
    bool extended;
    uint8_t apdu_case;      /* 1..4 */
    /* response, filled by the applet (the runtime owns the buffer) */
    uint8_t *resp;
    size_t resp_cap;
    size_t resp_len;
    uint16_t sw;            /* applet sets; the runtime converts to 61xx/6Cxx as needed */
    bool secret;            /* applet sets when command data must not be traced */
};

/* Decode a C-APDU. Returns 0 or a status word (SW_WRONG_LENGTH, SW_CLA_NOT_SUPPORTED). */
uint16_t apdu_decode(struct apdu *a, const uint8_t *p, size_t len);

/* Logical channel number of a CLA (first/further interindustry encodings), or -1 when
 * the CLA is not interindustry-compatible (e.g. 0xFF). */
int apdu_cla_channel(uint8_t cla);

/* Set a response: copies data (len <= resp_cap, else SW_UNKNOWN) and sets sw. */
void apdu_respond(struct apdu *a, const uint8_t *data, size_t len, uint16_t sw);

#endif
