// HoS-portalen: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // htmx: send Django's CSRF token with every request it makes.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
  // A table wider than the screen scrolls sideways in its .table-responsive box: that box
  // must be reachable with the keyboard (WCAG 2.1.1) and named for screen readers, so it
  // becomes a focusable region named after the table's caption or the heading before it.
  function scrollRegions() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (!scrolls) {
        if (box.hasAttribute("data-scroll-region")) {
          box.removeAttribute("tabindex");
          box.removeAttribute("role");
          box.removeAttribute("data-scroll-region");
        }
        return;
      }
      if (box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("data-scroll-region", "");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        var heading = null;
        for (var el = box.previousElementSibling; el && !heading; el = el.previousElementSibling) {
          if (/^H[1-6]$/.test(el.tagName)) { heading = el; }
        }
        var name = (caption || heading || {}).textContent || "";
        box.setAttribute("aria-label", (name.trim() || document.title) + " (" +
          (document.documentElement.lang === "en" ? "table, scrolls sideways" : "tabell, rullas i sidled") + ")");
      }
    });
  }
  scrollRegions();
  window.addEventListener("resize", scrollRegions);
  document.body.addEventListener("htmx:afterSettle", scrollRegions);
  // Elements marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
