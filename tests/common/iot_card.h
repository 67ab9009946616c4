/* tests/common/iot_card.h — a fresh SGP.32 IoT card (SGP.26 identity, memory store)
 * inside a struct dl, so the download driver's ES10 plumbing (dl_es10, ...) drives it
 * through card_transmit(); the eIM association (AddInitialEim) and the stored
 * EuiccPackageResults as the IoT tests use them. CMocka assertions inside
 * iot_card_eim_counter / iot_card_results / iot_card_drain (test code only). */
#ifndef TESTS_COMMON_IOT_CARD_H
#define TESTS_COMMON_IOT_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "tests/common/download_driver.h"
#include "tools/eim/eim.h"

/* dl_open, then the card re-created on a new store in IoT mode (the mode is chosen at
 * first start). 0, or -1 with a message on stderr. */
int iot_card_open(struct dl *d);

/* The counterValue the card stores for eIM id (its store, no ES10); fails the test when
 * the eIM is not associated. */
uint64_t iot_card_eim_counter(struct dl *d, const char *id);

/* e set up as eIM id with the SGP.26 eIM key (<sgp26>/eIM/SK_S_EIMsign_ECDSA_NIST.pem)
 * for d's card (its EID); fails the test on error. */
void iot_card_eim_init(struct dl *d, struct eimt *e, const char *id);

/* AddInitialEim of e (e->counter set to 1, this fqdn or NULL) through ES10; e->token
 * becomes the associationToken the card answers. 0, or -1 (e->token unchanged) when
 * the card did not answer 9000 with addInitialEimOk and a token. */
int iot_card_associate(struct dl *d, struct eimt *e, const char *fqdn);

/* The stored EuiccPackageResults (RetrieveNotificationsList BF2B {A0 {82 NULL}}): their
 * seqNumbers into seqs[0..cap), each a signed result whose signature verifies with
 * token; fails the test otherwise. Returns the count. */
size_t iot_card_results(struct dl *d, int64_t token, uint32_t *seqs, size_t cap);

/* NotificationSent for every stored EuiccPackageResult (iot_card_results with token). */
void iot_card_drain(struct dl *d, int64_t token);

#endif
