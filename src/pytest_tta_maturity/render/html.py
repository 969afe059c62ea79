"""The report as one self-contained HTML page.

No script, no network: the styles are inline and a Content-Security-Policy
forbids loading anything. One row per component with a bar that shows its
coverage against the threshold of its declared level, the gates, and the
blockers; findings and uncovered lines fold out in ``<details>``.
"""

from __future__ import annotations

import html

from ..model import ComponentResult, CoverageSource, Report
from ._common import (
    GATE_WORDS,
    UNDETERMINED_LEGEND,
    achieved_cell,
    as_sentence,
    baseline_text,
    clean,
    coverage_summary,
    coverage_text,
    gate_names,
    gate_text,
    has_source,
    new_code_cell,
    new_code_heading,
    number,
    ranges_text,
    run_notes,
    sources_absent,
    sources_summary,
    status_word,
    verdict_sentence,
)

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1f24; background: #fff; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
.verdict { font-weight: 600; margin: .5em 0 1em; }
.verdict.pass { color: #1a7f37; } .verdict.fail { color: #cf222e; }
.note { color: #57606a; margin: .2em 0; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #d0d7de; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; white-space: nowrap; }
.below { color: #cf222e; font-weight: 600; }
.st-pass { color: #1a7f37; } .st-FAIL, .st-ERROR { color: #cf222e; font-weight: 600; } .st-skipped { color: #57606a; }
.bar { position: relative; width: 12em; height: 1em; background: #eaeef2; border-radius: 2px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 2px; }
.fill.ok { background: #2da44e; } .fill.short { background: #e5534b; } .fill.unjudged { background: #8c959f; }
.fill.other { background: #afb8c1; } .fill.own { background: #0969da; } .fill.inner { top: 28%; bottom: 28%; }
.sources { display: block; color: #57606a; font-size: .85em; }
.mark { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #1b1f24; }
ul { margin: .2em 0; padding-left: 1.2em; }
code { font: 12px ui-monospace, monospace; }
footer { color: #57606a; font-size: .85em; margin-top: 2em; }
"""


def esc(text: object) -> str:
    """Escape any text for HTML element content or a double-quoted attribute."""
    return html.escape(clean(str(text)), quote=True)


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def bar(comp: ComponentResult, report: Report) -> str:
    """A bar of the coverage with a mark at the declared level's threshold.

    When the report has the own-tests figure, a thinner bar inside shows it over the
    one from all tests. The figure the level is judged on (``data-judged``) is coloured
    by the verdict; the other is neutral. Each fill names its source in ``data-source``.
    """
    if not comp.coverage.measured:
        return '<div class="bar" title="not measured"></div>'
    threshold = _clamp(comp.threshold)
    if report.partial:
        kind = "unjudged"
    else:
        kind = "short" if any(b.requirement == "coverage" for b in comp.blockers) else "ok"
    fills: list[str] = []
    judged = comp.coverage.judged_on
    bars: tuple[tuple[CoverageSource, str], ...] = (("all_tests", ""), ("own_tests", " inner"))
    for source, inner in bars:
        figures = comp.coverage.source(source)
        if figures is None or not has_source(comp, source):
            continue
        neutral = "other" if source == "all_tests" else "own"
        flag = ' data-judged="true"' if source == judged else ""
        fills.append(
            f'<div class="fill {kind if source == judged else neutral}{inner}" data-source="{source}"{flag}'
            f' style="width: {_clamp(figures.percent):.2f}%"></div>'
        )
    label = coverage_summary(comp)
    return (
        f'<div class="bar" role="img" aria-label="{esc(label)}" title="{esc(label)}">'
        + "".join(fills)
        + f'<div class="mark" style="left: {threshold:.2f}%"></div></div>'
    )


def _details(comp: ComponentResult) -> str:
    parts: list[str] = []
    if comp.baseline is not None:
        result = comp.baseline
        parts.append(f'<p class="baseline">{esc(baseline_text(comp))}</p>')
        if result.problems:
            items = "".join(f"<li>{esc(problem)}</li>" for problem in result.problems)
            parts.append(f'<p>new since the baseline:</p><ul class="new">{items}</ul>')
    if comp.blockers:
        items = "".join(f"<li>{esc(b.text)}</li>" for b in comp.blockers)
        parts.append(f"<ul>{items}</ul>")
    elif comp.next_level and comp.next_blockers:
        items = "".join(f"<li>{esc(b.text)}</li>" for b in comp.next_blockers)
        parts.append(f"<details><summary>for {esc(comp.next_level)}</summary><ul>{items}</ul></details>")
    if comp.undetermined:
        items = "".join(f"<li>{esc(u.text)}</li>" for u in comp.undetermined)
        parts.append(f"<details><summary>undetermined ({len(comp.undetermined)})</summary><ul>{items}</ul></details>")
    if comp.tests.details:
        items = "".join(f"<li>{esc(t.outcome.value)}: <code>{esc(t.nodeid)}</code></li>" for t in comp.tests.details)
        parts.append(f"<details><summary>failed tests ({len(comp.tests.details)})</summary><ul>{items}</ul></details>")
    findings = [(gate, f) for gate, result in comp.gates.items() for f in result.details]
    messages = [(gate, r.message) for gate, r in comp.gates.items() if r.status == "error" and r.message]
    if findings or messages:
        items = "".join(f"<li>{esc(gate)}: {esc(message)}</li>" for gate, message in messages)
        items += "".join(
            f"<li><code>{esc(f.path)}:{f.line}</code> {esc(gate)} <code>{esc(f.code)}</code> {esc(f.message)}</li>"
            for gate, f in findings
        )
        parts.append(f"<details><summary>findings ({len(findings)})</summary><ul>{items}</ul></details>")
    new = comp.new_code
    if new is not None:
        items = "".join(
            f"<li><code>{esc(path)}</code>: {esc(ranges_text(lines))}</li>"
            for path, lines in sorted(new.missing_lines.items())
        )
        items += "".join(
            f"<li><code>{esc(f.path)}:{f.line}</code> {esc(gate)} <code>{esc(f.code)}</code> {esc(f.message)}</li>"
            for gate, found in sorted(new.findings.items())
            for f in found
        )
        summary = f"new code: {new_code_cell(new)}"
        parts.append(f'<details class="new-code"><summary>{esc(summary)}</summary><ul>{items}</ul></details>')
    missing = comp.coverage.missing_lines
    if missing:
        items = "".join(
            f"<li><code>{esc(path)}</code>: {esc(ranges_text(lines))}</li>" for path, lines in sorted(missing.items())
        )
        total = sum(len(v) for v in missing.values())
        parts.append(f"<details><summary>uncovered lines ({total})</summary><ul>{items}</ul></details>")
    return "".join(parts)


def _sources_line(comp: ComponentResult) -> str:
    """The own-tests and import-only figures under the coverage, or nothing when the report has none."""
    summary = sources_summary(comp)
    return f'<span class="sources">{esc(summary)}</span>' if summary else ""


def render(report: Report) -> str:
    """The whole report as an HTML document (ends with a newline)."""
    gates = gate_names(report)
    passed = not report.run_fails
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>tta-maturity report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>tta-maturity</h1>",
        f'<p class="verdict {"pass" if passed else "fail"}">{status_word(report)}: {esc(verdict_sentence(report))}</p>',
    ]
    notes = run_notes(report) + [as_sentence(text) for text in sources_absent(report)]
    body = [f'<p class="note">{esc(note)}</p>' for note in notes]
    if report.new_code is not None:
        body.append(f'<p class="note">{esc(new_code_heading(report.new_code))}</p>')
    if any(c.undetermined for c in report.components):
        body.append(f'<p class="note">{esc(UNDETERMINED_LEGEND)}</p>')
    columns = ["component", "declared", "achieved", "coverage", "against threshold", *gates, "blockers"]
    body.append('<table id="components">')
    body.append("<thead><tr>" + "".join(f'<th scope="col">{esc(c)}</th>' for c in columns) + "</tr></thead>")
    body.append("<tbody>")
    for comp in report.components:
        cover = esc(coverage_text(comp)) + ("*" if report.partial and comp.coverage.measured else "")
        achieved = achieved_cell(comp, esc, lambda text: f'<span class="below">{text}</span>')
        cells = [
            f'<th scope="row">{esc(comp.name)}</th>',
            f"<td>{esc(comp.declared)}</td>",
            f"<td>{achieved}</td>",
            f'<td class="num">{cover} / {esc(number(comp.threshold))}%{_sources_line(comp)}</td>',
            f"<td>{bar(comp, report)}</td>",
        ]
        for gate in gates:
            result = comp.gates.get(gate)
            if result is None:
                cells.append("<td></td>")
            else:
                # tests where the declared level does not need them: a figure, not a verdict
                figure = gate == "tests" and comp.needed(gate) is False
                kind = "figure" if figure else GATE_WORDS[result.status]
                cells.append(f'<td class="st-{kind}">{esc(gate_text(comp, gate))}</td>')
        cells.append(f"<td>{_details(comp)}</td>")
        body.append(f'<tr data-component="{esc(comp.name)}">' + "".join(cells) + "</tr>")
    body.append("</tbody></table>")
    if report.promotable:
        items = "".join(
            f"<li>{esc(name)}: {esc(c.declared)} &rarr; {esc(c.achieved)}</li>"
            for name in report.promotable
            if (c := report.component(name)) is not None
        )
        body.append(f"<h2>Ready to promote</h2><ul>{items}</ul>")
    tools = sorted({g.tool for c in report.components for g in c.gates.values() if g.tool})
    footer = f"pytest-tta-maturity {esc(report.version)}" + (f" &middot; {esc(', '.join(tools))}" if tools else "")
    tail = [f"<footer>{footer}</footer>", "</body>", "</html>", ""]
    return "\n".join(head + body + tail)
