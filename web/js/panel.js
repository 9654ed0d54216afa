// The side panel: an incident (details, sources, disagreements, reports), a source
// document with its evidence sentences and claims highlighted, and the claim list.
// Every server string goes in as text (dom.js).

import { getJSON, idPath } from "./api.js";
import { h, replace } from "./dom.js";
import { typeColor } from "./map.js";

export class Panel {
  constructor(el, { onReveal }) {
    this.onReveal = onReveal;
    this.tabs = {};
    this.bodies = {};
    const bar = h("nav", { class: "tabs", role: "tablist" });
    const stack = h("div", { class: "tab-bodies" });
    for (const [key, label] of [
      ["incident", "Incident"],
      ["document", "Document"],
      ["control", "Control"],
      ["claims", "Claims"],
    ]) {
      this.tabs[key] = h("button", { type: "button", role: "tab", "data-tab": key, onclick: () => this.show(key) }, label);
      this.bodies[key] = h("section", { class: "tab-body", id: `tab-${key}`, role: "tabpanel" });
      bar.append(this.tabs[key]);
      stack.append(this.bodies[key]);
    }
    replace(this.bodies.incident, h("p", { class: "hint" }, "Click an incident on the map."));
    replace(this.bodies.document, h("p", { class: "hint" }, "Open a source of an incident."));
    replace(el, bar, stack);
    this.show("incident");
  }

  show(key) {
    for (const k of Object.keys(this.tabs)) {
      this.tabs[k].setAttribute("aria-selected", String(k === key));
      this.bodies[k].hidden = k !== key;
    }
  }

  body(key) {
    return this.bodies[key];
  }

  async showIncident(id) {
    this.incidentId = id;
    const box = this.bodies.incident;
    replace(box, h("p", { class: "hint" }, "Loading…"));
    this.show("incident");
    let d;
    try {
      d = await getJSON(idPath("/api/incidents/", id));
    } catch (e) {
      replace(box, h("p", { class: "error" }, e.message));
      return;
    }
    if (this.incidentId !== id) return;
    replace(box, ...incidentView(d, this));
  }

  async showDocument(docId, focus = {}) {
    const box = this.bodies.document;
    replace(box, h("p", { class: "hint" }, "Loading…"));
    this.show("document");
    let d;
    try {
      d = await getJSON(idPath("/api/documents/", docId));
    } catch (e) {
      replace(box, h("p", { class: "error" }, e.message));
      return;
    }
    replace(box, ...documentView(d, { incidentId: this.incidentId, ...focus }, this));
    const first = box.querySelector(".doc-text mark.current, .doc-text mark.focus");
    if (first) first.scrollIntoView({ block: "center" });
  }

  showClaims(claims, total) {
    const box = this.bodies.claims;
    if (!claims.length) {
      replace(box, h("p", { class: "hint" }, "No checked claims in the documents of this selection."));
      return;
    }
    const order = { inconsistent: 0, unverifiable: 1, consistent: 2 };
    const sorted = [...claims].sort((a, b) => order[a.verdict] - order[b.verdict]);
    replace(
      box,
      h("p", { class: "hint" }, `${total} claim${total === 1 ? "" : "s"} in the documents of this selection`),
      h("ul", { class: "claims" }, ...sorted.map((c) => claimItem(c, () => this.showDocument(c.doc_id, { claim: c })))),
    );
  }
}

function incidentView(d, panel) {
  const inc = d.incident;
  const title = h("h2", {}, inc.sub_event_type || inc.plover || inc.event_type || "Event");
  const swatch = h("span", { class: "swatch" });
  swatch.style.background = typeColor(inc.event_type);
  const rows = [
    ["Date", [inc.event_date || "undated", inc.time_precision ? ` (precision ${inc.time_precision})` : ""].join("")],
    ["Type", [swatch, inc.event_type || "not an ACLED type", inc.plover ? ` · PLOVER ${inc.plover}` : ""]],
    ["Actors", [inc.actor1, inc.actor2].filter(Boolean).join(" vs ") || "unknown"],
    ["Place", [inc.location, inc.admin2, inc.admin1, inc.country].filter(Boolean).join(", ") || "unknown"],
    ["Fatalities", String(inc.fatalities) + (inc.wounded != null ? ` · ${inc.wounded} wounded` : "")],
    ["Reports", `${inc.reports} from ${inc.sources.length} document${inc.sources.length === 1 ? "" : "s"}`],
    ["Confidence", Number(inc.confidence).toFixed(2)],
  ];
  const dl = h("dl", { class: "facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  const out = [
    title,
    h("button", { type: "button", class: "link", onclick: () => panel.onReveal(inc.incident_id) }, "show on map"),
    dl,
    h("p", { class: "notes" }, inc.notes),
  ];
  if (inc.disagreements.length) {
    out.push(h("h3", {}, "Sources disagree"));
    out.push(
      h(
        "table",
        { class: "disagreements" },
        h("tr", {}, h("th", {}, "field"), h("th", {}, "value"), h("th", {}, "documents")),
        ...inc.disagreements.flatMap((dis) =>
          dis.values.map((v, i) =>
            h(
              "tr",
              {},
              h("td", {}, i === 0 ? dis.field : ""),
              h("td", {}, typeof v.value === "string" ? v.value : JSON.stringify(v.value)),
              h("td", {}, v.doc_ids.join(", ")),
            ),
          ),
        ),
      ),
    );
  }
  out.push(h("h3", {}, "Sources"));
  out.push(
    h(
      "ul",
      { class: "sources" },
      ...d.documents.map((doc) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "link doc-link", "data-doc": doc.doc_id, onclick: () => panel.showDocument(doc.doc_id) },
            doc.title || doc.doc_id,
          ),
          h("div", { class: "meta" }, [doc.source, doc.published].filter(Boolean).join(" · ")),
          doc.inconsistent_claims
            ? h("div", { class: "flag" }, `⚑ ${doc.inconsistent_claims} inconsistent claim${doc.inconsistent_claims === 1 ? "" : "s"}`)
            : null,
        ),
      ),
    ),
  );
  out.push(h("h3", {}, "Reports"));
  out.push(
    h(
      "ol",
      { class: "reports" },
      ...d.members.map(({ record: r, explanation: x }) =>
        h(
          "li",
          {},
          h("div", { class: "meta" }, [r.doc_id, r.event_date, r.location].filter(Boolean).join(" · ")),
          ...r.evidence.map((ev) => h("blockquote", {}, ev.text)),
          h("div", { class: "why" }, joinReason(x)),
        ),
      ),
    ),
  );
  return out;
}

