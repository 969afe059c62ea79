"""Helpers shared by the file renderers: cells, labels and counts in one wording."""

from __future__ import annotations

import re

from ..model import ComponentResult, GateResult, Report

_INVALID = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

GATE_WORDS = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "skipped": "skipped"}


def clean(text: str) -> str:
    """``text`` with control characters (terminal escapes, NULs) replaced by U+FFFD.

    What remains is valid in XML 1.0 and HTML and shows where something was dropped.
    """
    return _INVALID.sub("\ufffd", text)


def gate_names(report: Report) -> list[str]:
    """Every gate some component has a state for, ``tests`` first, then in order of appearance."""
    seen: dict[str, None] = {"tests": None}
    for comp in report.components:
        for name in comp.gates:
            seen.setdefault(name, None)
    return list(seen)


def coverage_text(comp: ComponentResult) -> str:
    """The coverage as coverage.py prints it (``84.21%``), or ``n/a`` when not measured."""
    if not comp.coverage.measured:
        return "n/a"
    return f"{comp.coverage.percent:.{comp.coverage.precision}f}%"


def number(value: float) -> str:
    """``70`` for 70.0, ``72.5`` for 72.5: thresholds as a user writes them."""
    return str(int(value)) if value == int(value) else f"{value:g}"


def gate_text(comp: ComponentResult, gate: str) -> str:
    """A gate's state in words, with the count that matters when it did not pass."""
    result = comp.gates.get(gate)
    if result is None:
        return ""
    if gate == "tests":
        counts = comp.tests
        text = f"{counts.passed}/{counts.total} passed"
        return text if result.status == "pass" else f"{GATE_WORDS[result.status]} ({text})"
    if result.status == "fail" and result.findings:
        return f"FAIL ({result.findings})"
    return GATE_WORDS[result.status]


def level_rank(report: Report, level: str) -> int:
    """A level's ordinal on the report's ladder (``-1`` when the ladder does not know it)."""
    return report.levels.index(level) if level in report.levels else -1


def blocker_requirement(blocker: str, gates: dict[str, GateResult]) -> str:
    """Which requirement a blocker line is about: ``coverage`` or a gate name."""
    head = blocker.split(":", 1)[0]
    if head in gates and not blocker.startswith("coverage "):
        return head
    return "coverage" if blocker.startswith("coverage") else head


def run_notes(report: Report) -> list[str]:
    """Sentences about how the run was made (partial, gates skipped)."""
    notes: list[str] = []
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        notes.append(f"Partial run{reason}: coverage is not judged.")
    if not report.gates_run:
        notes.append("Tool gates were not run (--tta-maturity-no-gates): scored on coverage and tests only.")
    return notes


def verdict(report: Report) -> str:
    """One sentence: all components meet their levels, or how many do not."""
    below = report.below
    total = len(report.components)
    if not below:
        return f"All {total} components meet their declared levels."
    names = ", ".join(c.name for c in below)
    return f"{len(below)} of {total} components below their declared level: {names}."


def line_ranges(lines: list[int]) -> list[tuple[int, int]]:
    """Consecutive line numbers grouped into ``(first, last)`` ranges, in order."""
    ranges: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        if ranges and ranges[-1][1] + 1 == line:
            ranges[-1] = (ranges[-1][0], line)
        else:
            ranges.append((line, line))
    return ranges


def ranges_text(lines: list[int]) -> str:
    """``3-4, 9, 12-20``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in line_ranges(lines))
