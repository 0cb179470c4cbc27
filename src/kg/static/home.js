// The home page's place search: the resolver's names as suggestions while typing; the form
// itself goes to /search, which opens the place's page when the name means exactly one place.
(function () {
  "use strict";
  const input = document.getElementById("home-place");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const value = input.value.trim();
      if (!value) return;
      const response = await fetch(input.dataset.resolve + "?q=" + encodeURIComponent(value),
        { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const body = await response.json();
      list.replaceChildren();
      for (const m of [...(body.matches || []), ...(body.suggestions || [])]) {
        const option = document.createElement("option");
        option.value = m.label_zh;
        option.label = m.label_zh + (m.label_en ? " " + m.label_en : "") + (m.parent ? " · " + m.parent.label_zh : "");
        list.appendChild(option);
      }
    }, 200);
  });
})();
