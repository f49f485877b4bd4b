/*
 * test_publish.c - cell suppression (hand-solved tables) and senda publish
 * (a run file made here: what goes in, what never does).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <sys/wait.h>

#include "io/gpkg_int.h"
#include "privacy/privacy_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static void setup(void) { cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK); }
static void teardown(void) { senda_ctx_destroy(ctx); }
TestSuite(publish, .init = setup, .fini = teardown);

/* A tree by hand: whole area -> Mexico (s1 30, s2 4, s3 8, s4 0, s5 20) and
 * Guatemala (g1 3); incidents = victims. Worked by hand:
 * Mexico: s1, s4, s5 meet k = 11 (0 or >= 11) and stand alone; s2 + s3 = 12
 * go together as "rest of Mexico". Guatemala: 3 alone cannot, and nothing
 * under it was published: it passes up. Root: pool 3; the smallest groups
 * under the root are merged in: s4 (0) -> 3, then "rest of Mexico" (12) ->
 * 15 >= 11: "rest of the area" = {s2, s3, s4, g1} = 15. Published: s1 30,
 * s5 20, rest 15: every figure 0 or >= 11, and they sum to 65. */
Test(publish, small_units_merge_into_larger_ones_until_they_reach_k)
{
    senda__agg_node nd[9];
    memset(nd, 0, sizeof nd);
    const struct { long parent; const char *code; long m; const char *rest; } spec[] = {
        {-1, "all", 0, "rest of the area"}, {0, "MEX", 0, "rest of Mexico"}, {1, "s1", 30, ""},
        {1, "s2", 4, ""}, {1, "s3", 8, ""}, {1, "s4", 0, ""}, {1, "s5", 20, ""},
        {0, "GTM", 0, "rest of Guatemala"}, {7, "g1", 3, ""}};
    for (int i = 0; i < 9; i++) {
        nd[i].parent = spec[i].parent;
        snprintf(nd[i].code, sizeof nd[i].code, "%s", spec[i].code);
        snprintf(nd[i].label, sizeof nd[i].label, "%s", spec[i].code);
        snprintf(nd[i].rest, sizeof nd[i].rest, "%s", spec[i].rest);
        nd[i].m[0] = nd[i].m[1] = spec[i].m;
    }
    senda__agg_group *g = NULL;
    size_t ng = 0;
    cr_assert_eq(senda__aggregate(ctx, nd, 9, 11, &g, &ng), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(ng, 3);
    cr_assert_neq(nd[2].group, nd[6].group);
    cr_assert_eq(g[nd[2].group].m[0], 30);
    cr_assert_eq(g[nd[6].group].m[0], 20);
    long rest = nd[3].group;
    cr_assert(nd[4].group == rest && nd[5].group == rest && nd[8].group == rest);
    cr_assert_eq(g[rest].m[0], 15);
    cr_assert_str_eq(g[rest].label, "rest of the area");
    cr_assert_eq(g[rest].n_atoms, 4);
    senda__free(g);
    /* the whole area below k: nothing can be published */
    for (int i = 2; i < 9; i++)
        nd[i].m[0] = nd[i].m[1] = i == 2 ? 7 : 0;
    cr_assert_eq(senda__aggregate(ctx, nd, 9, 11, &g, &ng), SENDA_ERR_DATA);
}

/* Canaries planted in the reports of the run file: none may reach the
 * public file's bytes. */
#define NAME_CANARY "Maricruz Canario Zapata"
#define PHONE_CANARY "+52 962 555 0199"
#define PATH_CANARY "/home/analista/confidencial/reportes-canario.csv"
#define REPORTER_CANARY "Reportero Jilguero"
/* a shelter (EPSG:32615) and an incident at its door */
static const double shelter_xy[2] = {503456.125, 1712345.875};

/* A run file in EPSG:32615: n incidents in Chiapas (about 14.9..15.5 N,
 * 92.9..92.7 W), incident i in month months[i] of 2020 (1..12) with type
 * types[i] (NULL: kidnapping), two victims each, one a woman; day-level
 * dates; free text with a name, a phone, a source path and a reporter; a
 * border line and a shelter with an address. */
/* where make_run_n puts incidents 1..n-1 (x: + step * i, y: + 613 m * (i % 7)) */
static double run_x = 510000.0, run_step = 977.0, run_y = 1710000.0;

static void make_run_n(const char *path, int n, const int *months, const char *const *types)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    cr_assert_not_null(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32615);
    OGRLayerH inc = GDALDatasetCreateLayer(ds, "incidents", srs, wkbPoint, NULL);
    const char *fields[][2] = {{"type", "s"},  {"date_first", "d"}, {"date_precision", "s"},
                               {"notes", "s"}, {"reporter", "s"},   {"source_file", "s"},
                               {"victims", "r"}, {"women", "r"}};
    for (int i = 0; i < 8; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i][0], fields[i][1][0] == 'd'   ? OFTDate
                                                        : fields[i][1][0] == 'r' ? OFTReal
                                                                                 : OFTString);
        OGR_L_CreateField(inc, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(inc));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        if (i == 0)
            OGR_G_SetPoint_2D(g, 0, shelter_xy[0], shelter_xy[1]);
        else
            OGR_G_SetPoint_2D(g, 0, run_x + run_step * i, run_y + 613.0 * (i % 7));
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, types && types[i] ? types[i] : "kidnapping");
        OGR_F_SetFieldDateTime(f, 1, 2020, months ? months[i] : 1, 1 + i % 28, 0, 0, 0, 0);
        OGR_F_SetFieldString(f, 2, "day");
        OGR_F_SetFieldString(f, 3, "witness " NAME_CANARY ", call " PHONE_CANARY);
        OGR_F_SetFieldString(f, 4, REPORTER_CANARY);
        OGR_F_SetFieldString(f, 5, PATH_CANARY);
        OGR_F_SetFieldDouble(f, 6, 2.0);
        OGR_F_SetFieldDouble(f, 7, 1.0);
        cr_assert_eq(OGR_L_CreateFeature(inc, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    const char *other[] = {"border", "shelters"};
    for (int k = 0; k < 2; k++) {
        OGRLayerH l = GDALDatasetCreateLayer(ds, other[k], srs, k ? wkbPoint : wkbLineString,
                                             NULL);
        OGRFieldDefnH fd = OGR_Fld_Create("name", OFTString);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
        fd = OGR_Fld_Create("address", OFTString);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(k ? wkbPoint : wkbLineString);
        OGR_G_SetPoint_2D(g, 0, k ? shelter_xy[0] : 500000.0, k ? shelter_xy[1] : 1700000.0);
        if (!k)
            OGR_G_SetPoint_2D(g, 1, 510000.0, 1720000.0);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, k ? "Albergue Canario" : "Mexico–Guatemala");
        OGR_F_SetFieldString(f, 1, "Calle Secreta 1");
        cr_assert_eq(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static void make_run(const char *path) { make_run_n(path, 15, NULL, NULL); }

static char *slurp(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *size = (size_t)n;
    return b;
}

static long sql_long(const char *gpkg, const char *sql)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    OGRLayerH l = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    cr_assert_not_null(l, "%s", sql);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    long v = f ? (long)OGR_F_GetFieldAsInteger64(f, 0) : -1;
    if (f)
        OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, l);
    GDALClose(ds);
    return v;
}

Test(publish, the_public_file_holds_only_aggregates_of_k_or_more_and_no_canary)
{
    char *dir = tu_tmpdir();
    char run[512], out[512], args[1400];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    senda_privacy_publish_result r;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, NULL, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    /* 15 incidents, 30 victims, all in Chiapas in 2020-01, kidnappings */
    cr_assert_eq(r.n_incidents, 15);
    cr_assert_eq(r.victims, 30);
    cr_assert_eq(r.victims_fine, 30);
    cr_assert_eq(sql_long(out, "SELECT incidents FROM incident_areas WHERE area = 'Chiapas'"),
                 15);
    cr_assert_eq(sql_long(out, "SELECT victims FROM incident_areas WHERE area = 'Chiapas'"), 30);
    cr_assert_eq(sql_long(out, "SELECT women_count FROM incident_areas WHERE area = 'Chiapas'"),
                 15);
    cr_assert_eq(sql_long(out, "SELECT SUM(incidents) FROM incident_areas"), 15);
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM incident_areas WHERE incidents BETWEEN 1 "
                               "AND 10 OR victims BETWEEN 1 AND 10 OR women_count BETWEEN 1 "
                               "AND 10 OR minors_count BETWEEN 1 AND 10"),
                 0);
    cr_assert_eq(sql_long(out, "SELECT incidents FROM incidents_by_period WHERE period = "
                               "'2020-01'"),
                 15);
    cr_assert_eq(sql_long(out, "SELECT SUM(incidents) FROM incidents_by_period"), 15);
    cr_assert_eq(sql_long(out, "SELECT incidents FROM incidents_by_type WHERE type = "
                               "'kidnapping'"),
                 15);
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM layer_styles WHERE f_table_name = "
                               "'incident_areas'"),
                 1);
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM qgis_projects"), 1);
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM publish_manifest WHERE item IN ('k', "
                               "'units', 'merged', 'release', 'figures')"),
                 5);
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    cr_assert_not_null(ds);
    cr_assert_null(GDALDatasetGetLayerByName(ds, "incidents"), "points copied");
    cr_assert_null(GDALDatasetGetLayerByName(ds, "shelters"), "shelters copied");
    OGRLayerH b = GDALDatasetGetLayerByName(ds, "border");
    cr_assert_not_null(b);
    cr_assert_eq(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(b)), 1, "only the name is copied");
    GDALClose(ds);
    /* canaries: nothing of the reports' text, days or coordinates in the bytes */
    size_t size;
    char *bytes = slurp(out, &size);
    const char *canary[] = {NAME_CANARY, "Canario", PHONE_CANARY, "555 0199", PATH_CANARY,
                            "confidencial", REPORTER_CANARY, "Jilguero", "Calle Secreta",
                            "Albergue", "2020-01-0", "2020-01-1", "2020/01/0", "2020/01/1",
                            "503456", "1712345"};
    for (size_t i = 0; i < sizeof canary / sizeof canary[0]; i++)
        cr_assert_null(memmem(bytes, size, canary[i], strlen(canary[i])), "'%s' leaked",
                       canary[i]);
    for (int i = 0; i < 2; i++) /* the shelter's coordinates as stored doubles */
        cr_assert_null(memmem(bytes, size, &shelter_xy[i], sizeof shelter_xy[i]),
                       "shelter coordinate %d leaked", i);
    free(bytes);
    /* the release is recorded in the run file and listed */
    snprintf(args, sizeof args, "publish --list-releases '%s'", run);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s", t.err);
    cr_assert(strstr(t.out, r.release) != NULL, "%s", t.out);
    tu_run_free(&t);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

