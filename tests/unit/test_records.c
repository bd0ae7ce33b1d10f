/*
 * test_records.c: the records engine on the seed's own case.
 *
 * The world is the Layover fixture (V, BTS, the pre-release single and the
 * album, built here in C) beside the fictional acts of tests/data/records/
 * (read from their CSV bundle).  The acceptance tests assert exactly the
 * claims the seed article makes for Layover at 60M and 80M; the others pin
 * down the rules: nothing later is seen, uncertain data make uncertain
 * claims, collaborations count for the primary artist, a recording's track
 * ids are one subject, the post text.  Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trackrecord/records.h"

#define DATA_DIR "tests/data/records/"

/* ------------------------------------------------------------------ */
/* A hand-built world                                                  */

struct world {
    struct tr_catalog c;
    uint32_t cap_a, cap_r, cap_t;
    struct tr_milestone *ev;
    size_t n_ev, cap_ev;
    tr_day *release_last;             /* per release, for coverage */
    tr_day *track_last;               /* per track, from streams.csv */
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

static void *grow(void *p, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : 16;
    p = realloc(p, (size_t)*cap * size);
    assert_non_null(p);
    return p;
}

static uint32_t find_artist(const struct world *w, const char *id)
{
    for (uint32_t i = 0; i < w->c.n_artists; i++)
        if (!strcmp(w->c.artists[i].id, id))
            return i;
    return TR_NONE;
}

static uint32_t find_release(const struct world *w, const char *id)
{
    for (uint32_t i = 0; i < w->c.n_releases; i++)
        if (!strcmp(w->c.releases[i].id, id))
            return i;
    return TR_NONE;
}

static uint32_t find_track(const struct world *w, const char *id)
{
    for (uint32_t i = 0; i < w->c.n_tracks; i++)
        if (!strcmp(w->c.tracks[i].id, id))
            return i;
    return TR_NONE;
}

static tr_day day_of(const char *s)
{
    tr_day d;
    if (!s || !*s)
        return TR_DAY_NONE;
    assert_int_equal(tr_day_parse(s, strlen(s), &d), 0);
    return d;
}

/* Splits s at sep into at most max fields (in place). */
static size_t split(char *s, char sep, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = s;
    for (char *p = s; *p && n < max; p++)
        if (*p == sep) {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static uint32_t *id_list(struct world *w, char *s, uint32_t *n, bool artists)
{
    char *f[16];
    size_t k = *s ? split(s, ';', f, 16) : 0;
    uint32_t *v = malloc((k ? k : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < k; i++) {
        v[i] = artists ? find_artist(w, f[i]) : find_track(w, f[i]);
        assert_int_not_equal(v[i], TR_NONE);
    }
    *n = (uint32_t)k;
    return v;
}

static uint32_t add_artist(struct world *w, const char *id, const char *name,
                           const char *country, enum tr_artist_kind kind,
                           enum tr_gender gender, const char *genres)
{
    w->c.artists = grow(w->c.artists, w->c.n_artists, &w->cap_a, sizeof *w->c.artists);
    struct tr_artist *a = &w->c.artists[w->c.n_artists];
    memset(a, 0, sizeof *a);
    a->id = dup_str(id);
    a->name = dup_str(name);
    snprintf(a->country, sizeof a->country, "%s", country);
    a->kind = kind;
    a->gender = gender;
    char buf[256], *f[16];
    snprintf(buf, sizeof buf, "%s", genres);
    size_t k = *buf ? split(buf, ';', f, 16) : 0;
    a->genres = malloc((k ? k : 1) * sizeof *a->genres);
    assert_non_null(a->genres);
    for (size_t i = 0; i < k; i++)
        a->genres[i] = dup_str(f[i]);
    a->n_genres = (uint32_t)k;
    return w->c.n_artists++;
}

static uint32_t add_release(struct world *w, const char *id, const char *title,
                            const char *artists, enum tr_release_type type, const char *date)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", artists);
    w->c.releases = grow(w->c.releases, w->c.n_releases, &w->cap_r, sizeof *w->c.releases);
    struct tr_release *r = &w->c.releases[w->c.n_releases];
    memset(r, 0, sizeof *r);
    r->id = dup_str(id);
    r->title = dup_str(title);
    r->artists = id_list(w, buf, &r->n_artists, true);
    r->type = type;
    r->date = day_of(date);
    r->tracks = malloc(sizeof *r->tracks);
    assert_non_null(r->tracks);
    return w->c.n_releases++;
}

static uint32_t add_track(struct world *w, const char *id, const char *title,
                          const char *artists, const char *released)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", artists);
    w->c.tracks = grow(w->c.tracks, w->c.n_tracks, &w->cap_t, sizeof *w->c.tracks);
    struct tr_track *t = &w->c.tracks[w->c.n_tracks];
    memset(t, 0, sizeof *t);
    t->id = dup_str(id);
    t->title = dup_str(title);
    t->artists = id_list(w, buf, &t->n_artists, true);
    t->released = day_of(released);
    t->same_as = t->version_of = TR_NONE;
    return w->c.n_tracks++;
}

static void list_track(struct world *w, uint32_t r, uint32_t t)
{
    struct tr_release *rel = &w->c.releases[r];
    uint32_t *p = realloc(rel->tracks, (rel->n_tracks + 1) * sizeof *p);
    assert_non_null(p);
    p[rel->n_tracks++] = t;
    rel->tracks = p;
}

/* Tracks with same_as share the series of the end of their chain. */
static void resolve_series(struct world *w)
{
    struct tr_catalog *c = &w->c;
    free(c->series_track);
    c->series_track = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *c->series_track);
    assert_non_null(c->series_track);
    c->n_series = c->n_tracks;
    for (uint32_t i = 0; i < c->n_tracks; i++)
        c->series_track[i] = i;
    for (uint32_t i = 0; i < c->n_tracks; i++) {
        uint32_t k = i;
        while (c->tracks[k].same_as != TR_NONE)
            k = c->tracks[k].same_as;
        c->tracks[i].series = k;
    }
}

static size_t add_event(struct world *w, enum tr_subject_type st, uint32_t subject,
                        enum tr_milestone_kind kind, uint64_t threshold, const char *date,
                        const char *after)
{
    if (w->n_ev == w->cap_ev) {
        w->cap_ev = w->cap_ev ? w->cap_ev * 2 : 64;
        w->ev = realloc(w->ev, w->cap_ev * sizeof *w->ev);
        assert_non_null(w->ev);
    }
    struct tr_milestone *e = &w->ev[w->n_ev];
    memset(e, 0, sizeof *e);
    e->subject_type = st;
    e->subject = subject;
    e->kind = kind;
    e->threshold = threshold;
    e->date = day_of(date);
    e->after = day_of(after);
    e->day = TR_DAYN_NONE;
    e->slowest = TR_NONE;
    if (st == TR_SUBJECT_RELEASE && w->c.releases[subject].date != TR_DAY_NONE)
        e->day = e->date - w->c.releases[subject].date;
    return w->n_ev++;
}

static void world_free(struct world *w)
{
    struct tr_catalog *c = &w->c;
    for (uint32_t i = 0; i < c->n_artists; i++) {
        free(c->artists[i].id);
        free(c->artists[i].name);
        for (uint32_t g = 0; g < c->artists[i].n_genres; g++)
            free(c->artists[i].genres[g]);
        free(c->artists[i].genres);
        free(c->artists[i].member_of);
    }
    for (uint32_t i = 0; i < c->n_releases; i++) {
        free(c->releases[i].id);
        free(c->releases[i].title);
        free(c->releases[i].artists);
        free(c->releases[i].tracks);
    }
    for (uint32_t i = 0; i < c->n_tracks; i++) {
        free(c->tracks[i].id);
        free(c->tracks[i].title);
        free(c->tracks[i].artists);
    }
    free(c->artists);
    free(c->releases);
    free(c->tracks);
    free(c->series_track);
    free(w->ev);
    free(w->release_last);
    free(w->track_last);
    free(w);
}

static FILE *open_data(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, DATA_DIR "%s", name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (run the tests from the repository root)", path);
    return f;
}

/* Reads the lines of a bundle file after its header; calls fn per line. */
static void each_line(const char *name, void (*fn)(struct world *, char **, size_t),
                      struct world *w)
{
    FILE *f = open_data(name);
    char line[512], *fields[12];
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (header || !*line) {
            header = false;
            continue;
        }
        fn(w, fields, split(line, ',', fields, 12));
    }
    fclose(f);
}

