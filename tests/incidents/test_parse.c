/*
 * test_parse.c - the text parsers of incident rows (numbers, coordinates,
 * pairs, dates), the name fold and type / perpetrator normalisation.
 * Expected values are worked by hand in the comments.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "incidents/incidents_int.h"

/* Coordinates are exact sums of d + m/60 + s/3600; 1e-9 covers binary rounding. */
#define COORD_TOL 1e-9
/* the bundled synonym table (layers/synonyms/synonyms.csv) */
#define B senda__synonyms_bundled()

Test(parse, numbers_accept_decimal_commas_and_thousands)
{
    double v;
    cr_assert(senda__parse_number("-92,25", &v));
    cr_assert_float_eq(v, -92.25, 1e-12);
    cr_assert(senda__parse_number("1.234,5", &v)); /* '.' groups, ',' is decimal */
    cr_assert_float_eq(v, 1234.5, 1e-12);
    cr_assert(senda__parse_number("1,234.5", &v));
    cr_assert_float_eq(v, 1234.5, 1e-12);
    cr_assert(senda__parse_number(" 7 ", &v));
    cr_assert_float_eq(v, 7.0, 1e-12);
    cr_assert_not(senda__parse_number("varios", &v));
    cr_assert_not(senda__parse_number("", &v));
    cr_assert_not(senda__parse_number("nan", &v));
    cr_assert_not(senda__parse_number("-", &v));
}

Test(parse, coordinates_in_dms_with_hemisphere_letters)
{
    double v;
    char h;
    int whole;
    /* 14 + 54/60 + 30/3600 = 14.908333... */
    cr_assert(senda__parse_coord("14°54'30\"N", &v, &h, &whole));
    cr_assert_float_eq(v, 14.0 + 54.0 / 60.0 + 30.0 / 3600.0, COORD_TOL);
    cr_assert_eq(h, 'N');
    cr_assert_eq(whole, 0);
    /* 92 15 W = -(92 + 15/60) = -92.25 */
    cr_assert(senda__parse_coord("92 15 W", &v, &h, &whole));
    cr_assert_float_eq(v, -92.25, COORD_TOL);
    /* O (oeste) is west */
    cr_assert(senda__parse_coord("92,5 O", &v, &h, &whole));
    cr_assert_float_eq(v, -92.5, COORD_TOL);
    cr_assert(senda__parse_coord("S 14.5", &v, &h, &whole));
    cr_assert_float_eq(v, -14.5, COORD_TOL);
    cr_assert(senda__parse_coord("-92", &v, &h, &whole));
    cr_assert_eq(whole, 1); /* whole degrees: flagged low precision by the importer */
    cr_assert_not(senda__parse_coord("14 75 N", &v, &h, &whole)); /* 75 minutes */
    cr_assert_not(senda__parse_coord("abc", &v, &h, &whole));
    cr_assert_not(senda__parse_coord("-14 N", &v, &h, &whole)); /* sign and letter */
}

Test(parse, pairs_split_on_comma_space_semicolon_letter_or_blank)
{
    char a[64], b[64];
    cr_assert(senda__split_pair("17.993680400000, -95.401615800000", a, b, sizeof a));
    cr_assert_str_eq(a, "17.993680400000");
    cr_assert_str_eq(b, "-95.401615800000");
    cr_assert(senda__split_pair("14,5, -92,3", a, b, sizeof a)); /* decimal commas */
    cr_assert_str_eq(a, "14,5");
    cr_assert_str_eq(b, "-92,3");
    cr_assert(senda__split_pair("14°54'N 92°15'W", a, b, sizeof a));
    cr_assert_str_eq(a, "14°54'N");
    cr_assert_str_eq(b, "92°15'W");
    cr_assert(senda__split_pair("14.5;-92.3", a, b, sizeof a));
    cr_assert_str_eq(b, "-92.3");
    cr_assert(senda__split_pair("14.5 -92.3", a, b, sizeof a));
    cr_assert_not(senda__split_pair("14.5", a, b, sizeof a));
}

