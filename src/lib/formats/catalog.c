/*
 * formats/catalog.c: the catalog CSVs of a bundle (artists, releases, tracks,
 * tracklist; layouts in docs/formats.md).
 *
 * A row creates or updates the entity with its id: re-importing updates,
 * never duplicates, and an unchanged row marks nothing dirty.  References
 * to other entities are checked: an artist named by a release must exist
 * (from this file or an earlier one), and a same_as or member_of may point
 * at a row further down the same file, so those are resolved in a second
 * pass over the rows kept aside.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 256

struct reader {
    struct tr_csv csv;
    int col[8];
};

/* Resolves a ';'-separated list of artist ids. */
static int artist_list(struct tr_import_ctx *x, const struct reader *rd, const char *text,
                       const char *col, uint32_t *out, uint32_t *n, struct tr_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", text);
    char *items[MAX_LIST];
    *n = tr_split_list(buf, items, MAX_LIST);
    for (uint32_t k = 0; k < *n; k++) {
        out[k] = tr_catalog_artist(x->catalog, items[k]);
        if (out[k] == TR_NONE)
            return tr_error_set(err, TR_EUNKNOWN, "%s:%zu: %s: unknown artist '%s'",
                                x->input->base, rd->csv.line, col, items[k]);
    }
    return 0;
}

static int day_field(struct tr_import_ctx *x, const struct reader *rd, int c, const char *col,
                     tr_day *out, struct tr_error *err)
{
    if (c < 0 || tr_csv_empty(&rd->csv, (size_t)c)) {
        *out = TR_DAY_NONE;
        return 0;
    }
    return tr_csv_day(&rd->csv, (size_t)c, col, out, err);
}

struct deferred {                 /* a reference resolved after all rows */
    uint32_t idx;
    size_t line;
    char *text;
    int what;
};

struct deferred_list {
    struct deferred *v;
    size_t n, cap;
};

static int defer(struct deferred_list *d, uint32_t idx, size_t line, const char *text, int what)
{
    if (!*text)
        return 0;
    if (d->n == d->cap) {
        struct deferred *p = realloc(d->v, (d->cap = d->cap ? d->cap * 2 : 64) * sizeof *p);
        if (!p)
            return TR_ENOMEM;
        d->v = p;
    }
    if (!(d->v[d->n].text = strdup(text)))
        return TR_ENOMEM;
    d->v[d->n].idx = idx;
    d->v[d->n].line = line;
    d->v[d->n].what = what;
    d->n++;
    return 0;
}

static void deferred_release(struct deferred_list *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].text);
    free(d->v);
}

/* ---- artists -------------------------------------------------------- */

