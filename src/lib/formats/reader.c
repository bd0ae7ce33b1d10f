/*
 * formats/reader.c: what every reader shares (importer.h): resolving tracks
 * and adding observations, the CSV steps every reader repeats (header and
 * required columns, rows checked and counted, trimmed fields), catalog
 * edits that mark an entity only when its value changes, and the facts a
 * reader hands back to the driver.  Nothing here reaches the store: the
 * observations go into the import's batch, the facts into x->facts.
 */
#include "formats/importer.h"
#include "base/idmap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t tr_split_list(char *buf, char **items, uint32_t max)
{
    uint32_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        size_t len = strlen(tok);
        while (len && tok[len - 1] == ' ')
            tok[--len] = '\0';
        if (len && n < max)
            items[n++] = tok;
    }
    return n;
}

int tr_import_csv_open(struct tr_csv *r, struct tr_input *in, const char *const *names, int n,
                       int n_required, int *col, struct tr_error *err)
{
    tr_csv_init(r, in->base, in->data, in->len);
    int rc = tr_csv_header(r, err);
    for (int i = 0; !rc && i < n; i++)
        if ((col[i] = tr_csv_column(r, names[i])) < 0 && i < n_required)
            rc = tr_error_set(err, TR_EFORMAT, "%s:1: header: missing column '%s'", in->base, names[i]);
    return rc;
}

int tr_import_csv_row(struct tr_import_ctx *x, struct tr_csv *r, struct tr_error *err)
{
    int rc = tr_csv_next(r, err);
    if (rc)
        return -rc;
    if (r->n_fields == 0)
        return 0;
    if ((rc = tr_csv_expect_fields(r, tr_csv_header_count(r), err)))
        return -rc;
    if (x)
        x->file->rows++;
    return 1;
}

size_t tr_import_field(const struct tr_csv *r, int col, char *buf, size_t size)
{
    buf[0] = '\0';
    if (col < 0 || (size_t)col >= r->n_fields)
        return 0;
    const char *s = r->fields[col].s;
    size_t len = r->fields[col].len;
    while (len && *s == ' ')
        s++, len--;
    while (len && s[len - 1] == ' ')
        len--;
    size_t copy = len < size ? len : size - 1;
    memcpy(buf, s, copy);
    buf[copy] = '\0';
    return len;
}

int tr_import_set_str(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, char **f,
                      const char *v)
{
    if (strcmp(*f ? *f : "", v ? v : "") == 0)
        return 0;
    tr_catalog_mark(x->catalog, t, i);
    return tr_catalog_set_str(x->catalog, f, v);
}

int tr_import_set_list(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, uint32_t **f,
                       uint32_t *nf, const uint32_t *v, uint32_t n)
{
    if (*nf == n && (n == 0 || memcmp(*f, v, n * sizeof *v) == 0))
        return 0;
    tr_catalog_mark(x->catalog, t, i);
    return tr_catalog_set_list(x->catalog, f, nf, v, n);
}

int tr_import_track_lists(struct tr_import_ctx *x, const struct tr_import_place *v, size_t n,
                          struct tr_error *err)
{
    uint32_t *list = n ? malloc(n * sizeof *list) : NULL;
    if (n && !list)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i;
        uint32_t k = 0;
        for (; j < n && v[j].release == v[i].release; j++) {
            bool seen = false;
            for (uint32_t q = 0; q < k && !seen; q++)
                seen = list[q] == v[j].track;
            if (!seen)
                list[k++] = v[j].track;
        }
        struct tr_release *re = &x->catalog->releases[v[i].release];
        if (tr_import_set_list(x, TR_SUBJECT_RELEASE, v[i].release, &re->tracks, &re->n_tracks, list, k))
            rc = tr_error_set(err, TR_ENOMEM, "out of memory");
        i = j;
    }
    free(list);
    return rc;
}

int tr_import_artist_by_name(struct tr_catalog *c, const char *name, uint32_t *idx)
{
    char id[256];
    size_t k = 0;
    bool dash = false;
    for (const unsigned char *p = (const unsigned char *)name; *p && k < sizeof id - 2; p++) {
        if (isalnum(*p) || *p >= 0x80) {
            id[k++] = (char)tolower(*p);
            dash = false;
        } else if (k && !dash) {
            id[k++] = '-';
            dash = true;
        }
    }
    while (k && id[k - 1] == '-')
        k--;
    id[k] = '\0';
    if (!k)
        return -1;
    bool created;
    int rc = tr_catalog_add_artist(c, id, idx, &created);
    if (!rc && created)
        rc = tr_catalog_set_str(c, &c->artists[*idx].name, name);
    return rc;
}

