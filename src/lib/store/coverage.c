/*
 * coverage.c: the declared coverage rows kept in the store's meta
 * (coverage.h), read for judging claims and merged by the coverage.csv
 * reader.
 */
#include "store/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tr_world_release(struct tr_world_set *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++)
        free((char *)w->rows[i].group.genre);
    free(w->rows);
    memset(w, 0, sizeof *w);
}

static bool same_group(const struct tr_group *a, const struct tr_group *b)
{
    return strncmp(a->country, b->country, 2) == 0 && a->kind == b->kind &&
           a->gender == b->gender && a->release_type == b->release_type &&
           (a->genre == b->genre || (a->genre && b->genre && strcmp(a->genre, b->genre) == 0));
}

/* Appends a copy of row (its genre copied too). */
static int push(struct tr_world_set *w, const struct tr_world_row *row)
{
    struct tr_world_row r = *row;
    struct tr_world_row *p = realloc(w->rows, (w->n + 1) * sizeof *p);
    if (p)
        w->rows = p;
    if (!p || (r.group.genre && !(r.group.genre = strdup(r.group.genre))))
        return TR_ENOMEM;
    w->rows[w->n++] = r;
    return TR_OK;
}

int tr_world_put(struct tr_world_set *w, const struct tr_world_row *row, bool *changed)
{
    for (size_t i = 0; i < w->n; i++)
        if (same_group(&w->rows[i].group, &row->group)) {
            *changed |= w->rows[i].since != row->since;
            w->rows[i].since = row->since;
            return TR_OK;
        }
    *changed = true;
    return push(w, row);
}

/* Splits a kept line into its six fields (in place). */
static int parse_line(char *line, struct tr_world_row *row)
{
    char *f[6];
    int n = 0;
    for (char *p = line; n < 6; n++) {
        f[n] = p;
        char *c = strchr(p, ',');
        if (!c) {
            n++;
            break;
        }
        *c = '\0';
        p = c + 1;
    }
    if (n != 6 || strlen(f[0]) > 2)
        return TR_ESTORE;
    memset(row, 0, sizeof *row);
    memcpy(row->group.country, f[0], strlen(f[0]));
    row->group.genre = *f[3] ? f[3] : NULL;
    row->since = TR_DAY_NONE;
    if (tr_artist_kind_parse(f[1], &row->group.kind) || tr_gender_parse(f[2], &row->group.gender) ||
        tr_release_type_parse(f[4], &row->group.release_type) ||
        (*f[5] && tr_day_parse(f[5], strlen(f[5]), &row->since)))
        return TR_ESTORE;
    return TR_OK;
}

int tr_world_load(struct tr_store *s, struct tr_world_set *out, struct tr_error *err)
{
    char *text = NULL;
    memset(out, 0, sizeof *out);
    int rc = s->be->ops->get_meta(s->be, "coverage", &text, err);
    if (rc || !text)
        return rc;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        struct tr_world_row row;
        if (*p && (rc = parse_line(p, &row)) == TR_OK)
            rc = push(out, &row);
        if (rc) {
            free(text);
            tr_world_release(out);
            return tr_error_set(err, rc == TR_ENOMEM ? TR_ENOMEM : TR_ESTORE,
                                rc == TR_ENOMEM ? "out of memory"
                                                : "store: the kept coverage rows are damaged");
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
    return TR_OK;
}

int tr_world_save(struct tr_store *s, const struct tr_world_set *w, struct tr_error *err)
{
    size_t cap = 1;
    for (size_t i = 0; i < w->n; i++)
        cap += 64 + (w->rows[i].group.genre ? strlen(w->rows[i].group.genre) : 0);
    char *text = malloc(cap), *p = text;
    if (!text)
        return tr_error_set(err, TR_ENOMEM, "out of memory");
    *p = '\0';
    for (size_t i = 0; i < w->n; i++) {
        const struct tr_world_row *r = &w->rows[i];
        char day[TR_DATE_LEN] = "";
        if (r->since != TR_DAY_NONE)
            tr_day_format(r->since, day);
        p += sprintf(p, "%.2s,%s,%s,%s,%s,%s\n", r->group.country,
                     r->group.kind ? tr_artist_kind_name(r->group.kind) : "",
                     r->group.gender ? tr_gender_name(r->group.gender) : "",
                     r->group.genre ? r->group.genre : "",
                     r->group.release_type ? tr_release_type_name(r->group.release_type) : "", day);
    }
    int rc = s->be->ops->set_meta(s->be, "coverage", text, err);
    free(text);
    return rc;
}
