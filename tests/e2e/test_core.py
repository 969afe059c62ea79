"""End to end: one pytest session measures, attributes, scores and reports."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from pytest_tta_maturity.render import formats
from tests.conftest import Project, needs_xdist

NO_GATES = ("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:report.json")


def coverage_json(project: Project, include: str) -> dict[str, Any]:
    """What coverage.py itself reports over ``include`` for the data of the last run."""
    out = subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", f"--include={include}", "-o", "-"],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["totals"]


def test_figures_equal_coverage_report_include_on_the_same_run(project: Project) -> None:
    result = project.run(*NO_GATES)
    assert result.ret == 0, result.stdout.str()
    for name, include in (("cart", "src/shop/cart.py"), ("pricing", "src/shop/pricing.py,src/shop/unused.py")):
        ours = project.component(name)["coverage"]
        theirs = coverage_json(project, include)
        assert ours["percent"] == float(theirs["percent_covered_display"])
        assert ours["num_statements"] == theirs["num_statements"]
        assert ours["covered_lines"] == theirs["covered_lines"]
        assert ours["num_branches"] == theirs["num_branches"]
        assert ours["covered_branches"] == theirs["covered_branches"]
    # coverage report agrees too (the text table is only read here, to check ourselves)
    text = subprocess.run(
        [sys.executable, "-m", "coverage", "report", "--include=src/shop/unused.py"],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "0.00%" in text.splitlines()[-1]


def test_files_no_test_imports_count_as_zero(project: Project) -> None:
    project.run(*NO_GATES)
    pricing = project.component("pricing")["coverage"]
    assert pricing["missing_lines"]["src/shop/unused.py"] == [4, 6, 7, 8]
    assert (
        pricing["covered_lines"] + len(pricing["missing_lines"]["src/shop/pricing.py"]) + 4 == pricing["num_statements"]
    )


def test_import_time_lines_count(project: Project) -> None:
    project.run(*NO_GATES)
    missing = project.component("pricing")["coverage"]["missing_lines"]["src/shop/pricing.py"]
    assert 1 not in missing and 3 not in missing  # docstring and RATE run at import, from conftest-time collection


@needs_xdist
def test_xdist_gives_the_same_figures_as_serial(project: Project) -> None:
    assert project.run(*NO_GATES).ret == 0
    serial = project.report()
    assert project.run(*NO_GATES, "-n", "2").ret == 0
    parallel = project.report()
    assert serial["components"] == parallel["components"]


def test_beside_the_users_own_cov(project: Project) -> None:
    result = project.run(*NO_GATES, "--cov=src", "--cov-report=term")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*coverage: platform*", "TOTAL*", "*= tta-maturity =*"])
    alone = project.component("cart")
    assert project.run(*NO_GATES).ret == 0
    assert project.component("cart") == alone


@needs_xdist
def test_beside_the_users_own_cov_under_xdist(project: Project) -> None:
    result = project.run(*NO_GATES, "--cov=src/shop/cart.py", "--cov-report=term", "-n", "2")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["TOTAL*"])
    assert project.component("pricing")["coverage"]["missing_lines"]["src/shop/unused.py"] == [4, 6, 7, 8]


def test_tests_attributed_by_path_and_marker(project: Project) -> None:
    project.run(*NO_GATES)
    counts = {"passed": 2, "failed": 0, "skipped": 0, "errors": 0, "details": []}
    assert project.component("cart")["tests"] == counts
    assert project.component("pricing")["tests"] == {**counts, "passed": 1}


#: A ladder whose tool gates are ruff only, so that a run with every gate stays fast.
RUFF_LADDER = """
[tool.tta-maturity.levels.staging]
gates = ["format"]

