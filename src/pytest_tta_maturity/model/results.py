"""What a run measured: findings, gate states, coverage figures and test outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, cast

SCHEMA_VERSION = 1

GateStatus = Literal["pass", "fail", "error", "skipped"]
GATE_STATUSES: tuple[GateStatus, ...] = ("pass", "fail", "error", "skipped")


class GatesMode(str, Enum):
    """Which gates a run starts (``--tta-maturity-gates``); its value is what reports keep in ``gates_mode``.

    A ``str``, so the plugin's parsed option (``activation.GATES_MODES``, which the entry point
    offers before the package may be imported) compares equal to it.
    """

    #: every gate of the ladder over every component, so that each real level is known
    ALL = "all"
    #: only the gates the declared levels (and the level above each) need
    DECLARED = "declared"


@dataclass(frozen=True)
class Finding:
    """One finding of a gate tool, at a path relative to the project root."""

    path: str
    line: int
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {"path": self.path, "line": self.line, "code": self.code, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Rebuild from what ``to_dict`` returned."""
        return cls(str(data["path"]), int(data["line"]), str(data["code"]), str(data["message"]))


@dataclass
class GateOutcome:
    """What one gate's single run over all its files produced (before it is split per component).

    ``findings`` is ``None`` for gates that do not report per file (custom
    commands): then ``passed`` carries the verdict for every component. A
    non-empty ``error`` means the gate could not be measured (fail closed): what went
    wrong and how to fix it, without the gate's name (``name`` carries it; a component's
    gate state is keyed by it), so that nothing strips it back off.
    """

    name: str
    tool: str = ""
    findings: list[Finding] | None = field(default_factory=lambda: list[Finding]())
    passed: bool = True
    error: str = ""
    cached: bool = False

    @property
    def error_line(self) -> str:
        """The error as one line that stands alone: ``lint: ruff 0.17 was killed by signal 9; run it again``."""
        return f"{self.name}: {self.error}" if self.error else ""


