/*
 * test_scenario.c - scenario files: inheritance, validation and messages
 * that name the line and the key.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario_int.h"
#include "testutil.h"

static senda_ctx *ctx;

static void setup(void) { cr_assert_eq(senda_ctx_create(&ctx), SENDA_OK); }
static void teardown(void) { senda_ctx_destroy(ctx); }

static senda_status parse(const char *text, senda_scenario_set **set)
{
    return senda_scenario_parse(ctx, text, strlen(text), "s.yaml", "/base", set);
}

static const char *three =
    "description: Corridor risk\n"              /* 1 */
    "crs: EPSG:32615\n"                         /* 2 */
    "cell_m: 500\n"                             /* 3 */
    "incidents:\n"                              /* 4 */
    "  sources: [a.csv, /abs/b.csv]\n"          /* 5 */
    "filter:\n"                                 /* 6 */
    "  date_from: 2019\n"                       /* 7 */
    "  date_to: 2021-12\n"                      /* 8 */
    "  types: [kidnapping, extortion]\n"        /* 9 */
    "output: out/{name}.gpkg\n"                 /* 10 */
    "scenarios:\n"                              /* 11 */
    "  - name: all\n"                           /* 12 */
    "  - name: y2020\n"                         /* 13 */
    "    filter: {date_from: 2020, date_to: 2020}\n" /* 14 */
    "  - name: fine\n"                          /* 15 */
    "    cell_m: 250\n"                         /* 16 */
    "    hotspot:\n"                            /* 17 */
    "      kernel: gaussian\n"                  /* 18 */
    "      radius_m: 3000\n";                   /* 19 */

