// A named query as a form: typed fields (a place with the resolver's suggestions, a year …),
// run against /queries/<name>, the answer as a table, and the SPARQL it amounts to (the query
// with the chosen values as a VALUES block) with a link that opens it in the editor.
(function () {
  "use strict";
  const R = window.KGResults;
  const T = R.T;
  const form = document.getElementById("named-form");
  const spec = JSON.parse(document.getElementById("named-data").textContent);
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloadsEl = document.getElementById("downloads");
  const generated = document.getElementById("generated-sparql");
  const openInEditor = document.getElementById("open-in-editor");
  const base = R.data.base;

  const { describe } = window.KGSuggest;
  const resolve = (name) => window.KGSuggest.resolve("/api/resolve", name);

  // Suggestions while typing a place (suggest.js), and the place a unique match means.
  for (const input of form.querySelectorAll("input[data-kind=place]")) {
    const note = document.getElementById(input.id + "-resolved");
    window.KGSuggest.places(input, "/api/resolve", (body) => {
      note.textContent = body.matches && body.matches.length === 1 ? "→ " + describe(body.matches[0]) : "";
    });
  }

  function term(param, value) {
    switch (param.type) {
      case "iri": case "place": return "<" + value + ">";
      case "year": return JSON.stringify(value) + "^^xsd:gYear";
      case "integer": case "decimal": return value;
      case "lang-string": {
        const at = value.lastIndexOf("@");
        return JSON.stringify(value.slice(0, at)) + value.slice(at);
      }
      default: return JSON.stringify(value);
    }
  }

  // The query without its comment header (title, question, params: shown on the page already).
  const body = spec.text.replace(/^(?:#[^\n]*\n|\s*\n)*/, "");

  function sparqlWith(values) {
    const block = spec.parameters.map((p) => "VALUES ?" + p.name + " { " + term(p, values[p.name]) + " }");
    if (!block.length) return body;
    return body.replace(/WHERE\s*\{/i, (m) => m + "\n  " + block.join("\n  "));
  }

  // Field values as the query takes them: place names resolved to exactly one place IRI.
  async function values() {
    const out = {};
    for (const p of spec.parameters) {
      const input = form.elements[p.name];
      const raw = input.value.trim();
      if (!raw) throw new Error(T(`请填写 ${p.name}`, `please fill in ${p.name}`));
      if (input.dataset.kind === "place") {
        if (raw === p.shown && p.default) {
          out[p.name] = p.default.includes(":") ? p.default : base + p.default;
          continue;
        }
        const body = await resolve(raw);
        const found = body.matches || [];
        if (found.length === 1) {
          out[p.name] = found[0].id;
        } else if (found.length > 1) {
          throw new Error(T("“" + raw + "”有多个地方，请选择：", "“" + raw + "” is ambiguous; choose: ") +
            found.map(describe).join("; "));
        } else {
          const near = (body.suggestions || []).map((s) => s.label_zh).join("、");
          throw new Error(body.error || T(`找不到“${raw}”`, `no place called “${raw}”`) +
            (near ? T("；相近的：", "; closest: ") + near : ""));
        }
      } else {
        out[p.name] = raw;
      }
    }
    return out;
  }

  function keepInUrl() {
    const url = new URL(window.location.href);
    for (const p of spec.parameters) url.searchParams.set(p.name, form.elements[p.name].value.trim());
    window.history.replaceState(null, "", url);
  }

  async function run() {
    status.textContent = T("运行中…", "running…");
    let chosen;
    try {
      chosen = await values();
    } catch (err) {
      status.textContent = err.message;
      return;
    }
    keepInUrl();
    const text = sparqlWith(chosen);
    generated.textContent = text;
    openInEditor.href = "/query?" + new URLSearchParams({ query: text });
    const api = form.action + "?" + new URLSearchParams(chosen);
    const started = performance.now();
    const response = await fetch(api, { headers: { Accept: "application/sparql-results+json" } });
    await R.show(response, {
      results, status, downloadsEl, started,
      downloadUrl: (fmt) => api + "&" + new URLSearchParams({ format: fmt }),
    });
    form.dataset.ran = String(Number(form.dataset.ran || 0) + 1);
  }

  // A shared link (…?place=苏州) fills the form; then the answer is shown straight away.
  const given = new URL(window.location.href).searchParams;
  for (const p of spec.parameters) {
    if (given.has(p.name) && form.elements[p.name]) form.elements[p.name].value = given.get(p.name);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  run();
})();
