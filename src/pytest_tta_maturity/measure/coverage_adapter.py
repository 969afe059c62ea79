"""What this package takes from coverage.py beyond its documented API: all of it, here.

coverage.py documents ``Coverage`` (``get_option``, ``set_option``, ``get_data``,
``analysis2``, ``branch_stats``), ``CoverageData`` (``lines``, ``arcs``,
``has_arcs``, ``measured_files``) and the plugin classes (``FileReporter``).
That is enough to ask for one file's figures, parsing the file each time; it
is not enough to parse a file once, keep what parsing found, and later combine
it with the measured data exactly as ``coverage report`` does. For that this
module uses coverage.py's Python file reporter and parser, its per-file
arithmetic (``analysis_from_file_reporter``, ``Numbers``), the report's
include/omit matching, its ``fail_under`` rule and the name of the measurement core.

Supported: coverage.py 7.10.3 to 7.x (``dependencies`` in pyproject.toml); the
oracle tests, run against the oldest and the newest of that range, check that
figures from kept facts equal ``coverage report``. Nothing else in the package
imports from coverage.py's undocumented modules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import coverage
from coverage import CoverageData, FileReporter
from coverage.exceptions import NotPython
from coverage.files import GlobMatcher, abs_file, prep_patterns
from coverage.numbits import numbits_to_nums
from coverage.parser import PythonParser
from coverage.python import PythonFileReporter
from coverage.results import Numbers, analysis_from_file_reporter, should_fail_under
from coverage.sqldata import SCHEMA_VERSION

__all__ = [
    "VERSION",
    "Analyser",
    "FileFacts",
    "FileResult",
    "NewLines",
    "NotPython",
    "Numbers",
    "Prepared",
    "by_context",
    "copy_contexts",
    "data_settings",
    "file_reporter",
    "files_by_context",
    "measurement_core",
    "omit_patterns",
    "read_facts",
    "records_contexts",
    "report_filter",
    "run_omit",
    "short_of",
    "should_be_python",
    "sum_numbers",
]

VERSION: str = coverage.__version__

#: The counts a ``Numbers`` holds (its other field is the display precision).
_COUNTS = tuple(f.name for f in dataclasses.fields(Numbers) if f.name != "precision")
#: What :class:`FileFacts` keep, and how: part of what keys the cache.
FACTS_LAYOUT = f"2 {' '.join(_COUNTS)}"

#: The parser's state that ``translate_lines``/``translate_arcs`` read: the map of multi-line
#: statements to their first line (named ``_multiline`` before 7.10) and, from 7.11, the fixes
#: for jumps out of ``with`` blocks.
_TRANSLATION_STATE = ("multiline_map", "_multiline", "_with_jump_fixers")

#: coverage.py's tracer classes, by the short names its documentation uses for the cores.
_CORES = {"CTracer": "ctrace", "PyTracer": "pytrace", "SysMonitor": "sysmon"}


def short_of(percent: float, needed: float, precision: int) -> bool:
    """Whether ``percent`` misses the threshold ``needed``, as ``coverage report --fail-under`` decides.

    coverage.py rounds at the report's ``precision`` first (69.996% holds 70 at precision 2), and
    100 means every line: every coverage threshold of a level, of new code, of a baseline and of ``explain`` is judged here.
    """
    return bool(should_fail_under(percent, needed, precision))


def measurement_core(cov: coverage.Coverage) -> str:
    """The core measuring for ``cov``, or ``""`` when it has not started.

    The names are those ``COVERAGE_CORE`` takes: ``ctrace``, ``sysmon``, ``pytrace``.

    ``Coverage.sys_info()`` names it too, but gathers much more (about 30 ms).
    """
    collector = getattr(cov, "_collector", None)
    name = ""
    if collector is not None:
        with contextlib.suppress(Exception):
            name = str(collector.tracer_name())
    if not name:
        with contextlib.suppress(Exception):
            name = str(dict(cov.sys_info()).get("core", ""))
    if name in ("", "-none-"):
        return ""
    return _CORES.get(name, name.lower())


def records_contexts(cov: coverage.Coverage) -> bool:
    """Whether ``cov``'s measurement core records dynamic contexts (coverage.py's sysmon core does not)."""
    core = getattr(cov, "_core", None)
    supported = getattr(core, "supports_dynamic_contexts", None)
    if supported is None:
        return measurement_core(cov) != "sysmon"
    return bool(supported)


#: The ``[run]`` options that shape the data coverage.py records (part of an affected run's environment key).
_DATA_OPTIONS = ("branch", "source", "include", "omit", "plugins", "context", "relative_files", "timid", "concurrency")


def data_settings(cov: coverage.Coverage) -> dict[str, Any]:
    """coverage.py's version, core and the resolved options that shape its data."""
    found: dict[str, Any] = {"version": VERSION, "core": measurement_core(cov)}
    for name in _DATA_OPTIONS:
        found[name] = cov.get_option(f"run:{name}")
    return found


