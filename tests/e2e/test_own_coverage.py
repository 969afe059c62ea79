"""End to end: own-tests and import-only coverage equal coverage.py's context-filtered report.

The project is the case the figures exist for: a package whose ``__init__``
imports every component (so each gets lines from imports alone), ``alpha``'s
tests that also exercise ``beta``, a test that counts for both, ``gamma`` with no
test of its own but run by a test of no component, and ``delta`` whose only test
is skipped. The oracle is ``coverage json --contexts=...`` over the data of the
same run: ``^$`` for imports alone, ``^$`` plus the component's own tests'
contexts for its own tests.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from pytest_tta_maturity import cli
from tests.conftest import Project, needs_xdist

PYPROJECT = """\
[tool.coverage.run]
branch = true

[tool.coverage.report]
precision = 2

[tool.tta-maturity.components.alpha]
level = "experimental"
paths = ["src/mono/alpha.py"]
tests = ["tests/test_alpha.py"]

[tool.tta-maturity.components.beta]
level = "experimental"
paths = ["src/mono/beta.py"]
tests = ["tests/test_beta.py"]

[tool.tta-maturity.components.gamma]
level = "experimental"
paths = ["src/mono/gamma.py"]

[tool.tta-maturity.components.delta]
level = "experimental"
paths = ["src/mono/delta.py"]
tests = ["tests/test_delta.py"]
"""

FILES = {
    "src/mono/__init__.py": "from . import alpha, beta, delta, gamma\n",
    "src/mono/alpha.py": '''\
        """Alpha."""

        LIMIT = 3


        def grade(n):
            """Grade n."""
            if n > LIMIT:
                return "high"
            return "low"


        def extra(n):
            """Only a test of beta and alpha calls this."""
            if n:
                return n * 2
            return 0
        ''',
    "src/mono/beta.py": '''\
        """Beta."""


        def one(x):
            """Called by alpha's tests."""
            if x < 0:
                return -x
            return x


        def two(x):
            """Called by beta's own tests."""
            return x + 2


        def three(x):
            """Never called."""
            for i in range(x):
                x += i
            return x
        ''',
    "src/mono/gamma.py": '''\
        """Gamma: no tests of its own."""


        def run(flag):
            """Called by a test of no component."""
            if flag:
                return "yes"
            return "no"
        ''',
    "src/mono/delta.py": '''\
        """Delta: its only test is skipped."""


        def work(n):
            """Never run."""
            return n - 1
        ''',
    "tests/test_alpha.py": """\
        from mono import alpha, beta


        def test_grade():
            assert alpha.grade(5) == "high"
            assert beta.one(-2) == 2
        """,
    "tests/test_beta.py": """\
        import pytest

        from mono import alpha, beta


        def test_two():
            assert beta.two(1) == 3


        @pytest.mark.component("alpha")
        def test_both():
            assert alpha.extra(2) == 4
            assert beta.one(3) == 3
        """,
    "tests/test_misc.py": """\
        from mono import gamma


        def test_gamma():
            assert gamma.run(True) == "yes"
        """,
    "tests/test_delta.py": """\
        import pytest


        @pytest.mark.skip(reason="not yet")
        def test_work():
            from mono import delta

            assert delta.work(2) == 1
        """,
}

RUN = ("--tta-maturity", "--tta-maturity-no-gates", "--cov-report=", "--tta-maturity-report=json:report.json")
#: The own tests of each component, as regexes of pytest-cov's per-test context labels.
OWN_TEST_IDS = {
    "alpha": [r"^tests/test_alpha\.py::", r"^tests/test_beta\.py::test_both\|"],
    "beta": [r"^tests/test_beta\.py::"],
    "gamma": [],
    "delta": [r"^tests/test_delta\.py::"],
}


@pytest.fixture
def mono(pytester: pytest.Pytester) -> Project:
    project = Project(pytester)
    for path, text in FILES.items():
        project.write(path, text)
    project.write("pyproject.toml", PYPROJECT)
    project.write("tests/conftest.py", "import sys\nsys.path.insert(0, 'src')\n")
    return project


def coverage_totals(project: Project, module: str, contexts: list[str] | None) -> dict[str, Any]:
    """coverage.py's own totals over one module of the last run's data, limited to ``contexts``."""
    argv = [sys.executable, "-m", "coverage", "json", "-q", "-o", "-", f"src/mono/{module}.py"]
    if contexts is not None:
        argv.insert(4, "--contexts=" + ",".join(contexts))
    out = subprocess.run(argv, cwd=project.path, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["totals"]


def assert_equal(ours: dict[str, Any], theirs: dict[str, Any], what: str) -> None:
    assert ours["percent"] == float(theirs["percent_covered_display"]), what
    for key in ("num_statements", "covered_lines", "num_branches", "covered_branches"):
        assert ours[key] == theirs[key], f"{what}: {key}"


def own_contexts(name: str, labels: str) -> list[str]:
    """The regexes selecting a component's own tests' contexts (and import time)."""
    if labels == "pytest-cov":
        return ["^$", *OWN_TEST_IDS[name]]
    return ["^$", rf"^tta-maturity:([^|]+;)?{re.escape(name)}(;[^|]+)?\|"]


def assert_figures_equal_coverage(project: Project, report: str = "report.json", labels: str = "tta-maturity") -> None:
    for name in ("alpha", "beta", "gamma", "delta"):
        coverage = project.component(name, report)["coverage"]
        sources = coverage["sources"]
        assert_equal(sources["all_tests"], coverage_totals(project, name, None), f"{name} all_tests")
        assert_equal(sources["import_only"], coverage_totals(project, name, ["^$"]), f"{name} import_only")
        if name in ("alpha", "beta"):
            assert_equal(sources["own_tests"], coverage_totals(project, name, own_contexts(name, labels)), name)
        else:  # no own test ran: nothing counts as its own, not even import time
            own = sources["own_tests"]
            assert (own["percent"], own["covered_lines"], own["covered_branches"]) == (0.0, 0, 0)
            assert own["num_statements"] == sources["all_tests"]["num_statements"]
            assert own["num_branches"] == sources["all_tests"]["num_branches"]


@pytest.mark.parametrize(
    "args",
    [
        (),
        pytest.param(("-n", "2"), marks=needs_xdist),
        ("--cov-context=test",),
        pytest.param(("--cov-context=test", "-n", "2"), marks=needs_xdist),
    ],
    ids=["serial", "xdist", "beside-cov-context-test", "beside-cov-context-test-xdist"],
)
def test_three_figures_equal_coverage_reports_over_contexts(mono: Project, args: tuple[str, ...]) -> None:
    result = mono.run(*RUN, "--cov=src", *args)
    assert result.ret == 0, result.stdout.str()
    labels = "pytest-cov" if "--cov-context=test" in args else "tta-maturity"
    assert mono.report()["coverage_contexts"] == labels
    assert_figures_equal_coverage(mono, labels=labels)
    alpha = mono.component("alpha")["coverage"]
    # alpha's figure from all tests hides nothing here, but beta's own tests leave one() to alpha's
    assert alpha["sources"]["own_tests"] == alpha["sources"]["all_tests"]
    beta = mono.component("beta")["coverage"]
    assert beta["sources"]["own_tests"]["covered_lines"] < beta["sources"]["all_tests"]["covered_lines"]
    assert beta["other_tests"] == {"alpha": 1}  # one()'s "return -x": only alpha's test passes a negative
    assert mono.component("gamma")["coverage"]["other_tests"] == {"(no component)": 2}


def test_users_test_contexts_still_work(mono: Project) -> None:
    result = mono.run(*RUN, "--cov=src", "--cov-context=test")
    assert result.ret == 0, result.stdout.str()
    totals = coverage_totals(mono, "beta", [r"^tests/test_beta\.py::test_two\|run$"])
    assert totals["covered_lines"] == 1  # the body of two(): the user's per-test contexts are intact


@pytest.mark.slow
def test_two_shards_through_check_give_the_figures_of_one_run(mono: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    shards = {
        "full": (),
        "one": ("tests/test_alpha.py", "tests/test_misc.py"),
        "two": ("tests/test_beta.py", "tests/test_delta.py"),
    }
    for name, paths in shards.items():
        monkeypatch.setenv("COVERAGE_FILE", str(mono.path / f"{name}.cov"))
        result = mono.run(*RUN[:3], "--cov=src", "--cov-report=", f"--tta-maturity-report=json:{name}.json", *paths)
        assert result.ret == 0, result.stdout.str()
    argv = ["check", "--coverage-file", "one.cov", "two.cov", "--results", "one.json", "two.json"]
    assert cli.main([*argv, "--report", "json:c.json"]) == 0
    full, combined = mono.report("full.json"), mono.report("c.json")
    assert combined["coverage_contexts"] == "tta-maturity"
    for name in ("alpha", "beta", "gamma", "delta"):
        assert mono.component(name, "c.json")["coverage"] == mono.component(name, "full.json")["coverage"]
    assert [c["coverage"]["sources"] for c in combined["components"]] == [
        c["coverage"]["sources"] for c in full["components"]
    ]


def test_a_dynamic_context_setting_leaves_the_figures_absent_with_the_reason(mono: Project) -> None:
    pyproject = mono.path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("branch = true", 'branch = true\ndynamic_context = "test_function"')
    )
    result = mono.run(*RUN, "--cov=src")
    assert result.ret == 0, result.stdout.str()
    sources = mono.component("beta")["coverage"]["sources"]
    reason = (
        "the coverage configuration's dynamic_context = 'test_function' records its own contexts "
        "(remove it to measure own-tests coverage)"
    )
    assert sources["own_tests"] == {"measured": False, "note": reason}
    assert sources["import_only"] == {"measured": False, "note": reason}
    assert sources["all_tests"]["covered_lines"] > 0
    assert "coverage_contexts" not in mono.report()


@pytest.mark.skipif(sys.version_info < (3, 12), reason="coverage.py's sysmon core needs Python 3.12+")
def test_the_sysmon_core_leaves_the_figures_absent_with_the_reason(
    mono: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COVERAGE_CORE", "sysmon")
    pyproject = mono.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("branch = true", "branch = false"))
    result = mono.run(*RUN, "--cov=src")
    assert result.ret == 0, result.stdout.str()
    assert mono.report()["coverage_core"] == "sysmon"
    own = mono.component("beta")["coverage"]["sources"]["own_tests"]
    assert own == {
        "measured": False,
        "note": "coverage.py's sysmon core does not record contexts (COVERAGE_CORE=ctrace does)",
    }


def judge_beta_on_own_tests(project: Project) -> None:
    """Declare beta at development (60 %), judged on its own tests."""
    pyproject = project.path / "pyproject.toml"
    old = 'level = "experimental"\npaths = ["src/mono/beta.py"]'
    new = 'level = "development"\npaths = ["src/mono/beta.py"]\ncoverage_from = "own_tests"'
    pyproject.write_text(pyproject.read_text().replace(old, new))


@pytest.mark.parametrize("args", [(), pytest.param(("-n", "2"), marks=needs_xdist)], ids=["serial", "xdist"])
def test_a_component_judged_on_own_tests_fails_on_that_figure(mono: Project, args: tuple[str, ...]) -> None:
    judge_beta_on_own_tests(mono)
    result = mono.run(*RUN, "--cov=src", *args)
    assert result.ret == 1, result.stdout.str()
    beta = mono.component("beta")
    own, everything = beta["coverage"]["sources"]["own_tests"], beta["coverage"]["sources"]["all_tests"]
    assert beta["coverage"]["judged_on"] == "own_tests"
    assert own["percent"] < 60 <= everything["percent"]  # all tests would have held development
    assert beta["blockers"][0].startswith(f"own-tests coverage {own['percent']:.2f}% < 60% ")
    assert result.stdout.lines[-1].startswith(
        f"tta-maturity: FAILED: 3 of 4 components meet their declared levels; "
        f"1 below: beta (own-tests coverage {own['percent']:.2f}% < 60%"
    )


@pytest.mark.parametrize("args", [(), pytest.param(("-n", "2"), marks=needs_xdist)], ids=["serial", "xdist"])
def test_own_tests_for_a_component_without_tests_is_a_configuration_error(mono: Project, args: tuple[str, ...]) -> None:
    pyproject = mono.path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'paths = ["src/mono/gamma.py"]', 'paths = ["src/mono/gamma.py"]\ncoverage_from = "own_tests"'
        )
    )
    result = mono.run(*RUN, "--cov=src", *args)
    assert result.ret == 4, result.stdout.str()
    line = (
        "ERROR: pyproject.toml: tool.tta-maturity.components.gamma.coverage_from = \"own_tests\": component 'gamma' "
        'has no tests (no tests key and no test marked @pytest.mark.component("gamma")); add tests = ["tests/gamma"] '
        'or mark its tests @pytest.mark.component("gamma")'
    )
    assert line in result.stderr.lines, result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    # a test marked for it, even deselected, is a test of its own
    mono.write("tests/test_gamma.py", "import pytest\n\n@pytest.mark.component('gamma')\ndef test_g():\n    pass\n")
    assert mono.run(*RUN, "--cov=src", "--deselect", "tests/test_gamma.py::test_g", *args).ret == 0


@pytest.mark.parametrize("args", [(), pytest.param(("-n", "2"), marks=needs_xdist)], ids=["serial", "xdist"])
def test_own_tests_that_all_failed_still_ran_their_lines(mono: Project, args: tuple[str, ...]) -> None:
    """A failed test ran: its lines are its component's own (a failing run is judged by the tests gate, not 0 %)."""
    mono.write(
        "tests/test_beta.py",
        """\
        from mono import beta


        def test_two():
            assert beta.two(1) == 3
            raise AssertionError("fails after running two()")
        """,
    )
    result = mono.run(*RUN, "--cov=src", *args)
    assert result.ret == 1, result.stdout.str()
    beta = mono.component("beta")
    assert beta["tests"]["failed"] == 1 and beta["tests"]["passed"] == 0
    own = beta["coverage"]["sources"]["own_tests"]
    assert own["covered_lines"] > 0
    assert_equal(own, coverage_totals(mono, "beta", own_contexts("beta", "tta-maturity")), "beta own_tests")
