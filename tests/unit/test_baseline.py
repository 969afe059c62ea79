"""Baselines: findings by path, code and message; the coverage rule; tightening; the file and its errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pytest_tta_maturity.baseline import store as baseline
from pytest_tta_maturity.baseline import update as baseline_update
from pytest_tta_maturity.baseline.store import Baseline, ComponentBaseline, CoverageRecord, KnownFinding
from pytest_tta_maturity.errors import BaselineError
from pytest_tta_maturity.model import ComponentResult, CoverageFigures, Finding, GateResult, Report, TestCounts

LEVELS = ["experimental", "development", "staging", "production"]
STAGING = ("tests", "lint", "format", "types", "security")


def figures(covered: int, units: int) -> CoverageFigures:
    raw = 100.0 * covered / units if units else 100.0
    return CoverageFigures(round(raw, 2), covered, units, 0, 0, raw_percent=raw, precision=2)


def lint(*findings: tuple[str, int, str, str]) -> GateResult:
    details = [Finding(*f) for f in findings]
    return GateResult("fail" if details else "pass", findings=len(details), details=details, tool="ruff 0.17.6")


def component(
    name: str = "carbon",
    *,
    gates: dict[str, GateResult] | None = None,
    coverage: CoverageFigures | None = None,
    tests: TestCounts | None = None,
    meets: bool = False,
    threshold: float = 70.0,
) -> ComponentResult:
    return ComponentResult(
        name=name,
        declared="staging",
        achieved="staging" if meets else "development",
        meets=meets,
        coverage=coverage or figures(60, 100),
        tests=tests or TestCounts(passed=3),
        gates=gates if gates is not None else {"tests": GateResult("pass"), "lint": lint()},
        blockers=[],
        threshold=threshold,
    )


def report(*components: ComponentResult) -> Report:
    return Report(version="0.1.0", components=list(components), levels=list(LEVELS))


E501 = ("src/x.py", 10, "E501", "Line too long (130 > 120)")
F401 = ("src/x.py", 1, "F401", "`os` imported but unused")


# ---------------------------------------------------------------- the coverage rule


@pytest.mark.parametrize(
    ("now", "base", "dropped"),
    [
        pytest.param((60, 90), (70, 100), False, id="deleting-covered-code-alone"),
        pytest.param((70, 90), (70, 100), False, id="deleting-uncovered-code"),
        pytest.param((75, 100), (70, 100), False, id="covering-more"),
        pytest.param((70, 110), (70, 100), True, id="adding-uncovered-code"),
        pytest.param((79, 110), (70, 100), False, id="adding-code-covered-better-than-the-rest"),
        pytest.param((72, 110), (70, 100), True, id="adding-code-covered-worse-than-the-rest"),
        pytest.param((0, 0), (70, 100), False, id="no-code-left"),
    ],
)
def test_coverage_drop_rule(now: tuple[int, int], base: tuple[int, int], dropped: bool) -> None:
    def record(covered: int, units: int) -> CoverageRecord:
        return CoverageRecord.of(figures(covered, units))

    assert baseline.drops(record(*now), record(*base)) is dropped


def test_twice_the_code_at_the_same_percent_is_not_a_drop() -> None:
    # 140/200 is exactly 70/100: the percentage is compared as a fraction, so it is not lower
    assert not baseline.drops(CoverageRecord(70.0, 60, 200), CoverageRecord(70.0, 30, 100))


# ---------------------------------------------------------------- comparing


def base_of(comp: ComponentResult) -> ComponentBaseline:
    return baseline.snapshot(comp)


def test_findings_are_keyed_by_path_code_and_message_not_line() -> None:
    base = base_of(component(gates={"lint": lint(E501, F401)}))
    moved = component(gates={"lint": lint(("src/x.py", 44, *E501[2:]), ("src/x.py", 3, *F401[2:]))})
    comparison = baseline.compare(base, moved, STAGING)
    assert (comparison.held, comparison.known, comparison.new) == (True, {"lint": 2}, [])


def test_a_second_finding_of_a_known_key_is_new_and_named_with_its_lines() -> None:
    base = base_of(component(gates={"lint": lint(E501)}))
    now = component(gates={"lint": lint(E501, ("src/x.py", 30, *E501[2:]), ("src/y.py", 2, "S101", "Use of assert"))})
    comparison = baseline.compare(base, now, STAGING)
    assert not comparison.held
    assert (comparison.known, comparison.new_counts) == ({"lint": 1}, {"lint": 2})
    assert comparison.problems == [
        "lint: src/x.py:10,30 E501 Line too long (130 > 120) (1 more than the 1 known)",
        "lint: src/y.py:2 S101 Use of assert",
    ]


def test_only_the_gates_the_declared_level_needs_are_compared() -> None:
    base = base_of(component(gates={"lint": lint(), "docs": GateResult("pass")}))
    docs = GateResult("fail", findings=1, details=[Finding("src/x.py", 1, "D103", "Missing docstring")])
    comparison = baseline.compare(base, component(gates={"lint": lint(), "docs": docs}), STAGING)
    assert comparison.held
    assert comparison.known == {"lint": 0}


def test_a_gate_in_error_cannot_hold_and_a_skipped_one_is_not_compared() -> None:
    base = base_of(component())
    gates = {"lint": GateResult("error", message="ruff crashed"), "types": GateResult("skipped")}
    comparison = baseline.compare(base, component(gates=gates), STAGING)
    assert not comparison.held
    assert comparison.problems == ["lint: error, so its findings cannot be compared with the baseline"]


def test_a_failed_test_never_holds() -> None:
    base = base_of(component())
    comparison = baseline.compare(base, component(tests=TestCounts(passed=2, errors=1)), STAGING)
    assert comparison.problems == ["tests: 1 failed or errored test (never baselined)"]


def test_coverage_is_compared_only_below_the_threshold() -> None:
    base = base_of(component(coverage=figures(60, 100)))
    lower = baseline.compare(base, component(coverage=figures(60, 120)), STAGING)
    assert lower.coverage_drop
    assert lower.problems == ["coverage dropped: 60% (40 uncovered) -> 50% (60 uncovered)"]
    above = baseline.compare(base, component(coverage=figures(60, 120), threshold=40.0), STAGING)
    assert above.held


def test_a_failing_gate_without_findings_counts_as_one() -> None:
    custom = GateResult("fail", message="exit status 3")
    base = base_of(component(gates={"lint": lint()}))
    comparison = baseline.compare(base, component(gates={"lint": lint(), "audit": custom}), (*STAGING, "audit"))
    assert comparison.problems == ["audit: failed exit status 3"]
    again = baseline.compare(base_of(component(gates={"audit": custom})), component(gates={"audit": custom}), ["audit"])
    assert again.held


# ---------------------------------------------------------------- the file


def test_the_file_is_sorted_and_stable() -> None:
    comp = component(gates={"lint": lint(F401, E501, E501)})
    first = baseline_update.update_baseline(None, report(comp), {"carbon": STAGING}, version="0.1.0").baseline.dumps()
    comp.gates["lint"].details.reverse()
    second = baseline_update.update_baseline(None, report(comp), {"carbon": STAGING}, version="0.1.0").baseline.dumps()
    assert first == second
    assert json.loads(first) == {
        "schema_version": 1,
        "written_by": {"name": "pytest-tta-maturity", "version": "0.1.0"},
        "tools": {"lint": "ruff 0.17.6"},
        "components": {
            "carbon": {
                "declared": "staging",
                "coverage": {"percent": 60.0, "uncovered": 40, "units": 100},
                "findings": {
                    "lint": [
                        {"path": "src/x.py", "code": "E501", "message": "Line too long (130 > 120)", "count": 2},
                        {"path": "src/x.py", "code": "F401", "message": "`os` imported but unused", "count": 1},
                    ]
                },
            }
        },
        "lowered": [],
    }


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "tta-maturity-baseline.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


GOOD = {"schema_version": 1, "written_by": {"name": "pytest-tta-maturity", "version": "0.1.0"}, "components": {}}
FIX = "restore it from version control, or delete it and run 'tta-maturity baseline' to record it again"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "{", f"not JSON (line 1: Expecting property name enclosed in double quotes); {FIX}", id="not-json"
        ),
        pytest.param("[]", f"not a tta-maturity baseline (no schema_version); {FIX}", id="not-a-baseline"),
        pytest.param(
            {**GOOD, "schema_version": 2},
            "schema_version 2 is not 1, the one pytest-tta-maturity 0.1.0 reads; "
            "delete it and run 'tta-maturity baseline' to record it again",
            id="other-schema",
        ),
        pytest.param(
            {**GOOD, "schema_version": 2, "written_by": {"name": "pytest-tta-maturity", "version": "0.4.0"}},
            "written by pytest-tta-maturity 0.4.0, newer than this 0.1.0; upgrade pytest-tta-maturity to 0.4.0 or later",
            id="newer-writer",
        ),
        pytest.param(
            {**GOOD, "components": {"carbon": {"coverage": None}}},
            f"not a tta-maturity baseline (missing 'declared'); {FIX}",
            id="missing-key",
        ),
    ],
)
def test_bad_files_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: object, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BaselineError) as info:
        baseline.load(write(tmp_path, content), "0.1.0")
    assert str(info.value) == f"tta-maturity-baseline.json: {message}"


def test_load_reads_what_dumps_wrote(tmp_path: Path) -> None:
    comp = component(gates={"lint": lint(E501)})
    written = baseline_update.update_baseline(None, report(comp), {"carbon": STAGING}, version="0.1.0").baseline
    written.lowered.append(baseline.Lowering("2025-01-02", "carbon", ("lint: x",), "legacy"))
    loaded = baseline.load(write(tmp_path, written.dumps()), "0.1.0")
    assert loaded.dumps() == written.dumps()


# ---------------------------------------------------------------- updating


def old_with(lint_counts: dict[tuple[str, str, str], int], coverage: tuple[int, int] = (60, 100)) -> Baseline:
    findings = [KnownFinding(*key, count) for key, count in lint_counts.items()]
    record = CoverageRecord.of(figures(*coverage))
    return Baseline("0.1.0", {}, {"carbon": ComponentBaseline("staging", record, {"lint": findings})})


KEY_E501 = (E501[0], E501[2], E501[3])
KEY_F401 = (F401[0], F401[2], F401[3])


def test_update_tightens_and_drops_fixed_keys() -> None:
    old = old_with({KEY_E501: 2, KEY_F401: 1})
    result = baseline_update.update_baseline(
        old,
        report(component(gates={"lint": lint(E501)}, coverage=figures(65, 100))),
        {"carbon": STAGING},
        version="0.1.0",
    )
    assert result.worse == []
    assert result.changes == [
        "carbon: lint: 3 -> 1 known",
        "carbon: coverage: 60% (40 uncovered) -> 65% (35 uncovered)",
    ]
    entry = result.baseline.components["carbon"]
    assert entry.findings == {"lint": [KnownFinding(*KEY_E501, 1)]}


def test_update_never_records_worse_without_allow_lower() -> None:
    old = old_with({KEY_E501: 1})
    now = report(component(gates={"lint": lint(E501, F401)}, coverage=figures(60, 110)))
    result = baseline_update.update_baseline(old, now, {"carbon": STAGING}, version="0.1.0")
    assert result.worse == [
        "carbon: lint: src/x.py F401 `os` imported but unused: 0 -> 1",
        "carbon: coverage: 60% (40 uncovered) -> 54.55% (50 uncovered)",
    ]
    assert result.baseline.components["carbon"].findings == old.components["carbon"].findings
    lowered = baseline_update.update_baseline(
        old, now, {"carbon": STAGING}, version="0.1.0", allow_lower=True, reason="vendored code", today="2025-03-04"
    )
    assert lowered.baseline.components["carbon"].known() == 2
    assert [entry.to_dict() for entry in lowered.baseline.lowered] == [
        {
            "date": "2025-03-04",
            "component": "carbon",
            "lowered": [
                "lint: src/x.py F401 `os` imported but unused: 0 -> 1",
                "coverage: 60% (40 uncovered) -> 54.55% (50 uncovered)",
            ],
            "reason": "vendored code",
        }
    ]


def test_update_ignores_worse_findings_in_gates_the_level_does_not_need() -> None:
    old = old_with({})
    docs = GateResult("fail", findings=1, details=[Finding("src/x.py", 1, "D103", "Missing docstring")])
    result = baseline_update.update_baseline(
        old, report(component(gates={"lint": lint(), "docs": docs})), {"carbon": STAGING}, version="0.1.0"
    )
    assert (result.worse, result.baseline.components["carbon"].findings) == ([], {"docs": [], "lint": []})


def test_components_that_meet_their_level_leave_and_new_ones_need_allow_lower() -> None:
    old = old_with({KEY_E501: 1})
    now = report(component(meets=True), component("model"))
    result = baseline_update.update_baseline(old, now, {"carbon": STAGING, "model": STAGING}, version="0.1.0")
    assert result.changes == ["carbon: meets staging now, left the baseline"]
    assert result.worse == ["model: not in the baseline yet (below staging, 0 findings, coverage 60% (40 uncovered))"]


# ---------------------------------------------------------------- applying it to a run


def test_apply_compares_only_components_below_their_level() -> None:
    below = component(gates={"lint": lint(E501)})
    meeting = component("model", meets=True, gates={"lint": lint(E501, F401)})
    untracked = component("new")
    run = report(below, meeting, untracked)
    known = baseline_update.update_baseline(
        None, report(component(gates={"lint": lint(E501)}), component("model")), {}, version="0.1.0"
    )
    baseline.apply(run, known.baseline, {"carbon": STAGING, "model": STAGING, "new": STAGING})
    assert below.baseline is not None and below.baseline.held
    assert (meeting.baseline, untracked.baseline) == (None, None)
    assert [c.name for c in run.failing] == ["new"]
    assert [c.name for c in run.held] == ["carbon"]
    assert run.run_fails


def test_a_partial_run_does_not_compare_coverage() -> None:
    base = base_of(component(coverage=figures(60, 100)))
    lower = component(coverage=figures(10, 100))
    assert baseline.compare(base, lower, STAGING, partial=True).held
    assert not baseline.compare(base, lower, STAGING).held


# ---------------------------------------------------------------- a component judged on its own tests


def on_own(all_tests: CoverageFigures, own_tests: CoverageFigures | None, note: str = "") -> CoverageFigures:
    """``all_tests`` judged on own tests, whose figures are ``own_tests`` (``None``: not told apart, ``note`` why)."""
    judged = dataclasses.replace(all_tests, judged_on="own_tests", sources_note=note)
    judged.sources = {"own_tests": own_tests} if own_tests is not None else {}
    return judged


def test_own_tests_coverage_is_recorded_and_the_file_says_so(tmp_path: Path) -> None:
    comp = component(coverage=on_own(figures(90, 100), figures(40, 100)))
    entry = baseline.snapshot(comp)
    assert entry.coverage == CoverageRecord(40.0, 60, 100, "own_tests")
    assert entry.to_dict()["coverage"] == {"percent": 40.0, "uncovered": 60, "units": 100, "coverage_from": "own_tests"}
    plain = baseline.snapshot(component(coverage=figures(60, 100)))
    assert plain.to_dict()["coverage"] == {"percent": 60.0, "uncovered": 40, "units": 100}
    written = baseline_update.update_baseline(None, report(comp), {"carbon": STAGING}, version="0.1.0").baseline
    loaded = baseline.load(write(tmp_path, written.dumps()), "0.1.0")
    assert loaded.components["carbon"].coverage == CoverageRecord(40.0, 60, 100, "own_tests")
    assert baseline_update.describe("carbon", loaded.components["carbon"]) == (
        "carbon: below staging, 0 findings known, own-tests coverage 40% (60 uncovered)"
    )


def test_own_tests_coverage_not_told_apart_cannot_be_recorded() -> None:
    note = "coverage.py's sysmon core does not record contexts (COVERAGE_CORE=ctrace measures them)"
    comp = component(coverage=on_own(figures(90, 100), None, note))
    assert baseline.unrecordable(comp, ()) == [f"carbon: own-tests coverage was not measured ({note})"]
    assert baseline.snapshot(comp).coverage is None
    assert baseline.unrecordable(component(coverage=on_own(figures(90, 100), None)), ()) == [
        "carbon: own-tests coverage was not measured"
    ]


def test_own_tests_coverage_is_compared_on_the_own_figure() -> None:
    base = base_of(component(coverage=on_own(figures(90, 100), figures(40, 100))))
    # All tests' figure rose, own tests' fell: a drop, named as own tests'.
    dropped = baseline.compare(base, component(coverage=on_own(figures(95, 100), figures(30, 100))), STAGING)
    assert dropped.coverage_drop is not None
    assert dropped.coverage_drop.source == "own_tests"
    assert dropped.problems == ["own-tests coverage dropped: 40% (60 uncovered) -> 30% (70 uncovered)"]
    assert dropped.to_dict()["new"]["coverage"]["source"] == "own_tests"
    # Own tests above the threshold: coverage does not keep it below, nothing is compared.
    assert baseline.compare(base, component(coverage=on_own(figures(10, 100), figures(75, 100))), STAGING).held
    assert baseline.compare(base, component(coverage=on_own(figures(10, 100), figures(45, 100))), STAGING).held


def test_a_baseline_recorded_on_another_figure_is_not_compared_across() -> None:
    on_all = base_of(component(coverage=figures(60, 100)))
    now = component(coverage=on_own(figures(90, 100), figures(50, 100)))
    result = baseline.compare(on_all, now, STAGING)
    assert (result.held, result.coverage_drop) == (False, None)
    assert result.unverified == [
        (
            "coverage: the baseline recorded all-tests coverage and coverage_from is now own_tests; "
            "record it again with 'tta-maturity baseline --update'"
        )
    ]
    back = baseline.compare(base_of(now), component(coverage=figures(65, 100)), STAGING)
    assert back.unverified == [
        (
            "coverage: the baseline recorded own-tests coverage and coverage_from is now all_tests; "
            "record it again with 'tta-maturity baseline --update'"
        )
    ]


def test_update_records_the_figure_now_judged() -> None:
    old = old_with({}, coverage=(60, 100))
    now = report(component(coverage=on_own(figures(90, 100), figures(30, 100))))
    result = baseline_update.update_baseline(old, now, {"carbon": STAGING}, version="0.1.0")
    assert result.worse == []
    assert result.changes == [
        (
            "carbon: coverage: recorded on own-tests coverage now (coverage_from = own_tests): "
            "30% (70 uncovered), was all-tests coverage 60% (40 uncovered)"
        )
    ]
    assert result.baseline.components["carbon"].coverage == CoverageRecord(30.0, 70, 100, "own_tests")


@pytest.mark.parametrize("value", ["import_only", "mine", 3])
def test_a_file_with_an_unknown_coverage_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: object) -> None:
    monkeypatch.chdir(tmp_path)
    coverage = {"percent": 40.0, "uncovered": 60, "units": 100, "coverage_from": value}
    content = {**GOOD, "components": {"carbon": {"declared": "staging", "coverage": coverage}}}
    with pytest.raises(BaselineError) as info:
        baseline.load(write(tmp_path, content), "0.1.0")
    assert str(info.value) == (
        f"tta-maturity-baseline.json: not a tta-maturity baseline (coverage_from {json.dumps(value)} of component "
        f"'carbon' is not 'all_tests' or 'own_tests'); {FIX}"
    )
