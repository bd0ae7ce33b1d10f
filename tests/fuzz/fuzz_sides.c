/*
 * fuzz_sides.c: the readers of what a store keeps beside its tables, on
 * arbitrary bytes: the packed milestone events (the event log, kept
 * claims), the engine's checkpoint and its preparation.  Each is sealed by
 * a checksum on disk, but a checksum only says the bytes are the ones
 * written: by this build, an older one, or a damaged writer.  A reader must
 * refuse what does not fit the catalog it is given and never index outside
 * its arrays.
 *
 * The first byte picks the reader; the rest is its bytes, in a buffer of
 * exactly their size (8-byte aligned, as a mapping is).  The catalog and
 * ladders are the Layover bundle's, imported at start.  With
 * FUZZ_SIDES_SEEDS=DIR set, the start also writes the real bytes of that
 * store's events, checkpoint and preparation to DIR as seeds
 * (tests/fuzz/seeds.sh).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trackrecord/import.h"
#include "trackrecord/store.h"
#include "milestones/engine.h"
#include "store/event_pack.h"

#ifndef FUZZ_ROOT
#error "FUZZ_ROOT: the repository's root, for the store's bundle (tests/fuzz/Makefile)"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { EVENTS, EVENTS_PART, CHECKPOINT, PREP, N_READERS };

static char store_dir[64];       /* the store's directory */
static struct tr_store *store;   /* open for the whole run: the catalog is borrowed from it */
static const struct tr_catalog *catalog;
static const struct tr_ladders *ladders;

static void die(const char *what, const struct tr_error *err)
{
    fprintf(stderr, "fuzz_sides: %s: %s\n", what, err ? err->msg : "");
    abort();
}

static void check(int ok)
{
    if (!ok)
        abort();
}

static void write_seed(const char *dir, const char *name, int reader, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/seed-%s", dir, name);
    FILE *f = fopen(path, "wb");
    check(f != NULL);
    fputc(reader, f);
    check(fwrite(p, 1, n, f) == n);
    fclose(f);
}

/* The store's checkpoint file, its 32-byte header left out. */
static void seed_checkpoint(const char *seeds, const char *dir)
{
    DIR *d = opendir(dir);
    check(d != NULL);
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d)))
        if (strstr(e->d_name, "-checkpoint.")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            FILE *f = fopen(path, "rb");
            check(f != NULL);
            static char buf[1 << 20];
            size_t n = fread(buf, 1, sizeof buf, f);
            fclose(f);
            check(n > 32);
            write_seed(seeds, "checkpoint", CHECKPOINT, buf + 32, n - 32);
            break;
        }
    closedir(d);
}

static void write_seeds(const char *seeds, struct tr_store *s, const char *dir)
{
    struct tr_milestone_filter all = TR_MILESTONE_FILTER_ALL;
    struct tr_milestone *ev;
    size_t n;
    struct tr_error err = {0};
    if (tr_store_milestones(s, &all, &ev, &n, &err))
        die("milestones", &err);
    size_t len = tr_events_packed_size(ev, n);
    char *p = malloc(len ? len : 1);
    check(p != NULL);
    tr_events_pack(ev, n, p);
    write_seed(seeds, "events", EVENTS, p, len);
    write_seed(seeds, "events-part", EVENTS_PART, p, len > 100 ? len - 17 : len);
    free(p);
    free(ev);

    struct tr_engine_prep *prep;
    void *bytes;
    check(tr_engine_prepare(catalog, &prep) == 0);
    check(tr_engine_prep_save(prep, &bytes, &len) == 0);
    write_seed(seeds, "prep", PREP, bytes, len);
    free(bytes);
    tr_engine_prep_free(prep);
    seed_checkpoint(seeds, dir);
}

static void clean_up(void)
{
    tr_store_close(store);
    DIR *d = opendir(store_dir);
    struct dirent *e;
    char path[1024];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", store_dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(store_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(store_dir, sizeof store_dir, "%s/fuzz-sides.XXXXXX", tmp ? tmp : "/tmp");
    check(mkdtemp(store_dir) != NULL);
    char db[128];
    snprintf(db, sizeof db, "%s/base.db", store_dir);
    struct tr_error err = {0};
    if (tr_store_open(db, 0, &store, &err))
        die("the store", &err);
    const char *bundle[] = {FUZZ_ROOT "/tests/data/feeds/layover",
                            FUZZ_ROOT "/tests/fuzz/base/streams.csv"};
    struct tr_import_options opt = {.ladder = "10M../10M", .date = TR_DAY_NONE};
    atexit(clean_up);
    struct tr_store *s = store;
    if (tr_import(s, bundle, 2, &opt, NULL, &err))
        die("the store's import", &err);
    if (tr_store_catalog(s, &catalog, &err) || tr_store_ladders(s, &ladders, &err))
        die("the catalog", &err);
    const char *seeds = getenv("FUZZ_SIDES_SEEDS");
    if (seeds)
        write_seeds(seeds, s, store_dir);
    return 0;
}

static void release(void *bytes, size_t len, void *ctx)
{
    (void)len;
    *(int *)ctx += 1;
    free(bytes);
}

static void read_events(const char *p, size_t size, bool part)
{
    struct tr_milestone *v = NULL;
    size_t n = 0, cap = 0, used = 0;
    bool ok = part ? tr_events_unpack_part(catalog, p, size, &v, &n, &cap, &used)
                   : tr_events_unpack(catalog, p, size, &v, &n, &cap);
    if (ok) {
        check(n <= cap && (!part || used <= size));
        for (size_t i = 0; i < n; i++) {
            uint32_t of = v[i].subject_type == TR_SUBJECT_TRACK     ? catalog->n_tracks
                          : v[i].subject_type == TR_SUBJECT_RELEASE ? catalog->n_releases
                          : v[i].subject_type == TR_SUBJECT_ARTIST  ? catalog->n_artists
                                                                    : 0;
            check(v[i].subject < of);   /* every index checked against the catalog */
        }
    }
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int reader = data[0] % N_READERS;
    size--;
    void *bytes = malloc(size ? size : 1);   /* malloc'd memory is 16-byte aligned */
    if (!bytes)
        return 0;
    memcpy(bytes, data + 1, size);
    switch (reader) {
    case EVENTS:
    case EVENTS_PART:
        read_events(bytes, size, reader == EVENTS_PART);
        break;
    case CHECKPOINT: {
        tr_engine_checkpoint_day(catalog, ladders, bytes, size);
        tr_day *first = NULL, *last = NULL;
        uint32_t n = 0;
        int rc = tr_engine_coverage(bytes, size, &first, &last, &n);
        check(rc == 0 || rc == TR_ESTORE || rc == TR_ENOMEM);
        free(first);
        free(last);
        break;
    }
    case PREP: {
        struct tr_engine_prep *prep;
        int released = 0;
        if (tr_engine_prep_adopt(catalog, bytes, size, release, &released, &prep) == 0) {
            tr_engine_prep_free(prep);
            check(released == 1);
            return 0;
        }
        break;
    }
    }
    free(bytes);
    return 0;
}
