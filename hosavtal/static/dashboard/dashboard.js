// The steering group's dashboard: a print button, the filters open on wide screens, and a
// confirmation before deleting a meeting.
(function () {
  "use strict";
  var print = document.getElementById("db-print");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  // The filters fold behind a button on phones; on wider screens they start open.
  var filters = document.getElementById("db-val");
  if (filters && window.matchMedia("(min-width: 768px)").matches) {
    filters.open = true;
  }
  document.querySelectorAll("form.db-confirm").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
