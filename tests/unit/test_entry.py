"""The entry point's early work: where pytest-cov should look, before it starts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pytest_tta_maturity.entry import arrange_coverage, component_folders


def namespace(**kw: object) -> argparse.Namespace:
    base: dict[str, object] = {"cov_source": [], "cov_report": {}, "no_cov": False}
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.fixture
def pyproject(tmp_path: Path) -> Path:
    (tmp_path / "src/pkg/a").mkdir(parents=True)
    (tmp_path / "src/pkg/mod.py").write_text("")
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.tta-maturity.components.a]\nlevel = "staging"\npaths = ["src/pkg/a", "src/pkg/mod.py", "gone", 3]\n'
        "[tool.tta-maturity.components.b]\nlevel = 1\npaths = 'x'\n"
        "[tool.tta-maturity.components]\nc = 5\n"
    )
    return path


def test_component_folders_are_folders_of_the_paths(pyproject: Path) -> None:
    root = pyproject.parent.resolve()
    assert component_folders(pyproject) == [str(root / "src/pkg"), str(root / "src/pkg/a")]


@pytest.mark.parametrize("text", ["not toml [", "[tool.other]\n", "[tool.tta-maturity]\ncomponents = 3\n"])
def test_component_folders_tolerate_mistakes(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    assert component_folders(tmp_path / "pyproject.toml") == []


def test_component_folders_missing_file(tmp_path: Path) -> None:
    assert component_folders(tmp_path / "pyproject.toml") == []


def test_arranges_sources_and_silences_the_coverage_table() -> None:
    ns = namespace()
    arrange_coverage(ns, ["/p/src/a", "/p/src/b"])
    assert ns.cov_source == ["/p/src/a", "/p/src/b"]
    assert ns.cov_report == {"": None}


def test_keeps_the_users_sources_and_report() -> None:
    ns = namespace(cov_source=["/p/src"], cov_report={"term": None})
    arrange_coverage(ns, ["/p/src/a", "/p/other"])
    assert ns.cov_source == ["/p/src", "/p/other"]
    assert ns.cov_report == {"term": None}


@pytest.mark.parametrize("ns", [namespace(cov_source=[True]), namespace(cov_source=[""]), namespace(no_cov=True)])
def test_leaves_alone_when_everything_is_measured_or_coverage_is_off(ns: argparse.Namespace) -> None:
    before = list(ns.cov_source)
    arrange_coverage(ns, ["/p/src/a"])
    assert ns.cov_source == before


def test_without_pytest_cov_nothing_happens() -> None:
    ns = argparse.Namespace()
    arrange_coverage(ns, ["/p/src/a"])
    assert not hasattr(ns, "cov_source")


def test_the_options_gates_modes_are_the_enums_values() -> None:
    # activation cannot import the package (it runs before coverage starts), so it spells the modes again.
    from pytest_tta_maturity.activation import GATES_MODES
    from pytest_tta_maturity.model import GatesMode

    assert tuple(mode.value for mode in GatesMode) == GATES_MODES
