/*
 * site.c: the static site (web/site.h).
 *
 * One pass over the store's series, a group of recordings at a time,
 * keys each track's page while its history is at hand (site_data.h),
 * writes it when the key moved, adds the track's entry to its data shard
 * (written once it holds all of its entries), and adds the recording's
 * daily values (carried forward) into its releases' and artists' per-day
 * sums; a second pass does the same for the release and artist pages from
 * those sums; then the feeds, the search index, the home page and the
 * assets.  The manifest keeps each file's key: a page's is
 * its site_page_key, any other file's the hash of its bytes.  A page's
 * key hashes a digest of its past points; when the store says that the
 * writes since the last run left those points as they were (carry_past),
 * the digest is the last run's, so a daily run does not hash every
 * series' whole history again.
 */
#include "web/site.h"
#include "web/assets.h"
#include "web/pages.h"
#include "web/site_data.h"
#include "web/web.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define MANIFEST ".trackrecord-site"
#define MANIFEST_MAGIC "trackrecord-site 3\n"

/* A file of the site: the hash of its path, and its key (a page's
 * site_page_key, else the hash of its bytes); a subject's page also keeps
 * the digest of its past points (site_points_digest), which the next run
 * may carry instead of reading them again (carry_past). */
struct entry {
    uint64_t path, content, past;
};

/* The manifest, DIR/.trackrecord-site: MANIFEST_MAGIC, then as uint64s
 * the store's state it was written from (tr_store_changes_since), its
 * last day (as an int64) and the number of entries, then the entries in
 * the order the run made them (so that the next run, which makes them in
 * the same order, finds each at its cursor). */
struct manifest {
    struct entry *v;         /* the last run's entries, in its order */
    uint32_t *by_path;       /* v's entries by path: a table of mask + 1
                                slots, open addressing, each an index into
                                v plus one (0: empty) */
    size_t mask;
    size_t n, next;          /* next: where the next lookup looks first */
    uint64_t state;
    tr_day last;
};
/* A summed series being gathered: per-day sums over the store's days. */
struct sum {
    uint64_t *day;           /* the changes on days base..the store's last, or NULL */
    tr_day base;             /* the store's first day, or for a subject not
                                needing its whole series s->recent: changes
                                before it fall on it (sum_add) */
    tr_day from, to;         /* days every member / some member covers */
    uint32_t missing;        /* members without data yet */
};

/* A subject's page as planned before the pass over the series: its
 * path's hash, the last run's entry, and whether the last run's digest
 * of its past points is carried (carry_past), with the key it then gives.
 * A carried page whose key did not move is not rendered: its shard entry
 * needs only the series' recent points (plan_pages). */
struct planned {
    uint64_t path, key;
    const struct entry *old;
    bool carried;
};

/* The writer threads and their queue of files. */
#define WRITE_QUEUE 256
#define WRITERS_MAX 8
struct job {
    char *rel, *data;
    size_t len;
    bool fresh;              /* in a folder this run made (write_file) */
};
/* How a file was written (write_file). */
enum { WRITTEN, ALREADY_THERE };
struct writers {
    const char *dir;
    bool check;                  /* write_file's (--full) */
    pthread_mutex_t mu;
    pthread_cond_t more, room;
    struct job ring[WRITE_QUEUE];
    size_t head, n;
    bool closing, ready;
    pthread_t threads[WRITERS_MAX];
    int n_threads;
    uint64_t written, bytes;     /* by the writers */
    int rc;                      /* the first failure, with err */
    struct tr_error err;
};

/* A subject's folder of pages (web_site_path): not looked at yet, there
 * before this run, or made by it. */
enum { BUCKET_UNSEEN, BUCKET_OLD, BUCKET_MADE };

struct site {
    const char *dir;
    const struct web_site_options *opt;
    struct web_pages *p;
    struct tr_web *web;      /* the feeds' and the API's, sharing p's claims */
    struct manifest old;     /* the last run's */
    struct tr_store_changes changes;   /* the store's since old.state */
    bool carry;              /* old's past digests may be carried (carry_past) */
    struct entry *now;       /* this run's files */
    size_t n_now, cap_now;
    struct web_site_stats st;
    struct writers w;
    struct html page;
    struct html path;            /* subject_file's, kept from call to call */
    uint8_t buckets[3][WEB_SITE_BUCKETS];   /* BUCKET_* */
    /* gathered by the pass over the series */
    struct web_status *status;   /* per track */
    struct sum *release_sum, *artist_sum;
    tr_day first, last;          /* the store's days */
    uint32_t *stamp;             /* per release/artist: last series added */
    uint64_t facts;              /* site_facts */
    struct html *shards[3];      /* per subject type: its data shards' text */
    uint32_t *shard_left[3];     /* per shard: the entries still to come */
    size_t n_shards[3];
    struct planned *plan[3];     /* per subject type and index (plan_pages) */
    tr_day recent;               /* the earliest tail day: the series of
                                    subjects not needing them whole are read
                                    from it (TR_DAY_NONE: all whole) */
    struct tr_error *err;
};

static int load_manifest(struct site *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/" MANIFEST, s->dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;   /* a first run */
    char magic[sizeof MANIFEST_MAGIC - 1];
    uint64_t head[3] = {0};
    if (fread(magic, 1, sizeof magic, f) != sizeof magic || memcmp(magic, MANIFEST_MAGIC, sizeof magic) ||
        fread(head, sizeof head, 1, f) != 1 || head[2] >= UINT32_MAX) {
        fclose(f);
        return 0;   /* not ours or damaged: rewrite everything */
    }
    struct manifest *m = &s->old;
    size_t n = (size_t)head[2];
    m->v = malloc((n ? n : 1) * sizeof *m->v);
    size_t slots = 64;
    while (slots < 2 * n)   /* at most half full: short probes */
        slots *= 2;
    m->mask = slots - 1;
    m->by_path = calloc(slots, sizeof *m->by_path);
    if (!m->v || !m->by_path) {
        fclose(f);
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    }
    m->n = fread(m->v, sizeof *m->v, n, f) == n ? n : 0;
    fclose(f);
    if (m->n) {   /* a whole manifest, else none at all */
        m->state = head[0];
        m->last = (tr_day)(int64_t)head[1];
    }
    for (size_t i = 0; i < m->n; i++) {   /* the paths are hashes already */
        size_t h = (size_t)m->v[i].path & m->mask;
        while (m->by_path[h])
            h = (h + 1) & m->mask;
        m->by_path[h] = (uint32_t)i + 1;
    }
    return 0;
}

static int save_manifest(struct site *s)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/" MANIFEST, s->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    uint64_t head[3] = {s->changes.state, (uint64_t)(int64_t)s->p->last_day, s->n_now};
    bool ok = f && fwrite(MANIFEST_MAGIC, 1, sizeof MANIFEST_MAGIC - 1, f) == sizeof MANIFEST_MAGIC - 1 &&
              fwrite(head, sizeof head, 1, f) == 1 && fwrite(s->now, sizeof *s->now, s->n_now, f) == s->n_now;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0)
        return tr_error_set(s->err, TR_EIO, "%s: cannot write: %s", path, strerror(errno));
    return 0;
}

