/*
 * formats/s4a.c: a Spotify for Artists song timeline, `date,streams`, one row
 * per day holding that day's streams of one song (named by --track, since
 * the export does not say which).
 *
 * The store keeps cumulative totals, so the daily counts are turned into
 * totals anchored on a total already known for the track on one of the
 * timeline's days (from this import's earlier files, else from the store):
 * total(d) = anchor + the streams of the days after the anchor up to d,
 * and, before the anchor, anchor - the streams of the days after d up to
 * the anchor.  Days must follow each other without a gap (a gap would
 * leave the totals after it unknown); a timeline with no anchor day, a
 * gap, a day twice or a total that would go below zero is refused.
 */
#include "formats/importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct day_row {
    tr_day day;
    uint64_t streams;
    size_t line;
};

int tr_fmt_s4a_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    struct tr_csv r;
    struct day_row *v = NULL;
    size_t n = 0, cap = 0;
    static const char *const names[] = {"date", "streams"};
    int col[2], rc;
    if ((rc = tr_import_csv_open(&r, in, names, 2, 2, col, err)))
        goto out;
    int c_date = col[0], c_streams = col[1];
    while ((rc = tr_csv_next(&r, err)) == 0 && r.n_fields) {
        struct day_row row = {.line = r.line};
        if ((rc = tr_csv_expect_fields(&r, 2, err)) ||
            (rc = tr_csv_data_day(&r, (size_t)c_date, "date", &row.day, err)) ||
            (rc = tr_csv_u64(&r, (size_t)c_streams, "streams", &row.streams, err)))
            goto out;
        if (n && row.day != v[n - 1].day + 1) {
            char a[TR_DATE_LEN], b[TR_DATE_LEN];
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: date: '%s' does not follow '%s' (line %zu):"
                              " the timeline must have one row per day, in order", in->base, r.line,
                              tr_day_format(row.day, a), tr_day_format(v[n - 1].day, b), v[n - 1].line);
            goto out;
        }
        if (n == cap) {
            struct day_row *p = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto out;
            }
            v = p;
        }
        v[n++] = row;
    }
    if (rc || n == 0)
        goto out;
    if (!x->opt->track) {
        rc = tr_error_set(err, TR_EUSAGE, "%s: a Spotify for Artists timeline is one song's: give --track ID",
                          in->base);
        goto out;
    }
    uint32_t track;
    if ((rc = tr_import_track(x, x->opt->track, strlen(x->opt->track), NULL, 0, "--track", &track, err)))
        goto out;

    /* the anchor: the latest timeline day with a known total */
    uint32_t series = x->catalog->tracks[track].series;
    struct tr_point *hist = NULL;
    size_t nh = 0;
    if ((rc = x->stored.history(x->stored.ctx, series, &hist, &nh, err)))
        goto out;
    size_t anchor = n;
    uint64_t total = 0;
    for (size_t i = n; i-- > 0 && anchor == n;) {
        if (tr_obs_batch_get(x->batch, series, v[i].day, &total)) {
            anchor = i;
            break;
        }
        for (size_t k = 0; k < nh; k++)
            if (hist[k].day == v[i].day) {
                total = hist[k].value;
                anchor = i;
                break;
            }
    }
    free(hist);
    if (anchor == n) {
        char a[TR_DATE_LEN], b[TR_DATE_LEN];
        rc = tr_error_set(err, TR_EUNKNOWN, "%s: no total of track '%s' is known on any day from %s to %s"
                          " to anchor the timeline on (import one first, e.g. a streams or album file)",
                          in->base, x->opt->track, tr_day_format(v[0].day, a), tr_day_format(v[n - 1].day, b));
        goto out;
    }
    uint64_t t = total;
    for (size_t i = anchor + 1; i < n && !rc; i++) {
        t += v[i].streams;
        rc = tr_import_observe(x, track, v[i].day, t, v[i].line, 0, err);
    }
    t = total;
    for (size_t i = anchor; i-- > 0 && !rc;) {
        if (v[i + 1].streams > t) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: streams: the daily counts after this day add up to"
                              " more than the known total %llu: the total would go below zero",
                              in->base, v[i + 1].line, (unsigned long long)total);
            break;
        }
        t -= v[i + 1].streams;
        rc = tr_import_observe(x, track, v[i].day, t, v[i].line, 0, err);
    }
    if (!rc) {
        char a[TR_DATE_LEN];
        x->file->rows++;   /* the anchor row, taken as known */
        snprintf(x->file->note, sizeof x->file->note, "%zu days of '%s', anchored on its total %llu on %s",
                 n, x->opt->track, (unsigned long long)total, tr_day_format(v[anchor].day, a));
    }
out:
    tr_csv_release(&r);
    free(v);
    return rc;
}
