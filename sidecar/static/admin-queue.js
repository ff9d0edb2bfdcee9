/* The moderation queue fills live: held comments arrive through the Socket.IO
 * "admin" room, which the server lets a connection into only when its session
 * cookie belongs to a moderator. Without JavaScript the queue is the same
 * page; reloading shows what arrived. Comment HTML comes sanitised. */
(() => {
  "use strict";
  const rows = document.getElementById("queue-rows");
  const count = document.getElementById("pending-count");
  const status = document.getElementById("queue-live");
  if ((!rows && !count) || !window.io) return;
  const params = new URLSearchParams(location.search);
  // New rows go straight in only on the plain first page of pending comments.
  const plain = rows && ["", "pending"].includes(params.get("status") || "") &&
    !params.get("post") && !params.get("author") && !params.get("q") &&
    (params.get("page") || "1") === "1";
  const actions = [["approve", "Approve"], ["reject", "Reject"], ["spam", "Spam"], ["delete", "Delete"]];
  let missed = 0;

  function say(text) {
    if (status) status.textContent = text;
  }

  function row(c) {
    const tr = document.createElement("tr");
    tr.id = `queue-${c.id}`;
    tr.dataset.status = c.status;
    const pick = document.createElement("td");
    const box = Object.assign(document.createElement("input"), {
      type: "checkbox", name: "ids", value: c.id, id: `pick-${c.id}`,
    });
    box.setAttribute("aria-label", `Select comment ${c.id} by ${c.author.username}`);
    pick.append(box);
    const main = document.createElement("td");
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${c.author.username}${c.author.guest ? " (guest)" : ""} on ${c.post} · just now · `;
    const badge = Object.assign(document.createElement("span"), { className: "badge" });
    badge.textContent = c.status;
    meta.append(badge);
    const body = Object.assign(document.createElement("div"), { className: "body" });
    body.innerHTML = c.body_html; // sanitised by the sidecar (nh3)
    main.append(meta, body);
    const buttons = Object.assign(document.createElement("td"), { className: "row-actions" });
    for (const [value, label] of actions.filter(([v]) => v !== "approve" || c.status !== "approved")) {
      const button = Object.assign(document.createElement("button"), {
        type: "submit", name: "one", value: `${value}:${c.id}`, textContent: label,
      });
      button.setAttribute("aria-label", `${label} comment ${c.id}`);
      buttons.append(button);
    }
    tr.append(pick, main, buttons);
    return tr;
  }

  const socket = window.io({ transports: ["websocket", "polling"] });
  socket.on("connect", () => { document.body.dataset.live = "on"; });
  socket.on("disconnect", () => { document.body.dataset.live = "off"; });
  socket.on("resync", (r) => {
    if (r.admin) say("Live updates were interrupted; reload to see every waiting comment.");
  });
  socket.on("moderation:done", (done) => {
    let gone = 0;
    for (const id of done.ids) {
      const tr = document.getElementById(`queue-${id}`);
      if (!tr) continue;
      if (tr.dataset.status === "pending") gone += 1;
      if (plain) tr.remove(); // this view shows pending comments only
      else tr.dataset.status = done.status;
    }
    if (count) count.textContent = String(Math.max(0, Number(count.textContent) - done.was_pending));
    if (gone) say(`${gone} ${gone === 1 ? "comment was" : "comments were"} dealt with by a moderator.`);
  });
  socket.on("moderation:new", (c) => {
    if (count) count.textContent = String(Number(count.textContent) + 1);
    if (plain && !document.getElementById(`queue-${c.id}`)) {
      document.getElementById("queue-empty")?.remove();
      rows.prepend(row(c));
      say(`New comment from ${c.author.username} on ${c.post} is waiting.`);
    } else if (rows) {
      missed += 1;
      say(`${missed} new ${missed === 1 ? "comment is" : "comments are"} waiting; ` +
        "clear the filters or reload to see them.");
    } else {
      say(`New comment from ${c.author.username} on ${c.post} is waiting.`);
    }
  });
})();