/* The last run's entry of the file whose path hashes to path, or NULL:
 * first where the last one found left off, else by a search. */
static const struct entry *find_old(struct site *s, uint64_t path)
{
    struct manifest *m = &s->old;
    if (m->next < m->n && m->v[m->next].path == path)
        return &m->v[m->next++];
    if (!m->n)
        return NULL;
    for (size_t h = (size_t)path & m->mask; m->by_path[h]; h = (h + 1) & m->mask) {
        size_t i = m->by_path[h] - 1;
        if (m->v[i].path == path) {
            m->next = i + 1;
            return &m->v[i];
        }
    }
    return NULL;
}

/* Records rel (a path under the site's directory) with its key (and a
 * page's past digest) in this run's manifest; *same: the last run wrote
 * it with the same key. */
static int keep_entry(struct site *s, uint64_t ph, const struct entry *old, uint64_t key, uint64_t past,
                      bool *same)
{
    if (s->n_now == s->cap_now) {
        size_t cap = s->cap_now ? s->cap_now * 2 : 4096;
        struct entry *e = realloc(s->now, cap * sizeof *e);
        if (!e)
            return tr_error_set(s->err, TR_ENOMEM, "out of memory");
        s->now = e;
        s->cap_now = cap;
    }
    s->now[s->n_now++] = (struct entry){ph, key, past};
    s->st.files++;
    *same = old && old->content == key;
    return 0;
}

static int keep(struct site *s, const char *rel, uint64_t key, bool *same)
{
    uint64_t ph = XXH3_64bits(rel, strlen(rel));
    return keep_entry(s, ph, s->opt->full ? NULL : find_old(s, ph), key, 0, same);
}

/* Whether subject i's past points are those the last run digested (old,
 * its entry): the writes since it wrote no day before the page's tail day
 * and changed no catalog (which decides what a total sums), and the tail
 * day is where it was (else the past gained the days up to the new one).
 * A manifest of another store or of a state the store no longer keeps
 * carries nothing (s->carry). */
static bool carry_past(const struct site *s, const struct entry *old, uint32_t i)
{
    if (!s->carry || !old)
        return false;
    tr_day tail = web_tail_from(s->old.last, i);
    return tail == web_tail_from(s->p->last_day, i) &&
           (s->changes.first_day == TR_DAY_NONE || s->changes.first_day >= tail);
}

/* Whether the file at path holds data[0..len). */
static bool same_bytes(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return false;
    bool same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
    char buf[65536];
    for (size_t off = 0; same && off < len;) {
        ssize_t r = read(fd, buf, len - off < sizeof buf ? len - off : sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        same = r > 0 && memcmp(buf, data + off, (size_t)r) == 0;
        off += r > 0 ? (size_t)r : 0;
    }
    close(fd);
    return same;
}

/* Writes data as dir/rel, beside its place and renamed over it, so that a
 * reader never sees half a file; fresh: rel's folder was made by this run,
 * so no reader has been shown a file in it yet, and the file is written in
 * place (one name to add to the folder, not two names and a rename: in a
 * folder of a thousand files or more the kernel's name searches were most
 * of a whole site's time).  A file already there is replaced as usual.
 * check (--full, which trusts no manifest): a file that already holds
 * these bytes is left as it is (*how: ALREADY_THERE), as replacing it
 * would free its inode and blocks (costly on a disk that discards them,
 * and a new mtime for a sync to send). */
static int write_file(const char *dir, const char *rel, const char *data, size_t len, bool fresh,
                      bool check, int *how, struct tr_error *err)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    *how = WRITTEN;
    if (check && !fresh && same_bytes(path, data, len)) {
        *how = ALREADY_THERE;
        return 0;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = fresh ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    if (fd >= 0)
        tmp[0] = 0;   /* in place */
    else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return tr_error_set(err, TR_EIO, "%s: cannot create: %s", tmp, strerror(errno));
    const char *name = tmp[0] ? tmp : path;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(name);
            return tr_error_set(err, TR_EIO, "%s: cannot write: %s", name, strerror(e));
        }
        off += (size_t)w;
    }
    if (close(fd) != 0 || (tmp[0] && rename(tmp, path) != 0)) {
        int e = errno;
        unlink(name);
        return tr_error_set(err, TR_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    return 0;
}

/* One writer thread: writes the queued files until the queue closes. */
static void *writer_main(void *arg)
{
    struct writers *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->n && !w->closing)
            pthread_cond_wait(&w->more, &w->mu);
        if (!w->n)
            break;
        struct job j = w->ring[w->head];
        w->head = (w->head + 1) % WRITE_QUEUE;
        w->n--;
        pthread_cond_signal(&w->room);
        pthread_mutex_unlock(&w->mu);
        struct tr_error err = {0};
        int how = WRITTEN;
        int rc = w->rc ? 0 : write_file(w->dir, j.rel, j.data, j.len, j.fresh, w->check, &how, &err);
        free(j.rel);
        free(j.data);
        pthread_mutex_lock(&w->mu);
        if (rc && !w->rc) {
            w->rc = rc;
            w->err = err;
        } else if (!rc && how == WRITTEN) {
            w->written++;
            w->bytes += j.len;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static int writers_start(struct writers *w, const char *dir, bool check, int n)
{
    w->dir = dir;
    w->check = check;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->more, NULL);
    pthread_cond_init(&w->room, NULL);
    w->ready = true;
    for (; w->n_threads < n && w->n_threads < WRITERS_MAX; w->n_threads++)
        if (pthread_create(&w->threads[w->n_threads], NULL, writer_main, w) != 0)
            break;   /* fewer writers; with none, files are written at once */
    return 0;
}

/* Waits for the queued files; the first failure. */
static int writers_stop(struct site *s)
{
    struct writers *w = &s->w;
    if (!w->ready)
        return 0;
    pthread_mutex_lock(&w->mu);
    w->closing = true;
    pthread_cond_broadcast(&w->more);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->n_threads; i++)
        pthread_join(w->threads[i], NULL);
    w->n_threads = 0;
    s->st.written += w->written;
    s->st.bytes_written += w->bytes;
    w->written = w->bytes = 0;
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->more);
    pthread_cond_destroy(&w->room);
    w->ready = false;
    if (w->rc && !s->err->code)
        *s->err = w->err;
    return w->rc;
}

/* Writes data (taken: malloc'd, freed here) as rel (fresh: write_file's),
 * by a writer thread when there are any. */
