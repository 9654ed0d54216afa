// The map: Natural Earth countries and admin-1 boundaries (embedded TopoJSON, no tiles),
// incidents as circle markers styled by event type and sized by fatalities, clustered.

import { h } from "./dom.js";

/** ACLED's six event types, with the colour each is drawn in. */
export const EVENT_TYPES = [
  ["Battles", "#c0392b"],
  ["Explosions/Remote violence", "#e67e22"],
  ["Violence against civilians", "#8e44ad"],
  ["Protests", "#27ae60"],
  ["Riots", "#8d6e63"],
  ["Strategic developments", "#2471a3"],
];
const OTHER = "#7f8c8d";

export function typeColor(type) {
  const hit = EVENT_TYPES.find(([t]) => t === type);
  return hit ? hit[1] : OTHER;
}

export function typeClass(type) {
  return "type-" + String(type || "other").toLowerCase().replace(/[^a-z]+/g, "-");
}

/** Radius in pixels: area grows with fatalities. */
export function radius(fatalities) {
  return 6 + 2.5 * Math.sqrt(Math.min(fatalities || 0, 400));
}

const ATTRIBUTION =
  "Leaflet (BSD-2-Clause) · Boundaries: Natural Earth (public domain) via world-atlas · " +
  "Places: GeoNames (CC BY 4.0)";

export class IncidentMap {
  constructor(el, { onSelect }) {
    this.onSelect = onSelect;
    this.map = L.map(el, { minZoom: 2, maxZoom: 13, worldCopyJump: false, zoomSnap: 0.5 });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution(ATTRIBUTION);
    this.map.setView([33.5, 42], 6);
    // The basemap sits where tiles would (z-index 200), under every data layer.
    this.map.createPane("basemap").style.zIndex = 200;
    this.basemap = L.canvas({ padding: 0.5, pane: "basemap" });
    this.clusters = L.markerClusterGroup({
      maxClusterRadius: 40,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
    });
    this.clusters.addTo(this.map);
    this.markers = new Map();
    this.layers = L.control.layers(null, { Incidents: this.clusters }, { collapsed: true });
    this.layers.addTo(this.map);
    this.legend();
  }

  /** Countries and admin-1 boundaries from the embedded TopoJSON. */
  async loadBasemap() {
    const [countries, admin1] = await Promise.all([
      fetch("/data/countries-50m.topojson").then((r) => r.json()),
      fetch("/data/admin1.topojson").then((r) => r.json()),
    ]);
    const land = unwrap(topojson.feature(countries, countries.objects.countries));
    L.geoJSON(land, {
      pane: "basemap",
      renderer: this.basemap,
      interactive: false,
      style: { color: "#8a8f94", weight: 0.8, fillColor: "#f3f1ea", fillOpacity: 1 },
    }).addTo(this.map);
    const provinces = unwrap(topojson.mesh(admin1, admin1.objects.admin1, (a, b) => a !== b));
    const adminLayer = L.geoJSON(provinces, {
      pane: "basemap",
      renderer: this.basemap,
      interactive: false,
      style: { color: "#b3b8bd", weight: 0.6, dashArray: "3 3" },
    }).addTo(this.map);
    this.layers.addOverlay(adminLayer, "Admin-1 boundaries");
  }

  addOverlay(layer, name) {
    this.layers.addOverlay(layer, name);
  }

  /** Replaces the markers; `flagged` holds doc ids with inconsistent claims. */
  showIncidents(incidents, flagged) {
    this.clusters.clearLayers();
    this.markers.clear();
    const layers = [];
    for (const inc of incidents) {
      if (inc.latitude == null || inc.longitude == null) continue;
      const flag = inc.sources.some((d) => flagged.has(d));
      const marker = L.circleMarker([inc.latitude, inc.longitude], {
        radius: radius(inc.fatalities),
        color: flag ? "#111" : "#fff",
        weight: flag ? 2.5 : 1.5,
        baseColor: flag ? "#111" : "#fff",
        baseWeight: flag ? 2.5 : 1.5,
        dashArray: flag ? "4 3" : null,
        fillColor: typeColor(inc.event_type),
        fillOpacity: 0.85,
        className: `incident-marker ${typeClass(inc.event_type)}${flag ? " flagged" : ""}`,
      });
      marker.incidentId = inc.incident_id;
      marker.bindTooltip(tooltip(inc, flag), { direction: "top", offset: [0, -6] });
      marker.on("click", () => this.onSelect(inc.incident_id));
      this.markers.set(inc.incident_id, marker);
      layers.push(marker);
    }
    this.clusters.addLayers(layers);
    if (this.selected) this.select(this.selected);
    return layers.length;
  }

