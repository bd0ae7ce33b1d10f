/* html.c: the page buffer and its escaping (web/html.h). */
#include "web/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct html *h, size_t more)
{
    if (h->failed)
        return false;
    if (h->len + more + 1 <= h->cap)
        return true;
    size_t cap = h->cap ? h->cap : 4096;
    while (cap < h->len + more + 1)
        cap *= 2;
    char *d = realloc(h->data, cap);
    if (!d) {
        h->failed = true;
        return false;
    }
    h->data = d;
    h->cap = cap;
    return true;
}

void html_free(struct html *h)
{
    free(h->data);
    *h = (struct html){0};
}

void html_reset(struct html *h)
{
    h->len = 0;
    h->failed = false;
    if (h->data)
        h->data[0] = '\0';
}

char *html_take(struct html *h, size_t *len)
{
    if (h->failed || !reserve(h, 0)) {
        html_free(h);
        return NULL;
    }
    char *d = h->data;
    d[h->len] = '\0';
    if (len)
        *len = h->len;
    *h = (struct html){0};
    return d;
}

void html_rawn(struct html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->data + h->len, s, n);
    h->len += n;
    h->data[h->len] = '\0';
}

void html_raw(struct html *h, const char *s)
{
    html_rawn(h, s, strlen(s));
}

void html_printf(struct html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(h, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(h->data + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

void html_text(struct html *h, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                      : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
        if (!e)
            continue;
        html_rawn(h, run, (size_t)(s - run));
        html_raw(h, e);
        run = s + 1;
    }
    html_rawn(h, run, (size_t)(s - run));
}

char *html_format_count(uint64_t v, char *buf, size_t size)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t o = 0;
    for (int i = n - 1; i >= 0 && o + 1 < size; i--) {
        buf[o++] = digits[i];
        if (i && i % 3 == 0 && o + 1 < size)
            buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

/* Writes v in decimal at o (room for 20 digits and a sign); returns the end. */
static char *put_int(char *o, int64_t v)
{
    char digits[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *o++ = '-';
    while (n)
        *o++ = digits[--n];
    return o;
}

void html_int(struct html *h, int64_t v)
{
    html_ints(h, &v, 1);
}

void html_ints(struct html *h, const int64_t *v, size_t n)
{
    if (!n || !reserve(h, n * 21))
        return;
    char *o = h->data + h->len;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = ',';
        o = put_int(o, v[i]);
    }
    *o = '\0';
    h->len = (size_t)(o - h->data);
}

/* The code point of the UTF-8 sequence at s (*len its bytes), or -1 when
 * it is not one jansson takes (overlong, a surrogate, past U+10FFFF). */
static int32_t utf8_next(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (!n)
        return -1;
    int32_t cp = n == 1 ? (int32_t)c : (int32_t)(c & (0x7F >> n));
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    static const int32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = n;
    return cp;
}

/* The bytes html_json gives for json_string(s) (JSON_ENSURE_ASCII: other
 * than ASCII as \uXXXX, above the BMP as a surrogate pair; control codes
 * as jansson writes them; '<' as \u003c), without a json_t per string.
 * Not UTF-8, as json_string refuses it: h fails. */
void html_json_string(struct html *h, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    html_rawn(h, "\"", 1);
    const unsigned char *run = s;
    while (*s) {
        unsigned char c = *s;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<') {
            s++;
            continue;
        }
        html_rawn(h, (const char *)run, (size_t)(s - run));
        size_t len = 1;
        int32_t cp = utf8_next(s, &len);
        char seq[16];
        if (cp < 0) {
            h->failed = true;
            return;
        } else if (c == '"' || c == '\\') {
            seq[0] = '\\', seq[1] = (char)c, seq[2] = 0;
        } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            seq[0] = '\\', seq[1] = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            seq[2] = 0;
        } else if (c == '<') {
            memcpy(seq, "\\u003c", 7);
        } else if (cp < 0x10000) {
            snprintf(seq, sizeof seq, "\\u%04X", (unsigned)cp);
        } else {
            int32_t v = cp - 0x10000;
            snprintf(seq, sizeof seq, "\\u%04X\\u%04X", (unsigned)(0xD800 | (v >> 10)), (unsigned)(0xDC00 | (v & 0x3FF)));
        }
        html_raw(h, seq);
        s += len;
        run = s;
    }
    html_rawn(h, (const char *)run, (size_t)(s - run));
    html_rawn(h, "\"", 1);
}

void html_count(struct html *h, uint64_t v)
{
    char buf[32];
    html_raw(h, html_format_count(v, buf, sizeof buf));
}

void html_gain(struct html *h, int64_t v)
{
    html_raw(h, v < 0 ? "-" : "+");
    html_count(h, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void html_day(struct html *h, tr_day d)
{
    char buf[TR_DATE_LEN];
    html_raw(h, tr_day_format(d, buf));
}

/* RFC 3986's unreserved characters: a URL segment keeps them as they are. */
static bool url_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~';
}

bool html_url_plain(const char *s)
{
    while (s && *s && url_unreserved((unsigned char)*s))
        s++;
    return !s || !*s;
}

void html_url_segment(struct html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    while (s && *s) {
        const char *run = s;
        while (*s && url_unreserved((unsigned char)*s))
            s++;
        html_rawn(h, run, (size_t)(s - run));
        if (*s) {
            unsigned char c = (unsigned char)*s++;
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            html_rawn(h, e, 3);
        }
    }
}

static int dump_escaped(const char *buf, size_t size, void *data)
{
    struct html *h = data;
    const char *run = buf;
    for (size_t i = 0; i < size; i++) {
        if (buf[i] != '<')
            continue;
        html_rawn(h, run, (size_t)(buf + i - run));
        html_raw(h, "\\u003c");
        run = buf + i + 1;
    }
    html_rawn(h, run, (size_t)(buf + size - run));
    return h->failed ? -1 : 0;
}

void html_json(struct html *h, const json_t *v)
{
    if (json_dump_callback(v, dump_escaped, h, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY) != 0)
        h->failed = true;
}

/* Base letters of U+00C0..U+017F (Latin-1 Supplement and Latin Extended-A),
 * so that "Beyoncé" and "beyonce" fold alike; '\0' where there is none. */
static const char latin_base[] =
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"     /* C0..DF */
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty"     /* E0..FF */
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
    "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";  /* 100..17F */

char *html_fold(const char *s, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (p[0] < 0x80) {
            *out++ = (char)(p[0] >= 'A' && p[0] <= 'Z' ? p[0] + 32 : p[0]);
            p++;
            continue;
        }
        if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
            unsigned cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
            if (cp >= 0xc0 && cp <= 0x17f && latin_base[cp - 0xc0]) {
                *out++ = latin_base[cp - 0xc0];
                p += 2;
                continue;
            }
        }
        *out++ = (char)*p++;
    }
    *out = '\0';
    return out;
}
