/*
 * side_file.c: caches beside a store, one file a generation (side_file.h).
 */
#include "store/side_file.h"
#include "base/crash_point.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

struct side_header {
    uint32_t magic, block_shift; /* block_shift 0 in files of one checksum */
    uint64_t generation, length, hash;
};

/* A block table's entries: one per block of 2^shift bytes, none for 0. */
static uint64_t n_blocks(uint32_t shift, uint64_t len)
{
    return shift ? (len + ((uint64_t)1 << shift) - 1) >> shift : 0;
}

static size_t table_bytes(const struct side_header *h)
{
    return (size_t)n_blocks(h->block_shift, h->length) * sizeof(uint64_t);
}

struct side_job {
    pthread_t thread;
    void *data;
    size_t len;
    bool owned;
    const char *name;
    char reuse[4096];            /* a file to overwrite, or "" */
    struct side_header h;
    char path[4096], tmp[4112];
    int error;                   /* errno of a failed write, or 0 */
};

static void side_path(const struct tr_side *s, uint64_t gen, char *buf, size_t size)
{
    snprintf(buf, size, "%s-%s.%llu", s->store, s->name, (unsigned long long)gen);
}

static int write_full(int fd, const void *buf, size_t n)
{
    for (size_t put = 0; put < n;) {
        ssize_t w = write(fd, (const char *)buf + put, n - put);
        if (w <= 0)
            return -1;
        put += (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static void *write_job(void *arg)
{
    struct side_job *j = arg;
    uint32_t shift = j->h.block_shift;
    size_t nb = (size_t)n_blocks(shift, j->len), tb = nb * sizeof(uint64_t);
    uint64_t *table = nb ? malloc(tb) : NULL;
    for (size_t b = 0; b < nb && table; b++) {
        size_t at = b << shift, m = j->len - at < ((size_t)1 << shift) ? j->len - at : (size_t)1 << shift;
        table[b] = XXH64((const char *)j->data + at, m, 0);
    }
    j->h.hash = shift ? XXH64(table, tb, 0) : XXH64(j->data, j->len, 0);
    /* overwritten in place, the old file's cached pages take the bytes */
    bool reused = (!nb || table) && j->reuse[0] && rename(j->reuse, j->tmp) == 0;
    int fd = nb && !table ? (errno = ENOMEM, -1)
           : open(j->tmp, O_WRONLY | O_CREAT | O_CLOEXEC | (reused ? 0 : O_TRUNC), 0644);
    size_t half = j->len / 2;
    if (fd < 0 || write_full(fd, &j->h, sizeof j->h) || write_full(fd, table, tb) ||
        write_full(fd, j->data, half) ||
        (tr_crash_point("side.half"), write_full(fd, (const char *)j->data + half, j->len - half)) ||
        (reused && ftruncate(fd, (off_t)(sizeof j->h + tb + j->len))) || close(fd)) {
        j->error = errno ? errno : EIO;
        if (fd >= 0)
            close(fd);
        unlink(j->tmp);
    } else if (tr_crash_point("side.rename"), rename(j->tmp, j->path)) {
        j->error = errno;
        unlink(j->tmp);
    }
    free(table);
    if (j->owned)
        free(j->data);
    j->data = NULL;
    return NULL;
}

/* The error of a finished job, freeing it. */
static int job_done(struct side_job *j, struct tr_error *err)
{
    int rc = j->error ? tr_error_set(err, TR_EIO, "%s: writing the %s: %s", j->tmp, j->name,
                                     strerror(j->error))
                      : 0;
    free(j);
    return rc;
}

int tr_side_wait(struct tr_side *s, struct tr_error *err)
{
    struct side_job *j = s->job;
    if (!j)
        return 0;
    pthread_join(j->thread, NULL);
    s->job = NULL;
    return job_done(j, err);
}

int tr_side_put(struct tr_side *s, uint64_t committed, void *data, size_t len, bool owned,
                uint64_t *gen, struct tr_error *err)
{
    int rc = tr_side_wait(s, err);
    struct side_job *j = rc ? NULL : calloc(1, sizeof *j);
    if (!j) {
        if (owned)
            free(data);
        return rc ? rc : tr_error_set(err, TR_ENOMEM, "out of memory");
    }
    *gen = (s->written > committed ? s->written : committed) + 1;
    *j = (struct side_job){.data = data, .len = len, .owned = owned, .name = s->name,
                           .h = {s->magic, s->block_shift, *gen, len, 0}};
    if (!s->written) {
        s->base = committed;
        /* the generation this commit removes */
        if (s->recycle && committed >= 2)
            side_path(s, committed - 1, j->reuse, sizeof j->reuse);
    }
    side_path(s, *gen, j->path, sizeof j->path);
    snprintf(j->tmp, sizeof j->tmp, "%s.tmp", j->path);
    s->written = *gen;           /* a rollback removes it, written or not */
    if (pthread_create(&j->thread, NULL, write_job, j) != 0) {
        write_job(j);            /* no thread: written here */
        return job_done(j, err);
    }
    s->job = j;
    return 0;
}

static void side_remove(const struct tr_side *s, uint64_t lo, uint64_t hi)
{
    char path[4096];
    for (uint64_t g = lo ? lo : 1; g <= hi; g++) {
        side_path(s, g, path, sizeof path);
        unlink(path);
    }
}

void tr_side_end(struct tr_side *s, bool committed)
{
    tr_side_wait(s, NULL);
    if (!s->written)
        return;
    if (!committed)
        side_remove(s, s->base + 1, s->written);
    else if (s->written >= 2)
        side_remove(s, s->base > 1 ? s->base - 1 : 1, s->written - 2);
    s->base = s->written = 0;
}

/* Opens generation gen and reads its header: the fd, or -1 (none).
 * Clears *data and *len for the callers, who fill them on success. */
static int open_gen(const struct tr_side *s, uint64_t gen, struct side_header *h, size_t *file,
                    void **data, size_t *len)
{
    char path[4096];
    *data = NULL;
    *len = 0;
    side_path(s, gen, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) || read_full(fd, h, sizeof *h) || h->magic != s->magic ||
        h->generation != gen || h->block_shift > 30 ||
        (uint64_t)st.st_size != sizeof *h + table_bytes(h) + h->length) {
        close(fd);
        return -1;
    }
    *file = (size_t)st.st_size;
    return fd;
}

/* Reads the rest of the file after header h (its block table, if any,
 * and its bytes) and checks it whole: NULL with the bytes in *data
 * (malloc'd), or why not (a phrase for tr_side_check). */
static const char *read_checked(int fd, const struct side_header *h, void **data)
{
    size_t tb = table_bytes(h), bs = (size_t)1 << h->block_shift;
    uint64_t *table = malloc(tb ? tb : 1);
    uint8_t *p = malloc(h->length ? h->length : 1);
    const char *bad = NULL;
    *data = NULL;
    if (!table || !p)
        bad = "could not be read (out of memory)";
    else if (read_full(fd, table, tb) || read_full(fd, p, h->length))
        bad = "could not be read";
    else if (h->block_shift ? XXH64(table, tb, 0) != h->hash : XXH64(p, h->length, 0) != h->hash)
        bad = "fails its checksum";
    for (size_t b = 0; !bad && b < tb / sizeof *table; b++) {
        size_t at = b * bs, m = h->length - at < bs ? h->length - at : bs;
        if (XXH64(p + at, m, 0) != table[b])
            bad = "fails its checksum";
    }
    free(table);
    if (bad)
        free(p);
    else
        *data = p;
    return bad;
}

void tr_side_read(const struct tr_side *s, uint64_t gen, void **data, size_t *len)
{
    struct side_header h;
    size_t file;
    int fd = open_gen(s, gen, &h, &file, data, len);
    if (fd < 0)
        return;
    if (!read_checked(fd, &h, data))
        *len = h.length;
    close(fd);
}

int tr_side_view_open(const struct tr_side *s, uint64_t gen, struct tr_side_view *v)
{
    struct side_header h;
    size_t file, len;
    void *data;
    memset(v, 0, sizeof *v);
    v->fd = open_gen(s, gen, &h, &file, &data, &len);
    if (v->fd < 0)
        return -1;
    if (!h.block_shift) {        /* one checksum: loaded and checked whole */
        const char *bad = read_checked(v->fd, &h, &data);
        close(v->fd);
        v->fd = -1;
        if (bad)
            return -1;
        v->data = data;
        v->len = h.length;
        return 0;
    }
    size_t nb = (size_t)n_blocks(h.block_shift, h.length);
    v->hash = malloc(nb * sizeof *v->hash);
    v->loaded = calloc(nb, 1);
    v->data = calloc(h.length, 1);   /* fresh pages only where loaded */
    if (!v->hash || !v->loaded || !v->data || read_full(v->fd, v->hash, nb * sizeof *v->hash) ||
        XXH64(v->hash, nb * sizeof *v->hash, 0) != h.hash) {
        tr_side_view_close(v);
        return -1;
    }
    v->len = h.length;
    v->shift = h.block_shift;
    v->at = sizeof h + nb * sizeof *v->hash;
    return 0;
}

int tr_side_view_load(struct tr_side_view *v, size_t off, size_t n)
{
    if (off > v->len || n > v->len - off)
        return -1;
    if (!v->shift || !n)
        return 0;
    size_t bs = (size_t)1 << v->shift;
    for (size_t b = off >> v->shift; b <= (off + n - 1) >> v->shift; b++) {
        if (v->loaded[b])
            continue;
        size_t at = b << v->shift, m = v->len - at < bs ? v->len - at : bs;
        for (size_t got = 0; got < m;) {
            ssize_t r = pread(v->fd, v->data + at + got, m - got, (off_t)(v->at + at + got));
            if (r <= 0)
                return -1;
            got += (size_t)r;
        }
        if (XXH64(v->data + at, m, 0) != v->hash[b])
            return -1;
        v->loaded[b] = 1;
    }
    return 0;
}

void tr_side_view_close(struct tr_side_view *v)
{
    if (v->fd >= 0)
        close(v->fd);
    free(v->data);
    free(v->hash);
    free(v->loaded);
    memset(v, 0, sizeof *v);
    v->fd = -1;
}

/* Whether the mapped file after header h (at m) holds what its header
 * says: its one XXH64, or its block table's and every block's. */
static bool mapped_whole(const struct side_header *h, const char *m)
{
    size_t tb = table_bytes(h), bs = (size_t)1 << h->block_shift;
    const char *p = m + sizeof *h + tb;
    if (!h->block_shift)
        return XXH64(p, h->length, 0) == h->hash;
    const char *table = m + sizeof *h;
    if (XXH64(table, tb, 0) != h->hash)
        return false;
    for (size_t b = 0; b < tb / sizeof(uint64_t); b++) {
        size_t at = b * bs, n = h->length - at < bs ? h->length - at : bs;
        uint64_t want;
        memcpy(&want, table + b * sizeof want, sizeof want);
        if (XXH64(p + at, n, 0) != want)
            return false;
    }
    return true;
}

void tr_side_map(const struct tr_side *s, uint64_t gen, void **data, size_t *len, void **ctx)
{
    struct side_header h;
    size_t file;
    *ctx = NULL;
    int fd = open_gen(s, gen, &h, &file, data, len);
    if (fd < 0)
        return;
    /* the file's pages are shared with the page cache until written */
    char *m = mmap(NULL, file, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return;
    size_t before = sizeof h + table_bytes(&h);
    if (!mapped_whole(&h, m) || before % 8) {
        munmap(m, file);
        return;
    }
    *data = m + before;
    *len = h.length;
    /* where the mapping starts, for tr_side_unmap: NULL for a file of one
     * checksum (its header alone is before the bytes) */
    *ctx = h.block_shift ? (void *)(uintptr_t)before : NULL;
}

void tr_side_unmap(void *data, size_t len, void *ctx)
{
    size_t before = ctx ? (size_t)(uintptr_t)ctx : sizeof(struct side_header);
    if (data)
        munmap((char *)data - before, before + len);
}

int tr_side_blocks(const struct tr_side *s, uint64_t gen)
{
    struct side_header h;
    size_t file;
    void *data;
    size_t len;
    int fd = open_gen(s, gen, &h, &file, &data, &len);
    if (fd < 0)
        return -1;
    close(fd);
    return h.block_shift ? 1 : 0;
}

void tr_side_path(const struct tr_side *s, uint64_t gen, char *buf, size_t size)
{
    side_path(s, gen, buf, size);
}

int tr_side_check(const struct tr_side *s, uint64_t gen, char *why, size_t size)
{
    char path[4096];
    struct side_header h;
    struct stat st;
    side_path(s, gen, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    const char *bad = NULL;
    if (fd < 0)
        bad = errno == ENOENT ? "is missing" : strerror(errno);
    else if (fstat(fd, &st) || read_full(fd, &h, sizeof h))
        bad = "is cut short before the end of its header";
    else if (h.magic != s->magic)
        bad = "has a damaged header (not this kind of file)";
    else if (h.generation != gen)
        bad = "has a damaged header (another generation)";
    else if (h.block_shift > 30 || (uint64_t)st.st_size != sizeof h + table_bytes(&h) + h.length)
        bad = "is not the length its header gives";
    if (!bad) {
        void *p;
        bad = read_checked(fd, &h, &p);
        free(p);
    }
    if (fd >= 0)
        close(fd);
    if (bad)
        snprintf(why, size, "%s", bad);
    return bad ? -1 : 0;
}

const char *tr_side_title(const char *name)
{
    static const char *const titles[][2] = {
        {"checkpoint", "milestone checkpoint"}, {"catalog", "catalog snapshot"},
        {"prep", "engine preparation"},         {"forecasts", "kept forecasts"},
    };
    for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
        if (strcmp(titles[i][0], name) == 0)
            return titles[i][1];
    return name;
}
