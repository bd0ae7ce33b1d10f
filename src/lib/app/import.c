/*
 * import.c: the import driver.
 *
 * It expands bundle directories, loads and detects every file, orders them
 * by format rank, and reads them all into the store's catalog and one
 * observation batch inside a single write transaction; only then are the
 * catalog, the series and the milestone events written and the
 * transaction committed.  Any error rolls everything back and drops the
 * edited catalog, so a refused import leaves the store as it was.
 *
 * The readers (formats/) never see the store: the driver answers what they
 * ask of it (tr_import_stored) and writes what they hand back (the facts of
 * each file, once it is read) through the store.
 */
#include "formats/importer.h"
#include "forecast/keep.h"
#include "milestones/engine.h"
#include "app/claims.h"
#include "app/refresh.h"
#include "store/coverage.h"
#include "store/internal.h"
#include "store/series.h"
#include "base/crash_point.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

const char *tr_import_phase_name(enum tr_import_phase p)
{
    static const char *const names[TR_PHASE_COUNT] = {"load", "read", "catalog", "series",
                                                      "milestones", "records", "forecasts",
                                                      "commit"};
    return (unsigned)p < TR_PHASE_COUNT ? names[p] : "?";
}

/* Adds the time since *mark to phase p of the report and moves the mark. */
static void lap(struct tr_import_report *rep, enum tr_import_phase p, struct timespec *mark)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    rep->seconds[p] += (double)(now.tv_sec - mark->tv_sec) + (double)(now.tv_nsec - mark->tv_nsec) * 1e-9;
    *mark = now;
}

int tr_on_duplicate_parse(const char *s, enum tr_on_duplicate *out)
{
    static const char *const names[] = {"error", "max", "last", "first"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum tr_on_duplicate)i;
            return 0;
        }
    return -1;
}

const char *const *tr_import_formats(void)
{
    static const char *names[64];
    if (!names[0]) {
        size_t n = 0;
        for (const struct tr_format *f = tr_formats; f->name && n < 63; f++)
            names[n++] = f->name;
    }
    return names;
}

/* ---- inputs --------------------------------------------------------- */

struct pending {
    struct tr_input *in;
    const struct tr_format *fmt;
    size_t order;
};

struct pending_list {
    struct pending *v;
    size_t n, cap;
};

static int add_file(struct pending_list *pl, const char *path, const struct tr_import_options *opt,
                    bool in_bundle, struct tr_error *err)
{
    struct tr_input *in;
    int rc = tr_input_load(path, &in, err);
    if (rc)
        return rc;
    const struct tr_format *f = opt->format && !in_bundle ? tr_format_find(opt->format)
                                                          : tr_format_detect(in);
    if (!f && in_bundle) {        /* a bundle may hold other files */
        tr_input_free(in);
        return 0;
    }
    if (!f) {
        rc = opt->format && !in_bundle
                 ? tr_error_set(err, TR_EUSAGE, "unknown format '%s' (see --help)", opt->format)
                 : tr_error_set(err, TR_EFORMAT,
                                "%s: format not recognised (its header matches no known format;"
                                " see docs/formats.md, or force one with --format)", path);
        tr_input_free(in);
        return rc;
    }
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 16;
        struct pending *p = realloc(pl->v, cap * sizeof *p);
        if (!p) {
            tr_input_free(in);
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        }
        pl->v = p;
        pl->cap = cap;
    }
    pl->v[pl->n] = (struct pending){in, f, pl->n};
    pl->n++;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A bundle directory: every regular file whose format is recognised;
 * other files (README.md...) are left alone. */
static int add_dir(struct pending_list *pl, const char *dir, const struct tr_import_options *opt,
                   struct tr_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return tr_error_set(err, TR_EIO, "%s: cannot open directory", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        if (nm[0] == '.' || len < 4)
            continue;
        static const char *const exts[] = {".csv", ".json", ".csv.gz", ".json.gz"};
        bool data = false;
        for (size_t k = 0; k < sizeof exts / sizeof *exts && !data; k++) {
            size_t el = strlen(exts[k]);
            data = len > el && strcasecmp(nm + len - el, exts[k]) == 0;
        }
        if (!data)
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (!p) {
                rc = tr_error_set(err, TR_ENOMEM, "out of memory");
                break;
            }
            names = p;
        }
        size_t dl = strlen(dir);
        while (dl > 1 && dir[dl - 1] == '/')
            dl--;
        if (asprintf(&names[n], "%.*s/%s", (int)dl, dir, nm) < 0) {
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc && n)
        qsort(names, n, sizeof *names, name_cmp);
    size_t before = pl->n;
    for (size_t i = 0; i < n; i++) {
        if (!rc)
            rc = add_file(pl, names[i], opt, true, err);
        free(names[i]);
    }
    free(names);
    if (!rc && pl->n == before)
        rc = tr_error_set(err, TR_EFORMAT, "%s: no file of a known format in this directory"
                          " (see docs/formats.md)", dir);
    return rc;
}

