"""The pytest11 entry point: options, and pytest-cov arranged before it starts.

pytest imports entry points before coverage starts, so whatever is imported here
runs unmeasured. This module is therefore kept small and imports nothing of the
package but :mod:`.activation` (which imports nothing of it either): it registers the options, points pytest-cov at the components' folders
(from a tolerant first read of pyproject.toml; the full validation comes later
and reports every mistake), and registers :mod:`pytest_tta_maturity.plugin`
once pytest-cov has started, after pytest-cov's own plugin (whose run loop must
end before the plugin scores). The plugin is imported before coverage starts
unless coverage is to measure this package: under coverage.py's tracer the
import takes twice as long (80 ms against 36 ms), and when the project measures
the plugin itself (checking its own maturity), its import-time lines must count.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

import pytest

from .activation import GATES_MODES, enabled, pyproject_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PLUGIN_NAME = "tta-maturity-plugin"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--tta-maturity*`` options and the ``tta_maturity`` ini key."""
    group = parser.getgroup("tta-maturity", "per-component maturity levels (pytest-tta-maturity)")
    group.addoption(
        "--tta-maturity",
        action="store_true",
        default=False,
        dest="tta_maturity",
        help="Score every component of [tool.tta-maturity] against its declared level.",
    )
    group.addoption(
        "--tta-maturity-report",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        dest="tta_maturity_report",
        help="Write the report as json, markdown, prometheus, junit or html (repeatable).",
    )
    group.addoption(
        "--tta-maturity-warn-only",
        action="store_true",
        default=False,
        dest="tta_maturity_warn_only",
        help="Report components below their level but never fail the run.",
    )
    group.addoption(
        "--tta-maturity-component",
        action="append",
        default=[],
        metavar="NAME",
        dest="tta_maturity_component",
        help="Score only this component (repeatable).",
    )
    group.addoption(
        "--tta-maturity-no-gates",
        action="store_true",
        default=False,
        dest="tta_maturity_no_gates",
        help="Score on coverage and the tests gate only; the tool gates are not run.",
    )
    group.addoption(
        "--tta-maturity-no-contexts",
        action="store_true",
        default=False,
        dest="tta_maturity_no_contexts",
        help="Do not record which component's tests ran each line (coverage.py contexts): "
        "no own-tests or import-only coverage.",
    )
    group.addoption(
        "--tta-maturity-gates",
        choices=GATES_MODES,
        default=None,
        dest="tta_maturity_gates",
        help="all (default): every gate of the ladder runs over every component; "
        "declared: only what the declared levels and the level above need.",
    )
    group.addoption(
        "--tta-maturity-new-code",
        default=None,
        metavar="REF",
        dest="tta_maturity_new_code",
        help="Report the coverage and findings of the lines changed since the merge base of REF and HEAD, "
        "per component (committed, staged, unstaged and untracked changes).",
    )
    group.addoption(
        "--tta-maturity-affected",
        action="store_true",
        default=False,
        dest="tta_maturity_affected",
        help="Run only the tests a change since the last recorded run can affect, with a full run's figures, "
        "levels and exit status (everything runs, saying why, when the record cannot be trusted).",
    )
    parser.addini(
        "tta_maturity_affected",
        type="string",
        default="",
        help="true: run only the affected tests (like --tta-maturity-affected).",
    )
    parser.addini(
        "tta_maturity_affected_ignore",
        type="linelist",
        default=None,
        help="Files no test reads, whose change an affected run ignores (default: *.md *.rst docs/**).",
    )
    parser.addini(
        "tta_maturity_new_code",
        type="string",
        default="",
        help="Compare with the merge base of this ref (like --tta-maturity-new-code).",
    )
    parser.addini(
        "tta_maturity_gates",
        type="string",
        default="all",
        help="Which gates run: all (default) or declared (like --tta-maturity-gates).",
    )
    parser.addini("tta_maturity", type="bool", default=False, help="Turn pytest-tta-maturity on (like --tta-maturity).")


