// One outlet: profile, hours, technicians, stock with low-stock marks, today's jobs. Each section
// loads on its own, so a section the caller's role may not read says so and the rest still shows.
import { api } from "./api.js";
import { esc, html, label, localDate, outletStatus, problem, raw, status, time } from "./format.js";

const DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];

export async function renderOutlet(box, outletId, { signal } = {}) {
  box.innerHTML = `<p class="loading">Loading ${esc(outletId)}…</p>`;
  let outlet;
  try {
    outlet = (await api.getOutlet(outletId)).outlet;
  } catch (error) {
    box.innerHTML = `<div class="error refused" role="alert" data-status="${esc(error.status ?? "")}">${esc(problem(error))}</div>`;
    return null;
  }
  const zone = outlet.openingHours?.timeZone || "Asia/Shanghai";
  const today = localDate(zone);
  box.innerHTML = html`
    <section class="outlet-profile" data-outlet="${outlet.outletId}">
      <h2>${outlet.name} <span class="chip status-${(outlet.status ?? "").toLowerCase()}">${outletStatus(outlet.status)}</span></h2>
      <dl class="facts">
        <dt>Id</dt><dd>${outlet.outletId}</dd>
        <dt>Address</dt><dd>${outlet.address}</dd>
        <dt>Phone</dt><dd>${outlet.phone}</dd>
        <dt>Region</dt><dd>${outlet.region || "—"}</dd>
        <dt>Capacity</dt><dd>${outlet.dailyCapacity} jobs a day</dd>
        <dt>Modes</dt><dd>${modes(outlet.serviceModes)}</dd>
        <dt>Capabilities</dt><dd>${(outlet.capabilities ?? []).join(", ")}</dd>
      </dl>
      <h3>Hours <span class="muted">(${zone}; today is ${today})</span></h3>
      ${raw(hours(outlet))}
    </section>
    <section><h3>Today's jobs <span class="muted">(${today}, ${zone})</span></h3><div data-part="jobs" class="loading">Loading…</div></section>
    <section><h3>Technicians</h3><div data-part="technicians" class="loading">Loading…</div></section>
    <section><h3>Stock</h3><div data-part="stock" class="loading">Loading…</div></section>`;

  const part = (name) => box.querySelector(`[data-part="${name}"]`);
  const fill = async (name, load) => {
    try { part(name).innerHTML = await load(); } catch (error) {
      part(name).innerHTML = `<span class="muted">${esc(problem(error))}</span>`;
    }
    part(name).classList.remove("loading");
  };
  await Promise.all([
    fill("jobs", () => jobs(outlet.outletId, today, zone)),
    fill("technicians", () => technicians(outlet.outletId, today)),
    fill("stock", () => stock(outlet.outletId, zone, signal)),
  ]);
  return outlet;
}

function modes(m = {}) {
  const list = [];
  if (m.carryIn) list.push("carry-in");
  if (m.mailIn) list.push("mail-in");
  if (m.onSite) list.push(`on-site${m.onSite.radiusKm ? ` (${m.onSite.radiusKm} km)` : ""}`);
  return list.join(", ") || "none";
}

function hours(outlet) {
  const periods = outlet.openingHours?.periods ?? [];
  if (!periods.length) return '<p class="muted">No hours published: treated as open around the clock.</p>';
  const rows = DAYS.map((day) => {
    const today = periods.filter((p) => String(p.day).endsWith(day)).map((p) => `${p.opens}–${p.closes}`);
    return html`<tr><th>${label(day)}</th><td>${today.join(", ") || "closed"}</td></tr>`;
  });
  const closures = (outlet.closures ?? []).map((c) => html`<li>Closed ${c.firstDay} – ${c.lastDay}: ${c.reason}</li>`);
  const special = (outlet.specialHours ?? []).map((s) => html`<li>${s.date}: ${(s.periods ?? []).map((p) => `${p.opens}–${p.closes}`).join(", ") || "closed"} (${s.reason})</li>`);
  return `<table class="hours">${rows.join("")}</table>${closures.length || special.length ? `<ul class="plain">${closures.join("")}${special.join("")}</ul>` : ""}`;
}

