"""Own-tests and import-only figures from data with contexts equal coverage.py's ``report(contexts=...)``."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import coverage
import pytest
from coverage import CoverageData

from pytest_tta_maturity.config import load
from pytest_tta_maturity.measure import coverage_adapter
from pytest_tta_maturity.measure.contexts import Attribution, label
from pytest_tta_maturity.measure.figures import measure_components
from pytest_tta_maturity.model import CoverageFigures

MODULE = """\
def f(x):
    if x:
        return 1
    return 2


def g():
    return 3
"""

#: What each context ran in pkg/a/one.py (arcs), as a run of a's and b's tests would record it.
RUNS = {
    "": {(-1, 1), (1, -1), (-7, 7)},  # import time: the two def statements
    label(["a"]): {(-1, 2), (2, 3), (3, -1)},  # a's own test: f's true branch
    label(["b"]): {(-1, 2), (2, 4), (4, -1)},  # b's test: f's false branch
    label([]): {(-7, 8), (8, -7)},  # a test of no component: g()
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg/a").mkdir(parents=True)
    (tmp_path / "pkg/a/one.py").write_text(MODULE)
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.coverage.run]
            branch = true
            [tool.coverage.report]
            precision = 2
            [tool.tta-maturity.components.a]
            level = "development"
            paths = ["pkg/a"]
            """
        )
    )
    return tmp_path.resolve()


def recorded(project: Path, *, branch: bool = True) -> coverage.Coverage:
    data = CoverageData(basename=str(project / ".coverage"))
    one = str(project / "pkg/a/one.py")
    for context, arcs in RUNS.items():
        data.set_context(context)
        if branch:
            data.add_arcs({one: arcs})
        else:
            data.add_lines({one: {n for arc in arcs for n in arc if n > 0}})
    data.write()
    pyproject = project / "pyproject.toml"
    if not branch:
        pyproject.write_text(pyproject.read_text().replace("branch = true", "branch = false"))
    cov = coverage.Coverage(data_file=str(project / ".coverage"), config_file=str(pyproject))
    cov.load()
    return cov


def theirs(project: Path, contexts: list[str] | None) -> float:
    """coverage.py's own total over the data, limited to ``contexts`` (a new ``Coverage`` each time:
    coverage.py 7.10's reports the first contexts it was asked for again)."""
    cov = coverage.Coverage(data_file=str(project / ".coverage"), config_file=str(project / "pyproject.toml"))
    cov.load()
    return cov.report(morfs=[str(project / "pkg/a/one.py")], contexts=contexts, file=io.StringIO())


def measured(project: Path, cov: coverage.Coverage, ran: set[str]) -> CoverageFigures:
    cfg = load(project / "pyproject.toml")
    return measure_components(cov, cfg, attribution=Attribution(ran=frozenset(ran)))["a"]


@pytest.mark.parametrize("branch", [True, False], ids=["branches", "lines"])
def test_each_figure_equals_coverage_report_over_its_contexts(project: Path, branch: bool) -> None:
    cov = recorded(project, branch=branch)
    figures = measured(project, cov, {"a"})
    own, imports = figures.sources["own_tests"], figures.sources["import_only"]
    assert figures.raw_percent == pytest.approx(theirs(project, None))
    assert own.raw_percent == pytest.approx(theirs(project, ["^$", "^tta-maturity:a$"]))
    assert imports.raw_percent == pytest.approx(theirs(project, ["^$"]))
    assert own.num_statements == imports.num_statements == figures.num_statements
    assert (own.covered_lines, imports.covered_lines) == (4, 2)  # the defs, "if x", "return 1"
    # g()'s body ran in a test of no component and f's "return 2" in b's: they are other tests' lines
    assert figures.other_tests == {"(no component)": 1, "b": 1}
    assert figures.other_tests_total == 2  # two different statements


def test_a_component_whose_own_tests_did_not_run_owns_nothing(project: Path) -> None:
    figures = measured(project, recorded(project), set())
    own = figures.sources["own_tests"]
    assert (own.percent, own.covered_lines, own.covered_branches) == (0.0, 0, 0)
    assert (own.num_statements, own.num_branches) == (figures.num_statements, figures.num_branches)
    # what b's test ran that imports did not: "if x" and "return 2"; a's own contexts are never "other"
    assert figures.other_tests == {"(no component)": 1, "b": 2}
    assert figures.other_tests_total == 3


def test_coverage_datas_documented_queries_give_the_same_figures(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cov = recorded(project)
    fast = measured(project, cov, {"a"})
    monkeypatch.setattr(coverage_adapter, "_read_contexts", lambda *_args: None)  # an unknown data layout
    assert measured(project, recorded(project), {"a"}) == fast


def test_a_statement_that_the_tests_of_several_components_ran_is_counted_once_in_the_total(project: Path) -> None:
    """b's and c's tests (one test of both, and one of b alone) ran the same statements: each counts them, the total once."""
    data = CoverageData(basename=str(project / ".coverage"))
    one = str(project / "pkg/a/one.py")
    for context, arcs in {
        "": {(-1, 1), (1, -1), (-7, 7)},
        label(["b", "c"]): {(-1, 2), (2, 4), (4, -1)},
        label(["b"]): {(-1, 2), (2, 4), (4, -1)},
    }.items():
        data.set_context(context)
        data.add_arcs({one: arcs})
    data.write()
    cov = coverage.Coverage(data_file=str(project / ".coverage"), config_file=str(project / "pyproject.toml"))
    cov.load()
    figures = measured(project, cov, {"a"})
    # "if x" and "return 2": two statements, ran by b's test and by the test of b and c
    assert (figures.other_tests, figures.other_tests_total) == ({"b": 2, "c": 2}, 2)