static void on_artist(struct world *w, char **f, size_t n)
{
    enum tr_artist_kind k;
    enum tr_gender g;
    assert_int_equal(n, 7);
    assert_int_equal(tr_artist_kind_parse(f[3], &k), 0);
    assert_int_equal(tr_gender_parse(f[4], &g), 0);
    add_artist(w, f[0], f[1], f[2], k, g, f[5]);
}

static void on_release(struct world *w, char **f, size_t n)
{
    enum tr_release_type t;
    assert_int_equal(n, 5);
    assert_int_equal(tr_release_type_parse(f[3], &t), 0);
    add_release(w, f[0], f[1], f[2], t, f[4]);
}

static void on_track(struct world *w, char **f, size_t n)
{
    assert_int_equal(n, 6);
    add_track(w, f[0], f[1], f[2], f[3]);
}

static void on_tracklist(struct world *w, char **f, size_t n)
{
    assert_int_equal(n, 3);
    uint32_t r = find_release(w, f[0]), t = find_track(w, f[2]);
    assert_int_not_equal(r, TR_NONE);
    assert_int_not_equal(t, TR_NONE);
    list_track(w, r, t);
}

static void on_event(struct world *w, char **f, size_t n)
{
    enum tr_milestone_kind k;
    uint64_t th;
    assert_int_equal(n, 5);
    uint32_t r = find_release(w, f[0]);
    assert_int_not_equal(r, TR_NONE);
    assert_int_equal(tr_milestone_kind_parse(f[1], &k), 0);
    assert_int_equal(tr_count_parse(f[2], strlen(f[2]), &th), 0);
    add_event(w, TR_SUBJECT_RELEASE, r, k, th, f[3], f[4]);
}

static void on_stream(struct world *w, char **f, size_t n)
{
    assert_int_equal(n, 3);
    uint32_t t = find_track(w, f[1]);
    assert_int_not_equal(t, TR_NONE);
    tr_day d = day_of(f[0]);
    if (w->track_last[t] == TR_DAY_NONE || d > w->track_last[t])
        w->track_last[t] = d;
}

/* The Layover fixture, as /work/shared/fixtures/layover has it. */
static void add_layover(struct world *w, bool pre_release_events)
{
    uint32_t bts = add_artist(w, "bts", "BTS", "KR", TR_KIND_GROUP, TR_GENDER_MALE, "k-pop");
    uint32_t v = add_artist(w, "v", "V", "KR", TR_KIND_SOLO, TR_GENDER_MALE, "k-pop;r&b");
    w->c.artists[v].member_of = malloc(sizeof(uint32_t));
    assert_non_null(w->c.artists[v].member_of);
    w->c.artists[v].member_of[0] = bts;
    w->c.artists[v].n_member_of = 1;
    uint32_t pre = add_release(w, "layover-pre", "Layover (pre-release)", "v",
                               TR_RELEASE_SINGLE, "2023-08-11");
    uint32_t alb = add_release(w, "layover", "Layover", "v", TR_RELEASE_ALBUM, "2023-09-08");
    static const char *tracks[][4] = {
        {"5ydjxBSUIDn26MFzU3asP4", "Rainy Days", "2023-08-11", "54bg1e6ABcZfpU3yzwxnPf"},
        {"2N0SPREDYqILVEFSsWF5N5", "Love Me Again", "2023-08-11", "0SftJDguUa1F5SsQwwkLw4"},
        {"54bg1e6ABcZfpU3yzwxnPf", "Rainy Days", "2023-08-11", ""},
        {"2UU11hvjN1JIn4iihEodNT", "Blue", "2023-09-08", ""},
        {"0SftJDguUa1F5SsQwwkLw4", "Love Me Again", "2023-08-11", ""},
        {"5h1BN75CEh8wdSwE1xrbSe", "Slow Dancing", "2023-09-08", ""},
        {"4HAOgAnILvXCbSODMoRnmD", "For Us", "2023-09-08", ""},
        {"7pgbDdy7ax962o9d2xJceV", "Slow Dancing (Piano Ver.)", "2023-09-08", ""},
    };
    uint32_t first = w->c.n_tracks;
    for (size_t i = 0; i < 8; i++)
        add_track(w, tracks[i][0], tracks[i][1], "v", tracks[i][2]);
    for (size_t i = 0; i < 8; i++)
        if (*tracks[i][3])
            w->c.tracks[first + i].same_as = find_track(w, tracks[i][3]);
    list_track(w, pre, first + 0);
    list_track(w, pre, first + 1);
    for (uint32_t i = 2; i < 8; i++)
        list_track(w, alb, first + i);
    if (pre_release_events) {
        /* From the fixture's streams (as the milestone engine finds them):
         * both recordings over 60M on 2023-09-08, over 80M on 2023-09-18. */
        add_event(w, TR_SUBJECT_RELEASE, pre, TR_MS_EVERY_TRACK, 60000000, "2023-09-08", "");
        add_event(w, TR_SUBJECT_RELEASE, pre, TR_MS_EVERY_TRACK, 80000000, "2023-09-18", "");
    }
    add_event(w, TR_SUBJECT_RELEASE, alb, TR_MS_EVERY_TRACK, 60000000, "2023-12-16", "");
    add_event(w, TR_SUBJECT_RELEASE, alb, TR_MS_EVERY_TRACK, 80000000, "2024-02-25", "");
}

