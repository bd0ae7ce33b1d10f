/*
 * test_csv.c: the CSV reader (records, quoting, line numbers, errors,
 * limits), the header helpers and the typed field parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"

/* Big enough to be awkward on a thread's stack under ASan: keep it static. */
static struct tr_csv R;

/*
 * Reads every record of buf and renders them as "line:f1|f2;line:f1"
 * (a quoted field as [text]), so one string shows records, fields, quoting
 * and line numbers at once.  Returns the reader's final code.
 */
static int render(const char *buf, size_t len, char sep, char *out, size_t cap,
                  struct tr_error *err)
{
    int rc;
    size_t n = 0;
    out[0] = '\0';
    assert_int_equal(tr_csv_init_sep(&R, "t.csv", buf, len, sep), TR_OK);
    while ((rc = tr_csv_next(&R, err)) == TR_OK && R.n_fields > 0) {
        n += (size_t)snprintf(out + n, cap - n, "%s%zu:", n ? ";" : "", R.line);
        for (size_t i = 0; i < R.n_fields; i++) {
            const struct tr_csv_field *f = &R.fields[i];
            n += (size_t)snprintf(out + n, cap - n, "%s%s%.*s%s", i ? "|" : "",
                                  f->quoted ? "[" : "", (int)f->len, f->s, f->quoted ? "]" : "");
        }
        assert_true(n < cap);
    }
    tr_csv_release(&R);
    return rc;
}

struct case_ok {
    const char *in;
    const char *want;
};

static void test_records(void **state)
{
    (void)state;
    static const struct case_ok cases[] = {
        {"", ""},
        {"\n\n\r\n", ""},
        {"\xEF\xBB\xBF", ""},
        {"a,b,c\n", "1:a|b|c"},
        {"a,b,c", "1:a|b|c"},                         /* no final newline */
        {"a,b\r\nc,d\r\n", "1:a|b;2:c|d"},            /* CRLF */
        {"\xEF\xBB\xBF" "date,n\r\n2023-09-08,5\r\n", "1:date|n;2:2023-09-08|5"},
        {"a,b\r", "1:a|b"},                           /* lone CR at the end */
        {"a,b\rc,d\r", "1:a|b;2:c|d"},                /* lone CR line ends */
        {"a\n\n\nb\n", "1:a;4:b"},                    /* empty lines counted */
        {"\r\n\r\na\r\n", "3:a"},
        {"a,,c\n", "1:a||c"},
        {",\n", "1:|"},
        {"a,b,\n", "1:a|b|"},
        {"a,b,", "1:a|b|"},
        {" a , b \n", "1: a | b "},                   /* spaces kept */
        {"\"x,y\",z\n", "1:[x,y]|z"},
        {"\"\",z\n", "1:[]|z"},
        {"\"say \"\"hi\"\"\",2\n", "1:[say \"hi\"]|2"},
        {"\"\"\"\"\n", "1:[\"]"},
        {"\"a\nb\",c\nd\n", "1:[a\nb]|c;3:d"},        /* newline in quotes */
        {"\"a\r\nb\r\nc\"\r\nd\r\n", "1:[a\r\nb\r\nc];4:d"},
        {"\"a\rb\"\nd\n", "1:[a\rb];3:d"},
        {"x,\"1\n2\n3\"\n\ny\n", "1:x|[1\n2\n3];5:y"},
        {"\"q\"", "1:[q]"},                            /* quote at the very end */
        {"\"q\",", "1:[q]|"},
    };
    char got[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct tr_error err = {0};
        int rc = render(cases[k].in, strlen(cases[k].in), ',', got, sizeof got, &err);
        if (rc != TR_OK || strcmp(got, cases[k].want) != 0)
            fail_msg("case %zu: got rc %d '%s' (%s), want '%s'", k, rc, got, err.msg,
                     cases[k].want);
    }

    struct tr_error err = {0};
    assert_int_equal(render("a\0b,c\n", 6, ',', got, sizeof got, &err), TR_OK);
    assert_string_equal(got, "1:a|c");   /* %.*s stops at the NUL; the length is 3 */
    tr_csv_init(&R, "t.csv", "a\0b,c\n", 6);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.fields[0].len, 3);
    tr_csv_release(&R);
}

