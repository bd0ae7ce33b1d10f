/*
 * web/assets.h: the dashboard's static files (its script and style sheet,
 * uPlot's), compiled into the binary from src/web/assets/ and the npm
 * packages the build installs (scripts/embed-assets.sh writes the table).
 */
#ifndef TR_WEB_ASSETS_H
#define TR_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *name;        /* "app.js": served as /assets/app.js */
    const char *data;        /* NUL-terminated (the NUL not counted) */
    size_t size;
};

/* Every asset, ended by an entry whose name is NULL. */
extern const struct web_asset web_assets[];

/* The asset called name, or NULL. */
const struct web_asset *web_asset_find(const char *name);
/* Its Content-Type, from the name's extension. */
const char *web_asset_type(const struct web_asset *a);

#endif
