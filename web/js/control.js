// The control layer: each place coloured by who held it on the selected day, with the
// history of changes (from /api/control) in its popup and in the panel's Control tab.

import { getAll } from "./api.js";
import { h, replace } from "./dom.js";

const PALETTE = ["#111111", "#2166ac", "#d6604d", "#e08214", "#762a83", "#1b7837", "#8c510a", "#01665e"];
const NONE = "#bdc3c7";

export class ControlLayer {
  constructor(map, body) {
    // Below the incident markers (overlayPane, z-index 400), so that incidents stay clickable.
    map.createPane("control").style.zIndex = 350;
    this.layer = L.layerGroup().addTo(map);
    this.body = body;
    this.places = [];
    this.colors = new Map();
  }

  async load(params) {
    const { items } = await getAll("/api/control", params);
    const byPlace = new Map();
    for (const p of items) {
      const key = p.place.geonameid ?? `${p.place.location}@${p.place.latitude},${p.place.longitude}`;
      if (!byPlace.has(key)) byPlace.set(key, { place: p.place, periods: [] });
      byPlace.get(key).periods.push(p);
    }
    this.places = [...byPlace.values()];
    for (const pl of this.places) pl.periods.sort((a, b) => (a.since || "").localeCompare(b.since || ""));
    const holders = [...new Set(items.map((p) => p.holder))].sort();
    this.colors = new Map(holders.map((name, i) => [name, PALETTE[i % PALETTE.length]]));
  }

  /** Draws the places as held on `day` (null: as last known). */
  render(day) {
    this.layer.clearLayers();
    const rows = [];
    for (const pl of this.places) {
      const held = holderOn(pl.periods, day);
      const color = held ? this.colors.get(held.holder) : NONE;
      // A ring in the holder's colour around the place, visible around incident clusters.
      const marker = L.circleMarker([pl.place.latitude, pl.place.longitude], {
        radius: 26,
        color,
        weight: 4,
        opacity: 0.9,
        fillColor: color,
        fillOpacity: 0.06,
        className: "control-marker",
        pane: "control",
      });
      marker.bindPopup(history(pl, day));
      marker.bindTooltip(h("span", {}, `${pl.place.location}: ${held ? held.holder : "no holder known"}`));
      this.layer.addLayer(marker);
      rows.push(h("tr", {}, h("td", {}, pl.place.location), h("td", {}, swatch(color), held ? held.holder : "—"), h("td", {}, history(pl, day))));
    }
    if (!this.places.length) {
      replace(this.body, h("p", { class: "hint" }, "No control periods in this selection."));
      return;
    }
    replace(
      this.body,
      h("h2", {}, `Control on ${day || "the last known day"}`),
      h("div", { class: "legend-inline" }, ...[...this.colors].map(([name, c]) => h("span", {}, swatch(c), name))),
      h("table", { class: "control" }, h("tr", {}, h("th", {}, "place"), h("th", {}, "held by"), h("th", {}, "changes")), ...rows),
    );
  }
}

/** The period in force on `day`: since <= day < until (open ends allowed). */
export function holderOn(periods, day) {
  if (!day) return periods[periods.length - 1] || null;
  return periods.find((p) => (!p.since || p.since <= day) && (!p.until || p.until > day)) || null;
}

function history(pl, day) {
  return h(
    "div",
    { class: "history" },
    h("strong", {}, [pl.place.location, pl.place.admin1].filter(Boolean).join(", ")),
    h(
      "ol",
      {},
      ...pl.periods.map((p) =>
        h(
          "li",
          { class: holderOn([p], day) ? "now" : null },
          `${p.since || "?"} → ${p.until || "now"}: ${p.holder}`,
          p.previous_holder ? ` (from ${p.previous_holder})` : "",
        ),
      ),
    ),
  );
}

function swatch(color) {
  const s = h("span", { class: "swatch" });
  s.style.background = color;
  return s;
}
