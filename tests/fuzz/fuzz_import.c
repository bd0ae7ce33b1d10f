/*
 * fuzz_import.c: every input format's reader through the real entry point,
 * tr_import(), into a real store.
 *
 * The first byte picks the format (one of tr_import_formats(), or none:
 * detected from the content, as `trackrecord import` does), the second the
 * file's name (the day, chart and country some formats take from it) and
 * the options (--add-tracks, the duplicate policy); the rest is the file,
 * written as it is (gzip bytes are inflated by the reader, as for a file
 * on disk).  Every run imports into a fresh copy of one store made at
 * start: the Layover bundle (tests/data/feeds/layover) and two weeks of its
 * play counts, so that a reader finds known ids, releases and anchors.
 *
 * Beyond the sanitizers, the target checks the import's promises: a refusal
 * is one of the library's error codes with a message, and leaves the store
 * as it was (its counts read back the same); an accepted import leaves a
 * store that reads.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trackrecord/import.h"
#include "trackrecord/store.h"

#ifndef FUZZ_ROOT
#error "FUZZ_ROOT: the repository's root, for the base store's bundle (tests/fuzz/Makefile)"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static void die(const char *what, const struct tr_error *err)
{
    fprintf(stderr, "fuzz_import: %s: %s\n", what, err ? err->msg : "");
    abort();
}

/* File names: a day, a chart and a country for the formats that read them there. */
static const char *const names[] = {
    "streams-2023-09-20.csv",
    "regional-global-daily-2023-09-20.csv",
    "regional-kr-weekly-2023-09-14--2023-09-21.csv",
    "2023-09-14--2023-09-21us_meta.csv",
    "2023-09-20.json",
    "albums-2023-09-20.json",
    "tracks.csv",
    "timeline.csv",
};
#define N_NAMES (sizeof names / sizeof *names)

static char dir[64];             /* the scratch directory */
static char base_files[16][64];  /* the base store's files, by suffix after the name */
static size_t n_base;

static void copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    check(in >= 0 && out >= 0);
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        check(write(out, buf, (size_t)n) == n);
    check(n == 0);
    close(in);
    close(out);
}

/* Removes every file of the scratch directory that starts with prefix. */
static void remove_prefixed(const char *prefix)
{
    DIR *d = opendir(dir);
    check(d != NULL);
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
}

static void clean_up(void)
{
    remove_prefixed("");
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fuzz-import.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp ? tmp : "/tmp");
    check(mkdtemp(dir) != NULL);
    atexit(clean_up);

    char db[128];
    snprintf(db, sizeof db, "%s/base.db", dir);
    struct tr_store *s;
    struct tr_error err = {0};
    if (tr_store_open(db, 0, &s, &err))
        die("the base store", &err);
    const char *bundle[] = {FUZZ_ROOT "/tests/data/feeds/layover",
                            FUZZ_ROOT "/tests/fuzz/base/streams.csv"};
    struct tr_import_options opt = {.ladder = "10M../10M", .date = TR_DAY_NONE};
    if (tr_import(s, bundle, 2, &opt, NULL, &err))
        die("the base store's import", &err);
    tr_store_close(s);

    DIR *d = opendir(dir);
    check(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "base.db", 7) == 0) {
            check(n_base < sizeof base_files / sizeof *base_files);
            snprintf(base_files[n_base++], sizeof *base_files, "%s", e->d_name + 4);
        }
    closedir(d);
    return 0;
}

static void counts(struct tr_store *s, struct tr_store_stats *st)
{
    struct tr_error err = {0};
    memset(st, 0, sizeof *st);
    if (tr_store_stats(s, st, &err))
        die("stats", &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *const *formats = tr_import_formats();
    size_t n_formats = 0;
    while (formats[n_formats])
        n_formats++;
    const char *format = data[0] % (n_formats + 1) ? formats[data[0] % (n_formats + 1) - 1] : NULL;
    const char *name = names[data[1] % N_NAMES];
    struct tr_import_options opt = {
        .format = format,
        .add_tracks = data[1] & 0x10,
        .on_duplicate = (enum tr_on_duplicate)((data[1] >> 5) & 3),
        .date = TR_DAY_NONE,
        .track = "2N0SPREDYqILVEFSsWF5N5",   /* Love Me Again: a timeline's song */
        .no_records = data[1] & 0x80,
    };

    /* a fresh copy of the base store */
    remove_prefixed("run.db");
    char from[128], to[128], path[128];
    for (size_t i = 0; i < n_base; i++) {
        snprintf(from, sizeof from, "%s/base%s", dir, base_files[i]);
        snprintf(to, sizeof to, "%s/run%s", dir, base_files[i]);
        copy_file(from, to);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0);
    check(write(fd, data + 2, size - 2) == (ssize_t)(size - 2));
    close(fd);

    snprintf(to, sizeof to, "%s/run.db", dir);
    struct tr_store *s;
    struct tr_error err = {0};
    if (tr_store_open(to, 0, &s, &err))
        die("the run's store", &err);
    struct tr_store_stats before, after;
    counts(s, &before);
    const char *paths[] = {path};
    int rc = tr_import(s, paths, 1, &opt, NULL, &err);
    counts(s, &after);
    if (rc) {
        check(rc >= TR_EUSAGE && rc <= TR_EBUSY && err.msg[0] != '\0');
        check(memcmp(&before, &after, sizeof before) == 0);
    }
    tr_store_close(s);
    unlink(path);
    return 0;
}
