// The SPARQL editor page: CodeMirror 6 (static/vendor/codemirror.js, global KGEditor) with the
// SPARQL mode, completion of our prefixes, ontology terms (sent with the page) and place names
// (asked of /api/resolve), error marks from the service's "line:column" 400 messages, and the
// query kept in the address bar (/query?query=…) so a link restores — and reruns — it.
(function () {
  "use strict";
  const CM = window.KGEditor;
  const R = window.KGResults;
  const data = R.data;
  const T = R.T;
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloadsEl = document.getElementById("downloads");
  const named = document.getElementById("named");
  const share = document.getElementById("share");

  for (const q of data.named) {
    const option = document.createElement("option");
    option.value = q.url;
    option.textContent = q.title;
    named.appendChild(option);
  }
  named.addEventListener("change", () => { if (named.value) window.location.assign(named.value); });

  const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH", "VALUES",
    "BIND", "GROUP BY", "ORDER BY", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "COUNT",
    "SAMPLE", "GROUP_CONCAT", "LANGMATCHES", "LANG", "STR", "CONTAINS", "REGEX", "MINUS", "EXISTS",
    "NOT EXISTS", "HAVING", "PREFIX", "AS", "DESC", "ASC"];

  // Prefixes, ontology terms and keywords. "yrd:Pa" offers yrd:Pairing, yrd:Park … with labels.
  function termCompletions(context) {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (/PREFIX\s+[\w-]*$/i.test(before)) {
      const word = context.matchBefore(/[\w-]*/);
      return {
        from: word.from,
        options: Object.entries(data.prefixes).map(([p, ns]) => ({
          label: p + ": <" + ns + ">", type: "namespace", detail: T("前缀", "prefix"),
        })),
      };
    }
    const word = context.matchBefore(/[A-Za-z][\w-]*:[\w-]*|[A-Za-z][\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    if (insideString(before, word.from - line.from)) return null;
    const options = [];
    const colon = word.text.indexOf(":");
    if (colon >= 0) {
      const prefix = word.text.slice(0, colon + 1);
      for (const t of data.vocabulary) {
        if (t.curie.startsWith(prefix)) {
          options.push({ label: t.curie, detail: data.lang === "en" ? t.en : t.zh, type: t.kind === "class" ? "class" : t.kind === "property" ? "property" : "constant",
            info: (data.lang === "en" ? t.zh : t.en) + " · " + t.iri });
        }
      }
    } else {
      for (const [p, ns] of Object.entries(data.prefixes)) {
        options.push({ label: p + ":", type: "namespace", detail: ns, boost: 1 });
      }
      for (const k of KEYWORDS) options.push({ label: k, type: "keyword" });
    }
    return { from: word.from, options, validFor: /^[\w-]*:?[\w-]*$/ };
  }

  // True inside a string literal or a comment, where completing names would only get in the way.
  function insideString(before, upTo) {
    const text = before.slice(0, upTo).replace(/<[^>\s]*>/g, "");
    if (((text.match(/"/g) || []).length % 2) === 1 || ((text.match(/'/g) || []).length % 2) === 1) {
      return true;
    }
    return text.replace(/"[^"]*"|'[^']*'/g, "").includes("#");
  }

  // Place names: Chinese characters (盐城, 鹽城) or place:<start>, resolved by /api/resolve into
  // place:… names (or <IRI>s outside the place: namespace).
  async function placeCompletions(context) {
    const word = context.matchBefore(/place:[\w-]*|[\u3400-\u9fff\uf900-\ufaff]{1,20}/);
    if (!word) return null;
    const line = context.state.doc.lineAt(context.pos);
    if (insideString(line.text, word.from - line.from)) return null;
    const q = word.text.startsWith("place:") ? word.text.slice(6) : word.text;
    if (!q) return null;
    let body;
    try {
      const response = await fetch("/api/resolve?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } });
      if (!response.ok) return null;
      body = await response.json();
    } catch (err) {
      return null;
    }
    const seen = new Set();
    const options = [];
    for (const m of [...(body.matches || []), ...(body.suggestions || [])]) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const name = R.compact(m.id);
      options.push({
        label: (m.label_zh || name) + (m.label_en ? " " + m.label_en : ""),
        apply: name === m.id ? "<" + m.id + ">" : name,
        detail: name,
        type: "variable",
        boost: (body.matches || []).some((x) => x.id === m.id) ? 10 : 0,
      });
    }
    return options.length ? { from: word.from, options, filter: false } : null;
  }

  const runKey = { key: "Mod-Enter", run: () => { run(); return true; } };
  // The editor lives in a shadow root: CodeMirror then styles it with a constructed stylesheet
  // (adoptedStyleSheets) instead of a <style> element, which the own-origin CSP would refuse.
  const holder = document.createElement("div");
  holder.className = "editor";
  textarea.after(holder);
  textarea.hidden = true;
  const root = holder.attachShadow({ mode: "open" });
  const theme = CM.EditorView.theme({
    "&": { minHeight: "14em", maxHeight: "70vh", fontSize: "14px", backgroundColor: "#fff" },
    "&.cm-focused": { outline: "2px solid #3a6ea5" },
    ".cm-scroller": { fontFamily: 'ui-monospace, "Noto Sans Mono CJK SC", monospace', overflow: "auto" },
    ".cm-gutters": { backgroundColor: "#f3f5f7", color: "#4d5b69", borderRight: "1px solid #d5dde6" },
    ".cm-activeLineGutter": { backgroundColor: "#e2e8ee", color: "#1d2733" },
    ".cm-tooltip-autocomplete ul li": { fontSize: "14px" },
    ".cm-completionDetail": { color: "#3d4f61", fontStyle: "normal", marginLeft: "0.6em" },
    ".cm-tooltip.cm-completionInfo": { color: "#1d2733", maxWidth: "20em" },
  });
  const view = new CM.EditorView({
    parent: root,
    root,
    doc: textarea.value,
    extensions: [
      theme,
      CM.lineNumbers(),
      CM.history(),
      CM.drawSelection(),
      CM.highlightActiveLine(),
      CM.bracketMatching(),
      CM.closeBrackets(),
      CM.indentOnInput(),
      CM.highlightSelectionMatches(),
      CM.StreamLanguage.define(CM.sparql),
      CM.syntaxHighlighting(CM.defaultHighlightStyle, { fallback: true }),
      CM.autocompletion({ override: [termCompletions, placeCompletions] }),
      CM.lintGutter(),
      CM.keymap.of([runKey, ...CM.closeBracketsKeymap, ...CM.defaultKeymap, ...CM.historyKeymap,
        ...CM.completionKeymap, ...CM.searchKeymap]),
      CM.EditorView.lineWrapping,
      CM.EditorView.contentAttributes.of({ "aria-label": T("SPARQL 查询文本", "SPARQL query text") }),
      CM.EditorView.updateListener.of((update) => {
        if (update.docChanged) setTimeout(() => view.dispatch(CM.setDiagnostics(view.state, [])), 0);
      }),
    ],
  });
  window.kgEditorView = view; // for the browser tests and the console

  function markError(line, column, message) {
    const doc = view.state.doc;
    if (!line || line > doc.lines) return;
    const target = doc.line(line);
    // Columns count from 1; at the end of a line (input ran out) mark its last character.
    let from = Math.min(target.from + Math.max(0, column - 1), target.to);
    if (from >= target.to) from = Math.max(target.from, target.to - 1);
    const rest = target.text.slice(from - target.from);
    const word = /^\S+/.exec(rest);
    const to = Math.min(from + (word ? word[0].length : 1), doc.length);
    view.dispatch(CM.setDiagnostics(view.state, [{ from, to, severity: "error", message }]));
  }

  function keepInUrl(text) {
    const url = new URL(window.location.href);
    url.pathname = "/query";
    url.searchParams.set("query", text);
    window.history.replaceState(null, "", url);
  }

  async function run() {
    const text = view.state.doc.toString();
    textarea.value = text;
    keepInUrl(text);
    status.textContent = T("运行中…", "running…");
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.1" },
        body: new URLSearchParams({ query: text }),
      });
    } catch (err) {
      status.textContent = T("无法连接服务", "the service cannot be reached");
      return;
    }
    const outcome = await R.show(response, {
      results, status, downloadsEl, started,
      downloadUrl: (fmt) => "/sparql?" + new URLSearchParams({ query: text, format: fmt }),
    });
    if (!outcome.ok && outcome.line) markError(outcome.line, outcome.column, outcome.message);
    form.dataset.ran = String(Number(form.dataset.ran || 0) + 1);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  share.addEventListener("click", async () => {
    keepInUrl(view.state.doc.toString());
    try {
      await navigator.clipboard.writeText(window.location.href);
      status.textContent = T("链接已复制", "link copied");
    } catch (err) {
      status.textContent = window.location.href;
    }
  });
  if (form.dataset.runOnLoad === "true") run();
})();
