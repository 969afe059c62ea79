"""Where a project's things are: its pyproject.toml, pytest's cache folder, the last report.

Shared by the ``tta-maturity`` command and the pytest plugin, so the cache key
and the report's file format are defined once. Does not import pytest.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

import iniconfig

from ._util import read_json_document, read_toml
from .config import find_pyproject
from .errors import ConfigError, ReportError, UsageError, display_path
from .model import Report
from .render import formats

#: The pytest cache key under which the plugin keeps the last report of any run.
CACHE_KEY = "tta-maturity/last-report"
#: The pytest cache key of the last report of a full run (a partial run never replaces it).
FULL_CACHE_KEY = "tta-maturity/last-full-report"


def find_project(project: str | None, *, to_create: bool = False) -> Path:
    """The project's pyproject.toml: in folder ``project`` (``--project``), or the nearest one at or above
    the working directory (:func:`.config.find_pyproject`).

    Every command finds its project here. ``to_create`` (``init``) accepts a pyproject.toml that does
    not exist yet: in ``project``, else in the working directory when none is found above it.
    """
    if project is not None:
        folder = Path(project)
        if not folder.is_dir():
            raise UsageError(f"--project {project}: no such folder")
        if to_create:
            return folder.resolve() / "pyproject.toml"
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            raise UsageError(f"--project {project}: no pyproject.toml there; run 'tta-maturity init' in it first")
        return candidate.resolve()
    found = find_pyproject(Path.cwd())
    if found is None:
        if to_create:
            return Path.cwd().resolve() / "pyproject.toml"
        raise UsageError(f"no pyproject.toml in {Path.cwd()} or any folder above it; pass --project DIR")
    return found


def _toml(file: Path) -> dict[str, Any] | None:
    try:
        return read_toml(file)
    except ConfigError:
        return None  # pytest stops on it with its own message; here it holds no settings


def _ini(file: Path, section: str, always: bool) -> dict[str, Any] | None:
    try:
        parsed = iniconfig.IniConfig(str(file))
    except (iniconfig.ParseError, OSError, UnicodeDecodeError):
        return None
    if section in parsed:
        return dict(parsed[section].items())
    return {} if always else None


def _pytest_table(document: dict[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    table: Any = document
    for key in keys:
        table = cast(dict[str, Any], table).get(key) if isinstance(table, dict) else None
    return cast(dict[str, Any], table) if isinstance(table, dict) else None


def pytest_settings(file: Path) -> dict[str, Any] | None:
    """The pytest settings in ``file``, as pytest reads that file; ``None`` when it holds none.

    ``pytest.ini`` and ``pytest.toml`` always count (even empty); ``pyproject.toml``
    counts with ``[tool.pytest]`` or ``[tool.pytest.ini_options]``, ``tox.ini`` with
    ``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``.
    """
    name = file.name
    if name in ("pytest.toml", ".pytest.toml"):
        return _pytest_table(_toml(file), "pytest") or {}
    if name in ("pytest.ini", ".pytest.ini"):
        return _ini(file, "pytest", always=True)
    if name == "pyproject.toml":
        tool = _pytest_table(_toml(file), "tool", "pytest")
        if tool is None:
            return None
        native = {k: v for k, v in tool.items() if k != "ini_options"}
        return native or _pytest_table(tool, "ini_options")
    if name == "tox.ini":
        return _ini(file, "pytest", always=False)
    if name == "setup.cfg":
        return _ini(file, "tool:pytest", always=False)
    return None


#: pytest's configuration files, in the order pytest looks for them in each folder.
PYTEST_FILES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def pytest_config(start: Path) -> tuple[Path, dict[str, Any]]:
    """pytest's rootdir and settings for a run started in ``start`` with no arguments.

    As pytest finds them: the first configuration file holding pytest settings in
    ``start`` or a folder above it (folder by folder, in pytest's order of names);
    without one, the nearest ``pyproject.toml``'s folder, else ``start``.
    """
    start = start.resolve()
    nearest_pyproject: Path | None = None
    for folder in (start, *start.parents):
        for name in PYTEST_FILES:
            file = folder / name
            if not file.is_file():
                continue
            if name == "pyproject.toml" and nearest_pyproject is None:
                nearest_pyproject = file
            settings = pytest_settings(file)
            if settings is not None:
                return folder, settings
    return (nearest_pyproject.parent if nearest_pyproject else start), {}


def cache_dir(pyproject: Path) -> Path:
    """pytest's cache folder for a run started beside ``pyproject``: ``cache_dir`` resolved as pytest does.

    ``cache_dir`` comes from pytest's configuration file (``pytest.ini``,
    ``tox.ini``, ``setup.cfg``, ``pyproject.toml``...) and is relative to the
    rootdir; the default is ``.pytest_cache`` there.
    """
    rootdir, settings = pytest_config(pyproject.parent)
    raw = settings.get("cache_dir")
    value = str(raw) if raw not in (None, "") else ".pytest_cache"
    return rootdir / os.path.expanduser(os.path.expandvars(value))


def last_report_path(pyproject: Path) -> Path:
    """Where the plugin keeps the last report of any run (a pytest cache value)."""
    return cache_dir(pyproject) / "v" / CACHE_KEY


def last_full_report_path(pyproject: Path) -> Path:
    """Where the plugin keeps the last report of a full run (a pytest cache value)."""
    return cache_dir(pyproject) / "v" / FULL_CACHE_KEY


def now() -> str:
    """The time now, as reports keep it in ``created`` (ISO 8601, UTC, to the second)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def load_report(path: Path) -> Report:
    """Read a JSON report; every problem is one line naming the file."""
    shown = display_path(path)
    data = read_json_document(path, ReportError, what="a tta-maturity JSON report", not_json="not a JSON report")
    try:
        return Report.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportError(f"{shown}: not a tta-maturity JSON report ({detail})") from None