int tr_fmt_artists_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const cols[] = {"id", "name", "country", "kind", "gender", "genres", "member_of"};
    struct reader rd;
    struct deferred_list later = {0};
    int rc = tr_import_csv_open(&rd.csv, in, cols, 7, 1, rd.col, err), r;
    char b[7][1024];
    while (!rc && (r = tr_import_csv_row(x, &rd.csv, err)) > 0) {
        for (int k = 0; k < 7; k++)
            tr_import_field(&rd.csv, rd.col[k], b[k], sizeof b[k]);
        const char *id = b[0];
        const char *country = b[2];
        const char *kind = b[3];
        const char *gender = b[4];
        size_t line = rd.csv.line;
        enum tr_artist_kind k;
        enum tr_gender g;
        if (!*id) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: id: empty artist id", in->base, line);
            break;
        }
        if (*country && (strlen(country) != 2 || !isalpha((unsigned char)country[0]) ||
                         !isalpha((unsigned char)country[1]))) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: country: not an ISO 3166 alpha-2 code: '%s'",
                              in->base, line, country);
            break;
        }
        if (tr_artist_kind_parse(kind, &k)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: kind: expected solo or group, found '%s'",
                              in->base, line, kind);
            break;
        }
        if (tr_gender_parse(gender, &g)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: gender: expected male, female or mixed, found '%s'",
                              in->base, line, gender);
            break;
        }
        uint32_t i;
        if ((rc = tr_catalog_add_artist(x->catalog, id, &i, NULL)))
            break;
        struct tr_artist *a = &x->catalog->artists[i];
        char cc[3] = {0};
        if (*country) {
            cc[0] = (char)toupper((unsigned char)country[0]);
            cc[1] = (char)toupper((unsigned char)country[1]);
        }
        if (strcmp(a->country, cc) != 0 || a->kind != k || a->gender != g)
            tr_catalog_mark(x->catalog, TR_SUBJECT_ARTIST, i);
        memcpy(a->country, cc, sizeof cc);
        a->kind = k;
        a->gender = g;
        rc = tr_import_set_str(x, TR_SUBJECT_ARTIST, i, &a->name, b[1]);
        char genres[1024], *items[64];
        snprintf(genres, sizeof genres, "%s", b[5]);
        for (char *p = genres; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        uint32_t ng = tr_split_list(genres, items, 64);
        bool same = ng == a->n_genres;
        for (uint32_t j = 0; same && j < ng; j++)
            same = strcmp(items[j], a->genres[j]) == 0;
        if (!rc && !same) {
            tr_catalog_mark(x->catalog, TR_SUBJECT_ARTIST, i);
            rc = tr_catalog_set_strings(x->catalog, &a->genres, &a->n_genres, items, ng);
        }
        if (!rc)
            rc = defer(&later, i, line, b[6], 0);
        if (rc == 0)
            x->file->taken++;
    }
    if (!rc && r < 0)
        rc = -r;
    for (size_t d = 0; !rc && d < later.n; d++) {
        uint32_t list[MAX_LIST], n;
        char *items[MAX_LIST];
        n = tr_split_list(later.v[d].text, items, MAX_LIST);
        for (uint32_t k = 0; !rc && k < n; k++)
            if ((list[k] = tr_catalog_artist(x->catalog, items[k])) == TR_NONE)
                rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: member_of: unknown artist '%s'",
                                  in->base, later.v[d].line, items[k]);
        struct tr_artist *a = &x->catalog->artists[later.v[d].idx];
        if (!rc)
            rc = tr_import_set_list(x, TR_SUBJECT_ARTIST, later.v[d].idx, &a->member_of, &a->n_member_of, list, n);
    }
    deferred_release(&later);
    tr_csv_release(&rd.csv);
    return rc;
}

/* ---- releases ------------------------------------------------------- */

int tr_fmt_releases_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const cols[] = {"id", "title", "artists", "type", "date"};
    struct reader rd;
    int rc = tr_import_csv_open(&rd.csv, in, cols, 5, 1, rd.col, err), r;
    char b[5][4096];
    while (!rc && (r = tr_import_csv_row(x, &rd.csv, err)) > 0) {
        for (int k = 0; k < 5; k++)
            tr_import_field(&rd.csv, rd.col[k], b[k], sizeof b[k]);
        size_t line = rd.csv.line;
        const char *id = b[0];
        const char *type = b[3];
        enum tr_release_type t;
        tr_day date;
        uint32_t artists[MAX_LIST], na, i;
        if (!*id) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: id: empty release id", in->base, line);
            break;
        }
        if (tr_release_type_parse(type, &t)) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: type: expected album, ep, single or compilation, found '%s'",
                              in->base, line, type);
            break;
        }
        if ((rc = day_field(x, &rd, rd.col[4], "date", &date, err)) ||
            (rc = artist_list(x, &rd, b[2], "artists", artists, &na, err)) ||
            (rc = tr_catalog_add_release(x->catalog, id, &i, NULL)))
            break;
        struct tr_release *rel = &x->catalog->releases[i];
        if (rel->type != t || rel->date != date)
            tr_catalog_mark(x->catalog, TR_SUBJECT_RELEASE, i);
        rel->type = t;
        rel->date = date;
        if ((rc = tr_import_set_str(x, TR_SUBJECT_RELEASE, i, &rel->title, b[1])) ||
            (rc = tr_import_set_list(x, TR_SUBJECT_RELEASE, i, &rel->artists, &rel->n_artists, artists, na)))
            break;
        x->file->taken++;
    }
    if (!rc && r < 0)
        rc = -r;
    tr_csv_release(&rd.csv);
    return rc;
}

/* ---- tracks --------------------------------------------------------- */

/* ---- ISRC ----------------------------------------------------------- */

