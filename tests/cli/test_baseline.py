"""``tta-maturity baseline``: record, tighten, refuse worse, allow lower with a reason, bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_tta_maturity.model import ComponentResult, CoverageFigures, Finding, GateResult, Report, TestCounts

from .conftest import Result, write_report

Run = Callable[..., Result]
LEVELS = ["experimental", "development", "staging", "production"]
LAST = ".pytest_cache/v/tta-maturity/last-report"

PYPROJECT = """\
[tool.tta-maturity.components.carbon]
level = "staging"
paths = ["src/carbon"]

[tool.tta-maturity.components.model]
level = "development"
paths = ["src/model"]
"""

E501 = Finding("src/carbon/a.py", 10, "E501", "Line too long (130 > 120)")
F401 = Finding("src/carbon/a.py", 1, "F401", "`os` imported but unused")
TYPE = Finding("src/carbon/b.py", 7, "reportReturnType", 'Type "None" is not assignable to "int"')


def gate(*details: Finding, tool: str = "ruff 0.17.6") -> GateResult:
    return GateResult("fail" if details else "pass", findings=len(details), details=list(details), tool=tool)


def comp(
    name: str,
    declared: str,
    *,
    lint: tuple[Finding, ...] = (),
    types: tuple[Finding, ...] = (),
    covered: int = 60,
    units: int = 100,
    meets: bool = False,
    tests: TestCounts | None = None,
    threshold: float = 70.0,
) -> ComponentResult:
    percent = 100.0 * covered / units
    return ComponentResult(
        name=name,
        declared=declared,
        achieved=declared if meets else "experimental",
        meets=meets,
        coverage=CoverageFigures(round(percent, 2), covered, units, 0, 0, raw_percent=percent, precision=2),
        tests=tests or TestCounts(passed=4),
        gates={
            "tests": GateResult("pass"),
            "lint": gate(*lint),
            "format": gate(),
            "types": gate(*types, tool="pyright 1.1.414"),
            "security": gate(),
        },
        blockers=[],
        threshold=threshold,
    )


def save(project: Path, *components: ComponentResult, partial: bool = False, gates_run: bool = True) -> None:
    report = Report(
        version="0.1.0",
        components=list(components),
        levels=list(LEVELS),
        partial=partial,
        partial_reason="tests selected on the command line (-k)" if partial else "",
        gates_run=gates_run,
    )
    write_report(project / LAST, report)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for folder in ("src/carbon", "src/model"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def baseline_file(project: Path) -> Path:
    return project / "tta-maturity-baseline.json"


def legacy(project: Path) -> None:
    """carbon below staging with findings; model meeting development."""
    save(
        project,
        comp("carbon", "staging", lint=(E501, E501, F401), types=(TYPE,)),
        comp("model", "development", meets=True, threshold=60.0),
    )


def test_baseline_records_the_components_below_their_level(run_cli: Run, project: Path) -> None:
    legacy(project)
    result = run_cli("baseline")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "wrote tta-maturity-baseline.json: 1 component below its level\n"
        "  carbon: below staging, 4 findings known (lint 3, types 1), coverage 60% (40 uncovered)\n"
        "commit it: pytest --tta-maturity then fails on these components only for new findings, "
        "coverage drops and failed tests\n"
    )
    assert baseline_file(project).read_text() == (
        "{\n"
        '  "components": {\n'
        '    "carbon": {\n'
        '      "coverage": {\n'
        '        "percent": 60.0,\n'
        '        "uncovered": 40,\n'
        '        "units": 100\n'
        "      },\n"
        '      "declared": "staging",\n'
        '      "findings": {\n'
        '        "lint": [\n'
        "          {\n"
        '            "code": "E501",\n'
        '            "count": 2,\n'
        '            "message": "Line too long (130 > 120)",\n'
        '            "path": "src/carbon/a.py"\n'
        "          },\n"
        "          {\n"
        '            "code": "F401",\n'
        '            "count": 1,\n'
        '            "message": "`os` imported but unused",\n'
        '            "path": "src/carbon/a.py"\n'
        "          }\n"
        "        ],\n"
        '        "types": [\n'
        "          {\n"
        '            "code": "reportReturnType",\n'
        '            "count": 1,\n'
        '            "message": "Type \\"None\\" is not assignable to \\"int\\"",\n'
        '            "path": "src/carbon/b.py"\n'
        "          }\n"
        "        ]\n"
        "      }\n"
        "    }\n"
        "  },\n"
        '  "lowered": [],\n'
        '  "schema_version": 1,\n'
        '  "tools": {\n'
        '    "format": "ruff 0.17.6",\n'
        '    "lint": "ruff 0.17.6",\n'
        '    "security": "ruff 0.17.6",\n'
        '    "types": "pyright 1.1.414"\n'
        "  },\n"
        '  "written_by": {\n'
        '    "name": "pytest-tta-maturity",\n'
        '    "version": "0.1.0"\n'
        "  }\n"
        "}\n"
    )


def test_nothing_below_writes_nothing(run_cli: Run, project: Path) -> None:
    save(project, comp("carbon", "staging", meets=True), comp("model", "development", meets=True))
    result = run_cli("baseline")
    assert (result.status, result.out) == (0, "every component meets its declared level: nothing to record\n")
    assert not baseline_file(project).exists()


def test_an_existing_baseline_needs_update(run_cli: Run, project: Path) -> None:
    legacy(project)
    assert run_cli("baseline").status == 0
    again = run_cli("baseline")
    assert (again.status, again.out) == (1, "")
    assert again.err == (
        "tta-maturity baseline: tta-maturity-baseline.json exists; pass --update to record improvements "
        "(or --allow-lower --reason TEXT to record worse figures)\n"
    )
    same = run_cli("baseline", "--update")
    assert (same.status, same.out) == (0, "tta-maturity-baseline.json is up to date\n")


def test_update_tightens_and_lets_components_that_meet_their_level_leave(run_cli: Run, project: Path) -> None:
    save(project, comp("carbon", "staging", lint=(E501, E501, F401)), comp("model", "development", types=(TYPE,)))
    assert run_cli("baseline").status == 0
    save(project, comp("carbon", "staging", lint=(E501,), covered=65), comp("model", "development", meets=True))
    result = run_cli("baseline", "--update")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "updated tta-maturity-baseline.json:\n"
        "  - carbon: lint: 3 -> 1 known\n"
        "  - carbon: coverage: 60% (40 uncovered) -> 65% (35 uncovered)\n"
        "  - model: meets development now, left the baseline\n"
    )
    data = json.loads(baseline_file(project).read_text())
    assert sorted(data["components"]) == ["carbon"]
    assert data["components"]["carbon"]["findings"]["lint"] == [
        {"code": "E501", "count": 1, "message": "Line too long (130 > 120)", "path": "src/carbon/a.py"}
    ]


def test_update_refuses_anything_worse_and_writes_nothing(run_cli: Run, project: Path) -> None:
    legacy(project)
    assert run_cli("baseline").status == 0
    before = baseline_file(project).read_bytes()
    worse = comp("carbon", "staging", lint=(E501, E501, E501, F401), types=(TYPE,), covered=60, units=120)
    save(project, worse, comp("model", "development", lint=(F401,)))
    result = run_cli("baseline", "--update")
    assert result.status == 1
    assert result.err == (
        "tta-maturity baseline: not updating tta-maturity-baseline.json: 3 things worse than recorded; "
        "fix them, or pass --allow-lower --reason TEXT to record them\n"
    )
    assert result.out == (
        "  - carbon: lint: src/carbon/a.py E501 Line too long (130 > 120): 2 -> 3\n"
        "  - carbon: coverage: 60% (40 uncovered) -> 50% (60 uncovered)\n"
        "  - model: not in the baseline yet (below development, 1 finding, coverage 60% (40 uncovered))\n"
    )
    assert baseline_file(project).read_bytes() == before


def test_update_only_tightens_a_gate_the_declared_level_does_not_need(run_cli: Run, project: Path) -> None:
    """development does not need types: a second type error neither refuses the update nor is recorded."""
    save(project, comp("model", "development", lint=(F401,), types=(TYPE,)))
    assert run_cli("baseline").status == 0
    save(project, comp("model", "development", lint=(F401,), types=(TYPE, TYPE)))
    result = run_cli("baseline", "--update")
    assert (result.status, result.err) == (0, "")
    recorded = json.loads(baseline_file(project).read_text())["components"]["model"]["findings"]
    assert [k["count"] for k in recorded["types"]] == [1]
    save(project, comp("model", "development", lint=(F401,)))  # the type error fixed: the count goes down
    assert run_cli("baseline", "--update").status == 0
    assert json.loads(baseline_file(project).read_text())["components"]["model"]["findings"].get("types", []) == []


def test_allow_lower_records_worse_with_the_date_and_reason(run_cli: Run, project: Path) -> None:
    legacy(project)
    assert run_cli("baseline").status == 0
    save(
        project,
        comp("carbon", "staging", lint=(E501, E501, E501, F401), types=(TYPE,)),
        comp("model", "development", meets=True),
    )
    result = run_cli("baseline", "--allow-lower", "--reason", "  generated   parser, regenerated ")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "updated tta-maturity-baseline.json, lower than before (kept in the file with the date and your reason):\n"
        "  - carbon: lint: src/carbon/a.py E501 Line too long (130 > 120): 2 -> 3\n"
    )
    data = json.loads(baseline_file(project).read_text())
    assert len(data["lowered"]) == 1
    entry = data["lowered"][0]
    assert (entry["component"], entry["lowered"], entry["reason"]) == (
        "carbon",
        ["lint: src/carbon/a.py E501 Line too long (130 > 120): 2 -> 3"],
        "generated parser, regenerated",
    )
    assert len(entry["date"]) == 10 and entry["date"][4] == "-"
    assert data["components"]["carbon"]["findings"]["lint"][0]["count"] == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["--allow-lower"],
            "--allow-lower needs --reason TEXT: why the baseline may get worse (it is kept in the file)",
            id="allow-lower-without-reason",
        ),
        pytest.param(
            ["--allow-lower", "--reason", "  "],
            "--allow-lower needs --reason TEXT: why the baseline may get worse (it is kept in the file)",
            id="blank-reason",
        ),
        pytest.param(["--reason", "x"], "--reason goes with --allow-lower", id="reason-alone"),
    ],
)
def test_usage_errors(run_cli: Run, project: Path, argv: list[str], message: str) -> None:
    legacy(project)
    result = run_cli("baseline", *argv)
    assert (result.status, result.err) == (2, f"tta-maturity baseline: {message}\n")
    assert not baseline_file(project).exists()


def test_never_from_a_partial_run_a_run_without_gates_or_a_failed_test(run_cli: Run, project: Path) -> None:
    save(project, comp("carbon", "staging"), partial=True)
    partial = run_cli("baseline")
    assert (partial.status, partial.err) == (
        1,
        (
            "tta-maturity baseline: not recording: the report is from a partial run "
            "(tests selected on the command line (-k)); run the full suite first\n"
        ),
    )
    save(project, comp("carbon", "staging"), gates_run=False)
    no_gates = run_cli("baseline")
    assert no_gates.err == (
        "tta-maturity baseline: not recording: the report was made with --tta-maturity-no-gates, so its findings "
        "are unknown; run pytest --tta-maturity first\n"
    )
    broken = comp("carbon", "staging", tests=TestCounts(passed=3, failed=2))
    broken.gates["types"] = GateResult("error", message="pyright is not installed; pip install pyright")
    save(project, broken)
    failed = run_cli("baseline")
    assert (failed.status, failed.err) == (1, "")
    assert failed.out == (
        "not recording tta-maturity-baseline.json: nothing below its level can be recorded\n"
        "not recorded (what it would record is not known): carbon\n"
        "  - carbon: 2 failed or errored tests; a failed test is never baselined\n"
        "  - carbon: types: error (pyright is not installed; pip install pyright)\n"
        "  a failed test is never baselined: fix it, deselect it (--deselect in addopts), or mark it "
        "@pytest.mark.xfail(reason=...)\n"
        "  then run pytest --tta-maturity and tta-maturity baseline --update "
        "(a component new to the file needs --allow-lower --reason TEXT)\n"
    )
    assert not baseline_file(project).exists()


def test_a_component_with_failed_tests_is_named_and_the_others_are_recorded(run_cli: Run, project: Path) -> None:
    save(
        project,
        comp("carbon", "staging", lint=(F401,), tests=TestCounts(passed=3, failed=4)),
        comp("model", "development", lint=(E501,)),
    )
    result = run_cli("baseline")
    assert (result.status, result.err) == (1, "")
    assert result.out == (
        "wrote tta-maturity-baseline.json: 1 component below its level\n"
        "  model: below development, 1 finding known (lint 1), coverage 60% (40 uncovered)\n"
        "commit it: pytest --tta-maturity then fails on these components only for new findings, "
        "coverage drops and failed tests\n"
        "not recorded (what it would record is not known): carbon\n"
        "  - carbon: 4 failed or errored tests; a failed test is never baselined\n"
        "  a failed test is never baselined: fix it, deselect it (--deselect in addopts), or mark it "
        "@pytest.mark.xfail(reason=...)\n"
        "  then run pytest --tta-maturity and tta-maturity baseline --update "
        "(a component new to the file needs --allow-lower --reason TEXT)\n"
    )
    assert sorted(json.loads(baseline_file(project).read_text())["components"]) == ["model"]
    # the tests fixed: carbon joins the file, as a component new to it
    save(
        project,
        comp("carbon", "staging", lint=(F401,)),
        comp("model", "development", lint=(E501,)),
    )
    refused = run_cli("baseline", "--update")
    assert refused.status == 1
    assert "carbon: not in the baseline yet (below staging, 1 finding, coverage 60% (40 uncovered))" in refused.out
    fixed = run_cli("baseline", "--update", "--allow-lower", "--reason", "carbon's tests fixed")
    assert (fixed.status, fixed.err) == (0, "")
    assert sorted(json.loads(baseline_file(project).read_text())["components"]) == ["carbon", "model"]


def test_a_blocked_component_keeps_its_earlier_entry(run_cli: Run, project: Path) -> None:
    legacy(project)
    assert run_cli("baseline").status == 0
    before = json.loads(baseline_file(project).read_text())["components"]["carbon"]
    save(project, comp("carbon", "staging", lint=(F401,), tests=TestCounts(passed=1, failed=1)))
    result = run_cli("baseline", "--update")
    assert result.status == 1
    assert result.out.splitlines()[-4:-2] == [
        "  - carbon: 1 failed or errored test; a failed test is never baselined",
        "  their earlier entry is kept: carbon",
    ]
    assert json.loads(baseline_file(project).read_text())["components"]["carbon"] == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "not json",
            "tta-maturity-baseline.json: not JSON (line 1: Expecting value); restore it from version control, "
            "or delete it and run 'tta-maturity baseline' to record it again",
            id="not-json",
        ),
        pytest.param(
            '{"schema_version": 1, "written_by": {"version": "9.0"}, "components": {}}',
            "tta-maturity-baseline.json: written by pytest-tta-maturity 9.0, newer than this 0.1.0; "
            "upgrade pytest-tta-maturity to 9.0 or later",
            id="newer",
        ),
        pytest.param(
            '{"schema_version": 1, "components": {"gone": {"declared": "staging", "coverage": null}}}',
            "tta-maturity-baseline.json: names component 'gone', which the configuration no longer declares; "
            "delete its entry from the file (or rename it to the component's new name) and run again",
            id="gone-component",
        ),
    ],
)
def test_bad_baseline_files(run_cli: Run, project: Path, content: str, message: str) -> None:
    legacy(project)
    baseline_file(project).write_text(content)
    result = run_cli("baseline", "--update")
    assert (result.status, result.out, result.err) == (2, "", f"tta-maturity baseline: {message}\n")
    assert baseline_file(project).read_text() == content


def test_the_baseline_key_names_another_file(run_cli: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.tta-maturity]\nbaseline = "ci/known.json"\n\n' + PYPROJECT)
    legacy(project)
    result = run_cli("baseline")
    assert result.out.startswith("wrote ci/known.json: 1 component below its level\n")
    assert (project / "ci/known.json").is_file()
    (project / "pyproject.toml").write_text("[tool.tta-maturity]\nbaseline = 3\n\n" + PYPROJECT)
    bad = run_cli("baseline")
    assert (bad.status, bad.err) == (
        2,
        (
            "tta-maturity baseline: pyproject.toml: tool.tta-maturity.baseline = 3: must be a file name; "
            'write e.g. baseline = "tta-maturity-baseline.json"\n'
        ),
    )


def test_report_file_option(run_cli: Run, project: Path) -> None:
    report = Report(version="0.1.0", components=[comp("carbon", "staging", lint=(F401,))], levels=list(LEVELS))
    write_report(project / "ci/report.json", report)
    result = run_cli("baseline", "--report-file", "ci/report.json")
    assert result.status == 0
    assert "  carbon: below staging, 1 finding known (lint 1), coverage 60% (40 uncovered)\n" in result.out


# ---------------------------------------------------------------- what a run compared with it shows


def test_the_table_verdict_and_explain_show_known_and_new(run_cli: Run, project: Path) -> None:
    from pytest_tta_maturity.cli.explain import explain_lines
    from pytest_tta_maturity.render import terminal

    from .conftest import baseline_report

    report = baseline_report()
    assert [c.name for c in report.failing] == ["billing"]
    assert [c.name for c in report.held] == ["carbon"]
    lines = terminal.render(report)
    assert lines[2].split("  ")[-1] == "below staging, baseline held (coverage not lower; known 2: lint 2)"
    assert lines[1].endswith(
        "below development, baseline broken (lint 1, coverage drop; known 1: lint 1): "
        "coverage 57.1% < 60% (+2.9 pts, ~2 statements); lint: 2 findings"
    )
    assert lines[-1] == (
        "tta-maturity: FAILED: 1 of 3 components meet their declared levels; 1 below: billing (new since the "
        "baseline: lint: src/billing.py:1 F401 `os` imported but unused; coverage dropped: 80% (10 uncovered) "
        "-> 57.1% (30 uncovered)); 1 below its level holds its baseline: carbon."
    )
    explained = explain_lines(report, report.components[0])
    assert explained[1:4] == [
        "baseline: broken (known 1: lint 1); new since it was recorded:",
        "  - lint: src/billing.py:1 F401 `os` imported but unused",
        "  - coverage dropped: 80% (10 uncovered) -> 57.1% (30 uncovered)",
    ]
    at = explained.index("findings:")
    assert explained[at + 1 : at + 4] == [
        "  lint (ruff 0.17.6): 2 findings, 1 new",
        "    new: src/billing.py:1 F401 `os` imported but unused",
        "    src/billing.py:14 E741 Ambiguous variable name: `l`",
    ]
    write_report(project / LAST, report)
    status = run_cli("status")
    assert status.status == 1
    assert status.out.splitlines()[-1] == lines[-1]
