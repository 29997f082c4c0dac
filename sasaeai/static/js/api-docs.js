// The API docs page (Swagger UI): what its own markup lacks for a keyboard and a screen
// reader, added as it draws (WCAG 2.2 AA, see css/api-docs.css for colours and sizes).
// - A code block that scrolls (an example, a response) can be reached with the keyboard
//   and is named, so that its hidden part can be scrolled into view (2.1.1).
// - A parameter's value list (true / false) is named by its parameter (4.1.2).
// - In the Authorize dialog, the close button has a name, and the apply button's name is
//   the text it shows (2.5.3), not another one.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll(".microlight:not([tabindex]), .highlight-code pre:not([tabindex])")
      .forEach(function (block) {
        block.setAttribute("tabindex", "0");
        block.setAttribute("role", "region");
        block.setAttribute("aria-label", "コードの例");
      });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name") + " の値");
    });
    root.querySelectorAll(".close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "閉じる");
    });
    root.querySelectorAll(".auth-btn-wrapper .btn[aria-label]").forEach(function (button) {
      if (button.textContent.trim()) button.removeAttribute("aria-label");
    });
  }
  var target = document.getElementById("swagger-ui");
  if (!target) return;
  new MutationObserver(function () { fix(target); }).observe(target, { childList: true, subtree: true });
  fix(target);
})();
