// The steering group's dashboard: a print button, and a confirmation before deleting a meeting.
(function () {
  "use strict";
  var print = document.getElementById("db-print");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  document.querySelectorAll("form.db-confirm").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
