"""The entry point's early work: where pytest-cov should look, before it starts."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pytest_tta_maturity import entry
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


PACKAGE_DIR = Path(entry.__file__).parent


@pytest.mark.parametrize(
    ("sources", "measured"),
    [
        (None, False),  # pytest-cov absent
        ([], False),
        ([True], True),  # a bare --cov: coverage.py's configuration decides, so assume it does
        ([""], True),
        ([str(PACKAGE_DIR.parent)], True),  # a folder holding the package
        ([str(PACKAGE_DIR)], True),
        ([str(PACKAGE_DIR / "measure")], True),  # part of it: its import-time lines count too
        ([str(PACKAGE_DIR / "plugin.py")], True),
        ([str(Path(pytest.__file__).parent)], False),  # a folder elsewhere
        (["pytest_tta_maturity"], True),  # package names, as coverage.py reads a source with no such folder
        (["pytest_tta_maturity.render"], True),
        (["pytest_tta"], False),
        (["other_package", "pytest_tta_maturity_extra"], False),
    ],
)
def test_whether_coverage_measures_this_package(sources: list[object] | None, measured: bool) -> None:
    # The plugin is imported before coverage starts only when coverage will not measure it.
    assert entry.measures_this_package(sources) is measured
