/*
 * test_records_random.c: the records engine against brute force.
 *
 * Catalogs are generated from fixed seeds (about 50 artists, 200 releases,
 * 400 tracks, with unknown attributes, several genres, collaborations,
 * tracks that share a recording, releases without a date) with milestone
 * events of every kind, ties, crossings known only within a range, events
 * before a subject's day 0, and data coverage that stops early.  For every
 * event an oracle written straight from the rules of docs/records.md
 * (member sets as sets, every candidate group, every generalization) says
 * which claims hold and are most general; the engine must print exactly
 * those, with the same evidence, by both of its paths.  So every printed
 * claim is true as of its date and every true most-general claim is
 * printed.
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

#define NEG (INT32_MIN / 2)
#define POS (INT32_MAX / 2)

/* ------------------------------------------------------------------ */
/* Generated worlds                                                    */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}

struct gen {
    struct tr_catalog c;
    struct tr_milestone *ev;
    size_t n_ev;
    tr_day *last[3];
    struct tr_world_row world[4];     /* declared coverage rows */
    size_t n_world;
    struct tr_chart_cover chart;      /* when the events are judged as a chart's */
};

static char *fmt_id(const char *prefix, uint32_t i)
{
    char *s = malloc(32);
    assert_non_null(s);
    snprintf(s, 32, "%s%u", prefix, i);
    return s;
}

static const char *GENRES[] = {"k-pop", "pop", "r&b", "rock", "hip hop"};
static const char *COUNTRIES[] = {"KR", "US", "JP", "GB", ""};

static struct gen *generate(uint64_t seed, bool coverage)
{
    rng_state = seed;
    struct gen *g = calloc(1, sizeof *g);
    assert_non_null(g);
    struct tr_catalog *c = &g->c;
    const tr_day base = 18000;                 /* 2019-04-14 */

