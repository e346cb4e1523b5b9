// Keyword suggestions as you type (ARIA combobox); the form works without this script.
(function () {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, items = [], active = -1, asked = 0;

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
  }
  function choose(text) { input.value = text; close(); input.form.submit(); }
  function mark(index) {
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }
  function show(suggestions) {
    // The same list again keeps the one the arrow keys chose.
    var same = !list.hidden && suggestions.length === items.length &&
      suggestions.every(function (text, i) { return items[i].textContent === text; });
    if (same) return;
    close();
    if (!suggestions.length) return;
    suggestions.forEach(function (text, i) {
      var li = document.createElement("li");
      li.id = "search-suggestion-" + i; li.setAttribute("role", "option"); li.textContent = text;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(text); });
      list.appendChild(li); items.push(li);
    });
    list.hidden = false; input.setAttribute("aria-expanded", "true");
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(function () {
      // Only the answer to the last request is shown: an earlier one arriving late would replace
      // the list under the arrow keys.
      var mine = ++asked;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine === asked && q === input.value.trim()) show(data.suggestions || []);
        })
        .catch(function () { if (mine === asked) close(); });
    }, 150);
  });
  input.addEventListener("keydown", function (e) {
    // Esc closes the suggestions and keeps what was typed (a search box would otherwise clear itself).
    if (e.key === "Escape") { e.preventDefault(); close(); return; }
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active].textContent); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
