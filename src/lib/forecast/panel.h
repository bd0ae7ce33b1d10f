/*
 * forecast/panel.h: whole histories of a sample of subjects, cut at past
 * days (library-private): what the calibration and the backtest measure
 * the model on.
 *
 * A panel follows every recording of some groups of series (all of a
 * small store, an even sample of a large one), and the releases and
 * artists all of whose recordings are among them.  It may follow besides
 * an even sample of artists through all their recordings, wherever they
 * lie: those recordings count for the artists' totals alone (an artist's
 * releases are spread over the whole store, so few lie within a sample
 * of groups).  fc_panel_cut gives, as
 * of a day c, each followed subject's count and fit, as a forecast as of
 * c would (fc_series_stats on the same window, the same sums).
 */
#ifndef TR_FORECAST_PANEL_H
#define TR_FORECAST_PANEL_H

#include "forecast/forecast.h"

struct fc_panel {
    const struct tr_catalog *c;
    struct tr_engine_prep_view pv;
    tr_day first, last;
    uint32_t n_groups;
    uint32_t *groups;
    struct fc_group_history *h;  /* per followed group */
    int32_t *series_group;       /* by series: index into groups, or -1 */
    struct fc_group_history x;   /* the sampled artists' other recordings, one
                                  * row each (x.n rows) */
    int32_t *series_row;         /* by series: its row in x, or -1 */
    uint32_t n_totals;           /* the releases and artists followed */
    uint32_t n_group_totals;     /* of which the first n_group_totals are those
                                  * whose recordings all lie in the groups */
    uint32_t *totals;            /* their total ids (release r, artist nr + a) */
    uint32_t *tot_off, *tot_series;  /* each one's recordings (CSR) */
    int32_t *tot_pos;            /* by total id: its position in totals, or -1 */
    uint32_t *series;            /* the followed recordings: the groups' first */
    uint32_t n_series;
    uint32_t n_group_series;     /* the groups' recordings (series[0 .. n)) */
};

/* Reads the histories up to last of at most max_groups groups, and of
 * every recording of an even sample of at most max_artists artists. */
int fc_panel_load(struct tr_backend *be, const struct tr_catalog *c,
                  const struct tr_engine_prep_view *pv, tr_day first, tr_day last,
                  uint32_t max_groups, uint32_t max_artists, struct fc_panel *p,
                  struct tr_error *err);
void fc_panel_release(struct fc_panel *p);
/* The artists a panel of at most max_groups groups samples: as large a
 * share of the store's as the groups are of its groups. */
uint32_t fc_sampled_artists(const struct tr_catalog *c, uint32_t max_groups);

/* Series s's count on day d (0 before the panel's first day). */
uint64_t fc_panel_value(const struct fc_panel *p, uint32_t s, tr_day d);
/* A followed total's count on day d: the sum of its recordings'. */
uint64_t fc_panel_total_value(const struct fc_panel *p, uint32_t i, tr_day d);

/* As of day c: each followed series' fit, recent gain (by position in
 * p->series) and each followed total's (by position in p->totals). */
struct fc_cut {
    struct fc_fit *fit, *tot_fit;
    float *recent, *tot_recent;
    struct fc_stats *tot_st;     /* scratch */
};
int fc_cut_alloc(const struct fc_panel *p, struct fc_cut *cut);
void fc_cut_release(struct fc_cut *cut);
void fc_panel_cut(const struct fc_panel *p, tr_day c, struct fc_cut *cut);

/* The calibration kind of a total id. */
int fc_total_cal(const struct fc_panel *p, uint32_t t);

#endif
