/*
 * date.c: civil date <-> day number, using the days-from-civil algorithm
 * (era of 400 years = 146097 days), exact for every Gregorian date.
 */
#include "trackrecord/date.h"

#include <time.h>

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

tr_day tr_day_from_ymd(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return TR_DAY_NONE;
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tr_day_to_ymd(tr_day z, int *year, int *month, int *day)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int tr_day_parse(const char *s, size_t len, tr_day *out)
{
    int y, m, d;
    if (len < 10 || (len > 10 && s[10] != 'T' && s[10] != ' '))
        return -1;
    if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
        digits(s + 8, 2, &d))
        return -1;
    tr_day day = tr_day_from_ymd(y, m, d);
    if (day == TR_DAY_NONE)
        return -1;
    *out = day;
    return 0;
}

char *tr_day_format(tr_day d, char buf[TR_DATE_LEN])
{
    if (d == TR_DAY_NONE) {
        buf[0] = '-';
        buf[1] = '\0';
        return buf;
    }
    int y, m, dd;
    tr_day_to_ymd(d, &y, &m, &dd);
    /* "%04u-%02u-%02u" by hand: a million-row listing formats two dates a row */
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)dd % 100u;
    buf[0] = (char)('0' + uy / 1000);
    buf[1] = (char)('0' + uy / 100 % 10);
    buf[2] = (char)('0' + uy / 10 % 10);
    buf[3] = (char)('0' + uy % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + um / 10);
    buf[6] = (char)('0' + um % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + ud / 10);
    buf[9] = (char)('0' + ud % 10);
    buf[10] = '\0';
    return buf;
}

tr_day tr_day_today(void)
{
    return (tr_day)(time(NULL) / 86400);   /* POSIX time has no leap seconds */
}
