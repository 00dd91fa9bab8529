// Sign-in: the Development sign-in (server mints a token for a role), the brand's identity provider
// (OpenID Connect, when the server has Auth:Authority), or a pasted token.
import { beginOidc, developmentSignIn, setToken } from "../auth.js";
import { esc } from "../format.js";

export async function show(view, _route, { config, notice }) {
  const oidc = config.authority && config.clientId;
  view.innerHTML = `
    <h1>Sign in</h1>
    ${notice ? `<p class="notice" role="status">${esc(notice)}</p>` : ""}
    <div class="cards">
      ${config.developmentSignIn ? `
      <form class="card" id="dev-form">
        <h2>Development sign-in</h2>
        <p class="hint">This server runs in the Development environment: it mints a token signed with the development key for the role you pick. Production servers have no such sign-in.</p>
        <label>Role
          <select name="role" id="dev-role">
            <option value="hq">Headquarters (hq)</option>
            <option value="call_center">Call center</option>
            <option value="outlet">Outlet</option>
          </select>
        </label>
        <label id="dev-outlet-label" hidden>Outlet id <input name="outletId" id="dev-outlet" placeholder="CN-SHA-0001" autocomplete="off"></label>
        <button type="submit" id="dev-submit">Sign in</button>
      </form>` : ""}
      ${oidc ? `
      <div class="card">
        <h2>Company sign-in</h2>
        <p class="hint">Signs in at ${esc(config.authority)} and returns here.</p>
        <button type="button" id="oidc">Sign in with your company account</button>
      </div>` : ""}
      <form class="card" id="paste-form">
        <h2>Paste a token</h2>
        <p class="hint">An access token (JWT) for this API, e.g. from <code>rn token</code> or your identity provider.</p>
        <textarea name="token" id="paste-token" rows="4" required spellcheck="false"></textarea>
        <button type="submit">Use this token</button>
      </form>
    </div>
    <p class="error" id="signin-error" role="alert" hidden></p>`;

  const error = view.querySelector("#signin-error");
  const fail = (e) => { error.textContent = e.message ?? String(e); error.hidden = false; };
  // Re-route on the same hash: the page the caller first asked for opens, now signed in.
  const done = () => window.dispatchEvent(new HashChangeEvent("hashchange"));

  const role = view.querySelector("#dev-role");
  role?.addEventListener("change", () => {
    view.querySelector("#dev-outlet-label").hidden = role.value !== "outlet";
  });
  view.querySelector("#dev-form")?.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = new FormData(e.target);
    try { await developmentSignIn(data.get("role"), data.get("outletId")); done(); } catch (x) { fail(x); }
  });
  view.querySelector("#oidc")?.addEventListener("click", () => beginOidc(config).catch(fail));
  view.querySelector("#paste-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(new FormData(e.target).get("token"));
    done();
  });
}