    c->n_artists = 40 + rnd(20);
    c->artists = calloc(c->n_artists, sizeof *c->artists);
    assert_non_null(c->artists);
    for (uint32_t a = 0; a < c->n_artists; a++) {
        struct tr_artist *ar = &c->artists[a];
        ar->id = fmt_id("a", a);
        ar->name = fmt_id("Artist ", a);
        snprintf(ar->country, sizeof ar->country, "%s", COUNTRIES[rnd(5)]);
        ar->kind = (enum tr_artist_kind)rnd(3);
        ar->gender = (enum tr_gender)rnd(4);
        ar->n_genres = rnd(4);
        ar->genres = calloc(ar->n_genres + 1, sizeof *ar->genres);
        assert_non_null(ar->genres);
        for (uint32_t k = 0; k < ar->n_genres; k++) {
            const char *gn = GENRES[rnd(5)];
            ar->genres[k] = malloc(strlen(gn) + 1);
            assert_non_null(ar->genres[k]);
            strcpy(ar->genres[k], gn);             /* repeats on purpose */
        }
    }
    c->n_tracks = 300 + rnd(200);
    c->tracks = calloc(c->n_tracks, sizeof *c->tracks);
    assert_non_null(c->tracks);
    c->n_releases = 160 + rnd(80);
    c->releases = calloc(c->n_releases, sizeof *c->releases);
    assert_non_null(c->releases);
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        struct tr_track *tr = &c->tracks[t];
        tr->id = fmt_id("t", t);
        tr->title = fmt_id("Song ", t);
        tr->n_artists = 1 + (rnd(6) == 0);
        tr->artists = malloc(tr->n_artists * sizeof *tr->artists);
        assert_non_null(tr->artists);
        for (uint32_t k = 0; k < tr->n_artists; k++)
            tr->artists[k] = rnd(c->n_artists);
        tr->released = rnd(4) ? base + (tr_day)rnd(900) : TR_DAY_NONE;
        tr->same_as = t > 0 && rnd(10) == 0 ? rnd(t) : TR_NONE;
        tr->version_of = TR_NONE;
    }
    for (uint32_t r = 0; r < c->n_releases; r++) {
        struct tr_release *rel = &c->releases[r];
        rel->id = fmt_id("r", r);
        rel->title = fmt_id("Release ", r);
        rel->n_artists = rnd(12) ? 1 + (rnd(5) == 0) : 0;
        rel->artists = malloc((rel->n_artists + 1) * sizeof *rel->artists);
        assert_non_null(rel->artists);
        for (uint32_t k = 0; k < rel->n_artists; k++)
            rel->artists[k] = rnd(c->n_artists);
        rel->type = (enum tr_release_type)rnd(5);
        rel->date = rnd(10) ? base + (tr_day)rnd(900) : TR_DAY_NONE;
        rel->n_tracks = 1 + rnd(3);
        rel->tracks = malloc(rel->n_tracks * sizeof *rel->tracks);
        assert_non_null(rel->tracks);
        for (uint32_t k = 0; k < rel->n_tracks; k++)
            rel->tracks[k] = rnd(c->n_tracks);
    }
    /* series: the end of each same_as chain */
    c->n_series = c->n_tracks;
    c->series_track = malloc(c->n_tracks * sizeof *c->series_track);
    assert_non_null(c->series_track);
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        uint32_t k = t;
        while (c->tracks[k].same_as != TR_NONE)
            k = c->tracks[k].same_as;
        c->tracks[t].series = k;
        c->series_track[t] = t;
    }

    /* events: a few races per kind, narrow dates so that ties happen */
    size_t cap = 4096;
    g->ev = calloc(cap, sizeof *g->ev);
    assert_non_null(g->ev);
    static const uint64_t TH[] = {10000000, 50000000, 100000000};
    for (int kind = 0; kind < TR_MS_KIND_COUNT; kind++) {
        enum tr_subject_type st = kind == TR_MS_TRACK_TOTAL || TR_MS_IS_CHART(kind) ? TR_SUBJECT_TRACK
                                  : kind == TR_MS_ARTIST_TOTAL ? TR_SUBJECT_ARTIST
                                                               : TR_SUBJECT_RELEASE;
        uint32_t n = st == TR_SUBJECT_TRACK     ? c->n_tracks
                     : st == TR_SUBJECT_RELEASE ? c->n_releases
                                                : c->n_artists;
        for (size_t ti = 0; ti < 3; ti++)
            for (uint32_t s = 0; s < n; s++) {
                if (rnd(3) != 0 || g->n_ev == cap)
                    continue;
                struct tr_milestone *e = &g->ev[g->n_ev++];
                e->subject_type = st;
                e->subject = s;
                e->kind = (enum tr_milestone_kind)kind;
                e->threshold = TH[ti];
                e->date = base + (tr_day)(ti * 60) + (tr_day)rnd(1000);
                e->after = TR_DAY_NONE;
                e->day = TR_DAYN_NONE;             /* not read by the engine */
                e->slowest = TR_NONE;
                if (TR_MS_IS_CHART(kind))   /* two charts: the same milestone only within one */
                    assert_int_equal(tr_scope_intern(rnd(2) ? "weekly:us" : "weekly:jp", 9, &e->scope), 0);
                uint32_t u = rnd(10);
                if (u == 0)
                    e->open_start = true;
                else if (u <= 2)
                    e->after = e->date - 2 - (tr_day)rnd(40);
            }
    }
    /* declared coverage: a few rows, each constraining some attributes to
     * values the artists have, some from a day on */
    g->n_world = rnd(4);
    for (size_t r = 0; r < g->n_world; r++) {
        struct tr_world_row *w = &g->world[r];
        memset(w, 0, sizeof *w);
        if (rnd(2))
            snprintf(w->group.country, sizeof w->group.country, "%s", COUNTRIES[rnd(4)]);
        if (rnd(3) == 0)
            w->group.kind = (enum tr_artist_kind)(1 + rnd(2));
        if (rnd(3) == 0)
            w->group.gender = (enum tr_gender)(1 + rnd(3));
        if (rnd(3) == 0)
            w->group.genre = GENRES[rnd(5)];
        if (rnd(4) == 0)
            w->group.release_type = (enum tr_release_type)(1 + rnd(4));
        w->since = rnd(2) ? TR_DAY_NONE : base + (tr_day)rnd(900);
    }
    g->chart.complete = rnd(3) != 0;
    g->chart.since = rnd(2) ? TR_DAY_NONE : base + (tr_day)rnd(300);
    g->chart.debuts_since = base + (tr_day)rnd(300);
    if (coverage) {
        for (int st = 0; st < 3; st++) {
            uint32_t n = st == TR_SUBJECT_TRACK     ? c->n_tracks
                         : st == TR_SUBJECT_RELEASE ? c->n_releases
                                                    : c->n_artists;
            g->last[st] = malloc((n ? n : 1) * sizeof(tr_day));
            assert_non_null(g->last[st]);
            for (uint32_t i = 0; i < n; i++) {
                uint32_t u = rnd(10);
                g->last[st][i] = u == 0   ? TR_DAY_NONE
                                 : u <= 2 ? base + (tr_day)rnd(1100)
                                          : base + 2000;
            }
        }
    }
    return g;
}

static void gen_free(struct gen *g)
{
    struct tr_catalog *c = &g->c;
    for (uint32_t a = 0; a < c->n_artists; a++) {
        free(c->artists[a].id);
        free(c->artists[a].name);
        for (uint32_t k = 0; k < c->artists[a].n_genres; k++)
            free(c->artists[a].genres[k]);
        free(c->artists[a].genres);
    }
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        free(c->tracks[t].id);
        free(c->tracks[t].title);
        free(c->tracks[t].artists);
    }
    for (uint32_t r = 0; r < c->n_releases; r++) {
        free(c->releases[r].id);
        free(c->releases[r].title);
        free(c->releases[r].artists);
        free(c->releases[r].tracks);
    }
    free(c->artists);
    free(c->tracks);
    free(c->releases);
    free(c->series_track);
    free(g->ev);
    for (int i = 0; i < 3; i++)
        free(g->last[i]);
    free(g);
}

