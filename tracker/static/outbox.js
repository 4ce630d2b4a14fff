/* The outbox of occasions logged without a network, shared by the pages and the service
   worker. An occasion waits in IndexedDB under its form's one-time key and leaves the outbox
   only when the server has answered: sent again after a lost answer, the key makes the server
   answer with the first result instead of saving it twice. */
(function (global) {
  "use strict";

  const DB_NAME = "lofteskollen-offline";
  const LOCK = "lofteskollen-outbox";
  const CHANNEL = "lofteskollen-outbox";
  const PAGES = "pages-";  // + the user's id: the offline copies of one user's pages
  const STATIC = "static-v1";  // the stylesheets and scripts those pages use

  function openDb() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        const db = request.result;
        db.createObjectStore("outbox", {keyPath: "key"});
        db.createObjectStore("meta", {keyPath: "name"});
        db.createObjectStore("forms", {keyPath: "url"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  async function run(store, mode, work) {
    const db = await openDb();
    return new Promise(function (resolve, reject) {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
      tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
    });
  }

  const read = (store, key) => run(store, "readonly", (s) => s.get(key));
  const write = (store, value) => run(store, "readwrite", (s) => s.put(value));
  const drop = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const readAll = (store) => run(store, "readonly", (s) => s.getAll());

  function changed() {
    if (global.BroadcastChannel) {
      const channel = new BroadcastChannel(CHANNEL);
      channel.postMessage("changed");
      channel.close();
    }
  }

  async function currentUser() {
    const record = await read("meta", "user");
    return record ? record.value : null;
  }

  /* The signed-in user as the page says: another user's offline pages are deleted. */
  async function setUser(user) {
    await write("meta", {name: "user", value: user});
    const keep = user ? PAGES + user : null;
    for (const name of await caches.keys()) {
      if (name.startsWith(PAGES) && name !== keep) await caches.delete(name);
    }
    if (!user) await run("forms", "readwrite", (s) => s.clear());
  }

  async function entries(user) {
    const all = (await readAll("outbox")).filter((e) => user === undefined || e.user === user);
    return all.sort((a, b) => a.savedAt - b.savedAt);
  }

  async function queue(entry) {
    await write("outbox", entry);
    changed();
  }

  async function forget(key) {
    await drop("outbox", key);
    changed();
  }

  // --- reading the server's pages (the same markup the templates write) ----------------------

  function decode(text) {
    return text.replace(/<[^>]*>/g, "").replace(/&#(x?)([0-9a-f]+);/gi, function (_m, hex, code) {
      return String.fromCodePoint(parseInt(code, hex ? 16 : 10));
    }).replace(/&quot;/g, "\"").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
  }

  function pageUser(html) {
    const found = /<meta name="lofteskollen-user" content="([^"]*)">/.exec(html);
    return found ? found[1] : null;
  }

  function csrfToken(html) {
    const found = /<input[^>]*name="csrf_token"[^>]*value="([^"]*)"/.exec(html);
    return found ? decode(found[1]) : null;
  }

  /* The form page's error list (the summary and the form's own messages). */
  function errorMessages(html) {
    const found = [];
    const summary = /class="error-summary"[\s\S]*?<ul>([\s\S]*?)<\/ul>/.exec(html);
    if (summary) {
      for (const item of summary[1].matchAll(/<li>([\s\S]*?)<\/li>/g)) found.push(decode(item[1]));
    }
    for (const item of html.matchAll(/<p class="error" role="alert">([\s\S]*?)<\/p>/g)) {
      found.push(decode(item[1]));
    }
    return found;
  }

  // --- sending ---------------------------------------------------------------------------------

  function pathOf(url) {
    return new URL(url, global.location.href).pathname;
  }

  async function mark(entry, status, messages) {
    entry.status = status;
    entry.messages = messages || [];
    await write("outbox", entry);
    changed();
  }

  /* One entry: a fresh CSRF token from the form page (the one saved with the entry may belong
     to a session that has ended), then the form as it was filled in, with its one-time key. */
  async function send(entry) {
    let page;
    try {
      page = await fetch(entry.url, {credentials: "same-origin", cache: "no-store",
                                     headers: {"X-Offline-Copy": "1"}});
    } catch (error) {
      return "offline";
    }
    if (page.status === 403 || page.status === 404) {
      await mark(entry, "refused", []);
      return "refused";
    }
    if (!page.ok) return "later";
    const html = await page.text();
    const user = pageUser(html);
    if (!user) {  // sent to the login page: the session has ended
      await mark(entry, "login");
      return "login";
    }
    if (user !== entry.user) return "other";  // someone else's: it waits for its author
    if (pathOf(page.url) !== pathOf(entry.url)) return "later";  // e.g. a second factor to enrol
    const token = csrfToken(html);
    const body = new URLSearchParams();
    for (const [name, value] of entry.fields) {
      body.append(name, name === "csrf_token" && token ? token : value);
    }
    let answer;
    try {
      answer = await fetch(entry.url, {method: "POST", body: body, credentials: "same-origin",
                                       cache: "no-store"});
    } catch (error) {
      return "offline";  // perhaps saved, perhaps not: the key settles it next time
    }
    const logged = pathOf(entry.url).replace(/logga$/, "loggad/");
    // Saved: the "logged" page, or a trygghetsvandring's protocol (route, findings, actions)
    const landed = pathOf(answer.url);
    if (answer.ok && answer.redirected &&
        (landed.startsWith(logged) || /^\/genomforanden\/\d+\/protokoll$/.test(landed))) {
      await drop("outbox", entry.key);
      return "sent";
    }
    // Refused: the form again with its messages (422; 200 from a server before that)
    if ((answer.status === 422 || answer.status === 200) &&
        pathOf(answer.url) === pathOf(entry.url)) {
      await mark(entry, "refused", errorMessages(await answer.text()));
      return "refused";
    }
    if (answer.status === 403 || answer.status === 404 || answer.status === 409) {
      await mark(entry, "refused", []);
      return "refused";
    }
    if (answer.ok && !pageUser(await answer.text())) {
      await mark(entry, "login");
      return "login";
    }
    return "later";
  }

  async function sendAll() {
    const sent = [];
    const refused = [];
    for (const entry of await entries()) {
      if (entry.status === "refused") continue;  // waits for the user to correct or remove it
      const outcome = await send(entry);
        if (outcome === "sent") sent.push(entry);
      if (outcome === "refused") refused.push(entry);
      // Without a network or a session nothing else can go either; an entry that must wait
      // ("later") does not hold back the ones queued after it.
      if (outcome === "offline" || outcome === "login") break;
    }
    if (sent.length) changed();
    return {sent: sent, refused: refused};
  }

  /* Sends what waits, one sender at a time across tabs and the service worker. */
  function flush() {
    if (global.navigator.locks) {
      return global.navigator.locks.request(LOCK, {ifAvailable: true}, function (lock) {
        return lock ? sendAll() : {sent: [], refused: [], busy: true};
      });
    }
    return sendAll();
  }

  global.LofteskollenOutbox = {
    CHANNEL: CHANNEL, PAGES: PAGES, STATIC: STATIC, currentUser: currentUser, setUser: setUser,
    entries: entries, queue: queue, forget: forget, flush: flush,
    readForm: (url) => read("forms", url), keepForm: (form) => write("forms", form),
    pageUser: pageUser, errorMessages: errorMessages,
  };
})(self);
