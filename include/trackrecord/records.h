/*
 * trackrecord/records.h: first, only and fastest, within comparison groups.
 *
 * Given a catalog and its milestone events, the records engine says, for
 * each event, what the subject was the first, the first and only, or the
 * fastest to do among a comparison group ("the first Korean solo artist",
 * "the fastest K-pop male act"), judged strictly as of the event's data date,
 * with the evidence behind each claim.  Only the most general claims are
 * returned.  docs/records.md gives the rules in full; in short:
 *
 *  - A group names some of: country, kind (solo/group), gender, one genre
 *    and, for release subjects, the release type.  Its members are subjects
 *    of the event's type (tracks, releases or artists) whose primary artist
 *    has those attributes and that were out on the date.
 *  - first: nobody in the group reached the same milestone (kind and
 *    threshold) on an earlier day; first_and_only: nobody else in the group
 *    has reached it by the date; fastest: nobody who has reached it by the
 *    date did it in fewer days from day 0.  "first" on its own is a joint
 *    first (or one whose "only" part is uncertain), because at its own date a
 *    sole first is necessarily the only one.
 *  - Where the data cannot settle a claim (crossing dates known only within
 *    a range, members whose data end before the date, unknown release days)
 *    the claim is marked uncertain, with the reason, and still returned.
 *
 * Ownership: inputs are borrowed for the duration of a call; a returned
 * claim array belongs to the caller (tr_records_free()), and the genre
 * strings its groups point to belong to the catalog.
 */
#ifndef TRACKRECORD_RECORDS_H
#define TRACKRECORD_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/milestone.h"

/* Artists with more distinct genres than this are refused (TR_ELIMIT):
 * each genre multiplies the groups a subject belongs to. */
#define TR_RECORDS_MAX_GENRES 8

/* A comparison group.  Each field left at its "any" value constrains
 * nothing; a subject whose attribute is unknown belongs only to groups that
 * leave that attribute unconstrained. */
struct tr_group {
    char country[3];                    /* ISO 3166 alpha-2; "" any country */
    enum tr_artist_kind kind;           /* TR_KIND_UNKNOWN: any */
    enum tr_gender gender;              /* TR_GENDER_UNKNOWN: any */
    const char *genre;                  /* NULL: any; borrowed from the catalog */
    enum tr_release_type release_type;  /* TR_RELEASE_UNKNOWN: any (releases only) */
};

enum tr_claim_kind {
    TR_CLAIM_FIRST = 0,        /* nobody in the group reached it on an earlier day */
    TR_CLAIM_ONLY,             /* not produced: "only" implies "first" and is
                                * always reported as TR_CLAIM_FIRST_AND_ONLY */
    TR_CLAIM_FIRST_AND_ONLY,   /* nobody else in the group has reached it yet */
    TR_CLAIM_FASTEST           /* fewest days from day 0 among those who have */
};

/* What a claim is true of (docs/records.md, "Scope"). */
enum tr_claim_scope {
    TR_CLAIM_TRACKED = 0,      /* true among what the store holds */
    TR_CLAIM_WORLD             /* true in the world: the data cover the whole
                                * group, from `since` on */
};

/* Why an uncertain claim could not be settled. */
enum tr_claim_doubt {
    TR_DOUBT_NONE = 0,         /* the claim is certain */
    TR_DOUBT_OWN_DATE,         /* the event's own crossing day is known only
                                * within a range, and that alone decides */
    TR_DOUBT_OTHERS            /* other members' data (crossings known within
                                * a range, data ending before the date,
                                * unknown release days) leave it open */
};

struct tr_claim {
    size_t event;              /* index into tr_records_input.events */
    enum tr_claim_kind kind;
    struct tr_group group;     /* the most general name of the group */
    bool joint;                /* certain claims: tied with another member, on
                                * the same day (first) or in the same number
                                * of days (fastest) */
    bool uncertain;
    enum tr_claim_doubt doubt;
    int32_t day;               /* the subject's days from day 0 at the event
                                * (as compared), TR_DAYN_NONE when unknown */
    uint32_t members;          /* members of the group on the date, the
                                * subject included */
    uint32_t reached;          /* members known to have reached the milestone
                                * by the date, the subject included */
    uint32_t unsettled;        /* members that may or may not have reached it
                                * by the date, as far as the data tell */
    uint32_t previous;         /* fastest: the previous fastest member (index
                                * into the catalog array of the subject type);
                                * TR_NONE for first claims or when none */
    int32_t previous_day;      /* its days from day 0, TR_DAYN_NONE */
    tr_day previous_date;      /* the data date of its crossing, TR_DAY_NONE */
    int32_t margin;            /* fastest: previous_day minus the event's day
                                * (0 for a tie); TR_DAYN_NONE when none */
    enum tr_claim_scope scope;
    tr_day since;              /* world: the day from which the data cover the
                                * group (chart periods, or releases out since a
                                * declared coverage's day); TR_DAY_NONE when
                                * they cover all of its history */
    uint32_t tracked_members;  /* tracked: the acts of the group the store
                                * holds on the date (artists out by then); 0
                                * for world claims */
};