def run_omit(cov: coverage.Coverage) -> Callable[[str], bool]:
    """Whether ``[run] omit`` leaves a file out (matched as coverage.py matches it)."""
    patterns = cast("list[str] | None", cov.get_option("run:omit"))
    if not patterns:
        return lambda _filename: False
    matcher = GlobMatcher(prep_patterns(patterns), "run_omit")
    return matcher.match


def omit_patterns(patterns: Iterable[str], root: str) -> Callable[[str], bool]:
    """Whether ``[tool.coverage.run] omit`` ``patterns`` leave a file out, as coverage.py started in ``root``
    would match them (for ``tta-maturity init``, which reads the settings without running coverage)."""
    anchored = [p if p.startswith(("*", "/")) else f"{root.rstrip('/')}/{p}" for p in patterns]
    if not anchored:
        return lambda _filename: False
    return GlobMatcher(prep_patterns(anchored), "init_omit").match


def report_filter(cov: coverage.Coverage) -> Callable[[str], bool]:
    """Whether ``coverage report`` reports a file reporter's file (``[report] include``/``omit``)."""
    include = cast("list[str] | None", cov.get_option("report:include"))
    omit = cast("list[str] | None", cov.get_option("report:omit"))
    included = GlobMatcher(prep_patterns(include), "report_include").match if include else None
    omitted = GlobMatcher(prep_patterns(omit), "report_omit").match if omit else None

    def keep(filename: str) -> bool:
        if included is not None and not included(filename):
            return False
        return omitted is None or not omitted(filename)

    return keep


def file_reporter(cov: coverage.Coverage, filename: str) -> FileReporter:
    """The reporter ``coverage report`` uses for ``filename`` (a plugin's, or coverage.py's Python one)."""
    return cov._get_file_reporter(filename)  # pyright: ignore[reportPrivateUsage]


def should_be_python(reporter: FileReporter) -> bool:
    """Whether a file that does not parse is an error (``coverage report`` says so for ``.py`` files)."""
    check = getattr(reporter, "should_be_python", None)
    return bool(check()) if callable(check) else False


# --- facts kept from parsing a file ---------------------------------------------------------------


def _to_json(value: Any) -> Any:
    """Encode the parser's state (dicts with tuple keys, tuples, sets) as JSON-safe, typed lists."""
    if isinstance(value, dict):
        items = cast("dict[Any, Any]", value).items()
        return ["d", [[_to_json(k), _to_json(v)] for k, v in items]]
    if isinstance(value, tuple):
        return ["t", [_to_json(v) for v in cast("tuple[Any, ...]", value)]]
    if isinstance(value, (set, frozenset)):
        return ["s", [_to_json(v) for v in cast("set[Any]", value)]]
    if value is None or isinstance(value, (int, str)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} of coverage.py's parser")


def _from_json(value: Any) -> Any:
    if not isinstance(value, list):
        if value is None or isinstance(value, (int, str)):
            return value
        raise TypeError("unexpected value in kept parser state")
    kind, items = cast("list[Any]", value)
    items = cast("list[Any]", items)
    if kind == "d":
        return {_from_json(k): _from_json(v) for k, v in items}
    if kind == "t":
        return tuple(_from_json(v) for v in items)
    if kind == "s":
        return {_from_json(v) for v in items}
    raise TypeError(f"unknown kind {kind!r} in kept parser state")


