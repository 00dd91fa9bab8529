// Live queues. Headquarters: orders no outlet could take, and the service-level events of the last
// 24 hours (escalations, lapsed and declined offers, missed deadlines, new offers) across regions,
// refreshed every few seconds. An outlet: its own job feed as it happens (WatchJobs).
import { allPages, api } from "../api.js";
import { action, ago, browserZone, esc, html, label, problem, raw, status, time } from "../format.js";

const GROUPS = [
  ["escalated", "Escalated", ["ORDER_ACTION_ESCALATED"]],
  ["missed", "Missed deadlines", ["ORDER_ACTION_RESPONSE_DEADLINE_MISSED", "ORDER_ACTION_COMPLETION_DEADLINE_MISSED", "ORDER_ACTION_COMPLAINT_DEADLINE_MISSED"]],
  ["lapsed", "Lapsed and declined offers", ["ORDER_ACTION_OFFER_TIMED_OUT", "ORDER_ACTION_OFFER_DECLINED"]],
  ["offers", "New offers", ["ORDER_ACTION_OFFERED"]],
];
const POLL_MS = 4000;

export async function show(view, _route, { caller }) {
  if (caller.role === "outlet") return outletQueue(view, caller.outletId);
  if (caller.role !== "hq") {
    view.innerHTML = '<h1>Queues</h1><p class="notice">Queues are headquarters\' and outlets\' view; a call-center sign-in opens orders by id on the Orders page.</p>';
    return null;
  }
  view.innerHTML = `
    <div class="page-head"><h1>Queues</h1><p class="status-line" id="queue-status" role="status">Loading…</p></div>
    <section><h2>Unassigned <span class="count" id="count-unassigned"></span></h2><div id="unassigned" class="loading">Loading…</div></section>
    ${GROUPS.map(([key, title]) => `<section><h2>${esc(title)} <span class="muted">(last 24 h)</span> <span class="count" id="count-${key}"></span></h2><div id="q-${key}" class="loading">Loading…</div></section>`).join("")}`;
  const seen = new Set();
  let first = true, regions = null;
  const statusLine = view.querySelector("#queue-status");

  const poll = async () => {
    try {
      regions ??= ["_", ...((await api.networkStats({ pageSize: 1 })).regions ?? []).map((r) => r.region).filter(Boolean)];
      const end = new Date(), start = new Date(end.getTime() - 24 * 3600 * 1000);
      const [unassigned, ...perRegion] = await Promise.all([
        allPages((page) => api.listOrders({ ...page, status: "REPAIR_ORDER_STATUS_UNASSIGNED" }), "orders", 200),
        ...regions.map((region) => allPages((page) => api.serviceEvents({ ...page, region, startTime: start.toISOString(), endTime: end.toISOString() }), "events")),
      ]);
      const events = perRegion.flat().sort((a, b) => String(b.time).localeCompare(String(a.time)));
      fillUnassigned(view.querySelector("#unassigned"), unassigned);
      view.querySelector("#count-unassigned").textContent = unassigned.length;
      for (const [key, , actions] of GROUPS) {
        const rows = events.filter((e) => actions.includes(e.action));
        view.querySelector(`#count-${key}`).textContent = rows.length;
        fillEvents(view.querySelector(`#q-${key}`), rows.slice(0, 100), seen, first);
      }
      for (const e of events) seen.add(`${e.orderId}#${e.orderRevision}`);
      first = false;
      statusLine.textContent = `Updated ${time(new Date(), null, { withDate: false })} · ${regions.length - 1} regions watched · refreshes every ${POLL_MS / 1000} s`;
      statusLine.classList.remove("error");
    } catch (error) {
      statusLine.textContent = `Could not refresh: ${problem(error)}`;
      statusLine.classList.add("error");
    }
  };
  await poll();
  const timer = setInterval(poll, POLL_MS);
  return () => clearInterval(timer);
}

