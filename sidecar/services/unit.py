"""One transaction per use case: commit at the end, roll back on any failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sidecar.database import DbSession

__all__ = ["transaction"]


@contextmanager
def transaction(session: DbSession) -> Iterator[DbSession]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
