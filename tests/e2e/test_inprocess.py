"""The plugin's hooks run in this process (``--no-cov``), so our own coverage sees them.

The subprocess tests in test_core.py are the contract; these repeat a few of them
in-process, where coverage cannot be measured (pytest-cov is off) and must fail closed.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import Project, needs_xdist


def run(project: Project, *args: str) -> pytest.RunResult:
    return project.pytester.runpytest_inprocess("--tta-maturity", "--no-cov", "-p", "no:randomly", *args)


def test_coverage_off_fails_closed(project: Project) -> None:
    result = run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json")
    assert result.ret == 1
    report = json.loads((project.path / "out.json").read_text())
    cart = report["components"][0]
    assert cart["coverage"]["measured"] is False
    assert cart["blockers"] == ["coverage: not measured (pytest-cov is disabled by --no-cov)"]
    assert cart["tests"]["passed"] == 2
    assert result.outlines[-1] == (
        "tta-maturity: FAILED: 1 of 2 components meet their declared levels; "
        "1 below: cart (coverage: not measured (pytest-cov is disabled by --no-cov))."
    )


def test_warn_only_and_selection(project: Project) -> None:
    result = run(project, "--tta-maturity-no-gates", "--tta-maturity-warn-only", "--tta-maturity-component=pricing")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["pricing*experimental*experimental*n/a*1 passed*"])  # experimental needs no tests
    assert "cart " not in result.stdout.str()


def test_partial_with_keyword(project: Project) -> None:
    result = run(project, "--tta-maturity-no-gates", "-k", "describe", "--tta-maturity-report=json:out.json")
    report = json.loads((project.path / "out.json").read_text())
    assert report["partial"] is True
    assert report["partial_reason"] == "tests selected on the command line (-k)"
    assert result.ret == 0


def test_marker_attribution_and_failures(project: Project) -> None:
    project.write(
        "tests/test_more.py",
        """
        import pytest

        @pytest.mark.component("cart", "pricing")
        def test_both():
            assert 0

        @pytest.fixture
        def broken():
            raise RuntimeError

        @pytest.mark.component("pricing")
        def test_error(broken):
            pass

        @pytest.mark.component("pricing")
        @pytest.mark.skip
        def test_skipped():
            pass
        """,
    )
    run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json")
    comps = {c["name"]: c for c in json.loads((project.path / "out.json").read_text())["components"]}
    assert comps["cart"]["tests"] == {
        "passed": 2,
        "failed": 1,
        "skipped": 0,
        "errors": 0,
        "details": [{"nodeid": "tests/test_more.py::test_both", "outcome": "failed"}],
    }
    assert comps["pricing"]["tests"] == {
        "passed": 1,
        "failed": 1,
        "skipped": 1,
        "errors": 1,
        "details": [
            {"nodeid": "tests/test_more.py::test_both", "outcome": "failed"},
            {"nodeid": "tests/test_more.py::test_error", "outcome": "error"},
        ],
    }


def test_gates_state_without_no_gates(project: Project) -> None:
    result = run(project, "--tta-maturity-report=json:out.json")
    cart = json.loads((project.path / "out.json").read_text())["components"][0]
    statuses = {name: gate["status"] for name, gate in cart["gates"].items()}
    # every gate measured cart's clean code; only coverage, which pytest-cov could not measure, blocks it
    assert statuses == dict.fromkeys(("tests", "lint", "format", "types", "security", "docs"), "pass")
    assert cart["blockers"] == ["coverage: not measured (pytest-cov is disabled by --no-cov)"]
    assert result.ret == 1


def test_report_kept_in_cache(project: Project) -> None:
    run(project, "--tta-maturity-no-gates")
    cached = project.path / ".pytest_cache" / "v" / "tta-maturity" / "last-report"
    assert json.loads(cached.read_text())["schema_version"] == 1
    full = cached.with_name("last-full-report")
    assert full.read_text() == cached.read_text()
    run(project, "--tta-maturity-no-gates", "-k", "total")
    assert json.loads(cached.read_text())["partial"] is True
    assert json.loads(full.read_text())["partial"] is False


def test_cache_off_says_no_report_was_kept(project: Project) -> None:
    result = run(project, "--tta-maturity-no-gates", "-p", "no:cacheprovider")
    notes = [line for line in result.outlines if line.startswith("note: no report was kept")]
    assert notes == [
        (
            "note: no report was kept for the tta-maturity command: pytest's cache is off (-p no:cacheprovider); "
            "keep one with --tta-maturity-report=json:PATH and pass --report-file PATH to status, explain and promote"
        )
    ]
    result = run(project, "--tta-maturity-no-gates", "-p", "no:cacheprovider", "--tta-maturity-report=json:-")
    assert any(line.startswith("note: no report was kept") for line in result.outlines)


def test_bad_config_is_usage_error(project: Project) -> None:
    project.write("pyproject.toml", "[tool.tta-maturity.components.x]\nlevel = 'development'\npaths = ['nope']\n")
    result = run(project)
    assert result.ret == 4


def test_plugin_off_by_default(project: Project) -> None:
    result = project.pytester.runpytest_inprocess("--no-cov")
    assert result.ret == 0
    assert "= tta-maturity =" not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("-m", "component"), "tests selected on the command line (-m)"),
        (("tests/test_cart.py",), "tests selected on the command line (paths or node ids)"),
        (("tests/test_cart.py::test_total",), "tests selected on the command line (paths or node ids)"),
        (("--deselect", "tests/test_cart.py::test_total"), "tests selected on the command line (--deselect)"),
        (("-x", "tests/test_fail_first.py", "tests"), "stopped early: stopping after 1 failures"),
        (("--maxfail=1", "tests"), "stopped early: stopping after 1 failures"),
        (("tests", "tests/test_broken.py"), "1 collection error"),
    ],
)
def test_partial_reasons(project: Project, args: tuple[str, ...], reason: str) -> None:
    if "-x" in args or "--maxfail=1" in args:
        project.write("tests/test_fail_first.py", "def test_a():\n    assert 0\n\ndef test_b():\n    pass\n")
    if "tests/test_broken.py" in args:
        project.write("tests/test_broken.py", "import nothing_here\n")
        args = ("--continue-on-collection-errors",)
    run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json", *args)
    report = json.loads((project.path / "out.json").read_text())
    assert (report["partial"], report["partial_reason"]) == (True, reason)
    kinds = {"tests selected": "selection", "stopped early": "stopped", "1 collection error": "collection"}
    assert report["partial_kind"] == next(kind for words, kind in kinds.items() if reason.startswith(words))


def test_full_run_naming_testpaths_is_not_partial(project: Project) -> None:
    run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json", "tests")
    assert json.loads((project.path / "out.json").read_text())["partial"] is False


def test_the_project_addopts_are_the_full_run(project: Project) -> None:
    text = (project.path / "pyproject.toml").read_text()
    own = 'testpaths = ["tests"]\naddopts = ["-m", "not slow", "--deselect", "tests/test_cart.py::test_total", "tests"]'
    project.write("pyproject.toml", text.replace('testpaths = ["tests"]', own + '\nmarkers = ["slow"]'))
    project.write("tests/test_slow.py", "import pytest\n\n@pytest.mark.slow\ndef test_slow():\n    pass\n")
    run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json")
    report = json.loads((project.path / "out.json").read_text())
    assert (report["partial"], report["partial_kind"]) == (False, "")
    run(project, "--tta-maturity-no-gates", "--tta-maturity-report=json:out.json", "-vk", "describe")
    report = json.loads((project.path / "out.json").read_text())
    assert (report["partial_kind"], report["partial_reason"]) == (
        "selection",
        "tests selected on the command line (-k)",
    )


def test_last_failed_with_nothing_failed_is_full(project: Project) -> None:
    run(project, "--tta-maturity-no-gates")
    run(project, "--tta-maturity-no-gates", "--lf", "--tta-maturity-report=json:out.json")
    assert json.loads((project.path / "out.json").read_text())["partial"] is False


def test_usage_errors(project: Project) -> None:
    result = run(project, "--tta-maturity-component=crat")
    assert result.ret == 4
    project.write("tests/test_x.py", "import pytest\n\n@pytest.mark.component('zzz')\ndef test_x():\n    pass\n")
    result = run(project)
    assert result.ret == 4
    result = run(project, "--tta-maturity-report=xml")
    assert result.ret == 4


def test_timings_line(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTA_MATURITY_TIMINGS", "1")
    result = run(project, "--tta-maturity-no-gates")
    result.stdout.fnmatch_lines(["tta-maturity timings: measure=*s gates_wait=*s score=*s write=*s"])


@needs_xdist
def test_xdist_controller_merges_worker_attribution(project: Project) -> None:
    run(project, "--tta-maturity-no-gates", "-n", "2", "--tta-maturity-report=json:out.json")
    comps = {c["name"]: c for c in json.loads((project.path / "out.json").read_text())["components"]}
    assert comps["cart"]["tests"]["passed"] == 2
    assert comps["pricing"]["tests"]["passed"] == 1


PLUGIN_GATE = """
import sys

