/*
 * types.c - one code list for incident types and perpetrators, with English
 * and Spanish synonyms and the IOM Missing Migrants "Cause of Death" values.
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

typedef struct {
    const char *kw; /* folded keyword, matched at the start of a word */
    int code;
} keyword;

#define K(s, c) {s, SENDA_INC_##c}
static const keyword type_kw[] = {
    K("kidnap", KIDNAPPING), K("secuestr", KIDNAPPING), K("abduct", KIDNAPPING),
    K("plagi", KIDNAPPING), K("privacion de la libertad", KIDNAPPING), K("levanton", KIDNAPPING),
    K("extors", EXTORTION), K("extort", EXTORTION), K("cobro de piso", EXTORTION),
    K("cuota", EXTORTION),
    K("robo", ROBBERY_ASSAULT), K("robbe", ROBBERY_ASSAULT), K("robbed", ROBBERY_ASSAULT),
    K("asalt", ROBBERY_ASSAULT), K("assault", ROBBERY_ASSAULT), K("atraco", ROBBERY_ASSAULT),
    K("hurto", ROBBERY_ASSAULT), K("theft", ROBBERY_ASSAULT), K("mugg", ROBBERY_ASSAULT),
    K("lesion", ROBBERY_ASSAULT), K("golpe", ROBBERY_ASSAULT), K("beat", ROBBERY_ASSAULT),
    K("agresion", ROBBERY_ASSAULT), K("violencia fisica", ROBBERY_ASSAULT),
    K("violacion", SEXUAL_VIOLENCE), K("violad", SEXUAL_VIOLENCE), K("rape", SEXUAL_VIOLENCE),
    K("sexual", SEXUAL_VIOLENCE), K("abuso sexual", SEXUAL_VIOLENCE),
    K("violencia sexual", SEXUAL_VIOLENCE), K("sexual violence", SEXUAL_VIOLENCE),
    K("estupro", SEXUAL_VIOLENCE),
    K("homicid", HOMICIDE), K("asesin", HOMICIDE), K("murder", HOMICIDE), K("shot", HOMICIDE),
    K("disparo", HOMICIDE), K("balead", HOMICIDE), K("stabb", HOMICIDE), K("apunal", HOMICIDE),
    K("tortur", HOMICIDE), K("violence", HOMICIDE), K("ejecut", HOMICIDE),
    K("feminicid", HOMICIDE), K("muerte violenta", HOMICIDE), K("killed", HOMICIDE),
    K("drown", DEATH_ACCIDENT), K("ahog", DEATH_ACCIDENT), K("train", DEATH_ACCIDENT),
    K("tren", DEATH_ACCIDENT), K("fall from", DEATH_ACCIDENT), K("fell from", DEATH_ACCIDENT),
    K("caida", DEATH_ACCIDENT), K("cayo", DEATH_ACCIDENT), K("hit by", DEATH_ACCIDENT),
    K("atropell", DEATH_ACCIDENT), K("accident", DEATH_ACCIDENT), K("vehic", DEATH_ACCIDENT),
    K("exposure", DEATH_ACCIDENT), K("hypotherm", DEATH_ACCIDENT),
    K("hypertherm", DEATH_ACCIDENT), K("dehydrat", DEATH_ACCIDENT),
    K("deshidrat", DEATH_ACCIDENT), K("asphyx", DEATH_ACCIDENT), K("asfix", DEATH_ACCIDENT),
    K("suffocat", DEATH_ACCIDENT), K("hazardous transport", DEATH_ACCIDENT),
    K("harsh environmental", DEATH_ACCIDENT), K("insolacion", DEATH_ACCIDENT),
    K("muerte", DEATH_ACCIDENT), K("muerto", DEATH_ACCIDENT), K("fallec", DEATH_ACCIDENT),
    K("electrocut", DEATH_ACCIDENT), K("crushed", DEATH_ACCIDENT),
    K("desapar", DISAPPEARANCE), K("disappear", DISAPPEARANCE), K("missing", DISAPPEARANCE),
    K("no localizad", DISAPPEARANCE), K("paradero desconocido", DISAPPEARANCE),
    K("trata", TRAFFICKING), K("traffick", TRAFFICKING), K("explotacion", TRAFFICKING),
    K("forced labour", TRAFFICKING), K("trabajo forzado", TRAFFICKING),
    K("abuso de autoridad", ABUSE_BY_AUTHORITY), K("abuse of authority", ABUSE_BY_AUTHORITY),
    K("abuse by authorit", ABUSE_BY_AUTHORITY), K("abuso policial", ABUSE_BY_AUTHORITY),
    K("police brutality", ABUSE_BY_AUTHORITY), K("brutalidad policial", ABUSE_BY_AUTHORITY),
    K("detencion arbitraria", ABUSE_BY_AUTHORITY), K("arbitrary detention", ABUSE_BY_AUTHORITY),
    K("cohecho", ABUSE_BY_AUTHORITY),
    K("unknown", OTHER), K("desconocid", OTHER), K("mixed", OTHER), K("sickness", OTHER),
    K("enfermedad", OTHER), K("cardiac", OTHER), K("heart", OTHER), K("hanging", OTHER),
    K("suicid", OTHER), K("otro", OTHER), K("other", OTHER), K("natural", OTHER),
};
#undef K

