// The pair form's source picker: find a source document by words of its title or its document number (an ARIA
// combobox, core/combobox.js), which fills the source number and shows its title; then choose one of its
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
  if (!picker || !find || !list || !source || !title || !articles || !article || !window.fetch ||
      !window.gongkaiCombobox) return;
  picker.hidden = false;
  var askedArticles = 0, shownSource = "";

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

  var box = window.gongkaiCombobox(find, list, {
    url: function (q) { return picker.dataset.sources + "?q=" + encodeURIComponent(q); },
    load: getJSON,
    delay: 200,
    blurDelay: 150,
    idPrefix: "f-source-option-",
    scroll: true,
    enterNeverSubmits: true,
    answered: function (answer) {
      if (answer.ok) show(answer.data.documents || [], answer.data.more);
      else { box.close(); say(answer.data.detail || "查找失败，请稍后再试。"); }
    },
    failed: function () { say("查找失败，请稍后再试，或直接填写编号。"); },
    cleared: function () { say(""); },
    render: function (doc, li) {
      li.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "source-found-title"; name.textContent = doc.title;
      var meta = document.createElement("span");
      meta.className = "source-found-meta";
      meta.textContent = [doc.doc_number, doc.agency, doc.published_on, "编号 " + doc.id].filter(Boolean).join(" · ");
      li.appendChild(name); li.appendChild(meta);
    },
    choose: choose
  });
  function show(documents, more) {
    box.show(documents);
    if (!documents.length) { say("没有找到可作依据的文件（须为已公开、现行有效的文件）。"); return; }
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
  // Called by the combobox once its list is closed.
  function choose(doc) {
    source.value = String(doc.id);
    title.textContent = describe(doc);
    var note = forgetArticle(String(doc.id));
    say("已选择：" + describe(doc) + "，编号 " + doc.id + "。" + note);
    loadArticles(String(doc.id));
  }

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
