/*
 * test_synonyms.c - the synonym tables are data (layers/synonyms/synonyms.csv,
 * compiled into the library): every entry of the file loads (counted here from
 * the file itself, independently of the loader), every column name alone in a
 * header is found for its role, every type and perpetrator keyword alone maps
 * to its own code (a keyword is never beaten inside itself: the longest match
 * wins and nothing longer fits in it), and a user's file extends the table
 * (`senda incidents import --synonyms FILE`) with errors naming file, line and
 * field.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_vsi.h>
#include <gdal.h>

#include "inc_testutil.h"
#include "incidents/import_int.h"
#include "testutil.h"

#define SYN_FILE SENDA_SOURCE_DIR "/layers/synonyms/synonyms.csv"

/* Entries of the file counted from its text: per kind, and distinct keywords. */
typedef struct {
    size_t column, type, perp;
} counts;

static counts count_file(void)
{
    counts c = {0, 0, 0};
    FILE *f = fopen(SYN_FILE, "r");
    cr_assert_not_null(f, "%s", SYN_FILE);
    char line[512];
    int header = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (!header++)
            continue; /* kind,role,text */
        if (strncmp(line, "column,", 7) == 0)
            c.column++;
        else if (strncmp(line, "type,", 5) == 0)
            c.type++;
        else if (strncmp(line, "perpetrator,", 12) == 0)
            c.perp++;
        else
            cr_assert_fail("unexpected line in %s: %s", SYN_FILE, line);
    }
    fclose(f);
    return c;
}

Test(synonyms, every_entry_of_the_bundled_file_loads)
{
    const senda__synonyms *t = senda__synonyms_bundled();
    cr_assert_not_null(t);
    counts c = count_file();
    size_t cols = 0;
    for (int r = 0; r < SENDA_SYN_COL_N; r++) {
        cols += t->n_cols[r];
        cr_assert_gt(t->n_cols[r], 0, "no names for column role %s", senda__syn_col_role_name(r));
    }
    cr_assert_eq(t->n_entries, c.column + c.type + c.perp);
    cr_assert_eq(t->n_bundled, t->n_entries);
    cr_assert_eq(cols, c.column);
    /* distinct keywords: the file gives no keyword twice (no conflicting codes) */
    cr_assert_eq(t->n_types, c.type);
    cr_assert_eq(t->n_perps, c.perp);
    cr_assert_gt(c.column, 100);
    cr_assert_gt(c.type, 80);
}

Test(synonyms, every_keyword_maps_to_its_own_code)
{
    const senda__synonyms *t = senda__synonyms_bundled();
    for (size_t i = 0; i < t->n_types; i++) {
        int known = 0;
        int code = senda__type_from_text(t, t->types[i].kw, &known);
        cr_assert(known && code == t->types[i].code, "type keyword '%s' gives %s, listed as %s",
                  t->types[i].kw, senda_incidents_type_code(code),
                  senda_incidents_type_code(t->types[i].code));
    }
    for (size_t i = 0; i < t->n_perps; i++)
        cr_assert_eq(senda__perp_from_text(t, t->perps[i].kw), t->perps[i].code,
                     "perpetrator keyword '%s'", t->perps[i].kw);
}

Test(synonyms, every_column_name_alone_is_found_for_its_role)
{
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    GDALAllRegister();
    const senda__synonyms *t = senda__synonyms_bundled();
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    size_t n = 0;
    for (int r = 0; r < SENDA_SYN_COL_N; r++) {
        for (size_t k = 0; k < t->n_cols[r]; k++, n++) {
            static const char path[] = "/vsimem/synonym_header.csv";
            char text[256];
            snprintf(text, sizeof text, "zzzz,%s\n1,2\n", t->cols[r][k]);
            VSILFILE *fp = VSIFOpenL(path, "wb");
            VSIFWriteL(text, 1, strlen(text), fp);
            VSIFCloseL(fp);
            GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
            cr_assert_not_null(ds);
            senda__colmap m;
            memset(&m, 0, sizeof m);
            m.syn = t;
            /* the status may be "no coordinate column": the roles are set before */
            (void)senda__columns_detect(ctx, GDALDatasetGetLayer(ds, 0), &o, path, &m);
            const int got[SENDA_SYN_COL_N] = {m.lon,   m.lat,    m.coords,   m.date,     m.year,
                                              m.month, m.type,   m.count[0], m.count[0], m.count[1],
                                              m.place, m.state,  m.id,       m.perp,     m.women,
                                              m.men,   m.minors, m.synthetic};
            cr_assert_eq(got[r], 1, "column '%s' (role %s) not found for its role", t->cols[r][k],
                         senda__syn_col_role_name(r));
            GDALClose(ds);
            VSIUnlink(path);
        }
    }
    cr_assert_gt(n, 100);
    senda_ctx_destroy(ctx);
}

