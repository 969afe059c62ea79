"""The arithmetic of ``tta-maturity explain``: what stands between a component and a level."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..config import load
from ..errors import MaturityError
from ..model import COVERAGE_SOURCES, Blocker, ComponentResult, CoverageSource, Report
from ..model.results import coverage_label


@dataclass(frozen=True)
class Block:
    """A run of consecutive uncovered lines in one file."""

    path: str
    first: int
    last: int

    @property
    def size(self) -> int:
        """How many lines the block spans."""
        return self.last - self.first + 1

    def __str__(self) -> str:
        """``src/x.py:40-58`` (``src/x.py:12`` for one line)."""
        where = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.path}:{where}"


def uncovered_blocks(missing: dict[str, list[int]]) -> list[Block]:
    """Consecutive missing lines as blocks, largest first (then by file and line)."""
    from ..render._common import line_ranges

    blocks = [Block(path, a, b) for path, lines in missing.items() for a, b in line_ranges(lines)]
    blocks.sort(key=lambda b: (-b.size, b.path, b.first))
    return blocks


def _passes(covered: int, units: int, needed: float, precision: int) -> bool:
    from ..measure.coverage_adapter import short_of

    percent = 100.0 * covered / units if units else 100.0
    return not short_of(percent, needed, precision)


def units_to_cover(comp: ComponentResult, needed: float) -> int:
    """How many more statements or branches to cover so that the judged coverage reaches ``needed`` percent."""
    figures = comp.coverage.judged()
    units, covered = figures.units, figures.covered_units
    if _passes(covered, units, needed, figures.precision):
        return 0
    more = max(0, math.ceil(needed * units / 100 - covered) - 2)
    while covered + more < units and not _passes(covered + more, units, needed, figures.precision):
        more += 1
    return more


def _threshold_for(comp: ComponentResult, level: str, blockers: list[Blocker], pyproject: Path | None) -> float | None:
    if level == comp.declared:
        return comp.threshold
    for blocker in blockers:
        if blocker.requirement == "coverage" and blocker.needed is not None:
            return blocker.needed
    if pyproject is not None:
        try:
            from ..scoring import threshold

            cfg = load(pyproject)
            return threshold(cfg.component(comp.name), cfg, cfg.ladder.level(level))
        except (MaturityError, KeyError, ValueError):
            return None
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def explain_lines(report: Report, comp: ComponentResult, pyproject: Path | None = None, limit: int = 10) -> list[str]:
    """What stands between ``comp`` and its declared level (or, when it holds it, the next one)."""

    lines: list[str] = []
    if comp.meets is False:
        target, blockers = comp.declared, comp.blockers
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}: below its level")
    elif comp.meets is None:
        target, blockers = comp.declared, comp.blockers
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}: not judged in this run")
    elif comp.next_level is None:
        target, blockers = None, []
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}, the top of the ladder")
    else:
        target, blockers = comp.next_level, comp.next_blockers
        lines.append(f"{comp.name}: declared {comp.declared}, holds {comp.achieved}; next level: {comp.next_level}")
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"note: the report is from a partial run{reason}: coverage was not judged")
    base = comp.baseline
    if base is not None:
        if base.held:
            lines.append(f"baseline: held ({base.known_text}): nothing new since it was recorded")
        else:
            lines.append(f"baseline: broken ({base.known_text}); new since it was recorded:")
            lines.extend(f"  - {problem}" for problem in base.problems)
    new_keys = {(n.gate, n.path, n.code, n.message) for n in (base.new if base is not None else [])}
    if target is not None:
        if blockers:
            lines.append(f"blockers for {target}:")
            lines.extend(f"  - {b.text}" for b in blockers)
        elif not comp.undetermined:
            lines.append(f"nothing blocks {target}")
    if comp.undetermined:
        lines.append(f"undetermined (not measured in this run, so {comp.achieved} is all that is proven):")
        lines.extend(f"  - {u.text}" for u in comp.undetermined)
    lines.extend(_new_code_lines(report, comp))
    if comp.tests.details:
        lines.append("failed tests:")
        lines.extend(f"  {t.outcome.value}: {t.nodeid}" for t in comp.tests.details)

    findings = [(gate, result) for gate, result in comp.gates.items() if result.details or result.status == "error"]
    if findings:
        lines.append("findings:")
        for gate, result in findings:
            if result.status == "error":
                lines.append(f"  {gate}: error: {result.message or 'the gate could not run'}")
                continue
            tool = f" ({result.tool})" if result.tool else ""
            new = [f for f in result.details if (gate, f.path, f.code, f.message) in new_keys]
            known = "" if base is None else f", {len(new)} new"
            lines.append(f"  {gate}{tool}: {_plural(result.findings, 'finding')}{known}")
            ordered = new + [f for f in result.details if f not in new]  # new findings first
            for finding in ordered[:50]:
                mark = "new: " if finding in new else ""
                lines.append(f"    {mark}{finding.path}:{finding.line} {finding.code} {finding.message}")
            if len(ordered) > 50:
                lines.append(f"    ... and {len(result.details) - 50} more")

    figures = comp.coverage
    if not figures.measured:
        lines.append("coverage: not measured (run pytest --tta-maturity with pytest-cov installed)")
    else:
        lines.extend(_judged_lines(comp, target, blockers, pyproject))
        lines.extend(_source_lines(comp))
        blocks = uncovered_blocks(figures.missing_lines)
        if blocks:
            total = sum(len(v) for v in figures.missing_lines.values())
            lines.append(f"largest uncovered blocks ({_plural(len(blocks), 'block')}, {_plural(total, 'line')}):")
            width = max(len(str(b)) for b in blocks[:limit])
            for block in blocks[:limit]:
                lines.append(f"  {str(block).ljust(width)}  {_plural(block.size, 'line')}")
            if len(blocks) > limit:
                lines.append(f"  ... and {len(blocks) - limit} smaller blocks")
    return lines


def _new_code_lines(report: Report, comp: ComponentResult) -> list[str]:
    """The change's new code in this component: its uncovered new lines first, then findings on new lines."""
    from ..render._common import new_code_cell, ranges_text

    new = comp.new_code
    if report.new_code is None or new is None:
        return []
    run = report.new_code
    lines = [f"new code since {run.ref} (merge base {run.base[:8]}): {new_code_cell(new)}"]
    if not new.measured and new.note:
        lines.append(f"  not measured: {new.note}")
    if new.missing_lines:
        total = sum(len(v) for v in new.missing_lines.values())
        lines.append(f"  uncovered new lines ({_plural(total, 'line')}):")
        lines.extend(f"    {path}: {ranges_text(found)}" for path, found in sorted(new.missing_lines.items()))
    if new.missing_branches:
        lines.append("  new branches never taken:")
        lines.extend(f"    {path}: {', '.join(arcs)}" for path, arcs in sorted(new.missing_branches.items()))
    for gate, found in sorted(new.findings.items()):
        lines.append(f"  {gate} on new lines: {_plural(len(found), 'finding')}")
        lines.extend(f"    {f.path}:{f.line} {f.code} {f.message}" for f in found)
    return lines


