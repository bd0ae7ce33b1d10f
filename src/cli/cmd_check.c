/*
 * cmd_check.c: `trackrecord check [--repair]`: every blob and cache of the
 * store verified, and the caches rebuilt from the tables.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord check [--repair] [--quiet]\n"
            "\n"
            "Verifies the whole store: the database's own integrity (SQLite's\n"
            "integrity_check; on PostgreSQL, every table read through), the checksum\n"
            "and encoding of every play-count chunk and latest-counts tail, every\n"
            "milestone event-log blob, the kept claims, and each file (or, on\n"
            "PostgreSQL, side_blobs entry) the store keeps beside its tables: the\n"
            "catalog snapshot, the milestone checkpoint, the engine preparation and the\n"
            "kept forecasts.  Prints one line per damaged thing (what, where, why) and\n"
            "a summary.\n"
            "\n"
            "A damaged cache (the event log, kept claims, the files beside the store)\n"
            "is never read as data: the commands read the tables instead, or compute\n"
            "afresh.  --repair rebuilds every cache from the tables in one write\n"
            "transaction (an import waits for it), and each damaged tail from its\n"
            "group's chunks, then checks again.  Damaged table data (a chunk of play\n"
            "counts, a database page) the store cannot rebuild: check names its day,\n"
            "its series and the import that wrote it, and the play counts must be\n"
            "imported again into a new store.\n"
            "\n"
            "Options:\n"
            "  --repair   rebuild the caches when only caches are damaged\n"
            "  --quiet    no summary line\n"
            "  --db STORE the store\n"
            "\n"
            "Exit codes: 0 nothing damaged (or all of it repaired), 1 damaged (or the\n"
            "store could not be read), 2 bad command line.\n");
}

static int print_damage(void *ctx, const struct tr_damage *d)
{
    (void)ctx;
    printf("damaged: %s (%s): %s\n", d->what, d->where, d->why);
    return 0;
}

static int run_check(const struct cli *cli, struct tr_store *s, struct tr_check_report *rep)
{
    struct tr_error err = {0};
    return tr_store_check(s, print_damage, NULL, rep, &err) ? cli_fail(cli, &err) : EXIT_OK;
}

static void summary(const struct tr_check_report *r)
{
    printf("check: %llu chunks, %llu tails, %llu event-log blobs, %llu kept claims, %llu side"
           " files: ", (unsigned long long)r->chunks, (unsigned long long)r->tails,
           (unsigned long long)r->event_blobs, (unsigned long long)r->claims,
           (unsigned long long)r->side_files);
    if (!r->damaged)
        printf("nothing damaged\n");
    else
        printf("%llu damaged (%llu of them caches, which --repair rebuilds)\n",
               (unsigned long long)r->damaged, (unsigned long long)r->caches);
}

/* Rebuilds the caches of a store whose damage is all in caches. */
static int repair(const struct cli *cli, struct tr_store *s, struct tr_check_report *rep,
                  bool quiet)
{
    if (rep->damaged > rep->caches) {
        printf("repair: %llu damaged table blobs or pages, which the store cannot rebuild:"
               " nothing repaired\n", (unsigned long long)(rep->damaged - rep->caches));
        return EXIT_FAILED;
    }
    struct tr_error err = {0};
    if (tr_store_repair(s, &err))
        return cli_fail(cli, &err);
    int rc = run_check(cli, s, rep);
    if (rc)
        return rc;
    if (!quiet)
        printf("repair: the caches rebuilt from the tables; checked again: ");
    if (!quiet || rep->damaged)
        summary(rep);
    return rep->damaged ? EXIT_FAILED : EXIT_OK;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"repair", no_argument, 0, 'r'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bool fix = false, quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        switch (c) {
        case 'r': fix = true; break;
        case 'q': quiet = true; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind != argc)
        return cli_usage_error(cli, "takes no arguments");
    struct tr_store *s;
    /* a store to repair must exist: opened for reading first */
    int rc = cli_store(cli, &s);
    if (!rc && fix) {
        cli->access = CLI_WRITE;
        rc = cli_store(cli, &s);
    }
    if (rc)
        return rc;
    struct tr_check_report rep;
    rc = run_check(cli, s, &rep);
    if (!rc && (!quiet || rep.damaged))
        summary(&rep);
    if (!rc && rep.damaged)
        rc = fix ? repair(cli, s, &rep, quiet) : EXIT_FAILED;
    return rc;
}
