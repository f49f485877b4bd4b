/*
 * scenario.c - scenario files: YAML (libyaml's document loader) checked
 * against one table of keys, with named scenarios that inherit the base.
 *
 * The file's top-level mapping is the base; `scenarios:` is an optional list
 * of mappings, each with a `name` and any base key to override. Inheritance
 * is a deep merge done by applying trees in order onto one struct: defaults,
 * then the base mapping, then the entry's mapping. A mapping applies key by
 * key (so `filter: {date_to: 2020}` keeps the base's date_from), a scalar or
 * list replaces; one exception: an `incidents:` mapping naming a source
 * (store, sources or synthetic) replaces the inherited source. Every key is looked up in the schema table below: an
 * unknown key is an error naming the line and the keys allowed there, so a
 * misspelt option is never silently ignored. Each leaf is converted and
 * range-checked where it is written, so a message points at the line that
 * holds the offending value, whichever mapping it came from. Cross-key rules
 * (incidents needed, date order, unique outputs) are checked per merged
 * scenario and reported at the entry's line.
 *
 * libyaml resolves aliases to shared nodes (the loader refuses recursive
 * ones); duplicate keys in one mapping are rejected here, as YAML 1.2 says
 * they must be. Cost: O(size of the file x depth); memory: the document
 * tree plus one senda_scenario (about 20 KB) per entry.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scenario/scenario_int.h"

typedef enum {
    K_MAP,   /* a mapping of further keys */
    K_STR,   /* text */
    K_PATH,  /* a path, resolved against the file's directory */
    K_NUM,   /* a finite number >= min (or > min when min_open) */
    K_INT,   /* a whole number >= min */
    K_BOOL,  /* true/false/yes/no */
    K_DATE,  /* yyyy, yyyy-mm or yyyy-mm-dd */
    K_ENUM,  /* one of the comma-separated words in choices */
    K_CODES, /* a list of codes, or one comma-separated string */
    K_PATHS, /* a list of paths (incident sources) */
    K_NAMES, /* a list of names, or one "; "-separated string (places) */
    K_CHOICE,/* one of the words in choices, stored as its index (an enum field) */
    K_I32,   /* a whole number >= min, into an int */
    K_SIZE   /* a whole number >= min, into a size_t */
} key_kind;

typedef struct key_spec {
    const char *key; /* dotted path from the scenario root */
    key_kind kind;
    size_t offset;   /* into senda_scenario */
    size_t size;     /* of the field, for strings */
    double min;
    int min_open;
    const char *choices;
} key_spec;

#define F(field) offsetof(senda_scenario, field), sizeof(((senda_scenario *)0)->field)
#define NOF 0, 0

