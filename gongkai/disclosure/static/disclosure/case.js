// The officer's case page. After a refused action, make sure its form is open and focus is on the first invalid
// field (the autofocus attribute does the same without this script); the error summary's links open the form
// they point into before moving focus there.
(function () {
  function reveal(element) {
    for (var d = element.closest("details"); d; d = d.parentElement ? d.parentElement.closest("details") : null) {
      d.open = true;
    }
  }
  function focusOn(element) {
    reveal(element);
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "center" });
  }
  var summary = document.getElementById("form-errors");
  var failed = document.querySelector("form.action-form.failed");
  var field = failed && failed.querySelector("[aria-invalid='true']");
  if (field) focusOn(field);
  else if (summary) focusOn(summary);
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      focusOn(target);
      history.replaceState(null, "", link.hash);
    });
  }
})();
