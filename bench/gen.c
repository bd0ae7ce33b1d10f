/*
 * gen: writes a realistic, deterministic catalog and stream feed for the
 * benchmarks, in trackrecord's own file formats.
 *
 * A "world" is fixed by four numbers: --tracks N (tracks that have a stream
 * series), --days D (the feed's window, day 0 = --start), --start and
 * --seed.  The same world always gives byte-identical files, whichever days
 * are written and however they are split, so a store built from days
 * 0..D-2 and a snapshot of day D-1 written later fit together.
 *
 * The catalog: artists (country, solo or group, gender, genres, group
 * membership), releases of 1 to 20 tracks (singles, EPs, albums, mostly on
 * Fridays), tracks with featured artists, alternate versions (version_of)
 * and pre-release singles whose track is the album's recording (same_as).
 * Pre-release tracks are extra catalog rows: N counts stream series only.
 *
 * The feed: per track a popularity drawn from a heavy tail (artist x
 * release x track, so a handful of tracks pass 1B and most stay small), a
 * first-day peak that decays as a power law to a floor, a weekly rhythm
 * (Fridays up), and day noise.  Tracks released before day 0 start with the
 * closed-form sum of their earlier gains; tracks released inside the window
 * have no row before their first day.  A few quirks are planted: stale
 * values (one track, or the whole feed on days 45, 142, 239, ... ), small
 * corrections (the count goes down a little and stays down), and now and then
 * a dip back under a round number (1-2-5 x 10^k) the day after crossing it.
 * The per-(track, day) randomness is a hash of (seed, track, day), so the
 * values do not depend on what else is generated.
 *
 * Output rows are cumulative totals `date,track,streams`, sorted by date then
 * track id.  Integers are formatted by hand and written in large blocks; both
 * cores format rows when --threads 2 (the default).
 */
#include "trackrecord/date.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NONE UINT32_MAX
#define AGE_REF 730             /* popularity L is the total at this age */
#define GLOBAL_STALE_PERIOD 97  /* the whole feed is stale on day 45 mod 97 */
#define GLOBAL_STALE_PHASE 45
#define OUT_BUF (8u << 20)
#ifndef BASE_TOTAL
#define BASE_TOTAL 300000.0    /* popularity 1 -> total */
#endif
#ifndef CAP_TOTAL
#define CAP_TOTAL 6.0e9
#endif
#ifndef ARTIST_ALPHA
#define ARTIST_ALPHA 1.1
#endif

/* ---- randomness -------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Sequential generator for the catalog (splitmix64). */
struct rng { uint64_t s; };

static uint64_t rng_next(struct rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

static double rng_unit(struct rng *r)   /* [0, 1) */
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)  /* [lo, hi] */
{
    return lo + rng_below(r, hi - lo + 1);
}

static bool rng_chance(struct rng *r, double p) { return rng_unit(r) < p; }

