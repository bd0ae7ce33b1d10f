/*
 * formats.c: the one table of input formats, and detection.
 *
 * Detection reads the first line of a file (after a BOM) and compares its
 * column names; JSON formats look at their first bytes.  Each reader lives
 * in its own fmt_*.c file.
 */
#include "formats/importer.h"

#include <string.h>
#include <strings.h>
#include <stdio.h>

/* The first line of the input without BOM and line end. */
static const char *first_line(const char *head, size_t len, size_t *n)
{
    if (len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        head += 3, len -= 3;
    const char *nl = memchr(head, '\n', len);
    size_t k = nl ? (size_t)(nl - head) : len;
    if (k && head[k - 1] == '\r')
        k--;
    *n = k;
    return head;
}

/* 1 when the header line has exactly the given comma-separated columns,
 * in any order (quotes and case ignored). */
static int header_is(const char *head, size_t len, const char *columns)
{
    size_t n;
    const char *line = first_line(head, len, &n);
    char have[512], want[256];
    if (n >= sizeof have)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (line[i] != '"' && line[i] != ' ')
            have[k++] = line[i];
    have[k] = '\0';
    snprintf(want, sizeof want, "%s", columns);
    /* same number of columns, and each wanted column present */
    size_t ch = 1, cw = 1;
    for (char *p = have; *p; p++)
        ch += *p == ',';
    for (char *p = want; *p; p++)
        cw += *p == ',';
    if (ch != cw)
        return 0;
    char *save = NULL;
    for (char *col = strtok_r(want, ",", &save); col; col = strtok_r(NULL, ",", &save)) {
        size_t cl = strlen(col);
        bool found = false;
        for (char *p = have; *p;) {
            char *c = strchr(p, ',');
            size_t pl = c ? (size_t)(c - p) : strlen(p);
            if (pl == cl && strncasecmp(p, col, cl) == 0)
                found = true;
            p += pl + (c ? 1 : 0);
            if (!c)
                break;
        }
        if (!found)
            return 0;
    }
    return 1;
}

static int is_artists(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "id,name,country,kind,gender,genres,member_of");
}
static int is_releases(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "id,title,artists,type,date");
}
static int is_tracks(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "id,title,artists,released,same_as,version_of") ||
           header_is(h, n, "id,title,artists,released,same_as,version_of,isrc");
}
static int is_tracklist(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "release,position,track") || header_is(h, n, "release,disc,position,track");
}
static int is_streams(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "date,track,streams");
}

static int is_sales(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "release,source,period_start,period_end,timezone,copies,note");
}
static int is_coverage(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "country,kind,gender,genre,release_type,since");
}

static int is_awards(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "ceremony,year,category,nominee_kind,nominee,result");
}

/* The play-count export (formats/playcounts.c). */
static int is_pc_artists(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "artist_id,artist_name");
}
static int is_pc_albums(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "album_group,album_name,album_id,album_release_date,total_tracks,album_uri,artist_id");
}
static int is_pc_tracks(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "track_name,track_id,track_uri,track_number,album_id");
}
static int is_pc_playcounts(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "date_tracked,track_id,track_playcount");
}

/* kworb-style song totals: a JSON array of records with a title, a total
 * and a daily count, and a "role" (album records have none, and their ids
 * start "kworb:album:"). */
static int is_kworb(const struct tr_input *in, const char *h, size_t n)
{
    size_t i = 0;
    while (i < n && (h[i] == ' ' || h[i] == '\n' || h[i] == '\r' || h[i] == '\t'))
        i++;
    if (i == n || h[i] != '[')
        return 0;
    return memmem(h, n, "\"streams_total\"", 15) && memmem(h, n, "\"title\"", 7) &&
           memmem(h, n, "\"role\"", 6) && !memmem(h, n, "\"kworb:album:", 13);
}

/* kworb-style album totals: a JSON array of records with a total whose
 * ids start "kworb:album:". */
static int is_kworb_albums(const struct tr_input *in, const char *h, size_t n)
{
    size_t i = 0;
    while (i < n && (h[i] == ' ' || h[i] == '\n' || h[i] == '\r' || h[i] == '\t'))
        i++;
    if (i == n || h[i] != '[')
        return 0;
    return memmem(h, n, "\"streams_total\"", 15) && memmem(h, n, "\"id\"", 4) &&
           memmem(h, n, "\"kworb:album:", 13);
}

/* A saved album play-count JSON: an object with albumUnion, or discs with
 * play counts. */
static int is_album_json(const struct tr_input *in, const char *h, size_t n)
{
    size_t i = 0;
    while (i < n && (h[i] == ' ' || h[i] == '\n' || h[i] == '\r' || h[i] == '\t'))
        i++;
    if (i == n || h[i] != '{')
        return 0;
    return memmem(h, n, "\"albumUnion\"", 12) ||
           (memmem(h, n, "\"discs\"", 7) && memmem(h, n, "\"playcount\"", 11));
}

