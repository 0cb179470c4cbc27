/* /map: the same network drawn on coordinates, over a graticule and province areas. */
(function () {
  "use strict";
  const config = Object.assign({}, window.KG_CONFIG || {}, { mode: "geo" });
  window.KGNet.start(document.getElementById("netview"), config);
})();
