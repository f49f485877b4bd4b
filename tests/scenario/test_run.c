/*
 * test_run.c - `senda run` and senda_scenario_run / _run_all: one valid
 * GeoPackage per scenario, jobs, --only, keep-going, failures that name the
 * scenario, cancellation and allocation failures that leave a previous
 * output untouched. Coarse cells (5 km) and few synthetic incidents keep
 * each run well under a second.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "scenario/scenario_int.h"
#include "testutil.h"

static senda_ctx *ctx;
static char *dir;
static char yaml[512];

static void setup(void)
{
    cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK);
    dir = tu_tmpdir();
    snprintf(yaml, sizeof yaml, "%s/runs.yaml", dir);
}

static void teardown(void)
{
    senda_ctx_destroy(ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!getenv("SENDA_TEST_KEEP"))
        cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* A scenario file over the bundled layers: base + the given entries. */
static void write_yaml(const char *entries)
{
    char text[4096];
    snprintf(text, sizeof text,
             "layers: %s\n"
             "cell_m: 5000\n"
             "pad_m: 5000\n"
             "output: out/{name}.gpkg\n"
             "incidents: {synthetic: 300, seed: 3}\n"
             "hotspot: {radius_m: 20000, cell_m: 25000}\n"
             "siting: {p: 2, spacing_m: 20000}\n"
             "scenarios:\n%s",
             senda_layers_default_dir(), entries);
    cr_assert_eq(tu_write(yaml, text), 0);
}

static const char *three =
    "  - name: all\n"
    "  - name: kidnapping\n"
    "    filter: {types: [kidnapping, extortion]}\n"
    "  - name: whatif\n"
    "    danger: {without_checkpoints: [La Arrocera]}\n"
    "    stages: [density, danger, cost]\n";

static void out_path(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/out/%s.gpkg", dir, name);
}

/* 1 when scenario name's output exists. */
static int exists(const char *name)
{
    char p[600];
    out_path(name, p, sizeof p);
    return access(p, F_OK) == 0;
}

/* 1 when the GeoPackage holds a table (feature layer or coverage) of that name. */
static int has_table(GDALDatasetH ds, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM gpkg_contents WHERE table_name = '%s'",
             name);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    cr_assert_not_null(r);
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    int n = f ? OGR_F_GetFieldAsInteger(f, 0) : 0;
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, r);
    return n > 0;
}

static int has_sqlite_table(GDALDatasetH ds, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
             "name = '%s'", name);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    cr_assert_not_null(r);
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    int n = f ? OGR_F_GetFieldAsInteger(f, 0) : 0;
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, r);
    return n > 0;
}

static GDALDatasetH open_gpkg(const char *path)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    cr_assert_not_null(ds, "%s does not open with GDAL", path);
    return ds;
}

/* (lon, lat) in WGS 84 to UTM 15N with OSR: an independent projection. */
static void utm15(double lon, double lat, double *x, double *y)
{
    OGRSpatialReferenceH a = OSRNewSpatialReference(NULL), b = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(a, 4326);
    OSRImportFromEPSG(b, 32615);
    OSRSetAxisMappingStrategy(a, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(b, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH t = OCTNewCoordinateTransformation(a, b);
    *x = lon, *y = lat;
    cr_assert(OCTTransform(t, 1, x, y, NULL));
    OCTDestroyCoordinateTransformation(t);
    OSRDestroySpatialReference(a);
    OSRDestroySpatialReference(b);
}

Test(run, three_scenarios_with_two_jobs_give_three_valid_files, .init = setup,
     .fini = teardown)
{
    write_yaml(three);
    char args[700];
    snprintf(args, sizeof args, "run '%s' --jobs 2 -q", yaml);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.out, "scenario") && strstr(r.out, "kidnapping"), "%s", r.out);
    tu_run_free(&r);
    static const char *full[] = {"border", "rail", "checkpoints", "crossings", "shelters",
                                 "incidents", "density", "danger", "accumulated_cost",
                                 "hotspot_cells", "paths", "routes", "route_segments",
                                 "shelter_sites", "layer_styles", "qgis_projects"};
    const char *names[3] = {"all", "kidnapping", "whatif"};
    for (int k = 0; k < 3; k++) {
        char p[600];
        out_path(names[k], p, sizeof p);
        GDALDatasetH ds = open_gpkg(p);
        for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
            /* whatif runs density, danger and cost only (stages) */
            int want = k < 2 || (strcmp(full[i], "hotspot_cells") != 0 &&
                                 strcmp(full[i], "routes") != 0 &&
                                 strcmp(full[i], "route_segments") != 0 &&
                                 strcmp(full[i], "shelter_sites") != 0);
            if (strcmp(full[i], "layer_styles") == 0 || strcmp(full[i], "qgis_projects") == 0)
                cr_assert(has_sqlite_table(ds, full[i]), "%s: %s", p, full[i]);
            else
                cr_assert_eq(has_table(ds, full[i]), want, "%s: table %s present = %d", p,
                             full[i], !want);
        }
        GDALClose(ds);
    }
}

