/*
 * records_bench.c: how long the records engine takes.
 *
 * Generates a catalog (5,000 artists, 20,000 releases, 80,000 tracks) and
 * 100,000 milestone events over it, each subject crossing the default ladder
 * in order over the years, then times tr_records_compute() on all of them
 * (median of --reps runs, default 5), tr_records_for_event() on single
 * events (median over 21 events) and tr_records_since() on the last day's
 * events (the daily job), and prints each.
 *
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude bench/records_bench.c \
 *      build/libtrackrecord.a -lsqlite3 -ljansson -lxxhash -lz -lm -pthread \
 *      -o build/bench/records_bench
 *   build/bench/records_bench [--events N] [--reps N] [--seed S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trackrecord/records.h"

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng >> 33) % n);
}

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wall time, and this process's CPU time (steadier on a shared machine). */
static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
static double cpu_ms(void) { return clock_ms(CLOCK_PROCESS_CPUTIME_ID); }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *dup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    if (!p)
        exit(1);
    return strcpy(p, s);
}

static char *str(const char *fmt, unsigned i)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, i);
    return dup(buf);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "records_bench: out of memory\n");
        exit(1);
    }
    return p;
}

static const char *GENRES[] = {"k-pop", "pop", "r&b", "rock", "hip hop", "latin", "edm",
                               "j-pop", "indie", "country", "soul", "jazz", "metal",
                               "reggaeton", "afrobeats", "folk", "house", "trap", "ballad",
                               "c-pop"};
static const char *COUNTRIES[] = {"KR", "US", "JP", "GB", "CA", "BR", "MX", "DE", "FR",
                                  "ES", "AU", "SE", "NG", "PH", "IN", ""};

/* Thresholds of TR_LADDER_TRACK_DEFAULT up to 3B. */
static size_t ladder(uint64_t *th)
{
    size_t n = 0;
    th[n++] = 1000000;
    th[n++] = 5000000;
    for (uint64_t v = 10000000; v <= 100000000; v += 10000000)
        th[n++] = v;
    for (uint64_t v = 150000000; v <= 1000000000; v += 50000000)
        th[n++] = v;
    for (uint64_t v = 1100000000; v <= 3000000000ULL; v += 100000000)
        th[n++] = v;
    return n;
}

