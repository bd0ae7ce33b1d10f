/*
 * catalog.c: the in-memory catalog.  Arrays grow by doubling; each id is
 * mapped to its index by an idmap whose keys are the entities' own id
 * strings (never freed while the catalog lives).  Dirty flags remember
 * which entities a store must write back.  A catalog opened lazily from a
 * snapshot (catalog_snapshot.h) has its records decoded by the readers
 * here as they are asked for one.
 */
#include "model/catalog_edit.h"
#include "model/catalog_snapshot.h"
#include "trackrecord/array.h"
#include "base/idmap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dirty {
    uint8_t *flags;              /* by index, zero beyond the last one marked */
    size_t cap;
};

struct tr_catalog_priv {
    size_t cap_artists, cap_releases, cap_tracks;   /* the entity arrays', zeroed past n */
    struct dirty dirty[3];       /* by enum tr_subject_type */
    bool changed;
    char *arena;                 /* a snapshot's strings and lists, or NULL */
    size_t arena_len;
    void (*release_arena)(void *arena, size_t len, void *ctx);   /* NULL: free */
    void *release_ctx;
    struct tr_snapshot_lazy *lazy;   /* records still to decode, or NULL */
};

static const char *const kind_names[] = {"", "solo", "group"};
static const char *const gender_names[] = {"", "male", "female", "mixed"};
static const char *const type_names[] = {"", "album", "ep", "single", "compilation"};

const char *tr_artist_kind_name(enum tr_artist_kind k) { return kind_names[k]; }
const char *tr_gender_name(enum tr_gender g) { return gender_names[g]; }
const char *tr_release_type_name(enum tr_release_type t) { return type_names[t]; }