Test(run, the_path_to_arriaga_starts_at_a_source_and_cost_is_zero_at_a_crossing,
     .init = setup, .fini = teardown)
{
    write_yaml("  - name: all\n    stages: [danger, cost]\n"
               "    routes: {from: [Ciudad Hidalgo, Tenosique]}\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_run_result res;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 0), senda_scenario_text(set),
                                    NULL, &res, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    /* The path to Arriaga (routes.to default) starts at the source (routes.from default:
     * Ciudad Hidalgo; Tenosique) nearer in danger units. Which one that is depends on
     * where the synthetic incidents fall: with independent seeds, 3 of seeds 1..8 give
     * Ciudad Hidalgo, the others Tenosique. So the first vertex is checked to be the
     * centre of the 5 km cell holding one of the two (GeoNames points in
     * layers/gazetteer/corridor_places.tsv), at most 5000 / sqrt(2) m away. */
    static const double sources[][2] = {{-92.15217, 14.68148}, {-91.4236, 17.4729}};
    double hx, hy;
    utm15(-92.146, 14.679, &hx, &hy); /* the Ciudad Hidalgo bridge, for the cost check */
    char p[600];
    out_path("all", p, sizeof p);
    GDALDatasetH ds = open_gpkg(p);
    OGRLayerH paths = GDALDatasetGetLayerByName(ds, "paths");
    cr_assert_not_null(paths);
    OGR_L_SetAttributeFilter(paths, "name = 'Arriaga'");
    OGRFeatureH f = OGR_L_GetNextFeature(paths);
    cr_assert_not_null(f, "no path named Arriaga");
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    double d = HUGE_VAL;
    for (size_t k = 0; k < 2; k++) {
        double cx, cy;
        utm15(sources[k][0], sources[k][1], &cx, &cy);
        d = fmin(d, hypot(OGR_G_GetX(g, 0) - cx, OGR_G_GetY(g, 0) - cy));
    }
    cr_assert_leq(d, 5000.0 / sqrt(2.0) + 1.0, "path starts %.0f m from the nearest source", d);
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* r.cost: a source cell's accumulated cost is 0. */
    char sub[700];
    snprintf(sub, sizeof sub, "GPKG:%s:accumulated_cost", p);
    GDALDatasetH rs = GDALOpen(sub, GA_ReadOnly);
    cr_assert_not_null(rs);
    double gt[6];
    GDALGetGeoTransform(rs, gt);
    int col = (int)floor((hx - gt[0]) / gt[1]), row = (int)floor((hy - gt[3]) / gt[5]);
    float v = -1.0f;
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(rs, 1), GF_Read, col, row, 1, 1, &v, 1, 1,
                              GDT_Float32, 0, 0),
                 CE_None);
    cr_assert_float_eq(v, 0.0f, 1e-6);
    GDALClose(rs);
    senda_scenario_set_destroy(set);
}

static const char *with_broken =
    "  - name: first\n"
    "  - name: broken\n"
    "    routes: {to: [Atlantis]}\n"
    "  - name: third\n";

