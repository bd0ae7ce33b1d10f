/*
 * catalog_snapshot.c: the whole catalog as one blob, so that a store of a
 * million tracks loads in one read instead of a million rows and lookups.
 *
 * Layout (native byte order; a snapshot is a cache of the catalog tables,
 * rebuilt whenever they change, so it never travels between machines):
 *
 *   header            struct snap_header
 *   strings           every string, NUL-terminated; entities hold offsets
 *   lists             uint32 values: index lists and string-offset lists
 *   artists           struct snap_artist  x n_artists
 *   releases          struct snap_release x n_releases
 *   tracks            struct snap_track   x n_tracks
 *   maps              the three id maps' slots (idmap.h), artists first
 *
 * Each section starts at a multiple of 8 ("SNP3"; "SNP2", whose track
 * records have no ISRC, and "SNP1", which packs the sections end to end,
 * were written by earlier builds and are still read), so that a
 * snapshot in aligned memory can be used in place: tr_catalog_adopt_snapshot
 * points the entities' strings and lists into it and borrows the id maps'
 * slots; only the entity records are decoded, where they lie.  Otherwise
 * loading reads the strings and lists into one arena that the entities'
 * fields point into
 * (the catalog frees only what is not in it: edits), and the records and
 * maps in batches straight from the source: no copy of the whole blob.
 */
#include "model/catalog_snapshot.h"
#include "model/catalog_edit.h"
#include "trackrecord/array.h"
#include "base/idmap.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAGIC 0x33504e53u          /* "SNP3": aligned, tracks with their ISRC */
#define SNAP_MAGIC_V2 0x32504e53u       /* "SNP2": aligned, tracks without */
#define SNAP_MAGIC_PACKED 0x31504e53u   /* "SNP1": sections end to end, tracks without */

struct snap_header {
    uint32_t magic;
    uint32_t n_artists, n_releases, n_tracks, n_series;
    uint64_t strings, lists;      /* bytes of each section */
    uint64_t maps[3];             /* bytes of each id map */
};

struct span { uint32_t off, n; };  /* into the lists section */

struct snap_artist {
    uint32_t id, name;            /* string offsets */
    char country[4];
    uint8_t kind, gender;
    struct span genres;           /* of string offsets */
    struct span member_of;
};

struct snap_release {
    uint32_t id, title;
    struct span artists, tracks;
    uint8_t type;
    int32_t date;
};

struct snap_track {
    uint32_t id, title;
    struct span artists;
    int32_t released;
    uint32_t same_as, version_of, series, own_series;
    char isrc[12];                /* SNP3 only; all NUL for none */
};
#define SNAP_TRACK_V2 offsetof(struct snap_track, isrc)

/* The bytes of one track record in a snapshot of this header's version. */
static size_t track_record(uint32_t magic)
{
    return magic == SNAP_MAGIC ? sizeof(struct snap_track) : SNAP_TRACK_V2;
}

/* Where each section starts, and the end.  The header's sizes must each
 * be below 2^62 or so (checked against the blob's length first), so that
 * the sums cannot wrap. */
struct layout {
    size_t strings, lists, artists, releases, tracks, maps[3], end;
};

static struct layout layout_of(const struct snap_header *h)
{
    size_t a = h->magic == SNAP_MAGIC_PACKED ? 1 : 8;
#define NEXT(off, bytes) (((off) + (bytes) + a - 1) / a * a)
    struct layout l;
    l.strings = sizeof *h;
    l.lists = NEXT(l.strings, h->strings);
    l.artists = NEXT(l.lists, h->lists);
    l.releases = NEXT(l.artists, (size_t)h->n_artists * sizeof(struct snap_artist));
    l.tracks = NEXT(l.releases, (size_t)h->n_releases * sizeof(struct snap_release));
    l.maps[0] = NEXT(l.tracks, (size_t)h->n_tracks * track_record(h->magic));
    l.maps[1] = NEXT(l.maps[0], h->maps[0]);
    l.maps[2] = NEXT(l.maps[1], h->maps[1]);
    l.end = NEXT(l.maps[2], h->maps[2]);
#undef NEXT
    return l;
}

