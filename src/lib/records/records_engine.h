/*
 * records_engine.h: the records engine's own types and the functions its
 * files share (the public interface is trackrecord/records.h).
 *
 *   records.c           the public entry points: input checks, the engine's
 *                       life, the claims handed over in event order
 *   records_subjects.c  subjects and their attributes: artists' classes,
 *                       each type's canonical ids, day 0, membership start
 *                       and staleness; a subject's candidate groups (shapes)
 *   records_judge.c     tallies and their evaluation: the three predicates,
 *                       the most general groups, the claims
 *   records_scan.c      one event: a scan over the catalog
 *   records_sweep.c     every event: a sweep through time per race, on two
 *                       threads
 *   records_maps.c      the small hash maps (genre and scope names, group
 *                       and race keys to dense ids)
 *   records_scope.c     the scope pass over the finished claims
 *   records_text.c      the words of the posts
 *
 * records.c's opening comment gives the rules the engine judges by.
 */
#ifndef TR_RECORDS_ENGINE_H
#define TR_RECORDS_ENGINE_H

#include "trackrecord/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Day sentinels that survive +-1 without overflow. */
#define NEG_INF (INT32_MIN / 2)
#define POS_INF (INT32_MAX / 2)

enum { A_COUNTRY = 1, A_KIND = 2, A_GENDER = 4, A_TYPE = 8 };
enum { V_F = 0, V_U = 1, V_T = 2 };
enum { P_ONLY = 0, P_FIRST, P_FAST, P_N };

#define MAX_G TR_RECORDS_MAX_GENRES
#define MAX_KC (16 * (1 + MAX_G))                              /* nameable groups */
#define MAX_K (MAX_KC + 16 * (MAX_G * (MAX_G - 1) / 2))         /* and genre pairs */

/* An artist's attributes, as groups use them. */
struct artist_info {
    uint16_t country;                 /* two letters packed, 0 unknown */
    uint8_t kind, gender;
    uint8_t valid;                    /* A_COUNTRY | A_KIND | A_GENDER known */
    uint8_t ng;                       /* distinct genres */
    uint8_t gpos[MAX_G];              /* their positions in tr_artist.genres */
    uint32_t genre[MAX_G];            /* interned genre ids */
    uint32_t cls;                     /* artists with the same attributes (genres in
                                       * the same order) share a class: their
                                       * subjects belong to the same groups */
};

/* The subjects of one type.  Non-canonical tracks (a recording's other
 * track ids) are not members of anything: their events count for the
 * canonical track. */
struct subjects {
    bool built;
    uint32_t n;
    uint32_t *artist;                 /* primary artist, TR_NONE */
    uint8_t *rtype;                   /* release type, 0 when not a release */
    uint32_t *canon;                  /* canonical subject */
    tr_day *day0;                     /* catalog day 0, TR_DAY_NONE */
    tr_day *start;                    /* member from this day; NEG_INF always */
    tr_day *stale;                    /* without an event, may have crossed
                                       * unseen from this day; POS_INF never */
};

/* The local groups of a subject: every combination of the attributes it
 * has (mask over A_*, a subset of valid) with no genre or one of its genres
 * (the nameable candidates, kc of them), then with two genres (used only to
 * tell whether two groups have the same members).  Candidate l is
 * (o + 1) * nsub + rank(mask), o = -1 for no genre. */
struct shape {
    unsigned valid, ng, nsub, kc, k;
};

struct tally {
    uint32_t reached;                 /* others with hi <= D */
    uint32_t maybe;                   /* others with lo <= D */
    uint32_t before_maybe;            /* others with lo <= D - 1 */
    uint32_t before_sure;             /* others with hi <= sa - 1 */
    uint32_t before_sure_exact;       /* others with hi <= D - 1 */
    int32_t fast_sure;                /* fewest days among others with hi <= D */
    tr_day fast_date;
    uint32_t fast_who;
    int32_t fast_maybe;               /* fewest possible days, others lo <= D */
};

/* The event being judged. */
struct own {
    size_t event;
    uint32_t s;                       /* canonical subject */
    uint32_t artist;
    uint8_t rtype;
    tr_day D, sa;                     /* data date, earliest possible crossing */
    int32_t day, min_day;             /* days at D and at sa; TR_DAYN_NONE */
};

struct engine {
    const struct tr_records_input *in;
    const struct tr_catalog *c;
    struct tr_error *err;
    struct artist_info *art;
    struct subjects sub[TR_SUBJECT_ARTIST + 1];
    uint8_t *order[16][MAX_G + 1];    /* candidates by generality, per shape */
    tr_day since;                     /* judge events dated from here; NEG_INF all */
    tr_day since_of[TR_SUBJECT_ARTIST + 1];   /* since, for each type's events */
    /* the events of each subject type, in input order, and the latest
     * date among them: each pass of a type goes over its own */
    size_t *of_type[TR_SUBJECT_ARTIST + 1], n_of_type[TR_SUBJECT_ARTIST + 1];
    tr_day last_date[TR_SUBJECT_ARTIST + 1];
    struct tr_claim *claims;
    size_t n_claims, cap_claims;
};

/* ------------------------------------------------------------------ */
/* Small hash maps (records_maps.c)                                   */

