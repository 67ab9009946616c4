/* crypto/x509.h — the certificate facts the eUICC needs (SGP.22 §4.5 profile):
 * subject key identifier, authority key identifier, key and curve, validity, OIDs. */
#ifndef EUICC_X509_H
#define EUICC_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ec.h"

/* Parse a DER certificate (exactly len octets, no trailing data); NULL on error. */
X509 *x509_from_der(const uint8_t *p, size_t len);

/* Load a certificate from a DER or PEM file; NULL with a message in err. */
X509 *x509_load_file(const char *path, char *err, size_t errcap);

/* DER encoding into out; returns length or 0. */
size_t x509_to_der(X509 *x, uint8_t *out, size_t cap);

/* Subject / authority key identifier (20 octets expected). Returns length or 0. */
size_t x509_ski(X509 *x, uint8_t *out, size_t cap);
size_t x509_aki(X509 *x, uint8_t *out, size_t cap);

/* True when the certificate has this policy OID (dotted text) in certificatePolicies. */
bool x509_has_policy(X509 *x, const char *oid);

/* Curve of the subject public key. */
enum ec_curve x509_curve(X509 *x);

/* ECDSA-with-SHA256 signature of child verified with issuer's key. */
bool x509_signed_by(X509 *child, X509 *issuer);

/* Subject serialNumber attribute as text (the EID of a CERT.EUICC). Returns length. */
size_t x509_subject_serial(X509 *x, char *out, size_t cap);

/* True when basicConstraints says cA = TRUE. */
bool x509_is_ca(X509 *x);

/* The serialNumber of the first permitted DirName subtree of nameConstraints (an EUM's
 * EID prefix) as text: 1 found, 0 no nameConstraints, -1 constraints without one. */
int x509_permitted_serial(X509 *x, char *out, size_t cap);

#endif
