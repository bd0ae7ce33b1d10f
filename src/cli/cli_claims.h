/* cli_claims.h: records claims for the command line (claims.c); their
 * JSON is the library's (trackrecord/publish.h). */
#ifndef TR_CLI_CLAIMS_H
#define TR_CLI_CLAIMS_H

#include "cli.h"
#include "trackrecord/publish.h"
#include "trackrecord/records.h"
#include "trackrecord/store.h"

/* One claim as an indented line of evidence. */
void claim_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                const struct tr_claim *cl);

/* Each event's claims with the post they make, as `records` prints them
 * (text, or a JSON array of one object per claim). */
void records_print(FILE *out, const struct tr_catalog *cat, const struct tr_claim_set *cs,
                   const struct tr_claims_filter *f, bool json);

#endif