def _ints(value: Any) -> frozenset[int]:
    return frozenset(map(int, cast("list[Any]", value)))


def _flat(pairs: Iterable[tuple[int, int]]) -> list[int]:
    """``[(1, 2), (3, 4)]`` as ``[1, 2, 3, 4]``: half the time to read back as JSON."""
    return [n for pair in sorted(pairs) for n in pair]


def _pairs(value: Any) -> Iterator[tuple[int, int]]:
    flat = list(map(int, cast("list[Any]", value)))
    if len(flat) % 2:
        raise ValueError("an odd count of numbers where pairs are kept")
    numbers = iter(flat)
    return zip(numbers, numbers, strict=True)  # the same iterator twice: (1, 2), (3, 4), ...


@dataclass(frozen=True)
class FileFacts:
    """What coverage.py's parser finds in one file; with these, no parsing is needed again.

    ``arcs``, ``exit_counts`` and ``no_branch`` are ``None`` when branches were not
    analysed (branch coverage off). ``state`` is the part of the parser that maps
    measured lines and arcs onto statements. ``unexecuted`` holds coverage.py's
    counts (``Numbers`` fields) for the file when none of it ran.
    """

    statements: frozenset[int]
    excluded: frozenset[int]
    arcs: frozenset[tuple[int, int]] | None
    exit_counts: dict[int, int] | None
    no_branch: frozenset[int] | None
    state: dict[str, Any]
    unexecuted: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        """Return JSON-safe data for pytest's cache."""
        return {
            "s": sorted(self.statements),
            "x": sorted(self.excluded),
            "a": None if self.arcs is None else _flat(self.arcs),
            "e": None if self.exit_counts is None else _flat(self.exit_counts.items()),
            "n": None if self.no_branch is None else sorted(self.no_branch),
            "t": {name: _to_json(value) for name, value in self.state.items()},
            "u": [self.unexecuted[name] for name in _COUNTS],
        }

    @classmethod
    def from_json(cls, data: Any) -> FileFacts:
        """Rebuild from ``to_json``'s data; raises ``ValueError`` (or ``TypeError``) on anything else."""
        if not isinstance(data, dict):
            raise TypeError("not a dict")
        raw = cast("dict[str, Any]", data)
        branches = raw["a"] is not None
        state = cast("dict[str, Any]", raw["t"])
        return cls(
            statements=_ints(raw["s"]),
            excluded=_ints(raw["x"]),
            arcs=frozenset(_pairs(raw["a"])) if branches else None,
            exit_counts=dict(_pairs(raw["e"])) if branches else None,
            no_branch=_ints(raw["n"]) if branches else None,
            state={str(name): _from_json(value) for name, value in state.items()},
            unexecuted=dict(zip(_COUNTS, [int(n) for n in cast("list[Any]", raw["u"])], strict=True)),
        )


def read_facts(cov: coverage.Coverage, filename: str, *, branches: bool) -> FileFacts:
    """Parse ``filename`` as ``coverage report`` would (``cov``'s exclusions) and return what it found.

    Raises what coverage.py raises for the file (``NotPython``, ``NoSource``, ...).
    """
    reporter = PythonFileReporter(filename, cov)
    statements = frozenset(reporter.lines())
    excluded = frozenset(reporter.excluded_lines())
    arcs = frozenset(reporter.arcs()) if branches else None
    exit_counts = dict(reporter.exit_counts()) if branches else None
    no_branch = frozenset(reporter.no_branch_lines()) if branches else None
    parser = vars(reporter.parser)
    state = {name: parser[name] for name in _TRANSLATION_STATE if name in parser}
    numbers = _analyse(_NoData(branches), 0, reporter, filename).numbers
    unexecuted = {name: int(getattr(numbers, name)) for name in _COUNTS}
    return FileFacts(statements, excluded, arcs, exit_counts, no_branch, state, unexecuted)


