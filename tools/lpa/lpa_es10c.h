/* tools/lpa/lpa_es10c.h — the LPA side of ES10c profile management (SGP.22 §5.7.15-18):
 * request builders and response decoders for GetProfilesInfo (BF2D), EnableProfile
 * (BF31), DisableProfile (BF32) and DeleteProfile (BF33), the ICCID as the user writes
 * it, and the spec's names of states, classes and result codes. Pure functions over
 * buffers: the transport is tools/lpa/lpa.h. Decoders take (p, len) and never read
 * past it. */
#ifndef EUICC_LPA_ES10C_H
#define EUICC_LPA_ES10C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LPA_ICCID_LEN       10u   /* EF.ICCID coding (BCD, nibbles swapped, F padded) */
#define LPA_ICCID_STR       21u   /* 20 digits + NUL */
#define LPA_AID_MAX         16u
#define LPA_NAME_MAX        64u   /* profileName / serviceProviderName / nickname */
#define LPA_DECODE_ERROR    (-1)  /* a decoder's answer for a malformed response */

enum lpa_profile_op { LPA_OP_ENABLE, LPA_OP_DISABLE, LPA_OP_DELETE };

/* One ProfileInfo (E3) of a GetProfilesInfo answer; absent fields: has_* false, -1. */
struct lpa_profile_info {
    bool has_iccid;
    uint8_t iccid[LPA_ICCID_LEN];
    uint8_t aid[LPA_AID_MAX];
    size_t aid_len;                     /* 0: absent */
    int state;                          /* profileState 9F70, -1 absent */
    int profile_class;                  /* 95, -1 absent */
    char name[LPA_NAME_MAX + 1];        /* profileName 92 (NUL-terminated, cut at 64) */
    char spn[LPA_NAME_MAX + 1];         /* serviceProviderName 91 */
    char nickname[LPA_NAME_MAX + 1];    /* profileNickname 90 */
};

/* "8949…" (19 or 20 decimal digits) → EF.ICCID coding. 0, or -1 when not 19/20 digits. */
int lpa_iccid_from_string(const char *s, uint8_t out[LPA_ICCID_LEN]);

/* EF.ICCID coding → the digit string (trailing F padding dropped). 0, or -1 when a
 * nibble is not a digit (other than F padding at the end); out is then "". */
int lpa_iccid_to_string(const uint8_t iccid[LPA_ICCID_LEN], char out[LPA_ICCID_STR]);

/* GetProfilesInfoRequest BF2D asking (tag list 5C) for ICCID, AID, state, nickname,
 * SPN, name and class. 0, or -1 when cap is too small. */
int lpa_get_profiles_info_request(uint8_t *out, size_t cap, size_t *len);

/* Decode a GetProfilesInfo answer (BF2D): up to max profiles into out, count in *n.
 * 0; the ProfileInfoListError code (> 0) when the card answered one; LPA_DECODE_ERROR
 * when malformed or more than max profiles. */
int lpa_get_profiles_info_decode(const uint8_t *p, size_t len, struct lpa_profile_info *out,
                                 size_t max, size_t *n);

/* EnableProfile BF31 / DisableProfile BF32 {A0 {5A iccid}, 81 refreshFlag} or
 * DeleteProfile BF33 {5A iccid}. 0, or -1 when cap is too small or op unknown. */
int lpa_profile_op_request(enum lpa_profile_op op, const uint8_t iccid[LPA_ICCID_LEN],
                           bool refresh, uint8_t *out, size_t cap, size_t *len);

/* The result code of an Enable/Disable/DeleteProfile answer (BF31/32/33 {80 result}),
 * or LPA_DECODE_ERROR. */
int lpa_profile_op_result(enum lpa_profile_op op, const uint8_t *p, size_t len);

/* The spec's name of a result code of op ("ok", "iccidOrAidNotFound", …, "unknown"). */
const char *lpa_profile_op_result_name(enum lpa_profile_op op, int code);

/* Name of the ES10c function of op ("EnableProfile", …). */
const char *lpa_profile_op_name(enum lpa_profile_op op);

/* "disabled", "enabled", "unknown". */
const char *lpa_profile_state_name(int state);

/* "test", "provisioning", "operational", "unknown". */
const char *lpa_profile_class_name(int profile_class);

#endif