static double rng_normal(struct rng *r)
{
    double u = 1.0 - rng_unit(r), v = rng_unit(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double rng_pareto(struct rng *r, double xmin, double alpha)
{
    return xmin * pow(1.0 - rng_unit(r), -1.0 / alpha);
}

static double rng_lognormal(struct rng *r, double sigma) { return exp(sigma * rng_normal(r)); }

/* Counter-based: the randomness of one (track, day), whatever else is drawn. */
static uint64_t day_hash(uint64_t seed, uint32_t key, int32_t day)
{
    return mix64(seed ^ mix64(((uint64_t)key << 32 | (uint32_t)day) + 0x632be59bd9b4e019ULL));
}

/* ---- the world ---------------------------------------------------------- */

enum { KIND_SOLO, KIND_GROUP };
enum { GENDER_MALE, GENDER_FEMALE, GENDER_MIXED };
enum { TYPE_SINGLE, TYPE_EP, TYPE_ALBUM };

struct artist {
    uint8_t country, kind, gender, n_genres;
    uint8_t genres[2];
    uint32_t member_of;         /* artist index or NONE */
    double pop;
};

struct release {
    uint32_t artist, artist2;   /* artist2: NONE unless a joint release */
    uint8_t type;
    int32_t date;               /* day relative to --start */
    uint32_t first, n;          /* tracks: series first..first+n-1; an alias
                                 * release (pre-release single) has n = 0 */
    uint32_t alias;             /* pre-release single: alias index, else NONE */
};

struct series {                 /* a track with a stream series */
    uint32_t release, feat, version_of;
    uint16_t pos;
    uint8_t version;            /* 0 = original, else index into version tags */
    int32_t start;              /* first data day (released), relative to --start */
    float a, inv_tau, beta, phi;
};

struct alias {                  /* a pre-release single's track: same_as series */
    uint32_t series, release;
};

struct state {                  /* one series while the feed runs, in id order */
    uint64_t cum;               /* the counter as it truly stands */
    uint64_t shown;             /* the last value the feed showed */
    uint64_t round;             /* next 1-2-5 round number above shown */
    float a, inv_tau, beta, phi;
    int32_t start;
    uint32_t key;               /* series index: keys the per-day hash */
    uint8_t dip;                /* show a dip under `round_prev` next day */
    uint64_t dip_to;
};

struct world {
    uint64_t seed;
    uint32_t n_series, n_days;
    tr_day start;
    bool spotify_ids;
    struct artist *artists;
    uint32_t n_artists;
    struct release *releases;
    uint32_t n_releases, cap_releases;
    struct series *series;
    struct alias *aliases;
    uint32_t n_aliases, cap_aliases;
    uint32_t id_width;
};

static const char *const COUNTRIES[] = {
    "US", "GB", "KR", "JP", "CA", "AU", "SE", "DE", "FR", "BR", "MX", "ES", "CO", "PR",
    "NG", "IN", "IT", "NL", "PH", "AR"};
static const unsigned COUNTRY_WEIGHT[] = {
    28, 10, 12, 7, 4, 3, 3, 4, 4, 5, 4, 3, 3, 3, 2, 3, 2, 2, 2, 2};
#define N_COUNTRIES (sizeof COUNTRIES / sizeof COUNTRIES[0])

/* Genres a country's acts draw from (indices into GENRES). */
static const char *const GENRES[] = {
    "pop", "hip hop", "r&b", "country", "rock", "indie", "k-pop", "k-r&b", "k-hip hop",
    "k-ballad", "j-pop", "j-rock", "anime", "reggaeton", "latin pop", "urbano latino",
    "sertanejo", "funk carioca", "mpb", "afrobeats", "bollywood", "desi pop", "french pop",
    "rap francais", "deutschrap", "schlager", "italian pop", "dance", "opm", "edm"};
static const uint8_t GENRES_BY_COUNTRY[N_COUNTRIES][4] = {
    {0, 1, 2, 3}, {0, 4, 5, 27}, {6, 7, 8, 9}, {10, 11, 12, 0}, {0, 1, 2, 5},
    {0, 5, 4, 27}, {0, 29, 5, 4}, {24, 25, 0, 29}, {22, 23, 0, 27}, {16, 17, 18, 0},
    {14, 15, 13, 0}, {14, 13, 0, 15}, {13, 15, 14, 0}, {13, 15, 14, 1}, {19, 0, 2, 1},
    {20, 21, 0, 1}, {26, 0, 1, 27}, {29, 27, 0, 1}, {28, 0, 2, 1}, {15, 13, 14, 0}};

static const char *const SYLLABLES[] = {
    "ka", "ri", "mo", "lu", "na", "se", "ji", "hoon", "vee", "ra", "tae", "min", "yo", "el",
    "an", "do", "bel", "la", "zo", "ne", "sa", "ki", "ro", "mi", "da", "lex", "jay", "ny",
    "so", "fi", "ta", "vo", "rin", "kai", "lo", "ma", "xi", "yu", "har", "ber"};
static const char *const WORDS[] = {
    "Love", "Night", "Blue", "Dream", "Fire", "Rain", "Summer", "Heart", "Moon", "Gold",
    "Stay", "Run", "Falling", "Lights", "City", "Forever", "Ghost", "Paradise", "Wild",
    "Sky", "Midnight", "Home", "Dance", "Again", "Tonight", "Butterfly", "Ocean", "Angel",
    "Slow", "Body", "Magic", "Starlight", "Cherry", "Shadow", "Young", "Sweet", "Lonely",
    "Fever", "Seoul", "Tokyo", "Levitating", "Blinding", "Dynamite", "Echo", "Velvet",
    "Neon", "Paper", "Silver", "Honey", "Storm"};
static const char *const VERSION_TAGS[] = {
    "", " (Piano Ver.)", " (Remix)", " (Sped Up)", " (Acoustic)", " (Instrumental)"};
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Day-of-week weights, Monday first; they average 1. */
static const double WEEKLY[7] = {0.95, 0.94, 0.95, 0.97, 1.10, 1.05, 1.04};

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return p;
    uint32_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    p = realloc(p, (size_t)c * size);
    if (!p)
        die("out of memory");
    *cap = c;
    return p;
}

static int weekday(tr_day d)    /* 0 = Monday; 1970-01-01 was a Thursday */
{
    return (int)(((int64_t)d % 7 + 7 + 3) % 7);
}

/* Most releases come out on a Friday: move a date back to one. */
static int32_t to_friday(const struct world *w, int32_t rel)
{
    int wd = weekday(w->start + rel);
    return rel - ((wd - 4 + 7) % 7);
}

static uint32_t pick_country(struct rng *r)
{
    unsigned total = 0;
    for (size_t i = 0; i < N_COUNTRIES; i++)
        total += COUNTRY_WEIGHT[i];
    unsigned x = rng_below(r, total);
    for (size_t i = 0; i < N_COUNTRIES; i++) {
        if (x < COUNTRY_WEIGHT[i])
            return (uint32_t)i;
        x -= COUNTRY_WEIGHT[i];
    }
    return 0;
}

static void make_artist(struct rng *r, struct artist *a, int country, uint8_t kind,
                        uint32_t member_of)
{
    a->country = (uint8_t)(country >= 0 ? (uint32_t)country : pick_country(r));
    a->kind = kind;
    if (kind == KIND_GROUP) {
        double u = rng_unit(r);
        a->gender = u < 0.5 ? GENDER_MALE : u < 0.85 ? GENDER_FEMALE : GENDER_MIXED;
    } else {
        a->gender = rng_chance(r, 0.55) ? GENDER_MALE : GENDER_FEMALE;
    }
    a->n_genres = (uint8_t)(rng_chance(r, 0.6) ? 2 : 1);
    a->genres[0] = GENRES_BY_COUNTRY[a->country][rng_below(r, 4)];
    do
        a->genres[1] = GENRES_BY_COUNTRY[a->country][rng_below(r, 4)];
    while (a->n_genres == 2 && a->genres[1] == a->genres[0]);
    a->member_of = member_of;
    a->pop = rng_pareto(r, 1.0, ARTIST_ALPHA);
}

static void make_artists(struct world *w, struct rng *r)
{
    uint32_t n = w->n_series / 22 + 4;
    w->artists = xcalloc(n, sizeof *w->artists);
    uint32_t i = 0;
    while (i < n) {
        struct artist *a = &w->artists[i];
        bool group = rng_chance(r, 0.2);
        make_artist(r, a, -1, group ? KIND_GROUP : KIND_SOLO, NONE);
        if (a->country == 2 && !group && rng_chance(r, 0.3))
            make_artist(r, a, 2, KIND_GROUP, NONE);   /* K-pop: more groups */
        uint32_t g = i++;
        /* Groups in Korea and Japan often have members with solo careers. */
        if (a->kind == KIND_GROUP && (a->country == 2 || a->country == 3) && rng_chance(r, 0.45)) {
            uint32_t m = rng_range(r, 1, 4);
            for (uint32_t k = 0; k < m && i < n; k++, i++) {
                struct artist *s = &w->artists[i];
                make_artist(r, s, w->artists[g].country, KIND_SOLO, g);
                if (w->artists[g].gender != GENDER_MIXED)
                    s->gender = w->artists[g].gender;
                s->pop = w->artists[g].pop * rng_lognormal(r, 0.9) * 0.5;
                s->genres[0] = w->artists[g].genres[0];
            }
        }
    }
    w->n_artists = n;
}

static double decay_sum(double t, double tau, double beta, double phi)
{
    /* Sum of the normalized gains over ages [0, t): the integral of
     * (1-phi)(1+a/tau)^-beta + phi. */
    return (1.0 - phi) * tau / (beta - 1.0) * (1.0 - pow(1.0 + t / tau, 1.0 - beta)) + phi * t;
}

static uint32_t add_release(struct world *w)
{
    w->releases = grow(w->releases, &w->cap_releases, w->n_releases + 1, sizeof *w->releases);
    struct release *rel = &w->releases[w->n_releases];
    memset(rel, 0, sizeof *rel);
    rel->artist2 = NONE;
    rel->alias = NONE;
    return w->n_releases++;
}

static void make_track_model(struct rng *r, struct series *s, double pop, int32_t start)
{
    double tau = 6.0 * rng_lognormal(r, 0.9) + 1.0;
    double beta = 1.25 + 0.75 * rng_unit(r);
    double phi = 0.03 + 0.22 * rng_unit(r);
    /* l: the total at age max(AGE_REF, age on day 0), so a back-catalog
     * track's total on day 0 follows the popularity law; it saturates near
     * CAP (the biggest songs have a few billion). */
    double l = BASE_TOTAL * pop;
    l = l / (1.0 + l / CAP_TOTAL) + 100.0 + 900.0 * rng_unit(r);
    double ref = start < -AGE_REF ? -start : AGE_REF;
    s->a = (float)(l / decay_sum(ref, tau, beta, phi));
    s->inv_tau = (float)(1.0 / tau);
    s->beta = (float)beta;
    s->phi = (float)phi;
}

static void make_catalog(struct world *w)
{
    struct rng r = {w->seed ^ 0x5eedca7a1005eedULL};
    make_artists(w, &r);
    w->series = xcalloc(w->n_series, sizeof *w->series);
    double p_new = fmin(0.3, 0.12 * w->n_days / 365.0);
    uint32_t t = 0;
    while (t < w->n_series) {
        uint32_t ri = add_release(w);
        struct release *rel = &w->releases[ri];
        double u = rng_unit(&r);
        uint32_t n;
        if (u < 0.45) {
            rel->type = TYPE_SINGLE;
            n = rng_chance(&r, 0.8) ? 1 : rng_range(&r, 2, 3);
        } else if (u < 0.7) {
            rel->type = TYPE_EP;
            n = rng_range(&r, 4, 7);
        } else {
            rel->type = TYPE_ALBUM;
            n = rng_range(&r, 8, 20);
        }
        if (n > w->n_series - t)
            n = w->n_series - t;
        rel->artist = rng_below(&r, w->n_artists);
        if (rng_chance(&r, 0.03))
            rel->artist2 = rng_below(&r, w->n_artists);
        if (rel->artist2 == rel->artist)
            rel->artist2 = NONE;
        int32_t date;
        if (rng_chance(&r, p_new))
            date = (int32_t)rng_below(&r, w->n_days);
        else
            date = -1 - (int32_t)fmin(6000.0, -900.0 * log(1.0 - rng_unit(&r)));
        if (rng_chance(&r, 0.9))
            date = to_friday(w, date);
        rel->date = date;
        rel->first = t;
        rel->n = n;
        double rpop = w->artists[rel->artist].pop * rng_lognormal(&r, 0.8)
                      * (rel->type == TYPE_SINGLE ? 1.6 : 1.0);
        uint32_t title = n > 1 ? rng_below(&r, n < 3 ? n : 3) : 0;
        int32_t start = date;
        /* A pre-release single: its track is the album's recording, whose
         * count starts on the single's day. */
        if (n >= 4 && rng_chance(&r, 0.15)) {
            uint32_t si = add_release(w);
            rel = &w->releases[ri];
            struct release *single = &w->releases[si];
            single->type = TYPE_SINGLE;
            single->artist = rel->artist;
            single->artist2 = rel->artist2;
            single->date = date - 7 * (int32_t)rng_range(&r, 2, 6);
            single->alias = w->n_aliases;
            w->aliases = grow(w->aliases, &w->cap_aliases, w->n_aliases + 1, sizeof *w->aliases);
            w->aliases[w->n_aliases++] = (struct alias){t + title, si};
            start = single->date;
        }
        for (uint32_t k = 0; k < n; k++, t++) {
            struct series *s = &w->series[t];
            s->release = ri;
            s->pos = (uint16_t)(k + 1);
            s->feat = rng_chance(&r, 0.08) ? rng_below(&r, w->n_artists) : NONE;
            s->version_of = NONE;
            s->start = k == title ? start : date;
            double tpop = rpop * rng_lognormal(&r, 0.5) * (k == title ? 2.5 : 1.0);
            /* The last tracks of a big release are sometimes versions of
             * an earlier one. */
            if (n >= 6 && k >= n - 2 && rng_chance(&r, 0.3)) {
                s->version_of = rel->first + rng_below(&r, k);
                s->version = (uint8_t)rng_range(&r, 1, (uint32_t)N_ELEMS(VERSION_TAGS) - 1);
                tpop *= 0.15;
            }
            make_track_model(&r, s, tpop, s->start);
        }
    }
}

/* ---- ids and names ------------------------------------------------------ */

static const char BASE62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Track ids: "t0000042" (fixed width, so id order is index order) or
 * Spotify-like 22 base62 characters.  key >= n_series are aliases. */
static void track_id(const struct world *w, uint32_t key, char *out)
{
    if (w->spotify_ids) {
        uint64_t a = mix64(mix64(w->seed + 0x51ed270b27c5a1ULL) + key);
        uint64_t b = mix64(a ^ 0x7f4a7c159e3779b9ULL);
        for (int i = 0; i < 11; i++, a /= 62, b /= 62) {
            out[i] = BASE62[a % 62];
            out[11 + i] = BASE62[b % 62];
        }
        out[22] = '\0';
        return;
    }
    out[0] = 't';
    for (uint32_t i = w->id_width - 1; i >= 1; i--, key /= 10)
        out[i] = (char)('0' + key % 10);
    out[w->id_width] = '\0';
}

static void make_name(uint64_t h, char *out, size_t size, bool group)
{
    struct rng r = {h};
    size_t len = 0;
    uint32_t words = group ? 1 : rng_range(&r, 1, 2);
    for (uint32_t wd = 0; wd < words; wd++) {
        uint32_t syl = rng_range(&r, 1, 3);
        if (wd)
            out[len++] = ' ';
        size_t begin = len;
        for (uint32_t s = 0; s < syl; s++) {
            const char *x = SYLLABLES[rng_below(&r, N_ELEMS(SYLLABLES))];
            size_t n = strlen(x);
            if (len + n + 2 >= size)
                break;
            memcpy(out + len, x, n);
            len += n;
        }
        if (group && rng_chance(&r, 0.5))
            for (size_t i = begin; i < len; i++)
                out[i] = (char)(out[i] - 'a' + 'A');
        else
            out[begin] = (char)(out[begin] - 'a' + 'A');
    }
    out[len] = '\0';
}

static void make_title(uint64_t h, char *out, size_t size)
{
    struct rng r = {h};
    uint32_t words = rng_range(&r, 1, 3);
    size_t len = 0;
    /* A few titles carry a comma, which the CSV quotes. */
    bool comma = words == 2 && rng_chance(&r, 0.02);
    for (uint32_t i = 0; i < words; i++) {
        const char *x = WORDS[rng_below(&r, N_ELEMS(WORDS))];
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? (comma ? ", " : " ") : "", x);
        if (len >= size)
            len = size - 1;
    }
}

