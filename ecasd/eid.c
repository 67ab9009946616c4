/* ecasd/eid.c — EID check digits (ISO 7064 MOD 97-10, as SGP.29 requires). */
#include "ecasd/eid.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* value of the decimal digits s[0..n) mod 97; -1 when a non-digit is found */
static int mod97(const char *s, size_t n)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        r = (r * 10 + (s[i] - '0')) % 97;
    }
    return r;
}

bool eid_valid(const char *s, size_t len)
{
    return s != NULL && len == EID_DIGITS && mod97(s, len) == 1;
}

int eid_set_check_digits(char d[EID_DIGITS])
{
    int r = mod97(d, EID_DIGITS - 2);
    if (r < 0)
        return -1;
    /* N = P * 100 + c with N mod 97 == 1: c = 98 - (P * 100 mod 97), in 2..98 */
    int c = 98 - (r * 100) % 97;
    d[EID_DIGITS - 2] = (char)('0' + c / 10);
    d[EID_DIGITS - 1] = (char)('0' + c % 10);
    return 0;
}

int eid_to_bytes(const char *s, uint8_t out[EID_LEN])
{
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < EID_DIGITS; i++)
        if (!is_digit(s[i]))
            return -1;
    for (size_t i = 0; i < EID_LEN; i++)
        out[i] = (uint8_t)(((s[2 * i] - '0') << 4) | (s[2 * i + 1] - '0'));
    return 0;
}
