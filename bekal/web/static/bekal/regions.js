// The profile form: choosing a province lists its regencies, and so on down to the
// village, without a reload. Without JavaScript, each list's "Choose" button does it.
(function () {
  "use strict";
  var form = document.getElementById("profile-form");
  if (!form || !window.fetch) return;
  var url = form.dataset.regionsUrl;
  var choose = form.dataset.chooseLabel;
  var levels = ["province", "regency", "district", "village"];
  form.querySelectorAll(".js-hide").forEach(function (b) { b.hidden = true; });
  function select(address, level) {
    return form.querySelector('select[data-address="' + address + '"][data-level="' + level + '"]');
  }
  function reset(el) {
    while (el.options.length) el.remove(0);
    el.add(new Option(choose, ""));
  }
  form.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.dataset || !el.dataset.level) return;
    var address = el.dataset.address, index = levels.indexOf(el.dataset.level);
    for (var i = index + 1; i < levels.length; i++) reset(select(address, levels[i]));
    var next = select(address, levels[index + 1]);
    if (!next || !el.value) return;
    fetch(url + "?level=" + levels[index + 1] + "&parent=" + encodeURIComponent(el.value),
          {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.options.forEach(function (o) { next.add(new Option(o.name, o.code)); });
      });
  });
  var other = document.getElementById("domicile-address");
  function toggle() {
    var chosen = form.querySelector('input[name="domicile"]:checked');
    other.hidden = !chosen || chosen.value !== "other";
  }
  form.querySelectorAll('input[name="domicile"]').forEach(function (r) {
    r.addEventListener("change", toggle);
  });
  toggle();
})();
