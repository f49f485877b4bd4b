/* fuzz_options.c - command-line option values: the input is argv (NUL-separated words)
 * parsed by cli_parse (engine/cli/opt.c: --name VALUE, --name=VALUE, -x VALUE, flags,
 * "--") against a table with every option type, then every value read as the commands do
 * (cli_str, cli_int, cli_dbl, cli_flag, lists). Usage messages go to stderr (scripts/fuzz
 * closes the target's stderr with -close_fd_mask; libFuzzer's own reports stay). */
#include "cli.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = fuzz_cstr(data, size);
    char *argv[130];
    int argc = 0;
    argv[argc++] = "senda";
    argv[argc++] = "fuzz";
    for (size_t i = 0; i <= size && argc < 129;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;
    cli_opt opts[] = {
        {"n", 'n', OPT_INT, "N", "1000", "count", NULL, 0, {0}, 0},
        {"cell", 0, OPT_DBL, "M", "2000", "metres", NULL, 0, {0}, 0},
        {"out", 'o', OPT_STR, "FILE", NULL, "output", NULL, 0, {0}, 0},
        {"to", 0, OPT_LIST, "NAME", NULL, "places", NULL, 0, {0}, 0},
        {"quiet", 'q', OPT_FLAG, NULL, NULL, "quiet", NULL, 0, {0}, 0},
        {NULL, 0, OPT_FLAG, NULL, NULL, NULL, NULL, 0, {0}, 0},
    };
    cli_cmd_info info = {"senda fuzz [options] FILE...", "fuzz", "fuzz", NULL};
    const char *pos[8];
    int n_pos = 0;
    if (cli_parse(argc, argv, 2, opts, &info, pos, 8, &n_pos) == 0) {
        int ok = 1;
        (void)cli_int(opts, "n", &ok);
        (void)cli_dbl(opts, "cell", &ok);
        (void)cli_str(opts, "out");
        (void)cli_flag(opts, "quiet");
        cli_opt *to = cli_get(opts, "to");
        if (!to || to->n_values < 0 || to->n_values > CLI_LIST_MAX || n_pos > 8)
            abort();
        for (int i = 0; i < to->n_values; i++)
            if (!to->values[i])
                abort();
    }
    free(text);
    return 0;
}
