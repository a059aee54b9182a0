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

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

  // "2026-12-05T09:30:00+00:00" (or a date) -> "Sat 5 Dec 2026": the walker's own words, no ISO
  function day(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) { return ""; }
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + m[1];
  }

  function linked(parent, before, id, text, after) {
    var p = document.createElement("p");
    p.appendChild(document.createTextNode(before));
    var a = document.createElement("a");
    a.href = "/walks/" + id;
    a.textContent = text;
    p.appendChild(a);
    p.appendChild(document.createTextNode(after || ""));
    parent.appendChild(p);
  }

  // Worded here from the outcome's fields (the API's messages are for scripts and the command
  // line: they give ISO dates and walk numbers).
  function show(item, outcome) {
    item.className = "result " + (outcome.failed.length ? "failed" : outcome.stored.length ? "ok" : "neutral");
    var n = outcome.stored.length;
    var waiting = {};
    outcome.unconfirmed.forEach(function (u) { waiting[u.id] = true; });
    if (n) { line(item, n === 1 ? "1 walk stored." : n + " walks stored."); }
    outcome.stored.forEach(function (id) {
      if (waiting[id]) {
        linked(item, "Not counted yet, because the file does not show it was a walk: ", id, "open it and say whether it was", ".");
      } else if (n <= 3) {
        linked(item, "", id, "See the walk", "");
      }
    });
    outcome.set_aside.forEach(function (id) {
      linked(item, "This walk was already in your diary, from a record with as much data or more, so that one counts. ", id, "Open this record to keep it instead", ".");
    });
    if (outcome.replaced.length) {
      line(item, "It replaces a record logged before, because it has heart-rate samples; your ratings were kept.");
    }
    if (outcome.unchanged) {
      line(item, "You uploaded this file before" + (outcome.uploaded_at ? " (" + day(outcome.uploaded_at) + ")" : "") + ": nothing changed.");
      (outcome.earlier || []).forEach(function (w) {
        var state = w.set_aside_for ? "set aside: the same walk was already in your diary from another record, which counts"
          : (w.counted ? "it counts" : "not counted yet, until you say it was a walk");
        linked(item, "It gave ", w.id, "a walk", ": " + state + ".");
      });
    }
    outcome.skipped.forEach(function (s) {
      var where = s.file && s.file !== outcome.file ? " (" + s.file + ")" : "";
      line(item, (outcome.unchanged ? "Not stored then" : "Skipped") + where + ": " + s.reason + ".");
    });
    outcome.failed.forEach(function (f) { line(item, "Could not be read" + (f.file !== outcome.file ? " (" + f.file + ")" : "") + ": " + f.error, "error-message"); });
    if (!n && !outcome.unchanged && !outcome.skipped.length && !outcome.failed.length && !outcome.set_aside.length) {
      line(item, "No walks found in this file.");
    }
  }

  // Files go one after another (a queue), so a big export never competes with the others for the
  // server's memory and every file gets its own outcome; each waits with "Waiting to send".
  var queue = [];
  var busy = false;

  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    var job = queue.shift();
    job.start(function () { busy = false; next(); });
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
    var waiting = document.createElement("p");
    waiting.className = "hint";
    waiting.textContent = "Waiting to send";
    item.appendChild(waiting);
    results.appendChild(item);
    if (file.size > maxBytes) {
      item.removeChild(bar);
      item.removeChild(waiting);
      item.className = "result failed";
      line(item, "Too large: over the " + Math.round(maxBytes / 1048576) + " MB limit per file. Nothing was stored.", "error-message");
      return;
    }
    queue.push({ start: function (done) { upload(file, item, bar, waiting, done); } });
    next();
  }

  function upload(file, item, bar, waiting, done) {
    item.removeChild(waiting);
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
      item.setAttribute("data-done", "yes");
      done();
    };
    xhr.onerror = function () {
      item.removeChild(bar);
      item.className = "result failed";
      line(item, "The connection failed: nothing more was sent. Try this file again.", "error-message");
      item.setAttribute("data-done", "yes");
      done();
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
