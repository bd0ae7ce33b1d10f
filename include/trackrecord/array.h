/*
 * trackrecord/array.h: growable arrays, the one place that grows them
 * (the library, the command line and the server alike; base/array.c).
 *
 * An array is a pointer, its count and its capacity, kept by the caller in
 * whatever struct holds them; tr_array_reserve() makes room for `need`
 * elements, doubling the capacity (at least 16) so that n pushes cost O(n)
 * copies.  A size that does not fit a size_t is refused (TR_ELIMIT), never
 * wrapped.  On failure the array, its elements and its capacity are as they
 * were, so the caller frees what it had.  On success the old pointer is
 * invalid: the array may have moved.
 *
 *     if ((rc = tr_array_reserve(&v, &cap, n + 1)))
 *         goto out;
 *     v[n++] = x;
 */
#ifndef TRACKRECORD_ARRAY_H
#define TRACKRECORD_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

#include "trackrecord/error.h"

/* Room for need elements of size bytes in the array *arrp points to (a
 * pointer to any object pointer, `T **`), whose capacity is *cap elements.
 * With zero, the elements beyond the old capacity are zeroed.  TR_OK,
 * TR_ELIMIT (need * size overflows) or TR_ENOMEM. */
int tr_array_grow(void *arrp, size_t *cap, size_t need, size_t size, bool zero);

/* The same, inline while the room is there (the common case). */
static inline int tr_array_reserve_size(void *arrp, size_t *cap, size_t need, size_t size,
                                        bool zero)
{
    return need <= *cap ? TR_OK : tr_array_grow(arrp, cap, need, size, zero);
}

/* Room for need elements of the array *arrp (T **arrp, capacity *cap). */
#define tr_array_reserve(arrp, cap, need) \
    tr_array_reserve_size((arrp), (cap), (need), sizeof **(arrp), false)
/* The same, the new elements zeroed (an array indexed by id, read past n). */
#define tr_array_reserve_zeroed(arrp, cap, need) \
    tr_array_reserve_size((arrp), (cap), (need), sizeof **(arrp), true)

#endif
