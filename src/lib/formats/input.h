/*
 * input.h: a whole input file in memory, gzip undone.
 *
 * tr_input_load() reads a file (or "-" for standard input) into one
 * buffer: a regular file is mapped (its pages shared with the system's
 * cache, not copied; a file cut short by another program while it is
 * read ends the process with SIGBUS, as for any mapped file).  Bytes that start with the gzip magic (1f 8b) are inflated; the
 * checksum is always the one of the bytes as stored: it identifies the
 * file on disk (a file and its gzip copy differ).  Inputs larger than
 * TR_INPUT_MAX bytes (before or after inflating) are refused with
 * TR_ELIMIT.  A struct tr_input owns everything it points to.
 */
#ifndef TRACKRECORD_INPUT_H
#define TRACKRECORD_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/error.h"

#define TR_INPUT_MAX ((size_t)4 << 30)   /* 4 GiB */

struct tr_input {
    char *name;          /* path as given ("-" for standard input) */
    const char *base;    /* basename of name, into name; "stdin" for "-" */
    char *data;          /* contents, inflated; data[len] == '\0'; read-only when mapped */
    size_t len;
    uint64_t checksum;   /* XXH64 (seed 0) of the raw file bytes as stored on
                          * disk, once checksummed: read it through tr_input_checksum */
    bool checksummed;
    bool gzipped;        /* the stored bytes were gzip */
    size_t mapped;       /* bytes of the file mapped at data (0: data is allocated) */
};

/*
 * Reads path ("-": standard input) into *out (caller frees with
 * tr_input_free).  Errors: TR_EIO naming the path and the system's reason,
 * TR_EFORMAT for corrupt or truncated gzip data, TR_ELIMIT over
 * TR_INPUT_MAX, TR_ENOMEM.  *out is untouched on failure.
 */
int tr_input_load(const char *path, struct tr_input **out, struct tr_error *err);
/* The same with a limit of max bytes instead of TR_INPUT_MAX. */
int tr_input_load_max(const char *path, size_t max, struct tr_input **out,
                      struct tr_error *err);
/*
 * An input made from a copy of data[0..len) as if it had been read from a
 * file called name: gzip bytes are inflated and the TR_INPUT_MAX limit
 * applies.  name (required) is copied.
 */
int tr_input_from_memory(const char *name, const char *data, size_t len,
                         struct tr_input **out, struct tr_error *err);
/* The checksum of in.  A mapped file is checksummed when first asked,
 * not when loaded, so that an import can have it computed on another
 * core while it writes (one thread per input at a time). */
uint64_t tr_input_checksum(struct tr_input *in);
/* Frees in and everything it owns; NULL is a no-op. */
void tr_input_free(struct tr_input *in);

#endif
