"""How each component scored, and the whole run: the JSON report is ``Report.to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, cast

from ..partial import PartialKind
from .baselines import BaselineResult
from .blockers import Blocker, Undetermined
from .results import SCHEMA_VERSION, CoverageFigures, GateResult, GatesMode, NewCode, TestCounts

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class NewCodeRun:
    """The change a run judged new code against: the ref asked for, the merge base, HEAD, and how many files."""

    ref: str
    base: str
    head: str = ""
    files: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data."""
        return {"ref": self.ref, "base": self.base, "head": self.head, "files": self.files}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewCodeRun:
        """Rebuild from what ``to_dict`` returned."""
        return cls(str(data["ref"]), str(data["base"]), str(data.get("head", "")), int(data.get("files", 0)))


@dataclass(frozen=True)
class AffectedRun:
    """An affected run (``--tta-maturity-affected``): how many tests ran, of how many, and the record used.

    ``fallback`` says why every test ran ("" when the record was used).
    """

    ran: int
    total: int
    record_created: str = ""
    record_commit: str = ""
    fallback: str = ""

    @property
    def taken(self) -> int:
        """Tests whose outcome and coverage came from the record."""
        return self.total - self.ran

    def to_dict(self) -> dict[str, Any]:
        """Return this as JSON-safe data (``record`` is ``null`` when everything ran)."""
        record = None if self.fallback else {"created": self.record_created, "commit": self.record_commit}
        return {"ran": self.ran, "total": self.total, "record": record, "fallback": self.fallback or None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AffectedRun:
        """Rebuild from what ``to_dict`` returned."""
        record = cast("dict[str, Any]", data.get("record") or {})
        return cls(
            int(data["ran"]),
            int(data["total"]),
            str(record.get("created", "")),
            str(record.get("commit", "")),
            str(data.get("fallback") or ""),
        )


@dataclass
class ComponentResult:
    """How one component scored against the ladder.

    ``achieved`` is the highest level whose requirements, and those of every level
    below, were measured in this run and held; ``undetermined`` lists what was not
    measured above it. ``meets`` is the verdict on the declared level: ``True`` when
    it is achieved, ``False`` when a requirement this run judges was not held, ``None``
    (not judged) when nothing judged failed but a requirement was left unjudged (a
    partial run's coverage, the tool gates under ``--tta-maturity-no-gates``).
    """

    name: str
    declared: str
    achieved: str
    meets: bool | None
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
    #: its part of the change (``--tta-maturity-new-code``)
    new_code: NewCode | None = None
    #: the gates the declared level needs (``tests`` included); ``None`` in a report that did not record them
    needs: list[str] | None = None

    @property
    def determined(self) -> bool:
        """Whether the achieved level is proven final (nothing above it was left unmeasured)."""
        return not self.undetermined

    @property
    def held_by_baseline(self) -> bool:
        """Below its declared level, but holding its recorded baseline: it does not fail the run."""
        return self.meets is False and self.baseline is not None and self.baseline.held

    @property
    def failing(self) -> bool:
        """Whether this component counts against the run: below its level and not holding a baseline.

        It fails the run unless the run is warn-only (:attr:`Report.levels_fail_run`)."""
        return self.meets is False and not self.held_by_baseline

    @property
    def judged(self) -> bool:
        """Whether this run judged the declared level (``meets`` is not ``None``)."""
        return self.meets is not None

    def needed(self, gate: str) -> bool | None:
        """Whether the declared level needs ``gate``; ``None`` when the report does not say."""
        return None if self.needs is None else gate in self.needs

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
            **({"new_code": self.new_code.to_dict()} if self.new_code is not None else {}),
            **({"needs": list(self.needs)} if self.needs is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ComponentResult:
        """Rebuild from what ``to_dict`` returned."""
        return cls(
            name=str(data["name"]),
            declared=str(data["declared"]),
            achieved=str(data["achieved"]),
            meets=None if data["meets"] is None else bool(data["meets"]),
            coverage=CoverageFigures.from_dict(data["coverage"]),
            tests=TestCounts.from_dict(data["tests"]),
            gates={str(k): GateResult.from_dict(v) for k, v in data.get("gates", {}).items()},
            blockers=[Blocker.from_dict(b) for b in data.get("blocker_details", [])],
            threshold=float(data.get("threshold", 0.0)),
            next_level=data.get("next_level"),
            next_blockers=[Blocker.from_dict(b) for b in data.get("next_blocker_details", [])],
            undetermined=[Undetermined.from_dict(u) for u in data.get("undetermined_details", [])],
            baseline=BaselineResult.from_dict(data["baseline"]) if data.get("baseline") else None,
            new_code=NewCode.from_dict(data["new_code"]) if data.get("new_code") else None,
            needs=[str(g) for g in data["needs"]] if isinstance(data.get("needs"), list) else None,
        )


@dataclass
class Report:
    """A whole run: every scored component plus how the run was made."""

    version: str
    components: list[ComponentResult]
    partial: bool = False
    partial_reason: str = ""
    #: what made the run partial (``None`` for a full run, or a kind this version does not know)
    partial_kind: PartialKind | None = None
    gates_run: bool = True
    #: which gates ran: every gate of the ladder, or what the declared levels need
    gates_mode: GatesMode = GatesMode.ALL
    levels: list[str] = field(default_factory=lambda: list[str]())
    project_root: str = ""
    #: when the report was made (ISO 8601, UTC); "" when not known
    created: str = ""
    #: tests of the session (attributed to a component or not) that failed or errored
    tests_failed: int = 0
    #: the run was made with --tta-maturity-warn-only: components below their level do not fail it
    warn_only: bool = False

    @property
    def run_fails(self) -> bool:
        """Whether the run fails (exit status 1; ``failed`` in the JSON): a test failed, or
        :attr:`levels_fail_run`. :attr:`failing` lists the components below their level."""
        return self.tests_failed > 0 or self.levels_fail_run

    @property
    def levels_fail_run(self) -> bool:
        """Whether the levels fail the run: some component is :attr:`failing` and the run is not warn-only.

        The one place this is decided: :attr:`run_fails` (``check``, ``status``) and the verdict's
        "(warn only)" read it, and so does the plugin's exit status (``pytest_sessionfinish``)."""
        return bool(self.failing) and not self.warn_only

    #: coverage.py's measurement core ("ctrace", "sysmon", "pytrace") and version; "" when not known
    coverage_core: str = ""
    coverage_version: str = ""
    #: how the run recorded whose tests ran each line: "tta-maturity" (its own context labels),
    #: "pytest-cov" (``--cov-context=test``), "" (not recorded)
    coverage_contexts: str = ""
    #: the change new code was judged against (``--tta-maturity-new-code``)
    new_code: NewCodeRun | None = None
    #: the affected run's tests and record (``--tta-maturity-affected``)
    affected: AffectedRun | None = None

    @property
    def promotable(self) -> list[str]:
        """Components holding a higher level than declared (none in a partial run)."""
        if self.partial:
            return []
        return [c.name for c in self.components if self._rank(c.achieved) > self._rank(c.declared)]

    @property
    def below(self) -> list[ComponentResult]:
        """Components below their declared level by a requirement this run judged."""
        return [c for c in self.components if c.meets is False]

    @property
    def meeting(self) -> list[ComponentResult]:
        """Components that achieve their declared level."""
        return [c for c in self.components if c.meets is True]

    @property
    def unjudged(self) -> list[ComponentResult]:
        """Components whose declared level this run did not judge: nothing judged failed, something was not judged."""
        return [c for c in self.components if c.meets is None]

    @property
    def failing(self) -> list[ComponentResult]:
        """Components below their declared level that do not hold a baseline (a list, not a yes/no).

        They fail the run unless it is warn-only; :attr:`run_fails` says whether the run fails."""
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
        made = {"created": self.created} if self.created else {}
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "pytest-tta-maturity", "version": self.version},
            "partial": self.partial,
            "partial_reason": self.partial_reason,
            "partial_kind": self.partial_kind.value if self.partial_kind is not None else "",
            "gates_run": self.gates_run,
            "gates_mode": self.gates_mode.value,
            "tests_failed": self.tests_failed,
            "warn_only": self.warn_only,
            "failed": self.run_fails,
            "levels": list(self.levels),
            "project_root": self.project_root,
            **made,
            **({"coverage_core": self.coverage_core} if self.coverage_core else {}),
            **({"coverage_version": self.coverage_version} if self.coverage_version else {}),
            **({"coverage_contexts": self.coverage_contexts} if self.coverage_contexts else {}),
            **({"new_code": self.new_code.to_dict()} if self.new_code is not None else {}),
            **({"affected": self.affected.to_dict()} if self.affected is not None else {}),
            "summary": {
                "components": len(self.components),
                "meeting": len(self.meeting),
                "below": len(self.below),
                "not_judged": len(self.unjudged),
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
            partial_kind=_known(PartialKind, data.get("partial_kind")),
            gates_run=bool(data.get("gates_run", True)),
            gates_mode=_known(GatesMode, data.get("gates_mode")) or GatesMode.ALL,
            tests_failed=int(data.get("tests_failed", 0)),
            warn_only=bool(data.get("warn_only", False)),
            levels=[str(x) for x in data.get("levels", [])],
            project_root=str(data.get("project_root", "")),
            created=str(data.get("created", "")),
            coverage_core=str(data.get("coverage_core", "")),
            coverage_version=str(data.get("coverage_version", "")),
            coverage_contexts=str(data.get("coverage_contexts", "")),
            new_code=NewCodeRun.from_dict(data["new_code"]) if data.get("new_code") else None,
            affected=AffectedRun.from_dict(data["affected"]) if data.get("affected") else None,
        )


def _known(kind: type[E], value: object) -> E | None:
    """``value`` as a member of the enum ``kind``; ``None`` when it is none (absent, or from another version)."""
    try:
        return kind(value)
    except ValueError:
        return None
