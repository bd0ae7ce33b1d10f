/*
 * test_input.c: loading files whole: plain, gzip (one or more members,
 * corrupt, truncated, over the limit), standard input, from memory, and
 * the errors for files that cannot be read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>
#include <zlib.h>

#include "formats/input.h"

static const char CSV[] = "date,track,streams\n2023-09-08,54bg1e6ABcZfpU3yzwxnPf,123456789\n";

/* A fresh path under /tmp (the file is created empty). */
static char *temp_path(const char *suffix)
{
    char *path = malloc(64);
    assert_non_null(path);
    snprintf(path, 64, "/tmp/tr_input_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    close(fd);
    return path;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* The whole file's bytes (caller frees), for checksums. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* gzip-compresses data into a new buffer with zlib (caller frees). */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&zs, (uLong)len) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_len = cap - zs.avail_out;
    deflateEnd(&zs);
    return out;
}

static void test_plain_file(void **state)
{
    (void)state;
    char *path = temp_path(".csv");
    write_file(path, CSV, sizeof CSV - 1);
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load(path, &in, &err), TR_OK);
    assert_non_null(in);
    assert_string_equal(in->name, path);
    assert_string_equal(in->base, strrchr(path, '/') + 1);
    assert_int_equal(in->len, sizeof CSV - 1);
    assert_memory_equal(in->data, CSV, sizeof CSV - 1);
    assert_int_equal(in->data[in->len], '\0');
    assert_false(in->gzipped);
    assert_true(tr_input_checksum(in) == XXH64(CSV, sizeof CSV - 1, 0));
    tr_input_free(in);
    unlink(path);
    free(path);
}

static void test_empty_file(void **state)
{
    (void)state;
    char *path = temp_path(".csv");
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load(path, &in, &err), TR_OK);
    assert_int_equal(in->len, 0);
    assert_non_null(in->data);
    assert_int_equal(in->data[0], '\0');
    assert_true(tr_input_checksum(in) == XXH64("", 0, 0));
    tr_input_free(in);
    unlink(path);
    free(path);
}

static void test_gzip_file(void **state)
{
    (void)state;
    /* written with zlib's gz* API, as gzip(1) would */
    char *path = temp_path(".csv.gz");
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, CSV, sizeof CSV - 1), (int)(sizeof CSV - 1));
    assert_int_equal(gzclose(gz), Z_OK);

    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load(path, &in, &err), TR_OK);
    assert_true(in->gzipped);
    assert_int_equal(in->len, sizeof CSV - 1);
    assert_memory_equal(in->data, CSV, sizeof CSV - 1);
    assert_int_equal(in->data[in->len], '\0');
    /* the checksum is that of the compressed bytes on disk */
    size_t raw_len;
    char *raw = read_file(path, &raw_len);
    assert_true(tr_input_checksum(in) == XXH64(raw, raw_len, 0));
    assert_true(tr_input_checksum(in) != XXH64(CSV, sizeof CSV - 1, 0));
    free(raw);
    tr_input_free(in);
    unlink(path);
    free(path);
}

/* A large gzip input: the output buffer must grow past its first guess,
 * and concatenated members (cat a.gz b.gz) read as one stream. */
static void test_gzip_large_and_members(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + (i * 7 + i / 1000) % 26);
    size_t half = n / 2, la, lb;
    unsigned char *a = gzip_bytes(text, half, &la);
    unsigned char *b = gzip_bytes(text + half, n - half, &lb);
    unsigned char *both = malloc(la + lb);
    assert_non_null(both);
    memcpy(both, a, la);
    memcpy(both + la, b, lb);

    char *path = temp_path(".gz");
    write_file(path, both, la + lb);
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load(path, &in, &err), TR_OK);
    assert_true(in->gzipped);
    assert_int_equal(in->len, n);
    assert_memory_equal(in->data, text, n);
    assert_true(tr_input_checksum(in) == XXH64(both, la + lb, 0));
    tr_input_free(in);

    unlink(path);
    free(path);
    free(both);
    free(a);
    free(b);
    free(text);
}