/* Layover beside the fictional acts, with the coverage of their streams. */
static struct world *seed_world(bool pre_release_events)
{
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    add_layover(w, pre_release_events);
    each_line("artists.csv", on_artist, w);
    each_line("releases.csv", on_release, w);
    each_line("tracks.csv", on_track, w);
    each_line("tracklist.csv", on_tracklist, w);
    each_line("events.csv", on_event, w);
    resolve_series(w);
    w->track_last = malloc(w->c.n_tracks * sizeof *w->track_last);
    w->release_last = malloc(w->c.n_releases * sizeof *w->release_last);
    assert_non_null(w->track_last);
    assert_non_null(w->release_last);
    for (uint32_t t = 0; t < w->c.n_tracks; t++)       /* V's fixture runs to 2025-08-08 */
        w->track_last[t] = w->c.tracks[t].artists[0] == find_artist(w, "v")
                               ? day_of("2025-08-08") : TR_DAY_NONE;
    each_line("streams.csv", on_stream, w);
    for (uint32_t r = 0; r < w->c.n_releases; r++) {
        const struct tr_release *rel = &w->c.releases[r];
        tr_day last = TR_DAY_NONE;
        for (uint32_t k = 0; k < rel->n_tracks; k++) {
            tr_day d = w->track_last[rel->tracks[k]];
            if (k == 0 || d == TR_DAY_NONE || (last != TR_DAY_NONE && d < last))
                last = d;
        }
        w->release_last[r] = last;
    }
    return w;
}

/* The fictional worlds are all there is: one row declaring the whole
 * catalog the world (a coverage.csv of empty fields). */
static const struct tr_world_row whole_world = {{"", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL,
                                                 TR_RELEASE_UNKNOWN}, TR_DAY_NONE};

static struct tr_records_input input_of(const struct world *w)
{
    struct tr_records_input in;
    memset(&in, 0, sizeof in);
    in.world = &whole_world;
    in.n_world = 1;
    in.catalog = &w->c;
    in.events = w->ev;
    in.n_events = w->n_ev;
    in.last_day[TR_SUBJECT_RELEASE] = w->release_last;
    in.last_day[TR_SUBJECT_TRACK] = w->track_last;
    return in;
}

static size_t find_event(const struct world *w, const char *release, uint64_t threshold)
{
    uint32_t r = find_release(w, release);
    for (size_t i = 0; i < w->n_ev; i++)
        if (w->ev[i].subject_type == TR_SUBJECT_RELEASE && w->ev[i].subject == r &&
            w->ev[i].kind == TR_MS_EVERY_TRACK && w->ev[i].threshold == threshold)
            return i;
    fail_msg("no event for %s at %llu", release, (unsigned long long)threshold);
    return 0;
}

/* The claims of one event from a full computation; also checks that the
 * one-event path gives exactly the same. */
static struct tr_claim *claims_for(const struct tr_records_input *in, size_t event, size_t *n)
{
    struct tr_claim *all = NULL, *one = NULL;
    size_t n_all = 0, n_one = 0;
    struct tr_error err = {0};
    assert_int_equal(tr_records_compute(in, &all, &n_all, &err), 0);
    assert_int_equal(tr_records_for_event(in, event, &one, &n_one, &err), 0);
    size_t k = 0;
    for (size_t i = 0; i < n_all; i++)
        if (all[i].event == event)
            all[k++] = all[i];
    assert_int_equal(k, n_one);
    assert_memory_equal(all, one, k * sizeof *all);
    tr_records_free(one);
    *n = k;
    return all;
}

static void assert_group(const struct tr_group *g, const char *country,
                         enum tr_artist_kind kind, enum tr_gender gender, const char *genre,
                         enum tr_release_type type)
{
    assert_string_equal(g->country, country);
    assert_int_equal(g->kind, kind);
    assert_int_equal(g->gender, gender);
    if (genre)
        assert_string_equal(g->genre ? g->genre : "(any)", genre);
    else
        assert_null(g->genre);
    assert_int_equal(g->release_type, type);
}

static void assert_certain(const struct tr_claim *c)
{
    assert_false(c->uncertain);
    assert_int_equal(c->doubt, TR_DOUBT_NONE);
    assert_false(c->joint);
    assert_int_equal(c->unsettled, 0);
}

static void post_of(const struct world *w, size_t event, const struct tr_claim *cl, size_t n,
                    char *buf)
{
    assert_int_equal(tr_records_post(&w->c, &w->ev[event], cl, n, buf, TR_RECORDS_POST_SIZE), 0);
}

/* ------------------------------------------------------------------ */
/* The bundle is consistent                                            */

/* streams.csv produces exactly the every-track crossings of events.csv on
 * a ladder of every 10M (first data day with every track at or above the
 * threshold; after = the previous data day when it is not the day before;
 * none for a release of one track, whose track's milestone says it all). */
