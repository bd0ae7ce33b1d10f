/*
 * records_text.c: the words of the records engine.
 *
 * Group names ("Korean solo artist", "K-pop male act", "album by a K-pop
 * male act") are built from the attributes in a fixed order: demonym,
 * genre, gender, then the noun for the kind; a country without a demonym in
 * the table is said "from XX".  A post is the event's sentence followed by
 * one sentence per way of naming the subject: the artist ("V is the first
 * Korean solo artist to achieve this, and the fastest K-pop male act (170
 * days).") or, for groups that name a release type, the release ("Layover
 * is the first album by a Korean solo artist to achieve this.").  Posts are
 * held to 280 characters as X counts them: claims that do not fit are left
 * out from the last, then long names are shortened.
 */
#include "trackrecord/records.h"
#include "trackrecord/array.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POST_MAX_CHARS 280

const char *tr_records_claim_name(enum tr_claim_kind k)
{
    switch (k) {
    case TR_CLAIM_FIRST: return "first";
    case TR_CLAIM_ONLY: return "only";
    case TR_CLAIM_FIRST_AND_ONLY: return "first_and_only";
    case TR_CLAIM_FASTEST: return "fastest";
    }
    return "?";
}

const char *tr_records_doubt_name(enum tr_claim_doubt d)
{
    switch (d) {
    case TR_DOUBT_NONE: return "";
    case TR_DOUBT_OWN_DATE: return "own_date";
    case TR_DOUBT_OTHERS: return "others";
    }
    return "?";
}

const char *tr_records_scope_name(enum tr_claim_scope s)
{
    return s == TR_CLAIM_WORLD ? "world" : "tracked";
}

bool tr_records_postable(const struct tr_claim *cl)
{
    return cl->scope == TR_CLAIM_WORLD && !cl->uncertain;
}

/* ISO 3166 alpha-2 code -> demonym, sorted by code. */
static const struct {
    char code[3];
    const char *demonym;
} demonyms[] = {
    {"AE", "Emirati"},      {"AR", "Argentine"},    {"AT", "Austrian"},
    {"AU", "Australian"},   {"BE", "Belgian"},      {"BR", "Brazilian"},
    {"CA", "Canadian"},     {"CH", "Swiss"},        {"CL", "Chilean"},
    {"CN", "Chinese"},      {"CO", "Colombian"},    {"CU", "Cuban"},
    {"CZ", "Czech"},        {"DE", "German"},       {"DK", "Danish"},
    {"DO", "Dominican"},    {"EG", "Egyptian"},     {"ES", "Spanish"},
    {"FI", "Finnish"},      {"FR", "French"},       {"GB", "British"},
    {"GH", "Ghanaian"},     {"GR", "Greek"},        {"HK", "Hong Kong"},
    {"HU", "Hungarian"},    {"ID", "Indonesian"},   {"IE", "Irish"},
    {"IL", "Israeli"},      {"IN", "Indian"},       {"IS", "Icelandic"},
    {"IT", "Italian"},      {"JM", "Jamaican"},     {"JP", "Japanese"},
    {"KR", "Korean"},       {"KZ", "Kazakh"},       {"MN", "Mongolian"},
    {"MX", "Mexican"},      {"MY", "Malaysian"},    {"NG", "Nigerian"},
    {"NL", "Dutch"},        {"NO", "Norwegian"},    {"NZ", "New Zealand"},
    {"PE", "Peruvian"},     {"PH", "Filipino"},     {"PK", "Pakistani"},
    {"PL", "Polish"},       {"PR", "Puerto Rican"}, {"PT", "Portuguese"},
    {"RO", "Romanian"},     {"RU", "Russian"},      {"SA", "Saudi"},
    {"SE", "Swedish"},      {"SG", "Singaporean"},  {"TH", "Thai"},
    {"TR", "Turkish"},      {"TW", "Taiwanese"},    {"UA", "Ukrainian"},
    {"US", "American"},     {"VE", "Venezuelan"},   {"VN", "Vietnamese"},
    {"ZA", "South African"},
};

