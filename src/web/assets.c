/* assets.c: finding an embedded asset (the table is generated). */
#include "web/assets.h"

#include <string.h>

const struct web_asset *web_asset_find(const char *name)
{
    for (const struct web_asset *a = web_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

const char *web_asset_type(const struct web_asset *a)
{
    const char *dot = strrchr(a->name, '.');
    if (dot && strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (dot && strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    return "application/octet-stream";
}
