/*
 * fmt_kworb.c: kworb-style song totals, a JSON array of records
 *
 *   {"id": "kworb:blinding lights@unknown", "title": "Blinding Lights",
 *    "streams_total": 5052428948, "streams_daily": 1642818,
 *    "spotify_data_date": "2025-10-01", ...}
 *
 * one record per song, holding its cumulative total on that day.  A record
 * is matched to a track by id, else by its title (case, spaces and
 * punctuation ignored, kworb's leading '*' for a featured role dropped)
 * when exactly one catalog track has that title; otherwise it is an
 * unknown track (added with --add-tracks, with the record's id and title).
 * The day is the record's spotify_data_date, else --date.
 *
 * Rows that give an error before the hygiene checks are counted by the
 * driver's observe step; a stale file's rows are counted here.
 *
 * Feed hygiene, per file, against each track's latest earlier total (from
 * this import's earlier files, else the store):
 *   - a stale day, when nearly all totals (90% or more, of at least 10
 *     known) equal the earlier ones, is left out whole (its rows counted as
 *     refused) rather than read as a day without streams, and noted;
 *   - a two-day jump, when for most tracks the gain over one day is about
 *     twice (1.5x or more) the record's own daily count, is noted: the
 *     feed skipped a day, and the gain covers both;
 *   - totals lower than the earlier ones are counted in the note.
 */
#include "importer.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lower-case letters and digits of s (UTF-8 bytes kept), without a leading
 * '*'. */
static void normalise(const char *s, char *out, size_t size)
{
    size_t k = 0;
    if (*s == '*')
        s++;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < size; p++)
        if (isalnum(*p) || *p >= 0x80)
            out[k++] = (char)tolower(*p);
    out[k] = '\0';
}

struct title_ix {
    char key[128];
    uint32_t track;
};

static int title_cmp(const void *a, const void *b)
{
    return strcmp(((const struct title_ix *)a)->key, ((const struct title_ix *)b)->key);
}

/* The one catalog track with this normalised title, or TR_NONE. */
static uint32_t by_title(const struct title_ix *ix, size_t n, const char *key)
{
    struct title_ix probe;
    snprintf(probe.key, sizeof probe.key, "%s", key);
    const struct title_ix *hit = bsearch(&probe, ix, n, sizeof *ix, title_cmp);
    if (!hit)
        return TR_NONE;
    if ((hit > ix && strcmp(hit[-1].key, key) == 0) ||
        (hit + 1 < ix + n && strcmp(hit[1].key, key) == 0))
        return TR_NONE;     /* ambiguous */
    return hit->track;
}

/* The latest total of a series before day, from this import's batch (a
 * week back at most), else from the store; false when none. */
static bool earlier_total(struct tr_import_ctx *x, uint32_t series, tr_day day, uint64_t *v,
                          tr_day *when)
{
    for (tr_day d = day - 1; d >= day - 7; d--)
        if (tr_obs_batch_get(x->batch, series, d, v)) {
            *when = d;
            return true;
        }
    struct tr_point *p = NULL;
    size_t n = 0;
    bool found = false;
    if (tr_series_history(x->store->be, series, &p, &n, NULL) == 0)
        for (size_t i = n; i-- > 0;)
            if (p[i].day < day) {
                *v = p[i].value;
                *when = p[i].day;
                found = true;
                break;
            }
    free(p);
    return found;
}

struct rec {
    uint32_t track;
    tr_day day;
    uint64_t total, daily;
    size_t index;
};

static int rec_error(struct tr_input *in, size_t i, const char *field, const char *what,
                     struct tr_error *err)
{
    return tr_error_set(err, TR_EFORMAT, "%s: record %zu: %s: %s", in->base, i + 1, field, what);
}

