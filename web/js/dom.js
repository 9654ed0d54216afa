// DOM helpers. Every string from the server becomes a text node: nothing here parses HTML,
// so a hostile title or article cannot add elements, attributes or script.

/** An element with attributes and children (strings become text nodes, null is skipped). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "href") {
      const safe = safeHref(v);
      if (safe) el.setAttribute("href", safe);
    } else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes as they are, anything else as text. */
export function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Same-origin paths and http(s) URLs only: never javascript:, data: or the like. */
export function safeHref(v) {
  const s = String(v);
  if (s.startsWith("/") && !s.startsWith("//")) return s;
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** An SVG element (attributes only; SVG text goes through textContent). */
export function svg(tag, attrs = {}) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** "2014-06-21" for a Date (UTC). */
export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/** A Date (UTC midnight) for "2014-06-21". */
export function parseDay(s) {
  return new Date(s + "T00:00:00Z");
}

export function addDays(s, n) {
  const d = parseDay(s);
  d.setUTCDate(d.getUTCDate() + n);
  return isoDay(d);
}
