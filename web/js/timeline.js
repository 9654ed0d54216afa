// The timeline: incidents per day as an SVG histogram. Dragging across it selects a date
// range (the brush) that filters the map; a click sets the day the control layer shows.

import { addDays, h, isoDay, parseDay, replace, svg } from "./dom.js";

const HEIGHT = 86;
const AXIS = 16;
const DAY_MS = 86400000;

export class Timeline {
  constructor(el, { onRange, onDay }) {
    this.el = el;
    this.onRange = onRange;
    this.onDay = onDay;
    this.days = [];
    this.range = null;
    this.day = null;
    this.label = h("div", { class: "timeline-label" });
    this.plot = h("div", { class: "timeline-plot" });
    replace(el, this.plot, this.label);
    new ResizeObserver(() => this.draw()).observe(this.plot);
  }

  /** `days`: [{date, incidents, fatalities}] from /api/timeline. */
  setDays(days, bounds) {
    this.days = days;
    const first = bounds.first || (days[0] && days[0].date);
    const last = bounds.last || (days.length && days[days.length - 1].date);
    this.first = first ? addDays(first, -1) : null;
    this.last = last ? addDays(last, 1) : null;
    this.draw();
  }

  setRange(range) {
    this.range = range;
    this.draw();
  }

  setDay(day) {
    this.day = day;
    this.draw();
  }

  /** Day index → x and back, over [first, last]. */
  scale(width) {
    const t0 = parseDay(this.first).getTime();
    const n = Math.max(1, (parseDay(this.last).getTime() - t0) / DAY_MS + 1);
    const step = width / n;
    return {
      step,
      x: (day) => ((parseDay(day).getTime() - t0) / DAY_MS) * step,
      day: (x) => isoDay(new Date(t0 + Math.floor(Math.max(0, Math.min(x, width - 1)) / step) * DAY_MS)),
    };
  }

  draw() {
    const width = this.plot.clientWidth;
    if (!width || !this.first) {
      replace(this.plot, h("div", { class: "empty" }, "no dated incidents"));
      this.describe();
      return;
    }
    const s = this.scale(width);
    const max = Math.max(1, ...this.days.map((d) => d.incidents));
    const root = svg("svg", { width, height: HEIGHT, class: "timeline-svg", role: "img" });
    if (this.range) {
      const x0 = s.x(this.range.from);
      const x1 = s.x(this.range.to) + s.step;
      root.append(svg("rect", { class: "brush", x: x0, y: 0, width: Math.max(1, x1 - x0), height: HEIGHT - AXIS }));
    }
    for (const d of this.days) {
      const bh = Math.max(2, ((HEIGHT - AXIS - 4) * d.incidents) / max);
      const inRange = !this.range || (d.date >= this.range.from && d.date <= this.range.to);
      const bar = svg("rect", {
        class: inRange ? "bar" : "bar out",
        x: s.x(d.date) + 1,
        y: HEIGHT - AXIS - bh,
        width: Math.max(1, s.step - 2),
        height: bh,
        "data-date": d.date,
      });
      const title = svg("title");
      title.textContent = `${d.date}: ${d.incidents} incident${d.incidents === 1 ? "" : "s"}, ${d.fatalities} killed`;
      bar.append(title);
      root.append(bar);
    }
    if (this.day) {
      const x = s.x(this.day) + s.step / 2;
      root.append(svg("line", { class: "at", x1: x, x2: x, y1: 0, y2: HEIGHT - AXIS }));
    }
    for (const tick of ticks(this.first, this.last, width)) {
      const t = svg("text", { x: s.x(tick) + 2, y: HEIGHT - 3, class: "tick" });
      t.textContent = tick;
      root.append(t);
    }
    this.brush(root, s);
    replace(this.plot, root);
    this.describe();
  }

  /** Drag: a range; click: a day. */
  brush(root, s) {
    let start = null;
    let live = null;
    const xOf = (e) => e.clientX - root.getBoundingClientRect().left;
    root.addEventListener("pointerdown", (e) => {
      start = xOf(e);
      root.setPointerCapture(e.pointerId);
    });
    root.addEventListener("pointermove", (e) => {
      if (start === null) return;
      const x = xOf(e);
      if (!live) {
        live = svg("rect", { class: "brush live", y: 0, height: HEIGHT - AXIS });
        root.append(live);
      }
      live.setAttribute("x", Math.min(start, x));
      live.setAttribute("width", Math.abs(x - start));
    });
    root.addEventListener("pointerup", (e) => {
      if (start === null) return;
      const x = xOf(e);
      const moved = Math.abs(x - start) > 3;
      const [a, b] = [s.day(Math.min(start, x)), s.day(Math.max(start, x))];
      start = null;
      live = null;
      if (moved) this.onRange({ from: a, to: b });
      else this.onDay(a);
    });
  }

  describe() {
    const parts = [];
    parts.push(this.range ? `showing ${this.range.from} – ${this.range.to}` : "showing all dates");
    if (this.day) parts.push(`control on ${this.day}`);
    parts.push("drag to select days · click to set the control date");
    replace(this.label, parts.join(" · "));
  }
}

/** Up to ~8 evenly spaced first-of-month or weekly ticks. */
function ticks(first, last, width) {
  const span = (parseDay(last) - parseDay(first)) / DAY_MS;
  const every = Math.max(1, Math.ceil(span / Math.max(1, Math.floor(width / 90))));
  const out = [];
  for (let d = first; d <= last; d = addDays(d, every)) out.push(d);
  return out;
}
