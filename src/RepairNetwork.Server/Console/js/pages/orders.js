// Orders: open one by id, or list an outlet's orders (newest first) by status.
import { api } from "../api.js";
import { esc, html, km, mode, problem, raw, status, time } from "../format.js";

const STATUSES = ["OFFERED", "UNASSIGNED", "ACCEPTED", "DIAGNOSED", "QUOTED", "APPROVED", "REPAIRING", "COMPLETED", "COLLECTED", "CLOSED", "CANCELLED", "DECLINED"];

export async function show(view, { params }, { caller }) {
  const outletId = params.outlet ?? (caller.role === "outlet" ? caller.outletId : "");
  view.innerHTML = `
    <h1>Orders</h1>
    <div class="cards">
      <form class="card inline" id="open-form"><label>Order id <input name="id" placeholder="RO-…" required autocomplete="off"></label><button type="submit">Open</button></form>
      <form class="card inline" id="list-form">
        <label>Outlet <input name="outlet" value="${esc(outletId)}" placeholder="CN-SHA-0001" autocomplete="off"></label>
        <label>Status <select name="status"><option value="">Any</option>${STATUSES.map((s) => `<option value="REPAIR_ORDER_STATUS_${s}" ${params.status === `REPAIR_ORDER_STATUS_${s}` ? "selected" : ""}>${esc(status(s))}</option>`).join("")}</select></label>
        <button type="submit">List</button>
      </form>
    </div>
    <div id="order-list"></div>`;
  view.querySelector("#open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/orders/${encodeURIComponent(new FormData(e.target).get("id").trim())}`;
  });
  view.querySelector("#list-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(e.target);
    location.hash = `#/orders?${new URLSearchParams({ outlet: data.get("outlet").trim(), status: data.get("status") })}`;
  });
  const box = view.querySelector("#order-list");
  const wanted = params.status ?? "";
  if (!outletId && wanted !== "REPAIR_ORDER_STATUS_UNASSIGNED") {
    box.innerHTML = '<p class="muted">Name an outlet to list its orders (or choose status Unassigned for orders no outlet could take).</p>';
    return null;
  }
  box.innerHTML = '<p class="loading">Loading…</p>';
  let pageToken = "";
  const rows = [];
  const more = async () => {
    try {
      const page = await api.listOrders({ outletId, status: wanted, pageSize: 50, pageToken });
      rows.push(...(page.orders ?? []));
      pageToken = page.nextPageToken ?? "";
      box.innerHTML = rows.length ? html`<table class="grid"><thead><tr><th>Order</th><th>Status</th><th>Needs</th><th>Customer</th><th class="num">Distance</th><th>Created</th></tr></thead><tbody>
        ${rows.map((o) => html`<tr data-order="${o.orderId}"><td><a href="#/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a></td><td>${status(o.status)}</td>
          <td>${o.requiredCapability}, ${mode(o.serviceMode)}</td><td>${o.customer?.name}</td><td class="num">${o.assignment ? km(o.assignment.distanceKm) : "—"}</td><td>${time(o.createTime)}</td></tr>`)}
        </tbody></table>${pageToken ? raw('<button type="button" id="more">More</button>') : ""}` : '<p class="muted">No orders.</p>';
      box.querySelector("#more")?.addEventListener("click", more);
    } catch (error) {
      box.innerHTML = `<div class="error refused" role="alert" data-status="${esc(error.status ?? "")}">${esc(problem(error))}</div>`;
    }
  };
  await more();
  return null;
}
