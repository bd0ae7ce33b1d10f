/*
 * trackrecord/trackrecord.h: the whole public API.
 *
 * Ownership, once for all: a `T **out` parameter hands a new object to the
 * caller, who frees it with the matching _free/_close (or free() where a
 * function says so); a `const T *` result is borrowed from the object it
 * came from and lives as long as that object says.  Every _free(NULL) is
 * a no-op.  Functions return 0 or an enum tr_code and fill an optional
 * struct tr_error; the library never prints and never exits.
 */
#ifndef TRACKRECORD_H
#define TRACKRECORD_H

#include "trackrecord/array.h"
#include "trackrecord/catalog.h"
#include "trackrecord/chart_entry.h"
#include "trackrecord/charts.h"
#include "trackrecord/check.h"
#include "trackrecord/claims.h"
#include "trackrecord/date.h"
#include "trackrecord/error.h"
#include "trackrecord/extras.h"
#include "trackrecord/forecast.h"
#include "trackrecord/import.h"
#include "trackrecord/milestone.h"
#include "trackrecord/records.h"
#include "trackrecord/scan.h"
#include "trackrecord/store.h"

#define TRACKRECORD_VERSION "0.1.0"

#endif
