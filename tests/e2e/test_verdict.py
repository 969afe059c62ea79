"""Every branch of the verdict, reached through real pytest sessions.

Most runs use the verdict project of tests/e2e/conftest.py: four components
whose levels differ by one requirement each, a ladder whose tool gates are
ruff only, and two custom gates (``ok`` at development exits 0, ``failing`` at
staging exits 1) that each leave a marker file when they start. Each test
asserts the exact levels, verdicts and blockers of one run; the runs that are
also renderer scenarios check their gold files (tests/e2e/gold/) too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from pytest_tta_maturity import cli
from tests.conftest import Project
from tests.e2e import gold
from tests.e2e.conftest import HEAD, LEVELS, VerdictProject, component_toml

pytestmark = pytest.mark.slow

RUN = ("--tta-maturity", *gold.REPORT_ARGS, "-p", "no:randomly")

NO_GATES = "not run (--tta-maturity-no-gates)"
DECLARED = "not run (--tta-maturity-gates=declared)"

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def tta(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run ``tta-maturity ARGS`` in this process, in a project folder; return status, stdout, stderr."""

    def run(project: Project, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(project.path)
        capsys.readouterr()
        status = cli.main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def components(project: Project) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in project.report("report.json")["components"]}


def statuses(comp: dict[str, Any]) -> dict[str, str]:
    return {name: gate["status"] for name, gate in comp["gates"].items()}


def verdicts(comps: dict[str, dict[str, Any]]) -> dict[str, tuple[str, bool, list[str]]]:
    """Each component's achieved level, whether it meets its declared level, and its blockers."""
    return {name: (c["achieved"], c["meets"], c["blockers"]) for name, c in comps.items()}


#: epsilon's blocker wherever coverage is judged: 3 of 6 statements and 1 of 4 branches
EPSILON = ("experimental", False, ["coverage 40.00% < 60% (+20.00 pts, ~2 statements or branches)"])


def read(project: Project, name: str) -> list[str]:
    return (project.path / name).read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------- gate states


def test_pass_and_fail_of_built_in_and_custom_gates(verdict_project: VerdictProject, tta: Cli) -> None:
    result = verdict_project.run(*RUN)
    assert result.ret == 1
    assert verdict_project.ran() == ["failing", "ok"]
    comps = components(verdict_project)
    every = {"tests": "pass", "lint": "pass", "ok": "pass", "format": "pass", "failing": "fail"}
    assert {name: statuses(c) for name, c in comps.items()} == {
        "alpha": every,
        "beta": {**every, "lint": "fail"},
        "gamma": every,
        "delta": every,
        "epsilon": every,
    }
    assert comps["alpha"]["gates"]["failing"]["message"] == "command failed"
    assert comps["beta"]["gates"]["lint"]["details"] == [
        {"path": "src/app/beta.py", "line": 3, "code": "F401", "message": "`os` imported but unused"}
    ]
    # a failing custom gate keeps alpha below staging; the passing one (development) is held
    # by every component that holds development; a lint finding keeps beta below development
    assert verdicts(comps) == {
        "alpha": ("development", False, ["failing: command failed"]),
        "beta": ("experimental", False, ["lint: 1 finding"]),
        "gamma": ("development", True, []),
        "delta": ("development", True, []),
        "epsilon": EPSILON,
    }
    assert comps["gamma"]["next_blockers"] == ["failing: command failed"]
    assert all(c["undetermined"] == [] for c in comps.values())
    report = verdict_project.report()
    assert (report["failed"], report["summary"]["promotable"]) == (True, ["delta"])
    assert result.stdout.lines[-1] == (
        "tta-maturity: FAILED: 2 of 5 components meet their declared levels; 3 below: alpha (failing: command failed), "
        "beta (lint: 1 finding), epsilon (coverage 40.00% < 60% (+20.00 pts, ~2 statements or branches))."
    )
    assert "tta_maturity_gates_run 1" in read(verdict_project, "report.prom")
    gold.check_run("full", verdict_project.path, result.stdout.lines)

    # promote: not two levels above the declared one, which the run does not show held ...
    before = (verdict_project.path / "pyproject.toml").read_text()
    assert tta(verdict_project, "promote", "delta", "--to", "staging") == (
        1,
        "  - failing: command failed\n",
        "tta-maturity promote: not promoting delta to staging: the last report shows it holds development\n",
    )
    assert (verdict_project.path / "pyproject.toml").read_text() == before
    # ... but to the level just above, which it holds; only delta's level line changes
    assert tta(verdict_project, "promote", "delta", "--to", "development") == (
        0,
        "delta: experimental -> development in pyproject.toml\n",
        "",
    )
    after = before.replace(
        '[tool.tta-maturity.components.delta]\nlevel = "experimental"',
        '[tool.tta-maturity.components.delta]\nlevel = "development"',
    )
    assert after != before
    assert (verdict_project.path / "pyproject.toml").read_text() == after


