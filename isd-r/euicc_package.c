/* isd-r/euicc_package.c — SGP.32 ES10b LoadEuiccPackage (BF51): being written. */
#include "isd-r/isdr_internal.h"

int es10b_load_euicc_package(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}
