/*
 * opt.c - table-driven option parsing and --help for every senda command.
 * Accepts --name VALUE, --name=VALUE, -x VALUE and flags; "--" ends options.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static cli_opt *find_long(cli_opt *opts, const char *name, size_t len)
{
    for (cli_opt *o = opts; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static cli_opt *find_short(cli_opt *opts, char c)
{
    for (cli_opt *o = opts; o->name; o++)
        if (o->short_name && o->short_name == c)
            return o;
    return NULL;
}

static int usage_error(const cli_cmd_info *info, const char *fmt, const char *arg)
{
    fprintf(stderr, "senda: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: %s\nTry '%s --help'.\n", info->usage, info->usage);
    return CLI_USAGE;
}

/* The new name of a renamed option (name of len chars, or one letter when
 * len is 1 and is_short), with a deprecation warning; NULL when not renamed. */
static cli_opt *renamed(cli_opt *opts, const cli_cmd_info *info, const char *name, size_t len,
                        int is_short)
{
    for (const char *const *r = info->renamed; r && *r; r++) {
        const char *eq = strchr(*r, '=');
        size_t n = (size_t)(eq - *r);
        if (n != len || strncmp(*r, name, len) != 0 || (n == 1) != is_short)
            continue;
        cli_opt *o = find_long(opts, eq + 1, strlen(eq + 1));
        if (o)
            fprintf(stderr, "senda: warning: %s%.*s is deprecated, use --%s\n",
                    is_short ? "-" : "--", (int)len, name, eq + 1);
        return o;
    }
    return NULL;
}

/* --config KEY VALUE and --debug on|off (GDAL's common options): 0 when a
 * is neither, 1 when consumed (i advanced), CLI_USAGE on a bad use. */
static int gdal_option(int argc, char **argv, int *i, const cli_cmd_info *info)
{
    const char *a = argv[*i];
    if (strcmp(a, "--config") == 0) {
        if (*i + 2 >= argc)
            return usage_error(info, "option '%s' needs KEY VALUE", a);
        senda_config_set(argv[*i + 1], argv[*i + 2]);
        *i += 2;
        return 1;
    }
    if (strcmp(a, "--debug") == 0) {
        const char *v = *i + 1 < argc ? argv[*i + 1] : "";
        if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
            return usage_error(info, "--debug takes on or off, got '%s'", v);
        senda_config_set("CPL_DEBUG", strcmp(v, "on") == 0 ? "ON" : "OFF");
        *i += 1;
        return 1;
    }
    return 0;
}

static void set_value(cli_opt *o, const char *v)
{
    o->seen = 1;
    o->value = v;
    if (o->type == OPT_LIST && o->n_values < CLI_LIST_MAX)
        o->values[o->n_values++] = v;
}


/* 1 when the path out is, or resolves to, the file in (the same name, or
 * the same device and inode through symlinks and hard links). */
