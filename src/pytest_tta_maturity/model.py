"""The result data model: what a run measured and how each component scored.

Everything here is plain data, JSON-safe through ``to_dict``/``from_dict``. The
JSON report (schema version 1, SPEC section 5) is ``Report.to_dict()``; every
renderer and the ``tta-maturity`` command read a ``Report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class TestCounts:
    """Outcomes of the tests attributed to one component."""

    __test__ = False  # not a pytest test class

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        """How many tests were attributed."""
        return self.passed + self.failed + self.skipped + self.errors

    def to_dict(self) -> dict[str, int]:
        """Return this as JSON-safe data."""
        return {"passed": self.passed, "failed": self.failed, "skipped": self.skipped, "errors": self.errors}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TestCounts:
        """Rebuild from what ``to_dict`` returned."""
        return cls(**{k: int(data.get(k, 0)) for k in ("passed", "failed", "skipped", "errors")})


@dataclass
class ComponentResult:
    """How one component scored against the ladder."""

    name: str
    declared: str
    achieved: str
    meets: bool
    coverage: CoverageFigures
    tests: TestCounts
    gates: dict[str, GateResult]
    blockers: list[str]
    threshold: float = 0.0
    next_level: str | None = None
    next_blockers: list[str] = field(default_factory=lambda: list[str]())

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
            "blockers": list(self.blockers),
            "threshold": self.threshold,
            "next_level": self.next_level,
            "next_blockers": list(self.next_blockers),
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
            blockers=[str(b) for b in data.get("blockers", [])],
            threshold=float(data.get("threshold", 0.0)),
            next_level=data.get("next_level"),
            next_blockers=[str(b) for b in data.get("next_blockers", [])],
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
    levels: list[str] = field(default_factory=lambda: list[str]())
    project_root: str = ""
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

    def _rank(self, level: str) -> int:
        return self.levels.index(level) if level in self.levels else -1

    def component(self, name: str) -> ComponentResult | None:
        """The component called ``name``."""
        for comp in self.components:
            if comp.name == name:
                return comp
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        meeting = sum(1 for c in self.components if c.meets)
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "pytest-tta-maturity", "version": self.version},
            "partial": self.partial,
            "partial_reason": self.partial_reason,
            "partial_kind": self.partial_kind,
            "gates_run": self.gates_run,
            "levels": list(self.levels),
            "project_root": self.project_root,
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
            levels=[str(x) for x in data.get("levels", [])],
            project_root=str(data.get("project_root", "")),
            coverage_core=str(data.get("coverage_core", "")),
            coverage_version=str(data.get("coverage_version", "")),
        )
