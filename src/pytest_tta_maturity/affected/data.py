"""Per-test coverage in coverage.py's data: which files each test ran, and the recorded tests' part written back.

Read through :func:`..measure.coverage_adapter.by_context` (one query over the data
file's documented schema, else ``CoverageData``'s API); written through
``CoverageData``'s API only: each taken test's lines (or arcs) under its own context,
in a data file beside pytest-cov's (``.coverage.tta-maturity-affected``), which
pytest-cov combines with the run's own data as it combines its parallel files. So
its report, ``--cov-fail-under`` and the ``.coverage`` file equal a full run's too.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Any

from coverage import CoverageData

from ..measure.contexts import test_of
from ..measure.coverage_adapter import by_context

__all__ = ["SUFFIX", "files_by_test", "write_taken"]

#: The suffix of the data file holding the taken tests' coverage (pytest-cov combines ``.coverage.*``).
SUFFIX = "tta-maturity-affected"


def _read(data_file: str) -> CoverageData:
    data = CoverageData(data_file)
    data.read()
    return data


def files_by_test(data_file: str, root: Path, static: str = "") -> tuple[list[str], dict[str, set[int]]]:
    """The measured files below ``root`` (relative, ``/``) and, per test id, the indices of those it ran."""
    files: list[str] = []
    index: dict[str, int] = {}
    ran: dict[str, set[int]] = {}
    for path, parts in by_context(_read(data_file)).items():
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(root).as_posix()
        except ValueError:
            continue  # outside the project (an installed package): its change is the environment's
        for context, items in parts.items():
            nodeid = test_of(context, static)
            if nodeid is None or not items:
                continue
            if relative not in index:
                index[relative] = len(files)
                files.append(relative)
            ran.setdefault(nodeid, set()).add(index[relative])
    return files, ran


def write_taken(recorded: str, basename: str, take: Collection[str], static: str = "") -> int:
    """Write the taken tests' part of the ``recorded`` data to ``basename.SUFFIX``; how many contexts it holds."""
    source = _read(recorded)
    arcs = source.has_arcs()
    by_test: dict[str, dict[str, list[Any]]] = {}
    for path, parts in by_context(source).items():
        for context, items in parts.items():
            nodeid = test_of(context, static)
            if nodeid is not None and nodeid in take and items:
                by_test.setdefault(context, {})[path] = items
    out = CoverageData(basename=basename, suffix=SUFFIX)
    tracers = {path: tracer for path in source.measured_files() if (tracer := source.file_tracer(path))}
    for context in sorted(by_test):
        out.set_context(context)
        if arcs:
            out.add_arcs({path: list(map(tuple, items)) for path, items in by_test[context].items()})
        else:
            out.add_lines(by_test[context])
    if by_test:
        written = {path for part in by_test.values() for path in part}
        out.add_file_tracers({path: tracer for path, tracer in tracers.items() if path in written})
        out.write()
    return len(by_test)
