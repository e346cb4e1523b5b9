// On a narrow screen the filters (search page, policy library) fold into a 筛选 panel so the results come
// first; on a wide screen they stay open (the panel's toggle is hidden there by search.css).
(function () {
  var panel = document.querySelector(".filter-panel");
  if (!panel || !window.matchMedia) return;
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fit() { panel.open = !narrow.matches; }
  fit();
  panel.setAttribute("data-ready", "");
  if (narrow.addEventListener) narrow.addEventListener("change", fit);
})();
