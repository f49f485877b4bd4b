/*
 * cmd_incidents.c - `senda incidents import`: ingest incident reports into a
 * GeoPackage or PostGIS store and print what happened to every row.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define NO_DEF NULL, 0, {0}, 0
static cli_opt opts[] = {
    {"store", 0, OPT_STR, "STORE", NULL, "the incident store: a GeoPackage path (created when "
     "absent) or a PostGIS database, PG:dbname=... or postgresql://... (its tables created "
     "when absent; see senda store). Required", NO_DEF},
    {"lon-field", 0, OPT_STR, "NAME", NULL, "longitude (or x with --s_srs) column", NO_DEF},
    {"lat-field", 0, OPT_STR, "NAME", NULL, "latitude (or y) column", NO_DEF},
    {"coords-field", 0, OPT_STR, "NAME", NULL, "one \"lat, lon\" column (IOM style)", NO_DEF},
    {"date-field", 0, OPT_STR, "NAME", NULL, "date column", NO_DEF},
    {"type-field", 0, OPT_STR, "NAME", NULL, "incident type / cause column", NO_DEF},
    {"count-field", 0, OPT_STR, "NAME", NULL, "number of victims column", NO_DEF},
    {"place-field", 0, OPT_STR, "NAME", NULL, "place name column (geocoded when a row has no "
     "coordinates)", NO_DEF},
    {"id-field", 0, OPT_STR, "NAME", NULL, "report id column (kept as source_id)", NO_DEF},
    {"synonyms", 0, OPT_STR, "FILE", NULL, "more column names and type / perpetrator keywords "
     "(CSV kind,role,text, as the bundled share/senda/synonyms/synonyms.csv)", NO_DEF},
    {"layer", 0, OPT_STR, "NAME", NULL, "the layer (table) of each source to import, for a "
     "source with several (a GeoPackage, a PG: database)", NO_DEF},
    {"perpetrator-field", 0, OPT_STR, "NAME", NULL, "perpetrator column", NO_DEF},
    {"s_srs", 0, OPT_STR, "CRS", NULL, "CRS of the coordinate columns, e.g. EPSG:32615 "
     "(default: WGS 84 lon/lat)", NO_DEF},
    {"date-order", 0, OPT_STR, "ORDER", "auto", "reading of nn/nn/yyyy: dmy, mdy, or auto "
     "(dmy unless a weekday name or a value > 12 says mdy)", NO_DEF},
    {"study-area", 0, OPT_STR, "W,S,E,N", "-99,13,-86,22", "lon/lat box; points outside are "
     "rejected (or repaired when swapped or missing the west sign)", NO_DEF},
    {"gazetteer", 0, OPT_STR, "FILE", NULL, "GeoNames TSV for place names (default: bundled "
     "layers/gazetteer/corridor_places.tsv)", NO_DEF},
    {"layers", 0, OPT_STR, "DIR", NULL, "corridor layers for the spatial join (default: the "
     "bundled layers when they load; else no join, with a warning)", NO_DEF},
    {"no-join", 0, OPT_FLAG, NULL, NULL, "skip the spatial join", NO_DEF},
    {"crs", 0, OPT_STR, "CRS", SENDA_DEFAULT_CRS, "projected CRS of the join distances",
     NO_DEF},
    {"dedupe-days", 0, OPT_DBL, "DAYS", "2", "same-type reports within this many days...",
     NO_DEF},
    {"dedupe-km", 0, OPT_DBL, "KM", "5", "...and this many km are duplicates (negative: off)",
     NO_DEF},
    {"severity", 0, OPT_STR, "TYPE=W,...", NULL, "change severity weights, e.g. "
     "homicide=12,extortion=1 (defaults: homicide 10, death_accident 8, disappearance 8, "
     "kidnapping 6, trafficking 6, sexual_violence 6, robbery_assault 3, abuse_by_authority 3, "
     "extortion 2, other 1)", NO_DEF},
    {"today", 0, OPT_STR, "YYYY-MM-DD", NULL, "date after which reports are 'in the future' "
     "(default: today, UTC)", NO_DEF},
    {"threads", 0, OPT_INT, "N", "2", "threads for the spatial join", NO_DEF},
    {"json", 0, OPT_FLAG, NULL, NULL, "print the summary as JSON on stdout", NO_DEF},
    {"quiet", 'q', OPT_FLAG, NULL, NULL, "no progress on stderr", NO_DEF},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NO_DEF},
};

static const cli_cmd_info info = {
    "senda incidents import FILE... --store STORE.gpkg [options]",
    "Import incident reports (CSV, GeoJSON, GeoPackage, XLSX, Shapefile) into an incident store.",
    "Columns are found by their English or Spanish names (lon/longitud, lat/latitud, a\n"
    "\"lat, lon\" column as in IOM Missing Migrants exports, fecha/date, tipo/type/cause,\n"
    "victims/victimas/dead and missing, lugar/place, perpetrador, mujeres/hombres/menores)\n"
    "or named with the --*-field options. Decimal commas, degrees-minutes-seconds\n"
    "(14°54'30\"N), hemisphere letters, Latin-1 text, dates as yyyy-mm-dd, dd/mm/yyyy,\n"
    "yyyy-mm or yyyy are read (nn/nn/yyyy: see --date-order).\n"
    "\n"
    "Every row read ends in exactly one outcome, so\n"
    "read = accepted + rejected + duplicate + possible_duplicate:\n"
    "  accepted   stored in table incidents (status accepted). Flags, each explained in\n"
    "             the row's message: low_precision (a coordinate in whole degrees),\n"
    "             type_unknown (kept as other), date_missing, count_assumed (no count: 1),\n"
    "             counts_inconsistent (women/men/minors above the total), geocoded.\n"
    "  repaired   accepted after a fix (status repaired, counted among the accepted):\n"
    "             swapped_lat_lon, lon_sign (a missing west sign), when the fixed point\n"
    "             lies in --study-area.\n"
    "  duplicate  same type within --dedupe-days and --dedupe-km of an earlier report\n"
    "             (this import or the store); kept with duplicate_of = that report's fid.\n"
    "             Also a month- or year-dated report that repeats one finer-dated report\n"
    "             (overlapping dates, within --dedupe-km, +10 km for a locality point,\n"
    "             +0.5 degree on a whole-degree axis; same type or either other; counts\n"
    "             within 10 %%), matched one-to-one, closest first, across files.\n"
    "  possible_duplicate  such a report that could repeat another report too: kept,\n"
    "             counted once (left out of analyses), listed by senda incidents review.\n"
    "  rejected   table incident_rejects, with the raw row, a reason code and a message:\n"
    "             empty_row, no_coordinates (and no place), bad_coordinates (unreadable),\n"
    "             out_of_range (|lat| > 90 or |lon| > 180), zero_zero, outside_study_area,\n"
    "             place_not_found, ambiguous_place (candidates listed), bad_date (unreadable\n"
    "             or impossible, 31/02), future_date (after --today), bad_count (not a whole\n"
    "             number), negative_count.\n"
    "\n"
    "Rows with only a place name are geocoded against the bundled GeoNames gazetteer\n"
    "(precision: locality); an ambiguous name is rejected listing the candidates.\n"
    "Accepted incidents are joined to the corridor layers (nearest rail line, distance and\n"
    "km along it, nearest checkpoint, distance to the border, state). The whole import is\n"
    "one transaction; a file already imported (same SHA-256) is skipped.\n"
    "Incident weight = severity(type) x victims.",
    "  senda incidents import ../shared/data/iom-mmp/mmp_points_corridor_2014_2026.csv \\\n"
    "      --store incidents.gpkg\n"
    "  senda incidents import reportes.csv --store incidents.gpkg --coords-field ubicacion \\\n"
    "      --date-order mdy --severity homicide=12 --json\n"
    "  senda incidents import casos.xlsx --store incidents.gpkg --lon-field X --lat-field Y \\\n"
    "      --s_srs EPSG:32615 --type-field Delito --dedupe-km 2\n"
    "  sqlite3 incidents.gpkg \"SELECT source_row, reason, message, raw FROM incident_rejects\"",
    NULL,
};

static int parse_severity(const char *s, senda_incidents_import_opts *o)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        int k = -1;
        if (eq) {
            *eq = '\0';
            for (int i = 0; i < SENDA_INC_N_TYPES; i++)
                if (strcmp(t, senda_incidents_type_code(i)) == 0)
                    k = i;
        }
        char *end = NULL;
        double w = eq ? strtod(eq + 1, &end) : -1;
        if (k < 0 || !end || *end || w < 0) {
            fprintf(stderr, "senda: --severity: '%s' is not TYPE=WEIGHT with a known type and "
                            "a weight >= 0\n", t);
            return 0;
        }
        o->severity[k] = w;
    }
    return 1;
}

static int parse_area(const char *s, double a[4])
{
    return sscanf(s, "%lf,%lf,%lf,%lf", &a[0], &a[1], &a[2], &a[3]) == 4;
}

static void print_summary(const senda_incidents_import_summary *m, int json)
{
    if (json) {
        json_object *o = json_object_new_object(), *r = json_object_new_object();
        json_object_object_add(o, "files", json_object_new_int64(m->files));
        json_object_object_add(o, "files_skipped", json_object_new_int64(m->files_skipped));
        json_object_object_add(o, "read", json_object_new_int64(m->read));
        json_object_object_add(o, "accepted", json_object_new_int64(m->accepted));
        json_object_object_add(o, "repaired", json_object_new_int64(m->repaired));
        json_object_object_add(o, "geocoded", json_object_new_int64(m->geocoded));
        json_object_object_add(o, "flagged", json_object_new_int64(m->flagged));
        json_object_object_add(o, "rejected", json_object_new_int64(m->rejected));
        json_object_object_add(o, "duplicate", json_object_new_int64(m->duplicate));
        json_object_object_add(o, "possible_duplicate",
                               json_object_new_int64(m->possible_duplicate));
        json_object_object_add(o, "linked_across_precisions",
                               json_object_new_int64(m->linked_across_precisions));
        json_object_object_add(o, "linked_across_files",
                               json_object_new_int64(m->linked_across_files));
        json_object_object_add(o, "joined", json_object_new_int64(m->joined));
        for (int i = 0; i < SENDA_REJ_N_REASONS; i++)
            json_object_object_add(r, senda_incidents_reject_reason_code(i),
                                   json_object_new_int64(m->rejected_by_reason[i]));
        json_object_object_add(o, "rejected_by_reason", r);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
        json_object_put(o);
        return;
    }
    printf("%-22s %8ld  (%ld skipped: already imported)\n", "files", m->files,
           m->files_skipped);
    printf("%-22s %8ld\n", "read", m->read);
    printf("%-22s %8ld\n", "accepted", m->accepted);
    printf("  %-20s %8ld\n  %-20s %8ld\n  %-20s %8ld\n  %-20s %8ld\n", "repaired", m->repaired,
           "geocoded", m->geocoded, "flagged", m->flagged, "joined", m->joined);
    printf("%-22s %8ld\n", "rejected", m->rejected);
    for (int i = 0; i < SENDA_REJ_N_REASONS; i++)
        if (m->rejected_by_reason[i])
            printf("  %-20s %8ld\n", senda_incidents_reject_reason_code(i), m->rejected_by_reason[i]);
    printf("%-22s %8ld\n", "duplicate", m->duplicate);
    printf("%-22s %8ld\n", "possible_duplicate", m->possible_duplicate);
    printf("%-22s %8ld  (%ld across files)\n", "linked across dates",
           m->linked_across_precisions, m->linked_across_files);
}

/* Fill o from the parsed options; 0 on a usage error (printed). */
static int fill_opts(senda_incidents_import_opts *o)
{
    int ok = 1;
    o->lon_field = cli_str(opts, "lon-field");
    o->lat_field = cli_str(opts, "lat-field");
    o->coords_field = cli_str(opts, "coords-field");
    o->date_field = cli_str(opts, "date-field");
    o->type_field = cli_str(opts, "type-field");
    o->count_field = cli_str(opts, "count-field");
    o->place_field = cli_str(opts, "place-field");
    o->id_field = cli_str(opts, "id-field");
    o->perpetrator_field = cli_str(opts, "perpetrator-field");
    o->layer = cli_str(opts, "layer");
    o->synonyms = cli_str(opts, "synonyms");
    o->s_srs = cli_str(opts, "s_srs");
    o->gazetteer = cli_str(opts, "gazetteer");
    o->today = cli_str(opts, "today");
    const char *order = cli_str(opts, "date-order");
    o->date_order = strcmp(order, "dmy") == 0 ? 1 : strcmp(order, "mdy") == 0 ? 2 : 0;
    if (o->date_order == 0 && strcmp(order, "auto") != 0) {
        fprintf(stderr, "senda: --date-order must be auto, dmy or mdy, got '%s'\n", order);
        return 0;
    }
    if (!parse_area(cli_str(opts, "study-area"), o->study_area)) {
        fprintf(stderr, "senda: --study-area wants W,S,E,N in degrees, got '%s'\n",
                cli_str(opts, "study-area"));
        return 0;
    }
    o->dedupe_days = cli_dbl(opts, "dedupe-days", &ok);
    o->dedupe_km = cli_dbl(opts, "dedupe-km", &ok);
    o->n_threads = (int)cli_int(opts, "threads", &ok);
    if (ok && cli_str(opts, "severity"))
        ok = parse_severity(cli_str(opts, "severity"), o);
    return ok;
}

