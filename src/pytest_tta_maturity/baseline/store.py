"""Baselines: what a component below its declared level may keep, so that only new problems block.

Pure logic over :class:`~pytest_tta_maturity.model.Report` data: record a
baseline from a full report, read and write its JSON file, compare a run with it,
and tighten it. Nothing here imports pytest.

**Findings** are keyed by path, code and message, never by line, so code can
move; each key keeps its count. A finding is new when its key has more findings
now than recorded.

**Coverage** is recorded as its percentage and its uncovered units (statements
plus branches, what coverage.py's percentage is taken over). A run *drops*
coverage when it has **more uncovered units and a lower percentage** than
recorded (the percentage compared exactly, as a fraction):

- deleting covered code alone: as many uncovered units, lower percentage: no drop;
- deleting uncovered code, or covering more: fewer uncovered units: no drop;
- adding uncovered code: more uncovered units, lower percentage: a drop;
- adding code covered better than the rest: more uncovered units but a higher
  percentage: no drop (the new code lifts the component).

Coverage is compared only while it is below the declared level's threshold;
above it, coverage is not what keeps the component below its level. It is the
figure the component is judged on (``coverage_from``): a component judged on its
own tests records and compares its own-tests coverage, and the file says so
(``coverage_from``); a record made on another figure is not compared but must be
recorded again (``tta-maturity baseline --update``).

**Tests**: a failed or errored test is never baselined: it always fails the run,
and ``record`` refuses a report that has one in a component below its level.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from .._util import number_text, read_json_document, version_at_least
from ..config import COVERAGE_FROM, MaturityConfig
from ..errors import BaselineError, display_path
from ..measure.coverage_adapter import short_of
from ..model import (
    BaselineResult,
    ComponentResult,
    CoverageDrop,
    CoverageFigures,
    CoverageSource,
    Finding,
    GateResult,
    NewFinding,
    Report,
)
from ..model.results import coverage_label, source_name

SCHEMA_VERSION = 1
TOOL_NAME = "pytest-tta-maturity"
#: The code of the one finding a failing gate without per-file findings (a custom command) stands for.
FAILED_GATE = "failed"

Key = tuple[str, str, str]  # path, code, message


# ---------------------------------------------------------------- the file's data


@dataclass(frozen=True)
class KnownFinding:
    """Findings of one key, how many of them."""

    path: str
    code: str
    message: str
    count: int

    @property
    def key(self) -> Key:
        """Path, code and message: what identifies a finding across runs."""
        return (self.path, self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {"path": self.path, "code": self.code, "message": self.message, "count": self.count}


@dataclass(frozen=True)
class CoverageRecord:
    """A recorded coverage: the percentage as coverage.py displays it, the units behind it, and which figure."""

    percent: float
    uncovered: int
    units: int
    source: CoverageSource = "all_tests"

    @property
    def figure(self) -> str:
        """``all-tests coverage`` or ``own-tests coverage``: what was recorded."""
        return f"{source_name(self.source)} coverage"

    @property
    def covered(self) -> int:
        """Covered statements plus covered branches."""
        return self.units - self.uncovered

    def fraction(self) -> Fraction:
        """The covered fraction, exactly (1 for no code, as coverage.py counts it)."""
        return Fraction(self.covered, self.units) if self.units else Fraction(1)

    @classmethod
    def of(cls, figures: CoverageFigures, source: CoverageSource = "all_tests") -> CoverageRecord:
        """The record of measured figures (``source``: which figure they are)."""
        return cls(figures.percent, figures.units - figures.covered_units, figures.units, source)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data (``coverage_from`` only when not all tests', as files without it mean)."""
        data: dict[str, Any] = {"percent": self.percent, "uncovered": self.uncovered, "units": self.units}
        if self.source != "all_tests":
            data["coverage_from"] = self.source
        return data

    def __str__(self) -> str:
        """``65.22% (32 uncovered)``."""
        return f"{number_text(self.percent)}% ({self.uncovered} uncovered)"