def test_second_run_takes_ruff_gates_from_the_cache(verdict_project: VerdictProject) -> None:
    verdict_project.run(*RUN)
    verdict_project.clear_markers()
    result = verdict_project.run(*RUN)
    assert result.ret == 1
    assert verdict_project.ran() == ["failing", "ok"]  # custom gates are never cached: they ran again
    comps = components(verdict_project)
    cached = {name: sorted(g for g, r in c["gates"].items() if r.get("cached")) for name, c in comps.items()}
    assert cached == {name: ["format", "lint"] for name in comps}
    assert verdicts(comps)["beta"] == ("experimental", False, ["lint: 1 finding"])
    gold.check_run("cached", verdict_project.path, result.stdout.lines)


def test_no_gates_skips_every_tool_gate_and_claims_no_level(verdict_project: VerdictProject, tta: Cli) -> None:
    result = verdict_project.run(*RUN, "--tta-maturity-no-gates")
    assert result.ret == 1  # coverage is still judged
    assert verdict_project.ran() == []  # no custom gate started
    assert not (verdict_project.path / ".ruff_cache").exists()  # nor ruff (it keeps a cache where it runs)
    comps = components(verdict_project)
    skipped = {"status": "skipped", "findings": 0, "details": [], "message": NO_GATES}
    for comp in comps.values():
        assert comp["gates"] == {
            "tests": {"status": "pass", "findings": 0, "details": []},
            "lint": skipped,
            "ok": skipped,
            "format": skipped,
            "failing": skipped,
        }
    # the tool gates are not judged, so beta's lint finding does not count; not measured, so
    # no component holds more than experimental
    # not judged, not claimed: only delta's experimental level needs no gate
    judged = {name: ("experimental", True if level == "experimental" else None, []) for name, level in LEVELS.items()}
    assert verdicts(comps) == {**judged, "epsilon": EPSILON}
    unmeasured = [f"{g}: {NO_GATES}" for g in ("lint", "ok", "format", "failing")]
    assert {name: c["undetermined"] for name, c in comps.items()} == {
        **{name: unmeasured for name in LEVELS},
        "epsilon": [],  # proven below development by its coverage
    }
    assert verdict_project.report()["summary"]["promotable"] == []
    # every format says the gates did not run
    note = "Tool gates were not run (--tta-maturity-no-gates): scored on coverage and tests only."
    assert "tta_maturity_gates_run 0" in read(verdict_project, "report.prom")
    assert f"> {note}" in read(verdict_project, "report.md")
    assert f'<p class="note">{note}</p>' in read(verdict_project, "report.html")
    assert '<property name="tta-maturity.gates_run" value="false" />' in [
        line.strip() for line in read(verdict_project, "report.xml")
    ]
    gold.check_run("no-gates", verdict_project.path, result.stdout.lines)

    # what was not measured is never a reason to promote
    status, out, err = tta(verdict_project, "promote", "delta", "--to", "development")
    assert (status, err) == (
        1,
        "tta-maturity promote: not promoting delta to development: the last report shows it holds experimental\n",
    )
    assert out == "".join(f"  - {u}\n" for u in unmeasured)


