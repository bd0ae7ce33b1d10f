/*
 * checkpoint.c: the engine's state as a checkpoint (engine.h): laid out in
 * one buffer as the checkpoint is, handed over after a scan, and taken up
 * by the next one that only adds later days.
 */
#include "milestones/engine_internal.h"

#include <stddef.h>

/* ---- checkpoint ------------------------------------------------------
 * The state after a scan, so that the next import that only adds later
 * days scans those days alone.  Layout: a header, the ladder's text padded
 * to 8 bytes, then the state arrays in the order of the table below (the
 * 8-byte ones first, so each is aligned), native byte order (the
 * checkpoint is a cache: a mismatch of any kind means a full scan). */

#define STATE_MAGIC 0x34534554u   /* "TES4" */

struct state_header {
    uint32_t magic;
    uint32_t ns, nt;
    tr_day last_day;              /* the last day scanned */
    uint32_t ladder_len;
};

struct state_array {
    size_t offset;                /* of the pointer inside struct engine */
    size_t size;                  /* element size */
    bool per_total;               /* nt elements, else ns */
};

#define SA(field, per_total) {offsetof(struct engine, field), sizeof *((struct engine *)0)->field, per_total}
static const struct state_array state_arrays[] = {
    SA(last, false), SA(max, false), SA(tot, true), SA(sum, true),
    SA(last_day, false), SA(first_day, false), SA(k, false),
};
#undef SA

static void **array_ptr(struct engine *g, const struct state_array *a)
{
    return (void **)((char *)g + a->offset);
}

/* Where the arrays begin. */
static size_t state_offset(size_t ladder_len)
{
    return (sizeof(struct state_header) + ladder_len + 7) & ~(size_t)7;
}

static size_t state_size(uint32_t ns, uint32_t nt, size_t ladder_len)
{
    size_t n = state_offset(ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++)
        n += state_arrays[i].size * (state_arrays[i].per_total ? nt : ns);
    return n;
}

/* The state: the checkpoint's arrays in the buffer `resume` (a checkpoint
 * that fits, taken over) or in a new one, and the rest beside it. */
int engine_alloc_state(struct engine *g, void *resume)
{
    size_t ns = g->ns ? g->ns : 1, nt = g->nt ? g->nt : 1;
    size_t ladder_len = strlen(tr_ladders_text(g->ls));
    g->buf = resume ? resume : malloc(state_size(g->ns, g->nt, ladder_len));
    if (!g->buf)
        return TR_ENOMEM;
    char *at = g->buf + state_offset(ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++) {
        *array_ptr(g, &state_arrays[i]) = at;
        at += state_arrays[i].size * (state_arrays[i].per_total ? g->nt : g->ns);
    }
    g->next = malloc(ns * sizeof *g->next);
    g->k_before = malloc(ns * sizeof *g->k_before);
    g->touched = malloc(nt * sizeof *g->touched);
    g->lane[0].sum = g->sum;
    g->lane[1].sum = calloc(nt, sizeof *g->lane[1].sum);
    for (int i = 0; i < 2; i++) {
        g->lane[i].events.size = sizeof(struct tr_milestone);
        /* 64 MB of address space at once: malloc maps a block that large
         * on its own, so only the pages filled are ever touched, and
         * growing it past that remaps instead of copying; a doubling from
         * 256 would copy the events of a full scan several times over */
        g->lane[i].events.first = ((size_t)64 << 20) / sizeof(struct tr_milestone);
        g->lane[i].corrections.size = sizeof(struct tr_correction);
    }
    if (!g->next || !g->k_before || !g->touched || !g->lane[1].sum)
        return TR_ENOMEM;
    if (resume)
        return 0;                 /* state_load takes it from there */
    uint64_t first = tr_ladder_next(g->l, 0);
    uint64_t first_release = tr_ladder_next(g->l_release, 0), first_artist = tr_ladder_next(g->l_artist, 0);
    for (uint32_t s = 0; s < g->ns; s++) {
        g->last[s] = g->max[s] = 0;
        g->k[s] = g->k_before[s] = 0;
        g->next[s] = first;
        g->last_day[s] = g->first_day[s] = TR_DAY_NONE;
    }
    for (uint32_t t = 0; t < g->nt; t++) {
        g->sum[t] = 0;
        g->tot[t] = (struct total){.next = t < g->c->n_releases ? first_release : first_artist,
                                   .stamp = TR_DAY_NONE, .last_day = TR_DAY_NONE,
                                   .start = g->p->tot_start[t]};
    }
    return 0;
}

void engine_free_state(struct engine *g)
{
    free(g->buf);
    g->buf = NULL;
    free(g->next); free(g->k_before); free(g->touched);
    for (int i = 0; i < 2; i++) {
        free(g->lane[i].events.p);
        free(g->lane[i].corrections.p);
    }
    free(g->lane[1].sum);
    free(g->pending.bytes);
    memset(g->lane, 0, sizeof g->lane);
    g->pending = (struct pending){0};
    tr_engine_prep_free(g->own_prep);
    g->own_prep = NULL;
}

/* ---- checkpoint: handing the state over ---------------------------- */

/* Hands the state's buffer over as the checkpoint: the arrays are in
 * place, the header and the ladder go in front. */
