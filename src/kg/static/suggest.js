// Place names suggested while typing, from the resolver (/api/resolve): its matches first, then
// its closest names, as the options of the input's <datalist>. Shared by the home page's place
// search and the place fields of the named-query forms.
(function (global) {
  "use strict";

  function describe(place) {
    const parent = place.parent ? " · " + place.parent.label_zh : "";
    return place.label_zh + (place.label_en ? " " + place.label_en : "") + parent;
  }

  async function resolve(url, name) {
    const response = await fetch(url + "?q=" + encodeURIComponent(name), { headers: { Accept: "application/json" } });
    if (!response.ok) return { matches: [], suggestions: [], error: (await response.json()).error };
    return response.json();
  }

  /* Fill ``input``'s datalist 200 ms after the typing stops; ``then(body)`` sees each answer. */
  function places(input, url, then) {
    const list = document.getElementById(input.getAttribute("list"));
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const value = input.value.trim();
        if (!value) return;
        const body = await resolve(url, value);
        list.replaceChildren();
        for (const m of [...(body.matches || []), ...(body.suggestions || [])]) {
          const option = document.createElement("option");
          option.value = m.label_zh;
          option.label = describe(m);
          list.appendChild(option);
        }
        if (then) then(body);
      }, 200);
    });
  }

  global.KGSuggest = { places, resolve, describe };
})(window);
