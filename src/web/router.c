/*
 * router.c: the one dispatch of the web side (web.h): a request target
 * parsed and checked, the route it names, the response's ETag and the
 * answer to a conditional request; and the context each request reads
 * its snapshot of the store through.
 */
#include "web/web.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ---- the request target ---------------------------------------------------- */

static int hex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes s[0..len) into out (room for len + 1): 0, or -1 for a bad
 * escape or a NUL. */
static int decode(const char *s, size_t len, bool plus_space, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int h = i + 2 < len ? hex((unsigned char)s[i + 1]) : -1;
            int l = h < 0 ? -1 : hex((unsigned char)s[i + 2]);
            if (l < 0)
                return -1;
            c = h * 16 + l;
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == 0)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

int tr_web_parse_target(const char *target, struct tr_web_request *req, struct tr_error *err)
{
    const char *q = strchr(target, '?');
    size_t path_len = q ? (size_t)(q - target) : strlen(target);
    req->n_params = 0;
    if (path_len > TR_WEB_MAX_PATH) {
        tr_error_set(err, TR_ELIMIT, "the path is longer than %d bytes", TR_WEB_MAX_PATH);
        return 414;
    }
    if (path_len == 0 || target[0] != '/') {
        tr_error_set(err, TR_EUSAGE, "the path must start with '/'");
        return 400;
    }
    if (decode(target, path_len, false, req->path)) {
        tr_error_set(err, TR_EUSAGE, "the path has a bad percent escape");
        return 400;
    }
    if (!q)
        return 0;
    size_t qlen = strlen(q + 1);
    if (qlen > TR_WEB_MAX_QUERY) {
        tr_error_set(err, TR_ELIMIT, "the query string is longer than %d bytes", TR_WEB_MAX_QUERY);
        return 414;
    }
    /* each pair decoded into buf in place of where it stood */
    char *o = req->buf;
    const char *p = q + 1, *end = p + qlen;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *name_end = eq ? eq : stop;
        if (name_end > p) {
            if (req->n_params == TR_WEB_MAX_PARAMS) {
                tr_error_set(err, TR_ELIMIT, "more than %d query parameters", TR_WEB_MAX_PARAMS);
                return 400;
            }
            struct tr_web_param *pm = &req->params[req->n_params];
            pm->name = o;
            if (decode(p, (size_t)(name_end - p), true, o)) {
                tr_error_set(err, TR_EUSAGE, "a query parameter has a bad percent escape");
                return 400;
            }
            o += strlen(o) + 1;
            pm->value = o;
            const char *v = eq ? eq + 1 : stop;
            if (decode(v, (size_t)(stop - v), true, o)) {
                tr_error_set(err, TR_EUSAGE, "query parameter '%s' has a bad percent escape", pm->name);
                return 400;
            }
            o += strlen(o) + 1;
            req->n_params++;
        }
        p = stop + 1;
    }
    return 0;
}

const char *tr_web_param(const struct tr_web_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_params; i++)
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    return NULL;
}

/* ---- the response ---------------------------------------------------------- */

void tr_web_write(struct tr_web_response *res, const void *data, size_t len)
{
    if (res->oom)
        return;
    if (res->kept)                 /* never written: a body of res's own from here */
        tr_web_response_release(res);
    if (res->len + len > res->cap) {
        size_t cap = res->cap ? res->cap : 4096;
        while (cap < res->len + len)
            cap *= 2;
        char *p = realloc(res->body, cap);
        if (!p) {
            res->oom = true;
            return;
        }
        res->body = p;
        res->cap = cap;
    }
    memcpy(res->body + res->len, data, len);
    res->len += len;
}

void tr_web_puts(struct tr_web_response *res, const char *s)
{
    tr_web_write(res, s, strlen(s));
}

void tr_web_printf(struct tr_web_response *res, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        tr_web_write(res, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        res->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tr_web_write(res, big, (size_t)n);
    free(big);
}

void tr_web_put_escaped(struct tr_web_response *res, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (!rep)
            continue;
        tr_web_write(res, run, (size_t)(s - run));
        tr_web_puts(res, rep);
        run = s + 1;
    }
    tr_web_write(res, run, (size_t)(s - run));
}

static int json_sink(const char *buf, size_t size, void *data)
{
    struct tr_web_response *res = data;
    tr_web_write(res, buf, size);
    return res->oom ? -1 : 0;
}