static void test_separators(void **state)
{
    (void)state;
    char got[256];
    struct tr_error err = {0};
    const char *tsv = "a\tb,c\t\"d\te\"\n";
    assert_int_equal(render(tsv, strlen(tsv), '\t', got, sizeof got, &err), TR_OK);
    assert_string_equal(got, "1:a|b,c|[d\te]");
    const char *semi = "1,5;2\n";
    assert_int_equal(render(semi, strlen(semi), ';', got, sizeof got, &err), TR_OK);
    assert_string_equal(got, "1:1,5|2");

    assert_int_equal(tr_csv_init_sep(&R, "t.csv", "a,b", 3, '"'), TR_EUSAGE);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);   /* fell back to ',' */
    assert_int_equal(R.n_fields, 2);
    tr_csv_release(&R);
    assert_int_equal(tr_csv_init_sep(&R, "t.csv", "", 0, '\n'), TR_EUSAGE);
    tr_csv_release(&R);
}

/* Unquoted fields and quoted ones without "" point into the buffer. */
static void test_zero_copy(void **state)
{
    (void)state;
    const char *buf = "2023-09-08,\"54bg\",\"a\"\"b\",123\n";
    struct tr_error err = {0};
    tr_csv_init(&R, "t.csv", buf, strlen(buf));
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.n_fields, 4);
    assert_ptr_equal(R.fields[0].s, buf);
    assert_ptr_equal(R.fields[1].s, buf + 12);
    assert_true(R.fields[1].quoted);
    /* the escaped field lives outside the buffer */
    assert_true(R.fields[2].s < buf || R.fields[2].s >= buf + strlen(buf));
    assert_int_equal(R.fields[2].len, 3);
    assert_memory_equal(R.fields[2].s, "a\"b", 3);
    assert_ptr_equal(R.fields[3].s, buf + 25);
    tr_csv_release(&R);
}

/* Many escaped fields in one record: the scratch buffer grows and moves,
 * and the fields unescaped before the move must follow it. */
static void test_scratch_growth(void **state)
{
    (void)state;
    enum { FIELDS = 40, HALF = 3000 };
    size_t cap = FIELDS * (2 * HALF * 2 + 8) + 16;
    char *buf = malloc(cap), *p = buf;
    assert_non_null(buf);
    for (int f = 0; f < FIELDS; f++) {
        *p++ = '"';
        for (int k = 0; k < HALF; k++) {
            *p++ = (char)('a' + f % 26);
            *p++ = '"';
            *p++ = '"';
        }
        *p++ = '"';
        *p++ = f + 1 < FIELDS ? ',' : '\n';
    }
    struct tr_error err = {0};
    tr_csv_init(&R, "t.csv", buf, (size_t)(p - buf));
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.n_fields, FIELDS);
    for (int f = 0; f < FIELDS; f++) {
        assert_int_equal(R.fields[f].len, 2 * HALF);
        for (int k = 0; k < 2 * HALF; k += 2) {
            assert_int_equal(R.fields[f].s[k], 'a' + f % 26);
            assert_int_equal(R.fields[f].s[k + 1], '"');
        }
    }
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.n_fields, 0);
    tr_csv_release(&R);
    free(buf);
}

struct case_err {
    const char *in;
    int code;
    const char *msg;
};

/* Real files write quotes inside unquoted fields (a note such as
 * first week; published as "over 1.67 million"): they are literal. */