async function jobs(outletId, today, zone) {
  const { orders = [] } = await api.listOrders({ outletId, pageSize: 200 });
  const todays = orders.filter((o) => o.assignment?.bookedForDate === today);
  if (!todays.length) return '<p class="muted">No jobs booked for today.</p>';
  return html`<table class="grid"><thead><tr><th>Order</th><th>Status</th><th>Capability</th><th>Created</th></tr></thead><tbody>
    ${todays.map((o) => html`<tr><td><a href="#/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a></td><td>${status(o.status)}</td>
      <td>${o.requiredCapability}</td><td>${time(o.createTime, zone, { withZone: false })}</td></tr>`)}
  </tbody></table>`;
}

async function technicians(outletId, today) {
  const { technicians: list = [] } = await api.listTechnicians(outletId);
  if (!list.length) return '<p class="muted">No technicians.</p>';
  return html`<table class="grid"><thead><tr><th>Technician</th><th>On shift</th><th>Certified for</th></tr></thead><tbody>
    ${list.map((t) => {
      const onLeave = (t.leave ?? []).find((l) => l.firstDay <= today && today <= l.lastDay);
      const certs = (t.certifications ?? []).map((c) => c.expiresOn && c.expiresOn < today ? `${c.capability} (expired ${c.expiresOn})` : c.capability);
      return html`<tr><td>${t.displayName} <span class="muted">${t.technicianId}</span></td>
        <td>${onLeave ? `on leave: ${onLeave.reason}` : t.onShift ? "yes" : "no"}</td><td>${certs.join(", ")}</td></tr>`;
    })}
  </tbody></table>`;
}

/** Stock levels, marked low from the outlet's own stock-alert feed (its reorder points). */
async function stock(outletId, zone, signal) {
  const { items = [] } = await api.getInventory(outletId);
  if (!items.length) return '<p class="muted">No stock recorded.</p>';
  const alerts = await latestAlerts(outletId, signal);
  return html`<table class="grid"><thead><tr><th>SKU</th><th class="num">On hand</th><th class="num">Reserved</th><th class="num">Available</th><th>Last change</th></tr></thead><tbody>
    ${items.map((s) => {
      const alert = alerts.get(s.sku);
      const low = (s.available ?? 0) <= 0 || alert?.kind === "STOCK_ALERT_KIND_LOW_STOCK";
      const mark = (s.available ?? 0) <= 0 ? "out of stock" : low ? `low (reorder at ${alert.reorderPoint ?? 0})` : "";
      return html`<tr class="${low ? "low-stock" : ""}"><td>${s.sku}</td><td class="num">${s.onHand ?? 0}</td><td class="num">${s.reserved ?? 0}</td>
        <td class="num">${s.available ?? 0} ${mark ? raw(`<span class="chip warn">${esc(mark)}</span>`) : ""}</td><td>${time(s.updateTime, zone, { withZone: false })}</td></tr>`;
    })}
  </tbody></table>`;
}

/** The latest alert per SKU: the feed replays what it keeps, then waits; stop reading once it goes quiet. */
async function latestAlerts(outletId, signal) {
  const latest = new Map();
  const abort = new AbortController();
  signal?.addEventListener("abort", () => abort.abort());
  let quiet = setTimeout(() => abort.abort(), 700);
  try {
    await api.watchStockAlerts(outletId, ({ alert }) => {
      if (alert) latest.set(alert.sku, alert);
      clearTimeout(quiet);
      quiet = setTimeout(() => abort.abort(), 300);
    }, abort.signal);
  } catch { /* aborted when quiet, or not allowed: levels alone still show */ }
  clearTimeout(quiet);
  return latest;
}
