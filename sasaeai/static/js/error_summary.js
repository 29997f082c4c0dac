// The error summary (includes/error_summary.html): after a refused submit the focus moves to
// the summary at the top, so that a phone shows it and a screen reader reads it; every
// collapsed part (<details>) holding an error opens; a link of the summary opens the part
// holding its field and puts the focus on the field. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  function openAround(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
      if (node.hidden) { node.hidden = false; }
    }
  }
  var errors = document.querySelectorAll('.field--error, [aria-invalid="true"], .errorlist');
  Array.prototype.forEach.call(errors, openAround);
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  openAround(summary);
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) { return; }
    event.preventDefault();
    openAround(target);
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
})();
