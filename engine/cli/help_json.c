/*
 * help_json.c - `senda <command> --help --json`: the option table of a
 * command as JSON, so that other front ends (the QGIS Processing provider in
 * qgis/) build their parameters, defaults and help from the same table that
 * parses the options and prints --help, and never drift from it.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <string.h>

#include "cli.h"

static const char *type_name(cli_opt_type t)
{
    switch (t) {
    case OPT_FLAG: return "flag";
    case OPT_INT: return "integer";
    case OPT_DBL: return "number";
    case OPT_LIST: return "list";
    default: return "string";
    }
}

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* Positional arguments named in the usage line: the capitalised words after
 * the command's own words and before the first option or bracket. */
static json_object *positionals(const char *usage, const char *command)
{
    json_object *arr = json_object_new_array();
    const char *p = strstr(usage, command);
    p = p ? p + strlen(command) : usage;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (!len || p[0] == '-' || p[0] == '[' || p[0] == '(' || !isupper((unsigned char)p[0]))
            break;
        json_object_array_add(arr, json_object_new_string_len(p, (int)len));
        p += len;
    }
    return arr;
}

void cli_help_json(FILE *fp, const char *command, const cli_opt *opts,
                   const cli_cmd_info *info)
{
    json_object *root = json_object_new_object(), *arr = json_object_new_array();
    json_object_object_add(root, "command", json_object_new_string(command));
    json_object_object_add(root, "usage", json_object_new_string(info->usage));
    json_object_object_add(root, "summary", json_object_new_string(info->summary));
    json_object_object_add(root, "description", str_or_null(info->description));
    json_object_object_add(root, "positionals", positionals(info->usage, command));
    for (const cli_opt *o = opts; o->name; o++) {
        json_object *j = json_object_new_object();
        char s[2] = {o->short_name, 0};
        json_object_object_add(j, "name", json_object_new_string(o->name));
        json_object_object_add(j, "short", o->short_name ? json_object_new_string(s) : NULL);
        json_object_object_add(j, "type", json_object_new_string(type_name(o->type)));
        json_object_object_add(j, "metavar", str_or_null(o->metavar));
        json_object_object_add(j, "default", str_or_null(o->def));
        json_object_object_add(j, "help", str_or_null(o->help));
        json_object_array_add(arr, j);
    }
    json_object_object_add(root, "options", arr);
    fprintf(fp, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}
