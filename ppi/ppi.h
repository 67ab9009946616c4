/* ppi/ppi.h — the profile package interpreter's entry point: LoadProfileElements hands it
 * the decrypted UPP as a stream (segments cut through profile elements anywhere). It
 * decodes the SAIP profile elements incrementally with bounded memory, enforces the
 * structure (header first, end last, ICCID of the header = ICCID of the metadata, ...),
 * keeps the elements, and on commit writes the installed profile into the store.
 * (This issue: structure checks and keeping the elements; the interpreter issue turns
 * them into a file system.) */
#ifndef EUICC_PPI_H
#define EUICC_PPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Write the installed profile's content into the store under SID_PROFILE_DATA(slot)
 * (inside the caller's transaction): the kept element DER, in order, cut into objects
 * SID_PROFILE_DATA(slot) + 0, + 1, ... of at most 16 KiB (anything stored there before
 * is deleted). Only after a successful finish (else PPI_ESTATE). PPI_OK, PPI_EMEMORY
 * (store full) or PPI_ESTORE. */
int ppi_install_commit(struct ppi_install *p, struct store *s, uint8_t slot);

/* Octets the installed profile will take in the store (for memory accounting). */
size_t ppi_install_size(const struct ppi_install *p);

/* Free (wipes key material such as NAA keys and PINs held in the elements). NULL ok. */
void ppi_install_free(struct ppi_install *p);

#endif
