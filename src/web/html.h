/*
 * web/html.h: building a page in memory.  A struct html is a growable
 * byte buffer; the put functions escape what they are given for the place
 * it goes (text and attribute values, JSON inside a <script>), format
 * counts with thousands separators and days as UTC dates.  A failed
 * allocation is remembered (html.failed) and later calls do nothing, so a
 * page is written straight through and checked once at the end.
 */
#ifndef TR_WEB_HTML_H
#define TR_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "trackrecord/date.h"

struct html {
    char *data;
    size_t len, cap;
    bool failed;             /* an allocation failed: the page is lost */
};

void html_free(struct html *h);
/* Empties the buffer, keeping its memory. */
void html_reset(struct html *h);
/* Hands the bytes over (NUL-terminated; the caller free()s them) and
 * empties h; NULL when an allocation had failed. */
char *html_take(struct html *h, size_t *len);

/* Raw bytes (markup the caller wrote). */
void html_raw(struct html *h, const char *s);
void html_rawn(struct html *h, const char *s, size_t n);
void html_printf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text or an attribute value: & < > " ' escaped. */
void html_text(struct html *h, const char *s);
/* 1234567 as "1,234,567"; a signed gain as "+1,234" or "-1,234". */
void html_count(struct html *h, uint64_t v);
void html_gain(struct html *h, int64_t v);
/* "2024-02-25"; "-" for TR_DAY_NONE. */
void html_day(struct html *h, tr_day d);
/* A path segment of a link, percent-encoded (ids are mostly [A-Za-z0-9]). */
void html_url_segment(struct html *h, const char *s);
/* Whether html_url_segment leaves s as it is. */
bool html_url_plain(const char *s);
/* JSON for a <script type="application/json">: compact, and '<' written
 * as \u003c so that no "</script>" can end the element early. */
void html_json(struct html *h, const json_t *v);

/* A plain integer ("-1234"), for data attributes and JSON. */
void html_int(struct html *h, int64_t v);
/* v[0..n) as html_int writes them, separated by commas. */
void html_ints(struct html *h, const int64_t *v, size_t n);
/* A JSON string (quoted, escaped as html_json does). */
void html_json_string(struct html *h, const char *s);

/* Appends s folded for search (ASCII lower case, the accents of Latin-1
 * and Latin Extended-A dropped: "Beyoncé" as "beyonce") to out (room for
 * strlen(s) + 1); returns the end.  The search of the API and of the
 * static site's index (app.js folds alike). */
char *html_fold(const char *s, char *out);

/* "1,234,567" into buf (at least 27 bytes). */
char *html_format_count(uint64_t v, char *buf, size_t size);

#endif
