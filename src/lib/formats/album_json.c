/*
 * formats/album_json.c: a saved Spotify album play-count JSON, in either of
 * the two shapes Spotify's web player has served:
 *
 *   getAlbum (GraphQL)  data.albumUnion.tracks.items[].track
 *                       {uri, name, playcount: "123" (a string)}
 *   older               data.discs[].tracks[] {uri, name, playcount: 123}
 *                       (also accepted without the "data" wrapper)
 *
 * Each track's playcount is its cumulative count on the file's day, which
 * comes from --date, else from a YYYY-MM-DD in the file name.  Tracks are
 * resolved by the id in their uri (spotify:track:ID), as in `streams`:
 * unknown ids are refused unless --add-tracks (then added with the name).
 * Errors name the file and the JSON path of the bad value.
 */
#include "formats/importer.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One track object: uri, name, playcount. */
static int take_track(struct tr_import_ctx *x, struct tr_input *in, json_t *t, const char *where,
                      tr_day day, size_t index, struct tr_error *err)
{
    json_t *uri = json_object_get(t, "uri"), *name = json_object_get(t, "name");
    json_t *pc = json_object_get(t, "playcount");
    const char *u = json_is_string(uri) ? json_string_value(uri) : "";
    const char *id = strncmp(u, "spotify:track:", 14) == 0 ? u + 14 : NULL;
    if (!id || !*id)
        return tr_error_set(err, TR_EFORMAT, "%s: %s.uri: not a Spotify track uri: '%.80s'",
                            in->base, where, u);
    uint64_t v = 0;
    if (json_is_integer(pc) && json_integer_value(pc) >= 0) {
        v = (uint64_t)json_integer_value(pc);
    } else if (json_is_string(pc)) {
        const char *s = json_string_value(pc);
        if (!*s || strlen(s) > 19)
            return tr_error_set(err, TR_EFORMAT, "%s: %s.playcount: not a whole number: '%.40s'",
                                in->base, where, s);
        for (const char *p = s; *p; p++) {
            if (!isdigit((unsigned char)*p))
                return tr_error_set(err, TR_EFORMAT, "%s: %s.playcount: not a whole number: '%.40s'",
                                    in->base, where, s);
            v = v * 10 + (uint64_t)(*p - '0');
        }
    } else {
        return tr_error_set(err, TR_EFORMAT, "%s: %s.playcount: missing or not a number", in->base,
                            where);
    }
    uint32_t track;
    int rc = tr_import_track(x, id, strlen(id), json_is_string(name) ? json_string_value(name) : NULL,
                             index, "uri", &track, err);
    if (!rc)
        rc = tr_import_observe(x, track, day, v, index, 0, err);
    return rc;
}

int tr_fmt_album_json_read(struct tr_import_ctx *x, struct tr_input *in, struct tr_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(in->data, in->len, 0, &je);
    int rc = 0;
    char where[96];
    if (!root) {
        rc = tr_error_set(err, TR_EFORMAT, "%s:%d: %s", in->base, je.line, je.text);
        goto out;
    }
    tr_day day = x->opt->date != TR_DAY_NONE ? x->opt->date : tr_import_name_day(in->base);
    if (day == TR_DAY_NONE) {
        rc = tr_error_set(err, TR_EFORMAT, "%s: date: the file name holds no date (give --date YYYY-MM-DD)",
                          in->base);
        goto out;
    }
    if ((rc = tr_data_day_check(in->base, x->opt->date != TR_DAY_NONE ? "--date" : "date", day, err)))
        goto out;
    json_t *data = json_object_get(root, "data");
    if (!data)
        data = root;
    json_t *items = json_object_get(json_object_get(json_object_get(data, "albumUnion"), "tracks"), "items");
    json_t *discs = json_object_get(data, "discs");
    size_t index = 0;
    if (json_is_array(items)) {
        for (size_t i = 0; i < json_array_size(items) && !rc; i++) {
            snprintf(where, sizeof where, "data.albumUnion.tracks.items[%zu].track", i);
            json_t *t = json_object_get(json_array_get(items, i), "track");
            rc = json_is_object(t) ? take_track(x, in, t, where, day, ++index, err)
                                   : tr_error_set(err, TR_EFORMAT, "%s: %s: missing", in->base, where);
        }
    } else if (json_is_array(discs)) {
        for (size_t d = 0; d < json_array_size(discs) && !rc; d++) {
            json_t *tracks = json_object_get(json_array_get(discs, d), "tracks");
            if (!json_is_array(tracks)) {
                rc = tr_error_set(err, TR_EFORMAT, "%s: discs[%zu].tracks: missing", in->base, d);
                break;
            }
            for (size_t i = 0; i < json_array_size(tracks) && !rc; i++) {
                snprintf(where, sizeof where, "discs[%zu].tracks[%zu]", d, i);
                rc = take_track(x, in, json_array_get(tracks, i), where, day, ++index, err);
            }
        }
    } else {
        rc = tr_error_set(err, TR_EFORMAT, "%s: neither data.albumUnion.tracks.items nor discs[].tracks"
                          " found", in->base);
    }
    if (!rc) {
        char d[TR_DATE_LEN];
        snprintf(x->file->note, sizeof x->file->note, "%zu tracks on %s", index, tr_day_format(day, d));
    }
out:
    json_decref(root);
    return rc;
}