struct writer {
    char *strings;
    size_t n_str, cap_str;
    uint32_t *lists;
    size_t n_list, cap_list;
    bool failed;
};

static uint32_t put_string(struct writer *w, const char *s)
{
    size_t len = strlen(s ? s : "") + 1;
    /* offsets are uint32: a snapshot's strings stay under 4 GiB */
    if (w->n_str + len > UINT32_MAX || tr_array_reserve(&w->strings, &w->cap_str, w->n_str + len)) {
        w->failed = true;
        return 0;
    }
    uint32_t off = (uint32_t)w->n_str;
    memcpy(w->strings + off, s ? s : "", len);
    w->n_str += len;
    return off;
}

static struct span put_list(struct writer *w, const uint32_t *v, uint32_t n)
{
    if (w->n_list + n > UINT32_MAX || tr_array_reserve(&w->lists, &w->cap_list, w->n_list + n)) {
        w->failed = true;
        return (struct span){0, 0};
    }
    struct span s = {(uint32_t)w->n_list, n};
    if (n)
        memcpy(w->lists + w->n_list, v, n * sizeof *v);
    w->n_list += n;
    return s;
}

int tr_catalog_snapshot(const struct tr_catalog *c, void **out, size_t *len)
{
    struct writer w = {0};
    struct snap_artist *sa = calloc(c->n_artists ? c->n_artists : 1, sizeof *sa);
    struct snap_release *sr = calloc(c->n_releases ? c->n_releases : 1, sizeof *sr);
    struct snap_track *st = calloc(c->n_tracks ? c->n_tracks : 1, sizeof *st);
    int rc = TR_ENOMEM;
    char *blob = NULL;
    if (!sa || !sr || !st)
        goto out;
    for (uint32_t i = 0; i < c->n_artists && !w.failed; i++) {
        const struct tr_artist *a = &c->artists[i];
        uint32_t genres[64], ng = a->n_genres < 64 ? a->n_genres : 64;
        for (uint32_t k = 0; k < ng; k++)
            genres[k] = put_string(&w, a->genres[k]);
        /* fields one by one: the arrays are calloc'd, so padding stays zero
         * and the same catalog always gives the same bytes */
        sa[i].id = put_string(&w, a->id);
        sa[i].name = put_string(&w, a->name);
        sa[i].kind = (uint8_t)a->kind;
        sa[i].gender = (uint8_t)a->gender;
        sa[i].genres = put_list(&w, genres, ng);
        sa[i].member_of = put_list(&w, a->member_of, a->n_member_of);
        memcpy(sa[i].country, a->country, sizeof a->country);
    }
    for (uint32_t i = 0; i < c->n_releases && !w.failed; i++) {
        const struct tr_release *r = &c->releases[i];
        sr[i].id = put_string(&w, r->id);
        sr[i].title = put_string(&w, r->title);
        sr[i].artists = put_list(&w, r->artists, r->n_artists);
        sr[i].tracks = put_list(&w, r->tracks, r->n_tracks);
        sr[i].type = (uint8_t)r->type;
        sr[i].date = r->date;
    }
    for (uint32_t i = 0; i < c->n_tracks && !w.failed; i++) {
        const struct tr_track *t = &c->tracks[i];
        st[i].id = put_string(&w, t->id);
        st[i].title = put_string(&w, t->title);
        st[i].artists = put_list(&w, t->artists, t->n_artists);
        st[i].released = t->released;
        st[i].same_as = t->same_as;
        st[i].version_of = t->version_of;
        st[i].series = t->series;
        st[i].own_series = t->own_series;
        for (size_t k = 0; k < sizeof st[i].isrc && t->isrc[k]; k++)   /* NUL-padded */
            st[i].isrc[k] = t->isrc[k];
    }
    if (w.failed)
        goto out;
    const struct tr_idmap *maps[3] = {c->artist_ids, c->release_ids, c->track_ids};
    struct snap_header h;
    memset(&h, 0, sizeof h);
    h.magic = SNAP_MAGIC;
    h.n_artists = c->n_artists;
    h.n_releases = c->n_releases;
    h.n_tracks = c->n_tracks;
    h.n_series = c->n_series;
    h.strings = w.n_str;
    h.lists = w.n_list * sizeof(uint32_t);
    for (int k = 0; k < 3; k++)
        h.maps[k] = tr_idmap_bytes(maps[k]);
    struct layout l = layout_of(&h);
    if (!(blob = calloc(1, l.end)))      /* zeroed: the padding too */
        goto out;
    memcpy(blob, &h, sizeof h);
    if (h.strings)
        memcpy(blob + l.strings, w.strings, h.strings);
    if (h.lists)
        memcpy(blob + l.lists, w.lists, h.lists);
    memcpy(blob + l.artists, sa, c->n_artists * sizeof *sa);
    memcpy(blob + l.releases, sr, c->n_releases * sizeof *sr);
    memcpy(blob + l.tracks, st, c->n_tracks * sizeof *st);
    for (int k = 0; k < 3; k++)
        tr_idmap_save(maps[k], blob + l.maps[k]);
    *out = blob;
    *len = l.end;
    blob = NULL;
    rc = 0;
out:
    free(blob);
    free(w.strings);
    free(w.lists);
    free(sa);
    free(sr);
    free(st);
    return rc;
}

