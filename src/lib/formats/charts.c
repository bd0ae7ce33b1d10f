/*
 * formats/charts.c: Spotify Charts CSVs, one chart period per file.
 *
 *   new  rank,uri,artist_names,track_name,source,peak_rank,previous_rank,
 *        days_on_chart,streams  (+ weeks_on_chart on weekly charts)
 *   old  Position,"Track Name",Artist,Streams,URL, maybe under a note line,
 *        maybe with extra columns (an unnamed index column first, audio
 *        features after)
 *
 * The chart (daily or weekly), the country and the period's first day come
 * from the options when given, else from the file name: spotifycharts
 * names (regional-us-weekly-2020-08-21--2020-08-28.csv,
 * regional-global-daily-2023-05-01.csv) and the WEEKSTART--WEEKENDcc_...
 * names of saved weekly sets.  A range of two dates is a weekly chart.
 *
 * Track ids come from the URL or uri; a track not in the catalog is added
 * with the chart's title and artists, and an artist not in the catalog is
 * added bare (id = its name in lower case, '-' for other characters) with
 * unknown attributes until a catalog import fills them.  The period's
 * entries are handed to the driver (x->facts), which replaces those
 * stored for the period with them inside the import's transaction.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chart_id {
    char chart[16], country[16];
    tr_day period;
};

static bool is_date_at(const char *s, size_t len)
{
    if (len < 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Chart, country and day from the file name; fields not found stay empty
 * (period TR_DAY_NONE). */
static void from_name(const char *base, struct chart_id *c)
{
    size_t n = strlen(base);
    c->period = TR_DAY_NONE;
    const char *reg = strstr(base, "regional-");
    if (reg) {
        const char *cc = reg + 9, *dash = strchr(cc, '-');
        if (dash && (size_t)(dash - cc) < sizeof c->country)
            snprintf(c->country, sizeof c->country, "%.*s", (int)(dash - cc), cc);
    }
    if (strstr(base, "weekly"))
        snprintf(c->chart, sizeof c->chart, "weekly");
    else if (strstr(base, "daily"))
        snprintf(c->chart, sizeof c->chart, "daily");
    for (size_t i = 0; i + 10 <= n; i++) {
        if (!is_date_at(base + i, n - i))
            continue;
        tr_day d;
        if (tr_day_parse(base + i, 10, &d))
            continue;
        c->period = d;
        const char *after = base + i + 10;
        if (strncmp(after, "--", 2) == 0 && is_date_at(after + 2, strlen(after + 2))) {
            if (!c->chart[0])
                snprintf(c->chart, sizeof c->chart, "weekly");
            after += 12;
            if (!c->country[0] && isalpha((unsigned char)after[0]) && isalpha((unsigned char)after[1]) &&
                !isalpha((unsigned char)after[2]))
                snprintf(c->country, sizeof c->country, "%c%c", tolower((unsigned char)after[0]),
                         tolower((unsigned char)after[1]));
        }
        break;
    }
}

/* A NUL-terminated copy of field i (truncated to size - 1), trimmed of all
 * white space (tabs and line ends too, where tr_import_field() trims only
 * spaces). */