Test(publish, fine_cells_small_k_and_an_output_that_is_the_input_are_refused)
{
    char *dir = tu_tmpdir();
    char run[512], out[512], args[1400], sym[600], hard[600];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    size_t n0, n1;
    char *before = slurp(run, &n0);
    senda_privacy_publish_opts o;
    senda_privacy_publish_opts_init(&o);
    o.k = 4;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, &o, NULL, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "at least 5") != NULL);
    senda_privacy_publish_opts_init(&o);
    const double bad_cells[] = {1.0, 9999.0, 1e-297, -25000.0, 1e300, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_cells / sizeof bad_cells[0]; i++) {
        o.cell_m = bad_cells[i];
        cr_assert_eq(senda_privacy_publish(ctx, run, out, &o, NULL, NULL, NULL), SENDA_ERR_ARG,
                     "cell %g accepted", bad_cells[i]);
        cr_assert(strstr(senda_ctx_errmsg(ctx), "10 to 1000 km") != NULL, "%s",
                  senda_ctx_errmsg(ctx));
    }
    /* the output is the run file: by name, through ./, a symlink, a hard link */
    snprintf(sym, sizeof sym, "%s/link.gpkg", dir);
    snprintf(hard, sizeof hard, "%s/hard.gpkg", dir);
    cr_assert_eq(symlink(run, sym), 0);
    cr_assert_eq(link(run, hard), 0);
    char dotted[600];
    snprintf(dotted, sizeof dotted, "%s/./run.gpkg", dir);
    const char *same[] = {run, dotted, sym, hard};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(senda_privacy_publish(ctx, run, same[i], NULL, NULL, NULL, NULL), SENDA_ERR_ARG,
                     "%s accepted", same[i]);
        cr_assert(strstr(senda_ctx_errmsg(ctx), "resolves to") != NULL);
    }
    cr_assert_eq(senda_privacy_publish(ctx, sym, run, NULL, NULL, NULL, NULL), SENDA_ERR_ARG);
    char *after = slurp(run, &n1);
    cr_assert(n0 == n1 && memcmp(before, after, n0) == 0, "the run file changed");
    free(before);
    free(after);
    /* the CLI says why */
    snprintf(args, sizeof args, "publish '%s' --out '%s' --cell-km 0.001", run, out);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 2, "%s", t.err);
    cr_assert(strstr(t.err, "locates each incident") != NULL, "%s", t.err);
    tu_run_free(&t);
    snprintf(args, sizeof args, "publish '%s' --out '%s' --cell-km 1e-300", run, out);
    t = tu_senda(args);
    cr_assert_eq(t.exit_code, 2, "%s", t.err);
    tu_run_free(&t);
    snprintf(args, sizeof args, "cd '%s' && '%s' publish run.gpkg --out ./run.gpkg", dir,
             SENDA_CLI_PATH);
    cr_assert_neq(system(args), 0);
    snprintf(args, sizeof args, "publish '%s' --out '%s' --k 3", run, out);
    t = tu_senda(args);
    cr_assert_eq(t.exit_code, 2, "%s", t.err);
    tu_run_free(&t);
    cr_assert_neq(access(out, F_OK), 0);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

