// The app on every page (issue 14): installs the service worker (/sw.js) and tells it the
// page's session; gives each walk and check-in form a fresh entry key; shows what waits on the
// phone to be sent; shows the advice the moment a warning-sign question is answered yes (the
// page holds the text: no network needed); and clears what the phone keeps when signing out.
(function () {
  "use strict";
  var outbox = window.WalkrxOutbox;
  var sessionMeta = document.querySelector('meta[name="walkrx-session"]');
  var copyMeta = document.querySelector('meta[name="walkrx-offline-copy"]');
  var owner = sessionMeta ? sessionMeta.getAttribute("data-owner") || "" : "";
  var canWork = "serviceWorker" in navigator && window.isSecureContext;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- the service worker and the session --------------------------------------------------

  function toWorker(message) {
    if (!canWork) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (registration) {
      var worker = registration.active;
      if (!worker) { return null; }
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        var timer = setTimeout(resolve, 5000);
        channel.port1.onmessage = function () { clearTimeout(timer); resolve(); };
        worker.postMessage(message, [channel.port2]);
      });
    });
  }

  if (canWork) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { return null; });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") { showOutbox(event.data.sent || 0); }
    });
    // a page that belongs to the app says whose it is (the offline copies and the pages the
    // worker makes have no such meta: they change nothing)
    if (sessionMeta && !copyMeta) {
      toWorker({
        type: "session",
        tag: sessionMeta.getAttribute("content") || "",
        owner: owner,
        csrf: sessionMeta.getAttribute("data-csrf") || "",
        maxAge: parseInt(sessionMeta.getAttribute("data-max-age") || "0", 10),
        time: Math.floor(performance.timeOrigin || Date.now())
      }).then(function () { showOutbox(0); });
    }
    window.addEventListener("online", function () { toWorker({ type: "flush" }); });
  }

  // --- what waits on the phone -------------------------------------------------------------

  var status = document.getElementById("outbox-status");
  var sentSoFar = 0;

  function words(list) {
    var walks = list.filter(function (e) { return e.kind === "walk"; }).length;
    var checkins = list.length - walks;
    var parts = [];
    if (walks) { parts.push(walks === 1 ? "1 walk" : walks + " walks"); }
    if (checkins) { parts.push(checkins === 1 ? "1 check-in" : checkins + " check-ins"); }
    return parts.join(" and ");
  }

  function showOutbox(sent) {
    if (!status || !outbox) { return; }
    sentSoFar += sent;
    var reading = outbox.meta().then(function (meta) {
      return outbox.of(owner || (meta && meta.owner) || "");
    });
    reading.then(function (list) {
      var waiting = list.filter(function (e) { return e.state !== "failed"; });
      var failed = list.filter(function (e) { return e.state === "failed"; });
      status.textContent = "";
      status.setAttribute("data-pending", String(waiting.length));
      status.setAttribute("data-failed", String(failed.length));
      if (waiting.length) {
        status.setAttribute("data-state", "waiting");
        var signIn = waiting.some(function (e) { return e.state === "sign-in"; });
        status.appendChild(document.createTextNode(
          words(waiting) + (waiting.length === 1 ? " is" : " are") + " saved on this phone, waiting to send" +
          (signIn ? ": sign in again to send " + (waiting.length === 1 ? "it" : "them") + "." :
            navigator.onLine ? "." : ": it goes as soon as the network is back.")));
      } else if (sentSoFar) {
        status.setAttribute("data-state", "sent");
        status.textContent = "Sent to walkrx: everything saved on this phone is stored.";
      }
      failed.forEach(function (entry) {
        var p = document.createElement("span");
        p.className = "outbox-failed";
        p.textContent = " A " + (entry.kind === "walk" ? "walk" : "check-in") + " saved on this phone was refused: " +
          entry.message + ". ";
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link-button";
        discard.textContent = "Discard it";
        discard.addEventListener("click", function () {
          outbox.remove(entry.key).then(function () { showOutbox(0); });
        });
        p.appendChild(discard);
        status.appendChild(p);
        status.setAttribute("data-state", waiting.length ? "waiting" : "failed");
      });
      status.hidden = !(waiting.length || failed.length || sentSoFar);
    }, function () { return null; });
  }

  // --- the entry forms ---------------------------------------------------------------------

  function todayIn(zone) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
    } catch (err) { return null; }
  }

  function timeIn(zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date());
    } catch (err) { return null; }
  }

  function prepare() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
      var key = form.querySelector('input[name="entry_key"]');
      if (key) { key.value = uuid(); }  // one entry, one key: a second tap of Save sends the same
      if (!copyMeta) { return; }
      // an offline copy, maybe from another day: date it today, where the walker lives
      var zone = form.getAttribute("data-timezone") || "UTC";
      var date = form.querySelector('input[name="date"]');
      var today = todayIn(zone);
      if (date && today && date.value === form.getAttribute("data-day")) { date.value = today; }
      var start = form.querySelector('input[name="start"]');
      var time = timeIn(zone);
      if (start && time) { start.value = time; }
    });
    if (copyMeta) {
      var saved = new Date(parseInt(copyMeta.getAttribute("content") || "0", 10));
      var note = document.createElement("p");
      note.className = "offline-note";
      note.setAttribute("data-offline-copy", "yes");
      note.textContent = "You are offline: this is the page as it was at " +
        saved.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + " on " +
        saved.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" }) +
        ". What you save here waits on this phone and is sent when the network is back.";
      var main = document.getElementById("main");
      if (main) { main.insertBefore(note, main.firstChild); }
    }
  }

  window.addEventListener("pageshow", prepare);

  // --- warning signs: the advice at once ---------------------------------------------------

  function showAdvice() {
    var live = document.querySelector("[data-live-advice]");
    if (!live) { return; }
    var tiers = Array.prototype.map.call(
      document.querySelectorAll("input[data-tier]:checked"), function (i) { return i.getAttribute("data-tier"); });
    var tier = tiers.indexOf("emergency") >= 0 ? "emergency" : tiers.length ? "urgent" : null;
    Array.prototype.forEach.call(live.querySelectorAll("[data-advice]"), function (section) {
      var shown = section.getAttribute("data-advice") === tier;
      section.hidden = !shown;
      if (shown) { section.setAttribute("role", "alert"); } else { section.removeAttribute("role"); }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name && document.querySelector('input[data-tier][name="' + target.name + '"]')) { showAdvice(); }
  });

  // --- signing out -------------------------------------------------------------------------

  function clearPhone() {
    var work = [toWorker({ type: "signout" })];
    if (window.caches) {
      work.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("walkrx-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      }));
    }
    if (outbox) { work.push(outbox.clear()); }
    return Promise.race([Promise.all(work), new Promise(function (resolve) { setTimeout(resolve, 3000); })]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-signout") || form.getAttribute("data-cleared")) { return; }
    event.preventDefault();
    var pending = outbox ? outbox.of(owner) : Promise.resolve([]);
    pending.then(function (list) { return list; }, function () { return []; }).then(function (list) {
      if (list.length && !window.confirm(words(list) + (list.length === 1 ? " is" : " are") +
          " saved on this phone and not sent yet. Signing out deletes " + (list.length === 1 ? "it" : "them") +
          ". Sign out anyway?")) { return; }
      clearPhone().then(function () {
        form.setAttribute("data-cleared", "yes");
        form.submit();
      });
    });
  });

  document.addEventListener("DOMContentLoaded", function () { showAdvice(); showOutbox(0); });
})();
