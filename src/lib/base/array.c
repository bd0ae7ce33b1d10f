/*
 * array.c: the slow path of tr_array_reserve (array.h): a new capacity, the
 * overflow checks, the realloc.  The array's pointer is read and written
 * with memcpy, so one function serves a pointer to any element type.
 */
#include "trackrecord/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16

int tr_array_grow(void *arrp, size_t *cap, size_t need, size_t size, bool zero)
{
    if (need <= *cap)
        return TR_OK;
    if (size == 0)
        return TR_EUSAGE;
    if (need > SIZE_MAX / size)
        return TR_ELIMIT;
    size_t nc = *cap <= SIZE_MAX / 2 ? *cap * 2 : need;
    if (nc < FIRST_CAP)
        nc = FIRST_CAP;
    if (nc < need || nc > SIZE_MAX / size)
        nc = need;   /* doubling would overflow: exactly what was asked */
    void *old;
    memcpy(&old, arrp, sizeof old);
    void *p = realloc(old, nc * size);
    if (!p)
        return TR_ENOMEM;
    if (zero)
        memset((char *)p + *cap * size, 0, (nc - *cap) * size);
    memcpy(arrp, &p, sizeof p);
    *cap = nc;
    return TR_OK;
}
