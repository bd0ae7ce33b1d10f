/*
 * model.c: the model of daily gains (model.h says what; docs/forecasts.md
 * why).  Pure functions: no allocation, no state.
 */
#include "forecast/model.h"

#include <math.h>
#include <string.h>

#include "trackrecord/forecast.h"

const int32_t fc_horizons[FC_NH] = {1, 3, 7, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 730, 1096};
const double fc_probs[FC_NQ] = {0.02, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.98};

/* ---- stats of one series ---------------------------------------------- */

/* The day's gain, or how a day is to be read. */
enum { DAY_NONE, DAY_GAIN, DAY_HELD };

/* Daily gains of the window's days 1..FC_WINDOW (g[i], ok[i] when
 * usable); returns the day of the series' start inside the window (its
 * first count, not a gain), 0 when it started before. */
static int window_gains(const uint64_t *value, const uint8_t *present, float *g, uint8_t *ok,
                        double *recent)
{
    bool started = value[0] > 0;
    int start = 0, pending = 0, moves_after = 0;
    for (int j = FC_WINDOW; j >= 1 && !moves_after; j--)
        if (present[j] && value[j] > value[j - 1])
            moves_after = j;        /* the last day a count moved */
    *recent = 0;
    for (int i = 1; i <= FC_WINDOW; i++) {
        g[i] = 0;
        ok[i] = 0;
        if (!present[i]) {
            pending += started;
            continue;
        }
        if (!started) {
            if (value[i] > 0) {
                started = true;
                start = i;
            }
            continue;
        }
        int64_t d = (int64_t)(value[i] - value[i - 1]);
        if (i > FC_WINDOW - 7)
            *recent += (double)d;
        if (d < 0) {                 /* a correction: the day tells nothing */
            pending = 0;
            continue;
        }
        if (d == 0 && i < moves_after) {   /* stale when a later count moves */
            pending++;
            continue;
        }
        /* a gain over the days since the last usable one */
        float each = (float)((double)d / (pending + 1));
        for (int j = i - pending; j <= i; j++) {
            g[j] = each;
            ok[j] = 1;
        }
        pending = 0;
    }
    *recent /= 7;
    return start;
}

/* Whether the last week's daily gains repeat the week before's day for
 * day, to the stream: a feed held at a level (one that spreads each
 * published figure's gain evenly, with a weekly rhythm, over the days
 * before it), not listening.  Listening's days do not repeat so: at
 * FC_HELD_MIN a day and more their own noise is tens of streams, and
 * seven days alike by chance would not come in a lifetime of cuts. */
#define FC_HELD_MIN 100.0f
static bool held_level(const float *g, const uint8_t *ok)
{
    for (int i = FC_WINDOW - 6; i <= FC_WINDOW; i++)
        if (!ok[i] || !ok[i - 7] || g[i] < FC_HELD_MIN || fabsf(g[i] - g[i - 7]) > 1)
            return false;
    return true;
}

/* The k-th smallest of v[0..n) (0-based), which it reorders: Hoare's
 * selection, linear on average (the fits take many medians of up to 28). */
