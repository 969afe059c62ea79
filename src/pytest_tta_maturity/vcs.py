"""The change as git sees it: merge base, changed files and their added or changed lines.

A small reader of git's own output (no git library): ``git`` runs as a
subprocess with ``-c core.quotepath=off`` and no external diff driver, and its
plain-text answers are parsed here. Nothing here imports pytest.

:func:`change_since` is the whole question "what does the working tree add
since the merge base of REF and HEAD?": committed, staged, unstaged and
untracked files (``git ls-files --others --exclude-standard``), renames
followed (``git diff --find-renames``). Every failure is a :class:`GitError`
whose message is one line naming the ref and the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GitError

#: ``@@ -a,b +c,d @@``: the new side's first line and count (``d`` absent means 1).
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_TIMEOUT = 120.0


def git(args: Sequence[str], cwd: Path | str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``cwd`` (paths unquoted, no pager, no external diff); raise :class:`GitError` if missing.

    With ``check``, a non-zero exit raises :class:`GitError` with git's last line of standard error.
    """
    exe = shutil.which("git")
    if exe is None:
        raise GitError("git is not installed (or not on PATH); install git or run without --tta-maturity-new-code")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    env.pop("GIT_EXTERNAL_DIFF", None)
    try:
        # git itself, with an argument list: nothing goes through a shell.
        done = subprocess.run(  # noqa: S603, RUF100
            [exe, "-c", "core.quotepath=off", "--no-pager", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=env,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args[:2])} could not run: {exc}") from None
    if check and done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {last_line(done.stderr)}")
    return done


def last_line(text: str) -> str:
    """The last non-empty line of ``text`` ("no message" when there is none)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def toplevel(cwd: Path | str) -> Path:
    """The top folder of the work tree holding ``cwd``; :class:`GitError` when it is not a git repository."""
    done = git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise GitError(f"{cwd} is not in a git repository ({last_line(done.stderr)})")
    return Path(done.stdout.strip())


def head(cwd: Path | str) -> str:
    """The full sha of ``HEAD``."""
    return git(["rev-parse", "--verify", "HEAD^{commit}"], cwd).stdout.strip()


def resolve(ref: str, cwd: Path | str) -> str | None:
    """The commit ``ref`` names, or ``None`` when git knows no such commit."""
    done = git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], cwd, check=False)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def is_shallow(cwd: Path | str) -> bool:
    """Whether the repository is a shallow clone."""
    return git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"


def merge_base(ref: str, cwd: Path | str) -> str | None:
    """The merge base of ``ref`` and ``HEAD``; ``None`` when they share no commit (as far as git can see)."""
    done = git(["merge-base", "--end-of-options", ref, "HEAD"], cwd, check=False)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def show(commit: str, path: str, cwd: Path | str) -> bytes | None:
    """The content of ``path`` (relative to the top folder) at ``commit``; ``None`` when it did not exist there."""
    exe = shutil.which("git")
    if exe is None:
        raise GitError("git is not installed (or not on PATH)")
    # git itself, with an argument list.
    done = subprocess.run(  # noqa: S603, RUF100
        [exe, "--no-pager", "cat-file", "blob", f"{commit}:{path}"],
        cwd=cwd,
        capture_output=True,
        check=False,
        timeout=_TIMEOUT,
    )
    return done.stdout if done.returncode == 0 else None


@dataclass(frozen=True)
class FileChange:
    """One file of the change: its path (relative to the top folder), where it came from, its new lines.

    ``status`` is ``added``, ``modified``, ``renamed``, ``deleted`` or ``untracked``; ``old_path``
    is the path at the merge base (``None`` for added and untracked files). ``lines`` are the line
    numbers of the new version that were added or changed.
    """

    path: str
    status: str
    lines: frozenset[int]
    old_path: str | None = None


@dataclass(frozen=True)
class Change:
    """What the working tree adds since ``base`` (the merge base of ``ref`` and ``head``)."""

    ref: str
    base: str
    head: str
    top: Path
    files: dict[str, FileChange] = field(default_factory=lambda: dict[str, FileChange]())

    def lines_by_path(self) -> dict[str, frozenset[int]]:
        """Absolute path of each file still there, to its added or changed lines."""
        return {
            os.path.join(os.fspath(self.top), *path.split("/")): change.lines
            for path, change in self.files.items()
            if change.status != "deleted"
        }


def _unquote(text: str) -> str:
    """A path as git prints it: C-quoted (``"a\\tb"``) when it holds special characters."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    raw = text[1:-1].encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    escapes = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8}
    escapes |= {ord("f"): 12, ord("r"): 13, ord("v"): 11}
    while i < len(raw):
        byte = raw[i]
        if byte == 92 and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in escapes:
                out.append(escapes[nxt])
                i += 2
                continue
            if 48 <= nxt <= 55 and i + 3 < len(raw):
                out.append(int(raw[i + 1 : i + 4], 8))
                i += 4
                continue
        out.append(byte)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _side(text: str, prefix: str) -> str | None:
    """The path of a ``--- a/x`` or ``+++ b/x`` line; ``None`` for ``/dev/null``."""
    value = _unquote(text.rstrip("\t"))
    if value == "/dev/null":
        return None
    return value.removeprefix(prefix)