static const char *demonym(const char *code)
{
    size_t lo = 0, hi = sizeof demonyms / sizeof demonyms[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(demonyms[mid].code, code, 2);
        if (c == 0)
            return demonyms[mid].demonym;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* How posts write a genre that the catalog keeps in lower case. */
static const char *genre_display(const char *g)
{
    static const struct {
        const char *key, *shown;
    } names[] = {
        {"k-pop", "K-pop"}, {"j-pop", "J-pop"}, {"c-pop", "C-pop"}, {"t-pop", "T-pop"},
        {"p-pop", "P-pop"}, {"r&b", "R&B"},     {"edm", "EDM"},     {"k-rock", "K-rock"},
        {"j-rock", "J-rock"}, {"k-r&b", "K-R&B"}, {"k-hip hop", "K-hip hop"},
        {"ost", "OST"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].key, g) == 0)
            return names[i].shown;
    return g;
}

/* "a" or "an" before word, by its sound: acronyms by their first letter's
 * name, words by their first letter, with the usual "you" exceptions. */
static const char *article(const char *word)
{
    char c = word[0];
    bool acronym = word[1] && ((word[1] >= 'A' && word[1] <= 'Z') || word[1] == '&');
    if (c >= 'A' && c <= 'Z' && acronym)
        return strchr("AEFHILMNORSX", c) ? "an" : "a";
    if (!strncmp(word, "Eu", 2) || !strncmp(word, "Uk", 2) || !strncmp(word, "Uni", 3) ||
        !strncmp(word, "Uru", 3))
        return "a";
    return strchr("AEIOUaeiou", c) && c ? "an" : "a";
}

struct sb {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (tr_array_reserve(&b->p, &b->cap, b->len + n + 1)) {
        b->oom = true;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sb *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

/* Appends s, cut to at most limit code points with an ellipsis. */
static void sb_name(struct sb *b, const char *s, size_t limit)
{
    size_t cps = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (cps == limit)
            break;
        cps++;
    }
    if (!s[i]) {
        sb_str(b, s);
        return;
    }
    size_t cut = i > 0 && limit > 0 ? i : 0;
    /* leave room for the ellipsis: drop the last code point kept */
    while (cut > 0) {
        cut--;
        if (((unsigned char)s[cut] & 0xC0) != 0x80)
            break;
    }
    while (cut > 0 && s[cut - 1] == ' ')
        cut--;
    sb_put(b, s, cut);
    sb_str(b, "\xE2\x80\xA6");
}

static void artist_phrase(struct sb *b, const struct tr_group *g)
{
    const char *dem = g->country[0] ? demonym(g->country) : NULL;
    bool from = g->country[0] && !dem;
    if (dem) {
        sb_str(b, dem);
        sb_str(b, " ");
    }
    if (g->genre) {
        sb_str(b, genre_display(g->genre));
        sb_str(b, " ");
    }
    switch (g->gender) {
    case TR_GENDER_MALE: sb_str(b, "male "); break;
    case TR_GENDER_FEMALE: sb_str(b, "female "); break;
    case TR_GENDER_MIXED: sb_str(b, g->kind == TR_KIND_GROUP ? "mixed " : "mixed-gender "); break;
    default: break;
    }
    sb_str(b, g->kind == TR_KIND_SOLO ? "solo artist" : g->kind == TR_KIND_GROUP ? "group" : "act");
    if (from) {
        sb_str(b, " from ");
        sb_put(b, g->country, strnlen(g->country, 2));
    }
}

static const char *type_noun(enum tr_release_type t)
{
    switch (t) {
    case TR_RELEASE_ALBUM: return "album";
    case TR_RELEASE_EP: return "EP";
    case TR_RELEASE_SINGLE: return "single";
    case TR_RELEASE_COMPILATION: return "compilation";
    default: return "release";
    }
}

static void group_phrase(struct sb *b, const struct tr_group *g, enum tr_subject_type st)
{
    if (st != TR_SUBJECT_RELEASE || g->release_type == TR_RELEASE_UNKNOWN) {
        artist_phrase(b, g);
        return;
    }
    struct sb a = {0};
    artist_phrase(&a, g);
    sb_str(b, type_noun(g->release_type));
    if (!a.oom && !strcmp(a.p, "act")) {         /* no artist attribute: "album" */
        free(a.p);
        return;
    }
    sb_str(b, " by ");
    if (a.oom) {
        b->oom = true;
    } else {
        sb_str(b, article(a.p));
        sb_str(b, " ");
        sb_str(b, a.p);
    }
    free(a.p);
}

int tr_records_group_name(const struct tr_group *g, enum tr_subject_type st, char *buf,
                          size_t size)
{
    if (!g || !buf || !size)
        return TR_EUSAGE;
    struct sb b = {0};
    group_phrase(&b, g, st);
    if (b.oom) {
        free(b.p);
        buf[0] = '\0';
        return TR_ENOMEM;
    }
    int rc = b.len < size ? TR_OK : TR_ELIMIT;
    snprintf(buf, size, "%s", b.p);
    free(b.p);
    return rc;
}

int tr_records_evidence(const struct tr_claim *cl, enum tr_subject_type st, char *buf,
                        size_t size)
{
    if (!cl || !buf || !size)
        return TR_EUSAGE;
    const char *noun = st == TR_SUBJECT_TRACK ? "track" : st == TR_SUBJECT_ARTIST ? "artist"
                     : cl->group.release_type != TR_RELEASE_UNKNOWN ? type_noun(cl->group.release_type)
                     : "release";
    int n = snprintf(buf, size, "%u of %u %s%s reached it by then", cl->reached, cl->members, noun,
                     cl->members == 1 ? "" : "s");
    if (n >= 0 && (size_t)n < size && cl->unsettled)
        n += snprintf(buf + n, size - (size_t)n, ", %u unsettled", cl->unsettled);
    return n >= 0 && (size_t)n < size ? TR_OK : TR_ELIMIT;
}

/* X's weighted length: most scripts count 1, CJK and the rest 2. */
static size_t x_length(const char *s)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int extra;
        if (*p < 0x80) { cp = *p; extra = 0; }
        else if ((*p & 0xE0) == 0xC0) { cp = *p & 0x1F; extra = 1; }
        else if ((*p & 0xF0) == 0xE0) { cp = *p & 0x0F; extra = 2; }
        else { cp = *p & 0x07; extra = 3; }
        p++;
        for (; extra > 0 && (*p & 0xC0) == 0x80; extra--, p++)
            cp = cp << 6 | (*p & 0x3F);
        bool light = cp <= 0x10FF || (cp >= 0x2000 && cp <= 0x200D) ||
                     (cp >= 0x2010 && cp <= 0x201F) || (cp >= 0x2032 && cp <= 0x2037);
        n += light ? 1 : 2;
    }
    return n;
}

