/*
 * records_scan.c: the claims of one event (tr_records_for_event), by a scan
 * over the catalog: every member of the event's type is bucketed by which of
 * the subject's attributes and genres it shares, and each candidate group's
 * tally is the sum of its buckets.
 */
#include "records/records_engine.h"

#include <stdlib.h>
#include <string.h>

static bool same_race(const struct tr_milestone *a, const struct tr_milestone *b)
{
    return tr_milestone_same(a, b);
}

struct bucket {
    uint32_t members;
    struct tally t;
};

struct scan_counts {
    uint32_t N[MAX_K];
};

static uint32_t scan_count(void *ctx, unsigned l)
{
    return ((struct scan_counts *)ctx)->N[l];
}

int rec_scan_event(struct engine *E, size_t e)
{
    const struct tr_milestone *ev = &E->in->events[e];
    const struct subjects *S = &E->sub[ev->subject_type];
    const struct tr_catalog *c = E->c;
    struct own o;
    struct shape sh;
    rec_own_init(E, e, &o);
    rec_subject_shape(E, S, o.s, &sh);

    size_t nb = (size_t)16 << sh.ng;
    tr_day *lo = malloc((S->n ? S->n : 1) * sizeof *lo);
    tr_day *hi = malloc((S->n ? S->n : 1) * sizeof *hi);
    uint8_t *rel = malloc(c->n_artists + 1);        /* agreement with s's artist */
    uint8_t *relg = calloc(c->n_artists + 1, 1);    /* s's genres each artist has */
    struct bucket *b = calloc(nb, sizeof *b);
    uint32_t *used = malloc(nb * sizeof *used);         /* buckets with members */
    size_t n_used = 0;
    struct scan_counts *cnt = malloc(sizeof *cnt);
    struct tally t[MAX_KC];
    int rc = TR_OK;
    if (!lo || !hi || !rel || !relg || !b || !used || !cnt) {
        rc = tr_error_set(E->err, TR_ENOMEM, "records: out of memory");
        goto done;
    }
    for (uint32_t m = 0; m < S->n; m++)
        hi[m] = POS_INF;
    for (size_t j = 0; j < E->in->n_events; j++) {
        const struct tr_milestone *x = &E->in->events[j];
        if (x->subject_type != ev->subject_type || !same_race(x, ev))
            continue;
        uint32_t m = S->canon[x->subject];
        tr_day l, h;
        rec_event_interval(x, S->start[m], &l, &h);
        if (h < hi[m] || (h == hi[m] && l < lo[m])) {
            lo[m] = l;
            hi[m] = h;
        }
    }
    const struct artist_info *sa = o.artist != TR_NONE ? &E->art[o.artist] : NULL;
    for (uint32_t a = 0; a < c->n_artists; a++) {
        const struct artist_info *ai = &E->art[a];
        rel[a] = 0;
        if (!sa)
            continue;
        rel[a] = (uint8_t)((sa->country && ai->country == sa->country ? A_COUNTRY : 0) |
                           (sa->kind && ai->kind == sa->kind ? A_KIND : 0) |
                           (sa->gender && ai->gender == sa->gender ? A_GENDER : 0));
        for (unsigned i = 0; i < sa->ng; i++)
            for (unsigned j = 0; j < ai->ng; j++)
                if (ai->genre[j] == sa->genre[i])
                    relg[a] |= (uint8_t)(1u << i);
    }
    for (size_t i = 0; i < nb; i++)
        rec_tally_init(&b[i].t);
    for (uint32_t m = 0; m < S->n; m++) {
        if (S->canon[m] != m || m == o.s || S->start[m] > o.D)
            continue;
        uint32_t a = S->artist[m];
        unsigned A = a != TR_NONE ? rel[a] : 0;
        unsigned GA = a != TR_NONE ? relg[a] : 0;
        if (o.rtype && S->rtype[m] == o.rtype)
            A |= A_TYPE;
        struct bucket *bk = &b[A | GA << 4];
        if (!bk->members++)
            used[n_used++] = A | GA << 4;
        if (hi[m] < POS_INF)
            rec_tally_add(&bk->t, &o, m, lo[m], hi[m], S->day0[m]);
        else
            rec_tally_add(&bk->t, &o, m, S->stale[m], POS_INF, S->day0[m]);
    }
    for (unsigned l = 0; l < sh.k; l++) {
        unsigned mask;
        int g1, g2;
        rec_lg_decode(&sh, l, &mask, &g1, &g2);
        unsigned need = (g1 >= 0 ? 1u << g1 : 0) | (g2 >= 0 ? 1u << g2 : 0);
        struct tally sum;
        rec_tally_init(&sum);
        uint32_t n = 1;                               /* s itself */
        for (size_t u = 0; u < n_used; u++) {
            uint32_t k = used[u];
            unsigned A = k & 15, GA = k >> 4;
            if ((mask & ~A) || (need & ~GA))
                continue;
            n += b[k].members;
            if (l < sh.kc)
                rec_tally_merge(&sum, &b[k].t);
        }
        cnt->N[l] = n;
        if (l < sh.kc)
            t[l] = sum;
    }
    rc = rec_evaluate(E, &o, &sh, t, scan_count, cnt);
done:
    free(lo);
    free(hi);
    free(rel);
    free(relg);
    free(b);
    free(used);
    free(cnt);
    return rc;
}
