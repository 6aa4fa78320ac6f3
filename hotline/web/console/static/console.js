// The console works without this file; it only adds small conveniences.
(function () {
  "use strict";
  // "Print or save as PDF" on the claim packet
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // selects that apply themselves (a submit button is there for those without scripts)
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // opening "Show" puts the keyboard on the first reason
  var reveal = document.getElementById("reveal");
  if (reveal) {
    reveal.addEventListener("toggle", function () {
      if (reveal.open) {
        var first = document.getElementById("reason-first");
        if (first) { first.focus(); }
      }
    });
  }
})();
