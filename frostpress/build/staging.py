"""The directory a build is frozen into before it is swapped into ``build/``.

After a swap, the tree that was live is kept beside ``build/`` as the
*stage*, described by the record of the build it held. The next build brings
the stage up to date instead of creating thousands of directories afresh:

- a page unchanged since the live build is hard-linked from ``build/``
  (if the stage does not already hold that very file);
- a page to render is unlinked first, so Frozen-Flask writes a new file and
  never writes through a link shared with the live tree;
- pages that no longer exist, and anything else the stage holds that this
  build does not make, are removed, with their emptied directories.

The stage's record is deleted before the stage is touched and written again
only after a successful swap, so a build that fails or crashes half-way leaves
a stage that the next build throws away (falling back to a fresh directory).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from frostpress.build.output import fresh_directory, link_or_copy
from frostpress.build.pages import PageSpec
from frostpress.build.record import BuildRecord

__all__ = ["Staging"]


class Staging:
    def __init__(self, output: Path, cache_dir: Path) -> None:
        self.output = output
        self.path = output.parent / f".{output.name}.stage"
        self.record = BuildRecord(cache_dir, self.path)

    def prepare(self, specs: list[PageSpec], reuse: set[str], live: BuildRecord) -> Path:
        """A directory holding exactly the ``reuse`` pages, ready to freeze into."""
        usable = self.path.is_dir() and bool(self.record.pages)
        current = self.record.intact() if usable else {}
        held = self.record.pages  # what the stage holds, before it is forgotten
        self.record.forget()
        if not usable:
            shutil.rmtree(self.path, ignore_errors=True)
            return self._fresh(specs, reuse)
        _keep_only(self.path, {spec.relpath for spec in specs})
        stage, live_root = str(self.path), str(self.output)
        for spec in specs:
            target = os.path.join(stage, spec.relpath)
            if spec.url not in reuse:
                _unlink(target)  # Frozen-Flask will write a new file, never through a link
            elif spec.url not in current or held[spec.url][1] != live.pages[spec.url][1]:
                # Hard links share the inode: usually the stage holds the live file already.
                _unlink(target)
                link_or_copy(Path(live_root, spec.relpath), Path(target))
        return self.path

    def _fresh(self, specs: list[PageSpec], reuse: set[str]) -> Path:
        fresh = fresh_directory(self.output)
        made: set[Path] = set()
        for spec in specs:
            if spec.url not in reuse:
                continue
            target = fresh / spec.relpath
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            link_or_copy(self.output / spec.relpath, target)
        return fresh

    def keep(self, previous_tree: Path | None, previous: BuildRecord) -> None:
        """After the swap: the tree that was live becomes the next build's stage."""
        if previous_tree is None:
            return
        if previous_tree != self.path:
            shutil.rmtree(self.path, ignore_errors=True)
            os.rename(previous_tree, self.path)
        if previous.pages:
            self.record.adopt(previous)
        else:  # nothing describes it: not worth keeping
            shutil.rmtree(self.path, ignore_errors=True)

    def discard(self, tree: Path) -> None:
        """A build failed while filling ``tree``: nothing in it can be trusted."""
        self.record.forget()
        shutil.rmtree(tree, ignore_errors=True)


def _unlink(path: Path | str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _keep_only(root: Path, wanted: set[str]) -> None:
    """Delete every file under ``root`` that is not wanted, and emptied directories.

    Besides pages that no longer exist, this drops anything that reached the
    tree from outside (a file put into build/ by hand), so build/ always holds
    exactly what the build made.
    """
    top = str(root)
    prefix = top + os.sep
    emptied: set[str] = set()
    for directory, subdirectories, files in os.walk(top, topdown=False):
        kept = 0
        for name in files:
            path = os.path.join(directory, name)
            if path[len(prefix) :] in wanted:
                kept += 1
            else:
                os.unlink(path)
        kept += sum(1 for d in subdirectories if os.path.join(directory, d) not in emptied)
        if kept == 0 and directory != top:
            os.rmdir(directory)
            emptied.add(directory)
