// The pair form's source picker: find a source document by words of its title or its document number (an ARIA
// combobox, as search/suggest.js), which fills the source number and shows its title; then choose one of its
// articles from a list, which fills the article field. Both fields can still be typed by hand; the form works
// without this script.
(function () {
  var picker = document.getElementById("source-picker");
  var find = document.getElementById("f-source-find");
  var list = document.getElementById("f-source-found");
  var status = document.getElementById("f-source-status");
  var source = document.getElementById("f-source");
  var title = document.getElementById("f-source-title");
  var articlePicker = document.getElementById("article-picker");
  var articles = document.getElementById("f-article-pick");
  var article = document.getElementById("f-article");
  if (!picker || !find || !list || !source || !title || !articles || !article || !window.fetch) return;
  picker.hidden = false;
  var timer = null, found = [], items = [], active = -1, asked = 0, askedArticles = 0, shownSource = "";

  // The answer as JSON with its status; a refusal's Chinese message is in `detail`.
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; },
          function () { return { ok: false, data: { detail: "查找失败，请稍后再试，或直接填写编号。" } }; });
      });
  }
  function say(text) { status.textContent = text; }
  function describe(doc) {
    return doc.title + (doc.doc_number ? "（" + doc.doc_number + "）" : "");
  }

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; found = []; active = -1;
    find.setAttribute("aria-expanded", "false"); find.removeAttribute("aria-activedescendant");
  }
  function mark(index) {
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      find.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else find.removeAttribute("aria-activedescendant");
  }
  function show(documents, more) {
    close();
    if (!documents.length) { say("没有找到可作依据的文件（须为已公开、现行有效的文件）。"); return; }
    documents.forEach(function (doc, i) {
      var li = document.createElement("li");
      li.id = "f-source-option-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "source-found-title"; name.textContent = doc.title;
      var meta = document.createElement("span");
      meta.className = "source-found-meta";
      meta.textContent = [doc.doc_number, doc.agency, doc.published_on, "编号 " + doc.id].filter(Boolean).join(" · ");
      li.appendChild(name); li.appendChild(meta);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(doc); });
      list.appendChild(li); items.push(li); found.push(doc);
    });
    list.hidden = false; find.setAttribute("aria-expanded", "true");
    say("找到 " + documents.length + (more ? " 个以上" : " 个") + "文件，用上下方向键选择，回车确定。" +
        (more ? "如未列出，请输入更多字词。" : ""));
  }
  // An article chosen for another document is no article of this one (its 第八条 would be cited silently):
  // emptied when the source changes from one document to another, and said so.
  function forgetArticle(number) {
    if (!shownSource || number === shownSource || !article.value.trim()) return "";
    article.value = "";
    return "原来的条号属于另一个文件，已清空，请重新选择条文。";
  }
  function choose(doc) {
    close();
    source.value = String(doc.id);
    title.textContent = describe(doc);
    var note = forgetArticle(String(doc.id));
    say("已选择：" + describe(doc) + "，编号 " + doc.id + "。" + note);
    loadArticles(String(doc.id));
  }

  find.addEventListener("input", function () {
    clearTimeout(timer);
    var q = find.value.trim();
    if (!q) { close(); say(""); return; }
    timer = setTimeout(function () {
      // Only the answer to the last request is drawn: an earlier one arriving late would replace the list under
      // the arrow keys.
      var mine = ++asked;
      getJSON(picker.dataset.sources + "?q=" + encodeURIComponent(q)).then(function (answer) {
        if (mine !== asked || q !== find.value.trim()) return;
        if (answer.ok) show(answer.data.documents || [], answer.data.more);
        else { close(); say(answer.data.detail || "查找失败，请稍后再试。"); }
      }).catch(function () { if (mine === asked) { close(); say("查找失败，请稍后再试，或直接填写编号。"); } });
    }, 200);
  });
  find.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } return; }
    if (e.key === "Enter") {
      // Enter in the search box chooses, never sends the half-filled form.
      e.preventDefault();
      if (!list.hidden && active >= 0) choose(found[active]);
      return;
    }
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
    else if (e.key === "ArrowUp") { e.preventDefault(); mark((active - 1 + items.length) % items.length); }
  });
  find.addEventListener("blur", function () { setTimeout(close, 150); });

  // The option of the article written in the field (19, or its label 第十九条), if the list has it.
  function matchArticle() {
    var typed = article.value.replace(/\s+/g, "");
    articles.value = "";
    for (var i = 1; i < articles.options.length; i++) {
      var option = articles.options[i];
      if (typed && (option.value === typed || option.dataset.label === typed)) { articles.value = option.value; return; }
    }
  }
  function clearArticles() {
    articlePicker.hidden = true;
    while (articles.options.length > 1) articles.remove(1);
  }
  function loadArticles(number) {
    shownSource = number;
    var mine = ++askedArticles;
    clearArticles();
    if (!/^[0-9]{1,15}$/.test(number)) return;
    getJSON(picker.dataset.articles + "?source=" + encodeURIComponent(number)).then(function (answer) {
      if (mine !== askedArticles) return;
      if (!answer.ok) { title.textContent = answer.data.detail || ""; return; }
      title.textContent = describe(answer.data.document);
      var rows = answer.data.articles || [];
      if (!rows.length) { articles.options[0].textContent = "该文件未分条，条号可不填"; }
      else { articles.options[0].textContent = "请选择条文（共 " + rows.length + (answer.data.more ? " 条以上" : " 条") + "）"; }
      rows.forEach(function (row) {
        var option = document.createElement("option");
        option.value = row.ref; option.dataset.label = row.label;
        option.textContent = row.label + "　" + row.text;
        articles.appendChild(option);
      });
      articlePicker.hidden = false;
      matchArticle();
    }).catch(function () { if (mine === askedArticles) clearArticles(); });
  }

  articles.addEventListener("change", function () {
    if (articles.value) article.value = articles.value;
  });
  article.addEventListener("input", matchArticle);
  // A number typed by hand is looked up too: its title is shown and its articles listed.
  source.addEventListener("change", function () {
    var number = source.value.trim();
    if (number === shownSource) return;
    title.textContent = "";
    say(forgetArticle(number));
    loadArticles(number);
  });
  if (source.value.trim()) loadArticles(source.value.trim());
})();
