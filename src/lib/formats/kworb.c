/*
 * formats/kworb.c: kworb-style totals, JSON arrays of records, one file per day:
 *
 *   songs ("kworb"): {"id": "kworb:blinding lights@unknown", "title":
 *     "Blinding Lights", "role": "lead", "streams_total": 5052428948,
 *     "streams_daily": 1642818, "spotify_data_date": "2025-10-01", ...}
 *   albums ("kworb-albums"): {"id": "kworb:album:starboy", "title":
 *     "Starboy (Deluxe)", "streams_total": 17669739806, ...}
 *
 * A song record holds one song's cumulative total on that day.  It is
 * matched to a track by id, else by its title (case, spaces and
 * punctuation ignored, kworb's leading '*' for a featured role dropped)
 * when exactly one catalog track has that title; otherwise it is an
 * unknown track (added with --add-tracks, with the record's id and title).
 *
 * An album record holds the release's total as kworb reports it: a
 * release-level figure, not a sum of tracks, so it goes to the release
 * totals (extras.h), handed to the driver, which writes them inside the
 * import's transaction, replacing the row of (release, day, "kworb").  A
 * record is matched to a release by id (the record's, then "kworb:" + its
 * normalised title), else, for the first record of that title in the
 * file, by title (kworb's leading '^' for a compilation or live release
 * dropped) when exactly one catalog release has it.  kworb lists versions under the
 * same title ("Trilogy" twice): the n-th record of a title (n > 1) has the
 * id "kworb:<title>-n".  An unmatched record creates a bare release with
 * that id (title without '^', type compilation when '^', else unknown)
 * when the import adds tracks; otherwise the file is refused naming the
 * record.
 *
 * The day of a record is its spotify_data_date, else --date, else the
 * first YYYY-MM-DD in the file name.
 *
 * Feed hygiene, per file, against each subject's latest earlier total
 * (songs: this import's earlier files, else the store; albums: the store,
 * which holds this import's earlier files already):
 *   - a stale day, when nearly all totals (90% or more, of at least 10
 *     known) equal the earlier ones, is left out whole (its rows counted as
 *     refused) rather than read as a day without streams, and noted;
 *   - a two-day jump, when for most subjects the gain over one day is
 *     about twice (1.5x or more) the record's own daily count, is noted:
 *     the feed skipped a day, and the gain covers both;
 *   - totals lower than the earlier ones are counted in the note.
 * Rows that give an error before the hygiene checks are counted by the
 * shared observe step (songs, formats/reader.c); a stale file's rows are
 * counted here.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KWORB_SOURCE "kworb"

/* Lower-case letters and digits of s (UTF-8 bytes kept), without a leading
 * marker (kworb's '*' on songs, '^' on albums). */
static void normalise(const char *s, char marker, char *out, size_t size)
{
    size_t k = 0;
    if (*s == marker)
        s++;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < size; p++)
        if (isalnum(*p) || *p >= 0x80)
            out[k++] = (char)tolower(*p);
    out[k] = '\0';
}

/* ---- catalog titles ------------------------------------------------------ */

struct title_ix {
    char key[128];
    uint32_t index;          /* track or release */
};

static int title_cmp(const void *a, const void *b)
{
    return strcmp(((const struct title_ix *)a)->key, ((const struct title_ix *)b)->key);
}

static const char *track_title(const struct tr_catalog *c, uint32_t i)
{
    return c->tracks[i].title;
}

static const char *release_title(const struct tr_catalog *c, uint32_t i)
{
    return c->releases[i].title;
}

/* The normalised titles of entities 0..n of c, sorted; NULL when out of
 * memory. */
static struct title_ix *title_index(const struct tr_catalog *c, uint32_t n,
                                    const char *(*title)(const struct tr_catalog *, uint32_t),
                                    char marker, size_t *n_ix)
{
    struct title_ix *ix = malloc((n + 1) * sizeof *ix);
    *n_ix = 0;
    if (!ix)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (title(c, i)) {
            normalise(title(c, i), marker, ix[*n_ix].key, sizeof ix[*n_ix].key);
            ix[(*n_ix)++].index = i;
        }
    qsort(ix, *n_ix, sizeof *ix, title_cmp);
    return ix;
}

