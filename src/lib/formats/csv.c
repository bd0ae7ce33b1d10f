/*
 * csv.c: the CSV reader of csv.h and its typed field parsers.
 *
 * tr_csv_next() walks the buffer once.  An unquoted field is found by a
 * word-at-a-time scan for the four bytes that can end or spoil it
 * (separator, quote, CR, LF), eight bytes per step; a quoted field by
 * memchr() for the closing quote.  Nothing is allocated per field: fields
 * point into the buffer, and only a quoted field with doubled quotes is
 * copied, unescaped, into the reader's scratch buffer, which is reset for
 * every record and grows (bounded by the field limits) when needed.
 *
 * The reader never reads past buf + len, so the buffer need not be
 * NUL-terminated.  Line numbers count LF, CRLF and a lone CR as one line
 * end each, including those inside quoted fields.
 */
#include "formats/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_MAX 60   /* bytes of a bad value quoted in a message */

/* ---- messages ---------------------------------------------------------- */

static const char *file_name(const struct tr_csv *r)
{
    return r->file ? r->file : "<input>";
}

/*
 * Copies at most EXCERPT_MAX bytes of s[0..len) into out for a message,
 * control bytes shown as '?', "..." when cut.  out needs EXCERPT_MAX + 4.
 */
static const char *excerpt(char *out, const char *s, size_t len)
{
    size_t n = len < EXCERPT_MAX ? len : EXCERPT_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(out + n, "...", 4);
    } else {
        out[n] = '\0';
    }
    return out;
}

/* The end of the malformed field that holds p (its next separator or line
 * end), so that a message quotes the whole field and no more. */
static const char *bad_field_end(const char *p, const char *end, char sep)
{
    while (p < end && *p != sep && *p != '\n' && *p != '\r')
        p++;
    return p;
}

/* "streams" (given), the header's name, or "field 3" (1-based). */
static const char *field_label(const struct tr_csv *r, size_t i, const char *name,
                               char buf[32])
{
    if (name)
        return name;
    if (i < r->n_header && r->header[i][0] != '\0')
        return r->header[i];
    snprintf(buf, 32, "field %zu", i + 1);
    return buf;
}

/* ---- reader ------------------------------------------------------------ */

