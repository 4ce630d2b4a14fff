/* Löfteskollen's service worker: pages come from the network first and, without one, from the
   copies kept for the signed-in user (Mina uppgifter and its log forms, stored by offline.js);
   a log form sent without a network waits in the outbox (outbox.js) until it can be sent. */
"use strict";

importScripts("static/outbox.js");

const Outbox = self.LofteskollenOutbox;
const STATIC = Outbox.STATIC;
const SCOPE = new URL(self.registration.scope);
// The app's paths (tracker/activities/views.py and list_views.py, tracker/auth): relative to the scope.
const LOG_FORM = /^aktiviteter\/\d+\/logga$/;
const LOGOUTS = ["logout", "profile/logga-ut-overallt"];
const MY_TASKS = "mina-uppgifter";
const CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
  "form-action 'self'; style-src 'self'; script-src 'self'";

function relative(url) {
  return url.pathname.startsWith(SCOPE.pathname) ? url.pathname.slice(SCOPE.pathname.length) : null;
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    for (const name of await caches.keys()) {
      if (name.startsWith("static-") && name !== STATIC) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function userCache() {
  const user = await Outbox.currentUser();
  return user ? caches.open(Outbox.PAGES + user) : null;
}

async function offlineCopy(request, path) {
  const cache = await userCache();
  if (!cache) return null;
  return (await cache.match(request.url)) ||
    (LOG_FORM.test(path) ? cache.match(request.url, {ignoreSearch: true}) : null);
}

function offlinePage() {
  const tasks = new URL(MY_TASKS, SCOPE).pathname;
  const style = new URL("static/style.css", SCOPE).pathname;
  const html = "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Ingen uppkoppling – Löfteskollen</title><link rel=\"stylesheet\" href=\"" + style +
    "\"></head><body><header class=\"site-header\"><div class=\"wrap header-row\">" +
    "<a class=\"brand\" href=\"" + tasks + "\">Löfteskollen</a></div></header>" +
    "<main id=\"innehall\" class=\"wrap\"><h1>Ingen uppkoppling</h1>" +
    "<p>Sidan finns inte sparad i telefonen. Mina uppgifter och loggformulären för dina " +
    "uppgifter fungerar utan uppkoppling när du har öppnat Mina uppgifter med uppkoppling.</p>" +
    "<p><a class=\"button primary\" href=\"" + tasks + "\">Mina uppgifter</a></p></main></body></html>";
  return new Response(html, {status: 503, headers: {
    "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP,
    "Cache-Control": "no-store"}});
}

async function page(event, path) {
  try {
    return await fetch(event.request);
  } catch (error) {
    return (await offlineCopy(event.request, path)) || offlinePage();
  }
}

/* A log form sent without a network: kept in the outbox under its one-time key (a second tap
   on Spara replaces the first, it does not add one) and shown on Mina uppgifter. */
async function logForm(event, path) {
  const copy = event.request.clone();
  let answer;
  try {
    answer = await fetch(event.request);
  } catch (error) {
    return keep(copy, path, "pending");
  }
  // The session ended before Spara (idle, or logged out elsewhere): the server answers with
  // the login page (401) and has kept nothing; the outbox keeps the form for after the login.
  if (answer.status === 401) await keep(copy, path, "login");
  return answer;
}

/* The form in the outbox, to be sent when there is a network and a session (outbox.js). */
async function keep(copy, path, status) {
  const fields = [];
  for (const [name, value] of (await copy.formData()).entries()) {
    if (typeof value === "string") fields.push([name, value]);
  }
  const values = new Map(fields);
  const user = await Outbox.currentUser();
  if (!values.get("once_key") || !user) return offlinePage();
  const url = new URL(path, SCOPE).pathname;
  const form = await Outbox.readForm(url);
  await Outbox.queue({
    key: values.get("once_key"), user: user, url: url, fields: fields,
    title: form ? form.title : "", occurredOn: values.get("occurred_on") || "",
    savedAt: Date.now(), status: status, messages: [],
  });
  if (self.registration.sync) {
    self.registration.sync.register("outbox").catch(function () {});
  }
  return Response.redirect(new URL(MY_TASKS, SCOPE).href, 303);
}

async function asset(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(request, {cacheName: STATIC});
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  const path = relative(url);
  if (path === null) return;
  if (request.method === "POST" && LOGOUTS.includes(path)) {
    event.waitUntil(Outbox.setUser(null));  // nobody's pages stay on the device
    return;
  }
  if (request.mode !== "navigate") {
    if (request.method === "GET" && path.startsWith("static/")) event.respondWith(asset(request));
    return;
  }
  if (request.method === "GET") {
    event.respondWith(page(event, path));
  } else if (request.method === "POST" && LOG_FORM.test(path)) {
    event.respondWith(logForm(event, path));
  }
});

/* A page that loaded while the worker was being installed asks to be controlled by it. */
self.addEventListener("message", function (event) {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") event.waitUntil(Outbox.flush());
});
