// Visits and consultations recorded without a connection (docs/activities.md, 「オフラインでの記録」).
//
// 1. On every page of a logged-in user: register the service worker (/sw.js), which keeps the
//    empty visit and consultation forms and their static files so that they open offline.
// 2. On those forms (<form data-offline-form="visit|consultation" data-offline-api="…">): while
//    the browser is offline, a submit keeps the form's allowed fields in localStorage (never a
//    summary, a note, a case or a name) under a random key, instead of posting.
// 3. When the connection returns (and on every page load): ask /activities/offline/session.json
//    who is logged in and for a fresh CSRF token, then send each waiting item to the API with
//    its key as Idempotency-Key, one at a time. Sent items are removed; refused ones stay with
//    the server's Japanese messages; a lost answer is simply sent again (the key makes it once).
// 4. Logging out clears the queue, the kept pages and the worker (the server's logout answer
//    says Clear-Site-Data as well). Items of another user are dropped, never sent.
// No inline scripts (CSP); no library.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var USER = script.getAttribute("data-offline-user");
  var SESSION_URL = script.getAttribute("data-offline-session");
  var WORKER_URL = script.getAttribute("data-offline-worker");
  var QUEUE_URL = script.getAttribute("data-offline-queue-page");
  var STORE = "sasaeai-offline-queue";
  var CACHE_PREFIX = "sasaeai-offline-";

  // What each form may keep on the phone (ROUND2: a visit's place, date, times, counts and
  // area; a consultation without its summary and without names). Form field → API field.
  var KEPT = {
    visit: {
      date: "date", start_time: "start_time", end_time: "end_time", service: "service_id",
      place_name: "place_name", area: "area_id", attendees: "attendees"
    },
    consultation: {
      visit: "visit_id", date: "date", start_time: "start_time", end_time: "end_time",
      consulter_type: "consulter_type", channel: "channel", topics: "topic_ids",
      referral: "referral", referral_service: "referral_service_id",
      followup_needed: "followup_needed", followup_due: "followup_due",
      followup_done_on: "followup_done_on", area: "area_id"
    }
  };
  var INTEGERS = ["service_id", "area_id", "attendees", "visit_id", "referral_service_id"];
  var NOT_KEPT = {
    visit: "同行者・活動の様子・把握したニーズは端末に保存しません。接続が戻ってから記録に追加してください。",
    consultation: "概要・相談者の所属・つないだ先の補足・個別ケースは端末に保存しません。概要は接続が戻ってから記録に追加してください。"
  };
  var KIND_LABEL = { visit: "訪問", consultation: "相談" };
  var FIELD_LABEL = {
    date: "日付", start_time: "開始時刻", end_time: "終了時刻", service_id: "訪問先（社会資源）",
    service: "訪問先（社会資源）", place_name: "訪問先", area_id: "圏域", area: "圏域",
    attendees: "参加者数", visit_id: "訪問", visit: "訪問", consulter_type: "相談者",
    channel: "相談の方法", topic_ids: "相談内容", topics: "相談内容", referral: "つないだ先",
    referral_service_id: "つないだ社会資源", referral_service: "つないだ社会資源",
    followup_needed: "フォローが必要", followup_due: "フォローの期限",
    followup_done_on: "フォロー完了日", "Idempotency-Key": "送信キー", __all__: ""
  };

  // ---- the queue in localStorage ---------------------------------------------------------

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }
  function save(items) {
    if (items.length) {
      window.localStorage.setItem(STORE, JSON.stringify(items));
    } else {
      window.localStorage.removeItem(STORE);
    }
    render();
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  // Items recorded by someone else on this phone are dropped, never sent as this user.
  function ownItems() {
    var items = load();
    var own = items.filter(function (item) { return String(item.user) === String(USER); });
    if (own.length !== items.length) { save(own); }
    return own;
  }

  function clearEverything() {
    window.localStorage.removeItem(STORE);
    var jobs = [];
    if (window.caches) {
      jobs.push(window.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
          .map(function (name) { return window.caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(jobs).catch(function () { return null; });
  }

  // ---- reading a form --------------------------------------------------------------------

  function payloadOf(form, kind) {
    var data = new FormData(form);
    var payload = {};
    Object.keys(KEPT[kind]).forEach(function (name) {
      var target = KEPT[kind][name];
      var control = form.elements.namedItem(name);
      if (!control) { return; }
      if (name === "topics") {
        payload[target] = data.getAll(name).map(Number);
        return;
      }
      if (name === "followup_needed") {
        payload[target] = data.get(name) === "on";
        return;
      }
      var value = (data.get(name) || "").toString().trim();
      if (target === "area_id" && value === "") {
        payload[target] = null; // 市全域 chosen on purpose, as the form would send it
        return;
      }
      if (value === "") { return; }
      payload[target] = INTEGERS.indexOf(target) >= 0 && /^\d+$/.test(value) ? Number(value) : value;
    });
    return payload;
  }

  function labelOf(form, kind, payload) {
    var day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(payload.date || "");
    var parts = [KIND_LABEL[kind], day ? Number(day[2]) + "月" + Number(day[3]) + "日" : (payload.date || "")];
    if (payload.start_time) { parts.push(payload.start_time + (payload.end_time ? "〜" + payload.end_time : "")); }
    if (kind === "visit") {
      var picked = form.querySelector('input[name="service"]:checked');
      var place = payload.place_name || (payload.service_id && picked && picked.parentNode ? picked.parentNode.textContent.trim() : "");
      if (place) { parts.push(place); }
      if (payload.attendees !== undefined) { parts.push("参加者" + payload.attendees + "人"); }
    } else {
      var topics = Array.prototype.map.call(form.querySelectorAll('input[name="topics"]:checked'), function (box) {
        return box.parentNode ? box.parentNode.textContent.trim() : "";
      }).filter(Boolean);
      if (topics.length) { parts.push(topics.join("・")); }
    }
    return parts.filter(Boolean).join(" ");
  }

  // ---- sending ---------------------------------------------------------------------------

  var sending = false;
  var lastProblem = "";
  var sent = 0; // sent since this page opened

  function messagesOf(body) {
    var lines = [];
    var errors = body && body.errors;
    if (errors && typeof errors === "object") {
      Object.keys(errors).forEach(function (field) {
        var label = FIELD_LABEL[field] !== undefined ? FIELD_LABEL[field] : field;
        [].concat(errors[field]).forEach(function (message) {
          lines.push(label ? label + ": " + message : message);
        });
      });
    }
    if (!lines.length) { lines.push((body && body.detail) || "送信できませんでした。"); }
    return lines;
  }

  function update(key, change) {
    var items = load().map(function (item) {
      return item.key === key ? Object.assign({}, item, change) : item;
    });
    save(items);
  }
  function remove(key) {
    save(load().filter(function (item) { return item.key !== key; }));
  }

  function sendOne(item, csrf) {
    return fetch(item.api, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf,
        "Idempotency-Key": item.key
      },
      body: JSON.stringify(item.payload)
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        sent += 1;
        remove(item.key);
        return "sent";
      }
      if (answer.status === 401 || answer.status === 403) {
        lastProblem = "ログインし直すと送信します。";
        return "stop";
      }
      return answer.json().catch(function () { return {}; }).then(function (body) {
        if (answer.status === 422 || answer.status === 400) {
          update(item.key, { state: "failed", errors: messagesOf(body) });
          return "failed";
        }
        lastProblem = "サーバーが応答しません（" + answer.status + "）。しばらくしてから送り直します。";
        return "stop";
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine || !SESSION_URL) { return Promise.resolve(); }
    var waiting = ownItems().filter(function (item) { return item.state !== "failed"; });
    if (!waiting.length) { return Promise.resolve(); }
    sending = true;
    lastProblem = "";
    render();
    var run = function () {
      // A lapsed session answers with a redirect to the login page: not followed.
      return fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store", redirect: "manual" }).then(function (answer) {
        if (!answer.ok) { throw new Error("login"); }
        return answer.json();
      }).then(function (session) {
        if (String(session.user) !== String(USER)) { throw new Error("login"); }
        return waiting.reduce(function (chain, item) {
          return chain.then(function (outcome) {
            return outcome === "stop" ? "stop" : sendOne(item, session.csrf);
          });
        }, Promise.resolve("go"));
      }).catch(function (error) {
        lastProblem = error && error.message === "login"
          ? "ログインし直すと送信します。"
          : "接続が不安定なため送信できませんでした。接続が戻ると送り直します。";
      });
    };
    var done = function () { sending = false; render(); };
    // One tab sends at a time (the server would make one record anyway).
    var job = navigator.locks ? navigator.locks.request("sasaeai-offline-send", run) : run();
    return job.then(done, done);
  }

  // ---- the queue panel -------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function render() {
    var items = load().filter(function (item) { return String(item.user) === String(USER); });
    document.querySelectorAll("[data-offline-queue]").forEach(function (region) {
      var always = region.hasAttribute("data-offline-always");
      region.textContent = "";
      region.hidden = !items.length && navigator.onLine && !always;
      if (region.hidden) { return; }
      var waiting = items.filter(function (item) { return item.state !== "failed"; }).length;
      var failed = items.length - waiting;
      region.appendChild(el("h2", {}, "端末に保存した記録"));
      var status = navigator.onLine
        ? (sending ? "送信しています…" : (waiting ? "送信待ち " + waiting + "件。" : "送信待ちはありません。"))
        : "接続がありません。記録は端末に保存し、接続が戻ると送信します。";
      if (sent) { status = sent + "件を送信しました。" + status; }
      if (failed) { status += " 送信できなかった記録 " + failed + "件（内容を確かめて入力し直してください）。"; }
      if (lastProblem && navigator.onLine && !sending) { status += " " + lastProblem; }
      region.appendChild(el("p", { "class": "offline-queue__status" }, status));
      if (!items.length) { return; }
      var list = el("ul", { "class": "offline-queue__items" });
      items.forEach(function (item) {
        var row = el("li", { "class": "offline-item offline-item--" + (item.state === "failed" ? "failed" : "waiting") });
        row.appendChild(el("span", { "class": "offline-item__state" }, item.state === "failed" ? "送信できませんでした" : "送信待ち"));
        row.appendChild(el("span", { "class": "offline-item__label" }, item.label));
        if (item.state === "failed") {
          var errors = el("ul", { "class": "errorlist" });
          (item.errors || []).forEach(function (message) { errors.appendChild(el("li", {}, message)); });
          row.appendChild(errors);
        }
        var drop = el("button", { type: "button", "class": "button--secondary", "data-offline-remove": item.key,
          "aria-label": "削除: " + item.label }, "削除");
        row.appendChild(drop);
        list.appendChild(row);
      });
      region.appendChild(list);
      if (waiting && navigator.onLine && !sending) {
        region.appendChild(el("button", { type: "button", "data-offline-send": "" }, "今すぐ送信"));
      }
      if (QUEUE_URL && window.location.pathname !== QUEUE_URL) {
        var more = el("p");
        more.appendChild(el("a", { href: QUEUE_URL }, "端末に保存した記録の一覧"));
        region.appendChild(more);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var drop = event.target.closest("[data-offline-remove]");
    if (drop) {
      if (window.confirm("この記録を端末から削除します。送信されません。よろしいですか。")) {
        remove(drop.getAttribute("data-offline-remove"));
      }
      return;
    }
    if (event.target.closest("[data-offline-send]")) { flush(); }
  });

  // ---- the two forms ---------------------------------------------------------------------

  function markOffline(form, kind) {
    var note = form.querySelector("[data-offline-note]");
    if (!note) {
      note = el("p", { "class": "notice offline-note", "data-offline-note": "", role: "status" });
      form.insertBefore(note, form.firstChild);
    }
    var offline = !navigator.onLine;
    note.hidden = !offline;
    note.textContent = offline
      ? "接続がありません。保存すると記録は端末に残り、接続が戻ると送信します。" + NOT_KEPT[kind]
      : "";
    // Fields that are not kept cannot be typed while offline, so nothing typed is lost.
    form.querySelectorAll("textarea, input, select").forEach(function (control) {
      if (!control.name || control.type === "hidden" || control.type === "submit") { return; }
      var name = control.name.replace(/_q$/, "");
      if (KEPT[kind][name] === undefined && name !== "csrfmiddlewaretoken" && name !== "then") {
        control.disabled = offline;
      }
    });
  }

  // A page kept by the service worker would send the key it was rendered with every time it
  // is used: each load of the page gets a fresh key. Sending the same page twice (a double tap,
  // or the back button after an answer that never arrived, which restores the page as it was)
  // keeps its key, and the server records it once.
  function freshKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  document.querySelectorAll("input[data-submission-key]").forEach(function (input) { input.value = freshKey(); });

  document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
    var kind = form.getAttribute("data-offline-form");
    if (!KEPT[kind]) { return; }
    markOffline(form, kind);
    window.addEventListener("online", function () { markOffline(form, kind); });
    window.addEventListener("offline", function () { markOffline(form, kind); });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; } // online: the form posts as always
      event.preventDefault();
      var payload = payloadOf(form, kind);
      var items = ownItems();
      items.push({
        key: newKey(),
        user: USER,
        kind: kind,
        api: form.getAttribute("data-offline-api"),
        payload: payload,
        label: labelOf(form, kind, payload),
        state: "waiting",
        saved_at: new Date().toISOString()
      });
      save(items);
      var then = event.submitter && event.submitter.value;
      var next = then === "consultation" && form.getAttribute("data-offline-then-consultation");
      form.reset();
      markOffline(form, kind);
      if (next) {
        window.location.assign(next);
        return;
      }
      var region = document.querySelector("[data-offline-queue]");
      if (region) {
        region.setAttribute("tabindex", "-1");
        region.focus();
      }
    });
  });

  // ---- logout ----------------------------------------------------------------------------

  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-offline-cleared")) { return; }
      event.preventDefault();
      var waiting = ownItems().length;
      if (waiting && !window.confirm("送信していない記録が" + waiting + "件あります。ログアウトすると端末から削除され、送信されません。ログアウトしますか。")) {
        return;
      }
      // Never held up by the browser: after at most 2 s the logout goes on (its answer also
      // asks the browser to clear this site's storage and caches: Clear-Site-Data).
      var done = false;
      var go = function () {
        if (done) { return; }
        done = true;
        form.setAttribute("data-offline-cleared", "");
        form.submit();
      };
      clearEverything().then(go, go);
      window.setTimeout(go, 2000);
    });
  });

  // ---- start -----------------------------------------------------------------------------

  if (USER && WORKER_URL && navigator.serviceWorker) {
    navigator.serviceWorker.register(WORKER_URL, { scope: "/" }).catch(function () { return null; });
  }
  window.addEventListener("online", function () { render(); flush(); });
  window.addEventListener("offline", render);
  ownItems();
  render();
  flush();
})();
