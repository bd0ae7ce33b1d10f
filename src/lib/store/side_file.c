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
    uint32_t magic, zero;
    uint64_t generation, length, hash;
};

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
    j->h.hash = XXH64(j->data, j->len, 0);
    /* overwritten in place, the old file's cached pages take the bytes */
    bool reused = j->reuse[0] && rename(j->reuse, j->tmp) == 0;
    int fd = open(j->tmp, O_WRONLY | O_CREAT | O_CLOEXEC | (reused ? 0 : O_TRUNC), 0644);
    size_t half = j->len / 2;
    if (fd < 0 || write_full(fd, &j->h, sizeof j->h) || write_full(fd, j->data, half) ||
        (tr_crash_point("side.half"), write_full(fd, (const char *)j->data + half, j->len - half)) ||
        (reused && ftruncate(fd, (off_t)(sizeof j->h + j->len))) || close(fd)) {
        j->error = errno ? errno : EIO;
        if (fd >= 0)
            close(fd);
        unlink(j->tmp);
    } else if (tr_crash_point("side.rename"), rename(j->tmp, j->path)) {
        j->error = errno;
        unlink(j->tmp);
    }
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
                           .h = {s->magic, 0, *gen, len, 0}};
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
        h->generation != gen || (uint64_t)st.st_size != sizeof *h + h->length) {
        close(fd);
        return -1;
    }
    *file = (size_t)st.st_size;
    return fd;
}

void tr_side_read(const struct tr_side *s, uint64_t gen, void **data, size_t *len)
{
    struct side_header h;
    size_t file;
    int fd = open_gen(s, gen, &h, &file, data, len);
    if (fd < 0)
        return;
    void *p = malloc(h.length ? h.length : 1);
    if (p && read_full(fd, p, h.length) == 0 && XXH64(p, h.length, 0) == h.hash) {
        *data = p;
        *len = h.length;
    } else {
        free(p);
    }
    close(fd);
}

void tr_side_map(const struct tr_side *s, uint64_t gen, void **data, size_t *len)
{
    struct side_header h;
    size_t file;
    int fd = open_gen(s, gen, &h, &file, data, len);
    if (fd < 0)
        return;
    /* the file's pages are shared with the page cache until written */
    char *m = mmap(NULL, file, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return;
    if (XXH64(m + sizeof h, h.length, 0) != h.hash) {
        munmap(m, file);
        return;
    }
    *data = m + sizeof h;
    *len = h.length;
}

void tr_side_unmap(void *data, size_t len, void *ctx)
{
    (void)ctx;
    if (data)
        munmap((char *)data - sizeof(struct side_header), sizeof(struct side_header) + len);
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
    else if ((uint64_t)st.st_size != sizeof h + h.length)
        bad = "is not the length its header gives";
    if (!bad) {
        void *p = malloc(h.length ? h.length : 1);
        if (!p)
            bad = "could not be read (out of memory)";
        else if (read_full(fd, p, h.length))
            bad = "could not be read";
        else if (XXH64(p, h.length, 0) != h.hash)
            bad = "fails its checksum";
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
