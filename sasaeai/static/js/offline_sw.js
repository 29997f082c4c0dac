// The service worker of the offline queue, served at /sw.js (sasaeai/activities/offline.py puts
// self.SASAEAI_OFFLINE = {version, pages, assets} before this code).
//
// It keeps only the empty visit and consultation forms, the queue page and the static files
// they need, so that they open without a connection. Every other page, the API and anything
// with a query string go to the network untouched: no case, no list, no record is ever kept.
// Forms are fetched from the network first (a fresh CSRF token and choices when online) and
// from the cache only when the network fails. Logging out deletes these caches and the worker.
/* global self, caches, fetch, Response, URL */
"use strict";

var CONFIG = self.SASAEAI_OFFLINE;
var CACHE = "sasaeai-offline-" + CONFIG.version;

function keepable(response, url) {
  // A login page reached through a redirect, an error or a forbidden page is not kept.
  return response && response.ok && !response.redirected && response.type === "basic" &&
    new URL(response.url).pathname === url;
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      var all = CONFIG.pages.concat(CONFIG.assets).map(function (url) {
        return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          return keepable(response, url) ? cache.put(url, response) : null;
        }).catch(function () { return null; });
      });
      return Promise.all(all);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sasaeai-offline-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  var page = CONFIG.pages.indexOf(url.pathname) >= 0 && request.mode === "navigate";
  var asset = CONFIG.assets.indexOf(url.pathname) >= 0;
  if (!page && !asset) { return; }
  var key = url.pathname;
  event.respondWith(
    fetch(request).then(function (response) {
      // Keep the fresh copy only of the plain page (a query pre-fills it from a calendar entry).
      if (!url.search && keepable(response, key)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (kept) {
        return kept || new Response(
          "<!doctype html><meta charset=utf-8><title>接続がありません</title>" +
          "<p>接続がありません。このページは端末に保存されていません。</p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
        );
      });
    })
  );
});
