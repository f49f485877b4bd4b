/*
 * report_text.c - the report's words in Spanish and English, and numbers in
 * the language's format. English messages are the keys (as gettext's msgid);
 * each has its Spanish translation here, written for readers on the corridor
 * (Mexico and Guatemala). A message without a translation prints in English,
 * and the test of the report checks that none of its section titles does.
 * Numbers follow CLDR: es, es-MX and es-GT write 1,234.5 (as in Mexico and
 * Guatemala), es-ES writes 1.234,5, en writes 1,234.5. Lookup is a linear
 * scan of about 70 entries per message: nothing next to drawing a page.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export/report_int.h"

static const struct {
    const char *en, *es;
} words[] = {
    {"senda map. Land, coast and towns: Natural Earth, GeoNames (CC BY 4.0). Open the .gpkg in QGIS for the styled project.",
     "Mapa de senda. Tierra, costa y localidades: Natural Earth, GeoNames (CC BY 4.0). Abra el .gpkg en QGIS para el proyecto con estilos."},
    {"Projected CRS, metres (SRS id %d)",
     "SRC proyectado, metros (SRS id %d)"},
    {"International border",
     "Frontera internacional"},
    {"Freight railway",
     "Tren de carga"},
    {"Immigration checkpoints",
     "Puntos de revisión migratoria"},
    {"Border crossings",
     "Cruces fronterizos"},
    {"Migrant shelters",
     "Albergues para migrantes"},
    {"New shelter sites (by rank)",
     "Sitios nuevos de albergue (por orden)"},
    {"Candidate shelter sites (by rank)",
     "Sitios candidatos de albergue (por orden)"},
    {"Least-danger paths (by rank)",
     "Caminos de menor peligro (por orden)"},
    {"Rail lines (danger per km over the whole line)",
     "Líneas de tren (peligro por km en toda la línea)"},
    {"Rail danger per km (sliding windows)",
     "Peligro por km en el tren (ventanas móviles)"},
    {"Incidents by type",
     "Incidentes por tipo"},
    {"Hotspots (Gi* z-score bins)",
     "Puntos calientes (clases de z de Gi*)"},
    {"Incident density",
     "Densidad de incidentes"},
    {"Danger surface",
     "Superficie de peligro"},
    {"Accumulated cost",
     "Costo acumulado"},
    {"incidents per km2",
     "incidentes por km2"},
    {"weighted incidents per km2",
     "incidentes ponderados por km2"},
    {"danger per km",
     "peligro por km"},
    {"danger units",
     "unidades de peligro"},
    {"Cold spot, 99 % confidence",
     "Punto frío, 99 % de confianza"},
    {"Cold spot, 95 % confidence",
     "Punto frío, 95 % de confianza"},
    {"Cold spot, 90 % confidence",
     "Punto frío, 90 % de confianza"},
    {"Not significant",
     "No significativo"},
    {"Hot spot, 90 % confidence",
     "Punto caliente, 90 % de confianza"},
    {"Hot spot, 95 % confidence",
     "Punto caliente, 95 % de confianza"},
    {"Hot spot, 99 % confidence",
     "Punto caliente, 99 % de confianza"},
    {"none (all incidents)",
     "ninguno (todos los incidentes)"},
    {"Route-risk report",
     "Informe de riesgo en la ruta"},
    {"SYNTHETIC DATA: these incidents were generated for a demonstration. "
     "They are not real reports and must not be used to decide anything.",
     "DATOS SINTÉTICOS: estos incidentes se generaron para una "
     "demostración. No son reportes reales y no deben usarse para decidir "
     "nada."},
    {"ONLY %s INCIDENTS: fewer than the %d a hotspot analysis needs; maps "
     "and tables here show where reports are, not where risk is higher.",
     "SOLO %s INCIDENTES: menos de los %d que necesita un análisis de "
     "puntos calientes; los mapas y tablas muestran dónde hay reportes, no "
     "dónde el riesgo es mayor."},
    {"Scenario",
     "Escenario"},
    {"to",
     "a"},
    {"Period (incident dates)",
     "Periodo (fechas de los incidentes)"},
    {"Filters",
     "Filtros"},
    {"%s incidents, %s victims (dead, missing or harmed)",
     "%s incidentes, %s víctimas (muertas, desaparecidas o agredidas)"},
    {"Incidents in this report",
     "Incidentes en este informe"},
    {"%s hotspot cells; %s new shelter sites ranked",
     "%s celdas de punto caliente; %s sitios nuevos de albergue clasificados"},
    {"Results",
     "Resultados"},
    {"Made",
     "Elaborado"},
    {"Contents: map; hotspots; routes; new shelter sites; danger profile; "
     "what-if comparison; methods; provenance.",
     "Contenido: mapa; puntos calientes; rutas; sitios nuevos de albergue; "
     "perfil de peligro; comparación de escenarios; métodos; procedencia."},
    {"This report holds no incident location and no personal data, but it "
     "describes a restricted run: share it only with people who may see the "
     "run.",
     "Este informe no contiene ubicaciones de incidentes ni datos "
     "personales, pero describe un análisis restringido: compártalo solo "
     "con personas autorizadas a ver el análisis."},
    {"Hotspots",
     "Puntos calientes"},
    {"This run has no hotspot analysis.",
     "Este análisis no incluye puntos calientes."},
    {"%s cells are hot spots (Getis-Ord Gi*, 90 %% confidence or more). The "
     "hottest, at least 25 km apart and one per nearest town:",
     "%s celdas son puntos calientes (Getis-Ord Gi*, confianza de 90 %% o "
     "más). Las más calientes, a 25 km o más entre sí y una por localidad más cercana:"},
    {"Nearest town (state), distance",
     "Localidad más cercana (estado), distancia"},
    {"Incidents in cell",
     "Incidentes en la celda"},
    {"Gi* z-score",
     "Puntuación z de Gi*"},
    {"Confidence",
     "Confianza"},
    {"Note",
     "Nota"},
    {"one event",
     "un solo evento"},
    {"Line",
     "Línea"},
    {"Length (km)",
     "Longitud (km)"},
    {"Incidents",
     "Incidentes"},
    {"Danger per km (line)",
     "Peligro por km (línea)"},
    {"Worst 10 km (per km)",
     "Peores 10 km (por km)"},
    {"The most dangerous stretches (windows that do not overlap a worse one "
     "already listed):",
     "Los tramos más peligrosos (ventanas que no se superponen con otra "
     "peor ya listada):"},
    {"km from - to",
     "km desde - hasta"},
    {"Danger per km",
     "Peligro por km"},
    {"Routes",
     "Rutas"},
    {"This run has no route scoring.",
     "Este análisis no evalúa rutas."},
    {"Danger per km along each rail line (danger units per km: see Methods).",
     "Peligro por km a lo largo de cada línea de tren (unidades de peligro "
     "por km: ver Métodos)."},
    {"New shelter sites",
     "Sitios nuevos de albergue"},
    {"This run has no shelter siting.",
     "Este análisis no ubica albergues."},
    {"Sites ranked by how much incident weight they cover within %s km that "
     "no existing shelter or better-ranked site covers.",
     "Sitios clasificados según el peso de incidentes que cubren a menos de "
     "%s km y que ningún albergue existente ni sitio mejor clasificado "
     "cubre."},
    {"Rank",
     "Orden"},
    {"Covers (weighted incidents)",
     "Cubre (incidentes ponderados)"},
    {"Cumulative share",
     "Proporción acumulada"},
    {"Own danger per km",
     "Peligro propio por km"},
    {"Nearest shelter (km)",
     "Albergue más cercano (km)"},
    {"Danger profile along the paths",
     "Perfil de peligro a lo largo de los caminos"},
    {"This run has no least-danger paths.",
     "Este análisis no tiene caminos de menor peligro."},
    {"Danger per km (vertical) against the distance travelled from the "
     "border crossing (km), along the least-danger path to each destination.",
     "Peligro por km (vertical) según la distancia recorrida desde el cruce "
     "fronterizo (km), a lo largo del camino de menor peligro hacia cada "
     "destino."},
    {"To",
     "Hacia"},
    {"Checkpoint added (what-if)",
     "Punto de revisión añadido (escenario)"},
    {"Checkpoint removed (what-if)",
     "Punto de revisión retirado (escenario)"},
    {"Route density (expected share of migrants)",
     "Densidad de rutas (proporción esperada de migrantes)"},
    {"Change in route density (what-if minus before; red: more people pass)",
     "Cambio en la densidad de rutas (escenario menos antes; rojo: pasan más personas)"},
    {"Exposure per km",
     "Exposición por km"},
    {"share of migrants",
     "proporción de migrantes"},
    {"exposure per km",
     "exposición por km"},
    {"Likely routes: share of migrants passing each cell",
     "Rutas probables: proporción de migrantes que pasa por cada celda"},
    {"Exposure per km (what harms people on the way)",
     "Exposición por km (lo que daña a las personas en el camino)"},
    {"Where the what-if moves people (red: more pass, blue: fewer)",
     "A dónde lleva el escenario a las personas (rojo: pasan más, azul: menos)"},
    {"Likely routes and exposure",
     "Rutas probables y exposición"},
    {"Expected exposure per migrant: the exposure per km (incidents, distance from help, the "
     "train) added up along the routes people are likely to take from each crossing, before and "
     "after the what-if. The what-if changes where people go, not the exposure of a place. Route "
     "choice: a logit over efficient paths (Dial 1971; randomized shortest paths, Saerens et al. "
     "2009).",
     "Exposición esperada por migrante: la exposición por km (incidentes, distancia a la ayuda, "
     "el tren) sumada a lo largo de las rutas que las personas probablemente toman desde cada "
     "cruce, antes y después del escenario. El escenario cambia por dónde van las personas, no "
     "la exposición de un lugar. Elección de ruta: un logit sobre caminos eficientes (Dial 1971; "
     "caminos más cortos aleatorizados, Saerens et al. 2009)."},
    {"Crossing",
     "Cruce"},
    {"Share (%)",
     "Proporción (%)"},
    {"Exposure before",
     "Exposición antes"},
    {"Exposure after",
     "Exposición después"},
    {"Change (%)",
     "Cambio (%)"},
    {"Incidents per 1,000 before",
     "Incidentes por 1,000 antes"},
    {"Incidents per 1,000 after",
     "Incidentes por 1,000 después"},
    {"All crossings",
     "Todos los cruces"},
    {"exposure per km on the likely routes",
     "exposición por km en las rutas probables"},
    {"Exposure per km met by the migrants who travel along each rail line (vertical) against the "
     "distance along the line (km), where at least 1 % of them pass; before the what-if.",
     "Exposición por km que encuentran los migrantes que viajan a lo largo de cada línea de tren "
     "(vertical) según la distancia a lo largo de la línea (km), donde pasa al menos el 1 % de "
     "ellos; antes del escenario."},
    {"What-if comparison",
     "Comparación de escenarios"},
    {"This run compares no enforcement change. Run a scenario with a "
     "checkpoint added or removed to see how routes and danger move.",
     "Este análisis no compara cambios de control migratorio. Ejecute un "
     "escenario con un punto de revisión añadido o quitado para ver cómo "
     "cambian las rutas y el peligro."},
    {"Checkpoints left out in this run: %s.",
     "Puntos de revisión quitados en este análisis: %s."},
    {"Checkpoints added in this run: %s.",
     "Puntos de revisión añadidos en este análisis: %s."},
    {"Path to",
     "Camino hacia"},
    {"Total danger",
     "Peligro total"},
    {"Extra cost (%)",
     "Costo adicional (%)"},
    {"Methods",
     "Métodos"},
    {"Provenance",
     "Procedencia"},
    {"Input",
     "Entrada"},
    {"Parameter",
     "Parámetro"},
    {"Value",
     "Valor"},
    {"Incidents. Reports of kidnapping, extortion, assault, sexual "
     "violence, deaths and disappearances of migrants, each placed on the "
     "map and counted once: reports of one event from several sources are "
     "linked, not added. Each incident has a weight (severity times "
     "victims) unless the run counts events.",
     "Incidentes. Reportes de secuestro, extorsión, asalto, violencia "
     "sexual, muertes y desapariciones de personas migrantes, cada uno "
     "ubicado en el mapa y contado una sola vez: los reportes de un mismo "
     "evento en varias fuentes se vinculan, no se suman. Cada incidente "
     "tiene un peso (gravedad por número de víctimas), salvo que el "
     "análisis cuente eventos."},
    {"Density (incidents per km2). Kernel density with a quartic kernel: "
     "every incident spreads its weight over a disc of the search radius, "
     "most at its centre; the map shows the sum per km2. The same method as "
     "QGIS Heatmap and GRASS v.kernel (Silverman 1986).",
     "Densidad (incidentes por km2). Densidad kernel con kernel cuártico: "
     "cada incidente reparte su peso en un círculo del radio de búsqueda, "
     "más en el centro; el mapa muestra la suma por km2. El mismo método "
     "que el Mapa de calor de QGIS y v.kernel de GRASS (Silverman 1986)."},
    {"Hotspots (Gi* z-score). The Getis-Ord Gi* statistic compares the "
     "incidents in and near each cell with what the whole area would give "
     "by chance. A cell is a hot spot at 90, 95 or 99 % confidence, after "
     "the Benjamini-Hochberg correction for testing many cells (Getis and "
     "Ord 1992; Ord and Getis 1995; as ArcGIS Hot Spot Analysis and R "
     "spdep).",
     "Puntos calientes (puntuación z de Gi*). El estadístico Gi* de "
     "Getis-Ord compara los incidentes en cada celda y sus alrededores con "
     "lo que daría el azar en toda el área. Una celda es punto caliente con "
     "90, 95 o 99 % de confianza, tras la corrección de Benjamini-Hochberg "
     "por probar muchas celdas (Getis y Ord 1992; Ord y Getis 1995; como el "
     "Análisis de puntos calientes de ArcGIS y spdep de R)."},
    {"Danger per km. A surface in danger units per km: a base of 1 for "
     "walking a km, plus terms for incident density, nearness to "
     "immigration checkpoints and to the rail line; the weights are in the "
     "provenance below. Least-danger paths follow the lowest accumulated "
     "danger from the border crossings (Dijkstra's algorithm, as GRASS "
     "r.cost).",
     "Peligro por km. Una superficie en unidades de peligro por km: una "
     "base de 1 por caminar un km, más términos por la densidad de "
     "incidentes y la cercanía a puntos de revisión migratoria y a la vía "
     "del tren; los pesos están en la procedencia. Los caminos de menor "
     "peligro siguen el menor peligro acumulado desde los cruces "
     "fronterizos (algoritmo de Dijkstra, como r.cost de GRASS)."},
    {"Routes. Along each rail line, the danger and the incidents in sliding "
     "windows of 10 km give the danger per km of each stretch; the worst "
     "stretches are listed.",
     "Rutas. A lo largo de cada línea de tren, el peligro y los incidentes "
     "en ventanas móviles de 10 km dan el peligro por km de cada tramo; se "
     "listan los peores tramos."},
    {"New shelter sites. A maximal covering location model (Church and "
     "ReVelle 1974) picks the sites that together cover the most incident "
     "weight within the service distance, counting what existing shelters "
     "already cover; solved by greedy search with swaps, with an upper "
     "bound on the best possible coverage.",
     "Sitios nuevos de albergue. Un modelo de localización de máxima "
     "cobertura (Church y ReVelle 1974) elige los sitios que juntos cubren "
     "el mayor peso de incidentes dentro de la distancia de servicio, "
     "descontando lo que ya cubren los albergues existentes; se resuelve "
     "por búsqueda voraz con intercambios, con una cota superior de la "
     "mejor cobertura posible."},
    {"References. Silverman, B.W. (1986) Density Estimation for Statistics "
     "and Data Analysis. Getis, A. and Ord, J.K. (1992) Geographical "
     "Analysis 24(3). Ord, J.K. and Getis, A. (1995) Geographical Analysis "
     "27(4). Benjamini, Y. and Hochberg, Y. (1995) JRSS B 57(1). Church, R. "
     "and ReVelle, C. (1974) Papers of the Regional Science Association 32. "
     "Dijkstra, E.W. (1959) Numerische Mathematik 1.",
     "Referencias. Silverman, B.W. (1986) Density Estimation for Statistics "
     "and Data Analysis. Getis, A. y Ord, J.K. (1992) Geographical Analysis "
     "24(3). Ord, J.K. y Getis, A. (1995) Geographical Analysis 27(4). "
     "Benjamini, Y. y Hochberg, Y. (1995) JRSS B 57(1). Church, R. y "
     "ReVelle, C. (1974) Papers of the Regional Science Association 32. "
     "Dijkstra, E.W. (1959) Numerische Mathematik 1."},
};

const char *senda__tr(const senda__doc *d, const char *en)
{
    if (!d->spanish)
        return en;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].en, en) == 0)
            return words[i].es;
    return en;
}

void senda__doc_num(const senda__doc *d, double v, int decimals, char *out, size_t size)
{
    if (!isfinite(v)) {
        snprintf(out, size, "-");
        return;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw);
    char buf[96];
    size_t k = 0;
    if (v < 0 && strspn(raw, "0.") != strlen(raw))
        buf[k++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && int_len > (d->spanish ? 4u : 3u))
            buf[k++] = d->group;
        buf[k++] = raw[i];
    }
    if (dot) {
        buf[k++] = d->decimal;
        for (const char *p = dot + 1; *p; p++)
            buf[k++] = *p;
    }
    buf[k] = 0;
    snprintf(out, size, "%s", buf);
}
