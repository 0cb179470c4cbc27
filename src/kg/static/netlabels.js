/* Label placement for the network viewer: no two visible labels overlap, none is clipped.
 *
 * After every pan or zoom the viewer hands over its places in screen pixels; the most
 * important (selected, focus, most connected) get their label first, at the first of a few
 * spots around the node that overlaps no label already shown and stays inside the canvas.
 * Labels that do not fit stay hidden: they show on hover and when zoomed in far enough.
 * Widths are measured once with a canvas in the page's own font; heights use the CJK font's
 * full line box (1.45 em), so the browser's rendered boxes fit inside the ones reserved here.
 */
(function (global) {
  "use strict";

  const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';
  const ASCENT = 1.18, DESCENT = 0.32;  // em, slightly generous for Noto Sans CJK
  let context = null;
  const widths = new Map();

  function measure(text, size, bold) {
    const key = (bold ? "b" : "") + size + "|" + text;
    if (widths.has(key)) return widths.get(key);
    if (!context) context = document.createElement("canvas").getContext("2d");
    context.font = (bold ? "bold " : "") + size + "px " + FONT;
    // never less than the CJK estimate: a missing font must not make boxes too small
    const wide = [...text].filter((c) => c.codePointAt(0) >= 0x2e80).length;
    const estimate = (wide + 0.62 * ([...text].length - wide)) * size;
    const width = Math.max(context.measureText(text).width, estimate);
    widths.set(key, width);
    return width;
  }

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  /* A coarse grid of boxes: a test only looks at the cells a box covers. */
  function Grid(cell) {
    const cells = new Map();
    const keys = (box) => {
      const out = [];
      for (let i = Math.floor(box[0] / cell); i <= Math.floor(box[2] / cell); i++) {
        for (let j = Math.floor(box[1] / cell); j <= Math.floor(box[3] / cell); j++) out.push(i + ":" + j);
      }
      return out;
    };
    return {
      hits(box) { return keys(box).some((k) => (cells.get(k) || []).some((o) => overlaps(box, o))); },
      add(box) { for (const k of keys(box)) { if (!cells.has(k)) cells.set(k, []); cells.get(k).push(box); } },
    };
  }

  /* items: [{id, x, y, r, text, size, bold}] in screen pixels, most important first.
   * bounds: [left, top, right, bottom]; obstacles: boxes labels must avoid.
   * Returns Map id -> {dx, dy, anchor} (offsets from the node in screen pixels). */
  function place(items, bounds, obstacles) {
    const grid = Grid(64);
    for (const box of obstacles || []) grid.add(box);
    const out = new Map();
    for (const it of items) {
      if (it.x < bounds[0] || it.x > bounds[2] || it.y < bounds[1] || it.y > bounds[3]) continue;
      const w = measure(it.text, it.size, it.bold);
      const up = ASCENT * it.size, down = DESCENT * it.size;
      const gap = it.r + 3, mid = 0.36 * it.size;
      const spots = [
        [gap, mid, "start"], [-gap, mid, "end"],
        [0, -gap - down, "middle"], [0, gap + up, "middle"],
        [gap * 0.7, -gap * 0.7 - down, "start"], [-gap * 0.7, -gap * 0.7 - down, "end"],
        [gap * 0.7, gap * 0.7 + up, "start"], [-gap * 0.7, gap * 0.7 + up, "end"],
      ];
      for (const [dx, dy, anchor] of spots) {
        const lx = it.x + dx, ly = it.y + dy;
        const left = anchor === "start" ? lx : anchor === "end" ? lx - w : lx - w / 2;
        const box = [left - 2, ly - up - 2, left + w + 2, ly + down + 2];
        if (box[0] < bounds[0] || box[1] < bounds[1] || box[2] > bounds[2] || box[3] > bounds[3]) continue;
        if (grid.hits(box)) continue;
        grid.add(box);
        out.set(it.id, { dx, dy, anchor });
        break;
      }
    }
    return out;
  }

  global.KGLabels = { place, measure, overlaps };
})(window);