function joinReason(x) {
  if (!x || x.opened) return "opened the incident";
  const total = x.score && x.score.total;
  return `joined with score ${total} (threshold ${x.threshold}; weakest: ${x.weakest || "?"})`;
}

function documentView(d, focus, panel) {
  const spans = [];
  for (const ev of d.evidence) {
    const current = focus.incidentId && ev.incident_id === focus.incidentId;
    spans.push({ start: ev.start, end: ev.end, cls: current ? "evidence current" : "evidence" });
  }
  for (const c of d.claims) {
    const isFocus = focus.claim && focus.claim.start === c.start && focus.claim.end === c.end;
    spans.push({
      start: c.start,
      end: c.end,
      cls: `claim claim-${c.verdict}${isFocus ? " focus" : ""}`,
      title: `${c.verdict}: ${c.explanation}`,
    });
  }
  const text = h("div", { class: "doc-text" }, ...highlight(d.text, spans));
  const meta = [d.source, d.published, d.language].filter(Boolean).join(" · ");
  const out = [];
  if (panel.incidentId) {
    out.push(h("button", { type: "button", class: "link", onclick: () => panel.show("incident") }, "← incident"));
  }
  out.push(h("h2", { class: "doc-title" }, d.title || d.doc_id));
  out.push(h("div", { class: "meta" }, meta));
  out.push(h("div", { class: "meta doc-id" }, d.doc_id));
  if (d.url) {
    // Only http(s) becomes a link (dom.js); anything else stays text.
    out.push(h("div", { class: "meta" }, h("a", { href: d.url, rel: "noopener noreferrer", target: "_blank" }, d.url)));
  }
  out.push(
    h(
      "div",
      { class: "marks-legend" },
      h("mark", { class: "evidence current" }, "evidence of this incident"),
      " ",
      h("mark", { class: "evidence" }, "other evidence"),
      " ",
      h("mark", { class: "claim claim-inconsistent" }, "inconsistent claim"),
    ),
  );
  out.push(text);
  if (d.claims.length) {
    out.push(h("h3", {}, "Claims checked"));
    out.push(h("ul", { class: "claims" }, ...d.claims.map((c) => claimItem(c, null))));
  }
  return out;
}

function claimItem(c, open) {
  return h(
    "li",
    { class: `claim-item claim-${c.verdict}` },
    h("span", { class: `badge ${c.verdict}` }, c.verdict),
    " ",
    h("q", {}, c.text),
    h("div", { class: "why" }, c.explanation),
    open ? h("button", { type: "button", class: "link", onclick: open }, c.doc_id) : null,
  );
}

/**
 * Splits `text` at the spans' UTF-8 byte offsets and wraps covered pieces in <mark>.
 * Spans may overlap; a piece carries the classes of every span covering it.
 */
export function highlight(text, spans) {
  const bytes = new TextEncoder().encode(text);
  const ok = spans.filter((s) => s.start >= 0 && s.end <= bytes.length && s.start < s.end);
  const cuts = [...new Set([0, bytes.length, ...ok.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
  const dec = new TextDecoder();
  const out = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const piece = dec.decode(bytes.subarray(a, b));
    const over = ok.filter((s) => s.start <= a && s.end >= b);
    if (!over.length) {
      out.push(piece);
      continue;
    }
    const cls = [...new Set(over.flatMap((s) => s.cls.split(" ")))].join(" ");
    const title = over.map((s) => s.title).filter(Boolean).join("\n");
    out.push(h("mark", { class: cls, title: title || null }, piece));
  }
  return out;
}
