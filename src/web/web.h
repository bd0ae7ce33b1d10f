/*
 * web.h: the web side of trackrecord: requests, responses and the one
 * dispatch that the HTTP server (server.c), the static site (site.c) and
 * the tests call.  tr_web_handle() turns a request into a response
 * against a store opened read-only: the JSON API (api.c), the feeds
 * (feed.c) and the HTML pages (pages.c).  Nothing here writes the store.
 *
 * Threads: a struct tr_web is used by one thread at a time (the server
 * keeps one per worker thread); the store under it is shared by any
 * number of readers and an importing writer.
 */
#ifndef TR_WEB_H
#define TR_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "trackrecord/publish.h"
#include "trackrecord/trackrecord.h"

/* Limits a request is held to (a larger one is refused, never read). */
enum {
    TR_WEB_MAX_PATH = 1024,        /* bytes of the path: 414 beyond */
    TR_WEB_MAX_QUERY = 2048,       /* bytes of the query string: 414 beyond */
    TR_WEB_MAX_PARAMS = 16,        /* query parameters: 400 beyond */
};

/* How long a response may be cached (the Cache-Control it is sent with). */
enum tr_web_cache {
    TR_WEB_CACHE_NONE = 0,         /* errors: no-store */
    TR_WEB_CACHE_DATA,             /* changes with the next import: a short
                                    * max-age, revalidated by ETag */
    TR_WEB_CACHE_IMMUTABLE,        /* assets named by their content: a year */
};

struct tr_web_param {
    char *name, *value;            /* percent-decoded, NUL-terminated */
};

struct tr_web_request {
    const char *method;            /* "GET", "HEAD", ... */
    char path[TR_WEB_MAX_PATH + 1];    /* percent-decoded, without the query */
    struct tr_web_param params[TR_WEB_MAX_PARAMS];
    size_t n_params;
    const char *if_none_match;     /* the header's value, or NULL */
    bool site;                     /* rendered for the static site (site.c):
                                    * links relative, no live-only parts */
    /* where params point: each pair decoded takes at most 2 bytes more */
    char buf[TR_WEB_MAX_QUERY + 2 * TR_WEB_MAX_PARAMS + 2];
};

struct tr_web_kept;                /* a response kept for a store version (shared.c) */

struct tr_web_response {
    int status;                    /* 200, 304, 400, 404, 405, 414, 500 */
    const char *content_type;      /* static string */
    char *body;                    /* malloc'd, or kept's; len bytes (not NUL-terminated) */
    size_t len, cap;
    char etag[24];                 /* "\"<16 hex>\"" of the body, or "" */
    enum tr_web_cache cache;
    const char *allow;             /* for 405: the methods the path takes */
    bool oom;                      /* a write to the body failed */
    /* a kept response, held until tr_web_response_release: the body is
     * its own, shared by every request reading it (never written) */
    struct tr_web_kept *kept;
    void *wire;                    /* its prepared form (struct tr_web_wire), or NULL */
};

/* Parses a request target ("/api/v1/tracks/x?since=2024-01-01") into req:
 * the path percent-decoded (a NUL or an invalid escape refused), the query
 * split into decoded name=value pairs ('+' as a space).  0, or the HTTP
 * status to refuse it with (400, 414) and a message in err. */
int tr_web_parse_target(const char *target, struct tr_web_request *req, struct tr_error *err);
/* The value of query parameter name, or NULL. */
const char *tr_web_param(const struct tr_web_request *req, const char *name);

/* ---- the context: one store, read one snapshot per request --------------- */

struct tr_web_search;              /* the names index (api.c) */
struct web_pages;                  /* the pages' context (pages.h) */
struct tr_web_shared;              /* what the server's handles share (shared.c) */
struct web_forecasts;              /* one version's forecasts (shared.c) */

