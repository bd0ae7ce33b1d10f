/*
 * cmd_site.c: `trackrecord site DIR`: the dashboard as static files.
 */
#include "cli.h"
#include "web/site.h"

#include <getopt.h>
#include <stdlib.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord site [--full] [--threads N] [--quiet] DIR\n"
            "\n"
            "Writes the dashboard into DIR as files that any static host or CDN serves:\n"
            "index.html (the last day's milestones and records), a page per track,\n"
            "release and artist (tracks/ID.html, releases/ID.html, artists/ID.html),\n"
            "their daily figures in data shards (data/tracks/K.js, ...), the feeds\n"
            "(feed.atom, feed.json), the API's lists (api/v1/milestones.json,\n"
            "records.json, forecasts.json), search.html with its names index\n"
            "(data/search/) and assets/ (the script, the style sheets, uPlot).  Links are relative, so the site also reads from file://.\n"
            "\n"
            "A page holds its subject's rarely-changing facts; its daily figures, the\n"
            "end of its series and its forecasts come from its data shard, which its\n"
            "script reads (docs/dashboard.md).  A run writes only the pages whose facts\n"
            "or plotted series moved, and the other files whose bytes changed\n"
            "(DIR/.trackrecord-site keeps their keys); each file is written beside its\n"
            "place and renamed over it, so a reader never sees half a file.\n"
            "\n"
            "Options:\n"
            "  --full     trust no manifest: make every file, write those whose\n"
            "             bytes differ from the file there\n"
            "  --threads N  threads writing the files (default 2; 1: the page-making\n"
            "             thread writes them itself)\n"
            "  --quiet    no summary line\n"
            "  --db FILE  the store\n");
}

int cmd_site(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"full", no_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'}, {"threads", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    struct web_site_options opt = {.full = false, .threads = 2};
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        switch (c) {
        case 'f': opt.full = true; break;
        case 'q': quiet = true; break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 8)
                return cli_usage_error(cli, "--threads takes 1 to 8");
            opt.threads = (int)n;
            break;
        }
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(cli, "give the directory to write the site into");
    struct tr_store *s;
    int rc = cli_store(cli, &s);
    if (rc)
        return rc;
    struct tr_error err = {0};
    struct web_site_stats st;
    if (web_site_write(s, argv[optind], &opt, &st, &err))
        return cli_fail(cli, &err);
    if (!quiet)
        printf("%s: %llu files, %llu written (%llu bytes), %llu unchanged, %llu removed\n", argv[optind],
               (unsigned long long)st.files, (unsigned long long)st.written,
               (unsigned long long)st.bytes_written, (unsigned long long)(st.files - st.written),
               (unsigned long long)st.removed);
    return EXIT_OK;
}
