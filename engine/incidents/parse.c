/*
 * parse.c - text parsers for incident rows: numbers with decimal commas,
 * coordinates in decimal or degrees-minutes-seconds with signs or hemisphere
 * letters, "lat, lon" pairs, dates in the shapes NGO spreadsheets use, and an
 * accent- and case-insensitive fold (senda__fold, in io/gazetteer.c).
 *
 * Numbers: when both '.' and ',' occur, the last one is the decimal separator
 * and the other groups thousands ("1.234,5" = 1234.5); a lone ',' is decimal
 * ("-92,25"); several of one kind group thousands. Coordinates: up to three
 * numeric parts (degrees, minutes, seconds; minutes and seconds < 60), any
 * non-ASCII byte, ' " : or blank separating them (so ° ′ ″ º in UTF-8 work),
 * one hemisphere letter N S E W or O (oeste) before or after, or a sign.
 * Dates: ISO 8601 (yyyy-mm-dd with an optional time, yyyy-mm, yyyy),
 * yyyy/mm/dd, dd/mm/yyyy (also with '-' or '.'), mm/yyyy, and month names in
 * English or Spanish ("December 08, 2019", "8 de mayo de 2019"). dd/mm is the
 * default reading of d/m/y; mm/dd is used when asked, and in automatic mode
 * when the first number exceeds 12 is impossible but the second does, or a
 * leading weekday name ("Sun, 01/04/2026 - 12:00", as in IOM's current
 * export) agrees with mm/dd only. Years outside 1900..2100 are impossible.
 * Days from civil dates use Howard Hinnant's days_from_civil algorithm
 * (http://howardhinnant.github.io/date_algorithms.html).
 * Decimal text to double: senda__decimal, strtod's value exactly; a short
 * decimal (at most 15 digits) takes Clinger's fast path, the integer of its
 * digits divided by a power of ten, both exact in a double, so the one
 * correctly rounded division is strtod's correctly rounded result (W. D.
 * Clinger, "How to read floating point numbers accurately", PLDI 1990); the
 * import reads two coordinates and up to four counts per row, and strtod's
 * general path was 6 % of its reading thread.
 * Every function is O(length of the text) and allocates nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "incidents/incidents_int.h"

double senda__decimal(const char *s, char **end)
{
    static const double pow10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *p = s;
    int neg = *p == '-';
    p += *p == '-' || *p == '+';
    uint64_t m = 0;
    int n_dig = 0, n_frac = 0, dot = 0;
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            m = m * 10 + (uint64_t)(*p - '0');
            n_dig++;
            n_frac += dot;
        } else if (*p == '.' && !dot) {
            dot = 1;
        } else {
            break;
        }
    }
    /* the plain shape only ([+-]digits[.digits], a digit on either side of the
     * point), 15 digits at most; anything else (exponents, "inf", ".5") is
     * strtod's */
    if (n_dig == 0 || n_dig > 15 || *p || (dot && (n_frac == 0 || n_frac == n_dig)))
        return strtod(s, end);
    double v = (double)m / pow10[n_frac];
    if (end)
        *end = (char *)p;
    return neg ? -v : v;
}

int senda__parse_number(const char *s, double *out)
{
    char buf[64];
    size_t k = 0;
    const char *last_dot = strrchr(s, '.'), *last_comma = strrchr(s, ',');
    int n_dot = 0, n_comma = 0;
    for (const char *p = s; *p; p++) {
        n_dot += *p == '.';
        n_comma += *p == ',';
    }
    const char *dec = NULL; /* the decimal separator, if any */
    if (n_dot && n_comma)
        dec = last_dot > last_comma ? last_dot : last_comma;
    else if (n_comma == 1)
        dec = last_comma;
    else if (n_dot == 1)
        dec = last_dot;
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        if (*p == '.' || *p == ',') {
            if (p != dec)
                continue;
            if (k + 1 >= sizeof buf)
                return 0;
            buf[k++] = '.';
            continue;
        }
        if (!(isdigit((unsigned char)*p) || ((*p == '-' || *p == '+') && k == 0)))
            return 0;
        if (k + 1 >= sizeof buf)
            return 0;
        buf[k++] = *p;
    }
    buf[k] = '\0';
    if (k == 0 || (k == 1 && !isdigit((unsigned char)buf[0])))
        return 0;
    char *end = NULL;
    errno = 0;
    double v = senda__decimal(buf, &end);
    if (*end || errno || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int is_hemi(int c)
{
    c = toupper(c);
    return c == 'N' || c == 'S' || c == 'E' || c == 'W' || c == 'O';
}

/* One numeric part starting at *p: digits with at most one '.' or ','. */
static int coord_part(const char **p, double *v, int *has_frac)
{
    char buf[48];
    size_t k = 0;
    int sep = 0;
    const char *q = *p;
    for (; *q && (isdigit((unsigned char)*q) || *q == '.' || *q == ','); q++) {
        if (*q == '.' || *q == ',') {
            if (sep++ || !isdigit((unsigned char)q[1]))
                break;
            *has_frac = 1;
        }
        if (k + 1 >= sizeof buf)
            return 0;
        buf[k++] = *q == ',' ? '.' : *q;
    }
    buf[k] = '\0';
    if (k == 0)
        return 0;
    *v = senda__decimal(buf, NULL);
    *p = q;
    return 1;
}

int senda__parse_coord(const char *s, double *out, char *hemi, int *whole)
{
    double part[3] = {0, 0, 0};
    int n_parts = 0, neg = 0, has_frac = 0;
    char h = 0;
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        if (isdigit(c)) {
            if (n_parts == 3 || !coord_part(&p, &part[n_parts], &has_frac))
                return 0;
            n_parts++;
            continue;
        }
        if (c == '-' || c == '+') {
            if (n_parts || neg || h)
                return 0;
            neg = c == '-';
        } else if (is_hemi(c) && !isalpha((unsigned char)p[1]) &&
                   (p == s || !isalpha((unsigned char)p[-1]))) {
            if (h)
                return 0;
            h = (char)toupper(c);
        } else if (!(c >= 0x80 || isspace(c) || c == '\'' || c == '"' || c == ':')) {
            return 0;
        }
        p++;
    }
    if (n_parts == 0 || (n_parts >= 2 && part[1] >= 60.0) || (n_parts == 3 && part[2] >= 60.0))
        return 0;
    double v = part[0] + part[1] / 60.0 + part[2] / 3600.0;
    if (h == 'O')
        h = 'W';
    if (h && neg)
        return 0;
    if (neg || h == 'S' || h == 'W')
        v = -v;
    *out = v;
    *hemi = h;
    *whole = n_parts == 1 && !has_frac;
    return 1;
}