Test(scenario, entries_inherit_the_base_and_override_what_differs, .init = setup,
     .fini = teardown)
{
    senda_scenario_set *set = NULL;
    cr_assert_eq(parse(three, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_scenario_count(set), 3);
    const senda_scenario *all = senda_scenario_at(set, 0), *y = senda_scenario_at(set, 1),
                         *fine = senda_scenario_at(set, 2);
    cr_assert(all->valid && y->valid && fine->valid);
    cr_assert_str_eq(all->name, "all");
    cr_assert_eq(all->line, 12);
    cr_assert_float_eq(all->danger.cell_m, 500.0, 0.0);
    cr_assert_str_eq(all->types, "kidnapping,extortion");
    cr_assert_str_eq(all->date_from, "2019");
    cr_assert_str_eq(all->date_to, "2021-12");
    cr_assert_str_eq(all->output, "/base/out/all.gpkg");
    cr_assert_eq(all->n_sources, 2);
    cr_assert_str_eq(all->sources[0], "/base/a.csv");
    cr_assert_str_eq(all->sources[1], "/abs/b.csv");
    cr_assert_str_eq(all->description, "Corridor risk");
    /* a mapping merges key by key: the types stay, both dates change */
    cr_assert_str_eq(y->date_from, "2020");
    cr_assert_str_eq(y->date_to, "2020");
    cr_assert_str_eq(y->types, "kidnapping,extortion");
    cr_assert_str_eq(y->output, "/base/out/y2020.gpkg");
    cr_assert_float_eq(fine->danger.cell_m, 250.0, 0.0);
    cr_assert_eq(fine->hotspot.kde.kernel, SENDA_KERNEL_GAUSSIAN);
    cr_assert_float_eq(fine->hotspot.kde.radius_m, 3000.0, 0.0);
    /* untouched defaults */
    cr_assert_eq(all->hotspot.kde.kernel, SENDA_KERNEL_QUARTIC);
    cr_assert_eq(all->weighted, 1);
    cr_assert_str_eq(senda_scenario_text(set), three);
    cr_assert_null(senda_scenario_at(set, 3));
    senda_scenario_set_destroy(set);
}

Test(scenario, a_file_without_a_list_is_one_scenario_named_after_the_file, .init = setup,
     .fini = teardown)
{
    senda_scenario_set *set = NULL;
    const char *text = "incidents: {store: st.gpkg}\n";
    cr_assert_eq(senda_scenario_parse(ctx, text, strlen(text), "dir/corridor.yaml", "dir", &set),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_scenario_count(set), 1);
    cr_assert_str_eq(senda_scenario_at(set, 0)->name, "corridor");
    cr_assert_str_eq(senda_scenario_at(set, 0)->store, "dir/st.gpkg");
    cr_assert_str_eq(senda_scenario_at(set, 0)->output, "dir/corridor.gpkg");
    cr_assert_str_eq(senda_scenario_at(set, 0)->crs, SENDA_DEFAULT_CRS);
    senda_scenario_set_destroy(set);
}

/* Each bad text, the status, and a substring the message must hold. */
static const struct {
    const char *text;
    const char *want;
} bad_files[] = {
    {"incidents: {store: s.gpkg}\ncell_mm: 5\n", "s.yaml:2: cell_mm: unknown key (known here: "
                                                 "scenarios, description, layers, crs, cell_m"},
    {"incidents: {store: s.gpkg}\ncell_m: -5\n", "s.yaml:2: cell_m: must be > 0, got -5"},
    {"incidents: {store: s.gpkg}\ncell_m: abc\n", "s.yaml:2: cell_m: expected a number, got 'abc'"},
    {"incidents: {store: s.gpkg}\nfilter:\n  date_from: 2019-13\n",
     "s.yaml:3: filter.date_from: '2019-13' is not a date"},
    {"incidents: {store: s.gpkg}\nfilter:\n  date_to: 2019-02-29\n",
     "s.yaml:3: filter.date_to: '2019-02-29' is not a date"},
    {"incidents: {store: s.gpkg}\nfilter:\n  victms: women\n",
     "s.yaml:3: filter.victms: unknown key (known here: types, date_from, date_to, victims"},
    {"incidents: {store: s.gpkg}\nhotspot:\n  kernel: box\n",
     "s.yaml:3: hotspot.kernel: 'box' is not one of quartic,"},
    {"incidents: {store: s.gpkg}\nfilter:\n  types: [kidnapping, 'bad code']\n",
     "s.yaml:3: filter.types: 'bad code' is not a code"},
    {"incidents: {store: s.gpkg}\nfilter: 5\n", "s.yaml:2: filter: expected a mapping of keys"},
    {"incidents: {store: s.gpkg}\ncrs: [a]\n", "s.yaml:2: crs: expected a value, got a list"},
    {"incidents: {store: s.gpkg}\ncrs: a\ncrs: b\n", "s.yaml:3: crs: repeated key (first at "
                                                     "line 2)"},
    {"incidents:\n  store: s.gpkg\n   bad: [\n", "s.yaml:3: YAML: "},
    {"- a\n- b\n", "s.yaml:1: expected a mapping of settings at the top, got a list"},
    {"", "s.yaml: the scenario file is empty"},
    {"cell_m: 5\n", "s.yaml:1: incidents: needs 'store' (an incident store), 'sources' "
                     "(files to import) or 'synthetic'"},
    {"incidents: {store: a.gpkg, sources: [b.csv]}\n",
     "give one of 'store', 'sources' or 'synthetic'"},
    {"incidents: {synthetic: 10}\nstages: [density, sail]\n",
     "s.yaml:1: stages: 'sail' is not a stage (stages: density,hotspot,danger,cost,route,"
     "likely,siting)"},
    {"incidents: {synthetic: 10}\ndanger: {move_checkpoints: [La Arrocera]}\n",
     "s.yaml:1: danger.move_checkpoints: 'La Arrocera' is not NAME=PLACE"},
    {"incidents: {synthetic: 10}\nroutes: {to: [Arriaga, '']}\n",
     "s.yaml:2: routes.to: empty name"},
    {"incidents: {store: s.gpkg}\nfilter: {date_from: 2021, date_to: 2020-06}\n",
     "filter: date_from 2021 is after date_to 2020-06"},
    {"incidents: {store: s.gpkg}\nscenarios: {a: 1}\n",
     "s.yaml:2: scenarios: expected a list of named scenarios"},
    {"incidents: {store: s.gpkg}\nscenarios:\n  - cell_m: 5\n", "s.yaml:3: scenarios: entry 1 "
                                                               "has no 'name'"},
    {"incidents: {store: s.gpkg}\nscenarios:\n  - name: a\n  - name: a\n",
     "s.yaml:4: name: 'a' is used twice (first at line 3)"},
    {"incidents: {store: s.gpkg}\nscenarios:\n  - name: 'a b'\n", "s.yaml:3: name: 'a b' is "
                                                                  "not a name"},
};

Test(scenario, a_bad_file_is_refused_naming_line_and_key, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        senda_scenario_set *set = NULL;
        senda_status st = parse(bad_files[i].text, &set);
        cr_assert_eq(st, SENDA_ERR_DATA, "case %zu: status %d", i, st);
        cr_assert_null(set);
        cr_assert(strstr(senda_ctx_errmsg(ctx), bad_files[i].want) != NULL,
                  "case %zu: got '%s', want '%s'", i, senda_ctx_errmsg(ctx), bad_files[i].want);
    }
}