/* ---- loading -------------------------------------------------------- */

struct reader {
    const char *strings;
    size_t n_str;
    const uint32_t *lists;
    size_t n_list;
    bool bad;
    /* a lazy catalog's bytes made valid before they are read (NULL or no
     * fn: all are), and where the strings and lists lie in the snapshot */
    const struct tr_snapshot_need *need;
    size_t str_at, list_at;
};

/* Bytes [off, off + n) of the snapshot made valid: false (and bad) when
 * they cannot be. */
static bool need(struct reader *r, size_t off, size_t n)
{
    if (r->need && r->need->fn && n && r->need->fn(r->need->ctx, off, n))
        r->bad = true;
    return !r->bad;
}

/* Strings and lists point into the catalog's arena: no allocation each.
 * A string's bytes are made valid a piece at a time (an id or a title is
 * short) until its NUL. */
static char *get_string(struct reader *r, uint32_t off)
{
    size_t left = off < r->n_str ? r->n_str - off : 0;
    for (size_t n = 256; left; n *= 16) {
        size_t m = n < left ? n : left;
        if (!need(r, r->str_at + off, m))
            return NULL;
        if (memchr(r->strings + off, '\0', m))
            return (char *)r->strings + off;
        if (m == left)
            break;
    }
    r->bad = true;
    return NULL;
}

static uint32_t *get_list(struct reader *r, struct span s, uint32_t limit)
{
    if ((uint64_t)s.off + s.n > r->n_list) {
        r->bad = true;
        return NULL;
    }
    if (!s.n || !need(r, r->list_at + (size_t)s.off * sizeof(uint32_t), (size_t)s.n * sizeof(uint32_t)))
        return NULL;
    uint32_t *v = (uint32_t *)r->lists + s.off;
    for (uint32_t k = 0; k < s.n; k++)
        if (v[k] >= limit)
            r->bad = true;
    return v;
}

/* Decodes records of one section in batches read from the source, so that
 * no copy of the whole blob is ever made. */
#define BATCH 4096
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define MAX_RECORD MAX2(MAX2(sizeof(struct snap_artist), sizeof(struct snap_release)), \
                        sizeof(struct snap_track))

static int read_at(const struct tr_snapshot_source *src, void *dst, size_t n, size_t off)
{
    return n ? src->read(src->ctx, dst, n, off) : 0;
}

