/* cli_claims.h: records claims for the command line (claims.c). */
#ifndef TR_CLI_CLAIMS_H
#define TR_CLI_CLAIMS_H

#include <jansson.h>
#include "cli.h"
#include "trackrecord/records.h"

/* Every stored event, its claims, and where each event's claims start:
 * claims[first[e] .. first[e + 1]) belong to events[e]. */
struct claim_set {
    struct tr_milestone *events;
    size_t n_events;
    struct tr_claim *claims;
    size_t n_claims;
    size_t *first;
    struct tr_coverage coverage;
};

/* Every stored event, with the claims of those dated on or after since
 * (TR_DAY_NONE: all); the earlier events still compete. */
int claims_compute(struct tr_store *s, const struct tr_catalog *c, tr_day since,
                   struct claim_set *out, struct tr_error *err);
void claims_release(struct claim_set *cs);
/* One claim as a JSON object (without the event's own fields). */
json_t *claim_json(const struct tr_catalog *c, const struct tr_milestone *ev,
                   const struct tr_claim *cl);
/* One claim as an indented line of evidence. */
void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl);

#endif
