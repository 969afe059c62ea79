"""Per-component figures from coverage.py data equal coverage.py's own report."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import coverage
import pytest
from coverage import CoverageData

from pytest_tta_maturity.config import load
from pytest_tta_maturity.measure.figures import measure_components

MODULE = """\
def f(x):
    if x:
        return 1
    return 2


def g():
    return 3
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for rel in ("pkg/a/one.py", "pkg/a/two.py", "pkg/b/three.py", "pkg/b/omitted.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(MODULE)
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.coverage.run]
            branch = true
            omit = ["*/omitted.py"]
            [tool.coverage.report]
            precision = 2
            [tool.tta-maturity.components.a]
            level = "development"
            paths = ["pkg/a"]
            [tool.tta-maturity.components.b]
            level = "development"
            paths = ["pkg/b"]
            """
        )
    )
    return tmp_path.resolve()


def recorded(project: Path) -> coverage.Coverage:
    """Data as a run that executed one.py's true branch and g() would record."""
    data = CoverageData(basename=str(project / ".coverage"))
    one = str(project / "pkg/a/one.py")
    data.add_arcs({one: {(-1, 1), (1, 2), (2, 3), (3, -1), (1, 7), (7, -7), (-7, 8), (8, -7)}})
    data.write()
    cov = coverage.Coverage(data_file=str(project / ".coverage"), config_file=str(project / "pyproject.toml"))
    cov.load()
    return cov


def test_figures_match_coverage_report(project: Path) -> None:
    cov = recorded(project)
    cfg = load(project / "pyproject.toml")
    figures = measure_components(cov, cfg)
    a = figures["a"]
    total = cov.report(morfs=[str(project / "pkg/a/one.py"), str(project / "pkg/a/two.py")], file=io.StringIO())
    assert a.raw_percent == pytest.approx(total)
    assert a.percent == round(total, 2)
    assert (a.num_statements, a.num_branches) == (12, 4)
    assert a.missing_lines == {"pkg/a/one.py": [4], "pkg/a/two.py": [1, 2, 3, 4, 7, 8]}
    b = figures["b"]
    assert b.missing_lines == {"pkg/b/three.py": [1, 2, 3, 4, 7, 8]}  # omitted.py is left out, as coverage does
    assert (b.percent, b.num_statements) == (0.0, 6)


def test_selected_components_only(project: Path) -> None:
    cfg = load(project / "pyproject.toml")
    figures = measure_components(recorded(project), cfg, cfg.components[1:])
    assert list(figures) == ["b"]


def test_stub_files_are_not_counted(project: Path) -> None:
    # A package shipping stubs (attrs does: src/attr/*.pyi) must not get them counted as unexecuted
    # code: coverage.py never measures .pyi files, so `coverage report` leaves them out.
    (project / "pkg/a/one.pyi").write_text("from typing import Any\n\nCONST: int\n\ndef f(x: Any) -> int: ...\n")
    cov = recorded(project)
    figures = measure_components(cov, load(project / "pyproject.toml"))
    total = cov.report(morfs=[str(project / "pkg/a/one.py"), str(project / "pkg/a/two.py")], file=io.StringIO())
    assert figures["a"].raw_percent == pytest.approx(total)
    assert figures["a"].num_statements == 12
    assert "pkg/a/one.pyi" not in figures["a"].missing_lines


def test_every_python_file_counts_in_folders_without_init_too(project: Path) -> None:
    (project / "pkg/a/scripts").mkdir()
    (project / "pkg/a/scripts/tool.py").write_text(MODULE)  # no __init__.py: coverage.py's own search skips it
    (project / "pkg/a/scripts/.#tool.py").write_text("an editor's lock file")
    (project / "pkg/a/sub").mkdir()
    (project / "pkg/a/sub/__init__.py").write_text("")
    (project / "pkg/a/sub/deep.py").write_text(MODULE)
    (project / "pkg/a/__pycache__").mkdir()
    (project / "pkg/a/__pycache__/junk.py").write_text(MODULE)
    (project / "pkg/a/one.pyi").write_text("def f(x: int) -> int: ...\n")
    cov = recorded(project)
    a = measure_components(cov, load(project / "pyproject.toml"))["a"]
    assert sorted(a.missing_lines) == ["pkg/a/one.py", "pkg/a/scripts/tool.py", "pkg/a/sub/deep.py", "pkg/a/two.py"]
    # Over exactly those files, coverage.py's own report gives the same figures.
    files = ["one.py", "two.py", "sub/__init__.py", "sub/deep.py", "scripts/tool.py"]
    total = cov.report(morfs=[str(project / "pkg/a" / f) for f in files], file=io.StringIO())
    assert a.raw_percent == pytest.approx(total)
    assert (a.num_statements, a.num_branches) == (24, 8)


def test_a_component_with_code_is_never_100_percent_of_nothing(project: Path) -> None:
    text = (project / "pyproject.toml").read_text().replace('omit = ["*/omitted.py"]', 'omit = ["*/pkg/b/*"]')
    (project / "pyproject.toml").write_text(text)
    (project / "pkg/c").mkdir()
    (project / "pkg/c/only.pyi").write_text("X: int\n")
    (project / "pyproject.toml").write_text(
        text + '[tool.tta-maturity.components.c]\nlevel = "development"\npaths = ["pkg/c"]\n'
    )
    figures = measure_components(recorded(project), load(project / "pyproject.toml"))
    b, c = figures["b"], figures["c"]
    assert (b.measured, b.percent, b.num_statements) == (False, 0.0, 0)
    assert b.note == "every Python file of this component is left out by the coverage configuration's omit or include"
    assert (c.measured, c.note) == (False, "no Python source file (.py, .pyw) under this component's paths")
    assert figures["a"].measured
