/*
 * store/changes.c: what each write changed of the store's play counts and
 * catalog, for work kept from an earlier state (trackrecord/store.h:
 * tr_store_changes_since; the static site carries its pages' digests of
 * past points across a daily import with it).
 *
 * meta.changes holds the last TR_STORE_CHANGES_KEPT changes, oldest
 * first, a line each: "STATE FIRST CATALOG", STATE the 16 hex digits of
 * the state the change made, FIRST the earliest day whose data it wrote
 * (a day number, "-" for none), CATALOG 1 when it changed the catalog.
 * A state is an XXH3 of the one before, the time and the process, so two
 * copies of a store that go on apart never share one.  A store of an
 * earlier build has no line: every question about it is unknown.
 */
#include "store/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define CHANGES_KEY "changes"
#define LINE_MAX_LEN 48

struct change {
    uint64_t state;
    tr_day first;
    bool catalog;
};

/* Parses text into at most max changes; the count, or -1 for a line that
 * is not one (then nothing of it is trusted). */
static long parse(const char *text, struct change *v, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        if (!end || end - p >= LINE_MAX_LEN || n == max)
            return -1;
        char line[LINE_MAX_LEN], first[24];
        memcpy(line, p, (size_t)(end - p));
        line[end - p] = '\0';
        unsigned long long state;
        int catalog, used = 0;
        if (sscanf(line, "%16llx %23s %d%n", &state, first, &catalog, &used) != 3 || line[used] ||
            (catalog != 0 && catalog != 1))
            return -1;
        char *rest;
        long day = strcmp(first, "-") ? strtol(first, &rest, 10) : 0;
        if (strcmp(first, "-") && (*rest || day < INT32_MIN + 1 || day > INT32_MAX))
            return -1;
        v[n++] = (struct change){(uint64_t)state, strcmp(first, "-") ? (tr_day)day : TR_DAY_NONE, catalog == 1};
        p = end + 1;
    }
    return (long)n;
}

static int load(struct tr_store *s, struct change *v, size_t *n, struct tr_error *err)
{
    char *text = NULL;
    int rc = s->be->ops->get_meta(s->be, CHANGES_KEY, &text, err);
    long got = rc || !text ? 0 : parse(text, v, TR_STORE_CHANGES_KEPT);
    free(text);
    *n = got < 0 ? 0 : (size_t)got;
    return rc;
}

int tr_store_note_change(struct tr_store *s, tr_day first_day, bool catalog, struct tr_error *err)
{
    struct change v[TR_STORE_CHANGES_KEPT + 1];
    size_t n;
    int rc = load(s, v, &n, err);
    if (rc)
        return rc;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed[5] = {n ? v[n - 1].state : 0, (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid(),
                        ((uint64_t)(uint32_t)first_day << 1) | catalog};
    uint64_t state = XXH3_64bits(seed, sizeof seed);
    v[n++] = (struct change){state ? state : 1, first_day, catalog};
    size_t from = n > TR_STORE_CHANGES_KEPT ? n - TR_STORE_CHANGES_KEPT : 0;
    char text[(TR_STORE_CHANGES_KEPT + 1) * LINE_MAX_LEN], *p = text;
    for (size_t i = from; i < n; i++) {
        char first[24] = "-";
        if (v[i].first != TR_DAY_NONE)
            snprintf(first, sizeof first, "%ld", (long)v[i].first);
        p += snprintf(p, (size_t)(text + sizeof text - p), "%016llx %s %d\n", (unsigned long long)v[i].state, first,
                      v[i].catalog);
    }
    return s->be->ops->set_meta(s->be, CHANGES_KEY, text, err);
}

int tr_store_changes_since(struct tr_store *s, uint64_t since, struct tr_store_changes *out, struct tr_error *err)
{
    *out = (struct tr_store_changes){0, false, false, TR_DAY_NONE};
    struct change v[TR_STORE_CHANGES_KEPT];
    size_t n;
    struct tr_read_txn t;
    int rc = tr_store_read_begin(s, &t, err);
    if (!rc)
        rc = load(s, v, &n, err);
    rc = tr_store_read_end(&t, rc, err);
    if (rc || !n)
        return rc;
    out->state = v[n - 1].state;
    size_t k = n;
    while (k > 0 && v[k - 1].state != since)
        k--;
    if (!k)
        return 0;   /* not a kept state: unknown */
    out->known = true;
    for (; k < n; k++) {
        out->catalog = out->catalog || v[k].catalog;
        if (v[k].first != TR_DAY_NONE && (out->first_day == TR_DAY_NONE || v[k].first < out->first_day))
            out->first_day = v[k].first;
    }
    return 0;
}
