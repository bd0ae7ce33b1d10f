/* cli_claims.h: records claims for the command line (claims.c). */
#ifndef TR_CLI_CLAIMS_H
#define TR_CLI_CLAIMS_H

#include <jansson.h>
#include "cli.h"
#include "trackrecord/records.h"

/* One claim as a JSON object (without the event's own fields). */
json_t *claim_json(const struct tr_catalog *c, const struct tr_milestone *ev,
                   const struct tr_claim *cl);
/* One claim as an indented line of evidence. */
void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl);

#endif
