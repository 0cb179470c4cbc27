// The home page's place search: the resolver's names as suggestions while typing (suggest.js);
// the form itself goes to /search, which opens the place's page when the name means exactly one
// place.
(function () {
  "use strict";
  const input = document.getElementById("home-place");
  if (input) window.KGSuggest.places(input, input.dataset.resolve);
})();
