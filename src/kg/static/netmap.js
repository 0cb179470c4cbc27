/* The map mode's background for the network viewer: a graticule with degree labels on the
 * canvas edges (screen space), province areas as padded hulls of their located places (no
 * boundary data is bundled), and the band that holds places without coordinates.
 * Needs netlayout.js and netdom.js loaded first (window.KGMap).
 */
(function (global) {
  "use strict";

  const { svgEl } = global.KGDom;
  const { convexHull } = global.KGLayout;

  /* Draws into ``backLayer`` and ``svg``; returns what the viewer calls after every pan and
   * zoom (``drawGrid``) and the screen boxes labels must avoid (``gridLabelBoxes``). */
  function drawBackground(svg, backLayer, view, drawn, pos, provinceColour, provinceName) {
    const scale = 100;
    let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
    for (const n of drawn) {
      if (n.lat === null) continue;
      minLon = Math.min(minLon, n.lon); maxLon = Math.max(maxLon, n.lon);
      minLat = Math.min(minLat, n.lat); maxLat = Math.max(maxLat, n.lat);
    }
    if (!isFinite(minLon)) return { drawGrid: null, gridLabelBoxes: null };
    const located = drawn.filter((n) => n.lat !== null);
    const lat0 = located.reduce((s, n) => s + n.lat, 0) / located.length;
    const k = Math.cos((lat0 * Math.PI) / 180);
    const x = (lon) => lon * k * scale, y = (lat) => -lat * scale;
    const lon1 = Math.floor(minLon) - 1, lon2 = Math.ceil(maxLon) + 1;
    const lat1 = Math.floor(minLat) - 1, lat2 = Math.ceil(maxLat) + 1;
    const grid = svgEl("g", { class: "nv-graticule" }, backLayer);
    for (let lon = lon1; lon <= lon2; lon++) svgEl("line", { x1: x(lon), y1: y(lat1), x2: x(lon), y2: y(lat2) }, grid);
    for (let lat = lat1; lat <= lat2; lat++) svgEl("line", { x1: x(lon1), y1: y(lat), x2: x(lon2), y2: y(lat) }, grid);
    // Axis labels on the canvas edges, in screen space: they never leave the canvas, and
    // only every n-th degree is labelled when the degrees are too close for their labels.
    const axes = svgEl("g", { class: "nv-axes" }, svg);
    const TOP = 20, LEFT = 42;
    const gridLabelBoxes = () => [[0, 0, svg.clientWidth, TOP + 2], [0, 0, LEFT, svg.clientHeight]];
    const drawGrid = () => {
      axes.replaceChildren();
      const s = view.state, width = svg.clientWidth, height = svg.clientHeight;
      svgEl("rect", { x: 0, y: 0, width, height: TOP, class: "nv-axis-band" }, axes);
      svgEl("rect", { x: 0, y: 0, width: LEFT, height, class: "nv-axis-band" }, axes);
      const every = (pixels, room) => Math.max(1, Math.ceil(room / Math.max(pixels, 1e-6)));
      const lonStep = every(scale * k * s.k, 52), latStep = every(scale * s.k, 20);
      for (let lon = Math.ceil(lon1 / lonStep) * lonStep; lon <= lon2; lon += lonStep) {
        const sx = s.x + x(lon) * s.k;
        if (sx < LEFT + 20 || sx > width - 20) continue;
        svgEl("text", { x: sx, y: TOP - 5, class: "nv-grid-label", "text-anchor": "middle" }, axes).textContent = lon + "°E";
      }
      for (let lat = Math.ceil(lat1 / latStep) * latStep; lat <= lat2; lat += latStep) {
        const sy = s.y + y(lat) * s.k;
        if (sy < TOP + 12 || sy > height - 4) continue;
        svgEl("text", { x: 4, y: sy + 4, class: "nv-grid-label" }, axes).textContent = lat + "°N";
      }
    };
    // province areas: the hull of their located places, padded (no boundary data is bundled);
    // named in the colour legend, not on the map, where their names would cover places
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
      const colour = provinceColour(key);
      const path = svgEl("path", { d: "M" + hull.map((p) => p.x.toFixed(1) + "," + p.y.toFixed(1)).join(" L") + " Z", fill: colour, stroke: colour, class: "nv-province", "data-province": key }, areas);
      svgEl("title", {}, path).textContent = provinceName.get(key);
    }
    if (pos.margin) {
      const m = pos.margin;
      const band = svgEl("g", { class: "nv-margin" }, backLayer);
      const ys = drawn.filter((n) => pos.get(n.id).margin).map((n) => pos.get(n.id).y);
      const xs = drawn.filter((n) => pos.get(n.id).margin).map((n) => pos.get(n.id).x);
      svgEl("rect", { x: m.x - 30, y: m.y - 10, width: Math.max(...xs) - m.x + 220, height: Math.max(...ys) - m.y + 50, class: "nv-margin-band" }, band);
      svgEl("text", { x: m.x - 22, y: m.y + 8, class: "nv-margin-title" }, band).textContent = "无坐标 · no coordinates (" + m.count + ")";
    }
    return { drawGrid, gridLabelBoxes };
  }

  global.KGMap = { drawBackground };
})(window);