/* A group the catalog holds completely (a row of coverage.csv): every
 * release by an act of the group out on or after `since` (TR_DAY_NONE:
 * ever) is in the catalog with its play counts.  A group with nothing
 * constrained declares the whole catalog to be the world. */
struct tr_world_row {
    struct tr_group group;     /* genre: NULL any, borrowed from the caller */
    tr_day since;
};

/* What a chart's imported files cover, for the scope of its claims. */
struct tr_chart_cover {
    bool complete;             /* every imported period holds ranks 1..last
                                * without a hole (not a bot's saved rows) */
    tr_day since;              /* the first period imported, or TR_DAY_NONE
                                * when that is the chart's own first period */
    tr_day debuts_since;       /* debut claims: the period after the first
                                * imported (a track on the chart then may have
                                * debuted there, unseen) */
};

/*
 * What the engine reads.  events[i].subject indexes the catalog array of
 * events[i].subject_type; track_total events must be on tracks, every_track
 * and release_total on releases, artist_total on artists.  Days from day 0
 * are computed from the catalog (release dates, tr_catalog_artist_day0, and
 * for a recording the earliest tr_catalog_track_day0 of its track ids) so
 * that every member is measured the same way; events[i].day is not read.
 *
 * last_day[type] (optional, per subject type, indexed like the catalog
 * array): the last day on which the subject has data, TR_DAY_NONE when it
 * has none at all; for a release, the last day on which all its tracks have
 * data (tr_coverage_read()'s track_last, release_last and artist_last are
 * these).  A member without an event whose data end before a date may have
 * reached the milestone unseen, and makes claims that depend on it
 * uncertain.  NULL means the data are complete for every subject of that
 * type.
 */
struct tr_records_input {
    const struct tr_catalog *catalog;
    const struct tr_milestone *events;
    size_t n_events;
    const tr_day *last_day[TR_SUBJECT_ARTIST + 1];
    /*
     * Scope (docs/records.md, "Scope").  Play-count claims: world when a
     * row of world[0..n_world) contains the claim's group (constrains some
     * of its attributes, with equal values); none: every claim tracked.
     * chart (the events are one chart's milestones): world when the files
     * are complete and every competitor that may have reached the
     * milestone by the date has the attributes the group constrains; world
     * rows are not read.
     */
    const struct tr_world_row *world;
    size_t n_world;
    const struct tr_chart_cover *chart;
};

/*
 * Computes the claims of every event.  *out (caller's, tr_records_free())
 * holds *n_out claims ordered by event index; within an event: certain
 * before uncertain, then first_and_only, first, fastest, then the more
 * general group first.  Returns 0, TR_EUSAGE for an invalid event,
 * TR_ELIMIT for an artist with too many genres, TR_ENOMEM.
 */
int tr_records_compute(const struct tr_records_input *in, struct tr_claim **out,
                       size_t *n_out, struct tr_error *err);

/*
 * The claims of the events dated on or after `since`, exactly as
 * tr_records_compute() gives them for those events (the earlier events
 * still compete, but are not judged), in the same order.  The daily run
 * asks for its new day alone: the competitors are summed up per artist
 * profile instead of being swept through time one by one.  TR_DAY_NONE
 * judges every event.  Returns as tr_records_compute().
 */
int tr_records_since(const struct tr_records_input *in, tr_day since, struct tr_claim **out,
                     size_t *n_out, struct tr_error *err);
/* The same with a day for each subject type: the events of type t dated on
 * or after since[t] (INT32_MAX: none of that type), as tr_records_since
 * gives each. */
int tr_records_since_types(const struct tr_records_input *in,
                           const tr_day since[TR_SUBJECT_ARTIST + 1], struct tr_claim **out,
                           size_t *n_out, struct tr_error *err);

/*
 * For each subject type, the earliest day whose events' claims can differ
 * when the coverage (last_day, as in tr_records_input) moves from before
 * to after, the catalog and the events before that day staying as they
 * were: a member whose last day moved was unsettled from the day after its
 * old last day (with no data before, from its day 0), and no claim of an
 * earlier event read it; the members of an event's claims are of the
 * event's own type, so a type's day is its own members'.  from[t]: that
 * day; INT32_MAX when none of that type moved; TR_DAY_NONE when any day's
 * claims can (a member without day 0 had no data).  This is how kept
 * claims are judged again only where they can change (an artist whose
 * first data come today reopens artist totals alone).  Returns 0 or
 * TR_ENOMEM.
 */
