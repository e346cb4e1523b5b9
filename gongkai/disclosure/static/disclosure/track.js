// "显示密码": a checkbox that shows the tracking password as text. Without this script the checkbox stays
// hidden and the field is a plain password field (the site's CSP allows no inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-shows]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-shows"));
    if (!field) return;
    box.closest("label").hidden = false;
    box.addEventListener("change", function () { field.type = box.checked ? "text" : "password"; });
  });
});
