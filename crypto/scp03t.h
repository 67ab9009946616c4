/* crypto/scp03t.h — the SGP.22 BSP (SCP03t-based, §2.6.4) segment protection, both
 * directions: the card unwraps, the test SM-DP+ wraps (same code, no duplicate).
 *
 * A key set {S-ENC, S-MAC, MCV} with a block counter starting at 1. Each segment:
 *   tag 86/87 (encrypt + MAC): body = AES-128-CBC(S-ENC, IV = AES-ECB(S-ENC, counter as
 *     16-byte big-endian), plaintext || 80 00..) ; tag 88 (MAC only): body = plaintext.
 *   MAC input = MCV || tag || DER length(len(body) + 8) || body; full AES-CMAC(S-MAC) is
 *   the next MCV; its first 8 octets are appended. Wire form: tag || len || body || MAC.
 *   The counter advances after EVERY segment (88 included).
 * Unwrap verifies the MAC in constant time BEFORE decrypting; on any failure the state is
 * left unchanged and the caller ends the session. */
#ifndef EUICC_SCP03T_H
#define EUICC_SCP03T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCP03T_KEY_LEN 16
#define SCP03T_MAC_LEN 8

struct scp03t {
    uint8_t enc[SCP03T_KEY_LEN];   /* secret */
    uint8_t mac[SCP03T_KEY_LEN];   /* secret */
    uint8_t mcv[16];               /* MAC chaining value */
    uint32_t counter;              /* block counter of the next segment (from 1) */
};

enum {
    SCP03T_OK = 0,
    SCP03T_EMAC = -1,      /* MAC mismatch */
    SCP03T_EFORMAT = -2,   /* bad tag, length, padding or body size */
    SCP03T_ESPACE = -3,    /* output buffer too small */
    SCP03T_ECRYPTO = -4,   /* libcrypto failure */
};

/* SGP.22 Annex G session keys from Z: KDF(Z, SharedInfo = keyType || keyLen ||
 * L(hostId) || hostId || L(EID) || EID) → MCV || S-ENC || S-MAC; counter = 1. */
int scp03t_derive_session_keys(struct scp03t *k, const uint8_t z[32], uint8_t key_type,
                               uint8_t key_len, const uint8_t *host_id, size_t host_id_len,
                               const uint8_t eid[16]);

/* Start a key set from explicit keys (ReplaceSessionKeys: PPK-ENC, PPK-MAC, MCV). */
void scp03t_init(struct scp03t *k, const uint8_t enc[16], const uint8_t mac[16],
                 const uint8_t mcv[16]);

/* Unwrap one segment given as its whole TLV (tag 86, 87 or 88) into out; *out_len is
 * the plaintext length. */
int scp03t_unwrap(struct scp03t *k, const uint8_t *tlv, size_t len, uint8_t *out,
                  size_t cap, size_t *out_len);

/* Wrap plaintext as a segment with this tag (86, 87 or 88) into out (whole TLV). */
int scp03t_wrap(struct scp03t *k, uint8_t tag, const uint8_t *plain, size_t len,
                uint8_t *out, size_t cap, size_t *out_len);

/* Wipe the keys. */
void scp03t_wipe(struct scp03t *k);

#endif
