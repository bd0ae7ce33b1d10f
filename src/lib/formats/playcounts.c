/*
 * formats/playcounts.c: a catalog-plus-play-count export in four CSVs, as
 * saved by a Spotify play-count poller (docs/formats.md, "play-count
 * export"):
 *
 *   artists.csv     artist_id,artist_name
 *   albums.csv      album_group,album_name,album_id,album_release_date,
 *                   total_tracks,album_uri,artist_id
 *   tracks.csv      track_name,track_id,track_uri,track_number,album_id
 *   playcounts.csv  date_tracked,track_id,track_playcount
 *
 * The first three become the catalog (ids are Spotify ids; an album's
 * tracks, by track_number, are its track list; a track with no artists
 * gets its album's primary artist; an album by several artists is listed
 * once per artist), the last one the series.  Rows update by id,
 * so a re-import changes nothing.
 *
 * Spotify counts plays per recording and gives the recording's count under
 * each of its ids (the single's, the album's, a deluxe edition's): in the
 * 2023 export "Wonderland" is three ids on three albums with one count.  So
 * ids of one primary artist and one title (tr_title_key) whose counts are
 * equal on most of the days both are listed, or under any titles whose
 * moving counts are equal on every day (two at least), become one
 * recording, same_as the id with the earliest day 0 (then the catalog's
 * first); in that export
 * such ids agree on 7 to 9 of 9 days (a fetch taken at another time
 * differs), different recordings of one title ("Intro" on two albums) on
 * none.  A track whose same_as names itself is kept apart.
 *
 * Play counts are read whole before any is taken, sorted by recording and
 * day, so that: a conflicting duplicate (same recording and day, two
 * counts) names both lines; a 0 after a positive count of the same
 * recording, which is a failed fetch rather than a real count, is left out
 * and counted as refused; and the file note reports the day-to-day
 * decreases and unchanged steps the file holds.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nomem(struct tr_error *err) { return tr_error_set(err, TR_ENOMEM, "out of memory"); }

static int empty_id(struct tr_csv *r, const char *name, struct tr_error *err)
{
    return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: empty id", r->file, r->line, name);
}

/* ---- artists.csv ------------------------------------------------------- */

int tr_fmt_pc_artists_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"artist_id", "artist_name"};
    struct tr_csv r;
    int col[2], rc = tr_import_csv_open(&r, in, names, 2, 2, col, err), more;
    while (!rc && (more = tr_import_csv_row(x, &r, err))) {
        if (more < 0) {
            rc = -more;
            break;
        }
        char id[256], name[1024];
        uint32_t a;
        tr_import_field(&r, col[0], id, sizeof id);
        tr_import_field(&r, col[1], name, sizeof name);
        if (!*id) {
            rc = empty_id(&r, "artist_id", err);
            break;
        }
        if (tr_catalog_add_artist(x->catalog, id, &a, NULL) ||
            tr_import_set_str(x, TR_SUBJECT_ARTIST, a, &x->catalog->artists[a].name, name)) {
            rc = nomem(err);
            break;
        }
        x->file->taken++;
    }
    tr_csv_release(&r);
    return rc;
}

/* ---- albums.csv --------------------------------------------------------- */

int tr_fmt_pc_albums_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"album_group", "album_name", "album_id",
                                        "album_release_date", "artist_id"};
    struct tr_csv r;
    int col[5], rc = tr_import_csv_open(&r, in, names, 5, 5, col, err), more;
    while (!rc && (more = tr_import_csv_row(x, &r, err))) {
        if (more < 0) {
            rc = -more;
            break;
        }
        char group[64], title[1024], id[256], date[64], artist[256];
        enum tr_release_type type;
        tr_day day = TR_DAY_NONE;
        tr_import_field(&r, col[0], group, sizeof group);
        tr_import_field(&r, col[1], title, sizeof title);
        tr_import_field(&r, col[3], date, sizeof date);
        tr_import_field(&r, col[4], artist, sizeof artist);
        tr_import_field(&r, col[2], id, sizeof id);
        if (!*id) {
            rc = empty_id(&r, "album_id", err);
            break;
        }
        if (tr_release_type_parse(group, &type)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: album_group: expected album, single, ep or"
                              " compilation, found '%s'", in->base, r.line, group);
            break;
        }
        /* a year or a month alone leaves the release day unknown */
        size_t dl = strlen(date);
        bool partial = (dl == 4 || dl == 7) && isdigit((unsigned char)date[0]);
        if (dl && !partial && tr_day_parse(date, dl, &day)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: album_release_date: not a date: '%s'",
                              in->base, r.line, date);
            break;
        }
        uint32_t a = tr_catalog_artist(x->catalog, artist), rel;
        if (a == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: artist_id: unknown artist '%s'",
                              in->base, r.line, artist);
            break;
        }
        if (tr_catalog_add_release(x->catalog, id, &rel, NULL)) {
            rc = nomem(err);
            break;
        }
        struct tr_release *re = &x->catalog->releases[rel];
        if (re->type != type || re->date != day) {
            re->type = type;
            re->date = day;
            tr_catalog_mark(x->catalog, TR_SUBJECT_RELEASE, rel);
        }
        /* an album by two artists comes as two rows, one per artist */
        bool listed = false;
        for (uint32_t k = 0; k < re->n_artists && !listed; k++)
            listed = re->artists[k] == a;
        if (tr_import_set_str(x, TR_SUBJECT_RELEASE, rel, &re->title, title)) {
            rc = nomem(err);
            break;
        }
        if (!listed) {
            uint32_t list[64], k = re->n_artists < 63 ? re->n_artists : 63;
            if (k)
                memcpy(list, re->artists, k * sizeof *list);
            list[k++] = a;
            if (tr_import_set_list(x, TR_SUBJECT_RELEASE, rel, &re->artists, &re->n_artists, list, k)) {
                rc = nomem(err);
                break;
            }
        }
        x->file->taken++;
    }
    tr_csv_release(&r);
    return rc;
}

