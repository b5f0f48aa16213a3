// The documents page: shrink a photo in the phone before it travels.
//
// A phone's camera makes photos of 5-10 MB; on 3G that is minutes of upload. As soon as
// a photo is chosen, it is drawn on a canvas with its long side at most
// data-max-side pixels and re-encoded as JPEG, and the file input is given that
// smaller file: the form then sends it as it would send the original. A file over
// data-max-bytes is refused at once, before anything is sent. Where the browser cannot
// read the photo (HEIC in most browsers) the original is sent and the server decides.
// Without JavaScript the form sends the original photo, as it always did.
(function () {
  "use strict";

  var form = document.querySelector("form[data-photo-form]");
  if (!form || typeof window.DataTransfer !== "function") {
    return;
  }
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var maxSide = parseInt(form.dataset.maxSide, 10) || 1600;
  var quality = parseFloat(form.dataset.quality) || 0.85;
  var submit = form.querySelector("button[type=submit]");
  var busy = 0;

  function messageBox(input) {
    var id = input.id + "-browser-message";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("p");
      box.id = id;
      box.setAttribute("role", "status");
      box.className = "help";
      input.insertAdjacentElement("afterend", box);
      input.setAttribute("aria-describedby", id);
    }
    return box;
  }

  function say(input, text, isError) {
    var box = messageBox(input);
    box.textContent = text;
    box.className = isError ? "errorlist" : "help";
    box.setAttribute("role", isError ? "alert" : "status");
  }

  function setBusy(delta) {
    busy += delta;
    if (submit) {
      submit.disabled = busy > 0;
    }
  }

  function decode(file) {
    if (typeof window.createImageBitmap === "function") {
      return window.createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () {
        URL.revokeObjectURL(url);
        resolve(image);
      };
      image.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("unreadable"));
      };
      image.src = url;
    });
  }

  function shrink(file) {
    return decode(file).then(function (image) {
      var width = image.width;
      var height = image.height;
      var scale = Math.min(1, maxSide / Math.max(width, height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (typeof image.close === "function") {
        image.close();
      }
      return new Promise(function (resolve, reject) {
        canvas.toBlob(
          function (blob) {
            if (blob) {
              resolve(blob);
            } else {
              reject(new Error("not encoded"));
            }
          },
          "image/jpeg",
          quality
        );
      });
    });
  }

  function chosen(event) {
    var input = event.target;
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    if (file.size > maxBytes) {
      input.value = "";
      say(input, form.dataset.tooLarge, true);
      return;
    }
    say(input, form.dataset.preparing, false);
    setBusy(1);
    shrink(file)
      .then(function (blob) {
        if (blob.size < file.size) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          var smaller = new DataTransfer();
          smaller.items.add(new File([blob], name, { type: "image/jpeg" }));
          input.files = smaller.files;
        }
        say(input, form.dataset.ready, false);
      })
      .catch(function () {
        say(input, "", false); // the original goes as it is; the server checks it
      })
      .then(function () {
        setBusy(-1);
      });
  }

  var inputs = form.querySelectorAll("input[type=file]");
  for (var i = 0; i < inputs.length; i += 1) {
    inputs[i].addEventListener("change", chosen);
  }
  form.addEventListener("submit", function (event) {
    if (busy > 0) {
      event.preventDefault(); // a photo is still being prepared
    }
  });
})();