class _Replayed(PythonFileReporter):
    """coverage.py's Python file reporter, answering from kept facts instead of parsing."""

    def __init__(self, filename: str, cov: coverage.Coverage, facts: FileFacts) -> None:
        super().__init__(filename, cov)
        self._facts = facts
        parser = PythonParser(text="\n")
        known = vars(parser)
        for name, value in facts.state.items():
            if name not in known:
                raise ValueError(f"coverage.py {VERSION}'s parser has no {name}")
            setattr(parser, name, value)
        self._parser = parser

    def lines(self) -> set[int]:
        return set(self._facts.statements)

    def excluded_lines(self) -> set[int]:
        return set(self._facts.excluded)

    def arcs(self) -> set[tuple[int, int]]:
        return set(self._facts.arcs or ())

    def exit_counts(self) -> dict[int, int]:
        return dict(self._facts.exit_counts or {})

    def no_branch_lines(self) -> set[int]:
        return set(self._facts.no_branch or ())


# --- the per-file arithmetic ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileResult:
    """One file's figures, as coverage.py computes them: its numbers and missing statements."""

    numbers: Numbers
    missing: list[int]


@dataclass(frozen=True)
class NewLines:
    """One file's new statements: which, which no test ran, the branches not taken from them, the counts."""

    statements: list[int]
    missing: list[int]
    missing_arcs: list[tuple[int, int]]
    numbers: Numbers


class _NoData:
    """Measured data in which no file was executed (for a file no test imported)."""

    def __init__(self, has_arcs: bool) -> None:
        self._has_arcs = has_arcs

    def has_arcs(self) -> bool:
        return self._has_arcs

    def lines(self, filename: str) -> None:
        del filename

    def arcs(self, filename: str) -> None:
        del filename