/* An ISRC as tracks.csv may give it (CC-XXX-YY-NNNNN: country, registrant,
 * year, designation; hyphens optional, letters in any case) normalised to
 * its 12 characters, upper case, into out[13]: 0, or -1 when it is none. */
static int isrc_normalise(const char *s, char out[13])
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '-')
            continue;
        if (n == 12 || !isalnum((unsigned char)*s))
            return -1;
        out[n++] = (char)toupper((unsigned char)*s);
    }
    out[n] = '\0';
    if (n != 12 || !isalpha((unsigned char)out[0]) || !isalpha((unsigned char)out[1]))
        return -1;
    for (int k = 5; k < 12; k++)
        if (!isdigit((unsigned char)out[k]))
            return -1;
    return 0;
}

struct isrc_row {
    const char *code;             /* the track's tr_track.isrc */
    uint32_t track;
    bool apart;                   /* same_as names the track itself */
    bool linked;                  /* same_as names another track */
    bool in_file;                 /* a row of the file being read */
};

static int by_isrc(const void *pa, const void *pb)
{
    const struct isrc_row *a = pa, *b = pb;
    int k = strcmp(a->code, b->code);
    return k ? k : a->track < b->track ? -1 : a->track > b->track;
}

/* The recording each track of the file is by its ISRC: head[t], the
 * catalog's first track of the same ISRC not kept apart, for a track of
 * the file with no same_as of its own; TR_NONE elsewhere.  file[0..n) are
 * the file's tracks with an ISRC (their same_as as the file gives it);
 * the catalog's other tracks count with theirs.  *head (n_tracks entries,
 * NULL when no ISRC is shared) is the caller's.  0 or TR_ENOMEM. */
static int isrc_heads(const struct tr_catalog *c, const struct isrc_row *file, size_t n,
                      uint32_t **head)
{
    *head = NULL;
    uint8_t *mine = calloc(c->n_tracks ? c->n_tracks : 1, 1);
    size_t m = n;
    for (uint32_t t = 0; mine && t < c->n_tracks; t++)
        m += c->tracks[t].isrc[0] != '\0';
    struct isrc_row *v = mine ? malloc((m ? m : 1) * sizeof *v) : NULL;
    if (!v) {
        free(mine);
        return TR_ENOMEM;
    }
    memcpy(v, file, n * sizeof *v);
    for (size_t k = 0; k < n; k++) {
        v[k].code = c->tracks[file[k].track].isrc;   /* the array is final now */
        mine[file[k].track] = 1;
    }
    m = n;
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        const struct tr_track *tr = &c->tracks[t];
        if (tr->isrc[0] && !mine[t])
            v[m++] = (struct isrc_row){tr->isrc, t, tr->same_as == t,
                                       tr->same_as != TR_NONE && tr->same_as != t, false};
    }
    free(mine);
    qsort(v, m, sizeof *v, by_isrc);
    int rc = 0;
    for (size_t g = 0; g < m && !rc;) {
        size_t e = g + 1, h = m;
        while (e < m && !strcmp(v[e].code, v[g].code))
            e++;
        for (size_t k = g; k < e && h == m; k++)
            if (!v[k].apart)
                h = k;
        for (size_t k = g; k < e && h < m; k++) {
            if (k == h || !v[k].in_file || v[k].apart || v[k].linked || v[k].track == v[h].track)
                continue;
            if (!*head) {
                if (!(*head = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof **head))) {
                    rc = TR_ENOMEM;
                    break;
                }
                for (uint32_t t = 0; t < c->n_tracks; t++)
                    (*head)[t] = TR_NONE;
            }
            (*head)[v[k].track] = v[h].track;
        }
        g = e;
    }
    free(v);
    return rc;
}

