/* html_json_string writes a JSON string as html_json writes jansson's
 * json_string of it, byte for byte, and fails where json_string does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