struct tr_web {
    struct tr_store *store;
    const struct tr_catalog *cat;  /* valid inside tr_web_begin .. end */
    /* built on first use and kept while the store is unchanged */
    struct tr_claim_set claims;    /* every stored event (oldest first) with its claims */
    uint32_t *claimed;             /* the events with claims (positions in claims),
                                    * by (subject type, subject, position) */
    size_t n_claimed;
    bool have_claims;
    struct tr_web_search *search;
    struct web_pages *pages;
    uint64_t generation;           /* counts the changes seen (1 = first) */
    bool site;                     /* feeds for the static site: links to
                                    * its NAME.html files (site.c) */
    /* the server's: NULL for a handle of its own (the site, the tests) */
    struct tr_web_shared *shared;
    uint64_t epoch;                /* the shared epoch of this request's snapshot */
    struct web_forecasts *fc;      /* held from tr_web_forecasts until tr_web_end */
};

/* Opens the store at path read-only for the web side. */
int tr_web_open(const char *path, struct tr_web **out, struct tr_error *err);
void tr_web_close(struct tr_web *w);
/* Starts a request's snapshot of the store: w->cat is the catalog of that
 * snapshot; the caches are dropped when an import committed since the
 * last request.  tr_web_handle calls these itself. */
int tr_web_begin(struct tr_web *w, struct tr_error *err);
void tr_web_end(struct tr_web *w);

/* Every stored event, oldest first (cached; borrowed until tr_web_end). */
int tr_web_events(struct tr_web *w, const struct tr_milestone **out, size_t *n,
                  struct tr_error *err);
/* The records claims of every stored event (the ones the imports kept,
 * read back at once): cached, borrowed until tr_web_end. */
int tr_web_claims(struct tr_web *w, const struct tr_claim_set **out, struct tr_error *err);
/* The positions in tr_web_claims' set of one subject's events with claims,
 * in date order (*n of them; borrowed like the set). */
int tr_web_claimed_of(struct tr_web *w, enum tr_subject_type type, uint32_t index,
                      const uint32_t **out, size_t *n, struct tr_error *err);
/* The static site's api/v1/records.json lists the claims of the last
 * TR_WEB_RECORDS_DAYS days up to the latest data day, as
 * /api/v1/records?since=D does: the list of every claim of a large store
 * is megabytes, which the server's /api/v1/records gives when asked. */
enum { TR_WEB_RECORDS_DAYS = 31 };

/* ---- what the server's handles share (shared.c) ------------------------- */

/* What the front makes of a response when it is kept, once, for every
 * request that reads it (the server: its HTTP response, headers and all).
 * make takes res's body when it succeeds (its form frees the body when it
 * is freed and no longer sending it); NULL: none made, the body stays. */
struct tr_web_wire {
    void *(*make)(const struct tr_web_response *res);
    void (*free)(void *wire);
};
/* A shared part for handles of one store: responses are kept up to
 * cache_bytes (then dropped all at once); wire may be NULL. */
int tr_web_shared_new(size_t cache_bytes, const struct tr_web_wire *wire,
                      struct tr_web_shared **out);
void tr_web_shared_free(struct tr_web_shared *sh);
/* The current epoch; and a new one, for a handle that saw the store
 * change (every kept response dropped). */
uint64_t tr_web_shared_epoch(struct tr_web_shared *sh);
uint64_t tr_web_shared_moved(struct tr_web_shared *sh);
/* Makes res (released first) the 200 response kept for key in epoch, with
 * a reference and no copy: true, or false when there is none (or epoch is
 * not the current one). */
bool tr_web_shared_get(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res);
/* Keeps res (a 200 with its ETag) for key, if epoch is still the current
 * one: res then refers to the kept response as after tr_web_shared_get
 * (also when it is not kept: then it is res's alone). */