Test(run, a_failing_scenario_names_itself_stops_the_rest_and_exits_1, .init = setup,
     .fini = teardown)
{
    write_yaml(with_broken);
    char args[700];
    snprintf(args, sizeof args, "run '%s' -q", yaml);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.err, "broken: no place named 'Atlantis' in the layers") != NULL, "%s",
              r.err);
    cr_assert(strstr(r.err, "1 of 3 scenarios failed: broken:") != NULL, "%s", r.err);
    cr_assert(strstr(r.out, "third                not run") != NULL, "%s", r.out);
    tu_run_free(&r);
    cr_assert(exists("first"), "first ran before the failure");
    cr_assert(!exists("broken"), "no output for the failed scenario");
    cr_assert(!exists("third"), "third must not run without --keep-going");
}

Test(run, keep_going_runs_every_scenario_and_still_exits_1, .init = setup, .fini = teardown)
{
    write_yaml(with_broken);
    char args[700];
    snprintf(args, sizeof args, "run '%s' -q --keep-going --jobs 2 --json", yaml);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.out, "\"ok\":false") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "no place named 'Atlantis'") != NULL, "%s", r.out);
    tu_run_free(&r);
    cr_assert(exists("first"));
    cr_assert(exists("third"), "third runs with --keep-going");
}

Test(run, only_selects_scenarios_and_refuses_an_unknown_name, .init = setup, .fini = teardown)
{
    write_yaml(three);
    char args[700];
    snprintf(args, sizeof args, "run '%s' -q --only whatif", yaml);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    cr_assert(exists("whatif"));
    cr_assert(!exists("all"));
    snprintf(args, sizeof args, "run '%s' -q --only nosuch", yaml);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 2);
    cr_assert(strstr(r.err, "--only: no scenario named 'nosuch' (the file has: all, "
                            "kidnapping, whatif)") != NULL, "%s", r.err);
    tu_run_free(&r);
}

Test(run, an_invalid_entry_fails_with_its_line_and_key, .init = setup, .fini = teardown)
{
    write_yaml("  - name: ok\n  - name: bad\n    cell_m: -3\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK);
    senda_scenario_run_result res;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 1), NULL, NULL, &res, NULL,
                                    NULL),
                 SENDA_ERR_DATA);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "runs.yaml:11: cell_m: must be > 0, got -3") != NULL,
              "%s", senda_ctx_errmsg(ctx));
    cr_assert_str_eq(res.error, senda_ctx_errmsg(ctx));
    senda_scenario_run_opts o;
    senda_scenario_run_opts_init(&o);
    o.jobs = 17;
    senda_scenario_run_result *all = NULL;
    size_t n = 0;
    cr_assert_eq(senda_scenario_run_all(ctx, set, &o, &all, &n, NULL, NULL), SENDA_ERR_ARG);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "jobs must be 1..16, got 17") != NULL);
    cr_assert_null(all);
    senda_scenario_set_destroy(set);
}

/* Entries of the output directory other than "." and "..": no temporary file may stay. */
static int n_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static int stop_after(double c, const char *m, void *arg)
{
    (void)c, (void)m;
    return --*(int *)arg > 0;
}

Test(run, a_cancelled_run_leaves_the_previous_output_untouched, .init = setup,
     .fini = teardown)
{
    write_yaml("  - name: all\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK);
    char p[600], outdir[600];
    out_path("all", p, sizeof p);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", outdir);
    cr_assert_eq(system(cmd), 0);
    const char *previous = "the previous output\n";
    /* Cancel at the 1st, 2nd, 4th, ... progress report until the run completes. */
    int completed = 0;
    for (int k = 1; k < 4096 && !completed; k *= 2) {
        cr_assert_eq(tu_write(p, previous), 0);
        int left = k;
        senda_scenario_run_result res;
        senda_status st = senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &res,
                                             stop_after, &left);
        if (st == SENDA_OK) {
            completed = 1;
            break;
        }
        cr_assert_eq(st, SENDA_ERR_CANCELLED, "k = %d: %s", k, senda_ctx_errmsg(ctx));
        cr_assert(strstr(res.error, "cancelled") != NULL, "k = %d: %s", k, res.error);
        char *now = tu_read(p);
        cr_assert_str_eq(now, previous, "k = %d: the previous file changed", k);
        free(now);
        cr_assert_eq(n_entries(outdir), 1, "k = %d: a temporary file stayed", k);
    }
    cr_assert(completed, "the run never completed");
    senda_scenario_set_destroy(set);
}