from pytest_tta_maturity.gates import GateSpec


def pytest_tta_maturity_gates(config):
    return [GateSpec(name="always", program=sys.executable, arguments=lambda ctx: ["-c", "pass"])]
"""


def test_plugin_gate_from_conftest(project: Project) -> None:
    project.write("conftest.py", PLUGIN_GATE)
    text = (project.path / "pyproject.toml").read_text()
    project.write("pyproject.toml", text + '\n[tool.tta-maturity.levels.development]\ngates = ["tests", "always"]\n')
    run(project, "--tta-maturity-report=json:out.json")
    cart = json.loads((project.path / "out.json").read_text())["components"][0]
    assert cart["gates"]["always"]["status"] == "pass"


def test_level_gate_nobody_provides(project: Project) -> None:
    text = (project.path / "pyproject.toml").read_text()
    project.write("pyproject.toml", text + '\n[tool.tta-maturity.levels.development]\ngates = ["tests", "alwys"]\n')
    result = run(project)
    assert result.ret == 4
    expected = (
        "ERROR: pyproject.toml: tool.tta-maturity.levels.development.gates = "
        "[\"tests\", \"alwys\"]: 'alwys' is not a gate; use one of 'tests', 'lint', 'format', "
        "'types', 'security', 'docs'"
    )
    assert [line for line in result.errlines if line.strip()] == [expected]


def test_last_failed_after_a_failure_is_partial(project: Project) -> None:
    project.write("tests/test_flaky.py", "def test_flaky():\n    assert 0\n")
    run(project, "--tta-maturity-no-gates")
    run(project, "--tta-maturity-no-gates", "--lf", "--tta-maturity-report=json:out.json")
    report = json.loads((project.path / "out.json").read_text())
    assert (report["partial"], report["partial_reason"]) == (True, "tests selected on the command line (--lf)")


@pytest.mark.parametrize("option", ["--collect-only", "--fixtures", "--markers"])
def test_informational_runs_are_not_scored(project: Project, option: str) -> None:
    text = (project.path / "pyproject.toml").read_text().replace('"src/shop/cart.py"', '"src/shop/nope.py"')
    project.write("pyproject.toml", text)
    result = run(project, option)
    assert result.ret == 0
    assert "= tta-maturity =" not in result.stdout.str()


def test_help_works_with_a_broken_configuration(project: Project) -> None:
    project.write("pyproject.toml", "[tool.pytest.ini_options]\ntta_maturity = true\n[tool.tta-maturity]\nx = 1\n")
    result = project.pytester.runpytest_inprocess("--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*--tta-maturity-report=FORMAT*"])


def test_affected_without_coverage_runs_everything_and_says_why(project: Project) -> None:
    result = run(project, "--tta-maturity-no-gates", "--tta-maturity-affected", "--tta-maturity-report=json:out.json")
    result.stdout.fnmatch_lines(
        [
            "affected: no test taken from a record (3 ran): per-test coverage cannot be recorded: coverage was not measured"
        ]
    )
    report = json.loads((project.path / "out.json").read_text())
    assert report["affected"] == {
        "ran": 3,
        "total": 3,
        "record": None,
        "fallback": "per-test coverage cannot be recorded: coverage was not measured",
    }
    assert report["partial"] is False
    off = run(project, "--tta-maturity-no-gates", "-p", "no:cacheprovider", "-o", "tta_maturity_affected=true")
    off.stdout.fnmatch_lines(
        [
            (
                "affected: no test taken from a record (3 ran): per-test coverage cannot be recorded: "
                "pytest's cache is off (-p no:cacheprovider)"
            )
        ]
    )


@pytest.mark.parametrize("value", ["sometimes", "2"])
def test_a_bad_affected_ini_value_is_a_usage_error(project: Project, value: str) -> None:
    text = (project.path / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text.replace('testpaths = ["tests"]', f'testpaths = ["tests"]\ntta_maturity_affected = "{value}"'),
    )
    result = run(project, "--tta-maturity-no-gates")
    assert result.ret == 4
    result.stderr.fnmatch_lines(
        [
            f"ERROR: pyproject.toml: [tool.pytest.ini_options] tta_maturity_affected = '{value}': is not a boolean; use true or false"
        ]
    )


def test_more_usage_errors_in_this_process(project: Project) -> None:
    project.write("tta-maturity-baseline.json", "{not json")
    result = run(project, "--tta-maturity-no-gates")
    assert result.ret == 4
    (project.path / "tta-maturity-baseline.json").unlink()
    result = run(project, "--tta-maturity-no-gates", "-o", "tta_maturity_gates=some")
    assert result.ret == 4
    result = run(project, "--tta-maturity-no-gates", "--tta-maturity-new-code=main")
    assert result.ret == 4  # not a git repository


def test_new_code_in_this_process(project: Project) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project.path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@e", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "start")
    result = run(
        project, "--tta-maturity-no-gates", "--tta-maturity-new-code=main", "--tta-maturity-report=json:out.json"
    )
    report = json.loads((project.path / "out.json").read_text())
    assert report["new_code"]["ref"] == "main"
    assert result.ret == 1  # coverage is off: cart's coverage is not measured


def test_without_pytest_cov_coverage_is_not_measured(project: Project) -> None:
    result = project.pytester.runpytest_inprocess(
        "--tta-maturity", "-p", "no:pytest_cov", "-p", "no:randomly", "--tta-maturity-no-gates"
    )
    result.stdout.fnmatch_lines(["*coverage: not measured (pytest-cov is not active)*"])
    assert result.ret == 1


def test_the_pyproject_beside_another_ini_file_is_read(project: Project) -> None:
    project.write("pytest.ini", "[pytest]\ntestpaths = tests\npythonpath = src\n")
    result = run(project, "--tta-maturity-no-gates")
    result.stdout.fnmatch_lines(["cart *development*", "pricing *experimental*"])


def test_the_nearest_pyproject_above_the_invocation_folder_is_read(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write("sub/pytest.ini", "[pytest]\n")
    project.write("sub/test_sub.py", "def test_sub():\n    pass\n")
    monkeypatch.chdir(project.path / "sub")
    result = run(project, "--tta-maturity-no-gates")
    result.stdout.fnmatch_lines(["cart *development*", "pricing *experimental*"])