/* ------------------------------------------------------------------ */
/* The oracle                                                          */

enum { VF, VU, VT };

/* Everything the rules need about one subject of the event's type. */
struct subj {
    bool canonical;
    uint32_t artist;
    int rtype;
    tr_day day0, start, stale;
};

struct oracle {
    const struct gen *g;
    enum tr_subject_type st;
    uint32_t n;
    struct subj *s;
};

static uint32_t canon_of(const struct tr_catalog *c, enum tr_subject_type st, uint32_t i)
{
    return st == TR_SUBJECT_TRACK ? c->series_track[c->tracks[i].series] : i;
}

static void oracle_init(struct oracle *o, const struct gen *g, enum tr_subject_type st)
{
    const struct tr_catalog *c = &g->c;
    o->g = g;
    o->st = st;
    o->n = st == TR_SUBJECT_TRACK ? c->n_tracks : st == TR_SUBJECT_RELEASE ? c->n_releases
                                                                           : c->n_artists;
    o->s = calloc(o->n ? o->n : 1, sizeof *o->s);
    assert_non_null(o->s);
    for (uint32_t i = 0; i < o->n; i++) {
        struct subj *x = &o->s[i];
        x->canonical = canon_of(c, st, i) == i;
        x->artist = TR_NONE;
        if (st == TR_SUBJECT_TRACK && c->tracks[i].n_artists)
            x->artist = c->tracks[i].artists[0];
        if (st == TR_SUBJECT_RELEASE && c->releases[i].n_artists)
            x->artist = c->releases[i].artists[0];
        if (st == TR_SUBJECT_ARTIST)
            x->artist = i;
        x->rtype = st == TR_SUBJECT_RELEASE ? (int)c->releases[i].type : 0;
        x->day0 = TR_DAY_NONE;
    }
    /* day 0: a recording's is its canonical track's, as the engine counts */
    for (uint32_t i = 0; i < o->n; i++) {
        uint32_t k = canon_of(c, st, i);
        o->s[i].day0 = st == TR_SUBJECT_TRACK     ? tr_catalog_track_day0(c, k)
                     : st == TR_SUBJECT_RELEASE ? c->releases[i].date
                                                : tr_catalog_artist_day0(c, i);
    }
    for (uint32_t i = 0; i < o->n; i++) {
        struct subj *x = &o->s[i];
        if (!x->canonical)
            continue;
        tr_day first = POS, last = TR_DAY_NONE;
        for (size_t e = 0; e < g->n_ev; e++) {
            const struct tr_milestone *ev = &g->ev[e];
            if (ev->subject_type != st || canon_of(c, st, ev->subject) != i)
                continue;
            if (ev->date < first)
                first = ev->date;
            if (last == TR_DAY_NONE || ev->date > last)
                last = ev->date;
        }
        x->start = x->day0 == TR_DAY_NONE ? NEG : first < x->day0 ? first : x->day0;
        if (!g->last[st]) {
            x->stale = POS;
            continue;
        }
        tr_day L = g->last[st][i];
        if (last != TR_DAY_NONE && (L == TR_DAY_NONE || L < last))
            L = last;
        tr_day lo = L == TR_DAY_NONE ? NEG : L + 1;
        x->stale = lo < x->start ? x->start : lo;
    }
}

struct attrs {
    char country[3];
    int kind, gender, rtype;
    const char *genres[8];
    int ng;
};

static void attrs_of(const struct oracle *o, uint32_t m, struct attrs *a)
{
    memset(a, 0, sizeof *a);
    a->rtype = o->s[m].rtype;
    uint32_t ar = o->s[m].artist;
    if (ar == TR_NONE)
        return;
    const struct tr_artist *x = &o->g->c.artists[ar];
    snprintf(a->country, 3, "%s", x->country);
    a->kind = (int)x->kind;
    a->gender = (int)x->gender;
    for (uint32_t k = 0; k < x->n_genres; k++) {
        bool dup = false;
        for (int j = 0; j < a->ng; j++)
            dup |= !strcmp(a->genres[j], x->genres[k]);
        if (!dup)
            a->genres[a->ng++] = x->genres[k];
    }
}

/* A candidate group of the subject: constrained attributes (bits 1 country,
 * 2 kind, 4 gender, 8 release type) and a genre (index, -1 none). */
struct cand {
    unsigned mask;
    int genre;
    unsigned char *in;                /* member set, by subject index */
    uint32_t size;
    int val[3];
    /* evidence */
    uint32_t reached, maybe, prev;
    int32_t prev_day;
    tr_day prev_date;
    bool sure_before_D;               /* someone surely crossed by D - 1 */
};

