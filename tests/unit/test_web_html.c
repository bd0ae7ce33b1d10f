/* html_json_string writes a JSON string as html_json writes jansson's
 * json_string of it, byte for byte, and fails where json_string does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "web/html.h"

/* Both ways; with jansson refusing s, html_json_string must fail too. */
static void same_as_jansson(const char *s)
{
    struct html mine = {0}, theirs = {0};
    html_json_string(&mine, s);
    json_t *v = json_string(s);
    if (!v) {
        assert_true(mine.failed);
    } else {
        html_json(&theirs, v);
        json_decref(v);
        assert_false(mine.failed);
        assert_int_equal(mine.len, theirs.len);
        assert_memory_equal(mine.data, theirs.data, mine.len);
    }
    html_free(&mine);
    html_free(&theirs);
}

static void test_json_string_as_jansson(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "t0000001", "plain words", "quote \" backslash \\ slash /", "</script><!--",
        "\b\f\n\r\t\x01\x1f\x7f", "Beyonc\xc3\xa9", "\xe2\x89\xa5 50M", "\xf0\x9f\x8e\xb5 notes",
        "\xef\xbf\xbf", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x80\xaf", "\xff",
        "a\xc3(b", "\xf0\x9f\x8e", "mixed \xc3\xa9\x01<\"\\\xf0\x9f\x8e\xb5 end",
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        same_as_jansson(cases[k]);
    /* random bytes, most of them not UTF-8, and random code points */
    srand(7);
    char buf[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(rand() % 12);
        for (size_t k = 0; k < n; k++)
            buf[k] = (char)(1 + rand() % 255);
        buf[n] = 0;
        same_as_jansson(buf);
        /* a few well-formed code points of every length */
        size_t len = 0;
        for (int k = 0; k < 4; k++) {
            uint32_t cp = (uint32_t)rand() % 0x110000;
            if (!cp || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0x41;
            if (cp < 0x80) {
                buf[len++] = (char)cp;
            } else if (cp < 0x800) {
                buf[len++] = (char)(0xC0 | cp >> 6);
                buf[len++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                buf[len++] = (char)(0xE0 | cp >> 12);
                buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (char)(0x80 | (cp & 0x3F));
            } else {
                buf[len++] = (char)(0xF0 | cp >> 18);
                buf[len++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        buf[len] = 0;
        same_as_jansson(buf);
    }
}

/* Integers as printf writes them, one or in a list, at the ends of int64. */
static void test_ints(void **state)
{
    (void)state;
    const int64_t v[] = {0, 7, -7, 10, 1234567890123LL, INT64_MAX, INT64_MIN, -100};
    char want[512] = "";
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", i ? "," : "", (long long)v[i]);
    struct html h = {0};
    html_ints(&h, v, sizeof v / sizeof *v);
    assert_string_equal(h.data, want);
    html_reset(&h);
    html_int(&h, INT64_MIN);
    assert_string_equal(h.data, "-9223372036854775808");
    html_free(&h);
}

/* A URL segment keeps the unreserved characters and escapes the rest;
 * html_url_plain says which names it leaves as they are. */
static void test_url_segment(void **state)
{
    (void)state;
    struct html h = {0};
    html_url_segment(&h, "ab-C_9.~ x/%\xc3\xa9");
    assert_string_equal(h.data, "ab-C_9.~%20x%2F%25%C3%A9");
    assert_true(html_url_plain("ab-C_9.~"));
    assert_true(html_url_plain(""));
    assert_false(html_url_plain("a b"));
    assert_false(html_url_plain("\xc3\xa9"));
    html_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string_as_jansson),
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_url_segment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