def report_for(named: str | None, project: str | None) -> tuple[Report, Path]:
    """The report at ``named``, else the last one kept in the cache of the project in folder ``project``."""
    if named:
        path = Path(named)
        return load_report(path), path
    path = last_report_path(find_project(project))
    if not path.is_file():
        raise ReportError(
            f"no last report in {display_path(path)}: run 'pytest --tta-maturity' first, or pass --report-file PATH"
        )
    return load_report(path), path


def full_report_for(named: str | None, project: str | None) -> tuple[Report, Path]:
    """The report at ``named``, else the last report of a full run kept in the project's cache.

    What ``promote`` and ``baseline`` judge from. When no full run's report is
    kept, the last report of any run is returned (callers refuse it when it is
    partial, and say why).
    """
    if named:
        path = Path(named)
        return load_report(path), path
    pyproject = find_project(project)
    for path in (last_full_report_path(pyproject), last_report_path(pyproject)):
        if path.is_file():
            return load_report(path), path
    shown = display_path(last_full_report_path(pyproject))
    raise ReportError(
        f"no full report in {shown}: run 'pytest --tta-maturity' (the whole suite) first, or pass --report-file PATH"
    )


def save_last_report(pyproject: Path, report: Report) -> Path:
    """Keep ``report`` where pytest's cache keeps the plugin's last report (as pytest would write it).

    A full run's report is also kept as the last full report; a partial run's never replaces it.
    """
    folder = cache_dir(pyproject)
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text("# Created by pytest automatically.\n*\n", encoding="utf-8")
        (folder / "CACHEDIR.TAG").write_bytes(
            b"Signature: 8a477f597d28d172789f06886806bc55\n"
            b"# This file is a cache directory tag created by pytest.\n"
            b"# For information about cache directory tags, see:\n"
            b"#\thttps://bford.info/cachedir/spec.html\n"
        )
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    path = folder / "v" / CACHE_KEY
    formats.atomic_write(path, text)
    if not report.partial:
        formats.atomic_write(folder / "v" / FULL_CACHE_KEY, text)
    return path
