"""Per-component coverage from a ``coverage.Coverage`` whose data is loaded.

The figures are coverage.py's own: each file is analysed by the arithmetic
``coverage report`` uses (include and omit settings honoured), and the numbers
are summed as it sums them, so a component's percentage is what
``coverage report`` prints over the component's files.

Parsing the files (statements, branches, exclusions) is most of the work and
does not depend on what the tests ran: :mod:`.analysis` does it beside the
tests and hands :func:`measure_components` the files ready (``prepared``); what
is left here is the intersection with the measured lines and arcs. Files it was
not handed are parsed here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import coverage
from coverage import FileReporter
from coverage.exceptions import CoverageException

from .._util import walk_files
from ..bucketing import Bucketer
from ..config import ComponentConfig, MaturityConfig
from ..errors import CoverageDataError, relative_path
from ..model import NO_COMPONENT, CoverageFigures, NewCode
from ..vcs import lines_in
from . import coverage_adapter as adapter
from .contexts import Attribution

#: Added or changed lines by absolute path (``vcs.Change.lines_by_path``).
Changed = Mapping[str, frozenset[int]]

#: What coverage.py measures: Python source files (``.pyi`` stubs are never run).
SOURCE_SUFFIXES = (".py", ".pyw")

#: The files made ready beforehand, by absolute path (``None``: parse it here).
Prepared = Callable[[str], "adapter.Prepared | None"]


@dataclass(frozen=True)
class FileOutcome:
    """One file's outcome: its name, the name its reporter gives it, its figures and how to redo them."""

    filename: str
    path: str
    result: adapter.FileResult
    reporter: FileReporter
    prepared: adapter.Prepared | None


class _FileWork:
    """Each file's figures, as ``coverage report`` analyses the files it reports."""

    def __init__(self, cov: coverage.Coverage, analyser: adapter.Analyser, prepared: Prepared | None) -> None:
        self.cov = cov
        self.analyser = analyser
        self.prepared = prepared
        self.reported = adapter.report_filter(cov)
        self.ignore_errors = bool(cov.get_option("report:ignore_errors"))

    def __call__(self, files: Sequence[str]) -> list[FileOutcome]:
        """The outcomes of ``files`` (left out: what the report settings omit, errors ignored)."""
        outcomes: list[FileOutcome] = []
        for filename in files:
            outcome = self.one(filename)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def one(self, filename: str) -> FileOutcome | None:
        """One file's outcome; ``None`` when ``coverage report`` would leave it out."""
        analyser = self.analyser
        ready = self.prepared(filename) if self.prepared is not None else None
        reporter = ready.reporter if ready is not None else None
        try:
            if ready is not None and (result := analyser.prepared_result(ready)) is not None:
                if not self.reported(ready.reporter.filename):
                    return None  # the project's report settings leave it out
                return FileOutcome(filename, ready.reporter.filename, result, ready.reporter, ready)
            reporter = adapter.file_reporter(self.cov, filename)
            if not self.reported(reporter.filename):
                return None
            return FileOutcome(filename, reporter.filename, analyser.result(reporter), reporter, None)
        except adapter.NotPython as exc:
            if reporter is not None and adapter.should_be_python(reporter) and not self.ignore_errors:
                raise CoverageDataError(f"coverage.py could not analyse a component's file: {exc}") from None
            return None  # coverage report leaves it out (with a warning)
        except Exception as exc:  # noqa: BLE001 - coverage report fails on any error too (some are not its own)
            if self.ignore_errors:
                return None
            raise CoverageDataError(f"coverage.py could not analyse a component's file: {exc}") from None


def component_sources(components: Sequence[ComponentConfig]) -> Iterator[str]:
    """Every Python source file under the components' paths, importable or not.

    Folders without ``__init__.py`` are walked too (coverage.py skips them when it
    looks for unexecuted files): a component's paths are the user's word for what
    its code is. Hidden folders, ``__pycache__`` and virtual environments are not
    code; nor are hidden files (editors' lock files).
    """
    return walk_files((path for comp in components for path in comp.paths), _measured_source)


def _measured_source(name: str) -> bool:
    """A file coverage.py measures: ``.py`` or ``.pyw`` (a stub never runs), not hidden."""
    return name.endswith(SOURCE_SUFFIXES) and not name.startswith(".")


