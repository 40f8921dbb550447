// Show only the units of the chosen party in each unit list (the server checks it too).
(function () {
  "use strict";
  function pair(partyId, unitId) {
    var party = document.getElementById(partyId);
    var unit = document.getElementById(unitId);
    if (!party || !unit) { return; }
    var all = Array.prototype.slice.call(unit.options).map(function (option) {
      return { value: option.value, text: option.text, party: option.dataset.party || "" };
    });
    function refresh() {
      var chosen = party.value;
      var current = unit.value;
      unit.innerHTML = "";
      all.forEach(function (item) {
        if (item.value === "" || !chosen || item.party === chosen) {
          var option = new Option(item.text, item.value, false, item.value === current);
          unit.add(option);
        }
      });
    }
    party.addEventListener("change", refresh);
    refresh();
  }
  pair("id_reporting_party", "id_reporting_unit");
  pair("id_receiving_party", "id_receiving_unit");
})();