static const char *or_id(const char *name, const char *id)
{
    return name && *name ? name : id && *id ? id : "?";
}

struct post_ctx {
    const struct tr_catalog *c;
    const struct tr_milestone *ev;
    const struct tr_claim *claims;
    const char *title;                /* the subject's own name */
    const char *artist;               /* its primary artist's name, or NULL */
};

static bool by_release(const struct post_ctx *x, const struct tr_claim *cl)
{
    return x->ev->subject_type == TR_SUBJECT_RELEASE &&
           cl->group.release_type != TR_RELEASE_UNKNOWN;
}

/* Claims the post states: world claims, and an act claim only with an
 * act to name. */
static bool stated(const struct post_ctx *x, const struct tr_claim *cl, bool release)
{
    return cl->scope == TR_CLAIM_WORLD && by_release(x, cl) == release && (release || x->artist);
}

static const char *const months[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};

/* " since January 2019" (a first of the month) or " since January 4, 2019"
 * for chart periods; " (releases since ...)" for play counts, whose
 * coverage is of the releases out since that day. */
static void since_phrase(struct sb *b, const struct post_ctx *x, tr_day since)
{
    int y, m, d;
    char when[48];
    tr_day_to_ymd(since, &y, &m, &d);
    if (d == 1)
        snprintf(when, sizeof when, "%s %d", months[m - 1], y);
    else
        snprintf(when, sizeof when, "%s %d, %d", months[m - 1], d, y);
    if (TR_MS_IS_CHART(x->ev->kind)) {
        sb_str(b, " since ");
        sb_str(b, when);
    } else {
        sb_str(b, x->ev->subject_type == TR_SUBJECT_TRACK ? " (tracks out since " : " (releases out since ");
        sb_str(b, when);
        sb_str(b, ")");
    }
}

