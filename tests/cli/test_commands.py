"""The tta-maturity command: status, explain, promote, report, init, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_tta_maturity import project as project_module
from pytest_tta_maturity.cli import explain
from pytest_tta_maturity.model import Blocker, CoverageFigures, Report
from pytest_tta_maturity.render import formats, terminal

from .conftest import Result, nasty_report, sample_report, sources_report, write_report

Run = Callable[..., Result]

PYPROJECT = """\
[project]
name = "tta"   # the distribution

[tool.pytest.ini_options]
testpaths = ["tests"]

# Maturity, kept by hand
[tool.tta-maturity.components.carbon]
level = "staging"          # where it should be
paths = ["src/tta/carbon"]

[tool.tta-maturity.components.model_management]
level = 'development'
paths = [
    "src/tta/model_management",  # the package
    "src/tta/model_registry.py",
]
coverage = 65

[tool.ruff]
line-length = 100
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with two components and its last report in pytest's cache."""
    for folder in ("src/tta/carbon", "src/tta/model_management", "tests"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "src/tta/model_registry.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    write_report(tmp_path / ".pytest_cache/v/tta-maturity/last-report", sample_report())
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- help and usage


@pytest.mark.parametrize("command", ["init", "baseline", "status", "explain", "promote", "check", "report"])
def test_every_command_has_help(run_cli: Run, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.status == 0
    assert result.out.startswith(f"usage: tta-maturity {command}")
    assert "--project DIR" in result.out


def test_top_level_help_and_version(run_cli: Run) -> None:
    result = run_cli("--help")
    assert result.status == 0
    assert all(c in result.out for c in ("init", "baseline", "status", "explain", "promote", "check", "report"))
    assert "Exit status: 0" in result.out
    version = run_cli("--version")
    assert (version.status, version.out.strip()) == (0, "tta-maturity 0.1.0")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [],
            "tta-maturity: choose a command: init, baseline, status, explain, promote, check, report (see 'tta-maturity --help')",
        ),
        (
            ["promote", "carbon"],
            "tta-maturity promote: the following arguments are required: --to (see 'tta-maturity promote --help')",
        ),
        (
            ["explain"],
            "tta-maturity explain: the following arguments are required: NAME (see 'tta-maturity explain --help')",
        ),
        (
            ["check", "--results", "r.json"],
            (
                "tta-maturity check: the following arguments are required: --coverage-file "
                "(see 'tta-maturity check --help')"
            ),
        ),
        (
            ["report", "r.json"],
            "tta-maturity report: the following arguments are required: --format (see 'tta-maturity report --help')",
        ),
        (
            ["status", "--bogus"],
            "tta-maturity: unrecognized arguments: --bogus (see 'tta-maturity --help')",
        ),
    ],
)
def test_usage_errors_are_one_line_with_status_2(run_cli: Run, argv: list[str], message: str) -> None:
    result = run_cli(*argv)
    assert (result.status, result.err, result.out) == (2, message + "\n", "")


def test_unknown_command(run_cli: Run) -> None:
    result = run_cli("frobnicate")
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith("tta-maturity: argument COMMAND: invalid choice: 'frobnicate' (choose from ")
    assert result.err.endswith(") (see 'tta-maturity --help')\n")
    assert result.err.count("\n") == 1


