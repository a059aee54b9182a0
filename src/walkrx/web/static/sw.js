// walkrx's service worker (issue 14), served as /sw.js with the texts below filled in.
//
// - The app's files (style, scripts, icons, the offline page) are kept in a cache named by this
//   script's version; pages come from the network first.
// - Today, the log form and the check-in of the signed-in walker are kept in a cache named by
//   the session (its tag, from the X-Walkrx-Session header of every page): they open without a
//   network. A page of another session empties it; so does signing out, or the session's age
//   running out (as long as the server would keep it without use).
// - A walk or check-in posted without a network waits in the outbox (IndexedDB, outbox.js) with
//   its entry key, and a page says it is saved on the phone; it is sent when the network is
//   back (a page's "online" event, a page load, or a message), each entry once: the server
//   stores a key once, so a retry after a lost answer changes nothing.
// - Only this site's requests are touched, and only GET pages and the two entry forms.
"use strict";

var TEXTS = /*TEXTS*/{};
var VERSION = "__VERSION__";
var SHELL = "walkrx-shell-" + VERSION;
var PAGES = "walkrx-pages-";
var SHELL_FILES = [
  "/static/walkrx.css", "/static/app.js", "/static/outbox.js", "/manifest.webmanifest",
  "/static/icons/icon-192.png", "/static/icons/icon-512.png", "/offline"
];
var ENTRY_KINDS = { "/log": "walk", "/checkin": "checkin" };

importScripts("/static/outbox.js");
var outbox = self.WalkrxOutbox;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll(SHELL_FILES);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("walkrx-shell-") === 0 && k !== SHELL;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// --- the session ------------------------------------------------------------------------------

function now() { return Date.now(); }

function expired(meta) {
  return !!(meta && meta.seen && meta.maxAge && now() > meta.seen + meta.maxAge * 1000);
}

// Empty every page cache but `keep`'s.
function dropPages(keep) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf(PAGES) === 0 && k !== PAGES + keep;
    }).map(function (k) { return caches.delete(k); }));
  });
}

// Everything of the session gone: its pages, its entries, what was known of it.
function forget() {
  return dropPages("").then(function () { return outbox.clear(); });
}

// The current session, once it is checked against its age.
function session() {
  return serial(function () {
    return outbox.meta().then(function (meta) {
      if (expired(meta)) { return forget().then(function () { return null; }); }
      return meta || null;
    });
  });
}

// Changes to what is known of the session happen one at a time, in the order they come.
var queue = Promise.resolve();

function serial(work) {
  var run = queue.then(work, work);
  queue = run.then(function () { return null; }, function () { return null; });
  return run;
}

// What a page said of its session: its tag, its owner, its CSRF secret (for sending entries),
// and when the page was asked for (`time`): a page older than the one the session was last
// learned from cannot change it to another session (a late message from a page since left).
function learn(page) {
  return serial(function () { return learnNow(page); });
}

function learnNow(page) {
  return outbox.meta().then(function (meta) {
    meta = meta || {};
    var tag = page.tag || "";
    var time = page.time || now();
    if (tag !== (meta.tag || "") && meta.time && time < meta.time) { return null; }
    var work = [];
    if (tag !== meta.tag) { work.push(dropPages(tag)); }
    if (!tag) {
      // nobody's page (signed out, or a clinician): keep waiting entries for their owner until
      // the session's age runs out, but nothing else
      return Promise.all(work).then(function () {
        return outbox.setMeta({ tag: "", owner: meta.owner, csrf: "", maxAge: meta.maxAge, seen: meta.seen, time: time });
      });
    }
    if (page.owner && meta.owner && page.owner !== meta.owner) {
      // another account on this phone: what the last one left waiting is not theirs to send
      work.push(outbox.all().then(function (list) {
        return Promise.all(list.filter(function (e) { return e.owner !== page.owner; })
          .map(function (e) { return outbox.remove(e.key); }));
      }));
    }
    return Promise.all(work).then(function () {
      return outbox.setMeta({
        tag: tag,
        owner: page.owner || meta.owner,
        csrf: page.csrf || (tag === meta.tag ? meta.csrf : ""),
        maxAge: page.maxAge || meta.maxAge,
        seen: now(),
        time: tag === meta.tag ? Math.max(time, meta.time || 0) : time
      });
    });
  });
}