/* The one entity with this normalised title, or TR_NONE. */
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
    return hit->index;
}

/* ---- records ------------------------------------------------------------- */

struct rec {
    uint32_t subject;        /* track or release index */
    tr_day day;
    uint64_t total, daily;
    const char *title;       /* into the JSON document */
    const char *id;          /* "" when absent */
};

static int rec_error(struct tr_input *in, size_t i, const char *field, const char *what,
                     struct tr_error *err)
{
    return tr_error_set(err, TR_EFORMAT, "%s: record %zu: %s: %s", in->base, i + 1, field, what);
}

/* Parses in as a JSON array of n records into *recs (calloc'd, n + 1),
 * each with its title, total, daily count, day and id checked. */
static int read_records(struct tr_import_ctx *x, struct tr_input *in, const char *what,
                        json_t **root, struct rec **recs, size_t *n, struct tr_error *err)
{
    json_error_t je;
    *recs = NULL;
    *n = 0;
    if (!(*root = json_loadb(in->data, in->len, 0, &je)))
        return tr_error_set(err, TR_EFORMAT, "%s:%d: %s", in->base, je.line, je.text);
    if (!json_is_array(*root))
        return tr_error_set(err, TR_EFORMAT, "%s:1: expected a JSON array of %s records", in->base,
                            what);
    size_t cnt = json_array_size(*root);
    if (!(*recs = calloc(cnt + 1, sizeof **recs)))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    tr_day from_name = TR_DAY_NONE;
    bool name_tried = false;
    for (size_t i = 0; i < cnt; i++) {
        json_t *o = json_array_get(*root, i);
        if (!json_is_object(o))
            return rec_error(in, i, "record", "not an object", err);
        json_t *id = json_object_get(o, "id"), *title = json_object_get(o, "title");
        json_t *total = json_object_get(o, "streams_total"), *daily = json_object_get(o, "streams_daily");
        json_t *date = json_object_get(o, "spotify_data_date");
        if (!json_is_string(title) || !*json_string_value(title))
            return rec_error(in, i, "title", "missing or not a string", err);
        if (!json_is_integer(total) || json_integer_value(total) < 0)
            return rec_error(in, i, "streams_total", "missing or not a whole number", err);
        struct rec *r = &(*recs)[i];
        r->title = json_string_value(title);
        r->id = json_is_string(id) ? json_string_value(id) : "";
        r->total = (uint64_t)json_integer_value(total);
        r->daily = json_is_integer(daily) && json_integer_value(daily) > 0
                       ? (uint64_t)json_integer_value(daily) : 0;
        const char *field = "spotify_data_date";
        if (json_is_string(date)) {
            const char *s = json_string_value(date);
            if (tr_day_parse(s, strlen(s), &r->day)) {
                char msg[96];
                snprintf(msg, sizeof msg, "not a date: '%.60s'", s);
                return rec_error(in, i, field, msg, err);
            }
        } else {
            if (!name_tried) {
                from_name = tr_import_name_day(in->base);
                name_tried = true;
            }
            if ((r->day = x->opt->date) == TR_DAY_NONE && (r->day = from_name) == TR_DAY_NONE)
                return rec_error(in, i, field, "missing (give --date YYYY-MM-DD)", err);
            field = x->opt->date != TR_DAY_NONE ? "--date" : "date (the file name's)";
        }
        if (!tr_data_day_ok(r->day)) {
            char where[300];
            snprintf(where, sizeof where, "%s: record %zu", in->base, i + 1);
            return tr_data_day_check(where, field, r->day, err);
        }
    }
    *n = cnt;
    return 0;
}

/* ---- feed hygiene ---------------------------------------------------------- */

struct check {
    size_t known, same, down, jumps, with_daily;
    tr_day prev_day;
};

/* Counts one record against its subject's earlier total v of day when. */
static void check_add(struct check *k, const struct rec *r, uint64_t v, tr_day when)
{
    k->known++;
    k->prev_day = when;
    k->same += v == r->total;
    k->down += r->total < v;
    if (r->daily && when == r->day - 1 && r->total > v) {
        k->with_daily++;
        k->jumps += (r->total - v) * 2 >= r->daily * 3;
    }
}

