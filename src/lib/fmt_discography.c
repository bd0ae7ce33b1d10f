/*
 * fmt_discography.c: discography CSVs with Spotify ids, one row per track
 * (the BTS discography set: bts.csv, v.csv, feat_bts.csv, ...):
 *
 *   id,album_title,eng_album_title,album_rd,album_seq,track_title,...,
 *   eng_track_title,...,performed_by,...,spotify_album_id,...,
 *   spotify_track_id,...
 *
 * Only the columns named above are read; eng_album_title, album_seq,
 * spotify_album_id and one of the track titles may be absent (feat_bts.csv
 * has no album ids: its rows give tracks only).  Each row gives a track (id spotify_track_id,
 * title eng_track_title else track_title, artists from performed_by) and,
 * with an album id, its place (album_seq) on a release (id
 * spotify_album_id, title eng_album_title else album_title, release day
 * album_rd).  Performers are ';'-separated stage names; each is an artist
 * whose id is the name in lower case with '-' for other characters
 * ("J-HOPE" -> "j-hope", "BTS" -> "bts"), added bare when the catalog
 * lacks it (import an artists file first to give them attributes).  A
 * release's artists are the performers of its first row when it has none.
 * An empty album_seq puts the track after the numbered ones.
 * A row without a Spotify track id ("" or NA) is left out and counted as
 * refused.  Rows update by id, so a re-import changes nothing.
 */
#include "importer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fld(const struct tr_csv *r, int i, char *buf, size_t size)
{
    buf[0] = '\0';
    if (i < 0 || (size_t)i >= r->n_fields)
        return buf;
    const char *s = r->fields[i].s;
    size_t len = r->fields[i].len;
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strcmp(buf, "NA") == 0)
        buf[0] = '\0';
    return buf;
}

static int set_str(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, char **f,
                   const char *v)
{
    if (strcmp(*f ? *f : "", v) == 0)
        return 0;
    tr_catalog_mark(x->catalog, t, i);
    return tr_catalog_set_str(f, v);
}

static int set_list(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, uint32_t **f,
                    uint32_t *nf, const uint32_t *v, uint32_t n)
{
    if (*nf == n && (n == 0 || memcmp(*f, v, n * sizeof *v) == 0))
        return 0;
    tr_catalog_mark(x->catalog, t, i);
    return tr_catalog_set_list(f, nf, v, n);
}

/* The performers of a row as artist indices (added bare when new). */
static int performers(struct tr_catalog *c, const char *text, uint32_t *out, uint32_t *n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    char *items[32];
    uint32_t k = tr_split_list(buf, items, 32);
    *n = 0;
    for (uint32_t i = 0; i < k; i++) {
        char id[256];
        size_t m = 0;
        bool dash = false;
        for (const unsigned char *p = (const unsigned char *)items[i]; *p && m < sizeof id - 2; p++) {
            if (isalnum(*p) || *p >= 0x80) {
                id[m++] = (char)tolower(*p);
                dash = false;
            } else if (m && !dash) {
                id[m++] = '-';
                dash = true;
            }
        }
        while (m && id[m - 1] == '-')
            m--;
        id[m] = '\0';
        if (!m)
            continue;
        bool created;
        uint32_t a;
        if (tr_catalog_add_artist(c, id, &a, &created) ||
            (created && tr_catalog_set_str(&c->artists[a].name, items[i])))
            return TR_ENOMEM;
        bool dup = false;
        for (uint32_t q = 0; q < *n; q++)
            dup |= out[q] == a;
        if (!dup)
            out[(*n)++] = a;
    }
    return 0;
}

struct place {
    uint32_t release, track;
    uint64_t seq;
    size_t line;
};

