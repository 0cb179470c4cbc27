/* Network viewer shared by /explore (force layout) and /map (coordinates).
 *
 * Plain JS and SVG, written for this project: no library, no CDN, nothing fetched from outside.
 * Input is the d3 node-link export (/api/export?format=d3), either fetched (config.dataUrl) or
 * embedded (config.data, for the self-contained HTML export).
 */
(function (global) {
  "use strict";

  const SVGNS = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs, parent) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function h(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v;
      else if (k === "css") Object.entries(v).forEach(([name, value]) => node.style.setProperty(name, value));  // CSSOM: allowed by the CSP
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

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
    const neighbours = new Map(nodes.map((n) => [n.id, []]));
    for (const l of links) {
      neighbours.get(l.source).push(l.target);
      neighbours.get(l.target).push(l.source);
    }
    const fixed = new Map(pos);  // anchors are located places only, never placed ones
    for (const n of nodes) {
      if (pos.has(n.id)) continue;
      let anchors = n.parent && fixed.has(n.parent) ? [fixed.get(n.parent)] : [];
      if (!anchors.length) anchors = neighbours.get(n.id).filter((m) => fixed.has(m)).map((m) => fixed.get(m));
      if (!anchors.length) continue;
      const ax = anchors.reduce((s, p) => s + p.x, 0) / anchors.length;
      const ay = anchors.reduce((s, p) => s + p.y, 0) / anchors.length;
      pos.set(n.id, { x: ax + (hash(n.id) - 0.5) * 0.3 * scale, y: ay + (hash(n.id + "y") - 0.5) * 0.3 * scale });
    }
    return pos;
  }

  /* Fruchterman–Reingold with cooling, started from the geographic positions when known. */
  function forcePositions(nodes, links, size) {
    const geo = geoPositions(nodes, links, 1);
    const pos = new Map();
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of geo.values()) {
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    }
    const span = Math.max(maxX - minX, maxY - minY, 1e-6);
    for (const n of nodes) {
      const g = geo.get(n.id);
      pos.set(n.id, g
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
    const apply = () => {
      layer.setAttribute("transform", "translate(" + state.x + "," + state.y + ") scale(" + state.k + ")");
      onChange(state);
    };
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
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
        const rect = svg.getBoundingClientRect();
        return { x: (clientX - rect.left - state.x) / state.k, y: (clientY - rect.top - state.y) / state.k };
      },
    };
  }

  // -- the viewer ---------------------------------------------------------------------------
  function start(container, config) {
    const mode = config.mode === "geo" ? "geo" : "force";
    const status = h("span", { class: "nv-status", role: "status", text: "loading…" });
    const search = h("input", { type: "search", name: "q", placeholder: "搜索地名 search a place", "aria-label": "search" });
    const searchForm = h("form", { class: "nv-search" }, [search, h("button", { type: "submit", text: "Find" })]);
    const colourBy = h("select", { "aria-label": "colour by", name: "colour" }, [
      h("option", { value: "province", text: "colour: province 省份" }),
      h("option", { value: "community", text: "colour: community 社区" }),
    ]);
    const domainSelect = h("select", { "aria-label": "domain", name: "domain" }, [h("option", { value: "", text: "all domains 全部领域" })]);
    const since = h("input", { type: "number", name: "since", placeholder: "since", min: "1949", max: "2100", "aria-label": "since year" });
    const until = h("input", { type: "number", name: "until", placeholder: "until", min: "1949", max: "2100", "aria-label": "until year" });
    const reset = h("button", { type: "button", text: "Reset", class: "nv-reset" });
    const toolbar = h("div", { class: "nv-toolbar" }, [searchForm, colourBy, domainSelect, h("label", {}, ["period ", since, " – ", until]), reset, status]);
    const kindBox = h("div", { class: "nv-kinds" });
    const colourLegend = h("div", { class: "nv-colours" });
    const details = h("div", { class: "nv-details", "aria-live": "polite" }, [h("p", { class: "nv-hint", text: "Click a place or a relation to see its facts and sources. Drag to pan, wheel to zoom, drag a place to move it." })]);
    const side = h("aside", { class: "nv-side" }, [h("h3", { text: "详情 Details" }), details, h("h3", { text: "关系类型 Relation kinds" }), kindBox, h("h3", { text: "颜色 Colours" }), colourLegend]);
    const svg = svgEl("svg", { class: "nv-canvas nv-" + mode, role: "img", "aria-label": "co-operation network" });
    const stage = h("div", { class: "nv-stage" }, [svg]);
    container.replaceChildren(toolbar, h("div", { class: "nv-body" }, [stage, side]));

    const layer = svgEl("g", { class: "nv-layer" }, svg);
    const backLayer = svgEl("g", { class: "nv-back" }, layer);
    const edgeLayer = svgEl("g", { class: "nv-edges" }, layer);
    const nodeLayer = svgEl("g", { class: "nv-nodes" }, layer);
    const defs = svgEl("defs", {}, svg);

    const view = panZoom(svg, layer, (s) => {
      svg.classList.toggle("zoomed", s.k > 2.2);
      layer.style.setProperty("--k", s.k);
      // keep strokes and labels a constant size on screen
      svg.style.setProperty("--inv", String(1 / s.k));
    });

    const load = config.data
      ? Promise.resolve(config.data)
      : fetch(config.dataUrl, { headers: { Accept: "application/json" } }).then((r) => {
          if (!r.ok) return r.json().then((e) => { throw new Error(e.error || r.statusText); });
          return r.json();
        });

    load.then((data) => draw(data)).catch((err) => {
      status.textContent = "error: " + err.message;
      status.classList.add("error");
    });

    function draw(data) {
      const nodes = data.nodes, links = data.links;
      const kindColours = (data.graph && data.graph.kind_colours) || {};
      const kindLabels = (data.graph && data.graph.kind_labels) || {};
      const byId = new Map(nodes.map((n) => [n.id, n]));
      const scale = 100;
      const pos = mode === "geo" ? geoPositions(nodes, links, scale) : forcePositions(nodes, links, 1000);
      const drawn = nodes.filter((n) => pos.has(n.id));
      const unit = mode === "geo" ? scale / 100 : 1;  // sizes in graph units before zoom

      // province and community colours
      const provinces = [...new Set(nodes.map((n) => n.province || ""))].sort((a, b) => {
        const la = (byId.get(a) || {}).label_zh || a, lb = (byId.get(b) || {}).label_zh || b;
        return la.localeCompare(lb, "zh");
      });
      const provinceIndex = new Map(provinces.map((p, i) => [p, i]));
      const provinceName = new Map();
      for (const n of nodes) provinceName.set(n.province || "", n.province_label || "—");

      // kinds and domains present
      const kinds = [...new Set(links.map((l) => l.kind))].sort();
      const enabled = new Set(kinds);
      const domains = new Map();
      for (const l of links) for (const d of l.domains) domains.set(d.id, d);
      for (const d of [...domains.values()].sort((a, b) => (a.label_zh || "").localeCompare(b.label_zh || "", "zh"))) {
        domainSelect.appendChild(h("option", { value: d.id, text: (d.label_zh || "") + (d.label_en ? " · " + d.label_en : "") }));
      }
      for (const kind of kinds) {
        const box = h("input", { type: "checkbox", checked: "checked", value: kind, "data-kind": kind });
        box.addEventListener("change", () => { box.checked ? enabled.add(kind) : enabled.delete(kind); applyFilters(); });
        kindBox.appendChild(h("label", { class: "nv-kind" }, [box, h("span", { class: "nv-swatch", css: { background: (kindColours[kind] || "#999") } }), kindLabels[kind] || kind]));
      }

      // background: graticule and province outlines (map mode)
      if (mode === "geo" && drawn.length) drawBackground(drawn, pos, provinceIndex, provinceName);

      // edges
      const degree = new Map(nodes.map((n) => [n.id, 0]));
      for (const l of links) { degree.set(l.source, degree.get(l.source) + 1); degree.set(l.target, degree.get(l.target) + 1); }
      const radius = (id) => (4 + Math.min(degree.get(id), 12) * 0.55) * unit;
      for (const kind of kinds) {
        const marker = svgEl("marker", { id: "nv-arrow-" + kind, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "5", markerHeight: "5", orient: "auto-start-reverse" }, defs);
        svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: kindColours[kind] || "#999" }, marker);
      }
      const pairCount = new Map();
      const edgeEls = [];
      for (const l of links) {
        if (!pos.has(l.source) || !pos.has(l.target)) continue;
        const pair = l.source < l.target ? l.source + " " + l.target : l.target + " " + l.source;
        const i = pairCount.get(pair) || 0;
        pairCount.set(pair, i + 1);
        l._bend = (i === 0 ? 0 : Math.ceil(i / 2) * (i % 2 ? 1 : -1)) * 12 * unit;
        if (l.source > l.target) l._bend = -l._bend;
        const g = svgEl("g", { class: "edge", "data-id": l.id, "data-kind": l.kind }, edgeLayer);
        const hit = svgEl("path", { class: "edge-hit" }, g);
        const line = svgEl("path", {
          class: "edge-line",
          stroke: kindColours[l.kind] || "#999",
          "marker-end": l.role === "mutual" ? null : "url(#nv-arrow-" + l.kind + ")",
        }, g);
        const title = svgEl("title", {}, g);
        title.textContent = label(l.source) + (l.role === "mutual" ? " ↔ " : " → ") + label(l.target) + ": " + (l.label_zh || l.kind) + (l.period ? " (" + l.period + ")" : "");
        g.addEventListener("click", (event) => { event.stopPropagation(); selectEdge(l); });
        edgeEls.push({ link: l, g, hit, line });
      }

      // nodes
      const nodeEls = new Map();
      for (const n of drawn) {
        const g = svgEl("g", { class: "node" + (degree.get(n.id) >= 3 ? " major" : ""), "data-id": n.id, tabindex: "0" }, nodeLayer);
        svgEl("circle", { r: radius(n.id) }, g);
        const text = svgEl("text", { x: radius(n.id) + 2 * unit, y: 4 * unit, class: "lbl" }, g);
        text.textContent = n.label_zh;
        const title = svgEl("title", {}, g);
        title.textContent = n.label_zh + (n.label_en ? " · " + n.label_en : "") + " (" + (n.type || "place") + ")";
        nodeEls.set(n.id, g);
        makeDraggable(g, n);
        g.addEventListener("keydown", (event) => { if (event.key === "Enter") selectNode(n); });
      }
      svg.style.setProperty("--unit", String(unit));

      function label(id) { return (byId.get(id) || {}).label_zh || id; }

      function place(n) {
        const p = pos.get(n.id);
        nodeEls.get(n.id).setAttribute("transform", "translate(" + p.x + "," + p.y + ")");
      }

      function edgePath(l) {
        const a = pos.get(l.source), b = pos.get(l.target);
        const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
        const len = Math.hypot(b.x - a.x, b.y - a.y) || 1e-6;
        const cx = mx - ((b.y - a.y) / len) * l._bend, cy = my + ((b.x - a.x) / len) * l._bend;
        // stop at the target's rim so the arrowhead shows
        const tx = b.x - cx, ty = b.y - cy, tl = Math.hypot(tx, ty) || 1e-6;
        const r = radius(l.target) + 1 * unit;
        const ex = b.x - (tx / tl) * r, ey = b.y - (ty / tl) * r;
        return "M" + a.x.toFixed(2) + "," + a.y.toFixed(2) + " Q" + cx.toFixed(2) + "," + cy.toFixed(2) + " " + ex.toFixed(2) + "," + ey.toFixed(2);
      }

      function updateEdges(onlyFor) {
        for (const e of edgeEls) {
          if (onlyFor && e.link.source !== onlyFor && e.link.target !== onlyFor) continue;
          const d = edgePath(e.link);
          e.line.setAttribute("d", d);
          e.hit.setAttribute("d", d);
        }
      }

      drawn.forEach(place);
      updateEdges();

      function makeDraggable(g, n) {
        let start = null;
        g.addEventListener("pointerdown", (event) => {
          event.stopPropagation();
          start = { x: event.clientX, y: event.clientY, moved: false };
          g.setPointerCapture(event.pointerId);
        });
        g.addEventListener("pointermove", (event) => {
          if (!start) return;
          if (Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y) > 3) start.moved = true;
          if (!start.moved) return;
          pos.set(n.id, view.toGraph(event.clientX, event.clientY));
          place(n);
          updateEdges(n.id);
        });
        g.addEventListener("pointerup", (event) => {
          if (start && !start.moved) selectNode(n);
          start = null;
          if (g.hasPointerCapture(event.pointerId)) g.releasePointerCapture(event.pointerId);
        });
      }

      // colours
      function colourNodes() {
        const by = colourBy.value;
        colourLegend.replaceChildren();
        const used = new Map();
        for (const n of drawn) {
          let colour, key, name;
          if (by === "community") {
            key = n.community || 0; colour = hueColour(key + 3); name = "community " + (key + 1);
          } else {
            key = n.province || ""; colour = hueColour(provinceIndex.get(key)); name = provinceName.get(key);
          }
          nodeEls.get(n.id).querySelector("circle").setAttribute("fill", colour);
          if (!used.has(key)) used.set(key, { colour, name, count: 0 });
          used.get(key).count++;
        }
        const entries = [...used.values()].sort((a, b) => b.count - a.count);
        for (const e of entries.slice(0, 16)) {
          colourLegend.appendChild(h("div", { class: "nv-colour" }, [h("span", { class: "nv-dot", css: { background: e.colour } }), e.name + " (" + e.count + ")"]));
        }
        if (entries.length > 16) colourLegend.appendChild(h("div", { class: "nv-colour", text: "… " + (entries.length - 16) + " more" }));
      }
      colourBy.addEventListener("change", colourNodes);
      colourNodes();

      // filters
      function passes(l) {
        if (!enabled.has(l.kind)) return false;
        if (domainSelect.value && !l.domains.some((d) => d.id === domainSelect.value)) return false;
        const s = since.value === "" ? null : Number(since.value), u = until.value === "" ? null : Number(until.value);
        if (s !== null || u !== null) {
          if (l.start === null || l.start === undefined) return false;
          if (u !== null && l.start > u) return false;
          if (s !== null && l.end !== null && l.end !== undefined && l.end < s) return false;
        }
        return true;
      }
      function applyFilters() {
        const active = enabled.size !== kinds.length || domainSelect.value || since.value !== "" || until.value !== "";
        const visible = new Set();
        let shownEdges = 0;
        for (const e of edgeEls) {
          const ok = passes(e.link);
          e.g.style.display = ok ? "" : "none";
          if (ok) { visible.add(e.link.source); visible.add(e.link.target); shownEdges++; }
        }
        let shownNodes = 0;
        for (const [id, g] of nodeEls) {
          const ok = !active || visible.has(id);
          g.style.display = ok ? "" : "none";
          if (ok) shownNodes++;
        }
        status.textContent = shownNodes + " places, " + shownEdges + " relations" + (drawn.length < nodes.length ? " (" + (nodes.length - drawn.length) + " without coordinates not drawn)" : "");
        container.dataset.drawnNodes = String(shownNodes);
        container.dataset.drawnEdges = String(shownEdges);
      }
      [domainSelect, since, until].forEach((c) => c.addEventListener("change", applyFilters));
      since.addEventListener("input", applyFilters);
      until.addEventListener("input", applyFilters);
      reset.addEventListener("click", () => {
        domainSelect.value = ""; since.value = ""; until.value = ""; search.value = "";
        kinds.forEach((k) => enabled.add(k));
        kindBox.querySelectorAll("input").forEach((b) => { b.checked = true; });
        clearHighlight();
        applyFilters();
        fit();
      });

      // selection and details
      function clearSelection() {
        svg.querySelectorAll(".selected").forEach((x) => x.classList.remove("selected"));
      }
      function clearHighlight() {
        svg.classList.remove("searching");
        svg.querySelectorAll(".hit").forEach((x) => x.classList.remove("hit"));
        clearSelection();
      }
      svg.addEventListener("backgroundclick", () => { clearHighlight(); });

      function placeLink(n) {
        if (!config.placeUrl) return null;
        const name = n.id.includes("/id/") ? "id/" + n.id.split("/id/").pop() : n.label_zh;
        const href = config.placeUrl.replace("__NAME__", name.split("/").map(encodeURIComponent).join("/"));
        return h("a", { href, class: "nv-api", text: "facts as JSON: " + decodeURI(href) });
      }

      function sourcesList(l) {
        if (!l.sources.length) return h("p", { class: "nv-nosrc", text: "no source recorded" });
        return h("ul", { class: "nv-sources" }, l.sources.map((s) => h("li", {}, [
          h("cite", { text: s.title || s.id }),
          s.quote ? h("blockquote", { class: "quote", text: s.quote }) : null,
        ])));
      }

      function relationItem(l, from) {
        const other = l.source === from ? l.target : l.source;
        const arrow = l.role === "mutual" ? "↔" : l.source === from ? "→" : "←";
        const partner = h("a", { href: "#", class: "nv-partner", text: label(other), onclick: (ev) => { ev.preventDefault(); const m = byId.get(other); if (m && pos.has(m.id)) selectNode(m, true); } });
        const open = h("a", { href: "#", text: l.label_zh || l.kind, onclick: (ev) => { ev.preventDefault(); selectEdge(l); } });
        return h("li", { class: "nv-rel" }, [
          h("span", { class: "nv-badge", css: { background: (kindColours[l.kind] || "#999") }, text: l.kind }),
          " " + arrow + " ", partner, " · ", open,
          l.period ? h("span", { class: "nv-period", text: " " + l.period }) : null,
          l.domains.length ? h("div", { class: "nv-domains", text: "领域 " + l.domains.map((d) => d.label_zh || d.label_en).join("、") }) : null,
          sourcesList(l),
        ]);
      }

      function selectNode(n, centre) {
        clearSelection();
        const g = nodeEls.get(n.id);
        if (g) g.classList.add("selected");
        const other = (l) => label(l.source === n.id ? l.target : l.source);
        const rels = links
          .filter((l) => (l.source === n.id || l.target === n.id) && passes(l))
          .sort((a, b) => a.kind.localeCompare(b.kind) || other(a).localeCompare(other(b), "zh"));
        details.replaceChildren(
          h("h4", { class: "nv-title", text: n.label_zh + (n.label_en ? " · " + n.label_en : "") }),
          h("dl", {}, [
            h("dt", { text: "type" }), h("dd", { text: n.type || "—" }),
            h("dt", { text: "province" }), h("dd", { text: n.province_label || "—" }),
            h("dt", { text: "coordinates" }), h("dd", { text: n.lat !== null ? n.lat.toFixed(3) + "°N, " + n.lon.toFixed(3) + "°E" : "—" }),
            h("dt", { text: "IRI" }), h("dd", { class: "nv-iri", text: n.id }),
          ]),
          placeLink(n),
          h("h5", { text: rels.length + " relation" + (rels.length === 1 ? "" : "s") }),
          h("ul", { class: "nv-rels" }, rels.map((l) => relationItem(l, n.id))),
        );
        if (centre && pos.has(n.id)) view.centreOn(pos.get(n.id), svg.clientWidth, svg.clientHeight);
      }

      function selectEdge(l) {
        clearSelection();
        const e = edgeEls.find((x) => x.link === l);
        if (e) e.g.classList.add("selected");
        const field = (name, value) => [h("dt", { text: name }), h("dd", { text: value === null || value === undefined || value === "" ? "—" : String(value) })];
        details.replaceChildren(
          h("h4", { class: "nv-title", text: l.label_zh || l.kind }),
          h("p", {}, [
            h("span", { class: "nv-badge", css: { background: (kindColours[l.kind] || "#999") }, text: l.kind }),
            " " + label(l.source) + (l.role === "mutual" ? " ↔ " : " → ") + label(l.target),
          ]),
          h("dl", {}, [
            ...field("role", l.role), ...field("via", l.via && l.via.label_zh), ...field("level", l.level),
            ...field("scheme", l.scheme), ...field("period", l.period),
            ...field("domains", l.domains.map((d) => d.label_zh || d.label_en).join("、")),
            ...field("relation", l.relation),
          ]),
          h("h5", { text: "来源 Sources" }),
          sourcesList(l),
        );
      }

      // search: the resolver when the server has one, else the labels here
      function localMatches(q) {
        const needle = q.trim().toLowerCase();
        if (!needle) return [];
        const exact = drawn.filter((n) => [n.label_zh, n.label_en].some((x) => x && x.toLowerCase() === needle));
        if (exact.length) return exact.map((n) => n.id);
        return drawn.filter((n) => [n.label_zh, n.label_en].some((x) => x && x.toLowerCase().includes(needle))).map((n) => n.id);
      }
      function highlight(ids, q) {
        clearHighlight();
        const hits = ids.filter((id) => nodeEls.has(id));
        if (!hits.length) { status.textContent = "no place matches " + q; return; }
        svg.classList.add("searching");
        hits.forEach((id) => nodeEls.get(id).classList.add("hit"));
        const hitSet = new Set(hits);
        for (const e of edgeEls) {
          if (hitSet.has(e.link.source) || hitSet.has(e.link.target)) e.g.classList.add("hit");
        }
        const first = byId.get(hits[0]);
        selectNode(first, true);
        status.textContent = hits.length + " match" + (hits.length === 1 ? "" : "es") + " for " + q;
      }
      searchForm.addEventListener("submit", (event) => {
        event.preventDefault();
        const q = search.value;
        if (!q.trim()) { clearHighlight(); return; }
        if (!config.resolveUrl) { highlight(localMatches(q), q); return; }
        fetch(config.resolveUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : { matches: [] }))
          .then((body) => {
            const ids = (body.matches || []).map((m) => m.id).filter((id) => nodeEls.has(id));
            highlight(ids.length ? ids : localMatches(q), q);
          })
          .catch(() => highlight(localMatches(q), q));
      });

      /* Fit the bulk of the places: with many, the outer 5% on each side (far-away partners)
       * may fall outside; their lines still lead off-screen and a wheel-out shows them. */
      function fit() {
        if (!drawn.length) return;
        const xs = drawn.map((n) => pos.get(n.id).x).sort((a, b) => a - b);
        const ys = drawn.map((n) => pos.get(n.id).y).sort((a, b) => a - b);
        const q = drawn.length >= 20 ? Math.floor(drawn.length * 0.05) : 0;
        const last = drawn.length - 1 - q;
        view.fit({ minX: xs[q], minY: ys[q], maxX: xs[last], maxY: ys[last] }, svg.clientWidth, svg.clientHeight, 60);
      }
      fit();
      applyFilters();
      container.dataset.ready = "true";
      container.dispatchEvent(new CustomEvent("netview:ready", { detail: { nodes: drawn.length, links: edgeEls.length } }));
    }

    function drawBackground(drawn, pos, provinceIndex, provinceName) {
      const scale = 100;
      let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
      for (const n of drawn) {
        if (n.lat === null) continue;
        minLon = Math.min(minLon, n.lon); maxLon = Math.max(maxLon, n.lon);
        minLat = Math.min(minLat, n.lat); maxLat = Math.max(maxLat, n.lat);
      }
      if (!isFinite(minLon)) return;
      const located = drawn.filter((n) => n.lat !== null);
      const lat0 = located.reduce((s, n) => s + n.lat, 0) / located.length;
      const k = Math.cos((lat0 * Math.PI) / 180);
      const x = (lon) => lon * k * scale, y = (lat) => -lat * scale;
      const lon1 = Math.floor(minLon) - 1, lon2 = Math.ceil(maxLon) + 1;
      const lat1 = Math.floor(minLat) - 1, lat2 = Math.ceil(maxLat) + 1;
      const grid = svgEl("g", { class: "nv-graticule" }, backLayer);
      for (let lon = lon1; lon <= lon2; lon++) {
        svgEl("line", { x1: x(lon), y1: y(lat1), x2: x(lon), y2: y(lat2) }, grid);
        svgEl("text", { x: x(lon) + 3, y: y(lat1) - 4, class: "nv-grid-label" }, grid).textContent = lon + "°E";
      }
      for (let lat = lat1; lat <= lat2; lat++) {
        svgEl("line", { x1: x(lon1), y1: y(lat), x2: x(lon2), y2: y(lat) }, grid);
        svgEl("text", { x: x(lon1) + 3, y: y(lat) - 4, class: "nv-grid-label" }, grid).textContent = lat + "°N";
      }
      // province areas: the hull of their located places, padded (no boundary data is bundled)
      const groups = new Map();
      for (const n of located) {
        const key = n.province || "";
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(pos.get(n.id));
      }
      const areas = svgEl("g", { class: "nv-provinces" }, backLayer);
      for (const [key, points] of groups) {
        if (!key) continue;
        const pad = 18;
        const ring = [];
        for (const p of points) for (let a = 0; a < 8; a++) ring.push({ x: p.x + pad * Math.cos((a * Math.PI) / 4), y: p.y + pad * Math.sin((a * Math.PI) / 4) });
        const hull = convexHull(ring);
        const colour = hueColour(provinceIndex.get(key));
        svgEl("path", { d: "M" + hull.map((p) => p.x.toFixed(1) + "," + p.y.toFixed(1)).join(" L") + " Z", fill: colour, stroke: colour, class: "nv-province", "data-province": key }, areas);
        const cx = points.reduce((s, p) => s + p.x, 0) / points.length;
        const top = Math.min(...hull.map((p) => p.y));
        svgEl("text", { x: cx, y: top - 4, class: "nv-province-label", fill: colour }, areas).textContent = provinceName.get(key);
      }
    }
  }

  global.KGNet = { start, geoPositions, forcePositions };
})(window);
