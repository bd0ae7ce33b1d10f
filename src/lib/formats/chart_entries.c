/*
 * formats/chart_entries.c: chart entries saved one per row by a chart bot,
 * for some tracks only (the Jimin chart set):
 *
 *   chart_date,chart_type,section,country,rank,previous_rank,peak_rank,
 *   appearances,streams,name,artists,entry_status,source_path,
 *   source_commit,commit_time
 *
 * Rows of the song sections ("song", per country, and "global") become
 * chart entries: chart = chart_type (daily or weekly), country = country
 * in lower case ("global"), period = chart_date as the bot gives it,
 * rank, streams.  Artist and album sections (no streams, not a track) are
 * left out and counted as refused.  There are no track ids: a row is
 * matched to the one catalog track with its title (case, spaces and
 * punctuation ignored); with several such tracks, the one whose artist
 * (by name) is among the row's artists, else the first in the catalog;
 * with none it is an unknown track (refused, or with --add-tracks added as
 * "chart:<normalised title>").  Since the file holds only some entries of
 * each period, each entry replaces only the one at its rank (the entries
 * are handed to the driver, which writes them).
 */
#include "formats/importer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void normalise(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < size; p++)
        if (isalnum(*p) || *p >= 0x80)
            out[k++] = (char)tolower(*p);
    out[k] = '\0';
}

/* Field i as written (untrimmed, unlike tr_import_field()), cut to size - 1. */
static const char *fld(const struct tr_csv *r, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (i < 0 || (size_t)i >= r->n_fields)
        return buf;
    size_t len = r->fields[i].len < size - 1 ? r->fields[i].len : size - 1;
    memcpy(buf, r->fields[i].s, len);
    buf[len] = '\0';
    return buf;
}

/* The catalog track for a title and the row's artists, or TR_NONE. */
static uint32_t match(const struct tr_catalog *c, const char *key, const char *artists)
{
    uint32_t first = TR_NONE;
    char k2[256], an[256], row_artists[1024];
    normalise(artists, row_artists, sizeof row_artists);
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        if (!c->tracks[t].title)
            continue;
        normalise(c->tracks[t].title, k2, sizeof k2);
        if (strcmp(k2, key) != 0)
            continue;
        if (first == TR_NONE)
            first = t;
        for (uint32_t a = 0; a < c->tracks[t].n_artists; a++) {
            const char *name = c->artists[c->tracks[t].artists[a]].name;
            normalise(name ? name : "", an, sizeof an);
            if (*an && strstr(row_artists, an))
                return t;
        }
    }
    return first;
}

int tr_fmt_chart_entries_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"chart_date", "chart_type", "section", "country", "rank",
                                        "streams", "name", "artists"};
    struct tr_csv r;
    struct tr_chart_entry *v = NULL;
    size_t n = 0, cap = 0;
    int col[8], rc, more;
    if ((rc = tr_import_csv_open(&r, in, names, 8, 8, col, err)))
        goto out;
    while ((more = tr_import_csv_row(x, &r, err)) > 0) {
        char section[32], type[32], country[32], title[512], artists[1024], key[256];
        fld(&r, col[2], section, sizeof section);
        if (strcmp(section, "song") != 0 && strcmp(section, "global") != 0) {
            x->file->refused++;
            continue;
        }
        struct tr_chart_entry e = {0};
        uint64_t rank;
        if ((rc = tr_csv_data_day(&r, (size_t)col[0], "chart_date", &e.period, err)) ||
            (rc = tr_csv_u64(&r, (size_t)col[4], "rank", &rank, err)))
            goto out;
        fld(&r, col[1], type, sizeof type);
        if (strcmp(type, "daily") != 0 && strcmp(type, "weekly") != 0) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: chart_type: expected daily or weekly, found '%s'",
                              in->base, r.line, type);
            goto out;
        }
        if (rank == 0 || rank > 100000) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: rank: not a chart position: '%llu'", in->base,
                              r.line, (unsigned long long)rank);
            goto out;
        }
        if (!tr_csv_empty(&r, (size_t)col[5])) {
            if ((rc = tr_csv_u64(&r, (size_t)col[5], "streams", &e.streams, err)))
                goto out;
            e.has_streams = true;
        }
        fld(&r, col[3], country, sizeof country);
        for (char *p = country; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!*country) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: country: empty", in->base, r.line);
            goto out;
        }
        normalise(fld(&r, col[6], title, sizeof title), key, sizeof key);
        if (!*key) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: name: empty track title", in->base, r.line);
            goto out;
        }
        uint32_t t = match(x->catalog, key, fld(&r, col[7], artists, sizeof artists));
        if (t == TR_NONE) {
            char id[300];
            snprintf(id, sizeof id, "chart:%s", key);
            if ((rc = tr_import_track(x, id, strlen(id), title, r.line, "name", &t, err)))
                goto out;
        }
        snprintf(e.chart, sizeof e.chart, "%s", type);
        snprintf(e.country, sizeof e.country, "%s", country);
        snprintf(e.track, sizeof e.track, "%s", x->catalog->tracks[t].id);
        e.rank = (uint32_t)rank;
        if (n == cap) {
            struct tr_chart_entry *p = realloc(v, (cap = cap ? cap * 2 : 512) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto out;
            }
            v = p;
        }
        v[n++] = e;
        x->file->taken++;
    }
    if (more < 0)
        rc = -more;
    if (!rc) {    /* handed to the driver, which writes them */
        x->facts.entries = v;
        x->facts.n_entries = n;
        v = NULL;
        snprintf(x->file->note, sizeof x->file->note,
                 "%zu song chart entries; artist and album chart rows left out", n);
    }
out:
    tr_csv_release(&r);
    free(v);
    return rc;
}
