// build-gazetteer.mjs SRC_CITIES500 ADMIN1_JSON BOX OUT V500 VCJ
// Keeps the GeoNames cities500 rows inside BOX and writes one TSV row per
// place: geonameid, name, asciiname, alternatenames (Latin-script names only,
// deduplicated, comma-separated), lat, lon, feature_code, country, admin1
// code, admin1 name, population. Rows are sorted by geonameid.
import fs from 'node:fs';

const [src, admPath, boxArg, out] = process.argv.slice(2);
const [x0, y0, x1, y1] = boxArg.split(',').map(Number);
const admin1 = new Map(JSON.parse(fs.readFileSync(admPath, 'utf8')).map((a) => [a.code, a.name]));
const latin = /^[\p{Script=Latin}\p{N}\s'’.,()\-]+$/u;
const rows = [];
for (const line of fs.readFileSync(src, 'utf8').split('\n')) {
  if (!line) continue;
  const f = line.split('\t');
  const lat = Number(f[4]), lon = Number(f[5]);
  if (!(lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1)) continue;
  const clean = (s) => s.replace(/[\t\n\r]/g, ' ').trim();
  const seen = new Set([f[1].toLowerCase(), f[2].toLowerCase()]);
  const alts = [];
  for (const a of (f[3] || '').split(',')) {
    const t = clean(a);
    if (!t || !latin.test(t) || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    alts.push(t);
  }
  const code = `${f[8]}.${f[10]}`;
  rows.push([Number(f[0]), clean(f[1]), clean(f[2]), alts.join(','), f[4], f[5], f[7], f[8], code,
             admin1.get(code) || '', f[14] || '0']);
}
rows.sort((a, b) => a[0] - b[0]);
const head = 'geonameid\tname\tasciiname\talternatenames\tlat\tlon\tfeature_code\tcountry\tadmin1_code\tadmin1_name\tpopulation';
fs.writeFileSync(out, [head, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