static int same_file(const char *in, const char *out)
{
    struct stat a, b;
    if (strcmp(in, out) == 0)
        return 1;
    if (stat(in, &a) != 0)
        return 0;
    return (stat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) ||
           (lstat(out, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* An output option (--out, --cells-out) that is an input (--store, --points)
 * would replace it when renamed into place: refused for every command. */
static int output_is_input(cli_opt *opts)
{
    static const char *const outs[] = {"out", "cells-out"}, *const ins[] = {"store", "points"};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++) {
            const char *o = cli_str(opts, outs[i]), *in = cli_str(opts, ins[j]);
            if (o && in && same_file(in, o)) {
                fprintf(stderr, "senda: --%s %s is (or resolves to) the input --%s %s: "
                        "writing it would replace the %s; give another output\n",
                        outs[i], o, ins[j], in, j ? "points" : "incident store");
                return CLI_USAGE;
            }
        }
    return 0;
}

int cli_parse(int argc, char **argv, int first, cli_opt *opts, const cli_cmd_info *info,
              const char **pos, int max_pos, int *n_pos)
{
    *n_pos = 0;
    for (cli_opt *o = opts; o->name; o++) {
        o->value = o->def;
        o->seen = 0;
        o->n_values = 0;
    }
    int only_pos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            int json = 0;
            for (int k = first; k < argc; k++)
                json |= strcmp(argv[k], "--json") == 0;
            if (json) { /* the command's words: argv[1 .. first-1] */
                char command[128] = "";
                for (int k = 1; k < first; k++)
                    snprintf(command + strlen(command), sizeof command - strlen(command),
                             "%s%s", k > 1 ? " " : "", argv[k]);
                cli_help_json(stdout, command, opts, info);
            } else {
                cli_help(stdout, opts, info);
            }
            return CLI_HELP_SHOWN;
        }
        if (!only_pos && i == first && strcmp(a, "--help-man") == 0) { /* hidden: the build */
            cli_man(stdout, opts, info);
            return CLI_HELP_SHOWN;
        }
        if (!only_pos && i == first && strcmp(a, "--help-options") == 0) { /* hidden */
            cli_options_list(stdout, opts);
            return CLI_HELP_SHOWN;
        }
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        cli_opt *o = NULL;
        const char *inline_val = NULL;
        int g = only_pos ? 0 : gdal_option(argc, argv, &i, info);
        if (g == CLI_USAGE)
            return CLI_USAGE;
        if (g)
            continue;
        if (!only_pos && a[0] == '-' && a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            o = find_long(opts, a + 2, len);
            if (!o)
                o = renamed(opts, info, a + 2, len, 0);
            inline_val = eq ? eq + 1 : NULL;
            if (!o)
                return usage_error(info, "unknown option '%s'", a);
        } else if (!only_pos && a[0] == '-' && a[1] && a[2] == '\0' &&
                   !(a[1] >= '0' && a[1] <= '9')) {
            o = find_short(opts, a[1]);
            if (!o)
                o = renamed(opts, info, a + 1, 1, 1);
            if (!o)
                return usage_error(info, "unknown option '%s'", a);
        }
        if (!o) {
            if (*n_pos >= max_pos)
                return usage_error(info, "unexpected argument '%s'", a);
            pos[(*n_pos)++] = a;
            continue;
        }
        if (o->type == OPT_FLAG) {
            if (inline_val)
                return usage_error(info, "option '%s' takes no value", a);
            set_value(o, "1");
            continue;
        }
        if (!inline_val) {
            if (i + 1 >= argc)
                return usage_error(info, "option '%s' needs a value", a);
            inline_val = argv[++i];
        }
        set_value(o, inline_val);
    }
    return output_is_input(opts);
}

int cli_subcommand(int argc, char **argv, const char *sub, const cli_opt *opts,
                   const cli_cmd_info *info)
{
    if (argc >= 3 && strcmp(argv[2], sub) == 0)
        return -1;
    if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        cli_help(stdout, opts, info);
        return CLI_OK;
    }
    fprintf(stderr, "senda: usage: %s\n", info->usage);
    return CLI_USAGE;
}

void cli_help(FILE *fp, const cli_opt *opts, const cli_cmd_info *info)
{
    fprintf(fp, "usage: %s\n\n%s\n", info->usage, info->summary);
    if (info->description)
        fprintf(fp, "\n%s\n", info->description);
    fprintf(fp, "\nOptions:\n");
    for (const cli_opt *o = opts; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(fp, "  %-28s %s", left, o->help);
        if (o->def && o->type != OPT_FLAG)
            fprintf(fp, " (default: %s)", o->def);
        if (o->type == OPT_LIST)
            fprintf(fp, " [repeatable]");
        fprintf(fp, "\n");
    }
    fprintf(fp, "  %-28s %s\n", "    --config KEY VALUE", "set a GDAL configuration option "
            "(GDAL_CACHEMAX, ...)");
    fprintf(fp, "  %-28s %s\n", "    --debug on|off", "GDAL debug messages on stderr (CPL_DEBUG)");
    fprintf(fp, "  %-28s %s\n", "-h, --help", "show this help and exit");
    for (const char *const *r = info->renamed; r && *r; r++) {
        const char *eq = strchr(*r, '=');
        fprintf(fp, "%s  %s%.*s is deprecated: use --%s\n", r == info->renamed ? "\n" : "",
                eq - *r == 1 ? "-" : "--", (int)(eq - *r), *r, eq + 1);
    }
    if (info->examples)
        fprintf(fp, "\nExamples:\n%s\n", info->examples);
}