static void expect_load_error(const void *bytes, size_t len, size_t max, int code,
                              const char *msg_tail)
{
    char *path = temp_path(".gz");
    write_file(path, bytes, len);
    struct tr_input *in = (struct tr_input *)0x1;   /* must stay untouched */
    struct tr_error err = {0};
    assert_int_equal(tr_input_load_max(path, max, &in, &err), code);
    assert_ptr_equal(in, (struct tr_input *)0x1);
    char want[512];
    snprintf(want, sizeof want, "%s: %s", path, msg_tail);
    assert_string_equal(err.msg, want);
    unlink(path);
    free(path);
}

static void test_gzip_errors(void **state)
{
    (void)state;
    size_t gl;
    unsigned char *gz = gzip_bytes(CSV, sizeof CSV - 1, &gl);

    expect_load_error(gz, gl - 5, TR_INPUT_MAX, TR_EFORMAT,
                      "truncated gzip data (incomplete download?)");
    expect_load_error(gz, 10, TR_INPUT_MAX, TR_EFORMAT,
                      "truncated gzip data (incomplete download?)");
    expect_load_error("\x1f\x8b", 2, TR_INPUT_MAX, TR_EFORMAT,
                      "truncated gzip data (incomplete download?)");

    unsigned char *bad = malloc(gl + 8);
    assert_non_null(bad);
    memcpy(bad, gz, gl);
    bad[gl - 8] ^= 0xff;   /* CRC of the trailer */
    expect_load_error(bad, gl, TR_INPUT_MAX, TR_EFORMAT, "corrupt gzip data: incorrect data check");
    memcpy(bad, gz, gl);
    memcpy(bad + gl, "junk", 4);
    expect_load_error(bad, gl + 4, TR_INPUT_MAX, TR_EFORMAT,
                      "unexpected data after the gzip stream");
    free(bad);
    free(gz);
}

static void test_limits(void **state)
{
    (void)state;
    /* plain: exactly the limit is fine, one byte more is not */
    char *path = temp_path(".csv");
    write_file(path, CSV, sizeof CSV - 1);
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load_max(path, sizeof CSV - 1, &in, &err), TR_OK);
    tr_input_free(in);
    assert_int_equal(tr_input_load_max(path, sizeof CSV - 2, &in, &err), TR_ELIMIT);
    char want[512];
    snprintf(want, sizeof want, "%s: input larger than %zu bytes", path, sizeof CSV - 2);
    assert_string_equal(err.msg, want);
    unlink(path);
    free(path);

    /* gzip bomb: 8 MiB of zeros from a few KiB stops at a 1 MiB limit */
    size_t n = 8u << 20, gl;
    char *zeros = calloc(1, n);
    assert_non_null(zeros);
    unsigned char *gz = gzip_bytes(zeros, n, &gl);
    assert_true(gl < 64 * 1024);
    expect_load_error(gz, gl, 1u << 20, TR_ELIMIT, "input larger than 1 MiB after decompression");
    /* and exactly at the limit it loads */
    path = temp_path(".gz");
    write_file(path, gz, gl);
    assert_int_equal(tr_input_load_max(path, n, &in, &err), TR_OK);
    assert_int_equal(in->len, n);
    tr_input_free(in);
    unlink(path);
    free(path);
    free(gz);
    free(zeros);
}

static void test_missing_and_unreadable(void **state)
{
    (void)state;
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load("/tmp/tr-no-such-dir/streams.csv", &in, &err), TR_EIO);
    assert_null(in);
    assert_string_equal(err.msg, "/tmp/tr-no-such-dir/streams.csv: cannot open: No such file or directory");

    tr_error_clear(&err);
    assert_int_equal(tr_input_load("/tmp", &in, &err), TR_EIO);
    assert_null(in);
    assert_string_equal(err.msg, "/tmp: cannot read: Is a directory");

    tr_error_clear(&err);
    assert_int_equal(tr_input_load(NULL, &in, &err), TR_EUSAGE);
    assert_int_equal(tr_input_load("x", NULL, NULL), TR_EUSAGE);
}

