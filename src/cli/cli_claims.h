/* cli_claims.h: records claims for the command line (claims.c). */
#ifndef TR_CLI_CLAIMS_H
#define TR_CLI_CLAIMS_H

#include <jansson.h>
#include "cli.h"
#include "trackrecord/records.h"
#include "trackrecord/store.h"

/* One claim as a JSON object (without the event's own fields). */
json_t *claim_json(const struct tr_catalog *c, const struct tr_milestone *ev,
                   const struct tr_claim *cl);
/* One claim as an indented line of evidence. */
void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl);

/* Which claims records_print shows. */
struct records_filter {
    int subject_type;        /* -1: any subject */
    uint32_t subject;
    tr_day since;            /* TR_DAY_NONE: any day */
    int kind;                /* -1: any kind */
    bool certain;            /* leave out uncertain claims */
    int scope;               /* -1: any; else only claims of this enum tr_claim_scope */
    bool baselines;          /* the claims of baselines too (tr_milestone.baseline) */
};
/* Each event's claims with the post they make, as `records` prints them
 * (text, or a JSON array of one object per claim). */
void records_print(FILE *out, const struct tr_catalog *cat, const struct tr_claim_set *cs,
                   const struct records_filter *f, bool json);

#endif
