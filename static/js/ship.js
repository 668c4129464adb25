// The shipment form: choosing a package preset fills the parcel's sides, weight and size.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("f-preset");
    if (!select) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      ["length_cm", "width_cm", "height_cm", "weight_kg", "template"].forEach(function (name) {
        var value = option.getAttribute("data-" + name.replace("_", "-"));
        var input = document.getElementById("f-" + name);
        if (input && value !== null) { input.value = value; }
      });
    });
  });
})();
