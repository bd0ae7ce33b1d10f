/*
 * event_pack.c: milestone events as packed bytes (event_pack.h).
 */
#include "store/event_pack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct event_rec {                /* 40 bytes */
    uint64_t threshold, value;
    uint32_t subject, slowest;
    int32_t date, day, after;
    uint8_t subject_type, kind;
    uint8_t flags;                /* 1: open_start, 2: baseline */
    uint8_t scope_len;            /* scope bytes follow */
};

size_t tr_events_packed_size(const struct tr_milestone *ev, size_t n)
{
    size_t len = n * sizeof(struct event_rec);
    for (size_t i = 0; i < n; i++)
        len += strlen(tr_scope_name(ev[i].scope));
    return len;
}

void tr_events_pack(const struct tr_milestone *ev, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        const struct tr_milestone *e = &ev[i];
        const char *scope = tr_scope_name(e->scope);
        size_t sl = strlen(scope);
        struct event_rec r = {e->threshold, e->value, e->subject, e->slowest, e->date, e->day,
                              e->after, (uint8_t)e->subject_type, (uint8_t)e->kind,
                              (uint8_t)(e->open_start | e->baseline << 1), (uint8_t)sl};
        memcpy(out, &r, sizeof r);
        memcpy(out + sizeof r, scope, sl);
        out += sizeof r + sl;
    }
}

bool tr_events_unpack_part(const struct tr_catalog *c, const char *p, size_t len,
                           struct tr_milestone **v, size_t *n, size_t *cap, size_t *used)
{
    const uint32_t count[3] = {c->n_tracks, c->n_releases, c->n_artists};
    size_t at = 0;
    while (at < len) {
        struct event_rec r;
        if (len - at < sizeof r)
            break;                  /* a record the piece cuts */
        memcpy(&r, p + at, sizeof r);
        if (r.subject_type > TR_SUBJECT_ARTIST || r.subject >= count[r.subject_type] ||
            r.kind >= TR_MS_KIND_COUNT || (r.slowest != TR_NONE && r.slowest >= c->n_tracks) ||
            r.scope_len > TR_SCOPE_LEN)
            return false;
        if (len - at - sizeof r < r.scope_len)
            break;
        at += sizeof r;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 4096;
            struct tr_milestone *g = realloc(*v, nc * sizeof *g);
            if (!g)
                return false;
            *v = g;
            *cap = nc;
        }
        struct tr_milestone *e = &(*v)[(*n)++];
        memset(e, 0, sizeof *e);
        e->subject_type = (enum tr_subject_type)r.subject_type;
        e->subject = r.subject;
        e->kind = (enum tr_milestone_kind)r.kind;
        e->threshold = r.threshold;
        e->value = r.value;
        e->date = r.date;
        e->day = r.day;
        e->after = r.after;
        e->open_start = r.flags & 1;
        e->baseline = r.flags >> 1 & 1;
        e->slowest = r.slowest;
        if (tr_scope_intern(p + at, r.scope_len, &e->scope))
            return false;
        at += r.scope_len;
    }
    *used = at;
    return true;
}

bool tr_events_unpack(const struct tr_catalog *c, const char *p, size_t len,
                      struct tr_milestone **v, size_t *n, size_t *cap)
{
    size_t used;
    return tr_events_unpack_part(c, p, len, v, n, cap, &used) && used == len;
}