/* 20 incidents in January 2020 and 6 in February (4 kidnappings, 2
 * extortions); 4 extortions among January's. Release A counts up to
 * January: Chiapas 20. Release B (a month more) would say Chiapas 26, so
 * B - A = February's 6 in Chiapas: refused. Release C leaves out extortion:
 * Chiapas 20 against A's 20 would give... C is compared with A (recorded):
 * all types minus all but extortion = the 4 January extortions: refused. */
Test(publish, differencing_a_month_more_or_a_type_less_is_refused_and_audited)
{
    char *dir = tu_tmpdir();
    char run[512], run2[512], a[512], b[512], c[512], args[1600];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(run2, sizeof run2, "%s/run2.gpkg", dir);
    snprintf(a, sizeof a, "%s/a.gpkg", dir);
    snprintf(b, sizeof b, "%s/b.gpkg", dir);
    snprintf(c, sizeof c, "%s/c.gpkg", dir);
    int months[26];
    const char *types[26];
    for (int i = 0; i < 26; i++) {
        months[i] = i < 20 ? 1 : 2;
        types[i] = (i >= 16 && i < 20) || i >= 24 ? "extortion" : "kidnapping";
    }
    make_run_n(run, 26, months, types);
    snprintf(args, sizeof args, "cp '%s' '%s'", run, run2);
    cr_assert_eq(system(args), 0);
    senda_privacy_publish_opts o;
    senda_privacy_publish_opts_init(&o);
    o.to = "2020-01";
    senda_privacy_publish_result ra;
    cr_assert_eq(senda_privacy_publish(ctx, run, a, &o, &ra, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sql_long(a, "SELECT incidents FROM incident_areas WHERE area = 'Chiapas'"), 20);
    senda_privacy_publish_opts_init(&o);
    cr_assert_eq(senda_privacy_publish(ctx, run, b, &o, NULL, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "Chiapas") != NULL, "%s", senda_ctx_errmsg(ctx));
    cr_assert(strstr(senda_ctx_errmsg(ctx), ra.release) != NULL, "%s", senda_ctx_errmsg(ctx));
    cr_assert_neq(access(b, F_OK), 0);
    o.to = "2020-01";
    o.exclude_types = "extortion";
    cr_assert_eq(senda_privacy_publish(ctx, run, c, &o, NULL, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), ra.release) != NULL, "%s", senda_ctx_errmsg(ctx));
    cr_assert_neq(access(c, F_OK), 0);
    /* an attacker's view: B made from a copy of the run (its ledger knows
     * nothing of A); the auditor, given both files, finds February */
    senda_privacy_publish_opts_init(&o);
    cr_assert_eq(senda_privacy_publish(ctx, run2, b, &o, NULL, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    snprintf(args, sizeof args, "publish --audit '%s'", b);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    cr_assert(strstr(t.out, "0 figures of 1 to k-1") != NULL, "%s", t.out);
    tu_run_free(&t);
    snprintf(args, sizeof args, "publish --audit '%s' '%s'", b, a);
    t = tu_senda(args);
    cr_assert_eq(t.exit_code, 1, "%s%s", t.out, t.err);
    cr_assert(strstr(t.out, "DISCLOSURE incidents: incident_areas 'Chiapas'") != NULL, "%s",
              t.out);
    tu_run_free(&t);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}
static int stop_now(double c, const char *m, void *arg)
{
    (void)c;
    (void)m;
    return ++*(int *)arg < 2;
}

Test(publish, cancellation_and_allocation_failure_leave_no_file)
{
    char *dir = tu_tmpdir();
    char run[512], out[512];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    for (int stop_at = 0;; stop_at++) {
        int calls = -stop_at;
        senda_status st = senda_privacy_publish(ctx, run, out, NULL, NULL, stop_now, &calls);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_CANCELLED);
        cr_assert_neq(access(out, F_OK), 0, "a file after cancelling at report %d", stop_at);
        cr_assert(stop_at < 10, "never finishes");
    }
    unlink(out);
    /* every allocation in turn fails: NOMEM and no file, until it succeeds */
    for (long n = 1;; n++) {
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_privacy_publish(ctx, run, out, NULL, NULL, NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK)
            break;
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %s", n, senda_ctx_errmsg(ctx));
        cr_assert_neq(access(out, F_OK), 0);
        cr_assert(n < 1000);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

static int touch(const char *dir, const char *name)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "w");
    if (!fp)
        return -1;
    fputs("restricted copy", fp);
    return fclose(fp);
}

static int exists(const char *dir, const char *name)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

/* The temporaries a killed senda left, of any nesting, are swept; files
 * senda did not make, and those of a live process, are not. A temporary of
 * a temporary is not nested. */
Test(publish, the_sweep_takes_senda_temporaries_of_any_nesting_and_nothing_else)
{
    char *dir = tu_tmpdir();
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    cr_assert_gt(child, 0);
    int status;
    waitpid(child, &status, 0); /* a pid that no longer exists */
    long dead = (long)child, live = (long)getppid();
    char n[16][200];
    const char *fmt_ours[] = {".x.gpkg.tmp-senda-%ld", "..x.gpkg.tmp-senda-%ld.tmp-senda-%ld",
                              ".x.gpkg.tmp-senda-%ld.store.gpkg.tmp-senda-%ld",
                              ".x.gpkg.tmp-senda-%ld-journal", ".x.gpkg.tmp-senda-%ld-3",
                              "...x.gpkg.tmp-senda-%ld.tmp-senda-%ld.tmp-senda-%ld"};
    for (int i = 0; i < 6; i++) {
        snprintf(n[i], sizeof n[i], fmt_ours[i], dead, dead, dead);
        cr_assert_eq(touch(dir, n[i]), 0);
    }
    const char *fmt_not[] = {".x.gpkg.tmp-senda-%ld", "..x.gpkg.tmp-senda-%ld.tmp-senda-%ld",
                             "x.gpkg.tmp-senda-backup", ".y.gpkg.tmp-senda-%ld",
                             ".x.gpkg.tmp-senda-%ld.evil", ".x.gpkg.tmp-senda-%ld.tmp-senda-x"};
    long who[] = {live, dead, 0, dead, dead, dead};
    for (int i = 0; i < 6; i++) {
        /* the second: a dead pid nested in a live one's name */
        snprintf(n[6 + i], sizeof n[6 + i], fmt_not[i], who[i], i == 1 ? live : who[i]);
        cr_assert_eq(touch(dir, n[6 + i]), 0);
    }
    char final[600], tmp[1200], tmp2[1200];
    snprintf(final, sizeof final, "%s/x.gpkg", dir);
    senda__tmp_path(final, tmp, sizeof tmp);
    for (int i = 0; i < 6; i++)
        cr_assert(!exists(dir, n[i]), "%s left", n[i]);
    for (int i = 6; i < 12; i++)
        cr_assert(exists(dir, n[i]), "%s removed", n[i]);
    char want[1200];
    snprintf(want, sizeof want, "%s/.x.gpkg.tmp-senda-%ld", dir, (long)getpid());
    cr_assert_str_eq(tmp, want);
    senda__tmp_path(tmp, tmp2, sizeof tmp2); /* a temporary of the temporary */
    cr_assert(strncmp(tmp2, want, strlen(want)) == 0 && tmp2[strlen(want)] == '-', "%s", tmp2);
    cr_assert(strstr(tmp2, "..x") == NULL, "%s", tmp2);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Cells: 10 km is the floor; the counts on cells are merged like units. */
Test(publish, cells_of_10_km_merge_until_every_figure_reaches_k)
{
    char *dir = tu_tmpdir();
    char run[512], out[512], cmd[700];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    make_run(run);
    senda_privacy_publish_opts o;
    senda_privacy_publish_opts_init(&o);
    o.cell_m = 10000.0;
    senda_privacy_publish_result r;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, &o, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sql_long(out, "SELECT SUM(incidents) FROM incident_areas"), 15);
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM incident_areas WHERE incidents BETWEEN 1 "
                               "AND 10 OR victims BETWEEN 1 AND 10"),
                 0);
    /* the 15 incidents span about 21 km: no single 10 km cell holds 11, so
     * they are published on a merged area, whose geometry is a union of cells */
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM incident_areas WHERE incidents > 0"), 1);
    cr_assert_gt(sql_long(out, "SELECT units_merged FROM incident_areas WHERE incidents > 0"), 1);
    /* a second release on other units is refused (areas of two schemes overlap) */
    senda_privacy_publish_opts_init(&o);
    snprintf(cmd, sizeof cmd, "%s/p2.gpkg", dir);
    cr_assert_eq(senda_privacy_publish(ctx, run, cmd, &o, NULL, NULL, NULL), SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "cells of 10 km") != NULL, "%s",
              senda_ctx_errmsg(ctx));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Cells that stay below k even as 80 km cells merge into the state around
 * them. 10 km cells, so the largest are 80 km, aligned to multiples of 80 km
 * in UTM 15N. The shelter incident lies in the 80 km cell [480, 560) x
 * [1680, 1760) km; incidents 1..5 at x 554..558 km, y 1800..1803 km in
 * [480, 560) x [1760, 1840); incidents 6..14 at x 560..568 km in [560, 640)
 * x [1760, 1840). The centres of the three cells, (520, 1720), (520, 1800)
 * and (600, 1800) km, lie in Chiapas (near Tonala, Cintalapa... and
 * Comitan): 1, 5 and 9 incidents, none reaching 11, pooled in Chiapas as
 * "rest of Chiapas" = 15, its geometry the union of the three cells. */
