/*
 * formats/importer.h: the contract between the import driver and the format
 * readers (library-private).
 *
 * Each format is one entry of the table in formats.c: a name, a detector
 * that looks at a file's name and first bytes, a rank (catalog formats
 * before play counts, so that a bundle's tracks exist when its counts
 * arrive), and a reader.  A reader parses the whole input, edits the
 * catalog and adds observations through the helpers below (formats/
 * reader.c), and reports the first problem as an error naming file, line
 * and field.  It never sees the store: what it found beside the catalog
 * and the counts (sales, awards, chart entries, reported totals, declared
 * coverage) it hands back in x->facts, and what it must know of the store
 * (earlier totals) it asks through x->stored.  The driver (app/import.c)
 * writes each file's facts through the store once the file is read, and
 * the catalog and the play counts once every file is read, all in the
 * import's one transaction, so a refused import leaves nothing behind.
 */
#ifndef TR_IMPORTER_H
#define TR_IMPORTER_H

#include "trackrecord/charts.h"
#include "trackrecord/extras.h"
#include "trackrecord/import.h"
#include "trackrecord/records.h"
#include "model/catalog_edit.h"
#include "formats/csv.h"
#include "formats/input.h"
#include "store/batch.h"

/* A release-level total a reader found (kworb's album pages): release is
 * an index of the import's catalog. */
struct tr_import_release_total {
    uint32_t release;
    struct tr_release_total total;
};

/* What one file gave beside the catalog and the counts, for the driver to
 * write (each row replaces the stored row of its key), in the reader's
 * order.  The arrays are owned by the facts (tr_import_facts_release). */
struct tr_import_facts {
    struct tr_sale *sales;
    size_t n_sales, cap_sales;
    struct tr_award *awards;
    size_t n_awards, cap_awards;
    struct tr_import_release_total *totals;
    size_t n_totals, cap_totals;
    /* Chart entries.  With chart_period, one period read whole: its
     * entries replace every entry stored for (chart, country, period), none
     * left when there are none; without, each replaces only the stored
     * entry at its rank (a bot's saved rows, some entries of a period). */
    struct tr_chart_entry *entries;
    size_t n_entries;
    bool chart_period;
    char chart[16], country[16];
    tr_day period;
    /* Declared coverage rows (genre strings owned here): the driver merges
     * them into the store's declaration, and when that changes, drops the
     * kept claims. */
    struct tr_world_row *coverage;
    size_t n_coverage, cap_coverage;
};

/* What a reader may read of the store, as the import's transaction sees it
 * (the facts of the import's earlier files written already), answered by
 * the driver: the reader gets data, never a backend.  Results are the
 * caller's (free()). */
struct tr_import_stored {
    void *ctx;
    /* every stored observation of a series, in day order */
    int (*history)(void *ctx, uint32_t series, struct tr_point **out, size_t *n,
                   struct tr_error *err);
    /* the totals stored for the release of that id, by date then source */
    int (*release_totals)(void *ctx, const char *release, struct tr_release_total **out,
                          size_t *n, struct tr_error *err);
};

struct tr_import_ctx {
    struct tr_catalog *catalog;        /* the store's catalog, being edited */
    struct tr_obs_batch *batch;
    const struct tr_import_options *opt;
    struct tr_import_file *file;       /* counters of the file being read */
    uint64_t tracks_added;
    uint64_t bytes_done, bytes_total;  /* for progress */
    struct tr_input *input;            /* the file being read */
    struct tr_import_facts facts;      /* what it gave beside counts, for the driver */
    struct tr_import_stored stored;    /* what it may read of the store */
};

struct tr_format {
    const char *name;
    int rank;                          /* lower ranks are read first */
    /* 1 when the file looks like this format (name, first bytes) */
    int (*detect)(const struct tr_input *in, const char *head, size_t len);
    int (*read)(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err);
    bool charts;                       /* reads chart entries (chart milestones follow) */
    bool counts_only;                  /* reads play counts alone: changes the catalog only
                                        * when the import adds tracks */
};

/* The format table (formats.c), NULL-name terminated. */
extern const struct tr_format tr_formats[];
const struct tr_format *tr_format_find(const char *name);
const struct tr_format *tr_format_detect(const struct tr_input *in);

/* The helpers readers share (formats/reader.c). */

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
/* The first YYYY-MM-DD in a file name ("2025-10-01.json"), or TR_DAY_NONE:
 * the data day of formats that carry none inside. */
tr_day tr_import_name_day(const char *base);
/* Reports progress through the options' callback: pos bytes of the
 * current input have been read. */
