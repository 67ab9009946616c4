/* isd-p/isdp.h — ES10b.LoadBoundProfilePackage and the ES8+ functions it carries
 * (InitialiseSecureChannel, ConfigureISDP, StoreMetadata, ReplaceSessionKeys,
 * LoadProfileElements) under the BSP, ending in the signed ProfileInstallationResult.
 *
 * The LPA sends the BPP (BF36) in pieces, each piece its own STORE DATA sequence
 * (REFERENCE §3.2): BF36 header + whole BF23; whole A0; A1 header; each 88; whole A2;
 * A3 header; each 86. The ISD-R routes every piece to isdp_load_piece() while a load is
 * possible (BF36 first; then A0..A3, 86..88 while loading). The loader parses the BPP as
 * one stream across pieces. Intermediate pieces produce no response data; the last
 * piece, or the first failure, produces the ProfileInstallationResult (BF37). Any
 * failure ends the RSP session and leaves no trace of the profile; success installs the
 * profile (record, content, PIR notification) in ONE store transaction. */
#ifndef EUICC_ISDP_H
#define EUICC_ISDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct isdr;
struct tlv_writer;
struct isdp_load;

/* Handle one reassembled piece of a BoundProfilePackage. Writes the PIR (BF37) into
 * resp when the load ends (success or error), nothing otherwise. Returns ISDR_OK,
 * ISDR_EMALFORMED (piece out of place with no load in progress: SW 6A80) or ISDR_EFAIL. */
int isdp_load_piece(struct isdr *r, const uint8_t *piece, size_t len,
                    struct tlv_writer *resp);

/* True while a BPP load is in progress (the ISD-R then routes A0..A3/86..88 pieces). */
bool isdp_load_active(const struct isdr *r);

/* Drop a load in progress (power reset, new session, CancelSession). */
void isdp_load_abort(struct isdr *r);

struct card;

/* isdp_preload() results */
enum isdp_preload_result {
    ISDP_PRELOAD_OK = 0,
    ISDP_PRELOAD_EXISTS = 1,     /* a profile with this ICCID is installed: nothing done */
    ISDP_PRELOAD_EINVAL = -1,    /* not a profile package (no header PE with an ICCID) */
    ISDP_PRELOAD_EPROFILE = -2,  /* the interpreter refused a profile element */
    ISDP_PRELOAD_EMEMORY = -3,   /* no free slot or not enough profile memory */
    ISDP_PRELOAD_ESTORE = -4,    /* the store failed (nothing installed) */
};

/* Install an unprotected profile package (UPP: SAIP profile elements, e.g. a
 * profiles/<name>.der) without a download (euicc-emu --preload): the ICCID comes from
 * the header PE, the profile name from its profileType; the profile is operational and
 * disabled; no notification is queued. Same interpreter, memory check and single store
 * transaction as a download. A message for a failure goes to err[0..errcap). */
int isdp_preload(struct card *c, const uint8_t *upp, size_t len, char *err, size_t errcap);

#endif