Test(parse, dates_in_iso_dmy_month_names_and_periods)
{
    int y, m, d;
    cr_assert_eq(senda__parse_date("2019-05-03", 0, &y, &m, &d), DATE_DAY);
    cr_assert(y == 2019 && m == 5 && d == 3);
    cr_assert_eq(senda__parse_date("03/05/2019", 0, &y, &m, &d), DATE_DAY); /* dd/mm */
    cr_assert(m == 5 && d == 3);
    cr_assert_eq(senda__parse_date("03/05/2019", 2, &y, &m, &d), DATE_DAY); /* mm/dd asked */
    cr_assert(m == 3 && d == 5);
    cr_assert_eq(senda__parse_date("05/25/2019", 0, &y, &m, &d), DATE_DAY); /* 25 > 12 */
    cr_assert(m == 5 && d == 25);
    /* 2026-01-04 was a Sunday (2026-01-01 a Thursday): mm/dd fits the weekday, dd/mm
     * (1 April 2026, a Wednesday) does not */
    cr_assert_eq(senda__parse_date("Sun, 01/04/2026 - 12:00", 0, &y, &m, &d), DATE_DAY);
    cr_assert(y == 2026 && m == 1 && d == 4, "got %d-%d-%d", y, m, d);
    cr_assert_eq(senda__parse_date("December 08, 2019", 0, &y, &m, &d), DATE_DAY);
    cr_assert(m == 12 && d == 8);
    cr_assert_eq(senda__parse_date("8 de mayo de 2019", 0, &y, &m, &d), DATE_DAY);
    cr_assert(m == 5 && d == 8);
    cr_assert_eq(senda__parse_date("2019-06", 0, &y, &m, &d), DATE_MONTH);
    cr_assert_eq(senda__parse_date("2019", 0, &y, &m, &d), DATE_YEAR);
    cr_assert_eq(senda__parse_date("Mar 2019", 0, &y, &m, &d), DATE_MONTH);
    cr_assert_eq(m, 3);
    cr_assert_eq(senda__parse_date("2019-05-03T10:30:00", 0, &y, &m, &d), DATE_DAY);
    cr_assert_eq(senda__parse_date("", 0, &y, &m, &d), DATE_NONE);
    cr_assert_eq(senda__parse_date("31/02/2019", 0, &y, &m, &d), -1); /* no 31 February */
    cr_assert_eq(senda__parse_date("29/02/2019", 0, &y, &m, &d), -1); /* 2019 not leap */
    cr_assert_eq(senda__parse_date("29/02/2020", 0, &y, &m, &d), DATE_DAY);
    cr_assert_eq(senda__parse_date("ayer", 0, &y, &m, &d), -1);
    cr_assert_eq(senda__parse_date("1850", 0, &y, &m, &d), -1);
}

Test(parse, days_from_civil_matches_known_epochs)
{
    cr_assert_eq(senda__days_from_civil(1970, 1, 1), 0);
    cr_assert_eq(senda__days_from_civil(2000, 3, 1), 11017); /* 30 years + 7 leap days + Jan/Feb */
    cr_assert_eq(senda__days_from_civil(1969, 12, 31), -1);
}

Test(parse, fold_strips_accents_case_and_punctuation)
{
    char f[64];
    senda__fold("  Número de  Víctimas ", f, sizeof f);
    cr_assert_str_eq(f, "numero de victimas");
    senda__fold("TONALÁ, Chiapas", f, sizeof f);
    cr_assert_str_eq(f, "tonala chiapas");
}

