/* vicc/hexline.h — the stdin/stdout front end: one hex C-APDU per line in, the
 * R-APDU in hex out. Handy for users, scripts and tests; reaches the card through
 * the same frontend_card calls as the vpcd client.
 *
 * Input lines: hex octets (spaces allowed) = a C-APDU, answered with the R-APDU;
 * "on" / "reset" = power event, answered with the ATR; "off" = power off, answered
 * "OK"; "atr" = the ATR; empty lines and lines starting with '#' are skipped.
 * Every other input line produces exactly one output line; bad input gives
 * "ERROR <reason>". */
#ifndef EUICC_VICC_HEXLINE_H
#define EUICC_VICC_HEXLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vicc/frontend.h"

/* Handle one input line (without its newline); writes at most one line to out. */
void hexline_handle(const struct frontend_card *card, const char *line, size_t len,
                    FILE *out);

/* Read lines from in_fd until end of input (returns 0), stop_fd readable (returns 0)
 * or a read error (returns -1). */
int hexline_run(const struct frontend_card *card, int in_fd, FILE *out, int stop_fd);

#endif
