// The dashboards refresh themselves: the page is loaded again every N seconds (the
// checkbox's data-seconds) unless the reader unticks "refresh automatically" (kept in
// this browser) or is typing in a field.
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  if (!box) return;
  var key = "bekal.dashboards.autoRefresh";
  try { if (window.localStorage.getItem(key) === "off") box.checked = false; } catch (e) {}
  box.addEventListener("change", function () {
    try { window.localStorage.setItem(key, box.checked ? "on" : "off"); } catch (e) {}
  });
  var seconds = parseInt(box.getAttribute("data-seconds"), 10) || 60;
  window.setInterval(function () {
    var active = document.activeElement;
    var typing = active && (active.tagName === "INPUT" && active.type === "text");
    if (box.checked && !typing && document.visibilityState !== "hidden") {
      window.location.reload();
    }
  }, seconds * 1000);
})();
