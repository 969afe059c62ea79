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
from coverage.files import GlobMatcher, find_python_files, prep_patterns
from coverage.report_core import get_analysis_to_report
from coverage.results import Numbers

from .bucketing import Bucketer
from .config import ComponentConfig, MaturityConfig
from .errors import CoverageDataError
from .model import CoverageFigures


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _importable_files(components: Sequence[ComponentConfig], namespace_packages: bool) -> Iterator[str]:
    """The files coverage.py would report as unexecuted with the components' paths as ``source``."""
    for comp in components:
        for path in comp.paths:
            if path.is_dir():
                yield from find_python_files(os.fspath(path), namespace_packages)
            elif path.suffix in (".py", ".pyw"):
                yield os.fspath(path)


def measure_components(
    cov: coverage.Coverage,
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig] | None = None,
) -> dict[str, CoverageFigures]:
    """Coverage figures for every component, from the data ``cov`` holds.

    Files of a component that no test imported count with all their statements
    missing. They are found the way coverage.py finds unexecuted files in its
    ``source`` folders (importable ``.py``/``.pyw`` files only, so no stubs and
    no folders without ``__init__.py``, unless ``include_namespace_packages`` is on;
    ``[run] omit`` honoured), so the figures are what ``coverage report`` prints.
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

    run_omit = cov.config.run_omit
    omit = GlobMatcher(prep_patterns(run_omit), "run_omit") if run_omit else None
    for filename in _importable_files(comps, bool(cov.config.include_namespace_packages)):
        if filename not in owner_of and (omit is None or not omit.match(filename)):
            name = bucketer.owner(filename)
            if name is not None:
                owner_of[filename] = name

    precision = int(cov.config.precision)
    totals: dict[str, Numbers] = {c.name: Numbers(precision=precision) for c in comps}
    missing: dict[str, dict[str, list[int]]] = {c.name: {} for c in comps}
    if owner_of:
        try:
            for reporter, analysis in get_analysis_to_report(cov, sorted(owner_of)):
                name = owner_of.get(reporter.filename) or owner_of.get(os.path.realpath(reporter.filename))
                if name is None:
                    continue
                totals[name] = totals[name] + analysis.numbers
                if analysis.missing:
                    missing[name][_relative(reporter.filename, cfg.root)] = sorted(analysis.missing)
        except NoDataError:
            pass  # everything was omitted by the project's own report settings
        except CoverageException as exc:
            raise CoverageDataError(f"coverage.py could not analyse a component's file: {exc}") from None

    figures: dict[str, CoverageFigures] = {}
    for comp in comps:
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