void tr_web_shared_put(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res);
/* Drops a reference (tr_web_response_release calls it); NULL: nothing. */
void tr_web_kept_release(struct tr_web_kept *k);
/* Every subject's next TR_SUBJECT_NEXT_MILESTONES milestones of each kind
 * for w's snapshot, made once per epoch (at 1M tracks, seconds: the server
 * makes them before it listens) and shared; held until tr_web_end.  NULL
 * when w shares nothing, its snapshot is not the current epoch's, or they
 * cannot be made: the caller asks the store then. */
const struct web_forecasts *tr_web_forecasts(struct tr_web *w);
void tr_web_forecasts_done(struct tr_web *w);
tr_day tr_web_forecasts_as_of(const struct web_forecasts *f);
/* A subject's (a track: its recording's canonical track) first next
 * thresholds of each kind, in tr_store_forecasts' order, into out[0..cap):
 * how many. */
size_t tr_web_forecasts_of(const struct web_forecasts *f, enum tr_subject_type type, uint32_t subject,
                           unsigned next, struct tr_forecast *out, size_t cap);
/* Calls fn for those q keeps (q->next at most TR_SUBJECT_NEXT_MILESTONES),
 * skipping the first skip, at most limit; returns how many q keeps. */
typedef void (*tr_web_forecast_fn)(void *ctx, const struct tr_forecast *f);
size_t tr_web_forecasts_each(const struct web_forecasts *f, const struct tr_forecast_query *q,
                             size_t skip, size_t limit, tr_web_forecast_fn fn, void *ctx);

/* ---- the dispatch ---------------------------------------------------------- */

/* Answers req from w's store into res (which the caller zeroes first and
 * releases with tr_web_response_release).  Always fills a response: an
 * error is a JSON body (API, feeds) or an HTML page (pages) with its
 * status.  Sets the ETag of a 200 body and answers 304 when it matches
 * req->if_none_match. */
void tr_web_handle(struct tr_web *w, const struct tr_web_request *req, struct tr_web_response *res);
void tr_web_response_release(struct tr_web_response *res);

