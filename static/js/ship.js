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

// The point picker: search the carrier's points and fill the form's pickup point with the chosen one.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var picker = document.querySelector(".point-picker");
    if (!picker) { return; }
    var results = document.getElementById("pp-results");
    document.getElementById("pp-search").addEventListener("click", function () {
      var query = new URLSearchParams({
        fragment: "1", account_id: picker.getAttribute("data-account"),
        carrier: document.getElementById("pp-carrier").value,
        postcode: document.getElementById("pp-postcode").value,
        city: document.getElementById("pp-city").value, street: document.getElementById("pp-street").value
      });
      fetch(picker.getAttribute("data-points-url") + "?" + query.toString(), {credentials: "same-origin"})
        .then(function (response) { return response.text(); })
        .then(function (html) { results.innerHTML = html; });
    });
    results.addEventListener("click", function (event) {
      var code = event.target.getAttribute("data-point");
      if (!code) { return; }
      document.getElementById("f-target_point").value = code;
      picker.open = false;
    });
  });
})();

// Prices side by side: "Choose" puts that service into the form.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var service = event.target.getAttribute && event.target.getAttribute("data-service");
    if (!service) { return; }
    var select = document.getElementById("f-service");
    if (select) { select.value = service; select.focus(); }
  });
})();
