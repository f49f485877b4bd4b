#!/usr/bin/env node
// Derive layers/corridor/border.geojson from Natural Earth 1:10m countries as
// packaged in npm world-atlas (countries-10m.json, TopoJSON).
//
// Method: in a TopoJSON topology, an arc used by the polygons of two countries
// is their common boundary. We collect the arcs used by both Mexico (id "484")
// and Guatemala ("320"), and by Mexico and Belize ("084"), orient them as
// Mexico's ring traverses them, stitch arcs whose ends meet into lines, decode
// the delta-encoded quantized coordinates, and round to 1e-5 degrees.
// No npm dependencies besides the data file. Deterministic: output depends only
// on the input file (features, arc order and coordinates are sorted/fixed).
//
// usage: node build-border.mjs <countries-10m.json> <out.geojson> [world-atlas version]
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const [, , inPath, outPath, waVersion = "unknown"] = process.argv;
if (!inPath || !outPath) {
  console.error("usage: build-border.mjs COUNTRIES_10M_JSON OUT.geojson [WORLD_ATLAS_VERSION]");
  process.exit(2);
}
const topo = JSON.parse(readFileSync(inPath, "utf8"));
if (topo.type !== "Topology" || !topo.transform) throw new Error("expected a quantized TopoJSON topology");
const [sx, sy] = topo.transform.scale;
const [tx, ty] = topo.transform.translate;

// Decode every arc (delta-encoded integer positions) to lon/lat.
function decodeArc(i) {
  let x = 0, y = 0;
  return topo.arcs[i].map(([dx, dy]) => {
    x += dx; y += dy;
    return [x * sx + tx, y * sy + ty];
  });
}

const geoms = topo.objects.countries.geometries;
const byId = (id) => {
  const g = geoms.find((g) => g.id === id);
  if (!g) throw new Error(`country ${id} not found`);
  return g;
};
// Signed arc references (as written: i, or ~i for reversed) of a geometry, in ring order.
function arcRefs(g) {
  const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
  const out = [];
  for (const p of polys) for (const ring of p) for (const a of ring) out.push(a);
  return out;
}
const absArc = (a) => (a < 0 ? ~a : a);

function sharedLines(idA, idB) {
  const refsA = arcRefs(byId(idA));
  const setB = new Set(arcRefs(byId(idB)).map(absArc));
  // keep A's orientation, in A's ring order
  const pieces = refsA.filter((a) => setB.has(absArc(a))).map((a) => {
    const c = decodeArc(absArc(a));
    return a < 0 ? c.reverse() : c;
  });
  // stitch pieces whose end meets another's start (exact quantized equality)
  const key = (p) => `${p[0]},${p[1]}`;
  let lines = pieces.map((p) => p.slice());
  let merged = true;
  while (merged) {
    merged = false;
    outer: for (let i = 0; i < lines.length; i++) for (let j = 0; j < lines.length; j++) {
      if (i === j) continue;
      if (key(lines[i][lines[i].length - 1]) === key(lines[j][0])) {
        lines[i] = lines[i].concat(lines[j].slice(1));
        lines.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  const r5 = (v) => Math.round(v * 1e5) / 1e5;
  lines = lines.map((l) => {
    const out = [];
    for (const [x, y] of l) {
      const p = [r5(x), r5(y)];
      const q = out[out.length - 1];
      if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
    }
    return out;
  });
  // deterministic order: longest first
  lines.sort((a, b) => b.length - a.length || a[0][0] - b[0][0]);
  return lines;
}

// Geodesic length on WGS 84 (Vincenty inverse; falls back to haversine if it fails to converge).
function vincenty([lon1, lat1], [lon2, lat2]) {
  const a = 6378137, f = 1 / 298.257223563, b = a * (1 - f), rad = Math.PI / 180;
  const L = (lon2 - lon1) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad)), U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  const sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
  let lam = L, iter = 0, sinS, cosS, sig, cos2a, cos2sm;
  for (;;) {
    const sl = Math.sin(lam), cl = Math.cos(lam);
    sinS = Math.sqrt((cosU2 * sl) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cl) ** 2);
    if (sinS === 0) return 0;
    cosS = sinU1 * sinU2 + cosU1 * cosU2 * cl;
    sig = Math.atan2(sinS, cosS);
    const sina = (cosU1 * cosU2 * sl) / sinS;
    cos2a = 1 - sina * sina;
    cos2sm = cos2a ? cosS - (2 * sinU1 * sinU2) / cos2a : 0;
    const C = (f / 16) * cos2a * (4 + f * (4 - 3 * cos2a));
    const prev = lam;
    lam = L + (1 - C) * f * sina * (sig + C * sinS * (cos2sm + C * cosS * (-1 + 2 * cos2sm * cos2sm)));
    if (Math.abs(lam - prev) < 1e-12) break;
    if (++iter > 200) {
      const R = 6371008.8, dphi = (lat2 - lat1) * rad;
      const h = Math.sin(dphi / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(L / 2) ** 2;
      return 2 * R * Math.asin(Math.sqrt(h));
    }
  }
  const u2 = (cos2a * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const dS = B * sinS * (cos2sm + (B / 4) * (cosS * (-1 + 2 * cos2sm ** 2) - (B / 6) * cos2sm * (-3 + 4 * sinS ** 2) * (-3 + 4 * cos2sm ** 2)));
  return b * A * (sig - dS);
}
const lengthKm = (lines) =>
  lines.reduce((s, l) => s + l.slice(1).reduce((t, p, i) => t + vincenty(l[i], p), 0), 0) / 1000;

const source = `Natural Earth 1:10m admin 0 countries (public domain), via npm world-atlas@${waVersion} countries-10m.json (ISC); arcs shared by both countries' polygons, stitched; quantized to 1e5 (about 0.0036 deg lon x 0.0017 deg lat)`;
const pairs = [
  { name: "Mexico–Guatemala", a: "484", b: "320", adm0_a: "MEX", adm0_b: "GTM" },
  { name: "Mexico–Belize", a: "484", b: "084", adm0_a: "MEX", adm0_b: "BLZ" },
];
const features = pairs.map((p) => {
  const lines = sharedLines(p.a, p.b);
  if (!lines.length) throw new Error(`no shared arcs for ${p.name}`);
  const km = lengthKm(lines);
  console.error(`${p.name}: ${lines.length} part(s), ${lines.reduce((s, l) => s + l.length, 0)} vertices, ${km.toFixed(1)} km geodesic (WGS 84)`);
  return {
    type: "Feature",
    properties: { name: p.name, adm0_a: p.adm0_a, adm0_b: p.adm0_b, source, length_km: Math.round(km * 10) / 10 },
    geometry: lines.length === 1 ? { type: "LineString", coordinates: lines[0] } : { type: "MultiLineString", coordinates: lines },
  };
});

// One feature per line, stable formatting; write to a temp file and rename.
const body = features.map((f) => JSON.stringify(f)).join(",\n");
const text = `{"type":"FeatureCollection","name":"border","features":[\n${body}\n]}\n`;
const tmp = `${outPath}.tmp${process.pid}`;
writeFileSync(tmp, text);
renameSync(tmp, outPath);
console.error(`wrote ${outPath}`);