@dataclass
class GateResult:
    """The state of one gate for one component.

    ``message`` explains an ``error`` (what went wrong and how to fix it) or a
    ``skipped`` state; ``tool`` names the tool and version that produced it.
    """

    status: GateStatus
    findings: int = 0
    details: list[Finding] = field(default_factory=lambda: list[Finding]())
    message: str = ""
    tool: str = ""
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        data: dict[str, Any] = {
            "status": self.status,
            "findings": self.findings,
            "details": [f.to_dict() for f in self.details],
        }
        if self.message:
            data["message"] = self.message
        if self.tool:
            data["tool"] = self.tool
        if self.cached:
            data["cached"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateResult:
        """Rebuild from what ``to_dict`` returned."""
        status = str(data["status"])
        if status not in GATE_STATUSES:
            raise ValueError(f"unknown gate status {status!r}")
        return cls(
            status=status,
            findings=int(data.get("findings", 0)),
            details=[Finding.from_dict(d) for d in data.get("details", [])],
            message=str(data.get("message", "")),
            tool=str(data.get("tool", "")),
            cached=bool(data.get("cached", False)),
        )


#: Where covered lines came from: every test and import, the component's own tests (plus imports
#: when one ran), imports and collection alone.
CoverageSource = Literal["all_tests", "own_tests", "import_only"]
COVERAGE_SOURCES: tuple[CoverageSource, ...] = ("all_tests", "own_tests", "import_only")
#: The key of :attr:`CoverageFigures.other_tests` for tests that belong to no component.
NO_COMPONENT = "(no component)"


@dataclass
class CoverageFigures:
    """Coverage of one component's files, as coverage.py totals them.

    ``percent`` is coverage.py's display value at its configured ``precision``
    (what ``coverage report`` prints); ``raw_percent`` is the unrounded total.

    These are the figures from every test (``all_tests``). ``sources`` holds
    the ``own_tests`` and ``import_only`` figures when the run could tell them
    apart (``sources_note`` says why not otherwise); ``judged_on`` names the one
    the ladder judges. ``other_tests`` counts, per other component (or
    :data:`NO_COMPONENT`), the statements only that component's tests ran.
    """

    percent: float
    covered_lines: int
    num_statements: int
    covered_branches: int
    num_branches: int
    missing_lines: dict[str, list[int]] = field(default_factory=lambda: dict[str, list[int]]())
    raw_percent: float = 0.0
    precision: int = 0
    measured: bool = True
    note: str = ""
    judged_on: CoverageSource = "all_tests"
    sources: dict[CoverageSource, CoverageFigures] = field(
        default_factory=lambda: dict[CoverageSource, "CoverageFigures"]()
    )
    sources_note: str = ""
    other_tests: dict[str, int] = field(default_factory=lambda: dict[str, int]())
    #: the statements only other tests ran, each counted once (a statement that the tests of several
    #: components ran counts in each of their ``other_tests`` entries); ``None`` in an older report
    other_tests_total: int | None = None
    #: the figures of the change's new lines (``--tta-maturity-new-code``); kept apart in the JSON
    new_code: NewCode | None = None

    def source(self, name: CoverageSource) -> CoverageFigures | None:
        """The figures from one source; ``None`` when this run could not tell it apart."""
        if name == "all_tests":
            return self
        return self.sources.get(name)

    def judged(self) -> CoverageFigures:
        """The figures the ladder judges: ``judged_on``'s, or unmeasured with the reason."""
        if self.judged_on == "all_tests" or not self.measured:
            return self
        found = self.sources.get(self.judged_on)
        if found is not None:
            return found
        return CoverageFigures.unmeasured(self.sources_note)  # never all tests' figure instead

    @property
    def units(self) -> int:
        """Statements plus branches: what the percentage is taken over."""
        return self.num_statements + self.num_branches

    @property
    def covered_units(self) -> int:
        """Covered statements plus covered branches."""
        return self.covered_lines + self.covered_branches

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            **self.counts(),
            "missing_lines": {k: list(v) for k, v in sorted(self.missing_lines.items())},
            "precision": self.precision,
            "measured": self.measured,
            **({"note": self.note} if self.note else {}),
            "judged_on": self.judged_on,
            **({"sources": self._sources_dict()} if self.measured else {}),
            **({"other_tests": dict(sorted(self.other_tests.items()))} if self.other_tests else {}),
            **({"other_tests_total": self.other_tests_total} if self.other_tests else {}),
        }

    def counts(self) -> dict[str, Any]:
        """The totals alone (what ``sources`` holds per source)."""
        return {
            "percent": self.percent,
            "covered_lines": self.covered_lines,
            "num_statements": self.num_statements,
            "covered_branches": self.covered_branches,
            "num_branches": self.num_branches,
            "raw_percent": self.raw_percent,
        }

    def _sources_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in COVERAGE_SOURCES:
            figures = self.source(name)
            if figures is not None and figures.measured:
                found[name] = figures.counts()
            else:
                note = figures.note if figures is not None else self.sources_note
                found[name] = {"measured": False, **({"note": note} if note else {})}
        return found

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverageFigures:
        """Rebuild from what ``to_dict`` returned."""
        judged_on = str(data.get("judged_on", "all_tests"))
        if judged_on not in COVERAGE_SOURCES:
            raise ValueError(f"unknown coverage source {judged_on!r}")
        sources: dict[CoverageSource, CoverageFigures] = {}
        notes: list[str] = []
        for name, raw in cast("dict[str, Any]", data.get("sources") or {}).items():
            if name not in COVERAGE_SOURCES or name == "all_tests":
                continue
            entry = cast("dict[str, Any]", raw)
            if entry.get("measured", True):
                sources[cast(CoverageSource, name)] = cls._from_counts(entry, int(data.get("precision", 0)))
            elif entry.get("note"):
                notes.append(str(entry["note"]))
        figures = cls._from_counts(data, int(data.get("precision", 0)))
        figures.missing_lines = {str(k): [int(n) for n in v] for k, v in data.get("missing_lines", {}).items()}
        figures.measured = bool(data.get("measured", True))
        figures.note = str(data.get("note", ""))
        figures.judged_on = judged_on
        figures.sources = sources
        figures.sources_note = notes[0] if notes else ""
        figures.other_tests = {str(k): int(v) for k, v in cast("dict[str, Any]", data.get("other_tests") or {}).items()}
        total = data.get("other_tests_total")
        figures.other_tests_total = None if total is None else int(total)
        return figures

    @classmethod
    def _from_counts(cls, data: dict[str, Any], precision: int) -> CoverageFigures:
        return cls(
            percent=float(data["percent"]),
            covered_lines=int(data["covered_lines"]),
            num_statements=int(data["num_statements"]),
            covered_branches=int(data.get("covered_branches", 0)),
            num_branches=int(data.get("num_branches", 0)),
            missing_lines={str(k): [int(n) for n in v] for k, v in data.get("missing_lines", {}).items()},
            raw_percent=float(data.get("raw_percent", data["percent"])),
            precision=precision,
        )

    @classmethod
    def unmeasured(cls, note: str = "") -> CoverageFigures:
        """Figures for a component whose coverage could not be measured, and why."""
        return cls(0.0, 0, 0, 0, 0, measured=False, note=note)


NO_NEW_CODE = "no new code"


