/*
 * server.h: trackrecord's HTTP server (server.c): the web side (web.h)
 * served over HTTP/1.1 by libmicrohttpd's thread pool, on loopback unless
 * told otherwise.  It never writes the store.
 */
#ifndef TR_WEB_SERVER_H
#define TR_WEB_SERVER_H

#include <stdint.h>

#include "web/web.h"

struct tr_server_options {
    const char *db;                /* the store, opened read-only */
    const char *bind;              /* an IPv4 or IPv6 address: "127.0.0.1" */
    uint16_t port;                 /* 0: any free port (tr_server_port) */
    unsigned threads;              /* worker threads (0: 2) */
    unsigned max_connections;      /* at once (0: 1024) */
    unsigned timeout;              /* seconds a connection may idle (0: 15) */
    unsigned cache_mb;             /* MiB of responses kept per store version (0: none) */
};

struct tr_server;

/* Opens the store (one handle per thread) and starts listening: 0, or an
 * error (TR_EIO when the address cannot be bound). */
int tr_server_start(const struct tr_server_options *o, struct tr_server **out, struct tr_error *err);
/* The port it listens on. */
uint16_t tr_server_port(const struct tr_server *s);
/* Stops answering, waits for the requests under way, closes the store. */
void tr_server_stop(struct tr_server *s);

#endif
