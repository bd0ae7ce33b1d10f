/*
 * serve_pages.c: the dashboard's pages (pages.h) and assets (assets.h)
 * behind the dispatch (web.h): the pages' context is built once per state
 * of the store, on the first page asked for, and dropped with the other
 * caches when an import commits.
 */
#include "web/web.h"
#include "web/assets.h"
#include "web/pages.h"

#include <string.h>

static int pages_of(struct tr_web *w, struct web_pages **out, struct tr_error *err)
{
    if (!w->pages) {
        const struct tr_claim_set *cs;
        int rc = tr_web_claims(w, &cs, err);
        if (!rc)
            rc = web_pages_open(w->store, WEB_SERVED, cs, &w->pages, err);
        if (rc)
            return rc;
    }
    *out = w->pages;
    return 0;
}

void tr_web_warm(struct tr_web *w)
{
    struct tr_error err = {0};
    const struct tr_claim_set *cs;
    struct web_pages *p;
    tr_web_claims(w, &cs, &err);
    pages_of(w, &p, &err);
    tr_web_forecasts(w);           /* shared: the first handle makes them */
}

const uint32_t *tr_web_artist_tracks(struct tr_web *w, uint32_t artist, size_t *n)
{
    struct tr_error err = {0};
    struct web_pages *p;
    if (pages_of(w, &p, &err))
        return NULL;
    return web_pages_artist_tracks(p, artist, n);
}

void tr_web_pages_free(struct web_pages *p)
{
    web_pages_free(p);
}

/* The page in h as the response, or an error page. */
static void html_response(struct tr_web_response *res, int rc, struct html *h,
                          const struct tr_error *err)
{
    res->len = 0;
    if (rc || h->failed) {
        res->status = rc == TR_ENOTFOUND ? 404 : 500;
        res->content_type = "text/html; charset=utf-8";
        res->cache = TR_WEB_CACHE_NONE;
        tr_web_printf(res, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<title>%d</title></head><body><h1>%d</h1><p>", res->status, res->status);
        tr_web_put_escaped(res, err->msg[0] ? err->msg : "The page could not be made.");
        tr_web_puts(res, "</p></body></html>\n");
    } else {
        res->status = 200;
        res->content_type = "text/html; charset=utf-8";
        res->cache = TR_WEB_CACHE_DATA;
        tr_web_write(res, h->data, h->len);
    }
    html_free(h);
}

void tr_web_page_home(struct tr_web *w, const struct tr_web_request *req,
                      struct tr_web_response *res)
{
    struct tr_error err = {0};
    struct html h = {0};
    struct web_pages *p;
    int rc = pages_of(w, &p, &err);
    if (!rc)
        rc = web_page_home(p, &h, &err);
    html_response(res, rc, &h, &err);
}

void tr_web_page_subject(struct tr_web *w, const struct tr_web_request *req,
                         enum tr_subject_type type, uint32_t index, struct tr_web_response *res)
{
    struct tr_error err = {0};
    struct html h = {0};
    struct web_pages *p;
    int rc = pages_of(w, &p, &err);
    if (!rc)
        rc = web_page_subject(p, type, index, &h, &err);
    html_response(res, rc, &h, &err);
}

void tr_web_page_asset(struct tr_web *w, const struct tr_web_request *req, const char *name,
                       struct tr_web_response *res)
{
    const struct web_asset *a = web_asset_find(name);
    res->len = 0;
    if (!a) {
        res->status = 404;
        res->content_type = "text/plain; charset=utf-8";
        res->cache = TR_WEB_CACHE_NONE;
        tr_web_puts(res, "no such asset\n");
        return;
    }
    res->status = 200;
    res->content_type = web_asset_type(a);
    res->cache = TR_WEB_CACHE_DATA;
    tr_web_write(res, a->data, a->size);
}
