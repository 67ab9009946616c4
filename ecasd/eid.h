/* ecasd/eid.h — the EID (SGP.29): 32 decimal digits whose last two are ISO 7064
 * MOD 97-10 check digits, i.e. the whole number mod 97 == 1. */
#ifndef EUICC_ECASD_EID_H
#define EUICC_ECASD_EID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EID_DIGITS 32
#define EID_LEN 16

/* True when s[0..len) is exactly 32 decimal digits and the number mod 97 == 1. */
bool eid_valid(const char *s, size_t len);

/* Set d[30], d[31] to the check digits for the 30 digits d[0..29]. 0, or -1 when
 * d[0..29] holds a non-digit. */
int eid_set_check_digits(char d[EID_DIGITS]);

/* Pack 32 digits two per octet in natural order ("8904..." -> 89 04 ...). 0 or -1. */
int eid_to_bytes(const char *s, uint8_t out[EID_LEN]);

#endif
