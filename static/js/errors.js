// After a refused form the page comes back with a summary of its errors: focus moves there
// (the first one, if a page has several forms), so a screen reader reads what to fix rather
// than the top of the page. A link in the summary focuses its field, not just scrolls to it.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    // A field's autofocus (the login's username) would otherwise take focus back.
    document.querySelectorAll("[autofocus]").forEach(function (field) {
      field.removeAttribute("autofocus");
    });
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();
