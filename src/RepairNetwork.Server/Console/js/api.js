// The REST (gRPC JSON transcoding) paths of every call the console makes, in one place (docs/rest.md).
// The console decides nothing about who may see what: it sends the caller's token and shows what the
// API answers, refusals included.
import { token, signOut } from "./auth.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status; // HTTP status
    this.code = code; // gRPC status number, when the body said
  }
  get forbidden() { return this.status === 403; }
  get notFound() { return this.status === 404; }
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function headers() {
  const result = { Accept: "application/json" };
  const current = token();
  if (current) result.Authorization = `Bearer ${current}`;
  return result;
}

async function fail(response) {
  let code, message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    code = body.code;
    if (body.message) message = body.message;
  } catch { /* no JSON body (e.g. an unknown path) */ }
  if (response.status === 401) signOut("Your sign-in has expired or was refused; sign in again.");
  throw new ApiError(response.status, code, message);
}

export async function call(method, path, { query, body, signal } = {}) {
  const init = { method, headers: headers(), signal };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url(path, query), init);
  if (!response.ok) await fail(response);
  return response.json();
}

/**
 * A server-streaming RPC: the transcoded response is one JSON object per message, written as each
 * arrives. Objects are split by brace depth (outside strings), whatever separates them.
 */
export async function stream(path, query, onMessage, signal) {
  const response = await fetch(url(path, query), { headers: headers(), signal });
  if (!response.ok) await fail(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", depth = 0, inString = false, escaped = false, start = -1, scanned = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let i = scanned; i < buffer.length; i++) {
      const c = buffer[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") { if (depth++ === 0) start = i; }
      else if (c === "}" && --depth === 0) {
        onMessage(JSON.parse(buffer.slice(start, i + 1)));
        buffer = buffer.slice(i + 1); i = -1; start = -1;
      } else if (c === "[" && depth === 0) { /* a JSON array wrapper, if any: skip */ }
    }
    scanned = buffer.length;
  }
}

const enc = encodeURIComponent;

export const api = {
  listOutlets: (query) => call("GET", "/v1/outlets", { query }),
  getOutlet: (id) => call("GET", `/v1/outlets/${enc(id)}`),
  setOutletStatus: (id, status, reason) => call("POST", `/v1/outlets/${enc(id)}:setStatus`, { body: { status, reason } }),
  listTechnicians: (outletId) => call("GET", "/v1/technicians", { query: { outletId, pageSize: 500 } }),
  getInventory: (outletId) => call("GET", `/v1/outlets/${enc(outletId)}/inventory`),
  watchStockAlerts: (outletId, onMessage, signal) => stream(`/v1/outlets/${enc(outletId)}/stockAlerts:watch`, { afterSequence: 0 }, onMessage, signal),
  getSchedule: (outletId) => call("GET", `/v1/outlets/${enc(outletId)}/schedule`),
  networkStats: (query) => call("GET", "/v1/networkStats", { query }),
  capabilityCatalog: () => call("GET", "/v1/capabilityCatalog"),
  findNearest: (query) => call("GET", "/v1/outlets:findNearest", { query }),
  listOrders: (query) => call("GET", "/v1/repairOrders", { query }),
  getOrder: (id) => call("GET", `/v1/repairOrders/${enc(id)}`),
  acceptOrder: (id) => call("POST", `/v1/repairOrders/${enc(id)}:accept`, { body: {} }),
  declineOrder: (id, reason) => call("POST", `/v1/repairOrders/${enc(id)}:decline`, { body: { reason } }),
  cancelOrder: (id, reason) => call("POST", `/v1/repairOrders/${enc(id)}:cancel`, { body: { reason } }),
  watchOrder: (id, afterRevision, onMessage, signal) => stream(`/v1/repairOrders/${enc(id)}:watch`, { afterRevision }, onMessage, signal),
  watchJobs: (outletId, afterSequence, onMessage, signal) => stream(`/v1/outlets/${enc(outletId)}/jobs:watch`, { afterSequence }, onMessage, signal),
  serviceEvents: (query) => call("GET", "/v1/serviceEvents", { query }),
};

/** Every page of a paged list call, concatenated (field names the list in the response). */
export async function allPages(fetchPage, field, pageSize = 500) {
  const items = [];
  let pageToken = "";
  do {
    const page = await fetchPage({ pageSize, pageToken });
    items.push(...(page[field] ?? []));
    pageToken = page.nextPageToken ?? "";
  } while (pageToken);
  return items;
}