/* ---- tracks.csv --------------------------------------------------------- */

/* By release, then line. */
static int slot_cmp(const void *pa, const void *pb)
{
    const struct tr_import_place *a = pa, *b = pb;
    if (a->release != b->release)
        return a->release < b->release ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

int tr_fmt_pc_tracks_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"track_name", "track_id", "track_number", "album_id"};
    struct tr_csv r;
    struct tr_import_place *v = NULL;
    size_t n = 0, cap = 0;
    int col[4], rc = tr_import_csv_open(&r, in, names, 4, 4, col, err), more;
    struct tr_catalog *c = x->catalog;
    while (!rc && (more = tr_import_csv_row(x, &r, err))) {
        if (more < 0) {
            rc = -more;
            break;
        }
        char title[1024], id[256], album[256];
        uint64_t pos;
        uint32_t t, rel;
        tr_import_field(&r, col[0], title, sizeof title);
        tr_import_field(&r, col[3], album, sizeof album);
        tr_import_field(&r, col[1], id, sizeof id);
        if (!*id) {
            rc = empty_id(&r, "track_id", err);
            break;
        }
        if ((rc = tr_csv_u64(&r, (size_t)col[2], "track_number", &pos, err)))
            break;
        if ((rel = tr_catalog_release(c, album)) == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: album_id: unknown album '%s'", in->base,
                              r.line, album);
            break;
        }
        bool created;
        if (tr_catalog_add_track(c, id, TR_NONE, &t, &created) ||
            tr_import_set_str(x, TR_SUBJECT_TRACK, t, &c->tracks[t].title, title)) {
            rc = nomem(err);
            break;
        }
        if (c->tracks[t].n_artists == 0 && c->releases[rel].n_artists &&
            tr_import_set_list(x, TR_SUBJECT_TRACK, t, &c->tracks[t].artists, &c->tracks[t].n_artists,
                     c->releases[rel].artists, 1)) {
            rc = nomem(err);
            break;
        }
        if (n == cap) {
            struct tr_import_place *p = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *p);
            if (!p) {
                rc = nomem(err);
                break;
            }
            v = p;
        }
        v[n++] = (struct tr_import_place){rel, t, pos, r.line};
        x->file->taken++;
    }
    /* track lists: one per album, in the file's order (track_number
     * starts again on each disc of a multi-disc album, and the export
     * has no disc number); a track listed twice counts once */
    if (!rc && n) {
        qsort(v, n, sizeof *v, slot_cmp);
        rc = tr_import_track_lists(x, v, n, err);
    }
    tr_csv_release(&r);
    free(v);
    return rc;
}

/* ---- playcounts.csv ----------------------------------------------------- */

struct pc_row {
    uint32_t series, track;
    tr_day day;
    uint64_t value;
    size_t line;
    size_t first_line;       /* earliest line with the same series and day */
    bool skip;               /* a 0 after a positive count */
};

