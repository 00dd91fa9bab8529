// An outlet's own page (bookmarkable): everything the map's panel shows, a map, and status changes.
import { api } from "../api.js";
import { CanvasMap, baseMap } from "../map.js";
import { esc, problem } from "../format.js";
import { renderOutlet } from "../outlet-detail.js";

export async function show(view, { id }, { config, caller }) {
  view.innerHTML = `
    <p class="crumbs"><a href="#/map">Map</a> › Outlet ${esc(id)}</p>
    <div class="two-col">
      <div id="outlet-box"></div>
      <div>
        <div class="map small" id="outlet-map"></div>
        <form class="card" id="status-form" hidden>
          <h3>Change status</h3>
          <label>Reason (for the audit trail) <input name="reason" maxlength="500" placeholder="e.g. stocktake"></label>
          <div class="buttons">
            <button type="submit" name="status" value="OUTLET_STATUS_OPEN">Open</button>
            <button type="submit" name="status" value="OUTLET_STATUS_PAUSED" class="warn">Pause</button>
            <button type="submit" name="status" value="OUTLET_STATUS_CLOSED" class="danger">Close</button>
          </div>
          <p class="result" role="status"></p>
        </form>
      </div>
    </div>`;
  const abort = new AbortController();
  const box = view.querySelector("#outlet-box");
  const outlet = await renderOutlet(box, id, { signal: abort.signal });
  if (!outlet) {
    view.querySelector("#outlet-map").remove();
    return () => abort.abort();
  }
  const map = new CanvasMap(view.querySelector("#outlet-map"), { tileUrl: config.tileUrl });
  baseMap().then((geo) => map.setOutline(geo));
  const point = { lat: outlet.location?.latitude ?? 0, lon: outlet.location?.longitude ?? 0 };
  map.setMarkers([{ ...point, kind: "chosen" }]);
  map.fit([point], 9);

  // Offered to headquarters and to the outlet itself; the API decides what each may actually change.
  if (caller.role === "hq" || caller.outletId === outlet.outletId) {
    const form = view.querySelector("#status-form");
    form.hidden = false;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const result = form.querySelector(".result");
      try {
        await api.setOutletStatus(outlet.outletId, e.submitter.value, form.elements.reason.value);
        result.textContent = "Saved.";
        await renderOutlet(box, id, { signal: abort.signal });
      } catch (error) {
        result.textContent = problem(error);
      }
    });
  }
  return () => abort.abort();
}
