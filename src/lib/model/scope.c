/*
 * scope.c: the charts of chart milestones as small ids (milestone.h).
 *
 * An event names its chart ("weekly:us") by a 16-bit id rather than by 24
 * bytes of text that play-count events never use, which keeps an event at
 * 48 bytes (a million stored events are read for every day's records).
 * The names are interned once for the process and never freed; id 0 is
 * none.  Interning takes a lock; reading a name does not, since a name is
 * written before its id is published and never changes after.
 */
#include "trackrecord/milestone.h"

#include <pthread.h>
#include <string.h>
#include <xxhash.h>

#define MAX_SCOPES 65535u                 /* ids 1..MAX_SCOPES */
#define SLOTS (1u << 17)                  /* hash -> id, at most half full */

static char names[MAX_SCOPES + 1][TR_SCOPE_LEN + 1];
static uint16_t slots[SLOTS];             /* 0: free */
static uint32_t n_names;                  /* ids in use, published with release */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int tr_scope_intern(const char *name, size_t len, uint16_t *id)
{
    len = strnlen(name, len < TR_SCOPE_LEN ? len : TR_SCOPE_LEN);
    *id = 0;
    if (!len)
        return 0;
    uint32_t j = (uint32_t)XXH3_64bits(name, len) & (SLOTS - 1);
    int rc = 0;
    pthread_mutex_lock(&lock);
    for (;; j = (j + 1) & (SLOTS - 1)) {
        uint16_t s = slots[j];
        if (!s) {
            if (n_names == MAX_SCOPES) {
                rc = TR_ENOMEM;
                break;
            }
            uint32_t k = n_names + 1;
            memcpy(names[k], name, len);
            names[k][len] = '\0';
            slots[j] = (uint16_t)k;
            __atomic_store_n(&n_names, k, __ATOMIC_RELEASE);
            *id = (uint16_t)k;
            break;
        }
        if (strncmp(names[s], name, len) == 0 && names[s][len] == '\0') {
            *id = s;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

const char *tr_scope_name(uint16_t id)
{
    return id && id <= __atomic_load_n(&n_names, __ATOMIC_ACQUIRE) ? names[id] : "";
}

/* what the id buys: keep it so (docs/performance.md counts on it) */
_Static_assert(sizeof(struct tr_milestone) == 48, "a milestone event is 48 bytes");