void tr_csv_init(struct tr_csv *r, const char *file, const char *buf, size_t len)
{
    /* Only the private part and the counters need clearing: fields[] is
     * written before it is read, and it is most of the struct. */
    r->file = file;
    r->line = 0;
    r->n_fields = 0;
    r->pos = buf ? buf : "";
    r->end = r->pos + (buf ? len : 0);
    r->next_line = 1;
    r->sep = ',';
    r->failed = TR_OK;
    r->scratch = NULL;
    r->scratch_len = 0;
    r->scratch_cap = 0;
    r->header = NULL;
    r->n_header = 0;
    if (r->end - r->pos >= 3 && memcmp(r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
}

int tr_csv_init_sep(struct tr_csv *r, const char *file, const char *buf, size_t len, char sep)
{
    tr_csv_init(r, file, buf, len);
    if (sep == '"' || sep == '\n' || sep == '\r' || sep == '\0')
        return TR_EUSAGE;
    r->sep = sep;
    return TR_OK;
}

static void free_header(struct tr_csv *r)
{
    for (size_t i = 0; i < r->n_header; i++)
        free(r->header[i]);
    free(r->header);
    r->header = NULL;
    r->n_header = 0;
}

void tr_csv_release(struct tr_csv *r)
{
    if (!r)
        return;
    free(r->scratch);
    r->scratch = NULL;
    r->scratch_len = 0;
    r->scratch_cap = 0;
    free_header(r);
}

/*
 * Position of the first separator, quote, CR or LF in [p, end), or end.
 * Eight bytes per step: a byte of w equal to c makes the corresponding
 * byte of (w ^ c*ONES) zero, which has_zero() flags.
 */
#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t has_zero(uint64_t x)
{
    return (x - ONES) & ~x & HIGHS;
}

static const char *scan_unquoted(const char *p, const char *end, char sep)
{
    const uint64_t sepw = ONES * (unsigned char)sep;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t hit = has_zero(w ^ sepw) | has_zero(w ^ (ONES * '"')) |
                       has_zero(w ^ (ONES * '\n')) | has_zero(w ^ (ONES * '\r'));
        if (hit) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* The lowest flagged byte is always a true match (a borrow
             * can only spoil the bytes above it). */
            return p + (__builtin_ctzll(hit) >> 3);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && *p != sep && *p != '"' && *p != '\n' && *p != '\r')
        p++;
    return p;
}

/* Number of line ends (LF, CRLF, lone CR) in [p, end). */
static size_t count_line_ends(const char *p, const char *end)
{
    size_t n = 0;
    for (; p < end; p++) {
        if (*p == '\n')
            n++;
        else if (*p == '\r' && (p + 1 == end || p[1] != '\n'))
            n++;
    }
    return n;
}

/* Skips the line end at p (CR, LF or CRLF). */
static const char *skip_line_end(const char *p, const char *end)
{
    if (*p == '\r' && p + 1 < end && p[1] == '\n')
        return p + 2;
    return p + 1;
}

/*
 * Makes room for need more bytes in the scratch buffer.  Fields of the
 * current record already unescaped there are moved along with it.
 */
static int scratch_reserve(struct tr_csv *r, size_t need, size_t n_done, struct tr_error *err)
{
    if (r->scratch_cap - r->scratch_len >= need)
        return TR_OK;
    size_t cap = r->scratch_cap ? r->scratch_cap : 256;
    while (cap - r->scratch_len < need)
        cap *= 2;
    char *fresh = malloc(cap);
    if (!fresh)
        return tr_error_set(err, TR_ENOMEM, "%s:%zu: out of memory reading a quoted field",
                            file_name(r), r->line);
    if (r->scratch_len)
        memcpy(fresh, r->scratch, r->scratch_len);
    uintptr_t old = (uintptr_t)r->scratch;
    for (size_t i = 0; i < n_done; i++) {
        uintptr_t s = (uintptr_t)r->fields[i].s;
        if (r->fields[i].quoted && r->scratch && s >= old && s - old < r->scratch_len)
            r->fields[i].s = fresh + (s - old);
    }
    free(r->scratch);
    r->scratch = fresh;
    r->scratch_cap = cap;
    return TR_OK;
}

/*
 * Reads the quoted field whose opening quote is at *pp into field i, and
 * leaves *pp just past the closing quote; *line counts the line ends in it.
 */
static int read_quoted(struct tr_csv *r, const char **pp, size_t *line, size_t i,
                       struct tr_error *err)
{
    const char *start = *pp + 1, *end = r->end, *q = start, *close;
    size_t doubled = 0;
    for (;;) {
        close = memchr(q, '"', (size_t)(end - q));
        if (!close)
            return tr_error_set(err, TR_EFORMAT, "%s:%zu: unterminated quoted field (truncated file?)",
                                file_name(r), *line);
        if (close + 1 < end && close[1] == '"') {
            doubled++;
            q = close + 2;
            continue;
        }
        break;
    }
    size_t raw = (size_t)(close - start), len = raw - doubled;
    if (len > TR_CSV_MAX_FIELD) {
        char lb[32];
        return tr_error_set(err, TR_ELIMIT, "%s:%zu: %s: field longer than %u bytes",
                            file_name(r), *line, field_label(r, i, NULL, lb), TR_CSV_MAX_FIELD);
    }
    *line += count_line_ends(start, close);

    struct tr_csv_field *f = &r->fields[i];
    f->len = len;
    f->quoted = true;
    if (doubled == 0) {
        f->s = start;
    } else {
        int rc = scratch_reserve(r, len, i, err);
        if (rc != TR_OK)
            return rc;
        char *out = r->scratch + r->scratch_len;
        f->s = out;
        for (const char *p = start; p < close; p++) {
            *out++ = *p;
            if (*p == '"')
                p++;   /* the second quote of a pair */
        }
        r->scratch_len += len;
    }
    *pp = close + 1;
    return TR_OK;
}

int tr_csv_next(struct tr_csv *r, struct tr_error *err)
{
    r->n_fields = 0;
    if (r->failed != TR_OK)
        return tr_error_set(err, r->failed, "%s: reading stopped at an earlier error", file_name(r));
    r->scratch_len = 0;

    const char *p = r->pos, *end = r->end;
    size_t line = r->next_line;
    const char sep = r->sep;
    char eb[EXCERPT_MAX + 4], lb[32];
    int rc = TR_OK;

    while (p < end && (*p == '\n' || *p == '\r')) {
        p = skip_line_end(p, end);
        line++;
    }
    r->line = line;
    if (p == end)
        goto done;

    size_t n = 0;
    for (;;) {
        if (n == TR_CSV_MAX_FIELDS) {
            rc = tr_error_set(err, TR_ELIMIT, "%s:%zu: more than %d fields in a record",
                              file_name(r), line, TR_CSV_MAX_FIELDS);
            goto fail;
        }
        if (p < end && *p == '"') {
            const char *open = p;
            if ((rc = read_quoted(r, &p, &line, n, err)) != TR_OK)
                goto fail;
            if (p < end && *p != sep && *p != '\n' && *p != '\r') {
                rc = tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: text after closing quote: '%s'",
                                  file_name(r), line, field_label(r, n, NULL, lb),
                                  excerpt(eb, open, (size_t)(bad_field_end(p, end, sep) - open)));
                goto fail;
            }
        } else {
            /* a quote inside an unquoted field is taken as a literal
             * character, as spreadsheets write it: note,first week; "1.67M" */
            const char *stop = scan_unquoted(p, end, sep);
            while (stop < end && *stop == '"')
                stop = scan_unquoted(stop + 1, end, sep);
            if ((size_t)(stop - p) > TR_CSV_MAX_FIELD) {
                rc = tr_error_set(err, TR_ELIMIT, "%s:%zu: %s: field longer than %u bytes",
                                  file_name(r), line, field_label(r, n, NULL, lb),
                                  TR_CSV_MAX_FIELD);
                goto fail;
            }
            r->fields[n].s = p;
            r->fields[n].len = (size_t)(stop - p);
            r->fields[n].quoted = false;
            p = stop;
        }
        n++;
        /* p is at the end, a separator or a line end. */
        if (p == end)
            break;
        if (*p == sep) {
            p++;
            continue;
        }
        p = skip_line_end(p, end);
        line++;
        break;
    }
    r->n_fields = n;
done:
    r->pos = p;
    r->next_line = line;
    return TR_OK;
fail:
    r->failed = rc;
    r->n_fields = 0;
    r->pos = end;
    return rc;
}