Test(run, allocation_failures_fail_cleanly_and_leave_no_output, .init = setup,
     .fini = teardown)
{
    write_yaml("  - name: all\n    stages: [density, danger, cost, siting]\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK);
    char p[600];
    out_path("all", p, sizeof p);
    /* Fail the n-th allocation through the context for n growing by about 1.6x. */
    int completed = 0;
    for (long n = 1; n < 10000000 && !completed; n += n / 2 + 1) {
        senda_scenario_run_result res;
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &res,
                                             NULL, NULL);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK) {
            completed = 1;
            cr_assert_gt(n, 1);
            break;
        }
        cr_assert_eq(st, SENDA_ERR_NOMEM, "n = %ld: %s: %s", n, senda_status_name(st),
                     senda_ctx_errmsg(ctx));
        cr_assert(strstr(senda_ctx_errmsg(ctx), "out of memory") != NULL, "n = %ld: %s", n,
                  senda_ctx_errmsg(ctx));
        cr_assert_neq(access(p, F_OK), 0, "n = %ld: an output appeared", n);
    }
    cr_assert(completed);
    senda_scenario_set_destroy(set);
}

Test(run, help_teaches_with_an_example)
{
    tu_run r = tu_senda("run --help");
    cr_assert_eq(r.exit_code, 0);
    cr_assert(strstr(r.out, "senda run scenarios/corridor.yaml") != NULL, "%s", r.out);
    cr_assert(strstr(r.out, "--keep-going") != NULL);
    tu_run_free(&r);
    r = tu_senda("run");
    cr_assert_eq(r.exit_code, 2);
    tu_run_free(&r);
}

/* One value from SQL on a dataset GDAL opens (OGR SQL or SQLite dialect). */
static long long sql_int(const char *path, const char *sql)
{
    GDALDatasetH ds = open_gpkg(path);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    cr_assert_not_null(r, "%s: %s", path, sql);
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    long long v = f ? OGR_F_GetFieldAsInteger64(f, 0) : -1;
    OGR_F_Destroy(f);
    GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
    return v;
}

Test(run, a_store_scenario_reads_the_filtered_incidents_without_their_free_text,
     .init = setup, .fini = teardown)
{
    char store[600], csv[600], args[2000], entries[1400];
    snprintf(store, sizeof store, "%s/store.gpkg", dir);
    snprintf(csv, sizeof csv, "%s/in.csv", dir);
    snprintf(args, sizeof args, "synth --n 400 --seed 9 --out '%s' -q", csv);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(args, sizeof args, "incidents import '%s' --store '%s' -q", csv, store);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    snprintf(entries, sizeof entries,
             "  - name: kidnapping\n"
             "    incidents: {store: %s}\n"
             "    filter: {types: kidnapping}\n"
             "    stages: [density]\n", store);
    write_yaml(entries);
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_run_result res;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &res, NULL,
                                    NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_set_destroy(set);
    /* the import counts are unknown with a store; the filter count comes from the store */
    cr_assert_eq(res.n_read, -1);
    long long want = sql_int(store, "SELECT COUNT(*) FROM incidents WHERE type = 'kidnapping' "
                                    "AND status IN ('accepted', 'repaired')");
    cr_assert_gt(want, 0);
    cr_assert_eq(res.n_incidents, want);
    char p[600];
    out_path("kidnapping", p, sizeof p);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM incidents"), want);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM incidents WHERE type <> 'kidnapping'"), 0);
    GDALDatasetH ds = open_gpkg(p);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(GDALDatasetGetLayerByName(ds, "incidents"));
    static const char *absent[] = {"raw", "message", "source_file", "source_row", "source_id",
                                   "type_raw", "perpetrator_raw", "place"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_assert_lt(OGR_FD_GetFieldIndex(d, absent[i]), 0, "field %s leaked", absent[i]);
    int t = OGR_FD_GetFieldIndex(d, "type"), df = OGR_FD_GetFieldIndex(d, "date_first");
    cr_assert_geq(t, 0);
    cr_assert_str_eq(OGR_Fld_GetDomainName(OGR_FD_GetFieldDefn(d, t)), "incident_type");
    cr_assert_eq(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, df)), OFTDate);
    GDALClose(ds);
}

