"""The report in Prometheus' text exposition format (version 0.0.4).

Every figure is a gauge labelled by ``component`` (and ``gate``, ``outcome``,
``status`` or ``source`` where it applies). The coverage families without a
``source`` label hold the figures from all tests; the ``coverage_by_source_*``
families hold each source (``all_tests``, ``own_tests``, ``import_only``) that
the run measured. Levels are ordinals: the level's index on the
ladder, listed by ``tta_maturity_level``, so a dashboard can plot them and map
them back to names. Written for node_exporter's textfile collector.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from ..model import COVERAGE_SOURCES, GATE_STATUSES, ComponentResult, CoverageSource, Report
from ._common import gate_names, has_source, level_rank

PREFIX = "tta_maturity_"

Labels = tuple[tuple[str, str], ...]
Sample = tuple[Labels, float]


def escape_label(value: str) -> str:
    """A label value escaped as the exposition format requires (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    """A HELP docstring escaped as the exposition format requires (backslash, newline)."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    """A sample value: integers without a fraction, ``NaN`` and ``+Inf`` spelled as Prometheus does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _family(name: str, help_text: str, samples: Iterable[Sample]) -> list[str]:
    lines = [f"# HELP {PREFIX}{name} {escape_help(help_text)}", f"# TYPE {PREFIX}{name} gauge"]
    for labels, value in samples:
        text = ",".join(f'{key}="{escape_label(val)}"' for key, val in labels)
        lines.append(
            f"{PREFIX}{name}{{{text}}} {format_value(value)}" if text else f"{PREFIX}{name} {format_value(value)}"
        )
    return lines


def render(report: Report) -> str:
    """The whole report as exposition text (ends with a newline)."""
    comps = report.components

    def per_component(get: Callable[[ComponentResult], float]) -> list[Sample]:
        return [((("component", c.name),), float(get(c))) for c in comps]

    lines: list[str] = []
    lines += _family(
        "info", "pytest-tta-maturity version that wrote this report.", [((("version", report.version),), 1)]
    )
    lines += _family(
        "partial", "1 when the run was partial (coverage is then not judged).", [((), float(report.partial))]
    )
    lines += _family(
        "gates_run", "1 when the tool gates were run, 0 under --tta-maturity-no-gates.", [((), float(report.gates_run))]
    )
    lines += _family(
        "run_failed",
        "1 when the run fails (a test failed, or a component is below its level), as pytest's exit status says.",
        [((), float(report.run_fails))],
    )
    lines += _family("tests_failed", "Tests of the session that failed or errored.", [((), float(report.tests_failed))])
    lines += _family(
        "level",
        "Ordinal of each level of the ladder (the values of declared_level and achieved_level).",
        [((("level", name),), float(rank)) for rank, name in enumerate(report.levels)],
    )
    lines += _family("components", "Number of components scored.", [((), float(len(comps)))])
    lines += _family(
        "components_below", "Number of components below their declared level.", [((), float(len(report.below)))]
    )
    lines += _family(
        "components_not_judged",
        "Number of components whose declared level this run did not judge (no meets sample for them).",
        [((), float(len(report.unjudged)))],
    )
    lines += _family(
        "declared_level",
        "Declared level of the component, as an ordinal of tta_maturity_level.",
        per_component(lambda c: level_rank(report, c.declared)),
    )
    lines += _family(
        "achieved_level",
        "Achieved level of the component, as an ordinal of tta_maturity_level.",
        per_component(lambda c: level_rank(report, c.achieved)),
    )
    lines += _family(
        "meets",
        "1 when the component holds its declared level, else 0; absent when this run did not judge it.",
        [((("component", c.name),), float(c.meets)) for c in comps if c.meets is not None],
    )
    lines += _family(
        "achieved_determined",
        "1 when every requirement that could raise the achieved level was measured in this run, else 0.",
        per_component(lambda c: float(c.determined)),
    )
    lines += _family(
        "undetermined_requirements",
        "Requirements above the achieved level that this run did not measure.",
        per_component(lambda c: float(len(c.undetermined))),
    )
    measured = [c for c in comps if c.coverage.measured]
    lines += _family(
        "coverage_percent",
        "Line+branch coverage of the component's files, as coverage report prints it.",
        [((("component", c.name),), c.coverage.percent) for c in measured],
    )
    lines += _family(
        "coverage_threshold_percent",
        "Coverage the component's declared level needs.",
        per_component(lambda c: c.threshold),
    )
    lines += _family(
        "coverage_statements",
        "Statements in the component's files.",
        [((("component", c.name),), float(c.coverage.num_statements)) for c in measured],
    )
    lines += _family(
        "coverage_covered_statements",
        "Statements executed.",
        [((("component", c.name),), float(c.coverage.covered_lines)) for c in measured],
    )
    lines += _family(
        "coverage_branches",
        "Branches in the component's files.",
        [((("component", c.name),), float(c.coverage.num_branches)) for c in measured],
    )
    lines += _family(
        "coverage_covered_branches",
        "Branches taken.",
        [((("component", c.name),), float(c.coverage.covered_branches)) for c in measured],
    )
    lines += _source_families(measured)
    lines += _family(
        "tests",
        "Attributed tests by outcome.",
        [
            ((("component", c.name), ("outcome", outcome)), float(getattr(c.tests, outcome)))
            for c in comps
            for outcome in ("passed", "failed", "skipped", "errors")
        ],
    )
    gates = gate_names(report)
    lines += _family(
        "gate_findings",
        "Findings of the gate in the component's files.",
        [
            ((("component", c.name), ("gate", g)), float(c.gates[g].findings))
            for c in comps
            for g in gates
            if g in c.gates
        ],
    )
    lines += _family(
        "gate_status",
        "1 for the gate's current status (pass, fail, error, skipped), 0 for the others.",
        [
            ((("component", c.name), ("gate", g), ("status", status)), float(c.gates[g].status == status))
            for c in comps
            for g in gates
            if g in c.gates
            for status in GATE_STATUSES
        ],
    )
    compared = [c for c in comps if c.baseline is not None]
    if compared:
        lines += _baseline_families(compared)
    return "\n".join(lines) + "\n"


def _source_families(measured: list[ComponentResult]) -> list[str]:
    """Coverage per source (a ``source`` label), which source is judged, and what other components' tests ran.

    A source the run could not measure has no sample rather than a made-up 0.
    """
    present: list[tuple[ComponentResult, CoverageSource]] = [
        (c, s) for c in measured for s in COVERAGE_SOURCES if has_source(c, s)
    ]

    def figure(c: ComponentResult, source: CoverageSource, attribute: str) -> float:
        figures = c.coverage.source(source)
        return float(getattr(figures, attribute)) if figures is not None else math.nan

    def labels(c: ComponentResult, source: CoverageSource) -> Labels:
        return (("component", c.name), ("source", source))

    lines = _family(
        "coverage_by_source_percent",
        "Line+branch coverage of the component's files by source: all_tests, own_tests (its own tests, "
        "and imports when one ran) and import_only (imports and collection outside any test).",
        [(labels(c, s), figure(c, s, "percent")) for c, s in present],
    )
    lines += _family(
        "coverage_by_source_covered_statements",
        "Statements executed, by source.",
        [(labels(c, s), figure(c, s, "covered_lines")) for c, s in present],
    )
    lines += _family(
        "coverage_by_source_covered_branches",
        "Branches taken, by source.",
        [(labels(c, s), figure(c, s, "covered_branches")) for c, s in present],
    )
    lines += _family(
        "coverage_judged_source",
        "1 for the coverage source the component's level is judged on (coverage_from), 0 for the others.",
        [(labels(c, s), float(c.coverage.judged_on == s)) for c in measured for s in COVERAGE_SOURCES],
    )
    lines += _family(
        "coverage_other_tests_statements",
        "Statements of the component that only another component's tests ran (tests_of; "
        '"(no component)" for tests of none).',
        [
            ((("component", c.name), ("tests_of", other)), float(count))
            for c in measured
            for other, count in sorted(c.coverage.other_tests.items())
        ],
    )
    return lines


def _baseline_families(compared: list[ComponentResult]) -> list[str]:
    """Gauges of the components compared with their baseline: held, known and new findings per gate."""
    lines = _family(
        "baseline_held",
        "1 when a component below its declared level holds its recorded baseline (it does not fail the run), else 0.",
        [((("component", c.name),), float(c.held_by_baseline)) for c in compared],
    )
    lines += _family(
        "baseline_known_findings",
        "Findings of the gate that the baseline knows, in a component below its declared level.",
        [
            ((("component", c.name), ("gate", gate)), float(count))
            for c in compared
            if c.baseline is not None
            for gate, count in sorted(c.baseline.known.items())
        ],
    )
    lines += _family(
        "baseline_new_findings",
        "Findings of the gate beyond the baseline, in a component below its declared level (they fail the run).",
        [
            ((("component", c.name), ("gate", gate)), float(c.baseline.new_counts.get(gate, 0)))
            for c in compared
            if c.baseline is not None
            for gate in sorted(set(c.baseline.known) | set(c.baseline.new_counts))
        ],
    )
    return lines