void engine_state_save(struct engine *g, void **out, size_t *len)
{
    for (uint32_t s = 0; s < g->ns; s++)     /* each highest made exact */
        if (g->last[s] > g->max[s])
            g->max[s] = g->last[s];
    const char *ladder = tr_ladders_text(g->ls);
    struct state_header h = {STATE_MAGIC, g->ns, g->nt, g->day, (uint32_t)strlen(ladder)};
    size_t off = state_offset(h.ladder_len);
    memcpy(g->buf, &h, sizeof h);
    memcpy(g->buf + sizeof h, ladder, h.ladder_len);
    memset(g->buf + sizeof h + h.ladder_len, 0, off - sizeof h - h.ladder_len);
    *out = g->buf;
    *len = state_size(g->ns, g->nt, h.ladder_len);
    g->buf = NULL;
}

tr_day tr_engine_checkpoint_day(const struct tr_catalog *c, const struct tr_ladders *ls,
                                const void *checkpoint, size_t len)
{
    struct state_header h;
    const char *ladder = tr_ladders_text(ls);
    if (!checkpoint || len < sizeof h)
        return TR_DAY_NONE;
    memcpy(&h, checkpoint, sizeof h);
    if (h.magic != STATE_MAGIC || h.ns != c->n_series || h.nt != c->n_releases + c->n_artists ||
        len < sizeof h + h.ladder_len || len != state_size(h.ns, h.nt, h.ladder_len))
        return TR_DAY_NONE;
    const char *kept = (const char *)checkpoint + sizeof h;
    if (h.ladder_len == strlen(ladder) && memcmp(kept, ladder, h.ladder_len) == 0)
        return h.last_day;
    /* the same ladders written another way (one for every kind, as
     * earlier builds kept it) */
    char *text = strndup(kept, h.ladder_len);
    struct tr_ladders *then = NULL;
    struct tr_error err;
    bool same = text && !tr_ladders_parse(text, &then, &err) &&
                strcmp(tr_ladders_text(then), ladder) == 0;
    free(text);
    tr_ladders_free(then);
    return same ? h.last_day : TR_DAY_NONE;
}

/* A fitting checkpoint whose ladders were written another way has its
 * arrays where that text's length put them: moved to where this run's
 * text puts them (a new buffer; the old one freed).  NULL: out of memory. */
void *engine_checkpoint_relaid(void *resume, const char *ladder)
{
    struct state_header h;
    memcpy(&h, resume, sizeof h);
    size_t now = strlen(ladder);
    if (h.ladder_len == now)
        return resume;
    size_t arrays = state_size(h.ns, h.nt, h.ladder_len) - state_offset(h.ladder_len);
    char *b = malloc(state_offset(now) + arrays);
    if (b)
        memcpy(b + state_offset(now), (char *)resume + state_offset(h.ladder_len), arrays);
    free(resume);
    return b;
}

/* Takes up the state of the checkpoint the arrays were laid in
 * (alloc_state); returns the day after its last day. */
tr_day engine_state_load(struct engine *g, tr_day last)
{
    memcpy(g->k_before, g->k, g->ns * sizeof *g->k);
    /* the threshold above the highest: the k-th of the ladder for a
     * series that crossed k, from a table of the first ones (checked
     * against max, so the arithmetic is the fallback, not a trust) */
    uint64_t table[64];
    uint32_t n_table = 0;
    for (uint64_t t = tr_ladder_next(g->l, 0); t && n_table < 64; t = tr_ladder_next(g->l, t))
        table[n_table++] = t;
    for (uint32_t i = 0; i < g->ns; i++) {
        uint32_t k = g->k[i];
        uint64_t m = g->max[i];
        g->next[i] = k < n_table && table[k] > m && (k == 0 || table[k - 1] <= m)
                         ? table[k] : tr_ladder_next(g->l, m);
        g->n_started += g->first_day[i] != TR_DAY_NONE;
    }
    g->day = last;
    return last + 1;
}

int tr_engine_coverage(const void *checkpoint, size_t len, tr_day **first, tr_day **last,
                       uint32_t *n)
{
    struct state_header h;
    *first = *last = NULL;
    *n = 0;
    if (!checkpoint || len < sizeof h)
        return 0;
    memcpy(&h, checkpoint, sizeof h);
    if (h.magic != STATE_MAGIC)
        return 0;
    /* the arrays of last_day and first_day, found by walking the table */
    size_t off = state_offset(h.ladder_len);
    for (size_t i = 0; i < sizeof state_arrays / sizeof *state_arrays; i++) {
        const struct state_array *a = &state_arrays[i];
        size_t sz = a->size * (a->per_total ? h.nt : h.ns);
        if (off + sz > len)
            return TR_ESTORE;
        tr_day **dst = a->offset == offsetof(struct engine, first_day) ? first
                     : a->offset == offsetof(struct engine, last_day) ? last : NULL;
        if (dst) {
            if (!(*dst = malloc(sz ? sz : 1)))
                return TR_ENOMEM;
            memcpy(*dst, (const char *)checkpoint + off, sz);
        }
        off += sz;
    }
    *n = h.ns;
    return 0;
}

