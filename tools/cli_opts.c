/* tools/cli_opts.c — see cli_opts.h */
#include "tools/cli_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_str_option(const char *prog, const struct cli_str_opt *t, size_t n, void *opts,
                   int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    for (size_t k = 0; k < n; k++) {
        if (strcmp(a, t[k].name) != 0)
            continue;
        if (*i + 1 >= argc) {
            fprintf(stderr, "%s: option '%s' needs an argument\n(try --help)\n", prog, a);
            return -1;
        }
        *(const char **)((char *)opts + t[k].off) = argv[++*i];
        return 1;
    }
    return 0;
}

bool cli_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

int cli_usage_error(const char *prog, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(try --help)\n");
    return 2;
}
