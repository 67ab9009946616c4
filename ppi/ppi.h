/* ppi/ppi.h — the profile package interpreter's entry point: LoadProfileElements hands it
 * the decrypted UPP as a stream (segments cut through profile elements anywhere). It
 * decodes the SAIP profile elements incrementally with bounded memory, enforces the
 * structure (header first, end last, ICCID of the header = ICCID of the metadata, ...),
 * hands each element to its handler, which builds the profile image (card/
 * profile_image.h: file system from the templates, PINs, NAA keys, security domains),
 * and on commit writes that image into the store. Memory: one element plus the image. */
#ifndef EUICC_PPI_H
#define EUICC_PPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Highest SAIP version the interpreter handles (EUICCInfo2 profileVersion / ppVersion
 * advertise the same): 2.x (any minor) and 3.0 .. 3.PPI_SAIP_MINOR are accepted. */
#define PPI_SAIP_MAJOR 3
#define PPI_SAIP_MINOR 3
#define PPI_SAIP_PATCH 1

struct store;
struct tlv_writer;
struct ppi_install;

enum ppi_result {
    PPI_OK = 0,
    PPI_EPE = -1,          /* a profile element failed → installFailedDueToPEProcessingError */
    PPI_EMISMATCH = -2,    /* header ICCID ≠ metadata ICCID → installFailedDueToDataMismatch */
    PPI_EMEMORY = -3,      /* over the memory budget → installFailedDueToInsufficientMemory */
    PPI_EVERSION = -4,     /* unsupported SAIP version (still a PE failure for the PIR) */
    PPI_ESTATE = -5,       /* misuse: feed after finish, ... */
    PPI_ESTORE = -6,       /* commit: the store failed (abort the transaction) */
};

/* Start an installation for a profile whose metadata ICCID (EF.ICCID coding, 10
 * octets) is iccid; budget = octets the profile may use. NULL on allocation failure. */
struct ppi_install *ppi_install_begin(const uint8_t iccid[10], size_t budget);

/* Feed the next bytes of the profile element stream (any split). Returns PPI_OK or the
 * first error (the install is then dead; further feeds return the same error). */
int ppi_install_feed(struct ppi_install *p, const uint8_t *data, size_t len);

/* End of the stream: every element complete, the end PE seen. Appends the SAIP
 * EUICCResponse (the simaResponse / peStatus list) to w whatever the outcome; returns
 * PPI_OK or the error. */
int ppi_install_finish(struct ppi_install *p, struct tlv_writer *euicc_response);

/* Write the installed profile image into the store for the slot with
 * profile_image_save (inside the caller's transaction; replaces anything stored there).
 * Only after a successful finish (else PPI_ESTATE). PPI_OK, PPI_EMEMORY (store full) or
 * PPI_ESTORE. */
int ppi_install_commit(struct ppi_install *p, struct store *s, uint8_t slot);

/* Octets the installed profile will take in the store (profile_image_size). */
size_t ppi_install_size(const struct ppi_install *p);

struct profile_image;
/* The image built by a successful finish (read-only; owned by p), else NULL. */
const struct profile_image *ppi_install_image(const struct ppi_install *p);

/* Free (wipes the image's secrets: NAA keys, PINs, SD keys). NULL ok. */
void ppi_install_free(struct ppi_install *p);

#endif
