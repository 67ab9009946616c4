/* tools/tlvasm.h — the profile compiler's core: a human-readable BER-TLV source
 * (profiles/README.md documents the syntax) compiled into DER with card/tlv.h's writer.
 * A build-time tool (tools/tlvasm.c is its command line); never part of the card. */
#ifndef EUICC_TLVASM_H
#define EUICC_TLVASM_H

#include <stddef.h>
#include <stdint.h>

enum tlvasm_result {
    TLVASM_OK = 0,
    TLVASM_ESYNTAX = -1,   /* malformed source: err holds "name:line: message" */
    TLVASM_ESPACE = -2,    /* out[] too small (retry with a bigger buffer) */
};

/* Compile src[0..len) (named `name` in messages) into out[0..cap); *out_len = octets
 * written. On TLVASM_ESYNTAX err[0..errcap) holds a NUL-terminated message. */
int tlvasm_compile(const char *src, size_t len, const char *name, uint8_t *out, size_t cap,
                   size_t *out_len, char *err, size_t errcap);

#endif
