"""The ``tta-maturity`` terminal table: one row per component, then blockers and verdict."""

from __future__ import annotations

from ..model import ComponentResult, CoverageSource, GatesMode, Report
from ..newcode import shown
from ._common import (
    OTHER_SOURCES,
    SOURCE_WORDS,
    UNDETERMINED_LEGEND,
    achieved_text,
    affected_text,
    baseline_text,
    gate_names,
    gate_text,
    new_code_cell,
    new_code_heading,
    shows_sources,
    source_cell,
    sources_absent,
    undetermined_groups,
    verdict_line,
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
    new = ["new code"] if report.new_code is not None else []
    header = ["component", "declared", "achieved", *covers, *new, *gates, "blockers"]
    rows = [header]
    for comp in report.components:
        achieved = achieved_text(comp) + (" !" if comp.failing else "")
        cells = [comp.name, comp.declared, achieved, *(coverage_cell(comp, report, s) for s in sources)]
        if new:
            cells.append(new_code_cell(comp.new_code))
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


def closing_line(report: Report) -> str:
    """The section's closing line: ``tta-maturity: FAILED: `` and the sentence every format writes."""
    return f"tta-maturity: {verdict_line(report)}"


def verdict_goes_last(report: Report) -> bool:
    """Whether the verdict is printed after pytest's own summary: when the run fails or a component is below."""
    return report.run_fails or bool(report.failing)


def render(report: Report, *, with_verdict: bool = True) -> list[str]:
    """The whole section: table (blockers in its last column), notes, promotions and the verdict."""
    lines = table(report)
    if report.affected is not None:
        lines.append(affected_text(report.affected))
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"* partial run{reason}: coverage is not judged")
    lines.extend(sources_absent(report))
    if report.new_code is not None:
        lines.append(new_code_heading(report.new_code))
        for comp in report.components:
            uncovered = comp.new_code.uncovered() if comp.new_code is not None else []
            if uncovered:
                lines.append(f"  {comp.name}: new lines no test ran: {shown(uncovered)}")
    if not report.gates_run:
        lines.append("tool gates skipped (--tta-maturity-no-gates): scored on coverage and tests only")
    elif report.gates_mode == GatesMode.DECLARED:
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
            if result.status == "error" and result.message and comp.meets is not False:
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
        lines.append(closing_line(report))
    return lines