/* ---- buffered output ---------------------------------------------------- */

struct out {
    int fd;
    char *buf;
    size_t len;
    const char *path;
    uint64_t bytes;
};

static void out_open(struct out *o, const char *path)
{
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o->fd < 0)
        die("%s: %s", path, strerror(errno));
    if (!o->buf)
        o->buf = xcalloc(OUT_BUF, 1);
    o->len = 0;
    o->path = path;
}

static void out_write(struct out *o, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(o->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            die("%s: write: %s", o->path, strerror(errno));
        }
        p += k;
        n -= (size_t)k;
        o->bytes += (uint64_t)k;
    }
}

static void out_flush(struct out *o)
{
    out_write(o, o->buf, o->len);
    o->len = 0;
}

static void out_close(struct out *o)
{
    out_flush(o);
    if (close(o->fd) != 0)
        die("%s: close: %s", o->path, strerror(errno));
    o->fd = -1;
}

static void out_printf(struct out *o, const char *fmt, ...)
{
    if (OUT_BUF - o->len < 4096)
        out_flush(o);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, OUT_BUF - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= OUT_BUF - o->len)
        die("%s: line too long", o->path);
    o->len += (size_t)n;
}

/* A CSV field, quoted when it holds a comma or a quote. */
static void out_field(struct out *o, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        out_printf(o, "%s", s);
        return;
    }
    out_printf(o, "\"");
    for (; *s; s++)
        out_printf(o, *s == '"' ? "\"\"" : "%c", *s);
    out_printf(o, "\"");
}

