/* isd-r/isdr.h — the ISD-R applet: ES10a/ES10b/ES10c over STORE DATA. */
#ifndef EUICC_ISDR_H
#define EUICC_ISDR_H

#include <stddef.h>
#include <stdint.h>

struct card;

#define ISDR_AID_LEN 16
extern const uint8_t ISDR_AID[ISDR_AID_LEN];     /* A0000005591010FFFFFFFF8900000100 */

struct isdr;

/* Create the ISD-R (its persistent data lives in the card's store) and register it
 * with the card's registry. NULL on failure (message in err). */
struct isdr *isdr_install(struct card *c, char *err, size_t errcap);

/* Free what isdr_install allocated (card_close calls it after the registry is gone). */
void isdr_free(struct isdr *r);

#endif
