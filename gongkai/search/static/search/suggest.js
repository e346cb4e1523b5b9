// Keyword suggestions as you type (ARIA combobox, core/combobox.js); the form works without this script.
(function () {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch || !window.gongkaiCombobox) return;
  var box = window.gongkaiCombobox(input, list, {
    url: function (q) { return "/api/v1/suggest?q=" + encodeURIComponent(q); },
    delay: 150,
    blurDelay: 100,
    idPrefix: "search-suggestion-",
    // The same list again keeps the one the arrow keys chose.
    key: function (text) { return text; },
    // Esc closes the suggestions and keeps what was typed (a search box would otherwise clear itself).
    keepTextOnEscape: true,
    answered: function (data) { box.show(data.suggestions || []); },
    render: function (text, li) { li.textContent = text; },
    choose: function (text) { input.value = text; input.form.submit(); }
  });
})();