const char *tr_csv_rest(const struct tr_csv *r, size_t *line)
{
    *line = r->next_line;
    return r->pos;
}

/* ---- header ------------------------------------------------------------ */

static void trim(const char **s, size_t *len)
{
    const char *p = *s, *e = *s + *len;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *s = p;
    *len = (size_t)(e - p);
}

int tr_csv_header(struct tr_csv *r, struct tr_error *err)
{
    int rc = tr_csv_next(r, err);
    if (rc != TR_OK)
        return rc;
    if (r->n_fields == 0)
        return tr_error_set(err, TR_EFORMAT, "%s: empty file, expected a header line",
                            file_name(r));
    free_header(r);
    char **names = calloc(r->n_fields, sizeof *names);
    if (!names)
        goto nomem;
    for (size_t i = 0; i < r->n_fields; i++) {
        const char *s = r->fields[i].s;
        size_t len = r->fields[i].len;
        trim(&s, &len);
        names[i] = malloc(len + 1);
        if (!names[i]) {
            for (size_t j = 0; j < i; j++)
                free(names[j]);
            free(names);
            goto nomem;
        }
        memcpy(names[i], s, len);
        names[i][len] = '\0';
    }
    r->header = names;
    r->n_header = r->n_fields;
    return TR_OK;
nomem:
    return tr_error_set(err, TR_ENOMEM, "%s:%zu: out of memory reading the header",
                        file_name(r), r->line);
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ascii_equal_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
            return false;
    return *a == *b;
}

int tr_csv_column(const struct tr_csv *r, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < r->n_header; i++)
        if (ascii_equal_nocase(r->header[i], name))
            return (int)i;
    return -1;
}

size_t tr_csv_header_count(const struct tr_csv *r)
{
    return r->n_header;
}

const char *tr_csv_header_name(const struct tr_csv *r, size_t i)
{
    return i < r->n_header ? r->header[i] : NULL;
}

/* ---- typed fields ------------------------------------------------------ */

/* Field i of the current record, or an empty one when missing. */
static void get_field(const struct tr_csv *r, size_t i, const char **s, size_t *len)
{
    if (i < r->n_fields) {
        *s = r->fields[i].s;
        *len = r->fields[i].len;
    } else {
        *s = "";
        *len = 0;
    }
}

bool tr_csv_empty(const struct tr_csv *r, size_t i)
{
    return i >= r->n_fields || r->fields[i].len == 0;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    return len > 0;
}