static const key_spec keys[] = {
    {"description", K_STR, F(description), 0, 0, NULL},
    {"layers", K_PATH, F(layers), 0, 0, NULL},
    {"crs", K_STR, F(crs), 0, 0, NULL},
    {"cell_m", K_NUM, F(danger.cell_m), 0, 1, NULL},
    {"pad_m", K_NUM, F(danger.pad_m), 0, 0, NULL},
    {"output", K_PATH, F(output), 0, 0, NULL},
    {"incidents", K_MAP, NOF, 0, 0, NULL},
    {"incidents.store", K_PATH, F(store), 0, 0, NULL},
    {"incidents.sources", K_PATHS, F(sources), 0, 0, NULL},
    {"incidents.synthetic", K_INT, F(synth_n), 1, 0, NULL},
    {"incidents.seed", K_INT, F(synth_seed), 0, 0, NULL},
    {"filter", K_MAP, NOF, 0, 0, NULL},
    {"filter.types", K_CODES, F(types), 0, 0, NULL},
    {"filter.date_from", K_DATE, F(date_from), 0, 0, NULL},
    {"filter.date_to", K_DATE, F(date_to), 0, 0, NULL},
    {"filter.victims", K_CODES, F(victims), 0, 0, NULL},
    {"filter.perpetrators", K_CODES, F(perpetrators), 0, 0, NULL},
    {"filter.precision", K_ENUM, F(precision), 0, 0, "exact,locality,approximate,whole_degree"},
    {"filter.weighted", K_BOOL, F(weighted), 0, 0, NULL},
    {"allow_empty", K_BOOL, F(allow_empty), 0, 0, NULL},
    {"hotspot", K_MAP, NOF, 0, 0, NULL},
    {"hotspot.cell_m", K_NUM, F(hotspot.cell_m), 0, 1, NULL},
    {"hotspot.gi_cell_m", K_NUM, F(hotspot.gi_cell_m), 0, 1, NULL},
    {"hotspot.min_incidents", K_SIZE, F(hotspot.gistar.min_incidents), 0, 0, NULL},
    {"hotspot.grid", K_CHOICE, F(hotspot.shape), 0, 0, "square,hex"},
    {"hotspot.extent_from", K_CHOICE, F(hotspot.extent_from), 0, 0, "points,layers"},
    {"hotspot.kernel", K_CHOICE, F(hotspot.kde.kernel), 0, 0,
     "quartic,triweight,epanechnikov,triangular,uniform,gaussian"},
    {"hotspot.radius_m", K_NUM, F(hotspot.kde.radius_m), 0, 0, NULL},
    {"hotspot.scale", K_CHOICE, F(hotspot.kde.scale), 0, 0, "density,qgis-raw,qgis-scaled,grass"},
    {"hotspot.band_m", K_NUM, F(hotspot.gistar.band_m), 0, 0, NULL},
    {"hotspot.cells", K_CHOICE, F(hotspot.gistar.cells), 0, 0, "all,nonempty"},
    {"hotspot.fdr", K_BOOL, F(hotspot.gistar.fdr), 0, 0, NULL},
    {"hotspot.permutations", K_I32, F(hotspot.gistar.permutations), 0, 0, NULL},
    {"hotspot.weighted", K_BOOL, F(hotspot.weighted), 0, 0, NULL},
    {"hotspot.emerging", K_ENUM, F(emerging), 0, 0, "month,quarter,year"},
    {"siting", K_MAP, NOF, 0, 0, NULL},
    {"siting.model", K_ENUM, F(siting_model), 0, 0, "mclp,set-cover"},
    {"siting.p", K_INT, F(siting_p), 1, 0, NULL},
    {"siting.radius_m", K_NUM, F(siting_radius_m), 0, 1, NULL},
    {"siting.spacing_m", K_NUM, F(siting_spacing_m), 0, 1, NULL},
    {"siting.target_share", K_NUM, F(siting_target_share), 0, 1, NULL},
    {"siting.demand", K_ENUM, F(siting_demand), 0, 0, "incidents,danger,flows"},
    {"danger", K_MAP, NOF, 0, 0, NULL},
    {"danger.radius_m", K_NUM, F(danger.kde.radius_m), 0, 0, NULL},
    {"danger.w_base", K_NUM, F(danger.weights.w_base), 0, 0, NULL},
    {"danger.w_density", K_NUM, F(danger.weights.w_density), 0, 0, NULL},
    {"danger.w_checkpoint", K_NUM, F(danger.weights.w_checkpoint), 0, 0, NULL},
    {"danger.w_rail", K_NUM, F(danger.weights.w_rail), 0, 0, NULL},
    {"danger.checkpoint_range_m", K_NUM, F(danger.weights.checkpoint_range_m), 0, 1, NULL},
    {"danger.rail_range_m", K_NUM, F(danger.weights.rail_range_m), 0, 1, NULL},
    {"danger.land_mask", K_BOOL, F(danger.land_mask), 0, 0, NULL},
    {"danger.without_checkpoints", K_NAMES, F(without_checkpoints), 0, 0, NULL},
    {"danger.with_checkpoints", K_NAMES, F(with_checkpoints), 0, 0, NULL},
    {"danger.move_checkpoints", K_NAMES, F(move_checkpoints), 0, 0, NULL},
    {"routes", K_MAP, NOF, 0, 0, NULL},
    {"routes.from", K_NAMES, F(route_from), 0, 0, NULL},
    {"routes.to", K_NAMES, F(route_to), 0, 0, NULL},
    {"routes.alternatives", K_SIZE, F(route.paths.alternatives), 0, 0, NULL},
    {"routes.penalty", K_NUM, F(route.paths.penalty), 0, 1, NULL},
    {"routes.corridor_m", K_NUM, F(route.paths.corridor_m), 0, 1, NULL},
    {"routes.knight", K_BOOL, F(route.paths.cost.knight), 0, 0, NULL},
    {"routes.window_m", K_NUM, F(route.lines.window_m), 0, 1, NULL},
    {"routes.step_m", K_NUM, F(route.lines.step_m), 0, 1, NULL},
    {"routes.buffer_m", K_NUM, F(route.lines.buffer_m), 0, 0, NULL},
    {"likely", K_MAP, NOF, 0, 0, NULL},
    {"likely.theta", K_NUM, F(route.likely.theta), 0, 1, NULL},
    {"likely.flows", K_PATH, F(likely_flows), 0, 0, NULL},
    {"likely.shelter_radius_m", K_NUM, F(route.shelter_radius_m), 0, 1, NULL},
    {"likely.dem", K_PATH, F(likely_dem), 0, 0, NULL},
    {"likely.walk_a", K_NUM, F(route.likely.walk.a), 0, 1, NULL},
    {"likely.walk_b", K_NUM, F(route.likely.walk.b), 0, 0, NULL},
    {"likely.walk_c", K_NUM, F(route.likely.walk.c), 0, 0, NULL},
    {"likely.walk_d", K_NUM, F(route.likely.walk.d), -HUGE_VAL, 0, NULL},
    {"likely.slope_factor", K_NUM, F(route.likely.walk.slope_factor), -HUGE_VAL, 0, NULL},
    {"choice", K_MAP, NOF, 0, 0, NULL},
    {"choice.w_walk", K_NUM, F(route.choice.w_walk), 0, 1, NULL},
    {"choice.train_factor", K_NUM, F(route.choice.train_factor), 0, 1, NULL},
    {"choice.train_range_m", K_NUM, F(route.choice.train_range_m), 0, 0, NULL},
    {"choice.w_detect", K_NUM, F(route.choice.w_detect), 0, 0, NULL},
    {"choice.detect_range_m", K_NUM, F(route.choice.detect_range_m), 0, 0, NULL},
    {"choice.w_patrol", K_NUM, F(route.choice.w_patrol), 0, 0, NULL},
    {"choice.patrol_range_m", K_NUM, F(route.choice.patrol_range_m), 0, 0, NULL},
    {"choice.river_clear_m", K_NUM, F(route.choice.river_clear_m), 0, 0, NULL},
    {"exposure", K_MAP, NOF, 0, 0, NULL},
    {"exposure.w_base", K_NUM, F(route.exposure.w_base), 0, 0, NULL},
    {"exposure.w_incident", K_NUM, F(route.exposure.w_incident), 0, 0, NULL},
    {"exposure.w_remote", K_NUM, F(route.exposure.w_remote), 0, 0, NULL},
    {"exposure.remote_range_m", K_NUM, F(route.exposure.remote_range_m), 0, 0, NULL},
    {"exposure.town_min_population", K_INT, F(route.exposure.town_min_population), 0, 0, NULL},
    {"exposure.w_train", K_NUM, F(route.exposure.w_train), 0, 0, NULL},
    {"exposure.train_range_m", K_NUM, F(route.exposure.train_range_m), 0, 0, NULL},
    {"exposure.w_terrain", K_NUM, F(route.exposure.w_terrain), 0, 0, NULL},
    {"exposure.slope_full", K_NUM, F(route.exposure.slope_full), 0, 1, NULL},
    {"stages", K_CODES, F(stages), 0, 0, NULL},
    {"report", K_BOOL, F(report), 0, 0, NULL},
    {"report_lang", K_ENUM, F(report_lang), 0, 0, "es,es-MX,es-GT,es-ES,en"},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

struct senda_scenario_set {
    char *text;
    size_t n;
    senda_scenario *items;
};

typedef struct loader {
    senda_ctx *ctx;
    yaml_document_t doc;
    const char *label;
    const char *base_dir;
    char err[512];  /* the first problem found, "label:line: ..." */
} loader;

static int problem(loader *ld, const yaml_node_t *node, const char *key, const char *fmt, ...)
    SENDA_PRINTF(4, 5);

/* Record the first problem; returns -1 so callers can `return problem(...)`. */
static int problem(loader *ld, const yaml_node_t *node, const char *key, const char *fmt, ...)
{
    if (ld->err[0])
        return -1;
    int n = snprintf(ld->err, sizeof ld->err, "%s:%lu: %s%s", ld->label,
                     node ? (unsigned long)node->start_mark.line + 1 : 1UL, key ? key : "",
                     key ? ": " : "");
    if (n < 0 || (size_t)n >= sizeof ld->err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err + n, sizeof ld->err - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *scalar(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

/* A plain (unquoted) empty, ~ or null scalar: YAML's null. */
static int is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *s = scalar(node);
    return !s[0] || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

static const char *kind_word(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return is_null(node) ? "nothing" : "a value";
    }
}

static const key_spec *find_key(const char *path)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].key, path) == 0)
            return &keys[i];
    return NULL;
}