def _nothing_reported(has_code: bool) -> str:
    if has_code:
        return "every Python file of this component is left out by the coverage configuration's omit or include"
    return "no Python source file (.py, .pyw) under this component's paths"


def measure_components(
    cov: coverage.Coverage,
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig] | None = None,
    *,
    prepared: Prepared | None = None,
    attribution: Attribution | None = None,
    unattributed: str = "",
    changed: Changed | None = None,
) -> dict[str, CoverageFigures]:
    """Coverage figures for every component, from the data ``cov`` holds.

    Every Python file under a component's paths counts (see
    :func:`component_sources`): a file no test imported counts with all its
    statements and branches missing, as coverage.py's own analysis of it counts
    them, in folders without ``__init__.py`` too; ``[run] omit`` and the report's
    ``include``/``omit`` are honoured. Over the files coverage.py reports, the
    figures are what ``coverage report`` prints.

    With an ``attribution`` (how to read the data's contexts), each component's
    ``own_tests`` and ``import_only`` figures are measured too; without one,
    ``unattributed`` says why they are not.

    With ``changed`` (the added or changed lines of a change), each component's
    figures carry their ``new_code``.
    """
    comps = tuple(cfg.components if components is None else components)
    return measure(
        cov, cfg.root, comps, prepared=prepared, attribution=attribution, unattributed=unattributed, changed=changed
    )


def measure(
    cov: coverage.Coverage,
    root: Path,
    components: Sequence[ComponentConfig],
    *,
    prepared: Prepared | None = None,
    attribution: Attribution | None = None,
    unattributed: str = "",
    changed: Changed | None = None,
) -> dict[str, CoverageFigures]:
    """:func:`measure_components` for ``components``, with missing lines named relative to ``root``."""
    bucketer = Bucketer.for_sources(components)
    owner_of: dict[str, str] = {}
    try:
        analyser = adapter.Analyser(cov, contexts=attribution is not None)
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
    omitted = adapter.run_omit(cov)
    for filename in component_sources(components):
        if filename in owner_of:
            continue  # measured: its owner is known, and in has_code already
        name = bucketer.owner(filename)
        if name is None:
            continue
        has_code.add(name)
        if not omitted(filename):
            owner_of[filename] = name

    files = sorted(owner_of)
    with analyser.reading():
        outcomes = _FileWork(cov, analyser, prepared)(files)

    results: dict[str, list[adapter.FileResult]] = {c.name: [] for c in components}
    missing: dict[str, dict[str, list[int]]] = {c.name: {} for c in components}
    sources = {c.name: _Sources(c.name) for c in components} if attribution is not None else None
    owners_of = _Owners(attribution) if attribution is not None else None
    new_code = {c.name: _NewCode() for c in components} if changed is not None else None
    for outcome in outcomes:
        name = owner_of[outcome.filename]
        results[name].append(outcome.result)
        if new_code is not None and changed is not None:
            lines = lines_in(changed, outcome.filename)
            if lines is not None:
                relative = relative_path(root, outcome.path)
                new_code[name].add(relative, analyser, outcome, lines)
        if outcome.result.missing:
            missing[name][relative_path(root, outcome.path)] = outcome.result.missing
        if sources is not None and owners_of is not None:
            sources[name].add(analyser, owners_of, outcome)

    figures: dict[str, CoverageFigures] = {}
    for comp in components:
        if not results[comp.name]:
            # Never "100 % of 0 statements": no file of this component was measured or analysed.
            figures[comp.name] = CoverageFigures.unmeasured(_nothing_reported(comp.name in has_code))
            if new_code is not None:  # no file reported: no statement of it is new
                figures[comp.name].new_code = new_code[comp.name].figures(analyser.precision)
            continue
        figures[comp.name] = _figures((r.numbers for r in results[comp.name]), analyser.precision)
        figures[comp.name].missing_lines = missing[comp.name]
        if sources is not None:
            sources[comp.name].fill(figures[comp.name], analyser.precision)
        else:
            figures[comp.name].sources_note = unattributed
        if new_code is not None:
            figures[comp.name].new_code = new_code[comp.name].figures(analyser.precision)
    return figures