static void claim_phrase(struct sb *b, const struct post_ctx *x, const struct tr_claim *cl,
                         bool lead)
{
    if (cl->uncertain)
        sb_str(b, "possibly ");
    sb_str(b, "the ");
    switch (cl->kind) {
    case TR_CLAIM_FIRST: sb_str(b, cl->joint ? "joint first " : "first "); break;
    case TR_CLAIM_ONLY: sb_str(b, "only "); break;
    case TR_CLAIM_FIRST_AND_ONLY: sb_str(b, "first and only "); break;
    case TR_CLAIM_FASTEST: sb_str(b, cl->joint ? "joint fastest " : "fastest "); break;
    }
    group_phrase(b, &cl->group, x->ev->subject_type);
    if (cl->scope == TR_CLAIM_TRACKED) {     /* true of the store: said so */
        char acts[48];
        snprintf(acts, sizeof acts, " among the %u tracked act%s", cl->tracked_members,
                 cl->tracked_members == 1 ? "" : "s");
        sb_str(b, acts);
    } else if (cl->since != TR_DAY_NONE) {
        since_phrase(b, x, cl->since);
    }
    if (lead)
        sb_str(b, " to achieve this");
    if (cl->kind == TR_CLAIM_FASTEST && cl->day != TR_DAYN_NONE) {
        char d[32];
        snprintf(d, sizeof d, " (%d day%s)", (int)cl->day, cl->day == 1 ? "" : "s");
        sb_str(b, d);
    }
}

/* One sentence with the claims (of the first n) named the same way. */
static void claims_sentence(struct sb *b, const struct post_ctx *x, size_t n, bool release,
                            size_t limit)
{
    size_t total = 0, done = 0;
    for (size_t i = 0; i < n; i++)
        total += stated(x, &x->claims[i], release);
    if (!total)
        return;
    sb_str(b, " ");
    sb_name(b, release ? x->title : x->artist, limit);
    sb_str(b, " is ");
    for (size_t i = 0; i < n; i++) {
        if (!stated(x, &x->claims[i], release))
            continue;
        if (done)
            sb_str(b, done + 1 == total ? ", and " : ", ");
        claim_phrase(b, x, &x->claims[i], done == 0);
        done++;
    }
    sb_str(b, ".");
}