static void copy_trim(const char *from, const char *to, char *dst, size_t n)
{
    while (from < to && (isspace((unsigned char)*from) || *from == ','))
        from++;
    while (to > from && (isspace((unsigned char)to[-1]) || to[-1] == ','))
        to--;
    size_t len = (size_t)(to - from);
    if (len >= n)
        len = n - 1;
    memcpy(dst, from, len);
    dst[len] = '\0';
}

/* An ODK/Kobo geopoint, "lat lon altitude accuracy" (3 or 4 plain numbers):
 * lat and lon copied into a and b. */
static int geopoint(const char *s, char *a, char *b, size_t n)
{
    double v[4];
    int used = 0, k = sscanf(s, "%lf %lf %lf %lf %n", &v[0], &v[1], &v[2], &v[3], &used);
    if (k != 4 || s[used] != '\0') {
        used = 0;
        k = sscanf(s, "%lf %lf %lf %n", &v[0], &v[1], &v[2], &used);
        if (k != 3 || s[used] != '\0')
            return 0;
    }
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    const char *q = p + strcspn(p, " \t");
    copy_trim(p, q, a, n);
    while (isspace((unsigned char)*q))
        q++;
    copy_trim(q, q + strcspn(q, " \t"), b, n);
    return a[0] && b[0];
}

int senda__split_pair(const char *s, char *a, char *b, size_t n)
{
    const char *end = s + strlen(s), *cut = NULL;
    size_t skip = 1;
    if (!strpbrk(s, ",;") && geopoint(s, a, b, n))
        return 1;
    if ((cut = strchr(s, ';')) == NULL && (cut = strstr(s, ", ")) != NULL)
        skip = 2;
    if (!cut) /* a hemisphere letter followed by more text: "14°54'N 92°15'W" */
        for (const char *p = s; *p && !cut; p++)
            if (is_hemi((unsigned char)*p) && toupper((unsigned char)*p) != 'E' &&
                toupper((unsigned char)*p) != 'W' && toupper((unsigned char)*p) != 'O' &&
                (p == s || !isalpha((unsigned char)p[-1])) && !isalpha((unsigned char)p[1]) &&
                p[1] && p != s) {
                cut = p + 1;
                skip = 0;
            }
    if (!cut) {
        const char *c1 = strchr(s, ',');
        if (c1 && !strchr(c1 + 1, ','))
            cut = c1;
    }
    if (!cut) { /* two blank-separated tokens */
        const char *p = s;
        while (*p && isspace((unsigned char)*p))
            p++;
        while (*p && !isspace((unsigned char)*p))
            p++;
        const char *q = p;
        while (*q && isspace((unsigned char)*q))
            q++;
        if (*q && !strpbrk(q, " \t"))
            cut = p, skip = 0;
    }
    if (!cut)
        return 0;
    copy_trim(s, cut, a, n);
    copy_trim(cut + skip, end, b, n);
    return a[0] && b[0];
}

long senda__days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
    return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Month number of an English or Spanish month name or abbreviation (folded), or 0. */
