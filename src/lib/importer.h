/*
 * importer.h: the contract between the import driver and the format
 * readers (library-private).
 *
 * Each format is one entry of the table in formats.c: a name, a detector
 * that looks at a file's name and first bytes, a rank (catalog formats
 * before play counts, so that a bundle's tracks exist when its counts
 * arrive), and a reader.  A reader parses the whole input, edits the
 * catalog and adds observations through the helpers below, and reports
 * the first problem as an error naming file, line and field.  The catalog
 * and the play counts are written by the driver once every file is read;
 * facts kept beside them (sales, awards, chart entries) are written by
 * their readers through the backend, inside the import's transaction, so
 * a refused import rolls them back with the rest.
 */
#ifndef TR_IMPORTER_H
#define TR_IMPORTER_H

#include "trackrecord/import.h"
#include "catalog_edit.h"
#include "csv.h"
#include "input.h"
#include "series.h"
#include "store_internal.h"

struct tr_import_ctx {
    struct tr_store *store;
    struct tr_catalog *catalog;        /* the store's catalog, being edited */
    struct tr_obs_batch *batch;
    const struct tr_import_options *opt;
    struct tr_import_file *file;       /* counters of the file being read */
    uint64_t tracks_added;
    uint64_t bytes_done, bytes_total;  /* for progress */
    struct tr_input *input;            /* the file being read */
    void *state;                       /* a reader's own state, if it needs one */
};

struct tr_format {
    const char *name;
    int rank;                          /* lower ranks are read first */
    /* 1 when the file looks like this format (name, first bytes) */
    int (*detect)(const struct tr_input *in, const char *head, size_t len);
    int (*read)(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err);
};

/* The format table (formats.c), NULL-name terminated. */
extern const struct tr_format tr_formats[];
const struct tr_format *tr_format_find(const char *name);
const struct tr_format *tr_format_detect(const struct tr_input *in);

/* Resolves a track id to its index: unknown ids are an error naming the
 * file, line and field, unless the import adds tracks (then a bare track
 * is created).  title may be NULL. */
int tr_import_track(struct tr_import_ctx *x, const char *id, size_t len, const char *title,
                    size_t line, const char *field, uint32_t *track, struct tr_error *err);
/* Adds an observation of a track's recording.  A repeat with the same
 * value is ignored; a different value for the same recording and day is
 * settled by the duplicate policy (error: TR_ECONFLICT naming this line
 * and first_line, the earlier one, when the reader knows it: pass 0 to
 * let the message say "an earlier line"). */
int tr_import_observe(struct tr_import_ctx *x, uint32_t track, tr_day day, uint64_t value,
                      size_t line, size_t first_line, struct tr_error *err);
/* Reports progress through the options' callback: pos bytes of the
 * current input have been read. */
void tr_import_progress(struct tr_import_ctx *x, size_t pos);

/* Splits a ';'-separated field into trimmed items; *items point into buf
 * (a writable copy the caller provides and frees).  Returns the count. */
uint32_t tr_split_list(char *buf, char **items, uint32_t max);

/* Readers, one group per fmt_*.c file. */
#define TR_READER(name) \
    int name(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
TR_READER(tr_fmt_artists_read);
TR_READER(tr_fmt_releases_read);
TR_READER(tr_fmt_tracks_read);
TR_READER(tr_fmt_tracklist_read);
TR_READER(tr_fmt_streams_read);
TR_READER(tr_fmt_sales_read);      /* fmt_extras.c */
TR_READER(tr_fmt_awards_read);
TR_READER(tr_fmt_charts_read);     /* fmt_charts.c */
TR_READER(tr_fmt_pc_artists_read); /* fmt_playcounts.c */
TR_READER(tr_fmt_pc_albums_read);
TR_READER(tr_fmt_pc_tracks_read);
TR_READER(tr_fmt_pc_playcounts_read);
TR_READER(tr_fmt_kworb_read);      /* fmt_kworb.c */
TR_READER(tr_fmt_album_json_read); /* fmt_album_json.c */
TR_READER(tr_fmt_s4a_read);        /* fmt_s4a.c */
TR_READER(tr_fmt_discography_read); /* fmt_discography.c */
TR_READER(tr_fmt_chart_entries_read); /* fmt_chart_entries.c */

#endif