static int send_file(struct site *s, const char *rel, char *data, size_t len, bool fresh)
{
    struct writers *w = &s->w;
    if (!w->n_threads) {
        int how;
        int rc = write_file(s->dir, rel, data, len, fresh, s->opt->full, &how, s->err);
        free(data);
        if (!rc && how == WRITTEN) {
            s->st.written++;
            s->st.bytes_written += len;
        }
        return rc;
    }
    char *name = strdup(rel);
    if (!name) {
        free(data);
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&w->mu);
    while (w->n == WRITE_QUEUE && !w->rc)
        pthread_cond_wait(&w->room, &w->mu);
    int rc = w->rc;
    if (!rc) {
        w->ring[(w->head + w->n) % WRITE_QUEUE] = (struct job){name, data, len, fresh};
        w->n++;
        pthread_cond_signal(&w->more);
    }
    pthread_mutex_unlock(&w->mu);
    if (rc) {
        free(name);
        free(data);
        if (!s->err->code)
            tr_error_set(s->err, rc, "a file of the site could not be written");
    }
    return rc;
}

/* Makes the folder of subject page rel (TYPE/BBB/...) unless this run
 * did; *fresh: this run made it (write_file). */
static int bucket_dir(struct site *s, enum tr_subject_type t, const char *rel, bool *fresh)
{
    const char *b = strchr(rel, '/');
    unsigned k = b ? (unsigned)strtoul(b + 1, NULL, 16) % WEB_SITE_BUCKETS : 0;
    uint8_t *state = &s->buckets[t][k];
    if (*state == BUCKET_UNSEEN) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/%03x", s->dir, web_type_dir[t], k);
        if (mkdir(path, 0755) == 0)
            *state = BUCKET_MADE;
        else if (errno == EEXIST)
            *state = BUCKET_OLD;
        else
            return tr_error_set(s->err, TR_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    *fresh = *state == BUCKET_MADE;
    return 0;
}

/* Writes a copy of data[0..len) as rel (fresh: write_file's). */
static int send_copy(struct site *s, const char *rel, const char *data, size_t len, bool fresh)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    memcpy(copy, data, len);
    return send_file(s, rel, copy, len, fresh);
}

/* Writes rel unless the last run wrote the same bytes there. */
static int put_file(struct site *s, const char *rel, const char *data, size_t len)
{
    bool same;
    int rc = keep(s, rel, XXH3_64bits(data, len), &same);
    return rc || same ? rc : send_copy(s, rel, data, len, false);
}

/* Writes the page in h as rel, unless the last run wrote the same bytes
 * there (key: NULL), or whatever its bytes when *key moved (into a
 * subject's folder, t: made first when needed); h is left empty. */
static int put_html(struct site *s, struct html *h, const char *rel, const uint64_t *key, enum tr_subject_type t)
{
    if (h->failed) {
        html_reset(h);
        return tr_error_set(s->err, TR_ENOMEM, "out of memory writing %s", rel);
    }
    bool same = false;
    int rc = key ? 0 : keep(s, rel, XXH3_64bits(h->data ? h->data : "", h->len), &same);
    if (rc || same) {
        html_reset(h);
        return rc;
    }
    bool fresh = false;
    if (key && (rc = bucket_dir(s, t, rel, &fresh))) {
        html_reset(h);
        return rc;
    }
    size_t len;
    char *data = html_take(h, &len);
    if (!data)
        return tr_error_set(s->err, TR_ENOMEM, "out of memory writing %s", rel);
    return send_file(s, rel, data, len, fresh);
}

static int put_page(struct site *s, const char *rel)
{
    return put_html(s, &s->page, rel, NULL, TR_SUBJECT_TRACK);
}

/* The subject's file, TYPE/BBB/NAME + ext (web_site_path), in s->path
 * (one buffer for every subject of the run); valid until the next call. */
static const char *subject_file(struct site *s, enum tr_subject_type t, const char *id, const char *ext)
{
    html_reset(&s->path);
    web_site_path(&s->path, t, id, false, ext);
    return s->path.data && !s->path.failed ? s->path.data : "";
}

static const char *subject_page(struct site *s, enum tr_subject_type t, uint32_t i)
{
    return subject_file(s, t, page_subject_id(s->p->cat, t, i), ".html");
}

/* The number of subjects of type t in shard k. */
static uint32_t shard_size(const struct site *s, enum tr_subject_type t, size_t k)
{
    const struct tr_catalog *c = s->p->cat;
    uint32_t count = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
    uint32_t from = (uint32_t)(k * WEB_SHARD_SIZE);
    return count - from < WEB_SHARD_SIZE ? count - from : WEB_SHARD_SIZE;
}

/* Starts data shard k of type t in d: the head of the script. */
static void shard_open(const struct site *s, struct html *d, enum tr_subject_type t, size_t k)
{
    char name[64];
    web_shard_name(name, sizeof name, t, (uint32_t)(k * WEB_SHARD_SIZE));
    html_printf(d, "(window.TR_DATA=window.TR_DATA||{})[\"%s\"]={\"asof\":", name);
    html_int(d, s->p->last_day == TR_DAY_NONE ? -1 : s->p->last_day);
    html_raw(d, ",\"s\":{");
}

/* Writes data shard k of type t, data/TYPE/K.js: a script that files its
 * entries under window.TR_DATA["TYPE/K"] (pages load it by <script src>,
 * which works from file:// where fetch does not). */
static int shard_write(struct site *s, enum tr_subject_type t, size_t k)
{
    char name[64], rel[128];
    web_shard_name(name, sizeof name, t, (uint32_t)(k * WEB_SHARD_SIZE));
    snprintf(rel, sizeof rel, "data/%s.js", name);
    struct html *d = &s->shards[t][k];
    if (!d->len)   /* no entry came: the head alone */
        shard_open(s, d, t, k);
    html_raw(d, "}};\n");
    s->shard_left[t][k] = 0;
    return put_html(s, d, rel, NULL, TR_SUBJECT_TRACK);
}

/* Adds subject i's entry to its data shard, and writes the shard once it
 * holds every subject's (so the writers have it while the pass goes on,
 * and its text is not held to the end of the run). */
static int shard_add(struct site *s, enum tr_subject_type t, uint32_t i, const struct tr_point *pts, size_t n,
                     size_t n_past, size_t n_before, const struct web_status *rows, size_t n_rows)
{
    size_t k = i / WEB_SHARD_SIZE;
    struct html *d = &s->shards[t][k];
    if (!s->shard_left[t][k])
        return tr_error_set(s->err, TR_ESTORE, "data shard %zu of %s: an entry too many (a bug)", k,
                            web_type_dir[t]);
    if (!d->len)
        shard_open(s, d, t, k);
    if (s->shard_left[t][k] < shard_size(s, t, k))   /* not the first entry */
        html_raw(d, ",");
    site_entry(d, s->p, t, i, pts, n, n_past, n_before, rows, n_rows);
    if (d->failed)
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    return --s->shard_left[t][k] ? 0 : shard_write(s, t, k);
}