static int pending_cmp(const void *pa, const void *pb)
{
    const struct pending *a = pa, *b = pb;
    if (a->fmt->rank != b->fmt->rank)
        return a->fmt->rank < b->fmt->rank ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* ---- the driver ----------------------------------------------------- */

/* ---- what the readers ask of the store and hand back ---------------- */

static int stored_history(void *ctx, uint32_t series, struct tr_point **out, size_t *n,
                          struct tr_error *err)
{
    struct tr_store *s = ctx;
    return tr_series_history(s->be, series, out, n, err);
}

static int stored_release_totals(void *ctx, const char *release, struct tr_release_total **out,
                                 size_t *n, struct tr_error *err)
{
    struct tr_store *s = ctx;
    return s->be->ops->load_release_totals(s->be, release, out, n, err);
}

/* Merges declared coverage rows into the store's declaration; a changed
 * declaration changes what the claims are true of, so the kept claims are
 * dropped, to be judged again. */
static int write_coverage(struct tr_store *s, const struct tr_import_facts *f,
                          struct tr_error *err)
{
    struct tr_world_set w = {0};
    bool changed = false;
    int rc = tr_world_load(s, &w, err);
    for (size_t i = 0; i < f->n_coverage && !rc; i++)
        if (tr_world_put(&w, &f->coverage[i], &changed))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc && changed && !(rc = tr_world_save(s, &w, err)))
        rc = tr_store_drop_claims(s, err);
    tr_world_release(&w);
    return rc;
}

/* Writes what the file just read handed back beside the catalog and the
 * counts (importer.h), each row replacing the stored row of its key, and
 * empties the facts for the next file: later files of the import read the
 * store with these in it. */
static int write_facts(struct tr_store *s, struct tr_import_ctx *x, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    struct tr_import_facts *f = &x->facts;
    int rc = 0;
    for (size_t i = 0; i < f->n_sales && !rc; i++)
        rc = be->ops->put_sale(be, &f->sales[i], err);
    for (size_t i = 0; i < f->n_awards && !rc; i++)
        rc = be->ops->put_award(be, &f->awards[i], err);
    for (size_t i = 0; i < f->n_totals && !rc; i++) {
        const struct tr_release_total *t = &f->totals[i].total;
        rc = be->ops->put_release_total(be, x->catalog->releases[f->totals[i].release].id, t->date,
                                        t->source, t->total, t->daily, err);
    }
    if (!rc && f->chart_period)
        rc = be->ops->replace_chart(be, f->chart, f->country, f->period, f->entries, f->n_entries,
                                    err);
    else if (!rc && f->n_entries)
        rc = be->ops->put_chart_entries(be, f->entries, f->n_entries, err);
    if (!rc && f->n_coverage)
        rc = write_coverage(s, f, err);
    tr_import_facts_release(f);
    return rc;
}

static int read_all(struct tr_store *s, struct tr_import_ctx *x, struct pending_list *pl,
                    struct tr_import_report *rep, struct tr_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < pl->n && !rc; i++) {
        struct pending *p = &pl->v[i];
        struct tr_import_file *f = &rep->files[i];
        snprintf(f->path, sizeof f->path, "%s", p->in->name);
        snprintf(f->format, sizeof f->format, "%s", p->fmt->name);
        x->file = f;
        x->input = p->in;
        rc = p->fmt->read(x, p->in, err);
        if (!rc)
            rc = write_facts(s, x, err);
        if (!rc && tr_catalog_changed(x->catalog))    /* as loaded, it is resolved */
            rc = tr_catalog_resolve(x->catalog, err);
        x->bytes_done += p->in->len;
        tr_import_progress(x, 0);
    }
    return rc;
}

/* Work for another core (one store, one thread: the import's own thread
 * keeps the store): the inputs' checksums for the import log, and the
 * milestone engine's preparation for the final catalog unless the store
 * keeps one.  An import that cannot change the catalog (play counts alone,
 * no track added) starts it before it reads its files, with the kept
 * preparation when there is one; any other once they are read, while it
 * writes the catalog and the series (with the kept one when the files
 * left the catalog as it was).  Joined before the import log is
 * written; a preparation made here is then kept for the imports after. */
struct helper {
    struct pending_list *pl;
    const struct tr_catalog *catalog;
    struct tr_engine_prep *prep;    /* NULL when out of memory: the engine makes it */
    bool kept;                      /* prep is the store's */
    pthread_t thread;
    bool running, done;
};

