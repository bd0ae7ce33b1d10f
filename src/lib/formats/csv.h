/*
 * csv.h: a bounded, zero-copy CSV reader over a buffer in memory.
 *
 * The reader never copies the input: a field is a (pointer, length) pair
 * into the caller's buffer, except a quoted field holding doubled quotes
 * (""), which is unescaped into a scratch buffer owned by the reader.
 * Field pointers stay valid until the next tr_csv_next() or
 * tr_csv_release() on the same reader; the buffer must outlive the reader.
 *
 * Accepted input: an optional UTF-8 byte order mark at the very start; LF,
 * CRLF or a lone CR as line ends; quoted fields that hold separators,
 * doubled quotes and line breaks; a missing final line end.  Empty lines
 * are skipped but counted, so line numbers are those of an editor.
 *
 * Limits (TR_ELIMIT): TR_CSV_MAX_FIELDS fields per record and
 * TR_CSV_MAX_FIELD bytes per field (after unescaping).  Malformed input is
 * TR_EFORMAT.  Every message starts "file:line: ".
 *
 * Usage:
 *     struct tr_csv r;
 *     tr_csv_init(&r, "streams.csv", in->data, in->len);
 *     if ((rc = tr_csv_header(&r, err)) != TR_OK) goto out;
 *     int c_day = tr_csv_column(&r, "date");
 *     while ((rc = tr_csv_next(&r, err)) == TR_OK && r.n_fields > 0) {
 *         ... tr_csv_day(&r, c_day, "date", &day, err) ...
 *     }
 *   out:
 *     tr_csv_release(&r);
 */
#ifndef TRACKRECORD_CSV_H
#define TRACKRECORD_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/date.h"
#include "trackrecord/error.h"

#define TR_CSV_MAX_FIELDS 1024          /* fields per record */
#define TR_CSV_MAX_FIELD  (1u << 20)    /* bytes per field (1 MiB) */

/* One field of the current record.  s is not NUL-terminated. */
struct tr_csv_field {
    const char *s;   /* into the input buffer, or into the reader's scratch */
    size_t len;
    bool quoted;     /* the field was written between quotes */
};

/*
 * Caller-allocated (about 25 KiB, fine on the stack).  The members above
 * the line are read-only for callers; the rest is private.
 */
struct tr_csv {
    const char *file;          /* name used in messages (borrowed) */
    size_t line;               /* physical line (1-based) where the current record starts */
    size_t n_fields;           /* fields of the current record; 0 at end of input */
    struct tr_csv_field fields[TR_CSV_MAX_FIELDS];
    /* ---- private ---- */
    const char *pos;           /* next byte to read */
    const char *end;           /* one past the last byte of the buffer */
    size_t next_line;          /* physical line at pos */
    char sep;                  /* field separator: ',', ';' or '\t' */
    int failed;                /* code of an earlier error: reading stops */
    char *scratch;             /* unescaped quoted fields of the current record */
    size_t scratch_len;
    size_t scratch_cap;
    char **header;             /* column names from tr_csv_header(), trimmed */
    size_t n_header;
};

/* Starts reading buf[0..len) with ',' as separator.  file and buf are
 * borrowed; file (may be NULL) names the input in messages. */
void tr_csv_init(struct tr_csv *r, const char *file, const char *buf, size_t len);
/* The same with another separator (',', ';', '\t', '|' or any byte other
 * than '"', CR, LF and NUL).  Returns TR_OK, or TR_EUSAGE for an unusable
 * separator, in which case r is initialised with ','. */
int tr_csv_init_sep(struct tr_csv *r, const char *file, const char *buf, size_t len, char sep);
/* Frees the scratch buffer and the header copy; r may be initialised again. */
void tr_csv_release(struct tr_csv *r);

/*
 * Reads the next record.  Returns TR_OK with r->n_fields > 0 for a record,
 * TR_OK with r->n_fields == 0 at end of input, or an error code
 * (TR_EFORMAT, TR_ELIMIT, TR_ENOMEM).  After an error the reader stops:
 * later calls return the same code.  Structural errors name the physical
 * line where the problem is; an unterminated quoted field names the line
 * where its opening quote is.
 */
int tr_csv_next(struct tr_csv *r, struct tr_error *err);

/*
 * Reads the first record as the header and keeps a copy of its column
 * names, trimmed of surrounding spaces.  An input with no record is
 * TR_EFORMAT.  Once a header is known, messages name columns by it.
 */
int tr_csv_header(struct tr_csv *r, struct tr_error *err);
/* Where reading stands: the input not read yet starts at the returned
 * pointer, on physical line *line (for a reader that takes the rest of the
 * body another way, such as streams_scan.h). */
const char *tr_csv_rest(const struct tr_csv *r, size_t *line);
/* Index of the first header column equal to name (ASCII case-insensitive),
 * or -1 (also when no header was read). */
int tr_csv_column(const struct tr_csv *r, const char *name);
size_t tr_csv_header_count(const struct tr_csv *r);
/* Column name i (borrowed), or NULL when i is out of range. */
const char *tr_csv_header_name(const struct tr_csv *r, size_t i);

/*
 * Typed fields of the current record.  i is the field index, name the
 * field's name for messages (NULL: the header's name, else "field N").
 * Each failure is TR_EFORMAT with "file:line: name: ..." and the value
 * quoted.  A missing field (i >= n_fields) is treated as an empty one.
 */

/* Strict decimal digits, surrounding spaces trimmed; "158040.0", "+5" and
 * "1e6" are refused, as are empty, negative and over-UINT64_MAX values. */
int tr_csv_u64(const struct tr_csv *r, size_t i, const char *name, uint64_t *out,
               struct tr_error *err);
/* "YYYY-MM-DD" (see tr_day_parse), surrounding spaces trimmed. */
int tr_csv_day(const struct tr_csv *r, size_t i, const char *name, tr_day *out,
               struct tr_error *err);
/* The day of a play count or chart, which must have begun somewhere: a day
 * after tomorrow (UTC, tr_day_today() + 1; tomorrow for the time zones
 * ahead of UTC) or before 1900-01-01 (before any chart or count) is a typo
 * such as 7877 or 1023 for 2023; taken as data it would stretch the store
 * over millennia.  Both are tr_csv_day() plus that rule, or the rule alone
 * for a day found elsewhere (where: "file:line", "file"); tr_data_day_ok
 * says whether a day keeps it. */
tr_day tr_data_day_latest(void);
bool tr_data_day_ok(tr_day day);
int tr_csv_data_day(const struct tr_csv *r, size_t i, const char *name, tr_day *out,
                    struct tr_error *err);
int tr_data_day_check(const char *where, const char *field, tr_day day, struct tr_error *err);
/* A NUL-terminated copy of the field, as is (never NULL on success; a
 * missing field gives "").  Caller frees.  TR_ENOMEM, or TR_EFORMAT for a
 * field holding a NUL byte. */
int tr_csv_str(const struct tr_csv *r, size_t i, const char *name, char **out,
               struct tr_error *err);
/* True when field i is empty or missing. */
bool tr_csv_empty(const struct tr_csv *r, size_t i);
/* TR_OK when the current record has exactly n fields, else TR_EFORMAT
 * "file:line: expected N fields, found M (...)". */
int tr_csv_expect_fields(const struct tr_csv *r, size_t n, struct tr_error *err);

#endif
