/*
 * cmd_feed.c: `trackrecord feed`: the published posts as an Atom or JSON
 * Feed file (the same as the server's /feed.atom and /feed.json).
 */
#include "cli.h"
#include "web/web.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord feed (--atom | --json) [--since DATE] [--artist ID]\n"
            "                        [--base URL] [-o FILE] [--db FILE]\n"
            "\n"
            "Writes the published posts, newest first (the latest 50): each milestone,\n"
            "with the post of its published records claims (docs/api.md), as an Atom\n"
            "feed (RFC 4287) or a JSON Feed 1.1.  Each item's id names its event, so a\n"
            "reader never shows one twice.\n"
            "\n"
            "Options:\n"
            "  --atom         Atom\n"
            "  --json         JSON Feed\n"
            "  --since DATE   only posts dated on or after DATE (YYYY-MM-DD)\n"
            "  --artist ID    only this artist's (its releases', its tracks')\n"
            "  --base URL     the address the site is served under, for the links\n"
            "                 (default: links relative to the feed)\n"
            "  -o FILE        write to FILE (default: standard output)\n"
            "  --db FILE      the store\n");
}

int cmd_feed(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"atom", no_argument, 0, 'a'}, {"json", no_argument, 0, 'j'},
        {"since", required_argument, 0, 's'}, {"artist", required_argument, 0, 'A'},
        {"base", required_argument, 0, 'b'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int format = -1, c;
    tr_day since = TR_DAY_NONE;
    const char *artist = NULL, *base = "", *path = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'a': case 'j':
            if (format >= 0)
                return cli_usage_error(cli, "choose one of --atom and --json");
            format = c == 'a' ? TR_FEED_ATOM : TR_FEED_JSON;
            break;
        case 's':
            if (cli_parse_since(cli, optarg, &since))
                return EXIT_USAGE;
            break;
        case 'A': artist = optarg; break;
        case 'b': base = optarg; break;
        case 'o': path = optarg; break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    if (format < 0)
        return cli_usage_error(cli, "give --atom or --json");
    /* the store opened first, so that a missing or damaged one is named as
     * every command names it */
    struct tr_store *probe;
    int rc = cli_store(cli, &probe);
    if (rc)
        return rc;
    struct tr_web *w;
    struct tr_error err = {0};
    struct tr_web_response res = {0};
    if (tr_web_open(cli->db, &w, &err))
        return cli_fail(cli, &err);
    if (tr_web_begin(w, &err)) {
        tr_web_close(w);
        return cli_fail(cli, &err);
    }
    uint32_t a = TR_NONE;
    if (artist && (a = tr_catalog_artist(w->cat, artist)) == TR_NONE)
        tr_error_set(&err, TR_ENOTFOUND, "no artist with id '%s'", artist);
    else
        tr_web_feed(w, (enum tr_feed_format)format, a, since, base, &res, &err);
    tr_web_end(w);
    tr_web_close(w);
    if (!err.code && res.oom)
        tr_error_set(&err, TR_ENOMEM, "out of memory");
    if (err.code) {
        tr_web_response_release(&res);
        return cli_fail(cli, &err);
    }
    FILE *f = path ? fopen(path, "w") : stdout;
    rc = EXIT_OK;
    if (!f || fwrite(res.body, 1, res.len, f) != res.len || (path && fclose(f) != 0)) {
        fprintf(stderr, "trackrecord: feed: cannot write %s\n", path ? path : "the output");
        rc = EXIT_FAILED;
    }
    tr_web_response_release(&res);
    return rc;
}