/* Body writers (set res->oom when out of memory). */
void tr_web_write(struct tr_web_response *res, const void *data, size_t len);
void tr_web_puts(struct tr_web_response *res, const char *s);
void tr_web_printf(struct tr_web_response *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Text with &, <, >, " and ' escaped for HTML and XML. */
void tr_web_put_escaped(struct tr_web_response *res, const char *s);
/* A 200 JSON body of v (compact, keys in order); takes v. */
void tr_web_json(struct tr_web_response *res, json_t *v);
/* An error: {"error": {"status": N, "message": "..."}} with that status. */
void tr_web_error(struct tr_web_response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- the JSON of each subject (api.c), for the API and the pages --------- */

/* A track, release or artist: `show --json`'s object, plus "latest" (the
 * last day with data, its total and that day's gain), "gains" (the daily
 * gains of the last 7 days with data) and "claims" (the records claims of
 * its milestones that are published, with their evidence). */
int tr_web_subject_json(struct tr_web *w, enum tr_subject_type type, uint32_t index, json_t **out,
                        struct tr_error *err);
/* A subject's daily totals and gains from..to (TR_DAY_NONE: open):
 * {"subject", "subject_type", "from", "to", "points": [{"date", "total",
 * "gain"}]}; a release or an artist sums its tracks' recordings (each
 * counted once), on the days all of them have data. */
int tr_web_series_json(struct tr_web *w, enum tr_subject_type type, uint32_t index, tr_day from,
                       tr_day to, json_t **out, struct tr_error *err);

/* Which milestones /api/v1/milestones lists: newest first. */
struct tr_web_milestone_query {
    tr_day since;                  /* TR_DAY_NONE: any */
    int kind;                      /* -1: any */
    int subject_type;              /* -1: any */
    uint32_t subject;
    size_t limit;                  /* 1..1000 */
    size_t cursor;                 /* events to skip: the previous page's next_cursor */
};
/* {"milestones": [tr_json_milestone_claims objects], "next_cursor": N or null} */
int tr_web_milestones_json(struct tr_web *w, const struct tr_web_milestone_query *q, json_t **out,
                           struct tr_error *err);
/* `records --json`'s array for the events since (TR_DAY_NONE: all) whose
 * claims are of scope ("world", "tracked", NULL: any). */
int tr_web_records_json(struct tr_web *w, tr_day since, const char *scope, json_t **out,
                        struct tr_error *err);
/* `charts --json`'s array for one track. */
int tr_web_charts_json(struct tr_web *w, uint32_t track, json_t **out, struct tr_error *err);
/* Names matching q (case- and accent-insensitive, every word of q a
 * prefix of a word of the name, or q within the name), up to limit:
 * {"query", "results": [{"id", "type", "name", "artist"}]}. */
int tr_web_search_json(struct tr_web *w, const char *q, size_t limit, json_t **out,
                       struct tr_error *err);

/* ---- what the other parts provide ------------------------------------------ */

/* api.c: /api/v1/...; router.c calls it with the path after "/api/v1". */
void tr_web_api(struct tr_web *w, const struct tr_web_request *req, const char *rest,
                struct tr_web_response *res);
/* feed.c: the published posts (milestones with their world claims),
 * newest first, of every subject or of one artist (artist TR_NONE: all),
 * dated on or after since (TR_DAY_NONE: any); as Atom (RFC 4287) or JSON
 * Feed 1.1.  base is the absolute URL the feed is served under ("" for
 * relative links). */
enum tr_feed_format { TR_FEED_ATOM, TR_FEED_JSON };
int tr_web_feed(struct tr_web *w, enum tr_feed_format format, uint32_t artist, tr_day since,
                const char *base, struct tr_web_response *res, struct tr_error *err);
/* Every artist's feed, as tr_web_feed gives each with relative links
 * (since: any), without reading every event once per artist: for each
 * artist in catalog order, plan(ctx, artist, posts, n, &make) with the
 * events its feed holds (positions in tr_web_events' list, oldest first;
 * plan NULL: every feed is made), then, when make, put(ctx, artist,
 * feed); the first failure of either is returned.  A feed without posts
 * is dated empty_day (the site: the store's last day with data, which no
 * damage beside the store moves; tr_web_feed reads the day the milestones
 * were looked for).  A feed is its posts, the catalog's names and, without
 * posts, empty_day: a caller that knows these did not change may skip it. */
int tr_web_artist_feeds(struct tr_web *w, enum tr_feed_format format, tr_day empty_day,
                        int (*plan)(void *ctx, uint32_t artist, const uint32_t *posts, size_t n, bool *make),
                        int (*put)(void *ctx, uint32_t artist, const struct tr_web_response *res), void *ctx,
                        struct tr_error *err);

/* serve_pages.c (the dashboard, pages.h): the home page,
 * a subject's page and the bundled assets (name is the path after
 * "/assets/").  Each fills res (an HTML error page with its status when
 * it cannot). */
void tr_web_pages_free(struct web_pages *p);
/* Builds the caches requests read (claims, the pages' context) now,
 * inside tr_web_begin .. end: the server does so for each handle before
 * it listens.  Failures are left for the requests to meet. */
void tr_web_warm(struct tr_web *w);
/* The tracks crediting an artist (the pages' index, built once per state
 * of the store), or NULL when it cannot be built. */
const uint32_t *tr_web_artist_tracks(struct tr_web *w, uint32_t artist, size_t *n);
void tr_web_page_home(struct tr_web *w, const struct tr_web_request *req,
                      struct tr_web_response *res);
void tr_web_page_subject(struct tr_web *w, const struct tr_web_request *req,
                         enum tr_subject_type type, uint32_t index, struct tr_web_response *res);
void tr_web_page_asset(struct tr_web *w, const struct tr_web_request *req, const char *name,
                       struct tr_web_response *res);

#endif
