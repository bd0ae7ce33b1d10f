/*
 * ladder.c: milestone ladders and count notation.
 *
 * A ladder is a small list of items, each a run start..end every step (a
 * single threshold is a run with step 0; end 0 means without end).  The
 * next threshold above v is the minimum over the items, computed
 * arithmetically, so an endless ladder costs nothing to hold.
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