static bool has_genre(const struct attrs *a, const char *gname)
{
    for (int j = 0; j < a->ng; j++)
        if (!strcmp(a->genres[j], gname))
            return true;
    return false;
}

static bool in_group(const struct attrs *s, const struct attrs *m, unsigned mask, int genre)
{
    if ((mask & 1) && strcmp(s->country, m->country))
        return false;
    if ((mask & 2) && s->kind != m->kind)
        return false;
    if ((mask & 4) && s->gender != m->gender)
        return false;
    if ((mask & 8) && s->rtype != m->rtype)
        return false;
    return genre < 0 || has_genre(m, s->genres[genre]);
}

static bool subset(const unsigned char *a, const unsigned char *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (a[i] && !b[i])
            return false;
    return true;
}

static bool generalizes(const struct cand *big, const struct cand *small)
{
    return (big->mask & ~small->mask) == 0 && (big->genre < 0 || big->genre == small->genre) &&
           (big->mask != small->mask || big->genre != small->genre);
}

static int n_constraints(const struct cand *c)
{
    int n = c->genre >= 0;
    for (unsigned b = 1; b < 16; b <<= 1)
        n += (c->mask & b) != 0;
    return n;
}

/* The naming preference: fewer constraints, then earlier attributes
 * (country, kind, gender, genre, type), then the earlier genre. */
static bool more_general(const struct cand *a, const struct cand *b)
{
    int na = n_constraints(a), nb = n_constraints(b);
    if (na != nb)
        return na < nb;
    unsigned ba = (a->mask & 1 ? 16u : 0) | (a->mask & 2 ? 8u : 0) | (a->mask & 4 ? 4u : 0) |
                  (a->genre >= 0 ? 2u : 0) | (a->mask & 8 ? 1u : 0);
    unsigned bb = (b->mask & 1 ? 16u : 0) | (b->mask & 2 ? 8u : 0) | (b->mask & 4 ? 4u : 0) |
                  (b->genre >= 0 ? 2u : 0) | (b->mask & 8 ? 1u : 0);
    if (ba != bb)
        return ba > bb;
    return a->genre < b->genre;
}

struct expect {
    struct tr_claim *c;
    size_t n, cap;
};

static void expect_push(struct expect *x, const struct tr_claim *cl)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->c = realloc(x->c, x->cap * sizeof *x->c);
        assert_non_null(x->c);
    }
    x->c[x->n++] = *cl;
}