static int place_cmp(const void *pa, const void *pb)
{
    const struct place *a = pa, *b = pb;
    if (a->release != b->release)
        return a->release < b->release ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

int tr_fmt_discography_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const names[] = {"album_title", "eng_album_title", "album_rd", "album_seq",
                                        "track_title", "eng_track_title", "performed_by",
                                        "spotify_album_id", "spotify_track_id"};
    enum { ALB, ENG_ALB, RD, SEQ, TRK, ENG_TRK, PERF, ALB_ID, TRK_ID };
    struct tr_csv r;
    struct place *v = NULL;
    uint32_t *list = NULL;
    size_t n = 0, cap = 0;
    int col[9], rc;
    struct tr_catalog *c = x->catalog;
    tr_csv_init(&r, in->base, in->data, in->len);
    if ((rc = tr_csv_header(&r, err)))
        goto out;
    /* required: album_title, album_rd, performed_by, spotify_track_id and
     * a track title; the rest may be absent (feat_bts.csv) */
    for (int i = 0; i < 9; i++)
        if ((col[i] = tr_csv_column(&r, names[i])) < 0 &&
            (i == ALB || i == RD || i == PERF || i == TRK_ID)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:1: header: missing column '%s'", in->base, names[i]);
            goto out;
        }
    if (col[TRK] < 0 && col[ENG_TRK] < 0) {
        rc = tr_error_set(err, TR_EFORMAT, "%s:1: header: missing column 'track_title'", in->base);
        goto out;
    }
    while ((rc = tr_csv_next(&r, err)) == 0 && r.n_fields) {
        if ((rc = tr_csv_expect_fields(&r, tr_csv_header_count(&r), err)))
            goto out;
        x->file->rows++;
        char tid[128], aid[128], title[1024], atitle[1024], perf[1024], rd[32];
        if (!*fld(&r, col[TRK_ID], tid, sizeof tid)) {
            x->file->refused++;
            continue;
        }
        if (!*fld(&r, col[ENG_TRK], title, sizeof title))
            fld(&r, col[TRK], title, sizeof title);
        fld(&r, col[PERF], perf, sizeof perf);
        fld(&r, col[ALB_ID], aid, sizeof aid);
        tr_day day = TR_DAY_NONE;
        if (*fld(&r, col[RD], rd, sizeof rd) && (rc = tr_csv_day(&r, (size_t)col[RD], "album_rd", &day, err)))
            goto out;
        uint32_t arts[32], na, t;
        if (performers(c, perf, arts, &na) || tr_catalog_add_track(c, tid, TR_NONE, &t, NULL) ||
            set_str(x, TR_SUBJECT_TRACK, t, &c->tracks[t].title, title) ||
            (na && set_list(x, TR_SUBJECT_TRACK, t, &c->tracks[t].artists, &c->tracks[t].n_artists, arts, na))) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            goto out;
        }
        if (c->tracks[t].released == TR_DAY_NONE && day != TR_DAY_NONE) {
            c->tracks[t].released = day;
            tr_catalog_mark(c, TR_SUBJECT_TRACK, t);
        }
        x->file->taken++;
        if (!*aid)
            continue;
        uint64_t seq = UINT64_MAX;     /* none given: after the numbered tracks */
        if (col[SEQ] >= 0 && !tr_csv_empty(&r, (size_t)col[SEQ]) &&
            (rc = tr_csv_u64(&r, (size_t)col[SEQ], "album_seq", &seq, err)))
            goto out;
        uint32_t rel;
        if (!*fld(&r, col[ENG_ALB], atitle, sizeof atitle))
            fld(&r, col[ALB], atitle, sizeof atitle);
        if (tr_catalog_add_release(c, aid, &rel, NULL) ||
            set_str(x, TR_SUBJECT_RELEASE, rel, &c->releases[rel].title, atitle) ||
            (!c->releases[rel].n_artists && na &&
             set_list(x, TR_SUBJECT_RELEASE, rel, &c->releases[rel].artists, &c->releases[rel].n_artists, arts, na))) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            goto out;
        }
        if (c->releases[rel].date != day) {
            c->releases[rel].date = day;
            tr_catalog_mark(c, TR_SUBJECT_RELEASE, rel);
        }
        if (n == cap) {
            struct place *p = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto out;
            }
            v = p;
        }
        v[n++] = (struct place){rel, t, seq, r.line};
    }
    if (rc || !n)
        goto out;
    /* track lists by album_seq; a track listed twice counts once */
    qsort(v, n, sizeof *v, place_cmp);
    if (!(list = malloc(n * sizeof *list))) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i;
        uint32_t k = 0;
        for (; j < n && v[j].release == v[i].release; j++) {
            bool seen = false;
            for (uint32_t q = 0; q < k && !seen; q++)
                seen = list[q] == v[j].track;
            if (!seen)
                list[k++] = v[j].track;
        }
        struct tr_release *re = &c->releases[v[i].release];
        if (set_list(x, TR_SUBJECT_RELEASE, v[i].release, &re->tracks, &re->n_tracks, list, k))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        i = j;
    }
out:
    tr_csv_release(&r);
    free(v);
    free(list);
    return rc;
}
