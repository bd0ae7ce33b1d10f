/*
 * tests/crash/faults.c: a failing allocation or write, for tests/crash/faults.sh.
 *
 * Built as a shared object and loaded with LD_PRELOAD in front of the real
 * trackrecord binary.  TRACKRECORD_FAULT=KIND:N makes the Nth call of that
 * kind fail, and every later one of the kind succeed:
 *   malloc  malloc, calloc, realloc, posix_memalign, aligned_alloc: NULL, ENOMEM
 *   write   write, pwrite, pwrite64, writev, fsync, fdatasync: -1, EIO
 * TRACKRECORD_FAULT_COUNT=FILE instead writes, at exit, how many calls of
 * each kind the process made ("malloc N\nwrite N\n"), so that a test can
 * try N = 1 .. all.  Calls are counted from the first one the process
 * makes, in every thread.  Nothing else changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* glibc's own allocator, under the names it exports for this */
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t align, size_t n);

enum { KIND_MALLOC, KIND_WRITE, N_KINDS };
static const char *const kind_names[N_KINDS] = {"malloc", "write"};

static atomic_ullong calls[N_KINDS];
static int fail_kind = -1;
static unsigned long long fail_at;
static const char *count_file;
static atomic_int ready;

static void report(void)
{
    FILE *f = fopen(count_file, "w");
    if (!f)
        return;
    for (int k = 0; k < N_KINDS; k++)
        fprintf(f, "%s %llu\n", kind_names[k], (unsigned long long)atomic_load(&calls[k]));
    fclose(f);
}

/* Reads the settings once; the allocator may be called before constructors run. */
static void setup(void)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&ready, &expected, 1))
        return;
    const char *f = getenv("TRACKRECORD_FAULT");
    if (f) {
        for (int k = 0; k < N_KINDS; k++) {
            size_t n = strlen(kind_names[k]);
            if (strncmp(f, kind_names[k], n) == 0 && f[n] == ':') {
                fail_kind = k;
                fail_at = strtoull(f + n + 1, NULL, 10);
            }
        }
    }
    if ((count_file = getenv("TRACKRECORD_FAULT_COUNT")))
        atexit(report);
}

/* Whether this call of kind k is the one to fail. */
static int fails(int k)
{
    setup();
    unsigned long long n = atomic_fetch_add(&calls[k], 1) + 1;
    return k == fail_kind && n == fail_at;
}

void *malloc(size_t n)
{
    if (fails(KIND_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    if (fails(KIND_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    if (fails(KIND_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (fails(KIND_MALLOC))
        return ENOMEM;
    void *p = __libc_memalign(align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
    if (fails(KIND_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_memalign(align, n);
}

/* The next definition of name (the C library's). */
static void *next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

#define FAIL_WRITE()                                                                          \
    do {                                                                                      \
        if (fails(KIND_WRITE)) {                                                              \
            errno = EIO;                                                                      \
            return -1;                                                                        \
        }                                                                                     \
    } while (0)

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    FAIL_WRITE();
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t))next("write");
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    FAIL_WRITE();
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))next("pwrite");
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    FAIL_WRITE();
    if (!real)
        real = (ssize_t (*)(int, const void *, size_t, off_t))next("pwrite64");
    return real(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
    static ssize_t (*real)(int, const struct iovec *, int);
    FAIL_WRITE();
    if (!real)
        real = (ssize_t (*)(int, const struct iovec *, int))next("writev");
    return real(fd, iov, n);
}

int fsync(int fd)
{
    static int (*real)(int);
    FAIL_WRITE();
    if (!real)
        real = (int (*)(int))next("fsync");
    return real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    FAIL_WRITE();
    if (!real)
        real = (int (*)(int))next("fdatasync");
    return real(fd);
}
