"""Where pytest keeps its cache, found as pytest finds it, and the two kept reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_tta_maturity import project
from pytest_tta_maturity.errors import ReportError

from .conftest import sample_report, write_report


def files(root: Path, contents: dict[str, str]) -> Path:
    for name, text in contents.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / "pyproject.toml"


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        pytest.param({"pyproject.toml": ""}, ".pytest_cache", id="nothing-set"),
        pytest.param(
            {"pyproject.toml": '[tool.pytest.ini_options]\ncache_dir = "build/c"\n'}, "build/c", id="pyproject-ini"
        ),
        pytest.param({"pyproject.toml": '[tool.pytest]\ncache_dir = "build/n"\n'}, "build/n", id="pyproject-native"),
        pytest.param({"pyproject.toml": "", "pytest.ini": "[pytest]\ncache_dir = p\n"}, "p", id="pytest.ini"),
        pytest.param({"pyproject.toml": "", ".pytest.ini": "[pytest]\ncache_dir = d\n"}, "d", id=".pytest.ini"),
        pytest.param({"pyproject.toml": "", "pytest.toml": '[pytest]\ncache_dir = "t"\n'}, "t", id="pytest.toml"),
        pytest.param({"pyproject.toml": "", "tox.ini": "[pytest]\ncache_dir = x\n"}, "x", id="tox.ini"),
        pytest.param({"pyproject.toml": "", "setup.cfg": "[tool:pytest]\ncache_dir = s\n"}, "s", id="setup.cfg"),
        pytest.param(
            {"pyproject.toml": "", "tox.ini": "[tox]\nenvlist = py\n", "setup.cfg": "[tool:pytest]\ncache_dir = s\n"},
            "s",
            id="tox.ini-without-pytest-is-skipped",
        ),
        pytest.param(
            {"pyproject.toml": "", "setup.cfg": "[pytest]\ncache_dir = s\n"}, ".pytest_cache", id="setup.cfg-[pytest]"
        ),
        pytest.param(
            {"pyproject.toml": '[tool.pytest.ini_options]\ncache_dir = "a"\n', "pytest.ini": "[pytest]\n"},
            ".pytest_cache",
            id="an-empty-pytest.ini-wins",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.pytest.ini_options]\ncache_dir = "a"\n', "tox.ini": "[pytest]\ncache_dir = x\n"},
            "a",
            id="pyproject-before-tox.ini",
        ),
        pytest.param(
            {"pyproject.toml": "", "tox.ini": "[pytest\nbroken", "setup.cfg": "[tool:pytest]\ncache_dir = s\n"},
            "s",
            id="unreadable-ini-holds-no-settings",
        ),
        pytest.param(
            {"pyproject.toml": "[tool.pytest.ini_options\n", "tox.ini": "[pytest]\ncache_dir = x\n"},
            "x",
            id="unreadable-toml-holds-no-settings",
        ),
    ],
)
def test_cache_dir_as_pytest_finds_it(tmp_path: Path, contents: dict[str, str], expected: str) -> None:
    pyproject = files(tmp_path, contents)
    assert project.cache_dir(pyproject) == tmp_path / expected


def test_cache_dir_of_a_configuration_file_above(tmp_path: Path) -> None:
    """A pyproject.toml without pytest settings: pytest goes on upwards, and the rootdir is that file's folder."""
    files(tmp_path, {"tox.ini": "[pytest]\ncache_dir = .cache/pytest\n"})
    pyproject = files(tmp_path / "packages" / "one", {"pyproject.toml": "[project]\nname = 'one'\n"})
    assert project.cache_dir(pyproject) == tmp_path / ".cache" / "pytest"


def test_cache_dir_without_any_configuration_file_above(tmp_path: Path) -> None:
    pyproject = files(tmp_path / "one", {"pyproject.toml": "[project]\nname = 'one'\n"})
    assert project.pytest_config(pyproject.parent) == (tmp_path / "one", {})
    assert project.cache_dir(pyproject) == tmp_path / "one" / ".pytest_cache"


def test_cache_dir_expands_variables_and_takes_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTA_CACHE", str(tmp_path / "elsewhere"))
    pyproject = files(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\ncache_dir = "$TTA_CACHE/c"\n'})
    assert project.cache_dir(pyproject) == tmp_path / "elsewhere" / "c"


def test_full_report_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pyproject = files(tmp_path, {"pyproject.toml": ""})
    with pytest.raises(ReportError) as missing:
        project.full_report_for(None, None)
    assert str(missing.value) == (
        "no full report in .pytest_cache/v/tta-maturity/last-full-report: "
        "run 'pytest --tta-maturity' (the whole suite) first, or pass --report-file PATH"
    )
    partial = sample_report()
    partial.partial, partial.partial_reason = True, "tests selected on the command line (-k)"
    project.save_last_report(pyproject, partial)
    assert not project.last_full_report_path(pyproject).exists()  # a partial run is never the full report
    report, path = project.full_report_for(None, None)
    assert (report.partial, path) == (True, project.last_report_path(pyproject))  # callers refuse it as partial

    full = sample_report()
    project.save_last_report(pyproject, full)
    project.save_last_report(pyproject, partial)
    report, path = project.full_report_for(None, None)
    assert (report.partial, path) == (False, project.last_full_report_path(pyproject))
    named = write_report(tmp_path / "r.json", partial)
    assert project.full_report_for(str(named), None)[0].partial is True