class Analyser:
    """coverage.py's per-file arithmetic against the data ``cov`` holds, as ``coverage report`` does it.

    The measured lines or arcs of every file are read in one query when the data
    file has the layout this module knows (schema 7, the one of every supported
    version), else file by file through ``CoverageData``; either way each file is
    read once. Use it inside ``with analyser.reading():``.
    """

    def __init__(self, cov: coverage.Coverage, *, contexts: bool = False) -> None:
        """Work on the data ``cov`` holds, with its settings; with ``contexts``, keep each context's part."""
        self._data = cov.get_data()  # also sets up how file names map onto the data's (relative_files)
        self._mapper = cov._file_mapper  # pyright: ignore[reportPrivateUsage]
        self.precision = int(cast(int, cov.get_option("report:precision")))
        self._has_arcs = self._data.has_arcs()
        self._read: dict[str, list[Any] | None] = {}
        self._lines: dict[str, list[int] | None] = {}  # for arc data: each file's lines, worked out once
        self._all: dict[str, list[Any]] | None = None
        self._by_context: dict[str, dict[str, list[Any]]] | None = {} if contexts else None

    def has_arcs(self) -> bool:
        """Whether the data holds arcs (branch coverage)."""
        return self._has_arcs

    def arcs(self, filename: str) -> list[tuple[int, int]] | None:
        """As ``CoverageData.arcs``."""
        return self._measured(filename) if self._has_arcs else None

    def lines(self, filename: str) -> list[int] | None:
        """As ``CoverageData.lines`` (for arc data: the lines the arcs touch, as it computes them)."""
        found = self._measured(filename)
        if found is None or not self._has_arcs:
            return found
        if filename not in self._lines:  # asked twice per file: whether it ran, and by coverage.py's analysis
            self._lines[filename] = list({line for arc in found for line in arc if line > 0})
        return self._lines[filename]

    def _measured(self, filename: str) -> list[Any] | None:
        if self._all is not None:
            return self._all.get(filename)
        if filename not in self._read:
            data = self._data
            self._read[filename] = data.arcs(filename) if self._has_arcs else data.lines(filename)
        return self._read[filename]

    @contextlib.contextmanager
    def reading(self) -> Generator[Analyser, None, None]:
        """Read the data meanwhile (through one connection to the data file, not one per query)."""
        connect = cast("Callable[[], AbstractContextManager[Any]] | None", getattr(self._data, "_connect", None))
        with connect() if connect is not None else contextlib.nullcontext() as db:
            if self._by_context is not None:
                found = _read_contexts(self._data, db, self._has_arcs)
                self._by_context = found if found is not None else _query_contexts(self._data, self._has_arcs)
                self._all = _union(self._by_context, self._data.measured_files())
            else:
                self._all = _read_all(self._data, db, self._has_arcs)
            yield self

    def data_name(self, reporter: FileReporter, prepared: Prepared | None = None) -> str:
        """The name the data knows ``reporter``'s file by."""
        if prepared is not None and prepared.data_name is not None and self._mapper is abs_file:
            return prepared.data_name
        return self._mapper(reporter.filename)

    def contexts(self, name: str) -> dict[str, list[Any]]:
        """The measured arcs (or lines) of the file the data knows as ``name``, by context."""
        return (self._by_context or {}).get(name, {})

    def selected_result(
        self, reporter: FileReporter, name: str, contexts: Iterable[str], prepared: Prepared | None = None
    ) -> FileResult:
        """``reporter``'s file against the part of the data measured in ``contexts``."""
        selected = _Selected(self, name, tuple(contexts))
        if prepared is not None and not selected.lines(name) and self._has_arcs == prepared.branches:
            return prepared.unexecuted(self.precision)  # nothing ran in them: what no data gives
        return _analyse(selected, self.precision, reporter, name)

    def result(self, reporter: FileReporter) -> FileResult:
        """``reporter``'s file against the data."""
        return _analyse(self, self.precision, reporter, self._mapper(reporter.filename))

    def new_lines(self, reporter: FileReporter, name: str, lines: frozenset[int]) -> NewLines:
        """The statements of ``reporter``'s file whose first line is in ``lines``, against the data.

        coverage.py's ``Analysis`` of the file: its statements are each statement's first
        line (a multi-line statement is reported on it), as in ``coverage report``.
        """
        analysis = analysis_from_file_reporter(cast(CoverageData, self), self.precision, reporter, name)
        new = sorted(set(analysis.statements) & lines)
        missing = sorted(set(analysis.missing) & lines)
        branches = covered = 0
        missing_arcs: list[tuple[int, int]] = []
        if analysis.has_arcs:
            stats = analysis.branch_stats()
            gaps = analysis.missing_branch_arcs()
            for line in new:
                total, taken = stats.get(line, (0, 0))
                branches += total
                covered += taken
                missing_arcs.extend((line, target) for target in sorted(gaps.get(line, ())))
        numbers = Numbers(
            precision=self.precision,
            n_files=1,
            n_statements=len(new),
            n_missing=len(missing),
            n_branches=branches,
            n_missing_branches=branches - covered,
        )
        return NewLines(new, missing, missing_arcs, numbers)

    def prepared_result(self, prepared: Prepared) -> FileResult | None:
        """A prepared file's result; ``None`` when its facts do not cover what the data holds."""
        if self._has_arcs and not prepared.branches:
            return None  # branches were not analysed, and the data has arcs
        name = self.data_name(prepared.reporter, prepared)
        if not self.lines(name) and self._has_arcs == prepared.branches:
            return prepared.unexecuted(self.precision)  # no line ran: what no data gives
        return _analyse(self, self.precision, prepared.reporter, name)


def _read_all(data: CoverageData, db: Any, has_arcs: bool) -> dict[str, list[Any]] | None:
    """Every measured file's arcs (or lines), in one query; ``None`` when the data is not laid out as known."""
    if SCHEMA_VERSION != 7 or getattr(data, "_query_context_ids", None) is not None or db is None:
        return None
    try:
        found: dict[str, list[Any]] = {path: [] for path in data.measured_files()}
        if has_arcs:
            query = "SELECT DISTINCT file.path, arc.fromno, arc.tono FROM arc JOIN file ON file.id = arc.file_id"
            with db.execute(query) as cursor:
                for path, start, end in cursor:
                    found[path].append((start, end))
        else:
            query = "SELECT file.path, line_bits.numbits FROM line_bits JOIN file ON file.id = line_bits.file_id"
            lines: dict[str, set[int]] = {}
            with db.execute(query) as cursor:
                for path, bits in cursor:
                    lines.setdefault(path, set()).update(numbits_to_nums(bits))
            found.update({path: list(nums) for path, nums in lines.items()})
    except Exception:  # noqa: BLE001 - any surprise: read file by file, as CoverageData does
        return None
    return found