Test(publish, cells_below_k_merge_into_the_state_around_them)
{
    char *dir = tu_tmpdir();
    char run[512], out[512], cmd[700];
    snprintf(run, sizeof run, "%s/run.gpkg", dir);
    snprintf(out, sizeof out, "%s/public.gpkg", dir);
    run_x = 553000.0, run_step = 1000.0, run_y = 1800000.0;
    make_run(run);
    run_x = 510000.0, run_step = 977.0, run_y = 1710000.0;
    senda_privacy_publish_opts o;
    senda_privacy_publish_opts_init(&o);
    o.cell_m = 10000.0;
    cr_assert_eq(senda_privacy_publish(ctx, run, out, &o, NULL, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_eq(sql_long(out, "SELECT COUNT(*) FROM incident_areas WHERE incidents > 0"), 1);
    cr_assert_eq(sql_long(out, "SELECT incidents FROM incident_areas WHERE area = "
                               "'rest of Chiapas'"), 15);
    /* each 80 km cell fails k even whole (its zero cells merged in), so it
     * passes up whole: the group is the three 80 km cells, 3 x 64 cells of
     * 10 km = 3 x 6400 km2 (not Chiapas' 73,000 km2) */
    cr_assert_eq(sql_long(out, "SELECT units_merged FROM incident_areas WHERE area = "
                               "'rest of Chiapas'"), 192);
    cr_assert_eq(sql_long(out, "SELECT CAST(ROUND(ST_Area(geom) / 1e6) AS INTEGER) FROM "
                               "incident_areas WHERE area = 'rest of Chiapas'"), 19200);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Reports with canaries go through import, run and publish: none reaches
 * the public file's bytes, nor does any report's coordinate text. */
Test(publish, canaries_planted_in_the_reports_never_reach_the_public_file)
{
    char *dir = tu_tmpdir();
    char csv[600], yaml[600], out[600], pub[600], args[2400];
    snprintf(csv, sizeof csv, "%s/reportes-canario.csv", dir);
    snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/run.gpkg", dir);
    snprintf(pub, sizeof pub, "%s/public.gpkg", dir);
    char text[16000];
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "id,fecha,tipo,victimas,mujeres,menores,latitud,longitud,"
                                   "lugar,notas,reportero,fuente\n");
    for (int i = 0; i < 24; i++) { /* near Tapachula, Chiapas; days 3 apart from 2021-03-01
                                    * (import takes reports within 2 days and 5 km as one) */
        int d = 3 * i, mo = d < 31 ? 3 : d < 61 ? 4 : 5, day = d - (mo == 3 ? 0 : mo == 4 ? 31
                                                                                           : 61) + 1;
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%d,2021-%02d-%02d,secuestro,2,1,0,14.90%02d7,-92.26%02d3,"
                                 "Tapachula,\"testigo %s tel %s\",%s,%s\n",
                                 i + 1, mo, day, i, i, NAME_CANARY, PHONE_CANARY,
                                 REPORTER_CANARY, PATH_CANARY);
    }
    cr_assert_eq(tu_write(csv, text), 0);
    snprintf(text, sizeof text,
             "layers: %s\ncrs: EPSG:32615\ncell_m: 2000\npad_m: 5000\noutput: %s\n"
             "incidents: {sources: [%s]}\nhotspot: {radius_m: 15000}\n"
             "scenarios:\n  - name: canary\n    stages: [density, hotspot]\n",
             senda_layers_default_dir(), out, csv);
    cr_assert_eq(tu_write(yaml, text), 0);
    snprintf(args, sizeof args, "run '%s' -q", yaml);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    tu_run_free(&t);
    snprintf(args, sizeof args, "publish '%s' --out '%s' -q", out, pub);
    t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    cr_assert_eq(access(pub, F_OK), 0, "%s %s", t.out, t.err);
    tu_run_free(&t);

    cr_assert_eq(sql_long(pub, "SELECT incidents FROM incident_areas WHERE area = 'Chiapas'"),
                 24);
    size_t size;
    char *bytes = slurp(pub, &size);
    const char *canary[] = {NAME_CANARY, "Maricruz", PHONE_CANARY, "555 0199",
                            PATH_CANARY, "reportes-canario", REPORTER_CANARY, "Jilguero",
                            "Tapachula", "testigo", "2021-03-0", "2021-03-1", "2021-03-2",
                            "2021-04-0", "2021-04-1", "2021-04-2", "2021-05-0", "2021/03/",
                            "2021/04/", "14.90", "-92.26"};
    for (size_t i = 0; i < sizeof canary / sizeof canary[0]; i++)
        cr_assert_null(memmem(bytes, size, canary[i], strlen(canary[i])), "'%s' leaked",
                       canary[i]);
    free(bytes);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

/* The real IOM Missing Migrants reports (../shared/data/iom-mmp): imported,
 * run, published with the defaults. Every count 0 or >= 11, and at least
 * half of all dead and missing in units no larger than a state. */
Test(publish, the_real_iom_data_publishes_most_victims_by_state)
{
    char iom[600];
    if (!tu_shared("iom-mmp/mmp_points_corridor_2014_2026.csv", iom, sizeof iom))
        cr_skip_test("../shared/data/iom-mmp absent");
    char *dir = tu_tmpdir();
    char yaml[600], out[600], pub[600], text[4000], args[2000];
    snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/iom.gpkg", dir);
    snprintf(pub, sizeof pub, "%s/iom-public.gpkg", dir);
    snprintf(text, sizeof text,
             "layers: %s\ncrs: EPSG:32615\ncell_m: 2000\npad_m: 5000\noutput: %s\n"
             "incidents: {sources: [%s]}\nhotspot: {radius_m: 25000}\n"
             "scenarios:\n  - name: iom\n    stages: [density, hotspot]\n",
             senda_layers_default_dir(), out, iom);
    cr_assert_eq(tu_write(yaml, text), 0);
    snprintf(args, sizeof args, "run '%s' -q", yaml);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    tu_run_free(&t);
    senda_privacy_publish_result r;
    cr_assert_eq(senda_privacy_publish(ctx, out, pub, NULL, &r, NULL, NULL), SENDA_OK, "%s",
                 senda_ctx_errmsg(ctx));
    cr_assert_gt(r.n_incidents, 400);
    cr_assert_geq(2 * r.victims_fine, r.victims, "%ld of %ld", r.victims_fine, r.victims);
    cr_assert_eq(sql_long(pub, "SELECT SUM(victims) FROM incident_areas"), r.victims);
    const char *tabs[] = {"incident_areas", "incidents_by_period", "incidents_by_type"};
    for (int i = 0; i < 3; i++) {
        snprintf(text, sizeof text,
                 "SELECT COUNT(*) FROM %s WHERE incidents BETWEEN 1 AND 10 OR victims "
                 "BETWEEN 1 AND 10",
                 tabs[i]);
        cr_assert_eq(sql_long(pub, text), 0, "%s", tabs[i]);
    }
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

/* 30 reports near Tapachula (Chiapas), one every 3 days from 2021-03-01:
 * March 11 (days 1..31), April 10, May 9 (the import takes reports within
 * 2 days and 5 km as one; these are 3 days apart). */
#define REPORTS_30 SENDA_SOURCE_DIR "/tests/data/publish/reports-30.csv"

/* senda run then senda publish with the defaults; the exit status of publish,
 * its stderr into err (when not NULL). */
static int run_and_publish(const char *yaml, const char *incidents, const char *out,
                           const char *date_to, const char *pub, const char *pub_args,
                           char *err, size_t err_size)
{
    char text[3000], args[2400];
    snprintf(text, sizeof text,
             "layers: %s\ncrs: EPSG:32615\ncell_m: 2000\npad_m: 5000\noutput: %s\n"
             "incidents: {%s}\nscenarios:\n  - name: r\n    stages: [density]\n"
             "    filter: {date_to: %s}\n",
             senda_layers_default_dir(), out, incidents, date_to);
    cr_assert_eq(tu_write(yaml, text), 0);
    snprintf(args, sizeof args, "run '%s' -q", yaml);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    tu_run_free(&t);
    snprintf(args, sizeof args, "publish '%s' --out '%s' %s -q", out, pub, pub_args);
    t = tu_senda(args);
    int rc = t.exit_code;
    if (err)
        snprintf(err, err_size, "%s", t.err);
    tu_run_free(&t);
    return rc;
}

/* The ledger outlives the run file: a re-run of the same output carries it,
 * and a run from a store reads and writes the store's. Release A covers
 * March-April 2021 (21 incidents in Chiapas); a re-run to May holds 30, and
 * its release would give May in Chiapas = 9 (1..10): refused, naming A and
 * Chiapas. The same months as A publish (identical figures), and
 * --list-releases shows both. */
Test(publish, the_ledger_outlives_the_run_file_in_the_store_and_across_re_runs)
{
    char *dir = tu_tmpdir();
    char csv[600], store[600], yaml[600], out[600], out2[600], pub[600], err[8000],
        args[2000], src[1300];
    snprintf(csv, sizeof csv, "%s", REPORTS_30);
    snprintf(store, sizeof store, "%s/store.gpkg", dir);
    snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
    snprintf(out, sizeof out, "%s/run.gpkg", dir);
    snprintf(out2, sizeof out2, "%s/other-run.gpkg", dir);
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' -q", csv, store);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    tu_run_free(&t);
    for (int with_store = 0; with_store < 2; with_store++) {
        if (with_store)
            snprintf(src, sizeof src, "store: %s", store);
        else
            snprintf(src, sizeof src, "sources: [%s]", csv);
        snprintf(pub, sizeof pub, "%s/a%d.gpkg", dir, with_store);
        unlink(out);
        cr_assert_eq(run_and_publish(yaml, src, out, "2021-04", pub, "", err, sizeof err), 0,
                     "%s", err);
        cr_assert_eq(sql_long(pub, "SELECT incidents FROM incident_areas WHERE area = "
                                   "'Chiapas'"), 21);
        json_object **docs = NULL;
        size_t n = 0;
        cr_assert_eq(senda__ledger_read_all(ctx, out, &docs, &n), SENDA_OK);
        cr_assert_eq(n, 1);
        char release_a[64];
        json_object *id;
        cr_assert(json_object_object_get_ex(docs[0], "release", &id));
        snprintf(release_a, sizeof release_a, "%s", json_object_get_string(id));
        json_object_put(docs[0]);
        senda__free(docs);
        /* a month more: the re-run rewrites run.gpkg; refused by the ledger */
        snprintf(pub, sizeof pub, "%s/b%d.gpkg", dir, with_store);
        cr_assert_eq(run_and_publish(yaml, src, out, "2021-05", pub, "", err, sizeof err), 1);
        cr_assert(strstr(err, release_a) && strstr(err, "'Chiapas'") && strstr(err, "= 9"),
                  "%s", err);
        cr_assert_neq(access(pub, F_OK), 0);
        /* the months of A again: the same figures, accepted; both listed */
        snprintf(args, sizeof args, "publish '%s' --out '%s' --to 2021-04 -q", out, pub);
        t = tu_senda(args);
        cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
        tu_run_free(&t);
        snprintf(args, sizeof args, "publish --list-releases '%s'", out);
        t = tu_senda(args);
        cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
        cr_assert(strstr(t.out, release_a) != NULL, "%s", t.out);
        int lines = 0;
        for (const char *p = t.out; (p = strchr(p, '\n')) != NULL; p++)
            lines++;
        cr_assert_eq(lines, 2, "%s", t.out);
        tu_run_free(&t);
    }
    /* another output from the same store starts with an empty run file, but
     * the store remembers: refused too */
    snprintf(src, sizeof src, "store: %s", store);
    snprintf(pub, sizeof pub, "%s/c.gpkg", dir);
    cr_assert_eq(run_and_publish(yaml, src, out2, "2021-05", pub, "", err, sizeof err), 1);
    cr_assert(strstr(err, "'Chiapas'") && strstr(err, "= 9"), "%s", err);
    cr_assert_eq(sql_long(store, "SELECT COUNT(*) FROM senda_releases"), 2);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}

/* senda run whose output is (or resolves to) its incident store or a
 * source, and senda hotspot / danger / route whose --out is their --store
 * (the name, ./name, a symlink, a hard link): refused before anything is
 * written; the store byte-identical. */
Test(publish, a_run_whose_output_is_its_store_or_a_source_is_refused)
{
    char *dir = tu_tmpdir();
    char csv[600], store[600], yaml[600], out[700], text[3000], args[2400];
    snprintf(csv, sizeof csv, "%s", REPORTS_30);
    snprintf(store, sizeof store, "%s/store.gpkg", dir);
    snprintf(yaml, sizeof yaml, "%s/s.yaml", dir);
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' -q", csv, store);
    tu_run t = tu_senda(args);
    cr_assert_eq(t.exit_code, 0, "%s%s", t.out, t.err);
    tu_run_free(&t);
    size_t size0, size1;
    char *before = slurp(store, &size0);
    snprintf(args, sizeof args, "ln -s store.gpkg '%s/link.gpkg' && ln '%s' '%s/hard.gpkg'",
             dir, store, dir);
    cr_assert_eq(system(args), 0);
    const char *outs[] = {"%s/store.gpkg", "%s/./store.gpkg", "%s/link.gpkg", "%s/hard.gpkg"};
    for (int kind = 0; kind < 2; kind++)
        for (size_t i = 0; i < 4; i++) {
            snprintf(out, sizeof out, outs[i], dir);
            /* kind 1: the store given as a source file to import */
            snprintf(text, sizeof text,
                     "layers: %s\ncrs: EPSG:32615\ncell_m: 2000\npad_m: 5000\noutput: %s\n"
                     "incidents: {%s: %s%s%s}\nscenarios:\n  - name: r\n    stages: [density]\n",
                     senda_layers_default_dir(), out, kind ? "sources" : "store",
                     kind ? "[" : "", store, kind ? "]" : "");
            cr_assert_eq(tu_write(yaml, text), 0);
            snprintf(args, sizeof args, "run '%s' -q", yaml);
            t = tu_senda(args);
            cr_assert_eq(t.exit_code, 1, "%s: %s%s", out, t.out, t.err);
            cr_assert(strstr(t.err, kind ? "is (or resolves to) the source"
                                         : "is (or resolves to) the incident store"),
                      "%s", t.err);
            tu_run_free(&t);
            char *after = slurp(store, &size1);
            cr_assert(size0 == size1 && memcmp(before, after, size0) == 0, "%s changed", out);
            free(after);
        }
    /* the commands with --store and --out: refused the same way (hotspot
     * used to write its density over the store) */
    const char *cmds[] = {"hotspot", "danger", "route"};
    for (size_t c = 0; c < 3; c++)
        for (size_t i = 0; i < 4; i++) {
            snprintf(out, sizeof out, outs[i], dir);
            snprintf(args, sizeof args, "%s --store '%s' --out '%s' -q", cmds[c], store, out);
            t = tu_senda(args);
            cr_assert_eq(t.exit_code, 2, "%s: %s%s", args, t.out, t.err);
            cr_assert(strstr(t.err, "is (or resolves to) the input --store"), "%s", t.err);
            tu_run_free(&t);
            char *after = slurp(store, &size1);
            cr_assert(size0 == size1 && memcmp(before, after, size0) == 0, "%s changed", args);
            free(after);
        }
    free(before);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    cr_assert_eq(system(args), 0);
    free(dir);
}