static int line_has(const char *line, size_t n, const char *columns);

static int is_discography(const struct tr_input *in, const char *h, size_t n)
{
    size_t k;
    const char *line = first_line(h, n, &k);
    return line_has(line, k, "album_title,album_rd,performed_by,spotify_track_id");
}

static int is_chart_entries(const struct tr_input *in, const char *h, size_t n)
{
    size_t k;
    const char *line = first_line(h, n, &k);
    return line_has(line, k, "chart_date,chart_type,section,country,rank,streams,name,artists");
}

static int is_s4a(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "date,streams");
}

/* 1 when the line holds every one of the comma-separated columns (others
 * may be there too), in any order, quotes, spaces and case ignored. */
static int line_has(const char *line, size_t n, const char *columns)
{
    char have[4096], want[256];
    size_t k = 0;
    if (n >= sizeof have)
        n = sizeof have - 1;
    for (size_t i = 0; i < n; i++)
        if (line[i] != '"' && line[i] != ' ')
            have[k++] = line[i];
    have[k] = '\0';
    snprintf(want, sizeof want, "%s", columns);
    char *save = NULL;
    for (char *col = strtok_r(want, ",", &save); col; col = strtok_r(NULL, ",", &save)) {
        size_t cl = strlen(col);
        bool found = false;
        for (char *p = have; *p && !found;) {
            char *c = strchr(p, ',');
            size_t pl = c ? (size_t)(c - p) : strlen(p);
            found = pl == cl && strncasecmp(p, col, cl) == 0;
            if (!c)
                break;
            p = c + 1;
        }
        if (!found)
            return 0;
    }
    return 1;
}

/* Spotify Charts: the new header, or the old one on the first or second
 * line (under a note line). */
static int is_charts(const struct tr_input *in, const char *h, size_t n)
{
    size_t k;
    const char *line = first_line(h, n, &k);
    if (line_has(line, k, "rank,uri,artist_names,track_name,streams") ||
        line_has(line, k, "Position,TrackName,Artist,Streams,URL"))
        return 1;
    const char *nl = memchr(h, '\n', n);
    if (!nl)
        return 0;
    line = first_line(nl + 1, n - (size_t)(nl + 1 - h), &k);
    return line_has(line, k, "Position,TrackName,Artist,Streams,URL");
}

const struct tr_format tr_formats[] = {
    {"artists", 10, is_artists, tr_fmt_artists_read, false, false},
    {"pc-artists", 11, is_pc_artists, tr_fmt_pc_artists_read, false, false},
    {"releases", 20, is_releases, tr_fmt_releases_read, false, false},
    {"pc-albums", 21, is_pc_albums, tr_fmt_pc_albums_read, false, false},
    {"tracks", 30, is_tracks, tr_fmt_tracks_read, false, false},
    {"discography", 32, is_discography, tr_fmt_discography_read, false, false},
    {"pc-tracks", 31, is_pc_tracks, tr_fmt_pc_tracks_read, false, false},
    {"tracklist", 40, is_tracklist, tr_fmt_tracklist_read, false, false},
    {"sales", 50, is_sales, tr_fmt_sales_read, false, false},       /* after the catalog they name */
    {"awards", 50, is_awards, tr_fmt_awards_read, false, false},
    {"coverage", 45, is_coverage, tr_fmt_coverage_read, false, false},
    {"streams", 60, is_streams, tr_fmt_streams_read, false, true},
    {"pc-playcounts", 61, is_pc_playcounts, tr_fmt_pc_playcounts_read, false, false},
    {"charts", 70, is_charts, tr_fmt_charts_read, true, false},
    {"chart-entries", 71, is_chart_entries, tr_fmt_chart_entries_read, true, false},
    {"kworb", 65, is_kworb, tr_fmt_kworb_read, false, false},
    {"kworb-albums", 67, is_kworb_albums, tr_fmt_kworb_albums_read, false, false},
    {"album-json", 66, is_album_json, tr_fmt_album_json_read, false, false},
    {"s4a-timeline", 68, is_s4a, tr_fmt_s4a_read, false, false},    /* after the totals it is anchored on */
    {NULL, 0, NULL, NULL, false, false},
};

const struct tr_format *tr_format_find(const char *name)
{
    for (const struct tr_format *f = tr_formats; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

const struct tr_format *tr_format_detect(const struct tr_input *in)
{
    size_t n = in->len < 4096 ? in->len : 4096;
    for (const struct tr_format *f = tr_formats; f->name; f++)
        if (f->detect(in, in->data, n))
            return f;
    return NULL;
}