/* A user's file: one more count column name, a type and a perpetrator keyword. */
static const char user_syn[] = "# a field team's words\n"
                               "kind,role,text\n"
                               "column,count,cuántos\n"
                               "type,kidnapping,raptad\n"
                               "perpetrator,police,tamarindo\n";
static const char reports[] = "fecha,latitud,longitud,tipo,cuantos,responsable\n"
                              "2019-05-02,16.2,-93.9,raptada en la vía,3,tamarindos\n";

Test(synonyms, a_user_file_extends_the_bundled_table)
{
    char *dir = tu_tmpdir(), syn[600], csv[600], a[600], b[600], args[2400];
    snprintf(syn, sizeof syn, "%s/mine.csv", dir);
    snprintf(csv, sizeof csv, "%s/reports.csv", dir);
    snprintf(a, sizeof a, "%s/plain.gpkg", dir);
    snprintf(b, sizeof b, "%s/extended.gpkg", dir);
    cr_assert_eq(tu_write(syn, user_syn), 0);
    cr_assert_eq(tu_write(csv, reports), 0);
    senda_ctx *ctx = NULL;
    senda_ctx_create(&ctx);
    senda__synonyms *t = NULL;
    cr_assert_eq(senda__synonyms_load(ctx, syn, &t), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(t->n_entries, t->n_bundled + 3);
    int known = 0;
    cr_assert_eq(senda__type_from_text(t, "raptada", &known), SENDA_INC_KIDNAPPING);
    cr_assert_eq(senda__type_from_text(senda__synonyms_bundled(), "raptada", &known),
                 SENDA_INC_OTHER);
    cr_assert_eq(known, 0, "the bundled table does not know the word");
    senda__synonyms_destroy(t);

    /* end to end, the command a user runs: without the file, no count column
     * (1 assumed) and an unknown type; with it, 3 victims of a kidnapping by police */
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' --no-join -q", csv, a);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' --synonyms '%s' --no-join -q",
             csv, b, syn);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char buf[128];
    cr_assert_str_eq(inc_q(a, "SELECT type || ' ' || victims || ' ' || perpetrator FROM incidents",
                           buf, sizeof buf),
                     "other 1.0 other");
    cr_assert_str_eq(inc_q(b, "SELECT type || ' ' || victims || ' ' || perpetrator FROM incidents",
                           buf, sizeof buf),
                     "kidnapping 3.0 police");

    /* a bad line is refused naming file, line and field, before any store is made */
    cr_assert_eq(tu_write(syn, "kind,role,text\ncolumn,count,n\ncolumna,count,cuantos\n"), 0);
    cr_assert_eq(senda__synonyms_load(ctx, syn, &t), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "mine.csv line 3: field kind: 'columna'"), "%s",
              senda_ctx_errmsg(ctx));
    cr_assert_eq(tu_write(syn, "kind,role,text\ntype,secuestro,plagio\n"), 0);
    cr_assert_eq(senda__synonyms_load(ctx, syn, &t), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "line 2: field role: 'secuestro' is not an incident "
                                            "type code (kidnapping, extortion, ... other)"),
              "%s", senda_ctx_errmsg(ctx));
    snprintf(args, sizeof args, "incidents import '%s' --store '%s/never.gpkg' --synonyms '%s' -q",
             csv, dir, syn);
    r = tu_senda(args);
    cr_assert_neq(r.exit_code, 0);
    cr_assert(strstr(r.err, "field role"), "%s", r.err);
    tu_run_free(&r);
    snprintf(buf, sizeof buf, "%s/never.gpkg", dir);
    cr_assert_null(tu_read(buf), "a store was made");
    senda_ctx_destroy(ctx);
    free(dir);
}
