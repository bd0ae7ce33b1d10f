/*
 * crash_point.h: named points at which a test build dies (library-private).
 *
 * The crash test (tests/crash/) kills imports at random moments; to land
 * in the narrow windows too (a commit, a side file half written), a build
 * made with -DTR_CRASH_POINTS kills itself with SIGKILL at the point that
 * TRACKRECORD_CRASH_AT names: "NAME" (its first pass) or "NAME:N" (its
 * Nth).  Other builds compile the calls to nothing: a user's binary has
 * no such switch.
 *
 * The points: "import.read" (files read, nothing written), "import.write"
 * (the catalog and series written, the events not), "commit.begin",
 * "commit.sides" (the side files in place, the database not committed),
 * "commit.done" (committed, the older side files not yet removed),
 * "side.half" (a side file half written), "side.rename" (written, not yet
 * renamed into place), and "sqlite.write", "sqlite.sync" (the Nth write or
 * sync of any of the store's files, through the VFS crash_point.c adds).
 */
#ifndef TR_CRASH_POINT_H
#define TR_CRASH_POINT_H

#ifdef TR_CRASH_POINTS
void tr_crash_point(const char *name);
/* Puts the counting VFS in front of SQLite's default one (once). */
void tr_crash_vfs_install(void);
#else
static inline void tr_crash_point(const char *name) { (void)name; }
static inline void tr_crash_vfs_install(void) {}
#endif

#endif
