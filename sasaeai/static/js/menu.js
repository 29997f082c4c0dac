// The menu on phones: one button shows or hides the menu and the user's links. Without this
// script (or on a wide screen) the menu is simply always shown. No inline scripts (CSP).
(function () {
  "use strict";
  var toggle = document.querySelector(".site-menu-toggle");
  if (!toggle) { return; }
  document.body.classList.add("has-menu-toggle");
  toggle.hidden = false;
  function set(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.body.classList.toggle("menu-open", open);
  }
  toggle.addEventListener("click", function () {
    set(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and gives focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      set(false);
      toggle.focus();
    }
  });
})();