static void test_literal_quote_in_unquoted_field(void **state)
{
    (void)state;
    static const char in[] = "a,b\nab\"c,x \"1.67M\" y\n";
    struct tr_csv r;
    struct tr_error err = {0};
    tr_csv_init(&r, "t.csv", in, sizeof in - 1);
    assert_int_equal(tr_csv_next(&r, &err), TR_OK);
    assert_int_equal(tr_csv_next(&r, &err), TR_OK);
    assert_int_equal(r.n_fields, 2);
    assert_int_equal(r.fields[0].len, 4);
    assert_memory_equal(r.fields[0].s, "ab\"c", 4);
    assert_int_equal(r.fields[1].len, 11);
    assert_memory_equal(r.fields[1].s, "x \"1.67M\" y", 11);
    assert_int_equal(tr_csv_next(&r, &err), TR_OK);
    assert_int_equal(r.n_fields, 0);
    tr_csv_release(&r);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct case_err cases[] = {
        {"a,b\n\"unterminated,c\nd\n", TR_EFORMAT,
         "t.csv:2: unterminated quoted field (truncated file?)"},
        {"h\n\n\n\n\n\n\n\n\n\n\nx,\"abc", TR_EFORMAT,
         "t.csv:12: unterminated quoted field (truncated file?)"},
        {"\"", TR_EFORMAT, "t.csv:1: unterminated quoted field (truncated file?)"},
        {"a,\"b\"c,d\n", TR_EFORMAT, "t.csv:1: field 2: text after closing quote: '\"b\"c'"},
        {"a,\"b\" \n", TR_EFORMAT, "t.csv:1: field 2: text after closing quote: '\"b\" '"},
        /* the physical line of the fault, after a quoted line break */
        {"1\n\"x\ny\"z\n", TR_EFORMAT, "t.csv:3: field 1: text after closing quote: '\"x?y\"z'"},
    };
    char got[512];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct tr_error err = {0};
        int rc = render(cases[k].in, strlen(cases[k].in), ',', got, sizeof got, &err);
        if (rc != cases[k].code || strcmp(err.msg, cases[k].msg) != 0)
            fail_msg("case %zu: got rc %d '%s', want %d '%s'", k, rc, err.msg, cases[k].code,
                     cases[k].msg);
    }
}

/* The records before a fault are delivered; after it, reading stops. */
static void test_error_is_sticky(void **state)
{
    (void)state;
    const char *buf = "a\nb,\"c\"d\nc\n";
    struct tr_error err = {0};
    tr_csv_init(&R, "t.csv", buf, strlen(buf));
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.n_fields, 1);
    assert_int_equal(tr_csv_next(&R, &err), TR_EFORMAT);
    assert_int_equal(R.n_fields, 0);
    struct tr_error again = {0};
    assert_int_equal(tr_csv_next(&R, &again), TR_EFORMAT);
    assert_string_equal(again.msg, "t.csv: reading stopped at an earlier error");
    assert_int_equal(tr_csv_next(&R, NULL), TR_EFORMAT);   /* err is optional */
    tr_csv_release(&R);
}

static void test_field_count_limit(void **state)
{
    (void)state;
    char *buf = malloc(2 * (TR_CSV_MAX_FIELDS + 1) + 8);
    assert_non_null(buf);
    struct tr_error err = {0};
    for (size_t n = TR_CSV_MAX_FIELDS; n <= TR_CSV_MAX_FIELDS + 1; n++) {
        char *p = buf;
        memcpy(p, "h\n", 2);
        p += 2;
        for (size_t i = 0; i < n; i++) {
            *p++ = 'x';
            *p++ = i + 1 < n ? ',' : '\n';
        }
        tr_csv_init(&R, "wide.csv", buf, (size_t)(p - buf));
        assert_int_equal(tr_csv_next(&R, &err), TR_OK);
        int rc = tr_csv_next(&R, &err);
        if (n == TR_CSV_MAX_FIELDS) {
            assert_int_equal(rc, TR_OK);
            assert_int_equal(R.n_fields, TR_CSV_MAX_FIELDS);
        } else {
            assert_int_equal(rc, TR_ELIMIT);
            assert_string_equal(err.msg, "wide.csv:2: more than 1024 fields in a record");
        }
        tr_csv_release(&R);
    }
    free(buf);
}

