/* isd-r/es10c_state.c — ES10c EnableProfile, DisableProfile, DeleteProfile (being
 * written). */
#include "isd-r/isdr_internal.h"

int es10c_enable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}

int es10c_disable_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}

int es10c_delete_profile(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}