/* Whether the planned page needs its whole series: its past digested
 * again, or the page rendered. */
static bool needs_whole(const struct planned *pl)
{
    return !pl->carried || pl->key != pl->old->content;
}

/* Plans subject i's page (struct planned); *whole: needs_whole. */
static int plan_page(struct site *s, enum tr_subject_type t, uint32_t i, bool *whole)
{
    struct planned *pl = &s->plan[t][i];
    const char *rel = subject_page(s, t, i);
    pl->path = XXH3_64bits(rel, strlen(rel));
    pl->old = s->opt->full ? NULL : find_old(s, pl->path);
    pl->carried = carry_past(s, pl->old, i);
    int rc = pl->carried ? site_page_key(s->p, s->facts, t, i, pl->old->past, &pl->key, s->err) : 0;
    *whole = needs_whole(pl);
    return rc;
}

/* Plans every subject's page (in the order the run keeps them, so that
 * the manifest's cursor finds each) and marks in whole[] the series that
 * are read whole: a series of a track, or of a track of a release or an
 * artist, that needs its whole series; the others are read from the
 * earliest tail day on (s->recent). */
static int plan_pages(struct site *s, const struct web_csr *series_tracks, uint8_t *whole)
{
    const struct tr_catalog *c = s->p->cat;
    const uint32_t counts[3] = {c->n_tracks, c->n_releases, c->n_artists};
    uint8_t *need[3];
    for (int t = 0; t < 3; t++) {
        s->plan[t] = malloc((counts[t] ? counts[t] : 1) * sizeof *s->plan[t]);
        need[t] = malloc(counts[t] ? counts[t] : 1);
    }
    int rc = s->plan[0] && s->plan[1] && s->plan[2] && need[0] && need[1] && need[2]
           ? 0 : tr_error_set(s->err, TR_ENOMEM, "out of memory");
    for (uint32_t r = 0; !rc && r < c->n_series; r++) {
        size_t n_tracks;
        const uint32_t *tracks = web_csr_get(series_tracks, r, &n_tracks);
        for (size_t k = 0; !rc && k < n_tracks; k++) {
            bool w;
            rc = plan_page(s, TR_SUBJECT_TRACK, tracks[k], &w);
            need[TR_SUBJECT_TRACK][tracks[k]] = w;
        }
    }
    for (int t = TR_SUBJECT_RELEASE; t <= TR_SUBJECT_ARTIST; t++)
        for (uint32_t i = 0; !rc && i < counts[t]; i++) {
            bool w;
            rc = plan_page(s, (enum tr_subject_type)t, i, &w);
            need[t][i] = w;
        }
    memset(whole, 0, c->n_series ? c->n_series : 1);
    for (uint32_t t = 0; !rc && t < c->n_tracks; t++) {
        bool w = need[TR_SUBJECT_TRACK][t];
        size_t n_rel;
        const uint32_t *rel = web_csr_get(&s->p->track_releases, t, &n_rel);
        for (size_t k = 0; k < n_rel && !w; k++)
            w = need[TR_SUBJECT_RELEASE][rel[k]];
        for (uint32_t k = 0; k < c->tracks[t].n_artists && !w; k++)
            w = need[TR_SUBJECT_ARTIST][c->tracks[t].artists[k]];
        whole[c->tracks[t].series] |= w;
    }
    for (int t = 0; t < 3; t++)
        free(need[t]);
    s->old.next = 0;   /* the pass keeps them in the same order again */
    return rc;
}

/* Subject i's page, written when its key moved, and its shard entry,
 * from its series pts[0..n) after its first n_before points (left out
 * only when plan_pages found the page carried and its key still) and,
 * for a release or an artist, its listed tracks' figures rows[0..n_rows). */
static int put_subject(struct site *s, enum tr_subject_type t, uint32_t i, const struct tr_point *pts,
                       size_t n, size_t n_before, const struct web_status *rows, size_t n_rows)
{
    const struct web_pages *p = s->p;
    tr_day tail = web_tail_from(p->last_day, i);
    size_t n_past = n;
    while (n_past > 0 && pts[n_past - 1].day >= tail)
        n_past--;
    const struct planned *pl = &s->plan[t][i];
    uint64_t past, key = pl->key;
    int rc = 0;
    if (pl->carried) {
        past = pl->old->past;
    } else {
        past = site_points_digest(pts, n_past);
        rc = site_page_key(p, s->facts, t, i, past, &key, s->err);
    }
    bool same = false;
    if (!rc)
        rc = keep_entry(s, pl->path, pl->old, key, past, &same);
    if (!rc && (!same || !pl->carried) && n_before)
        rc = tr_error_set(s->err, TR_ESTORE, "%s: its series was read in part (a bug)", subject_page(s, t, i));
    if (!rc && !same) {
        const char *rel = subject_page(s, t, i);
        rc = t == TR_SUBJECT_TRACK ? web_page_track(p, i, pts, n_past, &s->page, s->err)
           : t == TR_SUBJECT_RELEASE ? web_page_release(p, i, rows, pts, n_past, &s->page)
                                     : web_page_artist(p, i, rows, pts, n_past, &s->page);
        if (rc && !s->err->code)
            tr_error_set(s->err, rc, "out of memory writing %s", rel);
        if (!rc)
            rc = put_html(s, &s->page, rel, &key, t);
        html_reset(&s->page);
    }
    return rc ? rc : shard_add(s, t, i, pts, n, n_past, n_before, rows, n_rows);
}

/* Writes the data shards not written yet (shard_add writes each once it
 * is whole: only a shard missing an entry is left to here). */
static int write_shards(struct site *s)
{
    int rc = 0;
    for (int t = 0; t < 3 && !rc; t++)
        for (size_t k = 0; k < s->n_shards[t] && !rc; k++)
            if (s->shard_left[t][k])
                rc = shard_write(s, (enum tr_subject_type)t, k);
    return rc;
}

/* Adds a recording's points p[0..n) (its first on day first: p may leave
 * out earlier ones, p[0] carrying their changes) to sum, the sums of a
 * subject that needs them whole (whole) or only from s->recent on. */
static int sum_add(struct site *s, struct sum *sum, bool whole, const struct tr_point *p, size_t n, tr_day first)
{
    if (!sum->day) {
        sum->base = whole || s->recent == TR_DAY_NONE || s->recent < s->first ? s->first : s->recent;
        if (!(sum->day = calloc((size_t)(s->last - sum->base) + 1, sizeof *sum->day)))
            return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    }
    if (sum->from == TR_DAY_NONE || first > sum->from)
        sum->from = first;
    if (sum->to == TR_DAY_NONE || p[n - 1].day > sum->to)
        sum->to = p[n - 1].day;
    /* the recording's changes, on the days they happen: summed from the
     * store's first day (sum_points), they give its value on each day
     * carried forward (modulo 2^64, so a count that went down adds its
     * fall as well) */
    uint64_t before = 0;
    for (size_t k = 0; k < n; k++) {
        tr_day d = p[k].day > sum->base ? p[k].day : sum->base;
        sum->day[d - sum->base] += p[k].value - before;
        before = p[k].value;
    }
    return 0;
}

