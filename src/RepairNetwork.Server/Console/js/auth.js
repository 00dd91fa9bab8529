// The caller's token, kept in sessionStorage (gone when the tab closes), and the two ways to get one:
// the Development sign-in (the server mints a token for a chosen role) and, in production, the brand's
// identity provider by OpenID Connect (authorization code + PKCE; the console is a public client).
const KEY = "repairnetwork.token";
const PENDING = "repairnetwork.oidc";

export function token() { return sessionStorage.getItem(KEY); }

export function setToken(value) { sessionStorage.setItem(KEY, value.trim()); }

let onSignOut = () => {};
export function whenSignedOut(handler) { onSignOut = handler; }

export function signOut(message) {
  sessionStorage.removeItem(KEY);
  onSignOut(message);
}

/** What the token says about the caller (for labels and defaults only; the API decides access). */
export function caller() {
  const current = token();
  if (!current) return null;
  try {
    const part = current.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")));
    if (claims.exp && claims.exp * 1000 < Date.now()) return null;
    return { subject: claims.sub, role: claims.role ?? "", outletId: claims.outlet_id ?? null, expires: claims.exp };
  } catch {
    return { subject: "?", role: "", outletId: null };
  }
}

export async function developmentSignIn(role, outletId) {
  const response = await fetch("dev-token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role, outletId: outletId || null }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `sign-in failed (${response.status})`);
  setToken(body.token);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function discovery(authority) {
  const response = await fetch(`${authority.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider's discovery document answered ${response.status}`);
  return response.json();
}

const redirectUri = () => `${location.origin}/console/`;

export async function beginOidc(config) {
  const meta = await discovery(config.authority);
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, tokenEndpoint: meta.token_endpoint, back: location.hash }));
  const query = new URLSearchParams({
    response_type: "code", client_id: config.clientId, redirect_uri: redirectUri(), scope: config.scope,
    state, code_challenge: challenge, code_challenge_method: "S256",
  });
  location.assign(`${meta.authorization_endpoint}?${query}`);
}

/** On the way back from the identity provider: trade the code for a token. Returns the hash to show. */
export async function completeOidc(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has("code") && !params.has("error")) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", location.pathname + (pending?.back ?? ""));
  if (params.has("error")) throw new Error(`the identity provider refused: ${params.get("error_description") ?? params.get("error")}`);
  if (!pending || pending.state !== params.get("state")) throw new Error("sign-in answer does not match the request (state); try again");
  const response = await fetch(pending.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
      client_id: config.clientId, code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) throw new Error(`token exchange failed: ${body.error_description ?? body.error ?? response.status}`);
  setToken(body.access_token);
  return pending.back || "#/";
}