static float kth(float *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* Sorts 8 values without branches (a 19-comparator network, unrolled so
 * the values stay in registers): most of the medians the fits take are
 * of 8 weeks, and a sort's branches on such data are guesses lost. */
#define CMP_SWAP(a, b)                                                       \
    do {                                                                     \
        float x_ = v[a], y_ = v[b];                                          \
        v[a] = y_ < x_ ? y_ : x_;   /* minss, maxss */                       \
        v[b] = y_ < x_ ? x_ : y_;                                            \
    } while (0)
static void sort8(float *v)
{
    CMP_SWAP(0, 2); CMP_SWAP(1, 3); CMP_SWAP(4, 6); CMP_SWAP(5, 7); CMP_SWAP(0, 4);
    CMP_SWAP(1, 5); CMP_SWAP(2, 6); CMP_SWAP(3, 7); CMP_SWAP(0, 1); CMP_SWAP(2, 3);
    CMP_SWAP(4, 5); CMP_SWAP(6, 7); CMP_SWAP(2, 4); CMP_SWAP(3, 5); CMP_SWAP(1, 4);
    CMP_SWAP(3, 6); CMP_SWAP(1, 2); CMP_SWAP(3, 4); CMP_SWAP(5, 6);
}
#undef CMP_SWAP

/* The median of the 28 slopes of 8 weeks (Theil-Sen's usual case) by
 * ranks: each value's rank counted without branches (ties ranked by
 * position), which the compiler vectorizes; twice as fast here as a
 * selection, whose branches on 28 values are guesses lost too. */
static float median28(const float *v)
{
    float lower = 0, upper = 0;
    for (int i = 0; i < 28; i++) {
        int rank = 0;
        for (int j = 0; j < 28; j++)
            rank += (v[j] < v[i]) | ((v[j] == v[i]) & (j < i));
        lower = rank == 13 ? v[i] : lower;
        upper = rank == 14 ? v[i] : upper;
    }
    return (lower + upper) / 2;
}

/* Median of n (>= 1) values, which it reorders. */
static float median(float *v, int n)
{
    if (n == 8) {
        sort8(v);
        return (v[3] + v[4]) / 2;
    }
    if (n == 28)
        return median28(v);
    float upper = kth(v, n, n / 2);
    if (n % 2)
        return upper;
    float lower = v[0];              /* the largest of the lower half */
    for (int i = 1; i < n / 2; i++)
        lower = v[i] > lower ? v[i] : lower;
    return (lower + upper) / 2;
}

void fc_series_stats(const uint64_t *value, const uint8_t *present, tr_day as_of,
                     struct fc_stats *out)
{
    float g[FC_WINDOW + 1];
    uint8_t ok[FC_WINDOW + 1];
    double recent;
    memset(out, 0, sizeof *out);
    if (value[FC_WINDOW] == 0)
        return;                      /* no data yet: not a member */
    int start = window_gains(value, present, g, ok, &recent);
    out->members = 1;
    out->held = held_level(g, ok);
    out->recent = (float)recent;
    /* each week's mean of usable days, when it has at least three */
    bool have[FC_WEEKS];
    int n_have = 0;
    for (int k = 0; k < FC_WEEKS; k++) {
        double sum = 0;
        int n = 0;
        for (int i = 1 + 7 * k; i <= 7 + 7 * k; i++)
            if (ok[i]) {
                sum += g[i];
                n++;
            }
        have[k] = n >= 3;
        out->rate[k] = have[k] ? (float)(sum / n) : 0;
        out->usable[k] = have[k];
        n_have += have[k];
    }
    /* weeks after the start without usable days take their neighbours' */
    for (int k = 0; k < FC_WEEKS && n_have; k++) {
        if (have[k] || 7 + 7 * k <= start)
            continue;
        int lo = k - 1, hi = k + 1;
        while (lo >= 0 && !have[lo])
            lo--;
        while (hi < FC_WEEKS && !have[hi])
            hi++;
        out->rate[k] = lo >= 0 && hi < FC_WEEKS ? (out->rate[lo] + out->rate[hi]) / 2
                     : lo >= 0 ? out->rate[lo] : out->rate[hi];
    }
    /* the last (up to 7) usable daily gains: the simple method */
    double s = 0;
    int n = 0;
    for (int i = FC_WINDOW; i >= 1 && n < 7; i--)
        if (ok[i]) {
            s += g[i];
            n++;
        }
    out->simple = n ? (float)(s / n) : 0;
    /* weekday factors: each weekday's median ratio to its week's mean,
     * for a series with enough streams for them to mean anything */
    float f[7];
    double window_sum = 0;
    for (int i = 1; i <= FC_WINDOW; i++)
        window_sum += ok[i] ? g[i] : 0;
    for (int w = 0; w < 7; w++)
        f[w] = 1;
    if (window_sum >= 5000) {
        double fsum = 0;
        int fn = 0;
        for (int w = 0; w < 7; w++) {
            float r[FC_WEEKS];
            int nr = 0;
            for (int k = 0; k < FC_WEEKS; k++) {
                int i = 1 + 7 * k + ((w - fc_weekday(as_of - FC_WINDOW + 1 + 7 * k)) % 7 + 7) % 7;
                if (have[k] && ok[i] && out->rate[k] > 0)
                    r[nr++] = g[i] / out->rate[k];
            }
            if (nr >= 2) {
                f[w] = median(r, nr);
                f[w] = f[w] < 0.4f ? 0.4f : f[w] > 2.5f ? 2.5f : f[w];
                fsum += f[w];
                fn++;
            }
        }
        /* the weekdays measured keep their mean at 1 */
        for (int w = 0; w < 7 && fn; w++)
            f[w] = (float)(f[w] * fn / fsum);
    }
    for (int w = 0; w < 7; w++)
        out->day[w] = out->rate[FC_WEEKS - 1] * f[w];
}

void fc_stats_add(struct fc_stats *a, const struct fc_stats *b)
{
    for (int k = 0; k < FC_WEEKS; k++) {
        a->rate[k] += b->rate[k];
        a->usable[k] = (uint16_t)(a->usable[k] + b->usable[k]);
    }
    for (int w = 0; w < 7; w++)
        a->day[w] += b->day[w];
    a->recent += b->recent;
    a->simple += b->simple;
    a->members = (uint16_t)(a->members + b->members);
    a->held = (uint16_t)(a->held + b->held);
    a->fits.flat += b->fits.flat;
    a->fits.excess += b->fits.excess;
    a->fits.fall += b->fits.fall;
    a->fits.scale_w += b->fits.scale_w;
    a->fits.excess_abs += b->fits.excess_abs;
    a->fits.simple += b->fits.simple;
}

/* ---- the fit ------------------------------------------------------------ */

/* The least share of its gain now a falling subject settles on (plays
 * do not stop), and the share a release too young for a trend is taken
 * to keep. */
#define FC_FLOOR 0.35
#define FC_YOUNG_FLOOR 0.5

/* A slope counts as a trend when it is this many of its standard errors
 * from flat. */
#define FC_TREND_SE 3.0

/* The gain of a level series: the mean of its weeks since the last shift
 * of level (a comeback, a step of the feed), which the weeks' own
 * week-to-week noise tells from noise.  x, y: the usable weeks' indices
 * (oldest first, the last 0) and log rates. */
static double level_since_shift(const float *x, const float *y, int n, const float *rate)
{
    float d[FC_WEEKS];
    for (int i = 1; i < n; i++)
        d[i - 1] = fabsf(y[i] - y[i - 1]);
    double noise = n > 2 ? 1.4826 * median(d, n - 1) / sqrt(2) : 0;
    double limit = 4 * noise > 0.03 ? 4 * noise : 0.03;
    double sum = 0, logs = 0;
    int k = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (k && fabs(y[i] - logs / k) > limit)
            break;
        logs += y[i];
        sum += rate[(int)x[i] + FC_WEEKS - 1];
        k++;
    }
    return sum / k;
}

