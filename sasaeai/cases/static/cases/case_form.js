// The case form: the 丁目 list offers only the blocks of the chosen 町 (each option names its
// town in data-town); a block chosen before its town chooses the town. Without this script
// every block is offered and the server refuses a block of another town. No inline scripts.
(function () {
  "use strict";
  var town = document.getElementById("id_town");
  var block = document.getElementById("id_town_block");
  if (!town || !block) { return; }

  function follow() {
    var chosen = town.value;
    var offered = 0;
    Array.prototype.forEach.call(block.options, function (option) {
      var owner = option.getAttribute("data-town");
      if (!owner) { return; }  // 「---------」
      var fits = !chosen || owner === chosen;
      option.hidden = !fits;
      option.disabled = !fits;
      if (fits) { offered += 1; }
      if (!fits && option.selected) { block.value = ""; }
    });
    block.disabled = Boolean(chosen) && offered === 0;
  }

  town.addEventListener("change", follow);
  block.addEventListener("change", function () {
    var option = block.options[block.selectedIndex];
    var owner = option && option.getAttribute("data-town");
    if (owner && !town.value) {
      town.value = owner;
      town.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  follow();
})();
