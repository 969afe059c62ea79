"""Error types, one per concern. Each message is one line written for the user."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def toml_value(value: Any) -> str:
    """Render a value the way the user wrote it in TOML (near enough)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, dict):
        return "{...}"
    return repr(value)


def relative_posix(root: str | os.PathLike[str], filename: str | os.PathLike[str]) -> str | None:
    """``filename`` (absolute, or relative to ``root``) relative to ``root`` in POSIX form; ``None`` outside it.

    The one rule for showing a path relative to a folder; :func:`relative_path` (reports)
    and :func:`display_path` (messages) differ only in what they show for a path outside.
    """
    top = os.fspath(root)
    normal = os.path.normpath(os.path.join(top, filename))
    if os.path.normpath(top) == top and normal.startswith(top + os.sep):
        # below ``root``: what relpath returns, without its work (a run asks for every measured file)
        return normal[len(top) + 1 :].replace(os.sep, "/")
    try:
        rel = os.path.relpath(normal, top)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return Path(rel).as_posix()


def relative_path(root: str | os.PathLike[str], filename: str | os.PathLike[str]) -> str:
    """A path as the report shows it: relative to ``root``, POSIX style.

    A path outside ``root`` keeps its absolute form (POSIX style) so that it is
    never mistaken for a file of the project.
    """
    rel = relative_posix(root, filename)
    return rel if rel is not None else Path(os.path.normpath(os.path.join(root, filename))).as_posix()


def display_path(path: Path) -> str:
    """A path relative to the working directory when it lies below it (as given otherwise), for messages."""
    rel = relative_posix(Path.cwd().resolve(), path.resolve())
    return str(Path(rel)) if rel is not None else str(path)


MISSING: Any = object()
"""The value of a key that is not there (the message then shows the key alone)."""


class MaturityError(Exception):
    """Base of the plugin's errors that a user can fix."""


class ConfigError(MaturityError):
    """A mistake in ``[tool.tta-maturity]``: names the file, the key, the value and the fix."""

    def __init__(self, file: Path, key: str, value: Any, problem: str, fix: str) -> None:
        """Keep the parts of the message for callers that want them."""
        self.file = file
        self.key = key
        self.value = value
        self.problem = problem
        self.fix = fix
        where = display_path(file)
        if not key:  # the file itself (missing, not TOML): named once, as every message names it
            super().__init__(f"{where}: {problem}; {fix}")
            return
        shown = key if value is MISSING else f"{key} = {toml_value(value)}"
        super().__init__(f"{where}: {shown}: {problem}; {fix}")


class MarkerError(MaturityError):
    """A test's ``@pytest.mark.component(NAME)`` naming no component (exit status 4, like configuration)."""


class CoverageDataError(MaturityError):
    """Coverage data that cannot be read or combined."""


class ReportError(MaturityError):
    """A saved report that is missing or unreadable."""


class GateError(MaturityError):
    """A gate tool that is missing, crashed, timed out or printed what cannot be parsed."""


class UsageError(MaturityError):
    """A bad command line: exit status 2."""


class Refused(Exception):
    """The command did not do what was asked for a reason the user can act on: exit status 1.

    ``lines`` are printed to standard output after the one-line message.
    """

    def __init__(self, message: str, lines: Sequence[str] = ()) -> None:
        """Keep the message and the explanation lines."""
        super().__init__(message)
        self.lines = list(lines)


class EditError(MaturityError):
    """A pyproject.toml edit that cannot be made safely (the message says what to edit by hand)."""


class BaselineError(MaturityError):
    """A baseline file that cannot be used: not JSON, another schema, a newer writer, unknown components."""


class GitError(MaturityError):
    """git is missing, or cannot say what changed since a ref (not a repository, unknown ref, shallow clone)."""
