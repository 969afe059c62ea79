"""Helpers shared by the file renderers: cells, labels and counts in one wording."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .._util import number_text
from ..gates.registry import BUILTIN_GATES
from ..model import (
    COVERAGE_SOURCES,
    AffectedRun,
    ComponentResult,
    CoverageFigures,
    CoverageSource,
    GatesMode,
    NewCode,
    NewCodeRun,
    Report,
)
from ..model.results import NO_NEW_CODE, source_name


@functools.cache
def _invalid() -> re.Pattern[str]:
    """What XML 1.0 does not allow (compiled when first used: the pattern takes milliseconds to compile)."""
    return re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


GATE_WORDS = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "skipped": "skipped"}


def clean(text: str) -> str:
    """``text`` with control characters (terminal escapes, NULs) replaced by U+FFFD.

    What remains is valid in XML 1.0 and HTML and shows where something was dropped.
    """
    return _invalid().sub("\ufffd", text)


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


number = number_text
"""``70`` for 70.0, ``72.5`` for 72.5: thresholds as a user writes them (:func:`.._util.number_text`)."""


def gate_text(comp: ComponentResult, gate: str) -> str:
    """A gate's state in words, with the count that matters when it did not pass.

    Every format writes a state this way: ``pass``, ``FAIL (3)``, ``ERROR``,
    ``skipped``; the tests gate adds its counts (``FAIL (0/0 passed)``). Where the
    declared level does not need tests, the counts alone, without a verdict (``0 tests``,
    ``11 passed``, ``10 passed, 1 failed``).
    """
    result = comp.gates.get(gate)
    if result is None:
        return ""
    if gate == "tests":
        counts = comp.tests
        if comp.needed("tests") is False:
            return tests_figure(comp)
        text = f"{counts.passed}/{counts.total} passed"
        return text if result.status == "pass" else f"{GATE_WORDS[result.status]} ({text})"
    if result.status == "fail" and result.findings:
        return f"FAIL ({result.findings})"
    return GATE_WORDS[result.status]


def tests_figure(comp: ComponentResult) -> str:
    """``11 passed``, ``10 passed, 1 failed``, ``0 tests``: the counts of the component's tests, no verdict."""
    t = comp.tests
    counts = [(t.passed, "passed"), (t.failed, "failed"), (t.errors, "errors" if t.errors != 1 else "error")]
    parts = [f"{n} {word}" for n, word in [*counts, (t.skipped, "skipped")] if n]
    return ", ".join(parts) or "0 tests"


def achieved_text(comp: ComponentResult) -> str:
    """The achieved level, with ``?`` when requirements above it were not measured."""
    return comp.achieved if comp.determined else comp.achieved + "?"


def achieved_cell(comp: ComponentResult, escape: Callable[[str], str], below: Callable[[str], str]) -> str:
    """The achieved level as a table cell says it: held by its baseline, ``below`` (the format's emphasis), not judged.

    ``escape`` makes the level safe for the format; ``below`` marks a component below its level.
    """
    achieved = escape(achieved_text(comp))
    if comp.held_by_baseline:
        return f"{achieved} (below, baseline held)"
    if comp.meets is False:
        return below(achieved)
    if comp.meets is None:
        return f"{achieved} (not judged)"
    return achieved


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


def affected_text(run: AffectedRun) -> str:
    """``affected: 14 of 1,463 tests ran; 1,449 from the run of 2026-12-05 10:03 (commit abc1234)``."""
    if run.fallback:
        return f"affected: no test taken from a record ({run.total:,} ran): {run.fallback}"
    made = run.record_created.replace("T", " ")[:16] or "an earlier run"
    commit = f" (commit {run.record_commit[:7]})" if run.record_commit else ""
    return f"affected: {run.ran:,} of {run.total:,} tests ran; {run.taken:,} from the run of {made}{commit}"


