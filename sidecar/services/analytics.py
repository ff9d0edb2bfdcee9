"""Privacy-friendly page views: counts per page per day, and where readers came from.

- A view counts when it is a page the site has (never a made-up path), from
  something that is not an obvious bot, and the first from that reader for
  that page today.
- "That reader" is a SHA-256 of (today's random salt, address, path): one
  address is one reader whatever its user agent says, so rotating agents
  counts nothing twice. The digests are kept for the day only, salt included,
  so they can never be recomputed or linked across days. No address, user
  agent or cookie is stored.
- A referrer is kept as its host only, and only when it is another site. Its
  distinct readers are counted per day the same way (a digest of salt,
  address and host), and a host is shown only once ``MIN_REFERRER_READERS``
  of them sent readers: a lone script cannot put its host on the dashboard.
  (Days cannot be linked, so one reader on three days counts as three.)
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select

from sidecar.database import DbSession, now_utc
from sidecar.models import Comment, ReferrerCount, User, ViewCount, ViewSalt, ViewSeen
from sidecar.services.catalog import PostCatalog
from sidecar.services.unit import transaction

__all__ = ["MIN_REFERRER_READERS", "Analytics", "is_bot"]

# A referrer host is shown once this many distinct readers (summed over the
# days asked for) came from it.
MIN_REFERRER_READERS = 3

_BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|monitor|scan|preview|headless|lighthouse|"
    r"curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|node-fetch|axios|libwww|"
    r"facebookexternalhit|embedly|quora link|whatsapp|phantomjs|selenium|puppeteer",
    re.IGNORECASE,
)
_HOST = re.compile(r"^[a-z0-9.-]{1,253}(:[0-9]{1,5})?$")


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_BOTS.search(user_agent))


def _insert(session: DbSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def _days(last: int, today: date) -> list[date]:
    return [today - timedelta(days=n) for n in range(last - 1, -1, -1)]


class Analytics:
    def __init__(
        self,
        session: DbSession,
        catalog: PostCatalog,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.clock = clock
        self.own_host = urlsplit(catalog.config.base_url).netloc.lower()

    # -- counting ---------------------------------------------------------------------
    def record(self, path: str, referrer: str, address: str, user_agent: str) -> bool:
        """Count one view; False when it does not count (bot, unknown page, repeat)."""
        if is_bot(user_agent) or path not in self.catalog.page_paths():
            return False
        now = self.clock()
        today = now.date()
        insert = _insert(self.session)
        with transaction(self.session):
            salt = self._salt(today, now, insert)
            if not self._first_sighting(insert, today, now, salt, address, path):
                return False  # this reader saw this page today already
            self._increment(insert, ViewCount, {"day": today, "path": path}, now, views=1)
            host = self._referrer_host(referrer)
            if host:
                # A reader arriving from a host counts once a day for it, and
                # only after the page view itself counted.
                new = self._first_sighting(insert, today, now, salt, address, "referrer", host)
                keys = {"day": today, "host": host}
                self._increment(insert, ReferrerCount, keys, now, views=1, readers=int(new))
        return True

    def _first_sighting(
        self, insert: Any, today: date, now: datetime, salt: str, *what: str
    ) -> bool:
        """Remember today's digest of ``what`` (salted); False if it was seen already."""
        digest = hashlib.sha256("\x1f".join((salt, *what)).encode()).hexdigest()
        found = self.session.scalar(
            insert(ViewSeen)
            .values(day=today, digest=digest, created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["day", "digest"])
            .returning(ViewSeen.id)
        )
        return found is not None

    def _salt(self, today: date, now: datetime, insert: Any) -> str:
        """Today's salt; the first view of a day also forgets every earlier day's."""
        salt = self.session.scalar(select(ViewSalt.salt).where(ViewSalt.day == today))
        if salt is not None:
            return salt
        self.session.execute(delete(ViewSeen).where(ViewSeen.day < today))
        self.session.execute(delete(ViewSalt).where(ViewSalt.day < today))
        self.session.execute(
            insert(ViewSalt)
            .values(day=today, salt=secrets.token_hex(32), created_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["day"])
        )
        found = self.session.scalar(select(ViewSalt.salt).where(ViewSalt.day == today))
        assert found is not None  # inserted above, or by another process meanwhile
        return found

    def _increment(
        self, insert: Any, model: Any, keys: dict[str, Any], now: datetime, **counts: int
    ) -> None:
        added = {name: getattr(model, name) + n for name, n in counts.items()}
        self.session.execute(
            insert(model)
            .values(**keys, **counts, created_at=now, updated_at=now)
            .on_conflict_do_update(index_elements=list(keys), set_={**added, "updated_at": now})
        )

    def _referrer_host(self, referrer: str) -> str:
        parts = urlsplit(referrer.strip())
        host = parts.netloc.lower().rsplit("@", 1)[-1]
        if parts.scheme not in ("http", "https") or not _HOST.match(host):
            return ""
        return "" if host == self.own_host else host

    # -- reading ----------------------------------------------------------------------
    def views_per_day(self, days: int = 30) -> list[tuple[date, int]]:
        today = self.clock().date()
        rows = self.session.execute(
            select(ViewCount.day, func.sum(ViewCount.views))
            .where(ViewCount.day > today - timedelta(days=days))
            .group_by(ViewCount.day)
        )
        found = {day: int(total) for day, total in rows}
        return [(day, found.get(day, 0)) for day in _days(days, today)]

    def top_paths(self, days: int = 30, limit: int = 10) -> list[tuple[str, int]]:
        return self._top(ViewCount.path, ViewCount, days, limit)

    def top_referrers(self, days: int = 30, limit: int = 10) -> list[tuple[str, int]]:
        """Hosts that sent views, each only once ``MIN_REFERRER_READERS`` readers came
        from it in those days."""
        enough = func.sum(ReferrerCount.readers) >= MIN_REFERRER_READERS
        return self._top(ReferrerCount.host, ReferrerCount, days, limit, enough)

    def _top(
        self, column: Any, model: Any, days: int, limit: int, *having: Any
    ) -> list[tuple[str, int]]:
        since = self.clock().date() - timedelta(days=days)
        total = func.sum(model.views)
        rows = self.session.execute(
            select(column, total)
            .where(model.day > since)
            .group_by(column)
            .having(*having)
            .order_by(total.desc(), column)
            .limit(limit)
        )
        return [(key, int(views)) for key, views in rows]

    def per_day(self, model: Any, days: int = 30) -> list[tuple[date, int]]:
        """Rows of ``model`` (comments, users) created per day, counted in Python so
        every database buckets days the same way (UTC)."""
        today = self.clock().date()
        since = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=UTC)
        stamps = self.session.scalars(select(model.created_at).where(model.created_at >= since))
        counts = Counter(stamp.date() for stamp in stamps)
        return [(day, counts.get(day, 0)) for day in _days(days, today)]

    def comments_per_day(self, days: int = 30) -> list[tuple[date, int]]:
        return self.per_day(Comment, days)

    def signups_per_day(self, days: int = 30) -> list[tuple[date, int]]:
        return self.per_day(User, days)
