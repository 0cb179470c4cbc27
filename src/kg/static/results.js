// Answers of /sparql and /queries/<name> as a person reads them: a table that sorts and pages,
// IRIs shown by their label (in the page's language) and linked to their pages, and download
// links for every format the service can answer in. Shared by query.js and named.js.
window.KGResults = (function () {
  "use strict";
  const data = JSON.parse(document.getElementById("editor-data").textContent);
  const english = data.lang === "en";
  const T = (zh, en) => (english ? en : zh);
  const PAGE = 25;
  const LABEL_BATCH = 400;
  const vocabulary = new Map(data.vocabulary.map((t) => [t.iri, english ? t.en : t.zh]));

  function href(iri) {
    return iri.startsWith(data.base) ? "/" + iri.slice(data.base.length) : iri;
  }

  function compact(iri) {
    for (const [prefix, ns] of Object.entries(data.prefixes)) {
      if (iri.startsWith(ns) && /^[\w-]*$/.test(iri.slice(ns.length))) {
        return prefix + ":" + iri.slice(ns.length);
      }
    }
    return iri;
  }

  // Labels of the answer's IRIs, asked of /sparql in one query per batch. The IRIs came out of
  // the store, and any that could not be written as an IRIREF are left out (shown compacted).
  async function labels(iris) {
    const found = new Map();
    const wanted = [...iris].filter((i) => !vocabulary.has(i) && !/[\s<>"{}|^`\\]/.test(i));
    const rank = (tag) => {
      const order = english ? ["en", "zh-hans", "zh", "zh-hant"] : ["zh-hans", "zh", "zh-hant", "en"];
      const at = order.indexOf((tag || "").toLowerCase());
      return at === -1 ? order.length : at;
    };
    for (let start = 0; start < wanted.length; start += LABEL_BATCH) {
      const batch = wanted.slice(start, start + LABEL_BATCH);
      const query = "SELECT ?s ?l WHERE { VALUES ?s { " + batch.map((i) => "<" + i + ">").join(" ") +
        " } ?s rdfs:label ?l }";
      try {
        const response = await fetch("/sparql", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json" },
          body: new URLSearchParams({ query }),
        });
        if (!response.ok) continue;
        const best = new Map();
        for (const b of (await response.json()).results.bindings) {
          const r = rank(b.l["xml:lang"]);
          if (!best.has(b.s.value) || r < best.get(b.s.value)[0]) best.set(b.s.value, [r, b.l.value]);
        }
        for (const [iri, [, label]] of best) found.set(iri, label);
      } catch (err) {
        // Labels are a nicety: without them the table shows compacted IRIs.
      }
    }
    for (const iri of iris) if (vocabulary.has(iri)) found.set(iri, vocabulary.get(iri));
    return found;
  }

  // N-Triples (what a CONSTRUCT/DESCRIBE answer is asked for in) as subject/predicate/object rows.
  function parseNTriples(text) {
    const term = /\s*(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)/y;
    const unescape = (s) => JSON.parse('"' + s.replace(/\\U([0-9A-Fa-f]{8})/g,
      (m, h) => String.fromCodePoint(parseInt(h, 16))).replace(/\\'/g, "'") + '"');
    const rows = [];
    for (const line of text.split("\n")) {
      if (!line.trim() || line.trim().startsWith("#")) continue;
      term.lastIndex = 0;
      const parts = [];
      for (let i = 0; i < 3; i++) {
        const m = term.exec(line);
        if (!m) break;
        const t = m[1];
        if (t.startsWith("<")) parts.push({ type: "uri", value: t.slice(1, -1) });
        else if (t.startsWith("_:")) parts.push({ type: "bnode", value: t.slice(2) });
        else {
          const end = t.lastIndexOf('"');
          const lit = { type: "literal", value: unescape(t.slice(1, end)) };
          const rest = t.slice(end + 1);
          if (rest.startsWith("@")) lit["xml:lang"] = rest.slice(1);
          else if (rest.startsWith("^^")) lit.datatype = rest.slice(3, -1);
          parts.push(lit);
        }
      }
      if (parts.length === 3) rows.push({ subject: parts[0], predicate: parts[1], object: parts[2] });
    }
    return { vars: ["subject", "predicate", "object"], rows };
  }

  function shown(term, names) {
    if (!term) return "";
    if (term.type === "uri") return names.get(term.value) || compact(term.value);
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function cell(term, names) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && /^(https?:|mailto:)/i.test(term.value)) {
      // only http(s)/mailto IRIs become links: a stored javascript: IRI stays text
      const a = document.createElement("a");
      a.href = href(term.value);
      a.title = term.value;
      a.textContent = shown(term, names);
      td.appendChild(a);
    } else {
      td.textContent = shown(term, names);
      if (term["xml:lang"]) {
        td.lang = term["xml:lang"];
        td.title = "@" + term["xml:lang"];
      } else if (term.datatype) {
        td.title = compact(term.datatype);
      }
    }
    return td;
  }

  function numeric(term) {
    if (!term || term.type !== "literal" || !term.datatype) return null;
    const n = Number(term.value);
    return /XMLSchema#(integer|decimal|double|float|int|long|gYear|nonNegativeInteger)$/.test(term.datatype) &&
      !Number.isNaN(n) ? n : null;
  }

  // A table of rows (bindings) that sorts on a header click and pages PAGE rows at a time.
  function table(container, vars, rows, names) {
    let order = rows.slice();
    let sortVar = null;
    let ascending = true;
    let page = 0;
    const wrap = document.createElement("div");
    wrap.className = "result-wrap";
    const tbl = document.createElement("table");
    tbl.className = "results";
    const head = tbl.createTHead().insertRow();
    const body = tbl.createTBody();
    const pager = document.createElement("nav");
    pager.className = "pager";
    pager.setAttribute("aria-label", T("结果分页", "Result pages"));
    const prev = document.createElement("button");
    const next = document.createElement("button");
    const where = document.createElement("span");
    prev.type = next.type = "button";
    prev.textContent = T("‹ 上一页", "‹ Previous");
    next.textContent = T("下一页 ›", "Next ›");
    pager.append(prev, where, next);

    function draw() {
      const pages = Math.max(1, Math.ceil(order.length / PAGE));
      page = Math.min(page, pages - 1);
      body.replaceChildren();
      for (const row of order.slice(page * PAGE, page * PAGE + PAGE)) {
        const tr = body.insertRow();
        for (const v of vars) tr.appendChild(cell(row[v], names));
      }
      where.textContent = T(`第 ${page + 1} / ${pages} 页，共 ${order.length} 行`,
        `page ${page + 1} of ${pages}, ${order.length} rows`);
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      pager.hidden = pages === 1;
      for (const th of head.cells) {
        th.setAttribute("aria-sort", th.dataset.var === sortVar ? (ascending ? "ascending" : "descending") : "none");
      }
    }
    function sortBy(v) {
      ascending = sortVar === v ? !ascending : true;
      sortVar = v;
      const collator = new Intl.Collator(english ? "en" : "zh-Hans-CN", { numeric: true });
      order = rows.slice().sort((a, b) => {
        const na = numeric(a[v]), nb = numeric(b[v]);
        const c = na !== null && nb !== null ? na - nb : collator.compare(shown(a[v], names), shown(b[v], names));
        return ascending ? c : -c;
      });
      page = 0;
      draw();
    }
    for (const v of vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.var = v;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = v;
      button.title = T("按此列排序", "Sort by this column");
      button.addEventListener("click", () => sortBy(v));
      th.appendChild(button);
      head.appendChild(th);
    }
    prev.addEventListener("click", () => { page -= 1; draw(); });
    next.addEventListener("click", () => { page += 1; draw(); });
    wrap.appendChild(tbl);
    container.append(wrap, pager);
    draw();
  }

  function downloads(container, shape, urlFor) {
    container.replaceChildren();
    const list = data.formats[shape] || [];
    if (!list.length) return;
    const label = document.createElement("span");
    label.textContent = T("下载：", "Download: ");
    container.appendChild(label);
    for (const f of list) {
      const a = document.createElement("a");
      a.href = urlFor(f.name);
      a.textContent = f.name;
      a.className = "download";
      a.dataset.format = f.name;
      a.setAttribute("download", "result." + f.ext);
      container.appendChild(a);
    }
  }

  // Show a response. Returns {ok, message, line, column} so callers can mark errors.
  async function show(response, parts) {
    const { results, status, downloadsEl, downloadUrl, started } = parts;
    results.replaceChildren();
    downloadsEl.replaceChildren();
    const ms = Math.round(performance.now() - started);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      if (type.startsWith("application/json")) {
        try { message = JSON.parse(text).error || text; } catch (err) { /* plain text */ }
      }
      status.textContent = T("出错 ", "error ") + response.status;
      const pre = document.createElement("pre");
      pre.className = "error";
      pre.textContent = message;
      results.appendChild(pre);
      const at = /(?:error at|:)\s*(\d+):(\d+)/.exec(message);
      return { ok: false, message, line: at ? +at[1] : null, column: at ? +at[2] : null };
    }
    let vars, rows, shape;
    if (type.startsWith("application/sparql-results+json")) {
      const json = await response.json();
      if ("boolean" in json) {
        const p = document.createElement("p");
        p.className = "boolean";
        p.textContent = "ASK → " + (json.boolean ? T("是 (true)", "true") : T("否 (false)", "false"));
        results.appendChild(p);
        downloads(downloadsEl, "boolean", downloadUrl);
        status.textContent = ms + " ms";
        return { ok: true, rows: [] };
      }
      vars = json.head.vars;
      rows = json.results.bindings;
      shape = "solutions";
    } else if (type.startsWith("application/n-triples")) {
      ({ vars, rows } = parseNTriples(await response.text()));
      shape = "graph";
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = ms + " ms";
      return { ok: true, rows: [] };
    }
    downloads(downloadsEl, shape, downloadUrl);
    const iris = new Set();
    for (const row of rows) for (const v of vars) if (row[v] && row[v].type === "uri") iris.add(row[v].value);
    const names = await labels(iris);
    table(results, vars, rows, names);
    status.textContent = T(`${rows.length} 行，${ms} 毫秒`, `${rows.length} rows, ${ms} ms`);
    return { ok: true, rows };
  }

  return { show, T, data, href, compact };
})();
