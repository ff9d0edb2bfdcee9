"""Spam without CAPTCHAs: cheap signals, each a reason recorded on the comment.

A new comment (from anyone but a moderator) is put to every check; each
answers the reasons it finds, and a comment with any is held for a moderator
(``spam`` at once for the honeypot: no person fills a field they cannot
see), its reasons kept in ``Comment.spam_reasons`` and shown in the queue.

- ``honeypot``: the form's invisible field was filled in.
- ``too_fast``: sent sooner than ``min_seconds`` after the form was shown
  (the form carries a signed time, ``FormClock``); a guest's comment without
  one counts too, an account's does not (API clients need not send it).
- ``links``: more than ``max_links`` links.
- ``duplicate``: the same words (case and spacing aside), ``DUPLICATE_MIN``
  characters or more, were posted in the last day anywhere on the site
  (``Comment.body_hash``); two readers saying "Thanks!" is no sign of spam.
- ``blocked_word``, ``blocked_domain``, ``blocked_address``: the site's
  blocklist (``BlockedItem``, kept in the admin): a word in the text or the
  guest's name; a domain of a link, of the guest's website or of the
  author's email address; the network the request came from.

More checks (an Akismet-style service, say) plug in by configuration:
``SPAM_CHECKS`` names ``module:factory`` callables, each given the app's
config and returning a ``SpamCheck``. None is called by default, and nothing
about a commenter leaves the sidecar unless one is configured.
"""

from __future__ import annotations

import hashlib
import importlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from sidecar.database import DbSession, now_utc
from sidecar.errors import Conflict, Invalid
from sidecar.models import BlockedItem, Comment, User
from sidecar.services.guests import Guest
from sidecar.services.unit import transaction

__all__ = [
    "BLOCK_KINDS",
    "Blocklist",
    "Candidate",
    "FormClock",
    "Screening",
    "Signals",
    "SpamCheck",
    "SpamFilter",
    "body_hash",
    "load_checks",
    "spam_filter",
]

BLOCK_KINDS = ("word", "domain", "network")
MIN_SECONDS = 3.0
MAX_LINKS = 2
DUPLICATE_WINDOW = timedelta(days=1)
DUPLICATE_MIN = 40
_HREF = re.compile(r'<a [^>]*href="([^"]+)"')
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def body_hash(body: str) -> str:
    """The words of a comment, case and spacing aside, as a fingerprint."""
    return hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()


@dataclass(frozen=True)
class Candidate:
    """A comment about to be stored, and what its request says about it."""

    body: str
    body_html: str
    post_slug: str
    author: User | None = None
    guest: Guest | None = None
    address: str | None = None  # the reader's, never stored
    honeypot: str = ""
    elapsed: float | None = None  # seconds since the form was shown (None: unknown)
    comment_id: int | None = None  # an edit's own comment (not its own duplicate)


@dataclass(frozen=True)
class Signals:
    """What the request says about a new comment: where from, and its form's fields."""

    address: str | None = None
    honeypot: str = ""
    started: str | None = None  # the form's signed time (``FormClock``)


class SpamCheck(Protocol):
    def __call__(self, candidate: Candidate) -> Sequence[str]: ...


FORM_MAX_AGE = 24 * 3600  # a form token older than this counts as none


class FormClock:
    """The signed time a comment form was shown, to tell when it comes back.

    A token is good for ``FORM_MAX_AGE``: one fetched once and kept by a bot
    does not pass the time check for ever (within the day, the per-address
    and per-email rate limits bound what it buys).
    """

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="frostpress.form-shown")

    def issue(self) -> str:
        return str(self._serializer.dumps("form"))

    def elapsed(self, token: str | None) -> float | None:
        """Seconds since ``token`` was issued; None if there is none, it is forged or stale."""
        if not token:
            return None
        try:
            _, issued = self._serializer.loads(token, max_age=FORM_MAX_AGE, return_timestamp=True)
        except BadSignature:  # SignatureExpired too
            return None
        return float((now_utc() - issued).total_seconds())


def _honeypot(candidate: Candidate) -> list[str]:
    return ["honeypot"] if candidate.honeypot.strip() else []


def _too_fast(min_seconds: float) -> SpamCheck:
    def check(candidate: Candidate) -> list[str]:
        if candidate.elapsed is None:
            return ["too_fast"] if candidate.author is None else []
        return ["too_fast"] if candidate.elapsed < min_seconds else []

    return check


def _links(max_links: int) -> SpamCheck:
    def check(candidate: Candidate) -> list[str]:
        count = len(_HREF.findall(candidate.body_html))
        return [f"links:{count}"] if count > max_links else []

    return check


def _hosts(candidate: Candidate) -> set[str]:
    hosts = {urlsplit(href).hostname or "" for href in _HREF.findall(candidate.body_html)}
    if candidate.guest is not None:
        if candidate.guest.website:
            hosts.add(urlsplit(candidate.guest.website).hostname or "")
        if candidate.guest.email:
            hosts.add(candidate.guest.email.rpartition("@")[2])
    if candidate.author is not None:
        hosts.add(candidate.author.email.rpartition("@")[2])
    return {h.lower().rstrip(".") for h in hosts if h}


