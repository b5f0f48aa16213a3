// Bekal's site-wide script, loaded (deferred) by every page of base.html. Pages work
// without it; it only helps. No script lives in the templates: the
// Content-Security-Policy forbids inline code. A site-wide behaviour is a function here
// passed to onReady; a page's own script is a file of its own, loaded from the page's
// {% block scripts %}.
(function () {
  "use strict";

  function onReady(behaviour) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", behaviour);
    } else {
      behaviour();
    }
  }

  // After a failed submit, move the focus to the summary of errors, so a screen reader
  // reads what went wrong and a keyboard user starts from there.
  onReady(function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    if (summary.scrollIntoView) summary.scrollIntoView({block: "start"});
  });
})();
