/* cli_output.h: milestone events as text and CSV (output.c); their JSON is
 * the library's (trackrecord/publish.h). */
#ifndef TR_CLI_OUTPUT_H
#define TR_CLI_OUTPUT_H

#include <jansson.h>
#include "cli.h"
#include "trackrecord/publish.h"

/* The header and the rows of ev[0..n) in order, formatted on two threads
 * when there are many. */
void out_milestones_csv(FILE *f, const struct tr_catalog *c, const struct tr_milestone *ev,
                        size_t n);
void out_milestone_text(FILE *f, const struct tr_catalog *c, const struct tr_milestone *m);
/* Dumps v (indented) and a newline, and releases v. */
int out_json_dump(FILE *f, json_t *v);

#endif
