"""Full-text search over published posts: SQLite FTS5, or PostgreSQL full-text search.

- One interface for both: ``sync()`` makes the index match what the engine
  publishes now (a post edited, removed or turned into a draft follows at the
  next search, without a restart), ``query()`` returns ranked hits.
- Ranking: posts whose title matches come first, then by relevance (FTS5's
  bm25 weighted title > tags > summary > body; ``ts_rank_cd`` over weights
  A-D on PostgreSQL).
- A query is reduced to its words before it reaches the database, so quotes,
  operators and other syntax are just text, and never an error; the last word
  matches as a prefix, for results as you type.
- Snippets are escaped here and only ``<mark>`` is added back: safe to insert.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from frostpress.content.index import SiteIndex
from sidecar.database import DbSession
from sidecar.services.catalog import PostCatalog
from sidecar.services.unit import transaction

__all__ = ["Hit", "Search", "terms_of"]

_WORDS = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
START, STOP = "\x01", "\x02"  # snippet markers: never in a post's text after escaping
_synced: dict[str, str] = {}  # database URL -> signature of what was last written to it
_sync_lock = threading.Lock()


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    snippet_html: str
    in_title: bool


def terms_of(query: str) -> list[str]:
    """The words of a query, lower-cased, at most 12 of at most 64 characters."""
    return [word.lower()[:64] for word in _WORDS.findall(query)][:MAX_TERMS]


def _marked(snippet: str) -> str:
    return html.escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")


class Search:
    def __init__(self, session: DbSession, catalog: PostCatalog) -> None:
        self.session = session
        self.catalog = catalog
        self.dialect = session.get_bind().dialect.name

    # -- keeping the index current --------------------------------------------------
    def sync(self) -> int:
        """Bring the index up to date with the published posts; how many changed."""
        signature = self.catalog.signature()
        key = str(self.session.get_bind().engine.url)
        if _synced.get(key) == signature:
            return 0
        with _sync_lock:
            if _synced.get(key) == signature:
                return 0  # another thread did it while this one waited
            changed = self._sync(self.catalog.index())
            _synced[key] = signature
        return changed

    def _sync(self, index: SiteIndex) -> int:
        posts = {post.slug: post for post in index.posts}
        stored: dict[str, str] = dict(
            self.session.execute(text("SELECT slug, digest FROM search_documents")).all()
        )
        fresh = [post for slug, post in posts.items() if stored.get(slug) != post.digest]
        # Removed or unpublished posts, and the old rows of changed ones; deleting a
        # fresh one also clears a row another process may have written meanwhile.
        gone = [{"slug": slug} for slug in stored.keys() - posts.keys()]
        gone += [{"slug": post.slug} for post in fresh]
        if not gone:
            return 0
        with transaction(self.session):
            self.session.execute(text("DELETE FROM search_documents WHERE slug = :slug"), gone)
            if fresh:
                self.session.execute(
                    text(
                        "INSERT INTO search_documents (slug, digest, title, tags, summary, body)"
                        " VALUES (:slug, :digest, :title, :tags, :summary, :body)"
                    ),
                    [
                        {
                            "slug": post.slug,
                            "digest": post.digest,
                            "title": post.title,
                            "tags": " ".join(tag.name for tag in post.tags),
                            "summary": post.summary_text,
                            "body": post.text,
                        }
                        for post in fresh
                    ],
                )
        return len(gone)

    # -- asking -----------------------------------------------------------------------
    def query(self, query: str, limit: int = 10) -> list[Hit]:
        terms = terms_of(query)
        if not terms:
            return []
        self.sync()
        rows = self._fts5(terms, limit) if self.dialect == "sqlite" else self._tsquery(terms, limit)
        hits: dict[str, Hit] = {}
        for slug, title, snippet, in_title in rows:
            hits.setdefault(slug, Hit(slug, title, _marked(snippet or ""), bool(in_title)))
        return list(hits.values())[:limit]

    def _fts5(self, terms: list[str], limit: int) -> Any:
        words = [f'"{t}"' for t in terms[:-1]] + [f'"{terms[-1]}"*']
        match = " ".join(words)
        return self.session.execute(
            text(
                "SELECT slug, title,"
                " snippet(search_documents, -1, :start, :stop, '…', 24),"
                " slug IN (SELECT slug FROM search_documents WHERE search_documents MATCH :title)"
                " AS in_title"
                " FROM search_documents WHERE search_documents MATCH :match"
                " ORDER BY in_title DESC,"
                " bm25(search_documents, 0, 0, 10.0, 4.0, 2.0, 1.0), slug"
                " LIMIT :limit"
            ),
            {
                "match": match,
                "title": f"title : ({match})",
                "start": START,
                "stop": STOP,
                "limit": limit,
            },
        ).all()

    def _tsquery(self, terms: list[str], limit: int) -> Any:
        tsquery = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
        return self.session.execute(
            text(
                "WITH q AS (SELECT to_tsquery('english', :tsquery) AS query)"
                " SELECT slug, title,"
                " ts_headline('english', body, q.query, :options),"
                " title_vector @@ q.query AS in_title"
                " FROM search_documents, q WHERE document @@ q.query"
                " ORDER BY in_title DESC, ts_rank_cd(document, q.query) DESC, slug"
                " LIMIT :limit"
            ),
            {
                "tsquery": tsquery,
                "options": f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12,"
                " MaxFragments=1",
                "limit": limit,
            },
        ).all()
