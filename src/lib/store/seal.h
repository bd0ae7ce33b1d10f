/*
 * seal.h: checksums on the bytes a store keeps (library-private).
 *
 * A sealed blob is its bytes followed by TR_SEAL_LEN bytes: the XXH3-64
 * of those bytes, little-endian.  Every blob a store of blob format 2
 * writes is sealed (series chunks, tails, event log, kept claims; the
 * files beside the store carry an XXH64 in their own header), and every
 * read checks the seal, so that a damaged byte is an error or a rebuilt
 * cache, never a wrong number.  Stores of format 1 (earlier builds) keep
 * unsealed blobs: meta.blob_format tells (store.c).
 */
#ifndef TR_SEAL_H
#define TR_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_SEAL_LEN 8u
#define TR_BLOB_FORMAT "2"     /* meta.blob_format of a store whose blobs are sealed */

/* Writes the seal of p[0..len) at p + len (TR_SEAL_LEN bytes). */
void tr_seal_put(void *p, size_t len);
/* Whether p[0..len) is sealed bytes whose seal matches: the bytes are then
 * p[0..len - TR_SEAL_LEN). */
bool tr_seal_ok(const void *p, size_t len);
/* The seal's value for p[0..len), with a seed (a tail's day). */
uint64_t tr_seal_of(const void *p, size_t len, uint64_t seed);

/* The seal of bytes read in pieces. */
struct tr_seal_stream;
struct tr_seal_stream *tr_seal_stream_new(void);
void tr_seal_stream_add(struct tr_seal_stream *s, const void *p, size_t len);
/* Whether seal (the TR_SEAL_LEN bytes after the pieces) matches them; frees s. */
bool tr_seal_stream_end(struct tr_seal_stream *s, const void *seal);

#endif
