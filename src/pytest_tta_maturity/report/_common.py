"""Helpers shared by the file renderers: cells, labels and counts in one wording."""

from __future__ import annotations

import re

from ..model import ComponentResult, Report
from ..model.blockers import threshold_text
from ..registry import BUILTIN_GATES

_INVALID = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

GATE_WORDS = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "skipped": "skipped"}


def clean(text: str) -> str:
    """``text`` with control characters (terminal escapes, NULs) replaced by U+FFFD.

    What remains is valid in XML 1.0 and HTML and shows where something was dropped.
    """
    return _INVALID.sub("\ufffd", text)


def gate_names(report: Report) -> list[str]:
    """Every gate some component has a state for: the built-in ones in ladder order, then the others by name.

    The order does not depend on how a report was stored, so a saved report renders as the run did.
    """
    seen = {name for comp in report.components for name in comp.gates} | {"tests"}
    builtin = [g for g in BUILTIN_GATES if g in seen]
    return builtin + sorted(seen.difference(builtin))


def coverage_text(comp: ComponentResult) -> str:
    """The coverage as coverage.py prints it (``84.21%``), or ``n/a`` when not measured."""
    if not comp.coverage.measured:
        return "n/a"
    return f"{comp.coverage.percent:.{comp.coverage.precision}f}%"


number = threshold_text
"""``70`` for 70.0, ``72.5`` for 72.5: thresholds as a user writes them."""


def gate_text(comp: ComponentResult, gate: str) -> str:
    """A gate's state in words, with the count that matters when it did not pass.

    Every format writes a state this way: ``pass``, ``FAIL (3)``, ``ERROR``,
    ``skipped``; the tests gate adds its counts (``FAIL (0/0 passed)``).
    """
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


def achieved_text(comp: ComponentResult) -> str:
    """The achieved level, with ``?`` when requirements above it were not measured."""
    return comp.achieved if comp.determined else comp.achieved + "?"


UNDETERMINED_LEGEND = "? achieved level undetermined: a requirement above it was not measured in this run"


def undetermined_groups(report: Report) -> list[tuple[str, list[str]]]:
    """``(what was not measured, components)`` pairs, so that one reason shared by all is said once."""
    groups: dict[str, list[str]] = {}
    for comp in report.components:
        if comp.undetermined:
            groups.setdefault(undetermined_text(comp), []).append(comp.name)
    return list(groups.items())


def undetermined_text(comp: ComponentResult) -> str:
    """``lint, format: not run (--tta-maturity-no-gates); coverage: partial run (-k)``: one reason said once."""
    by_reason: dict[str, list[str]] = {}
    for item in comp.undetermined:
        by_reason.setdefault(item.reason, []).append(item.requirement)
    return "; ".join(f"{', '.join(names)}: {reason}" for reason, names in by_reason.items())


def level_rank(report: Report, level: str) -> int:
    """A level's ordinal on the report's ladder (``-1`` when the ladder does not know it)."""
    return report.levels.index(level) if level in report.levels else -1


def run_notes(report: Report) -> list[str]:
    """Sentences about how the run was made (partial, gates skipped or limited)."""
    notes: list[str] = []
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        notes.append(f"Partial run{reason}: coverage is not judged.")
    if not report.gates_run:
        notes.append("Tool gates were not run (--tta-maturity-no-gates): scored on coverage and tests only.")
    elif report.gates_mode == "declared":
        notes.append("Only the gates of the declared levels and the level above ran (--tta-maturity-gates=declared).")
    return notes


def status_word(report: Report) -> str:
    """``PASSED`` or ``FAILED``, as pytest's exit status says."""
    return "FAILED" if report.failed else "PASSED"


def baseline_text(comp: ComponentResult) -> str:
    """``below staging, baseline held (known 12)`` for a component compared with its baseline, else ``""``."""
    if comp.baseline is None:
        return ""
    return f"below {comp.declared}, {comp.baseline.text}"


def held_sentence(report: Report) -> str:
    """``2 below their level hold their baseline: billing, carbon.``, or ``""`` when none does."""
    held = report.held
    if not held:
        return ""
    verb = "holds its" if len(held) == 1 else "hold their"
    return (
        f"{len(held)} below {'its' if len(held) == 1 else 'their'} level {verb} baseline: "
        + ", ".join(c.name for c in held)
        + "."
    )


def verdict(report: Report) -> str:
    """One sentence: failed tests, then whether every component meets its level (or holds its baseline)."""
    failing = report.failing
    total = len(report.components)
    if not failing:
        if report.held:
            meeting = total - len(report.held)
            sentence = f"{meeting} of {total} components meet their declared levels; {held_sentence(report)}"
        else:
            sentence = f"All {total} components meet their declared levels."
    else:
        names = ", ".join(c.name for c in failing)
        sentence = f"{len(failing)} of {total} components below their declared level: {names}."
        if report.held:
            sentence += " " + held_sentence(report)
        if report.warn_only:
            sentence += " (warn only)"
    if report.tests_failed:
        plural = "test" if report.tests_failed == 1 else "tests"
        sentence = f"{report.tests_failed} {plural} failed or errored. {sentence}"
    return sentence


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