/* The keys allowed directly under prefix ("" = the root), comma-separated. */
static void known_keys(const char *prefix, int entry, char *buf, size_t size)
{
    size_t plen = strlen(prefix);
    buf[0] = '\0';
    if (!plen)
        snprintf(buf, size, "%s", entry ? "name" : "scenarios");
    for (size_t i = 0; i < N_KEYS; i++) {
        const char *k = keys[i].key;
        if (plen && (strncmp(k, prefix, plen) != 0 || k[plen] != '.'))
            continue;
        const char *rest = plen ? k + plen + 1 : k;
        if (strchr(rest, '.'))
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", used ? ", " : "", rest);
    }
}

static char *field(senda_scenario *sc, const key_spec *ks)
{
    return (char *)sc + ks->offset;
}

/* Drop "." segments and fold "dir/.." pairs (lexically, like Python's
 * os.path.normpath; a leading ".." that has nothing to fold stays). */
static void normalise_path(char *p)
{
    int abs = p[0] == '/';
    char *seg[256];
    size_t n = 0, kept_up = 0;
    for (char *save = NULL, *t = strtok_r(p, "/", &save); t && n < 256;
         t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0)
            continue;
        if (strcmp(t, "..") == 0 && n > kept_up) {
            n--;
            continue;
        }
        if (strcmp(t, "..") == 0 && abs)
            continue; /* "/.." is "/" */
        if (strcmp(t, "..") == 0)
            kept_up++;
        seg[n++] = t;
    }
    char out[1024];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + o, sizeof out - o, "%s%s", i || abs ? "/" : "", seg[i]);
        o += w > 0 ? (size_t)w : 0;
        if (o >= sizeof out)
            return;
    }
    if (!n)
        snprintf(out, sizeof out, "%s", abs ? "/" : ".");
    memcpy(p, out, strlen(out) + 1);
}

static int resolve_path(loader *ld, const yaml_node_t *node, const char *key, const char *in,
                        char *out, size_t size)
{
    int n;
    if (senda__store_is_pg(in)) { /* a database connection, not a path */
        n = snprintf(out, size, "%s", in);
        return n < 0 || (size_t)n >= size ? problem(ld, node, key, "too long") : 0;
    }
    if (in[0] == '/' || !ld->base_dir || !ld->base_dir[0] || strcmp(ld->base_dir, ".") == 0)
        n = snprintf(out, size, "%s", in);
    else
        n = snprintf(out, size, "%s/%s", ld->base_dir, in);
    if (n < 0 || (size_t)n >= size)
        return problem(ld, node, key, "path too long (%zu bytes at most)", size - 1);
    normalise_path(out);
    return 0;
}