int tr_records_unsettled_from(const struct tr_catalog *c,
                              const tr_day *const before[TR_SUBJECT_ARTIST + 1],
                              const tr_day *const after[TR_SUBJECT_ARTIST + 1],
                              tr_day from[TR_SUBJECT_ARTIST + 1]);

/*
 * The claims of one event (in->events[event]), exactly as
 * tr_records_compute() gives them, in time linear in the catalog and the
 * events (milliseconds): for a new event, without computing all the others.
 */
int tr_records_for_event(const struct tr_records_input *in, size_t event,
                         struct tr_claim **out, size_t *n_out, struct tr_error *err);

/* Frees a claim array; NULL is a no-op. */
void tr_records_free(struct tr_claim *claims);

/* "first", "only", "first_and_only", "fastest". */
const char *tr_records_claim_name(enum tr_claim_kind k);
/* "", "own_date", "others". */
const char *tr_records_doubt_name(enum tr_claim_doubt d);
/* "tracked", "world". */
const char *tr_records_scope_name(enum tr_claim_scope s);
/* Whether a post states the claim: a certain world claim. */
bool tr_records_postable(const struct tr_claim *cl);

/*
 * The group's name as a post says it, singular, without article: "Korean
 * solo artist", "K-pop male act", and for a release subject with a release
 * type, "album by a K-pop male act".  Returns 0, or TR_ELIMIT when buf is
 * too small (buf then holds a truncated, terminated name).
 */
int tr_records_group_name(const struct tr_group *g, enum tr_subject_type st,
                          char *buf, size_t size);

/*
 * The claim's count as its evidence says it: "1 of 6 tracks reached it by
 * then", ", 2 unsettled" added when some are; the members named by the
 * subject type ("albums" for a release group of albums).  Returns 0, or
 * TR_ELIMIT when buf is too small (truncated, terminated).
 */
int tr_records_evidence(const struct tr_claim *cl, enum tr_subject_type st, char *buf,
                        size_t size);

/* Bytes enough for any post (280 characters of up to 4 bytes, and NUL). */
#define TR_RECORDS_POST_SIZE 1124

/*
 * The post a chart account would write for the event and its claims (the
 * claims tr_records_compute() gave for that event, or a subset the caller
 * chose), at most 280 characters as X counts them (most CJK characters
 * count twice):
 *   "Every track on Layover has now passed 80M streams on Spotify. V is the
 *    first and only Korean solo artist to achieve this, and the fastest
 *    K-pop male act (170 days)."
 * Only world claims are stated (a tracked claim is true of the store, not
 * of the world), a world claim with a `since` says since when ("since
 * January 2019"), and an act claim needs an act: a subject without a
 * primary artist is never named as one.  Uncertain claims are worded
 * "possibly"; a caller that posts leaves them out (tr_records_postable).
 * Claims that do not fit are left out, the last first; an overlong title
 * is shortened with an ellipsis.
 * Returns 0, TR_EUSAGE for an event outside the catalog, TR_ELIMIT when buf
 * is too small (TR_RECORDS_POST_SIZE always suffices).
 */
int tr_records_post(const struct tr_catalog *c, const struct tr_milestone *ev,
                    const struct tr_claim *claims, size_t n, char *buf, size_t size);

/* The post that is published for the event: tr_records_post of those of
 * its claims[0..n) that may be posted (tr_records_postable: world and
 * certain; the first 64).  *n_posted (optional): how many it states. */
int tr_records_post_published(const struct tr_catalog *c, const struct tr_milestone *ev,
                              const struct tr_claim *claims, size_t n, size_t *n_posted,
                              char *buf, size_t size);

/*
 * One claim as a sentence of its own, whatever its scope: "Layover is the
 * first and only album by a Korean solo artist to achieve this.", "Ariana
 * Grande is the first and only act since January 11, 2019 to achieve
 * this.", "Taylor Swift is the first and only act among the 12 tracked acts
 * to achieve this."; "possibly" when uncertain.  Not a post: a caller that
 * publishes uses tr_records_post.  An act claim of a subject without an
 * artist gives "".  Returns as tr_records_post.
 */
int tr_records_claim_text(const struct tr_catalog *c, const struct tr_milestone *ev,
                          const struct tr_claim *cl, char *buf, size_t size);

#endif
