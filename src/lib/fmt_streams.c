/*
 * fmt_streams.c: the plain play-count CSV, `date,track,streams`, one row
 * per track and day, holding the cumulative count at the end of that UTC
 * day.  This is the hot path of a backfill, so a row is parsed in place
 * from the CSV reader's fields without copies.
 */
#include "importer.h"

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
    size_t next_progress = 1 << 20;
    /* Feeds list the same tracks in the same order day after day: after
     * track t, the track that followed t last time is the likely next one
     * (on the first day, the next track of the catalog), and checking it is
     * a sequential read where a hash lookup would be a cache miss in a
     * table of a million ids. */
    uint32_t *next_of = NULL, n_next = 0, prev = TR_NONE;
    const char *last_date = NULL;
    tr_day day = TR_DAY_NONE;
    while ((rc = tr_csv_next(&r, err)) == 0 && r.n_fields) {
        if ((rc = tr_csv_expect_fields(&r, 3, err)))
            break;
        uint64_t streams;
        uint32_t track = TR_NONE;
        const struct tr_csv_field *id = &r.fields[col[1]], *date = &r.fields[col[0]];
        if (!(last_date && date->len == 10 && memcmp(date->s, last_date, 10) == 0)) {
            if ((rc = tr_csv_day(&r, (size_t)col[0], "date", &day, err)))
                break;
            last_date = date->len == 10 && !date->quoted ? date->s : NULL;
        }
        if ((rc = tr_csv_u64(&r, (size_t)col[2], "streams", &streams, err)))
            break;
        if (prev != TR_NONE) {
            /* the track that followed last time, else the next in the
             * catalog (snapshots sorted like the catalog) */
            uint32_t guess = prev < n_next && next_of[prev] != TR_NONE ? next_of[prev] : prev + 1;
            if (guess < x->catalog->n_tracks) {
                const char *want = x->catalog->tracks[guess].id;
                if (strncmp(want, id->s, id->len) == 0 && want[id->len] == '\0')
                    track = guess;
            }
        }
        if (track == TR_NONE &&
            (rc = tr_import_track(x, id->s, id->len, NULL, r.line, "track", &track, err)))
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
        rc = tr_import_observe(x, track, day, streams, r.line, 0, NULL);
        if (rc == TR_ECONFLICT) {
            size_t first = earlier_line(x, in, col, x->catalog->tracks[track].series, day, r.line);
            rc = tr_import_observe(x, track, day, streams, r.line, first, err);
            break;
        }
        if (rc) {
            tr_error_set(err, rc, "%s", tr_strerror(rc));
            break;
        }
        size_t pos = (size_t)(r.pos - in->data);
        if (pos >= next_progress) {
            tr_import_progress(x, pos);
            next_progress = pos + (1 << 22);
        }
    }
    free(next_of);
out:
    tr_csv_release(&r);
    return rc;
}
