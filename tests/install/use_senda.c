/* A program a GIS engineer writes against the installed library: only
 * <senda.h>. Prints the versions and loads the bundled corridor layers from
 * the data directory libsenda finds relative to its installed prefix.
 * Built by scripts/check/install with pkg-config and with find_package. */
#include <stdio.h>

#include <senda.h>

int main(void)
{
    senda_ctx *ctx = NULL;
    if (senda_ctx_create(&ctx) != SENDA_OK) {
        fprintf(stderr, "use_senda: no context\n");
        return 1;
    }
    printf("libsenda %s (%s)\n", senda_version(), senda_version_libraries());
    printf("layers: %s\n", senda_layers_default_dir());
    senda_layers *layers = NULL;
    senda_status st = senda_layers_open(ctx, NULL, "EPSG:32615", &layers, NULL, NULL);
    if (st != SENDA_OK) {
        fprintf(stderr, "use_senda: %s\n", senda_ctx_errmsg(ctx));
        senda_ctx_destroy(ctx);
        return 1;
    }
    printf("loaded %zu layers\n", senda_layers_count(layers));
    senda_layers_destroy(layers);
    senda_ctx_destroy(ctx);
    return 0;
}