void tr_import_progress(struct tr_import_ctx *x, size_t pos);

/* CSV helpers shared by the readers. */

/* Reads the header of in and maps names[0..n) to col[] (-1 when absent);
 * the first n_required names must be present, else TR_EFORMAT "file:1:
 * header: missing column 'name'".  The caller releases r, also on error. */
int tr_import_csv_open(struct tr_csv *r, struct tr_input *in, const char *const *names, int n,
                       int n_required, int *col, struct tr_error *err);
/* Reads the next data row, which must have as many fields as the header:
 * 1 for a row (counted in the file's rows when x is not NULL), 0 at the
 * end, or a negative error code. */
int tr_import_csv_row(struct tr_import_ctx *x, struct tr_csv *r, struct tr_error *err);
/* Copies field col of the current row, spaces around it trimmed, into buf
 * as a string cut to size - 1 bytes ("" when col < 0 or the row is short);
 * returns the trimmed length, so a result >= size means the copy was cut. */
size_t tr_import_field(const struct tr_csv *r, int col, char *buf, size_t size);

/* Sets a catalog string or list of entity i of type t, marking the entity
 * changed only when the value differs; 0 or TR_ENOMEM. */
int tr_import_set_str(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, char **f,
                      const char *v);
int tr_import_set_list(struct tr_import_ctx *x, enum tr_subject_type t, uint32_t i, uint32_t **f,
                       uint32_t *nf, const uint32_t *v, uint32_t n);
/* A track's place on a release, as a reader found it. */
struct tr_import_place {
    uint32_t release, track;
    uint64_t position;
    size_t line;
};
/* Gives each release of v[0..n) (grouped by release, in track order) the
 * tracks of its places, a track placed twice listed once; 0, or TR_ENOMEM
 * as "out of memory". */
int tr_import_track_lists(struct tr_import_ctx *x, const struct tr_import_place *v, size_t n,
                          struct tr_error *err);
/* The artist named name (id: the name in lower case, '-' for each run of
 * other characters, "J-HOPE" -> "j-hope"), added bare with that name when
 * new: 0, -1 when the name gives an empty id, or the catalog's error. */
int tr_import_artist_by_name(struct tr_catalog *c, const char *name, uint32_t *idx);

/* Hands a fact back to the driver (x->facts): 0, or TR_ENOMEM as "out of
 * memory".  A coverage row's genre is copied. */
int tr_import_add_sale(struct tr_import_ctx *x, const struct tr_sale *s, struct tr_error *err);
int tr_import_add_award(struct tr_import_ctx *x, const struct tr_award *a, struct tr_error *err);
int tr_import_add_release_total(struct tr_import_ctx *x, uint32_t release,
                                const struct tr_release_total *t, struct tr_error *err);
int tr_import_add_coverage(struct tr_import_ctx *x, const struct tr_world_row *row,
                           struct tr_error *err);
/* Frees what the facts hold and empties them. */
void tr_import_facts_release(struct tr_import_facts *f);

/* Splits a ';'-separated field into trimmed items; *items point into buf
 * (a writable copy the caller provides and frees).  Returns the count. */
uint32_t tr_split_list(char *buf, char **items, uint32_t max);

/* Readers, one group per file of formats/. */
#define TR_READER(name) \
    int name(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
TR_READER(tr_fmt_artists_read);
TR_READER(tr_fmt_releases_read);
TR_READER(tr_fmt_tracks_read);
TR_READER(tr_fmt_tracklist_read);
TR_READER(tr_fmt_streams_read);
TR_READER(tr_fmt_sales_read);      /* formats/extras.c */
TR_READER(tr_fmt_awards_read);
TR_READER(tr_fmt_coverage_read);   /* formats/coverage.c */
TR_READER(tr_fmt_charts_read);     /* formats/charts.c */
TR_READER(tr_fmt_pc_artists_read); /* formats/playcounts.c */
TR_READER(tr_fmt_pc_albums_read);
TR_READER(tr_fmt_pc_tracks_read);
TR_READER(tr_fmt_pc_playcounts_read);
TR_READER(tr_fmt_kworb_read);      /* formats/kworb.c */
TR_READER(tr_fmt_kworb_albums_read);
TR_READER(tr_fmt_album_json_read); /* formats/album_json.c */
TR_READER(tr_fmt_s4a_read);        /* formats/s4a.c */
TR_READER(tr_fmt_discography_read); /* formats/discography.c */
TR_READER(tr_fmt_chart_entries_read); /* formats/chart_entries.c */

#endif