static void fmt_day(tr_day d, char buf[TR_DATE_LEN])
{
    int y, m, dd;
    tr_day_to_ymd(d, &y, &m, &dd);
    const int parts[3][2] = {{y, 4}, {m, 2}, {dd, 2}};
    char *p = buf;
    for (int i = 0; i < 3; i++) {
        for (int k = parts[i][1] - 1, v = parts[i][0]; k >= 0; k--, v /= 10)
            p[k] = (char)('0' + v % 10);
        p += parts[i][1];
        *p++ = i < 2 ? '-' : '\0';
    }
}

/* ---- the catalog files -------------------------------------------------- */

static const char *const KIND_NAME[] = {"solo", "group"};
static const char *const GENDER_NAME[] = {"male", "female", "mixed"};
static const char *const TYPE_NAME[] = {"single", "ep", "album"};

static void path_join(char *out, size_t size, const char *dir, const char *name)
{
    if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
        die("path too long: %s/%s", dir, name);
}

static void write_artists(const struct world *w, struct out *o, const char *dir)
{
    char path[4096], name[96];
    path_join(path, sizeof path, dir, "artists.csv");
    out_open(o, path);
    out_printf(o, "id,name,country,kind,gender,genres,member_of\n");
    for (uint32_t i = 0; i < w->n_artists; i++) {
        const struct artist *a = &w->artists[i];
        make_name(w->seed ^ mix64(0xa000000000ULL + i), name, sizeof name, a->kind == KIND_GROUP);
        out_printf(o, "ar%06u,", i);
        out_field(o, name);
        out_printf(o, ",%s,%s,%s,%s", COUNTRIES[a->country], KIND_NAME[a->kind],
                   GENDER_NAME[a->gender], GENRES[a->genres[0]]);
        if (a->n_genres == 2)
            out_printf(o, ";%s", GENRES[a->genres[1]]);
        if (a->member_of != NONE)
            out_printf(o, ",ar%06u\n", a->member_of);
        else
            out_printf(o, ",\n");
    }
    out_close(o);
}