/* Whether two levels (a step between two weeks) fit the log rates more
 * closely than the line y = a + b x: a feed whose gain moved once is
 * level on either side, not trending. */
static bool step_fits_better(const float *x, const float *y, int n, double b, double a)
{
    double line = 0;
    for (int i = 0; i < n; i++)
        line += (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
    for (int cut = 1; cut < n; cut++) {
        double m1 = 0, m2 = 0, sse = 0;
        for (int i = 0; i < n; i++)
            *(i < cut ? &m1 : &m2) += y[i];
        m1 /= cut;
        m2 /= n - cut;
        for (int i = 0; i < n; i++)
            sse += (y[i] - (i < cut ? m1 : m2)) * (y[i] - (i < cut ? m1 : m2));
        if (sse < line)
            return true;
    }
    return false;
}

/* The excess over the floor decays as (1 + d / (age + FC_AGE0))^-FC_DECAY
 * at least (a faster fall now takes a larger exponent). */
#define FC_DECAY 1.5
#define FC_AGE0 7

/* The weekday factors of a subject's weekday profile: each weekday's
 * share of the profile's mean (all 1 for a profile without gains). */
static void weekday_factors(const struct fc_stats *st, struct fc_fit *out)
{
    double mean = 0;
    for (int w = 0; w < 7; w++)
        mean += st->day[w];
    mean /= 7;
    if (mean > 0)
        for (int w = 0; w < 7; w++)
            out->f[w] = (float)(st->day[w] / mean);
}

/* The curve of fc_fit before its mix with the recent level. */
static void fit_curve(const struct fc_stats *st, int32_t age, struct fc_fit *out)
{
    memset(out, 0, sizeof *out);
    for (int w = 0; w < 7; w++)
        out->f[w] = 1;
    out->scale = 365;
    out->beta = FC_DECAY;
    out->method = TR_FC_SIMPLE;
    if (!st->members)
        return;
    /* the weeks on which every member had usable days, after the release
     * week (its first-days peak is not the decay's) */
    bool known = age != INT32_MIN && age >= 0;
    double t = known ? age : 365;
    float x[FC_WEEKS], y[FC_WEEKS];
    int n = 0;
    for (int k = 0; k < FC_WEEKS; k++)
        if (st->usable[k] >= st->members && (!known || age - FC_WINDOW + 1 + 7 * k >= 7)) {
            x[n] = (float)(k - (FC_WEEKS - 1));
            y[n++] = logf(st->rate[k] > 0.01f ? st->rate[k] : 0.01f);
        }
    if (n < FC_MIN_WEEKS) {
        /* the recent mean; a young release's falls as young ones do */
        out->level = out->floor = st->simple > 0 ? st->simple : 0;
        if (known && age < FC_WINDOW) {
            out->floor = (float)(FC_YOUNG_FLOOR * out->level);
            out->scale = (float)(t + FC_AGE0);
        }
        return;
    }
    /* Theil-Sen: the median of the pairwise slopes, then the median
     * intercept at the last week */
    float slopes[FC_WEEKS * (FC_WEEKS - 1) / 2], res[FC_WEEKS], dev[FC_WEEKS];
    int ns = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            slopes[ns++] = (y[j] - y[i]) / (x[j] - x[i]);
    double b = median(slopes, ns);   /* per week */
    for (int i = 0; i < n; i++)
        res[i] = y[i] - (float)b * x[i];
    float a = median(res, n);
    /* a trend only when the line's slope stands out of its own noise
     * (the residuals' spread); else the series is level */
    double xm = 0, sxx = 0;
    for (int i = 0; i < n; i++)
        xm += x[i] / n;
    for (int i = 0; i < n; i++) {
        sxx += (x[i] - xm) * (x[i] - xm);
        dev[i] = fabsf(res[i] - a);
    }
    double se = 1.4826 * median(dev, n) / sqrt(sxx);
    double s = 0, level;
    if (n >= FC_MIN_WEEKS + 1 && fabs(b) > FC_TREND_SE * se && fabs(b) > 0.02 &&
        !step_fits_better(x, y, n, b, a)) {
        s = b / 7;                   /* per day */
        level = exp(a + 3 * s);      /* the last week is centred 3 days back */
    } else {
        level = level_since_shift(x, y, n, st->rate);
    }
    /* the excess E over the floor, whose fall (1 + d/T)^-beta has the
     * slope s now: E beta / T = -s level */
    double T = t + FC_AGE0, beta = FC_DECAY;
    double excess = -s * level * T / beta;
    if (excess > (1 - FC_FLOOR) * level) {
        excess = (1 - FC_FLOOR) * level;
        beta = -s * level * T / excess;
    }
    if (excess < -level)
        excess = -level;             /* growth: at most double */
    double floor = level - excess;
    if (level < 0.02)
        level = floor = 0;
    out->level = (float)level;
    out->floor = (float)(floor > 0 ? floor : 0);
    out->scale = (float)T;
    out->beta = (float)beta;
    out->method = TR_FC_MODEL;
    weekday_factors(st, out);
}

/* The curve's gain over d days. */
static double curve_gain(const struct fc_fit *f, double d)
{
    if (d <= 0 || f->level <= 0)
        return 0;
    double T = f->scale, beta = f->beta, excess = f->level - f->floor;
    if (excess == 0)
        return f->floor * d;         /* level: no decay to add */
    double decay = fabs(beta - 1) < 1e-6 ? T * log1p(d / T)
                                         : T / (beta - 1) * (1 - pow(1 + d / T, 1 - beta));
    return f->floor * d + excess * decay;
}

/* The weeks of the series' own past that judge its curve against its
 * recent level: the curve fitted FC_HOLD weeks before as_of, and the
 * level of that week carried flat, each against the gain that followed. */
#define FC_HOLD 3
/* How close a past forecast counts as exact (a log error): the weights
 * stop growing there, so one lucky week does not decide alone. */
#define FC_HOLD_EXACT 0.03

/* The weight of the recent level against the curve, from their errors on
 * the series' own past: inverse squared errors. */
static float level_weight(const struct fc_stats *st, int32_t age)
{
    struct fc_stats past = *st;
    for (int k = FC_WEEKS - 1; k >= 0; k--) {
        past.rate[k] = k >= FC_HOLD ? st->rate[k - FC_HOLD] : 0;
        past.usable[k] = k >= FC_HOLD ? st->usable[k - FC_HOLD] : 0;
    }
    struct fc_fit pf;
    fit_curve(&past, age == INT32_MIN ? age : age - 7 * FC_HOLD, &pf);
    if (pf.method != TR_FC_MODEL)
        return 0;                    /* no past curve to judge: the curve */
    double actual = 0;
    for (int k = FC_WEEKS - FC_HOLD; k < FC_WEEKS; k++)
        actual += 7 * st->rate[k];
    double days = 7 * FC_HOLD;
    double ec = log((curve_gain(&pf, days) + 1) / (actual + 1));
    double el = log((st->rate[FC_WEEKS - 1 - FC_HOLD] * days + 1) / (actual + 1));
    double wc = 1 / (ec * ec + FC_HOLD_EXACT * FC_HOLD_EXACT);
    double wl = 1 / (el * el + FC_HOLD_EXACT * FC_HOLD_EXACT);
    return (float)(wl / (wc + wl));
}

void fc_fit(const struct fc_stats *st, int32_t age, struct fc_fit *out)
{
    fit_curve(st, age, out);
    if (out->method != TR_FC_MODEL)
        return;
    /* a level held (every member's) is the gain until the feed's next
     * figure, which nothing in the window foretells: carried flat */
    out->level_w = st->held >= st->members ? 1 : level_weight(st, age);
    out->recent = st->rate[FC_WEEKS - 1];
}

void fc_stats_fit(struct fc_stats *st, const struct fc_fit *f)
{
    double keep = 1 - f->level_w, excess = keep * (f->level - f->floor);
    st->fits.flat = (float)(keep * f->floor + f->level_w * f->recent);
    st->fits.excess = (float)excess;
    st->fits.fall = f->scale > 0 ? (float)(excess * f->beta / f->scale) : 0;
    st->fits.scale_w = (float)(fabs(excess) * f->scale);
    st->fits.excess_abs = (float)fabs(excess);
    st->fits.simple = f->method == TR_FC_SIMPLE ? (float)fc_daily(f) : 0;
}

/* A joined decay's exponent stays within what one recording's fit can
 * have: FC_DECAY at least (fit_curve's), and bounded when members that
 * grow and members that fall nearly cancel in the excess. */
#define FC_DECAY_MAX 50.0

void fc_fit_total(const struct fc_stats *st, struct fc_fit *out)
{
    const struct fc_fit_sum *s = &st->fits;
    memset(out, 0, sizeof *out);
    out->method = TR_FC_SIMPLE;
    for (int w = 0; w < 7; w++)
        out->f[w] = 1;
    out->scale = 365;
    out->beta = FC_DECAY;
    if (!st->members)
        return;
    double level = (double)s->flat + s->excess;
    if (level < 0.02) {
        out->method = s->simple > 0 ? TR_FC_SIMPLE : TR_FC_MODEL;
        return;                  /* no gains: level 0 */
    }
    /* the excesses decay as one: their summed size and fall now, their
     * scales weighed by size (exact when the members share one) */
    double excess = s->excess, T = s->excess_abs > 0 ? s->scale_w / s->excess_abs : 365;
    double beta = excess != 0 ? s->fall * T / excess : FC_DECAY;
    beta = beta < FC_DECAY ? FC_DECAY : beta > FC_DECAY_MAX ? FC_DECAY_MAX : beta;
    out->level = (float)level;
    out->floor = (float)(level - excess > 0 ? level - excess : 0);
    out->scale = (float)T;
    out->beta = (float)beta;
    out->method = s->simple > level / 2 ? TR_FC_SIMPLE : TR_FC_MODEL;
    weekday_factors(st, out);
}

double fc_daily(const struct fc_fit *f)
{
    return (1 - f->level_w) * f->level + f->level_w * f->recent;
}

double fc_gain(const struct fc_fit *f, double d)
{
    if (d <= 0)
        return 0;
    return (1 - f->level_w) * curve_gain(f, d) + f->level_w * f->recent * d;
}

/* ---- calibration -------------------------------------------------------- */

/* Where horizon d falls among fc_horizons: between *h - 1 and *h at
 * fraction *u (*h 0: before the first, FC_NH: after the last). */
static void horizon_at(double d, int *h, double *u)
{
    *u = 0;
    for (*h = 0; *h < FC_NH && d > fc_horizons[*h]; (*h)++)
        ;
    if (*h > 0 && *h < FC_NH)
        *u = (d - fc_horizons[*h - 1]) / (fc_horizons[*h] - fc_horizons[*h - 1]);
}

static double quantile_at(const struct fc_calib *c, int h, double u, int k)
{
    if (h == 0)
        return c->q[0][k];
    if (h == FC_NH)
        return c->q[FC_NH - 1][k];
    return c->q[h - 1][k] + u * (c->q[h][k] - c->q[h - 1][k]);
}

double fc_calib_q(const struct fc_calib *c, double d, int k)
{
    int h;
    double u;
    horizon_at(d, &h, &u);
    return quantile_at(c, h, u, k);
}

double fc_calib_cdf(const struct fc_calib *c, double d, double x)
{
    int h;
    double u;
    horizon_at(d, &h, &u);
    double prev = quantile_at(c, h, u, 0);
    if (x <= prev)
        return fc_probs[0] / 2;
    for (int k = 1; k < FC_NQ; k++) {
        double q = quantile_at(c, h, u, k);
        if (x <= q)
            return q > prev ? fc_probs[k - 1] + (fc_probs[k] - fc_probs[k - 1]) * (x - prev) / (q - prev)
                            : fc_probs[k];
        prev = q;
    }
    return 1 - (1 - fc_probs[FC_NQ - 1]) / 2;
}

void fc_calib_default(struct fc_calib *c)
{
    static const double z[FC_NQ] = {-2.054, -1.645, -1.2816, -0.674, 0, 0.674, 1.2816, 1.645, 2.054};
    memset(c, 0, sizeof *c);
    for (int h = 0; h < FC_NH; h++) {
        double sigma = 0.1 * sqrt(fc_horizons[h] / 7.0);
        sigma = sigma > 1.5 ? 1.5 : sigma;
        for (int k = 0; k < FC_NQ; k++)
            c->q[h][k] = (float)(z[k] * sigma);
    }
}

/* ---- dates -------------------------------------------------------------- */

/* Whether the model's gain over d days, scaled by the quantile k of its
 * errors, covers remaining. */
static bool reaches(const struct fc_fit *f, const struct fc_calib *c, int k, double log_remaining,
                    int32_t d)
{
    return log(fc_gain(f, d) + 1) + fc_calib_q(c, d, k) >= log_remaining;
}

/* The first day (1..TR_FORECAST_HORIZON) that reaches, or -1. */
static int32_t first_day(const struct fc_fit *f, const struct fc_calib *c, int k, double remaining)
{
    int32_t lo = 1, hi = TR_FORECAST_HORIZON;
    double log_remaining = log(remaining + 1);
    if (!reaches(f, c, k, log_remaining, hi))
        return -1;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (reaches(f, c, k, log_remaining, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The gain over d days with the weekday factors: whole weeks average
 * them out, the days of the last part week carry theirs.  g[j - base] is
 * fc_gain(f, j) for the days base .. d, base at most d's week's start
 * (d - d % 7). */
static double weekly_gain_of(const struct fc_fit *f, tr_day as_of, const double *g, int32_t base,
                             int32_t d)
{
    double w = g[d - base];
    for (int32_t j = d - d % 7 + 1; j <= d; j++)
        w += (g[j - base] - g[j - 1 - base]) * (f->f[fc_weekday(as_of + j)] - 1);
    return w;
}

static double weekly_gain(const struct fc_fit *f, tr_day as_of, int32_t d)
{
    double g[7];
    int32_t base = d - d % 7;
    for (int32_t j = base; j <= d; j++)
        g[j - base] = fc_gain(f, j);
    return weekly_gain_of(f, as_of, g, base, d);
}

/* The model's own day: the first whose gain, with the weekday factors,
 * covers remaining (found on the smooth curve, then walked day by day
 * around it, each day's gain computed once); -1 beyond the horizon. */
static int32_t model_day(const struct fc_fit *f, tr_day as_of, double remaining)
{
    int32_t lo = 1, hi = TR_FORECAST_HORIZON;
    if (fc_gain(f, hi) < remaining)
        return -1;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (fc_gain(f, mid) >= remaining)
            hi = mid;
        else
            lo = mid + 1;
    }
    int32_t from = lo > 7 ? lo - 7 : 1;
    int32_t to = lo + 7 < TR_FORECAST_HORIZON ? lo + 7 : TR_FORECAST_HORIZON;
    int32_t base = from - from % 7;
    double g[24];                /* base .. to: at most 6 + 14 + 1 days */
    for (int32_t j = base; j <= to; j++)
        g[j - base] = fc_gain(f, j);
    int32_t d = from;
    while (d < to && weekly_gain_of(f, as_of, g, base, d) < remaining)
        d++;
    return d;
}

double fc_eta_exact(const struct fc_fit *f, tr_day as_of, double remaining)
{
    if (remaining <= 0)
        return 0;
    if (fc_gain(f, TR_FORECAST_HORIZON) <= 0)
        return -1;
    int32_t d = model_day(f, as_of, remaining);
    if (d < 0)
        return -1;
    double g0 = weekly_gain(f, as_of, d - 1), g1 = weekly_gain(f, as_of, d);
    return g1 > g0 ? d - 1 + (remaining - g0) / (g1 - g0) : d;
}

/* The interval's ends in whole days: a date is a whole day, so the chance
 * of a crossing before the first day of the interval (after its last) is
 * a step function of it; first_day gives the first day whose chance is
 * not under 10%, and these take it or its neighbour, whichever brings
 * that chance nearer 10%.  (Always taking first_day's would leave less
 * than 10% out on each side, far less when the interval is a few days
 * wide.) */
static int32_t nearest_low(const struct fc_fit *f, const struct fc_calib *c, double remaining, int32_t d)
{
    if (d < 1 || d >= TR_FORECAST_HORIZON)
        return d;
    double before = d > 1 ? fc_p_by(f, c, remaining, d - 1) : 0;   /* P(crossed before d) */
    double after = fc_p_by(f, c, remaining, d);                     /* P(crossed before d + 1) */
    return fabs(after - 0.1) < fabs(before - 0.1) ? d + 1 : d;
}

static int32_t nearest_high(const struct fc_fit *f, const struct fc_calib *c, double remaining, int32_t d)
{
    if (d <= 1)
        return d;
    double miss = 1 - fc_p_by(f, c, remaining, d);         /* P(not crossed by d) */
    double miss_before = 1 - fc_p_by(f, c, remaining, d - 1);
    return fabs(miss_before - 0.1) < fabs(miss - 0.1) ? d - 1 : d;
}

void fc_eta(const struct fc_fit *f, const struct fc_calib *c, tr_day as_of, double remaining,
            int32_t *eta, int32_t *lo, int32_t *hi)
{
    if (remaining <= 0) {
        *eta = *lo = *hi = 0;
        return;
    }
    if (fc_gain(f, TR_FORECAST_HORIZON) <= 0) {
        *eta = *lo = *hi = -1;       /* no gains: no error makes a date */
        return;
    }
    int32_t mid = model_day(f, as_of, remaining);
    *lo = nearest_low(f, c, remaining, first_day(f, c, FC_Q90, remaining));
    *hi = nearest_high(f, c, remaining, first_day(f, c, FC_Q10, remaining));
    if (*lo > 0 && mid > 0 && *lo > mid)
        *lo = mid;
    if (mid > 0 && *hi > 0 && *hi < mid)
        *hi = mid;
    if (mid < 0)
        *hi = -1;
    *eta = mid;
}

double fc_p_by(const struct fc_fit *f, const struct fc_calib *c, double remaining, int32_t d)
{
    if (remaining <= 0)
        return 1;
    return 1 - fc_calib_cdf(c, d, log(remaining + 1) - log(fc_gain(f, d) + 1));
}
