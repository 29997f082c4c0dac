// The bulk publication page: 「このページをすべて選ぶ」 ticks or clears every row's checkbox.
(function () {
  "use strict";
  var all = document.getElementById("publication-select-all");
  if (!all) return;
  var boxes = function () {
    return document.querySelectorAll("input[name='ids']");
  };
  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "ids") {
      var list = Array.prototype.slice.call(boxes());
      all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
    }
  });
})();
