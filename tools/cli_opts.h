/* tools/cli_opts.h — command-line plumbing shared by the host tools (euicc-smdp,
 * euicc-eim): string options that take one argument, stored into a struct by offset;
 * decimal numbers; the usage-error message. */
#ifndef EUICC_CLI_OPTS_H
#define EUICC_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_str_opt {
    const char *name;       /* e.g. "--reader" */
    size_t off;             /* offsetof the `const char *` field it sets */
};

/* When argv[*i] is one of the n options in t: store the next argument into the field
 * and advance *i; returns 1. Returns 0 when it is not one of them, and -1 (message on
 * stderr prefixed by prog) when the argument is missing. */
int cli_str_option(const char *prog, const struct cli_str_opt *t, size_t n, void *opts,
                   int argc, char **argv, int *i);

/* s as a decimal number (digits only) no larger than max into *out; false when s is
 * NULL, not such a number, or too large. */
bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Prints "prog: " fmt (with arg) and "(try --help)" on stderr; returns 2 (the tools'
 * usage-error exit code). */
int cli_usage_error(const char *prog, const char *fmt, const char *arg);

#endif