def _read_contexts(data: CoverageData, db: Any, has_arcs: bool) -> dict[str, dict[str, list[Any]]] | None:
    """Every measured file's arcs (or lines) by context, in one query; ``None`` when not laid out as known."""
    if SCHEMA_VERSION != 7 or getattr(data, "_query_context_ids", None) is not None or db is None:
        return None
    found: dict[str, dict[str, list[Any]]] = {}
    try:
        if has_arcs:
            query = (
                "SELECT file.path, context.context, arc.fromno, arc.tono FROM arc "
                "JOIN file ON file.id = arc.file_id JOIN context ON context.id = arc.context_id"
            )
            with db.execute(query) as cursor:
                for path, context, start, end in cursor:
                    found.setdefault(path, {}).setdefault(context, []).append((start, end))
        else:
            query = (
                "SELECT file.path, context.context, line_bits.numbits FROM line_bits "
                "JOIN file ON file.id = line_bits.file_id JOIN context ON context.id = line_bits.context_id"
            )
            with db.execute(query) as cursor:
                for path, context, bits in cursor:
                    found.setdefault(path, {})[context] = numbits_to_nums(bits)
    except Exception:  # noqa: BLE001 - any surprise: read through CoverageData's documented queries
        return None
    return found


def by_context(data: CoverageData) -> dict[str, dict[str, list[Any]]]:
    """Every measured file's arcs (or lines) by context: one query when laid out as known, else through the API."""
    connect = cast("Callable[[], AbstractContextManager[Any]] | None", getattr(data, "_connect", None))
    with connect() if connect is not None else contextlib.nullcontext() as db:
        found = _read_contexts(data, db, data.has_arcs())
    return found if found is not None else _query_contexts(data, data.has_arcs())


#: The files each context ran: from the arcs (branch data) and from the lines.
_FILES_BY_CONTEXT = (
    (
        "SELECT DISTINCT context.context, file.path FROM arc "
        "JOIN file ON file.id = arc.file_id JOIN context ON context.id = arc.context_id"
    ),
    (
        "SELECT DISTINCT context.context, file.path FROM line_bits "
        "JOIN file ON file.id = line_bits.file_id JOIN context ON context.id = line_bits.context_id"
    ),
)


def files_by_context(data_file: str) -> dict[str, set[str]] | None:
    """Which measured files each context of a data file ran, in one query; ``None`` when not laid out as known."""
    if SCHEMA_VERSION != 7:
        return None
    found: dict[str, set[str]] = {}
    try:
        uri = Path(data_file).resolve().as_uri() + "?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            if _schema(db) != 7:
                return None
            for query in _FILES_BY_CONTEXT:
                for context, path in db.execute(query):
                    found.setdefault(context, set()).add(path)
    except sqlite3.Error:
        return None
    return found


def copy_contexts(source: str, target: str, keep: Callable[[str], bool]) -> bool:
    """Copy the data file ``source`` to ``target`` with only the contexts ``keep`` accepts.

    coverage.py's schema 7 (documented in its "dbschema" page) as SQL, so that nothing is
    decoded and re-encoded; ``False`` (and no ``target``) when the file is not laid out as known.
    """
    if SCHEMA_VERSION != 7:
        return False
    shutil.copyfile(source, target)
    try:
        with contextlib.closing(sqlite3.connect(target)) as db:
            if _schema(db) != 7:
                raise sqlite3.DatabaseError("another schema")
            gone = [(i,) for i, context in db.execute("SELECT id, context FROM context") if not keep(context)]
            with db:  # one pass over each table (their rows are not indexed by context)
                db.execute("CREATE TEMP TABLE gone (id INTEGER PRIMARY KEY)")
                db.executemany("INSERT INTO gone (id) VALUES (?)", gone)
                db.execute("DELETE FROM arc WHERE context_id IN (SELECT id FROM gone)")
                db.execute("DELETE FROM line_bits WHERE context_id IN (SELECT id FROM gone)")
                db.execute("DELETE FROM context WHERE id IN (SELECT id FROM gone)")
                db.execute(
                    "DELETE FROM file WHERE id NOT IN (SELECT file_id FROM arc UNION SELECT file_id FROM line_bits)"
                )
                db.execute("DELETE FROM tracer WHERE file_id NOT IN (SELECT id FROM file)")
    except sqlite3.Error:
        os.unlink(target)
        return False
    return True