/* The claims of event e, by the rules, appended to x. */
static void oracle_event(const struct oracle *o, size_t e, struct expect *x)
{
    const struct tr_catalog *c = &o->g->c;
    const struct tr_milestone *ev = &o->g->ev[e];
    uint32_t s = canon_of(c, o->st, ev->subject);
    const struct subj *S = &o->s[s];
    tr_day D = ev->date;
    tr_day sa = ev->after != TR_DAY_NONE ? ev->after + 1 : ev->open_start ? NEG : D;
    if (sa < S->start)
        sa = S->start;
    int32_t day = S->day0 == TR_DAY_NONE ? TR_DAYN_NONE : D - S->day0;
    int32_t min_day = day == TR_DAYN_NONE ? TR_DAYN_NONE : sa <= NEG ? NEG : sa - S->day0;

    /* every subject's crossing interval in this race */
    tr_day *lo = malloc(o->n * sizeof *lo), *hi = malloc(o->n * sizeof *hi);
    assert_non_null(lo);
    assert_non_null(hi);
    for (uint32_t m = 0; m < o->n; m++) {
        lo[m] = o->s[m].stale;
        hi[m] = POS;
    }
    bool *has = calloc(o->n, sizeof *has);
    assert_non_null(has);
    for (size_t j = 0; j < o->g->n_ev; j++) {
        const struct tr_milestone *x2 = &o->g->ev[j];
        if (x2->subject_type != o->st || !tr_milestone_same(x2, ev))
            continue;
        uint32_t m = canon_of(c, o->st, x2->subject);
        tr_day l = x2->after != TR_DAY_NONE ? x2->after + 1 : x2->open_start ? NEG : x2->date;
        if (l < o->s[m].start)
            l = o->s[m].start;
        if (!has[m] || x2->date < hi[m] || (x2->date == hi[m] && l < lo[m])) {
            lo[m] = l;
            hi[m] = x2->date;
            has[m] = true;
        }
    }

    struct attrs as;
    attrs_of(o, s, &as);
    unsigned valid = (as.country[0] ? 1u : 0) | (as.kind ? 2u : 0) | (as.gender ? 4u : 0) |
                     (as.rtype ? 8u : 0);
    struct cand cands[16 * 9];
    int nc = 0;
    for (int genre = -1; genre < as.ng; genre++)
        for (unsigned mask = 0; mask < 16; mask++) {
            if (mask & ~valid)
                continue;
            struct cand *k = &cands[nc++];
            memset(k, 0, sizeof *k);
            k->mask = mask;
            k->genre = genre;
            k->in = calloc(o->n, 1);
            assert_non_null(k->in);
            k->prev = TR_NONE;
            k->prev_day = TR_DAYN_NONE;
            k->prev_date = TR_DAY_NONE;
            int only = VT, first = VT, fast = day == TR_DAYN_NONE ? VF : VT;
            for (uint32_t m = 0; m < o->n; m++) {
                const struct subj *M = &o->s[m];
                if (!M->canonical || M->start > D)
                    continue;
                struct attrs am;
                attrs_of(o, m, &am);
                if (m != s && !in_group(&as, &am, mask, genre))
                    continue;
                k->in[m] = 1;
                k->size++;
                if (m == s)
                    continue;
                /* only */
                if (hi[m] <= D)
                    only = VF;
                else if (lo[m] <= D && only == VT)
                    only = VU;
                /* first */
                if (hi[m] < sa)
                    first = VF;
                else if (lo[m] < D && first == VT)
                    first = VU;
                /* fastest */
                int32_t dh = M->day0 == TR_DAY_NONE ? TR_DAYN_NONE : hi[m] - M->day0;
                int32_t dl = M->day0 == TR_DAY_NONE || lo[m] <= NEG ? NEG : lo[m] - M->day0;
                if (fast != VF && day != TR_DAYN_NONE) {
                    if (hi[m] <= D && dh != TR_DAYN_NONE && dh < min_day)
                        fast = VF;
                    else if (lo[m] <= D && dl < day)
                        fast = VU;
                }
                /* evidence */
                if (hi[m] <= D) {
                    k->reached++;
                    if (hi[m] <= D - 1)
                        k->sure_before_D = true;
                    if (dh != TR_DAYN_NONE &&
                        (k->prev == TR_NONE || dh < k->prev_day ||
                         (dh == k->prev_day &&
                          (hi[m] < k->prev_date || (hi[m] == k->prev_date && m < k->prev))))) {
                        k->prev = m;
                        k->prev_day = dh;
                        k->prev_date = hi[m];
                    }
                }
                if (lo[m] <= D)
                    k->maybe++;
            }
            k->val[0] = only;
            k->val[1] = first;
            k->val[2] = fast;
        }

    /* most general classes, per predicate and value */
    int reps[3][2][16 * 9], nreps[3][2];
    for (int p = 0; p < 3; p++)
        for (int vi = 0; vi < 2; vi++) {
            int v = vi == 0 ? VT : VU;
            nreps[p][vi] = 0;
            bool done[16 * 9] = {false};
            for (int i = 0; i < nc; i++) {
                if (cands[i].val[p] != v || done[i])
                    continue;
                /* its class: every candidate with the same members */
                int best = i;
                bool dominated = false;
                for (int j = 0; j < nc; j++) {
                    if (cands[j].val[p] != v || cands[j].size != cands[i].size ||
                        !subset(cands[j].in, cands[i].in, o->n))
                        continue;
                    done[j] = true;
                    if (more_general(&cands[j], &cands[best]))
                        best = j;
                    for (int k = 0; k < nc; k++) {
                        bool holds = v == VT ? cands[k].val[p] == VT : cands[k].val[p] != VF;
                        if (holds && generalizes(&cands[k], &cands[j]) &&
                            cands[k].size > cands[j].size &&
                            subset(cands[j].in, cands[k].in, o->n))
                            dominated = true;
                    }
                }
                if (!dominated)
                    reps[p][vi][nreps[p][vi]++] = best;
            }
            /* in naming order */
            for (int a = 0; a < nreps[p][vi]; a++)
                for (int b = a + 1; b < nreps[p][vi]; b++)
                    if (more_general(&cands[reps[p][vi][b]], &cands[reps[p][vi][a]])) {
                        int t = reps[p][vi][a];
                        reps[p][vi][a] = reps[p][vi][b];
                        reps[p][vi][b] = t;
                    }
        }

    for (int vi = 0; vi < 2; vi++) {
        int v = vi == 0 ? VT : VU;
        for (int p = 0; p < 3; p++)
            for (int r = 0; r < nreps[p][vi]; r++) {
                const struct cand *k = &cands[reps[p][vi][r]];
                enum tr_claim_kind kind = p == 0 ? TR_CLAIM_FIRST_AND_ONLY
                                          : p == 1 ? TR_CLAIM_FIRST
                                                   : TR_CLAIM_FASTEST;
                if (p == 1) {
                    bool merged = false;
                    for (int q = 0; q < nreps[0][vi]; q++)
                        merged |= reps[0][vi][q] == reps[p][vi][r];
                    if (merged)
                        continue;
                }
                if (p == 2 && k->val[0] == VT)
                    continue;
                struct tr_claim cl;
                memset(&cl, 0, sizeof cl);
                cl.event = e;
                cl.kind = kind;
                if (s < o->n && o->s[s].artist != TR_NONE) {
                    const struct tr_artist *ar = &c->artists[o->s[s].artist];
                    if (k->mask & 1)
                        memcpy(cl.group.country, ar->country, 2);
                    if (k->mask & 2)
                        cl.group.kind = ar->kind;
                    if (k->mask & 4)
                        cl.group.gender = ar->gender;
                    if (k->genre >= 0)
                        cl.group.genre = as.genres[k->genre];
                }
                if (k->mask & 8)
                    cl.group.release_type = (enum tr_release_type)as.rtype;
                cl.uncertain = v == VU;
                cl.day = day;
                cl.members = k->size;
                cl.reached = k->reached + 1;
                cl.unsettled = k->maybe - k->reached;
                cl.previous = TR_NONE;
                cl.previous_day = TR_DAYN_NONE;
                cl.previous_date = TR_DAY_NONE;
                cl.margin = TR_DAYN_NONE;
                if (kind == TR_CLAIM_FIRST)
                    cl.joint = v == VT && k->reached > 0;
                if (kind == TR_CLAIM_FASTEST) {
                    cl.joint = v == VT && k->prev != TR_NONE && k->prev_day == day;
                    if (k->prev != TR_NONE) {
                        cl.previous = k->prev;
                        cl.previous_day = k->prev_day;
                        cl.previous_date = k->prev_date;
                        cl.margin = k->prev_day - day;
                    }
                }
                if (v == VU)
                    cl.doubt = (kind == TR_CLAIM_FIRST && k->sure_before_D) ||
                                       (kind == TR_CLAIM_FASTEST && k->prev != TR_NONE &&
                                        k->prev_day < day)
                                   ? TR_DOUBT_OWN_DATE
                                   : TR_DOUBT_OTHERS;
                expect_push(x, &cl);
            }
    }
    for (int i = 0; i < nc; i++)
        free(cands[i].in);
    free(lo);
    free(hi);
    free(has);
}

