"""New code: how a level judges it, which findings lie on new lines, and the JSON round trip."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.model import (
    Blocker,
    CoverageFigures,
    Finding,
    GateResult,
    NewCode,
    NewCodeRun,
    Report,
    TestCounts,
    Undetermined,
)
from pytest_tta_maturity.newcode import new_findings
from pytest_tta_maturity.render import markdown, terminal
from pytest_tta_maturity.scoring import NO_NEW_CODE_OPTION, score


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cfg(root: Path) -> MaturityConfig:
    return configure(
        root,
        """
        [tool.tta-maturity.levels.development]
        new_code_coverage = 80
        new_code_findings = 0
        """,
    )


def new(statements: int, covered: int, missing: dict[str, list[int]] | None = None, **kw: object) -> NewCode:
    raw = 100.0 * covered / statements if statements else None
    return NewCode(
        statements=statements,
        covered=covered,
        percent=None if raw is None else round(raw, 1),
        raw_percent=raw,
        precision=1,
        missing_lines=missing or {},
        **kw,  # type: ignore[arg-type]
    )


def configure(root: Path, levels: str, level: str = "development") -> MaturityConfig:
    """Component ``a`` declared at ``level``, on the ladder ``levels`` (TOML text) sets."""
    (root / "a").mkdir(exist_ok=True)
    text = f'{textwrap.dedent(levels)}\n[tool.tta-maturity.components.a]\nlevel = "{level}"\npaths = ["a"]\n'
    (root / "pyproject.toml").write_text(text)
    return load(root / "pyproject.toml")


def every_gate_passing(cfg: MaturityConfig) -> dict[str, GateResult]:
    return {gate: GateResult("pass") for gate in cfg.ladder.levels[-1].gates if gate != "tests"}


def run(cfg: MaturityConfig, code: NewCode | None, gates: dict[str, GateResult] | None = None, **kw: object) -> Report:
    figures = CoverageFigures(90.0, 90, 100, 0, 0, raw_percent=90.0, precision=1, new_code=code)
    states = {"a": gates if gates is not None else {"lint": GateResult("pass")}}
    run_info = NewCodeRun("main", "f" * 40) if code is not None else None
    return score(
        cfg,
        coverage={"a": figures},
        tests={"a": TestCounts(passed=1)},
        gates=states,
        version="t",
        new_code=run_info,
        **kw,  # type: ignore[arg-type]
    )


def test_75_percent_of_new_code_blocks_80_and_names_the_uncovered_lines(cfg: MaturityConfig) -> None:
    comp = run(cfg, new(4, 3, {"a/x.py": [10]})).components[0]
    assert not comp.meets
    assert [b.text for b in comp.blockers] == ["new code 75.0% < 80% (uncovered: a/x.py:10)"]
    assert comp.achieved == "experimental"


def test_new_code_at_the_threshold_holds_every_level_asking_for_it(cfg: MaturityConfig) -> None:
    comp = run(cfg, new(5, 4, {"a/x.py": [10]}), every_gate_passing(cfg)).components[0]  # 80.0 %
    assert (comp.achieved, comp.meets, comp.blockers) == ("production", True, [])
    assert (comp.next_level, comp.undetermined) == (None, [])


def test_new_code_is_judged_at_coverage_py_precision(cfg: MaturityConfig) -> None:
    """79.6 % at precision 1 is below 80 (rounding to a whole number, as precision 0 does, would hold it)."""
    comp = run(cfg, new(250, 199)).components[0]
    assert (comp.achieved, comp.meets) == ("experimental", False)
    assert comp.blockers == [
        Blocker("new_code_coverage", "new_code", "development", needed=80.0, measured=79.6, precision=1)
    ]
    assert comp.blockers[0].text == "new code 79.6% < 80%"


def test_no_new_statement_meets_and_says_so(cfg: MaturityConfig) -> None:
    report = run(cfg, new(0, 0))
    comp = report.components[0]
    assert comp.meets and comp.achieved == "development"
    assert comp.new_code is not None and comp.new_code.percent is None  # never 100 % of 0
    assert comp.to_dict()["new_code"]["percent"] is None
    assert "no new code" in terminal.table(report)[1]


def test_partial_run_does_not_judge_new_code_coverage_but_judges_findings(cfg: MaturityConfig) -> None:
    found = {"lint": [Finding("a/x.py", 3, "F401", "unused")]}
    comp = run(cfg, new(4, 1, findings=found), partial=True, partial_reason="-k").components[0]
    assert [b.text for b in comp.blockers] == ["new code: 1 finding > 0 (a/x.py:3 F401 (lint))"]
    assert comp.blockers == [
        Blocker("new_code_findings", "findings", "development", needed=0.0, findings=1, message="a/x.py:3 F401 (lint)")
    ]
    assert comp.blockers[0].to_dict()["needed"] == 0.0  # the JSON says how many findings the level allows
    assert comp.undetermined == []  # development is out of reach by its findings: nothing above it counts
    comp = run(cfg, new(4, 1), partial=True, partial_reason="-k").components[0]
    assert (comp.meets, comp.blockers) == (None, [])  # not judged: nothing failed, new-code coverage unmeasured
    assert [u.text for u in comp.undetermined][:2] == [
        "coverage: partial run (-k)",
        "new_code_coverage: partial run (-k)",
    ]


def test_without_the_option_new_code_is_neither_judged_nor_claimed(cfg: MaturityConfig) -> None:
    comp = run(cfg, None).components[0]
    assert (comp.meets, comp.blockers) == (None, [])  # not claimed: the level's new-code requirement was not measured
    assert comp.achieved == "experimental"  # development's new-code needs were not measured
    assert [u.text for u in comp.undetermined][:2] == [
        "new_code_coverage: not measured (no --tta-maturity-new-code)",
        "new_code_findings: not measured (no --tta-maturity-new-code)",
    ]


def test_unmeasured_new_code_fails_closed(cfg: MaturityConfig) -> None:
    comp = run(cfg, NewCode.unmeasured("pytest-cov is not active")).components[0]
    assert [b.text for b in comp.blockers] == ["new code: coverage not measured (pytest-cov is not active)"]
    assert comp.blockers == [
        Blocker("new_code_coverage", "not_run", "development", needed=80.0, message="pytest-cov is not active")
    ]
    assert comp.blockers[0].to_dict()["level"] == "development"


@pytest.mark.parametrize(
    ("note", "reason"), [("pytest-cov is not active", "not measured (pytest-cov is not active)"), ("", "not measured")]
)
def test_unmeasured_new_code_above_the_declared_level_is_undetermined(root: Path, note: str, reason: str) -> None:
    levels = "[tool.tta-maturity.levels.development]\nnew_code_coverage = 80\n"
    cfg = configure(root, levels, level="experimental")
    comp = run(cfg, NewCode.unmeasured(note), every_gate_passing(cfg)).components[0]
    assert (comp.achieved, comp.meets, comp.blockers) == ("experimental", True, [])
    assert comp.next_blockers == []  # not measured is never a blocker of the next level
    assert comp.undetermined == [Undetermined("new_code_coverage", "development", reason)]


@pytest.mark.parametrize("requirement", ["new_code_coverage", "new_code_findings"])
def test_a_level_needing_new_code_is_not_achieved_without_the_option(root: Path, requirement: str) -> None:
    """Either requirement alone, not measured, keeps the level (and those above) unachieved."""
    value = 80 if requirement == "new_code_coverage" else 0
    cfg = configure(root, f"[tool.tta-maturity.levels.staging]\n{requirement} = {value}\n")
    comp = run(cfg, None, every_gate_passing(cfg)).components[0]
    assert (comp.achieved, comp.meets, comp.blockers) == ("development", True, [])
    assert comp.next_level == "staging"
    assert comp.undetermined == [Undetermined(requirement, "staging", NO_NEW_CODE_OPTION)]


def test_a_partial_run_never_achieves_a_level_by_its_new_code_coverage(root: Path) -> None:
    """development asks no coverage here: only its new-code coverage, not judged in a partial run, stands between."""
    levels = "[tool.tta-maturity.levels.development]\ncoverage = 0\nnew_code_coverage = 80\n"
    cfg = configure(root, levels)
    comp = run(cfg, new(4, 4), every_gate_passing(cfg), partial=True, partial_reason="-k").components[0]
    assert (comp.achieved, comp.meets, comp.blockers) == ("experimental", None, [])
    assert comp.undetermined == [
        Undetermined("new_code_coverage", "development", "partial run (-k)"),
        Undetermined("coverage", "staging", "partial run (-k)"),
    ]


def test_findings_on_new_lines_only_and_the_baselines_stay_known(tmp_path: Path) -> None:
    changed = {str(tmp_path / "a" / "x.py"): frozenset({1, 2}), str(tmp_path / "a" / "y.py"): frozenset({5})}
    details = [
        Finding("a/x.py", 1, "F401", "unused os"),
        Finding("a/x.py", 1, "F401", "unused os"),
        Finding("a/x.py", 3, "E501", "long"),  # an old line
        Finding("a/y.py", 5, "F841", "unused y"),
        Finding("a/z.py", 1, "F401", "not changed"),
        Finding("a/y.py", 0, "FMT", "file to reformat"),  # no line: never on a new line
    ]
    gates = {"lint": GateResult("fail", len(details), details), "tests": GateResult("pass")}
    assert new_findings(gates, tmp_path, changed) == {"lint": [details[0], details[1], details[3]]}
    known = {"lint": {("a/x.py", "F401", "unused os"): 1}}
    assert new_findings(gates, tmp_path, changed, known) == {"lint": [details[1], details[3]]}


def test_the_json_round_trip_keeps_new_code(cfg: MaturityConfig) -> None:
    report = run(cfg, new(4, 3, {"a/x.py": [10]}, files=["a/x.py"], missing_branches={"a/x.py": ["9->10"]}))
    again = Report.from_dict(report.to_dict())
    assert again.to_dict() == report.to_dict()
    assert report.to_dict()["new_code"] == {"ref": "main", "base": "f" * 40, "head": "", "files": 0}
    assert markdown.render(again) == markdown.render(report)
    assert "- `a/x.py`: 10 not run by any test" in markdown.render(report)


def test_new_code_is_not_part_of_the_coverage_figures(cfg: MaturityConfig) -> None:
    comp = run(cfg, new(4, 3)).components[0]
    assert "new_code" not in comp.coverage.to_dict()
    assert dataclasses.replace(comp.coverage).new_code is None