/* "Spotify's weekly US chart" from a scope "weekly:us". */
static void chart_phrase(struct sb *b, const char *scope)
{
    const char *colon = strchr(scope, ':');
    char chart[16] = "", country[16] = "";
    if (colon) {
        snprintf(chart, sizeof chart, "%.*s", (int)(colon - scope), scope);
        snprintf(country, sizeof country, "%s", colon + 1);
    }
    if (strcmp(country, "global") == 0)
        snprintf(country, sizeof country, "Global");
    else
        for (char *p = country; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    sb_str(b, "Spotify's ");
    sb_str(b, chart);
    sb_str(b, " ");
    sb_str(b, country);
    sb_str(b, " chart");
}

/* The opening sentence of a chart milestone. */
static void chart_sentence(struct sb *b, const struct post_ctx *x)
{
    const struct tr_milestone *ev = x->ev;
    char n[32];
    if (ev->kind == TR_MS_CHART_PERIODS) {
        snprintf(n, sizeof n, " has now spent %llu %s on ", (unsigned long long)ev->threshold,
                 strncmp(tr_scope_name(ev->scope), "daily", 5) == 0 ? "days" : "weeks");
        sb_str(b, n);
    } else {
        sb_str(b, ev->kind == TR_MS_CHART_DEBUT ? " debuted " : " reached ");
        if (ev->threshold == 1)
            sb_str(b, ev->kind == TR_MS_CHART_DEBUT ? "at #1 on " : "#1 on ");
        else {
            snprintf(n, sizeof n, "%sthe top %llu of ", ev->kind == TR_MS_CHART_DEBUT ? "in " : "",
                     (unsigned long long)ev->threshold);
            sb_str(b, n);
        }
    }
    chart_phrase(b, tr_scope_name(ev->scope));
    sb_str(b, ".");
}

static void build_post(struct sb *b, const struct post_ctx *x, size_t n, size_t limit)
{
    char count[32];
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
    tr_count_format(x->ev->threshold, count, sizeof count);
    if (TR_MS_IS_CHART(x->ev->kind)) {
        sb_name(b, x->title, limit);
        if (x->artist) {
            sb_str(b, " by ");
            sb_name(b, x->artist, limit);
        }
        chart_sentence(b, x);
        claims_sentence(b, x, n, false, limit);
        return;
    }
    if (x->ev->kind == TR_MS_EVERY_TRACK) {
        sb_str(b, "Every track on ");
        sb_name(b, x->title, limit);
    } else {
        sb_name(b, x->title, limit);
        if (x->ev->kind != TR_MS_ARTIST_TOTAL && x->artist) {
            sb_str(b, " by ");
            sb_name(b, x->artist, limit);
        }
    }
    sb_str(b, " has now passed ");
    sb_str(b, count);
    sb_str(b, " streams on Spotify.");
    claims_sentence(b, x, n, false, limit);
    claims_sentence(b, x, n, true, limit);
}

/* The names a post uses for the event's subject; TR_EUSAGE when it is not
 * in the catalog. */
static int ctx_init(struct post_ctx *x, const struct tr_catalog *c, const struct tr_milestone *ev,
                    const struct tr_claim *claims)
{
    *x = (struct post_ctx){c, ev, claims, NULL, NULL};
    uint32_t artist = TR_NONE;
    switch (ev->subject_type) {
    case TR_SUBJECT_TRACK:
        if (ev->subject >= c->n_tracks)
            return TR_EUSAGE;
        x->title = or_id(c->tracks[ev->subject].title, c->tracks[ev->subject].id);
        /* the recording's act, as the engine judged it */
        const struct tr_track *canon = &c->tracks[tr_catalog_canonical_track(c, ev->subject)];
        if (canon->n_artists)
            artist = canon->artists[0];
        break;
    case TR_SUBJECT_RELEASE:
        if (ev->subject >= c->n_releases)
            return TR_EUSAGE;
        x->title = or_id(c->releases[ev->subject].title, c->releases[ev->subject].id);
        if (c->releases[ev->subject].n_artists)
            artist = c->releases[ev->subject].artists[0];
        break;
    case TR_SUBJECT_ARTIST:
        if (ev->subject >= c->n_artists)
            return TR_EUSAGE;
        artist = ev->subject;
        x->title = or_id(c->artists[artist].name, c->artists[artist].id);
        break;
    default:
        return TR_EUSAGE;
    }
    if (artist < c->n_artists)
        x->artist = or_id(c->artists[artist].name, c->artists[artist].id);
    return TR_OK;
}

int tr_records_claim_text(const struct tr_catalog *c, const struct tr_milestone *ev,
                          const struct tr_claim *cl, char *buf, size_t size)
{
    struct post_ctx x;
    if (!c || !ev || !cl || !buf || !size)
        return TR_EUSAGE;
    buf[0] = '\0';
    int rc = ctx_init(&x, c, ev, cl);
    if (rc)
        return rc;
    bool release = by_release(&x, cl);
    if (!release && !x.artist)
        return TR_OK;                         /* no act to name */
    struct sb b = {0};
    sb_str(&b, release ? x.title : x.artist);
    sb_str(&b, " is ");
    claim_phrase(&b, &x, cl, true);
    sb_str(&b, ".");
    rc = b.oom ? TR_ENOMEM : b.len < size ? TR_OK : TR_ELIMIT;
    if (!b.oom)
        snprintf(buf, size, "%s", b.p);
    free(b.p);
    return rc;
}

int tr_records_post(const struct tr_catalog *c, const struct tr_milestone *ev,
                    const struct tr_claim *claims, size_t n, char *buf, size_t size)
{
    if (!c || !ev || !buf || !size || (n && !claims))
        return TR_EUSAGE;
    buf[0] = '\0';
    struct post_ctx x;
    int rc0 = ctx_init(&x, c, ev, claims);
    if (rc0)
        return rc0;

    static const size_t limits[] = {SIZE_MAX, 120, 80, 50, 30, 16, 8};
    struct sb b = {0};
    size_t use = n, li = 0;
    for (;;) {
        build_post(&b, &x, use, limits[li]);
        if (b.oom || x_length(b.p) <= POST_MAX_CHARS)
            break;
        if (use > 0)
            use--;
        else if (li + 1 < sizeof limits / sizeof limits[0])
            li++;
        else
            break;
    }
    int rc = b.oom ? TR_ENOMEM : b.len < size ? TR_OK : TR_ELIMIT;
    if (!b.oom)
        snprintf(buf, size, "%s", b.p);
    free(b.p);
    return rc;
}

int tr_records_post_published(const struct tr_catalog *c, const struct tr_milestone *ev,
                              const struct tr_claim *claims, size_t n, size_t *n_posted,
                              char *buf, size_t size)
{
    enum { POSTED_MAX = 64 };
    struct tr_claim posted[POSTED_MAX];
    size_t np = 0;
    for (size_t i = 0; i < n && np < POSTED_MAX; i++)
        if (tr_records_postable(&claims[i]))
            posted[np++] = claims[i];
    if (n_posted)
        *n_posted = np;
    return tr_records_post(c, ev, np ? posted : NULL, np, buf, size);
}
