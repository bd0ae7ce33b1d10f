/*
 * fuzz_scan.c: libFuzzer target for the play-count scanner (streams_scan.c),
 * against the CSV reader.
 *
 * The first byte picks the number of parts (1 to 4) and the duplicate
 * policy; the rest is a body of `date,track,streams` records, in a buffer of
 * exactly its size.  Every id is new (an empty catalog, tracks added).  When
 * the scanner takes the body, the CSV reader must take it too, record for
 * record, and the parts joined as the reader joins them (new ids numbered in
 * order of first appearance, a part's provisional series mapped) must hold
 * what putting the records one by one holds, with the same count of rows
 * settled by the policy; a duplicate the policy refuses must make the scan
 * or the join give up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog_edit.h"
#include "formats/csv.h"
#include "store/series.h"
#include "formats/streams_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

/* ids in order of first appearance: their series */
struct ids {
    const char **s;
    size_t *len;
    size_t n, cap;
};

static uint32_t id_series(struct ids *t, const char *s, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->len[i] == len && memcmp(t->s[i], s, len) == 0)
            return (uint32_t)i;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->s = realloc(t->s, t->cap * sizeof *t->s);
        t->len = realloc(t->len, t->cap * sizeof *t->len);
        check(t->s && t->len);
    }
    t->s[t->n] = s;
    t->len[t->n] = len;
    return (uint32_t)t->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const enum tr_on_duplicate pols[] = {TR_DUP_ERROR, TR_DUP_MAX, TR_DUP_LAST, TR_DUP_FIRST};
    int parts = 1 + (data[0] & 3);
    enum tr_on_duplicate pol = pols[(data[0] >> 2) & 3];
    data++;
    size--;
    char *body = malloc(size ? size : 1);
    check(body != NULL);
    memcpy(body, data, size);

    struct tr_catalog *c = tr_catalog_new();
    check(c != NULL);
    struct tr_scan_options o = {.catalog = c, .col = {0, 1, 2}, .add_tracks = true,
                                .on_duplicate = pol};
    struct tr_scan sc;
    tr_scan_min_part = 1;
    tr_scan_parts = parts;
    int rc = tr_scan_streams(&sc, &o, body, size);
    check(rc == 0 || rc == TR_SCAN_GAVE_UP);

    /* the reference: the CSV reader, record by record, in file order */
    struct ids ref_ids = {0};
    struct tr_obs_batch *want = tr_obs_batch_new();
    check(want != NULL);
    uint64_t records = 0, ref_refused = 0;
    bool ref_conflict = false;
    if (rc == 0) {
        struct tr_csv r;
        struct tr_error err = {0};
        tr_csv_init(&r, "fuzz", body, size);
        while (tr_csv_next(&r, &err) == 0 && r.n_fields) {
            check(r.n_fields == 3);
            tr_day day;
            uint64_t v, old;
            check(tr_csv_day(&r, 0, "date", &day, &err) == 0);
            check(tr_csv_u64(&r, 2, "streams", &v, &err) == 0);
            check(r.fields[1].len > 0 && !r.fields[1].quoted);
            uint32_t s = id_series(&ref_ids, r.fields[1].s, r.fields[1].len);
            int put = tr_obs_batch_settle(want, s, day, v, pol, &old);
            check(put >= 0);
            if (put == TR_OBS_CONFLICT)
                ref_conflict = true;
            ref_refused += (uint64_t)(put == 1);
            records++;
        }
        check(err.code == 0);
        tr_csv_release(&r);
    }

    /* the parts joined as the reader joins them */
    bool gave_up = rc != 0;
    struct tr_obs_batch *got = tr_obs_batch_new();
    struct ids got_ids = {0};
    uint64_t rows = 0, refused = 0;
    check(got != NULL);
    for (int k = 0; !gave_up && k < sc.n_parts; k++) {
        struct tr_scan_part *pt = &sc.part[k];
        uint32_t *map = malloc((pt->n_news ? pt->n_news : 1) * sizeof *map);
        check(map != NULL);
        bool identity = true;
        for (uint32_t i = 0; i < pt->n_news; i++) {
            check(pt->news[i].len > 0 && !memchr(pt->news[i].id, '\0', pt->news[i].len));
            map[i] = id_series(&got_ids, pt->news[i].id, pt->news[i].len);
            identity &= map[i] == i;
        }
        if (pol == TR_DUP_ERROR && tr_obs_batch_clashes(got, pt->batch, identity ? NULL : map)) {
            gave_up = true;
        } else {
            int j = tr_obs_batch_join(got, pt->batch, identity ? NULL : map, pol, &refused);
            check(j == 0 || j == TR_OBS_CONFLICT);
            gave_up = j != 0;
        }
        rows += pt->rows;
        refused += pt->refused;
        free(map);
    }
    if (rc == 0) {
        /* a refused duplicate: the reader reports it, so the scan gave up */
        check(gave_up == ref_conflict);
        if (!gave_up) {
            check(rows == records && refused == ref_refused);
            check(got_ids.n == ref_ids.n);
            check(tr_obs_batch_count(got) == tr_obs_batch_count(want));
            /* same ids in the same order, same values */
            for (size_t i = 0; i < ref_ids.n; i++)
                check(got_ids.len[i] == ref_ids.len[i] &&
                      memcmp(got_ids.s[i], ref_ids.s[i], ref_ids.len[i]) == 0);
            struct tr_csv r;
            struct tr_error err = {0};
            tr_csv_init(&r, "fuzz", body, size);
            while (tr_csv_next(&r, &err) == 0 && r.n_fields) {
                tr_day day;
                uint64_t a = 0, b = 0;
                check(tr_csv_day(&r, 0, "date", &day, &err) == 0);
                uint32_t s = id_series(&ref_ids, r.fields[1].s, r.fields[1].len);
                check(tr_obs_batch_get(want, s, day, &a) && tr_obs_batch_get(got, s, day, &b) && a == b);
            }
            tr_csv_release(&r);
        }
    }
    free(ref_ids.s);
    free(ref_ids.len);
    free(got_ids.s);
    free(got_ids.len);
    tr_obs_batch_free(want);
    tr_obs_batch_free(got);
    tr_scan_release(&sc);
    tr_catalog_free(c);
    free(body);
    return 0;
}