def drops(now: CoverageRecord, base: CoverageRecord) -> bool:
    """Whether ``now`` is a coverage drop from ``base``: more uncovered units *and* a lower percentage."""
    return now.uncovered > base.uncovered and now.fraction() < base.fraction()


@dataclass
class ComponentBaseline:
    """What one component below its level is allowed to keep."""

    declared: str
    coverage: CoverageRecord | None
    findings: dict[str, list[KnownFinding]] = field(default_factory=dict[str, list[KnownFinding]])

    def counts(self, gate: str) -> dict[Key, int]:
        """The recorded count of each key of ``gate``."""
        return {f.key: f.count for f in self.findings.get(gate, [])}

    def known(self) -> int:
        """How many findings are recorded, every gate together."""
        return sum(f.count for items in self.findings.values() for f in items)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data, findings sorted by path, code and message."""
        return {
            "declared": self.declared,
            "coverage": self.coverage.to_dict() if self.coverage is not None else None,
            "findings": {
                gate: [f.to_dict() for f in sorted(items, key=lambda f: f.key)]
                for gate, items in sorted(self.findings.items())
                if items
            },
        }


@dataclass(frozen=True)
class Lowering:
    """A loosening recorded with ``--allow-lower``: when, for which component, what and why."""

    date: str
    component: str
    lowered: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {"date": self.date, "component": self.component, "lowered": list(self.lowered), "reason": self.reason}


@dataclass
class Baseline:
    """The whole file: who wrote it, with which tools, the components and the loosenings so far."""

    version: str
    tools: dict[str, str] = field(default_factory=dict[str, str])
    components: dict[str, ComponentBaseline] = field(default_factory=dict[str, ComponentBaseline])
    lowered: list[Lowering] = field(default_factory=list[Lowering])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe data."""
        return {
            "schema_version": SCHEMA_VERSION,
            "written_by": {"name": TOOL_NAME, "version": self.version},
            "tools": dict(sorted(self.tools.items())),
            "components": {name: comp.to_dict() for name, comp in sorted(self.components.items())},
            "lowered": [entry.to_dict() for entry in self.lowered],
        }

    def dumps(self) -> str:
        """The file's text: sorted, indented, one trailing newline, so that re-runs give the same bytes."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- reading


FIX = "restore it from version control, or delete it and run 'tta-maturity baseline' to record it again"


def load(path: Path, version: str) -> Baseline:
    """Read the baseline at ``path``; anything wrong is one :class:`BaselineError` line naming the file."""
    shown = display_path(path)
    data = read_json_document(
        path,
        BaselineError,
        what="a tta-maturity baseline",
        not_json="not JSON",
        missing="; run 'tta-maturity baseline' to record one",
        fix=f"; {FIX}",
    )
    writer = data.get("written_by")
    written = str(cast(dict[str, Any], writer).get("version", "")) if isinstance(writer, dict) else ""
    if _newer(written, version):
        raise BaselineError(
            f"{shown}: written by {TOOL_NAME} {written}, newer than this {version}; "
            f"upgrade {TOOL_NAME} to {written} or later"
        )
    schema = data.get("schema_version")
    if schema != SCHEMA_VERSION:
        raise BaselineError(
            f"{shown}: schema_version {json.dumps(schema)} is not {SCHEMA_VERSION}, the one {TOOL_NAME} {version} "
            f"reads; delete it and run 'tta-maturity baseline' to record it again"
        )
    try:
        return _from_dict(data, written)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise BaselineError(f"{shown}: not a tta-maturity baseline ({detail}); {FIX}") from None


def _newer(written: str, version: str) -> bool:
    return version_at_least(written, version) and not version_at_least(version, written)


def _from_dict(data: dict[str, Any], written: str) -> Baseline:
    components: dict[str, ComponentBaseline] = {}
    for name, raw in cast(dict[str, Any], data["components"]).items():
        item = cast(dict[str, Any], raw)
        cov = item.get("coverage")
        coverage = None
        if cov is not None:
            cov = cast(dict[str, Any], cov)
            source = cov.get("coverage_from", "all_tests")
            if source not in COVERAGE_FROM:
                raise ValueError(
                    f"coverage_from {json.dumps(source)} of component '{name}' is not 'all_tests' or 'own_tests'"
                )
            coverage = CoverageRecord(float(cov["percent"]), int(cov["uncovered"]), int(cov["units"]), source)
        findings = {
            str(gate): [
                KnownFinding(str(f["path"]), str(f["code"]), str(f["message"]), int(f["count"]))
                for f in cast(list[dict[str, Any]], items)
            ]
            for gate, items in cast(dict[str, Any], item.get("findings", {})).items()
        }
        components[str(name)] = ComponentBaseline(str(item["declared"]), coverage, findings)
    lowered = [
        Lowering(str(e["date"]), str(e["component"]), tuple(str(x) for x in e["lowered"]), str(e["reason"]))
        for e in cast(list[dict[str, Any]], data.get("lowered", []))
    ]
    tools = {str(k): str(v) for k, v in cast(dict[str, Any], data.get("tools", {})).items()}
    return Baseline(written, tools, components, lowered)


# ---------------------------------------------------------------- recording


def finding_counts(result: GateResult, gate: str) -> dict[Key, list[Finding]]:
    """The findings of one gate grouped by key (a failing gate without details counts as one)."""
    grouped: dict[Key, list[Finding]] = {}
    for finding in result.details:
        grouped.setdefault((finding.path, finding.code, finding.message), []).append(finding)
    if result.status == "fail" and not result.details:
        message = result.message or f"the {gate} gate failed"
        grouped[("", FAILED_GATE, message)] = [Finding("", 0, FAILED_GATE, message)]
    return grouped


def snapshot(comp: ComponentResult) -> ComponentBaseline:
    """Everything ``comp`` has now, as a baseline entry (gates in error or skipped are left out)."""
    findings: dict[str, list[KnownFinding]] = {}
    for gate, result in comp.gates.items():
        if gate == "tests" or result.status not in ("pass", "fail"):
            continue
        findings[gate] = [KnownFinding(*key, len(items)) for key, items in finding_counts(result, gate).items()]
    judged = comp.coverage.judged()
    coverage = CoverageRecord.of(judged, comp.coverage.judged_on) if judged.measured else None
    return ComponentBaseline(comp.declared, coverage, findings)


def tools_of(report: Report) -> dict[str, str]:
    """The tool (and version) behind each gate's findings, as the report names them."""
    seen: dict[str, set[str]] = {}
    for comp in report.components:
        for gate, result in comp.gates.items():
            if result.tool:
                seen.setdefault(gate, set()).add(result.tool)
    return {gate: ", ".join(sorted(tools)) for gate, tools in seen.items()}


