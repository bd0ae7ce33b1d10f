/*
 * crash_point.c: the test build's crash points (crash_point.h).
 */
#include "base/crash_point.h"

#ifdef TR_CRASH_POINTS
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char target[64];
static unsigned long target_pass = 1;
static atomic_ulong passes;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_target(void)
{
    const char *at = getenv("TRACKRECORD_CRASH_AT");
    if (!at)
        return;
    const char *colon = strchr(at, ':');
    size_t len = colon ? (size_t)(colon - at) : strlen(at);
    if (len >= sizeof target)
        return;
    memcpy(target, at, len);
    if (colon)
        target_pass = strtoul(colon + 1, NULL, 10);
}

void tr_crash_point(const char *name)
{
    pthread_once(&once, read_target);
    if (target[0] && strcmp(name, target) == 0 && atomic_fetch_add(&passes, 1) + 1 == target_pass)
        kill(getpid(), SIGKILL);
}

/* ---- SQLite's writes: a VFS that passes every call on to the default
 * one, counting writes and syncs of every file it opens. */

struct counted_file {
    sqlite3_file base;       /* methods: counted_io */
    sqlite3_file *real;      /* the default VFS's file, allocated after */
};

static sqlite3_vfs counting, *real_vfs;
static sqlite3_io_methods counted_io;

static int c_close(sqlite3_file *f)
{
    struct counted_file *c = (struct counted_file *)f;
    int rc = c->real->pMethods ? c->real->pMethods->xClose(c->real) : SQLITE_OK;
    return rc;
}
static int c_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xRead(c->real, buf, n, off);
}
static int c_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    tr_crash_point("sqlite.write");
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xWrite(c->real, buf, n, off);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xTruncate(c->real, size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    tr_crash_point("sqlite.sync");
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xSync(c->real, flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xFileSize(c->real, size);
}
static int c_lock(sqlite3_file *f, int l)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xLock(c->real, l);
}
static int c_unlock(sqlite3_file *f, int l)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xUnlock(c->real, l);
}
static int c_check_lock(sqlite3_file *f, int *out)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xCheckReservedLock(c->real, out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xFileControl(c->real, op, arg);
}
static int c_sector(sqlite3_file *f)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xSectorSize(c->real);
}
static int c_device(sqlite3_file *f)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xDeviceCharacteristics(c->real);
}
static int c_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **p)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xShmMap(c->real, pg, sz, extend, p);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xShmLock(c->real, off, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    struct counted_file *c = (struct counted_file *)f;
    c->real->pMethods->xShmBarrier(c->real);
}
static int c_shm_unmap(sqlite3_file *f, int del)
{
    struct counted_file *c = (struct counted_file *)f;
    return c->real->pMethods->xShmUnmap(c->real, del);
}

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct counted_file *c = (struct counted_file *)f;
    c->real = (sqlite3_file *)(c + 1);
    int rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out);
    c->base.pMethods = c->real->pMethods ? &counted_io : NULL;
    return rc;
}

static void install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return;
    counted_io = (sqlite3_io_methods){2, c_close, c_read, c_write, c_truncate, c_sync, c_size,
                                      c_lock, c_unlock, c_check_lock, c_fcntl, c_sector, c_device,
                                      c_shm_map, c_shm_lock, c_shm_barrier, c_shm_unmap, NULL,
                                      NULL};
    counting = *real_vfs;
    counting.iVersion = real_vfs->iVersion < 3 ? real_vfs->iVersion : 3;
    counting.zName = "trackrecord-crash";
    counting.szOsFile = (int)sizeof(struct counted_file) + real_vfs->szOsFile;
    counting.xOpen = c_open;
    counting.pAppData = NULL;
    sqlite3_vfs_register(&counting, 1);
}

void tr_crash_vfs_install(void)
{
    static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;
    pthread_once(&vfs_once, install);
}
#else
typedef int tr_crash_points_off;   /* a translation unit is not empty */
#endif