void tr_web_json(struct tr_web_response *res, json_t *v)
{
    res->status = 200;
    res->content_type = "application/json";
    res->cache = TR_WEB_CACHE_DATA;
    res->len = 0;
    if (!v || json_dump_callback(v, json_sink, res, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        res->oom = true;
    tr_web_write(res, "\n", 1);
    json_decref(v);
}

void tr_web_error(struct tr_web_response *res, int status, const char *fmt, ...)
{
    char msg[TR_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *e = json_object(), *o = json_object();
    json_object_set_new(e, "status", json_integer(status));
    json_object_set_new(e, "message", json_string(msg));
    json_object_set_new(o, "error", e);
    tr_web_json(res, o);
    res->status = status;
    res->cache = TR_WEB_CACHE_NONE;
}

/* An error page for the HTML routes (the pages draw their own). */
static void html_error(struct tr_web_response *res, int status, const char *msg)
{
    res->len = 0;
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    res->cache = TR_WEB_CACHE_NONE;
    tr_web_printf(res, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>%d</title></head><body><h1>%d</h1><p>", status, status);
    tr_web_put_escaped(res, msg);
    tr_web_puts(res, "</p><p><a href=\"/\">trackrecord</a></p></body></html>\n");
}

void tr_web_response_release(struct tr_web_response *res)
{
    if (res->kept)
        tr_web_kept_release(res->kept);
    else
        free(res->body);
    res->kept = NULL;
    res->wire = NULL;
    res->body = NULL;
    res->len = res->cap = 0;
}

/* ---- the context ----------------------------------------------------------- */

void tr_web_search_free(struct tr_web_search *s);

int tr_web_open(const char *path, struct tr_web **out, struct tr_error *err)
{
    struct tr_web *w = calloc(1, sizeof *w);
    if (!w)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = tr_store_open(path, TR_STORE_READONLY, &w->store, err);
    if (rc) {
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

static void drop_caches(struct tr_web *w)
{
    tr_web_pages_free(w->pages);   /* first: they borrow the claims */
    w->pages = NULL;
    if (w->have_claims)
        tr_claim_set_release(&w->claims);
    free(w->claimed);
    w->claimed = NULL;
    w->n_claimed = 0;
    w->have_claims = false;
    tr_web_search_free(w->search);
    w->search = NULL;
}

void tr_web_close(struct tr_web *w)
{
    if (!w)
        return;
    drop_caches(w);
    tr_store_close(w->store);
    free(w);
}

int tr_web_begin(struct tr_web *w, struct tr_error *err)
{
    bool changed;
    /* the epoch read before the snapshot: one seen later may be newer */
    uint64_t epoch = w->shared ? tr_web_shared_epoch(w->shared) : 0;
    int rc = tr_store_begin_read(w->store, &changed, err);
    if (rc)
        return rc;
    if (changed) {
        drop_caches(w);
        w->generation++;
        if (w->shared)
            epoch = tr_web_shared_moved(w->shared);
    }
    w->epoch = epoch;
    if ((rc = tr_store_catalog(w->store, &w->cat, err)))
        tr_store_end_read(w->store);
    return rc;
}

void tr_web_end(struct tr_web *w)
{
    if (w->shared)
        tr_web_forecasts_done(w);
    w->cat = NULL;
    tr_store_end_read(w->store);
}

int tr_web_events(struct tr_web *w, const struct tr_milestone **out, size_t *n,
                  struct tr_error *err)
{
    const struct tr_claim_set *cs;
    int rc = tr_web_claims(w, &cs, err);
    if (rc)
        return rc;
    *out = cs->events;
    *n = cs->n_events;
    return 0;
}

/* Orders positions in the claim set cs by their events' (type, subject),
 * then position (qsort_r, glibc's). */
static int claimed_cmp(const void *pa, const void *pb, void *cs)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct tr_milestone *ev = ((const struct tr_claim_set *)cs)->events;
    const struct tr_milestone *x = &ev[a], *y = &ev[b];
    if (x->subject_type != y->subject_type)
        return x->subject_type < y->subject_type ? -1 : 1;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    return a < b ? -1 : a > b;
}

int tr_web_claims(struct tr_web *w, const struct tr_claim_set **out, struct tr_error *err)
{
    if (!w->have_claims) {
        int rc = tr_store_claims(w->store, TR_DAY_NONE, false, &w->claims, err);
        if (rc)
            return rc;
        /* the index by subject: a subject's claims without reading every event */
        const struct tr_claim_set *cs = &w->claims;
        size_t n = 0;
        for (size_t e = 0; e < cs->n_events; e++)
            n += cs->first[e + 1] > cs->first[e];
        if (cs->n_events > UINT32_MAX || !(w->claimed = malloc((n ? n : 1) * sizeof *w->claimed))) {
            tr_claim_set_release(&w->claims);
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        }
        n = 0;
        for (size_t e = 0; e < cs->n_events; e++)
            if (cs->first[e + 1] > cs->first[e])
                w->claimed[n++] = (uint32_t)e;
        qsort_r(w->claimed, n, sizeof *w->claimed, claimed_cmp, (void *)cs);
        w->n_claimed = n;
        w->have_claims = true;
    }
    *out = &w->claims;
    return 0;
}

int tr_web_claimed_of(struct tr_web *w, enum tr_subject_type type, uint32_t index,
                      const uint32_t **out, size_t *n, struct tr_error *err)
{
    const struct tr_claim_set *cs;
    int rc = tr_web_claims(w, &cs, err);
    if (rc)
        return rc;
    /* the first position not before (type, index), then the run of it */
    size_t lo = 0, hi = w->n_claimed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct tr_milestone *m = &cs->events[w->claimed[mid]];
        if (m->subject_type < type || (m->subject_type == type && m->subject < index))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < w->n_claimed && cs->events[w->claimed[end]].subject_type == type &&
           cs->events[w->claimed[end]].subject == index)
        end++;
    *out = w->claimed + lo;
    *n = end - lo;
    return 0;
}

/* ---- the routes ------------------------------------------------------------ */

/* The rest of path after prefix, or NULL when path does not start so. */
static const char *after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

/* An asset name is plain: no "..", no hidden files, no backslash. */
static bool asset_name_ok(const char *name)
{
    if (!*name || strstr(name, "..") || strchr(name, '\\') || strstr(name, "//"))
        return false;
    for (const char *p = name; *p; p++)
        if ((p == name || p[-1] == '/') && *p == '.')
            return false;
    return true;
}

/* "/artists/ID", "/artists/ID/feed.atom": the type, the id copied into
 * id, and what follows it (NULL when path is no subject route). */
static const char *subject_route(const char *path, enum tr_subject_type *type, char *id, size_t size)
{
    static const struct { const char *prefix; enum tr_subject_type type; } kinds[] = {
        {"/tracks/", TR_SUBJECT_TRACK}, {"/releases/", TR_SUBJECT_RELEASE},
        {"/artists/", TR_SUBJECT_ARTIST}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const char *rest = after(path, kinds[k].prefix);
        if (!rest)
            continue;
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        if (n == 0 || n >= size)
            return NULL;
        memcpy(id, rest, n);
        id[n] = '\0';
        *type = kinds[k].type;
        return rest + n;
    }
    return NULL;
}

static uint32_t find_index(const struct tr_catalog *c, enum tr_subject_type t, const char *id)
{
    return t == TR_SUBJECT_TRACK ? tr_catalog_track(c, id)
         : t == TR_SUBJECT_RELEASE ? tr_catalog_release(c, id) : tr_catalog_artist(c, id);
}

static void feed_route(struct tr_web *w, const struct tr_web_request *req,
                       enum tr_feed_format format, uint32_t artist, struct tr_web_response *res)
{
    tr_day since = TR_DAY_NONE;
    const char *s = tr_web_param(req, "since");
    struct tr_error err = {0};
    if (s && tr_day_parse(s, strlen(s), &since)) {
        tr_web_error(res, 400, "since: not a date (YYYY-MM-DD): '%s'", s);
        return;
    }
    if (tr_web_feed(w, format, artist, since, "", res, &err))
        tr_web_error(res, err.code == TR_ENOMEM ? 503 : 500, "%s", err.msg);
}

/* Routes a request with the store's snapshot open. */
static void route(struct tr_web *w, const struct tr_web_request *req, struct tr_web_response *res)
{
    const char *path = req->path, *rest;
    char id[256];
    enum tr_subject_type type;
    if ((rest = after(path, "/api/v1/")) || strcmp(path, "/api/v1") == 0) {
        tr_web_api(w, req, rest ? rest - 1 : "", res);
    } else if (strcmp(path, "/feed.atom") == 0) {
        feed_route(w, req, TR_FEED_ATOM, TR_NONE, res);
    } else if (strcmp(path, "/feed.json") == 0) {
        feed_route(w, req, TR_FEED_JSON, TR_NONE, res);
    } else if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
        tr_web_page_home(w, req, res);
    } else if ((rest = after(path, "/assets/"))) {
        if (asset_name_ok(rest))
            tr_web_page_asset(w, req, rest, res);
        else
            html_error(res, 404, "No such file.");
    } else if ((rest = subject_route(path, &type, id, sizeof id))) {
        uint32_t index = find_index(w->cat, type, id);
        bool feed_atom = type == TR_SUBJECT_ARTIST && strcmp(rest, "/feed.atom") == 0;
        bool feed_json = type == TR_SUBJECT_ARTIST && strcmp(rest, "/feed.json") == 0;
        if (feed_atom || feed_json) {
            if (index == TR_NONE)
                tr_web_error(res, 404, "no artist with id '%s'", id);
            else
                feed_route(w, req, feed_atom ? TR_FEED_ATOM : TR_FEED_JSON, index, res);
        } else if (*rest && strcmp(rest, "/") != 0) {
            html_error(res, 404, "No such page.");
        } else if (index == TR_NONE) {
            html_error(res, 404, "No such track, release or artist in this store.");
        } else {
            tr_web_page_subject(w, req, type, index, res);
        }
    } else {
        html_error(res, 404, "No such page.");
    }
}

static bool is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strstr(path, "feed.") != NULL;
}

/* Does the If-None-Match header name etag (or "*")?  (A weak tag W/"x"
 * matches too: a GET compares weakly.) */
static bool etag_matches(const char *header, const char *etag)
{
    return strstr(header, etag) != NULL || strcmp(header, "*") == 0;
}

/* A request's name in the shared responses: its path and parameters, in
 * their order, decoded, each parameter's name and value with its length
 * (so that no two requests share one): false when it does not fit. */
static bool cache_key(const struct tr_web_request *req, char *key, size_t size)
{
    size_t n = (size_t)snprintf(key, size, "%s", req->path);
    for (size_t i = 0; i < req->n_params && n < size; i++)
        n += (size_t)snprintf(key + n, size - n, "&%zu:%s%zu:%s", strlen(req->params[i].name),
                              req->params[i].name, strlen(req->params[i].value), req->params[i].value);
    return n < size;
}

void tr_web_handle(struct tr_web *w, const struct tr_web_request *req, struct tr_web_response *res)
{
    struct tr_error err = {0};
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        res->allow = "GET, HEAD";
        if (is_api(req->path))
            tr_web_error(res, 405, "method %s not allowed: GET or HEAD", req->method);
        else
            html_error(res, 405, "Only GET and HEAD are answered here.");
        return;
    }
    char key[TR_WEB_MAX_PATH + sizeof req->buf + 48 * TR_WEB_MAX_PARAMS];
    bool shared = w->shared && cache_key(req, key, sizeof key);
    /* a kept response, when no import can have committed since this
     * handle's last snapshot: what tr_web_begin would find unchanged, told
     * without a read of the store (the epoch read first, as it does) */
    uint64_t epoch = shared ? tr_web_shared_epoch(w->shared) : 0;
    bool hit = shared && tr_store_unchanged(w->store) && tr_web_shared_get(w->shared, epoch, key, res);
    if (!hit) {
        if (tr_web_begin(w, &err)) {
            if (is_api(req->path))
                tr_web_error(res, 503, "the store cannot be read: %s", err.msg);
            else
                html_error(res, 503, "The store cannot be read right now.");
            return;
        }
        hit = shared && tr_web_shared_get(w->shared, w->epoch, key, res);
        if (!hit)
            route(w, req, res);
        tr_web_end(w);
    }
    if (res->oom) {
        res->oom = false;
        tr_web_error(res, 503, "out of memory");
    }
    if (res->status != 200)
        return;
    if (!hit) {
        snprintf(res->etag, sizeof res->etag, "\"%016llx\"",
                 (unsigned long long)XXH3_64bits(res->body, res->len));
        if (shared && res->cache != TR_WEB_CACHE_NONE)
            tr_web_shared_put(w->shared, w->epoch, key, res);
    }
    if (req->if_none_match && etag_matches(req->if_none_match, res->etag)) {
        res->status = 304;
        res->len = 0;
    }
}
