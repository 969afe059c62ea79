"""The report as JUnit XML, so that CI pages list each blocker as a failed test.

One ``<testsuite>`` named ``tta-maturity``; per component one ``<testcase>`` per
requirement: ``coverage``, then each gate (``tests`` included). The file agrees
with pytest's exit status: only what fails the run is a ``<failure>`` or an
``<error>``. A requirement that stands between a failing component and its
declared level is a ``<failure>`` (an ``<error>`` when its gate could not run); a
requirement not judged (a partial run, a gate no declared level needs) is
``<skipped>``, and so is a gate error in a gate the declared level does not need.
A component compared with its baseline also has a ``baseline`` case (a
``<failure>`` naming what is new). The blockers of a component that does not fail
the run (it holds its baseline, or the run is ``--tta-maturity-warn-only``) are
``<skipped>`` with the reason; failed tests are a ``run`` case that fails, as pytest does.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree

from ..model import ComponentResult, Report
from ._common import baseline_text, clean, coverage_summary, gate_names, ranges_text, status_word, verdict_sentence

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def _element(parent: ElementTree.Element, tag: str, text: str = "", **attrs: str) -> ElementTree.Element:
    """A child of ``parent`` with ``attrs`` in order and ``text``, characters XML cannot hold replaced."""
    child = ElementTree.SubElement(parent, tag, {key: clean(value) for key, value in attrs.items()})
    if text:
        child.text = clean(text)
    return child


@dataclass
class _Case:
    component: str
    name: str
    outcome: str  # "pass", "failure", "error", "skipped"
    message: str = ""
    body: str = ""

    def add_to(self, suite: ElementTree.Element) -> None:
        case = _element(suite, "testcase", classname="tta-maturity." + self.component, name=self.name, time="0")
        if self.outcome == "pass":
            if self.body:
                _element(case, "system-out", self.body)
        elif self.outcome == "skipped":
            _element(case, "skipped", self.body, message=self.message)
        else:
            _element(case, self.outcome, self.body, message=self.message, type=self.name)


def _cases(report: Report, comp: ComponentResult) -> list[_Case]:
    by_requirement: dict[str, list[str]] = {}
    for blocker in comp.blockers:
        by_requirement.setdefault(blocker.requirement, []).append(blocker.text)
    cases: list[_Case] = []
    if comp.baseline is not None:
        if comp.baseline.held:
            cases.append(_Case(comp.name, "baseline", "pass", body=baseline_text(comp)))
        else:
            problems = "\n".join(comp.baseline.problems)
            cases.append(_Case(comp.name, "baseline", "failure", baseline_text(comp), problems))
    summary = coverage_summary(comp)
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
        if result.status == "error" and gate in by_requirement:
            cases.append(_Case(comp.name, gate, "error", result.message or f"{gate}: error", details))
        elif result.status == "error":
            message = f"{gate}: error ({result.message or 'the gate could not run'}), not needed at {comp.declared}"
            cases.append(_Case(comp.name, gate, "skipped", message, details))
        elif gate in by_requirement:
            cases.append(_Case(comp.name, gate, "failure", "; ".join(by_requirement[gate]), details))
        elif result.status == "skipped":
            cases.append(_Case(comp.name, gate, "skipped", result.message or "not run"))
        else:
            note = "" if result.status == "pass" else f"{gate}: {result.status}, not needed at {comp.declared}"
            body = "\n".join(x for x in (note, details) if x)
            cases.append(_Case(comp.name, gate, "pass", body=body))
    if comp.held_by_baseline or report.warn_only:
        # The component does not fail the run (baseline held, or warn only): its blockers are not failures.
        why = baseline_text(comp) if comp.held_by_baseline else f"below {comp.declared}, warn only"
        for case in cases:
            if case.outcome in ("failure", "error"):
                case.outcome, case.message = "skipped", f"{why}: {case.message}"
    return cases


def render(report: Report) -> str:
    """The whole report as a JUnit XML document (ends with a newline)."""
    cases = [case for comp in report.components for case in _cases(report, comp)]
    if report.tests_failed:
        # The exit status fails on failed tests even when every component holds its level.
        cases.append(_Case("run", "tests", "failure", verdict_sentence(report)))
    count = {kind: sum(1 for c in cases if c.outcome == kind) for kind in ("failure", "error", "skipped")}
    attrs = {
        "name": "tta-maturity",
        "tests": str(len(cases)),
        "failures": str(count["failure"]),
        "errors": str(count["error"]),
        "skipped": str(count["skipped"]),
        "time": "0",
    }
    root = ElementTree.Element("testsuites", attrs)
    suite = _element(root, "testsuite", **attrs)
    properties = _element(suite, "properties")
    props = {
        "tta-maturity.version": report.version,
        "tta-maturity.partial": "true" if report.partial else "false",
        "tta-maturity.partial_reason": report.partial_reason,
        "tta-maturity.gates_run": "true" if report.gates_run else "false",
        "tta-maturity.verdict": status_word(report),
        "tta-maturity.tests_failed": str(report.tests_failed),
    }
    for key, value in props.items():
        _element(properties, "property", name=key, value=value)
    for case in cases:
        case.add_to(suite)
    ElementTree.indent(root, space="  ")
    return DECLARATION + "\n" + ElementTree.tostring(root, encoding="unicode") + "\n"