Test(run, a_sources_scenario_imports_the_iom_file_and_counts_add_up, .init = setup,
     .fini = teardown)
{
    char iom[600], entries[1400];
    if (!tu_shared("iom-mmp/mmp_full_corridor_2014_2019.csv", iom, sizeof iom))
        cr_skip_test("../shared/data/iom-mmp absent");
    snprintf(entries, sizeof entries,
             "  - name: iom\n"
             "    incidents: {sources: [%s]}\n"
             "    filter: {date_from: 2016, date_to: 2019}\n"
             "    stages: [density, hotspot]\n", iom);
    write_yaml(entries);
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_run_result res;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &res, NULL,
                                    NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_set_destroy(set);
    /* every data row of the file is read (OGR's CSV reader counts them independently) and
     * ends accepted, rejected or duplicate; the filter keeps those of 2016-2019 */
    GDALDatasetH csv = GDALOpenEx(iom, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    cr_assert_not_null(csv);
    long long rows = OGR_L_GetFeatureCount(GDALDatasetGetLayer(csv, 0), TRUE);
    GDALClose(csv);
    cr_assert_eq(res.n_read, rows);
    cr_assert_eq(res.n_accepted + res.n_rejected + res.n_duplicate, res.n_read);
    cr_assert_gt(res.n_incidents, 0);
    cr_assert_leq(res.n_incidents, res.n_accepted);
    char p[600];
    out_path("iom", p, sizeof p);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM incidents"), res.n_incidents);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM incidents WHERE date_first < '2016-01-01' "
                            "OR date_last > '2019-12-31'"),
                 0);
}

static void keep_log(int level, const char *message, void *arg)
{
    if (level == 1)
        snprintf((char *)arg + strlen(arg), 2048 - strlen(arg), "%s\n", message);
}

Test(run, one_incident_gives_a_product_without_gi_cells_and_says_why, .init = setup,
     .fini = teardown)
{
    /* Gi*'s distance band needs the distances between cells holding incidents: with one
     * incident there is none, the statistic cannot run and the run goes on without it. */
    write_yaml("  - name: one\n    incidents: {synthetic: 1}\n    stages: [density, hotspot]\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    char log[2048] = "";
    senda_ctx_set_log(ctx, keep_log, log);
    senda_scenario_run_result res;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &res, NULL,
                                    NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_set_destroy(set);
    cr_assert_eq(res.n_incidents, 1);
    cr_assert(strstr(log, "no Gi* cells: ") != NULL, "%s", log);
    char p[600];
    out_path("one", p, sizeof p);
    GDALDatasetH ds = open_gpkg(p);
    cr_assert(has_table(ds, "density"));
    cr_assert(!has_table(ds, "hotspot_cells"));
    GDALClose(ds);
}

Test(run, siting_demand_can_be_the_danger_along_the_rail, .init = setup, .fini = teardown)
{
    write_yaml("  - name: inc\n    stages: [siting]\n"
               "  - name: dgr\n    stages: [siting]\n    siting: {demand: danger}\n");
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, yaml, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_run_result a, b;
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 0), NULL, NULL, &a, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_scenario_run(ctx, senda_scenario_at(set, 1), NULL, NULL, &b, NULL, NULL),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    senda_scenario_set_destroy(set);
    cr_assert(a.n_sites >= 1 && a.n_sites <= 2 && b.n_sites >= 1 && b.n_sites <= 2);
    cr_assert(b.covered_pct > 0.0 && b.covered_pct <= 100.0);
    /* demand points: the incidents stored (300 synthetic rows less those synth placed
     * beyond the study area's west edge at the Valley of Mexico line's end, -99), or one
     * per danger cell near the rail (the danger surface is >= w_base = 1 > 0
     * everywhere, so every such cell is demand) */
    char p[600];
    out_path("inc", p, sizeof p);
    cr_assert(a.n_incidents > 290 && a.n_incidents <= 300, "%ld", (long)a.n_incidents);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM demand_allocation"), a.n_incidents);
    out_path("dgr", p, sizeof p);
    cr_assert_neq(sql_int(p, "SELECT COUNT(*) FROM demand_allocation"), 300);
    cr_assert_eq(sql_int(p, "SELECT COUNT(*) FROM demand_allocation WHERE weight < 1"), 0);
}

