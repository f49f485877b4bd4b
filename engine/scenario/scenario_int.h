/*
 * scenario_int.h - engine-internal pieces of the scenario module: the
 * scenario file loader (scenario.c) and the pipeline driver (run.c).
 */
#ifndef SENDA_SCENARIO_INT_H
#define SENDA_SCENARIO_INT_H

#include "core/core_int.h"

/** One scenario (opaque in senda.h): the base with the entry's overrides.
 *  valid/error keep a problem found at load until senda_scenario_check or
 *  senda_scenario_run puts it on the context. */
struct senda_scenario {
    char name[64];           /**< [A-Za-z0-9_.-]+, unique in the file */
    char description[256];   /**< free text, the map title; "" when absent */
    int line;                /**< line of the scenario's entry (1 for a file without a list) */
    int valid;               /**< 0: the entry is unusable and error says why */
    char error[512];         /**< "file:line: key: problem" when !valid */
    char layers[1024];       /**< corridor layers directory */
    char crs[128];           /**< projected analysis CRS */
    char output[1024];       /**< the GeoPackage to write ("{name}" expanded) */
    char store[1024];        /**< an existing incident store to read, or "" */
    size_t n_sources;        /**< incident files to import into a scratch store */
    char sources[SENDA_SCENARIO_MAX_SOURCES][1024];
    long synth_n;            /**< > 0: generate this many synthetic incidents (demo, tests)
                                  around the layers instead of store / sources */
    long synth_seed;         /**< seed of the synthetic incidents (default 1) */
    char types[256];         /**< filter: incident type codes, "" = all */
    char date_from[16];      /**< filter: yyyy, yyyy-mm or yyyy-mm-dd, "" = open */
    char date_to[16];
    char victims[64];        /**< filter: "women", "men", "minors", comma-separated, "" = all */
    char perpetrators[256];  /**< filter: perpetrator codes, "" = all */
    char precision[16];      /**< filter: coarsest location kept (exact, locality,
                                  approximate, whole_degree), "" = all */
    int weighted;            /**< 1: weight = severity x victims; 0: count */
    int allow_empty;         /**< 1: a filter leaving no incident still writes a product,
                                  titled "0 incidents"; 0 (default): the scenario fails */
    char emerging[16];       /**< hotspot.emerging: emerging hot spots time step ("month",
                                  "quarter", "year") or "" (none) */
    senda_pipeline_danger_opts danger;   /**< cell_m, pad_m, danger.*: the danger stage's
                                              record (its name lists are set at run time
                                              from the texts below) */
    senda_pipeline_hotspot_opts hotspot; /**< hotspot.*: the hotspot stage's record */
    senda_pipeline_route_opts route;     /**< routes.*: the route stage's record */
    char without_checkpoints[1024]; /**< what-if: checkpoint names left out, "; "-separated */
    char with_checkpoints[1024];    /**< what-if: checkpoints added (places), "; "-separated */
    char move_checkpoints[1024];    /**< what-if: "NAME=PLACE; ..." (left out there, added here) */
    char likely_flows[1024];        /**< likely.flows: migrants per crossing (CSV), "" = equal */
    char likely_dem[1024];          /**< likely.dem: elevation raster, "" = flat */
    char route_from[512];    /**< least-danger paths start: places, "; "-separated; "" = every
                                  border crossing */
    char route_to[1024];     /**< ... and end at these places (SENDA_PIPELINE_ROUTE_TO) */
    char siting_model[16];   /**< "mclp" or "set-cover" */
    long siting_p;           /**< mclp: new sites to choose */
    double siting_radius_m;  /**< service distance, metres */
    double siting_spacing_m; /**< spacing of the candidate-site lattice, metres */
    double siting_target_share; /**< set-cover: share of the demand to cover */
    char siting_demand[16];  /**< "incidents" (their weights), "danger" (danger-surface
                                  cells within 10 km of the rail, senda_siting_demand_from_grid)
                                  or "flows" (route density x exposure of the likely routes,
                                  after the what-if when there is one,
                                  senda_siting_demand_from_flows) */
    char stages[128];        /**< the stages to run, comma-separated (SENDA_SCENARIO_STAGES) */
    int report;              /**< 1: also write the printable report "<output minus .gpkg>.pdf"
                                  (senda_export_report) */
    char report_lang[8];     /**< its language: "es" (default), "es-ES" or "en" */
};

/** 1 when stage is one of the comma-separated stages. */
int senda__stage_on(const char *stages, const char *stage);

#endif