static void write_artist_list(struct out *o, uint32_t a, uint32_t b)
{
    out_printf(o, "ar%06u", a);
    if (b != NONE)
        out_printf(o, ";ar%06u", b);
}

static void series_title(const struct world *w, uint32_t t, char *out, size_t size)
{
    const struct series *s = &w->series[t];
    uint32_t base = s->version_of != NONE ? s->version_of : t;
    char title[80];
    make_title(w->seed ^ mix64(0x7000000000ULL + base), title, sizeof title);
    snprintf(out, size, "%s%s", title, VERSION_TAGS[s->version]);
}

static void write_releases(const struct world *w, struct out *o, const char *dir)
{
    char path[4096], title[128], date[TR_DATE_LEN];
    path_join(path, sizeof path, dir, "releases.csv");
    out_open(o, path);
    out_printf(o, "id,title,artists,type,date\n");
    for (uint32_t i = 0; i < w->n_releases; i++) {
        const struct release *rel = &w->releases[i];
        if (rel->alias != NONE)   /* a pre-release single is named for its song */
            series_title(w, w->aliases[rel->alias].series, title, sizeof title);
        else if (rel->type == TYPE_SINGLE)
            series_title(w, rel->first, title, sizeof title);
        else
            make_title(w->seed ^ mix64(0x8000000000ULL + i), title, sizeof title);
        fmt_day(w->start + rel->date, date);
        out_printf(o, "re%06u,", i);
        out_field(o, title);
        out_printf(o, ",");
        write_artist_list(o, rel->artist, rel->artist2);
        out_printf(o, ",%s,%s\n", TYPE_NAME[rel->type], date);
    }
    out_close(o);
}

static void write_tracks(const struct world *w, struct out *o, const char *dir)
{
    char path[4096], title[160], date[TR_DATE_LEN], id[32], other[32];
    path_join(path, sizeof path, dir, "tracks.csv");
    out_open(o, path);
    out_printf(o, "id,title,artists,released,same_as,version_of\n");
    for (uint32_t t = 0; t < w->n_series; t++) {
        const struct series *s = &w->series[t];
        const struct release *rel = &w->releases[s->release];
        track_id(w, t, id);
        series_title(w, t, title, sizeof title);
        fmt_day(w->start + s->start, date);
        out_printf(o, "%s,", id);
        out_field(o, title);
        out_printf(o, ",");
        write_artist_list(o, rel->artist, s->feat != NONE ? s->feat : rel->artist2);
        out_printf(o, ",%s,", date);
        if (s->version_of != NONE) {
            track_id(w, s->version_of, other);
            out_printf(o, ",%s\n", other);
        } else {
            out_printf(o, ",\n");
        }
    }
    for (uint32_t j = 0; j < w->n_aliases; j++) {
        const struct alias *al = &w->aliases[j];
        track_id(w, w->n_series + j, id);
        track_id(w, al->series, other);
        series_title(w, al->series, title, sizeof title);
        fmt_day(w->start + w->releases[al->release].date, date);
        const struct release *rel = &w->releases[al->release];
        out_printf(o, "%s,", id);
        out_field(o, title);
        out_printf(o, ",");
        write_artist_list(o, rel->artist, rel->artist2);
        out_printf(o, ",%s,%s,\n", date, other);
    }
    out_close(o);
}

static void write_tracklist(const struct world *w, struct out *o, const char *dir)
{
    char path[4096], id[32];
    path_join(path, sizeof path, dir, "tracklist.csv");
    out_open(o, path);
    out_printf(o, "release,position,track\n");
    for (uint32_t i = 0; i < w->n_releases; i++) {
        const struct release *rel = &w->releases[i];
        if (rel->alias != NONE) {
            track_id(w, w->n_series + rel->alias, id);
            out_printf(o, "re%06u,1,%s\n", i, id);
            continue;
        }
        for (uint32_t k = 0; k < rel->n; k++) {
            track_id(w, rel->first + k, id);
            out_printf(o, "re%06u,%u,%s\n", i, k + 1, id);
        }
    }
    out_close(o);
}

