// sitrep's map page: wires the filter form, the map, the timeline, the control layer and
// the side panel to the JSON API. No build step; ES modules served by `sitrep serve`.

import { getAll, getJSON, query } from "./js/api.js";
import { ControlLayer } from "./js/control.js";
import { h, replace } from "./js/dom.js";
import { EVENT_TYPES, IncidentMap } from "./js/map.js";
import { Panel } from "./js/panel.js";
import { Timeline } from "./js/timeline.js";

const $ = (id) => document.getElementById(id);

const state = {
  range: null, // {from, to}: the brush
  day: null, // the control layer's day
  meta: null,
};

const form = $("filters");
const status = $("status");

function say(text, isError = false) {
  replace(status, text);
  status.className = isError ? "error" : "";
}

/** The form's filters (without the date range), as API parameters. */
function filterParams() {
  const f = new FormData(form);
  const p = {
    country: f.get("country"),
    type: f.get("type"),
    actor: f.get("actor"),
    q: f.get("q"),
  };
  if (f.get("inview")) p.bbox = map.bbox();
  return p;
}

function rangeParams() {
  return state.range ? { from: state.range.from, to: state.range.to } : {};
}

const panel = new Panel($("panel"), { onReveal: (id) => map.reveal(id) });
const map = new IncidentMap($("map"), {
  onSelect: (id) => {
    map.select(id);
    panel.showIncident(id);
  },
});
const control = new ControlLayer(map.map, panel.body("control"));
map.addOverlay(control.layer, "Control");
const timeline = new Timeline($("timeline"), {
  onRange: (range) => setRange(range),
  onDay: (day) => setDay(day),
});

function setRange(range) {
  state.range = range;
  form.elements.from.value = range ? range.from : "";
  form.elements.to.value = range ? range.to : "";
  timeline.setRange(range);
  loadIncidents();
}

function setDay(day) {
  state.day = day;
  timeline.setDay(day);
  control.render(day);
}

/** Markers, claim flags and exports for the current filter and range. */
async function loadIncidents() {
  const params = { ...filterParams(), ...rangeParams() };
  say("loading…");
  try {
    const [incidents, claims] = await Promise.all([getAll("/api/incidents", params), getAll("/api/claims", params)]);
    const flagged = new Set(claims.items.filter((c) => c.verdict === "inconsistent").map((c) => c.doc_id));
    const drawn = map.showIncidents(incidents.items, flagged);
    panel.showClaims(claims.items, claims.total);
    document.body.dataset.incidents = String(drawn);
    const capped = incidents.items.length < incidents.total ? ` (first ${incidents.items.length})` : "";
    say(`${incidents.total} incident${incidents.total === 1 ? "" : "s"}${capped}, ${drawn} on the map`);
    exports(params);
    return drawn;
  } catch (e) {
    say(e.message, true);
    return 0;
  }
}

/** Timeline and control for the filters (the range is the timeline's own selection). */
async function loadContext() {
  const params = filterParams();
  const { days } = await getJSON("/api/timeline", params);
  timeline.setDays(days, { first: state.meta.first_day, last: state.meta.last_day });
  await control.load({ country: params.country, bbox: params.bbox });
  control.render(state.day);
}

function exports(params) {
  const links = [];
  for (const [what, label] of [
    ["incidents", "incidents"],
    ["events", "events"],
  ]) {
    for (const fmt of ["csv", "geojson"]) {
      links.push(h("a", { href: `/api/${what}${query({ ...params, format: fmt })}`, download: "", class: `export ${what}-${fmt}` }, `${label} ${fmt.toUpperCase()}`));
    }
  }
  replace($("exports"), "Export: ", ...links.flatMap((a, i) => (i ? [" · ", a] : [a])));
}

async function reload() {
  try {
    await loadContext();
  } catch (e) {
    say(e.message, true);
  }
  await loadIncidents();
}

function fillTypes() {
  const select = form.elements.type;
  for (const [t] of EVENT_TYPES) select.append(h("option", { value: t }, t));
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const { from, to } = form.elements;
  state.range = from.value || to.value ? { from: from.value || state.meta.first_day, to: to.value || state.meta.last_day } : null;
  timeline.setRange(state.range);
  reload();
});
form.addEventListener("reset", () => {
  setTimeout(() => {
    state.range = null;
    timeline.setRange(null);
    reload();
  });
});
$("clear-range").addEventListener("click", () => setRange(null));

async function boot() {
  fillTypes();
  try {
    state.meta = await getJSON("/api/meta");
  } catch (e) {
    say(e.message, true);
    return;
  }
  state.day = state.meta.last_day;
  timeline.setDay(state.day);
  const basemap = map.loadBasemap().catch((e) => say(`basemap: ${e.message}`, true));
  await reload();
  map.fit();
  await basemap;
  document.body.dataset.ready = "1";
}

boot();