[tool.tta-maturity.levels.production]
gates = []
"""


def tta(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``tta-maturity`` command in the project."""
    return subprocess.run(
        [sys.executable, "-m", "pytest_tta_maturity", *args],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_terminal_section_and_promotion(project: Project) -> None:
    project.write("pyproject.toml", (project.path / "pyproject.toml").read_text() + RUFF_LADDER)
    result = project.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    assert result.ret == 0, result.stdout.str()
    start = result.stdout.lines.index(next(x for x in result.stdout.lines if "= tta-maturity =" in x))
    ruff = project.component("cart")["gates"]["lint"]["tool"]
    core = "coverage.py {coverage_version} ({coverage_core} core)".format(**project.report())
    assert result.stdout.lines[start + 1 : start + 7] == [
        "component  declared      achieved      coverage  own tests  imports alone  tests       lint  format  blockers",
        "cart       development   staging       76.47%    76.47%     11.76%         2/2 passed  pass  pass",
        "pricing    experimental  experimental  21.05%    21.05%     15.79%         1 passed    pass  pass",
        f"tools: {ruff}, {core}",
        "ready to promote: cart (development -> staging)",
        "tta-maturity: PASSED: All 2 components meet their declared levels.",
    ]
    # promote works from that run: to the level it holds, not two above
    refused = tta(project, "promote", "cart", "--to", "production")
    assert (refused.returncode, refused.stderr) == (
        1,
        "tta-maturity promote: not promoting cart to production: the last report shows it holds staging\n",
    )
    assert refused.stdout == "  - coverage 76.47% < 80% (+3.53 pts, ~1 statement or branch)\n"
    before = (project.path / "pyproject.toml").read_text()
    promoted = tta(project, "promote", "cart", "--to", "staging")
    assert (promoted.returncode, promoted.stdout) == (0, "cart: development -> staging in pyproject.toml\n")
    assert (project.path / "pyproject.toml").read_text() == before.replace(
        '[tool.tta-maturity.components.cart]\nlevel = "development"',
        '[tool.tta-maturity.components.cart]\nlevel = "staging"',
    )
    assert 'level = "staging"' not in before


def test_no_gates_claims_no_level_that_needs_a_gate(project: Project) -> None:
    result = project.run(*NO_GATES)
    assert result.ret == 0
    start = result.stdout.lines.index(next(x for x in result.stdout.lines if "= tta-maturity =" in x))
    skipped = "not run (--tta-maturity-no-gates)"
    core = "coverage.py {coverage_version} ({coverage_core} core)".format(**project.report())
    assert result.stdout.lines[start + 1 : start + 9] == [
        "component  declared      achieved       coverage  own tests  imports alone  tests       lint     format   types    security  docs     blockers",
        "cart       development   experimental?  76.47%    76.47%     11.76%         2/2 passed  skipped  skipped  skipped  skipped   skipped",
        "pricing    experimental  experimental   21.05%    21.05%     15.79%         1 passed    skipped  skipped  skipped  skipped   skipped",
        "tool gates skipped (--tta-maturity-no-gates): scored on coverage and tests only",
        "? achieved level undetermined: a requirement above it was not measured in this run:",
        f"  cart: lint, format, types, security: {skipped}",
        f"tools: {core}",
        (
            "tta-maturity: PASSED: 1 of 2 components meet their declared levels; 0 below; "
            "1 not judged (the tool gates were not run)."
        ),
    ]
    cart = project.component("cart")
    assert (cart["achieved"], cart["meets"]) == ("experimental", None)  # not judged: never claimed
    assert cart["undetermined"] == [f"{g}: {skipped}" for g in ("lint", "format", "types", "security")]
    assert project.report()["summary"]["promotable"] == []


def test_below_level_fails_with_last_line_naming_why(project: Project) -> None:
    project.write(
        "tests/test_cart.py", "from shop.cart import total\n\ndef test_total():\n    assert total([1]) == 1\n"
    )
    result = project.run(*NO_GATES)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*2 passed*"])
    last = result.stdout.lines[-1]
    assert last.startswith("tta-maturity: FAILED: ")
    assert (
        last == "tta-maturity: FAILED: 1 of 2 components meet their declared levels; "
        "1 below: cart (coverage 35.29% < 60% (+24.71 pts, ~5 statements or branches))."
    )
    assert "pricing" not in last


def test_warn_only_reports_but_passes(project: Project) -> None:
    project.write("tests/test_cart.py", "def test_nothing():\n    pass\n")
    result = project.run(*NO_GATES, "--tta-maturity-warn-only")
    assert result.ret == 0
    assert result.stdout.lines[-1].endswith("(warn only)")


def test_component_option_scores_only_those(project: Project) -> None:
    result = project.run(*NO_GATES, "--tta-maturity-component=cart")
    assert result.ret == 0
    assert [c["name"] for c in project.report()["components"]] == ["cart"]


def test_unknown_component_option_is_a_usage_error(project: Project) -> None:
    result = project.run("--tta-maturity", "--tta-maturity-component=crat")
    assert result.ret == 4
    assert result.stderr.lines[0] == (
        "ERROR: --tta-maturity-component=crat: no such component in pyproject.toml; did you mean 'cart'?"
    )


def test_failing_test_still_fails(project: Project) -> None:
    project.write(
        "tests/test_more.py", "import pytest\n\n@pytest.mark.component('cart')\ndef test_bad():\n    assert 0\n"
    )
    result = project.run(*NO_GATES)
    assert result.ret == 1
    cart = project.component("cart")
    assert cart["tests"] == {
        "passed": 2,
        "failed": 1,
        "skipped": 0,
        "errors": 0,
        "details": [{"nodeid": "tests/test_more.py::test_bad", "outcome": "failed"}],
    }
    assert (cart["achieved"], cart["meets"], cart["blockers"]) == (
        "experimental",
        False,
        ["tests: 1 failed or errored"],
    )


def test_json_report_schema(project: Project) -> None:
    project.run(*NO_GATES)
    report = project.report()
    assert report["schema_version"] == 1
    assert report["tool"]["name"] == "pytest-tta-maturity"
    assert report["partial"] is False
    assert report["summary"] == {"components": 2, "meeting": 1, "below": 0, "not_judged": 1, "promotable": []}
    cart = project.component("cart")
    assert {"name", "declared", "achieved", "meets", "coverage", "tests", "gates", "blockers"} <= set(cart)
    assert cart["gates"]["lint"] == {
        "status": "skipped",
        "findings": 0,
        "details": [],
        "message": "not run (--tta-maturity-no-gates)",
    }


@pytest.mark.parametrize(
    ("args", "reason", "percent"),
    [
        (("-k", "total"), "tests selected on the command line (-k)", 15.79),
        (("-m", "component"), "tests selected on the command line (-m)", 21.05),
        (("tests/test_cart.py",), "tests selected on the command line (paths or node ids)", 0.0),
        (("tests/test_cart.py::test_total",), "tests selected on the command line (paths or node ids)", 0.0),
        (("--deselect", "tests/test_cart.py::test_total"), "tests selected on the command line (--deselect)", 21.05),
        # -x stops pytest's run loop with an exception: pytest-cov does not save its data
        (("-x", "tests/test_fail_first.py", "tests"), "stopped early: stopping after 1 failures", None),
    ],
)
def test_partial_runs_do_not_fail_on_coverage(
    project: Project, args: tuple[str, ...], reason: str, percent: float | None
) -> None:
    if "-x" in args:
        project.write("tests/test_fail_first.py", "def test_a():\n    assert 0\n\ndef test_b():\n    pass\n")
    text = project.path.joinpath("pyproject.toml").read_text()
    project.write("pyproject.toml", text.replace('level = "experimental"', 'level = "development"'))
    result = project.run(*NO_GATES, *args)
    report = project.report()
    assert report["partial"] is True
    assert report["partial_reason"] == reason
    pricing = project.component("pricing")
    # below development's 60 % (or not measured at all), and still meeting it: a partial run does not judge coverage
    measured = pricing["coverage"]["percent"] if pricing["coverage"]["measured"] else None
    assert measured == percent
    if percent is None:
        assert (
            pricing["coverage"]["note"]
            == "pytest-cov saves no data when the run stops early (stopping after 1 failures)"
        )
    assert (pricing["achieved"], pricing["meets"], pricing["blockers"]) == ("experimental", None, [])
    assert pricing["undetermined"][0] == f"coverage: partial run ({reason})"
    assert result.ret == (1 if "-x" in args else 0)
    assert f"* partial run ({reason}): coverage is not judged" in result.stdout.lines


def test_bad_configuration_exits_4_with_one_line(project: Project) -> None:
    text = project.path.joinpath("pyproject.toml").read_text().replace('level = "development"', 'level = "stagin"', 1)
    project.write("pyproject.toml", text)
    result = project.run("--tta-maturity")
    assert result.ret == 4
    assert [line for line in result.stderr.lines if line] == [
        'ERROR: pyproject.toml: tool.tta-maturity.components.cart.level = "stagin": '
        + "is not a level of the ladder; did you mean 'staging'?"
    ]
    assert "Traceback" not in result.stderr.str()


def test_unknown_marker_component_is_a_usage_error(project: Project) -> None:
    project.write("tests/test_x.py", "import pytest\n\n@pytest.mark.component('carts')\ndef test_x():\n    pass\n")
    result = project.run("--tta-maturity")
    assert result.ret == 4
    assert (
        "tests/test_x.py::test_x: @pytest.mark.component('carts'): no such component in pyproject.toml; did you mean 'cart'?"
        in result.stderr.str()
    )


def test_plugin_is_off_without_the_flag(project: Project) -> None:
    result = project.run()
    assert result.ret == 0
    assert "= tta-maturity =" not in result.stdout.str()


def test_ini_key_turns_it_on(project: Project) -> None:
    text = project.path.joinpath("pyproject.toml").read_text()
    project.write("pyproject.toml", text.replace('testpaths = ["tests"]', 'testpaths = ["tests"]\ntta_maturity = true'))
    result = project.run("--tta-maturity-no-gates", "--strict-config")
    result.stdout.fnmatch_lines(["*= tta-maturity =*"])


def test_off_loads_nothing_but_keeps_the_marker_and_the_gates_hook_valid(project: Project) -> None:
    # A conftest implementing the hook other plugins use, a test marked for a component, --strict-markers:
    # a run without --tta-maturity accepts both and never imports the plugin itself.
    project.write(
        "tests/conftest.py",
        "import sys\n\n"
        "def pytest_tta_maturity_gates(config):\n    return None\n\n"
        "def pytest_sessionfinish(session):\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith('pytest_tta_maturity.'))\n"
        "    print('loaded:', ' '.join(loaded))\n",
    )
    project.write(
        "tests/test_marked.py",
        "import pytest\n\n@pytest.mark.component('cart')\ndef test_marked():\n    assert True\n",
    )
    result = project.run("--strict-markers", "-s")
    assert result.ret == 0, result.stdout.str()
    result.stdout.no_fnmatch_line("*= tta-maturity =*")
    loaded = next(line for line in result.stdout.lines if "loaded:" in line).partition("loaded:")[2].split()
    assert loaded == ["pytest_tta_maturity.activation", "pytest_tta_maturity.entry", "pytest_tta_maturity.hookspecs"]


def test_a_report_format_is_loaded_only_when_a_run_writes_it(project: Project) -> None:
    # Each renderer but JSON's is imported when first asked for: a run writing JSON loads none of them.
    project.write(
        "tests/conftest.py",
        "import sys\n\n"
        "def pytest_unconfigure(config):\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith('pytest_tta_maturity.render.'))\n"
        "    print('loaded:', ' '.join(loaded))\n",
    )

    def renderers(*args: str) -> list[str]:
        result = project.run(*NO_GATES, *args, "-s")
        assert result.ret == 0, result.stdout.str()
        assert project.path.joinpath("report.json").is_file()
        line = next(line for line in result.stdout.lines if line.startswith("loaded:"))
        return [name for name in line.partition(":")[2].split() if name.rpartition(".")[2] in formats.FORMATS]

    assert renderers() == []
    assert renderers("--tta-maturity-report=html:r.html", "--tta-maturity-report=junit:r.xml") == [
        "pytest_tta_maturity.render.html",
        "pytest_tta_maturity.render.junit",
    ]
    assert "<html" in project.path.joinpath("r.html").read_text()
    assert "<testsuite" in project.path.joinpath("r.xml").read_text()


def test_relative_files_give_the_same_figures(project: Project) -> None:
    text = project.path.joinpath("pyproject.toml").read_text()
    project.write("pyproject.toml", text.replace("branch = true", "branch = true\nrelative_files = true"))
    assert project.run(*NO_GATES).ret == 0
    for name, include in (("cart", "src/shop/cart.py"), ("pricing", "src/shop/pricing.py,src/shop/unused.py")):
        ours = project.component(name)["coverage"]
        theirs = coverage_json(project, include)
        assert (ours["percent"], ours["num_statements"], ours["covered_lines"]) == (
            float(theirs["percent_covered_display"]),
            theirs["num_statements"],
            theirs["covered_lines"],
        )