/* ------------------------------------------------------------------ */
/* The oracle of scope, from the rules of docs/records.md ("Scope")     */

static bool artist_in_group(const struct tr_artist *ar, const struct tr_group *g)
{
    bool genre = !g->genre;
    for (uint32_t k = 0; k < ar->n_genres && !genre; k++)
        genre = strcmp(ar->genres[k], g->genre) == 0;
    return genre && (!g->country[0] || !strcmp(ar->country, g->country)) &&
           (!g->kind || ar->kind == g->kind) && (!g->gender || ar->gender == g->gender);
}

/* Does the row's group contain g (constrain a subset of g's attributes,
 * with equal values)? */
static bool row_contains(const struct tr_group *r, const struct tr_group *g)
{
    return (!r->country[0] || !strcmp(r->country, g->country)) && (!r->kind || r->kind == g->kind) &&
           (!r->gender || r->gender == g->gender) &&
           (!r->genre || (g->genre && !strcmp(r->genre, g->genre))) &&
           (!r->release_type || r->release_type == g->release_type);
}

/* Does a competitor by artist a leave an attribute g constrains unknown? */
static bool unknown_for(const struct tr_catalog *c, uint32_t a, const struct tr_group *g)
{
    if (a == TR_NONE)
        return g->country[0] || g->kind || g->gender || g->genre;
    const struct tr_artist *ar = &c->artists[a];
    return (g->country[0] && !ar->country[0]) || (g->kind && !ar->kind) ||
           (g->gender && !ar->gender) || (g->genre && !ar->n_genres);
}

static uint32_t artist_of(const struct tr_catalog *c, const struct tr_milestone *ev)
{
    if (ev->subject_type == TR_SUBJECT_ARTIST)
        return ev->subject;
    uint32_t s = canon_of(c, ev->subject_type, ev->subject);
    if (ev->subject_type == TR_SUBJECT_TRACK)
        return c->tracks[s].n_artists ? c->tracks[s].artists[0] : TR_NONE;
    return c->releases[s].n_artists ? c->releases[s].artists[0] : TR_NONE;
}

/* Drops the act claims of subjects without an artist and gives the others
 * their scope, since and tracked acts. */