/* True when the file is a stale day: then its n rows are counted as
 * refused and the note says so. */
static bool check_stale(struct tr_import_ctx *x, const struct check *k, const struct rec *recs,
                        size_t n)
{
    if (k->known < 10 || k->same * 10 < k->known * 9)
        return false;
    char d1[TR_DATE_LEN], d2[TR_DATE_LEN];
    x->file->rows += n;
    x->file->refused += n;
    snprintf(x->file->note, sizeof x->file->note,
             "stale day %s: %zu of %zu totals equal those of %s; the file is left out",
             tr_day_format(recs[0].day, d1), k->same, k->known, tr_day_format(k->prev_day, d2));
    return true;
}

/* The note of a file that was read: a two-day jump, and the unchanged and
 * decreased totals; subjects names them ("tracks"). */
static void check_note(struct tr_import_ctx *x, const struct check *k, const struct rec *recs,
                       size_t n, const char *subjects)
{
    char d[TR_DATE_LEN];
    char *note = x->file->note;
    size_t size = sizeof x->file->note;
    int w = 0;
    if (k->with_daily >= 10 && k->jumps * 2 >= k->with_daily)
        w = snprintf(note, size,
                     "two-day jump on %s: for %zu of %zu %s the gain over one day is about twice"
                     " the day's count (the feed skipped a day); ",
                     n ? tr_day_format(recs[0].day, d) : "-", k->jumps, k->with_daily, subjects);
    if (k->known == 0)
        snprintf(note, size, "no earlier totals to compare with");
    else if (w >= 0 && (size_t)w < size)
        snprintf(note + w, size - (size_t)w, "%zu unchanged, %zu decreased of %zu totals known before",
                 k->same, k->down, k->known);
}

/* ---- songs ----------------------------------------------------------------- */

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
    if (x->stored.history(x->stored.ctx, series, &p, &n, NULL) == 0)
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

int tr_fmt_kworb_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    json_t *root = NULL;
    struct title_ix *ix = NULL;
    struct rec *recs = NULL;
    size_t n_ix = 0, n = 0;
    struct tr_catalog *c = x->catalog;
    int rc = read_records(x, in, "song", &root, &recs, &n, err);
    if (rc)
        goto out;
    if (!(ix = title_index(c, c->n_tracks, track_title, '*', &n_ix))) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct rec *r = &recs[i];
        uint32_t t = *r->id ? tr_catalog_track(c, r->id) : TR_NONE;
        if (t == TR_NONE) {
            char key[128];
            normalise(r->title, '*', key, sizeof key);
            t = by_title(ix, n_ix, key);
        }
        if (t == TR_NONE) {
            const char *name = *r->id ? r->id : r->title;
            if ((rc = tr_import_track(x, name, strlen(name), r->title, i + 1, "id", &t, err)))
                goto out;
        }
        r->subject = t;
    }

    struct check k = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        tr_day when;
        if (earlier_total(x, c->tracks[recs[i].subject].series, recs[i].day, &v, &when))
            check_add(&k, &recs[i], v, when);
    }
    if (check_stale(x, &k, recs, n))
        goto out;
    for (size_t i = 0; i < n && !rc; i++)
        rc = tr_import_observe(x, recs[i].subject, recs[i].day, recs[i].total, i + 1, 0, err);
    if (!rc)
        check_note(x, &k, recs, n, "tracks");
out:
    json_decref(root);
    free(ix);
    free(recs);
    return rc;
}

/* ---- albums ---------------------------------------------------------------- */

/* The latest total kworb reported for a release before day; false when
 * none (or on a read error, which then reads as "nothing to compare"). */
static bool earlier_release_total(struct tr_import_ctx *x, const char *release, tr_day day,
                                  uint64_t *v, tr_day *when)
{
    struct tr_release_total *p = NULL;
    size_t n = 0;
    bool found = false;
    if (x->stored.release_totals(x->stored.ctx, release, &p, &n, NULL) == 0)
        for (size_t i = n; i-- > 0 && !found;)
            if (p[i].date < day && strcmp(p[i].source, KWORB_SOURCE) == 0) {
                *v = p[i].total;
                *when = p[i].date;
                found = true;
            }
    free(p);
    return found;
}

