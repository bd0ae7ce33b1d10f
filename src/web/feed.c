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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FEED_ITEMS = 50 };

/* Does event m belong to artist a's feed (its own, its releases', the
 * tracks crediting it)? */
static bool of_artist(const struct tr_catalog *c, const struct tr_milestone *m, uint32_t a)
{
    const uint32_t *v;
    uint32_t n;
    if (m->subject_type == TR_SUBJECT_ARTIST)
        return m->subject == a;
    if (m->subject_type == TR_SUBJECT_RELEASE) {
        v = c->releases[m->subject].artists;
        n = c->releases[m->subject].n_artists;
    } else {
        v = c->tracks[m->subject].artists;
        n = c->tracks[m->subject].n_artists;
    }
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
    char link[320];
    char date[32];                 /* RFC 3339, midnight UTC of the data date */
};

/* The post of m: its title, its text (the published claims' post, else a
 * line of its own) and its stable id. */
static void make_post(struct tr_web *w, const struct tr_claim_set *cs, const struct tr_milestone *m,
                      struct post *p)
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
    snprintf(p->link, sizeof p->link, "%ss/%s%s", type, id, w->site ? ".html" : "");
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

/* An Atom feed.  Its updated is its newest post's date; a feed without
 * posts (an artist with no milestone yet) gives the last day the store's
 * milestones were looked for (RFC 4287 wants one), 1970 only for a store
 * without data. */
static void atom(struct tr_web *w, const char *title, const char *self, const char *base,
                 const struct post *posts, size_t n, struct tr_web_response *res)
{
    char updated[40] = "1970-01-01T00:00:00Z", d[TR_DATE_LEN];
    tr_day scanned = TR_DAY_NONE;
    struct tr_error ignored = {0};
    if (n)
        snprintf(updated, sizeof updated, "%s", posts[0].date);
    else if (tr_milestones_scanned_to(w->store, &scanned, &ignored) == 0 && scanned != TR_DAY_NONE)
        snprintf(updated, sizeof updated, "%sT00:00:00Z", tr_day_format(scanned, d));
    res->content_type = "application/atom+xml; charset=utf-8";
    tr_web_puts(res, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>");
    tr_web_put_escaped(res, title);
    tr_web_puts(res, "</title>\n  <id>urn:trackrecord:feed:");
    tr_web_put_escaped(res, self);
    tr_web_printf(res, "</id>\n  <updated>%s</updated>\n", updated);
    tr_web_puts(res, "  <author><name>trackrecord</name></author>\n  <link rel=\"self\" href=\"");
    tr_web_put_escaped(res, base);
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
        tr_web_put_escaped(res, base);
        tr_web_put_escaped(res, p->link);
        tr_web_puts(res, "\"/>\n    <content type=\"text\">");
        tr_web_put_escaped(res, p->text);
        tr_web_puts(res, "</content>\n  </entry>\n");
    }
    tr_web_puts(res, "</feed>\n");
}

static void json_feed(const char *title, const char *self, const char *base,
                      const struct post *posts, size_t n, struct tr_web_response *res)
{
    char url[640];
    json_t *o = json_object(), *items = json_array();
    json_object_set_new(o, "version", json_string("https://jsonfeed.org/version/1.1"));
    json_object_set_new(o, "title", json_string(title));
    if (*base) {
        json_object_set_new(o, "home_page_url", json_string(base));
        snprintf(url, sizeof url, "%s%s", base, self);
        json_object_set_new(o, "feed_url", json_string(url));
    }
    for (size_t i = 0; i < n; i++) {
        const struct post *p = &posts[i];
        json_t *it = json_object();
        json_object_set_new(it, "id", json_string(p->id));
        snprintf(url, sizeof url, "%s%s", base, p->link);
        json_object_set_new(it, "url", json_string(url));
        json_object_set_new(it, "title", json_string(p->title));
        json_object_set_new(it, "content_text", json_string(p->text));
        json_object_set_new(it, "date_published", json_string(p->date));
        json_array_append_new(items, it);
    }
    json_object_set_new(o, "items", items);
    tr_web_json(res, o);
    res->content_type = "application/feed+json";
}

int tr_web_feed(struct tr_web *w, enum tr_feed_format format, uint32_t artist, tr_day since,
                const char *base, struct tr_web_response *res, struct tr_error *err)
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
    size_t k = 0;
    for (size_t i = n; i > 0 && k < FEED_ITEMS; i--) {
        const struct tr_milestone *m = &ev[i - 1];
        if (since != TR_DAY_NONE && m->date < since)
            break;
        if (artist == TR_NONE || of_artist(w->cat, m, artist))
            make_post(w, cs, m, &posts[k++]);
    }
    char title[320], self[320];
    const char *ext = format == TR_FEED_ATOM ? "atom" : "json";
    if (artist == TR_NONE) {
        snprintf(title, sizeof title, "trackrecord: milestones");
        snprintf(self, sizeof self, "feed.%s", ext);
    } else {
        snprintf(title, sizeof title, "trackrecord: %s", tr_subject_name(w->cat, TR_SUBJECT_ARTIST, artist));
        snprintf(self, sizeof self, "artists/%s/feed.%s", w->cat->artists[artist].id, ext);
    }
    res->status = 200;
    res->cache = TR_WEB_CACHE_DATA;
    res->len = 0;
    if (format == TR_FEED_ATOM)
        atom(w, title, self, base, posts, k, res);
    else
        json_feed(title, self, base, posts, k, res);
    free(posts);
    return 0;
}
