// The phone's outbox (issue 14): walks and check-ins saved without a network, kept in IndexedDB
// until they are sent, and what the service worker knows of the session. Shared by the pages
// (static/app.js) and the service worker (/sw.js, which imports it): self.WalkrxOutbox.
//
// entries: {key, kind: "walk" | "checkin", url, body (the form, urlencoded), owner, created,
//           state: "waiting" | "sign-in" | "failed", message}
// meta:    {id: "session", tag, owner, csrf, maxAge (seconds), seen (ms)}
(function (scope) {
  "use strict";
  var NAME = "walkrx-outbox";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("entries")) { db.createObjectStore("entries", { keyPath: "key" }); }
          if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta", { keyPath: "id" }); }
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); opening = null; };  // being deleted
          resolve(db);
        };
        request.onerror = function () { opening = null; reject(request.error); };
        request.onblocked = function () { opening = null; reject(new Error("outbox blocked")); };
      });
    }
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        var request = work(tx.objectStore(store));
        if (request) { request.onsuccess = function () { result = request.result; }; }
      });
    });
  }

  scope.WalkrxOutbox = {
    put: function (entry) { return run("entries", "readwrite", function (s) { return s.put(entry); }); },
    remove: function (key) { return run("entries", "readwrite", function (s) { return s.delete(key); }); },
    all: function () {
      return run("entries", "readonly", function (s) { return s.getAll(); }).then(function (list) {
        return (list || []).sort(function (a, b) { return a.created - b.created; });
      });
    },
    // the entries of one account (never another's: a shared phone)
    of: function (owner) {
      return scope.WalkrxOutbox.all().then(function (list) {
        return list.filter(function (e) { return owner && e.owner === owner; });
      });
    },
    meta: function () { return run("meta", "readonly", function (s) { return s.get("session"); }); },
    setMeta: function (meta) {
      meta.id = "session";
      return run("meta", "readwrite", function (s) { return s.put(meta); });
    },
    // everything gone: entries and what was known of the session (signing out)
    clear: function () {
      return open().then(function (db) {
        db.close();
        opening = null;
        return new Promise(function (resolve) {
          var request = indexedDB.deleteDatabase(NAME);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      }, function () { return undefined; });
    }
  };
})(self);
