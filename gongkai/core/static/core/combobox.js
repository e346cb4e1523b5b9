// The ARIA combobox shared by search/suggest.js and qa/source-picker.js: a list fetched as one types, drawn only
// for the latest request, chosen with the arrow keys, Enter, Esc or the mouse. Include it before either script.
(function () {
  // Wires `input` (role=combobox, aria-controls) to `list` (role=listbox, hidden) and returns {show, close}.
  // o.url(q): what to fetch for the typed text; o.load(url): a promise of its answer (JSON by default);
  // o.answered(answer): gets the latest answer only, and calls show(items) or close(); o.render(item, li): fills
  // an option; o.choose(item): after the list closed. Optional: o.failed(), o.cleared() (box emptied), o.key(item)
  // (the same keys again keep the list and the option the arrow keys reached), o.delay, o.blurDelay, o.idPrefix,
  // o.scroll (keep the reached option in view), o.keepTextOnEscape, o.enterNeverSubmits.
  function combobox(input, list, o) {
    var timer = null, shown = [], items = [], active = -1, asked = 0;
    var load = o.load || function (url) { return fetch(url).then(function (r) { return r.json(); }); };

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; shown = []; active = -1;
      input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    }
    function choose(index) { var item = shown[index]; close(); o.choose(item); }
    function mark(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        if (o.scroll) items[index].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function show(found) {
      // Redrawing an unchanged list would lose the option the arrow keys reached.
      var same = o.key && !list.hidden && found.length === shown.length &&
        found.every(function (item, i) { return o.key(item) === o.key(shown[i]); });
      if (same) return;
      close();
      if (!found.length) return;
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = (o.idPrefix || input.id + "-option-") + i; li.setAttribute("role", "option");
        o.render(item, li);
        // mousedown, not click: the input keeps focus, so its blur does not close the list first.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li); items.push(li); shown.push(item);
      });
      list.hidden = false; input.setAttribute("aria-expanded", "true");
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { close(); if (o.cleared) o.cleared(); return; }
      timer = setTimeout(function () {
        // Only the answer to the last request is drawn: an earlier one arriving late would replace the list
        // under the arrow keys.
        var mine = ++asked;
        load(o.url(q)).then(function (answer) {
          if (mine === asked && q === input.value.trim()) o.answered(answer);
        }).catch(function () { if (mine === asked) { close(); if (o.failed) o.failed(); } });
      }, o.delay || 150);
    });
    input.addEventListener("keydown", function (e) {
      // While a pinyin input method composes, its arrows pick a candidate and its Enter confirms the characters:
      // they are the IME's, not the list's (Enter chose a suggestion, and search submitted, mid-word).
      if (e.isComposing || e.keyCode === 229) return;
      if (e.key === "Escape") {
        // A search box would otherwise clear itself on Esc; keepTextOnEscape keeps what was typed.
        if (o.keepTextOnEscape || !list.hidden) { e.preventDefault(); close(); }
        return;
      }
      // enterNeverSubmits: Enter in the box chooses, never sends a half-filled form.
      if (e.key === "Enter" && o.enterNeverSubmits) e.preventDefault();
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark((active - 1 + items.length) % items.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    });
    input.addEventListener("blur", function () { setTimeout(close, o.blurDelay || 100); });
    return { show: show, close: close };
  }
  window.gongkaiCombobox = combobox;
})();
