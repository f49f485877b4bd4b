/*
 * doc.c - man pages (troff, man(7) macros) and the option words for bash
 * completion, written from the same option tables that drive parsing and
 * --help, so the installed documentation cannot drift from the program.
 * Reached through hidden options: `senda --help-man` (senda(1)),
 * `senda <command> [sub] --help-man` (senda-<command>(1)) and
 * `senda <command> [sub] --help-options` (one "--name<TAB>METAVAR" a line);
 * the build runs them (cmake/gen-docs.cmake).
 */
#include <string.h>

#include "cli.h"

/* Text in a man page: backslashes and dashes escaped, a line starting with
 * '.' or '\'' guarded with \& so it is not read as a request. */
static void roff(FILE *fp, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", fp);
        if (*s == '\\')
            fputs("\\e", fp);
        else if (*s == '-')
            fputs("\\-", fp);
        else
            fputc(*s, fp);
        bol = *s == '\n';
    }
}

/* pre (troff, as is), text (escaped), post (troff, as is). */
static void span(FILE *fp, const char *pre, const char *text, const char *post)
{
    fputs(pre, fp);
    roff(fp, text);
    fputs(post, fp);
}

static void header(FILE *fp, const char *name)
{
    char up[64];
    size_t i = 0;
    for (; name[i] && i < sizeof up - 1; i++)
        up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
    up[i] = '\0';
    fprintf(fp, ".TH %s 1 \"\" \"senda %s\" \"senda manual\"\n", up, SENDA_VERSION);
}

void cli_man(FILE *fp, const cli_opt *opts, const cli_cmd_info *info)
{
    /* "senda layers check [...]" -> page senda-layers-check, command "senda layers check" */
    char cmd[96] = "", page[96] = "";
    const char *u = info->usage;
    size_t n = 0;
    while (u[n] && u[n] != ' ' && u[n] != '[' && n < sizeof cmd - 1)
        n++;
    for (const char *p = u + n; *p == ' ' && p[1] >= 'a' && p[1] <= 'z';) {
        size_t w = strcspn(p + 1, " [");
        if (n + 1 + w >= sizeof cmd)
            break;
        n += 1 + w;
        p += 1 + w;
    }
    memcpy(cmd, u, n);
    cmd[n] = '\0';
    for (size_t i = 0; i <= n; i++)
        page[i] = cmd[i] == ' ' ? '-' : cmd[i];
    header(fp, page);
    fprintf(fp, ".SH NAME\n%s \\- ", page);
    span(fp, "", info->summary, "\n.SH SYNOPSIS\n");
    span(fp, ".B ", cmd, "\n");
    span(fp, "", u + n + strspn(u + n, " "), "\n");
    if (info->description)
        span(fp, ".SH DESCRIPTION\n", info->description, "\n");
    fprintf(fp, ".SH OPTIONS\n");
    for (const cli_opt *o = opts; o->name; o++) {
        fprintf(fp, ".TP\n");
        if (o->short_name)
            fprintf(fp, "\\fB\\-%c\\fR, ", o->short_name);
        span(fp, "\\fB\\-\\-", o->name, "\\fR");
        if (o->metavar)
            span(fp, " \\fI", o->metavar, "\\fR");
        span(fp, "\n", o->help, "");
        if (o->def && o->type != OPT_FLAG)
            span(fp, " (default: ", o->def, ")");
        if (o->type == OPT_LIST)
            fprintf(fp, " [repeatable]");
        fprintf(fp, "\n");
    }
    fprintf(fp, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the help and exit\n");
    if (info->examples)
        span(fp, ".SH EXAMPLES\n.nf\n", info->examples, "\n.fi\n");
    fprintf(fp, ".SH SEE ALSO\n\\fBsenda\\fR(1)\n");
}

void cli_man_main(FILE *fp, const char *const *names, const char *const *summaries, size_t n)
{
    header(fp, "senda");
    fprintf(fp, ".SH NAME\nsenda \\- route\\-risk analysis for the Mexico\\-Guatemala migration "
                "corridor\n.SH SYNOPSIS\n.B senda\n\\fIcommand\\fR [options]\n.br\n"
                ".B senda\n\\-\\-version | \\-\\-help\n.SH COMMANDS\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, ".TP\n\\fB%s\\fR\n", names[i]);
        span(fp, "", summaries[i], "\n");
    }
    fprintf(fp,
            ".PP\n\\fBsenda\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR and the pages "
            "\\fBsenda\\-\\fR\\fIcommand\\fR(1) explain each command. Data goes to standard "
            "output, messages and progress to standard error.\n"
            ".SH ENVIRONMENT\n"
            ".TP\n.B SENDA_DATA_DIR\nthe directory of the bundled data (corridor/ and "
            "gazetteer/); by default found relative to libsenda (\\fIprefix\\fR/share/senda)\n"
            ".TP\n.B SENDA_LAYERS\nthe corridor layers directory (default: "
            "\\fBSENDA_DATA_DIR\\fR/corridor)\n"
            ".TP\n.B SENDA_GAZETTEER\nthe place-name gazetteer (default: "
            "\\fBSENDA_DATA_DIR\\fR/gazetteer/corridor_places.tsv)\n"
            ".SH EXIT STATUS\n0 success, 1 failure, 2 usage error.\n"
            ".SH SEE ALSO\n");
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "\\fBsenda\\-%s\\fR(1)%s\n", names[i], i + 1 < n ? "," : "");
}

void cli_options_list(FILE *fp, const cli_opt *opts)
{
    for (const cli_opt *o = opts; o->name; o++) {
        fprintf(fp, "--%s\t%s\n", o->name, o->type == OPT_FLAG ? "" : (o->metavar ? o->metavar : "VALUE"));
        if (o->short_name)
            fprintf(fp, "-%c\t%s\n", o->short_name,
                    o->type == OPT_FLAG ? "" : (o->metavar ? o->metavar : "VALUE"));
    }
    fprintf(fp, "--help\t\n");
}
