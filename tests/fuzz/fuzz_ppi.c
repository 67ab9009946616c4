/* Fuzz target: the profile package interpreter's stream decoder (ppi/ppi.h). The first
 * input octet chooses the feed slice size (1..256), the rest is the profile element
 * stream; the metadata ICCID is taken from the stream's header PE when there is one, so
 * the fuzzer reaches past the ICCID check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/tlv.h"
#include "ppi/ppi.h"

static struct store *store;

/* The header PE's iccid (83) as the metadata carries it (nibble-swapped), if present. */
static void iccid_from_header(const uint8_t *p, size_t len, uint8_t iccid[10])
{
    struct tlv pe, h;
    memset(iccid, 0xFF, 10);
    if (!tlv_parse(p, len, &pe) || pe.tag != 0xA0 || !tlv_find(pe.value, pe.len, 0x83, &h) ||
        h.len != 10)
        return;
    for (size_t i = 0; i < 10; i++)
        iccid[i] = (uint8_t)(h.value[i] << 4 | h.value[i] >> 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (store == NULL && store_open_memory(&store) != STORE_OK)
        abort();
    size_t slice = (size_t)data[0] + 1;
    data++;
    size--;
    uint8_t iccid[10];
    iccid_from_header(data, size, iccid);
    struct ppi_install *p = ppi_install_begin(iccid, 256 * 1024);
    if (p == NULL)
        abort();
    int rc = PPI_OK;
    for (size_t off = 0; off < size && rc == PPI_OK; off += slice)
        rc = ppi_install_feed(p, data + off, size - off < slice ? size - off : slice);
    uint8_t resp[4096];
    struct tlv_writer w;
    tlv_writer_init(&w, resp, sizeof resp);
    rc = ppi_install_finish(p, &w);
    if (rc == PPI_OK) {
        if (store_begin(store) != STORE_OK)
            abort();
        (void)ppi_install_commit(p, store, 1);
        store_abort(store);
    }
    ppi_install_free(p);
    return 0;
}
