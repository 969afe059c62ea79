"""Scoring: the cumulative ladder, per-level and per-component thresholds, blockers."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.gates import GateOutcome
from pytest_tta_maturity.model import (
    Blocker,
    CoverageFigures,
    Finding,
    GateResult,
    GatesMode,
    Outcome,
    Report,
    TestCounts,
)
from pytest_tta_maturity.scoring import coverage_blocker, gate_blocker, gate_results, score

PASSING = TestCounts(passed=3)


def figures(covered: int, statements: int, branches: int = 0, covered_branches: int = 0) -> CoverageFigures:
    units = statements + branches
    raw = 100.0 * (covered + covered_branches) / units if units else 100.0
    return CoverageFigures(round(raw, 2), covered, statements, covered_branches, branches, raw_percent=raw, precision=2)


def all_pass(*names: str) -> dict[str, GateResult]:
    return {g: GateResult("pass") for g in names or ("lint", "format", "types", "security", "docs")}


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MaturityConfig:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.tta-maturity.components.a]
            level = "staging"
            paths = ["a"]
            [tool.tta-maturity.components.b]
            level = "development"
            paths = ["b"]
            coverage = 65
            """
        )
    )
    return load(tmp_path / "pyproject.toml")


def run(
    cfg: MaturityConfig, cov: dict[str, CoverageFigures], gates: dict[str, dict[str, GateResult]], **kw: object
) -> Report:
    tests = kw.pop("tests", {"a": PASSING, "b": PASSING})
    return score(cfg, coverage=cov, tests=tests, gates=gates, version="t", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("covered", "gates", "achieved", "meets"),
    [
        (85, all_pass(), "production", True),
        (75, all_pass(), "staging", True),
        (65, all_pass(), "development", False),
        (50, all_pass(), "experimental", False),
        (85, {**all_pass(), "docs": GateResult("fail", 2)}, "staging", True),
        (85, {**all_pass(), "types": GateResult("fail", 1)}, "development", False),
        (85, {**all_pass(), "lint": GateResult("error", message="boom")}, "experimental", False),
    ],
)
def test_achieved_is_highest_level_with_all_lower_levels(
    cfg: MaturityConfig, covered: int, gates: dict[str, GateResult], achieved: str, meets: bool
) -> None:
    """Component ``a`` declares staging."""
    report = run(cfg, {"a": figures(covered, 100), "b": figures(90, 100)}, {"a": gates, "b": all_pass()})
    assert (report.components[0].achieved, report.components[0].meets) == (achieved, meets)


def test_blockers_say_what_is_missing_and_how_much(cfg: MaturityConfig) -> None:
    report = run(
        cfg,
        {"a": figures(652, 1000), "b": figures(90, 100)},
        {"a": {**all_pass(), "types": GateResult("fail", 3)}, "b": all_pass()},
    )
    a = report.components[0]
    assert not a.meets
    assert [b.text for b in a.blockers] == ["coverage 65.20% < 70% (+4.80 pts, ~48 statements)", "types: 3 errors"]
    coverage, types = a.blockers
    assert (coverage.requirement, coverage.kind, coverage.level) == ("coverage", "coverage", "staging")
    assert (coverage.needed, coverage.measured, coverage.gap, coverage.lines) == (70.0, 65.2, 4.8, 48)
    assert (types.requirement, types.kind, types.findings) == ("types", "findings", 3)
    assert a.undetermined == []
    assert report.below == [a]
    assert report.promotable == ["b"]


def test_component_threshold_override(cfg: MaturityConfig) -> None:
    report = run(cfg, {"a": figures(90, 100), "b": figures(63, 100)}, {"a": all_pass(), "b": all_pass()})
    b = report.components[1]
    assert b.threshold == 65.0
    assert b.achieved == "experimental"
    assert [x.text for x in b.blockers] == ["coverage 63.00% < 65% (+2.00 pts, ~2 statements)"]


