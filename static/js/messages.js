/* Message forms (progressive enhancement; the desk checks every limit again on the server).
 * <textarea data-char-counter="ID"> keeps <output id="ID" data-max="2000"> showing "n / 2000",
 * marked when the text is near or over the limit. Line ends count as one character, as they do
 * for the textarea's maxlength and for the desk.
 * An external file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  var NEAR = 0.9; // share of the limit from which the counter is highlighted

  function update(textarea) {
    var output = document.getElementById(textarea.getAttribute("data-char-counter"));
    if (!output) {
      return;
    }
    var max = parseInt(output.getAttribute("data-max"), 10) || 0;
    var length = textarea.value.replace(/\r\n/g, "\n").length;
    output.textContent = length + " / " + max;
    output.classList.toggle("char-counter-over", max > 0 && length > max);
    output.classList.toggle("char-counter-near", max > 0 && length <= max && length >= max * NEAR);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-char-counter]")) {
      update(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-char-counter]").forEach(update);
  });
})();
