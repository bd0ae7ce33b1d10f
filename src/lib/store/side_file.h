/*
 * side_file.h: caches kept as files beside a store (library-private).
 *
 * A cache that would cost too much written through the store's own pages
 * (the engine's checkpoint, the catalog snapshot: tens of megabytes at a
 * million tracks) lives in "STORE-NAME.N", N a generation that the store
 * names in its own transaction.  A file is written by a helper thread
 * while the transaction goes on and renamed into place before the commit,
 * which waits for it: every committed generation has its file.  After the
 * commit the one before stays (for readers that began earlier) and older
 * ones are removed; a rollback removes what the transaction wrote.
 *
 * A file is a header (magic, generation, length, an XXH64) and the bytes.
 * The XXH64 is of the bytes, or, for a kind whose readers want a few
 * records of a large file (block_shift set), of a table of one XXH64 per
 * block of 2^block_shift bytes, which lies between header and bytes: a
 * reader then checks the blocks it reads alone (tr_side_view), and a flip
 * anywhere still fails tr_side_check.  A missing or damaged file reads as
 * none: the store is complete without it.
 */
#ifndef TR_SIDE_FILE_H
#define TR_SIDE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trackrecord/error.h"

struct side_job;

/* One kind of side file of one open store. */
struct tr_side {
    const char *name;            /* the file's suffix: "checkpoint" */
    uint32_t magic;
    /* Overwrite the generation that the commit would remove (the one
     * before the committed one) instead of writing a new file: its pages
     * are in the page cache already, where a new file's must be found
     * afresh.  Only for a cache that readers read and check (whole, or
     * by blocks into their own memory): a reader still on that generation
     * then finds it damaged (none); a mapping of it would change under
     * the reader. */
    bool recycle;
    const char *store;           /* the store's path */
    /* generations (base, written] written by the open transaction */
    uint64_t base, written;
    struct side_job *job;        /* the file being written, or NULL */
    /* 0: one XXH64 of the bytes; else an XXH64 per block of 2^block_shift
     * bytes (written so; either is read) */
    uint32_t block_shift;
};

/* Starts writing len bytes of data as the generation after committed (and
 * after any this transaction wrote), which *gen receives; the caller
 * names it in its transaction.  data must stay valid until tr_side_wait;
 * with owned, the writer frees it instead.  0, TR_ENOMEM, or TR_EIO when
 * no thread could be started and the write failed (data freed if owned). */
int tr_side_put(struct tr_side *s, uint64_t committed, void *data, size_t len, bool owned,
                uint64_t *gen, struct tr_error *err);
/* Waits for the file being written: 0, or TR_EIO naming it. */
int tr_side_wait(struct tr_side *s, struct tr_error *err);
/* After the transaction: waits, then keeps or removes what it wrote. */
void tr_side_end(struct tr_side *s, bool committed);

/* Generation gen's bytes: a malloc'd copy in *data (*len bytes), or
 * *data NULL when the file is missing or damaged. */
void tr_side_read(const struct tr_side *s, uint64_t gen, void **data, size_t *len);
/* The same as a private mapping, 8-byte aligned and writable (writes stay
 * in this process): no copy and no fresh memory until a page is written.
 * The whole is checked before it returns (every block of a file checked
 * by blocks).  Released by tr_side_unmap(*data, *len, *ctx); *ctx is
 * NULL for a file of one checksum. */
void tr_side_map(const struct tr_side *s, uint64_t gen, void **data, size_t *len, void **ctx);
void tr_side_unmap(void *data, size_t len, void *ctx);
/* Whether generation gen is checked by blocks (so that tr_side_view reads
 * only what is used): 1, 0 for a file of one checksum, -1 when it is
 * missing or its header is damaged. */
int tr_side_blocks(const struct tr_side *s, uint64_t gen);
/* Generation gen read as it is used: data holds len bytes, of which
 * those tr_side_view_load gave 0 for are the file's, checked (the others
 * are zeros until loaded).  A file of one checksum is loaded and checked
 * whole at open. */
struct tr_side_view {
    uint8_t *data;
    size_t len;
    int fd;
    uint32_t shift;              /* 0: all loaded */
    uint64_t at;                 /* the file offset of data[0] */
    uint64_t *hash;              /* by block */
    uint8_t *loaded;             /* by block */
};
/* 0, or -1 when the file is missing or its header (or block table) is
 * damaged, or the file of one checksum fails it (v cleared). */
int tr_side_view_open(const struct tr_side *s, uint64_t gen, struct tr_side_view *v);
/* Reads and checks the blocks of bytes [off, off + n) not loaded yet: 0,
 * or -1 when one fails its checksum or cannot be read. */
int tr_side_view_load(struct tr_side_view *v, size_t off, size_t n);
void tr_side_view_close(struct tr_side_view *v);
/* Whether generation gen is whole: 0, or -1 with why (a phrase: "is
 * missing", "fails its checksum") in why[0..size). */
int tr_side_check(const struct tr_side *s, uint64_t gen, char *why, size_t size);
/* What a side file of this suffix holds, for messages: "catalog snapshot". */
const char *tr_side_title(const char *name);
/* Generation gen's path. */
void tr_side_path(const struct tr_side *s, uint64_t gen, char *buf, size_t size);

#endif
