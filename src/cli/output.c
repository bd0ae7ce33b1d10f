/*
 * output.c: milestone events as text and CSV, shared by the commands that
 * list them (their JSON: trackrecord/publish.h).
 */
#include "cli_output.h"
#include "trackrecord/array.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void out_milestone_csv_header(FILE *f)
{
    fputs("subject,subject_type,kind,threshold,date,day,value,after,slowest,scope,baseline\n", f);
}

/* Appends text to a line being built (the CSV rows are written in bulk,
 * a million at a time, so no printf per field). */
static char *put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_day(char *p, tr_day d)
{
    char date[TR_DATE_LEN];
    return put(p, tr_day_format(d, date));
}

/* Bytes a row of m may take. */
static size_t csv_room(const struct tr_catalog *c, const struct tr_milestone *m)
{
    const char *id = tr_subject_id(c, m->subject_type, m->subject);
    const char *slowest = m->slowest != TR_NONE ? c->tracks[m->slowest].id : "";
    return strlen(id) + strlen(slowest) + TR_SCOPE_LEN + 160;
}

/* Writes m's row at p (which has csv_room bytes); returns its end. */
static char *csv_row(char *p, const struct tr_catalog *c, const struct tr_milestone *m)
{
    p = put(p, tr_subject_id(c, m->subject_type, m->subject));
    *p++ = ',';
    p = put(p, tr_subject_type_name(m->subject_type));
    *p++ = ',';
    p = put(p, tr_milestone_kind_name(m->kind));
    *p++ = ',';
    p = put_u64(p, m->threshold);
    *p++ = ',';
    p = put_day(p, m->date);
    *p++ = ',';
    if (m->day != TR_DAYN_NONE) {
        if (m->day < 0)
            *p++ = '-';
        p = put_u64(p, (uint64_t)(m->day < 0 ? -(int64_t)m->day : m->day));
    }
    *p++ = ',';
    p = put_u64(p, m->value);
    *p++ = ',';
    if (m->after != TR_DAY_NONE)
        p = put_day(p, m->after);
    else if (m->open_start)
        p = put(p, "open");
    *p++ = ',';
    p = put(p, m->slowest != TR_NONE ? c->tracks[m->slowest].id : "");
    *p++ = ',';
    p = put(p, tr_scope_name(m->scope));
    *p++ = ',';
    if (m->baseline)
        *p++ = '1';
    *p++ = '\n';
    return p;
}

/* One row (the way out when a block's buffer cannot grow). */
static void out_milestone_csv(FILE *f, const struct tr_catalog *c, const struct tr_milestone *m)
{
    size_t room = csv_room(c, m);
    char stack[512], *line = room <= sizeof stack ? stack : malloc(room);
    if (!line)
        return;
    fwrite(line, 1, (size_t)(csv_row(line, c, m) - line), f);
    if (line != stack)
        free(line);
}

/* ---- many rows on two threads ----------------------------------------
 * A million rows take most of a second to format on one thread (mostly
 * fetching each subject's id from the catalog), so blocks of rows are
 * formatted in turn by the calling thread (even blocks) and a helper (odd
 * ones), each into a buffer of its own, and written in order: the helper
 * formats its next block once its last one has been written. */

enum { CSV_BLOCK = 8192 };

struct csv_buf {
    char *p;
    size_t len, cap;
};

