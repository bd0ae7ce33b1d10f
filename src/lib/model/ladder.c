/*
 * ladder.c: milestone ladders, the per-kind sets of them, and count
 * notation.
 *
 * A ladder is a small list of items, each a run start..end every step (a
 * single threshold is a run with step 0; end 0 means without end).  The
 * next threshold above v is the minimum over the items, computed
 * arithmetically, so an endless ladder costs nothing to hold; and the
 * union of two ladders is the list of both's items.
 *
 * A set (struct tr_ladders) holds one ladder per kind of total: tracks,
 * every track of a release, releases, artists.  Its text names each
 * ("track=...,every_track=...,release=...,artist=..."); the items before
 * the first name are for every kind not named, and a kind given neither
 * way takes its default.
 */
#include "trackrecord/milestone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
    uint64_t start, end, step;   /* step 0: the single threshold start */
};

struct tr_ladder {
    struct run *runs;
    size_t n;
    char *text;
};

static const struct { char c; uint64_t mul; } suffixes[] = {
    {'T', 1000000000000ULL}, {'B', 1000000000ULL}, {'M', 1000000ULL}, {'K', 1000ULL},
};

int tr_count_parse(const char *s, size_t len, uint64_t *out)
{
    while (len && s[len - 1] == ' ')
        len--;
    while (len && *s == ' ')
        s++, len--;
    if (!len)
        return -1;
    uint64_t mul = 1;
    char last = s[len - 1];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (last == suffixes[i].c || last == suffixes[i].c + 32) {
            mul = suffixes[i].mul;
            len--;
            break;
        }
    uint64_t whole = 0, frac = 0, frac_scale = 1;
    size_t i = 0;
    bool digits = false;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits = true) {
        if (whole > (UINT64_MAX - 9) / 10)
            return -1;
        whole = whole * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits = true) {
            if (frac_scale >= mul)
                return -1;          /* more decimals than the suffix allows */
            frac = frac * 10 + (uint64_t)(s[i] - '0');
            frac_scale *= 10;
        }
    }
    if (i != len || !digits)
        return -1;
    if (whole > UINT64_MAX / mul)
        return -1;
    uint64_t v = whole * mul, f = frac * (mul / frac_scale);
    if (v > UINT64_MAX - f)
        return -1;
    *out = v + f;
    return 0;
}

char *tr_count_format(uint64_t v, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        uint64_t u = suffixes[i].mul;
        if (v < u || (v % (u / 100)) != 0)
            continue;
        uint64_t whole = v / u, cents = (v % u) / (u / 100);
        if (cents == 0)
            snprintf(buf, size, "%llu%c", (unsigned long long)whole, suffixes[i].c);
        else if (cents % 10 == 0)
            snprintf(buf, size, "%llu.%llu%c", (unsigned long long)whole,
                     (unsigned long long)(cents / 10), suffixes[i].c);
        else
            snprintf(buf, size, "%llu.%02llu%c", (unsigned long long)whole,
                     (unsigned long long)cents, suffixes[i].c);
        return buf;
    }
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

static int parse_item(const char *s, size_t len, struct run *r)
{
    const char *dots = memmem(s, len, "..", 2);
    if (!dots) {
        r->step = 0;
        if (tr_count_parse(s, len, &r->start) || r->start == 0)
            return -1;
        r->end = r->start;
        return 0;
    }
    const char *slash = memchr(dots, '/', len - (size_t)(dots - s));
    if (!slash)
        return -1;
    if (tr_count_parse(s, (size_t)(dots - s), &r->start) || r->start == 0)
        return -1;
    const char *e = dots + 2;
    if (e == slash)
        r->end = 0;
    else if (tr_count_parse(e, (size_t)(slash - e), &r->end) || r->end < r->start)
        return -1;
    if (tr_count_parse(slash + 1, len - (size_t)(slash + 1 - s), &r->step) || r->step == 0)
        return -1;
    return 0;
}

