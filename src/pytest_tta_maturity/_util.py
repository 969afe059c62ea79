"""Small helpers every layer shares, each written once: TOML reading, hints, versions, numbers, file walks.

Pure and cheap to import (no pytest, no coverage.py): the configuration, the gates, the
CLI and the plugin may all use it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from packaging.version import VERSION_PATTERN, InvalidVersion, Version

from .errors import MISSING, ConfigError, MaturityError, display_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "PYTHON_SUFFIXES",
    "SKIPPED_DIRS",
    "close_match",
    "did_you_mean",
    "find_version",
    "is_python_file",
    "number_text",
    "plain_number",
    "read_json_document",
    "read_toml",
    "skipped_dir",
    "tomllib",
    "version_at_least",
    "walk_files",
]

#: The suffixes of Python source files (stubs included).
PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")

#: Folders that never hold a project's own sources. Hidden folders (``.git``, ``.venv``, ``.tox``)
#: and virtual environments under any name are skipped too (see :func:`skipped_dir`).
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv"})


def skipped_dir(parent: str, name: str) -> bool:
    """Whether a walk of the sources skips folder ``name`` inside ``parent``."""
    return name.startswith(".") or name in SKIPPED_DIRS or os.path.isfile(os.path.join(parent, name, "pyvenv.cfg"))


def walk_files(
    roots: Iterable[str | os.PathLike[str]],
    keep: Callable[[str], bool],
    skip_dir: Callable[[str, str], bool] = skipped_dir,
) -> Iterator[str]:
    """Every file at or below ``roots`` whose name ``keep`` accepts, folder by folder in sorted order.

    The one walk of a tree the package makes. A root that is a file is given when ``keep``
    accepts its name; folders ``skip_dir(parent, name)`` refuses are not entered (by default
    :func:`skipped_dir`: hidden folders, caches, virtual environments). Callers differ only
    in what they keep, because they look for different things: the components' files for
    ownership and the type checkers' inputs are ``.py`` and ``.pyi`` (:data:`PYTHON_SUFFIXES`:
    a stub is source to a type checker); the files coverage.py measures are ``.py`` and
    ``.pyw`` (a stub never runs); ``init``'s test files are those matching pytest's
    ``python_files``, in folders that belong to the project.
    """
    for root in roots:
        top = os.fspath(root)
        if os.path.isfile(top):
            if keep(os.path.basename(top)):
                yield top
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not skip_dir(folder, d))
            for name in sorted(files):
                if keep(name):
                    yield os.path.join(folder, name)


def is_python_file(name: str) -> bool:
    """Whether a file named ``name`` is Python source or a stub (:data:`PYTHON_SUFFIXES`)."""
    return name.endswith(PYTHON_SUFFIXES)


def plain_number(value: float) -> int | float:
    """A number as a user writes it: ``70`` for 70.0, ``72.5`` for 72.5 (thresholds, baseline percents)."""
    return int(value) if value == int(value) else value


def number_text(value: float) -> str:
    """:func:`plain_number` as text: ``70``, ``72.5``."""
    return f"{plain_number(value)}"


def close_match(value: str, choices: Sequence[str]) -> str | None:
    """The choice ``value`` most likely meant: a near miss, or the only choice it begins."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    if close:
        return close[0]
    starting = [choice for choice in choices if value and choice.startswith(value)]
    return starting[0] if len(starting) == 1 else None


def did_you_mean(value: str, choices: Sequence[str], otherwise: str = "") -> str:
    """``did you mean 'x'?`` for a near miss, else ``otherwise`` (by default the list of choices)."""
    match = close_match(value, choices)
    if match is not None:
        return f"did you mean '{match}'?"
    return otherwise or "use one of " + ", ".join(f"'{choice}'" for choice in choices)


# A version number as PEP 440 writes it, standing alone in a tool's output ("ruff 0.17.6").
_VERSION_IN_TEXT = re.compile(r"(?<![\w.])(?:" + VERSION_PATTERN + r")(?![\w.+-])", re.VERBOSE | re.IGNORECASE)


def find_version(text: str) -> str:
    """The first version number with at least two parts in ``text`` (a ``--version`` output), or ``""``."""
    for match in _VERSION_IN_TEXT.finditer(text):
        if "." in match.group(0):
            return match.group(0)
    return ""


def version_at_least(version: str, minimum: str) -> bool:
    """Whether ``version`` is ``minimum`` or later; ``False`` when it is not a version."""
    try:
        return Version(version) >= Version(minimum)
    except InvalidVersion:
        return False


def read_toml(file: Path) -> dict[str, Any]:
    """Read a TOML file; a missing or malformed file is a ``ConfigError``."""
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(file, "", MISSING, "not found", "create it, or run 'tta-maturity init'") from None
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc).replace("\n", " ")
        raise ConfigError(file, "", MISSING, f"is not valid TOML ({detail})", "fix the TOML syntax") from None
    except UnicodeDecodeError:
        raise ConfigError(file, "", MISSING, "is not UTF-8 text", "save it as UTF-8") from None


def read_json_document(
    path: Path, error: type[MaturityError], *, what: str, not_json: str, missing: str = "", fix: str = ""
) -> dict[str, Any]:
    """Read one of the package's JSON files (a report, a baseline): an object with a ``schema_version``.

    Anything wrong is one ``error`` line naming the file: ``missing`` follows "no such file",
    ``fix`` follows every other problem; ``not_json`` and ``what`` say what the file should be.
    """
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{shown}: no such file{missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{shown}: cannot be read ({exc}){fix}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{shown}: {not_json} (line {exc.lineno}: {exc.msg}){fix}") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise error(f"{shown}: not {what} (no schema_version){fix}")
    return cast(dict[str, Any], data)
