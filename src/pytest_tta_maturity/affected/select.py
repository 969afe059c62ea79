"""The rules of an affected run: which recorded tests may be taken from the record, or why none can.

Compared with the record, a file is changed when its content differs, is new or is
gone (a touch, or a branch switch back to the same content, changes nothing). Files
matching ``tta_maturity_affected_ignore`` do not count. Then:

- a changed configuration, conftest, lock or requirements file, or a changed file that is
  not Python source: everything runs (the environment key, or a data file a test may read);
- a changed measured file (coverage.py measured it in the record): the tests that ran a line
  of it run; unless the change is only inside function bodies (the module's skeleton, what
  runs at import, is the same), so do the tests that ran a line of any file importing it
  (directly or through other files: a module-level change reaches its importers at import
  time) and the tests of test files importing it;
- a changed test file: its tests run, and those of test files importing it;
- a changed Python file neither measured nor a test file (a test helper): the tests of the
  test files importing it (directly or through other files) run, and the tests that ran a
  line of a measured file importing it; when nothing imports it, everything runs;
- a new Python file: the tests of the files importing it (one may have tried to), and the tests
  that ran a line of a measured module of its folder or an enclosing one that may look modules up
  by name (it imports ``importlib`` or ``pkgutil``, or calls ``__import__``);
- tests the record does not hold, and tests that failed or errored in it, always run.

Every other recorded test is taken from the record.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._util import PYTHON_SUFFIXES
from ..model import AffectedRun, Outcome
from .imports import IMPORTS_NAME, ImportGraph, import_graph
from .record import Record, Recording, is_config_file, load
from .snapshot import Snapshot, blob

__all__ = ["DEFAULT_IGNORE", "NO_RECORD", "Decision", "affected_run", "decide", "ignored", "plan", "test_file"]

#: Why an affected run with no record runs everything.
NO_RECORD = "there is no record of an earlier run yet (this run makes one)"

#: What ``tta_maturity_affected_ignore`` holds unless the project sets it.
DEFAULT_IGNORE = ("*.md", "*.rst", "docs/**")


@dataclass(frozen=True)
class Decision:
    """Recorded tests to take from the record (``take``), or why everything runs (``fallback``)."""

    take: frozenset[str] = frozenset()
    fallback: str = ""
    #: recorded tests that must run, by the rules above
    run: frozenset[str] = field(default_factory=lambda: frozenset[str]())


def ignored(path: str, patterns: Iterable[str]) -> bool:
    """Whether ``path`` matches one of ``patterns``: a pattern without ``/`` matches the file name, one with ``/`` the path."""
    name = PurePosixPath(path).name
    return any(fnmatch.fnmatchcase(path if "/" in p else name, p) for p in patterns)


def test_file(nodeid: str, prefix: str = "") -> str:
    """The file of a test id, relative to the project (``prefix``: pytest's rootdir from the project root)."""
    path = nodeid.split("::", 1)[0]
    return f"{prefix}/{path}" if prefix else path


def decide(
    record: Record,
    now: Snapshot,
    *,
    ignore: Iterable[str] = DEFAULT_IGNORE,
    imports: Callable[[], ImportGraph],
    prefix: str = "",
) -> Decision:
    """Which recorded tests the change since ``record`` cannot affect (``imports`` builds the graph when needed)."""
    patterns = tuple(ignore)
    before = record.files
    changed = sorted(p for p in {*before, *now} if before.get(p) != now.get(p) and not ignored(p, patterns))
    for path in changed:
        if is_config_file(path):
            return Decision(fallback=f"{path} changed (configuration is part of the record's environment)")
        if not path.endswith(PYTHON_SUFFIXES):
            return Decision(
                fallback=f"{path} changed and is not Python source: a test may read it "
                "(tta_maturity_affected_ignore lists files no test reads)"
            )
    run = {nodeid for nodeid, test in record.tests.items() if test.outcome not in (Outcome.PASSED, Outcome.SKIPPED)}
    if changed:
        try:
            run |= _affected(record, changed, imports(), prefix)
        except _Undecided as exc:
            return Decision(fallback=str(exc))
    take = frozenset(record.tests) - run
    return Decision(take=take, run=frozenset(run))


def plan(
    recording: Recording,
    *,
    rootdir: Path,
    selecting: Sequence[str] = (),
    ignore: Iterable[str] = DEFAULT_IGNORE,
) -> tuple[Decision, Record | None]:
    """The decision for a run against the record in ``recording.folder`` (and that record, when it is used).

    ``rootdir`` is pytest's (test ids are relative to it); ``selecting`` the options that select
    tests on the command line (the run is then partial, and the record is not used).
    """
    if selecting:
        return Decision(fallback=f"tests are selected on the command line ({', '.join(selecting)})"), None
    root = recording.root
    try:
        prefix = rootdir.relative_to(root).as_posix()
    except ValueError:
        return Decision(fallback=f"pytest's rootdir {rootdir} is outside the project {root}"), None
    record, why = load(recording.folder)
    if record is None:
        return Decision(fallback=why or NO_RECORD), None
    for part, value in recording.environment.items():
        if record.environment.get(part) != value:
            return Decision(fallback=f"the record was made under another environment ({part} changed)"), None

    def graph() -> ImportGraph:  # read only when some file changed
        return import_graph(
            root, recording.files, recording.folder / IMPORTS_NAME, record.files, lambda old: blob(root, old)
        )

    prefix = "" if prefix == "." else prefix
    return decide(record, recording.files, ignore=ignore, imports=graph, prefix=prefix), record


def affected_run(decision: Decision, record: Record | None, total: int, taken: int) -> AffectedRun:
    """What the report says of an affected run of ``total`` tests, ``taken`` of them from ``record``."""
    if decision.fallback or record is None:
        return AffectedRun(total, total, fallback=decision.fallback or "the record could not be used")
    return AffectedRun(total - taken, total, record.created, record.commit[:12])


def _affected(record: Record, changed: list[str], graph: ImportGraph, prefix: str) -> set[str]:
    index = {path: i for i, path in enumerate(record.measured)}
    ran_by: dict[int, set[str]] = {}
    for nodeid, test in record.tests.items():
        for i in test.ran:
            ran_by.setdefault(i, set()).add(nodeid)
    tests_of: dict[str, set[str]] = {}
    for nodeid in record.tests:
        tests_of.setdefault(test_file(nodeid, prefix), set()).add(nodeid)

    def reached(paths: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for path in paths:
            if path in index:
                found |= ran_by.get(index[path], set())
            found |= tests_of.get(path, set())
        return found

    selected: set[str] = set()
    for path in changed:
        if path in index and path in graph.same_skeleton:  # only inside function bodies: only their callers
            selected |= reached([path])
            continue
        importers = graph.importers(path)
        found = reached([path, *importers])
        if path not in record.files:  # new: a module of its package that looks modules up may find it
            folders = PurePosixPath(path).parents
            found |= reached(p for p in graph.looking_up if p in index and PurePosixPath(p).parent in folders)
        elif path not in index and path not in tests_of and not found:
            raise _Undecided(f"{path} changed: no recorded test ran it and no test file imports it")
        selected |= found
    return selected


class _Undecided(Exception):
    """The rules cannot say which tests a change affects."""
