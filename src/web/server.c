/*
 * server.c: the HTTP server on libmicrohttpd (server.h): its thread pool
 * answers each request through tr_web_handle with one of the pool's
 * store handles, opened once, read-only, one per thread; every request
 * reads one snapshot of the store (or a response kept for the version it
 * would read), so an import is seen by the next request after its commit
 * and never half.  A kept response goes out as one libmicrohttpd response
 * made when it was kept, queued for every request that reads it.
 * Limits: connections, their memory (a request head that does not fit is
 * refused with 431, a request line too long with 414) and an idle timeout
 * (slow clients).
 */
#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct tr_server {
    struct MHD_Daemon *daemon;
    struct tr_web **handles;       /* the free ones are free[0..n_free) */
    struct tr_web **free;
    unsigned n_handles, n_free;
    struct tr_web_shared *shared;  /* the epoch, the kept forecasts and responses */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint16_t port;
};

static struct tr_web *take(struct tr_server *s)
{
    pthread_mutex_lock(&s->mu);
    while (!s->n_free)
        pthread_cond_wait(&s->cv, &s->mu);
    struct tr_web *w = s->free[--s->n_free];
    pthread_mutex_unlock(&s->mu);
    return w;
}

static void give_back(struct tr_server *s, struct tr_web *w)
{
    pthread_mutex_lock(&s->mu);
    s->free[s->n_free++] = w;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Per request: the raw target (the router parses the query itself, the
 * same parser the tests and the fuzzer drive), and whether the first call
 * of answer() was made: libmicrohttpd closes a connection whose response
 * is queued in that first call (it cannot know the request was read
 * whole), so the response waits for the next, and keep-alive works. */
struct pending {
    bool called;
    char target[];
};

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    size_t n = strlen(uri);
    struct pending *p = malloc(sizeof *p + n + 1);
    if (p) {
        p->called = false;
        memcpy(p->target, uri, n + 1);
    }
    return p;
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    free(*req_cls);
    *req_cls = NULL;
}

static const char *cache_control(enum tr_web_cache c)
{
    return c == TR_WEB_CACHE_DATA ? "public, max-age=60"
         : c == TR_WEB_CACHE_IMMUTABLE ? "public, max-age=31536000, immutable" : "no-store";
}

/* The HTTP response for res, its headers set; the body is copied when it
 * is a kept one, else taken (freed with the response) unless there is
 * none to send (a 304, an empty body). */
static struct MHD_Response *prepare(const struct tr_web_response *res)
{
    struct MHD_Response *r =
        res->status == 304 || !res->len ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
        : MHD_create_response_from_buffer(res->len, res->body,
                                          res->kept ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
    if (!r)
        return NULL;
    if (res->content_type && res->status != 304)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    if (res->etag[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, res->etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control(res->cache));
    if (res->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, res->allow);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    return r;
}

/* A kept response's prepared form (struct tr_web_wire): made once, queued
 * for every request that reads it; it frees the body when libmicrohttpd
 * has destroyed it and no connection sends it any more. */
static void *wire_make(const struct tr_web_response *res)
{
    if (res->status != 200 || !res->len)
        return NULL;
    struct tr_web_response own = *res;
    own.kept = NULL;               /* the body is given, not copied */
    return prepare(&own);
}

static void wire_free(void *wire)
{
    MHD_destroy_response(wire);
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct tr_web_response *res)
{
    enum MHD_Result ok = MHD_NO;
    if (res->wire && res->status == 200) {
        ok = MHD_queue_response(c, 200, res->wire);   /* it holds its own reference */
    } else {
        struct MHD_Response *r = prepare(res);
        if (r) {
            if (!res->kept && res->status != 304 && res->len)
                res->body = NULL;  /* the response frees it */
            ok = MHD_queue_response(c, (unsigned)res->status, r);
            MHD_destroy_response(r);
        }
    }
    tr_web_response_release(res);
    return ok;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    struct tr_server *s = cls;
    struct pending *p = *req_cls;
    if (p && !p->called) {
        p->called = true;
        return MHD_YES;
    }
    if (*upload_size) {            /* a body is never read (GET, HEAD only) */
        *upload_size = 0;
        return MHD_YES;
    }
    /* not zeroed (3 KB a request): the parser sets what is read of it */
    struct tr_web_request req;
    struct tr_web_response res = {0};
    struct tr_error err = {0};
    req.method = method;
    req.if_none_match = NULL;
    req.site = false;
    int status = tr_web_parse_target(p ? p->target : url, &req, &err);
    if (status) {
        tr_web_error(&res, status, "%s", err.msg);
    } else {
        req.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        struct tr_web *w = take(s);
        tr_web_handle(w, &req, &res);
        give_back(s, w);
    }
    return send_response(c, &res);
}

int tr_server_start(const struct tr_server_options *o, struct tr_server **out, struct tr_error *err)
{
    struct sockaddr_storage addr = {0};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, o->bind, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(o->port);
    } else if (inet_pton(AF_INET6, o->bind, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(o->port);
        flags |= MHD_USE_IPv6;
    } else {
        return tr_error_set(err, TR_EUSAGE, "--bind: not an IP address: '%s'", o->bind);
    }
    unsigned threads = o->threads ? o->threads : 2;
    struct tr_server *s = calloc(1, sizeof *s);
    if (!s || !(s->handles = calloc(threads, sizeof *s->handles)) ||
        !(s->free = calloc(threads, sizeof *s->free))) {
        tr_server_stop(s);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    json_object_seed(0);           /* once, before the threads hash */
    static const struct tr_web_wire wire = {wire_make, wire_free};
    if (tr_web_shared_new((size_t)o->cache_mb << 20, &wire, &s->shared)) {
        tr_server_stop(s);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    for (; s->n_handles < threads; s->n_handles++) {
        struct tr_web *w;
        int rc = tr_web_open(o->db, &w, err);
        if (rc) {
            tr_server_stop(s);
            return rc;
        }
        w->shared = s->shared;
        s->handles[s->n_handles] = w;
        s->free[s->n_free++] = w;
        /* each handle's first look at the store moves the epoch: all of
         * them look before the shared parts are made */
        if (!tr_web_begin(w, err))
            tr_web_end(w);
        tr_error_clear(err);
    }
    /* the caches a request reads, made now rather than by the first one */
    for (unsigned i = 0; i < s->n_handles; i++) {
        if (!tr_web_begin(s->handles[i], err)) {
            tr_web_warm(s->handles[i]);
            tr_web_end(s->handles[i]);
        }
        tr_error_clear(err);
    }
    s->daemon = MHD_start_daemon(flags, o->port, NULL, NULL, answer, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, threads,
                                 MHD_OPTION_CONNECTION_LIMIT, o->max_connections ? o->max_connections : 1024u,
                                 MHD_OPTION_CONNECTION_TIMEOUT, o->timeout ? o->timeout : 15u,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
                                 MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
                                 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                                 MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        tr_server_stop(s);
        return tr_error_set(err, TR_EIO, "cannot listen on %s port %u (in use, or not an address of this machine?)",
                            o->bind, (unsigned)o->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : o->port;
    *out = s;
    return 0;
}

uint16_t tr_server_port(const struct tr_server *s)
{
    return s->port;
}

void tr_server_stop(struct tr_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    for (unsigned i = 0; i < s->n_handles; i++)
        tr_web_close(s->handles[i]);
    tr_web_shared_free(s->shared);
    if (s->handles) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
    }
    free(s->handles);
    free(s->free);
    free(s);
}
