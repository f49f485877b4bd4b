/* fuzz_scenario.c - scenario YAML (libyaml events into the key table of scenario.c, base
 * and per-scenario overrides, lists, flow mappings, anchors): senda_scenario_parse, then
 * every scenario of the set is read back. */
#include "fuzz.h"
#include "senda.h"

static senda_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return senda_ctx_create(&ctx) != SENDA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    senda_scenario_set *set = NULL;
    senda_status st = senda_scenario_parse(ctx, (const char *)data, size, "fuzz.yaml",
                                           "/nonexistent-senda-fuzz", &set);
    if (st == SENDA_OK) {
        size_t n = senda_scenario_count(set);
        for (size_t i = 0; i < n; i++)
            if (!senda_scenario_at(set, i))
                abort();
        if (senda_scenario_at(set, n))
            abort();
    } else if (set || !senda_ctx_errmsg(ctx)[0]) {
        abort(); /* a failure hands back nothing and says why */
    }
    senda_scenario_set_destroy(set);
    return 0;
}
