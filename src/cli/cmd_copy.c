/*
 * cmd_copy.c: `copy --to DEST`, the store into a new one of either
 * backend (a file, a PostgreSQL database), checked equal.
 */
#include "cli.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: trackrecord [--db STORE] copy --to DEST\n"
    "\n"
    "Copies the store (--db, a file or a postgresql:// URL) into DEST, a new\n"
    "store file or an empty PostgreSQL database: the catalog, every stored\n"
    "play count as it is encoded, the milestone events and corrections, the\n"
    "import log, sales, awards, chart entries and release totals, the ladder\n"
    "and the engine's checkpoint.  DEST is written in one transaction, then\n"
    "both stores are read back and compared; the copy fails naming what\n"
    "differs.  DEST must hold nothing: a copy never merges into a store.\n"
    "\n"
    "  --to DEST    the new store: FILE, postgresql://... or postgres://...\n"
    "\n"
    "Examples:\n"
    "  trackrecord --db trackrecord.db copy --to postgresql://charts@db.example/charts\n"
    "  trackrecord --db postgresql:///charts copy --to backup.db\n";

int cmd_copy(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *to = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 't')
            to = optarg;
        else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else
            return cli_usage_error(cli, "bad option");
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    if (!to)
        return cli_usage_error(cli, "--to DEST is required");
    if (strcmp(to, cli->db) == 0)
        return cli_usage_error(cli, "--to names the store itself");
    if (!tr_store_is_url(to) && access(to, F_OK) == 0) {
        fprintf(stderr, "trackrecord: copy: %s exists: copy into a new file\n", to);
        return EXIT_FAILED;
    }
    struct tr_store *src, *dst;
    int rc = cli_store(cli, &src);
    if (rc)
        return rc;
    struct tr_error err = {0};
    if (tr_store_open(to, 0, &dst, &err))
        return cli_fail(cli, &err);
    struct tr_copy_report rep;
    rc = tr_store_copy(src, dst, &rep, &err);
    tr_store_close(dst);
    if (rc) {
        if (!tr_store_is_url(to) && err.code != TR_EUSAGE) {
            /* a new file the copy made: leave nothing half-made behind */
            size_t n = strlen(to) + 8;
            char side[n];
            unlink(to);
            snprintf(side, n, "%s-wal", to);
            unlink(side);
            snprintf(side, n, "%s-shm", to);
            unlink(side);
        }
        return cli_fail(cli, &err);
    }
    printf("copied %llu tracks, %llu series chunks, %llu milestone events, %llu corrections,"
           " %llu imports into %s: checked equal\n",
           (unsigned long long)rep.tracks, (unsigned long long)rep.chunks,
           (unsigned long long)rep.events, (unsigned long long)rep.corrections,
           (unsigned long long)rep.imports, to);
    return EXIT_OK;
}
