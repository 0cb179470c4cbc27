/* The details panel of the network viewer: what a place, a pair of places or one relation
 * says, with every source and its quote. Builds elements only; the viewer decides when to
 * show them and what a click on a partner or a relation selects.
 * Needs netdom.js loaded first (window.KGDetails).
 */
(function (global) {
  "use strict";

  const { h } = global.KGDom;

  /* ``label(id)`` names a place; ``onPlace(id)`` and ``onRelation(link)`` are the viewer's
   * selections; ``config.placeUrl`` (when the server has one) links each place's facts. */
  function panel({ config, label, kindColours, onPlace, onRelation }) {
    function placeLink(n) {
      if (!config.placeUrl) return null;
      const name = n.id.includes("/id/") ? "id/" + n.id.split("/id/").pop() : n.label_zh;
      const href = config.placeUrl.replace("__NAME__", name.split("/").map(encodeURIComponent).join("/"));
      return h("a", { href, class: "nv-api", text: "facts as JSON: " + decodeURI(href) });
    }
    /* The place's own HTML page: its IRI, served here when this server minted it (the
     * standalone export links to the IRI itself, which dereferences to the same page). */
    function pageLink(n) {
      const href = config.placeUrl && n.id.includes("/id/") ? "/id/" + n.id.split("/id/").pop() : n.id;
      if (!/^(https?:|\/)/i.test(href)) return h("span", { class: "nv-page", text: n.id });  // no javascript: links
      return h("a", { href, class: "nv-page", text: "地点页面 place page: " + n.label_zh });
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
      const partner = h("a", { href: "#", class: "nv-partner", text: label(other), onclick: (ev) => { ev.preventDefault(); onPlace(other); } });
      const open = h("a", { href: "#", text: l.label_zh || l.kind, onclick: (ev) => { ev.preventDefault(); onRelation(l); } });
      return h("li", { class: "nv-rel" }, [
        h("span", { class: "nv-badge", css: { background: (kindColours[l.kind] || "#999") }, text: l.kind }),
        " " + arrow + " ", partner, " · ", open,
        l.period ? h("span", { class: "nv-period", text: " " + l.period }) : null,
        l.domains.length ? h("div", { class: "nv-domains", text: "领域 " + l.domains.map((d) => d.label_zh || d.label_en).join("、") }) : null,
        sourcesList(l),
      ]);
    }

    function place(n, rels) {
      return [
        h("h4", { class: "nv-title", text: n.label_zh + (n.label_en ? " · " + n.label_en : "") }),
        h("dl", {}, [
          h("dt", { text: "type" }), h("dd", { text: n.type || "—" }),
          h("dt", { text: "province" }), h("dd", { text: n.province_label || "—" }),
          h("dt", { text: "coordinates" }), h("dd", { text: n.lat !== null ? n.lat.toFixed(3) + "°N, " + n.lon.toFixed(3) + "°E" : "—" }),
          h("dt", { text: "IRI" }), h("dd", { class: "nv-iri", text: n.id }),
        ]),
        h("p", { class: "nv-links" }, [pageLink(n), " ", placeLink(n)]),
        h("h5", { text: rels.length + " relation" + (rels.length === 1 ? "" : "s") }),
        h("ul", { class: "nv-rels" }, rels.map((l) => relationItem(l, n.id))),
      ];
    }

    function pair(a, b, rels) {
      return [
        h("h4", { class: "nv-title", text: label(a) + " — " + label(b) }),
        h("h5", { text: rels.length + " relations · 来源 Sources below each" }),
        h("ul", { class: "nv-rels" }, rels.map((l) => relationItem(l, a))),
      ];
    }

    function relation(l) {
      const field = (name, value) => [h("dt", { text: name }), h("dd", { text: value === null || value === undefined || value === "" ? "—" : String(value) })];
      return [
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
      ];
    }

    return { place, pair, relation };
  }

  global.KGDetails = { panel };
})(window);