static void *help(void *arg)
{
    struct helper *h = arg;
    if (!h->prep)
        tr_engine_prepare(h->catalog, &h->prep);
    for (size_t i = 0; i < h->pl->n; i++)
        tr_input_checksum(h->pl->v[i].in);
    return NULL;
}

static void helper_start(struct helper *h, struct pending_list *pl, const struct tr_catalog *c,
                         struct tr_engine_prep *kept)
{
    *h = (struct helper){.pl = pl, .catalog = c, .prep = kept, .kept = kept != NULL};
    h->running = pthread_create(&h->thread, NULL, help, h) == 0;
}

/* Waits for the helper (doing its work here if it never started). */
static void helper_join(struct helper *h)
{
    if (h->running)
        pthread_join(h->thread, NULL);
    else if (h->pl && !h->done)
        help(h);
    h->running = false;
    h->done = h->pl != NULL;
}

static bool catalog_fixed(const struct pending_list *pl, const struct tr_import_options *opt)
{
    if (opt->add_tracks)
        return false;
    for (size_t i = 0; i < pl->n; i++)
        if (!pl->v[i].fmt->counts_only)
            return false;
    return true;
}

/* Writes the catalog, the series and the import log, then runs what
 * follows them (milestones, claims, forecasts); *checkpoint is the
 * engine's state the store's checkpoint is written from, the caller's to
 * free once the transaction ends. */
static int write_all(struct tr_store *s, struct tr_import_ctx *x, struct pending_list *pl,
                     struct helper *h, struct tr_import_report *rep, bool ladder_changed,
                     struct timespec *mark, void **checkpoint, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    bool catalog_changed = tr_catalog_changed(x->catalog);
    /* the files are read: a catalog they left as it was keeps its
     * preparation (a file of extras, tracks already known) */
    if (!h->pl)
        helper_start(h, pl, x->catalog, catalog_changed ? NULL : tr_engine_prep_kept(s));
    for (int t = 0; t < 3; t++) {
        uint32_t n = t == 0 ? x->catalog->n_tracks : t == 1 ? x->catalog->n_releases
                                                             : x->catalog->n_artists;
        for (uint32_t i = 0; i < n; i++)
            rep->catalog_changes += tr_catalog_is_dirty(x->catalog, (enum tr_subject_type)t, i);
    }
    int rc = catalog_changed ? be->ops->save_catalog(be, x->catalog, err) : 0;
    lap(rep, TR_PHASE_CATALOG, mark);
    struct tr_series_write_stats st = {0};
    if (!rc)
        rc = tr_series_write(be, x->batch, &st, err);
    lap(rep, TR_PHASE_SERIES, mark);
    rep->added = st.added;
    rep->changed = st.changed;
    rep->unchanged = st.unchanged;
    rep->tracks_added = x->tracks_added;
    helper_join(h);
    if (!rc && h->prep && !h->kept)
        rc = tr_engine_prep_keep(s, h->prep, err);
    for (size_t i = 0; i < pl->n && !rc; i++) {
        struct tr_import_entry e = {0};
        const struct tr_import_file *f = &rep->files[i];
        snprintf(e.file, sizeof e.file, "%s", f->path);
        snprintf(e.format, sizeof e.format, "%s", f->format);
        snprintf(e.checksum, sizeof e.checksum, "%016llx", (unsigned long long)tr_input_checksum(pl->v[i].in));
        e.rows = f->rows;
        e.taken = f->taken;
        e.refused = f->refused;
        if (i == 0) {    /* store-level counts go with the first entry */
            e.added = st.added;
            e.changed = st.changed;
        }
        rc = be->ops->log_import(be, &e, err);
    }
    tr_crash_point("import.write");
    struct tr_refresh fresh = {0};
    bool counts = catalog_changed || ladder_changed || st.added || st.changed;
    if (!rc && counts) {
        bool full = catalog_changed || ladder_changed;
        rc = tr_refresh_milestones(s, full ? TR_DAY_NONE : st.first_changed, h->prep, &fresh,
                                   err);
    }
    /* chart milestones follow the chart entries (and the catalog's days) */
    bool charts = catalog_changed;
    for (size_t i = 0; i < pl->n && !charts; i++)
        charts = pl->v[i].fmt->charts;
    if (!rc && charts)
        rc = tr_chart_milestones_refresh(s, err);
    lap(rep, TR_PHASE_MILESTONES, mark);
    /* The claims of every event, judged again where this import can have
     * changed them, while the catalog and the engine's state are at hand:
     * from its first changed day when it brought counts alone (the daily
     * run), every event after any other change of the events. */
    if (!rc && x->opt->no_records && (counts || charts)) {
        rc = tr_store_drop_claims(s, err);
    } else if (!rc && !x->opt->no_records) {
        bool only_counts = fresh.incremental && !charts;
        tr_day changed = only_counts ? st.first_changed : counts || charts ? TR_DAY_NONE : INT32_MAX;
        rc = tr_store_keep_claims(s, changed, only_counts ? &fresh.before : NULL, st.first_changed,
                                  fresh.state, fresh.state_len, &rep->claims, err);
        if (only_counts)
            rep->claims_since = st.first_changed;
    }
    tr_coverage_release(&fresh.before);
    *checkpoint = fresh.state;
    uint64_t n_events = 0;
    if (!rc)
        rc = be->ops->count_events(be, &n_events, err);
    rep->milestones = (size_t)n_events;
    lap(rep, TR_PHASE_RECORDS, mark);
    /* every subject's forecast as of the last day, for readers to take */
    if (!rc && counts)
        rc = tr_store_keep_forecasts(s, err);
    lap(rep, TR_PHASE_FORECASTS, mark);
    return rc;
}

