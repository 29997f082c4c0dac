// Page layout on phones (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  // Tables become stacked rows on a phone (CSS, max-width 40rem): each cell is labelled with
  // its column's heading (data-label, shown by CSS) and keeps its table role for screen
  // readers. Tables whose heading has several rows, or that say data-keep-table, stay
  // tables and scroll inside their .table-wrap, as they do without this script.
  function stackTables(root) {
    (root || document).querySelectorAll(".table-wrap > table").forEach(function (table) {
      if (table.classList.contains("is-stackable") || table.hasAttribute("data-keep-table")) { return; }
      var head = table.tHead;
      if (!head || head.rows.length !== 1) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.rows[0].cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i++) { labels.push(cell.textContent.trim()); }
      });
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(table.querySelectorAll("tr"), function (row) {
        row.setAttribute("role", "row");
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var isHeader = cell.tagName === "TH";
          var inHead = row.parentNode === head;
          cell.setAttribute("role", inHead ? "columnheader" : (isHeader ? "rowheader" : "cell"));
          var label = labels[column] || "";
          if (!inHead && label && (cell.colSpan || 1) === 1) { cell.setAttribute("data-label", label); }
          column += cell.colSpan || 1;
        });
      });
      Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
        group.setAttribute("role", "rowgroup");
      });
      table.classList.add("is-stackable");
    });
  }
  stackTables();
  document.body.addEventListener("htmx:afterSwap", function (event) { stackTables(event.target); });

  // The menu on phones: one button shows or hides the menu and the user's links. Without
  // this script (or on a wide screen) the menu is simply always shown.
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
