// One repair order, live: where the customer and outlets are, who was passed over and why, the
// warranty decision, quote, repair record and the audit trail; the actions the caller's role has.
import { api } from "../api.js";
import { CanvasMap, baseMap } from "../map.js";
import { action, esc, html, km, label, mode, money, problem, raw, reasonCode, status, time } from "../format.js";

const STEPS = ["CREATED", "OFFERED", "ACCEPTED", "DIAGNOSED", "QUOTED", "APPROVED", "REPAIRING", "COMPLETED", "COLLECTED", "CLOSED"];
const ENDED = ["REPAIR_ORDER_STATUS_CLOSED", "REPAIR_ORDER_STATUS_CANCELLED", "REPAIR_ORDER_STATUS_DECLINED"];
const CANCELLABLE = ["CREATED", "OFFERED", "UNASSIGNED", "ACCEPTED", "DIAGNOSED", "QUOTED", "APPROVED"].map((s) => `REPAIR_ORDER_STATUS_${s}`);

export async function show(view, { id }, { config, caller }) {
  view.innerHTML = `<p class="crumbs"><a href="#/orders">Orders</a> › ${esc(id)}</p><div id="order-root"><p class="loading">Loading ${esc(id)}…</p></div>`;
  const root = view.querySelector("#order-root");
  const abort = new AbortController();
  let order;
  try {
    order = (await api.getOrder(id)).order;
  } catch (error) {
    root.innerHTML = `<div class="error refused" role="alert" data-status="${esc(error.status ?? "")}">${esc(problem(error))}</div>`;
    return () => abort.abort();
  }

  const zones = new Map();
  const outletZone = async (outletId) => {
    if (!outletId) return null;
    if (!zones.has(outletId)) zones.set(outletId, api.getOutlet(outletId).then((r) => r.outlet).catch(() => null));
    return zones.get(outletId);
  };

  root.innerHTML = `<div id="order-body"></div><div class="two-col"><div id="order-detail"></div><div><div class="map small" id="order-map"></div><div id="order-actions"></div></div></div>`;
  const map = new CanvasMap(root.querySelector("#order-map"), { tileUrl: config.tileUrl });
  baseMap().then((geo) => map.setOutline(geo));

  const draw = async (current) => {
    order = current;
    const assigned = await outletZone(current.assignment?.outletId);
    const zone = assigned?.openingHours?.timeZone || null;
    root.dataset.status = current.status;
    root.dataset.revision = String(current.revision ?? 0);
    root.querySelector("#order-body").innerHTML = header(current, zone);
    root.querySelector("#order-detail").innerHTML = detail(current, zone);
    actions(root.querySelector("#order-actions"), current, caller, async () => draw((await api.getOrder(id)).order));
    await placeOnMap(map, current, assigned, outletZone);
  };
  await draw(order);
  follow(id, () => order.revision ?? 0, draw, root, abort.signal);
  return () => abort.abort();
}

