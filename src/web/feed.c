/*
 * feed.c: the published posts as feeds (web.h): Atom (RFC 4287) and JSON
 * Feed 1.1.  A post is a milestone event, with the post text of its
 * claims that are published (true in the world and certain:
 * tr_records_postable; docs/api.md); newest first,
 * the latest FEED_ITEMS.  An item's id names the event (subject, kind,
 * threshold, chart), never its position or date, so a reader that saw it
 * never shows it twice.
 */
#include "web/web.h"
#include "web/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FEED_ITEMS = 50 };

/* The artists whose feeds event m belongs to (its own artist, a
 * release's or a track's credited artists); *n of them. */
static const uint32_t *event_artists(const struct tr_catalog *c, const struct tr_milestone *m, uint32_t *n)
{
    if (m->subject_type == TR_SUBJECT_ARTIST) {
        *n = 1;
        return &m->subject;
    }
    if (m->subject_type == TR_SUBJECT_RELEASE) {
        *n = c->releases[m->subject].n_artists;
        return c->releases[m->subject].artists;
    }
    *n = c->tracks[m->subject].n_artists;
    return c->tracks[m->subject].artists;
}

static bool of_artist(const struct tr_catalog *c, const struct tr_milestone *m, uint32_t a)
{
    uint32_t n;
    const uint32_t *v = event_artists(c, m, &n);
    for (uint32_t i = 0; i < n; i++)
        if (v[i] == a)
            return true;
    return false;
}

struct post {
    const struct tr_milestone *m;
    char id[384];
    char title[512];
    char text[TR_RECORDS_POST_SIZE + 256];
    char link[640];                /* base, up, then the subject's page */
    char date[32];                 /* RFC 3339, midnight UTC of the data date */
};

/* The post of m: its title, its text (the published claims' post, else a
 * line of its own), its stable id, and its link: base, then up (the way
 * from the feed to the site's top), then the subject's page. */
static void make_post(struct tr_web *w, const struct tr_claim_set *cs, const struct tr_milestone *m,
                      const char *base, const char *up, struct post *p)
{
    const struct tr_catalog *c = w->cat;
    char what[96], d[TR_DATE_LEN], n[32];
    p->m = m;
    tr_milestone_describe(m, what, sizeof what);
    const char *name = tr_subject_name(c, m->subject_type, m->subject);
    const char *id = tr_subject_id(c, m->subject_type, m->subject);
    const char *type = tr_subject_type_name(m->subject_type);
    snprintf(p->title, sizeof p->title, "%s: %s", name, what);
    snprintf(p->id, sizeof p->id, "urn:trackrecord:milestone:%s:%s:%s:%llu%s%s", type, id,
             tr_milestone_kind_name(m->kind), (unsigned long long)m->threshold,
             m->scope ? ":" : "", m->scope ? tr_scope_name(m->scope) : "");
    struct html page = {0};
    if (w->site) {
        web_site_path(&page, m->subject_type, id, true, ".html");
    } else {
        html_printf(&page, "%ss/", type);
        html_url_segment(&page, id);
    }
    snprintf(p->link, sizeof p->link, "%s%s%s", base, up, page.data ? page.data : "");
    html_free(&page);
    snprintf(p->date, sizeof p->date, "%sT00:00:00Z", tr_day_format(m->date, d));
    tr_count_format(m->value, n, sizeof n);
    int len = snprintf(p->text, sizeof p->text, "%s (%s %s) %s on %s", name, type, id, what, d);
    if (m->day != TR_DAYN_NONE && len > 0 && (size_t)len < sizeof p->text)
        len += snprintf(p->text + len, sizeof p->text - (size_t)len, ", day %d", m->day);
    if (m->slowest != TR_NONE && len > 0 && (size_t)len < sizeof p->text)
        len += snprintf(p->text + len, sizeof p->text - (size_t)len, " (last to cross: %s)",
                        tr_subject_name(c, TR_SUBJECT_TRACK, m->slowest));
    if (len > 0 && (size_t)len < sizeof p->text)
        snprintf(p->text + len, sizeof p->text - (size_t)len, ".");
    /* the post of its published claims, when it has any */
    size_t ncl;
    const struct tr_claim *cl = tr_claim_set_of(cs, m, &ncl);
    size_t k;
    char post[TR_RECORDS_POST_SIZE];
    if (tr_records_post_published(c, m, cl, ncl, &k, post, sizeof post) == 0 && k)
        snprintf(p->text, sizeof p->text, "%s", post);
}