/* ---- the feed ----------------------------------------------------------- */

static uint64_t next_round(uint64_t v)   /* smallest 1-2-5 x 10^k above v */
{
    for (uint64_t p = 1;; p *= 10) {
        if (p > v)
            return p;
        if (2 * p > v)
            return 2 * p;
        if (5 * p > v)
            return 5 * p;
        if (p > UINT64_MAX / 100)
            return UINT64_MAX;
    }
}

static char *fmt_u64(char *p, uint64_t v)
{
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char tmp[24];
    char *e = tmp + sizeof tmp, *q = e;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        q -= 2;
        q[0] = pairs[k];
        q[1] = pairs[k + 1];
    }
    if (v >= 10) {
        q -= 2;
        q[0] = pairs[v * 2];
        q[1] = pairs[v * 2 + 1];
    } else {
        *--q = (char)('0' + v);
    }
    size_t n = (size_t)(e - q);
    memcpy(p, q, n);
    return p + n;
}

struct feed {
    const struct world *w;
    struct state *st;           /* n_series entries, sorted by track id */
    char *ids;                  /* id_len bytes per state entry */
    uint32_t id_len;
    uint64_t rows;
    uint64_t n_stale, n_corrections, n_dips;
};

/* Advances one series by one day; returns whether it has a row that day. */
static bool step(struct feed *f, struct state *s, int32_t d, bool global_stale, double wk,
                 uint64_t *value, uint64_t counts[3])
{
    if (d < s->start)
        return false;
    int32_t age = d - s->start;
    uint64_t h = day_hash(f->w->seed, s->key, d);
    double noise = 0.92 + 0.16 * (double)((h >> 11) & 0x1fffff) * 0x1.0p-21;
    double frac = (double)((h >> 32) & 0x1fffff) * 0x1.0p-21;
    double g = s->a * ((1.0f - s->phi) * powf(1.0f + (float)age * s->inv_tau, -s->beta) + s->phi)
               * wk * noise;
    s->cum += (uint64_t)(g + frac);
    uint32_t ev = (uint32_t)(h >> 48);
    bool first = age == 0 || d == 0;
    if (s->dip) {
        /* The day after a crossing the count was revised under the round
         * number, and the counter goes on from there. */
        s->dip = 0;
        s->cum = s->dip_to;
        s->shown = s->cum;
        counts[2]++;
    } else if (!first && (global_stale || ev < 33)) {
        counts[0]++;   /* stale: the feed shows yesterday's value again */
    } else if (!first && ev < 46 && s->shown > 1000) {
        uint64_t little = 1 + (h & 0xffff) % (s->shown / 20000 + 1);
        s->cum = s->shown - little;
        s->shown = s->cum;
        counts[1]++;
    } else {
        s->shown = s->cum;
    }
    if (s->shown >= s->round) {
        uint64_t crossed = s->round;
        s->round = next_round(s->shown);
        uint64_t over = s->shown - crossed;
        if (!first && ev >= 46 && ev < 46 + 3277 && over < s->shown / 200) {
            s->dip = 1;
            s->dip_to = crossed - 1 - (h & 0xff) % (crossed / 100000 + 1);
        }
    }
    *value = s->shown;
    return true;
}

struct job {                    /* one thread's share of one day */
    struct feed *f;
    uint32_t lo, hi;
    int32_t d;
    bool global_stale, write;
    const char *date;
    char *buf;
    size_t len, cap;
    uint64_t rows, counts[3];
};

static void run_job(struct job *j)
{
    struct feed *f = j->f;
    double wk = WEEKLY[weekday(f->w->start + j->d)];
    size_t need = (size_t)(j->hi - j->lo) * (f->id_len + 34);
    if (j->write && need > j->cap) {
        free(j->buf);
        j->buf = xcalloc(need, 1);
        j->cap = need;
    }
    char *p = j->buf;
    for (uint32_t k = j->lo; k < j->hi; k++) {
        uint64_t v;
        if (!step(f, &f->st[k], j->d, j->global_stale, wk, &v, j->counts) || !j->write)
            continue;
        memcpy(p, j->date, 10);
        p[10] = ',';
        memcpy(p + 11, f->ids + (size_t)k * f->id_len, f->id_len);
        p += 11 + f->id_len;
        *p++ = ',';
        p = fmt_u64(p, v);
        *p++ = '\n';
        j->rows++;
    }
    j->len = j->write ? (size_t)(p - j->buf) : 0;
}

static void *job_main(void *arg)
{
    run_job(arg);
    return NULL;
}

static int cmp_ids(const void *a, const void *b, void *ctx)
{
    const struct feed *f = ctx;
    return memcmp(f->ids + (size_t)*(const uint32_t *)a * f->id_len,
                  f->ids + (size_t)*(const uint32_t *)b * f->id_len, f->id_len);
}

