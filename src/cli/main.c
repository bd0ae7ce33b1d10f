/*
 * main.c: the trackrecord command line.  One table lists the subcommands;
 * the dispatcher handles what they share (--db, --help, the exit code and
 * checking that standard output was written) so each command holds only
 * its own logic.
 */
#include "cli.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct command commands[] = {
    {"import", cmd_import, "take catalog and play-count files into the store"},
    {"milestones", cmd_milestones, "list milestone events (a track, every track, totals passing N)"},
    {"records", cmd_records, "first, only and fastest claims within comparison groups"},
    {"show", cmd_show, "one track, release or artist: totals, recent gains, milestones"},
    {"forecast", cmd_forecast, "when each next milestone is expected, with an 80% interval; --backtest"},
    {"charts", cmd_charts, "chart runs of a track: debut, peak, weeks on chart, at #1"},
    {"corrections", cmd_corrections, "days on which a count went down"},
    {"imports", cmd_imports, "the import log"},
    {"site", cmd_site, "write the dashboard as a static site (pages and assets)"},
    {"stats", cmd_stats, "what the store holds and its size"},
    {"serve", cmd_serve, "the dashboard, JSON API and feeds over HTTP (docs/api.md)"},
    {"feed", cmd_feed, "the published posts as an Atom or JSON Feed file"},
    {"check", cmd_check, "verify every blob and cache of the store; --repair rebuilds the caches"},
    {"copy", cmd_copy, "the store into a new one (a file or a PostgreSQL database), checked equal"},
    {NULL, NULL, NULL},
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

int cli_fail(const struct cli *cli, const struct tr_error *err)
{
    fprintf(stderr, "trackrecord: %s: %s\n", cli->cmd, err->msg[0] ? err->msg : tr_strerror(err->code));
    switch (err->code) {
    case TR_EUSAGE: return EXIT_USAGE;
    case TR_EFORMAT: case TR_EUNKNOWN: case TR_ECONFLICT: case TR_ELIMIT: return EXIT_REFUSED;
    case TR_ENOTFOUND: return EXIT_NOTFOUND;
    default: return EXIT_FAILED;
    }
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "trackrecord: %s: ", cli->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see `trackrecord %s --help`)\n", cli->cmd);
    return EXIT_USAGE;
}

int cli_open(const struct cli *cli, bool write, struct tr_store **out)
{
    struct tr_error err = {0};
    if (!write && !tr_store_is_url(cli->db) && access(cli->db, F_OK) != 0) {
        fprintf(stderr, "trackrecord: %s: %s: no store here yet (run `trackrecord import` first,"
                        " or pass --db)\n", cli->cmd, cli->db);
        return EXIT_FAILED;
    }
    if (tr_store_open(cli->db, write ? 0 : TR_STORE_READONLY, out, &err))
        return cli_fail(cli, &err);
    return EXIT_OK;
}

int cli_parse_kind(const struct cli *cli, const char *text, int *kind)
{
    enum tr_milestone_kind k;
    if (tr_milestone_kind_parse(text, &k) == 0) {
        *kind = (int)k;
        return 0;
    }
    fprintf(stderr, "trackrecord: %s: --kind: not a milestone kind: '%s' (one of", cli->cmd, text);
    for (int i = 0; i < TR_MS_KIND_COUNT; i++)
        fprintf(stderr, " %s", tr_milestone_kind_name((enum tr_milestone_kind)i));
    fprintf(stderr, ")\n");
    return -1;
}

int cli_subject(const struct tr_catalog *c, const char *id, struct cli_subject *out,
                struct tr_error *err)
{
    return tr_subject_find(c, id, &out->type, &out->index, err);
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
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "trackrecord: %s: cannot write output: %s\n", c->name, strerror(errno));
            return EXIT_FAILED;
        }
        return rc;
    }
    fprintf(stderr, "trackrecord: '%s' is not a command (see trackrecord --help)\n", argv[i]);
    return EXIT_USAGE;
}
