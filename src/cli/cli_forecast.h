/* cli_forecast.h: forecasts as posts and JSON (cmd_forecast.c), shared
 * with `show`. */
#ifndef TR_CLI_FORECAST_H
#define TR_CLI_FORECAST_H

#include <jansson.h>
#include "cli.h"
#include "trackrecord/forecast.h"

/* "Layover (album total) expected to pass 1.6B around 2024-06-24, between
 * 2024-06-20 and 2024-06-30 (41M to go, 1.2M a day)" */
void cli_forecast_post(const struct tr_catalog *c, const struct tr_forecast *f, tr_day as_of,
                       char *buf, size_t size);
/* The object `forecast --json` prints for f. */
json_t *cli_forecast_json(const struct tr_catalog *c, const struct tr_forecast *f, tr_day as_of);

#endif
