"""Writing ``build/`` safely: a lock, a fresh sibling directory, an atomic swap.

A build never writes into the live ``build/``. It fills a directory beside it
(see :mod:`frostpress.build.staging`) and only when everything succeeded exchanges
the two with one ``renameat2(RENAME_EXCHANGE)`` call (two renames where the
kernel lacks it). Readers of ``build/`` see the old site or the new one,
never a mix.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from frostpress.errors import BuildLocked

__all__ = ["build_lock", "exchange", "fresh_directory", "link_or_copy", "remove_stale"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _sibling(output: Path, tag: str) -> Path:
    return output.parent / f".{output.name}.{tag}"


@contextmanager
def build_lock(output: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive lock for ``output``; wait up to ``timeout`` seconds."""
    output.parent.mkdir(parents=True, exist_ok=True)
    path = _sibling(output, "lock")
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"another build of {output} is still running (lock: {path})"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def remove_stale(output: Path) -> None:
    """Remove directories left by builds that crashed (call under the lock)."""
    for pattern in (f".{output.name}.new-*", f".{output.name}.old-*"):
        for stale in output.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def fresh_directory(output: Path) -> Path:
    path = _sibling(output, f"new-{os.getpid()}")
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def link_or_copy(source: Path, target: Path) -> None:
    """Reuse an unchanged file of the previous build without writing its bytes."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)


def _renameat2_exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def exchange(fresh: Path, output: Path) -> Path | None:
    """Put ``fresh`` in place of ``output``; return where the previous tree went.

    One atomic ``renameat2(RENAME_EXCHANGE)`` where the kernel has it (the old
    tree then sits at ``fresh``); otherwise two renames, old tree moved aside.
    ``None`` when there was no previous tree.
    """
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OSError(f"{output} exists and is not a directory; remove it first")
    if not output.exists():
        os.rename(fresh, output)
        return None
    if _renameat2_exchange(fresh, output):
        return fresh
    old = _sibling(output, f"old-{os.getpid()}")
    os.rename(output, old)
    os.rename(fresh, output)
    return old
