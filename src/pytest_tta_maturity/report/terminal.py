"""The ``tta-maturity`` terminal table: one row per component, then blockers and verdict."""

from __future__ import annotations

from ..model import ComponentResult, Report
from ._common import coverage_text, gate_names

STATE = {"pass": "ok", "fail": "FAIL", "error": "ERROR", "skipped": "-"}


def coverage_cell(comp: ComponentResult, report: Report) -> str:
    """``84.21%`` (or ``84.21%*`` when the run was partial, ``n/a`` when not measured)."""
    text = coverage_text(comp)
    return text + "*" if report.partial and comp.coverage.measured else text


def gate_cell(comp: ComponentResult, gate: str) -> str:
    """A gate's state, with its count when it failed."""
    result = comp.gates.get(gate)
    if result is None:
        return ""
    if gate == "tests":
        t = comp.tests
        cell = f"{t.passed}/{t.total}"
        return cell + " FAIL" if t.failed or t.errors else cell
    if result.status == "fail" and result.findings:
        return f"FAIL({result.findings})"
    return STATE[result.status]


def table(report: Report) -> list[str]:
    """The rows of the table, columns aligned."""
    gates = gate_names(report)
    header = ["component", "declared", "achieved", "coverage", *gates, "blockers"]
    rows = [header]
    for comp in report.components:
        achieved = comp.achieved if comp.meets else comp.achieved + " !"
        cells = [comp.name, comp.declared, achieved, coverage_cell(comp, report)]
        rows.append([*cells, *(gate_cell(comp, g) for g in gates), "; ".join(comp.blockers)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def verdict(report: Report) -> str:
    """One line: every component meets its level, or which do not and why."""
    below = report.below
    if not below:
        return f"tta-maturity: all {len(report.components)} components meet their declared levels"
    parts = [f"{c.name} below {c.declared} ({'; '.join(c.blockers)})" for c in below]
    return "tta-maturity: FAILED: " + ", ".join(parts)


def render(report: Report, *, with_verdict: bool = True) -> list[str]:
    """The whole section: table (blockers in its last column), notes, promotions and the verdict."""
    lines = table(report)
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        lines.append(f"* partial run{reason}: coverage is not judged")
    if not report.gates_run:
        lines.append("tool gates skipped (--tta-maturity-no-gates): scored on coverage and tests only")
    tools = sorted({g.tool for c in report.components for g in c.gates.values() if g.tool})
    if tools:
        lines.append("tools: " + ", ".join(tools))
    if report.coverage_core:
        tool = " ".join(filter(None, ("coverage.py", report.coverage_version)))
        lines.append(f"coverage measured by {tool} ({report.coverage_core} core)")
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