int tr_fmt_tracks_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const cols[] = {"id",      "title",      "artists", "released",
                                       "same_as", "version_of", "isrc"};
    struct reader rd;
    struct deferred_list later = {0};
    struct isrc_row *codes = NULL;
    uint32_t *isrc_head = NULL;
    size_t n_codes = 0, cap_codes = 0;
    int rc = tr_import_csv_open(&rd.csv, in, cols, 7, 1, rd.col, err), r;
    char b[7][4096];
    while (!rc && (r = tr_import_csv_row(x, &rd.csv, err)) > 0) {
        for (int k = 0; k < 7; k++)
            tr_import_field(&rd.csv, rd.col[k], b[k], sizeof b[k]);
        size_t line = rd.csv.line;
        const char *id = b[0];
        tr_day released;
        uint32_t artists[MAX_LIST], na, i;
        if (!*id) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: id: empty track id", in->base, line);
            break;
        }
        if ((rc = day_field(x, &rd, rd.col[3], "released", &released, err)) ||
            (rc = artist_list(x, &rd, b[2], "artists", artists, &na, err)) ||
            (rc = tr_catalog_add_track(x->catalog, id, TR_NONE, &i, NULL)))
            break;
        struct tr_track *t = &x->catalog->tracks[i];
        if (t->released != released)
            tr_catalog_mark(x->catalog, TR_SUBJECT_TRACK, i);
        t->released = released;
        if ((rc = tr_import_set_str(x, TR_SUBJECT_TRACK, i, &t->title, b[1])) ||
            (rc = tr_import_set_list(x, TR_SUBJECT_TRACK, i, &t->artists, &t->n_artists, artists, na)))
            break;
        if (rd.col[6] >= 0) {      /* the ISRC, when the file has the column */
            char code[13] = "";
            if (*b[6] && isrc_normalise(b[6], code)) {
                rc = tr_error_set(err, TR_EFORMAT,
                                  "%s:%zu: isrc: not an ISRC (CC-XXX-YY-NNNNN: 12 letters and"
                                  " digits): '%s'", in->base, line, b[6]);
                break;
            }
            if (strcmp(t->isrc, code) != 0) {
                memcpy(t->isrc, code, sizeof code);
                tr_catalog_mark(x->catalog, TR_SUBJECT_TRACK, i);
            }
        }
        if (t->isrc[0]) {
            if (n_codes == cap_codes) {
                cap_codes = cap_codes ? 2 * cap_codes : 256;
                struct isrc_row *p = realloc(codes, cap_codes * sizeof *p);
                if (!p) {
                    rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                    break;
                }
                codes = p;
            }
            /* an empty same_as leaves the stored one: apart or linked as before */
            bool given = *b[4] != '\0';
            codes[n_codes++] = (struct isrc_row){
                NULL, i, given ? !strcmp(b[4], id) : t->same_as == i,
                given ? strcmp(b[4], id) != 0 : t->same_as != TR_NONE && t->same_as != i, true};
        }
        /* same_as and version_of may name a later row: resolve after */
        const char *same = b[4];
        const char *ver = b[5];
        if ((rc = defer(&later, i, line, *same ? same : "-", 1)) ||
            (rc = defer(&later, i, line, *ver ? ver : "-", 2)))
            break;
        x->file->taken++;
    }
    if (!rc && r < 0)
        rc = -r;
    /* ids of one ISRC are one recording, like same_as (docs/formats.md) */
    if (!rc && n_codes && isrc_heads(x->catalog, codes, n_codes, &isrc_head))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t d = 0; !rc && d < later.n; d++) {
        const struct deferred *df = &later.v[d];
        uint32_t target = df->what == 1 && isrc_head ? isrc_head[df->idx] : TR_NONE;
        if (strcmp(df->text, "-") != 0 &&
            (target = tr_catalog_track(x->catalog, df->text)) == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: %s: unknown track '%s'", in->base,
                              df->line, df->what == 1 ? "same_as" : "version_of", df->text);
            break;
        }
        /* An empty same_as says nothing: a link the store holds stays, be it
         * given by an earlier file or inferred (ISRC, a play-count export's
         * counts); same_as naming the track itself is how a link is undone. */
        if (df->what == 1 && target == TR_NONE && !strcmp(df->text, "-"))
            continue;
        struct tr_track *t = &x->catalog->tracks[df->idx];
        uint32_t *f = df->what == 1 ? &t->same_as : &t->version_of;
        if (target == df->idx && df->what != 1) {   /* same_as itself: kept apart */
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: a track cannot refer to itself",
                              in->base, df->line, df->what == 1 ? "same_as" : "version_of");
            break;
        }
        if (*f != target)
            tr_catalog_mark(x->catalog, TR_SUBJECT_TRACK, df->idx);
        *f = target;
    }
    deferred_release(&later);
    tr_csv_release(&rd.csv);
    free(codes);
    free(isrc_head);
    return rc;
}