static int parse_word(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

int tr_artist_kind_parse(const char *s, enum tr_artist_kind *out)
{
    int v = parse_word(s, kind_names, 3);
    if (v < 0)
        return -1;
    *out = (enum tr_artist_kind)v;
    return 0;
}

int tr_gender_parse(const char *s, enum tr_gender *out)
{
    int v = parse_word(s, gender_names, 4);
    if (v < 0)
        return -1;
    *out = (enum tr_gender)v;
    return 0;
}

int tr_release_type_parse(const char *s, enum tr_release_type *out)
{
    int v = parse_word(s, type_names, 5);
    if (v < 0)
        return -1;
    *out = (enum tr_release_type)v;
    return 0;
}

struct tr_catalog_priv *tr_catalog_priv_new(void)
{
    return calloc(1, sizeof(struct tr_catalog_priv));
}

void tr_catalog_priv_capacity(struct tr_catalog *c, uint32_t artists, uint32_t releases,
                              uint32_t tracks)
{
    c->priv->cap_artists = artists ? artists : 1;
    c->priv->cap_releases = releases ? releases : 1;
    c->priv->cap_tracks = tracks ? tracks : 1;
}

struct tr_snapshot_lazy *tr_catalog_lazy(const struct tr_catalog *c)
{
    return c->priv ? c->priv->lazy : NULL;
}

void tr_catalog_set_lazy(struct tr_catalog *c, struct tr_snapshot_lazy *z)
{
    c->priv->lazy = z;
}

/* Record i of type t of c, decoded now if c is lazy: false when there is
 * none.  A lazy catalog is held by one thread, which decodes into the
 * arrays it was given as a mutable catalog: the cast takes back no const
 * the catalog was defined with. */
static bool have(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    if (c->priv && c->priv->lazy)
        return tr_snapshot_decode((struct tr_catalog *)c, t, i);
    uint32_t n = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases
                                                                               : c->n_artists;
    return i < n;
}

/* The maps' keys; a lazy catalog's maps are not checked before use, so an
 * index with no record has a key that matches no id (idmap.h). */
const char *tr_catalog_artist_key(const void *c, uint32_t i)
{
    return have(c, TR_SUBJECT_ARTIST, i) ? ((const struct tr_catalog *)c)->artists[i].id : "";
}

const char *tr_catalog_release_key(const void *c, uint32_t i)
{
    return have(c, TR_SUBJECT_RELEASE, i) ? ((const struct tr_catalog *)c)->releases[i].id : "";
}

const char *tr_catalog_track_key(const void *c, uint32_t i)
{
    return have(c, TR_SUBJECT_TRACK, i) ? ((const struct tr_catalog *)c)->tracks[i].id : "";
}

struct tr_catalog *tr_catalog_new(void)
{
    return tr_catalog_new_sized(64, 64, 256);
}

struct tr_catalog *tr_catalog_new_sized(uint32_t artists, uint32_t releases, uint32_t tracks)
{
    struct tr_catalog *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->priv = tr_catalog_priv_new();
    /* sized up front: growing a map of a million ids rehashes them all */
    c->artist_ids = tr_idmap_new(artists, tr_catalog_artist_key, c);
    c->release_ids = tr_idmap_new(releases, tr_catalog_release_key, c);
    c->track_ids = tr_idmap_new(tracks, tr_catalog_track_key, c);
    if (!c->priv || !c->artist_ids || !c->release_ids || !c->track_ids) {
        tr_catalog_free(c);
        return NULL;
    }
    return c;
}

static uint32_t lookup(const struct tr_idmap *m, const char *id)
{
    return m ? tr_idmap_get(m, id, strlen(id)) : TR_NONE;
}

uint32_t tr_catalog_artist(const struct tr_catalog *c, const char *id) { return lookup(c->artist_ids, id); }
uint32_t tr_catalog_release(const struct tr_catalog *c, const char *id) { return lookup(c->release_ids, id); }
uint32_t tr_catalog_track(const struct tr_catalog *c, const char *id) { return lookup(c->track_ids, id); }

void tr_catalog_mark(struct tr_catalog *c, enum tr_subject_type t, uint32_t idx)
{
    struct dirty *d = &c->priv->dirty[t];
    c->priv->changed = true;
    if (tr_array_reserve_zeroed(&d->flags, &d->cap, (size_t)idx + 1) == TR_OK)
        d->flags[idx] = 1;
}

bool tr_catalog_is_dirty(const struct tr_catalog *c, enum tr_subject_type t, uint32_t idx)
{
    const struct dirty *d = &c->priv->dirty[t];
    return idx < d->cap && d->flags[idx];
}

bool tr_catalog_changed(const struct tr_catalog *c) { return c->priv->changed; }

void tr_catalog_clean(struct tr_catalog *c)
{
    for (int t = 0; t < 3; t++)
        if (c->priv->dirty[t].flags)
            memset(c->priv->dirty[t].flags, 0, c->priv->dirty[t].cap);
    c->priv->changed = false;
}

/* Shared body of the add functions: look up id, else append a zeroed
 * element whose first field (char *id) is a copy of id. */
static int add_entity(struct tr_catalog *c, struct tr_idmap *map, void **arr, uint32_t *n,
                      size_t *cap, size_t sz, enum tr_subject_type t, const char *id,
                      uint32_t *idx, bool *created)
{
    uint32_t i = lookup(map, id);
    if (created)
        *created = i == TR_NONE;
    if (i != TR_NONE) {
        *idx = i;
        return 0;
    }
    int rc = tr_array_reserve_size(arr, cap, (size_t)*n + 1, sz, true);
    if (rc)
        return rc;
    char *copy = strdup(id);
    if (!copy)
        return TR_ENOMEM;
    i = *n;
    char *elem = (char *)*arr + (size_t)i * sz;
    memcpy(elem, &copy, sizeof copy);   /* every entity starts with char *id */
    (*n)++;                             /* the map reads the key from the array */
    if (tr_idmap_put(map, i)) {
        (*n)--;
        free(copy);
        return TR_ENOMEM;
    }
    tr_catalog_mark(c, t, i);
    *idx = i;
    return 0;
}

int tr_catalog_add_artist(struct tr_catalog *c, const char *id, uint32_t *idx, bool *created)
{
    bool made;
    int rc = add_entity(c, c->artist_ids, (void **)&c->artists, &c->n_artists,
                        &c->priv->cap_artists, sizeof *c->artists, TR_SUBJECT_ARTIST, id, idx, &made);
    if (created)
        *created = made;
    return rc;
}

int tr_catalog_add_release(struct tr_catalog *c, const char *id, uint32_t *idx, bool *created)
{
    bool made;
    int rc = add_entity(c, c->release_ids, (void **)&c->releases, &c->n_releases,
                        &c->priv->cap_releases, sizeof *c->releases, TR_SUBJECT_RELEASE, id, idx, &made);
    if (rc == 0 && made)
        c->releases[*idx].date = TR_DAY_NONE;
    if (created)
        *created = made;
    return rc;
}

int tr_catalog_add_track(struct tr_catalog *c, const char *id, uint32_t own_series,
                         uint32_t *idx, bool *created)
{
    bool made;
    int rc = add_entity(c, c->track_ids, (void **)&c->tracks, &c->n_tracks,
                        &c->priv->cap_tracks, sizeof *c->tracks, TR_SUBJECT_TRACK, id, idx, &made);
    if (rc == 0 && made) {
        struct tr_track *t = &c->tracks[*idx];
        t->released = TR_DAY_NONE;
        t->same_as = t->version_of = TR_NONE;
        memset(t->isrc, 0, sizeof t->isrc);
        t->own_series = own_series != TR_NONE ? own_series : c->n_series;
        t->series = t->own_series;
        if (t->own_series >= c->n_series)
            c->n_series = t->own_series + 1;
    }
    if (created)
        *created = made;
    return rc;
}

void tr_catalog_set_arena(struct tr_catalog *c, void *arena, size_t len,
                          void (*release)(void *arena, size_t len, void *ctx), void *ctx)
{
    c->priv->arena = arena;
    c->priv->arena_len = len;
    c->priv->release_arena = release;
    c->priv->release_ctx = ctx;
}

/* Frees a field's value unless it lives in the arena. */
static void release(const struct tr_catalog *c, void *p)
{
    const char *a = c->priv ? c->priv->arena : NULL;
    if (a && (const char *)p >= a && (const char *)p < a + c->priv->arena_len)
        return;
    free(p);
}

int tr_catalog_set_str(struct tr_catalog *c, char **field, const char *s)
{
    char *copy = NULL;
    if (s && !(copy = strdup(s)))
        return TR_ENOMEM;
    release(c, *field);
    *field = copy;
    return 0;
}

int tr_catalog_set_list(struct tr_catalog *c, uint32_t **field, uint32_t *n_field,
                        const uint32_t *src, uint32_t n)
{
    uint32_t *copy = NULL;
    if (n) {
        if (!(copy = malloc(n * sizeof *copy)))
            return TR_ENOMEM;
        memcpy(copy, src, n * sizeof *copy);
    }
    release(c, *field);
    *field = copy;
    *n_field = n;
    return 0;
}

static void free_strings(const struct tr_catalog *c, char **v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        release(c, v[i]);
    free(v);    /* the array itself is always malloc'd */
}

int tr_catalog_set_strings(struct tr_catalog *c, char ***field, uint32_t *n_field,
                           char *const *src, uint32_t n)
{
    char **copy = n ? calloc(n, sizeof *copy) : NULL;
    if (n && !copy)
        return TR_ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        if (!(copy[i] = strdup(src[i]))) {
            free_strings(c, copy, n);
            return TR_ENOMEM;
        }
    free_strings(c, *field, *n_field);
    *field = copy;
    *n_field = n;
    return 0;
}

void tr_title_key(const char *title, char *out)
{
    const unsigned char *s = (const unsigned char *)title;
    char *o = out;
    bool space = false;
    while (*s == ' ')
        s++;
    for (; *s; s++) {
        if (*s == ' ') {
            space = true;
            continue;
        }
        if (space && o != out)
            *o++ = ' ';
        space = false;
        if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x98 || s[2] == 0x99)) {
            *o++ = '\'';
            s += 2;
        } else {
            *o++ = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        }
    }
    *o = '\0';
}