def test_tests_gate(cfg: MaturityConfig) -> None:
    cov = {"a": figures(90, 100), "b": figures(90, 100)}
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, tests={"a": TestCounts(passed=1, failed=1)})
    assert [b.text for b in report.components[0].blockers] == ["tests: 1 failed or errored"]
    assert [b.text for b in report.components[1].blockers] == ["tests: no test is attributed to this component"]


def test_every_attributed_test_skipped_is_not_a_pass(cfg: MaturityConfig) -> None:
    cov = {"a": figures(90, 100), "b": figures(90, 100)}
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, tests={"a": TestCounts(skipped=2), "b": PASSING})
    a = report.components[0]
    assert a.gates["tests"].status == "fail"
    assert [b.text for b in a.blockers] == ["tests: every attributed test was skipped"]
    assert (a.achieved, a.meets) == ("experimental", False)


def test_partial_run_does_not_judge_coverage_nor_claim_a_level(cfg: MaturityConfig) -> None:
    cov = {"a": figures(10, 100), "b": figures(10, 100)}
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, partial=True, partial_reason="-k", tests={"a": PASSING})
    a, b = report.components
    assert [c.meets for c in report.components] == [None, None]  # not judged in a partial run, never claimed
    assert [c.achieved for c in report.components] == ["experimental", "experimental"]
    assert [u.text for u in a.undetermined] == ["coverage: partial run (-k)"]
    assert [u.text for u in b.undetermined] == [
        "coverage: partial run (-k)",
        "tests: no attributed test ran in this partial run",
    ]
    assert a.blockers == [] and b.blockers == []
    assert report.promotable == []
    assert b.gates["tests"].status == "skipped"


def test_partial_run_still_judges_the_gates(cfg: MaturityConfig) -> None:
    cov = {"a": figures(90, 100), "b": figures(90, 100)}
    gates = {"a": {**all_pass(), "types": GateResult("fail", 2)}, "b": all_pass()}
    report = run(cfg, cov, gates, partial=True, partial_reason="-k")
    a = report.components[0]
    assert not a.meets
    assert [b.text for b in a.blockers] == ["types: 2 errors"]
    # types is measured and fails: staging is out of reach; development hangs on the unjudged coverage
    assert (a.achieved, [(u.text, u.level) for u in a.undetermined]) == (
        "experimental",
        [("coverage: partial run (-k)", "development")],
    )


def test_no_gates_requires_coverage_and_tests_only_and_claims_no_gated_level(cfg: MaturityConfig) -> None:
    cov = {"a": figures(75, 100), "b": figures(90, 100)}
    gates = gate_results(cfg, cfg.components, {}, {}, no_gates=True)
    report = run(cfg, cov, gates, no_gates=True)
    a, b = report.components
    assert [c.meets for c in report.components] == [None, None]  # the gates were not measured: not claimed
    assert [c.achieved for c in report.components] == ["experimental", "experimental"]
    assert [u.text for u in a.undetermined] == [
        "lint: not run (--tta-maturity-no-gates)",
        "format: not run (--tta-maturity-no-gates)",
        "types: not run (--tta-maturity-no-gates)",
        "security: not run (--tta-maturity-no-gates)",
    ]  # production is out of reach (75% < 80%): docs cannot change the level
    assert [u.requirement for u in b.undetermined] == ["lint", "format", "types", "security", "docs"]
    assert report.promotable == []
    assert not report.gates_run


def test_declared_gates_mode_leaves_higher_levels_undetermined(cfg: MaturityConfig) -> None:
    gates = gate_results(
        cfg, cfg.components, {g: [] for g in ("lint",)}, {"lint": GateOutcome("lint")}, mode="declared"
    )
    b = gates["b"]
    assert b["lint"].status == "pass"
    assert b["docs"].message == "not run (--tta-maturity-gates=declared)"
    report = run(cfg, {"a": figures(90, 100), "b": figures(90, 100)}, gates, gates_mode=GatesMode.DECLARED)
    comp_b = report.components[1]
    assert (comp_b.achieved, comp_b.meets) == ("development", True)
    assert [u.requirement for u in comp_b.undetermined] == ["format", "types", "security", "docs"]
    assert report.promotable == []