// Keep the session's offline pages that are missing (a fresh session, or a page never opened).
function keepPages(meta) {
  if (!meta || !meta.tag) { return Promise.resolve(); }
  return caches.open(PAGES + meta.tag).then(function (cache) {
    return Promise.all(TEXTS.pages.map(function (path) {
      return cache.match(path).then(function (hit) {
        if (hit) { return null; }
        return fetch(path, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
          return store(cache, path, response, meta.tag);
        }, function () { return null; });
      });
    }));
  });
}

// A page of this session, kept with when it was saved.
function store(cache, path, response, tag) {
  if (!response.ok || response.redirected || response.type !== "basic") { return Promise.resolve(); }
  if (response.headers.get(TEXTS.sessionHeader) !== tag) { return Promise.resolve(); }
  return response.clone().text().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set("X-Walkrx-Saved", String(now()));
    return cache.put(path, new Response(body, { status: 200, headers: headers }));
  });
}

// --- pages ------------------------------------------------------------------------------------

function offlinePage() {
  return caches.match("/offline", { cacheName: SHELL }).then(function (hit) {
    if (hit) { return hit.text().then(function (t) { return new Response(t.replace("<h1>", "<p id=dbg>" + DEBUG + "</p><h1>"), {headers: {"Content-Type": "text/html"}}); }); }
    return hit || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
  });
}

// A kept page, marked as the copy it is (app.js says so and brings its dates up to today).
var DEBUG = "";
function keptPage(path) {
  return session().then(function (meta) {
    DEBUG = "meta=" + JSON.stringify(meta);
    if (!meta || !meta.tag) { return null; }
    return caches.open(PAGES + meta.tag).then(function (cache) { return cache.match(path); });
  }).then(function (hit) {
    DEBUG += " hit=" + !!hit;
    if (!hit) { return null; }
    var saved = hit.headers.get("X-Walkrx-Saved") || "";
    return hit.text().then(function (body) {
      var mark = '<meta name="walkrx-offline-copy" content="' + saved + '">';
      return new Response(body.replace("<head>", "<head>" + mark), {
        status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }
      });
    });
  });
}

function navigate(request, url) {
  var asked = now();
  return fetch(request).then(function (response) {
    var tag = response.type === "basic" ? response.headers.get(TEXTS.sessionHeader) : null;
    if (tag === null) { return response; }  // not a page of the app (a redirect, a download)
    return learn({ tag: tag, time: asked }).then(function () {
      return serial(function () { return outbox.meta(); }).then(function (meta) {
        if (!meta || meta.tag !== tag) { return null; }
        if (tag && TEXTS.pages.indexOf(url.pathname) >= 0) {
          return caches.open(PAGES + tag).then(function (cache) {
            return store(cache, url.pathname, response, tag);
          });
        }
        return null;
      });
    }).then(function () { return response; }, function () { return response; });
  }, function () {
    var path = TEXTS.pages.indexOf(url.pathname) >= 0 ? url.pathname : null;
    return (path ? keptPage(path) : Promise.resolve(null)).then(function (hit) {
      return hit || offlinePage();
    });
  });
}

function shellFile(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.match(request, { cacheName: SHELL }).then(function (hit) {
      return hit || new Response("", { status: 503 });
    });
  });
}

// --- entries ----------------------------------------------------------------------------------

function escape(text) {
  return String(text).replace(/[&<>"]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
  });
}