static int by_series_day(const void *pa, const void *pb)
{
    const struct pc_row *a = pa, *b = pb;
    if (a->series != b->series)
        return a->series < b->series ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int by_line(const void *pa, const void *pb)
{
    const struct pc_row *a = pa, *b = pb;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* ---- one recording under several ids ---------------------------------- */

struct candidate {
    uint32_t track;
    tr_day day0;
    char *key;                /* primary artist and tr_title_key of the title */
    size_t lo, hi;            /* its rows in v, by day */
};

static int by_track_day(const void *pa, const void *pb)
{
    const struct pc_row *a = pa, *b = pb;
    if (a->track != b->track)
        return a->track < b->track ? -1 : 1;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int by_key(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    int k = strcmp(a->key, b->key);
    if (k)
        return k;
    if (a->day0 != b->day0)     /* TR_DAY_NONE (unknown) last */
        return a->day0 == TR_DAY_NONE ? 1 : b->day0 == TR_DAY_NONE ? -1 : a->day0 < b->day0 ? -1 : 1;
    return a->track < b->track ? -1 : a->track > b->track;
}

/* Compares two ids' counts on the days both have a positive one (rows
 * by day, as sorted): *both such days, *equal of them equal, *moved
 * whether the count changed from one such day to the next. */
static void compare_counts(const struct pc_row *v, const struct candidate *a,
                           const struct candidate *b, size_t *both, size_t *equal, bool *moved)
{
    size_t i = a->lo, j = b->lo;
    uint64_t first = 0;
    *both = *equal = 0;
    *moved = false;
    while (i < a->hi && j < b->hi) {
        if (v[i].day < v[j].day) {
            i++;
        } else if (v[j].day < v[i].day) {
            j++;
        } else {
            if (v[i].value && v[j].value) {
                if (!(*both)++)
                    first = v[i].value;
                *equal += v[i].value == v[j].value;
                *moved |= v[i].value != first;
            }
            i++, j++;
        }
    }
}

/* One recording: the same title with the same count on most days, or
 * any title with the same moving count on every day (two days at least:
 * "The Way - Spanglish Version" is counted as "The Way"). */
static bool one_recording(const struct pc_row *v, const struct candidate *a,
                          const struct candidate *b, bool same_title)
{
    size_t both, equal;
    bool moved;
    compare_counts(v, a, b, &both, &equal, &moved);
    return same_title ? both && 2 * equal > both : both >= 2 && equal == both && moved;
}

/* The rows of the candidates' ids cover [lo, hi); the last positive count. */
static uint64_t last_count(const struct pc_row *v, const struct candidate *k)
{
    for (size_t i = k->hi; i > k->lo; i--)
        if (v[i - 1].value)
            return v[i - 1].value;
    return 0;
}

/* Links the candidates of each run of equal keys (sorted by key, then
 * day 0): each id joins the first earlier recording of its run it is one
 * recording with; one that agrees with none starts a recording. */
static void link_runs(struct tr_catalog *c, const struct pc_row *v, struct candidate *cand,
                      size_t nc, bool same_title, uint64_t *linked)
{
    for (size_t g = 0; g < nc;) {
        size_t e = g + 1;
        while (e < nc && !strcmp(cand[e].key, cand[g].key))
            e++;
        for (size_t m = g + 1; m < e; m++) {
            if (c->tracks[cand[m].track].same_as != TR_NONE)
                continue;
            for (size_t h = g; h < m; h++) {
                if (c->tracks[cand[h].track].same_as != TR_NONE ||
                    !one_recording(v, &cand[h], &cand[m], same_title))
                    continue;
                c->tracks[cand[m].track].same_as = cand[h].track;
                tr_catalog_mark(c, TR_SUBJECT_TRACK, cand[m].track);
                (*linked)++;
                break;
            }
        }
        g = e;
    }
}

/* Makes the ids of one recording (the header's rule) same_as their first
 * and moves their rows onto its series; *linked counts the ids linked.
 * v is left sorted by track and day. */
static int link_recordings(struct tr_import_ctx *x, struct pc_row *v, size_t n,
                           uint64_t *linked, struct tr_error *err)
{
    struct tr_catalog *c = x->catalog;
    struct candidate *cand = NULL;
    tr_day *day0 = NULL;
    size_t nc = 0;
    int rc = 0;
    *linked = 0;
    qsort(v, n, sizeof *v, by_track_day);
    if (!(cand = calloc(n ? n : 1, sizeof *cand)) || tr_catalog_track_days(c, &day0)) {
        rc = nomem(err);
        goto out;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].track == v[i].track)
            j++;
        const struct tr_track *t = &c->tracks[v[i].track];
        if (t->same_as == TR_NONE && t->n_artists) {
            struct candidate *k = &cand[nc];
            const char *title = t->title ? t->title : "";
            if (!(k->key = malloc(strlen(title) + 32))) {
                rc = nomem(err);
                goto out;
            }
            k->track = v[i].track;
            k->day0 = day0[v[i].track];
            k->lo = i, k->hi = j;
            nc++;
        }
        i = j;
    }
    /* the same title, then the same last count */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nc; i++) {
            const struct tr_track *t = &c->tracks[cand[i].track];
            int at = snprintf(cand[i].key, 16, "%u\x1f", t->artists[0]);
            if (pass == 0)
                tr_title_key(t->title ? t->title : "", cand[i].key + at);
            else
                snprintf(cand[i].key + at, 24, "%llu", (unsigned long long)last_count(v, &cand[i]));
        }
        qsort(cand, nc, sizeof *cand, by_key);
        link_runs(c, v, cand, nc, pass == 0, linked);
    }
    if (*linked && !(rc = tr_catalog_resolve(c, err)))
        for (size_t i = 0; i < n; i++)
            v[i].series = c->tracks[v[i].track].series;