static void test_bundle_events_match_streams(void **state)
{
    (void)state;
    struct world *w = seed_world(false);
    size_t nd = 0, cap = 4096;
    struct row { uint32_t t; tr_day d; uint64_t v; } *rows = malloc(cap * sizeof *rows);
    assert_non_null(rows);
    FILE *f = open_data("streams.csv");
    char line[256], *fl[4];
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        assert_int_equal(split(line, ',', fl, 4), 3);
        assert_true(nd < cap);
        rows[nd].t = find_track(w, fl[1]);
        rows[nd].d = day_of(fl[0]);
        rows[nd].v = strtoull(fl[2], NULL, 10);
        nd++;
    }
    fclose(f);
    size_t expected = 0;
    for (size_t i = 0; i < w->n_ev; i++)
        expected += w->c.releases[w->ev[i].subject].artists[0] != find_artist(w, "v");
    size_t found = 0;
    for (uint32_t r = 0; r < w->c.n_releases; r++) {
        const struct tr_release *rel = &w->c.releases[r];
        if (rel->artists[0] == find_artist(w, "v") || rel->n_tracks < 2)
            continue;
        /* the release's data days, in order, with its slowest track's value */
        tr_day days[64];
        uint64_t mins[64];
        size_t nday = 0;
        for (size_t i = 0; i < nd; i++) {
            if (rows[i].t != rel->tracks[0])
                continue;
            days[nday] = rows[i].d;
            mins[nday] = UINT64_MAX;
            for (size_t j = 0; j < nd; j++)
                for (uint32_t k = 0; k < rel->n_tracks; k++)
                    if (rows[j].t == rel->tracks[k] && rows[j].d == rows[i].d &&
                        rows[j].v < mins[nday])
                        mins[nday] = rows[j].v;
            nday++;
        }
        assert_true(nday > 1);
        for (uint64_t th = 10000000; th <= mins[nday - 1]; th += 10000000) {
            size_t i = 0;
            while (mins[i] < th)
                i++;
            assert_true(i > 0);                      /* day 0 is below 10M */
            tr_day after = days[i - 1] == days[i] - 1 ? TR_DAY_NONE : days[i - 1];
            size_t e = find_event(w, rel->id, th);
            assert_int_equal(w->ev[e].date, days[i]);
            assert_int_equal(w->ev[e].after, after);
            found++;
        }
    }
    assert_int_equal(found, expected);
    free(rows);
    world_free(w);
}

/* ------------------------------------------------------------------ */
/* The seed's claims                                                   */

/* 2024-02-25, day 170: every track of Layover over 80M.  V is the first
 * (and, on that day, only) Korean solo artist to do it, and the fastest
 * K-pop male act; nothing else, and nothing implied by these. */
/* The same claims without a declared coverage: tracked, worded among the
 * store's acts, and no post states them; a row for Korean soloists makes
 * that claim world again, from its day for releases out since then. */
static void test_layover_80m_scope(void **state)
{
    (void)state;
    struct world *w = seed_world(false);
    struct tr_records_input in = input_of(w);
    in.world = NULL;
    in.n_world = 0;
    size_t e = find_event(w, "layover", 80000000), n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cl[i].scope, TR_CLAIM_TRACKED);
        assert_int_equal(cl[i].since, TR_DAY_NONE);
        assert_false(tr_records_postable(&cl[i]));
    }
    /* V, Dahlia Yoon, Juno Park, TAEO */
    assert_int_equal(cl[0].tracked_members, 4);
    char post[TR_RECORDS_POST_SIZE], text[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Layover has now passed 80M streams on Spotify.");
    assert_int_equal(tr_records_claim_text(&w->c, &w->ev[e], &cl[0], text, sizeof text), 0);
    assert_string_equal(text, "V is the first and only Korean solo artist among the 4 tracked acts "
                              "to achieve this.");
    tr_records_free(cl);

    struct tr_world_row kr = {{"KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN},
                              day_of("2023-01-01")};
    in.world = &kr;
    in.n_world = 1;
    cl = claims_for(&in, e, &n);
    assert_int_equal(n, 2);
    assert_int_equal(cl[0].scope, TR_CLAIM_WORLD);
    assert_int_equal(cl[0].since, day_of("2023-01-01"));
    assert_int_equal(cl[0].tracked_members, 0);
    assert_int_equal(cl[1].scope, TR_CLAIM_TRACKED);     /* K-pop male acts: not declared */
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Layover has now passed 80M streams on Spotify. "
                              "V is the first and only Korean solo artist (releases out since "
                              "January 2023) to achieve this.");
    tr_records_free(cl);
    /* a release out before the row's day is not of the declared world */
    kr.since = day_of("2023-09-09");
    cl = claims_for(&in, e, &n);
    assert_int_equal(cl[0].scope, TR_CLAIM_TRACKED);
    tr_records_free(cl);
    world_free(w);
}

static void test_layover_80m(void **state)
{
    (void)state;
    struct world *w = seed_world(false);
    struct tr_records_input in = input_of(w);
    size_t e = find_event(w, "layover", 80000000), n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 2);

    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_certain(&cl[0]);
    /* Layover, the pre-release single, Dahlia Yoon's two, Juno Park's, and
     * TAEO's album (out in January, not yet at 80M) */
    assert_int_equal(cl[0].members, 6);
    assert_int_equal(cl[0].reached, 1);
    assert_int_equal(cl[0].previous, TR_NONE);
    assert_int_equal(cl[0].margin, TR_DAYN_NONE);
    assert_int_equal(cl[0].day, 170);

    assert_int_equal(cl[1].kind, TR_CLAIM_FASTEST);
    assert_group(&cl[1].group, "", TR_KIND_UNKNOWN, TR_GENDER_MALE, "k-pop", TR_RELEASE_UNKNOWN);
    assert_certain(&cl[1]);
    /* V's two, Nova Seven's, Ren Aoki's, TAEO's; reached: Layover, Nova
     * Seven (400 days), Ren Aoki (600 days) */
    assert_int_equal(cl[1].members, 5);
    assert_int_equal(cl[1].reached, 3);
    assert_int_equal(cl[1].previous, find_release(w, "nova7-road"));
    assert_int_equal(cl[1].previous_day, 400);
    assert_int_equal(cl[1].previous_date, day_of("2021-04-06"));
    assert_int_equal(cl[1].margin, 230);
    assert_int_equal(cl[1].day, 170);

    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Layover has now passed 80M streams on Spotify. "
                              "V is the first and only Korean solo artist to achieve this, "
                              "and the fastest K-pop male act (170 days).");
    /* the seed's own wording, with the claims a caller picks */
    struct tr_claim first = cl[0];
    first.kind = TR_CLAIM_FIRST;
    struct tr_claim pick[2] = {first, cl[1]};
    post_of(w, e, pick, 2, post);
    assert_string_equal(post, "Every track on Layover has now passed 80M streams on Spotify. "
                              "V is the first Korean solo artist to achieve this, and the "
                              "fastest K-pop male act (170 days).");
    tr_records_free(cl);
    world_free(w);
}

