"""The report as JUnit XML, so that CI pages list each blocker as a failed test.

One ``<testsuite>`` named ``tta-maturity``; per component one ``<testcase>`` per
requirement: ``coverage``, then each gate (``tests`` included). A requirement
that stands between the component and its declared level is a ``<failure>``; a
gate that could not run is an ``<error>``; a requirement not judged (a partial
run, a gate no declared level needs) is ``<skipped>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ComponentResult, Report
from ._common import clean, coverage_text, gate_names, number, ranges_text, status_word, verdict


def escape_text(text: str) -> str:
    """Escape character data."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape an attribute value (for double quotes; newlines kept as character references)."""
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


@dataclass
class _Case:
    component: str
    name: str
    outcome: str  # "pass", "failure", "error", "skipped"
    message: str = ""
    body: str = ""

    def xml(self) -> list[str]:
        head = f'    <testcase classname="{escape_attr("tta-maturity." + self.component)}" name="{escape_attr(self.name)}" time="0"'
        if self.outcome == "pass":
            if not self.body:
                return [head + " />"]
            return [head + ">", f"      <system-out>{escape_text(self.body)}</system-out>", "    </testcase>"]
        kind = self.outcome
        typed = f' type="{escape_attr(self.name)}"' if kind in ("failure", "error") else ""
        inner = f'      <{kind} message="{escape_attr(self.message)}"{typed}'
        inner += f">{escape_text(self.body)}</{kind}>" if self.body else " />"
        return [head + ">", inner, "    </testcase>"]


def _cases(report: Report, comp: ComponentResult) -> list[_Case]:
    by_requirement: dict[str, list[str]] = {}
    for blocker in comp.blockers:
        by_requirement.setdefault(blocker.requirement, []).append(blocker.text)
    cases: list[_Case] = []
    summary = f"{coverage_text(comp)} covered; {comp.declared} needs {number(comp.threshold)}%"
    missing = "\n".join(f"{path}: {ranges_text(lines)}" for path, lines in sorted(comp.coverage.missing_lines.items()))
    if "coverage" in by_requirement:
        body = summary + ("\nmissing lines:\n" + missing if missing else "")
        cases.append(_Case(comp.name, "coverage", "failure", "; ".join(by_requirement["coverage"]), body))
    elif report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        cases.append(_Case(comp.name, "coverage", "skipped", f"partial run{reason}: coverage is not judged"))
    else:
        cases.append(_Case(comp.name, "coverage", "pass", body=summary))
    for gate in gate_names(report):
        result = comp.gates.get(gate)
        if result is None:
            continue
        details = "\n".join(f"{f.path}:{f.line}: {f.code} {f.message}" for f in result.details)
        if gate == "tests":
            t = comp.tests
            counts = f"{t.passed} passed, {t.failed} failed, {t.skipped} skipped, {t.errors} errors"
            details = counts + ("\n" + details if details else "")
        if result.tool:
            details = f"{result.tool}\n{details}" if details else result.tool
        if result.status == "error":
            cases.append(_Case(comp.name, gate, "error", result.message or f"{gate}: error", details))
        elif gate in by_requirement:
            cases.append(_Case(comp.name, gate, "failure", "; ".join(by_requirement[gate]), details))
        elif result.status == "skipped":
            cases.append(_Case(comp.name, gate, "skipped", result.message or "not run"))
        else:
            note = "" if result.status == "pass" else f"{gate}: {result.status}, not needed at {comp.declared}"
            body = "\n".join(x for x in (note, details) if x)
            cases.append(_Case(comp.name, gate, "pass", body=body))
    return cases


def render(report: Report) -> str:
    """The whole report as a JUnit XML document (ends with a newline)."""
    cases = [case for comp in report.components for case in _cases(report, comp)]
    if report.tests_failed:
        # The exit status fails on failed tests even when every component holds its level.
        cases.append(_Case("run", "tests", "failure", verdict(report)))
    count = {kind: sum(1 for c in cases if c.outcome == kind) for kind in ("failure", "error", "skipped")}
    attrs = (
        f'name="tta-maturity" tests="{len(cases)}" failures="{count["failure"]}" '
        f'errors="{count["error"]}" skipped="{count["skipped"]}" time="0"'
    )
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<testsuites {attrs}>", f"  <testsuite {attrs}>"]
    lines.append("    <properties>")
    props = {
        "tta-maturity.version": report.version,
        "tta-maturity.partial": "true" if report.partial else "false",
        "tta-maturity.partial_reason": report.partial_reason,
        "tta-maturity.gates_run": "true" if report.gates_run else "false",
        "tta-maturity.verdict": status_word(report),
        "tta-maturity.tests_failed": str(report.tests_failed),
    }
    lines.extend(
        f'      <property name="{escape_attr(key)}" value="{escape_attr(value)}" />' for key, value in props.items()
    )
    lines.append("    </properties>")
    for case in cases:
        lines.extend(case.xml())
    lines.extend(["  </testsuite>", "</testsuites>", ""])
    return "\n".join(lines)