int tr_fmt_kworb_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(in->data, in->len, 0, &je);
    struct title_ix *ix = NULL;
    struct rec *recs = NULL;
    size_t n_ix = 0;
    int rc = 0;
    if (!root || !json_is_array(root)) {
        rc = root ? tr_error_set(err, TR_EFORMAT, "%s:1: expected a JSON array of song records", in->base)
                  : tr_error_set(err, TR_EFORMAT, "%s:%d: %s", in->base, je.line, je.text);
        goto out;
    }
    size_t n = json_array_size(root);
    struct tr_catalog *c = x->catalog;
    if (!(ix = malloc((c->n_tracks + 1) * sizeof *ix)) || !(recs = calloc(n + 1, sizeof *recs))) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (uint32_t t = 0; t < c->n_tracks; t++)
        if (c->tracks[t].title) {
            normalise(c->tracks[t].title, ix[n_ix].key, sizeof ix[n_ix].key);
            ix[n_ix++].track = t;
        }
    qsort(ix, n_ix, sizeof *ix, title_cmp);

    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(root, i);
        if (!json_is_object(o)) {
            rc = rec_error(in, i, "record", "not an object", err);
            goto out;
        }
        json_t *id = json_object_get(o, "id"), *title = json_object_get(o, "title");
        json_t *total = json_object_get(o, "streams_total"), *daily = json_object_get(o, "streams_daily");
        json_t *date = json_object_get(o, "spotify_data_date");
        if (!json_is_string(title) || !*json_string_value(title)) {
            rc = rec_error(in, i, "title", "missing or not a string", err);
            goto out;
        }
        if (!json_is_integer(total) || json_integer_value(total) < 0) {
            rc = rec_error(in, i, "streams_total", "missing or not a whole number", err);
            goto out;
        }
        struct rec *r = &recs[i];
        r->index = i;
        r->total = (uint64_t)json_integer_value(total);
        r->daily = json_is_integer(daily) && json_integer_value(daily) > 0
                       ? (uint64_t)json_integer_value(daily) : 0;
        if (json_is_string(date)) {
            const char *s = json_string_value(date);
            if (tr_day_parse(s, strlen(s), &r->day)) {
                char what[96];
                snprintf(what, sizeof what, "not a date: '%.60s'", s);
                rc = rec_error(in, i, "spotify_data_date", what, err);
                goto out;
            }
        } else if ((r->day = x->opt->date) == TR_DAY_NONE) {
            rc = rec_error(in, i, "spotify_data_date", "missing (give --date YYYY-MM-DD)", err);
            goto out;
        }
        const char *ids = json_is_string(id) ? json_string_value(id) : "";
        uint32_t t = *ids ? tr_catalog_track(c, ids) : TR_NONE;
        if (t == TR_NONE) {
            char key[128];
            normalise(json_string_value(title), key, sizeof key);
            t = by_title(ix, n_ix, key);
        }
        if (t == TR_NONE) {
            const char *name = *ids ? ids : json_string_value(title);
            if ((rc = tr_import_track(x, name, strlen(name), json_string_value(title), i + 1, "id",
                                      &t, err)))
                goto out;
        }
        r->track = t;
    }

    /* hygiene: compare with each track's earlier total */
    size_t known = 0, same = 0, down = 0, jumps = 0, with_daily = 0;
    tr_day prev_day = TR_DAY_NONE;
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        tr_day when;
        if (!earlier_total(x, c->tracks[recs[i].track].series, recs[i].day, &v, &when))
            continue;
        known++;
        prev_day = when;
        same += v == recs[i].total;
        down += recs[i].total < v;
        if (recs[i].daily && when == recs[i].day - 1 && recs[i].total > v) {
            with_daily++;
            jumps += (recs[i].total - v) * 2 >= recs[i].daily * 3;
        }
    }
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN];
    const char *day = n ? tr_day_format(recs[0].day, d1) : "-";
    if (known >= 10 && same * 10 >= known * 9) {
        x->file->rows += n;
        x->file->refused += n;
        snprintf(x->file->note, sizeof x->file->note,
                 "stale day %s: %zu of %zu totals equal those of %s; the file is left out", day,
                 same, known, tr_day_format(prev_day, d2));
        goto out;
    }
    for (size_t i = 0; i < n && !rc; i++)
        rc = tr_import_observe(x, recs[i].track, recs[i].day, recs[i].total, i + 1, 0, err);
    if (rc)
        goto out;
    int k = 0;
    if (with_daily >= 10 && jumps * 2 >= with_daily)
        k = snprintf(x->file->note, sizeof x->file->note,
                     "two-day jump on %s: for %zu of %zu tracks the gain over one day is about twice"
                     " the day's count (the feed skipped a day); ", day, jumps, with_daily);
    if (known == 0)
        snprintf(x->file->note, sizeof x->file->note, "no earlier totals to compare with");
    else if (k >= 0 && (size_t)k < sizeof x->file->note)
        snprintf(x->file->note + k, sizeof x->file->note - (size_t)k,
                 "%zu unchanged, %zu decreased of %zu totals known before", same, down, known);
out:
    json_decref(root);
    free(ix);
    free(recs);
    return rc;
}