/* 2023-12-16, day 99: every track over 60M; the first and only Korean
 * soloist, and no fastest claim (faster acts exist in every group that
 * "first and only" does not already cover). */
static void test_layover_60m(void **state)
{
    (void)state;
    struct world *w = seed_world(false);
    struct tr_records_input in = input_of(w);
    size_t e = find_event(w, "layover", 60000000), n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_certain(&cl[0]);
    assert_int_equal(cl[0].members, 5);            /* TAEO's album is not out yet */
    assert_int_equal(cl[0].reached, 1);
    assert_int_equal(cl[0].day, 99);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Layover has now passed 60M streams on Spotify. "
                              "V is the first and only Korean solo artist to achieve this.");
    tr_records_free(cl);
    world_free(w);
}

/* With the pre-release single's own every-track crossings (2023-09-08 and
 * 2023-09-18, from the fixture's streams), the claims become claims about
 * albums, which is how the press worded them. */
static void test_layover_with_pre_release(void **state)
{
    (void)state;
    struct world *w = seed_world(true);
    struct tr_records_input in = input_of(w);
    size_t e = find_event(w, "layover", 80000000), n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 2);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_ALBUM);
    assert_certain(&cl[0]);
    assert_int_equal(cl[0].members, 4);   /* Layover, Paper Moon, Concrete Garden, Daybreak Letters */
    assert_int_equal(cl[1].kind, TR_CLAIM_FASTEST);
    assert_group(&cl[1].group, "", TR_KIND_UNKNOWN, TR_GENDER_MALE, "k-pop", TR_RELEASE_ALBUM);
    assert_certain(&cl[1]);
    assert_int_equal(cl[1].previous_day, 400);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Layover has now passed 80M streams on Spotify. "
                              "Layover is the first and only album by a Korean solo artist to "
                              "achieve this, and the fastest album by a K-pop male act (170 days).");
    tr_records_free(cl);

    e = find_event(w, "layover", 60000000);
    cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_ALBUM);
    tr_records_free(cl);

    /* the single itself was first among Korean soloists, and fastest */
    e = find_event(w, "layover-pre", 80000000);
    cl = claims_for(&in, e, &n);
    assert_true(n >= 1);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_SOLO, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    tr_records_free(cl);
    world_free(w);
}

/* Nothing later is seen: the Layover claims are the same when the world is
 * cut at their date (events up to the date, data up to the date), and
 * TAEO's faster 80M (day 100, 2024-04-19) gets its own claim later. */
static void test_no_hindsight(void **state)
{
    (void)state;
    static const uint64_t th[] = {60000000, 80000000};
    for (size_t k = 0; k < 2; k++) {
        struct world *w = seed_world(false);
        struct tr_records_input in = input_of(w);
        size_t e = find_event(w, "layover", th[k]), n_full, n_cut;
        struct tr_claim *full = claims_for(&in, e, &n_full);
        tr_day D = w->ev[e].date;

        /* keep the events up to D (e keeps its index: it is among the first) */
        size_t n = 0, e_cut = 0;
        for (size_t i = 0; i < w->n_ev; i++)
            if (w->ev[i].date <= D) {
                if (i == e)
                    e_cut = n;
                w->ev[n++] = w->ev[i];
            }
        w->n_ev = n;
        /* and the data up to D: the last data day on or before D */
        FILE *f = open_data("streams.csv");
        char line[256], *fl[4];
        for (uint32_t t = 0; t < w->c.n_tracks; t++)
            if (w->c.tracks[t].artists[0] != find_artist(w, "v"))
                w->track_last[t] = TR_DAY_NONE;
            else
                w->track_last[t] = D;
        assert_non_null(fgets(line, sizeof line, f));
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            split(line, ',', fl, 4);
            uint32_t t = find_track(w, fl[1]);
            tr_day d = day_of(fl[0]);
            if (d <= D && (w->track_last[t] == TR_DAY_NONE || d > w->track_last[t]))
                w->track_last[t] = d;
        }
        fclose(f);
        for (uint32_t r = 0; r < w->c.n_releases; r++) {
            const struct tr_release *rel = &w->c.releases[r];
            tr_day last = w->track_last[rel->tracks[0]];
            for (uint32_t j = 1; j < rel->n_tracks; j++)
                if (w->track_last[rel->tracks[j]] < last)
                    last = w->track_last[rel->tracks[j]];
            w->release_last[r] = last;
        }
        in = input_of(w);
        struct tr_claim *cut = claims_for(&in, e_cut, &n_cut);
        assert_int_equal(n_cut, n_full);
        for (size_t i = 0; i < n_full; i++) {
            cut[i].event = full[i].event;
            assert_memory_equal(&cut[i], &full[i], sizeof cut[i]);
        }
        tr_records_free(full);
        tr_records_free(cut);
        world_free(w);
    }

    /* TAEO, later (day 100): faster than everyone in the Korean and the
     * K-pop groups (Velvet Hour had 120 days), level with Westbound among
     * albums; only Neon Rain (a US single, 45 days) was faster. */
    struct world *w = seed_world(false);
    struct tr_records_input in = input_of(w);
    size_t e = find_event(w, "taeo-letters", 80000000), n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cl[i].kind, TR_CLAIM_FASTEST);
        assert_false(cl[i].uncertain);
        assert_int_equal(cl[i].day, 100);
    }
    assert_group(&cl[0].group, "KR", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[0].previous, find_release(w, "velvet-bloom"));
    assert_int_equal(cl[0].margin, 20);
    assert_group(&cl[1].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, "k-pop", TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[1].previous, find_release(w, "velvet-bloom"));
    assert_group(&cl[2].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_ALBUM);
    assert_true(cl[2].joint);
    assert_int_equal(cl[2].previous, find_release(w, "eli-westbound"));
    assert_int_equal(cl[2].margin, 0);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Daybreak Letters has now passed 80M streams on "
                              "Spotify. TAEO is the fastest Korean act to achieve this (100 "
                              "days), and the fastest K-pop act (100 days). Daybreak Letters is "
                              "the joint fastest album to achieve this (100 days).");
    tr_records_free(cl);
    world_free(w);
}