static void decode_artist(struct reader *r, const struct snap_header *h, const char *p, void *e)
{
    struct tr_artist *a = e;
    struct snap_artist sa;
    memcpy(&sa, p, sizeof sa);
    a->id = get_string(r, sa.id);
    a->name = get_string(r, sa.name);
    memcpy(a->country, sa.country, sizeof a->country);
    a->country[2] = '\0';
    a->kind = sa.kind <= TR_KIND_GROUP ? (enum tr_artist_kind)sa.kind : TR_KIND_UNKNOWN;
    a->gender = sa.gender <= TR_GENDER_MIXED ? (enum tr_gender)sa.gender : TR_GENDER_UNKNOWN;
    uint32_t *g = get_list(r, sa.genres, UINT32_MAX);
    if (sa.genres.n && g && (a->genres = calloc(sa.genres.n, sizeof *a->genres))) {
        a->n_genres = sa.genres.n;
        for (uint32_t k = 0; k < sa.genres.n; k++)
            a->genres[k] = get_string(r, g[k]);
    } else if (sa.genres.n) {
        r->bad = true;
    }
    a->member_of = get_list(r, sa.member_of, h->n_artists);
    a->n_member_of = sa.member_of.n;
}

static void decode_release(struct reader *r, const struct snap_header *h, const char *p, void *e)
{
    struct tr_release *rel = e;
    struct snap_release sr;
    memcpy(&sr, p, sizeof sr);
    rel->id = get_string(r, sr.id);
    rel->title = get_string(r, sr.title);
    rel->artists = get_list(r, sr.artists, h->n_artists);
    rel->n_artists = sr.artists.n;
    rel->tracks = get_list(r, sr.tracks, h->n_tracks);
    rel->n_tracks = sr.tracks.n;
    rel->type = sr.type <= TR_RELEASE_COMPILATION ? (enum tr_release_type)sr.type : TR_RELEASE_UNKNOWN;
    rel->date = sr.date;
}

static void decode_track(struct reader *r, const struct snap_header *h, const char *p, void *e)
{
    struct tr_track *t = e;
    struct snap_track st;
    memset(&st, 0, sizeof st);
    memcpy(&st, p, track_record(h->magic));
    t->id = get_string(r, st.id);
    t->title = get_string(r, st.title);
    t->artists = get_list(r, st.artists, h->n_artists);
    t->n_artists = st.artists.n;
    t->released = st.released;
    t->same_as = st.same_as < h->n_tracks ? st.same_as : TR_NONE;
    t->version_of = st.version_of < h->n_tracks ? st.version_of : TR_NONE;
    t->series = st.series;
    t->own_series = st.own_series;
    memcpy(t->isrc, st.isrc, sizeof st.isrc);
    t->isrc[sizeof st.isrc] = '\0';
    if (st.series >= h->n_series || st.own_series >= h->n_series)
        r->bad = true;
}

/* Decodes n records of rec bytes at off into the entity array: where they
 * lie in the snapshot's bytes (in_place: those not decoded yet, whose id,
 * every entity's first field, is still NULL), else read in batches into
 * buf. */
static void read_section(const struct tr_snapshot_source *src, const char *in_place,
                         struct reader *r, const struct snap_header *h, char *buf, size_t off,
                         uint32_t n, size_t rec,
                         void (*decode)(struct reader *, const struct snap_header *,
                                        const char *, void *),
                         void *entities, size_t entity_size)
{
    if (in_place) {
        for (uint32_t i = 0; i < n && !r->bad; i++) {
            char *e = (char *)entities + (size_t)i * entity_size, *id;
            memcpy(&id, e, sizeof id);
            if (!id)
                decode(r, h, in_place + off + (size_t)i * rec, e);
        }
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i += BATCH) {
        uint32_t k = n - i < BATCH ? n - i : BATCH;
        r->bad = read_at(src, buf, k * rec, off + (size_t)i * rec);
        for (uint32_t j = 0; j < k && !r->bad; j++)
            decode(r, h, buf + j * rec, (char *)entities + (size_t)(i + j) * entity_size);
    }
}