/* The release of record i (its normalised title key, the occurrence-th
 * record of that title in the file), created bare when the import adds
 * tracks. */
static int album_release(struct tr_import_ctx *x, struct tr_input *in, const struct rec *r,
                         size_t i, const char *key, size_t occurrence,
                         const struct title_ix *ix, size_t n_ix, uint32_t *out,
                         struct tr_error *err)
{
    struct tr_catalog *c = x->catalog;
    char id[160];
    if (occurrence > 1)
        snprintf(id, sizeof id, "kworb:%s-%zu", key, occurrence);
    else
        snprintf(id, sizeof id, "kworb:%s", key);
    uint32_t rel = *r->id ? tr_catalog_release(c, r->id) : TR_NONE;
    if (rel == TR_NONE)
        rel = tr_catalog_release(c, id);
    if (rel == TR_NONE && occurrence == 1)
        rel = by_title(ix, n_ix, key);
    if (rel != TR_NONE) {
        *out = rel;
        return 0;
    }
    if (!x->opt->add_tracks)
        return tr_error_set(err, TR_EUNKNOWN,
                            "%s: record %zu: title: no release titled '%.100s' in the catalog"
                            " (import its catalog first, or use --add-tracks)", in->base, i + 1,
                            r->title);
    bool compilation = r->title[0] == '^';
    int rc = tr_catalog_add_release(c, id, &rel, NULL);
    if (!rc)
        rc = tr_catalog_set_str(c, &c->releases[rel].title, r->title + compilation);
    if (rc)
        return tr_error_set(err, rc, "out of memory");
    c->releases[rel].type = compilation ? TR_RELEASE_COMPILATION : TR_RELEASE_UNKNOWN;
    *out = rel;
    return 0;
}

int tr_fmt_kworb_albums_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    json_t *root = NULL;
    struct title_ix *ix = NULL;
    struct rec *recs = NULL;
    char (*keys)[128] = NULL;
    size_t n_ix = 0, n = 0;
    struct tr_catalog *c = x->catalog;
    int rc = read_records(x, in, "album", &root, &recs, &n, err);
    if (rc)
        goto out;
    if (!(ix = title_index(c, c->n_releases, release_title, '^', &n_ix)) ||
        !(keys = calloc(n + 1, sizeof *keys))) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct rec *r = &recs[i];
        normalise(r->title, '^', keys[i], sizeof keys[i]);
        if (!keys[i][0]) {
            char msg[160];
            snprintf(msg, sizeof msg, "'%.100s' has no letters or digits to match a release by",
                     r->title);
            rc = rec_error(in, i, "title", msg, err);
            goto out;
        }
        /* versions under one title: the n-th record of a title is its own release */
        size_t occurrence = 1;
        for (size_t j = 0; j < i; j++)
            occurrence += strcmp(keys[j], keys[i]) == 0;
        if ((rc = album_release(x, in, r, i, keys[i], occurrence, ix, n_ix, &r->subject, err)))
            goto out;
        for (size_t j = 0; j < i; j++)
            if (recs[j].subject == r->subject && recs[j].day == r->day) {
                rc = tr_error_set(err, TR_ECONFLICT,
                                  "%s: record %zu: title: '%.100s' is release '%s' again, as record"
                                  " %zu", in->base, i + 1, r->title, c->releases[r->subject].id, j + 1);
                goto out;
            }
    }

    struct check k = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        tr_day when;
        if (earlier_release_total(x, c->releases[recs[i].subject].id, recs[i].day, &v, &when))
            check_add(&k, &recs[i], v, when);
    }
    if (check_stale(x, &k, recs, n))
        goto out;
    for (size_t i = 0; i < n && !rc; i++) {
        struct tr_release_total t = {.date = recs[i].day, .source = KWORB_SOURCE,
                                     .total = recs[i].total, .daily = recs[i].daily};
        rc = tr_import_add_release_total(x, recs[i].subject, &t, err);
        x->file->rows++;
        x->file->taken += rc == 0;
    }
    if (!rc)
        check_note(x, &k, recs, n, "releases");
out:
    json_decref(root);
    free(ix);
    free(keys);
    free(recs);
    return rc;
}