struct csv_job {
    FILE *f;
    const struct tr_catalog *c;
    const struct tr_milestone *ev;
    size_t n;
    struct csv_buf helper_buf;
    bool helper_full;            /* helper_buf holds a block not yet written */
    bool failed;                 /* out of memory: the rows are written one by one */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* Formats block b into buf: 0, or -1 out of memory. */
static int csv_block(const struct csv_job *j, size_t b, struct csv_buf *buf)
{
    size_t lo = b * CSV_BLOCK, hi = lo + CSV_BLOCK < j->n ? lo + CSV_BLOCK : j->n;
    buf->len = 0;
    for (size_t i = lo; i < hi; i++) {
        size_t room = csv_room(j->c, &j->ev[i]);
        if (tr_array_reserve(&buf->p, &buf->cap, buf->len + room))
            return -1;
        buf->len = (size_t)(csv_row(buf->p + buf->len, j->c, &j->ev[i]) - buf->p);
    }
    return 0;
}

static void *csv_helper(void *arg)
{
    struct csv_job *j = arg;
    size_t blocks = (j->n + CSV_BLOCK - 1) / CSV_BLOCK;
    for (size_t b = 1; b < blocks; b += 2) {
        pthread_mutex_lock(&j->mu);
        while (j->helper_full)
            pthread_cond_wait(&j->cv, &j->mu);
        pthread_mutex_unlock(&j->mu);
        bool failed = csv_block(j, b, &j->helper_buf) != 0;
        pthread_mutex_lock(&j->mu);
        j->helper_full = true;
        j->failed |= failed;
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
    }
    return NULL;
}

/* Writes the block in buf, or its rows one by one when it could not be
 * formatted. */
static void csv_emit(struct csv_job *j, size_t b, const struct csv_buf *buf, bool failed)
{
    if (!failed) {
        fwrite(buf->p, 1, buf->len, j->f);
        return;
    }
    size_t lo = b * CSV_BLOCK, hi = lo + CSV_BLOCK < j->n ? lo + CSV_BLOCK : j->n;
    for (size_t i = lo; i < hi; i++)
        out_milestone_csv(j->f, j->c, &j->ev[i]);
}

void out_milestones_csv(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                        size_t n)
{
    struct csv_job j = {.f = f, .c = c, .ev = ev, .n = n};
    out_milestone_csv_header(f);
    size_t blocks = (n + CSV_BLOCK - 1) / CSV_BLOCK;
    pthread_t th;
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    bool helper = blocks >= 2 && pthread_create(&th, NULL, csv_helper, &j) == 0;
    struct csv_buf own = {0};
    for (size_t b = 0; b < blocks; b++) {
        if (!helper || b % 2 == 0) {
            csv_emit(&j, b, &own, csv_block(&j, b, &own) != 0);
            continue;
        }
        pthread_mutex_lock(&j.mu);
        while (!j.helper_full)
            pthread_cond_wait(&j.cv, &j.mu);
        bool failed = j.failed;
        j.failed = false;
        pthread_mutex_unlock(&j.mu);
        csv_emit(&j, b, &j.helper_buf, failed);
        pthread_mutex_lock(&j.mu);
        j.helper_full = false;
        pthread_cond_broadcast(&j.cv);
        pthread_mutex_unlock(&j.mu);
    }
    if (helper)
        pthread_join(th, NULL);
    pthread_mutex_destroy(&j.mu);
    pthread_cond_destroy(&j.cv);
    free(own.p);
    free(j.helper_buf.p);
}

void out_milestone_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *m)
{
    char date[TR_DATE_LEN], after[TR_DATE_LEN], what[64], day[32] = "";
    tr_milestone_describe(m, what, sizeof what);
    if (m->day != TR_DAYN_NONE)
        snprintf(day, sizeof day, "day %d", m->day);
    fprintf(f, "%s  %-8s  %-7s  %s  %s", tr_day_format(m->date, date), day,
            tr_subject_type_name(m->subject_type), tr_subject_name(c, m->subject_type, m->subject),
            what);
    if (m->slowest != TR_NONE)
        fprintf(f, " (last: %s)", tr_subject_name(c, TR_SUBJECT_TRACK, m->slowest));
    if (m->baseline)
        fprintf(f, "  [baseline: already past it when first seen]");
    else if (m->open_start)
        fprintf(f, "  [on or before this day: no earlier data]");
    else if (m->after != TR_DAY_NONE)
        fprintf(f, "  [crossed between %s and this day: feed gap]", tr_day_format(m->after, after));
    fputc('\n', f);
}

int out_json_dump(FILE *f, json_t *v)
{
    int rc = json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(v);
    return rc;
}