def component_folders(pyproject: Path) -> list[str]:
    """The folders holding the components' paths; ``[]`` when the file cannot be read.

    coverage.py's ``source`` takes folders and packages, not files: a file's
    folder stands for it. Mistakes are ignored here; the plugin reports them.
    """
    try:
        with pyproject.open("rb") as handle:
            document: Any = tomllib.load(handle)
        components: Any = document["tool"]["tta-maturity"]["components"]
        tables = list(cast(dict[str, Any], components).values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    root = pyproject.parent.resolve()
    folders: set[str] = set()
    for table in tables:
        paths: Any = cast(dict[str, Any], table).get("paths", []) if isinstance(table, dict) else []
        for raw in cast(list[Any], paths) if isinstance(paths, list) else []:
            if isinstance(raw, str):
                path = (root / raw).resolve()
                if path.is_dir():
                    folders.add(os.fspath(path))
                elif path.is_file():
                    folders.add(os.fspath(path.parent))
    return sorted(folders)


def _within(path: str, folder: str, sep: str = os.sep) -> bool:
    """Whether ``path`` is ``folder`` or inside it (``sep`` ``"."``: a dotted module name in a package)."""
    return path == folder or path.startswith(folder.rstrip(sep) + sep)


def arrange_coverage(namespace: Any, folders: list[str]) -> None:
    """Have pytest-cov measure ``folders`` too; keep the user's own ``--cov`` options working."""
    if not hasattr(namespace, "cov_source") or getattr(namespace, "no_cov", False):
        return
    sources: list[Any] = list(namespace.cov_source or [])
    user_asked = bool(sources)
    if True in sources or "" in sources:
        return  # the user measures everything already
    given = [os.path.abspath(str(s)) for s in sources]
    for folder in folders:
        if not any(_within(folder, g) for g in given):
            sources.append(folder)
            given.append(folder)
    namespace.cov_source = sources
    if not user_asked and not namespace.cov_report:
        namespace.cov_report = {"": None}  # no coverage table of its own: the tta-maturity table replaces it


PACKAGE = __name__.rpartition(".")[0]


def measures_this_package(sources: list[Any] | None) -> bool:
    """Whether coverage.py, given pytest-cov's ``--cov`` sources, measures this package's files.

    ``True`` (a bare ``--cov``) leaves the sources to coverage.py's configuration: assume so.
    A source is a folder or file when one exists at that path, else a package name, as coverage.py reads it.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    for source in sources or []:
        if source is True or source == "":
            return True
        text = str(source)
        if os.path.exists(text):
            path = os.path.abspath(text)
            if _within(here, path) or _within(path, here):  # the package in the source, or the source in it
                return True
        elif _within(PACKAGE, text, ".") or _within(text, PACKAGE, "."):
            return True
    return False


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    """Arrange pytest-cov before it starts (it starts in this hook), then load the plugin."""
    del parser, args
    namespace = early_config.known_args_namespace
    on = enabled(early_config, namespace)
    if on:
        arrange_coverage(namespace, component_folders(pyproject_path(early_config)))
        if getattr(namespace, "no_cov", False) or not measures_this_package(getattr(namespace, "cov_source", None)):
            importlib.import_module(f"{PACKAGE}.plugin")  # before coverage starts: see the module's docstring
    result = yield
    if not on:
        # Off: only the hook by which other plugins add gates, so that their implementations stay valid;
        # the plugin itself (and all it imports) is not loaded into a run that does not use it.
        from . import hookspecs

        early_config.pluginmanager.add_hookspecs(hookspecs)
        return result
    from . import plugin

    if not early_config.pluginmanager.is_registered(plugin):
        early_config.pluginmanager.register(plugin, PLUGIN_NAME)
    return result


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``component`` marker, on or off (``--strict-markers`` must accept it either way)."""
    config.addinivalue_line("markers", "component(name, ...): count this test for these tta-maturity components")