int tr_import_track(struct tr_import_ctx *x, const char *id, size_t len, const char *title,
                    size_t line, const char *field, uint32_t *track, struct tr_error *err)
{
    uint32_t t = tr_idmap_get(x->catalog->track_ids, id, len);
    if (t != TR_NONE) {
        *track = t;
        return 0;
    }
    if (len == 0)
        return tr_error_set(err, TR_EFORMAT, "%s:%zu: %s: empty track id", x->input->base, line, field);
    if (!x->opt->add_tracks)
        return tr_error_set(err, TR_EUNKNOWN,
                            "%s:%zu: %s: unknown track '%.*s' (import its catalog first, or use --add-tracks)",
                            x->input->base, line, field, (int)len, id);
    char *copy = strndup(id, len);
    if (!copy)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = tr_catalog_add_track(x->catalog, copy, TR_NONE, &t, NULL);
    if (!rc && title)
        rc = tr_catalog_set_str(x->catalog, &x->catalog->tracks[t].title, title);
    free(copy);
    if (rc)
        return tr_error_set(err, rc, "out of memory");
    /* a new track is its own recording */
    x->catalog->tracks[t].series = x->catalog->tracks[t].own_series;
    x->tracks_added++;
    *track = t;
    return 0;
}

int tr_import_observe(struct tr_import_ctx *x, uint32_t track, tr_day day, uint64_t value,
                      size_t line, size_t first_line, struct tr_error *err)
{
    uint64_t old = 0;
    int r = tr_obs_batch_settle(x->batch, x->catalog->tracks[track].series, day, value,
                                x->opt->on_duplicate, &old);
    if (r < 0)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    x->file->rows++;
    if (r == TR_OBS_CONFLICT) {
        char date[TR_DATE_LEN], where[48] = "an earlier line";
        if (first_line)
            snprintf(where, sizeof where, "line %zu", first_line);
        return tr_error_set(err, TR_ECONFLICT,
                            "%s:%zu: streams: %llu for track '%s' on %s conflicts with %llu on %s"
                            " (use --on-duplicate max|last|first to settle it)",
                            x->input->base, line, (unsigned long long)value,
                            x->catalog->tracks[track].id, tr_day_format(day, date),
                            (unsigned long long)old, where);
    }
    if (r)
        x->file->refused++;
    else
        x->file->taken++;
    return 0;
}

tr_day tr_import_name_day(const char *base)
{
    size_t n = strlen(base);
    for (size_t i = 0; i + 10 <= n; i++) {
        bool ok = true;
        for (int k = 0; k < 10 && ok; k++)
            ok = k == 4 || k == 7 ? base[i + k] == '-' : (base[i + k] >= '0' && base[i + k] <= '9');
        tr_day d;
        if (ok && tr_day_parse(base + i, 10, &d) == 0)
            return d;
    }
    return TR_DAY_NONE;
}

void tr_import_progress(struct tr_import_ctx *x, size_t pos)
{
    if (x->opt->progress)
        x->opt->progress(x->opt->progress_ctx, x->bytes_done + pos, x->bytes_total);
}

/* ---- facts handed back ------------------------------------------------ */

/* Appends a copy of item (size bytes) to the array *v of *n elements, *cap
 * of room: 0, or TR_ENOMEM as "out of memory" (also when the size would
 * overflow). */
static int push(void **v, size_t *n, size_t *cap, size_t size, const void *item,
                struct tr_error *err)
{
    if (*n == *cap) {
        size_t want = *cap ? *cap * 2 : 64;
        void *p = want <= SIZE_MAX / size ? realloc(*v, want * size) : NULL;
        if (!p)
            return tr_error_set(err, TR_ENOMEM, "out of memory");
        *v = p;
        *cap = want;
    }
    memcpy((char *)*v + *n * size, item, size);
    (*n)++;
    return 0;
}

int tr_import_add_sale(struct tr_import_ctx *x, const struct tr_sale *s, struct tr_error *err)
{
    struct tr_import_facts *f = &x->facts;
    return push((void **)&f->sales, &f->n_sales, &f->cap_sales, sizeof *s, s, err);
}

int tr_import_add_award(struct tr_import_ctx *x, const struct tr_award *a, struct tr_error *err)
{
    struct tr_import_facts *f = &x->facts;
    return push((void **)&f->awards, &f->n_awards, &f->cap_awards, sizeof *a, a, err);
}

int tr_import_add_release_total(struct tr_import_ctx *x, uint32_t release,
                                const struct tr_release_total *t, struct tr_error *err)
{
    struct tr_import_facts *f = &x->facts;
    struct tr_import_release_total r = {release, *t};
    return push((void **)&f->totals, &f->n_totals, &f->cap_totals, sizeof r, &r, err);
}

int tr_import_add_coverage(struct tr_import_ctx *x, const struct tr_world_row *row,
                           struct tr_error *err)
{
    struct tr_import_facts *f = &x->facts;
    struct tr_world_row r = *row;
    if (r.group.genre && !(r.group.genre = strdup(r.group.genre)))
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    int rc = push((void **)&f->coverage, &f->n_coverage, &f->cap_coverage, sizeof r, &r, err);
    if (rc)
        free((char *)r.group.genre);
    return rc;
}

void tr_import_facts_release(struct tr_import_facts *f)
{
    free(f->sales);
    free(f->awards);
    free(f->totals);
    free(f->entries);
    for (size_t i = 0; i < f->n_coverage; i++)
        free((char *)f->coverage[i].group.genre);
    free(f->coverage);
    memset(f, 0, sizeof *f);
}