static void test_field_size_limit(void **state)
{
    (void)state;
    size_t big = TR_CSV_MAX_FIELD + 1;
    char *buf = malloc(2 * big + 16);
    assert_non_null(buf);
    struct tr_error err = {0};

    /* unquoted: exactly the limit, then one more */
    for (size_t len = TR_CSV_MAX_FIELD; len <= big; len++) {
        memset(buf, 'x', len);
        memcpy(buf + len, ",y\n", 3);
        tr_csv_init(&R, "t.csv", buf, len + 3);
        tr_error_clear(&err);
        int rc = tr_csv_next(&R, &err);
        if (len == TR_CSV_MAX_FIELD) {
            assert_int_equal(rc, TR_OK);
            assert_int_equal(R.fields[0].len, TR_CSV_MAX_FIELD);
        } else {
            assert_int_equal(rc, TR_ELIMIT);
            assert_string_equal(err.msg, "t.csv:1: field 1: field longer than 1048576 bytes");
        }
        tr_csv_release(&R);
    }

    /* quoted with doubled quotes: the limit is on the unescaped length */
    size_t pairs = TR_CSV_MAX_FIELD;
    buf[0] = '"';
    for (size_t k = 0; k < pairs; k++)
        buf[1 + 2 * k] = buf[2 + 2 * k] = '"';
    buf[1 + 2 * pairs] = '"';
    tr_csv_init(&R, "t.csv", buf, 2 + 2 * pairs);
    tr_error_clear(&err);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.fields[0].len, TR_CSV_MAX_FIELD);
    assert_int_equal(R.fields[0].s[TR_CSV_MAX_FIELD - 1], '"');
    tr_csv_release(&R);

    memcpy(buf, "a\n\"", 3);
    memset(buf + 3, 'x', big);
    buf[3 + big] = '"';
    tr_csv_init(&R, "t.csv", buf, 4 + big);
    tr_error_clear(&err);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(tr_csv_next(&R, &err), TR_ELIMIT);
    assert_string_equal(err.msg, "t.csv:2: field 1: field longer than 1048576 bytes");
    tr_csv_release(&R);
    free(buf);
}