struct strmap {
    const char **keys;
    uint32_t *vals;
    size_t cap, n;
};

struct gkey {
    uint32_t a, g1, g2;               /* attributes packed; genre ids + 1, 0 none */
};

struct gmap {
    struct gkey *keys;
    uint32_t *vals;                   /* UINT32_MAX: empty */
    size_t cap, n;
};

/* The id of s, a new one (n) when first seen; s is kept, not copied.  0 or
 * TR_ENOMEM. */
int rec_strmap_intern(struct strmap *m, const char *s, uint32_t *id);
void rec_strmap_release(struct strmap *m);
/* The same for group keys. */
int rec_gmap_intern(struct gmap *m, const struct gkey *k, uint32_t *id);
void rec_gmap_release(struct gmap *m);

/* ------------------------------------------------------------------ */
/* Small helpers every pass uses                                      */

static inline uint64_t rec_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline int32_t rec_days_at(tr_day when, tr_day d0)
{
    if (d0 == TR_DAY_NONE || when <= NEG_INF || when >= POS_INF)
        return TR_DAYN_NONE;
    return when - d0;
}

/* The crossing interval of an event, no earlier than the subject's start. */
static inline void rec_event_interval(const struct tr_milestone *ev, tr_day start, tr_day *lo,
                                      tr_day *hi)
{
    tr_day l = ev->after != TR_DAY_NONE ? ev->after + 1 : ev->open_start ? NEG_INF : ev->date;
    *lo = l < start ? start : l;
    *hi = ev->date;
}

/* Ties for the previous fastest go to the earlier crossing, then the
 * lower index, so that every path names the same member. */
static inline bool rec_fast_before(int32_t v, tr_day date, uint32_t who, int32_t v2,
                                   tr_day date2, uint32_t who2)
{
    if (v != v2)
        return v < v2;
    if (date != date2)
        return date < date2;
    return who < who2;
}

/* ------------------------------------------------------------------ */
/* Subjects and their candidate groups (records_subjects.c)           */

uint32_t rec_type_count(const struct tr_catalog *c, enum tr_subject_type t);
/* E->art from the catalog's artists: attributes, interned genres, classes.
 * 0, TR_ENOMEM or TR_ELIMIT (more than MAX_G genres), set in E->err. */
int rec_build_artists(struct engine *E);
/* Attributes, canonical ids, day 0, membership start and staleness of the
 * subjects of one type (once; later calls return at once).  0 or TR_ENOMEM. */
int rec_build_subjects(struct engine *E, enum tr_subject_type t);
void rec_subjects_release(struct subjects *S);
/* The shape of subject m's candidate groups. */
void rec_subject_shape(const struct engine *E, const struct subjects *S, uint32_t m,
                       struct shape *sh);
/* The event e, as judged: its canonical subject, dates and days. */
void rec_own_init(const struct engine *E, size_t e, struct own *o);

void rec_shape_init(struct shape *sh, unsigned valid, unsigned ng);
/* Candidate l of a shape from its attribute mask and genre (o, -1 none),
 * and back (g2 >= 0 for a pair of genres). */
unsigned rec_lg_cand(const struct shape *sh, unsigned mask, int o);
void rec_lg_decode(const struct shape *sh, unsigned l, unsigned *mask, int *g1, int *g2);
/* The local group whose members are those of both candidates. */
unsigned rec_lg_meet(const struct shape *sh, unsigned a, unsigned b);
/* The nameable candidates of a shape, most general first (built once per
 * shape and kept in E->order); NULL when out of memory. */
const uint8_t *rec_shape_order(struct engine *E, const struct shape *sh);

/* ------------------------------------------------------------------ */
/* Tallies and their evaluation (records_judge.c)                     */

void rec_tally_init(struct tally *t);
void rec_tally_merge(struct tally *t, const struct tally *u);
/* One other member m, crossing in [lo, hi], day 0 d0. */
void rec_tally_add(struct tally *t, const struct own *o, uint32_t m, tr_day lo, tr_day hi,
                   tr_day d0);
/* Every predicate false from what surely happened alone (reached,
 * before_sure, fast_sure): then nothing uncertain can change it. */
bool rec_tally_false(const struct tally *t, const struct own *o);

/* The members of candidate l, asked only when needed. */
typedef uint32_t (*count_fn)(void *ctx, unsigned l);

/* Judges one event from its candidates' tallies (t[0..sh->kc)) and appends
 * its claims to E->claims.  0 or TR_ENOMEM. */
int rec_evaluate(struct engine *E, const struct own *o, const struct shape *sh,
                 const struct tally *t, count_fn count, void *cctx);
int rec_push_claim(struct engine *E, const struct tr_claim *cl);

/* ------------------------------------------------------------------ */
/* The two gatherers (records_scan.c, records_sweep.c)                */

/* The claims of event e alone (its type's subjects built).  0 or TR_ENOMEM. */
int rec_scan_event(struct engine *E, size_t e);
/* The claims of every event of type t dated from E->since_of[t] (each
 * type's pass sets E->since from it): tracks on this thread,
 * releases and artists on another when both have events (a failure to
 * start the thread sweeps them here).  0, TR_ENOMEM or TR_ELIMIT. */
int rec_sweep_all(struct engine *E);

#endif
