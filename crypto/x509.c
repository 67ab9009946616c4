/* crypto/x509.c — the certificate facts the eUICC needs (SGP.22 §4.5 profile). */
#include "crypto/x509.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define CERT_FILE_MAX 65536u   /* 64 KiB */

X509 *x509_from_der(const uint8_t *p, size_t len)
{
    if (p == NULL || len == 0 || len > LONG_MAX)
        return NULL;
    const unsigned char *q = p;
    X509 *x = d2i_X509(NULL, &q, (long)len);
    if (x != NULL && q != p + len) {
        X509_free(x);
        x = NULL;
    }
    ERR_clear_error();
    return x;
}

X509 *x509_load_file(const char *path, char *err, size_t errcap)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    X509 *x = NULL;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(CERT_FILE_MAX + 1);
    if (buf == NULL) {
        snprintf(err, errcap, "%s: out of memory", path);
        goto out;
    }
    len = fread(buf, 1, CERT_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(err, errcap, "%s: read error", path);
        goto out;
    }
    if (len > CERT_FILE_MAX) {
        snprintf(err, errcap, "%s: file too large for a certificate", path);
        goto out;
    }
    x = x509_from_der(buf, len);
    if (x == NULL && len > 0) {
        BIO *b = BIO_new_mem_buf(buf, (int)len);
        if (b != NULL)
            x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
        ERR_clear_error();
    }
    if (x == NULL)
        snprintf(err, errcap, "%s: not a DER or PEM X.509 certificate", path);
out:
    free(buf);
    fclose(f);
    return x;
}

size_t x509_to_der(X509 *x, uint8_t *out, size_t cap)
{
    if (x == NULL)
        return 0;
    int n = i2d_X509(x, NULL);
    if (n <= 0 || (size_t)n > cap || out == NULL)
        return 0;
    unsigned char *q = out;
    return i2d_X509(x, &q) == n ? (size_t)n : 0;
}

static size_t copy_octets(const ASN1_OCTET_STRING *o, uint8_t *out, size_t cap)
{
    if (o == NULL)
        return 0;
    int n = ASN1_STRING_length(o);
    if (n <= 0 || (size_t)n > cap || out == NULL)
        return 0;
    memcpy(out, ASN1_STRING_get0_data(o), (size_t)n);
    return (size_t)n;
}

size_t x509_ski(X509 *x, uint8_t *out, size_t cap)
{
    size_t n = x != NULL ? copy_octets(X509_get0_subject_key_id(x), out, cap) : 0;
    ERR_clear_error();
    return n;
}

size_t x509_aki(X509 *x, uint8_t *out, size_t cap)
{
    size_t n = x != NULL ? copy_octets(X509_get0_authority_key_id(x), out, cap) : 0;
    ERR_clear_error();
    return n;
}

bool x509_has_policy(X509 *x, const char *oid)
{
    bool found = false;
    if (x == NULL || oid == NULL)
        return false;
    ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
    CERTIFICATEPOLICIES *pols = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
    if (want != NULL && pols != NULL) {
        for (int i = 0; i < sk_POLICYINFO_num(pols) && !found; i++) {
            const POLICYINFO *pi = sk_POLICYINFO_value(pols, i);
            found = OBJ_cmp(pi->policyid, want) == 0;
        }
    }
    CERTIFICATEPOLICIES_free(pols);
    ASN1_OBJECT_free(want);
    ERR_clear_error();
    return found;
}

enum ec_curve x509_curve(X509 *x)
{
    return x != NULL ? ec_key_curve(X509_get0_pubkey(x)) : EC_CURVE_NONE;
}

bool x509_signed_by(X509 *child, X509 *issuer)
{
    if (child == NULL || issuer == NULL)
        return false;
    EVP_PKEY *k = X509_get0_pubkey(issuer);
    bool ok = k != NULL && ec_key_curve(k) != EC_CURVE_NONE &&
              X509_get_signature_nid(child) == NID_ecdsa_with_SHA256 &&
              X509_verify(child, k) == 1;
    ERR_clear_error();
    return ok;
}

/* Text of the first attribute nid in name; length or 0 (absent, too long, NUL inside). */
static size_t name_attr(const X509_NAME *name, int nid, char *out, size_t cap)
{
    int idx = name != NULL ? X509_NAME_get_index_by_NID(name, nid, -1) : -1;
    if (idx < 0 || out == NULL || cap == 0)
        return 0;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    int n = s != NULL ? ASN1_STRING_length(s) : -1;
    if (n <= 0 || (size_t)n >= cap)
        return 0;
    const unsigned char *d = ASN1_STRING_get0_data(s);
    if (memchr(d, 0, (size_t)n) != NULL)
        return 0;
    memcpy(out, d, (size_t)n);
    out[n] = '\0';
    return (size_t)n;
}

size_t x509_subject_serial(X509 *x, char *out, size_t cap)
{
    return x != NULL ? name_attr(X509_get_subject_name(x), NID_serialNumber, out, cap) : 0;
}

bool x509_is_ca(X509 *x)
{
    if (x == NULL)
        return false;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    bool ca = bc != NULL && bc->ca;
    BASIC_CONSTRAINTS_free(bc);
    ERR_clear_error();
    return ca;
}

int x509_permitted_serial(X509 *x, char *out, size_t cap)
{
    int crit = -1;
    int rc = -1;
    NAME_CONSTRAINTS *nc =
        x != NULL ? X509_get_ext_d2i(x, NID_name_constraints, &crit, NULL) : NULL;

    if (nc == NULL) {
        ERR_clear_error();
        return crit == -1 ? 0 : -1; /* crit -1: extension absent; else unreadable */
    }
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); i++) {
        const GENERAL_SUBTREE *st = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
        if (st->base == NULL || st->base->type != GEN_DIRNAME)
            continue;
        if (name_attr(st->base->d.directoryName, NID_serialNumber, out, cap) > 0) {
            rc = 1;
            break;
        }
    }
    NAME_CONSTRAINTS_free(nc);
    ERR_clear_error();
    return rc;
}
