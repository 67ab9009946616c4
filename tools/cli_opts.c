/* tools/cli_opts.c — see cli_opts.h */
#include "tools/cli_opts.h"

#include <stdio.h>
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