Test(types, spanish_english_and_iom_causes_map_to_one_list)
{
    int known;
    cr_assert_eq(senda__type_from_text(B, "Secuestro", &known), SENDA_INC_KIDNAPPING);
    cr_assert_eq(senda__type_from_text(B, "extorsión", &known), SENDA_INC_EXTORTION);
    cr_assert_eq(senda__type_from_text(B, "Abuso sexual", &known), SENDA_INC_SEXUAL_VIOLENCE);
    cr_assert_eq(senda__type_from_text(B, "violencia sexual", &known), SENDA_INC_SEXUAL_VIOLENCE);
    cr_assert_eq(senda__type_from_text(B, "caída del tren", &known), SENDA_INC_DEATH_ACCIDENT);
    cr_assert_eq(senda__type_from_text(B, "ahogamiento", &known), SENDA_INC_DEATH_ACCIDENT);
    cr_assert_eq(senda__type_from_text(B, "desaparición", &known), SENDA_INC_DISAPPEARANCE);
    cr_assert_eq(senda__type_from_text(B, "Trata de personas", &known), SENDA_INC_TRAFFICKING);
    cr_assert_eq(senda__type_from_text(B, "Violence", &known), SENDA_INC_HOMICIDE);
    cr_assert_eq(
        senda__type_from_text(B, "Vehicle accident / death linked to hazardous transport", &known),
        SENDA_INC_DEATH_ACCIDENT);
    cr_assert_eq(senda__type_from_text(B,
                                       "Harsh environmental conditions / lack of adequate "
                                       "shelter, food, water",
                                       &known),
                 SENDA_INC_DEATH_ACCIDENT);
    cr_assert_eq(senda__type_from_text(B, "Mixed or unknown", &known), SENDA_INC_OTHER);
    cr_assert_eq(known, 1); /* a known IOM value, not an unrecognised one */
    cr_assert_eq(senda__type_from_text(B, "pelea de gallos", &known), SENDA_INC_OTHER);
    cr_assert_eq(known, 0);
    /* "Rape, Murdered": the longer keyword "murder" (6) beats "rape" (4) */
    cr_assert_eq(senda__type_from_text(B, "Rape, Murdered", &known), SENDA_INC_HOMICIDE);
}

Test(types, perpetrators_normalise)
{
    cr_assert_str_eq(
        senda_incidents_perpetrator_code(senda__perp_from_text(B, "Policía Municipal")), "police");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "INM")),
                     "immigration_authority");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "Guardia Nacional")),
                     "military");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "garrotero")),
                     "train_personnel");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "Los Zetas")),
                     "criminal_group");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "")), "unknown");
    cr_assert_str_eq(senda_incidents_perpetrator_code(senda__perp_from_text(B, "vecino")), "other");
}

/* senda__decimal against glibc's strtod (the reference: correctly rounded), bit
 * for bit: the shapes it takes itself and those it passes on, then 300,000
 * pseudo-random decimals of 1 to 17 digits (the fast path takes those of at
 * most 15) with 0 to 17 of them after the point, either sign. */
static void same_as_strtod(const char *s)
{
    char *e1 = NULL, *e2 = NULL;
    double a = senda__decimal(s, &e1), b = strtod(s, &e2);
    cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s: %.17g, strtod %.17g", s, a, b);
    cr_assert_eq(e1, e2, "%s: end at %td, strtod %td", s, e1 - s, e2 - s);
}

Test(parse, decimal_equals_strtod)
{
    const char *fixed[] = {"0", "-0", "+0", "0.0", "-0.0", "14.846565", "-92.252745",
                           "999999999999999", "9999999999999999", "0.000000000000001",
                           "123456789012345.6", "1.", ".5", "-", "+", "", "1e5", "0x10",
                           "inf", "nan", "12.5.3", "1,5", "000000000000012.5",
                           "0.30000000000000004", "9007199254740993"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        same_as_strtod(fixed[i]);
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    char buf[48];
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int n = 1 + (int)(x % 17), f = (int)((x >> 8) % (unsigned)(n + 1));
        size_t k = 0;
        if ((x >> 16) & 1)
            buf[k++] = '-';
        uint64_t y = x;
        for (int d = 0; d < n; d++) {
            if (d == n - f && f > 0) { /* the point: "0.ddd" when all digits follow it */
                if (d == 0)
                    buf[k++] = '0';
                buf[k++] = '.';
            }
            y = y * 6364136223846793005ull + 1442695040888963407ull;
            buf[k++] = (char)('0' + (y >> 33) % 10);
        }
        buf[k] = '\0';
        same_as_strtod(buf);
    }
}
