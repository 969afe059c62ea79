"""Score components against the ladder: achieved level, verdict and blockers."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from coverage.results import should_fail_under

from .bucketing import Bucketer
from .config import ComponentConfig, MaturityConfig
from .ladder import Level
from .model import ComponentResult, CoverageFigures, Finding, GateOutcome, GateResult, Report, TestCounts

NO_GATES_MESSAGE = "not run: --tta-maturity-no-gates"


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
    checked = cfg.gates_checked(components)
    for comp in components:
        needs = [g for g in cfg.ladder.level(comp.level).gates if g != "tests"]
        states: dict[str, GateResult] = {}
        for gate in dict.fromkeys([*needs, *gate_files]):
            outcome = outcomes.get(gate)
            if no_gates:
                states[gate] = GateResult("skipped", message=NO_GATES_MESSAGE)
            elif gate not in checked[comp.name] or outcome is None:
                states[gate] = GateResult("skipped", message="not run: no declared level needs it at this level")
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


def _fmt(number: float) -> str:
    return f"{int(number)}" if number == int(number) else f"{number:g}"


def coverage_blocker(figures: CoverageFigures, needed: float) -> str:
    """``coverage 65.2% < 70% (+4.8 pts, ~12 lines)``."""
    if not figures.measured:
        return f"coverage: not measured ({figures.note})" if figures.note else "coverage: not measured"
    digits = figures.precision
    scale = 10**digits
    gap = math.ceil(round((needed - figures.raw_percent) * scale, 6)) / scale
    lines = max(1, math.ceil(needed * figures.units / 100 - figures.covered_units - 1e-9))
    shown = f"{figures.percent:.{digits}f}"  # as coverage.py displays it
    return f"coverage {shown}% < {_fmt(needed)}% (+{gap:.{digits}f} pts, ~{lines} lines)"


def gate_blocker(name: str, result: GateResult) -> str:
    """``types: 3 errors``, ``lint: error (ruff is not installed; ...)``."""
    if result.status == "error":
        return f"{name}: error ({result.message})" if result.message else f"{name}: error"
    if result.status == "skipped":
        return f"{name}: {result.message or 'not run'}"
    if name == "tests":
        if result.findings:
            return f"tests: {result.findings} failed or errored"
        return f"tests: {result.message}"
    if result.findings == 0:
        return f"{name}: {result.message or 'failed'}"
    noun = {"types": "error", "format": "file to reformat"}.get(name, "finding")
    plural = noun if result.findings == 1 else {"file to reformat": "files to reformat"}.get(noun, noun + "s")
    return f"{name}: {result.findings} {plural}"


def _level_blockers(
    figures: CoverageFigures,
    gates: Mapping[str, GateResult],
    level: Level,
    needed: float,
    *,
    partial: bool,
    no_gates: bool,
) -> list[str]:
    blockers: list[str] = []
    if not partial and (not figures.measured or should_fail_under(figures.raw_percent, needed, figures.precision)):
        blockers.append(coverage_blocker(figures, needed))
    for gate in level.gates:
        if no_gates and gate != "tests":
            continue
        result = gates.get(gate, GateResult("skipped", message="not run"))
        if result.status == "pass" or (gate == "tests" and result.status == "skipped" and partial):
            continue
        blockers.append(gate_blocker(gate, result))
    return blockers


def score_component(
    cfg: MaturityConfig,
    comp: ComponentConfig,
    figures: CoverageFigures,
    counts: TestCounts,
    gates: Mapping[str, GateResult],
    *,
    partial: bool = False,
    no_gates: bool = False,
) -> ComponentResult:
    """Score one component: the highest level it holds with every level below it."""
    all_gates = {"tests": tests_gate(counts, partial=partial), **gates}
    per_level: list[list[str]] = []
    for level in cfg.ladder.levels:
        needed = threshold(comp, cfg, level)
        per_level.append(_level_blockers(figures, all_gates, level, needed, partial=partial, no_gates=no_gates))
    achieved_rank = -1
    for rank, blockers in enumerate(per_level):
        if blockers:
            break
        achieved_rank = rank
    achieved_rank = max(achieved_rank, 0)  # the lowest level has no requirement that can fail
    names = cfg.ladder.names
    declared_rank = cfg.ladder.rank(comp.level)
    meets = achieved_rank >= declared_rank
    # The ladder is cumulative (gates add up, thresholds never go down), so what the
    # declared level misses is everything that stands between the component and it.
    blockers = [] if meets else per_level[declared_rank]
    next_rank = achieved_rank + 1
    next_level = names[next_rank] if next_rank < len(names) else None
    return ComponentResult(
        name=comp.name,
        declared=comp.level,
        achieved=names[achieved_rank],
        meets=meets,
        coverage=figures,
        tests=counts,
        gates=all_gates,
        blockers=blockers,
        threshold=threshold(comp, cfg, cfg.ladder.level(comp.level)),
        next_level=next_level,
        next_blockers=per_level[next_rank] if next_level is not None else [],
    )


def score(
    cfg: MaturityConfig,
    *,
    coverage: Mapping[str, CoverageFigures],
    tests: Mapping[str, TestCounts],
    gates: Mapping[str, Mapping[str, GateResult]],
    partial: bool = False,
    partial_reason: str = "",
    partial_kind: str = "",
    no_gates: bool = False,
    version: str,
    components: Sequence[ComponentConfig] | None = None,
) -> Report:
    """Score every (selected) component and build the run's report."""
    comps = cfg.components if components is None else components
    results = [
        score_component(
            cfg,
            comp,
            coverage.get(comp.name, CoverageFigures.unmeasured()),
            tests.get(comp.name, TestCounts()),
            gates.get(comp.name, {}),
            partial=partial,
            no_gates=no_gates,
        )
        for comp in comps
    ]
    return Report(
        version=version,
        components=results,
        partial=partial,
        partial_reason=partial_reason,
        partial_kind=partial_kind if partial else "",
        gates_run=not no_gates,
        levels=list(cfg.ladder.names),
        project_root=str(cfg.root),
    )