def test_python_dash_m(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest_tta_maturity", "status"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("last report: made ")
    assert done.stdout.splitlines()[1].startswith("component")


def test_a_closed_pipe_stops_quietly(project: Path) -> None:
    """`tta-maturity status | head -1`: the reader is gone before the table is written; no error line, exit 141."""
    child = subprocess.Popen(
        [sys.executable, "-m", "pytest_tta_maturity", "status"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # as `head` does once it has its line
    err = child.stderr.read()
    child.stderr.close()
    assert (child.wait(timeout=60), err) == (141, b"")


# ---------------------------------------------------------------- status


def test_status_from_the_last_report(run_cli: Run, project: Path) -> None:
    os.utime(project / ".pytest_cache/v/tta-maturity/last-report", (1748786531, 1748786531))
    result = run_cli("status")
    assert result.status == 1
    assert result.out.splitlines() == [
        "last report: made at an unknown time (file written 2025-06-01 14:02:11 UTC), full run",
        *terminal.render(sample_report()),
    ]


def _made_at(created: str, partial_reason: str = "") -> Report:
    report = sample_report()
    report.created, report.partial, report.partial_reason = created, bool(partial_reason), partial_reason
    return report


def test_status_says_when_the_report_was_made_and_whether_the_run_was_full(run_cli: Run, project: Path) -> None:
    cache = project / ".pytest_cache/v/tta-maturity"
    write_report(cache / "last-report", _made_at("2025-06-01T14:02:11+00:00"))
    assert run_cli("status").out.splitlines()[0] == "last report: made 2025-06-01 14:02:11 UTC, full run"

    write_report(
        cache / "last-report", _made_at("2025-06-02T09:00:00+02:00", "tests selected on the command line (-k)")
    )
    assert run_cli("status").out.splitlines()[0] == (
        "last report: made 2025-06-02 07:00:00 UTC, partial run (tests selected on the command line (-k)); "
        "no full run's report is kept (promote needs one: run the whole suite)"
    )
    write_report(cache / "last-full-report", _made_at("2025-06-01T14:02:11+00:00"))
    assert run_cli("status").out.splitlines()[0] == (
        "last report: made 2025-06-02 07:00:00 UTC, partial run (tests selected on the command line (-k)); "
        "last full run's report: made 2025-06-01 14:02:11 UTC"
    )
    (cache / "last-full-report").write_text("{")
    assert (
        run_cli("status")
        .out.splitlines()[0]
        .endswith(
            "; last full run's report: .pytest_cache/v/tta-maturity/last-full-report: "
            "not a JSON report (line 1: Expecting property name enclosed in double quotes)"
        )
    )
    named = write_report(project / "r.json", _made_at("2025-06-01T14:02:11+00:00", "1 of 3 tests ran"))
    assert run_cli("status", str(named)).out.splitlines()[0] == (
        "r.json: made 2025-06-01 14:02:11 UTC, partial run (1 of 3 tests ran)"
    )


def test_status_of_a_named_report(run_cli: Run, project: Path, tmp_path: Path) -> None:
    report = sample_report()
    report.components = [c for c in report.components if c.meets]
    path = write_report(tmp_path / "ok.json", report)
    by_position = run_cli("status", str(path))
    by_option = run_cli("status", "--report-file", str(path))
    assert by_position == by_option
    assert by_position.status == 0
    assert by_position.out.splitlines()[-1] == "tta-maturity: PASSED: All 1 components meet their declared levels."


def test_status_uses_pytest_cache_dir_setting(run_cli: Run, project: Path) -> None:
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace('testpaths = ["tests"]', 'cache_dir = "build/cache"'))
    result = run_cli("status")
    assert result.status == 2
    assert result.err == (
        "tta-maturity status: no last report in build/cache/v/tta-maturity/last-report: "
        "run 'pytest --tta-maturity' first, or pass --report-file PATH\n"
    )
    write_report(project / "build/cache/v/tta-maturity/last-report", sample_report())
    assert run_cli("status").status == 1


def test_status_from_a_subfolder_and_with_project(run_cli: Run, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "src/tta")
    assert run_cli("status").status == 1
    monkeypatch.chdir(project.parent)
    assert run_cli("status", "--project", str(project)).status == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "tta-maturity status: r.json: no such file"),
        (
            "{",
            "tta-maturity status: r.json: not a JSON report (line 1: Expecting property name enclosed in double quotes)",
        ),
        ("[]", "tta-maturity status: r.json: not a tta-maturity JSON report (no schema_version)"),
        (
            '{"schema_version": 9}',
            "tta-maturity status: r.json: not a tta-maturity JSON report (schema_version 9 is not 1)",
        ),
        ('{"schema_version": 1}', "tta-maturity status: r.json: not a tta-maturity JSON report (missing 'components')"),
    ],
)
def test_status_bad_report(run_cli: Run, project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project / "r.json").write_text(content)
    result = run_cli("status", "r.json")
    assert (result.status, result.err, result.out) == (2, message + "\n", "")


def test_status_report_twice(run_cli: Run, project: Path) -> None:
    result = run_cli("status", "a.json", "--report-file", "b.json")
    assert result.status == 2
    assert result.err == "tta-maturity status: give the report once: as REPORT or as --report-file, not both\n"