  /**
   * Zooms to where most markers are (once, at start): the box between the 10th and 90th
   * percentiles of latitude and longitude, so a few far-off geocodes do not zoom out to
   * the whole world. Clusters outside stay on the map.
   */
  fit() {
    const pts = [...this.markers.values()].map((m) => m.getLatLng());
    if (!pts.length) return;
    const trim = pts.length >= 10 ? 0.1 : 0;
    const at = (values, p) => values[Math.round(p * (values.length - 1))];
    const lats = pts.map((p) => p.lat).sort((a, b) => a - b);
    const lngs = pts.map((p) => p.lng).sort((a, b) => a - b);
    const bounds = L.latLngBounds([at(lats, trim), at(lngs, trim)], [at(lats, 1 - trim), at(lngs, 1 - trim)]);
    this.map.fitBounds(bounds.pad(0.3), { maxZoom: 8, animate: false });
  }

  /** Marks the incident shown in the panel. */
  select(id) {
    const old = this.markers.get(this.selected);
    if (old) old.setStyle({ weight: old.options.baseWeight, color: old.options.baseColor });
    this.selected = id;
    const m = this.markers.get(id);
    if (m) m.setStyle({ weight: 4, color: "#000" });
  }

  /** Shows one incident's marker (opening its cluster). */
  reveal(id) {
    const m = this.markers.get(id);
    if (!m) return;
    this.clusters.zoomToShowLayer(m, () => m.openTooltip());
  }

  /** `w,s,e,n` of the view, clamped to valid degrees. */
  bbox() {
    const b = this.map.getBounds();
    const c = (v, lo, hi) => Math.max(lo, Math.min(hi, v)).toFixed(4);
    return [
      c(b.getWest(), -180, 180),
      c(b.getSouth(), -90, 90),
      c(b.getEast(), -180, 180),
      c(b.getNorth(), -90, 90),
    ].join(",");
  }

  legend() {
    const Legend = L.Control.extend({
      onAdd: () =>
        h(
          "div",
          { class: "legend leaflet-bar" },
          ...EVENT_TYPES.map(([t, c]) => legendRow(c, t)),
          legendRow(OTHER, "Other (PLOVER)"),
          h("div", { class: "legend-note" }, "size: fatalities · dashed outline: a source has an inconsistent claim"),
        ),
    });
    new Legend({ position: "bottomleft" }).addTo(this.map);
  }
}

/**
 * Makes each line's longitudes continuous, so that a shape across the antimeridian (Fiji,
 * Chukotka) is drawn past 180° instead of as a band across the whole map. Rings reaching the
 * pole (Antarctica) close along it and stay as they are.
 */
export function unwrap(geojson) {
  const line = (pts) => {
    if (pts.some((p) => p[1] < -84)) return;
    for (let i = 1; i < pts.length; i++) {
      while (pts[i][0] - pts[i - 1][0] > 180) pts[i][0] -= 360;
      while (pts[i][0] - pts[i - 1][0] < -180) pts[i][0] += 360;
    }
  };
  const geometry = (g) => {
    if (!g) return;
    if (g.type === "LineString") line(g.coordinates);
    else if (g.type === "MultiLineString" || g.type === "Polygon") g.coordinates.forEach(line);
    else if (g.type === "MultiPolygon") g.coordinates.forEach((poly) => poly.forEach(line));
    else if (g.type === "GeometryCollection") g.geometries.forEach(geometry);
  };
  if (geojson.type === "FeatureCollection") geojson.features.forEach((f) => geometry(f.geometry));
  else if (geojson.type === "Feature") geometry(geojson.geometry);
  else geometry(geojson);
  return geojson;
}

function legendRow(color, label) {
  const sw = h("span", { class: "swatch" });
  sw.style.background = color;
  return h("div", { class: "legend-row" }, sw, label);
}

function tooltip(inc, flag) {
  return h(
    "div",
    { class: "tip" },
    h("strong", {}, inc.sub_event_type || inc.plover || "Event"),
    h("div", {}, [inc.location, inc.event_date].filter(Boolean).join(" · ")),
    h("div", {}, `${inc.fatalities} killed · ${inc.reports} report${inc.reports === 1 ? "" : "s"}`),
    flag ? h("div", { class: "flag" }, "⚑ a source makes an inconsistent claim") : null,
  );
}