static int check_date(const char *s)
{
    int y = 0, m = 1, d = 1;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if (!(isdigit((unsigned char)s[i]) || (s[i] == '-' && (i == 4 || i == 7))))
            return 0;
    if (len == 4)
        y = atoi(s);
    else if (len == 7 && s[4] == '-')
        y = atoi(s), m = atoi(s + 5);
    else if (len == 10 && s[4] == '-' && s[7] == '-')
        y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    else
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

static int word_in(const char *word, const char *choices)
{
    size_t n = strlen(word);
    for (const char *p = choices; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

/* A code: letters, digits, '_' and '-' only. */
static int is_code(const char *s)
{
    if (!s[0])
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Trim white space off both ends of the *len bytes at *s. */
static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s))
        (*s)++, (*len)--;
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

/* Append len bytes of text to buf, after sep unless buf is empty; what names
 * the items in the message when buf is full ("codes", "names"). */
static int append_item(loader *ld, const yaml_node_t *node, const char *key, const char *text,
                       size_t len, const char *sep, const char *what, char *buf, size_t size)
{
    size_t used = strlen(buf);
    int n = snprintf(buf + used, size - used, "%s%.*s", used ? sep : "", (int)len, text);
    if (n < 0 || (size_t)n >= size - used)
        return problem(ld, node, key, "too many %s (%zu characters at most)", what, size - 1);
    return 0;
}

/* Each item of a sequence: a scalar that is not null ("expected a <what>,
 * got ..." otherwise), handed to add with its node. */
typedef int (*item_fn)(loader *ld, const yaml_node_t *item, const char *key, void *arg);
static int each_item(loader *ld, const yaml_node_t *node, const char *key, const char *what,
                     item_fn add, void *arg)
{
    for (yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(&ld->doc, *it);
        if (item->type != YAML_SCALAR_NODE || is_null(item))
            return problem(ld, item, key, "expected a %s, got %s", what, kind_word(item));
        if (add(ld, item, key, arg))
            return -1;
    }
    return 0;
}

/* Codes (types, victim groups, stages): a list, or one text split at ','. */
typedef struct list_buf {
    char *buf;
    size_t size;
} list_buf;

static int append_code(loader *ld, const yaml_node_t *node, const char *key, const char *code,
                       list_buf *b)
{
    size_t len = strlen(code);
    trim(&code, &len);
    char one[128];
    if (len >= sizeof one)
        return problem(ld, node, key, "code '%.40s...' is too long", code);
    memcpy(one, code, len);
    one[len] = '\0';
    if (!is_code(one))
        return problem(ld, node, key, "'%s' is not a code (letters, digits, _ and - only)", one);
    return append_item(ld, node, key, one, len, ",", "codes", b->buf, b->size);
}

static int add_code(loader *ld, const yaml_node_t *item, const char *key, void *arg)
{
    return append_code(ld, item, key, scalar(item), arg);
}

static int set_codes(loader *ld, const yaml_node_t *node, const char *key, char *buf,
                     size_t size)
{
    list_buf b = {buf, size};
    buf[0] = '\0';
    if (node->type == YAML_SCALAR_NODE) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s", scalar(node));
        for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
            if (append_code(ld, node, key, tok, &b))
                return -1;
    } else if (node->type != YAML_SEQUENCE_NODE) {
        return problem(ld, node, key, "expected a list of codes, got %s", kind_word(node));
    } else if (each_item(ld, node, key, "code", add_code, &b)) {
        return -1;
    }
    if (!buf[0])
        return problem(ld, node, key, "expected at least one code");
    return 0;
}

static int add_path(loader *ld, const yaml_node_t *item, const char *key, void *arg)
{
    senda_scenario *sc = arg;
    if (sc->n_sources >= SENDA_SCENARIO_MAX_SOURCES)
        return problem(ld, item, key, "more than %d files", SENDA_SCENARIO_MAX_SOURCES);
    if (resolve_path(ld, item, key, scalar(item), sc->sources[sc->n_sources],
                     sizeof sc->sources[0]))
        return -1;
    sc->n_sources++;
    return 0;
}

static int set_paths(loader *ld, const yaml_node_t *node, const char *key, senda_scenario *sc)
{
    if (node->type != YAML_SEQUENCE_NODE && node->type != YAML_SCALAR_NODE)
        return problem(ld, node, key, "expected a list of files, got %s", kind_word(node));
    sc->n_sources = 0;
    if (node->type == YAML_SCALAR_NODE) {
        if (is_null(node))
            return problem(ld, node, key, "expected a list of files, got nothing");
        sc->n_sources = 1;
        return resolve_path(ld, node, key, scalar(node), sc->sources[0], sizeof sc->sources[0]);
    }
    if (each_item(ld, node, key, "file name", add_path, sc))
        return -1;
    if (!sc->n_sources)
        return problem(ld, node, key, "expected at least one file");
    return 0;
}

/* Names (places, checkpoints): a list, or one text split at ';'; stored
 * "; "-joined. Names may hold spaces and commas ("-92.1,14.7"), not ';'. */
static int append_name(loader *ld, const yaml_node_t *node, const char *key, const char *name,
                       size_t len, list_buf *b)
{
    trim(&name, &len);
    if (!len)
        return problem(ld, node, key, "empty name");
    return append_item(ld, node, key, name, len, "; ", "names", b->buf, b->size);
}

static int add_name(loader *ld, const yaml_node_t *item, const char *key, void *arg)
{
    if (strchr(scalar(item), ';'))
        return problem(ld, item, key, "a name cannot hold ';'");
    return append_name(ld, item, key, scalar(item), strlen(scalar(item)), arg);
}

static int set_names(loader *ld, const yaml_node_t *node, const char *key, char *buf,
                     size_t size)
{
    list_buf b = {buf, size};
    buf[0] = '\0';
    if (node->type == YAML_SCALAR_NODE && !is_null(node)) {
        for (const char *p = scalar(node);;) {
            size_t len = strcspn(p, ";");
            if (append_name(ld, node, key, p, len, &b))
                return -1;
            if (!p[len])
                return 0;
            p += len + 1;
        }
    }
    if (node->type != YAML_SEQUENCE_NODE)
        return problem(ld, node, key, "expected a list of names, got %s", kind_word(node));
    return each_item(ld, node, key, "name", add_name, &b);
}

static int set_number(loader *ld, const yaml_node_t *node, const key_spec *ks, double *out)
{
    const char *s = scalar(node);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(v))
        return problem(ld, node, ks->key, "expected a number, got '%s'", s);
    if (ks->min_open ? !(v > ks->min) : !(v >= ks->min))
        return problem(ld, node, ks->key, "must be %s %g, got %s", ks->min_open ? ">" : ">=",
                       ks->min, s);
    *out = v;
    return 0;
}