int tr_catalog_resolve(struct tr_catalog *c, struct tr_error *err)
{
    uint32_t *series_track = malloc((c->n_series ? c->n_series : 1) * sizeof *series_track);
    if (!series_track)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    for (uint32_t s = 0; s < c->n_series; s++)
        series_track[s] = TR_NONE;
    for (uint32_t i = 0; i < c->n_tracks; i++) {
        uint32_t t = i, steps = 0;
        while (c->tracks[t].same_as != TR_NONE && c->tracks[t].same_as != t) {
            t = c->tracks[t].same_as;
            if (++steps > c->n_tracks) {
                free(series_track);
                return tr_error_set(err, TR_EFORMAT, "track '%s': same_as forms a cycle",
                                    c->tracks[i].id);
            }
        }
        c->tracks[i].series = c->tracks[t].own_series;
        if (t == i)
            series_track[c->tracks[i].own_series] = i;
    }
    for (uint32_t i = 0; i < c->n_tracks; i++)   /* non-canonical slots point at their own track */
        if (series_track[c->tracks[i].own_series] == TR_NONE)
            series_track[c->tracks[i].own_series] = i;
    free(c->series_track);
    c->series_track = series_track;
    return 0;
}

/* A lazy catalog's canonical track: the end of the track's same_as chain,
 * which is the track tr_catalog_resolve gives its series to. */
