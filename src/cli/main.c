/*
 * main.c: the trackrecord command line.  One table lists the subcommands
 * and the store access each needs; the dispatcher handles what they share
 * (--db, --help, closing the store, the exit code and checking that
 * standard output was written) so each command (cmd_NAME.c) holds only its
 * own logic.  What commands share besides is in cli.c.
 */
#include "cli.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* The commands, in --help's order, each with the store access it needs:
 * main closes the store a command opened (cli_store) after it. */
static const struct command commands[] = {
    {"import", cmd_import, CLI_WRITE,
     "take catalog and play-count files into the store"},
    {"milestones", cmd_milestones, CLI_READ,
     "list milestone events (a track, every track, totals passing N)"},
    {"records", cmd_records, CLI_READ,
     "first, only and fastest claims within comparison groups"},
    {"show", cmd_show, CLI_READ,
     "one track, release or artist: totals, recent gains, milestones"},
    {"forecast", cmd_forecast, CLI_READ,
     "when each next milestone is expected, with an 80% interval; --backtest"},
    {"charts", cmd_charts, CLI_READ,
     "chart runs of a track: debut, peak, weeks on chart, at #1"},
    {"corrections", cmd_corrections, CLI_READ,
     "days on which a count went down"},
    {"imports", cmd_imports, CLI_READ,
     "the import log"},
    {"site", cmd_site, CLI_READ,
     "write the dashboard as a static site (pages and assets)"},
    {"stats", cmd_stats, CLI_READ,
     "what the store holds and its size"},
    {"serve", cmd_serve, CLI_NO_STORE,
     "the dashboard, JSON API and feeds over HTTP (docs/api.md)"},
    {"feed", cmd_feed, CLI_READ,
     "the published posts as an Atom or JSON Feed file"},
    {"check", cmd_check, CLI_READ,
     "verify every blob and cache of the store; --repair rebuilds the caches"},
    {"copy", cmd_copy, CLI_READ,
     "the store into a new one (a file or a PostgreSQL database), checked equal"},
    {NULL, NULL, CLI_NO_STORE, NULL},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: trackrecord [--db STORE] COMMAND [OPTIONS] [ARGS]\n"
            "\n"
            "Finds streaming milestones and records in daily play counts.\n"
            "\n"
            "Commands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fprintf(f,
            "\n"
            "Options:\n"
            "  --db STORE   the store: a file, or a PostgreSQL database as a URL\n"
            "               (postgresql://...); default $TRACKRECORD_DB, else trackrecord.db\n"
            "  --help       this text; `trackrecord COMMAND --help` for a command\n"
            "  --version    the version\n"
            "\n"
            "Exit codes: 0 success, 1 store or I/O failure, 2 bad command line,\n"
            "3 input refused (the store is unchanged), 4 subject not found.\n"
            "Formats and rules: docs/formats.md, docs/milestones.md.\n");
}

/* Memory one phase frees is taken up by the next instead of going back to
 * the system: at a million tracks a run allocates hundreds of megabytes
 * in blocks of up to tens, and each fresh page costs a fault and a clear
 * (docs/performance.md).  One arena, so the helper threads' frees serve
 * the main thread too (they allocate little and rarely). */
static void tune_malloc(void)
{
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int main(int argc, char **argv)
{
    tune_malloc();
    struct cli cli = {.db = tr_store_default_path(), .cmd = "trackrecord"};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("trackrecord %s\n", TRACKRECORD_VERSION);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            cli.db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            cli.db = argv[i] + 5;
        } else {
            fprintf(stderr, "trackrecord: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (i == argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (const struct command *c = commands; c->name; c++) {
        if (strcmp(c->name, argv[i]) != 0)
            continue;
        cli.cmd = c->name;
        cli.access = c->access;
        /* --db may also follow the command */
        int n = 0;
        char **args = calloc((size_t)(argc - i) + 1, sizeof *args);
        if (!args)
            return EXIT_FAILED;
        for (int k = i; k < argc; k++) {
            if (k > i && strcmp(argv[k], "--db") == 0 && k + 1 < argc)
                cli.db = argv[++k];
            else if (k > i && strncmp(argv[k], "--db=", 5) == 0)
                cli.db = argv[k] + 5;
            else
                args[n++] = argv[k];
        }
        int rc = c->run(&cli, n, args);
        free(args);
        tr_store_close(cli.store);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "trackrecord: %s: cannot write output: %s\n", c->name, strerror(errno));
            return EXIT_FAILED;
        }
        return rc;
    }
    fprintf(stderr, "trackrecord: '%s' is not a command (see trackrecord --help)\n", argv[i]);
    return EXIT_USAGE;
}
