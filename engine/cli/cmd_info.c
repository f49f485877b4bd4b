/*
 * cmd_info.c - `senda info OUT.gpkg`: the layers of a product with their
 * counts, units and styles, its QGIS project, and how it was made.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static cli_opt opts[] = {
    {"json", 0, OPT_FLAG, NULL, NULL, "print everything as JSON on stdout", NULL, 0, {0}, 0},
    {"scenario", 0, OPT_FLAG, NULL, NULL, "also print the scenario file as recorded", NULL, 0,
     {0}, 0},
    {"fix-project", 0, OPT_FLAG, NULL, NULL, "point the embedded QGIS project's layers at this "
     "file again after it was renamed or moved (changes only the project)", NULL, 0, {0}, 0},
    {"export-styles", 0, OPT_STR, "DIR", NULL, "write each layer's style as DIR/LAYER.qml (QGIS "
     "reads the stored styles of vector layers only; load these onto a coverage opened on its "
     "own)", NULL, 0, {0}, 0},
    {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
};

static const cli_cmd_info info = {
    "senda info OUT.gpkg [--json] [--scenario] [--fix-project] [--export-styles DIR]",
    "List the layers, counts and parameters of a senda GeoPackage.",
    "Prints one row per layer (features with their count and geometry; coverages with their\n"
    "units and value range; the renderer of each default style), the name of the embedded\n"
    "QGIS project, then the provenance recorded when the file was made: engine and library\n"
    "versions, time, scenario, every parameter, the inputs with SHA-256, and the counts.\n"
    "The embedded project names the file its layers live in; after a rename or move QGIS\n"
    "shows them broken. info warns when that happens and --fix-project repairs it.\n"
    "QGIS applies the stored styles of vector layers by itself but not those of coverages\n"
    "(density, danger, ...) opened on their own: --export-styles writes every layer's style\n"
    "as a .qml file to load in Layer Properties > Symbology > Style > Load Style.",
    "  senda info corridor.gpkg\n  senda info corridor.gpkg --json | jq .provenance.parameters\n"
    "  mv corridor.gpkg corridor-2025.gpkg && senda info corridor-2025.gpkg --fix-project\n"
    "  mkdir -p styles && senda info corridor.gpkg --export-styles styles",
    NULL,
};

static void print_object(json_object *o, const char *heading)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return;
    printf("%s:\n", heading);
    json_object_object_foreach(o, key, val) printf("  %-28s %s\n", key,
                                                   json_object_get_string(val));
}

static void print_provenance(const char *text)
{
    json_object *p = text ? json_tokener_parse(text) : NULL;
    if (!p) {
        printf("provenance: none recorded\n");
        return;
    }
    json_object *v;
    if (json_object_object_get_ex(p, "engine", &v))
        printf("made by: senda %s (GDAL %s, PROJ %s, GEOS %s)\n",
               json_object_get_string(json_object_object_get(v, "version")),
               json_object_get_string(json_object_object_get(v, "gdal")),
               json_object_get_string(json_object_object_get(v, "proj")),
               json_object_get_string(json_object_object_get(v, "geos")));
    if (json_object_object_get_ex(p, "created", &v))
        printf("created: %s\n", json_object_get_string(v));
    if (json_object_object_get_ex(p, "scenario", &v))
        printf("scenario: %s\n", json_object_get_string(v));
    if (json_object_object_get_ex(p, "inputs", &v)) {
        printf("inputs:\n");
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *in = json_object_array_get_idx(v, i);
            printf("  %s  %s\n", json_object_get_string(json_object_object_get(in, "sha256")),
                   json_object_get_string(json_object_object_get(in, "path")));
        }
    }
    print_object(json_object_object_get(p, "parameters"), "parameters");
    print_object(json_object_object_get(p, "counts"), "counts");
    json_object_put(p);
}

static void print_table(const senda_export_product_desc *d)
{
    printf("%-20s %-10s %-16s %10s  %-22s %s\n", "layer", "type", "geometry/units", "features",
           "style", "title");
    for (size_t i = 0; i < d->n_layers; i++) {
        const senda_export_product_layer *l = &d->layers[i];
        char count[32] = "-";
        if (!l->coverage)
            snprintf(count, sizeof count, "%ld", l->n_features);
        printf("%-20s %-10s %-16s %10s  %-22s %s\n", l->name, l->coverage ? "coverage" : "features",
               l->coverage ? l->units : l->geometry, count, l->style[0] ? l->style : "(none)",
               l->title);
        if (l->coverage)
            printf("%-20s %-10s range %g .. %g\n", "", "", l->min, l->max);
    }
    printf("QGIS project: %s", d->project[0] ? d->project : "(none)");
    if (d->project_target[0])
        printf(" (layers in ./%s%s)", d->project_target,
               d->project_elsewhere ? ", NOT this file" : "");
    printf("\n");
    print_provenance(d->provenance);
}

static void print_json(const senda_export_product_desc *d)
{
    json_object *root = json_object_new_object(), *arr = json_object_new_array();
    for (size_t i = 0; i < d->n_layers; i++) {
        const senda_export_product_layer *l = &d->layers[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(l->name));
        json_object_object_add(o, "title", json_object_new_string(l->title));
        json_object_object_add(o, "type", json_object_new_string(l->coverage ? "coverage"
                                                                             : "features"));
        if (l->coverage) {
            json_object_object_add(o, "units", json_object_new_string(l->units));
            json_object_object_add(o, "min", json_object_new_double(l->min));
            json_object_object_add(o, "max", json_object_new_double(l->max));
        } else {
            json_object_object_add(o, "geometry", json_object_new_string(l->geometry));
            json_object_object_add(o, "features", json_object_new_int64(l->n_features));
        }
        json_object_object_add(o, "style", json_object_new_string(l->style));
        json_object_array_add(arr, o);
    }
    json_object_object_add(root, "layers", arr);
    json_object_object_add(root, "project", json_object_new_string(d->project));
    json_object_object_add(root, "project_target", json_object_new_string(d->project_target));
    json_object_object_add(root, "project_elsewhere",
                           json_object_new_boolean(d->project_elsewhere));
    json_object *p = d->provenance ? json_tokener_parse(d->provenance) : NULL;
    json_object_object_add(root, "provenance", p);
    if (d->scenario_text)
        json_object_object_add(root, "scenario_text", json_object_new_string(d->scenario_text));
    printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

int cmd_info(int argc, char **argv)
{
    const char *pos[1];
    int n_pos = 0;
    int rc = cli_parse(argc, argv, 2, opts, &info, pos, 1, &n_pos);
    if (rc)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (n_pos != 1) {
        fprintf(stderr, "senda: info needs OUT.gpkg\nusage: %s\n", info.usage);
        return CLI_USAGE;
    }
    senda_ctx *ctx = cli_ctx_new();
    if (!ctx) {
        return CLI_FAIL;
    }
    senda_export_product_desc *d = NULL;
    senda_status st = SENDA_OK;
    if (cli_flag(opts, "fix-project")) {
        int n_fixed = 0;
        if ((st = senda_export_product_fix_project(ctx, pos[0], &n_fixed)) != SENDA_OK) {
            rc = cli_fail(ctx, st);
            senda_ctx_destroy(ctx);
            return rc;
        }
        if (n_fixed)
            fprintf(stderr, "senda: QGIS project repaired: %d layer sources now point to %s\n",
                    n_fixed, pos[0]);
        else
            fprintf(stderr, "senda: the QGIS project already points to %s\n", pos[0]);
    }
    const char *style_dir = cli_str(opts, "export-styles");
    if (style_dir) {
        int n_written = 0;
        if ((st = senda_export_product_styles_write(ctx, pos[0], style_dir, &n_written)) !=
            SENDA_OK) {
            rc = cli_fail(ctx, st);
            senda_ctx_destroy(ctx);
            return rc;
        }
        fprintf(stderr, "senda: %d layer styles written to %s/ (LAYER.qml)\n", n_written,
                style_dir);
    }
    st = senda_export_product_describe(ctx, pos[0], &d);
    if (st != SENDA_OK) {
        rc = cli_fail(ctx, st);
    } else {
        if (d->project_elsewhere)
            fprintf(stderr, "senda: warning: the QGIS project inside %s points to ./%s (the file "
                            "was renamed or moved): QGIS will show its layers broken; repair "
                            "it with: senda info %s --fix-project\n",
                    pos[0], d->project_target, pos[0]);
        if (cli_flag(opts, "json"))
            print_json(d);
        else
            print_table(d);
        if (cli_flag(opts, "scenario") && !cli_flag(opts, "json"))
            printf("scenario file:\n%s", d->scenario_text ? d->scenario_text : "(none)\n");
        rc = CLI_OK;
    }
    senda_export_product_desc_destroy(d);
    senda_ctx_destroy(ctx);
    return rc;
}