function fillUnassigned(box, orders) {
  box.classList.remove("loading");
  box.innerHTML = orders.length ? html`<table class="grid"><thead><tr><th>Order</th><th>Waiting since <span class="muted">(${browserZone()})</span></th><th>Needs</th><th>Why no outlet</th></tr></thead><tbody>
    ${orders.map((o) => html`<tr data-order="${o.orderId}"><td><a href="#/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a> ${o.escalated ? raw('<span class="chip danger">escalated</span>') : ""}</td>
      <td title="${time(o.createTime)}">${time(o.createTime, null, { withDate: false, withZone: false })} · ${ago(o.createTime)}</td><td>${o.requiredCapability}</td><td>${o.unassignedReason}</td></tr>`)}
  </tbody></table>` : '<p class="muted">None: every order has an outlet.</p>';
}

function fillEvents(box, events, seen, first) {
  box.classList.remove("loading");
  box.innerHTML = events.length ? html`<table class="grid"><thead><tr><th>When <span class="muted">(${browserZone()})</span></th><th>What</th><th>Order</th><th>Outlet</th><th>Region</th><th>Detail</th></tr></thead><tbody>
    ${events.map((e) => html`<tr data-order="${e.orderId}" class="${!first && !seen.has(`${e.orderId}#${e.orderRevision}`) ? "new" : ""}">
      <td title="${time(e.time)}">${time(e.time, null, { withDate: false, withZone: false })} · ${ago(e.time)}</td><td>${action(e.action)}</td>
      <td><a href="#/orders/${encodeURIComponent(e.orderId)}">${e.orderId}</a></td>
      <td>${e.outletId ? raw(html`<a href="#/outlets/${encodeURIComponent(e.outletId)}">${e.outletId}</a>`) : "—"}</td>
      <td>${e.region === "_" ? "none" : e.region}</td><td>${e.detail}</td></tr>`)}
  </tbody></table>` : '<p class="muted">Nothing in the last 24 hours.</p>';
}

/** An outlet's own jobs as they happen, newest first, and the orders waiting for its answer. */
async function outletQueue(view, outletId) {
  view.innerHTML = html`<div class="page-head"><h1>Jobs of ${outletId}</h1><span class="live" data-state="on">live</span></div>
    <section><h2>Offered to you, waiting for an answer</h2><div id="offered" class="loading">Loading…</div></section>
    <section><h2>Job feed</h2><ol class="timeline" id="feed"></ol><p class="muted" id="feed-note">Waiting for events…</p></section>`;
  const abort = new AbortController();
  const offered = async () => {
    const box = view.querySelector("#offered");
    try {
      const { orders = [] } = await api.listOrders({ outletId, status: "REPAIR_ORDER_STATUS_OFFERED", pageSize: 100 });
      box.innerHTML = orders.length ? html`<table class="grid"><thead><tr><th>Order</th><th>Needs</th><th>Answer by</th></tr></thead><tbody>
        ${orders.map((o) => html`<tr data-order="${o.orderId}"><td><a href="#/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a></td><td>${o.requiredCapability}</td><td>${time(o.offerExpireTime)}</td></tr>`)}</tbody></table>`
        : '<p class="muted">Nothing waiting.</p>';
    } catch (error) { box.textContent = problem(error); }
    box.classList.remove("loading");
  };
  await offered();
  const feed = view.querySelector("#feed");
  let last = 0; // resume after the last event shown, so a reconnect does not repeat the feed
  let settle = 0;
  (async () => {
    while (!abort.signal.aborted) {
      try {
        await api.watchJobs(outletId, last, ({ event }) => {
          if (!event) return;
          last = Math.max(last, Number(event.sequence ?? 0));
          view.querySelector("#feed-note").hidden = true;
          feed.insertAdjacentHTML("afterbegin", html`<li data-order="${event.orderId}"><time>${time(event.time)}</time>
            <strong>${label(event.kind, "JOB_EVENT_KIND_")}</strong> <a href="#/orders/${encodeURIComponent(event.orderId)}">${event.orderId}</a> ${event.detail}</li>`);
          // The feed replays what it keeps on connecting: refresh the waiting list once it settles, not per event.
          clearTimeout(settle);
          settle = setTimeout(offered, 500);
        }, abort.signal);
      } catch (error) {
        if (abort.signal.aborted) return;
        view.querySelector("#feed-note").textContent = `Feed interrupted (${problem(error)}); reconnecting…`;
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();
  return () => { abort.abort(); clearTimeout(settle); };
}
