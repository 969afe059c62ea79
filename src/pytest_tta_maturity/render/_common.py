"""Helpers shared by the file renderers: cells, labels and counts in one wording."""

from __future__ import annotations

import re

from ..gates.registry import BUILTIN_GATES
from ..model import COVERAGE_SOURCES, ComponentResult, CoverageFigures, CoverageSource, Report
from ..model.blockers import threshold_text
from ..model.results import source_name

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


def percent_text(figures: CoverageFigures) -> str:
    """A percentage as coverage.py prints it (``84.21%``), or ``n/a`` when not measured."""
    if not figures.measured:
        return "n/a"
    return f"{figures.percent:.{figures.precision}f}%"


def coverage_text(comp: ComponentResult) -> str:
    """The coverage from all tests as coverage.py prints it (``84.21%``), or ``n/a`` when not measured."""
    return percent_text(comp.coverage)


#: Each source of coverage in words, as every format names it.
SOURCE_WORDS: dict[CoverageSource, str] = {
    "all_tests": "all tests",
    "own_tests": "own tests",
    "import_only": "imports alone",
}
#: The figures beside the one from all tests, in the order every format shows them.
OTHER_SOURCES: tuple[CoverageSource, ...] = tuple(s for s in COVERAGE_SOURCES if s != "all_tests")
#: Why a report has no own-tests and import-only figures when it does not say (a report from before 0.2).
NOT_RECORDED = "not recorded in this report"
JUDGED = "judged"


def has_source(comp: ComponentResult, source: CoverageSource) -> bool:
    """Whether the report holds a measured figure of ``source`` for ``comp``."""
    figures = comp.coverage.source(source)
    return comp.coverage.measured and figures is not None and figures.measured


def shows_sources(report: Report) -> bool:
    """Whether some component has own-tests or import-only figures (formats show their columns then)."""
    return any(has_source(c, s) for c in report.components for s in OTHER_SOURCES)


def judged_elsewhere(comp: ComponentResult) -> bool:
    """Whether the level is judged on another figure than the one from all tests."""
    return comp.coverage.judged_on != "all_tests"


def source_cell(comp: ComponentResult, source: CoverageSource) -> str:
    """``19.40%``, ``19.40% (judged)`` when the level is judged on it, ``""`` when the report has no such figure.

    The all-tests figure is never marked: it is the one judged unless another one says so.
    """
    figures = comp.coverage.source(source)
    if figures is None or not has_source(comp, source):
        return ""
    text = percent_text(figures)
    if source != "all_tests" and comp.coverage.judged_on == source:
        text += f" ({JUDGED})"
    return text


def sources_summary(comp: ComponentResult) -> str:
    """``own tests 19.40% (judged), imports alone 12.00%``: the figures beside all tests', ``""`` when absent."""
    return ", ".join(f"{SOURCE_WORDS[s]} {source_cell(comp, s)}" for s in OTHER_SOURCES if has_source(comp, s))


def coverage_summary(comp: ComponentResult) -> str:
    """``84.21% covered; staging needs 70%``, with the other sources when the report has them:
    ``84.21% covered by all tests; own tests 19.40% (judged), imports alone 12.00%; staging needs 70%``."""
    needs = f"{comp.declared} needs {number(comp.threshold)}%"
    others = sources_summary(comp)
    if not others:
        return f"{coverage_text(comp)} covered; {needs}"
    return f"{coverage_text(comp)} covered by {SOURCE_WORDS['all_tests']}; {others}; {needs}"


def figures_text(figures: CoverageFigures) -> str:
    """``84.21% (160/190 statements, 10/20 branches)``: one figure in full (branches when there are some)."""
    counts = f"{figures.covered_lines}/{figures.num_statements} statements"
    if figures.num_branches:
        counts += f", {figures.covered_branches}/{figures.num_branches} branches"
    return f"{percent_text(figures)} ({counts})"


def sources_absent_text(reason: str, names: list[str] | None = None) -> str:
    """``own-tests and import-only coverage not measured: REASON`` (``for a, b`` when not every component)."""
    which = " and ".join(source_name(s) for s in OTHER_SOURCES)
    where = f" for {', '.join(names)}" if names else ""
    return f"{which} coverage not measured{where}: {reason}"


def sources_absent(report: Report) -> list[str]:
    """Why components with coverage have no own-tests or import-only figure: one sentence per reason.

    A reason shared by every component with coverage is said once without names.
    """
    measured = [c for c in report.components if c.coverage.measured]
    groups: dict[str, list[str]] = {}
    for comp in measured:
        if not all(has_source(comp, s) for s in OTHER_SOURCES):
            groups.setdefault(comp.coverage.sources_note or NOT_RECORDED, []).append(comp.name)
    every = len(groups) == 1 and len(next(iter(groups.values()))) == len(measured)
    return [sources_absent_text(reason, None if every else names) for reason, names in groups.items()]


def as_sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop, for the formats that write notes as sentences."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def other_tests(comp: ComponentResult) -> list[tuple[str, int]]:
    """``(component, statements)``: what only another component's tests ran of ``comp``, largest first."""
    return sorted(comp.coverage.other_tests.items(), key=lambda item: (-item[1], item[0]))


def statements_text(count: int) -> str:
    """``1 statement``, ``12 statements``."""
    return f"{count} statement" if count == 1 else f"{count} statements"


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
