/*
 * forecast.c: a forecast as trackrecord publishes it (trackrecord/publish.h):
 * the post text and the JSON object, shared by `forecast`, `show`, the API
 * and the pages.
 */
#include "trackrecord/publish.h"

#include <stdio.h>
#include <string.h>

static void day_text(tr_day d, char buf[TR_DATE_LEN])
{
    if (d == TR_DAY_NONE)
        strcpy(buf, "-");
    else
        tr_day_format(d, buf);
}

/* A count as a post rounds it: "1.27M", "177K", "12.4B", "950". */
static void approx(double v, char *buf, size_t size)
{
    static const struct { double unit; const char *suffix; } units[] = {
        {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (v >= units[i].unit) {
            double x = v / units[i].unit;
            int n = snprintf(buf, size, x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x);
            /* "4.00" -> "4", "1.50" -> "1.5" */
            while (n > 1 && strchr(buf, '.') && (buf[n - 1] == '0' || buf[n - 1] == '.'))
                buf[--n] = '\0';
            snprintf(buf + n, size - (size_t)n, "%s", units[i].suffix);
            return;
        }
    snprintf(buf, size, "%.0f", v);
}

void tr_forecast_post(const struct tr_catalog *c, const struct tr_forecast *f, char *buf, size_t size)
{
    char th[32], rem[32], daily[32], eta[TR_DATE_LEN], lo[TR_DATE_LEN], hi[TR_DATE_LEN];
    const char *name = tr_subject_name(c, f->subject_type, f->subject);
    tr_count_format(f->threshold, th, sizeof th);
    approx((double)f->remaining, rem, sizeof rem);
    approx(f->daily, daily, sizeof daily);
    day_text(f->eta, eta);
    day_text(f->eta_low, lo);
    day_text(f->eta_high, hi);
    char who[512];
    switch (f->kind) {
    case TR_MS_EVERY_TRACK: snprintf(who, sizeof who, "Every track on %s", name); break;
    case TR_MS_RELEASE_TOTAL: snprintf(who, sizeof who, "%s (album total)", name); break;
    case TR_MS_ARTIST_TOTAL: snprintf(who, sizeof who, "%s (artist total)", name); break;
    default: snprintf(who, sizeof who, "%s", name); break;
    }
    int n;
    if (f->eta == TR_DAY_NONE)
        n = snprintf(buf, size, "%s needs %s more to pass %s: not expected within three years at %s a day",
                     who, rem, th, daily);
    else if (f->eta_high == TR_DAY_NONE)
        n = snprintf(buf, size, "%s expected to pass %s around %s, not before %s (%s to go, %s a day)",
                     who, th, eta, lo, rem, daily);
    else if (f->eta_low == f->eta && f->eta_high == f->eta)   /* an interval of one day */
        n = snprintf(buf, size, "%s expected to pass %s on %s (%s to go, %s a day)",
                     who, th, eta, rem, daily);
    else
        n = snprintf(buf, size, "%s expected to pass %s around %s, between %s and %s (%s to go, %s a day)",
                     who, th, eta, lo, hi, rem, daily);
    if (f->kind == TR_MS_EVERY_TRACK && f->slowest != TR_NONE && n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, "; last: %s",
                      tr_subject_name(c, TR_SUBJECT_TRACK, f->slowest));
    if (f->method == TR_FC_SIMPLE && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " [simple: short series]");
}

static json_t *day_or_null(tr_day d)
{
    char date[TR_DATE_LEN];
    return d == TR_DAY_NONE ? json_null() : json_string(tr_day_format(d, date));
}

json_t *tr_json_forecast(const struct tr_catalog *c, const struct tr_forecast *f, tr_day as_of)
{
    char d[TR_DATE_LEN], post[TR_FORECAST_POST_SIZE];
    json_t *o = json_object();
    json_object_set_new(o, "subject", json_string(tr_subject_id(c, f->subject_type, f->subject)));
    json_object_set_new(o, "subject_type", json_string(tr_subject_type_name(f->subject_type)));
    json_object_set_new(o, "name", json_string(tr_subject_name(c, f->subject_type, f->subject)));
    json_object_set_new(o, "kind", json_string(tr_milestone_kind_name(f->kind)));
    json_object_set_new(o, "threshold", json_integer((json_int_t)f->threshold));
    json_object_set_new(o, "value", json_integer((json_int_t)f->value));
    json_object_set_new(o, "remaining", json_integer((json_int_t)f->remaining));
    json_object_set_new(o, "daily", json_integer((json_int_t)(f->daily + 0.5)));
    json_object_set_new(o, "eta", day_or_null(f->eta));
    json_object_set_new(o, "eta_low", day_or_null(f->eta_low));
    json_object_set_new(o, "eta_high", day_or_null(f->eta_high));
    json_object_set_new(o, "days", f->eta == TR_DAY_NONE ? json_null() : json_integer(f->eta - as_of));
    json_object_set_new(o, "slowest", f->slowest == TR_NONE ? json_null()
                                      : json_string(tr_subject_id(c, TR_SUBJECT_TRACK, f->slowest)));
    json_object_set_new(o, "method", json_string(tr_forecast_method_name(f->method)));
    json_object_set_new(o, "as_of", json_string(tr_day_format(as_of, d)));
    tr_forecast_post(c, f, post, sizeof post);
    json_object_set_new(o, "post", json_string(post));
    return o;
}

json_t *tr_json_forecasts(const struct tr_catalog *c, const struct tr_forecast_set *fs)
{
    json_t *a = json_array();
    for (size_t i = 0; i < fs->n; i++)
        json_array_append_new(a, tr_json_forecast(c, &fs->f[i], fs->as_of));
    return a;
}