def test_declared_gates_skip_what_no_declared_level_needs(verdict_project: VerdictProject) -> None:
    result = verdict_project.run(*RUN, "--tta-maturity-gates=declared")
    assert result.ret == 1
    comps = components(verdict_project)
    # delta (experimental) is checked up to development only: format and failing are not run on its files
    assert statuses(comps["delta"]) == {
        "tests": "pass",
        "lint": "pass",
        "ok": "pass",
        "format": "skipped",
        "failing": "skipped",
    }
    assert comps["delta"]["gates"]["failing"]["message"] == DECLARED
    assert statuses(comps["alpha"])["failing"] == "fail"
    assert verdicts(comps) == {
        "alpha": ("development", False, ["failing: command failed"]),
        "beta": ("experimental", False, ["lint: 1 finding"]),
        "gamma": ("development", True, []),
        "delta": ("development", True, []),
        "epsilon": EPSILON,
    }
    assert comps["delta"]["undetermined"] == [f"format: {DECLARED}", f"failing: {DECLARED}"]
    assert comps["gamma"]["undetermined"] == []


ERROR_GATES = """
[tool.tta-maturity.gates.ok]
command = ["python", "gate.py", "ok"]
level = "development"

[tool.tta-maturity.gates.broken]
command = ["no-such-program-tta"]
level = "staging"

[tool.tta-maturity.gates.types]
tool = "basedpyright"
"""


def test_gate_errors_count_and_are_never_held(verdict_project: VerdictProject) -> None:
    if shutil.which("basedpyright") or (Path(sys.executable).parent / "basedpyright").exists():
        pytest.skip("basedpyright is installed: its gate would run")
    production_types = '[tool.tta-maturity.levels.production]\ngates = ["types"]\n'
    verdict_project.configure(gates=ERROR_GATES)
    text = (verdict_project.path / "pyproject.toml").read_text()
    verdict_project.write(
        "pyproject.toml", text.replace("[tool.tta-maturity.levels.production]\ngates = []\n", production_types)
    )
    result = verdict_project.run(*RUN)
    assert result.ret == 1
    comps = components(verdict_project)
    broken = (
        f"no-such-program-tta is not installed (looked beside {sys.executable} and on PATH); "
        "install no-such-program-tta or fix [tool.tta-maturity.gates.broken] command"
    )
    types = f"basedpyright is not installed (looked beside {sys.executable} and on PATH); pip install basedpyright"
    for comp in comps.values():
        assert comp["gates"]["broken"] == {"status": "error", "findings": 0, "details": [], "message": broken}
        assert comp["gates"]["types"] == {"status": "error", "findings": 0, "details": [], "message": types}
    # an error is never held (no one reaches staging) and always judged (alpha, declared staging, fails)
    assert verdicts(comps) == {
        "alpha": ("development", False, [f"broken: error ({broken})"]),
        "beta": ("experimental", False, ["lint: 1 finding"]),
        "gamma": ("development", True, []),
        "delta": ("development", True, []),
        "epsilon": EPSILON,
    }
    undetermined = [f"broken: error ({broken})", f"types: error ({types})"]
    assert {name: c["undetermined"] for name, c in comps.items()} == {
        "alpha": undetermined,
        "beta": [],  # beta and epsilon are proven below development: nothing above it matters
        "gamma": undetermined,
        "delta": undetermined,
        "epsilon": [],
    }
    gold.check_run("gate-error", verdict_project.path, result.stdout.lines)


def test_partial_run_leaves_coverage_and_tests_unjudged(verdict_project: VerdictProject) -> None:
    result = verdict_project.run(*RUN, "-k", "alpha or beta")
    assert result.ret == 1
    report = verdict_project.report()
    assert (report["partial"], report["partial_kind"]) == (True, "selection")
    comps = components(verdict_project)
    # gamma, delta and epsilon ran no test, and their coverage is what importing them ran: not judged
    assert verdicts(comps) == {
        "alpha": ("experimental", False, ["failing: command failed"]),
        "beta": ("experimental", False, ["lint: 1 finding"]),
        "gamma": ("experimental", None, []),  # not judged in a partial run: never claimed
        "delta": ("experimental", True, []),  # experimental needs nothing: held
        "epsilon": ("experimental", None, []),
    }
    partial = "partial run (tests selected on the command line (-k))"
    assert comps["gamma"]["gates"]["tests"]["message"] == "no attributed test ran in this partial run"
    assert comps["gamma"]["undetermined"] == [
        f"coverage: {partial}",
        "tests: no attributed test ran in this partial run",
    ]
    assert comps["alpha"]["undetermined"] == [f"coverage: {partial}"]
    assert report["summary"]["promotable"] == []
    # every measured figure is marked as not judged
    start = result.stdout.lines.index(next(x for x in result.stdout.lines if "= tta-maturity =" in x))
    assert result.stdout.lines[start + 1 : start + 8] == [
        "component  declared      achieved         coverage  own tests  imports alone  tests                 lint      format  failing  ok    blockers",
        "alpha      staging       experimental? !  100.00%*  100.00%*   50.00%*        1/1 passed            pass      pass    FAIL     pass  failing: command failed",
        "beta       development   experimental !   100.00%*  100.00%*   66.67%*        1/1 passed            FAIL (1)  pass    FAIL     pass  lint: 1 finding",
        "gamma      development   experimental?    50.00%*   0.00%*     50.00%*        skipped (0/0 passed)  pass      pass    FAIL     pass",
        "delta      experimental  experimental?    50.00%*   0.00%*     50.00%*        0 tests               pass      pass    FAIL     pass",
        "epsilon    development   experimental?    10.00%*   0.00%*     10.00%*        skipped (0/0 passed)  pass      pass    FAIL     pass",
        "* partial run (tests selected on the command line (-k)): coverage is not judged",
    ]
    gold.check_run("partial", verdict_project.path, result.stdout.lines)