/* Defaults formatted from library values live here for the process. */
static char default_pool[4096];
static size_t default_used;

static void set_default(cli_opt *opts, const char *name, const char *text)
{
    cli_opt *o = cli_get(opts, name);
    size_t n = strlen(text) + 1;
    if (!o || default_used + n > sizeof default_pool)
        return;
    memcpy(default_pool + default_used, text, n);
    o->def = default_pool + default_used;
    default_used += n;
}

void cli_default_dbl(cli_opt *opts, const char *name, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    set_default(opts, name, buf);
}

void cli_default_int(cli_opt *opts, const char *name, long v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%ld", v);
    set_default(opts, name, buf);
}

void cli_default_str(cli_opt *opts, const char *name, const char *v)
{
    set_default(opts, name, v);
}

void cli_default_dbls(cli_opt *opts, const cli_dbl_field *fields, const void *rec)
{
    for (const cli_dbl_field *f = fields; f->name; f++)
        cli_default_dbl(opts, f->name, *(const double *)((const char *)rec + f->offset));
}

int cli_fill_dbls(cli_opt *opts, const cli_dbl_field *fields, void *rec)
{
    int ok = 1;
    for (const cli_dbl_field *f = fields; f->name; f++)
        *(double *)((char *)rec + f->offset) = cli_dbl(opts, f->name, &ok);
    return ok;
}

cli_opt *cli_get(cli_opt *opts, const char *name)
{
    return find_long(opts, name, strlen(name));
}

const char *cli_str(cli_opt *opts, const char *name)
{
    cli_opt *o = cli_get(opts, name);
    return o ? o->value : NULL;
}

int cli_flag(cli_opt *opts, const char *name)
{
    cli_opt *o = cli_get(opts, name);
    return o && o->seen;
}

double cli_dbl(cli_opt *opts, const char *name, int *ok)
{
    const char *s = cli_str(opts, name);
    if (!s)
        return (double)NAN;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v)) {
        fprintf(stderr, "senda: --%s: '%s' is not a number\n", name, s);
        *ok = 0;
        return 0.0;
    }
    return v;
}

long cli_int(cli_opt *opts, const char *name, int *ok)
{
    const char *s = cli_str(opts, name);
    if (!s)
        return 0;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno) {
        fprintf(stderr, "senda: --%s: '%s' is not a whole number\n", name, s);
        *ok = 0;
        return 0;
    }
    return v;
}

int cli_fail(senda_ctx *ctx, senda_status st)
{
    const char *m = senda_ctx_errmsg(ctx);
    fprintf(stderr, "senda: %s\n", m && m[0] ? m : senda_status_name(st));
    return st == SENDA_ERR_ARG ? CLI_USAGE : CLI_FAIL;
}

senda_ctx *cli_ctx_new(void)
{
    senda_ctx *ctx = NULL;
    if (senda_ctx_create(&ctx) != SENDA_OK) {
        fprintf(stderr, "senda: cannot create a context\n");
        return NULL;
    }
    senda_ctx_set_log(ctx, cli_log, NULL);
    return ctx;
}

void cli_log(int level, const char *message, void *arg)
{
    (void)arg;
    fprintf(stderr, "senda: %s%s\n", level ? "warning: " : "", message);
}

senda_progress_fn cli_progress(int quiet)
{
    return quiet ? NULL : senda_progress_term;
}
