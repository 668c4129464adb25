/* Ratings forms (progressive enhancement; the desk checks everything again on the server).
 * - <textarea data-counter="ID"> keeps <output id="ID" data-max="500"> showing "n / 500";
 * - <select data-template-target="ID"> copies the chosen option's data-text into that textarea;
 * - <form data-deadline="ISO" data-deadline-message="..."> refuses to send after the deadline,
 *   even when the page has been open since before it passed.
 * An external file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function updateCounter(textarea) {
    var output = document.getElementById(textarea.getAttribute("data-counter"));
    if (!output) {
      return;
    }
    var max = parseInt(output.getAttribute("data-max"), 10) || 500;
    var length = textarea.value.length;
    output.textContent = length + " / " + max;
    output.classList.toggle("ratings-counter-over", length > max);
    output.classList.toggle("ratings-counter-near", length <= max && length > max - 50);
  }

  function deadlinePassed(form) {
    var deadline = Date.parse(form.getAttribute("data-deadline"));
    return !isNaN(deadline) && Date.now() > deadline;
  }

  function showDeadline(form) {
    var box = form.querySelector(".ratings-deadline-error");
    if (box) {
      box.textContent = form.getAttribute("data-deadline-message");
      box.hidden = false;
    }
    form.querySelectorAll('button[type="submit"], textarea').forEach(function (el) { el.disabled = true; });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) {
      updateCounter(event.target);
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select.matches && select.matches("select[data-template-target]"))) {
      return;
    }
    var option = select.options[select.selectedIndex];
    var target = document.getElementById(select.getAttribute("data-template-target"));
    if (target && option && option.hasAttribute("data-text")) {
      target.value = option.getAttribute("data-text");
      updateCounter(target);
      target.focus();
    }
  });

  // Capture phase: runs before desk.js asks for confirmation and locks the buttons.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-deadline") && deadlinePassed(form)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      showDeadline(form);
    }
  }, true);

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(updateCounter);
    document.querySelectorAll("form[data-deadline]").forEach(function (form) {
      if (deadlinePassed(form)) {
        showDeadline(form);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
