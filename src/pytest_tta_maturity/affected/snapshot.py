"""What each file of the project holds, as content ids: a change is a different content, never a touch.

A content id is git's blob id (``sha1("blob <size>\\0" + content)``), so in a git work
tree the ids of unmodified files come from the index (``git ls-files -s``) and only
modified and untracked files are read. Outside git every file below the root is read,
skipping what a walk of the sources skips (hidden folders, virtual environments,
``__pycache__``). Bytecode is never part of a snapshot, in git or not: Python writes it
while the tests run, so a work tree that does not ignore ``__pycache__`` would otherwise
change at every run after its sources did (a fallback to a full run each time), and it
follows from the sources and the Python version, which the record keeps. Paths are
relative to the project root, with ``/``.

A :class:`ContentReader` given what an earlier one read (:meth:`ContentReader.stamps`) reads
again only the files whose stamp changed, as git's index does: size, modification time, inode and
status-change time (which no tool can set back, so a file restored with its old modification time
is read again). Like git, it also reads again a file changed within two seconds before that
earlier reading began, since a change in the same tick of a coarse clock keeps its times.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from .._util import walk_files
from ..errors import GitError, relative_posix
from ..vcs import git

__all__ = ["ContentReader", "Snapshot", "blob", "content_id", "take"]

#: relative path -> content id
Snapshot = dict[str, str]


def content_id(data: bytes) -> str:
    """git's blob id of ``data``."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


#: A file modified this close before an earlier reading may have changed since within the same clock tick.
RACY_NS = 2_000_000_000
STAMPS_FORMAT = 2


class ContentReader:
    """Content ids of files below ``root``; a file whose stamp matches ``known`` (what an earlier reader saw) is not read."""

    def __init__(self, root: Path, known: Mapping[str, Any] | None = None) -> None:
        """``known``: an earlier reader's :meth:`stamps` for the same root, or ``None``; anything else is ignored."""
        self.root = root
        self._top = os.fspath(root)
        self.started_ns = time.time_ns()
        self._seen: dict[str, list[Any]] = {}
        self._known: Mapping[str, Any] = {}
        self._before_ns = 0
        if known and known.get("format") == STAMPS_FORMAT and known.get("root") == str(root):
            self._known = cast("Mapping[str, Any]", known.get("files") or {})
            self._before_ns = int(known.get("taken_ns") or 0) - RACY_NS

    def read(self, relative: str) -> str | None:
        """The content id of ``root/relative``; ``None`` when it cannot be read."""
        path = os.path.join(self._top, relative)
        try:
            stat = os.stat(path)
            stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            old = list(cast("list[Any]", self._known.get(relative) or [""]))
            if old[1:] == stamp and max(stat.st_mtime_ns, stat.st_ctime_ns) < self._before_ns:
                made = str(old[0])
            else:
                with open(path, "rb") as handle:
                    made = content_id(handle.read())
        except (OSError, TypeError, ValueError, IndexError):
            return None
        self._seen[relative] = [made, *stamp]
        return made

    def stamps(self) -> dict[str, Any]:
        """What this reader read, as JSON-safe data for the next one's ``known``."""
        return {"format": STAMPS_FORMAT, "root": str(self.root), "taken_ns": self.started_ns, "files": self._seen}


def take(
    root: Path, leave_out: Callable[[str], bool] = lambda _path: False, reader: ContentReader | None = None
) -> tuple[Snapshot, str]:
    """Every file below ``root`` (but bytecode and those ``leave_out`` names) with its content id, and HEAD's sha.

    HEAD's sha is "" outside git.
    """
    reader = reader or ContentReader(root)

    def left_out(name: str) -> bool:
        return _bytecode(name) or leave_out(name)

    try:
        return _from_git(root, left_out, reader)
    except GitError:
        return _walk(root, left_out, reader), ""


def _bytecode(name: str) -> bool:
    """A file Python writes itself: in a ``__pycache__`` folder, or a ``.pyc`` beside its source."""
    return name.endswith((".pyc", ".pyo")) or "__pycache__" in name.split("/")


def _from_git(root: Path, leave_out: Callable[[str], bool], reader: ContentReader) -> tuple[Snapshot, str]:
    found: Snapshot = {}  # outside a work tree, ls-files fails: GitError
    for entry in git(["ls-files", "-s", "-z", "--", "."], root).stdout.split("\0"):
        meta, sep, name = entry.partition("\t")
        parts = meta.split()
        if sep and len(parts) == 3 and parts[0] != "160000" and not leave_out(name):  # 160000: a submodule
            found[name] = parts[1]
    modified = git(["ls-files", "-z", "-m", "-d", "--", "."], root).stdout.split("\0")
    others = git(["ls-files", "-z", "--others", "--exclude-standard", "--", "."], root).stdout.split("\0")
    for name in {*modified, *others} - {""}:
        if leave_out(name):
            continue
        made = reader.read(name)
        if made is None:
            found.pop(name, None)  # deleted in the work tree
        else:
            found[name] = made
    if not found:  # a folder git ignores (or knows nothing of): its files are read one by one
        raise GitError(f"git lists no file of {root}")
    done = git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], root, check=False)
    return found, done.stdout.strip() if done.returncode == 0 else ""


def _walk(root: Path, leave_out: Callable[[str], bool], reader: ContentReader) -> Snapshot:
    found: Snapshot = {}
    for path in walk_files([root], lambda _name: True):
        relative = relative_posix(root, path)
        if relative is None or leave_out(relative):
            continue
        made = reader.read(relative)
        if made is not None:
            found[relative] = made
    return found


def blob(root: Path, content: str) -> bytes | None:
    """The content whose id is ``content``, from git's object store (``None`` when git does not hold it)."""
    try:
        done = git(["cat-file", "blob", content], root, check=False)
    except GitError:
        return None
    if done.returncode != 0:
        return None
    data = done.stdout.encode("utf-8", "surrogateescape")
    return data if content_id(data) == content else None