def test_unmeasured_coverage_fails_closed(cfg: MaturityConfig) -> None:
    report = run(cfg, {}, {"a": all_pass(), "b": all_pass()})
    assert [b.text for b in report.components[0].blockers] == ["coverage: not measured"]
    assert report.components[0].achieved == "experimental"
    assert [u.text for u in report.components[0].undetermined] == ["coverage: not measured"]


def test_coverage_precision_follows_coverage_py(cfg: MaturityConfig) -> None:
    cov = CoverageFigures(70.0, 6996, 10000, 0, 0, raw_percent=69.96, precision=0)
    report = run(cfg, {"a": cov, "b": figures(90, 100)}, {"a": all_pass(), "b": all_pass()})
    assert report.components[0].meets  # coverage report --fail-under=70 passes 69.96 at precision 0


def test_gate_results_bucket_findings_by_path(cfg: MaturityConfig) -> None:
    findings = [
        Finding("a/x.py", 3, "F401", "unused"),
        Finding("b/y.py", 1, "E501", "long"),
        Finding("c.py", 1, "X", ""),
    ]
    outcomes = {
        "lint": GateOutcome("lint", tool="ruff 0.17", findings=findings),
        "types": GateOutcome("types", error="pyright is not installed; pip install pyright"),
    }
    files = {"lint": [], "types": []}
    results = gate_results(cfg, cfg.components, files, outcomes)
    assert results["a"]["lint"].findings == 1 and results["a"]["lint"].details[0].code == "F401"
    assert results["b"]["lint"].status == "fail"
    # the gate's name is the key of its state: the message does not repeat it
    error = GateResult("error", message="pyright is not installed; pip install pyright")
    assert results["a"]["types"] == error
    assert results["b"]["types"] == error  # staging, the level above b's, needs types: it ran for b too


def test_gates_checked_all_runs_every_gate_over_every_component(cfg: MaturityConfig) -> None:
    every = ["lint", "format", "types", "security", "docs"]
    assert cfg.gates_checked() == {"a": every, "b": every}
    assert cfg.gates_checked(cfg.components[1:]) == {"b": every}


def test_gates_checked_declared_covers_the_declared_and_the_next_level(cfg: MaturityConfig) -> None:
    assert cfg.gates_checked(mode="declared") == {
        "a": ["lint", "format", "types", "security"],
        "b": ["lint", "format", "types", "security"],
    }
    only_b = cfg.gates_checked(cfg.components[1:], "declared")
    assert only_b == {"b": ["lint"]}  # no declared level among the selected needs staging's gates


def test_failed_tests_are_named_and_fail_the_verdict(cfg: MaturityConfig) -> None:
    counts = TestCounts()
    counts.add("tests/test_a.py::test_ok", Outcome.PASSED)
    counts.add("tests/test_a.py::test_bad", Outcome.FAILED)
    counts.add("tests/test_a.py::test_setup", Outcome.ERROR)
    cov = {"a": figures(90, 100), "b": figures(90, 100)}
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, tests={"a": counts, "b": PASSING}, tests_failed=2)
    a = report.components[0]
    assert [(t.nodeid, t.outcome.value) for t in a.tests.details] == [
        ("tests/test_a.py::test_bad", "failed"),
        ("tests/test_a.py::test_setup", "error"),
    ]
    assert report.to_dict()["components"][0]["tests"]["details"] == [
        {"nodeid": "tests/test_a.py::test_bad", "outcome": "failed"},
        {"nodeid": "tests/test_a.py::test_setup", "outcome": "error"},
    ]
    assert report.run_fails
    assert Report.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_warn_only_does_not_fail_but_failed_tests_do(cfg: MaturityConfig) -> None:
    cov = {"a": figures(10, 100), "b": figures(90, 100)}
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, warn_only=True)
    assert report.below and not report.run_fails
    report = run(cfg, cov, {"a": all_pass(), "b": all_pass()}, warn_only=True, tests_failed=1)
    assert report.run_fails


