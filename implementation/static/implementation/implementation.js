// Min sida: after an in-place status change, move focus to the row's confirmation (or, when
// the change was refused, to the row's comment field, marked invalid) so a keyboard or
// screen-reader user hears the result. Works without this file too.
(function () {
  "use strict";
  document.body.addEventListener("htmx:afterSettle", function () {
    var note = document.querySelector("[data-ia-focus]");
    if (note) {
      note.removeAttribute("data-ia-focus");
      if (!note.matches("input, select, textarea, button")) {
        note.setAttribute("tabindex", "-1");
      }
      note.focus({ preventScroll: true });
      note.scrollIntoView({ block: "center" });
      window.requestAnimationFrame(function () {
        note.scrollIntoView({ block: "center" });
      });
    }
  });
})();