def test_no_pyproject(run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(project_module, "find_pyproject", lambda start: None)
    result = run_cli("status")
    assert result.status == 2
    assert (
        result.err
        == f"tta-maturity status: no pyproject.toml in {tmp_path} or any folder above it; pass --project DIR\n"
    )
    missing = run_cli("status", "--project", "nowhere")
    assert missing.err == "tta-maturity status: --project nowhere: no such folder\n"
    (tmp_path / "empty").mkdir()
    empty = run_cli("status", "--project", "empty")
    assert (
        empty.err
        == "tta-maturity status: --project empty: no pyproject.toml there; run 'tta-maturity init' in it first\n"
    )


# ---------------------------------------------------------------- explain


def test_explain_a_component_below_its_level(run_cli: Run, project: Path) -> None:
    result = run_cli("explain", "carbon")
    assert result.status == 1
    assert result.out.splitlines() == [
        "carbon: declared staging, holds development: below its level",
        "blockers for staging:",
        "  - coverage 65.22% < 70% (+4.79 pts, ~5 statements)",
        "  - types: 2 errors",
        "  - security: error (bandit is not installed (looked beside /usr/bin/python3 and on PATH); pip install bandit)",
        "findings:",
        "  types (pyright 1.1.414): 2 findings",
        '    src/tta/carbon/x.py:12 reportArgumentType Argument of type "str" is not "int"',
        "    src/tta/carbon/y.py:3 reportReturnType Type <None> is not <int>",
        "  security: error: bandit is not installed (looked beside /usr/bin/python3 and on PATH); pip install bandit",
        "coverage: 65.22%; staging needs 70%: cover 5 more statements",
        "own-tests and import-only coverage not measured: not recorded in this report",
        "largest uncovered blocks (4 blocks, 11 lines):",
        "  src/tta/carbon/x.py:10-14  5 lines",
        "  src/tta/carbon/y.py:5-7    3 lines",
        "  src/tta/carbon/x.py:3-4    2 lines",
        "  src/tta/carbon/x.py:30     1 line",
    ]


def test_explain_a_component_that_holds_its_level_explains_the_next(run_cli: Run, project: Path) -> None:
    result = run_cli("explain", "model_management", "--limit", "1")
    assert result.status == 0
    assert result.out.splitlines() == [
        "model_management: declared development, holds staging; next level: production",
        "blockers for production:",
        "  - docs: 1 finding",
        "findings:",
        "  docs (ruff 0.17.6): 1 finding",
        "    src/tta/model_registry.py:1 D100 Missing docstring",
        "coverage: 84.21%, enough for production (80%)",
        "own-tests and import-only coverage not measured: not recorded in this report",
        "largest uncovered blocks (1 block, 3 lines):",
        "  src/tta/model_registry.py:40-42  3 lines",
    ]


def test_explain_next_threshold_comes_from_the_blocker(run_cli: Run, project: Path, tmp_path: Path) -> None:
    report = sample_report()
    comp = report.components[1]
    comp.next_blockers = [Blocker("coverage", "coverage", "production", needed=90.0, measured=84.21, precision=2)]
    path = write_report(tmp_path / "r.json", report)
    result = run_cli("explain", "model_management", "--report-file", str(path))
    assert "coverage: 84.21%; production needs 90%: cover 11 more statements or branches" in result.out


def test_explain_top_of_the_ladder_partial_and_unmeasured(run_cli: Run, project: Path, tmp_path: Path) -> None:
    report = nasty_report()
    report.components[1].next_level = None
    report.components[1].achieved = report.components[1].declared = "production"
    path = write_report(tmp_path / "r.json", report)
    result = run_cli("explain", "empty", "--report-file", str(path))
    assert result.status == 0
    report.components[1].undetermined = []
    path = write_report(tmp_path / "r.json", report)
    result = run_cli("explain", "empty", "--report-file", str(path))
    assert result.out.splitlines() == [
        "empty: declared production, holds production, the top of the ladder",
        'note: the report is from a partial run (tests selected on the command line (-k "x")): coverage was not judged',
        "coverage: not measured (run pytest --tta-maturity with pytest-cov installed)",
    ]


def test_explain_lists_undetermined_requirements_and_failed_tests(run_cli: Run, project: Path, tmp_path: Path) -> None:
    path = write_report(tmp_path / "r.json", nasty_report())
    result = run_cli("explain", "empty", "--report-file", str(path))
    assert result.status == 0
    assert result.out.splitlines() == [
        "empty: declared experimental, holds experimental; next level: development",
        'note: the report is from a partial run (tests selected on the command line (-k "x")): coverage was not judged',
        "undetermined (not measured in this run, so experimental is all that is proven):",
        '  - coverage: partial run (tests selected on the command line (-k "x"))',
        "  - tests: no attributed test ran in this partial run",
        "  - format: not run (--tta-maturity-gates=declared)",
        "  - types: not run (--tta-maturity-gates=declared)",
        "  - security: not run (--tta-maturity-gates=declared)",
        "  - docs: not run (--tta-maturity-gates=declared)",
        "coverage: not measured (run pytest --tta-maturity with pytest-cov installed)",
    ]
    name = nasty_report().components[0].name
    failed = run_cli("explain", name, "--report-file", str(path))
    assert failed.status == 1
    assert "failed tests:" in failed.out.splitlines()
    assert '  failed: tests/test_<b>.py::test_x["|&"]' in failed.out.splitlines()


def test_explain_unknown_component(run_cli: Run, project: Path) -> None:
    result = run_cli("explain", "carbn")
    assert (result.status, result.err) == (
        2,
        "tta-maturity explain: no component 'carbn' in the report; did you mean 'carbon'?\n",
    )
    other = run_cli("explain", "zzz")
    assert other.err == "tta-maturity explain: no component 'zzz' in the report; components: carbon, model_management\n"


def test_explain_shows_the_three_figures_and_what_other_components_tests_ran(
    run_cli: Run, project: Path, tmp_path: Path
) -> None:
    path = write_report(tmp_path / "r.json", sources_report())
    result = run_cli("explain", "carbon", "--report-file", str(path))
    assert result.status == 0
    assert result.out.splitlines() == [
        "carbon: declared development, holds production, the top of the ladder",
        "coverage: 84.2%",
        "coverage by source:",
        "  all tests      84.2% (150/170 statements, 10/20 branches), judged",
        "  own tests      17.9% (30/170 statements, 4/20 branches)",
        "  imports alone  11.6% (22/170 statements, 0/20 branches)",
        "all-tests coverage that only other components' tests give: 90 statements",
        "  billing         70 statements",
        "  model           24 statements",
        "  (no component)  12 statements",
        "  (a statement that the tests of several components ran counts for each of them)",
        "largest uncovered blocks (2 blocks, 4 lines):",
        "  src/carbon/ledger.py:12-14  3 lines",
        "  src/carbon/ledger.py:40     1 line",
    ]


def test_explain_judged_on_own_tests_counts_what_to_cover_on_them(run_cli: Run, project: Path, tmp_path: Path) -> None:
    report = sources_report()
    model = report.components[1]
    model.next_level = "production"
    model.next_blockers = [Blocker("coverage", "coverage", "production", needed=90.0, measured=85.0, precision=1)]
    path = write_report(tmp_path / "r.json", report)
    result = run_cli("explain", "model", "--report-file", str(path))
    assert result.out.splitlines()[3:8] == [
        "own-tests coverage: 85.0%; production needs 90%: cover 5 more statements",
        "coverage by source:",
        "  all tests      92.0% (92/100 statements)",
        "  own tests      85.0% (85/100 statements), judged",
        "  imports alone  20.0% (20/100 statements)",
    ]
    assert result.out.splitlines()[8:10] == [
        "all-tests coverage that only other components' tests give: 7 statements",
        "  carbon  7 statements",
    ]


def test_explain_says_why_own_tests_figures_are_absent(run_cli: Run, project: Path, tmp_path: Path) -> None:
    report = sources_report()
    for comp in report.components[:2]:
        comp.coverage.sources = {}
        comp.coverage.other_tests = {}
        comp.coverage.sources_note = 'the sysmon core cannot record contexts (set [run] core = "ctrace")'
    path = write_report(tmp_path / "r.json", report)
    carbon = run_cli("explain", "carbon", "--report-file", str(path)).out.splitlines()
    assert carbon[1:3] == [
        "coverage: 84.2%",
        'own-tests and import-only coverage not measured: the sysmon core cannot record contexts (set [run] core = "ctrace")',
    ]
    assert "coverage by source:" not in carbon
    # judged on own tests that could not be measured: no figure in its place, the reason instead
    model = run_cli("explain", "model", "--report-file", str(path)).out.splitlines()
    assert model[1] == (
        'own-tests coverage: not measured: the sysmon core cannot record contexts (set [run] core = "ctrace")'
    )


@pytest.mark.parametrize(
    ("covered", "units", "needed", "precision", "more"),
    [(60, 92, 70.0, 2, 5), (64, 92, 70.0, 2, 1), (65, 92, 70.0, 2, 0), (69, 100, 70.0, 0, 1), (695, 1000, 70.0, 0, 0)],
)
def test_units_to_cover_matches_coverage_rounding(
    covered: int, units: int, needed: float, precision: int, more: int
) -> None:
    comp = sample_report().components[0]
    comp.coverage = CoverageFigures(0.0, covered, units, 0, 0, precision=precision)
    assert explain.units_to_cover(comp, needed) == more


# ---------------------------------------------------------------- promote


def test_promote_edits_only_the_level(run_cli: Run, project: Path) -> None:
    result = run_cli("promote", "model_management", "--to", "staging")
    assert (result.status, result.err) == (0, "")
    assert result.out == "model_management: development -> staging in pyproject.toml\n"
    assert (project / "pyproject.toml").read_text() == PYPROJECT.replace("level = 'development'", "level = 'staging'")


def test_promote_dry_run_prints_a_diff(run_cli: Run, project: Path) -> None:
    result = run_cli("promote", "model_management", "--to", "staging", "--dry-run")
    assert result.status == 0
    assert result.out == (
        "--- a/pyproject.toml\n"
        "+++ b/pyproject.toml\n"
        "@@ -10,7 +10,7 @@\n"
        ' paths = ["src/tta/carbon"]\n'
        " \n"
        " [tool.tta-maturity.components.model_management]\n"
        "-level = 'development'\n"
        "+level = 'staging'\n"
        " paths = [\n"
        '     "src/tta/model_management",  # the package\n'
        '     "src/tta/model_registry.py",\n'
    )
    assert (project / "pyproject.toml").read_text() == PYPROJECT


def test_promote_refused_below_the_level(run_cli: Run, project: Path) -> None:
    result = run_cli("promote", "carbon", "--to", "production")
    assert result.status == 1
    assert (
        result.err
        == "tta-maturity promote: not promoting carbon to production: the last report shows it holds development\n"
    )
    assert result.out.splitlines() == [
        "  - coverage 65.22% < 70% (+4.79 pts, ~5 statements)",
        "  - types: 2 errors",
        "  - security: error (bandit is not installed (looked beside /usr/bin/python3 and on PATH); pip install bandit)",
    ]
    assert (project / "pyproject.toml").read_text() == PYPROJECT


def test_promote_refused_on_a_partial_report(run_cli: Run, project: Path) -> None:
    report = sample_report()
    report.partial, report.partial_reason = True, "tests selected on the command line (-k)"
    write_report(project / ".pytest_cache/v/tta-maturity/last-report", report)
    result = run_cli("promote", "model_management", "--to", "staging")
    assert result.status == 1
    assert result.err == (
        "tta-maturity promote: not promoting model_management: the last report is from a partial run "
        "(tests selected on the command line (-k)); run the full suite\n"
    )


def test_promote_judges_from_the_last_full_report(run_cli: Run, project: Path) -> None:
    cache = project / ".pytest_cache/v/tta-maturity"
    write_report(cache / "last-full-report", sample_report())
    partial = sample_report()
    partial.partial, partial.partial_reason = True, "tests selected on the command line (-k)"
    write_report(cache / "last-report", partial)
    result = run_cli("promote", "model_management", "--to", "staging")
    assert (result.status, result.err) == (0, "")
    assert result.out == "model_management: development -> staging in pyproject.toml\n"


def test_promote_to_the_same_or_a_lower_level(run_cli: Run, project: Path) -> None:
    same = run_cli("promote", "carbon", "--to", "staging")
    assert (same.status, same.out) == (0, "carbon is already declared staging; nothing to do\n")
    lower = run_cli("promote", "carbon", "--to", "development")
    assert lower.status == 1
    assert lower.err == (
        "tta-maturity promote: carbon is declared staging: promote only raises a level (edit pyproject.toml to lower it)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["carbon", "--to", "prod"], "--to prod: not a level of the ladder; did you mean 'production'?"),
        (
            ["carbon", "--to", "xyz"],
            "--to xyz: not a level of the ladder; levels: experimental, development, staging, production",
        ),
        (["carbn", "--to", "staging"], "no component 'carbn' in pyproject.toml; did you mean 'carbon'?"),
    ],
)
def test_promote_bad_names(run_cli: Run, project: Path, argv: list[str], message: str) -> None:
    result = run_cli("promote", *argv)
    assert (result.status, result.err) == (2, f"tta-maturity promote: {message}\n")