int main(int argc, char **argv)
{
    size_t want = 100000, reps = 5;
    rng = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--events"))
            want = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--reps"))
            reps = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seed"))
            rng = strtoull(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "usage: records_bench [--events N] [--reps N] [--seed S]\n");
            return 2;
        }
    }
    if (!reps)
        reps = 1;
    struct tr_catalog c;
    memset(&c, 0, sizeof c);
    const tr_day base = tr_day_from_ymd(2015, 1, 1), end = tr_day_from_ymd(2025, 6, 30);
    c.n_artists = 5000;
    c.artists = xcalloc(c.n_artists, sizeof *c.artists);
    for (uint32_t a = 0; a < c.n_artists; a++) {
        struct tr_artist *ar = &c.artists[a];
        ar->id = str("artist%u", a);
        ar->name = str("Artist %u", a);
        snprintf(ar->country, 3, "%s", COUNTRIES[rnd(16)]);
        ar->kind = (enum tr_artist_kind)(1 + rnd(2));
        ar->gender = (enum tr_gender)rnd(4);
        ar->n_genres = 1 + rnd(3);
        ar->genres = xcalloc(ar->n_genres, sizeof *ar->genres);
        for (uint32_t k = 0; k < ar->n_genres; k++)
            ar->genres[k] = dup(GENRES[rnd(20)]);
    }
    c.n_releases = 20000;
    c.n_tracks = 80000;
    c.releases = xcalloc(c.n_releases, sizeof *c.releases);
    c.tracks = xcalloc(c.n_tracks, sizeof *c.tracks);
    uint32_t t = 0;
    for (uint32_t r = 0; r < c.n_releases; r++) {
        struct tr_release *rel = &c.releases[r];
        rel->id = str("release%u", r);
        rel->title = str("Release %u", r);
        rel->n_artists = 1 + (rnd(8) == 0);
        rel->artists = xcalloc(rel->n_artists, sizeof *rel->artists);
        for (uint32_t k = 0; k < rel->n_artists; k++)
            rel->artists[k] = rnd(c.n_artists);
        uint32_t u = rnd(10);
        rel->type = u < 4 ? TR_RELEASE_SINGLE : u < 6 ? TR_RELEASE_EP : TR_RELEASE_ALBUM;
        rel->date = base + (tr_day)rnd((uint32_t)(end - base - 400));
        uint32_t want_tracks = r + 1 == c.n_releases ? c.n_tracks - t : 1 + rnd(7);
        if (t + want_tracks > c.n_tracks)
            want_tracks = c.n_tracks - t;
        rel->tracks = xcalloc(want_tracks, sizeof *rel->tracks);
        for (uint32_t k = 0; k < want_tracks; k++, t++) {
            struct tr_track *tr = &c.tracks[t];
            tr->id = str("track%u", t);
            tr->title = str("Track %u", t);
            tr->n_artists = 1;
            tr->artists = xcalloc(1, sizeof *tr->artists);
            tr->artists[0] = rel->artists[0];
            tr->released = rel->date;
            tr->same_as = tr->version_of = TR_NONE;
            tr->series = t;
            rel->tracks[rel->n_tracks++] = t;
        }
    }
    c.n_tracks = t;
    c.n_series = t;
    c.series_track = xcalloc(t, sizeof *c.series_track);
    for (uint32_t i = 0; i < t; i++)
        c.series_track[i] = i;

    /* events: each subject crosses the ladder from the bottom, over time */
    uint64_t th[64];
    size_t nth = ladder(th);
    struct tr_milestone *ev = xcalloc(want, sizeof *ev);
    size_t n = 0;
    while (n < want) {
        uint32_t u = rnd(100);
        enum tr_milestone_kind kind = u < 60   ? TR_MS_TRACK_TOTAL
                                      : u < 75 ? TR_MS_EVERY_TRACK
                                      : u < 90 ? TR_MS_RELEASE_TOTAL
                                               : TR_MS_ARTIST_TOTAL;
        enum tr_subject_type st = kind == TR_MS_TRACK_TOTAL    ? TR_SUBJECT_TRACK
                                  : kind == TR_MS_ARTIST_TOTAL ? TR_SUBJECT_ARTIST
                                                               : TR_SUBJECT_RELEASE;
        uint32_t subject = rnd(st == TR_SUBJECT_TRACK     ? c.n_tracks
                               : st == TR_SUBJECT_RELEASE ? c.n_releases
                                                          : c.n_artists);
        tr_day day0 = st == TR_SUBJECT_TRACK     ? c.tracks[subject].released
                      : st == TR_SUBJECT_RELEASE ? c.releases[subject].date
                                                 : base;
        tr_day d = day0;
        size_t k = 1 + rnd(12);
        for (size_t i = 0; i < k && i < nth && n < want && d < end; i++) {
            d += 1 + (tr_day)rnd(60 + 20 * (uint32_t)i);
            if (d > end)
                break;
            struct tr_milestone *e = &ev[n++];
            e->subject_type = st;
            e->subject = subject;
            e->kind = kind;
            e->threshold = th[i];
            e->date = d;
            e->after = rnd(20) == 0 ? d - 3 : TR_DAY_NONE;
            e->day = d - day0;
            e->slowest = TR_NONE;
        }
    }
    tr_day *last[3];
    uint32_t counts[3] = {c.n_tracks, c.n_releases, c.n_artists};
    for (int s = 0; s < 3; s++) {
        last[s] = xcalloc(counts[s], sizeof(tr_day));
        for (uint32_t i = 0; i < counts[s]; i++)
            last[s][i] = rnd(200) ? end : base + (tr_day)rnd(3000);
    }
    struct tr_records_input in;
    memset(&in, 0, sizeof in);
    in.catalog = &c;
    in.events = ev;
    in.n_events = n;
    for (int s = 0; s < 3; s++)
        in.last_day[s] = last[s];

    double *ms = xcalloc(reps > 21 ? reps : 21, sizeof *ms);
    double *cpu = xcalloc(reps > 21 ? reps : 21, sizeof *cpu);
    size_t n_claims = 0, n_uncertain = 0;
    for (size_t r = 0; r < reps; r++) {
        struct tr_claim *cl = NULL;
        struct tr_error err = {0};
        double t0 = now_ms(), c0 = cpu_ms();
        if (tr_records_compute(&in, &cl, &n_claims, &err)) {
            fprintf(stderr, "records_bench: %s\n", err.msg);
            return 1;
        }
        ms[r] = now_ms() - t0;
        cpu[r] = cpu_ms() - c0;
        n_uncertain = 0;
        for (size_t i = 0; i < n_claims; i++)
            n_uncertain += cl[i].uncertain;
        tr_records_free(cl);
    }
    qsort(ms, reps, sizeof *ms, cmp_double);
    qsort(cpu, reps, sizeof *cpu, cmp_double);
    printf("records: %zu events (%u tracks, %u releases, %u artists): %zu claims (%zu uncertain)\n",
           n, c.n_tracks, c.n_releases, c.n_artists, n_claims, n_uncertain);
    printf("records: all events: median %.1f ms (min %.1f, max %.1f, %zu runs; cpu median "
           "%.1f ms)\n", ms[reps / 2], ms[0], ms[reps - 1], reps, cpu[reps / 2]);
    for (size_t r = 0; r < 21; r++) {
        struct tr_claim *cl = NULL;
        size_t k = 0;
        struct tr_error err = {0};
        size_t e = rnd((uint32_t)n);
        double t0 = now_ms();
        if (tr_records_for_event(&in, e, &cl, &k, &err)) {
            fprintf(stderr, "records_bench: %s\n", err.msg);
            return 1;
        }
        ms[r] = now_ms() - t0;
        tr_records_free(cl);
    }
    qsort(ms, 21, sizeof *ms, cmp_double);
    printf("records: one event: median %.2f ms (min %.2f, max %.2f, 21 events)\n", ms[10],
           ms[0], ms[20]);
    /* the daily job: the last day's events, every earlier one competing */
    tr_day last_date = ev[0].date;
    for (size_t i = 1; i < n; i++)
        last_date = ev[i].date > last_date ? ev[i].date : last_date;
    size_t n_day = 0, n_day_claims = 0;
    for (size_t i = 0; i < n; i++)
        n_day += ev[i].date == last_date;
    for (size_t r = 0; r < reps; r++) {
        struct tr_claim *cl = NULL;
        struct tr_error err = {0};
        double t0 = now_ms();
        if (tr_records_since(&in, last_date, &cl, &n_day_claims, &err)) {
            fprintf(stderr, "records_bench: %s\n", err.msg);
            return 1;
        }
        ms[r] = now_ms() - t0;
        tr_records_free(cl);
    }
    qsort(ms, reps, sizeof *ms, cmp_double);
    printf("records: the last day (%zu events, %zu claims), all others competing: median %.2f ms "
           "(min %.2f, max %.2f, %zu runs)\n", n_day, n_day_claims, ms[reps / 2], ms[0],
           ms[reps - 1], reps);
    free(ms);
    free(cpu);
    for (int s = 0; s < 3; s++)
        free(last[s]);
    free(ev);
    for (uint32_t a = 0; a < c.n_artists; a++) {
        for (uint32_t k = 0; k < c.artists[a].n_genres; k++)
            free(c.artists[a].genres[k]);
        free(c.artists[a].genres);
        free(c.artists[a].id);
        free(c.artists[a].name);
    }
    for (uint32_t r = 0; r < c.n_releases; r++) {
        free(c.releases[r].id);
        free(c.releases[r].title);
        free(c.releases[r].artists);
        free(c.releases[r].tracks);
    }
    for (uint32_t i = 0; i < c.n_tracks; i++) {
        free(c.tracks[i].id);
        free(c.tracks[i].title);
        free(c.tracks[i].artists);
    }
    free(c.artists);
    free(c.releases);
    free(c.tracks);
    free(c.series_track);
    return 0;
}
