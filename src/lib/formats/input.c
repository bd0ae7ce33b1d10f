/*
 * input.c: loads a whole input into memory (input.h).
 *
 * A regular file is mapped read-only (unless its size is a whole number
 * of pages: then no zero byte follows it); other inputs are read with
 * read(2) into one buffer sized from fstat when the size is known, growing
 * by doubling otherwise (pipes, standard input).  The raw bytes are
 * checksummed with XXH64 (a mapped plain file when first asked); if they
 * start with the
 * gzip magic they are then inflated with zlib (concatenated gzip members
 * are one stream, as for gunzip) and the raw buffer is dropped.  Both the
 * raw and the inflated size are checked against the limit as they grow,
 * so a gzip bomb stops at the limit rather than at the end of memory.
 * The contents always carry a NUL one byte past len.
 */
#include "formats/input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>
#include <zlib.h>

#define READ_CHUNK   ((size_t)1 << 30)   /* largest single read(2) */
#define ZLIB_CHUNK   ((size_t)1 << 30)   /* largest avail_in/avail_out (uInt) */
#define GROW_START   ((size_t)64 << 10)
#define DEFLATE_MAX_RATIO 1032           /* deflate cannot expand more */

static const char *size_text(size_t n, char buf[32])
{
    if (n >= ((size_t)1 << 30) && n % ((size_t)1 << 30) == 0)
        snprintf(buf, 32, "%zu GiB", n >> 30);
    else if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(buf, 32, "%zu MiB", n >> 20);
    else
        snprintf(buf, 32, "%zu bytes", n);
    return buf;
}

static int too_large(const char *name, size_t max, bool inflated, struct tr_error *err)
{
    char sb[32];
    return tr_error_set(err, TR_ELIMIT, "%s: input larger than %s%s", name, size_text(max, sb),
                        inflated ? " after decompression" : "");
}

static int no_memory(const char *name, struct tr_error *err)
{
    return tr_error_set(err, TR_ENOMEM, "%s: out of memory reading the input", name);
}

/*
 * Grows *buf (capacity *cap) so that at least one byte beyond the one
 * kept for the NUL is free, never beyond limit + 2 bytes: room for one
 * byte over the limit, which is how an oversized input is noticed.
 */
static int grow(char **buf, size_t *cap, size_t limit)
{
    size_t want = *cap < GROW_START ? GROW_START : *cap * 2;
    if (want > limit + 2 || want < *cap)
        want = limit + 2;
    char *p = realloc(*buf, want);
    if (!p)
        return -1;
    *buf = p;
    *cap = want;
    return 0;
}

/* Reads fd to its end into a new buffer (*out, *len; NUL-terminated). */
static int read_all(int fd, const char *name, size_t max, char **out, size_t *len,
                    struct tr_error *err)
{
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int rc = TR_OK;
    struct stat st;

    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((uint64_t)st.st_size > max) {
            rc = too_large(name, max, false, err);
            goto out;
        }
        cap = (size_t)st.st_size + 2;   /* + NUL + room to see the end */
        if (!(buf = malloc(cap))) {
            rc = no_memory(name, err);
            goto out;
        }
    }
    for (;;) {
        if (cap - n < 2 && grow(&buf, &cap, max) != 0) {
            rc = no_memory(name, err);
            goto out;
        }
        size_t room = cap - 1 - n;
        ssize_t got = read(fd, buf + n, room < READ_CHUNK ? room : READ_CHUNK);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            rc = tr_error_set(err, TR_EIO, "%s: cannot read: %s", name, strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max) {
            rc = too_large(name, max, false, err);
            goto out;
        }
    }
    if (!buf && !(buf = malloc(1))) {
        rc = no_memory(name, err);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    return rc;
}

static bool is_gzip(const char *p, size_t len)
{
    return len >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
}

/* A first guess at the inflated size: the gzip trailer's ISIZE (the size
 * modulo 2^32 of the last member), bounded by what deflate can reach. */