static int month_word(const char *w)
{
    static const char *names[] = {"january", "february", "march", "april", "may", "june",
                                  "july", "august", "september", "october", "november",
                                  "december", "enero", "febrero", "marzo", "abril", "mayo",
                                  "junio", "julio", "agosto", "septiembre", "octubre",
                                  "noviembre", "diciembre"};
    size_t len = strlen(w);
    if (len < 3)
        return 0;
    if (strcmp(w, "setiembre") == 0)
        return 9;
    for (int i = 0; i < 24; i++)
        if (strncmp(names[i], w, len) == 0)
            return i % 12 + 1;
    return 0;
}

/* Weekday (0 = Sunday) of an English or Spanish weekday word, or -1. */
static int weekday_word(const char *w)
{
    static const char *names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
                                  "dom", "lun", "mar", "mie", "jue", "vie", "sab"};
    if (strlen(w) < 3)
        return -1;
    for (int i = 0; i < 14; i++)
        if (strncmp(w, names[i], 3) == 0)
            return i % 7;
    return -1;
}

static int weekday_of(int y, int m, int d)
{
    long days = senda__days_from_civil(y, m, d);
    return (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

/* Words of the folded text, as numbers and words; the date from them. */
static int date_from_words(char *f, int order, int *y, int *m, int *d)
{
    int num[3], n_num = 0, mon = 0, wday = -1, n_words = 0;
    int lens[3] = {0, 0, 0};
    char *save = NULL; /* strtok_r: imports run on several threads at once */
    for (char *tok = strtok_r(f, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (isdigit((unsigned char)tok[0])) {
            char *end;
            long v = strtol(tok, &end, 10);
            if (*end || n_num == 3)
                return -1;
            lens[n_num] = (int)strlen(tok);
            num[n_num++] = (int)v;
        } else if (strcmp(tok, "de") == 0 || strcmp(tok, "del") == 0 || strcmp(tok, "t") == 0) {
            continue;
        } else if (n_words == 0 && n_num == 0 && weekday_word(tok) >= 0 && !month_word(tok)) {
            wday = weekday_word(tok);
        } else if (!mon && (mon = month_word(tok)) != 0) {
            continue;
        } else {
            return -1;
        }
        n_words++;
    }
    if (mon) { /* "December 08, 2019", "8 de mayo de 2019", "mayo 2019" */
        if (n_num == 1 && lens[0] == 4)
            return *y = num[0], *m = mon, *d = 1, valid_ymd(*y, mon, 1) ? DATE_MONTH : -1;
        if (n_num != 2)
            return -1;
        int yi = lens[0] == 4 ? 0 : lens[1] == 4 ? 1 : -1;
        if (yi < 0)
            return -1;
        *y = num[yi], *m = mon, *d = num[1 - yi];
        return valid_ymd(*y, *m, *d) ? DATE_DAY : -1;
    }
    if (n_num == 1 && lens[0] == 4)
        return *y = num[0], *m = *d = 1, valid_ymd(*y, 1, 1) ? DATE_YEAR : -1;
    if (n_num == 2 && lens[0] == 4) /* yyyy-mm */
        return *y = num[0], *m = num[1], *d = 1, valid_ymd(*y, *m, 1) ? DATE_MONTH : -1;
    if (n_num == 2 && lens[1] == 4) /* mm/yyyy */
        return *y = num[1], *m = num[0], *d = 1, valid_ymd(*y, *m, 1) ? DATE_MONTH : -1;
    if (n_num != 3)
        return -1;
    if (lens[0] == 4) /* yyyy-mm-dd, possibly followed by a time we cut earlier */
        return *y = num[0], *m = num[1], *d = num[2], valid_ymd(*y, *m, *d) ? DATE_DAY : -1;
    if (lens[2] != 4)
        return -1;
    int dmy = valid_ymd(num[2], num[1], num[0]), mdy = valid_ymd(num[2], num[0], num[1]);
    int use_mdy = order == 2;
    if (order == 0) {
        if (wday >= 0 && mdy && weekday_of(num[2], num[0], num[1]) == wday &&
            !(dmy && weekday_of(num[2], num[1], num[0]) == wday))
            use_mdy = 1;
        else if (!dmy && mdy)
            use_mdy = 1;
    }
    *y = num[2];
    *m = use_mdy ? num[0] : num[1];
    *d = use_mdy ? num[1] : num[0];
    return valid_ymd(*y, *m, *d) ? DATE_DAY : -1;
}

int senda__parse_date(const char *s, int order, int *y, int *m, int *d)
{
    char buf[128], f[128];
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* cut a time: "2019-05-03T10:00", "01/04/2026 - 12:00", "2019-05-03 10:00:00" */
    char *colon = strchr(buf, ':');
    if (colon) {
        char *p = colon;
        while (p > buf && isdigit((unsigned char)p[-1]))
            p--;
        while (p > buf && (isspace((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == 'T'))
            p--;
        *p = '\0';
    }
    senda__fold(buf, f, sizeof f);
    if (!f[0])
        return DATE_NONE;
    return date_from_words(f, order, y, m, d);
}
