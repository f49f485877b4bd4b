/*
 * gazetteer.c - geocode place names against an offline GeoNames extract
 * (layers/gazetteer/corridor_places.tsv, derived from GeoNames cities500 by
 * scripts/layers/build-gazetteer; GeoNames, CC BY 4.0).
 *
 * Every place contributes keys: its name, ASCII name and Latin-script
 * alternate names, folded (lower case, accents stripped, punctuation to one
 * blank; senda__fold). Keys are sorted once; a lookup is a binary search,
 * O(log keys + matches). A text "Name, Qualifier, ..." (or "Name
 * (Qualifier)") keeps the candidates whose admin1 name or country (name or
 * ISO code) matches every qualifier. Places whose primary or ASCII name
 * matches are preferred to alternate-name matches (so "Tapachula" is not
 * ambiguous with a village that lists it as an alias). Several candidates are
 * one place when they share admin1 and lie within 10 km of the most populous
 * (GeoNames often lists a town and its seat); otherwise the name is
 * ambiguous and the candidates are listed. The precision of a hit is the
 * locality point (GeoNames' PPL coordinate), not the street address.
 * A name's generic leading word ("Ciudad", "Villa", "Heroica", "Puerto") may be
 * left out ("Tecún Umán" finds "Ciudad Tecún Umán"): the shortened name is an
 * alternate key. A qualifier may be the start of the state's name ("Oax.").
 * A name not found lists up to five places with the closest names ("did you
 * mean"): Levenshtein distance on the folded keys, at most a third of the
 * name's length, or keys holding the name as whole words; O(keys x length^2)
 * per miss.
 * Memory: the file text plus about 40 bytes per key (the bundled extract:
 * 9,234 places, under 2 MB in all).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/gazetteer_int.h"
#include "io/io_int.h"

typedef struct {
    const char *key; /* folded */
    unsigned place;
    unsigned primary; /* 1 for the name or ASCII name, 0 for an alternate */
} gaz_key;

struct senda__gazetteer {
    char *text;
    senda__place *places;
    size_t n_places;
    gaz_key *keys;
    size_t n_keys;
    char *key_text;
};

#define GAZ_SAME_PLACE_KM 10.0

/* U+00C0..U+00FF folded to ASCII (UTF-8 lead byte 0xC3, second 0x80..0xBF). */
static const char latin1_fold[] = "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";

size_t senda__fold(const char *s, char *out, size_t n)
{
    size_t len = 0;
    int space = 1; /* suppress leading blanks */
    for (const unsigned char *p = (const unsigned char *)s; *p && len + 1 < n; p++) {
        char c = ' ';
        if (*p < 0x80 && isalnum(*p)) {
            c = (char)tolower(*p);
        } else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            c = latin1_fold[p[1] - 0x80];
            p++;
        } else if (*p >= 0x80) {
            while ((p[1] & 0xC0) == 0x80) /* skip the rest of the sequence */
                p++;
        }
        if (c == ' ') {
            if (!space)
                out[len++] = ' ';
            space = 1;
        } else {
            out[len++] = c;
            space = 0;
        }
    }
    while (len > 0 && out[len - 1] == ' ')
        len--;
    if (n)
        out[len] = '\0';
    return len;
}


const char *senda__gazetteer_default_path(void)
{
    const char *env = getenv("SENDA_GAZETTEER");
    if (env && env[0])
        return env;
    return senda__data_gazetteer();
}

void senda__gazetteer_close(senda__gazetteer *g)
{
    if (!g)
        return;
    senda__free(g->text);
    senda__free(g->places);
    senda__free(g->keys);
    senda__free(g->key_text);
    senda__free(g);
}

static int key_cmp(const void *a, const void *b)
{
    const gaz_key *ka = a, *kb = b;
    int c = strcmp(ka->key, kb->key);
    if (c)
        return c;
    if (ka->primary != kb->primary)
        return ka->primary ? -1 : 1;
    return ka->place < kb->place ? -1 : ka->place > kb->place;
}

static senda_status read_all(senda_ctx *ctx, const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open the gazetteer", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    senda_status st = SENDA_OK;
    if (n < 0)
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: cannot read the gazetteer", path);
    else if (!(*out = senda__malloc(ctx, (size_t)n + 1)))
        st = SENDA_ERR_NOMEM;
    if (st == SENDA_OK) {
        *len = fread(*out, 1, (size_t)n, fp);
        (*out)[*len] = '\0';
    }
    fclose(fp);
    return st;
}