@dataclass
class NewCode:
    """One component's part of a change: its new statements, how many ran, and the findings on new lines.

    A statement is new when its first line (the line coverage.py reports it on) was added or
    changed. ``percent`` is ``None`` when there is no new statement (never 100 % of 0);
    ``measured`` is false, with ``note`` saying why, when coverage could not be measured.
    ``findings`` holds, per gate, the findings on new lines that are not known to the baseline.
    """

    statements: int = 0
    covered: int = 0
    num_branches: int = 0
    covered_branches: int = 0
    percent: float | None = None
    raw_percent: float | None = None
    precision: int = 0
    files: list[str] = field(default_factory=lambda: list[str]())
    missing_lines: dict[str, list[int]] = field(default_factory=lambda: dict[str, list[int]]())
    missing_branches: dict[str, list[str]] = field(default_factory=lambda: dict[str, list[str]]())
    findings: dict[str, list[Finding]] = field(default_factory=lambda: dict[str, list[Finding]]())
    measured: bool = True
    note: str = ""

    @property
    def finding_count(self) -> int:
        """Findings on new lines, every gate together."""
        return sum(len(items) for items in self.findings.values())

    def uncovered(self) -> list[str]:
        """``path:line`` of every new statement no test ran, in file order."""
        return [f"{path}:{line}" for path, lines in sorted(self.missing_lines.items()) for line in lines]

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        data: dict[str, Any] = {
            "statements": self.statements,
            "covered": self.covered,
            "percent": self.percent,
            "raw_percent": self.raw_percent,
            "num_branches": self.num_branches,
            "covered_branches": self.covered_branches,
            "precision": self.precision,
            "measured": self.measured,
            "files": list(self.files),
            "missing_lines": {k: list(v) for k, v in sorted(self.missing_lines.items())},
            "missing_branches": {k: list(v) for k, v in sorted(self.missing_branches.items())},
            "findings": {g: [f.to_dict() for f in items] for g, items in sorted(self.findings.items())},
        }
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewCode:
        """Rebuild from what ``to_dict`` returned."""
        percent = data.get("percent")
        raw = data.get("raw_percent")
        return cls(
            statements=int(data.get("statements", 0)),
            covered=int(data.get("covered", 0)),
            num_branches=int(data.get("num_branches", 0)),
            covered_branches=int(data.get("covered_branches", 0)),
            percent=None if percent is None else float(percent),
            raw_percent=None if raw is None else float(raw),
            precision=int(data.get("precision", 0)),
            files=[str(f) for f in data.get("files", [])],
            missing_lines={str(k): [int(n) for n in v] for k, v in data.get("missing_lines", {}).items()},
            missing_branches={str(k): [str(n) for n in v] for k, v in data.get("missing_branches", {}).items()},
            findings={
                str(g): [Finding.from_dict(f) for f in items]
                for g, items in cast("dict[str, Any]", data.get("findings") or {}).items()
            },
            measured=bool(data.get("measured", True)),
            note=str(data.get("note", "")),
        )

    @classmethod
    def unmeasured(cls, note: str) -> NewCode:
        """New code whose coverage could not be measured, and why."""
        return cls(measured=False, note=note)


def source_name(source: CoverageSource) -> str:
    """How a source is named in messages: ``own-tests``, ``import-only``, ``all-tests``."""
    return source.replace("_", "-")


def coverage_label(source: CoverageSource) -> str:
    """``coverage`` for all tests, ``own-tests coverage``: the words messages use for a figure."""
    return "coverage" if source == "all_tests" else f"{source_name(source)} coverage"


class Outcome(Enum):
    """The outcome of one test across its setup, call and teardown (worst wins)."""

    SKIPPED = "skipped"
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Precedence when one test reports several outcomes (an error in teardown beats a pass)."""
        return _OUTCOME_RANK[self]


_OUTCOME_RANK = {Outcome.SKIPPED: 0, Outcome.PASSED: 1, Outcome.FAILED: 2, Outcome.ERROR: 3}


@dataclass(frozen=True)
class FailedTest:
    """A failed or errored test attributed to a component."""

    nodeid: str
    outcome: Outcome

    def to_dict(self) -> dict[str, str]:
        """Return this as JSON-safe data."""
        return {"nodeid": self.nodeid, "outcome": self.outcome.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FailedTest:
        """Rebuild from what ``to_dict`` returned."""
        return cls(str(data["nodeid"]), Outcome(str(data["outcome"])))


@dataclass
class TestCounts:
    """Outcomes of the tests attributed to one component, and which of them failed."""

    __test__ = False  # not a pytest test class

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0
    details: list[FailedTest] = field(default_factory=lambda: list[FailedTest]())

    @property
    def total(self) -> int:
        """How many tests were attributed."""
        return self.passed + self.failed + self.skipped + self.errors

    def add(self, nodeid: str, outcome: Outcome) -> None:
        """Count one test's outcome; keep the node ids of failed and errored tests."""
        if outcome is Outcome.PASSED:
            self.passed += 1
        elif outcome is Outcome.SKIPPED:
            self.skipped += 1
        else:
            if outcome is Outcome.FAILED:
                self.failed += 1
            else:
                self.errors += 1
            self.details.append(FailedTest(nodeid, outcome))

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": self.errors,
            "details": [d.to_dict() for d in sorted(self.details, key=lambda d: d.nodeid)],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestCounts:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            **{k: int(data.get(k, 0)) for k in ("passed", "failed", "skipped", "errors")},
            details=[FailedTest.from_dict(d) for d in data.get("details", [])],
        )