static int set_int(loader *ld, const yaml_node_t *node, const key_spec *ks, long *out)
{
    const char *s = scalar(node);
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || errno)
        return problem(ld, node, ks->key, "expected a whole number, got '%s'", s);
    if ((double)v < ks->min)
        return problem(ld, node, ks->key, "must be >= %g, got %s", ks->min, s);
    *out = v;
    return 0;
}

/* A whole number into an int (K_I32) or a size_t (K_SIZE) field. */
static int set_whole(loader *ld, const yaml_node_t *node, const key_spec *ks, char *dst)
{
    long v = 0;
    if (set_int(ld, node, ks, &v))
        return -1;
    if (v > 1000000000L)
        return problem(ld, node, ks->key, "too large: %ld", v);
    if (ks->kind == K_I32) {
        int i = (int)v;
        memcpy(dst, &i, sizeof i);
    } else {
        size_t z = (size_t)v;
        memcpy(dst, &z, sizeof z);
    }
    return 0;
}

/* The index of one word of ks->choices, into an enum field. */
static int set_choice(loader *ld, const yaml_node_t *node, const key_spec *ks, char *dst)
{
    const char *s = scalar(node);
    if (!word_in(s, ks->choices))
        return problem(ld, node, ks->key, "'%s' is not one of %s", s, ks->choices);
    int index = 0;
    size_t n = strlen(s);
    for (const char *p = ks->choices; strncmp(p, s, n) != 0 || (p[n] && p[n] != ',');
         p = strchr(p, ',') + 1)
        index++;
    _Static_assert(sizeof(senda_hotspot_kernel) == sizeof(int) && sizeof(senda_grid_cell_shape) == sizeof(int),
                   "enum fields are int-sized");
    memcpy(dst, &index, sizeof index);
    return 0;
}

static int set_bool(loader *ld, const yaml_node_t *node, const key_spec *ks, int *out)
{
    const char *s = scalar(node);
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0)
        *out = 0;
    else
        return problem(ld, node, ks->key, "expected true or false, got '%s'", s);
    return 0;
}

static int set_text(loader *ld, const yaml_node_t *node, const key_spec *ks, char *dst)
{
    const char *s = scalar(node);
    if (strlen(s) >= ks->size)
        return problem(ld, node, ks->key, "too long (%zu characters at most)", ks->size - 1);
    snprintf(dst, ks->size, "%s", s);
    return 0;
}

/* Convert one leaf value into sc. */
static int set_leaf(loader *ld, const yaml_node_t *node, const key_spec *ks, senda_scenario *sc)
{
    char *dst = field(sc, ks);
    if (ks->kind == K_CODES)
        return set_codes(ld, node, ks->key, dst, ks->size);
    if (ks->kind == K_PATHS)
        return set_paths(ld, node, ks->key, sc);
    if (ks->kind == K_NAMES)
        return set_names(ld, node, ks->key, dst, ks->size);
    if (node->type != YAML_SCALAR_NODE || is_null(node))
        return problem(ld, node, ks->key, "expected a value, got %s", kind_word(node));
    const char *s = scalar(node);
    switch (ks->kind) {
    case K_NUM: return set_number(ld, node, ks, (double *)(void *)dst);
    case K_INT: return set_int(ld, node, ks, (long *)(void *)dst);
    case K_BOOL: return set_bool(ld, node, ks, (int *)(void *)dst);
    case K_I32:
    case K_SIZE: return set_whole(ld, node, ks, dst);
    case K_CHOICE: return set_choice(ld, node, ks, dst);
    case K_PATH: return resolve_path(ld, node, ks->key, s, dst, ks->size);
    case K_DATE:
        if (!check_date(s))
            return problem(ld, node, ks->key, "'%s' is not a date (yyyy, yyyy-mm or "
                           "yyyy-mm-dd)", s);
        return set_text(ld, node, ks, dst);
    case K_ENUM:
        if (!word_in(s, ks->choices))
            return problem(ld, node, ks->key, "'%s' is not one of %s", s, ks->choices);
        return set_text(ld, node, ks, dst);
    default: return set_text(ld, node, ks, dst);
    }
}

static yaml_node_t *map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key);

/* Apply the mapping `map` at dotted prefix onto sc. entry: map is a list
 * entry (then `name` is allowed and `scenarios` is not). */
static int apply_map(loader *ld, const yaml_node_t *map, const char *prefix, int entry,
                     senda_scenario *sc)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&ld->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&ld->doc, p->value);
        if (k->type != YAML_SCALAR_NODE)
            return problem(ld, k, prefix[0] ? prefix : NULL, "a key must be a plain word");
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = yaml_document_get_node(&ld->doc, q->key);
            if (k2->type == YAML_SCALAR_NODE && strcmp(scalar(k2), scalar(k)) == 0)
                return problem(ld, k, scalar(k), "repeated key (first at line %lu)",
                               (unsigned long)k2->start_mark.line + 1);
        }
        char path[128];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", scalar(k));
        if (!prefix[0] && (strcmp(path, entry ? "name" : "scenarios") == 0))
            continue; /* handled by the caller */
        const key_spec *ks = find_key(path);
        if (!ks) {
            char known[512];
            known_keys(prefix, entry, known, sizeof known);
            return problem(ld, k, path, "unknown key (known here: %s)", known);
        }
        if (ks->kind == K_MAP) {
            if (v->type != YAML_MAPPING_NODE)
                return problem(ld, v, path, "expected a mapping of keys, got %s",
                               kind_word(v));
            if (strcmp(path, "incidents") == 0 && (map_get(&ld->doc, v, "store") ||
                                                   map_get(&ld->doc, v, "sources") ||
                                                   map_get(&ld->doc, v, "synthetic"))) {
                /* an entry naming its own incident source replaces the base's */
                sc->store[0] = '\0';
                sc->n_sources = 0;
                sc->synth_n = 0;
            }
            if (apply_map(ld, v, path, 0, sc))
                return -1;
        } else if (set_leaf(ld, v, ks, sc)) {
            return -1;
        }
    }
    return 0;
}