@pytest.mark.parametrize(
    ("name", "result", "text"),
    [
        ("types", GateResult("fail", 1), "types: 1 error"),
        ("lint", GateResult("fail", 5), "lint: 5 findings"),
        ("format", GateResult("fail", 2), "format: 2 files to reformat"),
        ("types", GateResult("error", message="pyright crashed"), "types: error (pyright crashed)"),
        ("licence", GateResult("fail", message="command failed"), "licence: command failed"),
        ("docs", GateResult("skipped", message="not run"), "docs: not run"),
    ],
)
def test_gate_blocker_text(name: str, result: GateResult, text: str) -> None:
    blocker = gate_blocker(name, result, "staging")
    assert blocker.text == text
    assert Blocker.from_dict(blocker.to_dict()) == blocker


def test_coverage_blocker_unmeasured() -> None:
    blocker = coverage_blocker(CoverageFigures.unmeasured(), 60)
    assert (blocker.text, blocker.kind) == ("coverage: not measured", "not_run")


def test_the_coverage_blocker_names_what_it_counts() -> None:
    """coverage.py's percentage is over statements, plus branches when branch coverage is on: so is ``~N``."""
    lines_only = CoverageFigures(50.0, 10, 20, 0, 0, raw_percent=50.0, precision=1)
    with_branches = CoverageFigures(50.0, 8, 16, 2, 4, raw_percent=50.0, precision=1)
    assert coverage_blocker(lines_only, 60.0).text == "coverage 50.0% < 60% (+10.0 pts, ~2 statements)"
    assert coverage_blocker(with_branches, 60.0).text == "coverage 50.0% < 60% (+10.0 pts, ~2 statements or branches)"
    assert coverage_blocker(with_branches, 55.0).text == "coverage 50.0% < 55% (+5.0 pts, ~1 statement or branch)"


def test_judge_scores_compares_with_the_baseline_and_records_the_measurement(cfg: MaturityConfig) -> None:
    from pytest_tta_maturity.baseline.store import Baseline, ComponentBaseline, CoverageRecord
    from pytest_tta_maturity.judge import RunInputs, judge
    from pytest_tta_maturity.model import GatesMode
    from pytest_tta_maturity.partial import Partial, PartialKind

    cov = {"a": figures(80, 100), "b": figures(60, 100)}
    base = Baseline("1", components={"b": ComponentBaseline("development", CoverageRecord(60.0, 40, 100), {})})
    inputs = RunInputs(
        cfg,
        cfg.components,
        coverage=cov,
        tests={"a": PASSING, "b": PASSING},
        gates={"a": all_pass(), "b": all_pass()},
        gates_mode=GatesMode.DECLARED,
        tests_failed=0,
        baseline=base,
        coverage_core="ctrace",
        coverage_version="7.10.3",
        coverage_contexts="tta-maturity",
        created="2026-12-05T18:00:00+00:00",
    )
    report = judge(inputs)
    assert (report.gates_mode, report.partial, report.partial_kind) == (GatesMode.DECLARED, False, None)
    assert (report.coverage_core, report.coverage_version, report.coverage_contexts, report.created) == (
        "ctrace",
        "7.10.3",
        "tta-maturity",
        "2026-12-05T18:00:00+00:00",
    )
    below = report.components[1]
    assert (below.name, below.meets, below.held_by_baseline, report.run_fails) == ("b", False, True, False)
    assert judge(replace(inputs, baseline=None)).run_fails  # without its baseline, b fails the run

    stopped = judge(replace(inputs, partial=Partial(PartialKind.STOPPED, "stopped early: -x")))
    assert (stopped.partial, stopped.partial_kind, stopped.partial_reason) == (True, "stopped", "stopped early: -x")
