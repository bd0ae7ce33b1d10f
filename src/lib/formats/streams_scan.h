/*
 * streams_scan.h: the body of a plain play-count CSV read on every core
 * (library-private).
 *
 * The body of a `date,track,streams` file is cut at line ends into parts,
 * one per core, and each part is read at once into a batch of its own.
 * The scan only reads the catalog: an id it does not know is given a
 * provisional series (the catalog's next free ones, in the part's order of
 * first appearance), and the caller then creates the new tracks part by
 * part and joins the batches in file order (store/batch.h), mapping the
 * provisional series of a part whose new tracks got others.  The store
 * then ends up as if the file had been read row by row.
 *
 * The scanner takes only the plain form that feeds write: one record per
 * line, three unquoted fields, LF or CRLF line ends, values that the CSV
 * reader would take (a date tr_day_parse reads, decimal digits that fit in
 * 64 bits, surrounding blanks allowed), and ids that are known or may be
 * added.  On anything else (a quote, an empty line, a lone CR, another
 * number of fields, a bad value, a day in the future, an unknown id, a new id with a NUL in it,
 * a duplicate the policy refuses) it gives up, and the reader reads the file with the CSV reader
 * instead, which says what is wrong and where.  The scanner never has to
 * report an error itself.
 */
#ifndef TR_STREAMS_SCAN_H
#define TR_STREAMS_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/batch.h"
#include "trackrecord/catalog.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/import.h"

#define TR_SCAN_MAX_PARTS 8
#define TR_SCAN_GAVE_UP (-1)        /* tr_scan_streams: read with the CSV reader */

/* How a body is cut: parts of at least tr_scan_min_part bytes (4 MiB: a
 * smaller part is not worth a thread), tr_scan_parts of them at most (0:
 * one per core).  Tests lower them to cut small bodies. */
extern size_t tr_scan_min_part;
extern int tr_scan_parts;

/* An id the catalog did not have: its bytes, in the input. */
struct tr_scan_new {
    const char *id;
    uint32_t len;
};

struct tr_scan_options {
    const struct tr_catalog *catalog;
    int col[3];                     /* fields of date, track and streams in a record */
    bool add_tracks;
    enum tr_on_duplicate on_duplicate;
    /* called now and then from the calling thread: about done bytes of the body read */
    void (*progress)(void *ctx, size_t done);
    void *progress_ctx;
};

struct tr_scan_part {
    const char *begin, *end;        /* whole lines of the body */
    struct tr_obs_batch *batch;     /* its rows; new id i at series first_new + i */
    struct tr_scan_new *news;       /* in order of first appearance */
    uint32_t n_news;
    uint64_t rows, refused;         /* rows read; duplicates the policy settled */
    /* ---- private ---- */
    const struct tr_scan_options *opt;
    uint32_t n_known, first_new;
    int index, n_parts;             /* part 0 runs on the calling thread */
    int status;                     /* 0, TR_SCAN_GAVE_UP or TR_ENOMEM */
    uint32_t cap_news;
    uint32_t *slots, mask;          /* the new ids by hash: indices into news + 1 */
    uint32_t *next_of, n_next;      /* by key: the key that followed it last time */
};


struct tr_scan {
    struct tr_scan_part part[TR_SCAN_MAX_PARTS];
    int n_parts;
    uint32_t first_new;             /* the catalog's n_series when the scan began */
};

/*
 * Scans the body body[0..len).  Returns 0 with every part's batch ready,
 * TR_SCAN_GAVE_UP, or TR_ENOMEM.  Release s in every case.
 */
int tr_scan_streams(struct tr_scan *s, const struct tr_scan_options *opt, const char *body,
                    size_t len);
void tr_scan_release(struct tr_scan *s);

#endif
