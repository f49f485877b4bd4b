/*
 * types.c - one code list for incident types and perpetrators, with English
 * and Spanish synonyms and the IOM Missing Migrants "Cause of Death" values.
 * The keywords are data: the "type" and "perpetrator" entries of
 * layers/synonyms/synonyms.csv (synonyms.c), plus a user's synonyms file.
 *
 * Matching: the text is folded (lower case, accents stripped, punctuation to
 * blanks, see senda__fold) and every keyword is looked for at the start of a
 * word. Among the keywords found, the longest wins (so "violencia sexual"
 * beats "violencia", and IOM's "Shot, Fall from train" reads as a train death),
 * ties going to the higher severity. No keyword: the type is `other` and the
 * row is flagged type_unknown. O(keywords x text length) per distinct text;
 * a small cache makes repeated texts (the usual case) O(length).
 *
 * Default severity weights (an incident weighs severity x victims):
 *   homicide 10, death_accident 8, disappearance 8, kidnapping 6,
 *   trafficking 6, sexual_violence 6, robbery_assault 3, abuse_by_authority 3,
 *   extortion 2, other 1.
 * They order harms roughly as the shelter network reports (REDODEM) do: loss of
 * life or of contact first, then deprivation of liberty and sexual violence,
 * then violence against property and person. A run changes them with
 * `--severity type=w,...`; they are a modelling choice, not data.
 */
#include <stdint.h>
#include <string.h>

#include "incidents/incidents_int.h"

static const char *type_codes[SENDA_INC_N_TYPES] = {
    "kidnapping", "extortion", "robbery_assault", "sexual_violence", "homicide",
    "death_accident", "disappearance", "trafficking", "abuse_by_authority", "other"};
static const double default_severity[SENDA_INC_N_TYPES] = {6, 2, 3, 6, 10, 8, 8, 6, 3, 1};

static const char *reason_codes[SENDA_REJ_N_REASONS] = {
    "empty_row", "no_coordinates", "bad_coordinates", "out_of_range", "zero_zero",
    "outside_study_area", "place_not_found", "ambiguous_place", "bad_date", "future_date",
    "bad_count", "negative_count"};

static const char *perp_codes[SENDA_N_PERPETRATORS] = {
    "criminal_group", "police", "immigration_authority", "military", "train_personnel",
    "other", "unknown"};

const char *senda_incidents_type_code(int type)
{
    return type >= 0 && type < SENDA_INC_N_TYPES ? type_codes[type] : NULL;
}

const char *senda_incidents_reject_reason_code(int reason)
{
    return reason >= 0 && reason < SENDA_REJ_N_REASONS ? reason_codes[reason] : NULL;
}

const char *senda_incidents_perpetrator_code(int perp)
{
    return perp >= 0 && perp < SENDA_N_PERPETRATORS ? perp_codes[perp] : NULL;
}

double senda_incidents_default_severity(int type)
{
    return type >= 0 && type < SENDA_INC_N_TYPES ? default_severity[type] : 0.0;
}

/* The best keyword of table in folded text f: longest, then highest severity. */
static int best_match(const char *f, const senda__keyword *kw, size_t n_kw, int severity_ties)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < n_kw; i++) {
        size_t len = strlen(kw[i].kw);
        for (const char *p = strstr(f, kw[i].kw); p; p = strstr(p + 1, kw[i].kw)) {
            if (p != f && p[-1] != ' ')
                continue;
            if (len > best_len ||
                (len == best_len && severity_ties &&
                 default_severity[kw[i].code] > default_severity[kw[best].code])) {
                best = (int)i;
                best_len = len;
            }
            break;
        }
    }
    return best < 0 ? -1 : kw[best].code;
}

/* A small direct-mapped memo of recent texts: spreadsheets repeat a few type and
 * perpetrator texts many times. Thread-local, so concurrent imports do not share it. */
#define MEMO_SLOTS 64
typedef struct {
    char text[48];
    const senda__synonyms *syn; /* the table the code came from */
    int code;
    int used;
} memo_slot;
static _Thread_local memo_slot type_memo[MEMO_SLOTS], perp_memo[MEMO_SLOTS];

static memo_slot *memo_get(memo_slot *memo, const senda__synonyms *syn, const char *s, int *hit)
{
    uint32_t h = 2166136261u;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        h = (h ^ *p) * 16777619u;
    memo_slot *m = &memo[h % MEMO_SLOTS];
    *hit = m->used && m->syn == syn && n < sizeof m->text && strcmp(m->text, s) == 0;
    if (!*hit && n < sizeof m->text) {
        memcpy(m->text, s, n + 1);
        m->syn = syn;
        m->used = 0; /* filled by the caller */
    } else if (!*hit) {
        return NULL; /* too long to memoise */
    }
    return m;
}

static int type_uncached(const senda__synonyms *syn, const char *s, int *known);

int senda__type_from_text(const senda__synonyms *syn, const char *s, int *known)
{
    int hit;
    memo_slot *m = memo_get(type_memo, syn, s ? s : "", &hit);
    if (m && hit) {
        *known = m->code >= 0;
        return m->code >= 0 ? m->code : SENDA_INC_OTHER;
    }
    int code = type_uncached(syn, s, known);
    if (m) {
        m->code = *known ? code : -1;
        m->used = 1;
    }
    return code;
}

static int type_uncached(const senda__synonyms *syn, const char *s, int *known)
{
    char f[512];
    senda__fold(s ? s : "", f, sizeof f);
    int code = syn ? best_match(f, syn->types, syn->n_types, 1) : -1;
    *known = code >= 0;
    return code >= 0 ? code : SENDA_INC_OTHER;
}

static int perp_uncached(const senda__synonyms *syn, const char *s);

int senda__perp_from_text(const senda__synonyms *syn, const char *s)
{
    int hit;
    memo_slot *m = memo_get(perp_memo, syn, s ? s : "", &hit);
    if (m && hit)
        return m->code;
    int code = perp_uncached(syn, s);
    if (m) {
        m->code = code;
        m->used = 1;
    }
    return code;
}

static int perp_uncached(const senda__synonyms *syn, const char *s)
{
    char f[512];
    senda__fold(s ? s : "", f, sizeof f);
    if (!f[0])
        return 6;
    int code = syn ? best_match(f, syn->perps, syn->n_perps, 0) : -1;
    return code >= 0 ? code : 5;
}
