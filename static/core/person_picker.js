// The searchable person picker (core.widgets.PersonPicker): fills the field's <datalist> with
// the people matching what has been typed. Loaded once per page however many fields use it.
(function () {
  if (window.personPickerLoaded) { return; }
  window.personPickerLoaded = true;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-person-search");
    var timer = null;
    var last = "";
    if (!list || !url) { return; }
    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (query.length < 2 || query === last) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = query;
        var params = new URLSearchParams({ q: query });
        if (input.dataset.party) { params.set("part", input.dataset.party); }
        fetch(url + "?" + params.toString(), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            (data.results || []).forEach(function (label) {
              var option = document.createElement("option");
              option.value = label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help; typing a username still works */ });
      }, 200);
    });
  }

  function init() {
    document.querySelectorAll("input[data-person-search]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