Test(scenario, a_bad_entry_is_marked_and_the_others_stay_usable, .init = setup,
     .fini = teardown)
{
    const char *text = "incidents: {store: s.gpkg}\n"  /* 1 */
                       "scenarios:\n"                  /* 2 */
                       "  - name: good\n"              /* 3 */
                       "  - name: broken\n"            /* 4 */
                       "    hotspot:\n"                /* 5 */
                       "      radius_m: far\n"         /* 6 */
                       "  - name: typo\n"              /* 7 */
                       "    filtr: {types: x}\n"       /* 8 */
                       "  - name: same\n"              /* 9 */
                       "    output: good.gpkg\n";      /* 10 */
    senda_scenario_set *set = NULL;
    cr_assert_eq(parse(text, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_eq(senda_scenario_count(set), 4);
    cr_assert(senda_scenario_at(set, 0)->valid);
    const senda_scenario *b = senda_scenario_at(set, 1);
    cr_assert_not(b->valid);
    cr_assert_str_eq(b->error, "s.yaml:6: hotspot.radius_m: expected a number, got 'far'");
    /* through the public API the problem reaches the context */
    cr_assert_eq(senda_scenario_check(ctx, b), SENDA_ERR_DATA);
    cr_assert_str_eq(senda_ctx_errmsg(ctx), b->error);
    cr_assert_eq(senda_scenario_check(ctx, senda_scenario_at(set, 0)), SENDA_OK);
    cr_assert_str_eq(senda_scenario_name(b), b->name);
    const senda_scenario *t = senda_scenario_at(set, 2);
    cr_assert_not(t->valid);
    cr_assert(strstr(t->error, "s.yaml:8: filtr: unknown key (known here: name, description")
              != NULL, "%s", t->error);
    /* the default output of 'good' is /base/good.gpkg, the same file */
    const senda_scenario *s = senda_scenario_at(set, 3);
    cr_assert_not(s->valid);
    cr_assert(strstr(s->error, "is also the output of 'good'") != NULL, "%s", s->error);
    senda_scenario_set_destroy(set);
}

Test(scenario, codes_may_be_one_comma_separated_string, .init = setup, .fini = teardown)
{
    senda_scenario_set *set = NULL;
    cr_assert_eq(parse("incidents: {store: s.gpkg}\nfilter: {types: ' kidnapping ,death'}\n",
                       &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    cr_assert_str_eq(senda_scenario_at(set, 0)->types, "kidnapping,death");
    senda_scenario_set_destroy(set);
}

Test(scenario, params_list_every_key_with_its_value, .init = setup, .fini = teardown)
{
    senda_scenario_set *set = NULL;
    cr_assert_eq(parse(three, &set), SENDA_OK);
    char *text = NULL;
    cr_assert_eq(senda_scenario_params(ctx, senda_scenario_at(set, 2), &text), SENDA_OK);
    cr_assert(strstr(text, "name: fine\n") == text, "%s", text);
    cr_assert(strstr(text, "\ncell_m: 250\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\nhotspot.kernel: gaussian\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\nincidents.sources: /base/a.csv, /abs/b.csv\n") != NULL, "%s",
              text);
    cr_assert(strstr(text, "\nfilter.weighted: true\n") != NULL, "%s", text);
    senda_free(text);
    senda_scenario_set_destroy(set);
}

Test(scenario, load_reads_a_file_and_resolves_paths_beside_it, .init = setup, .fini = teardown)
{
    char *dir = tu_tmpdir(), path[512];
    snprintf(path, sizeof path, "%s/runs.yaml", dir);
    cr_assert_eq(tu_write(path, three), 0);
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, path, &set), SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    char want[600];
    snprintf(want, sizeof want, "%s/out/y2020.gpkg", dir);
    cr_assert_str_eq(senda_scenario_at(set, 1)->output, want);
    senda_scenario_set_destroy(set);
    unlink(path);
    rmdir(dir);
    free(dir);
}

Test(scenario, load_names_a_missing_file, .init = setup, .fini = teardown)
{
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_load(ctx, "/nonexistent/s.yaml", &set), SENDA_ERR_IO);
    cr_assert(strstr(senda_ctx_errmsg(ctx), "/nonexistent/s.yaml: cannot open") != NULL);
    cr_assert_eq(senda_scenario_load(ctx, NULL, &set), SENDA_ERR_ARG);
}

Test(scenario, every_allocation_failure_is_reported_cleanly, .init = setup, .fini = teardown)
{
    /* Fail the 1st, 2nd, ... allocation until the parse goes through. */
    for (long n = 1; n < 50; n++) {
        senda_scenario_set *set = NULL;
        senda_ctx_fail_alloc_after(ctx, n);
        senda_status st = parse(three, &set);
        senda_ctx_fail_alloc_after(ctx, 0);
        if (st == SENDA_OK) {
            cr_assert_gt(n, 1);
            senda_scenario_set_destroy(set);
            return;
        }
        cr_assert_eq(st, SENDA_ERR_NOMEM, "allocation %ld: %d %s", n, st, senda_ctx_errmsg(ctx));
        cr_assert_null(set);
    }
    cr_assert_fail("the parse never succeeded");
}

Test(scenario, relative_paths_are_folded_beside_the_file, .init = setup, .fini = teardown)
{
    senda_scenario_set *set = NULL;
    cr_assert_eq(senda_scenario_parse(ctx, "incidents: {store: ./a/../s.gpkg}\n"
                                      "output: ../out/./{name}.gpkg\nlayers: ../../../l\n",
                                      strlen("incidents: {store: ./a/../s.gpkg}\n"
                                             "output: ../out/./{name}.gpkg\nlayers: ../../../l\n"),
                                      "runs.yaml", "/base/dir", &set),
                 SENDA_OK, "%s", senda_ctx_errmsg(ctx));
    const senda_scenario *sc = senda_scenario_at(set, 0);
    cr_assert_str_eq(sc->store, "/base/dir/s.gpkg");
    cr_assert_str_eq(sc->output, "/base/out/runs.gpkg");
    cr_assert_str_eq(sc->layers, "/l"); /* "/.." is "/" */
    senda_scenario_set_destroy(set);
    cr_assert_eq(senda_scenario_parse(ctx, "incidents: {store: s.gpkg}\noutput: ../o.gpkg\n",
                                      strlen("incidents: {store: s.gpkg}\noutput: ../o.gpkg\n"),
                                      "runs.yaml", "sub", &set),
                 SENDA_OK);
    cr_assert_str_eq(senda_scenario_at(set, 0)->output, "o.gpkg");
    cr_assert_str_eq(senda_scenario_at(set, 0)->store, "sub/s.gpkg");
    senda_scenario_set_destroy(set);
    cr_assert_eq(senda_scenario_parse(ctx, "incidents: {store: ../../s.gpkg}\n",
                                      strlen("incidents: {store: ../../s.gpkg}\n"), "r.yaml",
                                      "sub", &set),
                 SENDA_OK);
    cr_assert_str_eq(senda_scenario_at(set, 0)->store, "../s.gpkg");
    senda_scenario_set_destroy(set);
}