/* ---- track lists ---------------------------------------------------- */

struct entry {
    uint32_t release, track;
    uint64_t disc;               /* 1 without a disc column */
    uint64_t position;
    size_t line;
};

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    if (a->release != b->release)
        return a->release < b->release ? -1 : 1;
    if (a->disc != b->disc)
        return a->disc < b->disc ? -1 : 1;
    return a->position < b->position ? -1 : a->position > b->position;
}

/* Each release named in the file gets exactly the listed tracks, in disc
 * then position order (a position is unique within its disc: the track
 * numbers of a multi-disc album start again on each). */
int tr_fmt_tracklist_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    static const char *const cols[] = {"release", "position", "track", "disc"};
    struct reader rd;
    struct entry *v = NULL;
    size_t n = 0, cap = 0;
    int rc = tr_import_csv_open(&rd.csv, in, cols, 4, 3, rd.col, err), r;
    char b[2][1024];
    while (!rc && (r = tr_import_csv_row(x, &rd.csv, err)) > 0) {
        size_t line = rd.csv.line;
        const char *rel = b[0], *tr = b[1];
        tr_import_field(&rd.csv, rd.col[0], b[0], sizeof b[0]);
        tr_import_field(&rd.csv, rd.col[2], b[1], sizeof b[1]);
        struct entry e = {.line = line, .disc = 1};
        if ((e.release = tr_catalog_release(x->catalog, rel)) == TR_NONE) {
            rc = tr_error_set(err, TR_EUNKNOWN, "%s:%zu: release: unknown release '%s'", in->base, line, rel);
            break;
        }
        if ((rc = tr_csv_u64(&rd.csv, (size_t)rd.col[1], "position", &e.position, err)))
            break;
        char disc[32];
        if (tr_import_field(&rd.csv, rd.col[3], disc, sizeof disc) &&
            (rc = tr_csv_u64(&rd.csv, (size_t)rd.col[3], "disc", &e.disc, err)))
            break;   /* an empty disc is the first */
        if (e.disc == 0) {
            rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: disc: discs count from 1, not 0", in->base, line);
            break;
        }
        if ((rc = tr_import_track(x, tr, strlen(tr), NULL, line, "track", &e.track, err)))
            break;
        if (n == cap) {
            struct entry *p = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                break;
            }
            v = p;
        }
        v[n++] = e;
        x->file->taken++;
    }
    if (!rc && r < 0)
        rc = -r;
    if (!rc)
        if (n)
            qsort(v, n, sizeof *v, entry_cmp);
    uint32_t *list = NULL;
    if (!rc && n && !(list = malloc(n * sizeof *list)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i;
        uint32_t k = 0;
        for (; j < n && v[j].release == v[i].release; j++) {
            if (j > i && v[j].disc == v[j - 1].disc && v[j].position == v[j - 1].position) {
                size_t a = v[j - 1].line < v[j].line ? v[j - 1].line : v[j].line;
                size_t bl = v[j - 1].line < v[j].line ? v[j].line : v[j - 1].line;
                char disc[32] = "";
                if (rd.col[3] >= 0)
                    snprintf(disc, sizeof disc, " on disc %llu", (unsigned long long)v[j].disc);
                rc = tr_error_set(err, TR_ECONFLICT,
                                  "%s:%zu: position: release '%s' has position %llu%s twice (also line %zu)",
                                  in->base, bl, x->catalog->releases[v[j].release].id,
                                  (unsigned long long)v[j].position, disc, a);
                break;
            }
            list[k++] = v[j].track;
        }
        struct tr_release *rel = &x->catalog->releases[v[i].release];
        if (!rc)
            rc = tr_import_set_list(x, TR_SUBJECT_RELEASE, v[i].release, &rel->tracks, &rel->n_tracks, list, k);
        i = j;
    }
    free(list);
    free(v);
    tr_csv_release(&rd.csv);
    return rc;
}