static uint32_t chain_end(const struct tr_catalog *c, uint32_t track)
{
    uint32_t t = track;
    for (uint32_t steps = 0; have(c, TR_SUBJECT_TRACK, t); steps++) {
        uint32_t next = c->tracks[t].same_as;
        if (next == TR_NONE || next == t)
            return t;
        if (steps > c->n_tracks)    /* a cycle: resolving would refuse the catalog */
            break;
        t = next;
    }
    return track;
}

uint32_t tr_catalog_canonical_track(const struct tr_catalog *c, uint32_t track)
{
    if (track < c->n_tracks && tr_catalog_lazy(c))
        return chain_end(c, track);
    if (!c->series_track || track >= c->n_tracks)
        return track;
    uint32_t s = c->tracks[track].series;
    return s < c->n_series && c->series_track[s] < c->n_tracks ? c->series_track[s] : track;
}

tr_day tr_catalog_track_day0(const struct tr_catalog *c, uint32_t track)
{
    tr_day best = TR_DAY_NONE;
    for (uint32_t r = 0; r < c->n_releases; r++) {
        const struct tr_release *rel = &c->releases[r];
        if (rel->date == TR_DAY_NONE)
            continue;
        for (uint32_t k = 0; k < rel->n_tracks; k++)
            if (rel->tracks[k] == track && (best == TR_DAY_NONE || rel->date < best))
                best = rel->date;
    }
    return best != TR_DAY_NONE ? best : c->tracks[track].released;
}

int tr_catalog_track_days(const struct tr_catalog *c, tr_day **out)
{
    tr_day *d = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *d);
    if (!d)
        return TR_ENOMEM;
    for (uint32_t t = 0; t < c->n_tracks; t++)
        d[t] = TR_DAY_NONE;
    for (uint32_t r = 0; r < c->n_releases; r++) {
        const struct tr_release *rel = &c->releases[r];
        if (rel->date == TR_DAY_NONE)
            continue;
        for (uint32_t k = 0; k < rel->n_tracks; k++) {
            uint32_t t = rel->tracks[k];
            if (d[t] == TR_DAY_NONE || rel->date < d[t])
                d[t] = rel->date;
        }
    }
    for (uint32_t t = 0; t < c->n_tracks; t++)
        if (d[t] == TR_DAY_NONE)
            d[t] = c->tracks[t].released;
    *out = d;
    return 0;
}

static bool credits(const uint32_t *artists, uint32_t n, uint32_t artist)
{
    for (uint32_t i = 0; i < n; i++)
        if (artists[i] == artist)
            return true;
    return false;
}

int tr_catalog_artist_days(const struct tr_catalog *c, tr_day **out)
{
    tr_day *d = malloc((c->n_artists ? c->n_artists : 1) * sizeof *d);
    if (!d)
        return TR_ENOMEM;
    for (uint32_t a = 0; a < c->n_artists; a++)
        d[a] = TR_DAY_NONE;
    for (uint32_t r = 0; r < c->n_releases; r++) {
        const struct tr_release *rel = &c->releases[r];
        for (uint32_t k = 0; rel->date != TR_DAY_NONE && k < rel->n_artists; k++)
            if (d[rel->artists[k]] == TR_DAY_NONE || rel->date < d[rel->artists[k]])
                d[rel->artists[k]] = rel->date;
    }
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        const struct tr_track *tr = &c->tracks[t];
        for (uint32_t k = 0; tr->released != TR_DAY_NONE && k < tr->n_artists; k++)
            if (d[tr->artists[k]] == TR_DAY_NONE || tr->released < d[tr->artists[k]])
                d[tr->artists[k]] = tr->released;
    }
    *out = d;
    return 0;
}