static void test_header(void **state)
{
    (void)state;
    const char *buf = "\xEF\xBB\xBF Date ,Track,\"Streams\"\r\n2023-09-08,t1,5\r\n";
    struct tr_error err = {0};
    tr_csv_init(&R, "streams.csv", buf, strlen(buf));
    assert_int_equal(tr_csv_header(&R, &err), TR_OK);
    assert_int_equal(tr_csv_header_count(&R), 3);
    assert_string_equal(tr_csv_header_name(&R, 0), "Date");
    assert_string_equal(tr_csv_header_name(&R, 2), "Streams");
    assert_null(tr_csv_header_name(&R, 3));
    assert_int_equal(tr_csv_column(&R, "date"), 0);
    assert_int_equal(tr_csv_column(&R, "STREAMS"), 2);
    assert_int_equal(tr_csv_column(&R, "track"), 1);
    assert_int_equal(tr_csv_column(&R, "rank"), -1);
    assert_int_equal(tr_csv_column(&R, "dat"), -1);
    assert_int_equal(tr_csv_column(&R, NULL), -1);

    /* messages name the column by the header when no name is given */
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.line, 2);
    tr_day d;
    assert_int_equal(tr_csv_day(&R, 1, NULL, &d, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:2: Track: not a date (YYYY-MM-DD): 't1'");
    tr_csv_release(&R);

    /* no header read: no columns */
    tr_csv_init(&R, "t.csv", buf, strlen(buf));
    assert_int_equal(tr_csv_column(&R, "date"), -1);
    assert_int_equal(tr_csv_header_count(&R), 0);
    tr_csv_release(&R);

    tr_error_clear(&err);
    tr_csv_init(&R, "empty.csv", "\n\n", 2);
    assert_int_equal(tr_csv_header(&R, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "empty.csv: empty file, expected a header line");
    tr_csv_release(&R);
}

/* Reads text as the record on line 1042 of streams.csv (after 1041 empty
 * lines) with R; the caller releases R. */
static void one_record(const char *text)
{
    static char buf[4096];
    struct tr_error err = {0};
    size_t n = strlen(text);
    assert_true(1041 + n <= sizeof buf);
    memset(buf, '\n', 1041);
    memcpy(buf + 1041, text, n);
    tr_csv_init(&R, "streams.csv", buf, 1041 + n);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.line, 1042);
    assert_true(R.n_fields > 0);
}

static void test_u64(void **state)
{
    (void)state;
    static const struct {
        const char *field;
        uint64_t want;
        const char *msg;   /* NULL: accepted */
    } cases[] = {
        {"0", 0, NULL},
        {"123456789", 123456789, NULL},
        {" 42 ", 42, NULL},
        {"\"77\"", 77, NULL},
        {"007", 7, NULL},
        {"18446744073709551615", UINT64_MAX, NULL},
        {"18446744073709551616", 0, "streams.csv:1042: streams: number too large for 64 bits: '18446744073709551616'"},
        {"99999999999999999999999", 0, "streams.csv:1042: streams: number too large for 64 bits: '99999999999999999999999'"},
        {"-5", 0, "streams.csv:1042: streams: not a non-negative integer: '-5'"},
        {"", 0, "streams.csv:1042: streams: empty value, expected a non-negative integer"},
        {"  ", 0, "streams.csv:1042: streams: empty value, expected a non-negative integer"},
        {"158040.0", 0, "streams.csv:1042: streams: not an integer: '158040.0'"},
        {"12a", 0, "streams.csv:1042: streams: not an integer: '12a'"},
        {"+5", 0, "streams.csv:1042: streams: not an integer: '+5'"},
        {"1e6", 0, "streams.csv:1042: streams: not an integer: '1e6'"},
        {"-", 0, "streams.csv:1042: streams: not an integer: '-'"},
        {"1 2", 0, "streams.csv:1042: streams: not an integer: '1 2'"},
        {"\"1,000\"", 0, "streams.csv:1042: streams: not an integer: '1,000'"},
    };
    char line[128];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(line, sizeof line, "x,%s\n", cases[k].field);
        one_record(line);
        struct tr_error err = {0};
        uint64_t v = 999;
        int rc = tr_csv_u64(&R, 1, "streams", &v, &err);
        if (cases[k].msg) {
            if (rc != TR_EFORMAT || strcmp(err.msg, cases[k].msg) != 0)
                fail_msg("case %zu '%s': got %d '%s'", k, cases[k].field, rc, err.msg);
            assert_int_equal(v, 999);   /* untouched on failure */
        } else {
            if (rc != TR_OK || v != cases[k].want)
                fail_msg("case %zu '%s': got %d %llu '%s'", k, cases[k].field, rc,
                         (unsigned long long)v, err.msg);
        }
        tr_csv_release(&R);
    }

    /* a missing field is an empty one; without a name or header: "field N" */
    one_record("x\n");
    struct tr_error err = {0};
    uint64_t v;
    assert_int_equal(tr_csv_u64(&R, 3, NULL, &v, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:1042: field 4: empty value, expected a non-negative integer");
    tr_csv_release(&R);
}

static void test_day(void **state)
{
    (void)state;
    struct tr_error err = {0};
    tr_day d = 0;
    one_record("2023-09-08, 1970-01-02 ,2023-02-30,,2023-9-8,2024-02-29\n");
    assert_int_equal(tr_csv_day(&R, 0, "date", &d, &err), TR_OK);
    assert_int_equal(d, tr_day_from_ymd(2023, 9, 8));
    assert_int_equal(tr_csv_day(&R, 1, "date", &d, &err), TR_OK);
    assert_int_equal(d, 1);
    assert_int_equal(tr_csv_day(&R, 5, "date", &d, &err), TR_OK);
    assert_int_equal(d, tr_day_from_ymd(2024, 2, 29));

    d = 77;
    assert_int_equal(tr_csv_day(&R, 2, "date", &d, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:1042: date: not a date (YYYY-MM-DD): '2023-02-30'");
    assert_int_equal(d, 77);
    tr_error_clear(&err);
    assert_int_equal(tr_csv_day(&R, 3, "date", &d, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:1042: date: empty value, expected a date (YYYY-MM-DD)");
    tr_error_clear(&err);
    assert_int_equal(tr_csv_day(&R, 4, "date", &d, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:1042: date: not a date (YYYY-MM-DD): '2023-9-8'");
    tr_error_clear(&err);
    assert_int_equal(tr_csv_day(&R, 6, "date", &d, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:1042: date: empty value, expected a date (YYYY-MM-DD)");
    tr_csv_release(&R);
}

static void test_str_and_empty(void **state)
{
    (void)state;
    struct tr_error err = {0};
    char *s = NULL;
    one_record(" Layover ,\"Slow \"\"Dancing\"\"\",,\"\"\n");
    assert_int_equal(tr_csv_str(&R, 0, "title", &s, &err), TR_OK);
    assert_string_equal(s, " Layover ");   /* as is */
    free(s);
    assert_int_equal(tr_csv_str(&R, 1, "title", &s, &err), TR_OK);
    assert_string_equal(s, "Slow \"Dancing\"");
    free(s);
    assert_int_equal(tr_csv_str(&R, 2, "title", &s, &err), TR_OK);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    s = NULL;
    assert_int_equal(tr_csv_str(&R, 9, "title", &s, &err), TR_OK);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);

    assert_false(tr_csv_empty(&R, 0));
    assert_false(tr_csv_empty(&R, 1));
    assert_true(tr_csv_empty(&R, 2));
    assert_true(tr_csv_empty(&R, 3));   /* "" quoted, still empty */
    assert_true(tr_csv_empty(&R, 4));   /* missing */
    assert_true(tr_csv_empty(&R, 1000000));
    tr_csv_release(&R);

    tr_csv_init(&R, "t.csv", "a\0b\n", 4);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    s = NULL;
    assert_int_equal(tr_csv_str(&R, 0, "title", &s, &err), TR_EFORMAT);
    assert_null(s);
    assert_string_equal(err.msg, "t.csv:1: title: NUL byte in value: 'a?b'");
    tr_csv_release(&R);
}

static void test_expect_fields(void **state)
{
    (void)state;
    struct tr_error err = {0};
    const char *buf = "date,track,streams\n2023-09-08,abc\n1,2,3,4\n1,2,3\n";
    tr_csv_init(&R, "streams.csv", buf, strlen(buf));
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(tr_csv_expect_fields(&R, 3, &err), TR_OK);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(tr_csv_expect_fields(&R, 3, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:2: expected 3 fields, found 2 (truncated line?)");
    tr_error_clear(&err);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(tr_csv_expect_fields(&R, 3, &err), TR_EFORMAT);
    assert_string_equal(err.msg, "streams.csv:3: expected 3 fields, found 4 (unquoted separator in a value?)");
    tr_error_clear(&err);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(tr_csv_expect_fields(&R, 3, NULL), TR_OK);
    tr_csv_release(&R);
}

/* Long values are cut in messages, and control bytes do not break lines. */
static void test_message_excerpt(void **state)
{
    (void)state;
    char buf[256];
    memset(buf, '7', 100);
    memcpy(buf + 100, "x\n", 3);
    one_record(buf);
    struct tr_error err = {0};
    uint64_t v;
    assert_int_equal(tr_csv_u64(&R, 0, "n", &v, &err), TR_EFORMAT);
    char want[256];
    snprintf(want, sizeof want, "streams.csv:1042: n: not an integer: '%.60s...'", buf);
    assert_string_equal(err.msg, want);
    tr_csv_release(&R);
}

/* Record line numbers follow quoted line breaks and skipped lines. */
static void test_line_numbers(void **state)
{
    (void)state;
    const char *buf = "h1,h2\r\n"              /* 1 */
                      "\"multi\r\nline\",1\r\n" /* 2-3 */
                      "\r\n"                    /* 4 */
                      "x,\"a\nb\nc\"\n"         /* 5-7 */
                      "last,2";                 /* 8 */
    static const size_t want[] = {1, 2, 5, 8};
    struct tr_error err = {0};
    tr_csv_init(&R, "t.csv", buf, strlen(buf));
    for (size_t k = 0; k < 4; k++) {
        assert_int_equal(tr_csv_next(&R, &err), TR_OK);
        assert_int_equal(R.n_fields, 2);
        assert_int_equal(R.line, want[k]);
    }
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);
    assert_int_equal(R.n_fields, 0);
    assert_int_equal(tr_csv_next(&R, &err), TR_OK);   /* end stays the end */
    assert_int_equal(R.n_fields, 0);
    tr_csv_release(&R);
    tr_csv_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_zero_copy),
        cmocka_unit_test(test_scratch_growth),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_literal_quote_in_unquoted_field),
        cmocka_unit_test(test_error_is_sticky),
        cmocka_unit_test(test_field_count_limit),
        cmocka_unit_test(test_field_size_limit),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_day),
        cmocka_unit_test(test_str_and_empty),
        cmocka_unit_test(test_expect_fields),
        cmocka_unit_test(test_message_excerpt),
        cmocka_unit_test(test_line_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