def parse_diff(text: str) -> dict[str, FileChange]:
    """The files of a ``git diff --find-renames -U0`` and the new side's added or changed lines."""
    files: dict[str, FileChange] = {}
    current: dict[str, str | None] | None = None
    lines: set[int] = set[int]()

    def close() -> None:
        if current is None:
            return
        new = current.get("new")
        old = current.get("old")
        status = str(current.get("status", "modified"))
        path = new if isinstance(new, str) else old
        if not isinstance(path, str):
            return
        old_path = old if isinstance(old, str) and status != "added" else None
        files[path] = FileChange(path, status, frozenset(lines) if status != "deleted" else frozenset(), old_path)

    in_header = False
    for line in text.splitlines():
        if line.startswith("diff --git "):
            close()
            current, lines, in_header = dict[str, str | None](status="modified"), set[int](), True
            continue
        if current is None:
            continue
        if in_header:
            if line.startswith("new file mode"):
                current["status"] = "added"
            elif line.startswith("deleted file mode"):
                current["status"] = "deleted"
            elif line.startswith("rename from "):
                current["status"], current["old"] = "renamed", _unquote(line[len("rename from ") :])
            elif line.startswith("rename to "):
                current["new"] = _unquote(line[len("rename to ") :])
            elif line.startswith("--- "):
                side = _side(line[4:], "a/")
                current.setdefault("old", side)
            elif line.startswith("+++ "):
                side = _side(line[4:], "b/")
                if side is not None:
                    current["new"] = side
                elif current.get("status") != "deleted":
                    current["status"] = "deleted"
                in_header = False
            elif line.startswith("Binary files "):
                in_header = False
            continue
        found = _HUNK.match(line)
        if found:
            start = int(found.group(1))
            count = int(found.group(2)) if found.group(2) is not None else 1
            lines.update(range(start, start + count))
    close()
    # A mode change or a pure rename has no ``---``/``+++``: its path is on the ``diff --git`` line.
    return files


def _header_paths(text: str) -> dict[int, str]:
    """Paths of ``diff --git a/x b/x`` lines (by position), for entries without ``+++`` lines."""
    found: dict[int, str] = {}
    for number, line in enumerate(text.splitlines()):
        if line.startswith("diff --git "):
            rest = line[len("diff --git ") :]
            if rest.startswith("a/") and " b/" in rest:
                found[number] = rest.split(" b/", 1)[1]
    return found


def _count_lines(path: Path) -> int:
    """How many lines a file has (as git counts them: a last line without a newline counts)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def untracked(top: Path) -> list[str]:
    """Untracked files that are not ignored, relative to the top folder."""
    done = git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", "."], top)
    return [name for name in done.stdout.split("\0") if name]


def diff(base: str, top: Path) -> dict[str, FileChange]:
    """``git diff --find-renames -U0 base`` of the working tree (committed, staged and unstaged changes)."""
    done = git(
        [
            "diff",
            "--find-renames",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--src-prefix=a/",  # whatever diff.noprefix or diff.mnemonicPrefix say
            "--dst-prefix=b/",
            "--end-of-options",
            base,
        ],
        top,
    )
    files = parse_diff(done.stdout)
    for path in _header_paths(done.stdout).values():
        if path not in files:  # a pure rename or mode change: no new line
            files[path] = FileChange(path, "modified", frozenset())
    return files


def shallow_fix(ref: str) -> str:
    """What to run when a shallow clone lacks the merge base."""
    remote_ref = ref.split("/", 1)[1] if ref.startswith("origin/") else ref
    return f"run 'git fetch --unshallow' or 'git fetch --depth=1000 origin {remote_ref}' (in CI: fetch-depth: 0)"


def change_since(ref: str, cwd: Path | str) -> Change:
    """The change of the working tree since the merge base of ``ref`` and ``HEAD``.

    Raises :class:`GitError` (one line, naming ``ref`` and the fix) when ``cwd`` is not in a
    git repository, git is missing, ``ref`` is unknown, or a shallow clone lacks the merge base.
    """
    option = f"--tta-maturity-new-code={ref}"
    if shutil.which("git") is None:
        raise GitError(f"{option}: git is not installed (or not on PATH); install git, or run without the option")
    done = git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise GitError(
            f"{option}: {cwd} is not in a git repository ({last_line(done.stderr)}); "
            "run it in a git checkout, or without the option"
        )
    top = Path(done.stdout.strip())
    sha = resolve(ref, top)
    if sha is None:
        fix = "fetch it (git fetch origin) or name an existing branch, tag or commit"
        if is_shallow(top):
            fix = shallow_fix(ref)
        raise GitError(f"{option}: git knows no commit '{ref}' in {top}; {fix}")
    if resolve("HEAD", top) is None:
        raise GitError(f"{option}: the repository at {top} has no commit yet (HEAD); commit first")
    base = merge_base(ref, top)
    if base is None:
        if is_shallow(top):
            raise GitError(
                f"{option}: this shallow clone does not hold the merge base of '{ref}' and HEAD; {shallow_fix(ref)}"
            )
        raise GitError(f"{option}: '{ref}' and HEAD have no commit in common; name a ref HEAD was branched from")
    files = diff(base, top)
    for path in untracked(top):
        if path not in files or files[path].status == "deleted":  # removed from the index, still here
            count = _count_lines(top / path)
            files[path] = FileChange(path, "untracked", frozenset(range(1, count + 1)))
    return Change(ref=ref, base=base, head=head(top), top=top, files=files)


def lines_in(change: Mapping[str, frozenset[int]], filename: str) -> frozenset[int] | None:
    """The new lines of ``filename`` (absolute) in ``change`` (from :meth:`Change.lines_by_path`), symlinks resolved."""
    found = change.get(filename)
    if found is None:
        found = change.get(os.path.realpath(filename))
    return found