/* The last day the store's milestones were looked for, or TR_DAY_NONE. */
static tr_day scanned_to(struct tr_web *w)
{
    tr_day scanned = TR_DAY_NONE;
    struct tr_error ignored = {0};
    return tr_milestones_scanned_to(w->store, &scanned, &ignored) == 0 ? scanned : TR_DAY_NONE;
}

/* An Atom feed: id names it by its served path (self_id), self is its
 * link.  Its updated is its newest post's date; a feed without posts (an
 * artist with no milestone yet) gives scanned, the last day the store's
 * milestones were looked for (RFC 4287 wants one), 1970 only for a store
 * without data. */
static void atom(const char *title, const char *self_id, const char *self, tr_day scanned,
                 const struct post *posts, size_t n, struct tr_web_response *res)
{
    char updated[40] = "1970-01-01T00:00:00Z", d[TR_DATE_LEN];
    if (n)
        snprintf(updated, sizeof updated, "%s", posts[0].date);
    else if (scanned != TR_DAY_NONE)
        snprintf(updated, sizeof updated, "%sT00:00:00Z", tr_day_format(scanned, d));
    res->content_type = "application/atom+xml; charset=utf-8";
    tr_web_puts(res, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
    tr_web_put_escaped(res, title);
    tr_web_puts(res, "</title>\n  <id>urn:trackrecord:feed:");
    tr_web_put_escaped(res, self_id);
    tr_web_printf(res, "</id>\n  <updated>%s</updated>\n", updated);
    tr_web_puts(res, "  <author><name>trackrecord</name></author>\n  <link rel=\"self\" href=\"");
    tr_web_put_escaped(res, self);
    tr_web_puts(res, "\"/>\n  <generator>trackrecord</generator>\n");
    for (size_t i = 0; i < n; i++) {
        const struct post *p = &posts[i];
        tr_web_puts(res, "  <entry>\n    <id>");
        tr_web_put_escaped(res, p->id);
        tr_web_puts(res, "</id>\n    <title>");
        tr_web_put_escaped(res, p->title);
        tr_web_printf(res, "</title>\n    <updated>%s</updated>\n    <published>%s</published>\n",
                      p->date, p->date);
        tr_web_puts(res, "    <link rel=\"alternate\" href=\"");
        tr_web_put_escaped(res, p->link);
        tr_web_puts(res, "\"/>\n    <content type=\"text\">");
        tr_web_put_escaped(res, p->text);
        tr_web_puts(res, "</content>\n  </entry>\n");
    }
    tr_web_puts(res, "</feed>\n");
}

/* A JSON Feed: its home and its own URL when base is absolute (self: its
 * link). */
static void json_feed(const char *title, const char *self, const char *base,
                      const struct post *posts, size_t n, struct tr_web_response *res)
{
    json_t *o = json_object(), *items = json_array();
    json_object_set_new(o, "version", json_string("https://jsonfeed.org/version/1.1"));
    json_object_set_new(o, "title", json_string(title));
    if (*base) {
        json_object_set_new(o, "home_page_url", json_string(base));
        json_object_set_new(o, "feed_url", json_string(self));
    }
    for (size_t i = 0; i < n; i++) {
        const struct post *p = &posts[i];
        json_t *it = json_object();
        json_object_set_new(it, "id", json_string(p->id));
        json_object_set_new(it, "url", json_string(p->link));
        json_object_set_new(it, "title", json_string(p->title));
        json_object_set_new(it, "content_text", json_string(p->text));
        json_object_set_new(it, "date_published", json_string(p->date));
        json_array_append_new(items, it);
    }
    json_object_set_new(o, "items", items);
    tr_web_json(res, o);
    res->content_type = "application/feed+json";
}

/* The feed of artist (TR_NONE: the store's) from events pick[0..n_pick)
 * (positions in tr_web_events' list, ascending), or from every event when
 * pick is NULL: the newest FEED_ITEMS of the artist's on or after since.
 * scanned: atom's (the caller's, when it writes many), or NULL to look
 * it up when needed. */
static int feed_of(struct tr_web *w, enum tr_feed_format format, uint32_t artist, tr_day since,
                   const char *base, const uint32_t *pick, size_t n_pick, const tr_day *scanned,
                   struct tr_web_response *res, struct tr_error *err)
{
    const struct tr_milestone *ev;
    const struct tr_claim_set *cs;
    size_t n;
    int rc = tr_web_events(w, &ev, &n, err);
    if (rc || (rc = tr_web_claims(w, &cs, err)))
        return rc;
    struct post *posts = calloc(FEED_ITEMS, sizeof *posts);
    if (!posts)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    /* an artist's feed sits at artists/ID/feed.FORMAT (served) or
     * artists/BBB/NAME.feed.FORMAT (the site): its relative links climb two
     * folders to the top */
    const char *up = artist != TR_NONE && !*base ? "../../" : "";
    size_t k = 0;
    for (size_t i = pick ? n_pick : n; i > 0 && k < FEED_ITEMS; i--) {
        const struct tr_milestone *m = &ev[pick ? pick[i - 1] : i - 1];
        if (since != TR_DAY_NONE && m->date < since)
            break;
        if (artist == TR_NONE || of_artist(w->cat, m, artist))
            make_post(w, cs, m, base, up, &posts[k++]);
    }
    char title[320], self_id[320];
    struct html self = {0};
    const char *ext = format == TR_FEED_ATOM ? "atom" : "json";
    html_printf(&self, "%s%s", base, up);
    if (artist == TR_NONE) {
        snprintf(title, sizeof title, "trackrecord: milestones");
        snprintf(self_id, sizeof self_id, "feed.%s", ext);
        html_raw(&self, self_id);
    } else {
        const char *id = w->cat->artists[artist].id;
        snprintf(title, sizeof title, "trackrecord: %s", tr_subject_name(w->cat, TR_SUBJECT_ARTIST, artist));
        snprintf(self_id, sizeof self_id, "artists/%s/feed.%s", id, ext);
        if (w->site)
            web_artist_feed_href(&self, WEB_STATIC, "", id, ext);
        else
            html_raw(&self, self_id);
    }
    res->status = 200;
    res->cache = TR_WEB_CACHE_DATA;
    res->len = 0;
    if (self.failed)
        res->oom = true;
    if (format == TR_FEED_ATOM)
        atom(title, self_id, self.data ? self.data : "", k ? TR_DAY_NONE : scanned ? *scanned : scanned_to(w),
             posts, k, res);
    else
        json_feed(title, self.data ? self.data : "", base, posts, k, res);
    html_free(&self);
    free(posts);
    return 0;
}

int tr_web_feed(struct tr_web *w, enum tr_feed_format format, uint32_t artist, tr_day since,
                const char *base, struct tr_web_response *res, struct tr_error *err)
{
    return feed_of(w, format, artist, since, base, NULL, 0, NULL, res, err);
}

int tr_web_artist_feeds(struct tr_web *w, enum tr_feed_format format, tr_day empty_day,
                        int (*plan)(void *ctx, uint32_t artist, const uint32_t *posts, size_t n, bool *make),
                        int (*put)(void *ctx, uint32_t artist, const struct tr_web_response *res), void *ctx,
                        struct tr_error *err)
{
    const struct tr_catalog *c = w->cat;
    const struct tr_milestone *ev;
    size_t n;
    int rc = tr_web_events(w, &ev, &n, err);
    if (rc)
        return rc;
    /* each artist's events, oldest first (a counting sort by artist) */
    size_t *start = calloc((size_t)c->n_artists + 2, sizeof *start), total = 0;
    if (!start)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    for (size_t e = 0; e < n; e++) {
        uint32_t na;
        const uint32_t *a = event_artists(c, &ev[e], &na);
        for (uint32_t k = 0; k < na; k++)
            start[a[k] + 2]++;
        total += na;
    }
    for (uint32_t a = 0; a < c->n_artists; a++)
        start[a + 2] += start[a + 1];
    uint32_t *pick = malloc((total ? total : 1) * sizeof *pick);
    if (!pick || n > UINT32_MAX) {
        free(start);
        free(pick);
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    for (size_t e = 0; e < n; e++) {
        uint32_t na;
        const uint32_t *a = event_artists(c, &ev[e], &na);
        for (uint32_t k = 0; k < na; k++)
            pick[start[a[k] + 1]++] = (uint32_t)e;
    }
    /* start[a] .. start[a + 1]: artist a's */
    for (uint32_t a = 0; a < c->n_artists && !rc; a++) {
        size_t n_a = start[a + 1] - start[a], held = n_a > FEED_ITEMS ? FEED_ITEMS : n_a;
        bool make = true;
        if (plan && ((rc = plan(ctx, a, pick + start[a + 1] - held, held, &make)) || !make))
            continue;
        struct tr_web_response res = {0};
        rc = feed_of(w, format, a, TR_DAY_NONE, "", pick + start[a], n_a, &empty_day, &res, err);
        if (!rc)
            rc = put(ctx, a, &res);
        tr_web_response_release(&res);
    }
    free(pick);
    free(start);
    return rc;
}
