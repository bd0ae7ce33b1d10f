/*
 * cli.h: what the subcommands share.  The command line uses only the
 * public API (include/trackrecord/); this header adds the dispatcher's
 * context and small output helpers.
 */
#ifndef TR_CLI_H
#define TR_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "trackrecord/trackrecord.h"
#include "trackrecord/publish.h"

/* Exit codes (documented in docs/cli.md and --help). */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,     /* store or I/O failure */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_REFUSED = 3,    /* input refused: malformed, unknown id, conflict */
    EXIT_NOTFOUND = 4,   /* the asked-for subject does not exist */
};

struct cli {
    const char *db;      /* store path */
    const char *cmd;     /* subcommand name, for messages */
};

struct command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    const char *summary;
};

/* Prints "trackrecord: CMD: message" and returns the exit code for err. */
int cli_fail(const struct cli *cli, const struct tr_error *err);
/* Prints a usage error and returns EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Opens the store (read-only for queries: a missing store is an error). */
int cli_open(const struct cli *cli, bool write, struct tr_store **out);

/* Parses --kind; prints the usage error and returns -1 when unknown. */
int cli_parse_kind(const struct cli *cli, const char *text, int *kind);

/* A subject named on the command line: track, release or artist id. */
struct cli_subject {
    enum tr_subject_type type;
    uint32_t index;
};
/* Finds the track, release or artist with this id; TR_ENOTFOUND (err set)
 * when there is none. */
int cli_subject(const struct tr_catalog *c, const char *id, struct cli_subject *out,
                struct tr_error *err);

int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_copy(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_milestones(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_charts(struct cli *cli, int argc, char **argv);
int cmd_corrections(struct cli *cli, int argc, char **argv);
int cmd_imports(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_records(struct cli *cli, int argc, char **argv);
int cmd_forecast(struct cli *cli, int argc, char **argv);
int cmd_site(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_feed(struct cli *cli, int argc, char **argv);

#endif