/* The defaults: the stages' own (their *_opts_init) and the scenario's. */
static void defaults(senda_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->valid = 1;
    sc->line = 1;
    snprintf(sc->layers, sizeof sc->layers, "%s", senda_layers_default_dir());
    snprintf(sc->crs, sizeof sc->crs, "%s", SENDA_DEFAULT_CRS);
    senda_incidents_filter f;
    senda_incidents_filter_init(&f);
    sc->weighted = f.weighted;
    senda_pipeline_danger_opts_init(&sc->danger);
    senda_pipeline_hotspot_opts_init(&sc->hotspot);
    senda_pipeline_route_opts_init(&sc->route);
    snprintf(sc->route_to, sizeof sc->route_to, "%s", SENDA_PIPELINE_ROUTE_TO);
    snprintf(sc->siting_model, sizeof sc->siting_model, "mclp");
    sc->siting_p = 5;
    sc->siting_radius_m = 25000.0;
    sc->siting_spacing_m = 10000.0;
    sc->siting_target_share = 0.9;
    snprintf(sc->siting_demand, sizeof sc->siting_demand, "incidents");
    snprintf(sc->stages, sizeof sc->stages, "%s", SENDA_SCENARIO_STAGES);
    sc->synth_seed = 1;
    snprintf(sc->report_lang, sizeof sc->report_lang, "es");
}

static int valid_name(const char *s)
{
    if (!s[0] || strlen(s) >= 64)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* Expand {name} in output (default "{name}.gpkg" beside the file). */
static int finish_output(loader *ld, const yaml_node_t *at, senda_scenario *sc)
{
    char tmpl[1024], out[1024];
    if (sc->output[0])
        snprintf(tmpl, sizeof tmpl, "%s", sc->output);
    else if (resolve_path(ld, at, "output", "{name}.gpkg", tmpl, sizeof tmpl))
        return -1;
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < sizeof out;) {
        if (strncmp(p, "{name}", 6) == 0) {
            int n = snprintf(out + o, sizeof out - o, "%s", sc->name);
            o = n > 0 ? o + (size_t)n : o;
            p += 6;
        } else {
            out[o++] = *p++;
        }
    }
    out[o < sizeof out ? o : sizeof out - 1] = '\0';
    if (o >= sizeof out - 1)
        return problem(ld, at, "output", "path too long");
    snprintf(sc->output, sizeof sc->output, "%s", out);
    return 0;
}

/* Rules across keys, checked on the merged scenario. */
static int cross_checks(loader *ld, const yaml_node_t *at, senda_scenario *sc)
{
    int n_kinds = (sc->store[0] != 0) + (sc->n_sources != 0) + (sc->synth_n > 0);
    if (n_kinds == 0)
        return problem(ld, at, "incidents", "needs 'store' (an incident store), 'sources' "
                       "(files to import) or 'synthetic' (a number of synthetic incidents)");
    if (n_kinds > 1)
        return problem(ld, at, "incidents", "give one of 'store', 'sources' or 'synthetic'");
    if (sc->date_from[0] && sc->date_to[0] && strcmp(sc->date_from, sc->date_to) > 0 &&
        strncmp(sc->date_from, sc->date_to, strlen(sc->date_to)) != 0)
        return problem(ld, at, "filter", "date_from %s is after date_to %s", sc->date_from,
                       sc->date_to);
    for (const char *p = sc->stages; *p;) {
        size_t len = strcspn(p, ",");
        char stage[64];
        snprintf(stage, sizeof stage, "%.*s", (int)(len < 63 ? len : 63), p);
        if (!word_in(stage, SENDA_SCENARIO_STAGES_KNOWN))
            return problem(ld, at, "stages", "'%s' is not a stage (stages: %s)", stage,
                           SENDA_SCENARIO_STAGES_KNOWN);
        p += len + (p[len] == ',');
    }
    if (strcmp(sc->siting_demand, "flows") == 0 && word_in("siting", sc->stages) &&
        !word_in("likely", sc->stages))
        return problem(ld, at, "siting.demand", "flows needs the likely stage in stages:");
    for (const char *p = sc->move_checkpoints; *p;) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        while (len && p[0] == ' ')
            p++, len--;
        if (len && (!eq || eq == p || eq == p + len - 1))
            return problem(ld, at, "danger.move_checkpoints", "'%.*s' is not NAME=PLACE",
                           (int)len, p);
        p += len + (p[len] == ';');
    }
    if (sc->siting_target_share > 1.0)
        return problem(ld, at, "siting.target_share", "must be <= 1, got %g",
                       sc->siting_target_share);
    return finish_output(ld, at, sc);
}

