"""Score components against the ladder: achieved level, verdict and blockers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .bucketing import Bucketer
from .config import ComponentConfig, MaturityConfig
from .ladder import Level
from .measure.coverage_adapter import short_of
from .model import (
    Blocker,
    ComponentResult,
    CoverageFigures,
    Finding,
    GateOutcome,
    GateResult,
    GatesMode,
    NewCode,
    NewCodeRun,
    Report,
    TestCounts,
    Undetermined,
)
from .model.blockers import NEW_CODE_COVERAGE, NEW_CODE_FINDINGS
from .model.results import coverage_label
from .newcode import finding_texts, shown
from .partial import PartialKind

NO_NEW_CODE_OPTION = "not measured (no --tta-maturity-new-code)"

NO_GATES_MESSAGE = "not run (--tta-maturity-no-gates)"
DECLARED_MESSAGE = "not run (--tta-maturity-gates=declared)"


def threshold(comp: ComponentConfig, cfg: MaturityConfig, level: Level) -> float:
    """The coverage a component needs at ``level``.

    A component's own ``coverage`` replaces the threshold of its declared level;
    the levels below never ask for more, the levels above never for less.
    """
    if comp.coverage is None:
        return level.coverage
    declared = cfg.ladder.rank(comp.level)
    rank = cfg.ladder.rank(level.name)
    if rank == declared:
        return comp.coverage
    if rank < declared:
        return min(level.coverage, comp.coverage)
    return max(level.coverage, comp.coverage)


def tests_gate(counts: TestCounts, *, partial: bool) -> GateResult:
    """The ``tests`` gate: at least one attributed test ran, none failed or errored."""
    if counts.failed or counts.errors:
        return GateResult("fail", findings=counts.failed + counts.errors)
    if counts.passed:
        return GateResult("pass")
    if partial:
        return GateResult("skipped", message="no attributed test ran in this partial run")
    if counts.skipped:
        return GateResult("fail", message="every attributed test was skipped")
    return GateResult("fail", message="no test is attributed to this component")


def gate_results(
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig],
    gate_files: Mapping[str, Sequence[object]],
    outcomes: Mapping[str, GateOutcome],
    *,
    no_gates: bool = False,
    mode: str = GatesMode.ALL,
) -> dict[str, dict[str, GateResult]]:
    """Bucket each gate's single outcome into per-component gate states.

    A gate that ran for a component's files is ``pass`` or ``fail`` by the
    findings in those files (or by the command's exit status for gates without
    per-file findings) and ``error`` when the tool could not be measured. A gate
    that did not run on a component's files is ``skipped``.
    """
    bucketer = Bucketer.for_sources(components)
    per_comp: dict[str, dict[str, list[Finding]]] = {c.name: {} for c in components}
    for name, outcome in outcomes.items():
        for finding in outcome.findings or ():
            owner = bucketer.owner(str(cfg.root / finding.path))
            if owner is not None:
                per_comp[owner].setdefault(name, []).append(finding)
    results: dict[str, dict[str, GateResult]] = {}
    checked = cfg.gates_checked(components, mode)
    every = [g for g in cfg.ladder.levels[-1].gates if g != "tests"]
    for comp in components:
        needs = [g for g in cfg.ladder.level(comp.level).gates if g != "tests"]
        states: dict[str, GateResult] = {}
        for gate in dict.fromkeys([*needs, *gate_files, *every]):
            outcome = outcomes.get(gate)
            if no_gates:
                states[gate] = GateResult("skipped", message=NO_GATES_MESSAGE)
            elif gate not in checked[comp.name] or outcome is None:
                states[gate] = GateResult(
                    "skipped", message=DECLARED_MESSAGE if mode == GatesMode.DECLARED else "not run"
                )
            elif outcome.error:
                states[gate] = GateResult("error", message=outcome.error, tool=outcome.tool)
            elif outcome.findings is None:
                status = "pass" if outcome.passed else "fail"
                message = "" if outcome.passed else "command failed"
                states[gate] = GateResult(status, message=message, tool=outcome.tool, cached=outcome.cached)
            else:
                found = sorted(per_comp[comp.name].get(gate, []), key=lambda f: (f.path, f.line, f.code))
                status = "fail" if found else "pass"
                states[gate] = GateResult(status, len(found), found, tool=outcome.tool, cached=outcome.cached)
        results[comp.name] = states
    return results


def coverage_blocker(figures: CoverageFigures, needed: float, level: str = "") -> Blocker:
    """What coverage lacks at a threshold: ``coverage 65.2% < 70% (+4.8 pts, ~12 statements)``.

    ``figures`` are a component's; the blocker is about the figure it is judged on
    (``own-tests coverage 19.4% < 60% (...)`` with ``coverage_from = "own_tests"``).
    """
    source = figures.judged_on
    figures = figures.judged()
    if not figures.measured:
        return Blocker("coverage", "not_run", level, needed=needed, message=figures.note, source=source)
    digits = figures.precision
    scale = 10**digits
    gap = math.ceil(round((needed - figures.raw_percent) * scale, 6)) / scale
    lines = max(1, math.ceil(needed * figures.units / 100 - figures.covered_units - 1e-9))
    return Blocker(
        "coverage",
        "coverage",
        level,
        needed=needed,
        measured=figures.percent,
        precision=digits,
        gap=gap,
        lines=lines,
        source=source,
        branches=bool(figures.num_branches),
    )


def gate_blocker(name: str, result: GateResult, level: str = "") -> Blocker:
    """What a gate that did not pass says: ``types: 3 errors``, ``lint: error (...)``."""
    if result.status == "error":
        return Blocker(name, "error", level, message=result.message)
    if result.status == "skipped":
        return Blocker(name, "not_run", level, message=result.message)
    if result.findings:
        return Blocker(name, "findings", level, findings=result.findings)
    return Blocker(name, "failed", level, message=result.message)


@dataclass(frozen=True)
class _Check:
    """One requirement of one level, as this run saw it.

    ``measured`` is false for what the run could not or did not measure (never
    held); ``judged`` says whether a requirement that is not held counts for the
    verdict (a partial run does not judge coverage; ``--tta-maturity-no-gates``
    does not judge the tool gates; a tool error always counts: fail closed).
    """

    requirement: str
    held: bool
    measured: bool = True
    judged: bool = True
    blocker: Blocker | None = None
    reason: str = ""


def _coverage_check(figures: CoverageFigures, needed: float, level: str, *, partial: str | None) -> _Check | None:
    if needed <= 0:
        return None  # nothing to measure: 0 % is always held
    if partial is not None:
        return _Check("coverage", held=False, measured=False, judged=False, reason=f"partial run ({partial})")
    judged = figures.judged()
    note = judged.note
    if not judged.measured:
        what = (
            "not measured" if figures.judged_on == "all_tests" else f"{coverage_label(figures.judged_on)} not measured"
        )
        reason = f"{what} ({note})" if note else what
        return _Check("coverage", False, False, True, coverage_blocker(figures, needed, level), reason)
    if short_of(judged.raw_percent, needed, judged.precision):
        return _Check("coverage", False, blocker=coverage_blocker(figures, needed, level))
    return _Check("coverage", held=True)


def _gate_check(name: str, result: GateResult | None, level: str, *, partial: bool, no_gates: bool) -> _Check:
    if result is None:
        result = GateResult("skipped", message="not run")
    if result.status == "pass":
        return _Check(name, held=True)
    blocker = gate_blocker(name, result, level)
    if result.status == "fail":
        return _Check(name, False, blocker=blocker)
    if result.status == "error":
        reason = f"error ({result.message})" if result.message else "error"
        return _Check(name, False, measured=False, judged=True, blocker=blocker, reason=reason)
    lenient = (no_gates and name != "tests") or (partial and name == "tests")
    return _Check(name, False, measured=False, judged=not lenient, blocker=blocker, reason=result.message or "not run")


def _new_code_checks(new: NewCode | None, level: Level, *, partial: str | None) -> list[_Check]:
    """The level's new-code requirements, as this run saw them.

    Without a change to compare (no ``--tta-maturity-new-code``) they are not measured and not
    judged; a partial run does not judge new-code coverage (like coverage); no new statement
    holds the coverage requirement ("no new code").
    """
    checks: list[_Check] = []
    needed = level.new_code_coverage
    if needed is not None:
        name = NEW_CODE_COVERAGE
        if new is None:
            checks.append(_Check(name, held=False, measured=False, judged=False, reason=NO_NEW_CODE_OPTION))
        elif partial is not None:
            checks.append(_Check(name, held=False, measured=False, judged=False, reason=f"partial run ({partial})"))
        elif not new.measured:
            blocker = Blocker(name, "not_run", level.name, needed=needed, message=new.note)
            reason = f"not measured ({new.note})" if new.note else "not measured"
            checks.append(_Check(name, False, False, True, blocker, reason))
        elif not new.statements or new.raw_percent is None:
            checks.append(_Check(name, held=True))
        elif short_of(new.raw_percent, needed, new.precision):
            blocker = Blocker(
                name,
                "new_code",
                level.name,
                needed=needed,
                measured=new.percent,
                precision=new.precision,
                message=shown(new.uncovered()),
            )
            checks.append(_Check(name, False, blocker=blocker))
        else:
            checks.append(_Check(name, held=True))
    allowed = level.new_code_findings
    if allowed is not None:
        name = NEW_CODE_FINDINGS
        if new is None:
            checks.append(_Check(name, held=False, measured=False, judged=False, reason=NO_NEW_CODE_OPTION))
        elif new.finding_count > allowed:
            blocker = Blocker(
                name,
                "findings",
                level.name,
                needed=float(allowed),
                findings=new.finding_count,
                message=shown(finding_texts(new)),
            )
            checks.append(_Check(name, False, blocker=blocker))
        else:
            checks.append(_Check(name, held=True))
    return checks


def _level_checks(
    figures: CoverageFigures,
    gates: Mapping[str, GateResult],
    level: Level,
    needed: float,
    *,
    partial: str | None,
    no_gates: bool,
    new_code: NewCode | None = None,
) -> list[_Check]:
    checks: list[_Check] = []
    coverage = _coverage_check(figures, needed, level.name, partial=partial)
    if coverage is not None:
        checks.append(coverage)
    for gate in level.gates:
        checks.append(_gate_check(gate, gates.get(gate), level.name, partial=partial is not None, no_gates=no_gates))
    checks.extend(_new_code_checks(new_code, level, partial=partial))
    return checks


def _undetermined(levels: Sequence[Level], per_level: Sequence[Sequence[_Check]], achieved: int) -> list[Undetermined]:
    """What was not measured between the achieved level and the first level proven out of reach."""
    found: dict[str, Undetermined] = {}
    for rank in range(achieved + 1, len(levels)):
        checks = per_level[rank]
        if any(c.measured and not c.held for c in checks):
            break  # this level is proven out of reach: nothing above it can change the verdict
        for check in checks:
            if not check.measured and check.requirement not in found:
                found[check.requirement] = Undetermined(check.requirement, levels[rank].name, check.reason)
    return list(found.values())


def score_component(
    cfg: MaturityConfig,
    comp: ComponentConfig,
    figures: CoverageFigures,
    counts: TestCounts,
    gates: Mapping[str, GateResult],
    *,
    partial: str | None = None,
    no_gates: bool = False,
) -> ComponentResult:
    """Score one component.

    Its achieved level is the highest level whose requirements, and those of every
    level below, were measured in this run and held. ``partial`` (the reason the run
    was partial) leaves coverage unmeasured; ``no_gates`` leaves the tool gates so.
    Coverage is judged on the figure the component's ``coverage_from`` names, and the
    result's coverage says which (``judged_on``).
    """
    new_code = figures.new_code
    figures = dataclasses.replace(figures, judged_on=comp.coverage_from, new_code=None)
    all_gates = {"tests": tests_gate(counts, partial=partial is not None), **gates}
    levels = cfg.ladder.levels
    per_level = [
        _level_checks(
            figures,
            all_gates,
            level,
            threshold(comp, cfg, level),
            partial=partial,
            no_gates=no_gates,
            new_code=new_code,
        )
        for level in levels
    ]
    achieved = -1
    for rank, checks in enumerate(per_level):
        if not all(c.held for c in checks):
            break
        achieved = rank
    achieved = max(achieved, 0)  # the floor of the ladder
    declared = cfg.ladder.rank(comp.level)
    blockers = [c.blocker for c in per_level[declared] if not c.held and c.judged and c.blocker is not None]
    next_rank = achieved + 1
    next_level = levels[next_rank].name if next_rank < len(levels) else None
    # What the next level lacks that was measured; what was not measured is in ``undetermined``.
    next_blockers = (
        [c.blocker for c in per_level[next_rank] if not c.held and c.measured and c.blocker is not None]
        if next_level is not None
        else []
    )
    # Not claimed either way when no judged requirement failed but one was not judged (a partial run's
    # coverage, the tool gates under --tta-maturity-no-gates): the declared level is then unknown.
    meets: bool | None = False if blockers else (True if achieved >= declared else None)
    return ComponentResult(
        name=comp.name,
        declared=comp.level,
        achieved=levels[achieved].name,
        meets=meets,
        needs=list(cfg.ladder.level(comp.level).gates),
        coverage=figures,
        tests=counts,
        gates=all_gates,
        blockers=blockers,
        threshold=threshold(comp, cfg, cfg.ladder.level(comp.level)),
        next_level=next_level,
        next_blockers=next_blockers,
        undetermined=_undetermined(levels, per_level, achieved),
        new_code=new_code,
    )


def score(
    cfg: MaturityConfig,
    *,
    coverage: Mapping[str, CoverageFigures],
    tests: Mapping[str, TestCounts],
    gates: Mapping[str, Mapping[str, GateResult]],
    partial: bool = False,
    partial_reason: str = "",
    partial_kind: PartialKind | None = None,
    no_gates: bool = False,
    gates_mode: GatesMode = GatesMode.ALL,
    tests_failed: int = 0,
    warn_only: bool = False,
    version: str,
    components: Sequence[ComponentConfig] | None = None,
    new_code: NewCodeRun | None = None,
) -> Report:
    """Score every (selected) component and build the run's report.

    With ``new_code`` (the change compared), each component's figures carry its ``new_code``
    (findings included) and the levels' new-code requirements are judged.
    """
    comps = cfg.components if components is None else components
    results = [
        score_component(
            cfg,
            comp,
            coverage.get(comp.name, CoverageFigures.unmeasured()),
            tests.get(comp.name, TestCounts()),
            gates.get(comp.name, {}),
            partial=(partial_reason or "partial") if partial else None,
            no_gates=no_gates,
        )
        for comp in comps
    ]
    return Report(
        version=version,
        components=results,
        partial=partial,
        partial_reason=partial_reason,
        partial_kind=partial_kind if partial else None,
        gates_run=not no_gates,
        gates_mode=gates_mode,
        tests_failed=tests_failed,
        warn_only=warn_only,
        levels=list(cfg.ladder.names),
        project_root=str(cfg.root),
        new_code=new_code,
    )
