/* Layouts and pan/zoom for the network viewer (netview.js): places at their coordinates
 * (/map) or by a force layout started from them (/explore), and the view's transform.
 * Plain JS written for this project; nothing fetched from outside.
 */
(function (global) {
  "use strict";

  function hash(text) {
    let x = 2166136261;
    for (let i = 0; i < text.length; i++) {
      x ^= text.charCodeAt(i);
      x = Math.imul(x, 16777619);
    }
    return (x >>> 0) / 4294967295;
  }

  function hueColour(index) {
    const hue = Math.round(((index * 0.381966) % 1) * 360);
    return "hsl(" + hue + ", 62%, 45%)";
  }

  // -- layouts ------------------------------------------------------------------------------
  /* Equirectangular, corrected by cos(mean latitude); y grows southwards (screen). Places
   * without coordinates go beside their parent, else amid their located neighbours. */
  function geoPositions(nodes, links, scale) {
    const pos = new Map();
    const located = nodes.filter((n) => n.lat !== null && n.lon !== null);
    if (!located.length) return pos;
    const lat0 = located.reduce((s, n) => s + n.lat, 0) / located.length;
    const k = Math.cos((lat0 * Math.PI) / 180);
    for (const n of located) pos.set(n.id, { x: n.lon * k * scale, y: -n.lat * scale });
    // Places without coordinates: a labelled band below the map (the rule of kg.placement),
    // never beside a real place where they would hide it or be taken for it.
    const missing = nodes.filter((n) => !pos.has(n.id)).sort((a, b) =>
      (a.type || "").localeCompare(b.type || "") || (a.label_zh || "").localeCompare(b.label_zh || "", "zh"));
    if (missing.length) {
      const xs = [...pos.values()].map((p) => p.x), ys = [...pos.values()].map((p) => p.y);
      const minX = Math.min(...xs), maxX = Math.max(...xs), maxY = Math.max(...ys);
      const width = Math.max(maxX - minX, Math.max(...ys) - Math.min(...ys), scale);
      const top = maxY + 0.12 * width + 0.6 * scale;
      const step = 0.9 * scale, perRow = Math.max(1, Math.floor(width / step) + 1);
      missing.forEach((n, i) => {
        pos.set(n.id, { x: minX + (i % perRow) * step, y: top + Math.floor(i / perRow) * step * 0.5, margin: true });
      });
      pos.margin = { x: minX, y: top - 0.45 * scale, count: missing.length };
    }
    return pos;
  }

  /* Fruchterman–Reingold with cooling, started from the geographic positions when known. */
  function forcePositions(nodes, links, size) {
    const geo = geoPositions(nodes, links, 1);
    const pos = new Map();
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of geo.values()) {
      if (p.margin) continue;
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    }
    const span = Math.max(maxX - minX, maxY - minY, 1e-6);
    for (const n of nodes) {
      const g = geo.get(n.id);
      pos.set(n.id, g && !g.margin
        ? { x: ((g.x - minX) / span) * size, y: ((g.y - minY) / span) * size }
        : { x: hash(n.id) * size, y: hash(n.id + "y") * size });
    }
    const ids = nodes.map((n) => n.id);
    const index = new Map(ids.map((id, i) => [id, i]));
    const xs = ids.map((id) => pos.get(id).x), ys = ids.map((id) => pos.get(id).y);
    const pairs = [];
    const seen = new Set();
    for (const l of links) {
      const a = index.get(l.source), b = index.get(l.target);
      const key = a < b ? a + ":" + b : b + ":" + a;
      if (a === b || seen.has(key)) continue;
      seen.add(key);
      pairs.push([a, b]);
    }
    const n = ids.length;
    const k = Math.sqrt((size * size) / Math.max(n, 1)) * 0.7;
    const cutoff2 = 16 * k * k;
    let t = size / 10;
    const iterations = n > 600 ? 120 : 300;
    const dx = new Float64Array(n), dy = new Float64Array(n);
    for (let it = 0; it < iterations; it++) {
      dx.fill(0); dy.fill(0);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let ex = xs[i] - xs[j], ey = ys[i] - ys[j];
          let d2 = ex * ex + ey * ey;
          if (d2 > cutoff2) continue;  // short-range repulsion: components do not fly apart
          if (d2 < 1e-6) { ex = hash(ids[i]) - 0.5; ey = hash(ids[j]) - 0.5; d2 = ex * ex + ey * ey; }
          const f = (k * k) / d2;
          dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
        }
      }
      for (const [a, b] of pairs) {
        const ex = xs[a] - xs[b], ey = ys[a] - ys[b];
        const d = Math.sqrt(ex * ex + ey * ey) || 1e-3;
        const f = d / k;
        dx[a] -= ex * f; dy[a] -= ey * f; dx[b] += ex * f; dy[b] += ey * f;
      }
      // a pull to the centre keeps separate components together
      for (let i = 0; i < n; i++) {
        dx[i] += (size / 2 - xs[i]) * 0.06;
        dy[i] += (size / 2 - ys[i]) * 0.06;
        const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) || 1e-9;
        const step = Math.min(len, t);
        xs[i] += (dx[i] / len) * step;
        ys[i] += (dy[i] / len) * step;
      }
      t = Math.max(t * 0.975, size / 1000);
    }
    ids.forEach((id, i) => pos.set(id, { x: xs[i], y: ys[i] }));
    return pos;
  }

  function convexHull(points) {
    const pts = points.slice().sort((a, b) => a.x - b.x || a.y - b.y);
    if (pts.length < 3) return pts;
    const cross = (o, a, b) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    const lower = [], upper = [];
    for (const p of pts) {
      while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
      lower.push(p);
    }
    for (let i = pts.length - 1; i >= 0; i--) {
      const p = pts[i];
      while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
      upper.push(p);
    }
    upper.pop(); lower.pop();
    return lower.concat(upper);
  }

  // -- pan and zoom -------------------------------------------------------------------------
  function panZoom(svg, layer, onChange) {
    const state = { x: 0, y: 0, k: 1 };
    // The canvas's place on screen, read once per scroll/resize: reading it on every wheel
    // event forced a style and layout pass per event (most of a zoom frame's time).
    let cached = null;
    const rectOf = () => cached || (cached = svg.getBoundingClientRect());
    const forget = () => { cached = null; };
    window.addEventListener("scroll", forget, { passive: true, capture: true });
    window.addEventListener("resize", forget);
    const apply = () => {
      layer.setAttribute("transform", "translate(" + state.x + "," + state.y + ") scale(" + state.k + ")");
      onChange(state);
    };
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = rectOf();
      const mx = event.clientX - rect.left, my = event.clientY - rect.top;
      const factor = Math.exp(-event.deltaY * 0.0015);
      const k = Math.min(Math.max(state.k * factor, 0.05), 60);
      state.x = mx - ((mx - state.x) * k) / state.k;
      state.y = my - ((my - state.y) * k) / state.k;
      state.k = k;
      apply();
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      if (event.target.closest(".node") || event.target.closest(".edge")) return;
      drag = { x: event.clientX, y: event.clientY, sx: state.x, sy: state.y, moved: false };
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const ddx = event.clientX - drag.x, ddy = event.clientY - drag.y;
      if (Math.abs(ddx) + Math.abs(ddy) > 2) drag.moved = true;
      state.x = drag.sx + ddx;
      state.y = drag.sy + ddy;
      apply();
    });
    svg.addEventListener("pointerup", (event) => {
      if (drag && !drag.moved) svg.dispatchEvent(new CustomEvent("backgroundclick"));
      drag = null;
      if (svg.hasPointerCapture(event.pointerId)) svg.releasePointerCapture(event.pointerId);
    });
    return {
      state,
      fit(box, width, height, pad) {
        const w = Math.max(box.maxX - box.minX, 1e-6), hgt = Math.max(box.maxY - box.minY, 1e-6);
        state.k = Math.min((width - 2 * pad) / w, (height - 2 * pad) / hgt);
        state.x = pad - box.minX * state.k + (width - 2 * pad - w * state.k) / 2;
        state.y = pad - box.minY * state.k + (height - 2 * pad - hgt * state.k) / 2;
        apply();
      },
      centreOn(p, width, height) {
        state.k = Math.max(state.k, 1.5);
        state.x = width / 2 - p.x * state.k;
        state.y = height / 2 - p.y * state.k;
        apply();
      },
      toGraph(clientX, clientY) {
        const rect = rectOf();
        return { x: (clientX - rect.left - state.x) / state.k, y: (clientY - rect.top - state.y) / state.k };
      },
    };
  }

  global.KGLayout = { hash, hueColour, geoPositions, forcePositions, convexHull, panZoom };
})(window);
