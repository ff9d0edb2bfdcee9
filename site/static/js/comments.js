/* frostpress comments: a post's live thread, and comment counts on list pages
 * (README: "Comments on the page"). Comment HTML arrives sanitised by the
 * sidecar; everything else is set as text. Parts are found by reference or as
 * direct children (":scope > "), never by a class a comment's HTML could carry.
 */
(() => {
  "use strict";
  const script = document.currentScript;
  const LIVE_URL = script.dataset.live || undefined; // undefined: this origin
  const SOCKET_IO = script.dataset.socketio;
  const when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });

  // -- HTTP: JSON in and out, the CSRF token fetched once and again when refused --
  let csrf = null, started = null; // started: when the page was read (spam checks)
  async function token() {
    const r = await api("GET", "/api/csrf");
    started ||= r.form_token;
    return (csrf = r.csrf_token);
  }

  async function api(method, path, body, extra, retried) {
    const headers = { Accept: "application/json", ...extra };
    if (method !== "GET") {
      headers["X-CSRFToken"] = csrf || (await token());
    }
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response, data = null;
    try {
      response = await fetch(path, {
        method, headers, credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 204) return null;
      data = await response.json();
    } catch (_) { /* offline, or not the sidecar answering */ }
    if (response && response.ok && data) return data;
    const error = (data && data.error) || {
      code: "unavailable", message: "The comment service is not answering. Try again later.",
    };
    if (error.code === "csrf_failed" && !retried) {
      csrf = null;
      return api(method, path, body, extra, true);
    }
    throw Object.assign(new Error(error.message), {
      status: response ? response.status : 0, code: error.code, fields: error.fields || {},
    });
  }

  // -- a tiny element builder: h("p.note", {hidden: true}, "text", child) --
  function h(spec, props, ...children) {
    const [tag, ...classes] = spec.split(".");
    const node = document.createElement(tag);
    if (classes.length) node.className = classes.join(" ");
    for (const [key, value] of Object.entries(props || {})) {
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key in node && !key.startsWith("aria") && key !== "for") node[key] = value;
      else node.setAttribute(key, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  let uid = 0;

  // -- list pages: "3 comments" on each card --
  function showCounts() {
    const links = [...document.querySelectorAll("a[data-comments-for]")];
    if (!links.length) return;
    const slugs = [...new Set(links.map((a) => a.dataset.commentsFor))];
    api("GET", "/api/counts?slugs=" + encodeURIComponent(slugs.join(","))).then((counts) => {
      for (const a of links) {
        const n = counts[a.dataset.commentsFor];
        if (typeof n === "number") a.textContent = plural(n, "comment", "comments");
      }
    }, () => {}); // no sidecar: the links still say "Comments"
  }

  // -- anywhere: "Recent comments" blocks (partials/recent_comments.html) --
  function showRecent() {
    for (const block of document.querySelectorAll("[data-recent-comments]")) {
      const limit = Math.min(50, Math.max(1, Number(block.dataset.limit) || 5));
      api("GET", `/api/comments/recent?limit=${limit}`).then(({ items }) => {
        const list = block.querySelector("ol") || block.appendChild(h("ol"));
        list.replaceChildren(...items.map((c) => {
          // Only its text is kept, read from an inert document (nothing in it loads or runs).
          const parsed = new DOMParser().parseFromString(c.body_html, "text/html");
          const words = parsed.body.textContent.trim().replace(/\s+/g, " ");
          return h("li", {},
            h("a", { href: `${c.post_url}#comment-${c.id}` }, c.author.username, " on ",
              c.post_title),
            h("span.recent-comment-text", {},
              ": " + (words.length > 120 ? words.slice(0, 119) + "…" : words)));
        }));
        block.hidden = !items.length;
      }, () => {}); // no sidecar: the block stays hidden
    }
  }

  // -- a post page: the thread --
  class Thread {
    constructor(section) {
      this.section = section;
      this.slug = section.dataset.post;
      this.me = null;
      this.windowMs = 0;
      this.comments = new Map(); // id -> {data, li}
      this.drafts = new Set(); // how to close each open reply or edit form
      this.status = h("p.comments-presence", { role: "status" });
      this.announcer = h("p.visually-hidden.comments-announcer", { "aria-live": "polite" });
      this.account = h("div.comments-account");
      this.list = h("ol.comment-list");
      this.pages = 0; // how many pages of the thread are shown
      this.more = h("button.comments-more", { type: "button", hidden: true,
        onclick: () => this.loadMore() }, "Load more comments");
      this.composer = null;
    }

    async start() {
      const fallback = this.section.querySelector(":scope > .comments-fallback");
      const loading = h("p.comments-note", {}, "Loading comments…");
      (fallback || this.section.lastChild).replaceWith(loading);
      try {
        await Promise.all([this.loadMe(), this.load()]);
        // A link to a comment further down: load pages until it is there.
        const wanted = Number((location.hash.match(/^#comment-(\d+)$/) || [])[1]);
        while (wanted && !this.comments.has(wanted) && !this.more.hidden) await this.next();
      } catch (error) {
        loading.replaceWith(h("p.comments-note.comments-unavailable", { role: "status" },
          "Comments are unavailable right now. The post is all here; try again later."));
        return;
      }
      this.composer = this.form({ label: "Your comment", submit: "Post comment", notify: 1,
        onsubmit: (body, form) => this.create(body, null, form) });
      loading.replaceWith(this.status, this.announcer, this.account, this.composer, this.list,
        this.more);
      this.renderAccount();
      token().catch(() => {});
      this.connect();
      // Confirmed the address in another tab? Coming back shows it.
      const recheck = async () => {
        if (document.visibilityState !== "visible" || !this.me || this.me.email_confirmed) return;
        await this.loadMe().catch(() => {});
        this.renderAccount();
      };
      document.addEventListener("visibilitychange", recheck);
      window.addEventListener("focus", recheck);
      const linked = location.hash && document.getElementById(location.hash.slice(1));
      if (linked) { linked.scrollIntoView(); linked.focus(); }
    }

    async loadMe() {
      try {
        this.me = await api("GET", "/api/auth/me");
      } catch (error) {
        if (error.status !== 401) throw error;
        this.me = null;
      }
    }

    // One page: its top-level comments go below those shown, in the server's order.
    async page(n) {
      const thread = await api("GET", `/api/posts/${this.slug}/comments?order=newest&page=${n}`);
      this.windowMs = thread.edit_window_seconds * 1000;
      this.guests = thread.guests !== "off" && thread.guests;
      thread.items.forEach((c) => this.upsert(c));
      this.list.append(...thread.items.filter((c) => !c.parent_id && this.comments.has(c.id))
        .map((c) => this.comments.get(c.id).li));
      this.more.hidden = thread.page >= thread.pages;
      return thread.items;
    }

    // Every page shown so far, again: after signing in or out, or a dropped connection.
    async load() {
      const seen = new Set();
      this.pages = Math.max(1, this.pages);
      for (let n = 1; n <= this.pages; n++) (await this.page(n)).forEach((c) => seen.add(c.id));
      for (const [id, entry] of this.comments) {
        if (!seen.has(id)) this.remove(id, entry);
      }
      this.renderEmpty();
    }

    async next() {
      await this.page(this.pages + 1);
      this.pages++;
    }

    async loadMore() {
      const shown = this.list.children.length;
      this.more.disabled = true;
      try {
        await this.next();
        this.list.children[shown]?.firstChild.focus(); // the first of the older ones
      } catch (e) {
        this.say(e.message);
      } finally {
        this.more.disabled = false;
      }
    }

    renderEmpty() {
      const empty = !this.list.children.length;
      this.list.hidden = empty;
      if (this.composer) this.composer.elements.body.placeholder =
        empty ? "Be the first to comment" : "";
    }

    // -- who is signed in --
    renderAccount() {
      const box = this.account;
      box.replaceChildren();
      if (this.me) {
        box.append(h("p", {}, "Signed in as ", h("strong", {}, this.me.username), " · ",
          h("button.link", { type: "button", onclick: () => this.signOut() }, "Sign out")));
        this.renderReplies(box, (this.accountShown = (this.accountShown || 0) + 1));
        if (!this.me.email_confirmed) {
          const resend = h("button.link", { type: "button", onclick: async () => {
            resend.disabled = true;
            try {
              await api("POST", "/api/auth/confirm/resend", { post: this.slug });
              this.say(`A new confirmation link is on its way to ${this.me.email}.`);
            } catch (e) {
              this.say(e.message);
              resend.disabled = false;
            }
          } }, "Resend the confirmation mail");
          box.append(h("p.comments-note.comments-unconfirmed", {},
            `Confirm your email address to comment: we sent a link to ${this.me.email}. `,
            resend));
        }
      } else {
        box.append(h("p", {}, this.guests ? "Comment as a guest below, or " : "Sign in to comment: ",
          h("button.link", { type: "button", onclick: () => this.authForm("login") }, "Sign in"),
          " or ",
          h("button.link", { type: "button", onclick: () => this.authForm("register") },
            "create an account"), "."));
      }
      this.composer.hidden = !this.writer();
      const fields = this.composer.querySelector(":scope > .comment-guest");
      if (!this.me && !fields && this.guests) this.composer.prepend(this.guestFields());
      if (this.me) fields?.remove();
      if (!this.writer()) [...this.drafts].forEach((close) => close()); // no forms for readers
      for (const { data, li } of this.comments.values()) {
        this.renderActions(li.querySelector(":scope > .comment"), data);
      }
    }

    // "N new replies to you": across the site, read when the list is opened.
    async renderReplies(box, shown) {
      let found;
      try {
        found = await api("GET", "/api/me/replies?limit=10");
      } catch (e) {
        return; // not worth a word: the thread works without it
      }
      if (!found.items.length || shown !== this.accountShown) return; // drawn again since
      const list = h("ol.comments-replies-list", { hidden: true }, ...found.items.map((c) => {
        const text = new DOMParser().parseFromString(c.body_html, "text/html").body.textContent
          .trim().replace(/\s+/g, " ");
        return h(c.unread ? "li.unread" : "li", {},
          h("a", { href: `${c.post_url}#comment-${c.id}` }, c.author.username, " on ", c.post_title),
          ": " + (text.length > 120 ? text.slice(0, 119) + "…" : text));
      }));
      const label = found.unread
        ? plural(found.unread, "new reply to you", "new replies to you")
        : "Replies to you";
      const toggle = h("button.link.comments-replies", { type: "button",
        "aria-expanded": "false", onclick: async () => {
          list.hidden = !list.hidden;
          toggle.setAttribute("aria-expanded", String(!list.hidden));
          if (!list.hidden && found.unread) {
            found.unread = 0;
            await api("POST", "/api/me/replies/read").catch(() => {});
            toggle.textContent = "Replies to you";
          }
        } }, label);
      box.append(h("p.comments-note", {}, toggle), list);
    }

    writer() { return this.me || this.guests; }

    // A guest's name (required), email and website; remembered for the next comment.
    guestFields() {
      const saved = JSON.parse(localStorage.getItem("fp-guest") || "{}");
      return h("fieldset.comment-guest", {}, h("legend", {}, this.guests === "moderated"
        ? "As a guest (held for a moderator)" : "As a guest"),
      ...[["name", "Name", "text", "name", true], ["email", "Email (optional, never shown)",
        "email", "email"], ["website", "Website (optional)", "url", "url"]]
        .map(([name, label, type, auto, required]) => {
          const id = `c-guest-${name}-${++uid}`;
          return h("p", {}, h("label", { for: id }, label), h("input", { id, name, type,
            autocomplete: auto, required: !!required, maxLength: name === "name" ? 60 : 300,
            value: saved[name] || "" }));
        }));
    }

    // The edit tokens of my guest comments, kept by this browser for the edit window.
    token(id, value) {
      const all = JSON.parse(localStorage.getItem("fp-edit") || "{}");
      const now = Date.now();
      for (const k in all) if (all[k][1] < now) delete all[k];
      if (value) all[id] = [value, now + this.windowMs];
      localStorage.setItem("fp-edit", JSON.stringify(all));
      return all[id] && all[id][0];
    }

    authForm(kind) {
      const login = kind === "login";
      const fields = login
        ? [["login", "Email or username", "text", "username"],
           ["password", "Password", "password", "current-password"]]
        : [["email", "Email", "email", "email"], ["username", "Username", "text", "username"],
           ["password", "Password (8 characters or more)", "password", "new-password"]];
      const error = h("p.comment-error", { role: "alert" });
      const form = h("form.comments-auth", { novalidate: true, onsubmit: async (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        const button = form.querySelector("[type=submit]");
        button.disabled = true;
        try {
          if (login) {
            this.me = await api("POST", "/api/auth/login", data);
            csrf = null; // a new session has a new token
            this.renderAccount();
            await this.load(); // now with my pending comments and sources
            this.say(`Signed in as ${this.me.username}.`);
            this.composer.elements.body.focus();
          } else {
            await api("POST", "/api/auth/register", { ...data, post: this.slug });
            csrf = null; // registering signed us in: a new session has a new token
            this.me = await api("GET", "/api/auth/me");
            this.renderAccount();
            this.say(`Welcome, ${this.me.username}! You are signed in. We have emailed a link ` +
              `to ${this.me.email}: open it to confirm your address, then you can comment.`);
          }
        } catch (e) {
          error.textContent = [e.message, ...Object.entries(e.fields)
            .map(([k, v]) => `${k}: ${v}`)].join(" ");
          button.disabled = false;
          form.querySelector("input").focus();
        }
      } },
      h("h3", {}, login ? "Sign in" : "Create an account"),
      ...fields.map(([name, label, type, auto]) => {
        const id = `c-${name}-${++uid}`;
        return h("p", {}, h("label", { for: id }, label),
          h("input", { id, name, type, autocomplete: auto, required: true }));
      }),
      error,
      h("p.comment-buttons", {}, h("button", { type: "submit" }, login ? "Sign in" : "Register"),
        h("button", { type: "button", onclick: () => this.renderAccount() }, "Cancel")),
      login ? h("p.comments-note", {}, h("a", { href: "/auth/reset" }, "Forgot your password?"))
        : null);
      this.account.querySelector("form")?.remove();
      this.account.append(form);
      form.querySelector("input").focus();
    }

    async signOut() {
      await api("POST", "/api/auth/logout").catch(() => {});
      this.me = null;
      csrf = null;
      this.renderAccount();
      await this.load().catch(() => {});
      this.say("Signed out.");
      this.account.querySelector("button").focus();
    }

    // -- a Markdown form with preview, for new comments, replies and edits --
    form({ label, submit, value = "", onsubmit, oncancel, notify }) {
      const id = `c-body-${++uid}`;
      const textarea = h("textarea", { id, name: "body", rows: 4, maxLength: 8000,
        required: true, value });
      const preview = h("div.comment-preview", { hidden: true, "aria-live": "polite" });
      const error = h("p.comment-error", { role: "alert" });
      const button = h("button", { type: "submit" }, submit);
      const hp = h("input.comment-hp", { name: "hp", tabIndex: -1, autocomplete: "off",
        "aria-hidden": "true" }); // nobody sees it, so only a bot fills it in
      const form = h("form.comment-form", { novalidate: true, onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        error.textContent = "";
        try {
          await onsubmit(textarea.value, form);
          textarea.value = "";
          preview.hidden = true;
        } catch (e) {
          error.textContent = [e.message, ...Object.entries(e.fields)
            .map(([k, v]) => `(${k}: ${v})`)].join(" ");
          textarea.focus();
        } finally {
          button.disabled = false;
        }
      } },
      h("label", { for: id }, label),
      textarea, hp,
      h("p.comment-hint", {}, "Markdown: *emphasis*, `code`, > quotes, lists and links."),
      preview,
      notify ? h("label.comment-notify", {}, h("input", { type: "checkbox", name: "notify" }),
        " Email me replies") : null,
      error,
      h("p.comment-buttons", {},
        button,
        h("button", { type: "button", onclick: async () => {
          try {
            const { body_html } = await api("POST", "/api/comments/preview",
              { body: textarea.value });
            preview.innerHTML = body_html || "<p><em>Nothing to preview.</em></p>";
            preview.hidden = false;
            error.textContent = "";
          } catch (e) {
            error.textContent = e.message;
          }
        } }, "Preview"),
        oncancel ? h("button", { type: "button", onclick: oncancel }, "Cancel") : null));
      return form;
    }

    // -- writing --
    async create(body, parentId, form) {
      // One key per draft: sending it again after a lost answer makes no second comment.
      const draft = `${parentId}\n${body}`, keys = (this.keys ||= {});
      keys[draft] ||= crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
      const fields = form.querySelector(":scope > .comment-guest") ||
        this.composer.querySelector(":scope > .comment-guest");
      const guest = !this.me && fields && Object.fromEntries(
        [...fields.querySelectorAll("input")].map((i) => [i.name, i.value.trim()]));
      if (guest) localStorage.setItem("fp-guest", JSON.stringify(guest));
      const comment = await api("POST", `/api/posts/${this.slug}/comments`,
        { body, parent_id: parentId, guest: guest || undefined, started, hp: form.elements.hp.value,
          notify: !!form.elements.notify?.checked },
        { "Idempotency-Key": keys[draft] });
      delete keys[draft];
      if (comment.edit_token) this.token(comment.id, comment.edit_token);
      if (this.me && !this.me.email_confirmed) {
        await this.loadMe().catch(() => {});
        this.renderAccount();
      }
      const el = this.upsert(comment);
      this.renderEmpty();
      this.say(comment.status === "pending"
        ? "Your comment is waiting for a moderator; only you can see it until then."
        : "Your comment is posted.");
      el.focus();
      return comment;
    }

    async edit(el) {
      const id = Number(el.dataset.id);
      let { data } = this.comments.get(id);
      if (data.body === undefined) {
        await this.load();
        data = this.comments.get(id).data;
      }
      const body = el.querySelector(":scope > .comment-body");
      const close = () => { form.remove(); body.hidden = false; this.drafts.delete(close); };
      const form = this.form({ label: "Edit your comment", submit: "Save", value: data.body || "",
        onsubmit: async (text) => {
          const saved = await api("PATCH", `/api/comments/${id}`, { body: text }, this.mine(id));
          close();
          this.upsert(saved).focus();
          this.say("Your edit is saved.");
        },
        oncancel: () => { close(); el.focus(); } });
      this.drafts.add(close);
      body.hidden = true;
      body.after(form);
      form.elements.body.focus();
    }

    async destroy(el) {
      if (!window.confirm("Delete this comment? Replies to it stay.")) return;
      const id = Number(el.dataset.id);
      try {
        await api("DELETE", `/api/comments/${id}`, undefined, this.mine(id));
      } catch (e) {
        this.say(e.message);
        return;
      }
      const entry = this.comments.get(id);
      this.tombstone(id, entry);
      this.say("Your comment is deleted.");
      const title = this.section.querySelector(":scope > h2");
      title.setAttribute("tabindex", -1);
      (this.comments.has(id) ? entry.li.querySelector(":scope > .comment") : title).focus();
    }

    reply(el) {
      const li = el.parentElement;
      if (li.querySelector(":scope > .comment-form")) return;
      const id = Number(el.dataset.id);
      const close = () => { form.remove(); this.drafts.delete(close); };
      const form = this.form({ label: `Reply to ${this.comments.get(id).data.author.username}`,
        submit: "Post reply", notify: 1,
        onsubmit: async (text, f) => { await this.create(text, id, f); close(); },
        oncancel: () => {
          close();
          el.querySelector(":scope > .comment-actions > .comment-reply").focus();
        } });
      this.drafts.add(close);
      if (!this.me) form.prepend(this.guestFields());
      el.after(form);
      form.elements.body.focus();
    }

    // -- showing --
    upsert(data) {
      const known = this.comments.get(data.id);
      if (known) {
        if (known.data.body !== undefined && data.body === undefined) data.body = known.data.body;
        const old = known.li.querySelector(":scope > .comment");
        const same = ["status", "body_html", "edited_at"].every((k) => known.data[k] === data[k]);
        known.data = data;
        if (same) return old; // my own comment, echoed back by the live channel
        const fresh = this.article(data);
        old.replaceWith(fresh);
        if (document.activeElement === old) fresh.focus();
        return fresh;
      }
      const parent = this.comments.get(data.parent_id);
      if (data.parent_id && !parent) return null; // a reply on a page not loaded yet
      const li = h("li", {}, this.article(data), h("ol.comment-replies"));
      if (parent) parent.li.querySelector(":scope > .comment-replies").append(li);
      else this.list.prepend(li); // the newest at the top; pages put theirs in place
      this.comments.set(data.id, { data, li });
      return li.firstChild;
    }

    article(c) {
      const deleted = !c.author; // removed (deleted, rejected, spam), or held for review
      const body = h("div.comment-body");
      if (deleted) body.append(h("p.comments-note", {}, c.status === "pending"
        ? "This comment is waiting for review." : "This comment was deleted."));
      else body.innerHTML = c.body_html; // sanitised by the sidecar (nh3)
      const el = h("article.comment", { id: `comment-${c.id}`, tabindex: -1,
        "aria-labelledby": `comment-${c.id}-by` },
      h("header.comment-meta", { id: `comment-${c.id}-by` },
        h("strong.comment-author", {}, deleted ? "Deleted" : this.byline(c.author)), " ",
        h("a", { href: `#comment-${c.id}` },
          h("time", { datetime: c.created_at }, when.format(new Date(c.created_at)))),
        c.edited_at && !deleted ? " (edited)" : null,
        c.status === "pending" ? h("span.badge", {}, "Held for review") : null),
      c.status === "pending" && !deleted ? h("p.comments-note.comment-held", {},
        "Only you can see this until a moderator approves it" + (c.author.guest ? "."
          : "; replies you make to it wait with it.")) : null,
      body,
      h("p.comment-actions"));
      el.dataset.id = c.id;
      this.renderActions(el, c);
      return el;
    }

    // An account's name, or a guest's, marked as such, linked to their site (nofollow).
    byline(a) {
      if (!a.guest) return a.username;
      const name = /^https?:\/\//.test(a.website || "")
        ? h("a", { href: a.website, rel: "nofollow ugc noopener noreferrer" }, a.username)
        : a.username;
      return h("span", {}, name, " ", h("span.badge.comment-guest-badge", {}, "guest"));
    }

    // My guest comment's token, as the header that edits it; or null.
    mine(id) {
      const token = !this.me && this.token(id);
      return token ? { "X-Edit-Token": token } : undefined;
    }

    renderActions(el, c) {
      const bar = el.querySelector(":scope > .comment-actions");
      bar.replaceChildren();
      const mine = c.author && (this.me ? !c.author.guest && c.author.username === this.me.username
        : c.author.guest && !!this.mine(c.id));
      const mod = this.me && ["moderator", "admin"].includes(this.me.role);
      const open = Date.now() - new Date(c.created_at).getTime() < this.windowMs;
      const button = (cls, text, action) =>
        h(`button.link.${cls}`, { type: "button", onclick: () => action(el) }, text);
      if (!c.author) return;
      // Public comments, and my own while held (the reply waits with it).
      if (this.writer() && (c.status === "approved" || (mine && this.me && c.status === "pending"))) {
        bar.append(button("comment-reply", "Reply", (e) => this.reply(e)));
      }
      if ((mine && open) || mod) bar.append(button("comment-edit", "Edit", (e) => this.edit(e)));
      if ((mine && (this.me || open)) || mod) {
        bar.append(button("comment-delete", "Delete", (e) => this.destroy(e)));
      }
    }

    tombstone(id, entry) {
      if (!entry) return;
      if (entry.li.querySelector(":scope > .comment-replies").children.length) {
        this.upsert({ ...entry.data, status: "deleted", author: null, body_html: "" });
      } else {
        this.remove(id, entry);
      }
    }

    remove(id, entry) {
      entry.li.remove();
      this.comments.delete(id);
      this.renderEmpty();
    }

    say(text) {
      this.announcer.textContent = "";
      setTimeout(() => { this.announcer.textContent = text; }, 50);
    }

    // -- live: Socket.IO, loaded on demand; re-joins and catches up after a drop --
    connect() {
      const ready = window.io ? Promise.resolve() : new Promise((resolve, reject) => {
        document.head.append(h("script", { src: SOCKET_IO, onload: resolve, onerror: reject }));
      });
      ready.then(() => {
        const socket = window.io(LIVE_URL, { transports: ["websocket", "polling"] });
        let joined = false;
        socket.on("connect", () => {
          socket.emit("join", { post: this.slug }, (ack) => {
            if (ack && ack.ok) this.presence(ack.count);
          });
          if (joined) this.load().catch(() => {}); // what was missed while away
          joined = true;
          this.section.dataset.live = "on";
        });
        socket.on("disconnect", () => { this.section.dataset.live = "off"; });
        socket.on("presence", (p) => { if (p.post === this.slug) this.presence(p.count); });
        socket.on("comment:new", (c) => {
          if (c.post !== this.slug) return;
          const isNew = !this.comments.has(c.id);
          if (!this.upsert(c)) return;
          this.renderEmpty();
          if (isNew && !(this.me && c.author.username === this.me.username) && !this.mine(c.id)) {
            this.say(`New comment from ${c.author.username}.`);
          }
        });
        socket.on("comment:updated", (c) => {
          const had = this.comments.get(c.id), mine = had && had.data.body !== undefined;
          // Held after an edit: others see its place; its author keeps their own view.
          if (c.post === this.slug && had && (c.author || !mine)) this.upsert(c);
        });
        socket.on("comment:deleted", (c) => {
          if (c.post === this.slug) this.tombstone(c.id, this.comments.get(c.id));
        });
        // The server missed events while its message queue was away: catch up.
        socket.on("resync", (r) => { if (r.post === this.slug) this.load().catch(() => {}); });
        this.socket = socket;
      }, () => { this.status.textContent = "Live updates are off; reload to see new comments."; });
    }

    presence(count) {
      this.status.textContent = count > 1 ? `${plural(count, "reader", "readers")} here now` : "";
    }
  }

  function init() {
    showCounts();
    showRecent();
    const section = document.querySelector("section#comments[data-post]");
    if (!section) return;
    const thread = new Thread(section);
    const go = () => { window.frostpressComments = thread; thread.start(); };
    if (!("IntersectionObserver" in window) || location.hash.startsWith("#comment")) return go();
    const watcher = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { watcher.disconnect(); go(); }
    }, { rootMargin: "600px 0px" });
    watcher.observe(section);
  }

  init();
})();
