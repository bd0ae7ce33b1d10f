/*
 * claims.c: records claims as the commands show them (records, milestones,
 * import --records): a JSON object or a line of evidence each, and each
 * event's post.  The claims themselves come from tr_store_claims().
 */
#include "cli_claims.h"
#include "cli_output.h"

#include <stdlib.h>
#include <string.h>

static const char *subject_id(const struct tr_catalog *c, enum tr_subject_type t, uint32_t i)
{
    return cli_subject_id(c, t, i);
}

json_t *claim_json(const struct tr_catalog *c, const struct tr_milestone *ev,
                   const struct tr_claim *cl)
{
    char date[TR_DATE_LEN], name[256];
    json_t *o = json_object();
    json_object_set_new(o, "claim", json_string(tr_records_claim_name(cl->kind)));
    json_t *g = json_object();
    if (cl->group.country[0])
        json_object_set_new(g, "country", json_string(cl->group.country));
    if (cl->group.kind != TR_KIND_UNKNOWN)
        json_object_set_new(g, "kind", json_string(tr_artist_kind_name(cl->group.kind)));
    if (cl->group.gender != TR_GENDER_UNKNOWN)
        json_object_set_new(g, "gender", json_string(tr_gender_name(cl->group.gender)));
    if (cl->group.genre)
        json_object_set_new(g, "genre", json_string(cl->group.genre));
    if (cl->group.release_type != TR_RELEASE_UNKNOWN)
        json_object_set_new(g, "release_type", json_string(tr_release_type_name(cl->group.release_type)));
    json_object_set_new(o, "group", g);
    tr_records_group_name(&cl->group, ev->subject_type, name, sizeof name);
    json_object_set_new(o, "group_name", json_string(name));
    json_object_set_new(o, "joint", json_boolean(cl->joint));
    json_object_set_new(o, "uncertain", json_boolean(cl->uncertain));
    if (cl->uncertain)
        json_object_set_new(o, "doubt", json_string(tr_records_doubt_name(cl->doubt)));
    json_object_set_new(o, "members", json_integer(cl->members));
    json_object_set_new(o, "reached", json_integer(cl->reached));
    json_object_set_new(o, "unsettled", json_integer(cl->unsettled));
    json_object_set_new(o, "previous", cl->previous == TR_NONE ? json_null()
                                       : json_string(subject_id(c, ev->subject_type, cl->previous)));
    json_object_set_new(o, "previous_name", cl->previous == TR_NONE ? json_null()
                                            : json_string(cli_subject_name(c, ev->subject_type, cl->previous)));
    json_object_set_new(o, "previous_day", cl->previous_day == TR_DAYN_NONE ? json_null()
                                           : json_integer(cl->previous_day));
    json_object_set_new(o, "previous_date", cl->previous_date == TR_DAY_NONE ? json_null()
                                            : json_string(tr_day_format(cl->previous_date, date)));
    json_object_set_new(o, "margin", cl->margin == TR_DAYN_NONE ? json_null() : json_integer(cl->margin));
    json_object_set_new(o, "scope", json_string(tr_records_scope_name(cl->scope)));
    json_object_set_new(o, "since", cl->since == TR_DAY_NONE ? json_null()
                                    : json_string(tr_day_format(cl->since, date)));
    if (cl->scope == TR_CLAIM_TRACKED)
        json_object_set_new(o, "tracked_members", json_integer(cl->tracked_members));
    char sentence[TR_RECORDS_POST_SIZE];
    if (tr_records_claim_text(c, ev, cl, sentence, sizeof sentence))
        sentence[0] = '\0';
    json_object_set_new(o, "claim_text", json_string(sentence));
    return o;
}

void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl)
{
    char name[256];
    tr_records_group_name(&cl->group, ev->subject_type, name, sizeof name);
    const char *what = cl->kind == TR_CLAIM_FIRST_AND_ONLY ? "first and only"
                     : cl->kind == TR_CLAIM_FASTEST ? "fastest" : "first";
    fprintf(f, "    %s%s%s %s", cl->uncertain ? "possibly " : "", cl->joint ? "joint " : "", what,
            name);
    if (cl->scope == TR_CLAIM_TRACKED)      /* true of the store, said so */
        fprintf(f, " among the %u tracked act%s", cl->tracked_members,
                cl->tracked_members == 1 ? "" : "s");
    fprintf(f, ": %u of %u reached it by then", cl->reached, cl->members);
    if (cl->unsettled)
        fprintf(f, ", %u unsettled", cl->unsettled);
    if (cl->kind == TR_CLAIM_FASTEST && cl->previous != TR_NONE)
        fprintf(f, "; previous fastest %s (%d days), margin %d days",
                cli_subject_name(c, ev->subject_type, cl->previous), cl->previous_day, cl->margin);
    if (cl->uncertain)
        fprintf(f, " [uncertain: %s]", tr_records_doubt_name(cl->doubt));
    char since[TR_DATE_LEN];
    if (cl->scope == TR_CLAIM_TRACKED)
        fputs(" [tracked]", f);
    else if (cl->since != TR_DAY_NONE)
        fprintf(f, " [world since %s]", tr_day_format(cl->since, since));
    else
        fputs(" [world]", f);
    fputc('\n', f);
}

void records_print(FILE *out, const struct tr_catalog *cat, const struct tr_claim_set *cs,
                   const struct records_filter *f, bool json)
{
    json_t *arr = json ? json_array() : NULL;
    size_t shown = 0;
    for (size_t e = 0; e < cs->n_events; e++) {
        const struct tr_milestone *ev = &cs->events[e];
        if ((f->subject_type >= 0 && ((int)ev->subject_type != f->subject_type ||
                                      ev->subject != f->subject)) ||
            (f->since != TR_DAY_NONE && ev->date < f->since) ||
            (f->kind >= 0 && (int)ev->kind != f->kind) || (ev->baseline && !f->baselines))
            continue;
        /* the claims to show, and the post they make */
        const struct tr_claim *cl = cs->claims + cs->first[e];
        size_t n = cs->first[e + 1] - cs->first[e], k = 0, np = 0;
        struct tr_claim keep[64], posted[64];
        for (size_t i = 0; i < n && k < 64; i++) {
            if ((f->certain && cl[i].uncertain) ||
                (f->scope >= 0 && (int)cl[i].scope != f->scope))
                continue;
            keep[k++] = cl[i];
        }
        if (!k)
            continue;
        /* the post states what is true in the world, and certain */
        for (size_t i = 0; i < n && np < 64; i++)
            if (tr_records_postable(&cl[i]))
                posted[np++] = cl[i];
        char post[TR_RECORDS_POST_SIZE];
        if (tr_records_post(cat, ev, posted, np, post, sizeof post))
            post[0] = '\0';
        if (json) {
            for (size_t i = 0; i < k; i++) {
                json_t *o = out_milestone_json(cat, ev);
                json_t *claim = claim_json(cat, ev, &keep[i]);
                json_object_update(o, claim);
                json_decref(claim);
                json_object_set_new(o, "text", json_string(post));
                json_array_append_new(arr, o);
            }
        } else {
            if (shown++)
                fputc('\n', out);
            out_milestone_text(out, cat, ev);
            fprintf(out, "  %s\n", post);
            for (size_t i = 0; i < k; i++)
                claim_text(out, cat, ev, &keep[i]);
        }
    }
    if (json)
        out_json_dump(out, arr);
}
