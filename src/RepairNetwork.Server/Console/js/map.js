// A map drawn on a <canvas> by us: Web Mercator, pan and zoom, the offline base map (a simplified
// outline from data/china.geo.json), an optional tile layer, and outlets drawn as points or as
// grid-bucket clusters so that 50,000 stay smooth. Clicks are hit-tested against the buckets of the
// last frame, which are the spatial grid.
const TILE = 256;
const CLUSTER_CELL = 22; // cluster cell in CSS pixels
const STREET_ZOOM = 13; // from here on every outlet is drawn on its own (cells of a few pixels)
const MAX_ZOOM = 17;

const mercX = (lon) => (lon + 180) / 360;
const mercY = (lat) => {
  const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
};
const lonOf = (x) => x * 360 - 180;
const latOf = (y) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

export class CanvasMap {
  constructor(container, { tileUrl = null, onSelect = () => {}, onClickMap = null } = {}) {
    this.container = container;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "map-canvas";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Map of outlets");
    container.append(this.canvas);
    container.canvasMap = this; // for the browser tests and the bench, which place clicks on the map
    this.ctx = this.canvas.getContext("2d");
    this.tileUrl = tileUrl;
    this.tiles = new Map();
    this.onSelect = onSelect;
    this.onClickMap = onClickMap;
    this.center = { x: mercX(104), y: mercY(35) };
    this.zoom = 3.6;
    this.count = 0;
    this.xs = new Float64Array(0);
    this.ys = new Float64Array(0);
    this.colours = [];
    this.items = [];
    this.markers = [];
    this.outline = [];
    this.buckets = new Map();
    this.lastRenderMs = 0;
    this.frame = 0;
    this.addControls();
    this.listen();
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  /** items: [{ lat, lon, colour, ... }]; kept as typed arrays of Mercator coordinates for speed. */
  setPoints(items) {
    this.items = items;
    this.count = items.length;
    this.xs = new Float64Array(items.length);
    this.ys = new Float64Array(items.length);
    this.colours = new Array(items.length);
    items.forEach((item, i) => {
      this.xs[i] = mercX(item.lon);
      this.ys[i] = mercY(item.lat);
      this.colours[i] = item.colour;
    });
    this.redraw();
  }

  /** Pins drawn above the outlets: { lat, lon, kind: "customer"|"chosen"|"passed"|"rank", label }. */
  setMarkers(markers) { this.markers = markers; this.redraw(); }

  setOutline(geojson) {
    this.outline = [];
    for (const feature of geojson.features ?? []) {
      const g = feature.geometry;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      for (const polygon of polygons) {
        for (const ring of polygon) {
          const flat = new Float64Array(ring.length * 2);
          ring.forEach(([lon, lat], i) => { flat[2 * i] = mercX(lon); flat[2 * i + 1] = mercY(lat); });
          this.outline.push(flat);
        }
      }
    }
    this.redraw();
  }

  fit(points, maxZoom = 12) {
    if (!points.length) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const p of points) {
      const x = mercX(p.lon), y = mercY(p.lat);
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    this.center = { x: (x0 + x1) / 2, y: (y0 + y1) / 2 };
    const span = Math.max((x1 - x0) / (this.width * 0.8), (y1 - y0) / (this.height * 0.8), 1e-9);
    this.zoom = Math.max(2, Math.min(maxZoom, Math.log2(1 / (span * TILE))));
    this.redraw();
  }

  get scale() { return TILE * 2 ** this.zoom; }

  toScreen(x, y) {
    return [(x - this.center.x) * this.scale + this.width / 2, (y - this.center.y) * this.scale + this.height / 2];
  }

  toLatLon(sx, sy) {
    const x = this.center.x + (sx - this.width / 2) / this.scale;
    const y = this.center.y + (sy - this.height / 2) / this.scale;
    return { lat: latOf(y), lon: lonOf(x) };
  }

  zoomAt(sx, sy, delta) {
    const before = { x: this.center.x + (sx - this.width / 2) / this.scale, y: this.center.y + (sy - this.height / 2) / this.scale };
    this.zoom = Math.max(2, Math.min(MAX_ZOOM, this.zoom + delta));
    this.center = { x: before.x - (sx - this.width / 2) / this.scale, y: before.y - (sy - this.height / 2) / this.scale };
    this.redraw();
  }

  panBy(dx, dy) {
    this.center = { x: this.center.x - dx / this.scale, y: this.center.y - dy / this.scale };
    this.redraw();
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    this.width = this.container.clientWidth || 600;
    this.height = this.container.clientHeight || 400;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.ratio = ratio;
    this.render();
  }

  redraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  render() {
    const started = performance.now();
    const { ctx } = this;
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.fillStyle = "#dbe7f3";
    ctx.fillRect(0, 0, this.width, this.height);
    if (this.tileUrl) this.drawTiles();
    this.drawOutline();
    this.drawPoints();
    this.drawMarkers();
    this.lastRenderMs = performance.now() - started;
    this.container.dataset.renderMs = this.lastRenderMs.toFixed(1);
  }

  drawOutline() {
    const { ctx } = this;
    ctx.beginPath();
    for (const ring of this.outline) {
      for (let i = 0; i < ring.length; i += 2) {
        const [sx, sy] = this.toScreen(ring[i], ring[i + 1]);
        if (i === 0) ctx.moveTo(sx, sy); else ctx.lineTo(sx, sy);
      }
      ctx.closePath();
    }
    ctx.fillStyle = this.tileUrl ? "rgba(255,255,255,0.15)" : "#f7f5ef";
    ctx.fill("evenodd");
    ctx.strokeStyle = "#8a8f98";
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  drawTiles() {
    const { ctx } = this;
    const z = Math.max(0, Math.min(18, Math.round(this.zoom)));
    const n = 2 ** z;
    const size = (this.scale / n);
    const [ox, oy] = this.toScreen(0, 0);
    const x0 = Math.max(0, Math.floor(-ox / size)), x1 = Math.min(n - 1, Math.floor((this.width - ox) / size));
    const y0 = Math.max(0, Math.floor(-oy / size)), y1 = Math.min(n - 1, Math.floor((this.height - oy) / size));
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const key = `${z}/${x}/${y}`;
        let image = this.tiles.get(key);
        if (!image) {
          image = new Image();
          image.onload = () => this.redraw();
          image.src = this.tileUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y).replace("{s}", "abc"[(x + y) % 3]);
          this.tiles.set(key, image);
          if (this.tiles.size > 500) this.tiles.delete(this.tiles.keys().next().value);
        }
        if (image.complete && image.naturalWidth) ctx.drawImage(image, ox + x * size, oy + y * size, size + 0.5, size + 0.5);
      }
    }
  }

  /** One pass over every point: bucket by screen cell; a lone point is drawn as itself. */
  drawPoints() {
    const { ctx, xs, ys, colours } = this;
    const scale = this.scale, cx = this.center.x, cy = this.center.y, hw = this.width / 2, hh = this.height / 2;
    const cell = this.cell = this.zoom >= STREET_ZOOM ? 4 : CLUSTER_CELL;
    const cols = Math.ceil(this.width / cell) + 1;
    const buckets = new Map();
    for (let i = 0; i < this.count; i++) {
      const sx = (xs[i] - cx) * scale + hw, sy = (ys[i] - cy) * scale + hh;
      if (sx < -cell || sy < -cell || sx > this.width + cell || sy > this.height + cell) continue;
      const key = Math.floor((sy + cell) / cell) * (cols + 2) + Math.floor((sx + cell) / cell);
      let bucket = buckets.get(key);
      if (!bucket) { bucket = { sx: 0, sy: 0, n: 0, first: i, colours: new Map() }; buckets.set(key, bucket); }
      bucket.sx += sx; bucket.sy += sy; bucket.n++;
      bucket.colours.set(colours[i], (bucket.colours.get(colours[i]) ?? 0) + 1);
    }
    this.buckets = buckets;
    this.stride = cols + 2;
    this.drawn = 0;
    ctx.font = "600 11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const bucket of buckets.values()) {
      bucket.x = bucket.sx / bucket.n; bucket.y = bucket.sy / bucket.n;
      this.drawn += bucket.n;
      if (bucket.n === 1) {
        ctx.fillStyle = colours[bucket.first];
        ctx.beginPath(); ctx.arc(bucket.x, bucket.y, 5, 0, 2 * Math.PI); ctx.fill();
        ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke();
        continue;
      }
      // A cluster takes the colour most of its outlets have, so a hot area shows hot.
      let colour = "#2563eb", most = 0;
      for (const [c, k] of bucket.colours) if (k > most) { most = k; colour = c; }
      const r = Math.min(18, 7 + Math.log2(bucket.n) * 2);
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = colour;
      ctx.beginPath(); ctx.arc(bucket.x, bucket.y, r, 0, 2 * Math.PI); ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.fillText(bucket.n > 999 ? `${Math.round(bucket.n / 1000)}k` : String(bucket.n), bucket.x, bucket.y);
    }
    this.container.dataset.drawn = String(this.drawn);
    this.container.dataset.points = String(this.count);
  }

  drawMarkers() {
    const { ctx } = this;
    const styles = { customer: "#7c3aed", chosen: "#16a34a", passed: "#dc2626", rank: "#0f172a", selected: "#0f172a" };
    for (const m of this.markers) {
      const [sx, sy] = this.toScreen(mercX(m.lon), mercY(m.lat));
      ctx.fillStyle = styles[m.kind] ?? "#0f172a";
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 2;
      ctx.beginPath();
      if (m.kind === "customer") {
        ctx.moveTo(sx, sy); ctx.arc(sx, sy - 14, 7, Math.PI * 0.8, Math.PI * 2.2); ctx.closePath();
      } else if (m.kind === "selected") {
        ctx.arc(sx, sy, 9, 0, 2 * Math.PI); ctx.fillStyle = "rgba(0,0,0,0)";
      } else {
        ctx.arc(sx, sy, 9, 0, 2 * Math.PI);
      }
      ctx.fill(); ctx.stroke();
      if (m.kind === "selected") { ctx.strokeStyle = "#0f172a"; ctx.lineWidth = 2.5; ctx.stroke(); }
      if (m.label) {
        ctx.fillStyle = "#fff";
        ctx.font = "700 10px system-ui, sans-serif";
        ctx.fillText(m.label, sx, m.kind === "customer" ? sy - 14 : sy);
      }
    }
  }

  /** The bucket under a screen point, from the last frame's grid (its cell and the neighbours). */
  hit(sx, sy) {
    let best = null, bestDistance = 18 * 18;
    const cell = this.cell, reach = Math.ceil(18 / cell);
    const row = Math.floor((sy + cell) / cell), col = Math.floor((sx + cell) / cell);
    for (let r = row - reach; r <= row + reach; r++) {
      for (let c = col - reach; c <= col + reach; c++) {
        const bucket = this.buckets.get(r * this.stride + c);
        if (!bucket) continue;
        const d = (bucket.x - sx) ** 2 + (bucket.y - sy) ** 2;
        if (d < bestDistance) { best = bucket; bestDistance = d; }
      }
    }
    return best;
  }

  addControls() {
    const controls = document.createElement("div");
    controls.className = "map-controls";
    controls.innerHTML = '<button type="button" data-zoom="1" aria-label="Zoom in">+</button><button type="button" data-zoom="-1" aria-label="Zoom out">−</button>';
    controls.addEventListener("click", (e) => {
      const delta = Number(e.target.dataset.zoom);
      if (delta) this.zoomAt(this.width / 2, this.height / 2, delta);
    });
    this.container.append(controls);
  }

  listen() {
    let drag = null;
    this.canvas.addEventListener("pointerdown", (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: 0 };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      drag.moved += Math.abs(dx) + Math.abs(dy);
      drag.x = e.clientX; drag.y = e.clientY;
      if (drag.moved > 3) this.panBy(dx, dy);
    });
    this.canvas.addEventListener("pointerup", (e) => {
      const wasClick = drag && drag.moved <= 3;
      drag = null;
      if (wasClick) this.click(e);
    });
    this.canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const rect = this.canvas.getBoundingClientRect();
      this.zoomAt(e.clientX - rect.left, e.clientY - rect.top, -Math.sign(e.deltaY) * 0.5);
    }, { passive: false });
    this.canvas.addEventListener("dblclick", (e) => {
      const rect = this.canvas.getBoundingClientRect();
      this.zoomAt(e.clientX - rect.left, e.clientY - rect.top, 1);
    });
  }

  click(e) {
    const rect = this.canvas.getBoundingClientRect();
    const sx = e.clientX - rect.left, sy = e.clientY - rect.top;
    if (this.onClickMap) { this.onClickMap(this.toLatLon(sx, sy)); return; }
    const bucket = this.hit(sx, sy);
    if (!bucket) return;
    if (bucket.n === 1) this.onSelect(this.items[bucket.first]);
    else this.zoomAt(bucket.x, bucket.y, 2);
  }

  /** Screen position of an item (tests and the bench click outlets through this). */
  screenOf(item) { return this.toScreen(mercX(item.lon), mercY(item.lat)); }
}

let outline = null;
/** The offline base map, fetched once per page load. */
export async function baseMap() {
  outline ??= fetch("data/china.geo.json").then((r) => r.json());
  return outline;
}