Test(run, sigterm_cancels_cleanly_and_keeps_the_previous_output, .init = setup,
     .fini = teardown)
{
    /* a run of a few seconds (1 km cells, 20000 incidents), SIGTERM as soon as its first
     * temporary file (the synthetic incidents) appears */
    char text[1024], cmd[3000], p[600], outdir[600];
    snprintf(text, sizeof text,
             "layers: %s\ncell_m: 1000\noutput: out/{name}.gpkg\n"
             "incidents: {synthetic: 20000}\nhotspot: {radius_m: 15000, cell_m: 5000}\n",
             senda_layers_default_dir());
    cr_assert_eq(tu_write(yaml, text), 0);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    snprintf(p, sizeof p, "%s/runs.gpkg", outdir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && printf previous > '%s'", outdir, p);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "'%s' run '%s' -q >/dev/null 2>'%s/err.txt' & pid=$!; "
             "for i in $(seq 500); do ls '%s'/.runs.gpkg.tmp-senda-* >/dev/null 2>&1 && break; "
             "sleep 0.02; done; kill -TERM $pid; wait $pid; echo $? > '%s/rc.txt'",
             SENDA_CLI_PATH, yaml, dir, outdir, dir);
    cr_assert_eq(system(cmd), 0);
    char rcp[600], errp[600];
    snprintf(rcp, sizeof rcp, "%s/rc.txt", dir);
    snprintf(errp, sizeof errp, "%s/err.txt", dir);
    char *rc = tu_read(rcp), *err = tu_read(errp), *now = tu_read(p);
    cr_assert_str_eq(rc, "1\n", "stderr: %s", err);
    cr_assert(strstr(err, "stopped by signal 15") != NULL, "%s", err);
    cr_assert_str_eq(now, "previous");
    cr_assert_eq(n_entries(outdir), 1, "temporary files stayed");
    free(rc), free(err), free(now);
}

/* The synthetic incidents are dated up to today: nothing passes date_from 2090. */
static const char *empty_filter =
    "  - name: nothing\n"
    "    filter: {types: [kidnapping], date_from: '2090'}\n"
    "    stages: [density, hotspot]\n"
    "  - name: nothing_allowed\n"
    "    allow_empty: true\n"
    "    filter: {types: [kidnapping], date_from: '2090'}\n"
    "    stages: [density, hotspot]\n";

Test(run, an_empty_filter_fails_naming_it_unless_allow_empty, .init = setup, .fini = teardown)
{
    write_yaml(empty_filter);
    char args[700];
    snprintf(args, sizeof args, "run '%s' -q --only nothing", yaml);
    tu_run r = tu_senda(args);
    cr_assert_eq(r.exit_code, 1, "stdout: %s\nstderr: %s", r.out, r.err);
    cr_assert(strstr(r.err, "the filter {types: [kidnapping], date_from: 2090} leaves no "
                            "incident") && strstr(r.err, "allow_empty: true"), "%s", r.err);
    tu_run_free(&r);
    cr_assert(!exists("nothing"), "no product for an empty filter");
    snprintf(args, sizeof args, "run '%s' -q --only nothing_allowed", yaml);
    r = tu_senda(args);
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    tu_run_free(&r);
    char out[600], cmd[1400];
    out_path("nothing_allowed", out, sizeof out);
    snprintf(cmd, sizeof cmd, "ogrinfo -ro -q '%s' -sql \"SELECT description FROM layer_styles "
             "UNION ALL SELECT metadata FROM gpkg_metadata\" > '%s/t.txt' 2>&1", out, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/t.txt", dir);
    char *txt = tu_read(cmd);
    cr_assert(strstr(txt, "Incident density - 0 incidents") &&
              strstr(txt, "Incidents by type - 0 incidents") &&
              strstr(txt, "\"title\":\"nothing_allowed - 0 incidents\"") &&
              strstr(txt, "\"incidents_in_filter\":0"), "%s", txt);
    free(txt);
}
