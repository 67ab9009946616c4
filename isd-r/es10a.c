/* isd-r/es10a.c — ES10a: GetEuiccConfiguredAddresses (SGP.22 §5.7.3) and
 * SetDefaultDpAddress (§5.7.4). */
#include <string.h>

#include "card/store.h"
#include "isd-r/isdr_internal.h"

#define RESULT_OK               0
#define RESULT_UNDEFINED_ERROR  127

/* Read a stored address; *len = 0 and false when absent. */
static bool load_address(struct isdr *r, uint32_t id, uint8_t *buf, size_t *len, int *rc)
{
    *rc = store_get(r->store, id, buf, ISDR_ADDRESS_MAX, len);
    if (*rc == STORE_ENOTFOUND) {
        *rc = STORE_OK;
        *len = 0;
        return false;
    }
    return *rc == STORE_OK;
}

int es10a_get_euicc_configured_addresses(struct isdr *r, const struct tlv *req,
                                         struct tlv_writer *resp)
{
    uint8_t dp[ISDR_ADDRESS_MAX], ds[ISDR_ADDRESS_MAX];
    size_t dp_len = 0, ds_len = 0;
    int rc;
    (void)req;   /* EuiccConfiguredAddressesRequest has no fields */

    bool has_dp = load_address(r, SID_ISDR_DEFAULT_DP, dp, &dp_len, &rc);
    if (rc != STORE_OK)
        return ISDR_EFAIL;
    if (!load_address(r, SID_ISDR_ROOT_DS, ds, &ds_len, &rc)) {
        if (rc != STORE_OK)
            return ISDR_EFAIL;
        ds_len = strlen(ISDR_ROOT_DS_DEFAULT);
        memcpy(ds, ISDR_ROOT_DS_DEFAULT, ds_len);
    }
    tlv_open(resp, 0xBF3C);
    if (has_dp)
        tlv_put(resp, 0x80, dp, dp_len);
    tlv_put(resp, 0x81, ds, ds_len);
    tlv_close(resp);
    return ISDR_OK;
}

/* The response tag is the request's: BF3F (ES10a) or BF65 (SGP.32's SetDefaultDpAddress,
 * same request and response shape). */
static void set_result(struct isdr *r, struct tlv_writer *resp, uint32_t tag, int result)
{
    r->outcome = result == RESULT_OK ? "ok" : "undefinedError";
    tlv_open(resp, tag);
    tlv_put_int(resp, 0x80, result);
    tlv_close(resp);
}

int es10a_set_default_dp_address(struct isdr *r, const struct tlv *req,
                                 struct tlv_writer *resp)
{
    struct tlv addr;
    size_t chars;

    if (!tlv_find(req->value, req->len, 0x80, &addr) || addr.constructed ||
        !isdr_utf8_valid(addr.value, addr.len, &chars))
        return ISDR_EMALFORMED;
    if (addr.len > ISDR_ADDRESS_MAX) {         /* valid, but more than the card keeps */
        set_result(r, resp, req->tag, RESULT_UNDEFINED_ERROR);
        return ISDR_OK;
    }
    int rc = addr.len == 0 ? store_delete(r->store, SID_ISDR_DEFAULT_DP)
                           : store_put(r->store, SID_ISDR_DEFAULT_DP, addr.value, addr.len);
    set_result(r, resp, req->tag, rc == STORE_OK ? RESULT_OK : RESULT_UNDEFINED_ERROR);
    return ISDR_OK;
}