static void feed_init(struct feed *f, const struct world *w)
{
    f->w = w;
    f->id_len = w->spotify_ids ? 22 : w->id_width;
    uint32_t n = w->n_series;
    char *ids = xcalloc(n, f->id_len);
    char id[32];
    for (uint32_t t = 0; t < n; t++) {
        track_id(w, t, id);
        memcpy(ids + (size_t)t * f->id_len, id, f->id_len);
    }
    uint32_t *order = xcalloc(n, sizeof *order);
    for (uint32_t t = 0; t < n; t++)
        order[t] = t;
    f->ids = ids;
    if (w->spotify_ids)
        qsort_r(order, n, sizeof *order, cmp_ids, f);
    f->ids = xcalloc(n, f->id_len);
    f->st = xcalloc(n, sizeof *f->st);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t t = order[k];
        const struct series *s = &w->series[t];
        struct state *st = &f->st[k];
        memcpy(f->ids + (size_t)k * f->id_len, ids + (size_t)t * f->id_len, f->id_len);
        st->a = s->a;
        st->inv_tau = s->inv_tau;
        st->beta = s->beta;
        st->phi = s->phi;
        st->start = s->start;
        st->key = t;
        if (s->start < 0)   /* back catalog: what it gathered before day 0 */
            st->cum = (uint64_t)(s->a * decay_sum(-s->start, 1.0 / s->inv_tau, s->beta, s->phi));
        st->shown = st->cum;
        st->round = next_round(st->cum);
    }
    free(ids);
    free(order);
}

struct plan {
    const char *dir;            /* catalog files */
    const char *streams;        /* file, or directory with split */
    int32_t from, to;           /* days written, inclusive */
    bool split, catalog, write_streams;
    int threads;
};

static void run_feed(struct feed *f, const struct plan *p, struct out *o)
{
    const struct world *w = f->w;
    struct job jobs[2];
    int nt = p->threads;
    memset(jobs, 0, sizeof jobs);
    uint32_t n = w->n_series, half = n / 2;
    char date[TR_DATE_LEN], path[4096];
    bool open = false;
    for (int32_t d = 0; d <= p->to; d++) {
        bool write = p->write_streams && d >= p->from;
        fmt_day(w->start + d, date);
        if (write && (!open || p->split)) {
            if (p->split) {
                char name[64];
                snprintf(name, sizeof name, "streams-%s.csv", date);
                path_join(path, sizeof path, p->streams, name);
            } else {
                snprintf(path, sizeof path, "%s", p->streams);
            }
            out_open(o, path);
            out_printf(o, "date,track,streams\n");
            out_flush(o);
            open = true;
        }
        bool gs = d % GLOBAL_STALE_PERIOD == GLOBAL_STALE_PHASE;
        for (int i = 0; i < nt; i++) {
            jobs[i].f = f;
            jobs[i].d = d;
            jobs[i].global_stale = gs;
            jobs[i].write = write;
            jobs[i].date = date;
            jobs[i].lo = nt == 1 ? 0 : i == 0 ? 0 : half;
            jobs[i].hi = nt == 1 ? n : i == 0 ? half : n;
        }
        if (nt == 2) {
            pthread_t th;
            if (pthread_create(&th, NULL, job_main, &jobs[1]) != 0)
                die("cannot start a thread");
            run_job(&jobs[0]);
            pthread_join(th, NULL);
        } else {
            run_job(&jobs[0]);
        }
        for (int i = 0; i < nt; i++)
            if (write)
                out_write(o, jobs[i].buf, jobs[i].len);
        if (open && p->split) {
            out_close(o);
            open = false;
        }
    }
    if (open)
        out_close(o);
    for (int i = 0; i < nt; i++) {
        f->rows += jobs[i].rows;
        f->n_stale += jobs[i].counts[0];
        f->n_corrections += jobs[i].counts[1];
        f->n_dips += jobs[i].counts[2];
        free(jobs[i].buf);
    }
}

/* ---- command line ------------------------------------------------------- */

static void usage(void)
{
    fputs(
        "usage: gen --tracks N --days D --out DIR [options]\n"
        "  --tracks N        tracks with a stream series (catalog adds pre-release aliases)\n"
        "  --days D          the feed's window: days 0..D-1 from --start\n"
        "  --start DATE      day 0 (default 2024-01-01)\n"
        "  --seed S          world seed (default 1)\n"
        "  --out DIR         where files go (created if missing)\n"
        "  --from DAY, --to DAY   write only these days (index or YYYY-MM-DD; default all)\n"
        "  --daily-only DAY  one day's snapshot for all tracks: streams-DATE.csv, no catalog\n"
        "  --split           one streams-DATE.csv per day instead of one streams.csv\n"
        "  --streams PATH    streams file (or directory with --split); default in --out\n"
        "  --no-catalog, --no-streams   leave those files out\n"
        "  --ids short|spotify   t0000042-style (default) or 22-character base62 ids\n"
        "  --threads 1|2     cores used to format rows (default 2)\n"
        "  --stats           print the distribution of final totals\n"
        "Prints one summary line: rows=... bytes=... seconds=...\n",
        stderr);
    exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        die("%s: bad number '%s'", opt, s);
    return v;
}

