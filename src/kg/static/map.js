/* /map: the same network drawn on coordinates, over a graticule and province areas. */
(function () {
  "use strict";
  function config() {
    // Pages carry it as a JSON data block (the CSP forbids inline scripts).
    const block = document.getElementById("kg-config");
    return window.KG_CONFIG || (block ? JSON.parse(block.textContent) : {});
  }
  const options = Object.assign({}, config(), { mode: "geo" });
  window.KGNet.start(document.getElementById("netview"), options);
})();
