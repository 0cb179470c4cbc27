/* /explore: the network with a force layout (started from coordinates where known). */
(function () {
  "use strict";
  function config() {
    // Pages carry it as a JSON data block (the CSP forbids inline scripts).
    const block = document.getElementById("kg-config");
    return window.KG_CONFIG || (block ? JSON.parse(block.textContent) : {});
  }
  const options = Object.assign({ mode: "force" }, config());
  window.KGNet.start(document.getElementById("netview"), options);
})();
