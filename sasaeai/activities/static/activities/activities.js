// Activity forms: show a field only when another field has a given value
// (<div data-show-when="consulter_type" data-show-value="other_body">). No inline scripts (CSP).
(function () {
  "use strict";
  function currentValue(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var control = form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type="radio"]):not([type="checkbox"])');
    return control ? control.value : "";
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var shown = currentValue(form, block.getAttribute("data-show-when")) === block.getAttribute("data-show-value");
      // Keep the block visible when it holds an error or a typed value.
      var keep = block.querySelector(".errorlist") || Array.prototype.some.call(
        block.querySelectorAll("input[type=text], input[type=date], textarea"), function (el) { return el.value; });
      block.hidden = !(shown || keep);
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-show-when]")) { return; }
    refresh(form);
    form.addEventListener("change", function () { refresh(form); });
  });
})();
