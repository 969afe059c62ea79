"""The ``tta-maturity`` terminal table: one row per component, then blockers and verdict."""

from __future__ import annotations

from ..model import ComponentResult, CoverageSource, Report
from ._common import (
    OTHER_SOURCES,
    SOURCE_WORDS,
    UNDETERMINED_LEGEND,
    achieved_text,
    baseline_text,
    gate_names,
    gate_text,
    shows_sources,
    source_cell,
    sources_absent,
    undetermined_groups,
)


def coverage_cell(comp: ComponentResult, report: Report, source: CoverageSource = "all_tests") -> str:
    """``84.21%`` (``84.21%*`` when the run was partial, ``n/a`` when not measured), or another source's figure.

    Own-tests and import-only cells are empty when the report has no such figure, and say
    ``(judged)`` when the level is judged on them.
    """
    if not comp.coverage.measured:
        return "n/a" if source == "all_tests" else ""
    text = source_cell(comp, source)
    return text + "*" if text and report.partial else text


def table(report: Report) -> list[str]:
    """The rows of the table, columns aligned.

    The own-tests and import-only figures get a column each after the coverage from all
    tests, when the report has them for some component.
    """
    gates = gate_names(report)
    sources: tuple[CoverageSource, ...] = ("all_tests", *OTHER_SOURCES) if shows_sources(report) else ("all_tests",)
    covers = ["coverage", *(SOURCE_WORDS[s] for s in sources[1:])]
    header = ["component", "declared", "achieved", *covers, *gates, "blockers"]
    rows = [header]
    for comp in report.components:
        achieved = achieved_text(comp) + (" !" if comp.failing else "")
        cells = [comp.name, comp.declared, achieved, *(coverage_cell(comp, report, s) for s in sources)]
        rows.append([*cells, *(gate_text(comp, g) for g in gates), _blockers_cell(comp)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _blockers_cell(comp: ComponentResult) -> str:
    """The blockers; for a component compared with its baseline, whether it holds it first."""
    blockers = "; ".join(b.text for b in comp.blockers)
    if comp.baseline is None:
        return blockers
    if comp.baseline.held:
        return baseline_text(comp)
    return f"{baseline_text(comp)}: {blockers}"


def verdict(report: Report) -> str:
    """One line: every component meets its level (or holds its baseline), or which do not and why."""
    failing = report.failing
    total = len(report.components)
    if not failing:
        if report.held:
            names = ", ".join(c.name for c in report.held)
            meeting = total - len(report.held)
            return (
                f"tta-maturity: {meeting} of {total} components meet their declared levels, "
                f"the others hold their baseline ({names})"
            )
        return f"tta-maturity: all {total} components meet their declared levels"
    parts: list[str] = []
    for comp in failing:
        if comp.baseline is not None:
            parts.append(
                f"{comp.name} below {comp.declared}, new since the baseline: {'; '.join(comp.baseline.problems)}"
            )
        else:
            parts.append(f"{comp.name} below {comp.declared} ({'; '.join(b.text for b in comp.blockers)})")
    return "tta-maturity: FAILED: " + ", ".join(parts)


def render(report: Report, *, with_verdict: bool = True) -> list[str]:
    """The whole section: table (blockers in its last column), notes, promotions and the verdict."""
    lines = table(report)
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"* partial run{reason}: coverage is not judged")
    lines.extend(sources_absent(report))
    if not report.gates_run:
        lines.append("tool gates skipped (--tta-maturity-no-gates): scored on coverage and tests only")
    elif report.gates_mode == "declared":
        lines.append("gates of the declared levels and the level above only (--tta-maturity-gates=declared)")
    groups = undetermined_groups(report)
    if groups:
        lines.append(UNDETERMINED_LEGEND + ":")
        lines.extend(f"  {', '.join(names)}: {what}" for what, names in groups)
    tools = sorted({g.tool for c in report.components for g in c.gates.values() if g.tool})
    if report.coverage_core:
        tools.append(
            " ".join(filter(None, ("coverage.py", report.coverage_version))) + f" ({report.coverage_core} core)"
        )
    if tools:
        lines.append("tools: " + ", ".join(tools))
    for comp in report.components:
        for gate, result in comp.gates.items():
            if result.status == "error" and result.message and comp.meets:
                lines.append(f"{comp.name}: {gate}: error ({result.message})")
    for comp in report.components:
        if comp.baseline is not None and not comp.baseline.held:
            lines.append(f"{comp.name}: new since the baseline:")
            lines.extend(f"  - {problem}" for problem in comp.baseline.problems)
    for name in report.promotable:
        comp = report.component(name)
        if comp is not None:
            lines.append(f"ready to promote: {name} ({comp.declared} -> {comp.achieved})")
    if with_verdict:
        lines.append(verdict(report))
    return lines