static void oracle_scope(const struct gen *g, const struct oracle o[3], bool chart,
                         struct expect *x)
{
    const struct tr_catalog *c = &g->c;
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++) {
        struct tr_claim cl = x->c[i];
        const struct tr_milestone *ev = &g->ev[cl.event];
        uint32_t a = artist_of(c, ev);
        if (a == TR_NONE && !(ev->subject_type == TR_SUBJECT_RELEASE && cl.group.release_type))
            continue;
        cl.scope = TR_CLAIM_TRACKED;
        cl.since = TR_DAY_NONE;
        if (chart) {
            bool world = g->chart.complete;
            for (size_t f = 0; f < g->n_ev && world; f++) {
                const struct tr_milestone *o2 = &g->ev[f];
                tr_day lo = o2->open_start ? NEG : o2->after != TR_DAY_NONE ? o2->after + 1 : o2->date;
                if (o2->kind == ev->kind && o2->threshold == ev->threshold &&
                    o2->scope == ev->scope && lo <= ev->date &&
                    unknown_for(c, artist_of(c, o2), &cl.group))
                    world = false;
            }
            if (world) {
                cl.scope = TR_CLAIM_WORLD;
                cl.since = ev->kind == TR_MS_CHART_DEBUT ? g->chart.debuts_since : g->chart.since;
                if (cl.since != TR_DAY_NONE && ev->open_start && !cl.uncertain) {
                    cl.uncertain = true;
                    cl.doubt = TR_DOUBT_OWN_DATE;
                }
            }
        } else {
            tr_day day0 = ev->subject_type == TR_SUBJECT_ARTIST
                              ? TR_DAY_NONE
                              : o[ev->subject_type].s[canon_of(c, ev->subject_type, ev->subject)].day0;
            for (size_t r = 0; r < g->n_world; r++) {
                const struct tr_world_row *w = &g->world[r];
                bool out_since = w->since == TR_DAY_NONE ||
                                 (ev->subject_type != TR_SUBJECT_ARTIST && day0 != TR_DAY_NONE &&
                                  day0 >= w->since);
                if (!row_contains(&w->group, &cl.group) || !out_since)
                    continue;
                if (cl.scope == TR_CLAIM_TRACKED ||
                    (cl.since != TR_DAY_NONE && (w->since == TR_DAY_NONE || w->since < cl.since))) {
                    cl.scope = TR_CLAIM_WORLD;
                    cl.since = w->since;
                }
            }
        }
        cl.tracked_members = 0;
        for (uint32_t m = 0; cl.scope == TR_CLAIM_TRACKED && m < c->n_artists; m++) {
            tr_day d0 = tr_catalog_artist_day0(c, m);
            cl.tracked_members += artist_in_group(&c->artists[m], &cl.group) &&
                                  (d0 == TR_DAY_NONE || d0 <= ev->date);
        }
        /* no record: a world window that opens on the event's day, or a
         * tracked group holding one act */
        if (cl.scope == TR_CLAIM_WORLD && cl.since != TR_DAY_NONE && cl.since >= ev->date)
            continue;
        if (cl.scope == TR_CLAIM_TRACKED && cl.tracked_members < 2)
            continue;
        x->c[k++] = cl;
    }
    x->n = k;
}

/* ------------------------------------------------------------------ */

static bool claim_equal(const struct tr_claim *a, const struct tr_claim *b)
{
    const struct tr_group *x = &a->group, *y = &b->group;
    bool genre = (!x->genre && !y->genre) || (x->genre && y->genre && !strcmp(x->genre, y->genre));
    return a->event == b->event && a->kind == b->kind && !strcmp(x->country, y->country) &&
           x->kind == y->kind && x->gender == y->gender && genre &&
           x->release_type == y->release_type && a->joint == b->joint &&
           a->uncertain == b->uncertain && a->doubt == b->doubt && a->day == b->day &&
           a->members == b->members && a->reached == b->reached &&
           a->unsettled == b->unsettled && a->previous == b->previous &&
           a->previous_day == b->previous_day && a->previous_date == b->previous_date &&
           a->margin == b->margin && a->scope == b->scope && a->since == b->since &&
           a->tracked_members == b->tracked_members;
}

static void print_claim(const char *who, const struct tr_claim *c)
{
    char name[128];
    tr_records_group_name(&c->group, TR_SUBJECT_RELEASE, name, sizeof name);
    print_message("%s: event %zu %s [%s] %s%s members %u reached %u unsettled %u prev %u/%d "
                  "margin %d doubt %d day %d scope %s since %d acts %u\n",
                  who, c->event, tr_records_claim_name(c->kind), name,
                  c->uncertain ? "uncertain " : "", c->joint ? "joint " : "", c->members,
                  c->reached, c->unsettled, c->previous, c->previous_day, c->margin, c->doubt,
                  c->day, tr_records_scope_name(c->scope), c->since, c->tracked_members);
}

