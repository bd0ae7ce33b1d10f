/*
 * history_bench.c: one track's whole history read through the library,
 * with the store open and its catalog loaded (what a dashboard or a
 * server does), so that the read itself is timed apart from the process
 * start and the catalog load that `show` pays on every run.
 *
 *   build/bench/history_bench STORE TRACK_ID [REPS]
 * prints the catalog load time, then the median, min and max of REPS reads.
 */
#include "trackrecord/trackrecord.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: history_bench STORE TRACK_ID [REPS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 21;
    if (reps < 1)
        reps = 1;
    struct tr_error err = {0};
    struct tr_store *s;
    const struct tr_catalog *c;
    double t0 = now();
    if (tr_store_open(argv[1], TR_STORE_READONLY, &s, &err) || tr_store_catalog(s, &c, &err)) {
        fprintf(stderr, "history_bench: %s\n", err.msg);
        return 1;
    }
    double load = now() - t0;
    uint32_t t = tr_catalog_track(c, argv[2]);
    if (t == TR_NONE) {
        fprintf(stderr, "history_bench: no track '%s'\n", argv[2]);
        return 1;
    }
    double *v = malloc((size_t)reps * sizeof *v);
    size_t n = 0;
    for (int i = 0; i < reps; i++) {
        struct tr_point *p;
        double a = now();
        if (tr_store_history(s, t, &p, &n, &err)) {
            fprintf(stderr, "history_bench: %s\n", err.msg);
            return 1;
        }
        v[i] = now() - a;
        free(p);
    }
    qsort(v, (size_t)reps, sizeof *v, cmp);
    printf("catalog load %.1f ms; history of %s (%zu days): median %.3f ms (min %.3f, max %.3f, %d reads)\n",
           load * 1e3, argv[2], n, v[reps / 2] * 1e3, v[0] * 1e3, v[reps - 1] * 1e3, reps);
    free(v);
    tr_store_close(s);
    return 0;
}
