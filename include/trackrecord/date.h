/*
 * trackrecord/date.h: calendar days.
 *
 * A day is an int32_t count of days since 1970-01-01 in the proleptic
 * Gregorian calendar.  Spotify days are UTC dates, so no time zone enters a
 * day number; a time zone matters only where a source counts in local time
 * (sales weeks), and is carried beside the day as text.
 */
#ifndef TRACKRECORD_DATE_H
#define TRACKRECORD_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t tr_day;

#define TR_DAY_NONE INT32_MIN   /* no date known */
#define TR_DATE_LEN 11          /* "YYYY-MM-DD" plus NUL */

/* Day number of a valid civil date (year 1..9999), else TR_DAY_NONE. */
tr_day tr_day_from_ymd(int year, int month, int day);
/* Splits a day number into its civil date. */
void tr_day_to_ymd(tr_day d, int *year, int *month, int *day);

/*
 * Parses exactly "YYYY-MM-DD" from s[0..len) (len may be longer than 10
 * only when s[10] is 'T' or ' ', which starts a time that is ignored).
 * Returns 0 and sets *out, or -1 for anything else (bad digits, month 13,
 * 2023-02-29, trailing text).
 */
int tr_day_parse(const char *s, size_t len, tr_day *out);
/* Writes "YYYY-MM-DD" (or "-" for TR_DAY_NONE) into buf; returns buf. */
char *tr_day_format(tr_day d, char buf[TR_DATE_LEN]);
/* Today's UTC date, from the system clock. */
tr_day tr_day_today(void);

#endif