/* Decodes every record c does not hold yet (in place from bytes, else
 * from src), and checks that each has its id and name: false when the
 * snapshot is not a catalog. */
static bool decode_records(const struct tr_snapshot_source *src, const char *bytes, struct reader *r,
                           const struct snap_header *h, const struct layout *l, char *buf,
                           struct tr_catalog *c)
{
    read_section(src, bytes, r, h, buf, l->artists, h->n_artists, sizeof(struct snap_artist),
                 decode_artist, c->artists, sizeof *c->artists);
    read_section(src, bytes, r, h, buf, l->releases, h->n_releases, sizeof(struct snap_release),
                 decode_release, c->releases, sizeof *c->releases);
    read_section(src, bytes, r, h, buf, l->tracks, h->n_tracks, track_record(h->magic), decode_track,
                 c->tracks, sizeof *c->tracks);
    for (uint32_t i = 0; !r->bad && i < h->n_artists; i++)
        r->bad = !c->artists[i].id || !c->artists[i].name;
    for (uint32_t i = 0; !r->bad && i < h->n_releases; i++)
        r->bad = !c->releases[i].id || !c->releases[i].title;
    for (uint32_t i = 0; !r->bad && i < h->n_tracks; i++)
        r->bad = !c->tracks[i].id || !c->tracks[i].title;
    return !r->bad;
}

/* What a catalog opened lazily (tr_catalog_open_snapshot) keeps of its
 * snapshot to decode a record when it is first used. */
struct tr_snapshot_lazy {
    struct snap_header h;
    struct layout l;
    const char *bytes;           /* the snapshot, which the catalog owns */
    struct tr_snapshot_need need;
    struct reader r;             /* bad once a record read was not one, or damaged */
};

/* A lazy catalog's id map slot made valid before it is read. */
static int need_slot(void *ctx, const void *p, size_t n)
{
    struct tr_snapshot_lazy *z = ctx;
    return need(&z->r, (size_t)((const char *)p - z->bytes), n) ? 0 : -1;
}

static void keep_bytes(void *bytes, size_t len, void *ctx)
{
    (void)bytes, (void)len, (void)ctx;
}

/* The header of a snapshot of len bytes read from src, and its layout: 0,
 * or TR_ESTORE.  Sections each within the blob (so the sums cannot wrap),
 * and no more recordings than tracks (each track is given one slot); in
 * place (bytes), only the aligned layout. */
static int header_of(const struct tr_snapshot_source *src, const void *bytes, struct snap_header *h,
                     struct layout *l)
{
    size_t len = src->len;
    if (len < sizeof *h || read_at(src, h, sizeof *h, 0))
        return TR_ESTORE;
    if ((h->magic != SNAP_MAGIC && h->magic != SNAP_MAGIC_V2 &&
         (h->magic != SNAP_MAGIC_PACKED || bytes)) ||
        h->strings > len || h->lists > len || h->maps[0] > len || h->maps[1] > len ||
        h->maps[2] > len || h->lists % sizeof(uint32_t) || h->n_series > h->n_tracks ||
        (uintptr_t)bytes % 8)
        return TR_ESTORE;
    *l = layout_of(h);
    return l->end == len ? 0 : TR_ESTORE;
}

/* Loads a snapshot read from src.  With bytes (the same snapshot, in
 * writable aligned memory the catalog may keep) the strings, lists and id
 * maps are used in place, and the catalog releases bytes when freed; then
 * with lazy no record is decoded yet, nor any map slot read. */
