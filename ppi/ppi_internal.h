/* ppi/ppi_internal.h — shared between the PE handlers of the profile package
 * interpreter (ppi/pe_*.c) and the streaming decoder (ppi/ppi.c). Not a public API. */
#ifndef EUICC_PPI_INTERNAL_H
#define EUICC_PPI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/profile_image.h"
#include "card/tlv.h"

/* PEStatus.status values (SAIP 3.3.1 PEStatus) */
#define ST_OK                   0
#define ST_PE_NOT_SUPPORTED     1
#define ST_MEMORY_FAILURE       2
#define ST_BAD_VALUES           3
#define ST_NOT_ENOUGH_MEMORY    4
#define ST_INVALID_FORMAT       5
#define ST_INVALID_PARAMETER    6
#define ST_RUNTIME_NOT_SUPPORTED 7
#define ST_TEMPLATE_NOT_SUPPORTED 9
#define ST_FEATURE_NOT_SUPPORTED 10
#define ST_PIN_CODE_MISSING     11
#define ST_UNSUPPORTED_VERSION  31

#define PUK_MAX 16

struct ppi_puk {
    uint8_t ref;
    uint8_t value[8];        /* secret */
    uint8_t max, left;
};

/* What the handlers build and the facts they share. */
struct ppi_ctx {
    struct profile_image img;
    uint8_t header_iccid[10];   /* as in the header (plain BCD) */
    uint32_t major, minor;
    uint64_t services;          /* eUICC-Mandatory-services bits (tag number) */
    int cur_df;                 /* DF/ADF context of the last file system PE */
    int last_adf;               /* last ADF created (akaParameter context), FS_NONE */
    int adf_usim, adf_isim, adf_csim;
    uint32_t seen_pe[3];        /* bit per PE tag number seen (multiplicity) */
    struct ppi_puk puk[PUK_MAX];
    size_t n_puk;
    /* failure details of the current PE (set by pe_fail) */
    int st_info;                /* additional-information, -1 none */
    long st_offset;             /* offset within the PE, -1 none */
};

/* Record a failure at TLV t (may be NULL) of PE pe: returns status. */
int pe_fail(struct ppi_ctx *c, const struct tlv *pe, const struct tlv *t, int status);

/* Dispatch one complete PE (not the header) to its handler. Returns a PEStatus status
 * (ST_OK on success). */
int pe_dispatch(struct ppi_ctx *c, const struct tlv *pe);

/* Handlers: each returns a PEStatus status. */
int pe_header(struct ppi_ctx *c, const struct tlv *pe);
int pe_filesystem(struct ppi_ctx *c, const struct tlv *pe);
int pe_generic_fm(struct ppi_ctx *c, const struct tlv *pe);
int pe_pin_codes(struct ppi_ctx *c, const struct tlv *pe);
int pe_puk_codes(struct ppi_ctx *c, const struct tlv *pe);
int pe_aka(struct ppi_ctx *c, const struct tlv *pe);
int pe_security_domain(struct ppi_ctx *c, const struct tlv *pe);
int pe_misc(struct ppi_ctx *c, const struct tlv *pe);

/* End of the install (pe_header.c): the header's eUICC-Mandatory-services against the
 * PEs present (bad-values, st_info = service tag number) and the service tables
 * EF.UST / EF.IST trimmed to what the card supports. Returns a PEStatus status. */
int ppi_services_finish(struct ppi_ctx *c);

/* Clear the bits of the services the card does not support in EF.UST of every ADF.USIM
 * and EF.IST of every ADF.ISIM (pe_header.c; also part of ppi_services_finish). */
void ppi_service_tables_trim(struct ppi_ctx *c);

/* Resolve a SAIP filePath (FIDs from the MF, ADFs by temporary FID; 3F00 optional at
 * the start, empty = MF) to a file index, or FS_NONE. */
int pe_resolve_path(const struct fs *fs, const uint8_t *p, size_t len);

/* The value TLVs of a PE after its PEHeader: cursor positioned after A0. */
bool pe_body(const struct tlv *pe, struct tlv_cursor *cur);

/* Tag number of a context-specific tag (0x80..0x9E, 0xA0..0xBE, 0x9F/BF xx). */
unsigned pe_tag_number(uint32_t tag);

#endif
