/* Bekal: what every form of the site does, loaded with `defer` on every page.
 *
 * 1. A submit button, once pressed, is disabled until the page is shown again: a double
 *    tap sends the form once. It is disabled just after the browser has read the form
 *    (so the button's own name and value are still sent), enabled again when the page
 *    comes back from the back/forward cache, and after a while in case the answer was
 *    not a new page (a file download).
 * 2. A button with `data-wait-seconds` (disabled by the server until a moment) is
 *    enabled when the wait is over, and the text it points to with aria-describedby
 *    becomes its `data-ready-text`.
 * 3. An input with `minlength` and `data-too-short` says, while the person types, that
 *    the text is still too short (a polite live message after the input).
 */
(function () {
  "use strict";

  var RESTORE_AFTER_MS = 10000;
  var MARK = "data-disabled-on-submit";

  var SENT = "data-sent";

  function restore() {
    var pressed = document.querySelectorAll("[" + MARK + "]");
    for (var i = 0; i < pressed.length; i++) {
      pressed[i].disabled = false;
      pressed[i].removeAttribute(MARK);
    }
    var sent = document.querySelectorAll("form[" + SENT + "]");
    for (var j = 0; j < sent.length; j++) {
      sent[j].removeAttribute(SENT);
    }
  }

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return;
    }
    var form = event.target;
    if (form.hasAttribute(SENT)) {
      event.preventDefault(); // the second tap, before its button could be disabled
      return;
    }
    form.setAttribute(SENT, "");
    var buttons = event.submitter ? [event.submitter] : form.querySelectorAll("[type=submit]");
    window.setTimeout(function () {
      for (var i = 0; i < buttons.length; i++) {
        if (!buttons[i].disabled) {
          buttons[i].disabled = true;
          buttons[i].setAttribute(MARK, "");
        }
      }
      window.setTimeout(restore, RESTORE_AFTER_MS);
    }, 0);
  });

  window.addEventListener("pageshow", restore);

  var waiting = document.querySelectorAll("button[data-wait-seconds]");
  Array.prototype.forEach.call(waiting, function (button) {
    var seconds = parseInt(button.getAttribute("data-wait-seconds"), 10) || 0;
    window.setTimeout(function () {
      button.disabled = false;
      var help = document.getElementById(button.getAttribute("aria-describedby") || "");
      var ready = button.getAttribute("data-ready-text");
      if (help && ready) {
        help.textContent = ready;
      }
    }, seconds * 1000);
  });

  var guarded = document.querySelectorAll("input[minlength][data-too-short]");
  Array.prototype.forEach.call(guarded, function (input) {
    var note = document.createElement("p");
    note.className = "help";
    note.setAttribute("aria-live", "polite");
    note.setAttribute("data-testid", "too-short");
    input.insertAdjacentElement("afterend", note);
    var minimum = parseInt(input.getAttribute("minlength"), 10) || 0;
    input.addEventListener("input", function () {
      var short = input.value.length > 0 && input.value.length < minimum;
      note.textContent = short ? input.getAttribute("data-too-short") : "";
    });
  });
})();