/* The summed series from the day every member has data (as
 * web_sum_histories gives it), into pts (caller's): with whole false
 * only its days from s->recent on (*n_before the days before; the sums of
 * a member read in part are right from there on), else all. */
static size_t sum_points(const struct site *s, const struct sum *sum, bool whole, struct tr_point **pts,
                         size_t *n_before)
{
    *pts = NULL;
    *n_before = 0;
    if (!sum->day || sum->missing || sum->from > sum->to)
        return 0;
    tr_day start = !whole && s->recent != TR_DAY_NONE && s->recent > sum->from ? s->recent : sum->from;
    if (start > sum->to)
        start = sum->to;   /* the last day's point at least (the shard's total) */
    *n_before = (size_t)(start - sum->from);
    size_t n = (size_t)(sum->to - start) + 1;
    if (!(*pts = malloc(n * sizeof **pts)))
        return 0;
    uint64_t v = 0;
    for (tr_day d = sum->base; d <= sum->to; d++) {
        v += sum->day[d - sum->base];
        if (d >= start)
            (*pts)[d - start] = (struct tr_point){d, v};
    }
    if (sum->to < sum->base)   /* every change fell before base, so on it */
        (*pts)[0] = (struct tr_point){sum->to, sum->day[0]};
    return n;
}

struct series_ctx {
    struct site *s;
    struct web_csr series_tracks;    /* series -> its track ids */
};

/* One recording's history p[0..n) after its first n_before points (its
 * first on day first): its tracks' pages, and its share of the sums. */
static int on_history(struct series_ctx *sc, uint32_t series, const struct tr_point *p, size_t n, size_t n_before,
                      tr_day first)
{
    struct site *s = sc->s;
    const struct web_pages *wp = s->p;
    size_t n_tracks;
    const uint32_t *tracks = web_csr_get(&sc->series_tracks, series, &n_tracks);
    int rc = 0;
    for (size_t k = 0; k < n_tracks && !rc; k++) {
        uint32_t t = tracks[k];
        s->status[t] = web_status_of(p, n);
        rc = put_subject(s, TR_SUBJECT_TRACK, t, p, n, n_before, NULL, 0);
        /* each release and artist counts the recording once */
        size_t n_rel, n_art;
        const uint32_t *rel = web_csr_get(&wp->track_releases, t, &n_rel);
        for (size_t r = 0; r < n_rel && !rc; r++)
            if (s->stamp[rel[r]] != series + 1) {
                s->stamp[rel[r]] = series + 1;
                rc = sum_add(s, &s->release_sum[rel[r]], needs_whole(&s->plan[TR_SUBJECT_RELEASE][rel[r]]), p,
                             n, first);
            }
        const uint32_t *art = wp->cat->tracks[t].artists;
        n_art = wp->cat->tracks[t].n_artists;
        for (size_t a = 0; a < n_art && !rc; a++)
            if (s->stamp[wp->cat->n_releases + art[a]] != series + 1) {
                s->stamp[wp->cat->n_releases + art[a]] = series + 1;
                rc = sum_add(s, &s->artist_sum[art[a]], needs_whole(&s->plan[TR_SUBJECT_ARTIST][art[a]]), p,
                             n, first);
            }
    }
    return rc;
}

static int write_tracks(struct site *s)
{
    const struct tr_catalog *c = s->p->cat;
    struct series_ctx sc = {s, {0}};
    uint32_t *keys = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *keys);
    uint32_t *vals = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *vals);
    int rc = keys && vals ? 0 : TR_ENOMEM;
    for (uint32_t t = 0; t < c->n_tracks; t++) {
        if (keys && vals) {
            keys[t] = c->tracks[t].series;
            vals[t] = t;
        }
    }
    if (!rc)
        rc = web_csr_build(&sc.series_tracks, c->n_series, c->n_tracks, keys, vals);
    free(keys);
    free(vals);
    uint8_t *whole = malloc(c->n_series ? c->n_series : 1);
    if (rc || !whole) {
        web_csr_free(&sc.series_tracks);
        free(whole);
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    }
    rc = plan_pages(s, &sc.series_tracks, whole);
    struct tr_history_cursor *cur = NULL;
    uint32_t series;
    const struct tr_point *p;
    size_t n, n_before;
    tr_day first;
    if (!rc && s->first != TR_DAY_NONE)   /* else no series has data */
        rc = tr_store_histories_begin(s->p->store, &cur, s->err);
    if (!rc && s->recent != TR_DAY_NONE)
        tr_store_histories_recent(cur, s->recent, whole);
    while (!rc && cur && !(rc = tr_store_histories_next(cur, &series, &p, &n, s->err)) && n) {
        tr_store_histories_skipped(cur, &n_before, &first);
        rc = on_history(&sc, series, p, n, n_before, first);
    }
    rc = tr_store_histories_end(cur, rc, s->err);
    web_csr_free(&sc.series_tracks);
    free(whole);
    /* tracks with no data at all still get a page */
    for (uint32_t t = 0; !rc && t < c->n_tracks; t++)
        if (s->status[t].date == TR_DAY_NONE)
            rc = put_subject(s, TR_SUBJECT_TRACK, t, NULL, 0, 0, NULL, 0);
    return rc;
}

static int write_releases(struct site *s)
{
    const struct tr_catalog *c = s->p->cat;
    struct web_status *st = NULL;
    size_t cap = 0;
    int rc = 0;
    for (uint32_t r = 0; r < c->n_releases && !rc; r++) {
        const struct tr_release *rel = &c->releases[r];
        if (rel->n_tracks > cap) {
            free(st);
            cap = rel->n_tracks;
            if (!(st = malloc(cap * sizeof *st)))
                return tr_error_set(s->err, TR_ENOMEM, "out of memory");
        }
        uint32_t missing = 0;
        for (uint32_t k = 0; k < rel->n_tracks; k++) {
            st[k] = s->status[rel->tracks[k]];
            missing += st[k].date == TR_DAY_NONE;
        }
        s->release_sum[r].missing = missing;
        struct tr_point *sum;
        size_t n_before, n = sum_points(s, &s->release_sum[r], needs_whole(&s->plan[TR_SUBJECT_RELEASE][r]), &sum,
                                        &n_before);
        rc = put_subject(s, TR_SUBJECT_RELEASE, r, sum, n, n_before, st, rel->n_tracks);
        free(sum);
        free(s->release_sum[r].day);
        s->release_sum[r].day = NULL;
    }
    free(st);
    return rc;
}

