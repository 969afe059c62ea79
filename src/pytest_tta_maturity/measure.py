"""Per-component coverage from a ``coverage.Coverage`` whose data is loaded.

The figures are coverage.py's own: each file is analysed by the same function
``coverage report`` uses (include and omit settings honoured), and the numbers
are summed with ``coverage.results.Numbers``, so a component's percentage is
what ``coverage report --include=<its files>`` prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException, NoDataError
from coverage.files import GlobMatcher, prep_patterns
from coverage.report_core import get_analysis_to_report
from coverage.results import Numbers

from .bucketing import SKIP_DIRS, Bucketer
from .config import ComponentConfig, MaturityConfig
from .errors import CoverageDataError
from .model import CoverageFigures


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


#: What coverage.py measures: Python source files (``.pyi`` stubs are never run).
SOURCE_SUFFIXES = (".py", ".pyw")


def component_sources(components: Sequence[ComponentConfig]) -> Iterator[str]:
    """Every Python source file under the components' paths, importable or not.

    Folders without ``__init__.py`` are walked too (coverage.py skips them when it
    looks for unexecuted files): a component's paths are the user's word for what
    its code is. Hidden folders, ``__pycache__`` and virtual environments are not
    code; nor are hidden files (editors' lock files).
    """
    for comp in components:
        for path in comp.paths:
            if path.is_file():
                if path.suffix in SOURCE_SUFFIXES:
                    yield os.fspath(path)
                continue
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(SOURCE_SUFFIXES) and not name.startswith("."):
                        yield os.path.join(folder, name)


def _nothing_reported(has_code: bool) -> str:
    if has_code:
        return "every Python file of this component is left out by the coverage configuration's omit or include"
    return "no Python source file (.py, .pyw) under this component's paths"


def measure_components(
    cov: coverage.Coverage,
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig] | None = None,
) -> dict[str, CoverageFigures]:
    """Coverage figures for every component, from the data ``cov`` holds.

    Every Python file under a component's paths counts (see
    :func:`component_sources`): a file no test imported counts with all its
    statements and branches missing, as coverage.py's own analysis of it counts
    them, in folders without ``__init__.py`` too; ``[run] omit`` and the report's
    ``include``/``omit`` are honoured. Over the files coverage.py reports, the
    figures are what ``coverage report`` prints.
    """
    comps = tuple(cfg.components if components is None else components)
    bucketer = Bucketer.for_sources(comps)
    owner_of: dict[str, str] = {}
    try:
        measured = cov.get_data().measured_files()
    except CoverageException as exc:
        raise CoverageDataError(f"coverage data cannot be read: {exc}") from None
    for filename in measured:
        # With ``relative_files`` the data holds paths relative to where the tests ran
        # (this process's working directory); coverage.py maps absolute ones back itself.
        filename = os.path.abspath(filename)
        name = bucketer.owner(filename)
        if name is not None:
            owner_of[filename] = name

    has_code = set(owner_of.values())
    run_omit = cov.config.run_omit
    omit = GlobMatcher(prep_patterns(run_omit), "run_omit") if run_omit else None
    for filename in component_sources(comps):
        name = bucketer.owner(filename)
        if name is None:
            continue
        has_code.add(name)
        if filename not in owner_of and (omit is None or not omit.match(filename)):
            owner_of[filename] = name

    precision = int(cov.config.precision)
    totals: dict[str, Numbers] = {c.name: Numbers(precision=precision) for c in comps}
    missing: dict[str, dict[str, list[int]]] = {c.name: {} for c in comps}
    reported: set[str] = set()
    if owner_of:
        try:
            for reporter, analysis in get_analysis_to_report(cov, sorted(owner_of)):
                name = owner_of.get(reporter.filename) or owner_of.get(os.path.realpath(reporter.filename))
                if name is None:
                    continue
                reported.add(name)
                totals[name] = totals[name] + analysis.numbers
                if analysis.missing:
                    missing[name][_relative(reporter.filename, cfg.root)] = sorted(analysis.missing)
        except NoDataError:
            pass  # everything was omitted by the project's own report settings
        except CoverageException as exc:
            raise CoverageDataError(f"coverage.py could not analyse a component's file: {exc}") from None

    figures: dict[str, CoverageFigures] = {}
    for comp in comps:
        if comp.name not in reported:
            # Never "100 % of 0 statements": no file of this component was measured or analysed.
            figures[comp.name] = CoverageFigures.unmeasured(_nothing_reported(comp.name in has_code))
            continue
        numbers = totals[comp.name]
        figures[comp.name] = CoverageFigures(
            percent=float(numbers.pc_covered_str),
            covered_lines=numbers.n_executed,
            num_statements=numbers.n_statements,
            covered_branches=numbers.n_executed_branches,
            num_branches=numbers.n_branches,
            missing_lines=missing[comp.name],
            raw_percent=numbers.pc_covered,
            precision=precision,
        )
    return figures