/* Split line into up to n tab-separated fields, in place. */
static size_t split_tabs(char *line, char **f, size_t n)
{
    size_t k = 0;
    f[k++] = line;
    for (char *p = line; *p && k < n; p++)
        if (*p == '\t') {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

/* Add the folded key of s for place i, writing into key_text at *used. */
static void add_key(senda__gazetteer *g, const char *s, unsigned i, unsigned primary,
                    size_t *used, size_t cap)
{
    if (*used + 256 > cap)
        return;
    size_t len = senda__fold(s, g->key_text + *used, 256);
    if (!len)
        return;
    for (size_t k = g->n_keys; k-- > 0 && g->keys[k].place == i;) /* one key per spelling */
        if (strcmp(g->keys[k].key, g->key_text + *used) == 0)
            return;
    g->keys[g->n_keys].key = g->key_text + *used;
    g->keys[g->n_keys].place = i;
    g->keys[g->n_keys++].primary = primary;
    *used += len + 1;
}

/* Generic leading words of town names that people leave out ("Tecún Umán" for
 * "Ciudad Tecún Umán"), longest first; folded. */
static const char *const name_prefixes[] = {"heroica ciudad de ", "heroica ciudad ", "ciudad de ",
                                            "heroica ", "ciudad ", "villa de ", "villa ",
                                            "puerto ", NULL};

/* The name without its generic leading word also finds the place (as an
 * alternate name: a place named so exactly is preferred). */
static void add_unprefixed(senda__gazetteer *g, const char *s, unsigned i, size_t *used,
                           size_t cap)
{
    char f[256];
    senda__fold(s, f, sizeof f);
    for (size_t k = 0; name_prefixes[k]; k++) {
        size_t l = strlen(name_prefixes[k]);
        if (strncmp(f, name_prefixes[k], l) == 0 && f[l]) {
            add_key(g, f + l, i, 0, used, cap);
            return;
        }
    }
}

static senda_status index_places(senda_ctx *ctx, senda__gazetteer *g, size_t n_lines)
{
    size_t cap_keys = 0, cap_text = 0;
    char *p = g->text;
    /* upper bounds: every comma of a line can start an alternate name */
    for (const char *q = p; *q; q++)
        cap_keys += *q == ',', cap_text += 1;
    cap_keys += 4 * n_lines + 1;
    cap_text = 2 * cap_text + 256 * 4;
    g->places = senda__calloc(ctx, n_lines ? n_lines : 1, sizeof *g->places);
    g->keys = senda__calloc(ctx, cap_keys, sizeof *g->keys);
    g->key_text = senda__malloc(ctx, cap_text);
    if (!g->places || !g->keys || !g->key_text)
        return SENDA_ERR_NOMEM;
    size_t used = 0;
    char *line = strchr(p, '\n'); /* skip the header */
    line = line ? line + 1 : p + strlen(p);
    while (*line) {
        char *next = strchr(line, '\n');
        if (next)
            *next = '\0';
        char *f[11];
        if (split_tabs(line, f, 11) == 11) {
            senda__place *pl = &g->places[g->n_places];
            pl->name = f[1];
            pl->lat = atof(f[4]);
            pl->lon = atof(f[5]);
            pl->country = f[7];
            pl->admin1_code = f[8];
            pl->admin1 = f[9];
            pl->population = atol(f[10]);
            unsigned i = (unsigned)g->n_places++;
            add_key(g, f[1], i, 1, &used, cap_text);
            add_key(g, f[2], i, 1, &used, cap_text);
            add_unprefixed(g, f[2], i, &used, cap_text);
            char *save = NULL; /* strtok_r: thread-safe */
            for (char *a = strtok_r(f[3], ",", &save); a; a = strtok_r(NULL, ",", &save))
                add_key(g, a, i, 0, &used, cap_text);
        }
        line = next ? next + 1 : line + strlen(line);
    }
    qsort(g->keys, g->n_keys, sizeof *g->keys, key_cmp);
    return SENDA_OK;
}

senda_status senda__gazetteer_open(senda_ctx *ctx, const char *path, senda__gazetteer **out)
{
    *out = NULL;
    if (!path)
        path = senda__gazetteer_default_path();
    senda__gazetteer *g = senda__calloc(ctx, 1, sizeof *g);
    if (!g)
        return SENDA_ERR_NOMEM;
    size_t len = 0, n_lines = 0;
    senda_status st = SENDA_OK;
    if ((st = read_all(ctx, path, &g->text, &len)) != SENDA_OK)
        goto done;
    if (strncmp(g->text, "geonameid\tname\tasciiname\talternatenames", 39) != 0) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s: not a senda gazetteer (header geonameid, "
                         "name, asciiname, alternatenames, ...)", path);
        goto done;
    }
    for (size_t i = 0; i < len; i++)
        n_lines += g->text[i] == '\n';
    st = index_places(ctx, g, n_lines + 1);
done:
    if (st != SENDA_OK) {
        senda__gazetteer_close(g);
        return st;
    }
    *out = g;
    return SENDA_OK;
}

static const char *const country_names[][3] = {
    {"MX", "mexico", "mex"}, {"GT", "guatemala", "gtm"}, {"BZ", "belize", "belice"},
    {"SV", "el salvador", "slv"}, {"HN", "honduras", "hnd"}, {"NI", "nicaragua", "nic"},
};

/* Does folded qualifier q name the place's admin1 (2) or country (1), or not (0)? */
static int qualifier_matches(const senda__place *p, const char *q)
{
    char a[128];
    size_t la = senda__fold(p->admin1, a, sizeof a), lq = strlen(q);
    if (la && ((strncmp(a, q, la) == 0 && (q[la] == '\0' || q[la] == ' ')) ||
               (strncmp(q, a, lq) == 0 && (a[lq] == '\0' || a[lq] == ' ' || lq >= 3))))
        return 2; /* the state, or its name's start ("Oax." for Oaxaca) */
    for (size_t i = 0; i < sizeof country_names / sizeof country_names[0]; i++) {
        if (strcmp(p->country, country_names[i][0]) != 0)
            continue;
        char code[8];
        senda__fold(country_names[i][0], code, sizeof code);
        return strcmp(q, code) == 0 || strcmp(q, country_names[i][1]) == 0 ||
               strcmp(q, country_names[i][2]) == 0;
    }
    return 0;
}

static double km_between(const senda__place *a, const senda__place *b)
{
    double rad = 3.14159265358979323846 / 180.0;
    double dlat = (b->lat - a->lat) * rad, dlon = (b->lon - a->lon) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(a->lat * rad) * cos(b->lat * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 6371.0088 * asin(fmin(1.0, sqrt(h)));
}

#define GAZ_MAX_CAND 32

/* Collect the candidates of folded name; primary-name matches first. */
static size_t candidates(const senda__gazetteer *g, const char *name, char quals[][128],
                         size_t n_quals, const senda__place **cand)
{
    gaz_key probe = {name, 0, 1};
    size_t lo = 0, hi = g->n_keys;
    while (lo < hi) { /* lower bound of name */
        size_t mid = (lo + hi) / 2;
        if (strcmp(g->keys[mid].key, probe.key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    int score[GAZ_MAX_CAND], top = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        unsigned want_primary = pass == 0;
        for (size_t k = lo; k < g->n_keys && strcmp(g->keys[k].key, name) == 0; k++) {
            if (g->keys[k].primary != want_primary)
                continue;
            const senda__place *p = &g->places[g->keys[k].place];
            int ok = 1, sc = 0;
            for (size_t q = 0; q < n_quals && ok; q++)
                sc += ok = qualifier_matches(p, quals[q]);
            int dup = 0;
            for (size_t j = 0; j < n; j++)
                dup |= cand[j] == p;
            if (ok && !dup && n < GAZ_MAX_CAND) {
                score[n] = sc, cand[n++] = p;
                top = sc > top ? sc : top;
            }
        }
    }
    /* a qualifier naming a state beats one naming only the country ("Jaltepec
     * (México)": the State of México, not the country) */
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (score[j] == top)
            cand[m++] = cand[j];
    return m;
}

/* Edit distance of a and b (Levenshtein), stopping at cap. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b), row[128];
    if (la >= 127 || lb >= 127)
        return cap;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            if (up + 1 < v)
                v = up + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best >= cap)
            return cap;
    }
    return row[lb];
}

/* Up to 5 places whose names are closest to folded name (edit distance at most
 * a third of its length, at least 2; a name containing it as whole words counts
 * as distance 1), closest then most populous first, listed into msg. */
static void suggest(const senda__gazetteer *g, const char *name, char *msg, size_t msg_size)
{
    enum { N_SUG = 5 };
    const senda__place *best[N_SUG];
    size_t dist[N_SUG], n = 0, ln = strlen(name);
    size_t cap = ln / 3 > 2 ? ln / 3 + 1 : 3;
    for (size_t k = 0; k < g->n_keys; k++) {
        const char *key = g->keys[k].key, *hit = strstr(key, name);
        size_t lk = strlen(key), d = cap;
        if (hit && (hit == key || hit[-1] == ' ') && (hit[ln] == '\0' || hit[ln] == ' '))
            d = 1;
        else if (lk + cap > ln && lk < ln + cap)
            d = edit_distance(name, key, cap);
        if (d >= cap)
            continue;
        const senda__place *p = &g->places[g->keys[k].place];
        size_t at = n;
        for (size_t j = 0; j < n; j++)
            if (best[j] == p)
                at = d < dist[j] ? j : N_SUG; /* already listed: keep its best distance */
        if (at == N_SUG)
            continue;
        if (at == n && n < N_SUG)
            n++;
        else if (at == n) { /* full: replace the worst when better */
            size_t w = 0;
            for (size_t j = 1; j < n; j++)
                if (dist[j] > dist[w] || (dist[j] == dist[w] &&
                                          best[j]->population < best[w]->population))
                    w = j;
            if (d > dist[w] || (d == dist[w] && p->population <= best[w]->population))
                continue;
            at = w;
        }
        best[at] = p, dist[at] = d;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: closest, then most populous */
        for (size_t j = i; j > 0 && (dist[j] < dist[j - 1] || (dist[j] == dist[j - 1] &&
                                     best[j]->population > best[j - 1]->population)); j--) {
            const senda__place *tp = best[j];
            size_t td = dist[j];
            best[j] = best[j - 1], dist[j] = dist[j - 1];
            best[j - 1] = tp, dist[j - 1] = td;
        }
    size_t len = strlen(msg);
    for (size_t i = 0; i < n && len < msg_size; i++)
        len += (size_t)snprintf(msg + len, msg_size - len, "%s%s, %s, %s", i ? "; " :
                                "; did you mean: ", best[i]->name, best[i]->admin1,
                                best[i]->country);
}

int senda__gazetteer_lookup(const senda__gazetteer *g, const char *text,
                            const senda__place **hit, char *msg, size_t msg_size)
{
    char buf[512], name[128], quals[4][128];
    size_t n_quals = 0;
    *hit = NULL;
    senda__strlcpy(buf, text, sizeof buf);
    for (char *p = buf; *p; p++)
        if (*p == '(' || *p == ')' || *p == ';')
            *p = ',';
    char *save = NULL, *part = strtok_r(buf, ",", &save);
    senda__fold(part ? part : "", name, sizeof name);
    while ((part = strtok_r(NULL, ",", &save)) != NULL && n_quals < 4)
        if (senda__fold(part, quals[n_quals], sizeof quals[0]))
            n_quals++;
    if (!name[0]) {
        snprintf(msg, msg_size, "no place name");
        return GAZ_NOT_FOUND;
    }
    const senda__place *cand[GAZ_MAX_CAND];
    size_t n = candidates(g, name, quals, n_quals, cand);
    if (n == 0) {
        snprintf(msg, msg_size, "place '%s' is not in the gazetteer%s", text,
                 n_quals ? " (with that state/country)" : "");
        suggest(g, name, msg, msg_size);
        return GAZ_NOT_FOUND;
    }
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (cand[i]->population > cand[best]->population)
            best = i;
    int one = 1;
    for (size_t i = 0; i < n && one; i++)
        one = strcmp(cand[i]->admin1_code, cand[best]->admin1_code) == 0 &&
              km_between(cand[i], cand[best]) <= GAZ_SAME_PLACE_KM;
    if (one) {
        *hit = cand[best];
        snprintf(msg, msg_size, "geocoded '%s' to %s, %s, %s (GeoNames locality)", text,
                 cand[best]->name, cand[best]->admin1, cand[best]->country);
        return GAZ_FOUND;
    }
    size_t len = (size_t)snprintf(msg, msg_size, "place '%s' is ambiguous: %zu candidates:",
                                  text, n);
    for (size_t i = 0; i < n && len < msg_size; i++)
        len += (size_t)snprintf(msg + len, msg_size - len, "%s %s (%s, %s; %.4f %.4f)",
                                i ? ";" : "", cand[i]->name, cand[i]->admin1, cand[i]->country,
                                cand[i]->lat, cand[i]->lon);
    if (len < msg_size)
        snprintf(msg + len, msg_size - len, "; add the state, e.g. '%s, %s'", cand[0]->name,
                 cand[0]->admin1);
    return GAZ_AMBIGUOUS;
}

size_t senda__gazetteer_count(const senda__gazetteer *g)
{
    return g ? g->n_places : 0;
}

const senda__place *senda__gazetteer_place(const senda__gazetteer *g, size_t i)
{
    return g && i < g->n_places ? &g->places[i] : NULL;
}

/* Haversine distance in km on the mean sphere. */
static double sphere_km(double lon1, double lat1, double lon2, double lat2)
{
    const double r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 6371.0088 * asin(fmin(1.0, sqrt(a)));
}

const senda__place *senda__gazetteer_nearest(const senda__gazetteer *g, double lon, double lat,
                                             long min_population, double *dist_km)
{
    const senda__place *best = NULL;
    double best_km = HUGE_VAL;
    for (size_t i = 0; g && i < g->n_places; i++) {
        const senda__place *p = &g->places[i];
        if (p->population < min_population)
            continue;
        double d = sphere_km(lon, lat, p->lon, p->lat);
        if (d < best_km) {
            best_km = d;
            best = p;
        }
    }
    if (dist_km)
        *dist_km = best ? best_km : HUGE_VAL;
    return best;
}