/* ------------------------------------------------------------------ */
/* The rules on small worlds                                           */

/* A tiny world: artists A (KR solo male k-pop), B (KR solo male k-pop),
 * C (US solo female pop); one album each, released 2020-01-01. */
static struct world *tiny_world(void)
{
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    add_artist(w, "a", "Ann", "KR", TR_KIND_SOLO, TR_GENDER_MALE, "k-pop");
    add_artist(w, "b", "Bo", "KR", TR_KIND_SOLO, TR_GENDER_MALE, "k-pop");
    add_artist(w, "c", "Cy", "US", TR_KIND_SOLO, TR_GENDER_FEMALE, "pop");
    add_release(w, "ra", "Alpha", "a", TR_RELEASE_ALBUM, "2020-01-01");
    add_release(w, "rb", "Beta", "b", TR_RELEASE_ALBUM, "2020-01-01");
    add_release(w, "rc", "Gamma", "c", TR_RELEASE_ALBUM, "2020-01-01");
    resolve_series(w);
    w->release_last = malloc(3 * sizeof *w->release_last);
    assert_non_null(w->release_last);
    for (int i = 0; i < 3; i++)
        w->release_last[i] = day_of("2021-12-31");
    return w;
}

static struct tr_records_input tiny_input(const struct world *w)
{
    struct tr_records_input in;
    memset(&in, 0, sizeof in);
    in.world = &whole_world;
    in.n_world = 1;
    in.catalog = &w->c;
    in.events = w->ev;
    in.n_events = w->n_ev;
    in.last_day[TR_SUBJECT_RELEASE] = w->release_last;
    return in;
}

/* The most general group wins: Ann first of all, so no "first Korean". */
static void test_most_general_only(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    add_event(w, TR_SUBJECT_RELEASE, 1, TR_MS_EVERY_TRACK, 10000000, "2020-03-01", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[0].members, 3);
    tr_records_free(cl);
    /* Bo, a month later and slower: fastest of nothing, first of nothing */
    cl = claims_for(&in, 1, &n);
    assert_int_equal(n, 0);
    tr_records_free(cl);
    world_free(w);
}

/* Same day: a joint first, said so; only is false. */
static void test_joint_first(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    add_event(w, TR_SUBJECT_RELEASE, 1, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 2);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST);
    assert_true(cl[0].joint);
    assert_int_equal(cl[0].reached, 2);
    assert_group(&cl[0].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[1].kind, TR_CLAIM_FASTEST);
    assert_true(cl[1].joint);
    assert_int_equal(cl[1].margin, 0);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Alpha has now passed 10M streams on Spotify. "
                              "Ann is the joint first act to achieve this, and the joint "
                              "fastest act (31 days).");
    tr_records_free(cl);
    world_free(w);
}

/* A competitor whose data end before the date may have crossed unseen:
 * "only" becomes uncertain (the others' data), "first" stays certain when
 * its data reach the day before. */
