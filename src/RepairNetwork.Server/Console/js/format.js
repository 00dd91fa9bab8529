// Formatting and small DOM helpers shared by the pages.
import { caller } from "./auth.js";

/** Escapes text for HTML; every value from the API goes through it. */
export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Markup that is already safe: what html`` returns and raw() marks; it becomes its text wherever a string is needed. */
class SafeHtml {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Tagged template: interpolated values are escaped, except markup from html`` itself or raw(). */
export function html(strings, ...values) {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ""), ""));
}
export const raw = (text) => new SafeHtml(String(text));
function render(value) {
  if (Array.isArray(value)) return value.map(render).join("");
  if (value instanceof SafeHtml) return value.text;
  return esc(value);
}

/** "REPAIR_ORDER_STATUS_OFFERED" -> "Offered" (the enum's own words, minus its prefix). */
export function label(value, prefix) {
  if (value === undefined || value === null || value === "") return "";
  let text = String(value);
  if (prefix && text.startsWith(prefix)) text = text.slice(prefix.length);
  text = text.replace(/_/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
export const status = (s) => label(s, "REPAIR_ORDER_STATUS_");
export const action = (a) => label(a, "ORDER_ACTION_");
export const outletStatus = (s) => label(s, "OUTLET_STATUS_") || "Open";
export const reasonCode = (c) => label(c, "UNAVAILABILITY_CODE_");
export const mode = (m) => label(m, "SERVICE_MODE_");

const formats = new Map();
function formatter(zone, withDate) {
  const key = `${zone}|${withDate}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false,
      ...(withDate ? { year: "numeric", month: "short", day: "2-digit" } : {}),
    }));
  }
  return formats.get(key);
}

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A timestamp in a named zone, with the zone said: "18 Nov 2026, 12:05 (Asia/Shanghai)". */
export function time(value, zone, { withDate = true, withZone = true } = {}) {
  if (!value) return "";
  const when = new Date(value);
  if (Number.isNaN(when.getTime())) return "";
  const z = zone || browserZone();
  try {
    return formatter(z, withDate).format(when) + (withZone ? ` (${z})` : "");
  } catch {
    return when.toISOString();
  }
}

/** The local date "YYYY-MM-DD" in a zone (an outlet's "today"). */
export function localDate(zone, at = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone || browserZone() }).format(at);
}

export function ago(value) {
  const seconds = Math.round((Date.now() - new Date(value).getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function money(minor, currency = "CNY") {
  const units = Number(minor ?? 0) / 100;
  return `${units.toFixed(2)} ${currency || "CNY"}`;
}

export const km = (value) => `${Number(value ?? 0).toFixed(1)} km`;
export const percent = (value) => `${Math.round(Number(value ?? 0) * 100)}%`;
export const number = (value) => Number(value ?? 0).toLocaleString("en-US");

/** Load today, 0-1+, to the map's colour scale (also the legend). */
export function loadColour(load, outletState) {
  if (outletState === "OUTLET_STATUS_CLOSED") return "#4b5563";
  if (outletState === "OUTLET_STATUS_PAUSED") return "#9ca3af";
  if (load === undefined || load === null) return "#2563eb";
  if (load >= 1) return "#991b1b";
  if (load >= 0.8) return "#dc2626";
  if (load >= 0.5) return "#f59e0b";
  return "#16a34a";
}

export const LOAD_LEGEND = [
  ["#16a34a", "under 50% booked"], ["#f59e0b", "50–80%"], ["#dc2626", "80–99%"], ["#991b1b", "full"],
  ["#9ca3af", "paused"], ["#4b5563", "closed"], ["#2563eb", "load not known yet"],
];

/** A plain sentence for an API error, with "not your outlet" for an outlet token's refusal. */
export function problem(error) {
  if (error?.forbidden) {
    return caller()?.role === "outlet"
      ? "Not your outlet: this outlet sign-in may not see it (the API refused, 403)."
      : "Your role may not see or do this (the API refused, 403).";
  }
  if (error?.notFound) return `Not found: ${error.message}`;
  if (error?.name === "AbortError") return "";
  return error?.message ?? String(error);
}

/**
 * The Content-Security-Policy allows no inline style attributes, so colours and bar lengths travel as
 * data-colour / data-value and are set here through the CSSOM (which the policy allows).
 */
export function paint(root) {
  for (const el of root.querySelectorAll("[data-colour]")) el.style.setProperty("--c", el.dataset.colour);
  for (const el of root.querySelectorAll("[data-value]")) el.style.setProperty("--v", el.dataset.value);
  return root;
}
