/* Offline logging, on top of pages that work without it: registers the service worker, keeps
   Mina uppgifter and its log forms on the device for the signed-in user, shows what waits in
   the outbox and sends it when the network returns. */
(function () {
  "use strict";

  const script = document.currentScript;
  const Outbox = self.LofteskollenOutbox;
  const box = document.getElementById("offline-outbox");
  if (!script || !Outbox || !box || !("indexedDB" in self) || !("caches" in self)) return;
  const texts = JSON.parse(script.dataset.texts);
  const user = script.dataset.user || null;
  const status = document.getElementById("offline-status");
  let shown = new Map();  // key → entry, as last drawn: a key that disappears was sent

  function say(message) {
    status.textContent = "";
    const line = document.createElement("p");
    line.className = "flash flash-info";
    line.textContent = message;
    status.appendChild(line);
  }

  function plural(n, one, many) {
    return n === 1 ? one : many.replace("{n}", String(n));
  }

  function dateText(iso) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
    const [y, m, d] = iso.split("-").map(Number);
    return new Date(y, m - 1, d).toLocaleDateString(document.documentElement.lang || "sv",
                                                     {day: "numeric", month: "long", year: "numeric"});
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function describe(entry) {
    return (entry.title || texts.occasion) + (entry.occurredOn ? ", " + dateText(entry.occurredOn) : "");
  }

  function item(entry) {
    const li = el("li", "outbox-item outbox-" + entry.status);
    li.appendChild(el("strong", "", describe(entry)));
    if (entry.status !== "refused") {
      li.appendChild(el("span", "tag", texts.waiting));
      return li;
    }
    li.appendChild(el("span", "tag overdue", texts.refused));
    const errors = el("ul", "error");
    for (const message of (entry.messages.length ? entry.messages : [texts.gone])) {
      errors.appendChild(el("li", "", message));
    }
    li.appendChild(errors);
    const actions = el("div", "actions");
    const fix = el("a", "button", texts.fix);
    fix.href = entry.url + "#utkorg-" + encodeURIComponent(entry.key);
    actions.appendChild(fix);
    const remove = el("button", "button", texts.remove);
    remove.type = "button";
    remove.addEventListener("click", async function () {
      if (!window.confirm(texts.confirm_remove)) return;
      shown.delete(entry.key);
      await Outbox.forget(entry.key);
      say(texts.removed);
    });
    actions.appendChild(remove);
    li.appendChild(actions);
    return li;
  }

  /* Draws the outbox; `announce` says the waiting count (a page load, a new entry). */
  async function draw(announce) {
    const all = await Outbox.entries(user || undefined);
    const mine = new Map(all.map((e) => [e.key, e]));
    const sent = [...shown.values()].filter((e) => !mine.has(e.key) && e.status !== "refused");
    box.textContent = "";
    box.hidden = all.length === 0;
    if (!user) {
      if (all.length) {
        box.appendChild(el("p", "", plural(all.length, texts.waiting_login_one, texts.waiting_login_many)));
      }
      return;
    }
    if (all.length) {
      box.appendChild(el("h2", "", texts.heading));
      if (all.some((e) => e.status === "login")) {
        const p = el("p", "error", texts.login + " ");
        const link = el("a", "", texts.login_link);
        link.href = script.dataset.login + "?next=" + encodeURIComponent(location.pathname);
        p.appendChild(link);
        box.appendChild(p);
      }
      const list = el("ul", "outbox-list");
      all.forEach((e) => list.appendChild(item(e)));
      box.appendChild(list);
      if (all.some((e) => e.status !== "refused")) {
        const retry = el("button", "button", texts.send_now);
        retry.type = "button";
        retry.addEventListener("click", () => send(true));
        box.appendChild(retry);
      }
    }
    const waiting = all.filter((e) => e.status !== "refused").length;
    const refusedNow = all.filter((e) => e.status === "refused" && shown.has(e.key) &&
                                  shown.get(e.key).status !== "refused");
    if (sent.length) {
      say(sent.map((e) => texts.sent.replace("{what}", describe(e))).join(" "));
    } else if (refusedNow.length) {
      say(texts.refused_now);
    } else if (announce && waiting) {
      say(plural(waiting, texts.waiting_one, texts.waiting_many));
    }
    shown = mine;
  }

  async function send(byHand) {
    if (!user) return;
    if (!navigator.onLine) {
      if (byHand) say(texts.still_offline);
      return;
    }
    const result = await Outbox.flush();
    await draw(false);
    if (byHand && result && !result.sent.length && !result.refused.length) {
      const left = await Outbox.entries(user);
      if (left.some((e) => e.status === "pending")) say(texts.not_sent);
    }
  }

  function freshKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
  }

  function today() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  /* A page kept for offline use was rendered earlier: each form gets a key of its own (the
     copy's key may already have been used) and a log form today's date. */
  function freshenCopy() {
    for (const field of document.querySelectorAll("input[name=once_key]")) field.value = freshKey();
    for (const field of document.querySelectorAll(".log-form input[name=occurred_on]")) {
      field.value = today();
    }
  }

  /* A refused entry opened from the outbox: the form filled in as it was sent, with its key,
     the server's messages above it; the entry leaves the outbox when the form is sent again. */
  async function reopen(form) {
    const match = /^#utkorg-(.+)$/.exec(location.hash);
    if (!match) return;
    const key = decodeURIComponent(match[1]);
    const entry = (await Outbox.entries(user)).find((e) => e.key === key);
    if (!entry) return;
    const values = new Map(entry.fields);
    for (const field of form.elements) {
      if (!field.name || field.name === "csrf_token" || field.type === "submit") continue;
      if (field.type === "checkbox") field.checked = values.has(field.name);
      else if (values.has(field.name)) field.value = values.get(field.name);
    }
    const summary = el("div", "error-summary");
    summary.setAttribute("role", "alert");
    summary.tabIndex = -1;
    summary.appendChild(el("h2", "", texts.refused_heading));
    const list = el("ul");
    (entry.messages.length ? entry.messages : [texts.gone]).forEach((m) => list.appendChild(el("li", "", m)));
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
    form.addEventListener("submit", async function (event) {
      if (form.dataset.released) return;
      event.preventDefault();
      await Outbox.forget(key);
      form.dataset.released = "1";
      form.requestSubmit(event.submitter);
    });
  }

  const FORM_AGE = 3600 * 1000;  // a log form kept within the hour is not fetched again

  async function fresh(cache, url) {
    const known = await Outbox.readForm(url);
    return known && known.user === user && Date.now() - known.keptAt < FORM_AGE &&
      Boolean(await cache.match(url));
  }

  /* On Mina uppgifter: the list and each task's log form, kept for this user. */
  async function keepTasks(list) {
    if (!user || !navigator.onLine || location.search) return;
    const links = [...list.querySelectorAll("a[data-offline-form]")];
    const pages = [location.pathname, ...links.map((a) => new URL(a.href).pathname)];
    const assets = [...document.querySelectorAll("link[rel=stylesheet], link[rel=manifest], script[src]")]
      .map((node) => node.href || node.src);
    const cache = await caches.open(Outbox.PAGES + user);
    let complete = true;
    const fetched = new Set();
    for (const url of pages) {
      if (url !== location.pathname && await fresh(cache, url)) continue;
      try {
        const answer = await fetch(url, {credentials: "same-origin", cache: "no-store",
                                         headers: {"X-Offline-Copy": "1"}});
        if (answer.ok && !answer.redirected) {
          await cache.put(url, answer);
          fetched.add(url);
        } else {
          complete = false;
        }
      } catch (error) {
        complete = false;
      }
    }
    for (const request of await cache.keys()) {
      if (!pages.includes(new URL(request.url).pathname)) await cache.delete(request);
    }
    for (const link of links) {
      const title = link.closest("li").querySelector("h2").textContent.trim();
      const url = new URL(link.href).pathname;
      const known = await Outbox.readForm(url);
      const keptAt = fetched.has(url) || !known ? Date.now() : known.keptAt;
      await Outbox.keepForm({url: url, title: title, user: user, keptAt: keptAt});
    }
    const statics = await caches.open(Outbox.STATIC);
    await statics.addAll(assets).catch(() => { complete = false; });
    const ready = document.querySelector("[data-offline-ready]");
    if (complete && ready) ready.hidden = false;
  }

  async function start() {
    await Outbox.setUser(user);
    if (document.documentElement.hasAttribute("data-offline-copy")) freshenCopy();
    const form = document.querySelector("form.log-form");
    if (form && user) await reopen(form);
    await draw(true);
    if (self.BroadcastChannel) {
      new BroadcastChannel(Outbox.CHANNEL).onmessage = () => draw(false);
    }
    window.addEventListener("online", () => send(false));
    await send(false);
    if (user && "serviceWorker" in navigator) {
      await navigator.serviceWorker.register(script.dataset.worker).catch(() => null);
      const ready = await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller && ready.active) ready.active.postMessage("claim");
      const tasks = document.querySelector("[data-offline-tasks]");
      if (tasks) await keepTasks(tasks);
    }
    document.documentElement.dataset.offlineStarted = "1";
  }

  start();
})();