static void test_stdin(void **state)
{
    (void)state;
    size_t gl;
    unsigned char *gz = gzip_bytes(CSV, sizeof CSV - 1, &gl);
    char *path = temp_path(".gz");
    write_file(path, gz, gl);

    int saved = dup(STDIN_FILENO);
    assert_true(saved >= 0);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_true(dup2(fd, STDIN_FILENO) >= 0);
    close(fd);

    struct tr_input *in = NULL;
    struct tr_error err = {0};
    int rc = tr_input_load("-", &in, &err);
    assert_true(dup2(saved, STDIN_FILENO) >= 0);
    close(saved);

    assert_int_equal(rc, TR_OK);
    assert_string_equal(in->name, "-");
    assert_string_equal(in->base, "stdin");
    assert_true(in->gzipped);
    assert_int_equal(in->len, sizeof CSV - 1);
    assert_memory_equal(in->data, CSV, sizeof CSV - 1);
    assert_true(tr_input_checksum(in) == XXH64(gz, gl, 0));
    tr_input_free(in);
    unlink(path);
    free(path);
    free(gz);
}

/* A pipe has no size: the buffer grows as it reads. */
static void test_pipe(void **state)
{
    (void)state;
    size_t n = 200000;
    char *text = malloc(n);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('0' + i % 10);
    char cmd[128];
    char *path = temp_path(".csv");
    write_file(path, text, n);
    snprintf(cmd, sizeof cmd, "cat %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/dev/fd/%d", fileno(p));

    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_load(fdpath, &in, &err), TR_OK);
    pclose(p);
    assert_int_equal(in->len, n);
    assert_memory_equal(in->data, text, n);
    assert_int_equal(in->data[n], '\0');
    assert_true(tr_input_checksum(in) == XXH64(text, n, 0));
    tr_input_free(in);
    unlink(path);
    free(path);
    free(text);
}

static void test_from_memory(void **state)
{
    (void)state;
    char copy[sizeof CSV];
    memcpy(copy, CSV, sizeof CSV);
    struct tr_input *in = NULL;
    struct tr_error err = {0};
    assert_int_equal(tr_input_from_memory("feeds/streams.csv", copy, sizeof CSV - 1, &in, &err), TR_OK);
    copy[0] = 'X';   /* the input holds its own copy */
    assert_string_equal(in->name, "feeds/streams.csv");
    assert_string_equal(in->base, "streams.csv");
    assert_int_equal(in->len, sizeof CSV - 1);
    assert_memory_equal(in->data, CSV, sizeof CSV - 1);
    assert_int_equal(in->data[in->len], '\0');
    assert_false(in->gzipped);
    assert_true(tr_input_checksum(in) == XXH64(CSV, sizeof CSV - 1, 0));
    tr_input_free(in);

    size_t gl;
    unsigned char *gz = gzip_bytes(CSV, sizeof CSV - 1, &gl);
    assert_int_equal(tr_input_from_memory("s.csv.gz", (const char *)gz, gl, &in, &err), TR_OK);
    assert_true(in->gzipped);
    assert_int_equal(in->len, sizeof CSV - 1);
    assert_memory_equal(in->data, CSV, sizeof CSV - 1);
    assert_true(tr_input_checksum(in) == XXH64(gz, gl, 0));
    tr_input_free(in);
    free(gz);

    assert_int_equal(tr_input_from_memory("empty", NULL, 0, &in, &err), TR_OK);
    assert_int_equal(in->len, 0);
    assert_string_equal(in->data, "");
    tr_input_free(in);

    in = NULL;
    assert_int_equal(tr_input_from_memory("x", "\x1f\x8bzz", 4, &in, &err), TR_EFORMAT);
    assert_null(in);
    tr_error_clear(&err);
    assert_int_equal(tr_input_from_memory(NULL, "a", 1, &in, &err), TR_EUSAGE);

    tr_input_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_gzip_file),
        cmocka_unit_test(test_gzip_large_and_members),
        cmocka_unit_test(test_gzip_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_missing_and_unreadable),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_pipe),
        cmocka_unit_test(test_from_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
