// Upload each chosen or dropped file to the JSON API with its own progress bar; without script
// the form posts all files to /upload and the server renders the results.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var results = document.getElementById("upload-results");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var csrf = form.querySelector('input[name="csrf"]').value;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);

  function line(parent, text, cls) {
    var p = document.createElement("p");
    p.textContent = text;
    if (cls) { p.className = cls; }
    parent.appendChild(p);
  }

  // Service messages name CLI commands; here they become a link to the walk's page.
  function hinted(parent, text) {
    var p = document.createElement("p");
    var parts = text.replace("'walkrx walks delete ID'", "delete it from its page")
      .split(/'walkrx walks prefer (\d+)'/);
    parts.forEach(function (part, i) {
      if (i % 2 === 0) { p.appendChild(document.createTextNode(part)); return; }
      var a = document.createElement("a");
      a.href = "/walks/" + part;
      a.textContent = "open walk " + part + " and keep that record";
      p.appendChild(a);
    });
    parent.appendChild(p);
  }

  function show(item, outcome) {
    item.className = "result " + (outcome.failed.length ? "failed" : outcome.stored.length ? "ok" : "neutral");
    if (outcome.stored.length) { line(item, outcome.stored.length + " walk(s) stored."); }
    if (outcome.unchanged) { line(item, "Already uploaded before: nothing changed."); }
    else { outcome.messages.forEach(function (m) { hinted(item, m); }); }
    outcome.skipped.forEach(function (s) { line(item, "Skipped " + s.file + ": " + s.reason); });
    outcome.failed.forEach(function (f) { line(item, "Failed " + f.file + ": " + f.error, "error-message"); });
  }

  function send(file) {
    var item = document.createElement("li");
    item.className = "result";
    var name = document.createElement("strong");
    name.textContent = file.name;
    item.appendChild(name);
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    item.appendChild(bar);
    results.appendChild(item);
    if (file.size > maxBytes) {
      item.removeChild(bar);
      item.className = "result failed";
      line(item, "Too large: over the " + Math.round(maxBytes / 1048576) + " MB limit per file. Nothing was stored.", "error-message");
      return;
    }
    var data = new FormData();
    data.append("files", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-api"));
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = 100 * e.loaded / e.total; } };
    xhr.onload = function () {
      item.removeChild(bar);
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.files) {
        body.files.forEach(function (o) { show(item, o); });
      } else {
        item.className = "result failed";
        line(item, (body && body.error) ? body.error.message : "Upload failed (" + xhr.status + ").", "error-message");
      }
    };
    xhr.onerror = function () {
      item.removeChild(bar);
      item.className = "result failed";
      line(item, "The connection failed: nothing more was sent. Try this file again.", "error-message");
    };
    xhr.send(data);
  }

  function sendAll(files) { for (var i = 0; i < files.length; i++) { send(files[i]); } }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    sendAll(input.files);
    form.reset();
  });
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { sendAll(e.dataTransfer.files); });
})();
