/* Network viewer shared by /explore (force layout) and /map (coordinates).
 * Needs, loaded first: netlayout.js (layouts, pan and zoom), netlabels.js (label placement),
 * netdom.js (element helpers), netdetails.js (the details panel), netmap.js (map background).
 *
 * Plain JS and SVG, written for this project: no library, no CDN, nothing fetched from outside.
 * Input is the d3 node-link export (/api/export?format=d3), either fetched (config.dataUrl) or
 * embedded (config.data, for the self-contained HTML export).
 */
(function (global) {
  "use strict";

  const MIXED = "#4d4d4d";  // a pair of places linked by relations of several kinds
  const { svgEl, h } = global.KGDom;

  const { hueColour, geoPositions, forcePositions, panZoom } = global.KGLayout;

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

    let viewChanged = () => {}, drawGrid = null, gridLabelBoxes = null;
    const view = panZoom(svg, layer, (s) => {
      // Strokes keep their width on screen by vector-effect (CSS), circles are resized and
      // labels placed in screen space by the viewer: a zoom changes no inherited style, which
      // made every frame restyle every element.
      viewChanged();
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

      // province colours: the server's shared palette (kg.palette), never picked here
      const paletteColours = (data.graph && data.graph.province_colours) || {};
      const provinces = [...new Set(nodes.map((n) => n.province || ""))].sort();
      const provinceIndex = new Map(provinces.map((p, i) => [p, i]));
      const provinceName = new Map();
      for (const n of nodes) provinceName.set(n.province || "", n.province_label || "— 无省份 no province");
      const provinceColour = (key) => paletteColours[key] || hueColour(provinceIndex.get(key));
      const focusId = (data.graph && data.graph.focus) || null;

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
      kindBox.appendChild(h("div", { class: "nv-kind" }, [h("span", { class: "nv-swatch", css: { background: MIXED } }), "多种 several kinds (one line per pair of places; width: number of relations)"]));

      // background: graticule and province outlines (map mode)
      if (mode === "geo" && drawn.length) {
        ({ drawGrid, gridLabelBoxes } = global.KGMap.drawBackground(svg, backLayer, view, drawn, pos, provinceColour, provinceName));
      }

      // edges: one per pair of places, its width by the number of relations (those passing
      // the filters), its colour the kind's, or dark grey when the pair's relations differ
      const weight = new Map(nodes.map((n) => [n.id, 0]));
      const pairs = new Map();
      for (const l of links) {
        if (l.source === l.target || !pos.has(l.source) || !pos.has(l.target)) continue;
        const key = l.source < l.target ? l.source + " " + l.target : l.target + " " + l.source;
        if (!pairs.has(key)) pairs.set(key, { a: l.source < l.target ? l.source : l.target, b: l.source < l.target ? l.target : l.source, links: [] });
        pairs.get(key).links.push(l);
        weight.set(l.source, weight.get(l.source) + 1);
        weight.set(l.target, weight.get(l.target) + 1);
      }
      // radius in screen pixels: circles keep their size when zooming (resized in sizeNodes)
      const radius = (id) => (id === focusId ? 8 : 4) + Math.min(weight.get(id) || 0, 16) * 0.45;
      const marginTitle = svg.querySelector(".nv-margin-title");
      const edgeEls = [];
      for (const pair of pairs.values()) {
        const toMargin = pos.get(pair.a).margin || pos.get(pair.b).margin;
        const g = svgEl("g", { class: "edge" + (toMargin ? " to-margin" : ""), "data-pair": pair.a + " " + pair.b }, edgeLayer);
        const hit = svgEl("path", { class: "edge-hit" }, g);
        const line = svgEl("path", { class: "edge-line" }, g);
        const title = svgEl("title", {}, g);
        g.addEventListener("click", (event) => { event.stopPropagation(); selectPair(pair); });
        edgeEls.push({ pair, link: pair.links[0], g, hit, line, title, shown: pair.links });
      }

      // nodes; their labels in a layer of their own, in screen space (not scaled by zooms)
      const nodeEls = new Map(), labelEls = new Map();
      const labelLayer = svgEl("g", { class: "nv-labels" }, svg);
      for (const n of drawn) {
        // a multilateral group (kg.network_groups) is one node, drawn as a white square
        const group = n.type === "MultilateralGroup";
        const g = svgEl("g", { class: "node" + (n.id === focusId ? " focus" : "") + (group ? " group" : ""), "data-id": n.id, tabindex: "0", "aria-label": n.label_zh }, nodeLayer);
        svgEl(group ? "rect" : "circle", { r: radius(n.id), "data-r": radius(n.id), rx: 2 }, g);
        const text = svgEl("text", { class: "lbl" + (n.id === focusId ? " focus" : ""), "data-id": n.id }, labelLayer);
        text.textContent = n.label_zh;
        labelEls.set(n.id, text);
        const hover = (on) => () => text.classList.toggle("hover", on);
        g.addEventListener("pointerenter", hover(true));
        g.addEventListener("pointerleave", hover(false));
        g.addEventListener("focus", hover(true));
        g.addEventListener("blur", hover(false));
        const title = svgEl("title", {}, g);
        title.textContent = n.label_zh + (n.label_en ? " · " + n.label_en : "") + " (" + (n.type || "place") + ")" + (pos.get(n.id).margin ? " — 无坐标 no coordinates" : "");
        nodeEls.set(n.id, g);
        makeDraggable(g, n);
        g.addEventListener("keydown", (event) => { if (event.key === "Enter") selectNode(n); });
      }
      svg.style.setProperty("--unit", String(unit));

      function label(id) { return (byId.get(id) || {}).label_zh || id; }
      const panel = global.KGDetails.panel({
        config, label, kindColours,
        onPlace: (id) => { const m = byId.get(id); if (m && pos.has(m.id)) selectNode(m, true); },
        onRelation: (l) => selectEdge(l),
      });

      function place(n) {
        const p = pos.get(n.id);
        nodeEls.get(n.id).setAttribute("transform", "translate(" + p.x + "," + p.y + ")");
      }

      function edgePath(e) {
        const a = pos.get(e.pair.a), b = pos.get(e.pair.b);
        return "M" + a.x.toFixed(2) + "," + a.y.toFixed(2) + " L" + b.x.toFixed(2) + "," + b.y.toFixed(2);
      }

      function updateEdges(onlyFor) {
        for (const e of edgeEls) {
          if (onlyFor && e.pair.a !== onlyFor && e.pair.b !== onlyFor) continue;
          const d = edgePath(e);
          e.line.setAttribute("d", d);
          e.hit.setAttribute("d", d);
        }
      }

      /* What a pair's line shows for the relations that pass the filters. */
      function styleEdge(e) {
        const shown = e.shown;
        const kindsShown = [...new Set(shown.map((l) => l.kind))];
        e.line.setAttribute("stroke", kindsShown.length === 1 ? (kindColours[kindsShown[0]] || "#999") : MIXED);
        e.g.style.setProperty("--w", String(1.2 + 1.6 * Math.log2(Math.max(shown.length, 1))));
        const counts = kindsShown.map((k) => (kindLabels[k] || k) + " ×" + shown.filter((l) => l.kind === k).length);
        e.title.textContent = label(e.pair.a) + " — " + label(e.pair.b) + ": " + shown.length + " relation" + (shown.length === 1 ? "" : "s") + " (" + counts.join(", ") + ")";
        e.g.dataset.relations = String(shown.length);
      }

      drawn.forEach(place);
      updateEdges();
      edgeEls.forEach(styleEdge);

      // labels: placed anew after every pan and zoom so that none overlaps another or is clipped
      const labelled = new Set();
      let labelFrame = 0;
      function layoutLabels() {
        labelFrame = 0;
        const k = view.state.k;
        const width = svg.clientWidth, height = svg.clientHeight;
        const important = (n) => (nodeEls.get(n.id).classList.contains("selected") ? 3 : 0) + (n.id === focusId ? 2 : 0) + (nodeEls.get(n.id).classList.contains("hit") ? 1 : 0);
        const items = drawn
          .filter((n) => nodeEls.get(n.id).style.display !== "none")
          .sort((a, b) => important(b) - important(a) || (weight.get(b.id) || 0) - (weight.get(a.id) || 0) || (a.label_zh || "").localeCompare(b.label_zh || "", "zh"))
          .map((n) => {
            const p = pos.get(n.id);
            const bold = n.id === focusId || important(n) > 0;
            return { id: n.id, x: view.state.x + p.x * k, y: view.state.y + p.y * k, r: radius(n.id), text: n.label_zh, size: bold ? 14 : 12, bold };
          });
        const obstacles = gridLabelBoxes ? gridLabelBoxes() : [];
        if (pos.margin) {
          // the band's title (12px text, drawn at the band's top-left corner)
          const m = pos.margin, tx = view.state.x + (m.x - 22) * k, ty = view.state.y + (m.y + 8) * k;
          const tw = window.KGLabels.measure("无坐标 · no coordinates (" + m.count + ")", 12, true);
          obstacles.push([tx - 2, ty - 16, tx + tw + 2, ty + 6]);
        }
        const placed = window.KGLabels.place(items, [0, 0, width, height], obstacles);
        labelled.clear();
        for (const [id, g] of nodeEls) {
          const text = labelEls.get(id);
          const spot = placed.get(id);
          const shown = g.style.display !== "none";
          text.classList.toggle("on", !!spot);
          text.classList.toggle("strong", important(byId.get(id)) > 0);
          text.style.display = shown ? "" : "none";
          if (spot) labelled.add(id);
          // a hidden label waits right of its node, where hovering shows it
          const p = pos.get(id);
          const at = spot || { dx: radius(id) + 3, dy: 4, anchor: "start" };
          text.setAttribute("x", (view.state.x + p.x * k + at.dx).toFixed(1));
          text.setAttribute("y", (view.state.y + p.y * k + at.dy).toFixed(1));
          text.setAttribute("text-anchor", at.anchor);
        }
        container.dataset.labels = String(labelled.size);
      }
      function scheduleLabels() { if (!labelFrame) labelFrame = requestAnimationFrame(layoutLabels); }
      function sizeNodes() {
        const inv = 1 / view.state.k;
        for (const g of nodeEls.values()) {
          const c = g.firstChild, r = Number(c.dataset.r) * inv;
          if (c.tagName === "rect") {
            for (const [k, v] of [["x", -r], ["y", -r], ["width", 2 * r], ["height", 2 * r], ["rx", 2 * inv]]) c.setAttribute(k, v.toFixed(3));
          } else c.setAttribute("r", r.toFixed(3));
        }
        if (marginTitle) marginTitle.setAttribute("font-size", (12 * inv).toFixed(3));
      }
      // On big networks the lines hide while the view moves and return 150 ms after it stops
      // (as Sigma's hideEdgesOnMove): thousands of SVG lines repainted every frame made
      // zooming a slide show. Small networks keep them.
      const HIDE_EDGES_OVER = 2000;
      let settle = 0;
      viewChanged = () => {
        sizeNodes(); scheduleLabels(); if (drawGrid) drawGrid();
        if (edgeEls.length <= HIDE_EDGES_OVER || !container.dataset.ready) return;
        svg.classList.add("moving");
        clearTimeout(settle);
        settle = setTimeout(() => svg.classList.remove("moving"), 150);
      };

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
          const margin = pos.get(n.id).margin;
          pos.set(n.id, Object.assign(view.toGraph(event.clientX, event.clientY), { margin }));
          place(n);
          updateEdges(n.id);
          scheduleLabels();
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
          if (n.type === "MultilateralGroup") continue;  // a group is not a place: white square
          let colour, key, name;
          if (by === "community") {
            key = n.community || 0; colour = hueColour(key + 3); name = "community " + (key + 1);
          } else {
            key = n.province || ""; colour = provinceColour(key); name = provinceName.get(key);
            if (colour.toUpperCase() === "#8C8C8C") { key = "other"; name = "其他省份 other provinces"; }
          }
          nodeEls.get(n.id).firstChild.setAttribute("fill", colour);
          if (!used.has(key)) used.set(key, { colour, name, count: 0 });
          used.get(key).count++;
        }
        const entries = [...used.values()].sort((a, b) => b.count - a.count);
        for (const e of entries.slice(0, 16)) {
          colourLegend.appendChild(h("div", { class: "nv-colour" }, [h("span", { class: "nv-dot", css: { background: e.colour } }), e.name + " (" + e.count + ")"]));
        }
        if (entries.length > 16) colourLegend.appendChild(h("div", { class: "nv-colour", text: "… " + (entries.length - 16) + " more" }));
        if (drawn.some((n) => n.type === "MultilateralGroup")) {
          colourLegend.appendChild(h("div", { class: "nv-colour" }, [h("span", { class: "nv-dot nv-group-dot" }), "合作组 group: one square, a line to each member"]));
        }
      }
      colourBy.addEventListener("change", colourNodes);
      colourNodes();

      // filters
      const periodSet = () => since.value !== "" || until.value !== "";
      const undated = (l) => l.start === null || l.start === undefined;
      function passesExceptPeriod(l) {
        if (!enabled.has(l.kind)) return false;
        return !(domainSelect.value && !l.domains.some((d) => d.id === domainSelect.value));
      }
      function passes(l) {
        if (!passesExceptPeriod(l)) return false;
        const s = since.value === "" ? null : Number(since.value), u = until.value === "" ? null : Number(until.value);
        if (s !== null || u !== null) {
          if (undated(l)) return false;
          if (u !== null && l.start > u) return false;
          if (s !== null && l.end !== null && l.end !== undefined && l.end < s) return false;
        }
        return true;
      }
      function applyFilters() {
        const active = enabled.size !== kinds.length || domainSelect.value || since.value !== "" || until.value !== "";
        const visible = new Set();
        let shownEdges = 0, shownRelations = 0, hiddenUndated = 0;
        for (const e of edgeEls) {
          e.shown = e.pair.links.filter(passes);
          if (periodSet()) hiddenUndated += e.pair.links.filter((l) => passesExceptPeriod(l) && undated(l)).length;
          const ok = e.shown.length > 0;
          e.g.style.display = ok ? "" : "none";
          if (ok) { visible.add(e.pair.a); visible.add(e.pair.b); shownEdges++; shownRelations += e.shown.length; styleEdge(e); }
        }
        let shownNodes = 0;
        for (const [id, g] of nodeEls) {
          const ok = !active || visible.has(id);
          g.style.display = ok ? "" : "none";
          if (ok) shownNodes++;
        }
        const inMargin = drawn.filter((n) => pos.get(n.id).margin).length;
        status.textContent = shownNodes + " places, " + shownRelations + " relations between " + shownEdges + " pairs" +
          (inMargin ? "; " + inMargin + " without coordinates in the band below the map" : "") +
          (periodSet() ? "; the period filter hid " + hiddenUndated + " undated relation" + (hiddenUndated === 1 ? "" : "s") : "");
        container.dataset.drawnNodes = String(shownNodes);
        container.dataset.drawnEdges = String(shownEdges);
        container.dataset.drawnRelations = String(shownRelations);
        container.dataset.hiddenUndated = String(hiddenUndated);
        scheduleLabels();
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

      function selectNode(n, centre) {
        clearSelection();
        const g = nodeEls.get(n.id);
        if (g) g.classList.add("selected");
        const other = (l) => label(l.source === n.id ? l.target : l.source);
        const rels = links
          .filter((l) => (l.source === n.id || l.target === n.id) && passes(l))
          .sort((a, b) => a.kind.localeCompare(b.kind) || other(a).localeCompare(other(b), "zh"));
        details.replaceChildren(...panel.place(n, rels));
        if (centre && pos.has(n.id)) view.centreOn(pos.get(n.id), svg.clientWidth, svg.clientHeight);
        scheduleLabels();
      }

      /* A pair's line: every relation between the two places (that passes the filters). */
      function selectPair(pair) {
        clearSelection();
        const e = edgeEls.find((x) => x.pair === pair);
        if (e) e.g.classList.add("selected");
        const rels = (e ? e.shown : pair.links).slice().sort((a, b) => a.kind.localeCompare(b.kind));
        if (rels.length === 1) { selectEdge(rels[0]); return; }
        details.replaceChildren(...panel.pair(pair.a, pair.b, rels));
      }

      function selectEdge(l) {
        clearSelection();
        const e = edgeEls.find((x) => x.pair.links.includes(l));
        if (e) e.g.classList.add("selected");
        details.replaceChildren(...panel.relation(l));
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
          if (hitSet.has(e.pair.a) || hitSet.has(e.pair.b)) e.g.classList.add("hit");
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
        if (focusId && pos.has(focusId)) {
          // the focus in the centre, zoomed so that most of its partners are in view
          const f = pos.get(focusId);
          const reach = drawn.filter((n) => n.id !== focusId && !pos.get(n.id).margin)
            .map((n) => Math.max(Math.abs(pos.get(n.id).x - f.x), Math.abs(pos.get(n.id).y - f.y)))
            .sort((a, b) => a - b);
          const r = reach.length ? reach[Math.floor((reach.length - 1) * 0.9)] : 100;
          view.fit({ minX: f.x - r, minY: f.y - r, maxX: f.x + r, maxY: f.y + r }, svg.clientWidth, svg.clientHeight, 50);
          return;
        }
        const xs = drawn.map((n) => pos.get(n.id).x).sort((a, b) => a - b);
        const ys = drawn.map((n) => pos.get(n.id).y).sort((a, b) => a - b);
        const q = drawn.length >= 20 ? Math.floor(drawn.length * 0.05) : 0;
        const last = drawn.length - 1 - q;
        view.fit({ minX: xs[q], minY: ys[q], maxX: xs[last], maxY: ys[last] }, svg.clientWidth, svg.clientHeight, 60);
      }
      fit();
      applyFilters();
      layoutLabels();
      window.addEventListener("resize", scheduleLabels);
      container.dataset.ready = "true";
      container.dispatchEvent(new CustomEvent("netview:ready", { detail: { nodes: drawn.length, links: edgeEls.length } }));
    }

  }

  global.KGNet = { start };
})(window);
