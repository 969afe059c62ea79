"""Where a project's things are: its pyproject.toml, pytest's cache folder, the last report.

Shared by the ``tta-maturity`` command and the pytest plugin, so the cache key
and the report's file format are defined once. Does not import pytest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

from .config import find_pyproject, read_toml
from .errors import ConfigError, ReportError, UsageError, display_path
from .model import Report
from .report import formats

#: The pytest cache key under which the plugin keeps the last report.
CACHE_KEY = "tta-maturity/last-report"


def find_project(project: str | None) -> Path:
    """The project's pyproject.toml: in folder ``project``, or the nearest one at or above the working directory."""
    if project is not None:
        folder = Path(project)
        if not folder.is_dir():
            raise UsageError(f"--project {project}: no such folder")
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            raise UsageError(f"--project {project}: no pyproject.toml there; run 'tta-maturity init' in it first")
        return candidate.resolve()
    found = find_pyproject(Path.cwd())
    if found is None:
        raise UsageError(f"no pyproject.toml in {Path.cwd()} or any folder above it; pass --project DIR")
    return found


def cache_dir(pyproject: Path) -> Path:
    """pytest's cache folder for the project: ``cache_dir`` from its pytest settings, else ``.pytest_cache``."""
    root = pyproject.parent
    try:
        document = read_toml(pyproject)
    except ConfigError:
        document = {}
    tool = cast(dict[str, Any], document.get("tool") or {})
    pytest_table = cast(dict[str, Any], tool.get("pytest") or {})
    ini = cast(dict[str, Any], pytest_table.get("ini_options") or {})
    raw = ini.get("cache_dir", pytest_table.get("cache_dir"))
    if isinstance(raw, str) and raw:
        return root / os.path.expanduser(os.path.expandvars(raw))
    return root / ".pytest_cache"


def last_report_path(pyproject: Path) -> Path:
    """Where the plugin keeps the last report (a pytest cache value)."""
    return cache_dir(pyproject) / "v" / CACHE_KEY


def load_report(path: Path) -> Report:
    """Read a JSON report; every problem is one line naming the file."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{shown}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{shown}: not a JSON report (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ReportError(f"{shown}: not a tta-maturity JSON report (no schema_version)")
    try:
        return Report.from_dict(cast(dict[str, Any], data))
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


def save_last_report(pyproject: Path, report: Report) -> Path:
    """Keep ``report`` where pytest's cache keeps the plugin's last report (as pytest would write it)."""
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
    path = folder / "v" / CACHE_KEY
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    formats.atomic_write(path, text)
    return path
