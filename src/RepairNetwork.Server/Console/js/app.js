// The console's shell: configuration, sign-in state, and hash routes (#/orders/RO-…), so every page
// can be bookmarked and linked.
import { caller, completeOidc, signOut, token, whenSignedOut } from "./auth.js";
import { esc } from "./format.js";

const pages = {
  signin: () => import("./pages/signin.js"),
  map: () => import("./pages/map.js"),
  outlet: () => import("./pages/outlet.js"),
  queues: () => import("./pages/queues.js"),
  orders: () => import("./pages/orders.js"),
  order: () => import("./pages/order.js"),
  "service-levels": () => import("./pages/service-levels.js"),
  nearest: () => import("./pages/nearest.js"),
};

const view = document.getElementById("view");
let cleanup = null;
let generation = 0;
let config = {};
let notice = "";

function parse(hash) {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (parts[0] === "outlets" && parts[1]) return { page: "outlet", id: parts[1], params };
  if (parts[0] === "orders" && parts[1]) return { page: "order", id: parts[1], params };
  return { page: parts[0] || "", params };
}

function home(who) {
  return who?.role === "outlet" && who.outletId ? `#/outlets/${encodeURIComponent(who.outletId)}` : "#/map";
}

function renderWho(who) {
  // Pages a role has no use for are left out of the menu (the API refuses them anyway).
  for (const item of document.querySelectorAll("#nav [data-not-for]")) item.hidden = item.dataset.notFor === who?.role;
  const box = document.getElementById("who");
  if (!who) { box.innerHTML = ""; return; }
  const role = { hq: "Headquarters", call_center: "Call center", outlet: "Outlet" }[who.role] ?? who.role;
  box.innerHTML = `<div class="role" data-role="${esc(who.role)}">${esc(role)}${who.outletId ? ` · <a href="#/outlets/${esc(encodeURIComponent(who.outletId))}">${esc(who.outletId)}</a>` : ""}</div>
    <div class="subject">${esc(who.subject ?? "")}</div>
    <button type="button" id="sign-out" class="link">Sign out</button>`;
  box.querySelector("#sign-out").addEventListener("click", () => signOut("Signed out."));
}

async function route() {
  if (cleanup) { try { cleanup(); } catch { /* a page's teardown never blocks the next */ } cleanup = null; }
  const who = caller();
  renderWho(who);
  let { page, id, params } = parse(location.hash);
  if (!token() || !who) page = "signin";
  else if (!page || page === "signin") { location.replace(home(who)); return; }
  for (const link of document.querySelectorAll("#nav a")) {
    const active = link.dataset.page === page || (page === "order" && link.dataset.page === "orders");
    link.classList.toggle("active", active);
    if (active) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  document.body.dataset.page = page;
  const load = pages[page];
  if (!load) { view.innerHTML = `<h1>Not found</h1><p>No page “${esc(page)}”. <a href="${home(who)}">Go to the start page</a>.</p>`; return; }
  // Each visit renders into a fresh element: a page still loading when the user moves on finishes
  // into its detached element and can neither overwrite nor break the next page.
  const mine = ++generation;
  const container = document.createElement("div");
  container.className = "page";
  container.innerHTML = '<p class="loading">Loading…</p>';
  view.replaceChildren(container);
  const module = await load();
  if (mine !== generation) return;
  const message = notice; notice = "";
  const context = { config, caller: who, notice: message };
  try {
    const teardown = (await module.show(container, { id, params }, context)) ?? null;
    if (mine === generation) cleanup = teardown; else teardown?.();
  } catch (error) {
    if (mine === generation) container.innerHTML = `<div class="error" role="alert">${esc(error.message ?? error)}</div>`;
  }
  if (mine === generation) view.focus({ preventScroll: true });
}

whenSignedOut((message) => { notice = message ?? ""; location.hash = "#/signin"; route(); });
window.addEventListener("hashchange", route);

async function start() {
  config = await fetch("config.json").then((r) => r.json()).catch(() => ({}));
  try {
    const back = await completeOidc(config);
    if (back) location.hash = back;
  } catch (error) {
    notice = error.message;
  }
  await route();
}
start();
