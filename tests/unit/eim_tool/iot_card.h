/* tests/unit/eim_tool/iot_card.h — a fresh SGP.32 IoT card (SGP.26 identity, memory
 * store) inside a struct dl, so the download driver's ES10 plumbing (dl_es10, ...)
 * drives it through card_transmit(). */
#ifndef TESTS_EIM_TOOL_IOT_CARD_H
#define TESTS_EIM_TOOL_IOT_CARD_H

#include <stdint.h>

#include "tests/common/download_driver.h"

/* dl_open, then the card re-created on a new store in IoT mode (the mode is chosen at
 * first start). 0, or -1 with a message on stderr. */
int iot_card_open(struct dl *d);

/* The counterValue the card stores for eIM id (its store, no ES10). 0, or -1 when the
 * eIM is not associated. */
int iot_card_eim_counter(struct dl *d, const char *id, uint64_t *out);

#endif
