/* Progressive enhancement only: every page works without this file.
 * - data-confirm="Question?" on a form or on its submit button asks before submitting;
 * - submit buttons are disabled while a form is being submitted, so a double click sends once;
 * - data-max-bytes / data-max-file-bytes on a form stop a send whose files are too large before
 *   anything leaves the browser, so the text typed in the form stays where it is.
 * Loaded as an external file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function confirmMessage(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return submitter.getAttribute("data-confirm");
    }
    return form.getAttribute("data-confirm");
  }

  function lockButtons(form, submitter) {
    var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
    // The clicked button's name/value must still reach the server after it is disabled.
    if (submitter && submitter.name) {
      var carrier = document.createElement("input");
      carrier.type = "hidden";
      carrier.name = submitter.name;
      carrier.value = submitter.value;
      carrier.setAttribute("data-submitter-copy", "");
      form.appendChild(carrier);
    }
    buttons.forEach(function (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    });
  }

  function unlockAll() {
    document.querySelectorAll("[data-submitter-copy]").forEach(function (el) { el.remove(); });
    document.querySelectorAll('[aria-busy="true"]').forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  function uploadProblem(form) {
    var maxTotal = Number(form.getAttribute("data-max-bytes") || 0);
    var maxFile = Number(form.getAttribute("data-max-file-bytes") || 0);
    var total = 0;
    var tooLarge = null;
    form.querySelectorAll('input[type="file"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
        if (maxFile && file.size > maxFile && !tooLarge) {
          tooLarge = file.name;
        }
      });
    });
    if (tooLarge) {
      return (form.getAttribute("data-file-too-large") || "").replace("{name}", tooLarge);
    }
    if (maxTotal && total > maxTotal) {
      return form.getAttribute("data-too-large");
    }
    return null;
  }

  function showUploadProblem(form, message) {
    var box = form.querySelector("[data-upload-error]");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter || null;
    if (form.hasAttribute("data-max-bytes")) {
      var problem = uploadProblem(form);
      if (problem) {
        event.preventDefault();
        showUploadProblem(form, problem);
        return;
      }
    }
    var question = confirmMessage(form, submitter);
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-no-lock") || form.target === "_blank") {
      return;
    }
    lockButtons(form, submitter);
  });

  // Back/forward cache restores pages with their buttons still disabled.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      unlockAll();
    }
  });
})();
