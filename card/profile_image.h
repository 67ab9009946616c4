/* card/profile_image.h — an installed profile as the store keeps it: its file system,
 * PINs and NAA authentication parameters (and security domains, kept for later use).
 * Written whole by the profile package interpreter at install (inside the install
 * transaction), read by the UICC personality when the profile is enabled, and updated
 * piecemeal by UICC commands (one file's content, the PIN counters, the SQN state) so
 * an UPDATE does not rewrite the whole profile. Store ids: SID_PROFILE_DATA(slot) + k.
 * Goal: persistent size <= 1.5x the UPP. Secrets (K, OPc, PIN/PUK values, SD keys) are
 * wiped from RAM by profile_image_free. */
#ifndef EUICC_PROFILE_IMAGE_H
#define EUICC_PROFILE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/fs.h"
#include "card/pin.h"
#include "crypto/aka.h"

struct store;

#define NAA_MAX 4
#define SQN_ARRAY 32          /* TS 33.102 Annex C.3: IND of 5 bits */

struct naa_auth {
    int adf;                          /* index in fs of the ADF (USIM/ISIM) it serves,
                                       * FS_NONE: every NAA of the profile */
    struct aka_params aka;            /* secret keys inside */
    uint8_t sqn[SQN_ARRAY][6];        /* highest SQN accepted per IND (persistent) */
    /* SAIP sqnOptions: skip the freshness check, IND length, delta, age limit */
    bool sqn_check;
    uint8_t ind_bits;
    uint64_t sqn_delta;
};

#define SD_MAX 4
struct security_domain {
    uint8_t aid[16];
    uint8_t aid_len;
    uint8_t keys[256];                /* the key TLVs of the PE, secret, kept */
    size_t keys_len;
};

#define CONNECTIVITY_MAX 512   /* SAIP header connectivityParameters kept (octets) */

struct profile_image {
    struct fs fs;
    struct pin_set pins;
    struct naa_auth naa[NAA_MAX];
    size_t n_naa;
    struct security_domain sd[SD_MAX];
    size_t n_sd;
    /* SAIP ProfileHeader connectivityParameters (SGP.32 GetConnectivityParameters) */
    uint8_t connectivity[CONNECTIVITY_MAX];
    size_t connectivity_len;
};

/* Empty image. */
void profile_image_init(struct profile_image *img);

/* Free and wipe every secret. */
void profile_image_free(struct profile_image *img);

/* Write the whole image for a slot (inside the caller's transaction; replaces any).
 * STORE_* code. */
int profile_image_save(struct store *s, uint8_t slot, const struct profile_image *img);

/* Read a slot's image. STORE_* code; STORE_ECORRUPT for a malformed image. */
int profile_image_load(struct store *s, uint8_t slot, struct profile_image *img);

/* Persist one file's content after an UPDATE (its own transaction when none is open). */
int profile_image_save_file(struct store *s, uint8_t slot, const struct profile_image *img,
                            int file_idx);

/* Persist the PIN states (enabled flags, values after CHANGE/UNBLOCK, counters). */
int profile_image_save_pins(struct store *s, uint8_t slot, const struct profile_image *img);

/* Persist one NAA's SQN array. */
int profile_image_save_sqn(struct store *s, uint8_t slot, const struct profile_image *img,
                           size_t naa);

/* A slot's connectivityParameters without loading the whole image: STORE_OK with *len
 * octets in out[0..cap), STORE_ENOTFOUND when the profile has none, or a store error. */
int profile_image_connectivity(struct store *s, uint8_t slot, uint8_t *out, size_t cap,
                               size_t *len);

/* Octets the image takes in the store (memory accounting). */
size_t profile_image_size(const struct profile_image *img);

#endif