static void test_stale_competitor(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    w->release_last[1] = day_of("2020-01-31");        /* Bo's data stop the day before */
    w->release_last[2] = day_of("2020-01-20");        /* Cy's stop earlier */
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    /* Bo can only have crossed on the day itself, Cy at any time since
     * 2020-01-21.  Certain: first among Korean acts (Ann, Bo; also the
     * K-pop and the male acts: the same members, named by country), and
     * fastest there (Bo's days could only be as many).  Uncertain: first
     * and only, and fastest, of all acts. */
    assert_int_equal(n, 4);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST);
    assert_group(&cl[0].group, "KR", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_false(cl[0].uncertain);
    assert_false(cl[0].joint);
    assert_int_equal(cl[0].members, 2);
    assert_int_equal(cl[0].reached, 1);
    assert_int_equal(cl[0].unsettled, 1);
    assert_int_equal(cl[1].kind, TR_CLAIM_FASTEST);
    assert_group(&cl[1].group, "KR", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_false(cl[1].uncertain);
    assert_int_equal(cl[1].previous, TR_NONE);
    assert_int_equal(cl[2].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[2].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_true(cl[2].uncertain);
    assert_int_equal(cl[2].doubt, TR_DOUBT_OTHERS);
    assert_int_equal(cl[2].members, 3);
    assert_int_equal(cl[2].unsettled, 2);
    assert_int_equal(cl[3].kind, TR_CLAIM_FASTEST);
    assert_true(cl[3].uncertain);
    assert_int_equal(cl[3].doubt, TR_DOUBT_OTHERS);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Every track on Alpha has now passed 10M streams on Spotify. Ann "
                              "is the first Korean act to achieve this, the fastest Korean act "
                              "(31 days), possibly the first and only act, and possibly the "
                              "fastest act (31 days).");
    tr_records_free(cl);
    /* no coverage given: the data count as complete, all certain */
    in.last_day[TR_SUBJECT_RELEASE] = NULL;
    cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_false(cl[0].uncertain);
    tr_records_free(cl);
    world_free(w);
}

/* The event's own crossing is known only within (after, date]: a
 * competitor that crossed inside that range makes "first" uncertain, for
 * that reason. */
static void test_own_date_uncertain(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-10",
                         "2020-02-01");
    add_event(w, TR_SUBJECT_RELEASE, 1, TR_MS_EVERY_TRACK, 10000000, "2020-02-05", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    bool first_u = false;
    for (size_t i = 0; i < n; i++) {
        assert_int_not_equal(cl[i].kind, TR_CLAIM_FIRST_AND_ONLY);
        if (cl[i].kind == TR_CLAIM_FIRST && !cl[i].group.country[0] && !cl[i].group.genre &&
            !cl[i].group.kind) {
            assert_true(cl[i].uncertain);
            assert_int_equal(cl[i].doubt, TR_DOUBT_OWN_DATE);
            first_u = true;
        }
    }
    assert_true(first_u);
    tr_records_free(cl);
    world_free(w);
}

/* Collaborations count for the primary artist only; an unknown country
 * keeps a subject out of every group that names a country. */
static void test_collaboration_and_unknowns(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    /* Cy's album featuring Ann, earlier: not a Korean release */
    uint32_t delta = add_release(w, "rd", "Delta", "c;a", TR_RELEASE_ALBUM, "2019-01-01");
    add_artist(w, "x", "Xen", "", TR_KIND_SOLO, TR_GENDER_MALE, "k-pop");
    uint32_t xi = add_release(w, "rx", "Xi", "x", TR_RELEASE_ALBUM, "2019-01-01");
    free(w->release_last);
    w->release_last = NULL;
    add_event(w, TR_SUBJECT_RELEASE, delta, TR_MS_EVERY_TRACK, 10000000, "2019-06-01", "");
    size_t ex = add_event(w, TR_SUBJECT_RELEASE, xi, TR_MS_EVERY_TRACK, 10000000, "2019-07-01", "");
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    /* Ann: first and only Korean act, despite the featuring (Delta is Cy's)
     * and despite Xen (no country, so in no Korean group); and the fastest
     * of all (31 days against Delta's 151 and Xi's 181) */
    assert_int_equal(n, 2);
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "KR", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL,
                 TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[0].members, 2);                 /* Alpha, Beta */
    assert_int_equal(cl[1].kind, TR_CLAIM_FASTEST);
    assert_group(&cl[1].group, "", TR_KIND_UNKNOWN, TR_GENDER_UNKNOWN, NULL, TR_RELEASE_UNKNOWN);
    assert_int_equal(cl[1].previous, delta);
    assert_int_equal(cl[1].previous_day, 151);
    tr_records_free(cl);
    /* Xen: second of all (Delta was first); first and only of the male
     * acts, which on 2019-07-01 are also all the K-pop acts (Ann's and Bo's
     * albums are not out): one group, named by gender.  No claim names a
     * country. */
    cl = claims_for(&in, ex, &n);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cl[i].group.country, "");
    assert_int_equal(cl[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_group(&cl[0].group, "", TR_KIND_UNKNOWN, TR_GENDER_MALE, NULL, TR_RELEASE_UNKNOWN);
    tr_records_free(cl);
    world_free(w);
}

/* Two track ids of one recording are one subject: the single's and the
 * album's Rainy Days do not race each other, and both events get the
 * recording's claims. */
static void test_same_recording(void **state)
{
    (void)state;
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    add_layover(w, false);
    add_artist(w, "k", "Kay", "KR", TR_KIND_SOLO, TR_GENDER_MALE, "k-pop");
    uint32_t kt = add_track(w, "k1", "Kay Song", "k", "2023-01-01");
    resolve_series(w);
    w->n_ev = 0;
    uint32_t single = find_track(w, "5ydjxBSUIDn26MFzU3asP4");
    uint32_t album = find_track(w, "54bg1e6ABcZfpU3yzwxnPf");
    size_t e1 = add_event(w, TR_SUBJECT_TRACK, single, TR_MS_TRACK_TOTAL, 100000000,
                          "2023-09-20", "");
    size_t e2 = add_event(w, TR_SUBJECT_TRACK, album, TR_MS_TRACK_TOTAL, 100000000,
                          "2023-09-20", "");
    add_event(w, TR_SUBJECT_TRACK, kt, TR_MS_TRACK_TOTAL, 100000000, "2023-10-01", "");
    struct tr_records_input in;
    memset(&in, 0, sizeof in);
    in.world = &whole_world;
    in.n_world = 1;
    in.catalog = &w->c;
    in.events = w->ev;
    in.n_events = w->n_ev;
    size_t n1, n2;
    struct tr_claim *c1 = claims_for(&in, e1, &n1);
    struct tr_claim *c2 = claims_for(&in, e2, &n2);
    assert_int_equal(n1, 1);
    assert_int_equal(n2, 1);
    assert_int_equal(c1[0].kind, TR_CLAIM_FIRST_AND_ONLY);
    assert_false(c1[0].joint);
    /* the recording counts from its canonical track's day 0, the album's
     * 2023-09-08, as the event's own "day N" does */
    assert_int_equal(c1[0].day, 12);
    c2[0].event = c1[0].event;
    assert_memory_equal(&c1[0], &c2[0], sizeof c1[0]);
    tr_records_free(c1);
    tr_records_free(c2);
    world_free(w);
}

/* An event under a recording's other id (a chart song named by the id it
 * was first listed under) is judged and posted as the recording: the act
 * is the canonical track's, whatever the other id credits. */
static void test_post_names_recording_act(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    uint32_t ta = add_track(w, "ta", "Song", "a", "2020-01-01");
    uint32_t tx = add_track(w, "tx", "Song", "c", "2020-01-01");
    w->c.tracks[tx].same_as = ta;
    resolve_series(w);
    assert_int_equal(tr_catalog_canonical_track(&w->c, tx), ta);
    size_t e = add_event(w, TR_SUBJECT_TRACK, tx, TR_MS_TRACK_TOTAL, 1000000000, "2021-01-01", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    char post[TR_RECORDS_POST_SIZE], text[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Song by Ann has now passed 1B streams on Spotify. Ann is the first "
                              "and only act to achieve this.");
    assert_int_equal(tr_records_claim_text(&w->c, &w->ev[e], &cl[0], text, sizeof text), 0);
    assert_string_equal(text, "Ann is the first and only act to achieve this.");
    tr_records_free(cl);
    world_free(w);
}

/* An artist milestone: days from the artist's day 0 (its earliest release
 * or track), as tr_catalog_artist_day0() has it. */
static void test_artist_day0(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    add_release(w, "rf", "Feat", "b;a", TR_RELEASE_SINGLE, "2019-05-05");
    size_t e = add_event(w, TR_SUBJECT_ARTIST, 0, TR_MS_ARTIST_TOTAL, 1000000000, "2020-05-05", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    assert_int_equal(n, 1);
    tr_day d0 = tr_catalog_artist_day0(&w->c, 0);
    assert_int_equal(d0, day_of("2019-05-05"));
    assert_int_equal(cl[0].day, day_of("2020-05-05") - d0);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_string_equal(post, "Ann has now passed 1B streams on Spotify. Ann is the first and "
                              "only act to achieve this.");
    tr_records_free(cl);
    world_free(w);
}

static void test_invalid_events(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    add_event(w, TR_SUBJECT_RELEASE, 7, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    struct tr_records_input in = tiny_input(w);
    struct tr_claim *cl = NULL;
    size_t n = 99;
    struct tr_error err = {0};
    assert_int_equal(tr_records_compute(&in, &cl, &n, &err), TR_EUSAGE);
    assert_null(cl);
    assert_int_equal(n, 0);
    assert_string_equal(err.msg, "records: event 0: subject 7 out of range (catalog has 3)");
    w->ev[0].subject = 0;
    w->ev[0].subject_type = TR_SUBJECT_TRACK;
    tr_error_clear(&err);
    assert_int_equal(tr_records_for_event(&in, 0, &cl, &n, &err), TR_EUSAGE);
    assert_string_equal(err.msg, "records: event 0: a every_track milestone on a track");
    w->ev[0].subject_type = TR_SUBJECT_RELEASE;
    w->ev[0].after = w->ev[0].date;
    tr_error_clear(&err);
    assert_int_equal(tr_records_compute(&in, &cl, &n, &err), TR_EUSAGE);
    w->ev[0].after = TR_DAY_NONE;
    tr_error_clear(&err);
    assert_int_equal(tr_records_for_event(&in, 5, &cl, &n, &err), TR_EUSAGE);
    assert_string_equal(err.msg, "records: event 5 out of range (1 events)");
    /* too many genres */
    tr_error_clear(&err);
    uint32_t many = add_artist(w, "m", "Many", "KR", TR_KIND_SOLO, TR_GENDER_MALE,
                               "a;b;c;d;e;f;g;h;i");
    (void)many;
    assert_int_equal(tr_records_compute(&in, &cl, &n, &err), TR_ELIMIT);
    assert_string_equal(err.msg, "records: artist 'm': more than 8 genres");
    world_free(w);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static void test_group_names(void **state)
{
    (void)state;
    static const struct {
        struct tr_group g;
        enum tr_subject_type st;
        const char *name;
    } cases[] = {
        {{"KR", TR_KIND_SOLO, 0, NULL, 0}, TR_SUBJECT_RELEASE, "Korean solo artist"},
        {{"", 0, TR_GENDER_MALE, "k-pop", 0}, TR_SUBJECT_RELEASE, "K-pop male act"},
        {{"", 0, TR_GENDER_MALE, "k-pop", TR_RELEASE_ALBUM}, TR_SUBJECT_RELEASE,
         "album by a K-pop male act"},
        {{"US", TR_KIND_GROUP, TR_GENDER_FEMALE, "r&b", TR_RELEASE_EP}, TR_SUBJECT_RELEASE,
         "EP by an American R&B female group"},
        {{"", 0, 0, "r&b", TR_RELEASE_SINGLE}, TR_SUBJECT_RELEASE, "single by an R&B act"},
        {{"LU", TR_KIND_SOLO, 0, NULL, 0}, TR_SUBJECT_TRACK, "solo artist from LU"},
        {{"", TR_KIND_GROUP, TR_GENDER_MIXED, "rock", 0}, TR_SUBJECT_ARTIST, "rock mixed group"},
        {{"GB", 0, TR_GENDER_MIXED, NULL, 0}, TR_SUBJECT_ARTIST, "British mixed-gender act"},
        {{"", 0, 0, NULL, TR_RELEASE_ALBUM}, TR_SUBJECT_TRACK, "act"},
        {{"", 0, 0, NULL, TR_RELEASE_ALBUM}, TR_SUBJECT_RELEASE, "album"},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(tr_records_group_name(&cases[i].g, cases[i].st, buf, sizeof buf), 0);
        assert_string_equal(buf, cases[i].name);
    }
    assert_int_equal(tr_records_group_name(&cases[3].g, TR_SUBJECT_RELEASE, buf, 8), TR_ELIMIT);
    assert_string_equal(buf, "EP by a");
    assert_string_equal(tr_records_claim_name(TR_CLAIM_FIRST_AND_ONLY), "first_and_only");
    assert_string_equal(tr_records_doubt_name(TR_DOUBT_OWN_DATE), "own_date");
}

/* Posts stay within 280 characters: claims drop from the end, then long
 * names are shortened; CJK characters count twice. */
static void test_post_limits(void **state)
{
    (void)state;
    struct world *w = tiny_world();
    free(w->c.releases[0].title);
    char title[700];
    memset(title, 'x', 600);
    title[600] = '\0';
    w->c.releases[0].title = dup_str(title);
    size_t e = add_event(w, TR_SUBJECT_RELEASE, 0, TR_MS_EVERY_TRACK, 10000000, "2020-02-01", "");
    struct tr_records_input in = tiny_input(w);
    size_t n;
    struct tr_claim *cl = claims_for(&in, e, &n);
    char post[TR_RECORDS_POST_SIZE];
    post_of(w, e, cl, n, post);
    assert_true(strlen(post) <= 280);
    assert_non_null(strstr(post, "\xE2\x80\xA6 has now passed 10M"));
    tr_records_free(cl);

    /* Korean title: 2 per character */
    free(w->c.releases[0].title);
    char ko[600] = "";
    for (int i = 0; i < 130; i++)
        strcat(ko, "\xEA\xB0\x80");                     /* U+AC00 */
    w->c.releases[0].title = dup_str(ko);
    cl = claims_for(&in, e, &n);
    post_of(w, e, cl, n, post);
    size_t weight = 0;
    for (const unsigned char *p = (const unsigned char *)post; *p; p++)
        if ((*p & 0xC0) != 0x80)
            weight += *p >= 0xE1 ? 2 : 1;
    assert_true(weight <= 280);
    tr_records_free(cl);
    /* a buffer too small says so */
    assert_int_equal(tr_records_post(&w->c, &w->ev[e], NULL, 0, post, 10), TR_ELIMIT);
    world_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle_events_match_streams),
        cmocka_unit_test(test_layover_80m),
        cmocka_unit_test(test_layover_80m_scope),
        cmocka_unit_test(test_layover_60m),
        cmocka_unit_test(test_layover_with_pre_release),
        cmocka_unit_test(test_no_hindsight),
        cmocka_unit_test(test_most_general_only),
        cmocka_unit_test(test_joint_first),
        cmocka_unit_test(test_stale_competitor),
        cmocka_unit_test(test_own_date_uncertain),
        cmocka_unit_test(test_collaboration_and_unknowns),
        cmocka_unit_test(test_same_recording),
        cmocka_unit_test(test_post_names_recording_act),
        cmocka_unit_test(test_artist_day0),
        cmocka_unit_test(test_invalid_events),
        cmocka_unit_test(test_group_names),
        cmocka_unit_test(test_post_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
