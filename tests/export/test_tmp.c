/*
 * test_tmp.c - temporary output files: stale ones left by a killed senda
 * are swept, live ones are not.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/gpkg_int.h"
#include "testutil.h"

static int exists(const char *path) { return access(path, F_OK) == 0; }

Test(tmp, stale_temporaries_of_dead_processes_are_removed)
{
    char *dir = tu_tmpdir();
    char final[512], dead[600], dead_journal[600], live[600], other[600], tmp[600];
    snprintf(final, sizeof final, "%s/out.gpkg", dir);
    /* A PID certainly dead: a child we started and reaped. */
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0)
        _exit(0);
    cr_assert_eq(waitpid(child, NULL, 0), child);
    snprintf(dead, sizeof dead, "%s/.out.gpkg.tmp-senda-%ld", dir, (long)child);
    snprintf(dead_journal, sizeof dead_journal, "%s-journal", dead);
    /* A live process's (our parent, e.g. another senda writing the same file). */
    snprintf(live, sizeof live, "%s/.out.gpkg.tmp-senda-%ld", dir, (long)getppid());
    /* Another output's temporary, of the same dead PID: not ours to touch. */
    snprintf(other, sizeof other, "%s/.other.gpkg.tmp-senda-%ld", dir, (long)child);
    const char *files[] = {dead, dead_journal, live, other};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(tu_write(files[i], "partial"), 0);
    senda__tmp_path(final, tmp, sizeof tmp);
    cr_assert(!exists(dead), "stale temporary kept");
    cr_assert(!exists(dead_journal), "stale journal kept");
    cr_assert(exists(live), "a live process's temporary was removed");
    cr_assert(exists(other), "another output's temporary was removed");
    char want[600];
    snprintf(want, sizeof want, "%s/.out.gpkg.tmp-senda-%ld", dir, (long)getpid());
    cr_assert_str_eq(tmp, want);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}
