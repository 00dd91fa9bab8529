// Converts Natural Earth's China outline (public domain; world-atlas 2.0.2 on npm) into the small
// GeoJSON the console draws offline. Run once; the output is committed (see ATTRIBUTION.md next to it).
//
//   npm install --prefix /tmp/wa world-atlas@2.0.2
//   node tools/basemap/make-basemap.mjs /tmp/wa/node_modules/world-atlas/countries-50m.json \
//     src/RepairNetwork.Server/Console/data/china.geo.json
//
// No topojson-client: decoding quantized, delta-encoded arcs is a few lines, and the tolerance below
// (Douglas-Peucker in degrees) keeps the file at tens of kilobytes.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output, countryIds = "156"] = process.argv.slice(2);
const tolerance = 0.03;
const topo = JSON.parse(readFileSync(input, "utf8"));
const { scale, translate } = topo.transform;

const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx; y += dy;
    return [x * scale[0] + translate[0], y * scale[1] + translate[1]];
  });
});

function arcPoints(index) {
  return index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
}

function ring(indexes) {
  const points = [];
  for (const index of indexes) {
    const part = arcPoints(index);
    points.push(...(points.length ? part.slice(1) : part));
  }
  return points;
}

function simplify(points) {
  if (points.length < 4) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    let worst = -1, worstDistance = 0;
    for (let i = a + 1; i < b; i++) {
      const d = distanceToSegment(points[i], points[a], points[b]);
      if (d > worstDistance) { worst = i; worstDistance = d; }
    }
    if (worstDistance > tolerance) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function distanceToSegment([px, py], [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const round = ([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
const wanted = new Set(countryIds.split(","));
const features = [];
for (const geometry of Object.values(topo.objects.countries.geometries)) {
  if (!wanted.has(String(geometry.id))) continue;
  const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs;
  const coordinates = polygons
    .map((polygon) => polygon.map((r) => simplify(ring(r)).map(round)).filter((r) => r.length >= 4))
    .filter((polygon) => polygon.length > 0);
  features.push({
    type: "Feature",
    properties: { name: geometry.properties.name, source: "Natural Earth 1:50m via world-atlas 2.0.2" },
    geometry: { type: "MultiPolygon", coordinates },
  });
}

writeFileSync(output, JSON.stringify({ type: "FeatureCollection", features }));
console.log(`${features.length} feature(s), ${readFileSync(output).length} bytes -> ${output}`);