static const keyword perp_kw[] = {
    {"crimen organizado", 0}, {"delincuen", 0}, {"criminal", 0}, {"cartel", 0}, {"zetas", 0},
    {"banda", 0}, {"pandill", 0}, {"mara", 0}, {"narco", 0}, {"pollero", 0}, {"coyote", 0},
    {"secuestrador", 0}, {"asaltante", 0}, {"gang", 0}, {"smuggler", 0},
    {"polic", 1}, {"police", 1}, {"sheriff", 1},
    {"inm", 2}, {"migracion", 2}, {"instituto nacional de migracion", 2}, {"immigration", 2},
    {"agentes migratorios", 2}, {"agente migratorio", 2}, {"border patrol", 2},
    {"ejercito", 3}, {"militar", 3}, {"army", 3}, {"military", 3}, {"marina", 3},
    {"navy", 3}, {"sedena", 3}, {"guardia nacional", 3}, {"national guard", 3}, {"soldad", 3},
    {"garrotero", 4}, {"maquinista", 4}, {"train personnel", 4}, {"train guard", 4},
    {"guardia del tren", 4}, {"seguridad del tren", 4}, {"personal del tren", 4},
    {"ferromex", 4}, {"ferrosur", 4}, {"railway", 4}, {"train staff", 4},
    {"desconocid", 6}, {"unknown", 6}, {"no identificad", 6}, {"sin dato", 6}, {"n a", 6},
};

/* The best keyword of table in folded text f: longest, then highest severity. */
static int best_match(const char *f, const keyword *kw, size_t n_kw, int severity_ties)
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
    int code;
    int used;
} memo_slot;
static _Thread_local memo_slot type_memo[MEMO_SLOTS], perp_memo[MEMO_SLOTS];

static memo_slot *memo_get(memo_slot *memo, const char *s, int *hit)
{
    uint32_t h = 2166136261u;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
        h = (h ^ *p) * 16777619u;
    memo_slot *m = &memo[h % MEMO_SLOTS];
    *hit = m->used && n < sizeof m->text && strcmp(m->text, s) == 0;
    if (!*hit && n < sizeof m->text) {
        memcpy(m->text, s, n + 1);
        m->used = 0; /* filled by the caller */
    } else if (!*hit) {
        return NULL; /* too long to memoise */
    }
    return m;
}

static int type_uncached(const char *s, int *known);

int senda__type_from_text(const char *s, int *known)
{
    int hit;
    memo_slot *m = memo_get(type_memo, s ? s : "", &hit);
    if (m && hit) {
        *known = m->code >= 0;
        return m->code >= 0 ? m->code : SENDA_INC_OTHER;
    }
    int code = type_uncached(s, known);
    if (m) {
        m->code = *known ? code : -1;
        m->used = 1;
    }
    return code;
}

static int type_uncached(const char *s, int *known)
{
    char f[512];
    senda__fold(s ? s : "", f, sizeof f);
    int code = best_match(f, type_kw, sizeof type_kw / sizeof type_kw[0], 1);
    *known = code >= 0;
    return code >= 0 ? code : SENDA_INC_OTHER;
}

static int perp_uncached(const char *s);

int senda__perp_from_text(const char *s)
{
    int hit;
    memo_slot *m = memo_get(perp_memo, s ? s : "", &hit);
    if (m && hit)
        return m->code;
    int code = perp_uncached(s);
    if (m) {
        m->code = code;
        m->used = 1;
    }
    return code;
}

static int perp_uncached(const char *s)
{
    char f[512];
    senda__fold(s ? s : "", f, sizeof f);
    if (!f[0])
        return 6;
    int code = best_match(f, perp_kw, sizeof perp_kw / sizeof perp_kw[0], 0);
    return code >= 0 ? code : 5;
}