int tr_csv_u64(const struct tr_csv *r, size_t i, const char *name, uint64_t *out,
               struct tr_error *err)
{
    const char *raw, *s;
    size_t raw_len, len;
    char eb[EXCERPT_MAX + 4], lb[32];
    get_field(r, i, &raw, &raw_len);
    s = raw;
    len = raw_len;
    trim(&s, &len);
    const char *label = field_label(r, i, name, lb);

    if (len == 0)
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: empty value, expected a non-negative integer",
                            file_name(r), r->line, label);
    if (s[0] == '-' && all_digits(s + 1, len - 1))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: not a non-negative integer: '%s'",
                            file_name(r), r->line, label, excerpt(eb, raw, raw_len));
    if (!all_digits(s, len))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: not an integer: '%s'",
                            file_name(r), r->line, label, excerpt(eb, raw, raw_len));
    uint64_t v = 0;
    for (size_t k = 0; k < len; k++) {
        unsigned d = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: number too large for 64 bits: '%s'",
                                file_name(r), r->line, label, excerpt(eb, raw, raw_len));
        v = v * 10 + d;
    }
    *out = v;
    return TR_OK;
}

int tr_csv_day(const struct tr_csv *r, size_t i, const char *name, tr_day *out,
               struct tr_error *err)
{
    const char *raw, *s;
    size_t raw_len, len;
    char eb[EXCERPT_MAX + 4], lb[32];
    get_field(r, i, &raw, &raw_len);
    s = raw;
    len = raw_len;
    trim(&s, &len);
    const char *label = field_label(r, i, name, lb);

    if (len == 0)
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: empty value, expected a date (YYYY-MM-DD)",
                            file_name(r), r->line, label);
    if (tr_day_parse(s, len, out) != 0)
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: not a date (YYYY-MM-DD): '%s'",
                            file_name(r), r->line, label, excerpt(eb, raw, raw_len));
    return TR_OK;
}

tr_day tr_data_day_latest(void)
{
    return tr_day_today() + 1;
}

#define DATA_YEAR_FIRST 1900

bool tr_data_day_ok(tr_day day)
{
    return day >= tr_day_from_ymd(DATA_YEAR_FIRST, 1, 1) && day <= tr_data_day_latest();
}

int tr_data_day_check(const char *where, const char *field, tr_day day, struct tr_error *err)
{
    tr_day latest = tr_data_day_latest();
    char d[TR_DATE_LEN], l[TR_DATE_LEN];
    if (day < tr_day_from_ymd(DATA_YEAR_FIRST, 1, 1))
        return tr_error_set(err, TR_EFORMAT, "%s: %s: %s is before %d (a typo for a later year?)", where,
                            field, tr_day_format(day, d), DATA_YEAR_FIRST);
    if (day <= latest)
        return TR_OK;
    return tr_error_set(err, TR_EFORMAT,
                        "%s: %s: %s is in the future (the latest day data can be for is"
                        " tomorrow, %s UTC)",
                        where, field, tr_day_format(day, d), tr_day_format(latest, l));
}

int tr_csv_data_day(const struct tr_csv *r, size_t i, const char *name, tr_day *out,
                    struct tr_error *err)
{
    char lb[32], where[300];
    int rc = tr_csv_day(r, i, name, out, err);
    if (rc || tr_data_day_ok(*out))
        return rc;
    snprintf(where, sizeof where, "%s:%zu", file_name(r), r->line);
    return tr_data_day_check(where, field_label(r, i, name, lb), *out, err);
}

int tr_csv_str(const struct tr_csv *r, size_t i, const char *name, char **out,
               struct tr_error *err)
{
    const char *s;
    size_t len;
    char eb[EXCERPT_MAX + 4], lb[32];
    get_field(r, i, &s, &len);
    if (memchr(s, '\0', len))
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: NUL byte in value: '%s'",
                            file_name(r), r->line, field_label(r, i, name, lb),
                            excerpt(eb, s, len));
    char *copy = malloc(len + 1);
    if (!copy)
        return tr_error_set(err, TR_ENOMEM, "%s:%zu: %s: out of memory",
                            file_name(r), r->line, field_label(r, i, name, lb));
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = copy;
    return TR_OK;
}

int tr_csv_expect_fields(const struct tr_csv *r, size_t n, struct tr_error *err)
{
    if (r->n_fields == n)
        return TR_OK;
    return tr_error_set(err, TR_EFORMAT, "%s:%zu: expected %zu fields, found %zu (%s)",
                        file_name(r), r->line, n, r->n_fields,
                        r->n_fields < n ? "truncated line?" : "unquoted separator in a value?");
}
