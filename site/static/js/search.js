/* Results as you type on /search/ (GET /api/search). Without this script the
 * form goes to the sidecar's /search/results page. Snippets arrive escaped,
 * with only <mark> added; everything else is set as text. */
(() => {
  "use strict";
  const input = document.getElementById("search-q");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  if (!input || !list) return;
  let timer = 0;
  let asked = 0;

  async function run(query) {
    const mine = ++asked;
    if (!query.trim()) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    let found;
    try {
      const response = await fetch("/api/search?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      found = await response.json();
    } catch (_) {
      if (mine === asked) status.textContent = "Search is unavailable right now.";
      return;
    }
    if (mine !== asked) return; // a later keystroke already asked again
    list.replaceChildren(...found.items.map((hit) => {
      const li = document.createElement("li");
      const h2 = document.createElement("h2");
      const a = Object.assign(document.createElement("a"), { href: hit.path, textContent: hit.title });
      h2.append(a);
      const snippet = document.createElement("p");
      snippet.innerHTML = hit.snippet_html; // escaped by the sidecar, <mark> only
      li.append(h2, snippet);
      return li;
    }));
    const n = found.total;
    status.textContent = `${n} ${n === 1 ? "post" : "posts"} found for “${query}”.`;
    history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 150);
  });
  const start = new URLSearchParams(location.search).get("q");
  if (start) {
    input.value = start;
    run(start);
  }
})();
