// The query page: runs the editor's query against /sparql and shows the JSON results as a table.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  const editor = document.getElementById("query");
  const select = document.getElementById("example");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const examples = JSON.parse(document.getElementById("examples").textContent);

  for (const q of examples) {
    const opt = document.createElement("option");
    opt.value = q.name;
    opt.textContent = q.title;
    select.appendChild(opt);
  }
  select.addEventListener("change", () => {
    const q = examples.find((e) => e.name === select.value);
    if (!q) return;
    // Named queries take parameters by substitution; in the editor, defaults become VALUES.
    let text = q.query;
    const values = q.parameters.map((p) => {
      const v = p.type === "iri" || p.type === "place" ? "<" + p.default + ">" : JSON.stringify(p.default);
      return "VALUES ?" + p.name + " { " + v + " }";
    });
    if (values.length) {
      text = text.replace(/WHERE\s*\{/i, (m) => m + "\n  " + values.join("\n  "));
    }
    editor.value = text;
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    return td;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "running…";
    results.textContent = "";
    const started = performance.now();
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: new URLSearchParams({ query: editor.value }),
    });
    const ms = Math.round(performance.now() - started);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "error " + response.status;
      const pre = document.createElement("pre");
      pre.className = "error";
      pre.textContent = await response.text();
      results.appendChild(pre);
      return;
    }
    if (!type.startsWith("application/sparql-results+json")) {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = ms + " ms";
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      results.textContent = "ASK → " + data.boolean;
      status.textContent = ms + " ms";
      return;
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const v of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const b of data.results.bindings) {
      const row = body.insertRow();
      for (const v of data.head.vars) row.appendChild(cell(b[v]));
    }
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " rows, " + ms + " ms";
  });
})();
