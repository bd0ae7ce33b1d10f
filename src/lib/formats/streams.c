/*
 * formats/streams.c: the plain play-count CSV, `date,track,streams`, one row
 * per track and day, holding the cumulative count at the end of that UTC
 * day.  This is the hot path of a backfill and of the daily import: the
 * body is scanned on every core (streams_scan.h) and the rows taken in
 * file order; a body the scanner leaves alone (quotes, empty lines, an
 * error anywhere) is read row by row with the CSV reader, which takes the
 * same data and names what is wrong.
 */
#include "formats/importer.h"
#include "base/idmap.h"
#include "formats/streams_scan.h"

#include <stdlib.h>
#include <string.h>

/* The earliest line before `line` holding the same recording and day;
 * only called on the error path of a conflicting duplicate. */
static size_t earlier_line(struct tr_import_ctx *x, struct tr_input *in, const int *col,
                           uint32_t series, tr_day day, size_t line)
{
    struct tr_csv r;
    struct tr_error e = {0};
    size_t found = 0;
    tr_csv_init(&r, in->base, in->data, in->len);
    if (tr_csv_header(&r, &e) == 0)
        while (tr_csv_next(&r, &e) == 0 && r.n_fields && r.line < line) {
            tr_day d;
            if (r.n_fields < 3 || tr_day_parse(r.fields[col[0]].s, r.fields[col[0]].len, &d) || d != day)
                continue;
            char id[256];
            size_t len = r.fields[col[1]].len < 255 ? r.fields[col[1]].len : 255;
            memcpy(id, r.fields[col[1]].s, len);
            id[len] = '\0';
            uint32_t t = tr_catalog_track(x->catalog, id);
            if (t != TR_NONE && x->catalog->tracks[t].series == series) {
                found = r.line;
                break;
            }
        }
    tr_csv_release(&r);
    return found;
}

/* A conflicting duplicate in TR_DUP_ERROR mode: the error naming both lines. */
static int conflict(struct tr_import_ctx *x, struct tr_input *in, const int *col, uint32_t track,
                    tr_day day, uint64_t streams, size_t line, struct tr_error *err)
{
    size_t first = earlier_line(x, in, col, x->catalog->tracks[track].series, day, line);
    return tr_import_observe(x, track, day, streams, line, first, err);
}

struct scan_progress {
    struct tr_import_ctx *x;
    size_t offset;                  /* of the body in the input */
};

static void scan_progress(void *ctx, size_t done)
{
    struct scan_progress *sp = ctx;
    tr_import_progress(sp->x, sp->offset + done);
}

/* Takes what the scanner read, part after part (the file's order): the
 * part's new tracks are created in the order they appear, and its batch
 * joined to the import's, its provisional series mapped to the tracks'
 * when they differ.  TR_SCAN_GAVE_UP when a value meets another that the
 * policy refuses: the CSV reader then names both lines (the batch holds
 * only values it would have put itself by then). */
static int take_scanned(struct tr_import_ctx *x, struct tr_scan *sc, struct tr_error *err)
{
    int rc = 0;
    uint32_t *map = NULL;
    uint64_t rows = 0, refused = 0;
    for (int k = 0; k < sc->n_parts && !rc; k++) {
        struct tr_scan_part *pt = &sc->part[k];
        uint32_t n_map = sc->first_new + pt->n_news;
        uint32_t *m = realloc(map, (n_map ? n_map : 1) * sizeof *m);
        if (!m) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        map = m;
        bool identity = true;
        /* the scanner gave up on unknown or empty ids: this only adds */
        for (uint32_t i = 0; i < pt->n_news && !rc; i++) {
            uint32_t t;
            rc = tr_import_track(x, pt->news[i].id, pt->news[i].len, NULL, 0, "track", &t, err);
            if (!rc) {
                map[sc->first_new + i] = x->catalog->tracks[t].series;
                identity &= map[sc->first_new + i] == sc->first_new + i;
            }
        }
        if (rc)
            break;
        for (uint32_t i = 0; !identity && i < sc->first_new; i++)
            map[i] = i;
        if (x->opt->on_duplicate == TR_DUP_ERROR &&
            tr_obs_batch_clashes(x->batch, pt->batch, identity ? NULL : map)) {
            rc = TR_SCAN_GAVE_UP;
            break;
        }
        int joined = tr_obs_batch_join(x->batch, pt->batch, identity ? NULL : map,
                                       x->opt->on_duplicate, &refused);
        if (joined == TR_OBS_CONFLICT)
            rc = TR_SCAN_GAVE_UP;
        else if (joined)
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        rows += pt->rows;
        refused += pt->refused;
    }
    free(map);
    if (!rc) {
        x->file->rows += rows;
        x->file->refused += refused;
        x->file->taken += rows - refused;
    }
    return rc;
}

