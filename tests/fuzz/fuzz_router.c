/*
 * fuzz_router.c: libFuzzer target for the web side's request target
 * parser and its routing of paths (src/web/router.c).
 *
 * The input is a request target ("/api/v1/x?since=..."), in a buffer of
 * exactly its size plus the NUL the server gives it.  The target checks
 * the parser's promises (a refusal is 400 or 414 with a message; an
 * accepted path starts with '/', holds no NUL and fits; at most
 * TR_WEB_MAX_PARAMS parameters, each NUL-terminated inside the request)
 * and those of the routes that take a name from the path (an asset name
 * never climbs out with "..", a subject id is never empty or holds '/').
 * The handlers the routes call are replaced here by checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/web/router.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        abort();
}

static bool inside(const struct tr_web_request *r, const char *p)
{
    return p >= r->buf && p < r->buf + sizeof r->buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *target = malloc(size + 1);
    if (!target)
        return 0;
    memcpy(target, data, size);
    target[size] = '\0';
    static struct tr_web_request req;
    struct tr_error err = {0};
    int status = tr_web_parse_target(target, &req, &err);
    if (status) {
        check(status == 400 || status == 414);
        check(err.msg[0] != '\0');
    } else {
        check(req.path[0] == '/');
        check(strlen(req.path) <= TR_WEB_MAX_PATH);
        check(req.n_params <= TR_WEB_MAX_PARAMS);
        for (size_t i = 0; i < req.n_params; i++) {
            check(inside(&req, req.params[i].name) && inside(&req, req.params[i].value));
            check(req.params[i].name[0] != '\0');
            check(inside(&req, req.params[i].value + strlen(req.params[i].value)));
        }
        /* the routes that take a name from the path */
        const char *rest = after(req.path, "/assets/");
        if (rest && asset_name_ok(rest))
            check(!strstr(rest, "..") && rest[0] != '.' && !strchr(rest, '\\'));
        enum tr_subject_type type;
        char id[256];
        const char *tail = subject_route(req.path, &type, id, sizeof id);
        if (tail)
            check(id[0] != '\0' && !strchr(id, '/') && (*tail == '\0' || *tail == '/'));
        check(!etag_matches("\"x\"", "\"0123456789abcdef\""));
    }
    free(target);
    return 0;
}

/* The handlers routes would call: never reached from the checks above. */
void tr_web_api(struct tr_web *w, const struct tr_web_request *r, const char *rest,
                struct tr_web_response *res) { abort(); }
int tr_web_feed(struct tr_web *w, enum tr_feed_format format, uint32_t artist, tr_day since,
                const char *base, struct tr_web_response *res, struct tr_error *err) { abort(); }
void tr_web_page_home(struct tr_web *w, const struct tr_web_request *r,
                      struct tr_web_response *res) { abort(); }
void tr_web_page_subject(struct tr_web *w, const struct tr_web_request *r,
                         enum tr_subject_type type, uint32_t index,
                         struct tr_web_response *res) { abort(); }
void tr_web_page_asset(struct tr_web *w, const struct tr_web_request *r, const char *name,
                       struct tr_web_response *res) { abort(); }
void tr_web_search_free(struct tr_web_search *s) {}
void tr_web_pages_free(struct web_pages *p) {}
/* the threads' shared cache (src/web/shared.c): not reached either */
uint64_t tr_web_shared_epoch(struct tr_web_shared *sh) { abort(); }
uint64_t tr_web_shared_moved(struct tr_web_shared *sh) { abort(); }
bool tr_web_shared_get(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res) { abort(); }
void tr_web_shared_put(struct tr_web_shared *sh, uint64_t epoch, const char *key,
                       struct tr_web_response *res) { abort(); }
void tr_web_kept_release(struct tr_web_kept *k) { abort(); }
void tr_web_forecasts_done(struct tr_web *w) {}
