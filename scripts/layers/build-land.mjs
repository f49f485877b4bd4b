#!/usr/bin/env node
// Decode the land polygons of Mexico (484), Guatemala (320) and Belize (084)
// from Natural Earth 1:10m countries as packaged in npm world-atlas
// (countries-10m.json, TopoJSON) into a GeoJSON of three MultiPolygons,
// unclipped; scripts/layers/build-land clips it to the corridor with ogr2ogr.
// TopoJSON rings are lists of signed arc references (~i = arc i reversed);
// consecutive arcs share their joining point, which is written once.
//
// usage: node build-land.mjs <countries-10m.json> <out.geojson> [world-atlas version]
import { readFileSync, writeFileSync } from "node:fs";

const [, , inPath, outPath, waVersion = "unknown"] = process.argv;
if (!inPath || !outPath) {
  console.error("usage: build-land.mjs COUNTRIES_10M_JSON OUT.geojson [WORLD_ATLAS_VERSION]");
  process.exit(2);
}
const topo = JSON.parse(readFileSync(inPath, "utf8"));
if (topo.type !== "Topology" || !topo.transform) throw new Error("expected a quantized TopoJSON topology");
const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;
const r5 = (v) => Math.round(v * 1e5) / 1e5;

function decodeArc(i) {
  let x = 0, y = 0;
  return topo.arcs[i].map(([dx, dy]) => {
    x += dx; y += dy;
    return [r5(x * sx + tx), r5(y * sy + ty)];
  });
}
function ring(refs) {
  const out = [];
  for (const a of refs) {
    const c = a < 0 ? decodeArc(~a).reverse() : decodeArc(a);
    for (const p of out.length ? c.slice(1) : c) {
      const q = out[out.length - 1];
      if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p); // rounding can repeat a point
    }
  }
  return out;
}
// A ring needs 4 positions (3 distinct and the closing one); Natural Earth's
// smallest islets collapse below that once rounded to 1e-5 degrees.
const validRing = (r) => r.length >= 4;
const countries = [
  { id: "484", name: "Mexico", adm0: "MEX" },
  { id: "320", name: "Guatemala", adm0: "GTM" },
  { id: "084", name: "Belize", adm0: "BLZ" },
];
const source = `Natural Earth 1:10m admin 0 countries (public domain), via npm world-atlas@${waVersion} countries-10m.json (ISC)`;
const features = countries.map((c) => {
  const g = topo.objects.countries.geometries.find((x) => x.id === c.id);
  if (!g) throw new Error(`country ${c.id} not found`);
  const polys = g.type === "Polygon" ? [g.arcs] : g.arcs;
  return {
    type: "Feature",
    properties: { name: c.name, adm0: c.adm0, source },
    geometry: { type: "MultiPolygon", coordinates: polys.map((p) => p.map(ring).filter(validRing)).filter((p) => p.length && p[0].length) },
  };
});
writeFileSync(outPath, JSON.stringify({ type: "FeatureCollection", name: "land", features }));
console.error(`build-land.mjs: wrote ${outPath}`);