/* The body row by row with the CSV reader r, positioned after the header. */
static int read_rows(struct tr_import_ctx *x, struct tr_input *in, struct tr_csv *r,
                     const int *col, struct tr_error *err)
{
    int rc;
    size_t next_progress = 1 << 20;
    /* Feeds list the same tracks in the same order day after day: after
     * track t, the track that followed t last time is the likely next one
     * (on the first day, the next track of the catalog), and checking it is
     * a sequential read where a hash lookup would be a cache miss in a
     * table of a million ids. */
    uint32_t *next_of = NULL, n_next = 0, prev = TR_NONE;
    const char *last_date = NULL;
    tr_day day = TR_DAY_NONE;
    while ((rc = tr_csv_next(r, err)) == 0 && r->n_fields) {
        if ((rc = tr_csv_expect_fields(r, 3, err)))
            break;
        uint64_t streams;
        uint32_t track = TR_NONE;
        const struct tr_csv_field *id = &r->fields[col[1]], *date = &r->fields[col[0]];
        if (!(last_date && date->len == 10 && memcmp(date->s, last_date, 10) == 0)) {
            if ((rc = tr_csv_data_day(r, (size_t)col[0], "date", &day, err)))
                break;
            last_date = date->len == 10 && !date->quoted ? date->s : NULL;
        }
        if ((rc = tr_csv_u64(r, (size_t)col[2], "streams", &streams, err)))
            break;
        if (prev != TR_NONE) {
            /* the track that followed last time, else the next in the
             * catalog (snapshots sorted like the catalog) */
            uint32_t guess = prev < n_next && next_of[prev] != TR_NONE ? next_of[prev] : prev + 1;
            if (guess < x->catalog->n_tracks) {
                if (tr_id_is(x->catalog->tracks[guess].id, id->s, id->len))
                    track = guess;
            }
        }
        if (track == TR_NONE &&
            (rc = tr_import_track(x, id->s, id->len, NULL, r->line, "track", &track, err)))
            break;
        if (prev != TR_NONE) {
            if (prev >= n_next) {
                uint32_t n = x->catalog->n_tracks > prev + 1 ? x->catalog->n_tracks : prev + 1;
                uint32_t *p = realloc(next_of, n * sizeof *p);
                if (!p) {
                    rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                    break;
                }
                memset(p + n_next, 0xff, (n - n_next) * sizeof *p);
                next_of = p;
                n_next = n;
            }
            next_of[prev] = track;
        }
        prev = track;
        rc = tr_import_observe(x, track, day, streams, r->line, 0, NULL);
        if (rc == TR_ECONFLICT) {
            rc = conflict(x, in, col, track, day, streams, r->line, err);
            break;
        }
        if (rc) {
            tr_error_set(err, rc, "%s", tr_strerror(rc));
            break;
        }
        size_t pos = (size_t)(r->pos - in->data);
        if (pos >= next_progress) {
            tr_import_progress(x, pos);
            next_progress = pos + (1 << 22);
        }
    }
    free(next_of);
    return rc;
}

int tr_fmt_streams_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    struct tr_csv r;
    int col[3], rc;
    tr_csv_init(&r, in->base, in->data, in->len);
    if ((rc = tr_csv_header(&r, err)))
        goto out;
    static const char *const names[] = {"date", "track", "streams"};
    for (int i = 0; i < 3; i++)
        if ((col[i] = tr_csv_column(&r, names[i])) < 0) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:1: header: missing column '%s' (expected date,track,streams)",
                              in->base, names[i]);
            goto out;
        }
    /* the scanner first; the CSV reader where it gives up */
    size_t line;
    const char *body = tr_csv_rest(&r, &line);
    struct scan_progress sp = {x, (size_t)(body - in->data)};
    struct tr_scan_options so = {
        .catalog = x->catalog, .col = {col[0], col[1], col[2]}, .add_tracks = x->opt->add_tracks,
        .on_duplicate = x->opt->on_duplicate, .progress = scan_progress, .progress_ctx = &sp,
    };
    struct tr_scan sc;
    rc = tr_scan_streams(&sc, &so, body, (size_t)(in->data + in->len - body));
    if (rc == 0)
        rc = take_scanned(x, &sc, err);
    else if (rc == TR_ENOMEM)
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    tr_scan_release(&sc);
    if (rc == TR_SCAN_GAVE_UP)
        rc = read_rows(x, in, &r, col, err);
out:
    tr_csv_release(&r);
    return rc;
}