static yaml_node_t *map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* The name of one list entry: present, well-formed, unique. */
static int entry_name(loader *ld, yaml_node_t *entry, senda_scenario *items, size_t i)
{
    if (entry->type != YAML_MAPPING_NODE)
        return problem(ld, entry, "scenarios", "entry %zu: expected a mapping with a name, got %s",
                       i + 1, kind_word(entry));
    yaml_node_t *name = map_get(&ld->doc, entry, "name");
    if (!name)
        return problem(ld, entry, "scenarios", "entry %zu has no 'name'", i + 1);
    if (name->type != YAML_SCALAR_NODE || !valid_name(scalar(name)))
        return problem(ld, name, "name", "'%s' is not a name (letters, digits, '_', '-', '.'; "
                       "at most 63)", name->type == YAML_SCALAR_NODE ? scalar(name) : "");
    for (size_t j = 0; j < i; j++)
        if (strcmp(items[j].name, scalar(name)) == 0)
            return problem(ld, name, "name", "'%s' is used twice (first at line %d)",
                           scalar(name), items[j].line);
    snprintf(items[i].name, sizeof items[i].name, "%s", scalar(name));
    items[i].line = (int)entry->start_mark.line + 1;
    return 0;
}

/* One list entry: base, then the entry; a problem marks the entry invalid. */
static void build_entry(loader *ld, const senda_scenario *base, yaml_node_t *entry,
                        senda_scenario *sc)
{
    char name[64];
    int line = sc->line;
    snprintf(name, sizeof name, "%s", sc->name);
    *sc = *base;
    snprintf(sc->name, sizeof sc->name, "%s", name);
    sc->line = line;
    ld->err[0] = '\0';
    if (apply_map(ld, entry, "", 1, sc) == 0)
        cross_checks(ld, entry, sc);
    if (ld->err[0]) {
        sc->valid = 0;
        snprintf(sc->error, sizeof sc->error, "%s", ld->err);
        ld->err[0] = '\0';
    }
}

static senda_status build_set(loader *ld, senda_scenario_set *set)
{
    yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
    if (!root || is_null(root))
        return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s: the scenario file is empty", ld->label);
    if (root->type != YAML_MAPPING_NODE) {
        problem(ld, root, NULL, "expected a mapping of settings at the top, got %s",
                kind_word(root));
        return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
    }
    senda_scenario base;
    defaults(&base);
    if (apply_map(ld, root, "", 0, &base))
        return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
    yaml_node_t *list = map_get(&ld->doc, root, "scenarios");
    if (list && list->type != YAML_SEQUENCE_NODE) {
        problem(ld, list, "scenarios", "expected a list of named scenarios, got %s",
                kind_word(list));
        return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
    }
    size_t n = list ? (size_t)(list->data.sequence.items.top - list->data.sequence.items.start)
                    : 1;
    if (list && n == 0) {
        problem(ld, list, "scenarios", "the list is empty");
        return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
    }
    if (!(set->items = senda__calloc(ld->ctx, n, sizeof *set->items)))
        return SENDA_ERR_NOMEM;
    set->n = n;
    if (!list) {
        set->items[0] = base;
        const char *slash = strrchr(ld->label, '/');
        const char *stem = slash ? slash + 1 : ld->label;
        size_t len = strcspn(stem, ".");
        snprintf(set->items[0].name, sizeof set->items[0].name, "%.*s",
                 (int)(len < 63 ? len : 63), stem);
        if (!valid_name(set->items[0].name))
            snprintf(set->items[0].name, sizeof set->items[0].name, "scenario");
        if (cross_checks(ld, root, &set->items[0]))
            return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
        return SENDA_OK;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *entry = yaml_document_get_node(&ld->doc, list->data.sequence.items.start[i]);
        if (entry_name(ld, entry, set->items, i))
            return senda__fail(ld->ctx, SENDA_ERR_DATA, "%s", ld->err);
    }
    for (size_t i = 0; i < n; i++)
        build_entry(ld, &base,
                    yaml_document_get_node(&ld->doc, list->data.sequence.items.start[i]),
                    &set->items[i]);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (set->items[i].valid && set->items[j].valid &&
                strcmp(set->items[i].output, set->items[j].output) == 0) {
                set->items[i].valid = 0;
                snprintf(set->items[i].error, sizeof set->items[i].error,
                         "%.150s:%d: output: '%.200s' is also the output of '%.63s' (put {name} in it)",
                         ld->label, set->items[i].line, set->items[i].output,
                         set->items[j].name);
            }
    return SENDA_OK;
}

