/* crypto/cert_rules.h — the SGP.22 certificate rules (§4.5.2) the eUICC applies to the
 * SM-DP+ certificates it receives (CERT.DPauth.SIG, CERT.DPpb.SIG) and their chain up to
 * a trusted CI: issuer chain by AKI/SKI and signature, role policy OID, key usage
 * (digitalSignature), curve, SM-DP+ OID from subjectAltName registeredID. */
#ifndef EUICC_CERT_RULES_H
#define EUICC_CERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "crypto/ec.h"

/* policy OIDs of the RSP roles (GSMA 2.23.146.1.2.1.x) */
#define OID_RSP_ROLE_CI      "2.23.146.1.2.1.0"
#define OID_RSP_ROLE_EUICC   "2.23.146.1.2.1.1"
#define OID_RSP_ROLE_EUM     "2.23.146.1.2.1.2"
#define OID_RSP_ROLE_DP_TLS  "2.23.146.1.2.1.3"
#define OID_RSP_ROLE_DP_AUTH "2.23.146.1.2.1.4"
#define OID_RSP_ROLE_DP_PB   "2.23.146.1.2.1.5"

enum cert_check {
    CERT_OK = 0,
    CERT_INVALID,            /* malformed, bad signature, wrong key usage, not chaining */
    CERT_UNSUPPORTED_CURVE,  /* key on a curve the card does not support */
    CERT_INVALID_OID,        /* not the expected role policy */
    CERT_CI_UNKNOWN,         /* the issuer CI is not the one expected / not trusted */
};

#define SMDP_OID_MAX 64      /* DER content octets of an OBJECT IDENTIFIER */

/* Check an SM-DP+ certificate `cert` (DER) for role `role_oid` against the CI `ci`
 * (trusted; its SKI must equal the certificate's AKI, or the chain through the optional
 * intermediates others[0..n_others) must lead to it). On CERT_OK *key receives the
 * certificate's public key (caller frees) and smdp_oid/oid_len the SM-DP+ OID from
 * subjectAltName registeredID (content octets; oid_len 0 when absent). */
enum cert_check cert_check_smdp(const uint8_t *cert, size_t len, const char *role_oid,
                                X509 *ci, const uint8_t *const *others,
                                const size_t *other_lens, size_t n_others, EVP_PKEY **key,
                                uint8_t smdp_oid[SMDP_OID_MAX], size_t *oid_len);

#endif
