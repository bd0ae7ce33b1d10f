/*
 * chart_starts.c: the first period of each Spotify chart, as far as public
 * sources say (docs/records.md, "The first periods of Spotify's charts").
 *
 * A chart's claims are about all of its history only when the imported
 * periods begin at the chart's own first one; otherwise they hold since
 * the first period imported.  The dates are those of spotifycharts.com's
 * Top 200 archive, whose weekly files began with the week of 2016-12-23 to
 * 2016-12-30 and daily files with 2017-01-01, for the Global and US
 * charts.  A country whose first period no public source gave us is
 * unknown: its claims always say since when their data begin.
 */
#include "trackrecord/charts.h"

#include <string.h>

static const struct {
    const char *chart, *country;
    int y, m, d;
} starts[] = {
    {"weekly", "global", 2016, 12, 23},
    {"weekly", "us", 2016, 12, 23},
    {"daily", "global", 2017, 1, 1},
    {"daily", "us", 2017, 1, 1},
};

tr_day tr_chart_start(const char *chart, const char *country)
{
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
        if (strcmp(starts[i].chart, chart) == 0 && strcmp(starts[i].country, country) == 0)
            return tr_day_from_ymd(starts[i].y, starts[i].m, starts[i].d);
    return TR_DAY_NONE;
}

bool tr_chart_from_start(const char *chart, const char *country, tr_day first)
{
    tr_day start = tr_chart_start(chart, country);
    if (start == TR_DAY_NONE || first == TR_DAY_NONE)
        return false;
    /* a week is named by its first day (spotifycharts) or its last
     * (charts.spotify.com): the chart's first week either way */
    int slack = strcmp(chart, "weekly") == 0 ? 6 : 0;
    return first <= start + slack;
}