# ---------------------------------------------------------------- coverage overrides and tests


def functions(count: int) -> str:
    return "\n\n".join(f"def f{i}():\n    return {i}\n" for i in range(count))


def calls(module: str, called: int) -> str:
    body = "".join(f"    assert {module}.f{i}() == {i}\n" for i in range(called))
    return f"from app import {module}\n\n\ndef test_{module}():\n{body}"


#: name: (declared level, coverage override, functions called of 10). Each module has 10
#: functions of two statements (``def`` runs at import): calling k of them covers (10 + k) / 20.
OVERRIDES = {
    "override_lowers": ("staging", 50, 1),  # 55 %: staging asks 50, development min(60, 50)
    "override_raises": ("development", 90, 7),  # 85 %: development asks 90
    "above_never_less": ("development", 50, 3),  # 65 %: staging still asks 70
    "below_never_more": ("production", 90, 7),  # 85 %: production asks 90, staging still 70
}

SKIPPED_TEST = """\
import pytest

from app import idle, orphan


@pytest.mark.skip(reason="not yet")
def test_idle():
    assert idle.VALUE == orphan.VALUE - 1
"""


def test_coverage_override_and_the_tests_gate(pytester: pytest.Pytester) -> None:
    project = Project(pytester)
    project.write("src/app/__init__.py", "")
    toml = HEAD
    for name, (level, coverage, called) in OVERRIDES.items():
        project.write(f"src/app/{name}.py", functions(10))
        project.write(f"tests/test_{name}.py", calls(name, called))
        toml += component_toml(name, level, coverage=coverage)
    project.write("src/app/idle.py", "VALUE = 1\n")
    project.write("src/app/orphan.py", "VALUE = 2\n")  # imported by idle's test, attributed to none
    project.write("tests/test_idle.py", SKIPPED_TEST)
    toml += component_toml("idle", "development") + component_toml("orphan", "development", tests=False)
    project.write("pyproject.toml", toml)
    result = project.run("--tta-maturity", "--tta-maturity-report=json:report.json", "-p", "no:randomly")
    assert result.ret == 1
    comps = components(project)
    assert {name: c["coverage"]["percent"] for name, c in comps.items()} == {
        "override_lowers": 55.0,
        "override_raises": 85.0,
        "above_never_less": 65.0,
        "below_never_more": 85.0,
        "idle": 100.0,
        "orphan": 100.0,
    }
    assert {name: c["threshold"] for name, c in comps.items()} == {
        "override_lowers": 50.0,
        "override_raises": 90.0,
        "above_never_less": 50.0,
        "below_never_more": 90.0,
        "idle": 60.0,
        "orphan": 60.0,
    }
    short = "coverage 85.00% < 90% (+5.00 pts, ~1 statement)"
    assert verdicts(comps) == {
        "override_lowers": ("staging", True, []),
        "override_raises": ("experimental", False, [short]),
        "above_never_less": ("development", True, []),
        "below_never_more": ("staging", False, [short]),
        "idle": ("experimental", False, ["tests: every attributed test was skipped"]),
        "orphan": ("experimental", False, ["tests: no test is attributed to this component"]),
    }
    assert comps["override_lowers"]["next_blockers"] == ["coverage 55.00% < 80% (+25.00 pts, ~5 statements)"]
    assert comps["above_never_less"]["next_blockers"] == ["coverage 65.00% < 70% (+5.00 pts, ~1 statement)"]
    assert comps["idle"]["tests"] == {"passed": 0, "failed": 0, "skipped": 1, "errors": 0, "details": []}
    assert comps["idle"]["gates"]["tests"] == {
        "status": "fail",
        "findings": 0,
        "details": [],
        "message": "every attributed test was skipped",
    }


