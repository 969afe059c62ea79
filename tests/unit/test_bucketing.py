"""Files map to components by their longest path prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_tta_maturity.bucketing import Bucketer, component_files, python_files
from pytest_tta_maturity.config import ComponentConfig


def comp(name: str, *paths: Path) -> ComponentConfig:
    return ComponentConfig(name=name, level="development", paths=paths)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in (
        "src/tta/__init__.py",
        "src/tta/carbon/__init__.py",
        "src/tta/carbon/meter.py",
        "src/tta/carbon/deep/x.py",
        "src/tta/model_registry.py",
        "src/tta/model_management/a.py",
        "src/tta/notes.md",
        "src/tta/carbon/__pycache__/meter.cpython-311.pyc",
        "src/tta/carbon/.hidden/y.py",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    return tmp_path.resolve()


@pytest.mark.parametrize(
    ("rel", "owner"),
    [
        ("src/tta/carbon/meter.py", "carbon"),
        ("src/tta/carbon/deep/x.py", "deep"),
        ("src/tta/model_registry.py", "mm"),
        ("src/tta/model_management/a.py", "mm"),
        ("src/tta/__init__.py", "tta"),
        ("src/other.py", None),
        ("/elsewhere/file.py", None),
    ],
)
def test_longest_prefix_wins(tree: Path, rel: str, owner: str | None) -> None:
    comps = [
        comp("tta", tree / "src/tta"),
        comp("carbon", tree / "src/tta/carbon"),
        comp("deep", tree / "src/tta/carbon/deep"),
        comp("mm", tree / "src/tta/model_management", tree / "src/tta/model_registry.py"),
    ]
    assert Bucketer.for_sources(comps).owner(tree / rel) == owner


def test_component_files_split_nested_components(tree: Path) -> None:
    comps = [comp("tta", tree / "src/tta"), comp("carbon", tree / "src/tta/carbon")]
    files = component_files(comps)
    rel = {k: sorted(p.relative_to(tree).as_posix() for p in v) for k, v in files.items()}
    assert rel == {
        "tta": ["src/tta/__init__.py", "src/tta/model_management/a.py", "src/tta/model_registry.py"],
        "carbon": ["src/tta/carbon/__init__.py", "src/tta/carbon/deep/x.py", "src/tta/carbon/meter.py"],
    }


def test_python_files_skip_caches_and_hidden_folders(tree: Path) -> None:
    found = [p.relative_to(tree).as_posix() for p in python_files([tree / "src/tta/carbon"])]
    assert found == ["src/tta/carbon/__init__.py", "src/tta/carbon/meter.py", "src/tta/carbon/deep/x.py"]


def test_empty_bucketer_is_falsy() -> None:
    assert not Bucketer([])
    assert Bucketer([(Path("/a"), "a")])


def test_shared_paths_have_several_owners(tree: Path) -> None:
    bucketer = Bucketer([(tree / "tests", "a"), (tree / "tests", "b"), (tree / "tests/b", "b")])
    assert bucketer.owners(tree / "tests/test_x.py") == ["a", "b"]
    assert bucketer.owners(tree / "tests/b/test_y.py") == ["b"]
    assert bucketer.owner(tree / "tests/test_x.py") == "a"
    assert bucketer.owners(tree / "elsewhere.py") == []