tr_day tr_catalog_artist_day0(const struct tr_catalog *c, uint32_t artist)
{
    tr_day best = TR_DAY_NONE;
    for (uint32_t r = 0; r < c->n_releases; r++) {
        const struct tr_release *rel = &c->releases[r];
        if (rel->date != TR_DAY_NONE && credits(rel->artists, rel->n_artists, artist) &&
            (best == TR_DAY_NONE || rel->date < best))
            best = rel->date;
    }
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        const struct tr_track *tr = &c->tracks[t];
        if (tr->released != TR_DAY_NONE && credits(tr->artists, tr->n_artists, artist) &&
            (best == TR_DAY_NONE || tr->released < best))
            best = tr->released;
    }
    return best;
}

void tr_catalog_free(struct tr_catalog *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->n_artists; i++) {
        struct tr_artist *a = &c->artists[i];
        release(c, a->id);
        release(c, a->name);
        free_strings(c, a->genres, a->n_genres);
        release(c, a->member_of);
    }
    /* a lazy catalog is never edited: its releases and tracks own nothing
     * outside the arena (and reading them would touch every page) */
    for (uint32_t i = 0; !tr_catalog_lazy(c) && i < c->n_releases; i++) {
        struct tr_release *r = &c->releases[i];
        release(c, r->id);
        release(c, r->title);
        release(c, r->artists);
        release(c, r->tracks);
    }
    for (uint32_t i = 0; !tr_catalog_lazy(c) && i < c->n_tracks; i++) {
        struct tr_track *t = &c->tracks[i];
        release(c, t->id);
        release(c, t->title);
        release(c, t->artists);
    }
    free(c->artists);
    free(c->releases);
    free(c->tracks);
    free(c->series_track);
    tr_idmap_free(c->artist_ids);
    tr_idmap_free(c->release_ids);
    tr_idmap_free(c->track_ids);
    if (c->priv) {
        free(c->priv->lazy);
        for (int t = 0; t < 3; t++)
            free(c->priv->dirty[t].flags);
        if (c->priv->release_arena)
            c->priv->release_arena(c->priv->arena, c->priv->arena_len, c->priv->release_ctx);
        else
            free(c->priv->arena);
    }
    free(c->priv);
    free(c);
}

/* ---- subjects by type and index --------------------------------------- */

const char *tr_subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    if (t > TR_SUBJECT_ARTIST || !have(c, t, i))
        return NULL;
    return t == TR_SUBJECT_TRACK ? c->tracks[i].id
         : t == TR_SUBJECT_RELEASE ? c->releases[i].id : c->artists[i].id;
}

const char *tr_subject_name(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    const char *id = tr_subject_id(c, t, i);
    if (!id)
        return NULL;
    const char *n = t == TR_SUBJECT_TRACK ? c->tracks[i].title
                  : t == TR_SUBJECT_RELEASE ? c->releases[i].title : c->artists[i].name;
    return n && *n ? n : id;
}

int tr_subject_find(const struct tr_catalog *c, const char *id, enum tr_subject_type *type,
                    uint32_t *index, struct tr_error *err)
{
    uint32_t i;
    if ((i = tr_catalog_track(c, id)) != TR_NONE)
        *type = TR_SUBJECT_TRACK;
    else if ((i = tr_catalog_release(c, id)) != TR_NONE)
        *type = TR_SUBJECT_RELEASE;
    else if ((i = tr_catalog_artist(c, id)) != TR_NONE)
        *type = TR_SUBJECT_ARTIST;
    else
        return tr_error_set(err, TR_ENOTFOUND, "no track, release or artist with id '%s'", id);
    *index = i;
    return 0;
}