static int load(const struct tr_snapshot_source *src, void *bytes,
                void (*release)(void *, size_t, void *), void *ctx,
                const struct tr_snapshot_need *lazy, struct tr_catalog **out)
{
    struct snap_header h;
    struct layout l;
    size_t len = src->len;
    if ((lazy && lazy->fn && len >= sizeof h && lazy->fn(lazy->ctx, 0, sizeof h)) ||
        header_of(src, bytes, &h, &l))
        return TR_ESTORE;
    /* The arena: the snapshot itself, or the lists (first, for their
     * alignment) then the strings, read once; the entities' fields point
     * into it. */
    char *arena = bytes ? bytes : malloc(h.lists + h.strings + 1);
    struct tr_catalog *c = calloc(1, sizeof *c);
    char *buf = bytes ? NULL : malloc(BATCH * MAX_RECORD);   /* the records' batches */
    struct tr_snapshot_lazy *z = lazy ? calloc(1, sizeof *z) : NULL;
    if (!arena || !c || (!bytes && !buf) || (lazy && !z) || !(c->priv = tr_catalog_priv_new())) {
        if (!bytes)
            free(arena);
        free(c);
        free(buf);
        free(z);
        return TR_ENOMEM;
    }
    struct reader r = {bytes ? arena + l.strings : arena + h.lists, h.strings,
                       (const uint32_t *)(void *)(bytes ? arena + l.lists : arena),
                       h.lists / sizeof(uint32_t), false, NULL, l.strings, l.lists};
    if (lazy) {
        *z = (struct tr_snapshot_lazy){h, l, bytes, *lazy, r};
        z->r.need = &z->need;
    }
    if (bytes) {
        tr_catalog_set_arena(c, arena, len, release, ctx);
    } else {
        tr_catalog_set_arena(c, arena, h.lists + h.strings, NULL, NULL);
        r.bad = read_at(src, arena + h.lists, h.strings, l.strings) ||
                read_at(src, arena, h.lists, l.lists);
    }
    /* calloc'd: a lazy catalog's untouched records cost no memory */
    c->artists = calloc(h.n_artists ? h.n_artists : 1, sizeof *c->artists);
    c->releases = calloc(h.n_releases ? h.n_releases : 1, sizeof *c->releases);
    c->tracks = calloc(h.n_tracks ? h.n_tracks : 1, sizeof *c->tracks);
    tr_catalog_priv_capacity(c, h.n_artists, h.n_releases, h.n_tracks);
    int rc = TR_ENOMEM;
    if (!c->artists || !c->releases || !c->tracks)
        goto fail;
    c->n_artists = h.n_artists;
    c->n_releases = h.n_releases;
    c->n_tracks = h.n_tracks;
    c->n_series = h.n_series;
    rc = TR_ESTORE;
    if (!lazy && !decode_records(src, bytes, &r, &h, &l, buf, c))
        goto fail;
    const uint32_t n_values[3] = {h.n_artists, h.n_releases, h.n_tracks};
    const tr_idmap_key_fn keys[3] = {tr_catalog_artist_key, tr_catalog_release_key,
                                     tr_catalog_track_key};
    struct tr_idmap **maps[3] = {&c->artist_ids, &c->release_ids, &c->track_ids};
    for (int k = 0; k < 3; k++) {
        /* a lazy map's head is read at once, its slots as they are probed */
        *maps[k] = !lazy ? NULL
                 : !need(&z->r, l.maps[k], h.maps[k] < 16 ? h.maps[k] : 16) ? NULL
                 : tr_idmap_borrow_unchecked(arena + l.maps[k], h.maps[k], keys[k], c, need_slot, z);
        if (!lazy)
            *maps[k] = bytes ? tr_idmap_borrow(arena + l.maps[k], h.maps[k], n_values[k], keys[k], c)
                     : tr_idmap_read(h.maps[k], src->read, src->ctx, l.maps[k], n_values[k], keys[k], c);
        if (!*maps[k] || tr_idmap_count(*maps[k]) != n_values[k])
            goto fail;
    }
    if (lazy)
        tr_catalog_set_lazy(c, z);
    free(buf);
    *out = c;
    return 0;
fail:
    free(buf);
    free(z);
    if (bytes)    /* on failure the bytes stay the caller's */
        tr_catalog_set_arena(c, bytes, len, keep_bytes, NULL);
    tr_catalog_free(c);
    return rc;
}