@pytest.mark.parametrize(("level", "status"), [("development", 1), ("experimental", 5)])
def test_no_tests_collected_with_a_component_below_its_level_exits_1(
    pytester: pytest.Pytester, level: str, status: int
) -> None:
    """pytest's 5 (no tests collected) becomes 1 when a component is below its level; else it stays 5."""
    project = Project(pytester)
    project.write(
        "pyproject.toml",
        f'[tool.tta-maturity.components.app]\nlevel = "{level}"\npaths = ["src/app"]\n',
    )
    project.write("src/app/__init__.py", "def f():\n    return 1\n")
    project.write("tests/test_nothing.py", "# no tests yet\n")
    result = project.run("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:report.json")
    assert result.ret == status, result.stdout.str()
    assert project.component("app")["meets"] is (level == "experimental")


LADDER = ("development", "staging", "production")


def _one_component(pytester: pytest.Pytester, extra_toml: str = "") -> Project:
    project = Project(pytester)
    project.write(
        "pyproject.toml",
        '[tool.tta-maturity.components.app]\nlevel = "development"\npaths = ["src/app"]\ntests = ["tests/test_app.py"]\n'
        + extra_toml,
    )
    project.write("src/app/__init__.py", "def f(x):\n    if x:\n        return 1\n    return 2\n")
    project.write("tests/conftest.py", "import sys\nsys.path.insert(0, 'src')\n")
    project.write(
        "tests/test_app.py", "from app import f\n\n\ndef test_f():\n    assert f(1) == 1\n    assert f(0) == 2\n"
    )
    return project


def _junit_counts(project: Project) -> tuple[str, str]:
    suite = ElementTree.parse(project.path / "report.xml").getroot()
    return suite.get("failures", ""), suite.get("errors", "")


def test_a_failed_test_of_no_component_is_in_the_last_line_and_status(pytester: pytest.Pytester) -> None:
    """The terminal's last line says what markdown says; `tta-maturity status` exits as the run did."""
    project = _one_component(pytester)
    project.write("tests/test_other.py", "def test_broken():\n    assert 0\n")
    result = project.run("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=markdown:report.md")
    assert result.ret == 1
    line = result.stdout.lines[-1]
    assert line.startswith("tta-maturity: FAILED: 1 test failed or errored. ")
    assert line.removeprefix("tta-maturity: ") in (project.path / "report.md").read_text().replace("**", "")
    status = subprocess.run(
        [sys.executable, "-m", "pytest_tta_maturity", "status"], cwd=project.path, capture_output=True, check=False
    )
    assert status.returncode == 1


@pytest.mark.parametrize(
    "how",
    ["warn-only", "error in a gate the level does not need"],
)
def test_junit_agrees_with_an_exit_status_of_0(pytester: pytest.Pytester, how: str) -> None:
    if how == "warn-only":
        project = _one_component(
            pytester, "".join(f"[tool.tta-maturity.levels.{lv}]\ncoverage = 95\n" for lv in LADDER)
        )
        project.write("tests/test_app.py", "from app import f\n\n\ndef test_f():\n    assert f(1) == 1\n")
        args = ("--tta-maturity-warn-only",)
    else:
        project = _one_component(
            pytester, '[tool.tta-maturity.gates.licences]\ncommand = ["no-such-tool-xyz"]\nlevel = "production"\n'
        )
        args = ()
    result = project.run(
        "--tta-maturity",
        "--tta-maturity-gates=all",
        "-p",
        "no:cacheprovider",
        "--tta-maturity-report=junit:report.xml",
        *args,
    )
    assert result.ret == 0, result.stdout.str()
    assert _junit_counts(project) == ("0", "0")
