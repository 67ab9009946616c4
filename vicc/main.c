/* vicc/main.c — euicc-emu: the software eUICC as a virtual card behind pcscd + vpcd
 * (or, with --stdio, as a hex-line filter on stdin/stdout). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "card/card.h"
#include "isd-p/isdp.h"
#include "vicc/frontend.h"
#include "vicc/hexline.h"
#include "vicc/vpcd.h"

#ifndef EUICC_EMU_VERSION
#define EUICC_EMU_VERSION "unknown"
#endif

#define MAX_CI_PATHS 32
#define MAX_PRELOADS 16
#define PRELOAD_MAX_BYTES (4u << 20)

static int stop_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    int saved = errno;
    char b = (char)sig;
    ssize_t rc = write(stop_pipe[1], &b, 1);
    (void)rc;
    errno = saved;
}

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: euicc-emu [options]\n"
        "A software eUICC (GSMA SGP.22) that appears as a smart card in the PC/SC reader\n"
        "'Virtual PCD 00 00' through pcscd and vsmartcard's vpcd driver.\n"
        "\n"
        "Options:\n"
        "  --state DIR        keep the card's persistent state in DIR\n"
        "                     (default: $XDG_STATE_HOME/euicc-emu, else ./.euicc-emu)\n"
        "  --vpcd HOST:PORT   vpcd to connect to (default 127.0.0.1:35963)\n"
        "  --identity DIR     import an eUICC identity (keys and certificates) from DIR\n"
        "  --ci PATH          trust an additional CI certificate (repeatable)\n"
        "  --mode consumer|iot  SGP.22 consumer or SGP.32 IoT eUICC (first start only)\n"
        "  --preload FILE     install the profile package FILE (SAIP UPP DER, e.g. a\n"
        "                     profiles/*.der) without a download, disabled; skipped when\n"
        "                     its ICCID is installed already (repeatable)\n"
        "  --trace            print every APDU and power event to stderr\n"
        "  --stdio            no PC/SC: read hex C-APDUs from stdin (one per line; also\n"
        "                     'on', 'off', 'reset', 'atr'), print R-APDUs in hex\n"
        "  -h, --help         show this help\n"
        "  -V, --version      show the version\n");
}

static void fe_power(void *ctx, enum card_power ev)
{
    card_power(ctx, ev);
}

static size_t fe_atr(void *ctx, uint8_t *atr, size_t cap)
{
    return card_atr(ctx, atr, cap);
}

static size_t fe_transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                          size_t cap)
{
    return card_transmit(ctx, capdu, len, rapdu, cap);
}

/* Install each --preload file; 0, or 1 after printing why one failed. */
static int preload_files(struct card *card, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char err[256];
        FILE *f = fopen(paths[i], "rb");
        uint8_t *buf = malloc(PRELOAD_MAX_BYTES);
        size_t len = 0;
        int ok = f != NULL && buf != NULL;
        if (ok) {
            len = fread(buf, 1, PRELOAD_MAX_BYTES, f);
            ok = !ferror(f) && len < PRELOAD_MAX_BYTES;
        }
        if (f)
            fclose(f);
        if (!ok) {
            fprintf(stderr, "euicc-emu: cannot read profile package %s\n", paths[i]);
            free(buf);
            return 1;
        }
        int rc = isdp_preload(card, buf, len, err, sizeof err);
        free(buf);
        if (rc == ISDP_PRELOAD_EXISTS) {
            fprintf(stderr, "euicc-emu: %s: ICCID already installed, skipped\n", paths[i]);
        } else if (rc != ISDP_PRELOAD_OK) {
            fprintf(stderr, "euicc-emu: cannot preload %s: %s\n", paths[i], err);
            return 1;
        } else {
            fprintf(stderr, "euicc-emu: preloaded %s (disabled)\n", paths[i]);
        }
    }
    return 0;
}

