/*
 * output.c: milestone events as text, CSV and JSON, shared by the
 * commands that list them.
 */
#include "cli_output.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

json_t *out_milestone_json(const struct tr_catalog *c, const struct tr_milestone *m)
{
    char date[TR_DATE_LEN];
    json_t *o = json_object();
    json_object_set_new(o, "subject", json_string(cli_subject_id(c, m->subject_type, m->subject)));
    json_object_set_new(o, "subject_type", json_string(tr_subject_type_name(m->subject_type)));
    json_object_set_new(o, "name", json_string(cli_subject_name(c, m->subject_type, m->subject)));
    json_object_set_new(o, "kind", json_string(tr_milestone_kind_name(m->kind)));
    json_object_set_new(o, "threshold", json_integer((json_int_t)m->threshold));
    json_object_set_new(o, "date", json_string(tr_day_format(m->date, date)));
    json_object_set_new(o, "day", m->day == TR_DAYN_NONE ? json_null() : json_integer(m->day));
    json_object_set_new(o, "value", json_integer((json_int_t)m->value));
    if (m->slowest != TR_NONE) {
        json_object_set_new(o, "slowest", json_string(c->tracks[m->slowest].id));
        json_object_set_new(o, "slowest_title", json_string(cli_subject_name(c, TR_SUBJECT_TRACK, m->slowest)));
    }
    if (m->scope[0]) {
        const char *colon = strchr(m->scope, ':');
        json_object_set_new(o, "chart", json_stringn(m->scope, colon ? (size_t)(colon - m->scope) : strlen(m->scope)));
        json_object_set_new(o, "country", json_string(colon ? colon + 1 : ""));
    }
    if (m->after != TR_DAY_NONE || m->open_start) {
        json_t *b = json_object();
        json_object_set_new(b, "after", m->open_start ? json_null()
                                                      : json_string(tr_day_format(m->after, date)));
        json_object_set_new(b, "by", json_string(tr_day_format(m->date, date)));
        json_object_set_new(o, "between", b);
    }
    return o;
}

void out_milestone_csv_header(FILE *f)
{
    fputs("subject,subject_type,kind,threshold,date,day,value,after,slowest,scope\n", f);
}

/* Appends text to a line being built (the CSV rows are written in bulk,
 * a million at a time, so no printf per field). */
static char *put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_day(char *p, tr_day d)
{
    char date[TR_DATE_LEN];
    return put(p, tr_day_format(d, date));
}

void out_milestone_csv(FILE *f, const struct tr_catalog *c, const struct tr_milestone *m)
{
    const char *id = cli_subject_id(c, m->subject_type, m->subject);
    const char *slowest = m->slowest != TR_NONE ? c->tracks[m->slowest].id : "";
    size_t room = strlen(id) + strlen(slowest) + sizeof m->scope + 160;
    char stack[512], *line = room <= sizeof stack ? stack : malloc(room), *p = line;
    if (!line)
        return;
    p = put(p, id);
    *p++ = ',';
    p = put(p, tr_subject_type_name(m->subject_type));
    *p++ = ',';
    p = put(p, tr_milestone_kind_name(m->kind));
    *p++ = ',';
    p = put_u64(p, m->threshold);
    *p++ = ',';
    p = put_day(p, m->date);
    *p++ = ',';
    if (m->day != TR_DAYN_NONE) {
        if (m->day < 0)
            *p++ = '-';
        p = put_u64(p, (uint64_t)(m->day < 0 ? -(int64_t)m->day : m->day));
    }
    *p++ = ',';
    p = put_u64(p, m->value);
    *p++ = ',';
    if (m->after != TR_DAY_NONE)
        p = put_day(p, m->after);
    else if (m->open_start)
        p = put(p, "open");
    *p++ = ',';
    p = put(p, slowest);
    *p++ = ',';
    p = put(p, m->scope);
    *p++ = '\n';
    fwrite(line, 1, (size_t)(p - line), f);
    if (line != stack)
        free(line);
}

void out_milestone_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *m)
{
    char date[TR_DATE_LEN], after[TR_DATE_LEN], what[64], day[32] = "";
    cli_describe(m, what, sizeof what);
    if (m->day != TR_DAYN_NONE)
        snprintf(day, sizeof day, "day %d", m->day);
    fprintf(f, "%s  %-8s  %-7s  %s  %s", tr_day_format(m->date, date), day,
            tr_subject_type_name(m->subject_type), cli_subject_name(c, m->subject_type, m->subject),
            what);
    if (m->slowest != TR_NONE)
        fprintf(f, " (last: %s)", cli_subject_name(c, TR_SUBJECT_TRACK, m->slowest));
    if (m->open_start)
        fprintf(f, "  [on or before this day: no earlier data]");
    else if (m->after != TR_DAY_NONE)
        fprintf(f, "  [crossed between %s and this day: feed gap]", tr_day_format(m->after, after));
    fputc('\n', f);
}

int out_json_dump(FILE *f, json_t *v)
{
    int rc = json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(v);
    return rc;
}