class _NewCode:
    """One component's new statements, file by file."""

    def __init__(self) -> None:
        self.numbers: list[adapter.Numbers] = []
        self.files: list[str] = []
        self.missing: dict[str, list[int]] = {}
        self.arcs: dict[str, list[str]] = {}

    def add(self, path: str, analyser: adapter.Analyser, outcome: FileOutcome, lines: frozenset[int]) -> None:
        """Add one changed file: its statements whose first line is in ``lines``."""
        self.files.append(path)
        if not lines:
            return
        data_name = analyser.data_name(outcome.reporter, outcome.prepared)
        found = analyser.new_lines(outcome.reporter, data_name, lines)
        self.numbers.append(found.numbers)
        if found.missing:
            self.missing[path] = found.missing
        if found.missing_arcs:
            self.arcs[path] = [f"{a}->{b if b > 0 else 'exit'}" for a, b in found.missing_arcs]

    def figures(self, precision: int) -> NewCode:
        """The sums: ``percent`` is ``None`` with no new statement."""
        total = adapter.sum_numbers(self.numbers, precision)
        some = total.n_statements > 0
        return NewCode(
            statements=total.n_statements,
            covered=total.n_executed,
            num_branches=total.n_branches,
            covered_branches=total.n_executed_branches,
            percent=float(total.pc_covered_str) if some else None,
            raw_percent=total.pc_covered if some else None,
            precision=precision,
            files=sorted(self.files),
            missing_lines=self.missing,
            missing_branches=self.arcs,
        )


def _figures(numbers: Iterable[adapter.Numbers], precision: int) -> CoverageFigures:
    total = adapter.sum_numbers(numbers, precision)
    return CoverageFigures(
        percent=float(total.pc_covered_str),
        covered_lines=total.n_executed,
        num_statements=total.n_statements,
        covered_branches=total.n_executed_branches,
        num_branches=total.n_branches,
        raw_percent=total.pc_covered,
        precision=precision,
    )


class _Owners:
    """Whose tests ran under each context of the data (each context read once, for every file)."""

    def __init__(self, attribution: Attribution) -> None:
        self.attribution = attribution
        self._known: dict[str, tuple[str, ...] | None] = {}

    def __call__(self, context: str) -> tuple[str, ...] | None:
        if context not in self._known:
            self._known[context] = self.attribution.owners(context)
        return self._known[context]


class _Sources:
    """One component's own-tests and import-only figures, file by file, and what other tests ran."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.own: list[adapter.Numbers] = []
        self.imports: list[adapter.Numbers] = []
        #: per other component, the statements (file, line) only its tests ran: a set, so a statement run in
        #: several of its contexts counts once, and the union over all of them counts each statement once
        self.others: dict[str, set[tuple[str, int]]] = {}

    def add(self, analyser: adapter.Analyser, owners_of: _Owners, outcome: FileOutcome) -> None:
        """Add one file: its figures limited to the component's own contexts, and to import time."""
        data_name = analyser.data_name(outcome.reporter, outcome.prepared)
        parts = analyser.contexts(data_name)
        owners = {context: owners_of(context) for context in parts}
        imports = [c for c, who in owners.items() if who is None]
        own = [c for c, who in owners.items() if who is None or self.name in who]

        def limited(contexts: list[str]) -> adapter.FileResult:
            if len(contexts) == len(parts):
                return outcome.result  # every context: the figures from all tests
            return analyser.selected_result(outcome.reporter, data_name, contexts, outcome.prepared)

        import_result = limited(imports)
        own_result = limited(own if self.name in owners_of.attribution.ran else [])
        self.imports.append(import_result.numbers)
        self.own.append(own_result.numbers)
        # Statements that neither imports nor own tests ran, and some test did: whose tests ran them.
        gap = (set(own_result.missing) & set(import_result.missing)) - set(outcome.result.missing)
        if not gap:
            return
        for context, who in owners.items():
            if who is None or self.name in who:
                continue
            lines = {n for item in parts[context] for n in (item if analyser.has_arcs() else (item,)) if n > 0}
            ran_here = {(data_name, n) for n in outcome.reporter.translate_lines(lines) & gap}
            for other in who or (NO_COMPONENT,) if ran_here else ():
                self.others.setdefault(other, set()).update(ran_here)

    def fill(self, figures: CoverageFigures, precision: int) -> None:
        """Put the sums into the component's (all-tests) ``figures``."""
        figures.sources = {
            "own_tests": _figures(self.own, precision),
            "import_only": _figures(self.imports, precision),
        }
        figures.other_tests = {name: len(statements) for name, statements in self.others.items()}
        figures.other_tests_total = len(set[tuple[str, int]]().union(*self.others.values()))
