"""The baseline comparison's branches, each pinned by an exact value (the fast tests mutation testing runs).

tests/unit/test_baseline.py states the rules; these tests pin the data and the
words each rule produces: what cannot be recorded and why, what a comparison
skips, counts and reports, and the file's loading errors.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from pytest_tta_maturity.baseline import store as baseline
from pytest_tta_maturity.baseline.store import FAILED_GATE, Baseline, ComponentBaseline, CoverageRecord, KnownFinding
from pytest_tta_maturity.config import load as load_config
from pytest_tta_maturity.errors import BaselineError
from pytest_tta_maturity.model import (
    ComponentResult,
    CoverageFigures,
    Finding,
    GateResult,
    NewFinding,
    Report,
    TestCounts,
)

LEVELS = ["experimental", "development", "staging", "production"]


def figures(raw: float, precision: int = 2) -> CoverageFigures:
    covered = round(raw * 10)
    return CoverageFigures(round(raw, precision), covered, 1000, 0, 0, raw_percent=raw, precision=precision)


def below(
    name: str = "carbon",
    gates: dict[str, GateResult] | None = None,
    coverage: CoverageFigures | None = None,
    tests: TestCounts | None = None,
    *,
    meets: bool = False,
) -> ComponentResult:
    return ComponentResult(
        name=name,
        declared="staging",
        achieved="development",
        meets=meets,
        coverage=coverage if coverage is not None else figures(90.0),
        tests=tests if tests is not None else TestCounts(passed=1),
        gates=gates or {},
        blockers=[],
        threshold=70.0,
    )


# ---------------------------------------------------------------- recording


def test_what_cannot_be_recorded_and_why() -> None:
    gates = {
        "tests": GateResult("skipped"),
        "lint": GateResult("error", message="ruff crashed"),
        "format": GateResult("error"),
        "types": GateResult("skipped", message="not run (--tta-maturity-no-gates)"),
        "security": GateResult("skipped"),
        "docs": GateResult("fail", 2),
    }
    comp = below(
        gates=gates, coverage=CoverageFigures.unmeasured("pytest-cov is not active"), tests=TestCounts(failed=1)
    )
    required = ("tests", "lint", "format", "types", "security", "docs", "licence")
    assert baseline.unrecordable(comp, required) == [
        "carbon: 1 failed or errored test; a failed test is never baselined",
        "carbon: coverage was not measured (pytest-cov is not active)",
        "carbon: lint: error (ruff crashed)",
        "carbon: format: error (the gate could not run)",
        "carbon: types: not run (not run (--tta-maturity-no-gates))",
        "carbon: security: not run",
    ]
    two = below(coverage=CoverageFigures.unmeasured(), tests=TestCounts(failed=1, errors=1))
    assert baseline.unrecordable(two, ()) == [
        "carbon: 2 failed or errored tests; a failed test is never baselined",
        "carbon: coverage was not measured",
    ]


def test_a_snapshot_keeps_what_was_measured() -> None:
    gates = {
        "tests": GateResult("fail", 1),
        "lint": GateResult("fail", 2, [Finding("a.py", 3, "F401", "unused"), Finding("a.py", 9, "F401", "unused")]),
        "format": GateResult("pass"),
        "types": GateResult("error", message="boom"),
        "docs": GateResult("skipped"),
        "licence": GateResult("fail", message="command failed"),
        "audit": GateResult("fail"),
    }
    entry = baseline.snapshot(below(gates=gates, coverage=figures(65.0)))
    assert entry == ComponentBaseline(
        "staging",
        CoverageRecord(65.0, 350, 1000),
        {
            "lint": [KnownFinding("a.py", "F401", "unused", 2)],
            "format": [],
            "licence": [KnownFinding("", FAILED_GATE, "command failed", 1)],
            "audit": [KnownFinding("", FAILED_GATE, "the audit gate failed", 1)],
        },
    )
    assert baseline.finding_counts(GateResult("fail", message="command failed"), "licence") == {
        ("", FAILED_GATE, "command failed"): [Finding("", 0, FAILED_GATE, "command failed")]
    }
    assert baseline.snapshot(below(coverage=CoverageFigures.unmeasured())).coverage is None


def test_tools_of_a_report() -> None:
    gates_a = {"types": GateResult("pass", tool="pyright 1"), "lint": GateResult("pass", tool="ruff 2")}
    gates_b = {"types": GateResult("pass", tool="mypy 3"), "docs": GateResult("pass")}
    report = Report("t", [below("a", gates_a), below("b", gates_b)], levels=LEVELS)
    assert baseline.tools_of(report) == {"types": "mypy 3, pyright 1", "lint": "ruff 2"}


def test_coverage_record_of_no_code() -> None:
    assert CoverageRecord(100.0, 0, 0).fraction() == Fraction(1)
    assert CoverageRecord(50.0, 5, 10).fraction() == Fraction(1, 2)


# ---------------------------------------------------------------- comparing


def test_compare_skips_what_was_not_measured_and_counts_the_rest() -> None:
    base = ComponentBaseline(
        "staging", CoverageRecord(60.0, 400, 1000), {"lint": [KnownFinding("a.py", "F401", "u", 1)]}
    )
    gates = {
        "format": GateResult("skipped"),
        "types": GateResult("error", message="boom"),
        "lint": GateResult("fail", 2, [Finding("a.py", 9, "F401", "u"), Finding("a.py", 3, "F401", "u")]),
        "licence": GateResult("fail"),
    }
    comp = below(gates=gates, coverage=figures(60.0))
    result = baseline.compare(base, comp, ("tests", "missing", "format", "types", "lint", "licence"))
    assert result.known == {"lint": 1, "licence": 0}
    assert result.new == [
        NewFinding("lint", "a.py", "F401", "u", (3, 9), 1),
        NewFinding("licence", "", FAILED_GATE, "the licence gate failed", (0,), 0),
    ]
    assert result.unverified == ["types: error, so its findings cannot be compared with the baseline"]
    assert result.coverage_drop is None


def test_known_findings_of_gates_the_level_does_not_need_are_counted_as_still_there() -> None:
    # The baseline knows findings of gates this level does not need (it needs only the tests).
    known = {
        "lint": [KnownFinding("a.py", "F401", "u", 2)],
        "types": [KnownFinding("a.py", "err", "x", 2), KnownFinding("b.py", "err", "y", 1)],
        "docs": [KnownFinding("c.py", "D100", "d", 1)],
        "security": [KnownFinding("d.py", "S101", "s", 1)],
        "licence": [KnownFinding("", FAILED_GATE, "the licence gate failed", 1)],
    }
    base = ComponentBaseline("staging", CoverageRecord(60.0, 400, 1000), known)
    gates = {
        # lint passes now: none of its known findings is left
        "lint": GateResult("pass"),
        # types fails: one known finding of a.py left, b.py's twice (more than the baseline knew), one new
        "types": GateResult(
            "fail",
            4,
            [
                Finding("a.py", 1, "err", "x"),
                Finding("b.py", 1, "err", "y"),
                Finding("b.py", 2, "err", "y"),
                Finding("e.py", 1, "err", "z"),
            ],
        ),
        "docs": GateResult("error", message="boom"),  # not measured: not counted
        "licence": GateResult("fail"),  # a command gate failing again, without details: its one known failure
        # security not run at all: not counted
    }
    result = baseline.compare(base, below(gates=gates, coverage=figures(60.0)), ("tests",))
    assert result.not_needed == {"licence": 1, "lint": 0, "types": 2}
    assert result.new == [] and result.unverified == []


def test_compare_coverage_only_below_the_threshold_at_coverage_py_precision() -> None:
    no_coverage = ComponentBaseline("staging", None, {})
    # 69.5 % shows as 69.50 %: below 70 %, so it is compared (and there is nothing to compare with)
    result = baseline.compare(no_coverage, below(coverage=figures(69.5)), ())
    assert result.unverified == ["coverage: the baseline has no coverage to compare with"]
    assert baseline.compare(no_coverage, below(coverage=figures(70.0)), ()).unverified == []
    assert baseline.compare(no_coverage, below(coverage=figures(69.5)), (), partial=True).unverified == []


def test_apply_compares_every_component_below_its_level() -> None:
    base = Baseline(
        "1",
        components={
            "meets": ComponentBaseline("staging", None, {}),
            "low": ComponentBaseline("staging", CoverageRecord(60.0, 400, 1000), {}),
        },
    )
    gates = {"lint": GateResult("fail", 1, [Finding("a.py", 1, "F401", "u")])}
    comps = [below("meets", meets=True), below("low", gates, coverage=figures(55.0))]
    report = Report("t", comps, levels=LEVELS, partial=True)
    baseline.apply(report, base, {"low": ("lint",)})
    assert comps[0].baseline is None
    low = comps[1].baseline
    assert low is not None
    assert low.new == [NewFinding("lint", "a.py", "F401", "u", (1,), 0)]
    assert low.coverage_drop is None  # a partial run does not compare coverage
    report.partial = False
    baseline.apply(report, base, {})
    assert comps[1].baseline is not None
    assert (comps[1].baseline.new, comps[1].baseline.coverage_drop is not None) == ([], True)


# ---------------------------------------------------------------- the file


def test_the_project_baseline_and_its_stale_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tta-maturity.components.carbon]\nlevel = "staging"\npaths = ["src"]\n'
    )
    cfg = load_config(tmp_path / "pyproject.toml")
    assert baseline.for_config(cfg, "1.0") == (None, [])
    base = Baseline(
        "1.0", components={"carbon": ComponentBaseline("staging", None), "gone": ComponentBaseline("x", None)}
    )
    (tmp_path / "tta-maturity-baseline.json").write_text(base.dumps())
    found, warnings = baseline.for_config(cfg, "1.0")
    assert found == base
    assert warnings == [
        (
            "tta-maturity-baseline.json: names component 'gone', which pyproject.toml no longer declares; "
            "delete its entry from the file (it is ignored)"
        )
    ]
    assert baseline.stale(base, ["carbon", "gone"]) == []


def test_the_file_is_written_the_same_way_every_time() -> None:
    base = Baseline("1.0", tools={"lint": "ruff 1"}, components={"ü": ComponentBaseline("staging", None)})
    text = base.dumps()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert '"ü"' in text
    assert text.splitlines()[1] == '  "components": {'


FIX = "restore it from version control, or delete it and run 'tta-maturity baseline' to record it again"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "b.json: no such file; run 'tta-maturity baseline' to record one"),
        ("[1]", f"b.json: not a tta-maturity baseline (no schema_version); {FIX}"),
        ('{"components": {}}', f"b.json: not a tta-maturity baseline (no schema_version); {FIX}"),
        (
            '{"schema_version": 1, "written_by": {"version": "1.0"}}',
            f"b.json: not a tta-maturity baseline (missing 'components'); {FIX}",
        ),
        (
            '{"schema_version": 1, "written_by": "9.0", "components": {"a": {"declared": "staging", "findings": 3}}}',
            f"b.json: not a tta-maturity baseline ('int' object has no attribute 'items'); {FIX}",
        ),
    ],
)
def test_loading_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "b.json").write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as info:
        baseline.load(tmp_path / "b.json", "1.0")
    assert str(info.value) == message


def test_a_file_written_by_a_newer_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.json").write_text(Baseline("2.0").dumps(), encoding="utf-8")
    with pytest.raises(BaselineError) as info:
        baseline.load(tmp_path / "b.json", "1.0")
    assert str(info.value) == (
        "b.json: written by pytest-tta-maturity 2.0, newer than this 1.0; upgrade pytest-tta-maturity to 2.0 or later"
    )
    assert baseline.load(tmp_path / "b.json", "2.0") == Baseline("2.0")


@pytest.mark.skipif(sys.platform == "win32", reason="the error of reading a folder is POSIX's")
def test_who_wrote_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "b.json"
    for writer in ('{"name": "pytest-tta-maturity"}', '"2.0"'):
        path.write_text(f'{{"schema_version": 1, "written_by": {writer}, "components": {{}}}}', encoding="utf-8")
        assert baseline.load(path, "1.0") == Baseline("")
    path.unlink()
    path.mkdir()
    with pytest.raises(BaselineError) as info:
        baseline.load(path, "1.0")
    assert str(info.value) == f"b.json: cannot be read ([Errno 21] Is a directory: {str(path)!r}); {FIX}"


def test_the_project_baseline_written_by_a_newer_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tta-maturity.components.carbon]\nlevel = "staging"\npaths = ["src"]\n'
    )
    (tmp_path / "tta-maturity-baseline.json").write_text(Baseline("2.0").dumps(), encoding="utf-8")
    with pytest.raises(BaselineError, match=r"newer than this 1\.0"):
        baseline.for_config(load_config(tmp_path / "pyproject.toml"), "1.0")
