/*
 * forecast/keep.h: the forecasts the daily import keeps (library-private).
 *
 * After an import the forecasts of every subject as of the store's last
 * day, with the calibration they were made with, are kept as one blob
 * (the backend's put_forecasts; beside the SQLite store,
 * STORE-forecasts.N), so that readers (the CLI, the web side) take them
 * without recomputing.  The blob names the day and the catalog's shape and
 * ladder it was made for; one that does not fit reads as none.
 */
#ifndef TR_FORECAST_KEEP_H
#define TR_FORECAST_KEEP_H

#include "forecast/forecast.h"
#include "store/backend.h"

struct tr_store;

struct fc_kept {
    struct fc_calibs cal;
    const uint8_t *rec;          /* n records (keep.c), by subject type, then subject,
                                  * each loaded (view.load) before it is read */
    size_t n;
    uint64_t first[4];           /* each subject type's first record; first[3] = n */
    tr_day as_of;
    const struct tr_catalog *catalog;   /* what the records were checked against */
    struct tr_blob_view view;    /* the blob rec points into */
};

/* Reads the kept forecasts made as of day T for the store's catalog and
 * ladder: 0, -1 when none fit (k untouched), or the store's error when
 * the kept ones are damaged. */
int fc_kept_read(struct tr_store *s, tr_day T, struct fc_kept *k, struct tr_error *err);
void fc_kept_release(struct fc_kept *k);
/* The calibration kept with the last forecasts, whatever they were made
 * for: 0, or -1 when none. */
int fc_kept_calibs(struct tr_store *s, struct fc_calibs *out);
/* Those of k that q asks for, as tr_store_forecasts gives them: 0, -1
 * when a record read does not fit the catalog (out untouched: compute
 * them), TR_ENOMEM, or the store's error when a block read is damaged.
 * One subject's records alone are read (and the few its search meets). */
int fc_kept_select(struct fc_kept *k, const struct tr_forecast_query *q,
                   struct tr_forecast_set *out, struct tr_error *err);

/* Computes every subject's forecast as of the store's last day and keeps
 * them (inside the import's write transaction, catalog loaded). */
int tr_store_keep_forecasts(struct tr_store *s, struct tr_error *err);

#endif
