// Service levels per region and period: offers, lapses, breaches and escalations counted from the
// service-event record, with load, on-time rate and ratings from the network figures; a daily chart.
import { allPages, api } from "../api.js";
import { esc, html, number, paint, percent, problem, raw } from "../format.js";

const PERIODS = { 1: "Last 24 hours", 7: "Last 7 days", 30: "Last 30 days" };
const BREACHES = ["ORDER_ACTION_RESPONSE_DEADLINE_MISSED", "ORDER_ACTION_COMPLETION_DEADLINE_MISSED", "ORDER_ACTION_COMPLAINT_DEADLINE_MISSED"];
const SERIES = [["offers", "Offers", "#2563eb"], ["lapses", "Lapsed offers", "#f59e0b"], ["breaches", "Missed deadlines", "#dc2626"]];

export async function show(view, { params }) {
  const days = PERIODS[params.days] ? Number(params.days) : 7;
  const region = params.region ?? "";
  view.innerHTML = `
    <div class="page-head"><h1>Service levels</h1>
      <form class="filters" id="sl-form">
        <label>Region <select name="region"><option value="">All regions</option></select></label>
        <label>Period <select name="days">${Object.entries(PERIODS).map(([d, t]) => `<option value="${d}" ${Number(d) === days ? "selected" : ""}>${t}</option>`).join("")}</select></label>
      </form></div>
    <p class="status-line" id="sl-status" role="status">Loading…</p>
    <figure class="chart" id="sl-chart"></figure>
    <div id="sl-table"></div>`;
  const form = view.querySelector("#sl-form");
  const statusLine = view.querySelector("#sl-status");
  form.addEventListener("change", () => {
    location.hash = `#/service-levels?${new URLSearchParams(Object.fromEntries(new FormData(form)))}`;
  });
  let stats;
  try {
    stats = await api.networkStats({ pageSize: 1 });
  } catch (error) {
    statusLine.textContent = problem(error);
    statusLine.classList.add("error");
    return null;
  }
  const regions = (stats.regions ?? []).filter((r) => r.region);
  form.elements.region.insertAdjacentHTML("beforeend", regions.map((r) => `<option ${r.region === region ? "selected" : ""}>${esc(r.region)}</option>`).join(""));

  const end = new Date(), start = new Date(end.getTime() - days * 86400_000);
  const chosen = region ? regions.filter((r) => r.region === region) : regions;
  const counts = new Map(chosen.map((r) => [r.region, { offers: 0, lapses: 0, declines: 0, breaches: 0, escalations: 0 }]));
  const daily = new Map();
  for (let d = 0; d < days; d++) daily.set(new Date(start.getTime() + (d + 1) * 86400_000).toISOString().slice(0, 10), { offers: 0, lapses: 0, breaches: 0 });
  try {
    const perRegion = await Promise.all(chosen.map((r) => allPages((page) => api.serviceEvents({ ...page, region: r.region, startTime: start.toISOString(), endTime: end.toISOString() }), "events")));
    perRegion.flat().forEach((e) => {
      const c = counts.get(e.region);
      const key = e.action === "ORDER_ACTION_OFFERED" ? "offers" : e.action === "ORDER_ACTION_OFFER_TIMED_OUT" ? "lapses"
        : e.action === "ORDER_ACTION_OFFER_DECLINED" ? "declines" : BREACHES.includes(e.action) ? "breaches" : e.action === "ORDER_ACTION_ESCALATED" ? "escalations" : null;
      if (!key || !c) return;
      c[key]++;
      const day = daily.get(String(e.time).slice(0, 10));
      if (day && key in day) day[key]++;
    });
  } catch (error) {
    statusLine.textContent = `Events not shown: ${problem(error)}`;
    statusLine.classList.add("error");
  }
  statusLine.textContent = `${PERIODS[days]} (UTC days) · ${region || "all regions"} · on-time rate and ratings are all-time figures per region`;
  view.querySelector("#sl-chart").innerHTML = chart([...daily.entries()], days) +
    `<figcaption>${SERIES.map(([, name, colour]) => `<span class="swatch" data-colour="${colour}"></span>${name}`).join(" ")} per day</figcaption>`;
  view.querySelector("#sl-table").innerHTML = html`<table class="grid" id="sl-regions"><thead><tr><th>Region</th><th class="num">Outlets</th><th class="num">Load today</th>
    <th class="num">Offers</th><th class="num">Lapsed</th><th class="num">Declined</th><th class="num">Missed deadlines</th><th class="num">Escalated</th>
    <th>On-time rate</th><th class="num">Rating</th></tr></thead><tbody>
    ${chosen.map((r) => {
      const c = counts.get(r.region);
      return html`<tr data-region="${r.region}"><td><a href="#/service-levels?region=${encodeURIComponent(r.region)}&days=${days}">${r.region}</a></td>
        <td class="num">${number(r.outlets)}</td><td class="num">${percent(r.load)}</td><td class="num">${number(c.offers)}</td>
        <td class="num">${number(c.lapses)}</td><td class="num">${number(c.declines)}</td><td class="num ${c.breaches ? "bad" : ""}">${number(c.breaches)}</td>
        <td class="num">${number(c.escalations)}</td>
        <td>${raw(r.completions ? `<span class="bar" data-value="${(r.onTimeRate ?? 0) * 100}%"></span> ${esc(percent(r.onTimeRate))} of ${esc(number(r.completions))}` : '<span class="muted">no completions</span>')}</td>
        <td class="num">${r.ratings ? `${Number(r.averageRating).toFixed(2)} (${number(r.ratings)})` : "—"}</td></tr>`;
    })}</tbody></table>`;
  paint(view);
  return null;
}

/** Grouped columns per day, drawn as SVG (no chart library). */
function chart(days, count) {
  const width = 900, height = 220, pad = { l: 40, r: 10, t: 10, b: 30 };
  const max = Math.max(1, ...days.flatMap(([, d]) => SERIES.map(([k]) => d[k])));
  const slot = (width - pad.l - pad.r) / days.length;
  const bar = Math.max(2, (slot - 4) / SERIES.length);
  const y = (v) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, Math.round(max / 2), max];
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Offers, lapsed offers and missed deadlines per day">`;
  for (const t of ticks) svg += `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y(t)}" y2="${y(t)}" class="gridline"/><text x="${pad.l - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`;
  days.forEach(([day, d], i) => {
    SERIES.forEach(([key, name, colour], j) => {
      const x = pad.l + i * slot + 2 + j * bar;
      svg += `<rect x="${x.toFixed(1)}" y="${y(d[key]).toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${(y(0) - y(d[key])).toFixed(1)}" fill="${colour}"><title>${day}: ${d[key]} ${name.toLowerCase()}</title></rect>`;
    });
    if (count <= 7 || i % Math.ceil(count / 10) === 0) svg += `<text x="${pad.l + i * slot + slot / 2}" y="${height - 10}" text-anchor="middle">${day.slice(5)}</text>`;
  });
  return `${svg}</svg>`;
}
