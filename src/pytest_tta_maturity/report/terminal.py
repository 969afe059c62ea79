"""The ``tta-maturity`` terminal table: one row per component, then blockers and verdict."""

from __future__ import annotations

from ..model import ComponentResult, Report
from ._common import UNDETERMINED_LEGEND, achieved_text, coverage_text, gate_names, gate_text, undetermined_groups


def coverage_cell(comp: ComponentResult, report: Report) -> str:
    """``84.21%`` (or ``84.21%*`` when the run was partial, ``n/a`` when not measured)."""
    text = coverage_text(comp)
    return text + "*" if report.partial and comp.coverage.measured else text


def table(report: Report) -> list[str]:
    """The rows of the table, columns aligned."""
    gates = gate_names(report)
    header = ["component", "declared", "achieved", "coverage", *gates, "blockers"]
    rows = [header]
    for comp in report.components:
        achieved = achieved_text(comp) if comp.meets else achieved_text(comp) + " !"
        cells = [comp.name, comp.declared, achieved, coverage_cell(comp, report)]
        rows.append([*cells, *(gate_text(comp, g) for g in gates), "; ".join(b.text for b in comp.blockers)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def verdict(report: Report) -> str:
    """One line: every component meets its level, or which do not and why."""
    below = report.below
    if not below:
        return f"tta-maturity: all {len(report.components)} components meet their declared levels"
    parts = [f"{c.name} below {c.declared} ({'; '.join(b.text for b in c.blockers)})" for c in below]
    return "tta-maturity: FAILED: " + ", ".join(parts)


def render(report: Report, *, with_verdict: bool = True) -> list[str]:
    """The whole section: table (blockers in its last column), notes, promotions and the verdict."""
    lines = table(report)
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"* partial run{reason}: coverage is not judged")
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
    for name in report.promotable:
        comp = report.component(name)
        if comp is not None:
            lines.append(f"ready to promote: {name} ({comp.declared} -> {comp.achieved})")
    if with_verdict:
        lines.append(verdict(report))
    return lines
