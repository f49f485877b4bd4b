/*
 * test_cli_layers.c - `senda layers check` and the top-level CLI: exit
 * codes, stdout/stderr split, --json, --help. Cases are rows of a table
 * (PROJ test/cli style).
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct {
    const char *args;
    int exit_code;
    const char *stdout_has; /* NULL = no check */
    const char *stderr_has;
} cli_case;

static const cli_case cases[] = {
    {"--help", 0, "Commands:", NULL},
    {"--version", 0, "senda ", NULL},
    {"", 2, NULL, "usage: senda <command>"},
    {"frobnicate", 2, NULL, "unknown command 'frobnicate'"},
    {"layers check --help", 0, "--layers DIR", NULL},
    {"layers check --bogus", 2, NULL, "unknown option '--bogus'"},
    {"layers check -q", 0, "rail", NULL},
    {"layers check -q --layers /nonexistent/dir", 1, NULL, "/nonexistent/dir: no such layers"},
    {"layers check -q --crs EPSG:4326", 1, NULL, "is not projected"},
    {"layers check -q --crs NOT_A_CRS", 1, NULL, "cannot understand CRS 'NOT_A_CRS'"},
};

Test(cli, table_of_cases)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run r = tu_senda(cases[i].args);
        cr_expect_eq(r.exit_code, cases[i].exit_code, "senda %s: exit %d, stderr: %s",
                     cases[i].args, r.exit_code, r.err);
        if (cases[i].stdout_has)
            cr_expect(strstr(r.out, cases[i].stdout_has) != NULL, "senda %s: stdout lacks '%s'",
                      cases[i].args, cases[i].stdout_has);
        if (cases[i].stderr_has)
            cr_expect(strstr(r.err, cases[i].stderr_has) != NULL, "senda %s: stderr '%s' lacks "
                      "'%s'", cases[i].args, r.err, cases[i].stderr_has);
        tu_run_free(&r);
    }
}

Test(cli, layers_check_progress_goes_to_stderr_and_table_to_stdout)
{
    tu_run r = tu_senda("layers check");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    cr_assert(strstr(r.err, "100 - done.") != NULL, "stderr: %s", r.err);
    cr_assert(strstr(r.out, "100 - done.") == NULL);
    cr_assert(strstr(r.out, "length_km") != NULL);
    tu_run_free(&r);
}

Test(cli, layers_check_json_lists_every_layer)
{
    tu_run r = tu_senda("layers check -q --json");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    json_object *root = json_tokener_parse(r.out);
    cr_assert_not_null(root, "not JSON: %s", r.out);
    json_object *layers = NULL;
    cr_assert(json_object_object_get_ex(root, "layers", &layers));
    cr_assert_geq(json_object_array_length(layers), 5);
    json_object *first = json_object_array_get_idx(layers, 0), *name = NULL, *len = NULL;
    json_object_object_get_ex(first, "layer", &name);
    json_object_object_get_ex(first, "length_km", &len);
    cr_assert_str_eq(json_object_get_string(name), "border");
    cr_assert_gt(json_object_get_double(len), 800.0);
    json_object_put(root);
    tu_run_free(&r);
}

Test(cli, layers_check_prints_the_mexico_guatemala_length)
{
    /* Issue 2: `senda layers check` prints the Mexico-Guatemala boundary's
     * length, which must be within 10 % of the 956 km the two governments
     * report (860.4 .. 1051.6 km). Read back from the text and the JSON. */
    tu_run r = tu_senda("layers check -q");
    cr_assert_eq(r.exit_code, 0, "%s", r.err);
    const char *at = strstr(r.out, "Mexico–Guatemala");
    cr_assert_not_null(at, "%s", r.out);
    double km = strtod(at + strlen("Mexico–Guatemala"), NULL);
    cr_assert(km > 860.4 && km < 1051.6, "printed %.1f km", km);
    tu_run_free(&r);

    r = tu_senda("layers check -q --json");
    json_object *root = json_tokener_parse(r.out), *layers = NULL, *lines = NULL;
    cr_assert_not_null(root, "not JSON: %s", r.out);
    json_object_object_get_ex(root, "layers", &layers);
    cr_assert(json_object_object_get_ex(json_object_array_get_idx(layers, 0), "lines", &lines));
    int found = 0;
    for (size_t i = 0; i < json_object_array_length(lines); i++) {
        json_object *o = json_object_array_get_idx(lines, i), *n = NULL, *l = NULL;
        json_object_object_get_ex(o, "name", &n);
        json_object_object_get_ex(o, "length_km", &l);
        if (strcmp(json_object_get_string(n), "Mexico–Guatemala") == 0) {
            found = 1;
            cr_assert_float_eq(json_object_get_double(l), km, 0.05);
        }
    }
    cr_assert(found, "no Mexico–Guatemala line in the JSON");
    json_object_put(root);
    tu_run_free(&r);
}
