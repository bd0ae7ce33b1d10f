/*
 * cmd_serve.c: `trackrecord serve`: the JSON API, the feeds and the
 * dashboard over HTTP (src/web/server.c) until SIGINT or SIGTERM.
 */
#include "cli.h"
#include "web/server.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: trackrecord serve [--bind ADDR] [--port N] [--threads N] [--db FILE]\n"
            "\n"
            "Serves the store over HTTP, read-only: the dashboard at /, the JSON API\n"
            "at /api/v1 (docs/api.md), the feeds at /feed.atom and /feed.json.  An\n"
            "import into the store while it runs is seen by the next request after it\n"
            "commits, and no request sees half of one.  Stops on Ctrl-C (SIGINT) or\n"
            "SIGTERM.  Prints the address it serves on.\n"
            "\n"
            "Options:\n"
            "  --bind ADDR     the IP address to listen on (default 127.0.0.1: this\n"
            "                  machine only; 0.0.0.0 or :: for every interface)\n"
            "  --port N        the port (default 8080; 0: any free port)\n"
            "  --threads N     worker threads, each with its own read of the store\n"
            "                  (default: the number of cores)\n"
            "  --max-connections N  connections at once (default 1024)\n"
            "  --timeout S     seconds an idle connection is kept (default 15)\n"
            "  --cache-mb N    MiB of answered responses kept until the next import\n"
            "                  (default 256; 0: none kept)\n"
            "  --db FILE       the store\n");
}

static int number(const struct cli *cli, const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > hi)
        return cli_usage_error(cli, "%s: expected a number from %ld to %ld, not '%s'", opt, lo, hi, v);
    *out = n;
    return 0;
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"bind", required_argument, 0, 'b'}, {"port", required_argument, 0, 'p'},
        {"threads", required_argument, 0, 't'}, {"max-connections", required_argument, 0, 'm'},
        {"timeout", required_argument, 0, 'T'}, {"cache-mb", required_argument, 0, 'C'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct tr_server_options o = {cli->db, "127.0.0.1", 8080, cores > 0 ? (unsigned)cores : 2, 1024, 15, 256};
    long n;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'b': o.bind = optarg; break;
        case 'p':
            if (number(cli, "--port", optarg, 0, 65535, &n))
                return EXIT_USAGE;
            o.port = (uint16_t)n;
            break;
        case 't':
            if (number(cli, "--threads", optarg, 1, 256, &n))
                return EXIT_USAGE;
            o.threads = (unsigned)n;
            break;
        case 'm':
            if (number(cli, "--max-connections", optarg, 1, 100000, &n))
                return EXIT_USAGE;
            o.max_connections = (unsigned)n;
            break;
        case 'T':
            if (number(cli, "--timeout", optarg, 1, 3600, &n))
                return EXIT_USAGE;
            o.timeout = (unsigned)n;
            break;
        case 'C':
            if (number(cli, "--cache-mb", optarg, 0, 1 << 20, &n))
                return EXIT_USAGE;
            o.cache_mb = (unsigned)n;
            break;
        case 'h': help(stdout); return EXIT_OK;
        default: return cli_usage_error(cli, "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
    int rc = cli_store_exists(cli);
    if (rc)
        return rc;
    /* the signals are taken by this thread alone: the server's threads,
     * started after, inherit the mask */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct tr_server *s;
    struct tr_error err = {0};
    if (tr_server_start(&o, &s, &err))
        return cli_fail(cli, &err);
    int v6 = strchr(o.bind, ':') != NULL;
    fprintf(stderr, "trackrecord: serving %s on http://%s%s%s:%u/ (Ctrl-C stops)\n", cli->db,
            v6 ? "[" : "", o.bind, v6 ? "]" : "", (unsigned)tr_server_port(s));
    int sig;
    sigwait(&stop, &sig);
    tr_server_stop(s);
    fprintf(stderr, "trackrecord: serve: stopped\n");
    return EXIT_OK;
}