out:
    for (size_t i = 0; i < nc; i++)
        free(cand[i].key);
    free(cand);
    free(day0);
    return rc;
}

int tr_fmt_pc_playcounts_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"date_tracked", "track_id", "track_playcount"};
    struct tr_csv r;
    struct pc_row *v = NULL;
    size_t n = 0, cap = 0;
    int col[3], rc = tr_import_csv_open(&r, in, names, 3, 3, col, err), more;
    while (!rc && (more = tr_import_csv_row(NULL, &r, err))) {
        if (more < 0) {
            rc = -more;
            break;
        }
        struct pc_row row = {0};
        const struct tr_csv_field *id = &r.fields[col[1]];
        if ((rc = tr_csv_data_day(&r, (size_t)col[0], "date_tracked", &row.day, err)) ||
            (rc = tr_csv_u64(&r, (size_t)col[2], "track_playcount", &row.value, err)) ||
            (rc = tr_import_track(x, id->s, id->len, NULL, r.line, "track_id", &row.track, err)))
            break;
        row.series = x->catalog->tracks[row.track].series;
        row.line = r.line;
        if (n == cap) {
            struct pc_row *p = realloc(v, (cap = cap ? cap * 2 : 4096) * sizeof *p);
            if (!p) {
                rc = nomem(err);
                break;
            }
            v = p;
        }
        v[n++] = row;
        if ((n & 0xffff) == 0)
            tr_import_progress(x, (size_t)(r.pos - in->data));
    }
    uint64_t linked = 0;
    if (rc || (rc = link_recordings(x, v, n, &linked, err)))
        goto out;

    /* per recording, in day order: duplicates, failed fetches, and the
     * steps between days (on the value the duplicate policy keeps) */
    qsort(v, n, sizeof *v, by_series_day);
    uint64_t zeros = 0, down = 0, same = 0;
    enum tr_on_duplicate pol = x->opt->on_duplicate;
    for (size_t i = 0; i < n;) {
        uint32_t s = v[i].series;
        bool positive = false, have_prev = false;
        uint64_t prev = 0;
        for (; i < n && v[i].series == s;) {
            size_t j = i;
            uint64_t kept = 0;
            bool any = false;
            for (; j < n && v[j].series == s && v[j].day == v[i].day; j++) {
                v[j].first_line = v[i].line;
                if (v[j].value == 0 && positive) {
                    v[j].skip = true;
                    zeros++;
                    continue;
                }
                if (!any || (pol == TR_DUP_MAX && v[j].value > kept) || pol == TR_DUP_LAST)
                    kept = v[j].value;
                any = true;
            }
            if (any) {
                if (have_prev && kept < prev)
                    down++;
                else if (have_prev && kept == prev)
                    same++;
                prev = kept;
                have_prev = true;
                positive |= kept > 0;
            }
            i = j;
        }
    }
    qsort(v, n, sizeof *v, by_line);
    for (size_t i = 0; i < n && !rc; i++) {
        if (v[i].skip) {
            x->file->rows++;
            x->file->refused++;
            continue;
        }
        rc = tr_import_observe(x, v[i].track, v[i].day, v[i].value, v[i].line,
                               v[i].first_line != v[i].line ? v[i].first_line : 0, err);
    }
    if (!rc)
        snprintf(x->file->note, sizeof x->file->note,
                 "%llu decreases, %llu unchanged day-to-day steps; %llu zero counts after a"
                 " positive one left out as failed fetches; %llu ids linked to another id of"
                 " their recording (same title, same counts)",
                 (unsigned long long)down, (unsigned long long)same, (unsigned long long)zeros,
                 (unsigned long long)linked);
out:
    tr_csv_release(&r);
    free(v);
    return rc;
}
