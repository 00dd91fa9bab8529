// The network map: every outlet, coloured by today's load, filterable by region, capability and
// status; click one for its profile, hours, technicians, stock and today's jobs.
// #/map?bench=50000 draws that many synthetic outlets instead, and measures drawing and panning.
import { allPages, api } from "../api.js";
import { CanvasMap, baseMap } from "../map.js";
import { LOAD_LEGEND, esc, loadColour, number, paint, percent, problem } from "../format.js";
import { renderOutlet } from "../outlet-detail.js";

export async function show(view, { params }, { config, caller }) {
  view.innerHTML = `
    <div class="page-head">
      <h1>Network map</h1>
      <form class="filters" id="filters">
        <label>Region <select name="region"><option value="">All regions</option></select></label>
        <label>Capability <select name="capability"><option value="">Any capability</option></select></label>
        <label>Status <select name="status">
          <option value="">Any status</option><option value="OUTLET_STATUS_OPEN">Open</option>
          <option value="OUTLET_STATUS_PAUSED">Paused</option><option value="OUTLET_STATUS_CLOSED">Closed</option></select></label>
      </form>
    </div>
    <p class="status-line" id="map-status" role="status">Loading outlets…</p>
    <div class="map-layout">
      <div class="map" id="map"></div>
      <aside class="panel" id="panel"><p class="muted">Click an outlet for its profile, hours, technicians, stock and today's jobs. Click a cluster to zoom in.</p>
        <ul class="legend">${LOAD_LEGEND.map(([c, t]) => `<li><span class="swatch" data-colour="${c}"></span>${esc(t)}</li>`).join("")}</ul></aside>
    </div>`;
  paint(view);
  const statusLine = view.querySelector("#map-status");
  const panel = view.querySelector("#panel");
  const abort = new AbortController();
  let selected = null;
  const map = new CanvasMap(view.querySelector("#map"), {
    tileUrl: config.tileUrl,
    onSelect: async (item) => {
      selected = item;
      map.setMarkers([{ lat: item.lat, lon: item.lon, kind: "selected" }]);
      panel.innerHTML = `<p><a href="#/outlets/${encodeURIComponent(item.id)}">Open the outlet page →</a></p><div id="outlet-box"></div>`;
      await renderOutlet(panel.querySelector("#outlet-box"), item.id, { signal: abort.signal });
    },
  });
  baseMap().then((geo) => map.setOutline(geo));

  if (params.bench) {
    await bench(map, Number(params.bench), statusLine);
    return () => abort.abort();
  }

  let outlets;
  try {
    // An outlet's sign-in may read only its own outlet: its map is that one outlet.
    outlets = caller.role === "outlet"
      ? [(await api.getOutlet(caller.outletId)).outlet]
      : await allPages((page) => api.listOutlets(page), "outlets");
  } catch (error) {
    statusLine.textContent = problem(error);
    statusLine.classList.add("error");
    return () => abort.abort();
  }
  const loads = new Map();
  const items = outlets.map((o) => ({
    id: o.outletId, name: o.name, lat: o.location?.latitude ?? 0, lon: o.location?.longitude ?? 0,
    region: o.region ?? "", capabilities: o.capabilities ?? [], status: o.status ?? "OUTLET_STATUS_OPEN",
  }));
  const colourOf = (item) => loadColour(loads.get(item.id), item.status);
  items.forEach((item) => { item.colour = colourOf(item); });

  const form = view.querySelector("#filters");
  const options = (name, values) => {
    form.elements[name].insertAdjacentHTML("beforeend", [...values].sort().map((v) => `<option>${esc(v)}</option>`).join(""));
  };
  options("region", new Set(items.map((i) => i.region).filter(Boolean)));
  options("capability", new Set(items.flatMap((i) => i.capabilities)));

  let statsNote = "load loading…";
  const apply = () => {
    const { region, capability, status } = Object.fromEntries(new FormData(form));
    const shown = items.filter((i) => (!region || i.region === region) && (!capability || i.capabilities.includes(capability)) && (!status || i.status === status));
    map.setPoints(shown);
    map.container.dataset.shown = String(shown.length);
    statusLine.textContent = `Showing ${number(shown.length)} of ${number(items.length)} outlets · ${statsNote}`;
    return shown;
  };
  form.addEventListener("change", () => {
    const shown = apply();
    if (shown.length && shown.length < items.length) map.fit(shown, 11);
  });
  apply();
  map.fit(items, items.length === 1 ? 11 : 6);
  if (items.length === 1) map.onSelect(items[0]);
  // When the whole network was first drawn, in ms since the page started loading (docs/benchmarks.md).
  map.container.dataset.readyMs = performance.now().toFixed(0);

  // Today's load per outlet comes from headquarters' network figures; other roles see the outlets uncoloured.
  if (caller.role !== "hq") {
    statsNote = "today's load is headquarters' view";
    apply();
    return () => abort.abort();
  }
  const refresh = async () => {
    try {
      const stats = await allPages((page) => api.networkStats(page), "outlets");
      for (const s of stats) loads.set(s.outletId, s.load ?? 0);
      const busy = stats.filter((s) => (s.load ?? 0) >= 0.8).length;
      statsNote = `${number(busy)} at 80% or more booked today (${percent(stats.reduce((a, s) => a + (s.bookedToday ?? 0), 0) / Math.max(1, stats.reduce((a, s) => a + (s.dailyCapacity ?? 0), 0)))} of capacity booked network-wide)`;
      items.forEach((item) => { item.colour = colourOf(item); });
    } catch (error) {
      statsNote = `load not shown: ${problem(error)}`;
    }
    apply();
  };
  refresh();
  const timer = setInterval(refresh, 60_000);
  return () => { clearInterval(timer); abort.abort(); };
}

/** Synthetic outlets across the country's extent; reports the first draw and frame times while panning and zooming. */
async function bench(map, count, statusLine) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const colours = ["#16a34a", "#f59e0b", "#dc2626", "#991b1b", "#9ca3af"];
  const items = Array.from({ length: count }, (_, i) => ({
    id: `BENCH-${i}`, lat: 21 + random() * 27, lon: 98 + random() * 24, colour: colours[i % colours.length],
  }));
  await new Promise((r) => requestAnimationFrame(r));
  const t0 = performance.now();
  map.setPoints(items);
  map.fit(items, 6);
  if (map.frame) { cancelAnimationFrame(map.frame); map.frame = 0; }
  map.render();
  const firstDraw = performance.now() - t0;
  const frames = [];
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    const t = performance.now();
    if (i < 20) map.panBy(13, 7); else map.zoomAt(map.width / 2, map.height / 2, i < 30 ? 0.25 : -0.25);
    if (map.frame) { cancelAnimationFrame(map.frame); map.frame = 0; }
    map.render();
    frames.push(performance.now() - t);
  }
  frames.sort((a, b) => a - b);
  const result = {
    points: count, firstDrawMs: +firstDraw.toFixed(1),
    frameMedianMs: +frames[Math.floor(frames.length / 2)].toFixed(1), frameP95Ms: +frames[Math.floor(frames.length * 0.95)].toFixed(1),
    frameMaxMs: +frames[frames.length - 1].toFixed(1),
  };
  map.container.dataset.bench = JSON.stringify(result);
  statusLine.textContent = `Bench: ${number(count)} synthetic outlets; first draw ${result.firstDrawMs} ms; pan/zoom frames median ${result.frameMedianMs} ms, 95th percentile ${result.frameP95Ms} ms`;
}
