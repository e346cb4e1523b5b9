// Loaded in <head> without defer: applies the visitor's saved 无障碍 / 长者模式 choices to <html> before the
// page is painted, so the page never flashes in the default style first. a11y.js wires up the switches.
(function () {
  var root = document.documentElement;
  root.className += " js";
  var prefs = {};
  try { prefs = JSON.parse(window.localStorage.getItem("gongkai-a11y") || "{}") || {}; } catch (e) { prefs = {}; }
  var size = parseInt(prefs.size, 10);
  if (size === 1 || size === 2) root.className += " a11y-size-" + size;
  if (prefs.contrast) root.className += " a11y-contrast";
  if (prefs.guide) root.className += " a11y-guide";
  if (prefs.focus) root.className += " a11y-focus";
  if (prefs.elder) root.className += " elder";
})();
