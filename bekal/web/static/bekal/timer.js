// The test's timer: counts down between pages (the server's deadline decides). Under two
// minutes it says so in words, in a live region a screen reader announces, not only in
// colour. At zero, it asks the server.
(function () {
  "use strict";
  var box = document.querySelector("[data-remaining]");
  if (!box) return;
  var clock = box.querySelector("[data-clock]");
  var warning = document.querySelector("[data-timer-warning]");
  var end = Date.now() + Number(box.dataset.remaining) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left < 120) {
      box.classList.add("low");
      if (warning && !warning.textContent.trim()) warning.textContent = warning.dataset.text;
    }
    if (left === 0) { window.location.reload(); return; }
    setTimeout(tick, 1000);
  }
  setTimeout(tick, 1000);
})();