static int install_signals(void)
{
    struct sigaction sa;

    if (pipe(stop_pipe) != 0)
        return -1;
    (void)fcntl(stop_pipe[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(stop_pipe[1], F_SETFD, FD_CLOEXEC);
    (void)fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int main(int argc, char **argv)
{
    enum { OPT_STATE = 256, OPT_VPCD, OPT_IDENTITY, OPT_CI, OPT_MODE, OPT_TRACE, OPT_STDIO,
           OPT_PRELOAD };
    static const struct option longopts[] = {
        {"state", required_argument, NULL, OPT_STATE},
        {"vpcd", required_argument, NULL, OPT_VPCD},
        {"identity", required_argument, NULL, OPT_IDENTITY},
        {"ci", required_argument, NULL, OPT_CI},
        {"mode", required_argument, NULL, OPT_MODE},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"preload", required_argument, NULL, OPT_PRELOAD},
        {"stdio", no_argument, NULL, OPT_STDIO},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct card_config cfg;
    struct vpcd_options vo;
    const char *ci_paths[MAX_CI_PATHS];
    size_t n_ci = 0;
    const char *preloads[MAX_PRELOADS];
    size_t n_preloads = 0;
    const char *state_dir = NULL;
    char state_buf[4096];
    char err[512];
    int use_stdio = 0, opt;

    memset(&cfg, 0, sizeof(cfg));
    vpcd_options_init(&vo);
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_STATE:
            state_dir = optarg;
            break;
        case OPT_VPCD:
            if (vpcd_parse_endpoint(&vo, optarg, err, sizeof(err)) != 0) {
                fprintf(stderr, "euicc-emu: %s\n", err);
                return 2;
            }
            break;
        case OPT_IDENTITY:
            cfg.identity_dir = optarg;
            break;
        case OPT_CI:
            if (n_ci >= MAX_CI_PATHS) {
                fprintf(stderr, "euicc-emu: at most %d --ci options\n", MAX_CI_PATHS);
                return 2;
            }
            ci_paths[n_ci++] = optarg;
            break;
        case OPT_MODE:
            if (strcmp(optarg, "consumer") == 0) {
                cfg.mode = CARD_MODE_CONSUMER;
            } else if (strcmp(optarg, "iot") == 0) {
                cfg.mode = CARD_MODE_IOT;
            } else {
                fprintf(stderr, "euicc-emu: --mode must be 'consumer' or 'iot', not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_PRELOAD:
            if (n_preloads >= MAX_PRELOADS) {
                fprintf(stderr, "euicc-emu: at most %d --preload options\n", MAX_PRELOADS);
                return 2;
            }
            preloads[n_preloads++] = optarg;
            break;
        case OPT_TRACE:
            cfg.trace = stderr;
            vo.trace = stderr;
            break;
        case OPT_STDIO:
            use_stdio = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("euicc-emu %s\n", EUICC_EMU_VERSION);
            return 0;
        case ':':
            fprintf(stderr, "euicc-emu: option '%s' needs an argument (see --help)\n",
                    argv[optind - 1]);
            return 2;
        default:
            if (optopt != 0)
                fprintf(stderr, "euicc-emu: unknown option '-%c' (see --help)\n", optopt);
            else
                fprintf(stderr, "euicc-emu: unknown option '%s' (see --help)\n",
                        argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "euicc-emu: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    for (size_t i = 0; i < n_ci; i++) {
        if (access(ci_paths[i], R_OK) != 0) {
            fprintf(stderr, "euicc-emu: cannot read CI certificate %s: %s\n", ci_paths[i],
                    strerror(errno));
            return 1;
        }
    }
    if (cfg.identity_dir != NULL && access(cfg.identity_dir, R_OK | X_OK) != 0) {
        fprintf(stderr, "euicc-emu: cannot read identity directory %s: %s\n",
                cfg.identity_dir, strerror(errno));
        return 1;
    }
    if (state_dir == NULL) {
        const char *xdg = getenv("XDG_STATE_HOME");
        if (xdg != NULL && xdg[0] == '/')
            snprintf(state_buf, sizeof(state_buf), "%s/euicc-emu", xdg);
        else
            snprintf(state_buf, sizeof(state_buf), "./.euicc-emu");
        state_dir = state_buf;
    }
    cfg.state_dir = state_dir;
    cfg.ci_paths = n_ci ? ci_paths : NULL;
    cfg.n_ci_paths = n_ci;

    if (install_signals() != 0) {
        fprintf(stderr, "euicc-emu: cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }

    struct card *card = NULL;
    err[0] = '\0';
    if (card_open(&card, &cfg, err, sizeof(err)) != 0) {
        fprintf(stderr, "euicc-emu: cannot open the card (state %s): %s\n", state_dir,
                err[0] ? err : "unknown error");
        return 1;
    }

    if (preload_files(card, preloads, n_preloads) != 0) {
        card_close(card);
        return 1;
    }

    struct frontend_card fe = {
        .ctx = card, .power = fe_power, .atr = fe_atr, .transmit = fe_transmit};
    int rc;
    if (use_stdio) {
        card_power(card, CARD_POWER_ON);
        rc = hexline_run(&fe, STDIN_FILENO, stdout, stop_pipe[0]);
    } else {
        vo.stop_fd = stop_pipe[0];
        vo.log = stderr;
        fprintf(stderr, "euicc-emu %s: state %s, vpcd %s:%u%s\n", EUICC_EMU_VERSION,
                state_dir, vo.host, (unsigned)vo.port,
                vo.port == VPCD_DEFAULT_PORT ? " (reader 'Virtual PCD 00 00')" : "");
        rc = vpcd_run(&fe, &vo);
    }
    card_close(card);
    return rc == 0 ? 0 : 1;
}