def _schema(db: sqlite3.Connection) -> int | None:
    row = db.execute("SELECT version FROM coverage_schema").fetchone()
    return int(row[0]) if row else None


def _query_contexts(data: CoverageData, has_arcs: bool) -> dict[str, dict[str, list[Any]]]:
    """:func:`_read_contexts` through ``CoverageData``'s documented API (one pass per context)."""
    found: dict[str, dict[str, list[Any]]] = {}
    files = sorted(data.measured_files())
    try:
        for context in sorted(data.measured_contexts()):
            data.set_query_context(context)
            for path in files:
                part = data.arcs(path) if has_arcs else data.lines(path)
                if part:
                    found.setdefault(path, {})[context] = list(part)
    finally:
        data.set_query_contexts(None)
    return found


def _union(by_context: dict[str, dict[str, list[Any]]], files: Iterable[str]) -> dict[str, list[Any]]:
    """Every context's part of each file together, as the data without a context filter gives it."""
    found: dict[str, list[Any]] = {path: [] for path in files}
    for path, parts in by_context.items():
        found[path] = list({item for part in parts.values() for item in part})
    return found


class _Selected:
    """The measured data of one file, limited to some contexts (as ``--contexts`` limits a report)."""

    def __init__(self, analyser: Analyser, name: str, contexts: tuple[str, ...]) -> None:
        parts = analyser.contexts(name)
        self._has_arcs = analyser.has_arcs()
        self._name = name
        self._items = list({item for context in contexts for item in parts.get(context, ())})
        if self._has_arcs:  # asked twice: whether anything ran, and by coverage.py's analysis
            self._lines = list({line for arc in self._items for line in arc if line > 0})
        else:
            self._lines = self._items

    def has_arcs(self) -> bool:
        return self._has_arcs

    def arcs(self, filename: str) -> list[tuple[int, int]] | None:
        return self._items if self._has_arcs and filename == self._name and self._items else None

    def lines(self, filename: str) -> list[int] | None:
        if filename != self._name or not self._items:
            return None
        return list(self._lines)


def _analyse(data: Analyser | _NoData | _Selected, precision: int, reporter: FileReporter, name: str) -> FileResult:
    analysis = analysis_from_file_reporter(cast(CoverageData, data), precision, reporter, name)
    return FileResult(analysis.numbers, sorted(analysis.missing))


class Prepared:
    """A file made ready before the tests end: its reporter, and its figures if none of it runs."""

    def __init__(self, filename: str, cov: coverage.Coverage, facts: FileFacts) -> None:
        """Ready ``filename`` from its facts: no parsing, whether they were just found or kept."""
        self.reporter: FileReporter = _Replayed(filename, cov, facts)
        self.branches = facts.arcs is not None
        self._unexecuted = facts.unexecuted
        self._missing = sorted(facts.statements)  # an Analysis's missing: statements not executed
        # The name the data knows the file by, unless that depends on the working directory then:
        # the reporter's own name, which coverage.py has made absolute and resolved (``abs_file``) already.
        relative = bool(cov.get_option("run:relative_files"))
        self.data_name = None if relative else self.reporter.filename

    def unexecuted(self, precision: int) -> FileResult:
        """The file's figures when none of it ran."""
        return FileResult(Numbers(precision=precision, **self._unexecuted), self._missing)


def sum_numbers(numbers: Iterable[Numbers], precision: int) -> Numbers:
    """The total of ``numbers``, as ``coverage report`` totals files."""
    total = Numbers(precision=precision)
    for item in numbers:
        total = total + item
    return total
