/* /explore: the network with a force layout (started from coordinates where known). */
(function () {
  "use strict";
  const config = Object.assign({ mode: "force" }, window.KG_CONFIG || {});
  window.KGNet.start(document.getElementById("netview"), config);
})();