static int write_artists(struct site *s)
{
    const struct tr_catalog *c = s->p->cat;
    struct web_status *st = NULL;
    size_t cap = 0;
    int rc = 0;
    for (uint32_t a = 0; a < c->n_artists && !rc; a++) {
        size_t n_tracks;
        const uint32_t *tracks = web_pages_artist_tracks(s->p, a, &n_tracks);
        if (n_tracks > cap) {
            free(st);
            cap = n_tracks;
            if (!(st = malloc(cap * sizeof *st)))
                return tr_error_set(s->err, TR_ENOMEM, "out of memory");
        }
        uint32_t missing = 0;
        for (size_t k = 0; k < n_tracks; k++) {
            st[k] = s->status[tracks[k]];
            missing += st[k].date == TR_DAY_NONE;
        }
        s->artist_sum[a].missing = missing;
        struct tr_point *sum;
        size_t n_before, n = sum_points(s, &s->artist_sum[a], needs_whole(&s->plan[TR_SUBJECT_ARTIST][a]), &sum,
                                        &n_before);
        rc = put_subject(s, TR_SUBJECT_ARTIST, a, sum, n, n_before, st, n_tracks);
        free(sum);
        free(s->artist_sum[a].day);
        s->artist_sum[a].day = NULL;
    }
    free(st);
    return rc;
}

/* ---- the search index ---------------------------------------------------------
 * data/search/XXYY.js: every subject with a word of its folded name
 * (html_fold; words split at ASCII other than letters and digits) that
 * starts with the bytes XX YY (hex; YY 00 for a word of one byte), as
 * [type, id, name, artist].  The search page loads the shard of its
 * query's first word and keeps the names every word of the query begins a
 * word of.  Written when the facts move (names change only with them). */
#define SEARCH_SHARDS 65536

static void search_file(char *buf, size_t size, unsigned key)
{
    snprintf(buf, size, "data/search/%04x.js", key);
}

