/* The desk's camera: a frame of the live preview is drawn in memory, encoded as JPEG and
   sent straight to Bekal. Nothing is written on this device: no file input, no download,
   no storage API; the canvas and the photo are dropped as soon as the answer arrives. */
(function () {
  "use strict";
  var root = document.getElementById("desk-camera");
  if (!root) return;
  var video = root.querySelector("video");
  var status = root.querySelector("[data-status]");
  var token = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var buttons = root.querySelectorAll("[data-take]");
  var stream = null;

  function setEnabled(enabled) {
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = !enabled;
  }

  function stop() {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
  }

  function take(button) {
    var kind = button.dataset.take;
    var section = root.querySelector('[data-kind="' + kind + '"]');
    var receipt = section.querySelector("[data-receipt]");
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    setEnabled(false);
    receipt.textContent = root.dataset.sending;
    canvas.toBlob(function (blob) {
      // Forget the pixels at once: only the blob being sent holds the photo now.
      canvas.width = 0;
      canvas.height = 0;
      var body = new FormData();
      body.append("kind", kind);
      body.append("photo", blob, kind + ".jpg");
      fetch(root.dataset.uploadUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
        cache: "no-store"
      }).then(function (response) {
        return response.json().then(function (answer) { return answer; });
      }).then(function (answer) {
        receipt.textContent = answer.ok ? answer.receipt : answer.message;
        section.dataset.sent = answer.ok ? "yes" : "no";
      }).catch(function () {
        receipt.textContent = root.dataset.failed;
      }).then(function () {
        body = null;
        blob = null;
        setEnabled(true);
      });
    }, "image/jpeg", 0.92);
  }

  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function (event) { take(event.currentTarget); });
  }
  window.addEventListener("pagehide", stop);

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    status.textContent = root.dataset.noCamera;
    return;
  }
  navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
    .then(function (s) {
      stream = s;
      video.srcObject = s;
      video.addEventListener("loadeddata", function () {
        status.textContent = "";
        setEnabled(true);
      }, { once: true });
    })
    .catch(function () {
      status.textContent = root.dataset.noCamera;
    });
})();