def unrecordable(comp: ComponentResult, required: Sequence[str]) -> list[str]:
    """Why ``comp`` (below its level) cannot be recorded; empty when it can."""
    reasons: list[str] = []
    failed = comp.tests.failed + comp.tests.errors
    if failed:
        reasons.append(
            f"{comp.name}: {failed} failed or errored test{'' if failed == 1 else 's'}; a failed test is never baselined"
        )
    judged = comp.coverage.judged()
    note = judged.note
    if not judged.measured:
        what = coverage_label(comp.coverage.judged_on)
        reasons.append(f"{comp.name}: {what} was not measured" + (f" ({note})" if note else ""))
    for gate in required:
        result = comp.gates.get(gate)
        if gate == "tests" or result is None:
            continue
        if result.status == "error":
            reasons.append(f"{comp.name}: {gate}: error ({result.message or 'the gate could not run'})")
        elif result.status == "skipped":
            reasons.append(f"{comp.name}: {gate}: not run" + (f" ({result.message})" if result.message else ""))
    return reasons


# ---------------------------------------------------------------- comparing


def coverage_blocks(comp: ComponentResult) -> bool:
    """Whether the judged coverage is below the declared level's threshold (as coverage.py rounds it)."""
    figures = comp.coverage.judged()
    return figures.measured and short_of(figures.raw_percent, comp.threshold, figures.precision)


