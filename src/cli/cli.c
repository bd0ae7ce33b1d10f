/*
 * cli.c: what the commands share: their messages and exit codes, the store
 * opened as the command table says, the options and the subject id several
 * commands take.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int cli_store_exists(const struct cli *cli)
{
    if (tr_store_is_url(cli->db) || access(cli->db, F_OK) == 0)
        return EXIT_OK;
    fprintf(stderr, "trackrecord: %s: %s: no store here yet (run `trackrecord import` first,"
                    " or pass --db)\n", cli->cmd, cli->db);
    return EXIT_FAILED;
}

int cli_store(struct cli *cli, struct tr_store **out)
{
    /* a store opened read-only is reopened when the command raised its access */
    if (cli->store && cli->opened < cli->access) {
        tr_store_close(cli->store);
        cli->store = NULL;
    }
    if (!cli->store) {
        struct tr_error err = {0};
        int rc;
        if (cli->access != CLI_WRITE && (rc = cli_store_exists(cli)))
            return rc;
        if (tr_store_open(cli->db, cli->access == CLI_WRITE ? 0 : TR_STORE_READONLY, &cli->store,
                          &err))
            return cli_fail(cli, &err);
        cli->opened = cli->access;
    }
    *out = cli->store;
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

int cli_parse_since(const struct cli *cli, const char *text, tr_day *since)
{
    if (tr_day_parse(text, strlen(text), since) == 0)
        return 0;
    cli_usage_error(cli, "--since: not a date (YYYY-MM-DD): '%s'", text);
    return -1;
}

int cli_json_store(struct cli *cli, int argc, char **argv, const char *usage, bool *json,
                   struct tr_store **s)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    *json = false;
    *s = NULL;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'j')
            *json = true;
        else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else
            return cli_usage_error(cli, "bad option");
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    return cli_store(cli, s);
}

/* cli_store_subject, with the whole catalog or (!whole) the subject's
 * records alone. */
static int store_subject(struct cli *cli, const char *id, bool whole, struct tr_store **s,
                         const struct tr_catalog **cat, struct cli_subject *out)
{
    struct tr_error err = {0};
    out->type = TR_SUBJECT_TRACK;
    out->index = TR_NONE;
    int rc = cli_store(cli, s);
    if (rc)
        return rc;
    if ((id && tr_store_subject(*s, id, cat, &out->type, &out->index, &err)) ||
        ((whole || !id) && tr_store_catalog(*s, cat, &err)))
        return cli_fail(cli, &err);
    return EXIT_OK;
}

int cli_store_subject(struct cli *cli, const char *id, struct tr_store **s,
                      const struct tr_catalog **cat, struct cli_subject *out)
{
    return store_subject(cli, id, true, s, cat, out);
}

int cli_store_subject_alone(struct cli *cli, const char *id, struct tr_store **s,
                            const struct tr_catalog **cat, struct cli_subject *out)
{
    return store_subject(cli, id, false, s, cat, out);
}

int cli_one_subject(struct cli *cli, int argc, char **argv, struct tr_store **s,
                    const struct tr_catalog **cat, struct cli_subject *out)
{
    if (optind + 1 != argc)
        return cli_usage_error(cli, "give exactly one id");
    return cli_store_subject(cli, argv[optind], s, cat, out);
}
