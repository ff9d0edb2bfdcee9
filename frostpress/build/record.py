"""What the previous build wrote: per URL, its digest, the file's identity and
the fields its rendering read.

Kept under the cache directory (never published). A page is reused only when
its digest matches, the fields it read still hold the values they held (see
:mod:`frostpress.build.dependencies`), *and* the file in ``build/`` is still
the very file we wrote (same inode, size and mtime), so a hand-edited or
deleted file is rendered again rather than trusted.

An entry is ``[digest, inode, size, mtime_ns, values digest, reads]``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from frostpress.build.dependencies import FieldValues, encode_reads
from frostpress.build.pages import PageSpec, relpath_for
from frostpress.digests import fingerprint
from frostpress.web.reads import Read

__all__ = ["BuildRecord"]

_FORMAT = 3


class BuildRecord:
    def __init__(self, cache_dir: Path, output: Path) -> None:
        key = fingerprint(str(output), length=16)
        self.path = cache_dir / "builds" / f"{key}.json"
        self.output = output
        # Each document's identity (FieldValues.identities) when this was recorded.
        self.documents: dict[str, str] = {}
        self.pages: dict[str, list[Any]] = self._load()

    def _load(self) -> dict[str, list[Any]]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return {}
        pages, documents = data.get("pages"), data.get("documents")
        if not isinstance(pages, dict) or not isinstance(documents, dict):
            return {}
        self.documents = documents
        return {
            url: entry
            for url, entry in pages.items()
            if isinstance(entry, list) and len(entry) == 6 and isinstance(entry[5], dict)
        }

    def unchanged(self, specs: Iterable[PageSpec], values: FieldValues) -> set[str]:
        """URLs whose page in ``build/`` is exactly what these specs would produce.

        The fields a page read are compared only if one of its documents
        changed since this record was made: an unchanged source holds the
        values it held, and every recorded digest was true when recorded.
        """
        same: set[str] = set()
        root = str(self.output)
        current = values.identities
        previous = self.documents
        changed = {key for key, identity in current.items() if previous.get(key) != identity}
        changed.update(previous.keys() - current.keys())
        for spec in specs:
            entry = self.pages.get(spec.url)
            if not entry or entry[0] != spec.digest:
                continue
            if not changed.isdisjoint(entry[5]) and values.digest(entry[5]) != entry[4]:
                continue
            try:
                stat = os.stat(os.path.join(root, spec.relpath))
            except OSError:
                continue
            if [stat.st_ino, stat.st_size, stat.st_mtime_ns] == entry[1:4]:
                same.add(spec.url)
        return same

    def intact(self) -> dict[str, str]:
        """URL → file of every recorded page whose file is still the one recorded."""
        found: dict[str, str] = {}
        root = str(self.output)
        for url, entry in self.pages.items():
            relpath = relpath_for(url)
            try:
                stat = os.stat(os.path.join(root, relpath))
            except OSError:
                continue
            if [stat.st_ino, stat.st_size, stat.st_mtime_ns] == entry[1:4]:
                found[url] = relpath
        return found

    def forget(self) -> None:
        """The directory is about to change in ways this record does not describe."""
        self.pages, self.documents = {}, {}
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def adopt(self, other: BuildRecord) -> None:
        """Describe this directory with another record (the trees were swapped)."""
        self._write(dict(other.pages), dict(other.documents))

    def _write(self, pages: dict[str, list[Any]], documents: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        data = {"format": _FORMAT, "documents": documents, "pages": pages}
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)
        self.pages, self.documents = pages, documents

    def covers_exactly(self, specs: list[PageSpec]) -> bool:
        return len(self.pages) == len(specs) and all(s.url in self.pages for s in specs)

    def save(
        self,
        specs: list[PageSpec],
        reused: set[str],
        reads: Mapping[str, set[Read]],
        values: FieldValues,
    ) -> None:
        """Record the build now in ``build/``; only newly written files are stat'ed.

        ``reads`` holds what each newly written page read while it rendered.
        """
        pages: dict[str, list[Any]] = {}
        root = str(self.output)
        for spec in specs:
            if spec.url in reused:
                pages[spec.url] = [spec.digest, *self.pages[spec.url][1:]]
            else:
                stat = os.stat(os.path.join(root, spec.relpath))
                read = encode_reads(reads[spec.url])
                pages[spec.url] = [
                    spec.digest,
                    stat.st_ino,
                    stat.st_size,
                    stat.st_mtime_ns,
                    values.digest(read),
                    read,
                ]
        self._write(pages, values.identities)
