/*
 * trackrecord/import.h: taking files into a store.
 *
 * An import takes one or more paths (files, or bundle directories holding
 * artists.csv, releases.csv, tracks.csv, tracklist.csv, streams.csv, ...)
 * in one transaction: either every file is taken or the store is left as
 * it was.  Formats are detected from the content (docs/formats.md).  The
 * same file imported twice changes nothing the second time.
 */
#ifndef TRACKRECORD_IMPORT_H
#define TRACKRECORD_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/store.h"

/* What to do when one import gives two different counts for the same
 * recording on the same day. */
enum tr_on_duplicate {
    TR_DUP_ERROR = 0,    /* refuse the import, naming both lines (default) */
    TR_DUP_MAX,          /* keep the larger count */
    TR_DUP_LAST,         /* keep the later line */
    TR_DUP_FIRST,        /* keep the earlier line */
};
int tr_on_duplicate_parse(const char *s, enum tr_on_duplicate *out);

struct tr_import_options {
    const char *format;          /* force a format by name; NULL detects */
    bool add_tracks;             /* unknown track ids become bare tracks */
    enum tr_on_duplicate on_duplicate;
    const char *ladder;          /* set the store's ladder; NULL keeps it */
    tr_day date;                 /* data day for formats without one; TR_DAY_NONE */
    const char *chart;           /* chart name for chart files without one */
    const char *country;         /* chart country for files without one */
    const char *track;           /* the song a single-song timeline is for */
    bool no_records;             /* do not judge the new days' events now (their
                                  * claims are then judged when asked for) */
    /* Called now and then with bytes read so far and bytes in all. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
};

/* Per-file outcome, in the order the files were taken. */
struct tr_import_file {
    char path[512];
    char format[32];
    uint64_t rows;               /* data rows read */
    uint64_t taken;              /* rows that gave data */
    uint64_t refused;            /* rows left out under an option (duplicates) */
    char note[256];              /* what the importer noticed (stale day...) */
};

/* Where an import's time goes (wall clock), in the order the phases run:
 * loading the inputs and the store's catalog, reading the inputs (formats
 * parsed, the catalog edited),
 * writing the catalog, writing the series, the milestones (the engine, the
 * events, the checkpoint), the new days' records, the forecasts kept for
 * the last day (trackrecord/forecast.h), the commit. */
enum tr_import_phase {
    TR_PHASE_LOAD, TR_PHASE_READ, TR_PHASE_CATALOG, TR_PHASE_SERIES, TR_PHASE_MILESTONES,
    TR_PHASE_RECORDS, TR_PHASE_FORECASTS, TR_PHASE_COMMIT, TR_PHASE_COUNT
};
const char *tr_import_phase_name(enum tr_import_phase p);

struct tr_import_report {
    struct tr_import_file *files;   /* owned; tr_import_report_release() */
    size_t n_files;
    uint64_t added;              /* observations new to the store */
    uint64_t changed;            /* observations that replaced another value */
    uint64_t unchanged;          /* observations the store already had */
    uint64_t tracks_added;       /* bare tracks created (add_tracks) */
    uint64_t catalog_changes;    /* artists, releases, tracks new or changed */
    size_t milestones;           /* events stored after the import */
    /* An import that adds later days judges their events and keeps the
     * claims: how many, for the events from claims_since (TR_DAY_NONE when
     * none were judged: an import of anything else, or no_records). */
    size_t claims;
    tr_day claims_since;
    double seconds[TR_PHASE_COUNT];   /* by enum tr_import_phase */
};

/* Imports paths[0..n) into the store in one transaction.  On failure the
 * store is unchanged and err names the file, line and field at fault.
 * report may be NULL; otherwise release it with tr_import_report_release. */
int tr_import(struct tr_store *s, const char *const *paths, size_t n,
              const struct tr_import_options *opt, struct tr_import_report *report,
              struct tr_error *err);
void tr_import_report_release(struct tr_import_report *r);

/* Names of the formats known to --format, NULL-terminated. */
const char *const *tr_import_formats(void);

#endif