function page(title, body) {
  return new Response(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>" + escape(title) + " · walkrx</title>" +
    '<link rel="stylesheet" href="/static/walkrx.css">' +
    '<script src="/static/outbox.js" defer></script><script src="/static/app.js" defer></script>' +
    '</head><body><header class="site-header"><div class="bar"><a class="brand" href="/today">walkrx</a></div></header>' +
    '<p class="outbox-status" id="outbox-status" role="status" hidden></p>' +
    '<main id="main" tabindex="-1">' + body + "</main></body></html>",
    { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

// The advice for the warning signs answered yes, from the texts this worker holds.
function advice(form) {
  var tier = null;
  Object.keys(TEXTS.tiers).forEach(function (flag) {
    if (form.get(flag) === "yes") {
      tier = (tier === "emergency" || TEXTS.tiers[flag] === "emergency") ? "emergency" : "urgent";
    }
  });
  if (!tier) { return ""; }
  var title = tier === "emergency" ? "Go to an emergency department now" : "Pause and see a doctor";
  return '<section class="alert alert-' + tier + '" role="alert"><h2>' + title + "</h2><p>" +
    escape(TEXTS.advice[tier]) + "</p></section>";
}

function savedPage(kind, form) {
  var what = kind === "walk" ? "walk" : "check-in";
  return page("Saved on this phone",
    advice(form) +
    "<h1>Saved on this phone</h1>" +
    '<p class="offline-note" data-saved-offline="' + kind + '">You are offline. Your ' + what +
    " is kept on this phone and is sent to walkrx as soon as the network is back: you do not " +
    "need to do anything.</p>" +
    '<p class="actions"><a class="button" href="/today">Back to today</a> ' +
    '<a class="button secondary" href="' + (kind === "walk" ? "/log" : "/checkin") + '">' +
    (kind === "walk" ? "Log another walk" : "Another check-in") + "</a></p>");
}

function uuid() {
  if (self.crypto && self.crypto.randomUUID) { return self.crypto.randomUUID(); }
  var bytes = self.crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

function postEntry(request, kind, path) {
  return request.clone().text().then(function (body) {
    return fetch(request).then(function (response) { return response; }, function () {
      var form = new URLSearchParams(body);
      if (!form.get("entry_key")) { form.set("entry_key", uuid()); }
      return session().then(function (meta) {
        if (!meta || !meta.owner) {
          return page("Not saved", "<h1>Not saved</h1><p>You are offline, and this phone does " +
            "not know who is signed in. Sign in again when the network is back.</p>");
        }
        return outbox.put({
          key: form.get("entry_key"), kind: kind, url: path, body: form.toString(),
          owner: meta.owner, created: now(), state: "waiting", message: ""
        }).then(function () {
          tell({ type: "outbox" });
          return savedPage(kind, form);
        });
      });
    });
  });
}

// The error message of a refused entry's page.
function refusal(html) {
  var found = /<p class="error-message"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return found ? found[1].replace(/<[^>]+>/g, "").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").trim() : "walkrx refused it";
}

var flushing = null;

// Send every waiting entry of the session's owner, oldest first; each stays until walkrx
// answers that it is stored (or refuses it: then it stays, marked, for the walker to see).
function flush() {
  if (flushing) { return flushing; }
  flushing = session().then(function (meta) {
    if (!meta || !meta.tag || !meta.owner || !meta.csrf) { return 0; }
    return outbox.of(meta.owner).then(function (list) {
      var sent = 0;
      var waiting = list.filter(function (e) { return e.state !== "failed"; });
      return waiting.reduce(function (chain, entry) {
        return chain.then(function (go) {
          if (!go) { return false; }
          var form = new URLSearchParams(entry.body);
          form.set("csrf", meta.csrf);
          return fetch(entry.url, {
            method: "POST", body: form, credentials: "same-origin", redirect: "manual",
            headers: { "X-Walkrx-Outbox": "1" }
          }).then(function (response) {
            if (response.ok) { sent += 1; return outbox.remove(entry.key).then(function () { return true; }); }
            if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
              entry.state = "sign-in";  // the session ended: waits for the next one
              return outbox.put(entry).then(function () { return false; });
            }
            if (response.status >= 500 || response.status === 429 || response.status === 408) { return false; }
            return response.text().then(function (html) {
              entry.state = "failed";
              entry.message = refusal(html);
              return outbox.put(entry).then(function () { return true; });
            });
          }, function () { return false; });  // still offline
        });
      }, Promise.resolve(true)).then(function () { return sent; });
    });
  }).then(function (sent) {
    tell({ type: "outbox", sent: sent });
    return sent;
  }, function () { return 0; }).then(function (sent) {
    flushing = null;
    return sent;
  });
  return flushing;
}

function tell(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

// --- events -----------------------------------------------------------------------------------

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }  // other sites: never touched
  if (request.method === "POST" && ENTRY_KINDS[url.pathname] && request.mode === "navigate") {
    event.respondWith(postEntry(request, ENTRY_KINDS[url.pathname], url.pathname));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  } else if (SHELL_FILES.indexOf(url.pathname) >= 0) {
    event.respondWith(shellFile(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work;
  if (data.type === "session") {
    work = learn(data).then(function () { return session(); }).then(function (meta) {
      return keepPages(meta).then(function () { return flush(); });
    });
  } else if (data.type === "flush") {
    work = flush();
  } else if (data.type === "signout") {
    work = serial(forget);
  } else {
    return;
  }
  event.waitUntil(work.then(function () {
    if (event.ports && event.ports[0]) { event.ports[0].postMessage({ done: true }); }
  }, function () {
    if (event.ports && event.ports[0]) { event.ports[0].postMessage({ done: false }); }
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "walkrx-outbox") { event.waitUntil(flush()); }
});
