/* Fuzz target: certificate parsing and the SGP.22 certificate rules (crypto/x509.h,
 * crypto/cert_rules.h). The input is taken as an SM-DP+ certificate checked against a
 * fixed CI (generated once from a seeded rng by the ECASD's test PKI path: the card's
 * own generated identity), plus the x509 accessors the card uses. */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/x509.h>

#include "card/card.h"
#include "card/store.h"
#include "crypto/cert_rules.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"

static struct card *card;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (card == NULL) {
        static const uint8_t seed[] = "euicc-emu x509 fuzz";
        struct card_config cfg = {0};
        char err[256];
        cfg.rng_seed = seed;
        cfg.rng_seed_len = sizeof seed;
        if (card_open(&card, &cfg, err, sizeof err) != 0)
            abort();
    }
    X509 *ci = ecasd_ci_cert(card_ecasd(card), 0);
    EVP_PKEY *key = NULL;
    uint8_t oid[SMDP_OID_MAX];
    size_t oid_len = 0;
    const uint8_t *others[1] = { data };
    size_t other_lens[1] = { size };
    (void)cert_check_smdp(data, size, OID_RSP_ROLE_DP_AUTH, ci, NULL, NULL, 0, &key, oid,
                          &oid_len);
    EVP_PKEY_free(key);
    key = NULL;
    /* the same bytes as an intermediate of a chain */
    (void)cert_check_smdp(data, size, OID_RSP_ROLE_DP_PB, ci, others, other_lens, 1, &key,
                          oid, &oid_len);
    EVP_PKEY_free(key);
    X509 *x = x509_from_der(data, size);
    if (x != NULL) {
        uint8_t buf[64];
        char serial[64];
        (void)x509_ski(x, buf, sizeof buf);
        (void)x509_aki(x, buf, sizeof buf);
        (void)x509_curve(x);
        (void)x509_has_policy(x, OID_RSP_ROLE_EUICC);
        (void)x509_subject_serial(x, serial, sizeof serial);
        (void)x509_signed_by(x, ci);
        X509_free(x);
    }
    return 0;
}
