/* isd-p/isdp.c — LoadBoundProfilePackage (being written). */
#include "isd-p/isdp.h"

#include "isd-r/isdr_internal.h"

int isdp_load_piece(struct isdr *r, const uint8_t *piece, size_t len, struct tlv_writer *resp)
{
    (void)r; (void)piece; (void)len; (void)resp;
    return ISDR_EMALFORMED;
}

bool isdp_load_active(const struct isdr *r)
{
    return r->load != NULL;
}

void isdp_load_abort(struct isdr *r)
{
    (void)r;
}