int tr_import(struct tr_store *s, const char *const *paths, size_t n,
              const struct tr_import_options *opt_in, struct tr_import_report *report,
              struct tr_error *err)
{
    struct tr_import_options defaults = {.date = TR_DAY_NONE};
    const struct tr_import_options *opt = opt_in ? opt_in : &defaults;
    struct tr_import_report rep = {.claims_since = TR_DAY_NONE};
    struct pending_list pl = {0};
    struct tr_import_ctx x = {.opt = opt,
                              .stored = {s, stored_history, stored_release_totals}};
    void *checkpoint = NULL;
    struct helper helper = {0};
    struct tr_backend *be = s->be;
    bool in_txn = false, ladder_changed = false;
    int rc = 0;
    struct timespec mark;
    clock_gettime(CLOCK_MONOTONIC, &mark);

    if (opt->format && !tr_format_find(opt->format)) {
        rc = tr_error_set(err, TR_EUSAGE, "unknown format '%s'", opt->format);
        goto out;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode))
            rc = add_dir(&pl, paths[i], opt, err);
        else
            rc = add_file(&pl, paths[i], opt, false, err);
    }
    if (rc)
        goto out;
    if (pl.n)
        qsort(pl.v, pl.n, sizeof *pl.v, pending_cmp);
    if (!(rep.files = calloc(pl.n ? pl.n : 1, sizeof *rep.files)) || !(x.batch = tr_obs_batch_new())) {
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        goto out;
    }
    rep.n_files = pl.n;
    for (size_t i = 0; i < pl.n; i++)
        x.bytes_total += pl.v[i].in->len;

    if ((rc = be->ops->begin(be, true, err)))
        goto out;
    in_txn = true;
    if ((rc = tr_store_load_catalog(s, err)))
        goto out;
    x.catalog = s->catalog;
    if (opt->ladder) {
        const struct tr_ladders *cur;
        struct tr_ladders *want;
        if ((rc = tr_store_ladders(s, &cur, err)) || (rc = tr_ladders_parse(opt->ladder, &want, err)))
            goto out;
        ladder_changed = strcmp(tr_ladders_text(cur), tr_ladders_text(want)) != 0;
        if (ladder_changed)
            rc = tr_store_set_ladders(s, want, err);
        tr_ladders_free(want);
        if (rc)
            goto out;
    }
    if (catalog_fixed(&pl, opt))
        helper_start(&helper, &pl, s->catalog, tr_engine_prep_kept(s));
    lap(&rep, TR_PHASE_LOAD, &mark);
    if ((rc = read_all(s, &x, &pl, &rep, err)))
        goto out;
    lap(&rep, TR_PHASE_READ, &mark);
    tr_crash_point("import.read");
    if ((rc = write_all(s, &x, &pl, &helper, &rep, ladder_changed, &mark, &checkpoint, err)))
        goto out;
    if (!(rc = be->ops->commit(be, err)))
        in_txn = false;
    lap(&rep, TR_PHASE_COMMIT, &mark);
    if (!rc)
        tr_catalog_clean(s->catalog);
out:
    helper_join(&helper);
    tr_engine_prep_free(helper.prep);
    if (in_txn)
        be->ops->rollback(be);
    free(checkpoint);
    tr_import_facts_release(&x.facts);
    if (rc)
        tr_store_forget(s);     /* the cached catalog may hold refused edits */
    for (size_t i = 0; i < pl.n; i++)
        tr_input_free(pl.v[i].in);
    free(pl.v);
    tr_obs_batch_free(x.batch);
    if (report && !rc) {
        *report = rep;
    } else {
        tr_import_report_release(&rep);
        if (report)
            memset(report, 0, sizeof *report);
    }
    return rc;
}

void tr_import_report_release(struct tr_import_report *r)
{
    if (!r)
        return;
    free(r->files);
    memset(r, 0, sizeof *r);
}
