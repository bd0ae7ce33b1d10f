/*
 * formats/coverage.c: coverage.csv, the groups the catalog holds completely
 * (docs/formats.md, "coverage"):
 *
 *   country,kind,gender,genre,release_type,since
 *
 * A row declares that every release by an act of its group (the fields
 * given; empty is any) out on or after `since` (empty: ever) is in the
 * catalog with its play counts; a row of empty fields declares the whole
 * catalog the world.  The rows are handed to the driver (x->facts), which
 * keeps them in the store, a row for a group declared before replacing it,
 * so a re-import changes nothing; a changed declaration changes what the
 * claims are true of, so the driver then drops the kept claims.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* One row's group and day from its six fields; errors name the field. */
static int parse_row(const char *f[6], const char *file, size_t line, struct tr_world_row *row,
                     char *genre, size_t genre_size, struct tr_error *err)
{
    memset(row, 0, sizeof *row);
    row->since = TR_DAY_NONE;
    const char *cc = f[0];
    if (*cc && (strlen(cc) != 2 || !isalpha((unsigned char)cc[0]) || !isalpha((unsigned char)cc[1])))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: country: not an ISO 3166 alpha-2 code: '%s'",
                            file, line, cc);
    for (int k = 0; cc[k]; k++)
        row->group.country[k] = (char)toupper((unsigned char)cc[k]);
    if (tr_artist_kind_parse(f[1], &row->group.kind))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: kind: expected solo or group, found '%s'",
                            file, line, f[1]);
    if (tr_gender_parse(f[2], &row->group.gender))
        return tr_error_set(err, TR_EFORMAT,
                            "%s:%zu: gender: expected male, female or mixed, found '%s'", file, line,
                            f[2]);
    if (strchr(f[3], ',') || strchr(f[3], '\n'))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: genre: holds a comma or a line break", file,
                            line);
    if (*f[3]) {
        size_t k = 0;
        for (; f[3][k] && k + 1 < genre_size; k++)
            genre[k] = (char)tolower((unsigned char)f[3][k]);
        genre[k] = '\0';
        row->group.genre = genre;
    }
    if (tr_release_type_parse(f[4], &row->group.release_type))
        return tr_error_set(err, TR_EFORMAT,
                            "%s:%zu: release_type: expected album, ep, single or compilation, found '%s'",
                            file, line, f[4]);
    if (*f[5] && tr_day_parse(f[5], strlen(f[5]), &row->since))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: since: not a date (YYYY-MM-DD): '%s'", file,
                            line, f[5]);
    return TR_OK;
}

int tr_fmt_coverage_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"country", "kind", "gender", "genre", "release_type",
                                        "since"};
    struct tr_csv r;
    int col[6], more;
    int rc = tr_import_csv_open(&r, in, names, 6, 6, col, err);
    while (!rc && (more = tr_import_csv_row(x, &r, err)) != 0) {
        if (more < 0) {
            rc = -more;
            break;
        }
        char b[6][256], genre[256];
        const char *f[6];
        for (int k = 0; k < 6; k++) {
            if (tr_import_field(&r, col[k], b[k], sizeof b[k]) >= sizeof b[k]) {
                rc = tr_error_set(err, TR_ELIMIT, "%s:%zu: %s: longer than %zu bytes", in->base,
                                  r.line, names[k], sizeof b[k] - 1);
                break;
            }
            f[k] = b[k];
        }
        struct tr_world_row row;
        if (rc || (rc = parse_row(f, in->base, r.line, &row, genre, sizeof genre, err)))
            break;
        if ((rc = tr_import_add_coverage(x, &row, err)))
            break;
        x->file->taken++;
    }
    tr_csv_release(&r);
    return rc;
}
