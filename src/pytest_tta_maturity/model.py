"""The result data model: what a run measured and how each component scored.

Everything here is plain data, JSON-safe through ``to_dict``/``from_dict``. The
JSON report (schema version 1, SPEC section 5) is ``Report.to_dict()``; every
renderer and the ``tta-maturity`` command read a ``Report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

SCHEMA_VERSION = 1

GateStatus = Literal["pass", "fail", "error", "skipped"]
GATE_STATUSES: tuple[GateStatus, ...] = ("pass", "fail", "error", "skipped")


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
    non-empty ``error`` means the gate could not be measured (fail closed).
    """

    name: str
    tool: str = ""
    findings: list[Finding] | None = field(default_factory=lambda: list[Finding]())
    passed: bool = True
    error: str = ""
    cached: bool = False


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


@dataclass
class CoverageFigures:
    """Coverage of one component's files, as coverage.py totals them.

    ``percent`` is coverage.py's display value at its configured ``precision``
    (what ``coverage report`` prints); ``raw_percent`` is the unrounded total.
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
            "percent": self.percent,
            "covered_lines": self.covered_lines,
            "num_statements": self.num_statements,
            "covered_branches": self.covered_branches,
            "num_branches": self.num_branches,
            "missing_lines": {k: list(v) for k, v in sorted(self.missing_lines.items())},
            "raw_percent": self.raw_percent,
            "precision": self.precision,
            "measured": self.measured,
            **({"note": self.note} if self.note else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverageFigures:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            percent=float(data["percent"]),
            covered_lines=int(data["covered_lines"]),
            num_statements=int(data["num_statements"]),
            covered_branches=int(data.get("covered_branches", 0)),
            num_branches=int(data.get("num_branches", 0)),
            missing_lines={str(k): [int(n) for n in v] for k, v in data.get("missing_lines", {}).items()},
            raw_percent=float(data.get("raw_percent", data["percent"])),
            precision=int(data.get("precision", 0)),
            measured=bool(data.get("measured", True)),
            note=str(data.get("note", "")),
        )

    @classmethod
    def unmeasured(cls, note: str = "") -> CoverageFigures:
        """Figures for a component whose coverage could not be measured, and why."""
        return cls(0.0, 0, 0, 0, 0, measured=False, note=note)


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


#: What a blocker says about its requirement: coverage below its threshold, a gate with
#: findings, a gate that failed without findings (tests, custom commands), a tool that
#: could not measure, or a requirement that was not measured at all.
BlockerKind = Literal["coverage", "findings", "failed", "error", "not_run"]
BLOCKER_KINDS: tuple[BlockerKind, ...] = ("coverage", "findings", "failed", "error", "not_run")

_NOUNS = {"types": ("error", "errors"), "format": ("file to reformat", "files to reformat")}


def _threshold_text(value: float) -> str:
    return f"{int(value)}" if value == int(value) else f"{value:g}"


@dataclass(frozen=True)
class Blocker:
    """One requirement of a level that the component does not hold, as data.

    ``requirement`` is ``coverage`` or a gate name. Coverage blockers carry the
    threshold (``needed``), the figure as coverage.py displays it (``measured`` at
    ``precision``), the points still missing (``gap``) and about how many lines
    and branches must be covered (``lines``). Gate blockers carry the number of
    ``findings``; ``message`` says what went wrong when nothing was counted.
    """

    requirement: str
    kind: BlockerKind
    level: str
    needed: float | None = None
    measured: float | None = None
    precision: int = 0
    gap: float | None = None
    lines: int | None = None
    findings: int = 0
    message: str = ""

    @property
    def text(self) -> str:
        """The blocker in words: ``coverage 65.2% < 70% (+4.8 pts, ~12 lines)``, ``types: 3 errors``."""
        name = self.requirement
        if self.kind == "coverage":
            digits = self.precision
            return (
                f"coverage {self.measured or 0.0:.{digits}f}% < {_threshold_text(self.needed or 0.0)}% "
                f"(+{self.gap or 0.0:.{digits}f} pts, ~{self.lines} {'line' if self.lines == 1 else 'lines'})"
            )
        if self.kind == "error":
            return f"{name}: error ({self.message})" if self.message else f"{name}: error"
        if self.kind == "not_run":
            if name == "coverage":
                return f"coverage: not measured ({self.message})" if self.message else "coverage: not measured"
            return f"{name}: {self.message or 'not run'}"
        if self.kind == "findings":
            if name == "tests":
                return f"tests: {self.findings} failed or errored"
            singular, plural = _NOUNS.get(name, ("finding", "findings"))
            return f"{name}: {self.findings} {singular if self.findings == 1 else plural}"
        return f"{name}: {self.message or 'failed'}"

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data (``text`` included for readers of the JSON)."""
        data: dict[str, Any] = {"requirement": self.requirement, "kind": self.kind, "level": self.level}
        if self.kind == "coverage":
            data.update(
                needed=self.needed, measured=self.measured, precision=self.precision, gap=self.gap, lines=self.lines
            )
        else:
            data["findings"] = self.findings
        if self.message:
            data["message"] = self.message
        data["text"] = self.text
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Blocker:
        """Rebuild from what ``to_dict`` returned."""
        kind = str(data["kind"])
        if kind not in BLOCKER_KINDS:
            raise ValueError(f"unknown blocker kind {kind!r}")

        def num(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        lines = data.get("lines")
        return cls(
            requirement=str(data["requirement"]),
            kind=kind,
            level=str(data.get("level", "")),
            needed=num("needed"),
            measured=num("measured"),
            precision=int(data.get("precision", 0)),
            gap=num("gap"),
            lines=None if lines is None else int(lines),
            findings=int(data.get("findings", 0)),
            message=str(data.get("message", "")),
        )


@dataclass(frozen=True)
class Undetermined:
    """A requirement above the achieved level that this run did not measure, and why."""

    requirement: str
    level: str
    reason: str

    @property
    def text(self) -> str:
        """``coverage: partial run (-k)``, ``types: not run (--tta-maturity-no-gates)``."""
        return f"{self.requirement}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        """Return this as JSON-safe data."""
        return {"requirement": self.requirement, "level": self.level, "reason": self.reason, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Undetermined:
        """Rebuild from what ``to_dict`` returned."""
        return cls(str(data["requirement"]), str(data.get("level", "")), str(data["reason"]))


@dataclass(frozen=True)
class NewFinding:
    """Findings of one key (path, code and message) beyond what the baseline knows.

    ``lines`` holds every finding of the key in this run; ``known`` how many of
    them the baseline allows. A failing gate without per-file findings (a custom
    command) is one finding with an empty path.
    """

    gate: str
    path: str
    code: str
    message: str
    lines: tuple[int, ...]
    known: int = 0

    @property
    def new(self) -> int:
        """How many more than the baseline knows."""
        return len(self.lines) - self.known

    @property
    def text(self) -> str:
        """``lint: src/x.py:12 F401 `os` imported but unused``, with the count when some were known."""
        place = f"{self.path}:{','.join(str(n) for n in self.lines)} " if self.path else ""
        text = f"{self.gate}: {place}{self.code} {self.message}"
        if self.known:
            text += f" ({self.new} more than the {self.known} known)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "gate": self.gate,
            "path": self.path,
            "lines": list(self.lines),
            "code": self.code,
            "message": self.message,
            "known": self.known,
            "new": self.new,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewFinding:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            str(data["gate"]),
            str(data["path"]),
            str(data["code"]),
            str(data["message"]),
            tuple(int(n) for n in data.get("lines", [])),
            int(data.get("known", 0)),
        )


@dataclass(frozen=True)
class CoverageDrop:
    """Coverage lower than the baseline's: more uncovered statements and branches, and a lower percentage."""

    percent: float
    uncovered: int
    baseline_percent: float
    baseline_uncovered: int

    @property
    def text(self) -> str:
        """``coverage dropped: 60% (40 uncovered) -> 50% (60 uncovered)``."""
        return (
            f"coverage dropped: {_threshold_text(self.baseline_percent)}% ({self.baseline_uncovered} uncovered) "
            f"-> {_threshold_text(self.percent)}% ({self.uncovered} uncovered)"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "percent": self.percent,
            "uncovered": self.uncovered,
            "baseline_percent": self.baseline_percent,
            "baseline_uncovered": self.baseline_uncovered,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CoverageDrop:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            float(data["percent"]),
            int(data["uncovered"]),
            float(data["baseline_percent"]),
            int(data["baseline_uncovered"]),
        )


@dataclass
class BaselineResult:
    """How a component below its declared level compares with its recorded baseline.

    ``held`` when nothing is new: no finding beyond the known ones in the gates its
    declared level needs, no coverage drop, no failed test, and everything could be
    compared (``unverified`` says what could not, such as a gate in error).
    """

    known: dict[str, int] = field(default_factory=lambda: dict[str, int]())
    new: list[NewFinding] = field(default_factory=lambda: list[NewFinding]())
    coverage_drop: CoverageDrop | None = None
    failed_tests: int = 0
    unverified: list[str] = field(default_factory=lambda: list[str]())

    @property
    def held(self) -> bool:
        """Whether the component holds its baseline."""
        return not (self.new or self.coverage_drop or self.failed_tests or self.unverified)

    @property
    def known_count(self) -> int:
        """Known findings present in this run, every gate together."""
        return sum(self.known.values())

    @property
    def new_counts(self) -> dict[str, int]:
        """New findings per gate."""
        counts: dict[str, int] = {}
        for item in self.new:
            counts[item.gate] = counts.get(item.gate, 0) + item.new
        return counts

    @property
    def problems(self) -> list[str]:
        """What breaks the baseline, one line each: new findings first, then coverage, tests, the rest."""
        lines = [item.text for item in self.new]
        if self.coverage_drop is not None:
            lines.append(self.coverage_drop.text)
        if self.failed_tests:
            plural = "test" if self.failed_tests == 1 else "tests"
            lines.append(f"tests: {self.failed_tests} failed or errored {plural} (never baselined)")
        lines.extend(self.unverified)
        return lines

    @property
    def text(self) -> str:
        """``baseline held (known 12)`` or ``baseline broken: 2 new (lint 1, coverage)``."""
        if self.held:
            return f"baseline held (known {self.known_count})"
        parts = [f"{gate} {count}" for gate, count in sorted(self.new_counts.items())]
        if self.coverage_drop is not None:
            parts.append("coverage drop")
        if self.failed_tests:
            parts.append(f"{self.failed_tests} failed test{'' if self.failed_tests == 1 else 's'}")
        parts.extend(["not comparable"] if self.unverified else [])
        return f"baseline broken ({', '.join(parts)}; known {self.known_count})"

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data: ``held``, ``known`` per gate, ``new`` findings and drops."""
        return {
            "held": self.held,
            "known": dict(sorted(self.known.items())),
            "new": {
                "counts": dict(sorted(self.new_counts.items())),
                "findings": [item.to_dict() for item in self.new],
                "coverage": self.coverage_drop.to_dict() if self.coverage_drop is not None else None,
                "failed_tests": self.failed_tests,
                "unverified": list(self.unverified),
            },
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaselineResult:
        """Rebuild from what ``to_dict`` returned."""
        new: dict[str, Any] = data.get("new") or {}
        known: dict[str, Any] = data.get("known") or {}
        drop: dict[str, Any] | None = new.get("coverage")
        findings: list[dict[str, Any]] = new.get("findings", [])
        unverified: list[Any] = new.get("unverified", [])
        return cls(
            known={str(k): int(v) for k, v in known.items()},
            new=[NewFinding.from_dict(f) for f in findings],
            coverage_drop=CoverageDrop.from_dict(drop) if drop else None,
            failed_tests=int(new.get("failed_tests", 0)),
            unverified=[str(u) for u in unverified],
        )


@dataclass
class ComponentResult:
    """How one component scored against the ladder.

    ``achieved`` is the highest level whose requirements, and those of every level
    below, were measured in this run and held; ``undetermined`` lists what was not
    measured above it. ``meets`` is the verdict on the declared level: no blocker
    among the requirements this run judges (a partial run does not judge coverage,
    ``--tta-maturity-no-gates`` the tool gates).
    """

    name: str
    declared: str
    achieved: str
    meets: bool
    coverage: CoverageFigures
    tests: TestCounts
    gates: dict[str, GateResult]
    blockers: list[Blocker]
    threshold: float = 0.0
    next_level: str | None = None
    next_blockers: list[Blocker] = field(default_factory=lambda: list[Blocker]())
    undetermined: list[Undetermined] = field(default_factory=lambda: list[Undetermined]())
    #: how the run compares with the baseline, for a component below its level that has one
    baseline: BaselineResult | None = None

    @property
    def determined(self) -> bool:
        """Whether the achieved level is proven final (nothing above it was left unmeasured)."""
        return not self.undetermined

    @property
    def held_by_baseline(self) -> bool:
        """Below its declared level, but holding its recorded baseline: it does not fail the run."""
        return not self.meets and self.baseline is not None and self.baseline.held

    @property
    def failing(self) -> bool:
        """Whether this component fails the run: below its level and not holding a baseline."""
        return not self.meets and not self.held_by_baseline

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {
            "name": self.name,
            "declared": self.declared,
            "achieved": self.achieved,
            "meets": self.meets,
            "coverage": self.coverage.to_dict(),
            "tests": self.tests.to_dict(),
            "gates": {k: v.to_dict() for k, v in self.gates.items()},
            "blockers": [b.text for b in self.blockers],
            "blocker_details": [b.to_dict() for b in self.blockers],
            "threshold": self.threshold,
            "next_level": self.next_level,
            "next_blockers": [b.text for b in self.next_blockers],
            "next_blocker_details": [b.to_dict() for b in self.next_blockers],
            "undetermined": [u.text for u in self.undetermined],
            "undetermined_details": [u.to_dict() for u in self.undetermined],
            **({"baseline": self.baseline.to_dict()} if self.baseline is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ComponentResult:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            name=str(data["name"]),
            declared=str(data["declared"]),
            achieved=str(data["achieved"]),
            meets=bool(data["meets"]),
            coverage=CoverageFigures.from_dict(data["coverage"]),
            tests=TestCounts.from_dict(data["tests"]),
            gates={str(k): GateResult.from_dict(v) for k, v in data.get("gates", {}).items()},
            blockers=[Blocker.from_dict(b) for b in data.get("blocker_details", [])],
            threshold=float(data.get("threshold", 0.0)),
            next_level=data.get("next_level"),
            next_blockers=[Blocker.from_dict(b) for b in data.get("next_blocker_details", [])],
            undetermined=[Undetermined.from_dict(u) for u in data.get("undetermined_details", [])],
            baseline=BaselineResult.from_dict(data["baseline"]) if data.get("baseline") else None,
        )


@dataclass
class Report:
    """A whole run: every scored component plus how the run was made."""

    version: str
    components: list[ComponentResult]
    partial: bool = False
    partial_reason: str = ""
    #: what made the run partial: "selection", "stopped", "interrupted", "collection" or "incomplete"
    partial_kind: str = ""
    gates_run: bool = True
    #: which gates ran: "all" (every gate of the ladder) or "declared" (what the declared levels need)
    gates_mode: str = "all"
    levels: list[str] = field(default_factory=lambda: list[str]())
    project_root: str = ""
    #: when the report was made (ISO 8601, UTC); "" when not known
    created: str = ""
    #: tests of the session (attributed to a component or not) that failed or errored
    tests_failed: int = 0
    #: the run was made with --tta-maturity-warn-only: components below their level do not fail it
    warn_only: bool = False

    @property
    def failed(self) -> bool:
        """Whether the run fails: a test failed, or a component is below its level without holding its
        baseline (unless warn-only)."""
        return self.tests_failed > 0 or (bool(self.failing) and not self.warn_only)

    #: coverage.py's measurement core ("ctrace", "sysmon", "pytrace") and version; "" when not known
    coverage_core: str = ""
    coverage_version: str = ""

    @property
    def promotable(self) -> list[str]:
        """Components holding a higher level than declared (none in a partial run)."""
        if self.partial:
            return []
        return [c.name for c in self.components if self._rank(c.achieved) > self._rank(c.declared)]

    @property
    def below(self) -> list[ComponentResult]:
        """Components whose achieved level is below their declared level."""
        return [c for c in self.components if not c.meets]

    @property
    def failing(self) -> list[ComponentResult]:
        """Components below their declared level that do not hold a baseline: they fail the run."""
        return [c for c in self.components if c.failing]

    @property
    def held(self) -> list[ComponentResult]:
        """Components below their declared level that hold their baseline."""
        return [c for c in self.components if c.held_by_baseline]

    def _rank(self, level: str) -> int:
        return self.levels.index(level) if level in self.levels else -1

    def component(self, name: str) -> ComponentResult | None:
        """The component called ``name``."""
        for comp in self.components:
            if comp.name == name:
                return comp
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data (``created`` only when it is known)."""
        meeting = sum(1 for c in self.components if c.meets)
        made = {"created": self.created} if self.created else {}
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "pytest-tta-maturity", "version": self.version},
            "partial": self.partial,
            "partial_reason": self.partial_reason,
            "partial_kind": self.partial_kind,
            "gates_run": self.gates_run,
            "gates_mode": self.gates_mode,
            "tests_failed": self.tests_failed,
            "warn_only": self.warn_only,
            "failed": self.failed,
            "levels": list(self.levels),
            "project_root": self.project_root,
            **made,
            **({"coverage_core": self.coverage_core} if self.coverage_core else {}),
            **({"coverage_version": self.coverage_version} if self.coverage_version else {}),
            "summary": {
                "components": len(self.components),
                "meeting": meeting,
                "below": len(self.components) - meeting,
                "promotable": self.promotable,
            },
            "components": [c.to_dict() for c in self.components],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild from what ``to_dict`` returned."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r} is not {SCHEMA_VERSION}")
        return cls(
            version=str(data.get("tool", {}).get("version", "")),
            components=[ComponentResult.from_dict(c) for c in data["components"]],
            partial=bool(data.get("partial", False)),
            partial_reason=str(data.get("partial_reason", "")),
            partial_kind=str(data.get("partial_kind", "")),
            gates_run=bool(data.get("gates_run", True)),
            gates_mode=str(data.get("gates_mode", "all")),
            tests_failed=int(data.get("tests_failed", 0)),
            warn_only=bool(data.get("warn_only", False)),
            levels=[str(x) for x in data.get("levels", [])],
            project_root=str(data.get("project_root", "")),
            created=str(data.get("created", "")),
            coverage_core=str(data.get("coverage_core", "")),
            coverage_version=str(data.get("coverage_version", "")),
        )
