"""Per-test coverage in coverage.py's data: which files each test ran, and the recorded tests' part written back.

Read and written through coverage.py's documented schema when the data file has it
(:func:`..measure.coverage_adapter.files_by_context`, ``copy_contexts``: nothing is
decoded), else through ``CoverageData``'s API, context by context. The taken tests'
part, each under its own context, goes to a data file beside pytest-cov's
(``.coverage.tta-maturity-affected``), which pytest-cov combines with the run's own
data as it combines its parallel files. So its report, ``--cov-fail-under`` and the
``.coverage`` file equal a full run's too.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from coverage import CoverageData

from ..errors import relative_posix
from ..measure.contexts import nodeid_of
from ..measure.coverage_adapter import by_context, copy_contexts, files_by_context
from ..model import Outcome
from .record import Record, Recording, TestRecord, save

__all__ = ["SUFFIX", "files_by_test", "keep", "write_taken"]

#: The suffix of the data file holding the taken tests' coverage (pytest-cov combines ``.coverage.*``).
SUFFIX = "tta-maturity-affected"


def _read(data_file: str) -> CoverageData:
    data = CoverageData(data_file)
    data.read()
    return data


def files_by_test(data_file: str, root: Path, static: str = "") -> tuple[list[str], dict[str, set[int]]]:
    """The measured files below ``root`` (relative, ``/``) and, per test id, the indices of those it ran."""
    by_context_files = files_by_context(data_file)
    if by_context_files is None:
        by_context_files = dict[str, set[str]]()
        for path, parts in by_context(_read(data_file)).items():
            for context, items in parts.items():
                if items:
                    by_context_files.setdefault(context, set[str]()).add(path)
    files: list[str] = []
    index: dict[str, int] = {}
    relative: dict[str, str | None] = {}
    ran: dict[str, set[int]] = {}
    for context, paths in by_context_files.items():
        nodeid = nodeid_of(context, static)
        if nodeid is None:
            continue
        for path in paths:
            if path not in relative:
                # None outside the project (an installed package): its change is the environment's
                relative[path] = relative_posix(root, os.path.abspath(path))
            name = relative[path]
            if name is None:
                continue
            if name not in index:
                index[name] = len(files)
                files.append(name)
            ran.setdefault(nodeid, set()).add(index[name])
    return files, ran


def write_taken(recorded: str, basename: str, take: Collection[str], static: str = "") -> None:
    """Write the taken tests' part of the ``recorded`` data to ``basename.SUFFIX``."""
    target = f"{basename}.{SUFFIX}"
    if copy_contexts(recorded, target, lambda context: nodeid_of(context, static) in take):
        return
    source = _read(recorded)
    arcs = source.has_arcs()
    by_test: dict[str, dict[str, list[Any]]] = {}
    for path, parts in by_context(source).items():
        for context, items in parts.items():
            nodeid = nodeid_of(context, static)
            if nodeid is not None and nodeid in take and items:
                by_test.setdefault(context, {})[path] = items
    if not by_test:
        return
    out = CoverageData(basename=basename, suffix=SUFFIX)
    tracers = {path: tracer for path in source.measured_files() if (tracer := source.file_tracer(path))}

    for context in sorted(by_test):
        out.set_context(context)
        if arcs:
            out.add_arcs({path: list(map(tuple, items)) for path, items in by_test[context].items()})
        else:
            out.add_lines(by_test[context])
    written = {path for part in by_test.values() for path in part}
    out.add_file_tracers({path: tracer for path, tracer in tracers.items() if path in written})
    out.write()


def keep(
    recording: Recording,
    data_file: str,
    outcomes: Mapping[str, Outcome],
    owners: Mapping[str, Sequence[str]],
    static: str = "",
) -> None:
    """Keep the record of a run: each test's outcome, components and the files it ran (``OSError`` if it cannot)."""
    measured, ran = files_by_test(data_file, recording.root, static)
    tests = {
        nodeid: TestRecord(outcome, tuple(owners.get(nodeid, ())), tuple(sorted(ran.get(nodeid, ()))))
        for nodeid, outcome in outcomes.items()
    }
    made = Record(recording.created, recording.commit, recording.environment, recording.files, measured, tests)
    save(recording.folder, made, data_file)