def test_promote_bad_configuration_is_status_2(run_cli: Run, project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.replace('level = "staging"', 'level = "stagin"'))
    result = run_cli("promote", "carbon", "--to", "production")
    assert result.status == 2
    assert result.err == (
        'tta-maturity promote: pyproject.toml: tool.tta-maturity.components.carbon.level = "stagin": '
        "is not a level of the ladder; did you mean 'staging'?\n"
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            '[tool.tta-maturity.components]\nmodel_management = { level = "development", paths = ["src/m"] }  # inline\n',
            '[tool.tta-maturity.components]\nmodel_management = { level = "staging", paths = ["src/m"] }  # inline\n',
        ),
        (
            (
                '[tool.tta-maturity]\ncomponents.model_management.level = "development"\n'
                'components.model_management.paths = ["src/m"]\n'
            ),
            (
                '[tool.tta-maturity]\ncomponents.model_management.level = "staging"\n'
                'components.model_management.paths = ["src/m"]\n'
            ),
        ),
        (
            '[tool."tta-maturity".components."model_management"]\r\nlevel="development"\r\npaths=["src/m"]\r\n',
            '[tool."tta-maturity".components."model_management"]\r\nlevel="staging"\r\npaths=["src/m"]\r\n',
        ),
        (
            (
                '[tool.x]\ndoc = """\n[tool.tta-maturity.components.model_management]\nlevel = "development"\n"""\n'
                '[tool.tta-maturity.components.model_management]\npaths = ["src/m"]\nlevel = "development"\n'
            ),
            (
                '[tool.x]\ndoc = """\n[tool.tta-maturity.components.model_management]\nlevel = "development"\n"""\n'
                '[tool.tta-maturity.components.model_management]\npaths = ["src/m"]\nlevel = "staging"\n'
            ),
        ),
    ],
)
def test_promote_other_table_forms(run_cli: Run, project: Path, before: str, after: str) -> None:
    (project / "src/m").mkdir()
    (project / "pyproject.toml").write_bytes(before.encode())
    result = run_cli("promote", "model_management", "--to", "staging")
    assert (result.status, result.err) == (0, "")
    assert (project / "pyproject.toml").read_bytes() == after.encode()