static size_t inflated_guess(const unsigned char *src, size_t n, size_t max)
{
    size_t guess = GROW_START;
    if (n >= 18) {
        const unsigned char *t = src + n - 4;
        size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
        size_t ceiling = n <= SIZE_MAX / DEFLATE_MAX_RATIO ? n * DEFLATE_MAX_RATIO : SIZE_MAX;
        if (isize > guess)
            guess = isize < ceiling ? isize : ceiling;
    }
    return guess < max ? guess + 2 : max + 2;
}

/* Inflates the gzip stream src[0..n) into a new NUL-terminated buffer. */
static int inflate_gzip(const char *name, const char *src_, size_t n, size_t max,
                        char **out, size_t *len, struct tr_error *err)
{
    const unsigned char *src = (const unsigned char *)src_;
    z_stream zs;
    char *buf = NULL;
    size_t cap = inflated_guess(src, n, max), used = 0;
    int rc = TR_OK;
    bool zinit = false;

    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK || !(buf = malloc(cap))) {
        rc = no_memory(name, err);
        goto out;
    }
    zinit = true;
    zs.next_in = (unsigned char *)src;   /* zlib does not write through next_in */
    for (;;) {
        size_t consumed = (size_t)(zs.next_in - src);
        if (zs.avail_in == 0) {
            size_t left = n - consumed;
            zs.avail_in = (uInt)(left < ZLIB_CHUNK ? left : ZLIB_CHUNK);
        }
        if (cap - used < 2 && grow(&buf, &cap, max) != 0) {
            rc = no_memory(name, err);
            goto out;
        }
        size_t room = cap - 1 - used;
        zs.next_out = (unsigned char *)buf + used;
        zs.avail_out = (uInt)(room < ZLIB_CHUNK ? room : ZLIB_CHUNK);
        uInt before = zs.avail_out;
        int z = inflate(&zs, Z_NO_FLUSH);
        used += before - zs.avail_out;
        if (used > max) {
            rc = too_large(name, max, true, err);
            goto out;
        }
        if (z == Z_STREAM_END) {
            consumed = (size_t)(zs.next_in - src);
            if (consumed == n)
                break;
            if (!is_gzip((const char *)src + consumed, n - consumed)) {
                rc = tr_error_set(err, TR_EFORMAT, "%s: unexpected data after the gzip stream",
                                  name);
                goto out;
            }
            /* another gzip member follows: keep going, as gunzip does */
            if (inflateReset(&zs) != Z_OK) {
                rc = tr_error_set(err, TR_EFORMAT, "%s: corrupt gzip data", name);
                goto out;
            }
            continue;
        }
        if (z == Z_OK)
            continue;
        if (z == Z_BUF_ERROR) {
            if (zs.avail_out == 0)
                continue;   /* the output was full; make room */
            rc = tr_error_set(err, TR_EFORMAT, "%s: truncated gzip data (incomplete download?)",
                              name);
            goto out;
        }
        if (z == Z_MEM_ERROR) {
            rc = no_memory(name, err);
            goto out;
        }
        rc = tr_error_set(err, TR_EFORMAT, "%s: corrupt gzip data: %s", name,
                          zs.msg ? zs.msg : "invalid stream");
        goto out;
    }
    if (cap - used > GROW_START) {   /* give back an overestimate */
        char *p = realloc(buf, used + 1);
        if (p) {
            buf = p;
            cap = used + 1;
        }
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
out:
    if (zinit)
        inflateEnd(&zs);
    free(buf);
    return rc;
}

/*
 * Maps a regular file of 1 to max bytes whose size is not a whole number
 * of pages (the bytes past its end, up to the page's end, read as zeros:
 * data[len] is a NUL without a copy).  0 with *map NULL when it does not
 * apply, so the file is read instead.
 */
static int map_file(int fd, size_t max, char **map, size_t *len)
{
    struct stat st;
    long page = sysconf(_SC_PAGESIZE);
    *map = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > max || page <= 0 || st.st_size % page == 0)
        return 0;
    /* read-only: a writable private mapping would copy every page */
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED)
        return 0;
    *map = p;
    *len = (size_t)st.st_size;
    return 0;
}