static int32_t parse_day_arg(const char *opt, const char *s, tr_day start)
{
    tr_day d;
    if (tr_day_parse(s, strlen(s), &d) == 0)
        return d - start;
    return (int32_t)parse_u64(opt, s);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_stats(const struct feed *f)
{
    static const uint64_t marks[] = {1000000ULL, 5000000ULL, 10000000ULL, 20000000ULL,
                                     50000000ULL, 100000000ULL, 200000000ULL, 500000000ULL,
                                     1000000000ULL, 2000000000ULL};
    uint64_t count[N_ELEMS(marks)] = {0}, max = 0;
    for (uint32_t k = 0; k < f->w->n_series; k++) {
        uint64_t v = f->st[k].shown;
        if (v > max)
            max = v;
        for (size_t i = 0; i < N_ELEMS(marks); i++)
            count[i] += v >= marks[i];
    }
    fprintf(stderr, "gen: final totals: max %llu;", (unsigned long long)max);
    for (size_t i = 0; i < N_ELEMS(marks); i++)
        fprintf(stderr, " >=%lluM %llu", (unsigned long long)(marks[i] / 1000000),
                (unsigned long long)count[i]);
    fprintf(stderr, "\ngen: %u artists, %u releases, %u aliases; %llu stale, %llu corrections, "
            "%llu dips\n", f->w->n_artists, f->w->n_releases, f->w->n_aliases,
            (unsigned long long)f->n_stale, (unsigned long long)f->n_corrections,
            (unsigned long long)f->n_dips);
}

int main(int argc, char **argv)
{
    struct world w = {.seed = 1};
    struct plan p = {.catalog = true, .write_streams = true, .threads = 2, .from = -1, .to = -1};
    const char *start = "2024-01-01", *from = NULL, *to = NULL, *daily = NULL;
    uint64_t tracks = 0, days = 0;
    bool stats = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (!strcmp(a, "--tracks") && v)
            tracks = parse_u64(a, v);
        else if (!strcmp(a, "--days") && v)
            days = parse_u64(a, v);
        else if (!strcmp(a, "--start") && v)
            start = v;
        else if (!strcmp(a, "--seed") && v)
            w.seed = parse_u64(a, v);
        else if (!strcmp(a, "--out") && v)
            p.dir = v;
        else if (!strcmp(a, "--from") && v)
            from = v;
        else if (!strcmp(a, "--to") && v)
            to = v;
        else if (!strcmp(a, "--daily-only") && v)
            daily = v;
        else if (!strcmp(a, "--streams") && v)
            p.streams = v;
        else if (!strcmp(a, "--threads") && v)
            p.threads = (int)parse_u64(a, v);
        else if (!strcmp(a, "--ids") && v) {
            if (strcmp(v, "short") && strcmp(v, "spotify"))
                die("--ids: expected short or spotify, not '%s'", v);
            w.spotify_ids = !strcmp(v, "spotify");
        } else {
            takes = false;
            if (!strcmp(a, "--split"))
                p.split = true;
            else if (!strcmp(a, "--no-catalog"))
                p.catalog = false;
            else if (!strcmp(a, "--no-streams"))
                p.write_streams = false;
            else if (!strcmp(a, "--stats"))
                stats = true;
            else {
                if (strcmp(a, "--help") && strcmp(a, "-h"))
                    fprintf(stderr, "gen: unknown or incomplete option '%s'\n", a);
                usage();
            }
        }
        i += takes;
    }
    if (!tracks || !days || !p.dir)
        usage();
    if (tracks > 50000000 || days > 20000)
        die("at most 50M tracks and 20000 days");
    if (p.threads != 1 && p.threads != 2)
        die("--threads: 1 or 2");
    if (tr_day_parse(start, strlen(start), &w.start) != 0)
        die("--start: bad date '%s'", start);
    w.n_series = (uint32_t)tracks;
    w.n_days = (uint32_t)days;
    w.id_width = 7;
    for (uint64_t x = tracks * 2; x >= 1000000; x /= 10)   /* room for aliases */
        w.id_width++;
    p.from = from ? parse_day_arg("--from", from, w.start) : 0;
    p.to = to ? parse_day_arg("--to", to, w.start) : (int32_t)days - 1;
    char daily_path[4096];
    if (daily) {
        p.from = p.to = parse_day_arg("--daily-only", daily, w.start);
        p.catalog = false;
        p.split = true;
    }
    if (p.from < 0 || p.to >= (int32_t)days || p.from > p.to)
        die("days to write must lie in 0..%llu (from %d to %d)", (unsigned long long)days - 1,
            p.from, p.to);
    if (mkdir(p.dir, 0755) != 0 && errno != EEXIST)
        die("%s: %s", p.dir, strerror(errno));
    if (!p.streams) {
        if (p.split)
            p.streams = p.dir;
        else {
            path_join(daily_path, sizeof daily_path, p.dir, "streams.csv");
            p.streams = daily_path;
        }
    } else if (p.split && mkdir(p.streams, 0755) != 0 && errno != EEXIST) {
        die("%s: %s", p.streams, strerror(errno));
    }

    double t0 = now();
    make_catalog(&w);
    struct out o = {.fd = -1};
    if (p.catalog) {
        write_artists(&w, &o, p.dir);
        write_releases(&w, &o, p.dir);
        write_tracks(&w, &o, p.dir);
        write_tracklist(&w, &o, p.dir);
    }
    uint64_t catalog_bytes = o.bytes;
    o.bytes = 0;
    struct feed f = {0};
    feed_init(&f, &w);
    if (p.write_streams || stats)
        run_feed(&f, &p, &o);
    double secs = now() - t0;
    if (stats)
        print_stats(&f);
    printf("rows=%llu bytes=%llu catalog_bytes=%llu tracks=%u catalog_tracks=%u days=%d..%d "
           "seconds=%.3f\n",
           (unsigned long long)f.rows, (unsigned long long)o.bytes,
           (unsigned long long)catalog_bytes, w.n_series, w.n_series + w.n_aliases, p.from, p.to,
           secs);
    free(o.buf);
    free(f.st);
    free(f.ids);
    free(w.artists);
    free(w.releases);
    free(w.series);
    free(w.aliases);
    return 0;
}
