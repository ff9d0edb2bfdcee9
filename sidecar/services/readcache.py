"""Answers to anonymous reads, kept until what they show changes.

- An answer (a thread page, counts, a post's metadata) is kept under a key
  made of what was asked and the *version* of every post it shows. Each post
  has a version counter; a committed change to any of its comments bumps it,
  so the next read builds a new answer. Nothing is guessed from a time to live:
  the ``ttl`` only bounds what a lost bump (Redis unreachable at that moment)
  could cost.
- The versions are bumped from the database session itself, after commit
  (``after_flush`` notes the posts whose comments were added, changed or
  deleted; ``after_commit`` bumps them, and so does a rollback: one needless
  rebuild is cheaper than a stale answer). So every
  write path counts — the API, the no-JS forms, moderation, bans — including
  the ones that announce nothing live (a ban rejecting held comments). A bulk
  ``UPDATE``/``DELETE``/``INSERT`` of comments bumps everything.
- With ``REDIS_URL`` the versions live in Redis, so every process sees a bump
  at once, and built answers are shared there too; each process also keeps
  recent answers in memory, valid while the versions it reads are unchanged.
  An epoch (random, kept in Redis, or per process without Redis) is part of
  every key, so versions that start again (Redis flushed, a restart) never
  meet answers made before.
- Redis unreachable: answers are built from the database, uncached, and for a
  second nothing asks Redis again; bumps that could not be sent are sent with
  the next that can.
- One build per answer: readers who miss while another request of the same
  process is building that answer wait for it (up to ``BUILD_WAIT``) instead
  of building it too. A comment on a busy thread makes every reader miss at
  once; without this each of them ran the thread's queries (64 readers at
  once: 64 builds, and reads of up to 0.7 s while they ran). If the build
  fails, the waiters build their own (and meet the same error, if it lasts).
- Every answer carries a strong ``ETag``: a hash of its bytes, the same in every
  process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

__all__ = ["ANY", "Answer", "ReadCache", "init_app", "watch_sessions"]

log = logging.getLogger(__name__)

EVERYTHING = "*"  # the version every key includes: bumped by bulk changes
ANY = "+"  # bumped with every change: the key of site-wide answers (recent comments)
_PENDING_KEY = "sidecar.readcache.changed"
BUILD_WAIT = 5.0  # seconds a reader waits for another's build before building its own


@dataclass(frozen=True)
class Answer:
    body: bytes  # JSON
    etag: str  # without quotes


def encode(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def _etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _answer_of(value: Any) -> Answer:
    body = encode(value)
    return Answer(body, _etag(body))


class ReadCache:
    """Versions per post, and the answers built at those versions."""

    def __init__(
        self,
        redis_url: str | None = None,
        *,
        entries: int = 2048,
        max_bytes: int = 32 * 1024 * 1024,
        ttl: float = 60.0,
        prefix: str = "frostpress:reads:",
    ) -> None:
        self.ttl = ttl
        self.entries = entries
        self.max_bytes = max_bytes  # what the answers kept in memory may add up to
        self._bytes = 0
        self.prefix = prefix
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, tuple[float, Answer]] = OrderedDict()
        self._building: dict[str, threading.Event] = {}  # keys being built now
        self._local_epoch = secrets.token_hex(8)
        self._local_versions: dict[str, int] = {}
        self._unsent: set[str] = set()  # bumps Redis did not take yet
        self._quiet_until = 0.0  # Redis failed: leave it alone until then
        self.redis: Any = None
        if redis_url:
            import redis

            self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
            self.redis = redis.Redis.from_url(
                redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
            )

    # -- versions ------------------------------------------------------------------------
    def _failed(self, what: str) -> None:
        self._quiet_until = time.monotonic() + 1.0
        log.warning("read cache: Redis unreachable while %s; reading uncached", what)

    def _redis_usable(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._quiet_until

    def stamp(self, slugs: Sequence[str]) -> str | None:
        """The epoch and the versions of ``slugs`` (and of everything), as one
        string; None when they cannot be known now (then nothing is cached)."""
        names = [EVERYTHING, *slugs]
        if self.redis is None:
            with self._lock:
                found = [str(self._local_versions.get(n, 0)) for n in names]
            return ".".join([self._local_epoch, *found])
        if not self._redis_usable():
            return None
        self._send_unsent()
        keys = [self.prefix + "epoch", *(self.prefix + "v:" + n for n in names)]
        try:
            values = self.redis.mget(keys)
            if values[0] is None:
                self.redis.set(keys[0], secrets.token_hex(8), nx=True)
                values = self.redis.mget(keys)
        except self._errors:
            self._failed("reading versions")
            return None
        if values[0] is None or self._unsent:
            return None
        return ".".join(v.decode() if v is not None else "0" for v in values)

    def bump(self, slugs: Iterable[str]) -> None:
        """The comments of ``slugs`` changed (committed): their answers are stale."""
        names = set(slugs)
        if not names:
            return
        names.add(ANY)
        if self.redis is None:
            with self._lock:
                for name in names:
                    self._local_versions[name] = self._local_versions.get(name, 0) + 1
            return
        with self._lock:
            self._unsent |= names
        self._send_unsent()

    def _send_unsent(self) -> None:
        with self._lock:
            names, self._unsent = self._unsent, set()
        if not names:
            return
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                for name in sorted(names):
                    pipe.incr(self.prefix + "v:" + name)
                pipe.execute()
        except self._errors:
            with self._lock:
                self._unsent |= names
            self._failed("bumping versions")

    # -- answers -------------------------------------------------------------------------
    def answer(
        self, kind: str, slugs: Sequence[str], params: str, build: Callable[[], Any]
    ) -> Answer:
        """The answer to ``kind`` with ``params`` over the posts ``slugs``: kept, or
        ``build()`` (a JSON value) encoded and kept. Whatever ``build`` raises
        (a 404, a database outage) goes to the caller and nothing is kept."""
        stamp = self.stamp(slugs)
        if stamp is None:
            return _answer_of(build())
        key = hashlib.blake2b(f"{kind}|{params}|{stamp}".encode(), digest_size=20).hexdigest()
        kept, building = self._kept_or_claim(key)
        if kept is not None:
            return kept
        if building is not None:  # another request is building it: wait for that
            building.wait(BUILD_WAIT)
            kept, _ = self._kept_or_claim(key, claim=False)
            if kept is not None:
                return kept
            return self._build(key, build)  # it failed or is stuck: build our own
        try:
            return self._build(key, build)
        finally:
            with self._lock:
                self._building.pop(key).set()

    def _kept_or_claim(
        self, key: str, *, claim: bool = True
    ) -> tuple[Answer | None, threading.Event | None]:
        """The kept answer; else whose build to wait for (None: the caller's to build,
        and claimed for it when ``claim``)."""
        now = time.monotonic()
        with self._lock:
            kept = self._answers.get(key)
            if kept is not None and now - kept[0] < self.ttl:
                self._answers.move_to_end(key)
                return kept[1], None
            building = self._building.get(key)
            if building is None and claim:
                self._building[key] = threading.Event()
            return None, building

    def _build(self, key: str, build: Callable[[], Any]) -> Answer:
        """Shared by another process, or built here; kept either way."""
        found = self._shared(key)
        if found is None:
            found = _answer_of(build())
            self._share(key, found)
        now = time.monotonic()
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1].body)
            self._answers[key] = (now, found)
            self._bytes += len(found.body)
            while self._answers and (
                len(self._answers) > self.entries or self._bytes > self.max_bytes
            ):
                self._bytes -= len(self._answers.popitem(last=False)[1][1].body)
        return found

    def _shared(self, key: str) -> Answer | None:
        if not self._redis_usable():
            return None
        try:
            raw = self.redis.get(self.prefix + "a:" + key)
        except self._errors:
            self._failed("reading an answer")
            return None
        if raw is None:
            return None
        etag, _, body = raw.partition(b"\n")
        return Answer(body, etag.decode())

    def _share(self, key: str, found: Answer) -> None:
        if not self._redis_usable():
            return
        try:
            value = found.etag.encode() + b"\n" + found.body
            self.redis.set(self.prefix + "a:" + key, value, ex=max(1, int(self.ttl)))
        except self._errors:
            self._failed("keeping an answer")


# -- the database session tells the cache what changed ---------------------------------------
def _cache() -> ReadCache | None:
    from flask import current_app, has_app_context

    if not has_app_context():
        return None
    found: ReadCache | None = current_app.extensions.get("sidecar.readcache")
    return found


def _comment_slugs(objects: Iterable[Any]) -> set[str]:
    from sidecar.models import Comment

    return {o.post_slug for o in objects if isinstance(o, Comment) and o.post_slug}


def _after_flush(session: Session, _context: Any) -> None:
    changed = _comment_slugs([*session.new, *session.dirty, *session.deleted])
    if changed:
        session.info.setdefault(_PENDING_KEY, set()).update(changed)


def _on_execute(state: ORMExecuteState) -> None:
    from sidecar.models import Comment

    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is Comment:
        state.session.info.setdefault(_PENDING_KEY, set()).add(EVERYTHING)


def _after_commit(session: Session) -> None:
    changed = session.info.pop(_PENDING_KEY, None)
    if changed and (cache := _cache()) is not None:
        cache.bump(changed)


def _after_rollback(session: Session) -> None:
    # Bumping for a change that was rolled back costs one rebuild; forgetting a
    # change that a savepoint's rollback did not undo would serve it stale.
    _after_commit(session)


_watching: set[int] = set()


def watch_sessions(session_class: type[Session]) -> None:
    """Listen to ``session_class`` (once per process): every commit that changed
    comments bumps the versions of their posts in the app's cache."""
    if id(session_class) in _watching:
        return
    _watching.add(id(session_class))
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "do_orm_execute", _on_execute)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_rollback", _after_rollback)


def init_app(app: Any) -> None:
    """One cache per app: in memory, and through Redis when ``REDIS_URL`` is set."""
    from sidecar.extensions import db

    app.config.setdefault("READ_CACHE_TTL", 60.0)
    app.extensions["sidecar.readcache"] = ReadCache(
        app.config.get("REDIS_URL"), ttl=float(app.config["READ_CACHE_TTL"])
    )
    watch_sessions(db.session.session_factory.class_)
