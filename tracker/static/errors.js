/* A page sent back with errors: focus moves to its error summary, so a keyboard or screen
   reader user starts at the list of what to correct (WCAG 2.1 AA, GOV.UK's error summary). */
(function () {
  "use strict";

  function focusSummary() {
    const summary = document.querySelector(".error-summary");
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.tabIndex = -1;
    summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusSummary);
  else focusSummary();
})();