int tr_catalog_load_snapshot(const struct tr_snapshot_source *src, struct tr_catalog **out)
{
    return load(src, NULL, NULL, NULL, NULL, out);
}

static int read_memory(void *ctx, void *dst, size_t n, size_t off)
{
    memcpy(dst, (const char *)ctx + off, n);
    return 0;
}

int tr_catalog_from_snapshot(const void *blob, size_t len, struct tr_catalog **out)
{
    struct tr_snapshot_source src = {len, read_memory, (void *)blob};
    return load(&src, NULL, NULL, NULL, false, out);
}

int tr_catalog_adopt_snapshot(void *bytes, size_t len, void (*release)(void *, size_t, void *),
                              void *ctx, const struct tr_snapshot_need *lazy, struct tr_catalog **out)
{
    struct tr_snapshot_source src = {len, read_memory, bytes};
    return load(&src, bytes, release, ctx, lazy, out);
}

/* ---- a lazy catalog's records ---------------------------------------- */

bool tr_snapshot_decode(struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    struct tr_snapshot_lazy *z = tr_catalog_lazy(c);
    struct reader *r = &z->r;
    const char *at = z->bytes;
    if (t == TR_SUBJECT_TRACK && i < c->n_tracks) {
        struct tr_track *e = &c->tracks[i];
        size_t off = z->l.tracks + (size_t)i * track_record(z->h.magic);
        if (!e->id && need(r, off, track_record(z->h.magic)))
            decode_track(r, &z->h, at + off, e);
        r->bad |= !e->id || !e->title;
    } else if (t == TR_SUBJECT_RELEASE && i < c->n_releases) {
        struct tr_release *e = &c->releases[i];
        size_t off = z->l.releases + (size_t)i * sizeof(struct snap_release);
        if (!e->id && need(r, off, sizeof(struct snap_release)))
            decode_release(r, &z->h, at + off, e);
        r->bad |= !e->id || !e->title;
    } else if (t == TR_SUBJECT_ARTIST && i < c->n_artists) {
        struct tr_artist *e = &c->artists[i];
        size_t off = z->l.artists + (size_t)i * sizeof(struct snap_artist);
        if (!e->id && need(r, off, sizeof(struct snap_artist)))
            decode_artist(r, &z->h, at + off, e);
        r->bad |= !e->id || !e->name;
    } else {
        return false;
    }
    return !r->bad;
}

bool tr_snapshot_damaged(const struct tr_catalog *c)
{
    const struct tr_snapshot_lazy *z = tr_catalog_lazy(c);
    return z && z->r.bad;
}

int tr_snapshot_complete(struct tr_catalog *c)
{
    struct tr_snapshot_lazy *z = tr_catalog_lazy(c);
    if (!z)
        return 0;
    struct tr_snapshot_source src = {z->l.end, read_memory, (void *)z->bytes};
    /* every byte valid at once, then read as a whole load reads them */
    if (!need(&z->r, 0, z->l.end))
        return TR_ESTORE;
    z->r.need = NULL;
    tr_idmap_all_valid(c->artist_ids);
    tr_idmap_all_valid(c->release_ids);
    tr_idmap_all_valid(c->track_ids);
    if (!decode_records(&src, z->bytes, &z->r, &z->h, &z->l, NULL, c) ||
        !tr_idmap_values_below(c->artist_ids, c->n_artists) ||
        !tr_idmap_values_below(c->release_ids, c->n_releases) ||
        !tr_idmap_values_below(c->track_ids, c->n_tracks))
        return TR_ESTORE;
    tr_catalog_set_lazy(c, NULL);
    free(z);
    return 0;
}
