"""What each file of the project holds, as content ids: a change is a different content, never a touch.

A content id is git's blob id (``sha1("blob <size>\\0" + content)``), so in a git work
tree the ids of unmodified files come from the index (``git ls-files -s``) and only
modified and untracked files are read. Outside git every file below the root is read,
skipping what a walk of the sources skips (hidden folders, virtual environments,
``__pycache__``). Paths are relative to the project root, with ``/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from .._util import walk_files
from ..errors import GitError, relative_posix
from ..vcs import git

__all__ = ["Snapshot", "blob", "content_id", "take"]

#: relative path -> content id
Snapshot = dict[str, str]


def content_id(data: bytes) -> str:
    """git's blob id of ``data``."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def _read_id(path: Path) -> str | None:
    try:
        return content_id(path.read_bytes())
    except OSError:
        return None


def take(root: Path, leave_out: Callable[[str], bool] = lambda _path: False) -> tuple[Snapshot, str]:
    """Every file below ``root`` (but those ``leave_out`` names) with its content id, and HEAD's sha ("" outside git)."""
    try:
        return _from_git(root, leave_out)
    except GitError:
        return _walk(root, leave_out), ""


def _from_git(root: Path, leave_out: Callable[[str], bool]) -> tuple[Snapshot, str]:
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
        made = _read_id(root / name)
        if made is None:
            found.pop(name, None)  # deleted in the work tree
        else:
            found[name] = made
    if not found:  # a folder git ignores (or knows nothing of): its files are read one by one
        raise GitError(f"git lists no file of {root}")
    done = git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], root, check=False)
    return found, done.stdout.strip() if done.returncode == 0 else ""


def _walk(root: Path, leave_out: Callable[[str], bool]) -> Snapshot:
    found: Snapshot = {}
    for path in walk_files([root], lambda _name: True):
        relative = relative_posix(root, path)
        if relative is None or leave_out(relative):
            continue
        made = _read_id(Path(path))
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
