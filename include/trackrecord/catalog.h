/*
 * trackrecord/catalog.h: artists, releases and tracks, in memory.
 *
 * A struct tr_catalog is the whole catalog of a store, loaded once and read
 * by the engines (milestones, records).  Entities refer to each other by
 * index into the catalog's arrays (uint32_t, TR_NONE when absent); string
 * ids are kept for output.  Everything a catalog points to is owned by it
 * and freed by tr_catalog_free().
 *
 * A track's play count lives in a series.  Tracks that are the same
 * recording (same_as, e.g. a pre-release single's track id and the album's)
 * share one series: tr_track.series is the same for both, and the track
 * whose series it is (the end of the same_as chain) is the canonical track.
 */
#ifndef TRACKRECORD_CATALOG_H
#define TRACKRECORD_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/date.h"

#define TR_NONE UINT32_MAX

enum tr_artist_kind { TR_KIND_UNKNOWN = 0, TR_KIND_SOLO, TR_KIND_GROUP };
enum tr_gender { TR_GENDER_UNKNOWN = 0, TR_GENDER_MALE, TR_GENDER_FEMALE, TR_GENDER_MIXED };
enum tr_release_type {
    TR_RELEASE_UNKNOWN = 0, TR_RELEASE_ALBUM, TR_RELEASE_EP, TR_RELEASE_SINGLE,
    TR_RELEASE_COMPILATION
};

/* Text names used in files and output ("solo", "female", "album"...).
 * Parsers return -1 for an unknown word; "" parses as the UNKNOWN value. */
const char *tr_artist_kind_name(enum tr_artist_kind k);
const char *tr_gender_name(enum tr_gender g);
const char *tr_release_type_name(enum tr_release_type t);
int tr_artist_kind_parse(const char *s, enum tr_artist_kind *out);
int tr_gender_parse(const char *s, enum tr_gender *out);
int tr_release_type_parse(const char *s, enum tr_release_type *out);

struct tr_artist {
    char *id;
    char *name;
    char country[3];           /* ISO 3166 alpha-2, upper case; "" unknown */
    enum tr_artist_kind kind;
    enum tr_gender gender;
    char **genres;             /* lower case, e.g. "k-pop" */
    uint32_t n_genres;
    uint32_t *member_of;       /* artist indices (groups this act belongs to) */
    uint32_t n_member_of;
};

struct tr_release {
    char *id;
    char *title;
    uint32_t *artists;         /* artist indices, primary first */
    uint32_t n_artists;
    enum tr_release_type type;
    tr_day date;               /* release day (day 0), TR_DAY_NONE unknown */
    uint32_t *tracks;          /* track indices in track-list order */
    uint32_t n_tracks;
};

struct tr_track {
    char *id;                  /* Spotify track id or the feed's own id */
    char *title;
    uint32_t *artists;         /* artist indices, primary first */
    uint32_t n_artists;
    tr_day released;           /* TR_DAY_NONE unknown */
    uint32_t same_as;          /* track index, TR_NONE */
    uint32_t version_of;       /* track index, TR_NONE */
    uint32_t series;           /* series index shared by same_as tracks */
    uint32_t own_series;       /* the slot allocated to this id (stable) */
    char isrc[13];             /* ISRC, 12 characters upper case, no hyphens; "" none */
};

struct tr_idmap;               /* string id -> index (private) */

struct tr_catalog {
    struct tr_artist *artists;
    uint32_t n_artists;
    struct tr_release *releases;
    uint32_t n_releases;
    struct tr_track *tracks;
    uint32_t n_tracks;
    uint32_t n_series;         /* series indices are 0..n_series-1 */
    uint32_t *series_track;    /* series index -> its canonical track */
    struct tr_idmap *artist_ids, *release_ids, *track_ids;
    struct tr_catalog_priv *priv;  /* library-private bookkeeping */
};

/* Index of the entity with this id, or TR_NONE. */
uint32_t tr_catalog_artist(const struct tr_catalog *c, const char *id);
uint32_t tr_catalog_release(const struct tr_catalog *c, const char *id);
uint32_t tr_catalog_track(const struct tr_catalog *c, const char *id);

/* The canonical track of a track's recording: the one whose series it
 * is (tr_track.series), as every engine and text counts the recording
 * (its artist, day 0, competitors).  The track itself when the catalog
 * is not resolved or the track is out of range. */
uint32_t tr_catalog_canonical_track(const struct tr_catalog *c, uint32_t track);

/* A track's day 0 (one call walks the releases; use tr_catalog_track_days
 * for many): the date of the earliest release listing this track id
 * (an album version counts from the album even when the recording came
 * out earlier under another id), else its own released day, else
 * TR_DAY_NONE.  tr_catalog_track_days() computes it for every track at
 * once: *out (n_tracks days) is the caller's.  0 or TR_ENOMEM. */
tr_day tr_catalog_track_day0(const struct tr_catalog *c, uint32_t track);
int tr_catalog_track_days(const struct tr_catalog *c, tr_day **out);
/* An artist's day 0: the earliest release or track crediting it.  Each
 * call walks the catalog; tr_catalog_artist_days() gives every artist's
 * in one pass (*out, n_artists days, is the caller's). */
tr_day tr_catalog_artist_day0(const struct tr_catalog *c, uint32_t artist);
int tr_catalog_artist_days(const struct tr_catalog *c, tr_day **out);

/* Frees everything the catalog owns; NULL is a no-op. */
void tr_catalog_free(struct tr_catalog *c);

#endif
