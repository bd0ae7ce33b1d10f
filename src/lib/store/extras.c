/*
 * store/extras.c: the queries of the facts kept beside the play counts
 * (trackrecord/extras.h): sales, award nominations and the release totals
 * a source reports.  The import driver writes them (app/import.c, from what
 * the readers of formats/ hand back); these read them back by catalog
 * index, through the backend's load operations.
 */
#include "store/internal.h"

int tr_store_sales(struct tr_store *s, uint32_t release, struct tr_sale **out, size_t *n,
                   struct tr_error *err)
{
    const char *id = NULL;
    if (release != TR_NONE) {
        const struct tr_catalog *c;
        int rc = tr_store_catalog(s, &c, err);
        if (rc)
            return rc;
        if (!(id = tr_subject_id(c, TR_SUBJECT_RELEASE, release)))
            return tr_error_set(err, TR_ENOTFOUND, "no release with index %u", release);
    }
    return s->be->ops->load_sales(s->be, id, out, n, err);
}

int tr_store_awards(struct tr_store *s, int type, uint32_t index, struct tr_award **out,
                    size_t *n, struct tr_error *err)
{
    const char *id = NULL;
    if (type >= 0) {
        const struct tr_catalog *c;
        int rc = tr_store_catalog(s, &c, err);
        if (rc)
            return rc;
        if (!(id = tr_subject_id(c, type, index)))
            return tr_error_set(err, TR_ENOTFOUND, "no %s with index %u",
                                tr_subject_type_name((enum tr_subject_type)type), index);
    }
    return s->be->ops->load_awards(s->be, type < 0 ? -1 : type, id, out, n, err);
}

int tr_store_release_totals(struct tr_store *s, uint32_t release, struct tr_release_total **out,
                            size_t *n, struct tr_error *err)
{
    const struct tr_catalog *c;
    *out = NULL;
    *n = 0;
    int rc = tr_store_catalog(s, &c, err);
    if (rc)
        return rc;
    if (release >= c->n_releases)
        return tr_error_set(err, TR_ENOTFOUND, "no release with index %u", release);
    return s->be->ops->load_release_totals(s->be, c->releases[release].id, out, n, err);
}
