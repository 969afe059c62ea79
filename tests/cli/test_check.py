"""``tta-maturity check``: shards combined give the figures and verdict of one unsharded run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_tta_maturity.cli import shards
from pytest_tta_maturity.config import ComponentConfig
from pytest_tta_maturity.model import GateResult, Report, TestCounts
from pytest_tta_maturity.partial import Partial, PartialKind

from ..conftest import Project
from .conftest import Result, sample_report, write_report

Run = Callable[..., Result]


def _shard(project: Project, monkeypatch: pytest.MonkeyPatch, name: str, *args: str) -> None:
    monkeypatch.setenv("COVERAGE_FILE", str(project.path / f"{name}.cov"))
    result = project.run("--tta-maturity", "--cov-report=", f"--tta-maturity-report=json:{name}.json", *args)
    # the exit status and the report say the same verdict
    assert result.ret == (1 if project.report(f"{name}.json")["failed"] else 0), result.stdout.str()


def _uncached(report: dict[str, Any]) -> dict[str, Any]:
    """The report without when it was made, nor the gates' ``cached`` flags (later runs reuse the first run's)."""
    report.pop("created")
    for comp in report["components"]:
        for gate in comp["gates"].values():
            gate.pop("cached", None)
    return report


@pytest.mark.slow
@pytest.mark.parametrize("gates", [False, True], ids=["no-gates", "gates"])
def test_two_shards_score_like_one_run(
    project: Project, monkeypatch: pytest.MonkeyPatch, run_cli: Run, gates: bool
) -> None:
    extra = () if gates else ("--tta-maturity-no-gates",)
    _shard(project, monkeypatch, "full", *extra)
    _shard(project, monkeypatch, "shard1", "tests/test_cart.py", *extra)
    _shard(project, monkeypatch, "shard2", "tests/test_pricing.py", *extra)
    shard1 = project.report("shard1.json")
    assert shard1["partial"] is True  # each shard alone is a partial run

    result = run_cli(
        "check",
        "--coverage-file",
        "shard1.cov",
        "shard2.cov",
        "--results",
        "shard1.json",
        "--results",
        "shard2.json",
        "--report",
        "json:combined.json",
        "--report",
        "junit",
    )
    full = _uncached(project.report("full.json"))
    combined = _uncached(project.report("combined.json"))
    assert combined == full
    assert result.status == (1 if full["summary"]["below"] else 0)
    assert result.err == ""
    assert (project.path / "tta-maturity-junit.xml").is_file()
    # the combined report is now the last report: status shows it
    status = run_cli("status")
    assert status.out.splitlines()[1:] == result.out.splitlines()
    assert status.out.splitlines()[0].startswith("last report: made ")
    assert status.status == result.status
    # the shards' data files were kept, and no stray combined file was left in the project
    assert (project.path / "shard1.cov").is_file()
    assert (project.path / "shard2.cov").is_file()
    assert not list(project.path.glob("*.cov.*"))


@pytest.mark.slow
def test_check_honours_the_project_coverage_configuration(
    project: Project, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    pyproject = project.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("precision = 2", 'precision = 1\nomit = ["*/unused.py"]'))
    _shard(project, monkeypatch, "full", "--tta-maturity-no-gates")
    _shard(project, monkeypatch, "a", "tests/test_cart.py", "--tta-maturity-no-gates")
    _shard(project, monkeypatch, "b", "tests/test_pricing.py", "--tta-maturity-no-gates")
    run_cli("check", "--coverage-file", "a.cov", "b.cov", "--results", "a.json", "b.json", "--report", "json:c.json")
    full, combined = _uncached(project.report("full.json")), _uncached(project.report("c.json"))
    assert combined == full
    pricing = next(c for c in combined["components"] if c["name"] == "pricing")
    assert pricing["coverage"]["precision"] == 1
    assert not any("unused" in path for path in pricing["coverage"]["missing_lines"])


# ---------------------------------------------------------------- merging, without running pytest


def _comp(name: str) -> ComponentConfig:
    return ComponentConfig(name=name, level="staging", paths=())


def _report(
    gates: dict[str, GateResult],
    tests: TestCounts,
    *,
    partial_reason: str = "",
    partial_kind: PartialKind | None = None,
) -> Report:
    report = sample_report()
    comp = report.components[0]
    comp.gates, comp.tests = {"tests": GateResult("pass"), **gates}, tests
    report.partial, report.partial_reason, report.partial_kind = bool(partial_reason), partial_reason, partial_kind
    return report


def test_merge_sums_tests_and_takes_the_first_gate_that_ran() -> None:
    one = _report({"lint": GateResult("skipped"), "types": GateResult("pass")}, TestCounts(passed=2, skipped=1))
    two = _report({"lint": GateResult("fail", findings=3), "types": GateResult("fail", 1)}, TestCounts(failed=1))
    three = _report({"lint": GateResult("pass"), "types": GateResult("error", message="boom")}, TestCounts(errors=1))
    counts, gates = shards.merge_results([one, two, three], [_comp("carbon"), _comp("absent")])
    assert counts["carbon"] == TestCounts(passed=2, failed=1, skipped=1, errors=1)
    assert counts["absent"] == TestCounts()
    assert gates["carbon"]["lint"].status == "fail"
    assert gates["carbon"]["lint"].findings == 3
    assert gates["carbon"]["types"].status == "error"  # an error anywhere wins
    assert "tests" not in gates["carbon"]  # scored again from the summed counts


def test_shard_attribution_reads_labels_only_when_every_shard_recorded_them() -> None:
    counts = {"carbon": TestCounts(passed=1), "billing": TestCounts(skipped=2), "model": TestCounts(errors=1)}
    labelled, other = sample_report(), sample_report()
    labelled.coverage_contexts = "tta-maturity"
    other.coverage_contexts = "tta-maturity"
    attribution, why = shards.shard_attribution([(Path("a.json"), labelled), (Path("b.json"), other)], counts)
    assert why == ""
    assert attribution is not None and attribution.ran == frozenset({"carbon", "model"})  # billing's tests skipped
    other.coverage_contexts = "pytest-cov"
    why = "it recorded pytest-cov's per-test contexts (--cov-context=test), which name tests, not components"
    assert shards.shard_attribution([(Path("a.json"), labelled), (Path("b.json"), other)], counts) == (
        None,
        f"shard b.json: {why}",
    )
    other.coverage_contexts = ""
    other.components[0].coverage.sources_note = "coverage.py's sysmon core does not record contexts"
    assert shards.shard_attribution([(Path("b.json"), other)], counts) == (
        None,
        "shard b.json: coverage.py's sysmon core does not record contexts",
    )


def test_shard_partial_kinds() -> None:
    sliced = _report(
        {},
        TestCounts(),
        partial_reason="tests selected on the command line (paths or node ids)",
        partial_kind=PartialKind.SELECTION,
    )
    counted = _report({}, TestCounts(), partial_reason="3 of 9 tests ran", partial_kind=PartialKind.INCOMPLETE)
    stopped = _report(
        {}, TestCounts(), partial_reason="stopped early: stopping after 1 failures", partial_kind=PartialKind.STOPPED
    )
    unknown = _report({}, TestCounts(), partial_reason="3 of 9 tests ran")
    assert shards.shard_partial([(Path("a.json"), sliced), (Path("b.json"), counted)]) is None
    assert shards.shard_partial([(Path("a.json"), sliced), (Path("b.json"), stopped)]) == Partial(
        PartialKind.STOPPED, "shard b.json: stopped early: stopping after 1 failures"
    )
    assert shards.shard_partial([(Path("c.json"), unknown)]) == Partial(
        PartialKind.INCOMPLETE, "shard c.json: 3 of 9 tests ran"
    )


# ---------------------------------------------------------------- bad input


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src/carbon").mkdir(parents=True)
    (tmp_path / "src/carbon/__init__.py").write_text("X = 1\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tta-maturity.components.carbon]\nlevel = "development"\npaths = ["src/carbon"]\n'
    )
    write_report(tmp_path / "r.json", sample_report())
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--coverage-file", "missing.cov", "--results", "r.json"],
            "--coverage-file missing.cov: no such file",
        ),
        (["--coverage-file", "r.json", "--results", "nope.json"], "nope.json: no such file"),
        (
            ["--coverage-file", "x.cov", "--results", "r.json", "--report", "pdf"],
            "--report=pdf: unknown format 'pdf'; valid formats: json, markdown, prometheus, junit, html",
        ),
        (
            ["--coverage-file", "x.cov", "--results", "r.json", "--component", "carbn"],
            "--component carbn: no such component in pyproject.toml; did you mean 'carbon'?",
        ),
    ],
)
def test_check_bad_input(run_cli: Run, configured: Path, argv: list[str], message: str) -> None:
    result = run_cli("check", *argv)
    assert (result.status, result.err, result.out) == (2, f"tta-maturity check: {message}\n", "")


def test_check_unreadable_coverage_data(run_cli: Run, configured: Path) -> None:
    (configured / "junk.cov").write_text("not a database")
    result = run_cli("check", "--coverage-file", "junk.cov", "--results", "r.json")
    assert result.status == 2
    assert result.err.startswith("tta-maturity check: coverage data cannot be combined: ")
    assert result.err.count("\n") == 1


def test_check_warn_only(run_cli: Run, configured: Path) -> None:
    from coverage import CoverageData

    data = CoverageData(basename=str(configured / "one.cov"))
    data.add_lines({str(configured / "elsewhere.py"): [1]})  # nothing of carbon ran: 0 %
    data.write()
    result = run_cli("check", "--coverage-file", "one.cov", "--results", "r.json", "--warn-only")
    assert result.status == 0
    assert "carbon" in result.out
    strict = run_cli("check", "--coverage-file", "one.cov", "--results", "r.json")
    assert strict.status == 1
    last = json.loads((configured / ".pytest_cache/v/tta-maturity/last-report").read_text())
    assert last["components"][0]["name"] == "carbon"
    assert (configured / ".pytest_cache/.gitignore").read_text().endswith("*\n")


@pytest.mark.slow
def test_check_names_the_kind_of_a_partial_shard(
    project: Project, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    project.write("tests/test_broken.py", "import not_a_module\n")
    _shard(project, monkeypatch, "one", "tests/test_cart.py", "--tta-maturity-no-gates")
    two = ("tests/test_pricing.py", "tests/test_broken.py", "--continue-on-collection-errors")
    _shard(project, monkeypatch, "two", *two, "--tta-maturity-no-gates")
    shard = project.report("two.json")
    assert (shard["partial_kind"], shard["partial_reason"]) == ("collection", "1 collection error")
    result = run_cli(
        "check", "--coverage-file", "one.cov", "two.cov", "--results", "one.json", "two.json", "--report", "json:c.json"
    )
    assert result.err == ""
    combined = project.report("c.json")
    assert (combined["partial"], combined["partial_kind"], combined["partial_reason"]) == (
        True,
        "collection",
        "shard two.json: 1 collection error",
    )
    assert "partial run (shard two.json: 1 collection error)" in result.out
