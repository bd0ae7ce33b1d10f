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

/* What a command does with the store, as the command table says. */
enum cli_access {
    CLI_NO_STORE,        /* none, or one it opens itself (serve, feed's server) */
    CLI_READ,            /* reads it: a missing store is an error */
    CLI_WRITE,           /* writes it: made when missing (import) */
};

struct cli {
    const char *db;      /* store path */
    const char *cmd;     /* subcommand name, for messages */
    enum cli_access access;      /* the command's, from the table */
    struct tr_store *store;      /* opened by cli_store, closed by main */
    enum cli_access opened;      /* the access store was opened with */
};

struct command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv);
    enum cli_access access;
    const char *summary;
};

/* Prints "trackrecord: CMD: message" and returns the exit code for err. */
int cli_fail(const struct cli *cli, const struct tr_error *err);
/* Prints a usage error and returns EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* EXIT_OK when the store exists (a URL is taken to); else prints that there
 * is no store here yet and returns EXIT_FAILED. */
int cli_store_exists(const struct cli *cli);
/* The store, opened on first use as the command table says (read-only or
 * for writing; cli->access may be raised first, as check --repair does).
 * A command calls it after its options are read, so that --help and usage
 * errors need no store; main closes it after the command.  Returns the
 * exit code: EXIT_OK, or the failure (printed). */
int cli_store(struct cli *cli, struct tr_store **out);

/* Parses --kind; prints the usage error and returns -1 when unknown. */
int cli_parse_kind(const struct cli *cli, const char *text, int *kind);
/* Parses --since DATE; prints the usage error and returns -1 when it is
 * not a date. */
int cli_parse_since(const struct cli *cli, const char *text, tr_day *since);
/* The opening of corrections, imports and stats: their only options,
 * --json and --help (which prints usage), then the store.  EXIT_OK with
 * *s to go on; else the exit code to return (EXIT_OK after --help, with
 * *s NULL; a usage error's or the store's, printed). */
int cli_json_store(struct cli *cli, int argc, char **argv, const char *usage, bool *json,
                   struct tr_store **s);

/* A subject named on the command line: track, release or artist id. */
struct cli_subject {
    enum tr_subject_type type;
    uint32_t index;      /* TR_NONE when none was named */
};
/* The opening of the commands that may name a subject: the store
 * (cli_store), its catalog, and the track, release or artist with this id
 * when id is not NULL.  EXIT_OK, or the exit code of the failure, printed
 * (EXIT_NOTFOUND when there is no such subject). */
int cli_store_subject(struct cli *cli, const char *id, struct tr_store **s,
                      const struct tr_catalog **cat, struct cli_subject *out);
/* The same reading no more of the catalog than the subject's records
 * (tr_store_subject): for a command that names what it prints through
 * tr_subject_id, tr_subject_name and tr_catalog_canonical_track alone. */
int cli_store_subject_alone(struct cli *cli, const char *id, struct tr_store **s,
                            const struct tr_catalog **cat, struct cli_subject *out);
/* The same for charts and show, whose one argument after the options
 * (argv[optind..argc)) is the subject's id: a usage error otherwise. */
int cli_one_subject(struct cli *cli, int argc, char **argv, struct tr_store **s,
                    const struct tr_catalog **cat, struct cli_subject *out);

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
