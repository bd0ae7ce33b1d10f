/*
 * app/repair.c: rebuilding a store's caches from its tables
 * (trackrecord/check.h: tr_store_repair).
 *
 * Every cache is made again as an import that changed the catalog would
 * make it, whether it was damaged or not: one write transaction, so that
 * readers see the old caches or the new ones, and a failure (a damaged
 * chunk the scan meets) leaves the store as it was.
 */
#include "trackrecord/check.h"
#include "store/internal.h"
#include "forecast/keep.h"
#include "milestones/engine.h"
#include "app/refresh.h"

#include <stdlib.h>

static int rebuild(struct tr_store *s, struct tr_engine_prep **prep, struct tr_refresh *fresh,
                   struct tr_error *err)
{
    struct tr_backend *be = s->be;
    size_t tails;
    int rc = tr_store_load_catalog(s, err);
    if (!rc)
        rc = tr_store_rebuild_tails(s, &tails, err);
    /* the catalog snapshot is written with every save of the catalog */
    if (!rc)
        rc = be->ops->save_catalog(be, s->catalog, err);
    if (!rc && tr_engine_prepare(s->catalog, prep))
        rc = tr_error_set(err, TR_ENOMEM, "out of memory");
    if (!rc)
        rc = tr_engine_prep_keep(s, *prep, err);
    /* the milestone events, their log and the checkpoint: a scan of every day */
    if (!rc)
        rc = tr_refresh_milestones(s, TR_DAY_NONE, *prep, fresh, err);
    if (!rc)
        rc = tr_chart_milestones_refresh(s, err);
    if (!rc)
        rc = tr_store_drop_claims(s, err);
    if (!rc)
        rc = tr_store_keep_forecasts(s, err);
    return rc;
}

int tr_store_repair(struct tr_store *s, struct tr_error *err)
{
    struct tr_backend *be = s->be;
    struct tr_engine_prep *prep = NULL;
    struct tr_refresh fresh = {0};
    int rc = be->ops->begin(be, true, err);
    if (rc)
        return rc;
    rc = rebuild(s, &prep, &fresh, err);
    if (!rc)
        rc = be->ops->commit(be, err);
    if (rc) {
        be->ops->rollback(be);
        tr_store_forget(s);
    }
    /* the checkpoint may be written from the state until the commit */
    free(fresh.state);
    tr_engine_prep_free(prep);
    return rc;
}