class Blocklist:
    """The site's own list of words, domains and networks that hold a comment."""

    def __init__(self, session: DbSession) -> None:
        self.session = session

    def entries(self) -> list[BlockedItem]:
        return list(
            self.session.scalars(select(BlockedItem).order_by(BlockedItem.kind, BlockedItem.value))
        )

    @staticmethod
    def normalise(kind: str, value: str) -> str:
        value = value.strip()
        if kind == "word":
            value = " ".join(value.casefold().split())
            if not 2 <= len(value) <= 100:
                raise Invalid("A word is 2 to 100 characters.", fields={"value": "2 to 100"})
            return value
        if kind == "domain":
            value = value.lower().rstrip(".").removeprefix("*.")
            if not _DOMAIN.match(value):
                raise Invalid(
                    f"{value!r} is not a domain name.",
                    fields={"value": "a domain, e.g. spam.example"},
                )
            return value
        if kind == "network":
            try:
                return str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                raise Invalid(
                    f"{value!r} is not an address or a network.",
                    fields={"value": "an address or a network, e.g. 203.0.113.0/24"},
                ) from None
        raise Invalid("Choose word, domain or network.", fields={"kind": " or ".join(BLOCK_KINDS)})

    def add(self, kind: str, value: str) -> BlockedItem:
        value = self.normalise(kind, value)
        already = Conflict(f"{value} is on the blocklist already.", code="already_blocked")
        if self.session.scalar(
            select(exists().where(BlockedItem.kind == kind, BlockedItem.value == value))
        ):
            raise already
        try:
            with transaction(self.session):
                item = BlockedItem(kind=kind, value=value)
                self.session.add(item)
        except IntegrityError:  # added by another moderator just now
            raise already from None
        return item

    def remove(self, item_id: int) -> None:
        item = self.session.get(BlockedItem, item_id)
        if item is not None:
            with transaction(self.session):
                self.session.delete(item)

    def __call__(self, candidate: Candidate) -> list[str]:
        entries = self.entries()
        if not entries:
            return []
        reasons: list[str] = []
        text = " ".join(
            f"{candidate.body} {candidate.guest.name if candidate.guest else ''}".casefold().split()
        )
        hosts = _hosts(candidate)
        address = _address(candidate.address)
        for entry in entries:
            if entry.kind == "word" and entry.value in text:
                reasons.append("blocked_word")
            elif entry.kind == "domain" and any(
                h == entry.value or h.endswith("." + entry.value) for h in hosts
            ):
                reasons.append("blocked_domain")
            elif entry.kind == "network" and address is not None:
                network = ipaddress.ip_network(entry.value)
                if address.version == network.version and address in network:
                    reasons.append("blocked_address")
        return sorted(set(reasons))


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value) if value else None
    except ValueError:
        return None


def _duplicates(session: DbSession) -> SpamCheck:
    def check(candidate: Candidate) -> list[str]:
        if len(" ".join(candidate.body.split())) < DUPLICATE_MIN:
            return []
        since = now_utc() - DUPLICATE_WINDOW
        seen = session.scalar(
            select(
                exists().where(
                    Comment.body_hash == body_hash(candidate.body),
                    Comment.created_at > since,
                    Comment.id != (candidate.comment_id or 0),
                )
            )
        )
        return ["duplicate"] if seen else []

    return check


@dataclass
class SpamFilter:
    """Every check, in order; the reasons they found, each once."""

    checks: list[SpamCheck] = field(default_factory=list)

    def reasons(self, candidate: Candidate) -> list[str]:
        found: list[str] = []
        for check in self.checks:
            found += [r for r in check(candidate) if r not in found]
        return found


@dataclass
class Screening:
    """The spam checks as the comment use cases ask them: of a new comment, with
    what its request says, and of an edit; moderators are never screened."""

    spam: SpamFilter = field(default_factory=SpamFilter)
    clock: FormClock | None = None

    def new(
        self,
        author: User | None,
        guest: Guest | None,
        slug: str,
        body: str,
        body_html: str,
        signals: Signals | None,
    ) -> list[str]:
        if author is not None and author.is_moderator:
            return []
        signals = signals or Signals()
        elapsed = self.clock.elapsed(signals.started) if self.clock else None
        candidate = Candidate(
            body, body_html, slug, author, guest, signals.address, signals.honeypot, elapsed
        )
        return self.spam.reasons(candidate)

    def edit(self, editor: User | None, comment: Comment, body: str, body_html: str) -> list[str]:
        """An edit by ``editor`` (None: the guest who wrote it); its form's timing aside."""
        if editor is not None and editor.is_moderator:
            return []
        guest = None
        if comment.is_guest:
            guest = Guest(comment.guest_name or "", comment.guest_email, comment.guest_website)
        candidate = Candidate(
            body,
            body_html,
            comment.post_slug,
            editor,
            guest,
            elapsed=float("inf"),
            comment_id=comment.id,
        )
        return self.spam.reasons(candidate)


def built_in(session: DbSession, config: Mapping[str, Any]) -> list[SpamCheck]:
    return [
        _honeypot,
        _too_fast(float(config.get("SPAM_MIN_SECONDS", MIN_SECONDS))),
        _links(int(config.get("SPAM_MAX_LINKS", MAX_LINKS))),
        _duplicates(session),
        Blocklist(session),
    ]


def load_checks(spec: str, config: Mapping[str, Any]) -> list[SpamCheck]:
    """The checks ``SPAM_CHECKS`` names (``module:factory``, comma-separated): the
    operator's configuration, never a reader's choice."""
    checks: list[SpamCheck] = []
    for name in filter(None, (part.strip() for part in spec.split(","))):
        module, _, attribute = name.partition(":")
        factory: Callable[[Mapping[str, Any]], SpamCheck] = getattr(
            importlib.import_module(module), attribute
        )
        checks.append(factory(config))
    return checks


def spam_filter(
    session: DbSession, config: Mapping[str, Any], extra: Iterable[SpamCheck]
) -> SpamFilter:
    return SpamFilter([*built_in(session, config), *extra])
