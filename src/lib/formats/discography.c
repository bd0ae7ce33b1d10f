/*
 * formats/discography.c: discography CSVs with Spotify ids, one row per track
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
#include "formats/importer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field i, trimmed, with R's "NA" read as empty. */
static const char *fld(const struct tr_csv *r, int i, char *buf, size_t size)
{
    tr_import_field(r, i, buf, size);
    if (strcmp(buf, "NA") == 0)
        buf[0] = '\0';
    return buf;
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
        uint32_t a;
        int rc = tr_import_artist_by_name(c, items[i], &a);
        if (rc < 0)
            continue;
        if (rc)
            return TR_ENOMEM;
        bool dup = false;
        for (uint32_t q = 0; q < *n; q++)
            dup |= out[q] == a;
        if (!dup)
            out[(*n)++] = a;
    }
    return 0;
}

/* By release, then album_seq, then line. */
static int place_cmp(const void *pa, const void *pb)
{
    const struct tr_import_place *a = pa, *b = pb;
    if (a->release != b->release)
        return a->release < b->release ? -1 : 1;
    if (a->position != b->position)
        return a->position < b->position ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

int tr_fmt_discography_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    /* required: album_title, album_rd, performed_by, spotify_track_id and
     * a track title; the rest may be absent (feat_bts.csv) */
    static const char *const names[] = {"album_title", "album_rd", "performed_by",
                                        "spotify_track_id", "eng_album_title", "album_seq",
                                        "track_title", "eng_track_title", "spotify_album_id"};
    enum { ALB, RD, PERF, TRK_ID, ENG_ALB, SEQ, TRK, ENG_TRK, ALB_ID };
    struct tr_csv r;
    struct tr_import_place *v = NULL;
    size_t n = 0, cap = 0;
    int col[9], rc, more;
    struct tr_catalog *c = x->catalog;
    if ((rc = tr_import_csv_open(&r, in, names, 9, 4, col, err)))
        goto out;
    if (col[TRK] < 0 && col[ENG_TRK] < 0) {
        rc = tr_error_set(err, TR_EFORMAT, "%s:1: header: missing column 'track_title'", in->base);
        goto out;
    }
    while ((more = tr_import_csv_row(x, &r, err)) > 0) {
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
            tr_import_set_str(x, TR_SUBJECT_TRACK, t, &c->tracks[t].title, title) ||
            (na && tr_import_set_list(x, TR_SUBJECT_TRACK, t, &c->tracks[t].artists, &c->tracks[t].n_artists, arts, na))) {
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
            tr_import_set_str(x, TR_SUBJECT_RELEASE, rel, &c->releases[rel].title, atitle) ||
            (!c->releases[rel].n_artists && na &&
             tr_import_set_list(x, TR_SUBJECT_RELEASE, rel, &c->releases[rel].artists, &c->releases[rel].n_artists, arts, na))) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            goto out;
        }
        if (c->releases[rel].date != day) {
            c->releases[rel].date = day;
            tr_catalog_mark(c, TR_SUBJECT_RELEASE, rel);
        }
        if (n == cap) {
            struct tr_import_place *p = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                goto out;
            }
            v = p;
        }
        v[n++] = (struct tr_import_place){rel, t, seq, r.line};
    }
    if (more < 0)
        rc = -more;
    if (rc || !n)
        goto out;
    /* track lists by album_seq; a track listed twice counts once */
    qsort(v, n, sizeof *v, place_cmp);
    rc = tr_import_track_lists(x, v, n, err);
out:
    tr_csv_release(&r);
    free(v);
    return rc;
}