/* Fills in from the raw bytes (taken over): checksum, then inflate. */
static int finish(struct tr_input *in, char *raw, size_t raw_len, size_t max,
                  struct tr_error *err)
{
    int rc = TR_OK;
    in->checksum = XXH64(raw, raw_len, 0);
    in->checksummed = true;
    if (is_gzip(raw, raw_len)) {
        in->gzipped = true;
        rc = inflate_gzip(in->name, raw, raw_len, max, &in->data, &in->len, err);
        free(raw);
    } else {
        in->data = raw;
        in->len = raw_len;
    }
    return rc;
}

static struct tr_input *input_new(const char *name)
{
    struct tr_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    if (!(in->name = strdup(name))) {
        free(in);
        return NULL;
    }
    if (strcmp(name, "-") == 0) {
        in->base = "stdin";
    } else {
        const char *slash = strrchr(in->name, '/');
        in->base = slash && slash[1] ? slash + 1 : in->name;
    }
    return in;
}

int tr_input_load_max(const char *path, size_t max, struct tr_input **out,
                      struct tr_error *err)
{
    struct tr_input *in = NULL;
    char *raw = NULL;
    size_t raw_len = 0;
    int fd = -1, rc = TR_OK;
    bool is_stdin = false;

    if (!path || !out) {
        rc = tr_error_set(err, TR_EUSAGE, "input: no path given");
        goto out;
    }
    is_stdin = strcmp(path, "-") == 0;
    if (!(in = input_new(path))) {
        rc = no_memory(path, err);
        goto out;
    }
    if (is_stdin) {
        fd = STDIN_FILENO;
    } else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = tr_error_set(err, TR_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    char *map = NULL;
    size_t map_len = 0;
    if (!is_stdin)
        map_file(fd, max, &map, &map_len);
    if (map) {
        if (is_gzip(map, map_len)) {
            in->checksum = XXH64(map, map_len, 0);
            in->checksummed = true;
            in->gzipped = true;
            rc = inflate_gzip(in->name, map, map_len, max, &in->data, &in->len, err);
            munmap(map, map_len);
        } else {
            in->data = map;
            in->len = in->mapped = map_len;
        }
        if (rc != TR_OK)
            goto out;
        *out = in;
        in = NULL;
        goto out;
    }
    if ((rc = read_all(fd, is_stdin ? "stdin" : path, max, &raw, &raw_len, err)) != TR_OK)
        goto out;
    rc = finish(in, raw, raw_len, max, err);
    raw = NULL;
    if (rc != TR_OK)
        goto out;
    *out = in;
    in = NULL;
out:
    if (fd >= 0 && !is_stdin)
        close(fd);
    free(raw);
    tr_input_free(in);
    return rc;
}

int tr_input_load(const char *path, struct tr_input **out, struct tr_error *err)
{
    return tr_input_load_max(path, TR_INPUT_MAX, out, err);
}

int tr_input_from_memory(const char *name, const char *data, size_t len,
                         struct tr_input **out, struct tr_error *err)
{
    struct tr_input *in = NULL;
    char *raw = NULL;
    int rc = TR_OK;

    if (!name || !out || (!data && len > 0)) {
        rc = tr_error_set(err, TR_EUSAGE, "input: no name or no data given");
        goto out;
    }
    if (len > TR_INPUT_MAX) {
        rc = too_large(name, TR_INPUT_MAX, false, err);
        goto out;
    }
    if (!(in = input_new(name)) || !(raw = malloc(len + 1))) {
        rc = no_memory(name, err);
        goto out;
    }
    if (len)
        memcpy(raw, data, len);
    raw[len] = '\0';
    rc = finish(in, raw, len, TR_INPUT_MAX, err);
    raw = NULL;
    if (rc != TR_OK)
        goto out;
    *out = in;
    in = NULL;
out:
    free(raw);
    tr_input_free(in);
    return rc;
}

uint64_t tr_input_checksum(struct tr_input *in)
{
    if (!in->checksummed) {     /* a mapped file: the stored bytes are the data */
        in->checksum = XXH64(in->data, in->len, 0);
        in->checksummed = true;
    }
    return in->checksum;
}

void tr_input_free(struct tr_input *in)
{
    if (!in)
        return;
    free(in->name);
    if (in->mapped)
        munmap(in->data, in->mapped);
    else
        free(in->data);
    free(in);
}
