/*
 * formats/extras.c: the sales and awards CSVs of a bundle (the queries that
 * read them back, trackrecord/extras.h, are the store's: store/extras.c).
 *
 *   sales.csv   release,source,period_start,period_end,timezone,copies,note
 *   awards.csv  ceremony,year,category,nominee_kind,nominee,result
 *
 * Rows name catalog entities by id; an id the catalog (as this import
 * leaves it) does not hold is refused, naming file, line and field.  These
 * facts have no place in the play-count batch: the readers hand them back
 * to the driver (x->facts), which writes them inside the import's
 * transaction, so a refused import drops them with everything else.  Each
 * row replaces the stored row with its key, so re-importing a file
 * changes nothing.
 *
 * The last column (note, result) is free text, read as written: an
 * unquoted note may hold quotes (`first week; published as "over 1.67
 * million"`), which the CSV reader takes literally.
 */
#include "formats/importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field i of the current row, trimmed, as a NUL-terminated copy in buf;
 * TR_ELIMIT when it does not fit. */
static int copy_field(struct tr_csv *r, int i, const char *name, char *buf, size_t size,
                      struct tr_error *err)
{
    size_t len = tr_import_field(r, i, buf, size);
    if (len >= size)
        return tr_error_set(err, TR_ELIMIT, "%s:%zu: %s: longer than %zu bytes", r->file, r->line,
                            name, size - 1);
    if (strlen(buf) != len)
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: holds a NUL byte", r->file, r->line, name);
    return 0;
}

static int required(const struct tr_csv *r, const char *v, const char *name, struct tr_error *err)
{
    return *v ? 0 : tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: empty", r->file, r->line, name);
}

int tr_fmt_sales_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"release", "source", "period_start", "period_end",
                                        "timezone", "copies", "note"};
    struct tr_csv r;
    int col[7], rc = tr_import_csv_open(&r, in, names, 7, 7, col, err), more;
    while (!rc && (more = tr_import_csv_row(x, &r, err)) != 0) {
        if (more < 0) {
            rc = -more;
            break;
        }
        struct tr_sale s = {0};
        if ((rc = copy_field(&r, col[0], "release", s.release, sizeof s.release, err)) ||
            (rc = copy_field(&r, col[1], "source", s.source, sizeof s.source, err)) ||
            (rc = copy_field(&r, col[4], "timezone", s.timezone, sizeof s.timezone, err)) ||
            (rc = copy_field(&r, col[6], "note", s.note, sizeof s.note, err)) ||
            (rc = required(&r, s.release, "release", err)) ||
            (rc = required(&r, s.source, "source", err)) ||
            (rc = tr_csv_day(&r, (size_t)col[2], "period_start", &s.period_start, err)) ||
            (rc = tr_csv_u64(&r, (size_t)col[5], "copies", &s.copies, err)))
            break;
        s.period_end = TR_DAY_NONE;
        if (!tr_csv_empty(&r, (size_t)col[3]) &&
            (rc = tr_csv_day(&r, (size_t)col[3], "period_end", &s.period_end, err)))
            break;
        if (s.period_end != TR_DAY_NONE && s.period_end < s.period_start) {
            char a[TR_DATE_LEN], b[TR_DATE_LEN];
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: period_end: '%s' is before period_start '%s'",
                              in->base, r.line, tr_day_format(s.period_end, a),
                              tr_day_format(s.period_start, b));
            break;
        }
        if (tr_catalog_release(x->catalog, s.release) == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: release: unknown release '%s'"
                              " (import its catalog first)", in->base, r.line, s.release);
            break;
        }
        if ((rc = tr_import_add_sale(x, &s, err)))
            break;
        x->file->taken++;
    }
    tr_csv_release(&r);
    return rc;
}

int tr_fmt_awards_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"ceremony", "year", "category", "nominee_kind",
                                        "nominee", "result"};
    struct tr_csv r;
    int col[6], rc = tr_import_csv_open(&r, in, names, 6, 6, col, err), more;
    while (!rc && (more = tr_import_csv_row(x, &r, err)) != 0) {
        if (more < 0) {
            rc = -more;
            break;
        }
        struct tr_award a = {0};
        char kind[16];
        uint64_t year;
        if ((rc = copy_field(&r, col[0], "ceremony", a.ceremony, sizeof a.ceremony, err)) ||
            (rc = copy_field(&r, col[2], "category", a.category, sizeof a.category, err)) ||
            (rc = copy_field(&r, col[3], "nominee_kind", kind, sizeof kind, err)) ||
            (rc = copy_field(&r, col[4], "nominee", a.nominee, sizeof a.nominee, err)) ||
            (rc = copy_field(&r, col[5], "result", a.result, sizeof a.result, err)) ||
            (rc = required(&r, a.ceremony, "ceremony", err)) ||
            (rc = required(&r, a.category, "category", err)) ||
            (rc = required(&r, a.nominee, "nominee", err)) ||
            (rc = tr_csv_u64(&r, (size_t)col[1], "year", &year, err)))
            break;
        if (year < 1900 || year > 2999) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: year: not a year: '%llu'", in->base, r.line,
                              (unsigned long long)year);
            break;
        }
        a.year = (int)year;
        if (!a.result[0])
            snprintf(a.result, sizeof a.result, "nominated");
        uint32_t found;
        if (strcmp(kind, "track") == 0) {
            a.nominee_type = TR_SUBJECT_TRACK;
            found = tr_catalog_track(x->catalog, a.nominee);
        } else if (strcmp(kind, "release") == 0) {
            a.nominee_type = TR_SUBJECT_RELEASE;
            found = tr_catalog_release(x->catalog, a.nominee);
        } else if (strcmp(kind, "artist") == 0) {
            a.nominee_type = TR_SUBJECT_ARTIST;
            found = tr_catalog_artist(x->catalog, a.nominee);
        } else {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: nominee_kind: expected track, release or"
                              " artist, found '%s'", in->base, r.line, kind);
            break;
        }
        if (found == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: nominee: unknown %s '%s'"
                              " (import its catalog first)", in->base, r.line, kind, a.nominee);
            break;
        }
        if ((rc = tr_import_add_award(x, &a, err)))
            break;
        x->file->taken++;
    }
    tr_csv_release(&r);
    return rc;
}