senda_status senda_scenario_parse(senda_ctx *ctx, const char *text, size_t len,
                                  const char *label, const char *base_dir,
                                  senda_scenario_set **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    if (!text)
        return senda__fail(ctx, SENDA_ERR_ARG, "scenario text is NULL");
    loader ld = {.ctx = ctx, .label = label ? label : "scenario", .base_dir = base_dir};
    senda_status st = SENDA_OK;
    senda_scenario_set *set = NULL;
    yaml_parser_t parser;
    int have_doc = 0;
    if (!yaml_parser_initialize(&parser))
        return senda__fail(ctx, SENDA_ERR_NOMEM, "out of memory starting the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &ld.doc)) {
        st = senda__fail(ctx, SENDA_ERR_DATA, "%s:%lu: YAML: %s%s%s", ld.label,
                         (unsigned long)parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        goto done;
    }
    have_doc = 1;
    /* text is len bytes, not necessarily NUL-terminated (found by tests/fuzz/fuzz_scenario) */
    if (!(set = senda__calloc(ctx, 1, sizeof *set)) || !(set->text = senda__malloc(ctx, len + 1))) {
        st = SENDA_ERR_NOMEM;
        goto done;
    }
    memcpy(set->text, text, len);
    set->text[len] = '\0';
    st = build_set(&ld, set);
done:
    if (have_doc)
        yaml_document_delete(&ld.doc);
    yaml_parser_delete(&parser);
    if (st != SENDA_OK)
        senda_scenario_set_destroy(set);
    else
        *out = set;
    return st;
}

static senda_status read_text(senda_ctx *ctx, const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return senda__fail(ctx, SENDA_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    senda_status st = SENDA_OK;
    size_t cap = 4096, n = 0;
    char *buf = senda__malloc(ctx, cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, fp);
        if (n < cap - 1)
            break;
        if (cap > ((size_t)16 << 20)) {
            st = senda__fail(ctx, SENDA_ERR_DATA, "%s: larger than 16 MB; not a scenario file",
                             path);
            goto done;
        }
        char *grown = senda__realloc(ctx, buf, cap * 2);
        if (!grown) {
            st = SENDA_ERR_NOMEM;
            goto done;
        }
        buf = grown;
        cap *= 2;
    }
    if (!buf)
        return fclose(fp), SENDA_ERR_NOMEM;
    if (ferror(fp)) {
        st = senda__fail(ctx, SENDA_ERR_IO, "%s: read error", path);
        goto done;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
done:
    senda__free(buf);
    fclose(fp);
    return st;
}

senda_status senda_scenario_load(senda_ctx *ctx, const char *path, senda_scenario_set **out)
{
    senda__reset(ctx);
    if (!path || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "path or out is NULL");
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    senda_status st = read_text(ctx, path, &text, &len);
    if (st != SENDA_OK)
        return st;
    char dir[1024];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    st = senda_scenario_parse(ctx, text, len, path, dir, out);
    senda__free(text);
    return st;
}

void senda_scenario_set_destroy(senda_scenario_set *set)
{
    if (!set)
        return;
    senda__free(set->text);
    senda__free(set->items);
    senda__free(set);
}

size_t senda_scenario_count(const senda_scenario_set *set) { return set ? set->n : 0; }

const senda_scenario *senda_scenario_at(const senda_scenario_set *set, size_t i)
{
    return set && i < set->n ? &set->items[i] : NULL;
}

const char *senda_scenario_text(const senda_scenario_set *set) { return set ? set->text : ""; }

/* The shortest of %.15g, %.16g, %.17g that reads back as v: "0.2", not
 * "0.20000000000000001", and still exact for the provenance. */
static void num_text(double v, char *buf, size_t size)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* One parameter as text. */
static void param_value(const senda_scenario *sc, const key_spec *ks, char *buf, size_t size)
{
    const char *p = (const char *)sc + ks->offset;
    switch (ks->kind) {
    case K_NUM: num_text(*(const double *)(const void *)p, buf, size); break;
    case K_INT: snprintf(buf, size, "%ld", *(const long *)(const void *)p); break;
    case K_BOOL: snprintf(buf, size, "%s", *(const int *)(const void *)p ? "true" : "false");
        break;
    case K_I32: snprintf(buf, size, "%d", *(const int *)(const void *)p); break;
    case K_SIZE: snprintf(buf, size, "%zu", *(const size_t *)(const void *)p); break;
    case K_CHOICE: {
        int index = *(const int *)(const void *)p;
        const char *w = ks->choices;
        for (int i = 0; i < index && strchr(w, ','); i++)
            w = strchr(w, ',') + 1;
        snprintf(buf, size, "%.*s", (int)strcspn(w, ","), w);
        break;
    }
    case K_PATHS: {
        buf[0] = '\0';
        for (size_t i = 0; i < sc->n_sources; i++) {
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", i ? ", " : "", sc->sources[i]);
        }
        break;
    }
    default: snprintf(buf, size, "%s", p); break;
    }
}

senda_status senda_scenario_params(senda_ctx *ctx, const senda_scenario *sc, char **out)
{
    senda__reset(ctx);
    if (!sc || !out)
        return senda__fail(ctx, SENDA_ERR_ARG, "scenario or out is NULL");
    *out = NULL;
    size_t cap = 256 + SENDA_SCENARIO_MAX_SOURCES * 1024 + N_KEYS * 1100;
    char *buf = senda__malloc(ctx, cap), value[SENDA_SCENARIO_MAX_SOURCES * 1030];
    if (!buf)
        return SENDA_ERR_NOMEM;
    size_t used = (size_t)snprintf(buf, cap, "name: %s\n", sc->name);
    for (size_t i = 0; i < N_KEYS; i++) {
        if (keys[i].kind == K_MAP)
            continue;
        param_value(sc, &keys[i], value, sizeof value);
        int n = snprintf(buf + used, cap - used, "%s: %s\n", keys[i].key, value);
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
    *out = buf;
    return SENDA_OK;
}

senda_status senda_scenario_defaults(senda_ctx *ctx, char **out)
{
    senda__reset(ctx);
    if (!out)
        return senda__fail(ctx, SENDA_ERR_ARG, "out is NULL");
    *out = NULL;
    senda_scenario *sc = senda__malloc(ctx, sizeof *sc);
    if (!sc)
        return SENDA_ERR_NOMEM;
    defaults(sc);
    senda_status st = senda_scenario_params(ctx, sc, out);
    senda__free(sc);
    return st;
}

const char *senda_scenario_name(const senda_scenario *sc)
{
    return sc ? sc->name : "";
}

const char *senda_scenario_output(const senda_scenario *sc)
{
    return sc ? sc->output : "";
}

int senda_scenario_line(const senda_scenario *sc)
{
    return sc ? sc->line : 0;
}

senda_status senda_scenario_check(senda_ctx *ctx, const senda_scenario *sc)
{
    senda__reset(ctx);
    if (!sc)
        return senda__fail(ctx, SENDA_ERR_ARG, "scenario is NULL");
    return sc->valid ? SENDA_OK : senda__fail(ctx, SENDA_ERR_DATA, "%s", sc->error);
}
