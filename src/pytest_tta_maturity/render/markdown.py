"""The report as GitHub-flavoured Markdown: a table, the blockers, the promotions.

Suitable for a pull-request comment or a GitHub Actions job summary. Every piece
of text that comes from the run (names, blockers, tool messages) is escaped so
that it cannot break the table or inject markup.
"""

from __future__ import annotations

import re

from ..model import Report
from ._common import (
    OTHER_SOURCES,
    SOURCE_WORDS,
    UNDETERMINED_LEGEND,
    achieved_cell,
    as_sentence,
    clean,
    coverage_text,
    gate_names,
    gate_text,
    new_code_cell,
    new_code_heading,
    number,
    ranges_text,
    run_notes,
    shows_sources,
    source_cell,
    sources_absent,
    status_word,
    undetermined_groups,
    verdict_sentence,
)

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Escape ``text`` for a Markdown table cell or list item (one line, no markup, no HTML)."""
    text = " ".join(clean(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(report: Report) -> str:
    """The whole report as Markdown text (ends with a newline)."""
    gates = gate_names(report)
    lines = ["## tta-maturity", "", f"**{status_word(report)}**: {escape(verdict_sentence(report))}", ""]
    notes = run_notes(report) + [as_sentence(text) for text in sources_absent(report)]
    lines.extend(f"> {escape(note)}" for note in notes)
    if notes:
        lines.append("")
    sources = OTHER_SOURCES if shows_sources(report) else ()
    header = ["component", "declared", "achieved", "coverage", *(SOURCE_WORDS[s] for s in sources), "needs", *gates]
    lines.append(_row([escape(h) for h in header]))
    lines.append(_row(["---", "---", "---", "---:", *("---:" for _ in sources), "---:", *("---" for _ in gates)]))
    for comp in report.components:
        achieved = achieved_cell(comp, escape, lambda text: f"**{text}** (below)")
        star = "\\*" if report.partial and comp.coverage.measured else ""
        cover = coverage_text(comp) + star
        others = [escape(text) + star if (text := source_cell(comp, s)) else "" for s in sources]
        cells = [
            escape(comp.name),
            escape(comp.declared),
            achieved,
            cover,
            *others,
            f"{number(comp.threshold)}%",
            *(escape(gate_text(comp, g)) for g in gates),
        ]
        lines.append(_row(cells))
    if report.below:
        lines.extend(["", "### Blockers", ""])
        for comp in report.below:
            lines.append(f"- **{escape(comp.name)}**: below {escape(comp.declared)}, holds {escape(comp.achieved)}")
            lines.extend(f"  - {escape(blocker.text)}" for blocker in comp.blockers)
    if report.new_code is not None:
        lines.extend(["", "### New code", "", escape(as_sentence(new_code_heading(report.new_code))), ""])
        lines.append(_row(["component", "new statements", "covered", "new code", "files"]))
        lines.append(_row(["---", "---:", "---:", "---", "---"]))
        for comp in report.components:
            new = comp.new_code
            if new is None:
                continue
            files = ", ".join(f"`{clean(path)}`" for path in new.files)
            cells = [escape(comp.name), str(new.statements), str(new.covered), escape(new_code_cell(new)), files]
            lines.append(_row(cells))
        for comp in report.components:
            new = comp.new_code
            if new is None or not (new.missing_lines or new.findings):
                continue
            lines.extend(["", f"**{escape(comp.name)}**:", ""])
            lines.extend(
                f"- `{clean(path)}`: {ranges_text(found)} not run by any test"
                for path, found in sorted(new.missing_lines.items())
            )
            lines.extend(
                f"- `{clean(f.path)}:{f.line}` {escape(gate)} `{clean(f.code)}` {escape(f.message)}"
                for gate, items in sorted(new.findings.items())
                for f in items
            )
    compared = [comp for comp in report.components if comp.baseline is not None]
    if compared:
        lines.extend(["", "### Baseline", "", "| component | baseline | known | new |", "| --- | --- | --- | ---: |"])
        for comp in compared:
            result = comp.baseline
            if result is None:
                continue
            state = "held" if result.held else "**broken**"
            new = sum(result.new_counts.values()) + (1 if result.coverage_drop else 0) + result.failed_tests
            lines.append(_row([escape(comp.name), state, escape(result.known_text), str(new)]))
        for comp in compared:
            if comp.baseline is not None and comp.baseline.problems:
                lines.extend(["", f"New in **{escape(comp.name)}** since the baseline:", ""])
                lines.extend(f"- {escape(problem)}" for problem in comp.baseline.problems)
    groups = undetermined_groups(report)
    if groups:
        lines.extend(["", "### Undetermined", "", escape(UNDETERMINED_LEGEND) + ":", ""])
        lines.extend(f"- **{escape(', '.join(names))}**: {escape(what)}" for what, names in groups)
    failed = [(comp.name, t) for comp in report.components for t in comp.tests.details]
    if failed:
        lines.extend(["", "### Failed tests", ""])
        lines.extend(f"- **{escape(name)}** {escape(t.outcome.value)}: `{clean(t.nodeid)}`" for name, t in failed)
    errors = [
        (comp.name, gate, result.message)
        for comp in report.components
        for gate, result in comp.gates.items()
        if result.status == "error" and result.message
    ]
    if errors:
        lines.extend(["", "### Gate errors", ""])
        lines.extend(f"- **{escape(name)}** {escape(gate)}: {escape(message)}" for name, gate, message in errors)
    if report.promotable:
        lines.extend(["", "### Ready to promote", ""])
        for name in report.promotable:
            comp = report.component(name)
            if comp is not None:
                lines.append(f"- **{escape(name)}**: {escape(comp.declared)} -> {escape(comp.achieved)}")
    tools = sorted({g.tool for c in report.components for g in c.gates.values() if g.tool})
    footer = f"pytest-tta-maturity {escape(report.version)}"
    if tools:
        footer += " · " + escape(", ".join(tools))
    lines.extend(["", f"<sub>{footer}</sub>", ""])
    return "\n".join(lines)