def _judged_lines(
    comp: ComponentResult, target: str | None, blockers: list[Blocker], pyproject: Path | None
) -> list[str]:
    """The figure the level is judged on, and how much more to cover for ``target``."""
    from ..render._common import NOT_RECORDED, number, percent_text

    label = coverage_label(comp.coverage.judged_on)
    judged = comp.coverage.judged()
    if not judged.measured:
        return [f"{label}: not measured: {comp.coverage.sources_note or NOT_RECORDED}"]
    shown = percent_text(judged)
    needed = _threshold_for(comp, target, blockers, pyproject) if target is not None else None
    if needed is None:
        return [f"{label}: {shown}"]
    more = units_to_cover(comp, needed)
    if more == 0:
        return [f"{label}: {shown}, enough for {target} ({number(needed)}%)"]
    what = "statements or branches" if judged.num_branches else "statements"
    return [f"{label}: {shown}; {target} needs {number(needed)}%: cover {more} more {what}"]


def _source_lines(comp: ComponentResult) -> list[str]:
    """The three figures in full (the judged one marked), or why two are absent; then what other tests ran."""
    from ..render._common import (
        JUDGED,
        NOT_RECORDED,
        OTHER_SOURCES,
        SOURCE_WORDS,
        figures_text,
        has_source,
        other_tests,
        sources_absent_text,
        statements_text,
    )

    figures = comp.coverage
    lines: list[str] = []
    shown: list[CoverageSource] = [s for s in COVERAGE_SOURCES if has_source(comp, s)]
    if len(shown) > 1:
        lines.append("coverage by source:")
        width = max(len(SOURCE_WORDS[s]) for s in shown)
        for source in shown:
            found = figures.source(source)
            if found is not None:
                mark = f", {JUDGED}" if source == figures.judged_on else ""
                lines.append(f"  {SOURCE_WORDS[source].ljust(width)}  {figures_text(found)}{mark}")
    if not all(has_source(comp, s) for s in OTHER_SOURCES):
        lines.append(sources_absent_text(figures.sources_note or NOT_RECORDED))
    ran = other_tests(comp)
    if ran:
        total = comp.coverage.other_tests_total
        counted = f" {statements_text(total)}" if total is not None else ""
        lines.append(f"all-tests coverage that only other components' tests give:{counted}")
        width = max(len(name) for name, _ in ran)
        lines.extend(f"  {name.ljust(width)}  {statements_text(count)}" for name, count in ran)
        if total is None or sum(count for _, count in ran) > total:
            lines.append("  (a statement that the tests of several components ran counts for each of them)")
    return lines