def test_promote_keeps_file_mode(run_cli: Run, project: Path) -> None:
    (project / "pyproject.toml").chmod(0o600)
    assert run_cli("promote", "model_management", "--to", "staging").status == 0
    assert (project / "pyproject.toml").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in project.iterdir() if p.name.endswith(".tmp")) == []


# ---------------------------------------------------------------- report


@pytest.mark.parametrize("fmt", list(formats.FORMATS))
def test_report_to_stdout_and_to_a_file(
    run_cli: Run, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_report(tmp_path / "saved.json", sample_report())
    out = run_cli("report", str(path), "--format", fmt)
    assert (out.status, out.err) == (0, "")
    assert out.out == formats.render(sample_report(), fmt)
    written = run_cli("report", str(path), "--format", f"{fmt}:out/r.{fmt}")
    assert (written.status, written.out) == (0, "")
    assert (tmp_path / f"out/r.{fmt}").read_text() == out.out


def test_report_bad_format(run_cli: Run, tmp_path: Path) -> None:
    path = write_report(tmp_path / "saved.json", sample_report())
    result = run_cli("report", str(path), "--format", "pdf")
    assert (result.status, result.out) == (2, "")
    assert result.err == (
        "tta-maturity report: --format=pdf: unknown format 'pdf'; valid formats: json, markdown, prometheus, junit, html\n"
    )


def test_report_json_is_normalised(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(sample_report().to_dict()))
    result = run_cli("report", str(path), "--format", "json")
    assert Report.from_dict(json.loads(result.out)).to_dict() == sample_report().to_dict()