static int search_add(struct site *s, struct html *shards, enum tr_subject_type t, uint32_t i, char *folded)
{
    const struct tr_catalog *c = s->p->cat;
    const char *name = page_subject_name(c, t, i);
    html_fold(name, folded);
    unsigned done[64];   /* the keys of the name's words so far */
    size_t n_done = 0;
    for (unsigned char *w = (unsigned char *)folded; *w;) {
        bool word = *w >= 0x80 || (*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9');
        if (!word) {
            w++;
            continue;
        }
        unsigned a = w[0], b = w[1];
        bool b_word = b >= 0x80 || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
        unsigned key = a << 8 | (b_word ? b : 0);
        while (*w && (*w >= 0x80 || (*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9')))
            w++;
        bool again = false;
        for (size_t k = 0; k < n_done && !again; k++)
            again = done[k] == key;
        if (again || n_done == 64)
            continue;
        done[n_done++] = key;
        struct html *d = &shards[key];
        html_raw(d, d->len ? ",[" : "[");
        html_int(d, t);
        html_raw(d, ",");
        html_json_string(d, page_subject_id(c, t, i));
        html_raw(d, ",");
        html_json_string(d, name);
        html_raw(d, ",");
        const uint32_t *art = t == TR_SUBJECT_TRACK ? c->tracks[i].artists : t == TR_SUBJECT_RELEASE ? c->releases[i].artists : NULL;
        uint32_t n_art = t == TR_SUBJECT_TRACK ? c->tracks[i].n_artists : t == TR_SUBJECT_RELEASE ? c->releases[i].n_artists : 0;
        html_json_string(d, n_art ? page_subject_name(c, TR_SUBJECT_ARTIST, art[0]) : "");
        html_raw(d, "]");
        if (d->failed)
            return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    }
    return 0;
}

static int write_search(struct site *s)
{
    bool same;
    int rc = keep(s, "data/search/.facts", s->facts, &same);   /* a key, no file */
    s->st.files--;
    if (rc)
        return rc;
    char rel[64];
    if (same) {   /* the names are the last run's: so are the shards */
        for (unsigned key = 0; key < SEARCH_SHARDS && !rc; key++) {
            search_file(rel, sizeof rel, key);
            uint64_t ph = XXH3_64bits(rel, strlen(rel));
            const struct entry *old = find_old(s, ph);
            if (old)
                rc = keep_entry(s, ph, old, old->content, 0, &same);
        }
        return rc;
    }
    const struct tr_catalog *c = s->p->cat;
    struct html *shards = calloc(SEARCH_SHARDS, sizeof *shards);
    size_t longest = 0;
    for (int t = 0; t < 3; t++) {
        uint32_t n = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
        for (uint32_t i = 0; i < n; i++) {
            size_t len = strlen(page_subject_name(c, (enum tr_subject_type)t, i));
            longest = len > longest ? len : longest;
        }
    }
    char *folded = malloc(longest + 1);
    if (!shards || !folded)
        rc = tr_error_set(s->err, TR_ENOMEM, "out of memory");
    /* artists first, then releases, then tracks: the order among equals */
    static const enum tr_subject_type order[] = {TR_SUBJECT_ARTIST, TR_SUBJECT_RELEASE, TR_SUBJECT_TRACK};
    for (int k = 0; k < 3 && !rc; k++) {
        enum tr_subject_type t = order[k];
        uint32_t n = t == TR_SUBJECT_TRACK ? c->n_tracks : t == TR_SUBJECT_RELEASE ? c->n_releases : c->n_artists;
        for (uint32_t i = 0; i < n && !rc; i++)
            rc = search_add(s, shards, t, i, folded);
    }
    for (unsigned key = 0; shards && key < SEARCH_SHARDS; key++) {
        if (!rc && shards[key].len) {
            search_file(rel, sizeof rel, key);
            html_printf(&s->page, "(window.TR_DATA=window.TR_DATA||{})[\"search/%04x\"]=[", key);
            html_rawn(&s->page, shards[key].data, shards[key].len);
            html_raw(&s->page, "];\n");
            rc = put_page(s, rel);
        }
        html_free(&shards[key]);
    }
    free(shards);
    free(folded);
    return rc;
}

/* /api/v1/forecasts?within=SITE_FORECAST_DAYS&limit=1000: the
 * milestones expected soonest (the home page's "almost there"). */
#define SITE_FORECAST_DAYS 14
static json_t *forecasts_json(const struct web_pages *p)
{
    const struct tr_forecast_set *fs = &p->forecasts;
    char d[TR_DATE_LEN];
    json_t *o = json_object(), *a = json_array();
    json_object_set_new(o, "as_of", fs->as_of == TR_DAY_NONE ? json_null() : json_string(tr_day_format(fs->as_of, d)));
    json_object_set_new(o, "within", json_integer(SITE_FORECAST_DAYS));
    size_t shown = 0;
    for (size_t i = 0; i < fs->n && shown < 1000; i++)
        if (fs->f[i].eta != TR_DAY_NONE && fs->f[i].eta - fs->as_of <= SITE_FORECAST_DAYS) {
            json_array_append_new(a, tr_json_forecast(p->cat, &fs->f[i], fs->as_of));
            shown++;
        }
    json_object_set_new(o, "forecasts", a);
    json_object_set_new(o, "next_cursor", json_null());
    return o;
}

/* The feeds and the API's answers a static host can serve as files, made
 * by the server's own code (web.h) from the same snapshot of the store:
 * the bytes `trackrecord serve` answers. */
static int write_published(struct site *s)
{
    struct tr_web *w = s->web;
    static const char *const names[] = {"feed.atom", "feed.json", "api/v1/milestones.json", "api/v1/records.json",
                                        "api/v1/forecasts.json"};
    int rc = 0;
    for (size_t k = 0; k < sizeof names / sizeof *names && !rc; k++) {
        struct tr_web_response res = {0};
        json_t *v = NULL;
        if (k < 2) {
            rc = tr_web_feed(w, k ? TR_FEED_JSON : TR_FEED_ATOM, TR_NONE, TR_DAY_NONE, "", &res, s->err);
        } else if (k == 2) {   /* the latest 1000, as /api/v1/milestones?limit=1000 */
            struct tr_web_milestone_query q = {TR_DAY_NONE, -1, -1, TR_NONE, 1000, 0};
            rc = tr_web_milestones_json(w, &q, &v, s->err);
        } else if (k == 3) {   /* the latest days' claims (TR_WEB_RECORDS_DAYS) */
            tr_day since = s->p->last_day == TR_DAY_NONE ? TR_DAY_NONE : s->p->last_day - (TR_WEB_RECORDS_DAYS - 1);
            rc = tr_web_records_json(w, since, NULL, &v, s->err);
        } else {
            v = forecasts_json(s->p);
        }
        if (!rc && v)
            tr_web_json(&res, v);
        if (!rc && res.oom)
            rc = tr_error_set(s->err, TR_ENOMEM, "out of memory writing %s", names[k]);
        if (!rc)
            rc = put_file(s, names[k], res.body ? res.body : "", res.len);
        tr_web_response_release(&res);
    }
    return rc;
}

/* An artist's Atom feed, beside its page: what serve answers at
 * /artists/ID/feed.atom, its links to the site's files
 * (web_artist_feed_href).  Keyed by its posts (site_feed_key): made and
 * written only when a post of the artist's comes, goes or changes its
 * claims, when the facts move, or, for an artist without posts, when the
 * store's last day moves (its date). */
static const char *artist_feed_file(struct site *s, uint32_t artist)
{
    return subject_file(s, TR_SUBJECT_ARTIST, s->p->cat->artists[artist].id, ".feed.atom");
}

static int plan_artist_feed(void *ctx, uint32_t artist, const uint32_t *posts, size_t n, bool *make)
{
    struct site *s = ctx;
    bool same;
    int rc = keep(s, artist_feed_file(s, artist), site_feed_key(s->p, s->facts, artist, posts, n, s->p->last_day),
                  &same);
    *make = !rc && !same;
    return rc;
}

static int put_artist_feed(void *ctx, uint32_t artist, const struct tr_web_response *res)
{
    struct site *s = ctx;
    const char *rel = artist_feed_file(s, artist);
    bool fresh;
    if (res->oom)
        return tr_error_set(s->err, TR_ENOMEM, "out of memory writing %s", rel);
    int rc = bucket_dir(s, TR_SUBJECT_ARTIST, rel, &fresh);
    return rc ? rc : send_copy(s, rel, res->body ? res->body : "", res->len, fresh);
}

/* The files the last run's manifest lists that this run did not make (a
 * subject gone from the catalog, a shard no longer needed, a file of an
 * older layout): found by walking the site's folders for the files whose
 * paths hash to those entries, and removed; nothing else is.  The walk
 * happens only when there is something to remove. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool listed(const uint64_t *v, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == h;
}

/* Removes under s->dir/rel (rel: "" or "a/b/") the files whose paths
 * (relative to s->dir) are in gone[0..n), and a folder that this leaves
 * empty; *emptied: rel itself was. */
static int remove_listed(struct site *s, char *rel, size_t len, const uint64_t *gone, size_t n, bool *emptied)
{
    *emptied = false;
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s", s->dir, (int)len, rel);
    DIR *d = opendir(path);
    if (!d)
        return tr_error_set(s->err, TR_EIO, "%s: cannot read: %s", path, strerror(errno));
    int rc = 0;
    bool removed = false;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || len + nl + 2 > 4096)
            continue;
        memcpy(rel + len, e->d_name, nl + 1);
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", s->dir, rel);
            type = lstat(path, &st) != 0 ? DT_UNKNOWN : S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type == DT_DIR) {
            rel[len + nl] = '/';
            rel[len + nl + 1] = 0;
            bool gone_dir;
            rc = remove_listed(s, rel, len + nl + 1, gone, n, &gone_dir);
            removed |= gone_dir;
        } else if (type == DT_REG && listed(gone, n, XXH3_64bits(rel, len + nl))) {
            snprintf(path, sizeof path, "%s/%s", s->dir, rel);
            if (unlink(path) != 0 && errno != ENOENT)
                rc = tr_error_set(s->err, TR_EIO, "%s: cannot remove: %s", path, strerror(errno));
            else
                s->st.removed++;
            removed = true;
        }
    }
    closedir(d);
    rel[len] = 0;
    if (!rc && removed && len) {
        snprintf(path, sizeof path, "%s/%s", s->dir, rel);
        *emptied = rmdir(path) == 0;   /* else it holds more: kept */
    }
    return rc;
}

static int remove_stale(struct site *s)
{
    uint64_t *now = malloc((s->n_now ? s->n_now : 1) * sizeof *now);
    uint64_t *gone = malloc((s->old.n ? s->old.n : 1) * sizeof *gone);
    size_t n_gone = 0;
    int rc = now && gone ? 0 : tr_error_set(s->err, TR_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < s->n_now; i++)
        now[i] = s->now[i].path;
    if (!rc)
        qsort(now, s->n_now, sizeof *now, cmp_u64);
    for (size_t i = 0; !rc && i < s->old.n; i++)
        if (!listed(now, s->n_now, s->old.v[i].path))
            gone[n_gone++] = s->old.v[i].path;
    if (!rc && n_gone) {
        qsort(gone, n_gone, sizeof *gone, cmp_u64);
        char rel[4096] = "";
        bool emptied;
        rc = remove_listed(s, rel, 0, gone, n_gone, &emptied);
    }
    free(now);
    free(gone);
    return rc;
}

static int make_dirs(struct site *s)
{
    static const char *const sub[] = {"", "/tracks", "/releases", "/artists", "/assets", "/data",
                                      "/data/tracks", "/data/releases", "/data/artists", "/data/search", "/api",
                                      "/api/v1"};
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", s->dir, sub[i]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return tr_error_set(s->err, TR_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    return 0;
}

/* The store's first and last day with data, from the catalog's coverage. */
static int store_days(struct site *s)
{
    struct tr_coverage cov = {0};
    int rc = tr_coverage_read(s->p->store, &cov, s->err);
    if (rc)
        return rc;
    s->first = s->last = TR_DAY_NONE;
    for (uint32_t t = 0; t < s->p->cat->n_tracks; t++) {
        if (cov.track_first[t] != TR_DAY_NONE && (s->first == TR_DAY_NONE || cov.track_first[t] < s->first))
            s->first = cov.track_first[t];
        if (cov.track_last[t] != TR_DAY_NONE && (s->last == TR_DAY_NONE || cov.track_last[t] > s->last))
            s->last = cov.track_last[t];
    }
    tr_coverage_release(&cov);
    return 0;
}

static int write_all(struct site *s)
{
    const struct tr_catalog *c = s->p->cat;
    int rc = make_dirs(s);
    if (!rc)
        rc = load_manifest(s);
    if (!rc)
        rc = tr_store_changes_since(s->p->store, s->old.state, &s->changes, s->err);
    s->carry = !s->opt->full && s->old.n && s->changes.known && !s->changes.catalog;
    if (!rc)
        rc = store_days(s);
    if (!rc)
        rc = writers_start(&s->w, s->dir, s->opt->full, s->opt->threads > 1 ? s->opt->threads : 0);
    if (rc)
        return rc;
    s->status = malloc((c->n_tracks ? c->n_tracks : 1) * sizeof *s->status);
    s->release_sum = calloc(c->n_releases + 1, sizeof *s->release_sum);
    s->artist_sum = calloc(c->n_artists + 1, sizeof *s->artist_sum);
    s->stamp = calloc((size_t)c->n_releases + c->n_artists + 1, sizeof *s->stamp);
    const uint32_t counts[3] = {c->n_tracks, c->n_releases, c->n_artists};
    for (int t = 0; t < 3; t++) {
        s->n_shards[t] = (counts[t] + WEB_SHARD_SIZE - 1) / WEB_SHARD_SIZE;
        s->shards[t] = calloc(s->n_shards[t] + 1, sizeof *s->shards[t]);
        s->shard_left[t] = malloc((s->n_shards[t] + 1) * sizeof *s->shard_left[t]);
        for (size_t k = 0; s->shard_left[t] && k < s->n_shards[t]; k++)
            s->shard_left[t][k] = shard_size(s, (enum tr_subject_type)t, k);
    }
    if (!s->status || !s->release_sum || !s->artist_sum || !s->stamp || !s->shards[0] || !s->shards[1] ||
        !s->shards[2] || !s->shard_left[0] || !s->shard_left[1] || !s->shard_left[2])
        return tr_error_set(s->err, TR_ENOMEM, "out of memory");
    s->facts = site_facts(s->p);
    for (uint32_t t = 0; t < c->n_tracks; t++)
        s->status[t] = (struct web_status){0, 0, TR_DAY_NONE, TR_DAY_NONE};
    for (uint32_t r = 0; r < c->n_releases; r++)
        s->release_sum[r] = (struct sum){NULL, TR_DAY_NONE, TR_DAY_NONE, TR_DAY_NONE, 0};
    for (uint32_t a = 0; a < c->n_artists; a++)
        s->artist_sum[a] = (struct sum){NULL, TR_DAY_NONE, TR_DAY_NONE, TR_DAY_NONE, 0};
    s->recent = s->carry && s->p->last_day != TR_DAY_NONE ? s->p->last_day - (WEB_TAIL_DAYS - 1) : TR_DAY_NONE;
    rc = write_tracks(s);
    if (!rc)
        rc = write_releases(s);
    if (!rc)
        rc = write_artists(s);
    if (!rc)
        rc = write_shards(s);
    if (!rc)
        rc = write_published(s);
    if (!rc)
        rc = tr_web_artist_feeds(s->web, TR_FEED_ATOM, s->p->last_day, plan_artist_feed, put_artist_feed, s,
                                 s->err);
    if (!rc)
        rc = write_search(s);
    if (!rc && !(rc = web_page_search(s->p, NULL, &s->page, s->err)))
        rc = put_page(s, "search.html");
    if (!rc && !(rc = web_page_home(s->p, &s->page, s->err)))
        rc = put_page(s, "index.html");
    for (const struct web_asset *a = web_assets; !rc && a->name; a++) {
        char rel[256];
        snprintf(rel, sizeof rel, "assets/%s", a->name);
        rc = put_file(s, rel, a->data, a->size);
    }
    return rc;
}

int web_site_write(struct tr_store *store, const char *dir, const struct web_site_options *opt,
                   struct web_site_stats *st, struct tr_error *err)
{
    struct site s = {.dir = dir, .opt = opt, .err = err};
    /* one snapshot of the store for the whole site */
    bool changed, reading = false;
    int rc = tr_store_begin_read(store, &changed, err);
    reading = rc == 0;
    /* the feeds' and the API's context shares the pages' events and claims */
    const struct tr_claim_set *claims;
    if (!rc && !(s.web = calloc(1, sizeof *s.web)))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc) {
        s.web->store = store;
        s.web->site = true;
        rc = tr_web_claims(s.web, &claims, err);
    }
    if (!rc)
        rc = web_pages_open(store, WEB_STATIC, claims, &s.p, err);
    if (!rc) {
        s.web->cat = s.p->cat;
        rc = write_all(&s);
    }
    int written = writers_stop(&s);
    if (!rc)
        rc = written;
    if (!rc)
        rc = remove_stale(&s);
    if (!rc)
        rc = save_manifest(&s);
    if (s.p) {
        for (uint32_t r = 0; s.release_sum && r < s.p->cat->n_releases; r++)
            free(s.release_sum[r].day);
        for (uint32_t a = 0; s.artist_sum && a < s.p->cat->n_artists; a++)
            free(s.artist_sum[a].day);
    }
    for (int t = 0; t < 3; t++) {
        for (size_t k = 0; s.shards[t] && k < s.n_shards[t]; k++)
            html_free(&s.shards[t][k]);
        free(s.shards[t]);
        free(s.shard_left[t]);
        free(s.plan[t]);
    }
    free(s.release_sum);
    free(s.artist_sum);
    free(s.stamp);
    free(s.status);
    free(s.old.v);
    free(s.old.by_path);
    free(s.now);
    html_free(&s.page);
    html_free(&s.path);
    web_pages_free(s.p);   /* first: it borrows s.web's claims */
    if (s.web) {
        s.web->cat = NULL;
        s.web->store = NULL;   /* the caller's */
        tr_web_close(s.web);
    }
    if (reading)
        tr_store_end_read(store);
    *st = s.st;
    return rc;
}
