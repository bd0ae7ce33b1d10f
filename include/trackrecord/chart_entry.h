/*
 * trackrecord/chart_entry.h: one row of a Spotify chart as the store keeps
 * it.  Its own header so that the store's backend can hold chart entries
 * without the chart queries above it (trackrecord/charts.h).
 */
#ifndef TRACKRECORD_CHART_ENTRY_H
#define TRACKRECORD_CHART_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/date.h"

struct tr_chart_entry {
    char chart[16];          /* "daily" or "weekly" */
    char country[16];        /* lower case: "us", "jp", "global" */
    tr_day period;           /* first day of the chart period */
    uint32_t rank;           /* 1-based */
    char track[64];          /* track id */
    uint64_t streams;        /* over the period; 0 when has_streams is false */
    bool has_streams;
};

#endif
