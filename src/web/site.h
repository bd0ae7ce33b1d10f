/*
 * web/site.h: the static site (`trackrecord site DIR`): the dashboard's
 * pages as files any static host or CDN serves, with relative links.
 *
 *   DIR/index.html                 the home page
 *   DIR/tracks/BBB/NAME.html       a page per track, release and artist
 *   DIR/releases/BBB/NAME.html     (NAME the id percent-encoded where it
 *   DIR/artists/BBB/NAME.html       is not [A-Za-z0-9._~-], BBB its folder:
 *                                   web_site_path)
 *   DIR/artists/BBB/NAME.feed.atom  an artist's feed
 *   DIR/assets/...                 the script, style sheets and uPlot
 *
 * A run rewrites only the files whose bytes changed: DIR/.trackrecord-site
 * keeps a hash of every file the last run wrote, and a page whose hash is
 * the same is left alone (so a sync to a CDN sends only what changed); the
 * files it lists that a run does not make are removed.  Each file is
 * written beside its place and renamed over it, so a reader never sees
 * half a page (in a folder the run made, in place).
 */
#ifndef TR_WEB_SITE_H
#define TR_WEB_SITE_H

#include <stdbool.h>
#include <stdint.h>

#include "trackrecord/trackrecord.h"

struct web_site_stats {
    uint64_t files;          /* files the site has */
    uint64_t written;        /* of them, written by this run */
    uint64_t bytes_written;
    uint64_t removed;        /* files of the last run's that this one did not make */
};

struct web_site_options {
    bool full;               /* trust no manifest: every file made and compared
                              * with the bytes there, written when they differ */
    int threads;             /* file-writing threads (1: none beside the caller) */
};

int web_site_write(struct tr_store *s, const char *dir, const struct web_site_options *opt,
                   struct web_site_stats *st, struct tr_error *err);

#endif
