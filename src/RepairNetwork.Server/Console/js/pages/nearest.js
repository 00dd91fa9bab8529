// Find nearest, as the call center uses it: click where the customer is, pick the capability and
// mode, and see the outlets in the order dispatch would try them, each with why it can or cannot.
import { api } from "../api.js";
import { CanvasMap, baseMap } from "../map.js";
import { esc, html, km, problem, raw, reasonCode, time } from "../format.js";

const MODES = [["SERVICE_MODE_CARRY_IN", "Carry-in"], ["SERVICE_MODE_ON_SITE", "On-site"], ["SERVICE_MODE_MAIL_IN", "Mail-in"]];

export async function show(view, { params }, { config }) {
  view.innerHTML = `
    <div class="page-head"><h1>Find nearest</h1></div>
    <form class="filters" id="nearest-form">
      <label>Capability <input name="capability" list="capabilities" value="${esc(params.capability ?? "phone.screen")}" required autocomplete="off"><datalist id="capabilities"></datalist></label>
      <label>Mode <select name="mode">${MODES.map(([v, t]) => `<option value="${v}" ${params.mode === v ? "selected" : ""}>${t}</option>`).join("")}</select></label>
      <label>Show <select name="limit">${[5, 10, 20].map((n) => `<option ${Number(params.limit ?? 10) === n ? "selected" : ""}>${n}</option>`).join("")}</select></label>
      <label class="check"><input type="checkbox" name="available" ${params.available === "1" ? "checked" : ""}> only those that can take it now</label>
      <label>Lat <input name="lat" size="8" value="${esc(params.lat ?? "")}" inputmode="decimal"></label>
      <label>Lon <input name="lon" size="8" value="${esc(params.lon ?? "")}" inputmode="decimal"></label>
      <button type="submit">Find</button>
    </form>
    <p class="status-line" id="nearest-status" role="status">Click the map where the customer is.</p>
    <div class="map-layout"><div class="map" id="nearest-map"></div><aside class="panel wide" id="nearest-results"></aside></div>`;
  const form = view.querySelector("#nearest-form");
  const statusLine = view.querySelector("#nearest-status");
  const results = view.querySelector("#nearest-results");
  const map = new CanvasMap(view.querySelector("#nearest-map"), {
    tileUrl: config.tileUrl,
    onClickMap: ({ lat, lon }) => {
      form.elements.lat.value = lat.toFixed(5);
      form.elements.lon.value = lon.toFixed(5);
      search();
    },
  });
  baseMap().then((geo) => map.setOutline(geo));
  api.capabilityCatalog().then(({ catalog }) => {
    view.querySelector("#capabilities").innerHTML = (catalog?.capabilities ?? []).map((c) => `<option value="${esc(c)}">`).join("");
  }).catch(() => { /* free text still works */ });

  const search = async () => {
    const data = Object.fromEntries(new FormData(form));
    const lat = Number(data.lat), lon = Number(data.lon);
    if (data.lat === "" || data.lon === "" || Number.isNaN(lat) || Number.isNaN(lon)) return;
    // Keep the search in the address, so it can be bookmarked or sent to a colleague.
    history.replaceState(null, "", `#/nearest?${new URLSearchParams({ lat: data.lat, lon: data.lon, capability: data.capability, mode: data.mode, limit: data.limit, available: data.available ? "1" : "" })}`);
    statusLine.textContent = "Searching…";
    try {
      const answer = await api.findNearest({
        "location.latitude": lat, "location.longitude": lon, capability: data.capability.trim(),
        serviceMode: data.mode, limit: data.limit, availableOnly: data.available ? "true" : "",
      });
      const candidates = answer.candidates ?? [];
      statusLine.textContent = `${candidates.length} outlet(s) offering ${data.capability} nearest to ${lat.toFixed(4)}, ${lon.toFixed(4)}; ${answer.outletsExamined ?? 0} examined${answer.searchBounded ? " (search stopped at its bound: farther outlets not looked at)" : ""}.`;
      results.innerHTML = table(candidates);
      map.setMarkers([{ lat, lon, kind: "customer", label: "C" }, ...candidates.map((c, i) => ({
        lat: c.location?.latitude ?? 0, lon: c.location?.longitude ?? 0, kind: c.canTakeJob ? "chosen" : "passed", label: String(i + 1),
      }))]);
      if (candidates.length) map.fit([{ lat, lon }, ...candidates.map((c) => ({ lat: c.location.latitude, lon: c.location.longitude }))], 13);
    } catch (error) {
      statusLine.textContent = problem(error);
      results.innerHTML = "";
    }
  };
  form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  if (params.lat && params.lon) search();
  return null;
}

function table(candidates) {
  if (!candidates.length) return '<p class="muted">No outlet offers this capability within reach.</p>';
  const firstAble = candidates.findIndex((c) => c.canTakeJob);
  return html`<ol class="ranked" id="ranked">${candidates.map((c, i) => html`
    <li class="${c.canTakeJob ? "can" : "cannot"}" data-outlet="${c.outletId}">
      <div class="rank-head"><span class="rank">${i + 1}</span> <a href="#/outlets/${encodeURIComponent(c.outletId)}">${c.name}</a>
        <span class="muted">${c.outletId}</span> <span class="num">${km(c.distanceKm)}</span></div>
      ${c.canTakeJob
        ? raw(html`<div class="verdict ok">Can take the job${i === firstAble ? " — dispatch would send it here" : ""}. ${c.capacityLeftToday} left on ${c.serviceDay} (${c.timeZone}).</div>`)
        : raw(html`<div class="verdict no">Cannot take it:</div><ul>${(c.reasons ?? []).map((r) => html`<li><span class="chip">${reasonCode(r.code)}</span> ${r.message}</li>`)}</ul>`)}
      <div class="muted">${c.openNow ? "Open now" : `Closed now${c.closedReason ? `: ${c.closedReason}` : ""}${c.nextOpenTime ? `; opens ${time(c.nextOpenTime, c.timeZone)}` : ""}`} · ${c.address} · ${c.phone}</div>
    </li>`)}</ol>`;
}