int tr_ladder_parse(const char *text, struct tr_ladder **out, struct tr_error *err)
{
    struct tr_ladder *l = calloc(1, sizeof *l);
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    if (!l || !(l->runs = calloc(cap, sizeof *l->runs)) || !(l->text = strdup(text))) {
        tr_ladder_free(l);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (parse_item(p, len, &l->runs[l->n])) {
            int rc = tr_error_set(err, TR_EUSAGE,
                                  "ladder: bad item '%.*s' (use 80M, 1.6B or START..END/STEP)",
                                  (int)len, p);
            tr_ladder_free(l);
            return rc;
        }
        l->n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = l;
    return 0;
}

void tr_ladder_free(struct tr_ladder *l)
{
    if (!l)
        return;
    free(l->runs);
    free(l->text);
    free(l);
}

const char *tr_ladder_text(const struct tr_ladder *l) { return l->text; }

bool tr_ladder_has(const struct tr_ladder *l, uint64_t t)
{
    return t && tr_ladder_next(l, t - 1) == t;
}

/* ---- a ladder per kind ---------------------------------------------- */

enum { LT_TRACK, LT_EVERY, LT_RELEASE, LT_ARTIST, LT_COUNT };

static const char *const type_names[LT_COUNT] = {"track", "every_track", "release", "artist"};
static const char *const type_defaults[LT_COUNT] = {
    TR_LADDER_TRACK_DEFAULT, TR_LADDER_EVERY_TRACK_DEFAULT, TR_LADDER_RELEASE_DEFAULT,
    TR_LADDER_ARTIST_DEFAULT};

struct tr_ladders {
    struct tr_ladder *of[LT_COUNT];
    struct tr_ladder *series;    /* track and every_track together (of[LT_TRACK]
                                  * itself when they are the same) */
    char *text;
};

/* The kind a name in a ladder set's text stands for ("artist" or
 * "artist_total"), or -1. */
static int type_of_name(const char *s, size_t len)
{
    static const char *const kinds[LT_COUNT] = {"track_total", "every_track", "release_total",
                                                "artist_total"};
    for (int t = 0; t < LT_COUNT; t++)
        if ((strlen(type_names[t]) == len && memcmp(s, type_names[t], len) == 0) ||
            (strlen(kinds[t]) == len && memcmp(s, kinds[t], len) == 0))
            return t;
    return -1;
}

static int type_of_kind(enum tr_milestone_kind k)
{
    switch (k) {
    case TR_MS_TRACK_TOTAL: return LT_TRACK;
    case TR_MS_EVERY_TRACK: return LT_EVERY;
    case TR_MS_RELEASE_TOTAL: return LT_RELEASE;
    case TR_MS_ARTIST_TOTAL: return LT_ARTIST;
    default: return -1;
    }
}

void tr_ladders_free(struct tr_ladders *ls)
{
    if (!ls)
        return;
    if (ls->series != ls->of[LT_TRACK])
        tr_ladder_free(ls->series);
    for (int t = 0; t < LT_COUNT; t++)
        tr_ladder_free(ls->of[t]);
    free(ls->text);
    free(ls);
}

/* The union of two ladders: the items of both. */
static struct tr_ladder *ladder_union(const struct tr_ladder *a, const struct tr_ladder *b)
{
    struct tr_ladder *u = calloc(1, sizeof *u);
    size_t n = a->n + b->n;
    if (!u || !(u->runs = malloc(n * sizeof *u->runs)) ||
        !(u->text = malloc(strlen(a->text) + strlen(b->text) + 2))) {
        tr_ladder_free(u);
        return NULL;
    }
    memcpy(u->runs, a->runs, a->n * sizeof *a->runs);
    memcpy(u->runs + a->n, b->runs, b->n * sizeof *b->runs);
    u->n = n;
    sprintf(u->text, "%s,%s", a->text, b->text);
    return u;
}

int tr_ladders_parse(const char *text, struct tr_ladders **out, struct tr_error *err)
{
    /* each kind's items, copied out of the text */
    size_t len = strlen(text);
    char *part[LT_COUNT + 1] = {0};    /* LT_COUNT: the unnamed items */
    struct tr_ladders *ls = calloc(1, sizeof *ls);
    int rc = 0;
    if (!ls)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    for (int t = 0; t <= LT_COUNT && !rc; t++)
        if (!(part[t] = calloc(len + 1, 1)))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    int cur = LT_COUNT;
    for (const char *p = text; !rc;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (eq) {
            cur = type_of_name(p, (size_t)(eq - p));
            if (cur < 0) {
                rc = tr_error_set(err, TR_EUSAGE,
                                  "ladder: unknown kind '%.*s' (track, every_track, release or artist)",
                                  (int)(eq - p), p);
                break;
            }
            if (part[cur][0]) {
                rc = tr_error_set(err, TR_EUSAGE, "ladder: %s given twice", type_names[cur]);
                break;
            }
            n -= (size_t)(eq + 1 - p);
            p = eq + 1;
        }
        if (!n) {
            rc = tr_error_set(err, TR_EUSAGE, "ladder: an empty item in '%s'", text);
            break;
        }
        if (part[cur][0])
            strcat(part[cur], ",");
        strncat(part[cur], p, n);
        if (!comma)
            break;
        p = comma + 1;
    }
    size_t text_len = 0;
    for (int t = 0; t < LT_COUNT && !rc; t++) {
        const char *src = part[t][0] ? part[t] : part[LT_COUNT][0] ? part[LT_COUNT] : type_defaults[t];
        rc = tr_ladder_parse(src, &ls->of[t], err);
        if (!rc)
            text_len += strlen(type_names[t]) + strlen(src) + 2;
    }
    if (!rc && !(ls->text = malloc(text_len)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc) {
        char *at = ls->text;
        for (int t = 0; t < LT_COUNT; t++)
            at += sprintf(at, "%s%s=%s", t ? "," : "", type_names[t], ls->of[t]->text);
        if (strcmp(ls->of[LT_TRACK]->text, ls->of[LT_EVERY]->text) == 0)
            ls->series = ls->of[LT_TRACK];
        else if (!(ls->series = ladder_union(ls->of[LT_TRACK], ls->of[LT_EVERY])))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    for (int t = 0; t <= LT_COUNT; t++)
        free(part[t]);
    if (rc) {
        tr_ladders_free(ls);
        return rc;
    }
    *out = ls;
    return 0;
}

const char *tr_ladders_text(const struct tr_ladders *ls) { return ls->text; }

const struct tr_ladder *tr_ladders_of(const struct tr_ladders *ls, enum tr_milestone_kind kind)
{
    int t = type_of_kind(kind);
    return t < 0 ? NULL : ls->of[t];
}

const struct tr_ladder *tr_ladders_series(const struct tr_ladders *ls) { return ls->series; }

uint64_t tr_ladders_next(const struct tr_ladders *ls, enum tr_milestone_kind kind, uint64_t v)
{
    int t = type_of_kind(kind);
    return t < 0 ? 0 : tr_ladder_next(ls->of[t], v);
}

uint64_t tr_ladder_next(const struct tr_ladder *l, uint64_t v)
{
    uint64_t best = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct run *r = &l->runs[i];
        uint64_t t;
        if (v < r->start) {
            t = r->start;
        } else if (r->step == 0) {
            continue;
        } else {
            uint64_t k = (v - r->start) / r->step + 1;
            if (k > (UINT64_MAX - r->start) / r->step)
                continue;
            t = r->start + k * r->step;
            if (r->end && t > r->end)
                continue;
        }
        if (best == 0 || t < best)
            best = t;
    }
    return best;
}

static const char *const kind_names[TR_MS_KIND_COUNT] = {
    "track_total", "every_track", "release_total", "artist_total",
    "chart_debut", "chart_peak", "chart_periods"};

bool tr_milestone_same(const struct tr_milestone *a, const struct tr_milestone *b)
{
    return a->kind == b->kind && a->threshold == b->threshold && a->scope == b->scope;
}
static const char *const subject_names[] = {"track", "release", "artist"};

const char *tr_subject_type_name(enum tr_subject_type t) { return subject_names[t]; }
const char *tr_milestone_kind_name(enum tr_milestone_kind k) { return kind_names[k]; }

int tr_milestone_kind_parse(const char *s, enum tr_milestone_kind *out)
{
    for (int k = 0; k < TR_MS_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (enum tr_milestone_kind)k;
            return 0;
        }
    return -1;
}