static int run_import(const char **files, int n_files)
{
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_incidents_import_opts o;
    senda_incidents_import_opts_init(&o);
    int rc = CLI_OK, quiet = cli_flag(opts, "quiet");
    senda_layers *ls = NULL;
    if (!fill_opts(&o)) {
        rc = CLI_USAGE;
        goto done;
    }
    if (!cli_flag(opts, "no-join")) {
        const char *dir = cli_str(opts, "layers");
        senda_status st = senda_layers_open(ctx, dir, cli_str(opts, "crs"), &ls, NULL, NULL);
        if (st != SENDA_OK && dir) {
            rc = cli_fail(ctx, st) == CLI_USAGE ? CLI_USAGE : CLI_FAIL;
            goto done;
        }
        if (st != SENDA_OK)
            fprintf(stderr, "senda: warning: no spatial join: the bundled layers do not load "
                            "(%s); give --layers DIR\n", senda_ctx_errmsg(ctx));
        o.layers = ls;
    }
    senda_incidents_import_summary sum;
    senda_status st = senda_incidents_import(ctx, cli_str(opts, "store"), files,
                                             (size_t)n_files, &o, &sum, cli_progress(quiet),
                                             NULL);
    if (st != SENDA_OK) {
        rc = cli_fail(ctx, st);
        goto done;
    }
    print_summary(&sum, cli_flag(opts, "json"));
done:
    senda_layers_destroy(ls);
    senda_ctx_destroy(ctx);
    return rc;
}

int cmd_incidents(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[2], "review") == 0)
        return cmd_review(argc, argv);
    int rc = cli_subcommand(argc, argv, "import", opts, &info);
    if (rc >= 0)
        return rc;
    const char *files[256];
    int n_files = 0;
    rc = cli_parse(argc, argv, 3, opts, &info, files, 256, &n_files);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_files == 0 || !cli_str(opts, "store")) {
        fprintf(stderr, "senda: give at least one FILE and --store STORE.gpkg\nusage: %s\n",
                info.usage);
        return CLI_USAGE;
    }
    return run_import(files, n_files);
}