def compare(
    base: ComponentBaseline, comp: ComponentResult, gates: Iterable[str], *, partial: bool = False
) -> BaselineResult:
    """Compare ``comp`` with its baseline over ``gates`` (those its declared level needs).

    A partial run does not judge coverage, so it is not compared either.
    """
    result = BaselineResult(failed_tests=comp.tests.failed + comp.tests.errors)
    needed = set(gates)
    for gate in sorted(set(base.findings) - needed):
        state = comp.gates.get(gate)
        if state is not None and state.status in ("pass", "fail"):  # measured: what is still there of it
            recorded = base.counts(gate)
            counts = finding_counts(state, gate)
            result.not_needed[gate] = sum(min(recorded.get(key, 0), len(items)) for key, items in counts.items())
    for gate in gates:
        if gate == "tests":
            continue
        state = comp.gates.get(gate)
        if state is None or state.status == "skipped":
            continue  # not judged in this run (--tta-maturity-no-gates): nothing to compare
        if state.status == "error":
            result.unverified.append(f"{gate}: error, so its findings cannot be compared with the baseline")
            continue
        recorded = base.counts(gate)
        result.known[gate] = 0
        for key, items in sorted(finding_counts(state, gate).items()):
            allowed = recorded.get(key, 0)
            result.known[gate] += min(allowed, len(items))
            if len(items) > allowed:
                lines = tuple(sorted(f.line for f in items))
                result.new.append(NewFinding(gate, *key, lines, allowed))
    if not partial and coverage_blocks(comp):
        now = CoverageRecord.of(comp.coverage.judged(), comp.coverage.judged_on)
        if base.coverage is None:
            result.unverified.append("coverage: the baseline has no coverage to compare with")
        elif base.coverage.source != now.source:
            result.unverified.append(
                f"coverage: the baseline recorded {base.coverage.figure} and coverage_from is now "
                f"{now.source}; record it again with 'tta-maturity baseline --update'"
            )
        elif drops(now, base.coverage):
            result.coverage_drop = CoverageDrop(
                now.percent, now.uncovered, base.coverage.percent, base.coverage.uncovered, now.source
            )
        else:
            result.coverage_held = True
    return result


def apply(report: Report, base: Baseline, required: Mapping[str, Sequence[str]]) -> None:
    """Give every component of ``report`` that is below its level and has a baseline entry its comparison.

    ``required`` maps each component to the gates its declared level needs. Components that
    meet their level ignore the baseline.
    """
    for comp in report.components:
        entry = base.components.get(comp.name)
        if comp.meets is not False or entry is None:
            comp.baseline = None
            continue
        comp.baseline = compare(entry, comp, required.get(comp.name, ()), partial=report.partial)


def stale(base: Baseline, declared: Iterable[str]) -> list[str]:
    """The components the baseline names that the configuration no longer declares."""
    names = set(declared)
    return sorted(name for name in base.components if name not in names)


def required_gates(cfg: MaturityConfig) -> dict[str, tuple[str, ...]]:
    """Each declared component's name and the gates its declared level needs."""
    return {c.name: cfg.ladder.level(c.level).gates for c in cfg.components}


def for_config(cfg: MaturityConfig, version: str) -> tuple[Baseline | None, list[str]]:
    """The project's baseline (``None`` when its file does not exist) and warnings about it.

    A file that cannot be used raises :class:`BaselineError`; components it names that the
    configuration no longer declares are a warning (they are ignored).
    """
    path = cfg.baseline_file
    if not path.is_file():
        return None, []
    base = load(path, version)
    gone = stale(base, (c.name for c in cfg.components))
    warnings = [
        f"{display_path(path)}: names component '{name}', which {display_path(cfg.file)} no longer declares; "
        "delete its entry from the file (it is ignored)"
        for name in gone
    ]
    return base, warnings
