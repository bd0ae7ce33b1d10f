/*
 * formats.c: the one table of input formats, and detection.
 *
 * Detection reads the first line of a file (after a BOM) and compares its
 * column names; JSON formats look at their first bytes.  Each reader lives
 * in its own fmt_*.c file.
 */
#include "importer.h"

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
    return header_is(h, n, "release,position,track");
}
static int is_streams(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "date,track,streams");
}

static int is_sales(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "release,source,period_start,period_end,timezone,copies,note");
}
static int is_awards(const struct tr_input *in, const char *h, size_t n)
{
    return header_is(h, n, "ceremony,year,category,nominee_kind,nominee,result");
}

const struct tr_format tr_formats[] = {
    {"artists", 10, is_artists, tr_fmt_artists_read},
    {"releases", 20, is_releases, tr_fmt_releases_read},
    {"tracks", 30, is_tracks, tr_fmt_tracks_read},
    {"tracklist", 40, is_tracklist, tr_fmt_tracklist_read},
    {"sales", 50, is_sales, tr_fmt_sales_read},       /* after the catalog they name */
    {"awards", 50, is_awards, tr_fmt_awards_read},
    {"streams", 60, is_streams, tr_fmt_streams_read},
    {NULL, 0, NULL, NULL},
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
