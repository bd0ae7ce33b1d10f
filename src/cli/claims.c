/*
 * claims.c: records claims as the commands show them (records, milestones,
 * import --records): a JSON object or a line of evidence each, and each
 * event's post.  The claims themselves come from tr_store_claims().
 */
#include "cli_claims.h"
#include "cli_output.h"

#include <stdlib.h>
#include <string.h>

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
    char counts[128];
    tr_records_evidence(cl, ev->subject_type, counts, sizeof counts);
    fprintf(f, ": %s", counts);
    if (cl->kind == TR_CLAIM_FASTEST && cl->previous != TR_NONE)
        fprintf(f, "; previous fastest %s (%d days), margin %d days",
                tr_subject_name(c, ev->subject_type, cl->previous), cl->previous_day, cl->margin);
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

struct records_text {
    FILE *out;
    const struct tr_catalog *cat;
    size_t shown;
};

static int record_text(void *ctx, const struct tr_milestone *ev, const struct tr_claim *cl,
                       size_t n, const char *post)
{
    struct records_text *r = ctx;
    if (r->shown++)
        fputc('\n', r->out);
    out_milestone_text(r->out, r->cat, ev);
    fprintf(r->out, "  %s\n", post);
    for (size_t i = 0; i < n; i++)
        claim_text(r->out, r->cat, ev, &cl[i]);
    return 0;
}

void records_print(FILE *out, const struct tr_catalog *cat, const struct tr_claim_set *cs,
                   const struct tr_claims_filter *f, bool json)
{
    if (json) {
        out_json_dump(out, tr_json_records(cat, cs, f));
        return;
    }
    struct records_text r = {out, cat, 0};
    tr_claims_each(cat, cs, f, record_text, &r);
}
