// The 无障碍 switches (font size, high contrast, reading guide line, stronger keyboard focus) and 长者模式.
// Choices are kept in localStorage ("gongkai-a11y") and applied on every page by a11y-init.js before paint.
(function () {
  var KEY = "gongkai-a11y";
  var root = document.documentElement;
  var bar = document.getElementById("a11y-bar");
  if (!bar) return;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(prefs) {
    try { window.localStorage.setItem(KEY, JSON.stringify(prefs)); } catch (e) { /* private mode: this page only */ }
  }
  var prefs = load();

  var guide = document.createElement("div");
  guide.className = "reading-guide";
  guide.setAttribute("aria-hidden", "true");
  document.body.appendChild(guide);
  function moveGuide(y) { guide.style.top = Math.max(0, y - 2) + "px"; }
  document.addEventListener("mousemove", function (e) { if (prefs.guide) moveGuide(e.clientY); });
  document.addEventListener("focusin", function (e) {
    if (!prefs.guide || !e.target.getBoundingClientRect) return;
    var box = e.target.getBoundingClientRect();
    moveGuide(box.bottom + 2);
  });

  function apply() {
    root.classList.toggle("a11y-size-1", prefs.size === 1);
    root.classList.toggle("a11y-size-2", prefs.size === 2);
    root.classList.toggle("a11y-contrast", !!prefs.contrast);
    root.classList.toggle("a11y-guide", !!prefs.guide);
    root.classList.toggle("a11y-focus", !!prefs.focus);
    root.classList.toggle("elder", !!prefs.elder);
    bar.querySelectorAll("[data-a11y]").forEach(function (button) {
      var name = button.getAttribute("data-a11y"), value = button.getAttribute("data-value");
      var on = value === null ? !!prefs[name] : String(prefs[name] || 0) === value;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  bar.addEventListener("click", function (e) {
    var button = e.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-a11y-reset")) {
      prefs = {};
    } else if (button.hasAttribute("data-a11y")) {
      var name = button.getAttribute("data-a11y"), value = button.getAttribute("data-value");
      if (value === null) prefs[name] = !prefs[name];
      else prefs[name] = parseInt(value, 10);
    } else {
      return;
    }
    save(prefs);
    apply();
  });
  bar.hidden = false;
  apply();

  // Buttons marked data-print (the document page's 打印本页) print the page; the print style sheet hides
  // navigation, footer and switches and shows the page's address.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