static const char *fld(const struct tr_csv *r, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (i < 0 || (size_t)i >= r->n_fields)
        return buf;
    const char *s = r->fields[i].s;
    size_t len = r->fields[i].len;
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

/* The track id at the end of a URL (…/track/ID?si=…) or uri
 * (spotify:track:ID): 22 base-62 characters. */
static int track_id_of(const char *link, char *id, size_t size)
{
    const char *p = strstr(link, "track/");
    if (p)
        p += 6;
    else if ((p = strstr(link, "track:")))
        p += 6;
    else
        return -1;
    size_t len = 0;
    while (isalnum((unsigned char)p[len]))
        len++;
    if (len == 0 || len >= size || (p[len] && p[len] != '?' && p[len] != '/'))
        return -1;
    memcpy(id, p, len);
    id[len] = '\0';
    return 0;
}

/* Adds a track seen on a chart, with its title and artists ("A, B" on the
 * new format, the lead artist alone on the old one). */
static int add_chart_track(struct tr_import_ctx *x, const char *id, const char *title,
                           const char *artists, uint32_t *track)
{
    struct tr_catalog *c = x->catalog;
    bool created;
    int rc = tr_catalog_add_track(c, id, TR_NONE, track, &created);
    if (rc || !created)
        return rc;
    x->tracks_added++;
    if ((rc = tr_catalog_set_str(c, &c->tracks[*track].title, title)))
        return rc;
    uint32_t list[32], n = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", artists);
    char *save = NULL;
    for (char *a = strtok_r(buf, ",", &save); a && n < 32; a = strtok_r(NULL, ",", &save)) {
        while (*a == ' ')
            a++;
        size_t len = strlen(a);
        while (len && a[len - 1] == ' ')
            a[--len] = '\0';
        uint32_t idx;
        if (!*a)
            continue;
        if ((rc = tr_import_artist_by_name(c, a, &idx)) < 0)
            continue;
        if (rc)
            return rc;
        list[n++] = idx;
    }
    return tr_catalog_set_list(c, &c->tracks[*track].artists, &c->tracks[*track].n_artists, list, n);
}

/* Which chart, country and period the file holds: its name says, the
 * import's options (--chart, --country, --date) override; an error names
 * what neither says. */
static int chart_identity(const struct tr_import_ctx *x, const struct tr_input *in,
                          const struct tr_csv *r, bool old, struct chart_id *id,
                          struct tr_error *err)
{
    from_name(in->base, id);
    if (!id->chart[0] && !old)
        snprintf(id->chart, sizeof id->chart, "%s",
                 tr_csv_column(r, "weeks_on_chart") >= 0 ? "weekly" : "daily");
    if (x->opt->chart)
        snprintf(id->chart, sizeof id->chart, "%s", x->opt->chart);
    if (x->opt->country) {
        snprintf(id->country, sizeof id->country, "%s", x->opt->country);
        for (char *p = id->country; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    if (x->opt->date != TR_DAY_NONE)
        id->period = x->opt->date;
    if (strcmp(id->chart, "daily") != 0 && strcmp(id->chart, "weekly") != 0)
        return tr_error_set(err, TR_EFORMAT, "%s: chart: '%s' is neither daily nor weekly (the"
                            " file name does not say: give --chart daily|weekly)", in->base,
                            id->chart);
    if (!id->country[0])
        return tr_error_set(err, TR_EFORMAT, "%s: country: the file name does not say which"
                            " country's chart this is (give --country CC)", in->base);
    if (id->period == TR_DAY_NONE)
        return tr_error_set(err, TR_EFORMAT, "%s: date: the file name holds no chart date"
                            " (give --date YYYY-MM-DD)", in->base);
    return tr_data_day_check(in->base, x->opt->date != TR_DAY_NONE ? "--date" : "date", id->period, err);
}

int tr_fmt_charts_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    struct tr_csv r;
    struct chart_id id = {{0}, {0}, TR_DAY_NONE};
    struct tr_chart_entry *ent = NULL;
    size_t *lines = NULL, n = 0, cap = 0;
    int rc;
    tr_csv_init(&r, in->base, in->data, in->len);
    if ((rc = tr_csv_header(&r, err)))
        goto out;
    /* the old format may have a note line above its header */
    if (tr_csv_column(&r, "Position") < 0 && tr_csv_column(&r, "rank") < 0 &&
        (rc = tr_csv_header(&r, err)))
        goto out;
    bool old = tr_csv_column(&r, "Position") >= 0;
    int c_rank = tr_csv_column(&r, old ? "Position" : "rank");
    int c_link = tr_csv_column(&r, old ? "URL" : "uri");
    int c_title = tr_csv_column(&r, old ? "Track Name" : "track_name");
    int c_artist = tr_csv_column(&r, old ? "Artist" : "artist_names");
    int c_streams = tr_csv_column(&r, old ? "Streams" : "streams");
    const char *miss = c_rank < 0 ? (old ? "Position" : "rank") : c_link < 0 ? (old ? "URL" : "uri")
                     : c_title < 0 ? (old ? "Track Name" : "track_name")
                     : c_artist < 0 ? (old ? "Artist" : "artist_names")
                     : c_streams < 0 ? (old ? "Streams" : "streams") : NULL;
    if (miss) {
        rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: header: missing column '%s'", in->base, r.line, miss);
        goto out;
    }

    if ((rc = chart_identity(x, in, &r, old, &id, err)))
        goto out;

    while ((rc = tr_csv_next(&r, err)) == 0 && r.n_fields) {
        x->file->rows++;
        char link[512], title[512], artists[1024], tid[64];
        uint64_t rank, streams = 0;
        bool has_streams = !tr_csv_empty(&r, (size_t)c_streams);
        if ((rc = tr_csv_u64(&r, (size_t)c_rank, NULL, &rank, err)) ||
            (has_streams && (rc = tr_csv_u64(&r, (size_t)c_streams, NULL, &streams, err))))
            goto out;
        if (rank == 0 || rank > 100000) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: not a chart position: '%llu'", in->base,
                              r.line, tr_csv_header_name(&r, (size_t)c_rank), (unsigned long long)rank);
            goto out;
        }
        fld(&r, c_link, link, sizeof link);
        if (track_id_of(link, tid, sizeof tid)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: not a Spotify track link: '%s'", in->base,
                              r.line, tr_csv_header_name(&r, (size_t)c_link), link);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (ent[i].rank == rank) {
                rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: position %llu given twice (also line %zu)",
                                  in->base, r.line, tr_csv_header_name(&r, (size_t)c_rank),
                                  (unsigned long long)rank, lines[i]);
                goto out;
            }
        uint32_t track;
        if ((rc = add_chart_track(x, tid, fld(&r, c_title, title, sizeof title),
                                  fld(&r, c_artist, artists, sizeof artists), &track))) {
            rc = tr_error_set(err, rc, "out of memory");
            goto out;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            struct tr_chart_entry *p = realloc(ent, cap * sizeof *p);
            size_t *q = p ? realloc(lines, cap * sizeof *q) : NULL;
            if (p)
                ent = p;
            if (q)
                lines = q;
            if (!p || !q) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto out;
            }
        }
        struct tr_chart_entry *e = &ent[n];
        memset(e, 0, sizeof *e);
        snprintf(e->chart, sizeof e->chart, "%s", id.chart);
        snprintf(e->country, sizeof e->country, "%s", id.country);
        e->period = id.period;
        e->rank = (uint32_t)rank;
        snprintf(e->track, sizeof e->track, "%s", tid);
        e->streams = streams;
        e->has_streams = has_streams;
        lines[n++] = r.line;
        x->file->taken++;
    }
    if (!rc) {
        struct tr_import_facts *f = &x->facts;
        f->chart_period = true;
        snprintf(f->chart, sizeof f->chart, "%s", id.chart);
        snprintf(f->country, sizeof f->country, "%s", id.country);
        f->period = id.period;
        f->entries = ent;
        f->n_entries = n;
        ent = NULL;
        char d[TR_DATE_LEN];
        snprintf(x->file->note, sizeof x->file->note, "%s chart, %s, period from %s: %zu entries",
                 id.chart, id.country, tr_day_format(id.period, d), n);
    }
out:
    tr_csv_release(&r);
    free(ent);
    free(lines);
    return rc;
}