/** The order's stream (WatchRepairOrder); if it fails, poll instead, so the page still follows. */
async function follow(id, revision, draw, root, signal) {
  const live = (text, state) => {
    const badge = root.querySelector(".live");
    if (badge) { badge.textContent = text; badge.dataset.state = state; }
  };
  while (!signal.aborted) {
    try {
      live("live", "on");
      await api.watchOrder(id, revision(), ({ order }) => { if (order) draw(order).then(() => live("live", "on")); }, signal);
    } catch (error) {
      if (signal.aborted) return;
      live("updating every 5 s", "poll");
      try {
        const { order } = await api.getOrder(id);
        if ((order.revision ?? 0) !== revision()) await draw(order);
      } catch { /* keep trying */ }
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}

function header(o, zone) {
  const at = STEPS.indexOf(String(o.status).replace("REPAIR_ORDER_STATUS_", ""));
  const steps = STEPS.map((s, i) => `<li class="${i < at ? "done" : i === at ? "current" : ""}">${esc(label(s))}</li>`).join("");
  return html`
    <div class="page-head">
      <h1>Order ${o.orderId} <span class="chip big" id="order-status">${status(o.status)}</span>
        ${o.escalated ? raw('<span class="chip danger">Escalated to headquarters</span>') : ""}
        <span class="live" data-state="on">live</span></h1>
    </div>
    ${ENDED.includes(o.status) || o.status === "REPAIR_ORDER_STATUS_UNASSIGNED" ? "" : raw(`<ol class="stepper">${steps}</ol>`)}
    ${o.status === "REPAIR_ORDER_STATUS_UNASSIGNED" ? raw(html`<div class="error">No outlet could take it: ${o.unassignedReason}</div>`) : ""}
    ${o.cancelReason ? raw(html`<div class="notice">Cancelled: ${o.cancelReason}</div>`) : ""}
    <p class="muted">Times are in ${zone ?? "your browser's zone"}${zone ? " (the outlet's zone)" : ""}.</p>`;
}

function detail(o, zone) {
  const t = (v) => time(v, zone, { withZone: false });
  const a = o.assignment;
  return html`
    <section><h2>Job</h2><dl class="facts">
      <dt>Customer</dt><dd>${o.customer?.name} · ${o.customer?.phone}${o.customer?.address ? ` · ${o.customer.address}` : ""}</dd>
      <dt>Product</dt><dd>${o.product?.category} ${o.product?.model}, serial ${o.product?.serialNumber}, bought ${o.product?.purchaseDate}</dd>
      <dt>Fault</dt><dd>${o.faultDescription}</dd>
      <dt>Needs</dt><dd>${o.requiredCapability}, ${mode(o.serviceMode)}${(o.requiredParts ?? []).length ? `; parts ${o.requiredParts.map((p) => `${p.quantity}× ${p.sku}`).join(", ")}` : ""}</dd>
      <dt>Outlet</dt><dd>${a ? raw(html`<a href="#/outlets/${encodeURIComponent(a.outletId)}">${a.outletName || a.outletId}</a> (${a.outletId}), ${km(a.distanceKm)} away, booked for ${a.bookedForDate}`) : "none"}</dd>
      ${a?.explanation ? raw(html`<dt>Why there</dt><dd>${a.explanation}</dd>`) : ""}
      <dt>Created</dt><dd>${t(o.createTime)}</dd>
      ${o.offerExpireTime && o.status === "REPAIR_ORDER_STATUS_OFFERED" ? raw(html`<dt>Offer lapses</dt><dd>${t(o.offerExpireTime)}</dd>`) : ""}
      <dt>Accept by</dt><dd>${t(o.responseDueTime)}</dd>
      <dt>Complete by</dt><dd>${t(o.completionDueTime)}</dd>
    </dl></section>
    ${passedOver(o)}
    ${warranty(o)}
    ${quote(o, t)}
    ${record(o, t)}
    <section><h2>Audit trail</h2><ol class="timeline" id="timeline">
      ${(o.auditTrail ?? []).slice().reverse().map((e) => html`<li data-action="${e.action}">
        <time>${t(e.time)}</time> <strong>${action(e.action)}</strong>
        <span class="muted">by ${label(e.actorRole, "ACTOR_ROLE_")} ${e.actorId}</span>
        ${e.fromStatus !== e.toStatus ? raw(html`<span class="transition">${status(e.fromStatus)} → ${status(e.toStatus)}</span>`) : ""}
        ${e.detail ? raw(html`<div>${e.detail}</div>`) : ""}</li>`)}
    </ol></section>`;
}

function passedOver(o) {
  const list = o.passedOver ?? [];
  if (!list.length) return "";
  return html`<section><h2>Passed over (${list.length})</h2><table class="grid" id="passed-over"><thead><tr><th>Outlet</th><th class="num">Distance</th><th>Why not</th></tr></thead><tbody>
    ${list.map((p, i) => html`<tr><td>${i + 1}. <a href="#/outlets/${encodeURIComponent(p.outletId)}">${p.outletId}</a></td><td class="num">${km(p.distanceKm)}</td>
      <td>${raw((p.reasons ?? []).map((r) => html`<div><span class="chip">${reasonCode(r.code)}</span> ${r.message}</div>`).join(""))}</td></tr>`)}
  </tbody></table></section>`;
}

function warranty(o) {
  const w = o.warranty;
  if (!w) return "";
  return html`<section><h2>Warranty</h2><p><span class="chip">${label(w.coverage, "WARRANTY_COVERAGE_")}</span> ${label(w.rule, "WARRANTY_RULE_")} · customer pays: ${label(w.customerPays, "CUSTOMER_CHARGE_").toLowerCase()}</p>
    <p>${w.explanation}</p><p class="muted">Whole unit until ${w.wholeUnitUntil || "—"}, main parts until ${w.mainPartUntil || "—"}; decided on ${w.decidedOn}.</p></section>`;
}

function quote(o, t) {
  const q = o.quote;
  if (!q) return "";
  return html`<section><h2>Quote v${q.version} <span class="chip">${label(q.decision, "QUOTE_DECISION_")}</span></h2>
    <table class="grid"><thead><tr><th>Line</th><th class="num">Qty</th><th class="num">Unit</th><th>Warranty</th></tr></thead><tbody>
    ${(q.lines ?? []).map((l) => html`<tr><td>${l.description}${l.sku ? ` (${l.sku})` : ""}</td><td class="num">${l.quantity}</td><td class="num">${money(l.unitPriceMinor, q.currencyCode)}</td><td>${l.coveredByWarranty ? "covered" : "paid"}</td></tr>`)}
    </tbody></table><p>Total ${money(q.totalMinor, q.currencyCode)}; customer pays <strong>${money(q.customerPaysMinor, q.currencyCode)}</strong>. Quoted ${t(q.quoteTime)}${q.reason ? `: ${q.reason}` : ""}.</p></section>`;
}

function record(o, t) {
  const r = o.repairRecord;
  const parts = [];
  if (o.diagnosis) parts.push(html`<p><strong>Diagnosis:</strong> ${o.diagnosis.notes} ${o.diagnosis.qualityFault ? "(quality fault)" : ""}</p>`);
  if (r) parts.push(html`<p><strong>Repaired</strong> ${t(r.completeTime)} by ${r.technicianId}${r.onTime ? ", on time" : ", late"}: ${r.workDone}. Parts: ${(r.partsReplaced ?? []).map((p) => `${p.quantity}× ${p.sku}`).join(", ") || "none"}.</p>`);
  if (o.feedback) parts.push(html`<p><strong>Rating:</strong> ${"★".repeat(o.feedback.rating)}${"☆".repeat(5 - o.feedback.rating)} ${o.feedback.comment}</p>`);
  for (const c of o.complaints ?? []) parts.push(html`<p><strong>Complaint</strong> ${c.text} — ${c.resolution ? `resolved: ${c.resolution}` : `answer by ${t(c.respondBy)}`}${c.overdue ? " (overdue)" : ""}</p>`);
  return parts.length ? raw(`<section><h2>Repair</h2>${parts.join("")}</section>`) : "";
}

/** Buttons for what the caller's role does to an order; the API still decides (and its refusal is shown). */
function actions(box, o, caller, reload) {
  const buttons = [];
  const ownOffer = caller.role === "outlet" && o.status === "REPAIR_ORDER_STATUS_OFFERED" && o.assignment?.outletId === caller.outletId;
  if (ownOffer || (caller.role === "hq" && o.status === "REPAIR_ORDER_STATUS_OFFERED")) {
    buttons.push('<button type="button" data-do="accept">Accept</button>', '<button type="button" data-do="decline" class="warn">Decline…</button>');
  }
  if ((caller.role === "hq" || caller.role === "call_center") && CANCELLABLE.includes(o.status)) {
    buttons.push('<button type="button" data-do="cancel" class="danger">Cancel order…</button>');
  }
  if (caller.role === "hq" && o.assignment?.outletId) {
    buttons.push(`<a class="button" href="#/outlets/${encodeURIComponent(o.assignment.outletId)}">Pause or open the outlet…</a>`);
  }
  box.innerHTML = buttons.length ? `<div class="card"><h3>Actions</h3><div class="buttons">${buttons.join("")}</div><p class="result" role="status"></p></div>` : "";
  box.querySelector(".buttons")?.addEventListener("click", async (e) => {
    const what = e.target.dataset.do;
    if (!what) return;
    const result = box.querySelector(".result");
    try {
      if (what === "accept") await api.acceptOrder(o.orderId);
      else {
        const reason = prompt(what === "cancel" ? "Why is the order cancelled? (for the audit trail)" : "Why can the outlet not take it?");
        if (!reason) return;
        if (what === "cancel") await api.cancelOrder(o.orderId, reason); else await api.declineOrder(o.orderId, reason);
      }
      await reload();
    } catch (error) {
      result.textContent = problem(error);
    }
  });
}

async function placeOnMap(map, o, assigned, outletOf) {
  const customer = { lat: o.customerLocation?.latitude ?? 0, lon: o.customerLocation?.longitude ?? 0 };
  const markers = [{ ...customer, kind: "customer", label: "C" }];
  if (assigned?.location) markers.push({ lat: assigned.location.latitude, lon: assigned.location.longitude, kind: "chosen", label: "✓" });
  // Passed-over outlets the caller may read (an outlet token reads only its own; the rest stay off the map).
  const others = await Promise.all((o.passedOver ?? []).slice(0, 20).map((p) => outletOf(p.outletId)));
  others.forEach((x, i) => { if (x?.location) markers.push({ lat: x.location.latitude, lon: x.location.longitude, kind: "passed", label: String(i + 1) }); });
  map.setMarkers(markers);
  map.fit(markers, 13);
}