def run_notes(report: Report) -> list[str]:
    """Sentences about how the run was made (affected, partial, gates skipped or limited)."""
    notes: list[str] = []
    if report.affected is not None:
        notes.append(as_sentence(affected_text(report.affected)))
    if report.partial:
        reason = f" ({report.partial_reason})" if report.partial_reason else ""
        notes.append(f"Partial run{reason}: coverage is not judged.")
    if not report.gates_run:
        notes.append("Tool gates were not run (--tta-maturity-no-gates): scored on coverage and tests only.")
    elif report.gates_mode == GatesMode.DECLARED:
        notes.append("Only the gates of the declared levels and the level above ran (--tta-maturity-gates=declared).")
    return notes


def status_word(report: Report) -> str:
    """``PASSED`` or ``FAILED``, as pytest's exit status says."""
    return "FAILED" if report.run_fails else "PASSED"


def baseline_text(comp: ComponentResult) -> str:
    """``below staging, baseline held (known 12: lint 12)`` for a component compared with its baseline, else ``""``."""
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


def failing_why(comp: ComponentResult) -> str:
    """Why a failing component fails the run: its blockers, or what is new since its baseline."""
    if comp.baseline is not None:
        return "new since the baseline: " + "; ".join(comp.baseline.problems)
    return "; ".join(b.text for b in comp.blockers)


def not_judged_why(report: Report) -> str:
    """Why a run leaves declared levels unjudged: ``coverage is not judged in a partial run``."""
    reasons: list[str] = []
    if report.partial:
        reasons.append("coverage is not judged in a partial run")
    if not report.gates_run:
        reasons.append("the tool gates were not run")
    return " and ".join(reasons) or "a requirement was not measured"


def verdict_sentence(report: Report) -> str:
    """The run's verdict in one sentence, the same in every format (the terminal's last line included).

    Failed tests first; then how many components meet their declared levels, which are
    below and why, how many this run did not judge, and which hold their baseline.
    """
    failing, unjudged, held = report.failing, report.unjudged, report.held
    total = len(report.components)
    if not failing and not unjudged and not held:
        sentence = f"All {total} components meet their declared levels."
    else:
        parts = [f"{len(report.meeting)} of {total} components meet their declared levels"]
        if failing:
            parts.append(f"{len(failing)} below: " + ", ".join(f"{c.name} ({failing_why(c)})" for c in failing))
        elif unjudged:
            parts.append("0 below")
        if unjudged:
            parts.append(f"{len(unjudged)} not judged ({not_judged_why(report)})")
        if held:
            parts.append(held_sentence(report).removesuffix("."))
        sentence = "; ".join(parts) + "."
        if failing and not report.levels_fail_run:
            sentence += " (warn only)"
    if report.tests_failed:
        plural = "test" if report.tests_failed == 1 else "tests"
        sentence = f"{report.tests_failed} {plural} failed or errored. {sentence}"
    return sentence


def verdict_line(report: Report) -> str:
    """``FAILED: 1 test failed or errored. All 3 components meet their declared levels.``"""
    return f"{status_word(report)}: {verdict_sentence(report)}"


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


def new_code_cell(new: NewCode | None) -> str:
    """New code in a cell: ``75.0% of 8``, ``no new code``, ``not measured``; findings after a comma."""
    if new is None:
        return ""
    if not new.measured:
        text = "not measured"
    elif not new.statements:
        text = NO_NEW_CODE
    else:
        text = f"{new.percent:.{new.precision}f}% of {new.statements}"
    count = new.finding_count
    if count:
        text += f", {count} {'finding' if count == 1 else 'findings'}"
    return text


def new_code_heading(run: NewCodeRun) -> str:
    """``new code since origin/main (merge base 1a2b3c4d): 3 files changed``."""
    files = "file" if run.files == 1 else "files"
    return f"new code since {run.ref} (merge base {run.base[:8]}): {run.files} {files} changed"
