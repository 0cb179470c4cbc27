// /ingest: analyse an article (POST /api/ingest), review the candidates, write the accepted ones
// (POST /api/ingest/accept with the write token) into the article's own named graph.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const KINDS = ["Pairing", "Park", "Agreement", "InstitutionPairing", "IndustryTransfer",
    "LiaisonOffice", "CadreExchange", "TransportLink", "InnovationCooperation",
    "EnterpriseCooperation", "CooperationActivity"];
  const ROLES = ["", "assisting", "assisted", "origin", "destination"];
  let state = null; // {text, meta, data, graph}

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function meta() {
    const out = {};
    for (const key of ["title", "date", "url", "publisher", "place"]) {
      const value = $("ingest-" + key).value.trim();
      if (value) out[key] = value;
    }
    return out;
  }

  function status(text, error) {
    const node = $("ingest-status");
    node.textContent = text;
    node.className = error ? "error" : "meta";
  }

  $("ingest-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) $("ingest-text").value = await file.text();
  });

  $("ingest-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("ingest-text").value;
    status("分析中 Analysing…");
    const response = await fetch("/api/ingest", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, ...meta() }),
    });
    const data = await response.json();
    if (!response.ok) { status(data.error || response.statusText, true); return; }
    state = { text, meta: meta(), data, graph: null };
    status(`${data.candidates.length} candidate(s), ${data.places.length} place(s)` +
      (data.home ? `; 我市 = ${data.home.label_zh}` : "") +
      (data.unresolved.length ? `; unresolved: ${data.unresolved.map((u) => u.text).join(", ")}` : ""));
    render();
  });

  function render() {
    $("ingest-results").hidden = false;
    $("ingest-outcome").textContent = "";
    renderArticle();
    const list = $("ingest-candidates");
    list.textContent = "";
    state.data.candidates.forEach((c, i) => list.append(candidateBox(c, i)));
  }

  function renderArticle() {
    const box = $("ingest-article");
    box.textContent = "";
    const spans = [];
    state.data.candidates.forEach((c, i) => {
      const same = spans.find((s) => s.start === c.start && s.end === c.end);
      if (same) same.ids.push(i); else spans.push({ start: c.start, end: c.end, ids: [i] });
    });
    spans.sort((a, b) => a.start - b.start);
    let at = 0;
    for (const s of spans) {
      if (s.start < at) continue;
      box.append(state.text.slice(at, s.start));
      box.append(el("mark", {
        id: "sentence-" + s.ids[0], "data-candidates": s.ids.join(" "), title: "candidate " + s.ids.map((i) => i + 1).join(", "),
        onclick: () => document.getElementById("candidate-" + s.ids[0]).scrollIntoView({ block: "center" }),
      }, state.text.slice(s.start, s.end)));
      at = s.end;
    }
    box.append(state.text.slice(at));
  }

  function candidateBox(c, i) {
    const box = el("div", { class: "candidate", id: "candidate-" + i });
    const accept = el("input", { type: "checkbox", class: "accept", "aria-label": "accept candidate " + (i + 1) });
    accept.checked = c.confidence >= 0.6;
    accept.addEventListener("change", () => box.classList.toggle("rejected", !accept.checked));
    box.classList.toggle("rejected", !accept.checked);
    const kind = el("select", { class: "kind" }, ...KINDS.map((k) => el("option", { value: k }, k)));
    kind.value = KINDS.includes(c.kind) ? c.kind : "CooperationActivity";
    const parties = el("div", { class: "parties" }, ...c.parties.map((p) => partyRow(p)));
    const date = el("input", { class: "date", value: c.date || "", size: 10, placeholder: "YYYY" });
    const domains = el("input", { class: "domains", value: (c.domains || []).join(", "), size: 30 });
    const choice = (name, title) => {
      const select = el("select", { class: name, "aria-label": title },
        el("option", { value: "" }, "— " + title),
        ...state.data.choices[name].map((x) => el("option", { value: x.id }, x.label_zh)));
      return select;
    };
    const scheme = choice("scheme", "scheme 计划");
    const parkType = choice("park_type", "park type 园区类型");
    box.append(
      el("label", {}, accept, ` ${i + 1}. 接受 accept `), kind,
      c.name ? el("strong", {}, " " + c.name) : "",
      el("span", { class: "evidence" }, ` (${c.confidence})`),
      parties,
      el("label", {}, "日期 date ", date), " ", el("label", {}, "领域 domains ", domains),
      el("div", {}, scheme, " ", parkType),
      el("button", { type: "button", class: "add-party", onclick: () => parties.append(partyRow({ iri: "", label_zh: "", role: null, in_graph: true })) }, "+ party 参与方"),
      el("textarea", { class: "quote", rows: 2, "aria-label": "quote (must stay verbatim)" }, c.quote),
      el("div", { class: "evidence" }, (c.evidence || []).join(" · ")),
    );
    box.addEventListener("mouseenter", () => {
      const mark = document.querySelector(`mark[data-candidates~="${i}"]`);
      if (mark) mark.classList.add("active");
    });
    box.addEventListener("mouseleave", () => {
      document.querySelectorAll("mark.active").forEach((m) => m.classList.remove("active"));
    });
    return box;
  }

  function partyRow(p) {
    const role = el("select", { class: "role" }, ...ROLES.map((r) => el("option", { value: r }, r || "—")));
    role.value = p.role || "";
    return el("div", { class: "party" },
      el("input", { class: "iri", value: p.iri, size: 40, "aria-label": "party IRI" }),
      el("span", { class: "label" }, p.label_zh + (p.in_graph ? "" : " (new)")), role);
  }

  function reviewed() {
    const out = [];
    document.querySelectorAll("#ingest-candidates .candidate").forEach((box, i) => {
      if (!box.querySelector(".accept").checked) return;
      const c = state.data.candidates[i];
      out.push({
        ...c,
        kind: box.querySelector(".kind").value,
        date: box.querySelector(".date").value.trim() || null,
        scheme: box.querySelector(".scheme").value || null,
        park_type: box.querySelector(".park_type").value || null,
        domains: box.querySelector(".domains").value.split(/[,，\s]+/).filter(Boolean),
        quote: box.querySelector("textarea.quote").value,
        parties: [...box.querySelectorAll(".party")].filter((row) => row.querySelector(".iri").value.trim()).map((row, j) => ({
          iri: row.querySelector(".iri").value.trim(),
          label_zh: c.parties[j] ? c.parties[j].label_zh : "",
          role: row.querySelector(".role").value || null,
        })),
      });
    });
    return out;
  }

  $("ingest-accept").addEventListener("click", async () => {
    const candidates = reviewed();
    const outcome = $("ingest-outcome");
    outcome.textContent = "";
    if (!candidates.length) { outcome.append(el("p", { class: "error" }, "accept at least one candidate")); return; }
    const response = await fetch("/api/ingest/accept", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + $("ingest-token").value },
      body: JSON.stringify({ text: state.text, meta: state.meta, candidates }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      outcome.append(el("p", { class: "error" }, data.error || response.statusText));
      for (const p of data.problems || data.violations || []) {
        outcome.append(el("p", { class: "error" }, typeof p === "string" ? p : (p.message || JSON.stringify(p))));
      }
      return;
    }
    state.graph = data.graph;
    $("ingest-remove").hidden = false;
    outcome.append(el("p", { class: "written" }, `written: ${data.facts.length} fact(s) into `,
      el("code", {}, data.graph), " · source ", el("a", { href: data.source }, data.source)));
    const list = el("ul", {});
    for (const fact of data.facts) list.append(el("li", {}, el("a", { href: fact }, fact)));
    outcome.append(list);
  });

  $("ingest-remove").addEventListener("click", async () => {
    if (!state || !state.graph) return;
    const response = await fetch("/store?graph=" + encodeURIComponent(state.graph), {
      method: "DELETE", headers: { Authorization: "Bearer " + $("ingest-token").value },
    });
    $("ingest-outcome").append(el("p", { class: response.ok ? "written" : "error" },
      response.ok ? "removed " + state.graph : "could not remove: " + response.status));
    if (response.ok) $("ingest-remove").hidden = true;
  });
})();
