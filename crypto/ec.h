/* crypto/ec.h — EC keys and ECDSA with raw r||s signatures (BSI TR-03111 plain
 * format, 64 octets for 256-bit curves), NIST P-256 and brainpoolP256r1. */
#ifndef EUICC_EC_H
#define EUICC_EC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "rng.h"

enum ec_curve { EC_CURVE_NONE = 0, EC_CURVE_P256 = 1, EC_CURVE_BP256R1 = 2 };

/* Curve of a key, EC_CURVE_NONE when neither supported curve. */
enum ec_curve ec_key_curve(const EVP_PKEY *k);

/* Generate a key pair whose private scalar comes from rng (deterministic when rng is). */
EVP_PKEY *ec_keygen(enum ec_curve curve, struct rng *rng);

/* Uncompressed public point 04||X||Y (65 octets) of a key. */
int ec_public_point(const EVP_PKEY *k, uint8_t out[65]);

/* Public key from an uncompressed point on a curve. */
EVP_PKEY *ec_public_from_point(enum ec_curve curve, const uint8_t *pt, size_t len);

/* Private key (DER/PEM PKCS#8 or SEC1) from bytes; NULL when not an EC key. */
EVP_PKEY *ec_private_from_bytes(const uint8_t *p, size_t len);

/* Serialise a private key as DER (PKCS#8) into out; returns length or 0. */
size_t ec_private_to_der(const EVP_PKEY *k, uint8_t *out, size_t cap);

/* ECDSA-SHA256 over msg, plain r||s (64 octets; OpenSSL's random nonce). 0 or -1. */
int ecdsa_sign_raw(const EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t sig[64]);

/* The card's signing: as ecdsa_sign_raw, except that with a seeded (deterministic) rng
 * the nonce is drawn from rng, so tests and fuzzers replay sessions whose later messages
 * cover the card's signatures (smdpSignature2 covers euiccSignature1). With the system
 * rng it is ecdsa_sign_raw. 0 or -1. */
int ecdsa_sign_raw_rng(const EVP_PKEY *k, struct rng *rng, const uint8_t *msg, size_t len,
                       uint8_t sig[64]);

/* Verify a plain r||s ECDSA-SHA256 signature. */
bool ecdsa_verify_raw(const EVP_PKEY *k, const uint8_t *msg, size_t len,
                      const uint8_t *sig, size_t sig_len);

/* SHA-256 and SHA-1 (SHA-1 only for RFC 5280 key identifiers). */
void sha256(const uint8_t *p, size_t len, uint8_t out[32]);
void sha1(const uint8_t *p, size_t len, uint8_t out[20]);

#endif
