/* isd-r/es10b_download.c — ES10b AuthenticateServer, PrepareDownload, CancelSession
 * (being written: until then they answer undefinedError honestly). */
#include "isd-r/isdr_internal.h"

int es10b_authenticate_server(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}

int es10b_prepare_download(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}

int es10b_cancel_session(struct isdr *r, const struct tlv *req, struct tlv_writer *resp)
{
    (void)r; (void)req; (void)resp;
    return ISDR_EFAIL;
}
