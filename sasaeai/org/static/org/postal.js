// 郵便番号 → 住所: after the lookup (htmx, org:postal_lookup) shows the 町域 under the postal
// code field, a single candidate fills the address field when that field is empty (or still
// holds what was filled before), and selects the town when none is chosen; with several
// candidates, the 「住所に入れる」 button of the one chosen does it. The fields stay typeable.
(function () {
  "use strict";
  if (window.sasaeaiPostal) { return; }
  window.sasaeaiPostal = true;

  function fieldOf(input, attribute) {
    var name = input.getAttribute(attribute);
    return name && input.form ? input.form.elements[name] : null;
  }
  function inputFor(result) {
    var previous = result.previousElementSibling;
    return previous ? previous.querySelector("input[data-postal-address], input[data-postal-town]") : null;
  }
  function apply(input, candidate) {
    var address = fieldOf(input, "data-postal-address");
    if (address && candidate.getAttribute("data-address")) {
      address.value = candidate.getAttribute("data-address");
      address.setAttribute("data-postal-filled", address.value);
      address.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var town = fieldOf(input, "data-postal-town");
    var townId = candidate.getAttribute("data-town");
    if (town && townId && !town.value) {
      town.value = townId;
      town.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var result = event.target;
    if (!result.classList || !result.classList.contains("postal-result")) { return; }
    var input = inputFor(result);
    var candidates = result.querySelectorAll("[data-postal-candidate]:not([data-outside])");
    if (!input || candidates.length !== 1) { return; }
    var address = fieldOf(input, "data-postal-address");
    var untouched = !address || !address.value || address.value === address.getAttribute("data-postal-filled");
    if (untouched) { apply(input, candidates[0]); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-postal-apply]");
    if (!button) { return; }
    var result = button.closest(".postal-result");
    var input = result ? inputFor(result) : null;
    if (input) { apply(input, button.closest("[data-postal-candidate]")); }
  });
})();