static void check_world(uint64_t seed, bool coverage, bool chart, size_t *n_claims,
                        size_t *n_uncertain, size_t *n_world)
{
    struct gen *g = generate(seed, coverage);
    struct tr_records_input in;
    memset(&in, 0, sizeof in);
    in.catalog = &g->c;
    in.events = g->ev;
    in.n_events = g->n_ev;
    for (int i = 0; i < 3; i++)
        in.last_day[i] = g->last[i];
    in.world = g->world;
    in.n_world = g->n_world;
    in.chart = chart ? &g->chart : NULL;

    struct tr_claim *got = NULL;
    size_t n_got = 0;
    struct tr_error err = {0};
    assert_int_equal(tr_records_compute(&in, &got, &n_got, &err), 0);

    struct oracle o[3];
    for (int st = 0; st < 3; st++)
        oracle_init(&o[st], g, (enum tr_subject_type)st);
    struct expect want = {0};
    for (size_t e = 0; e < g->n_ev; e++)
        oracle_event(&o[g->ev[e].subject_type], e, &want);
    oracle_scope(g, o, chart, &want);

    size_t i = 0;
    for (; i < n_got && i < want.n; i++)
        if (!claim_equal(&got[i], &want.c[i]))
            break;
    if (i < n_got || i < want.n) {
        print_message("seed %llu coverage %d: first difference at claim %zu (%zu vs %zu)\n",
                      (unsigned long long)seed, coverage, i, n_got, want.n);
        if (i < n_got)
            print_claim("engine", &got[i]);
        if (i < want.n)
            print_claim("oracle", &want.c[i]);
        fail();
    }
    /* the one-event path agrees */
    for (size_t e = 0; e < g->n_ev; e++) {
        struct tr_claim *one = NULL;
        size_t n_one = 0, k = 0;
        assert_int_equal(tr_records_for_event(&in, e, &one, &n_one, &err), 0);
        for (size_t j = 0; j < want.n; j++)
            if (want.c[j].event == e) {
                assert_true(k < n_one);
                assert_true(claim_equal(&one[k], &want.c[j]));
                k++;
            }
        assert_int_equal(k, n_one);
        tr_records_free(one);
    }
    /* judging only the events from a day on gives exactly their claims */
    tr_day lo = g->ev[0].date, hi = g->ev[0].date;
    for (size_t e = 1; e < g->n_ev; e++) {
        lo = g->ev[e].date < lo ? g->ev[e].date : lo;
        hi = g->ev[e].date > hi ? g->ev[e].date : hi;
    }
    const tr_day cuts[] = {lo, lo + 1, lo + (hi - lo) / 3, lo + (hi - lo) / 2, hi - 1, hi, hi + 1};
    for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++) {
        struct tr_claim *part = NULL;
        size_t n_part = 0, k = 0;
        assert_int_equal(tr_records_since(&in, cuts[c], &part, &n_part, &err), 0);
        for (size_t j = 0; j < want.n; j++)
            if (g->ev[want.c[j].event].date >= cuts[c]) {
                assert_true(k < n_part);
                if (!claim_equal(&part[k], &want.c[j])) {
                    print_message("seed %llu: since %d, claim %zu differs\n",
                                  (unsigned long long)seed, cuts[c], k);
                    print_claim("since", &part[k]);
                    print_claim("oracle", &want.c[j]);
                    fail();
                }
                k++;
            }
        assert_int_equal(k, n_part);
        tr_records_free(part);
        /* a day for each type: the cut for one type, every event of
         * another, none of the third (rotating), each exactly its claims */
        for (int t = 0; t <= TR_SUBJECT_ARTIST; t++) {
            tr_day since[TR_SUBJECT_ARTIST + 1];
            since[t] = cuts[c];
            since[(t + 1) % 3] = TR_DAY_NONE;
            since[(t + 2) % 3] = INT32_MAX;
            part = NULL;
            n_part = k = 0;
            assert_int_equal(tr_records_since_types(&in, since, &part, &n_part, &err), 0);
            for (size_t j = 0; j < want.n; j++) {
                const struct tr_milestone *ev = &g->ev[want.c[j].event];
                tr_day from = since[ev->subject_type];
                if (from == INT32_MAX || (from != TR_DAY_NONE && ev->date < from))
                    continue;
                assert_true(k < n_part);
                if (!claim_equal(&part[k], &want.c[j])) {
                    print_message("seed %llu: since %d for type %d, claim %zu differs\n",
                                  (unsigned long long)seed, cuts[c], t, k);
                    fail();
                }
                k++;
            }
            assert_int_equal(k, n_part);
            tr_records_free(part);
        }
    }
    for (size_t j = 0; j < n_got; j++) {
        *n_uncertain += got[j].uncertain;
        *n_world += got[j].scope == TR_CLAIM_WORLD;
    }
    *n_claims += n_got;
    for (int st = 0; st < 3; st++)
        free(o[st].s);
    free(want.c);
    tr_records_free(got);
    gen_free(g);
}

static void test_random_worlds(void **state)
{
    (void)state;
    size_t claims = 0, uncertain = 0, world = 0;
    for (uint64_t seed = 1; seed <= 16; seed++)
        check_world(seed, seed % 3 != 0, seed % 4 == 0, &claims, &uncertain, &world);
    /* the worlds exercise both kinds of claims, and both scopes */
    assert_true(claims > 1000);
    assert_true(uncertain > 100);
    assert_true(claims - uncertain > 500);
    assert_true(world > 100);
    assert_true(claims - world > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_worlds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
