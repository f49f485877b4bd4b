/*
 * cli.h - the senda executable's shared pieces: an option table that drives
 * both parsing and --help (GRASS G_define_option), and printing helpers.
 * The CLI sees only senda.h.
 */
#ifndef SENDA_CLI_H
#define SENDA_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "senda.h"

typedef enum { OPT_FLAG, OPT_STR, OPT_INT, OPT_DBL, OPT_LIST } cli_opt_type;

/** One option. value/seen are filled by cli_parse; OPT_LIST collects every
 *  occurrence in values (up to CLI_LIST_MAX). */
#define CLI_LIST_MAX 64
typedef struct cli_opt {
    const char *name;    /* long name without dashes, e.g. "layers" */
    char short_name;     /* 0 for none */
    cli_opt_type type;
    const char *metavar; /* "DIR" */
    const char *def;     /* default shown in --help and used when not given; may be NULL */
    const char *help;
    const char *value;   /* parsed value or def */
    int seen;
    const char *values[CLI_LIST_MAX];
    int n_values;
} cli_opt;

typedef struct cli_cmd_info {
    const char *usage;       /* "senda layers check [options]" */
    const char *summary;     /* one line */
    const char *description; /* paragraphs shown by --help */
    const char *examples;    /* shown by --help, may be NULL */
    const char *const *renamed; /* NULL-terminated "old=new" option names still accepted
                                   with a deprecation warning ("k=knight" for -k) */
} cli_cmd_info;

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_HELP_SHOWN (-1)

/** Set the default of option name shown by --help and used when the option
 *  is not given, from a value the library filled (an *_opts_init field). */
void cli_default_dbl(cli_opt *opts, const char *name, double v);
void cli_default_int(cli_opt *opts, const char *name, long v);
void cli_default_str(cli_opt *opts, const char *name, const char *v);

/** A numeric option that is one double field of a library options record:
 *  the record's *_opts_init value is the option's default, and the parsed
 *  value goes back into the field. Tables end with {NULL, 0}. */
typedef struct cli_dbl_field {
    const char *name;
    size_t offset;
} cli_dbl_field;
#define CLI_DBL_FIELD(name, type, member) {name, offsetof(type, member)}
/** cli_default_dbl for each field of the table, from rec. */
void cli_default_dbls(cli_opt *opts, const cli_dbl_field *fields, const void *rec);
/** cli_dbl for each field of the table, into rec; 1, or 0 when one is not a number. */
int cli_fill_dbls(cli_opt *opts, const cli_dbl_field *fields, void *rec);

/** Parse argv[first..] against opts (terminated by an entry with name NULL).
 *  Positional arguments go to pos (up to max_pos). Handles -h/--help and,
 *  on every command, GDAL's --config KEY VALUE and --debug on|off.
 *  Returns 0, CLI_USAGE (message printed) or CLI_HELP_SHOWN. */
int cli_parse(int argc, char **argv, int first, cli_opt *opts, const cli_cmd_info *info,
              const char **pos, int max_pos, int *n_pos);
void cli_help(FILE *fp, const cli_opt *opts, const cli_cmd_info *info);
/** For `senda COMMAND SUB ...`: -1 when argv[2] is sub (parse on from argv[3]);
 *  else CLI_OK after printing the help (-h/--help) or CLI_USAGE after the usage. */
int cli_subcommand(int argc, char **argv, const char *sub, const cli_opt *opts,
                   const cli_cmd_info *info);
/** The option table as JSON (`--help --json`): command, usage, summary,
 *  description, positionals and each option's name, type, default and help. */
void cli_help_json(FILE *fp, const char *command, const cli_opt *opts,
                   const cli_cmd_info *info);
/** The man page of a command (doc.c), from the same table as cli_help. */
void cli_man(FILE *fp, const cli_opt *opts, const cli_cmd_info *info);
/** senda(1): the command list with summaries. */
void cli_man_main(FILE *fp, const char *const *names, const char *const *summaries, size_t n);
/** The options of a command, "--name<TAB>METAVAR" a line (for completion). */
void cli_options_list(FILE *fp, const cli_opt *opts);
cli_opt *cli_get(cli_opt *opts, const char *name);
const char *cli_str(cli_opt *opts, const char *name);
int cli_flag(cli_opt *opts, const char *name);
/** Numeric value; on a bad number prints a usage message and returns 0 with *ok = 0. */
double cli_dbl(cli_opt *opts, const char *name, int *ok);
long cli_int(cli_opt *opts, const char *name, int *ok);

/** Print "senda: <message>" for a failed call and return CLI_FAIL (or
 *  CLI_USAGE for SENDA_ERR_ARG when usage_on_arg). */
int cli_fail(senda_ctx *ctx, senda_status st);

/** The log callback the CLI installs: "senda: warning: ..." on stderr. */
void cli_log(int level, const char *message, void *arg);

/** A new context with cli_log installed; NULL (message printed) when it
 *  cannot be created. */
senda_ctx *cli_ctx_new(void);

/** A quiet-aware progress function: NULL when quiet. */
senda_progress_fn cli_progress(int quiet);

/* Commands: each returns the exit code. */
int cmd_layers(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_review(int argc, char **argv); /* senda incidents review */
int cmd_synth(int argc, char **argv);
int cmd_hotspot(int argc, char **argv);
int cmd_danger(int argc, char **argv);
int cmd_route(int argc, char **argv);
int cmd_cost(int argc, char **argv);
int cmd_site(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_store(int argc, char **argv);

#endif
