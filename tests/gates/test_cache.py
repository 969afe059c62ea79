"""The gate cache: a warm run with unchanged inputs starts no process at all."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pytest_tta_maturity.gates import GateOutcome
from pytest_tta_maturity.gates.cache import Digests
from pytest_tta_maturity.gates.runner import start_gates
from pytest_tta_maturity.model import Finding

from .conftest import FakeBin, MemoryCache, Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake tools are POSIX scripts")

# A fake ruff that reports one F401 finding per file it is given.
FAKE_RUFF = """\
files = argv[argv.index("--") + 1:]
print(json.dumps([
    {"filename": f, "code": "F401", "message": "unused", "location": {"row": 2, "column": 1}} for f in files
]))
sys.exit(1 if files else 0)
"""


def _run(project: Project, fake_bin: FakeBin, cache: MemoryCache, extra_toml: str = "") -> GateOutcome:
    files = project.files()
    session = start_gates(project.config(extra_toml), {"lint": files}, python=str(fake_bin.python), cache=cache)
    return session.collect()["lint"]


@pytest.fixture
def source(project: Project) -> Project:
    project.write("pkg/mod.py", '"""Module."""\n\nVALUE = 1\n')
    return project


def test_second_run_starts_no_process(source: Project, fake_bin: FakeBin, memory_cache: MemoryCache) -> None:
    fake_bin.tool("ruff", FAKE_RUFF)
    first = _run(source, fake_bin, memory_cache)
    assert len(fake_bin.calls()) == 2  # --version and the check, concurrently
    assert not first.cached
    assert first.findings == [
        Finding("pkg/__init__.py", 2, "F401", "unused"),
        Finding("pkg/mod.py", 2, "F401", "unused"),
    ]
    stored = json.loads(memory_cache.data["tta-maturity/gates/lint"])
    assert [entry["tool"] for entry in stored["entries"]] == ["ruff 9.9.9"]

    second = _run(source, fake_bin, memory_cache)
    assert len(fake_bin.calls()) == 2  # nothing started
    assert second.cached
    assert (second.tool, second.findings, second.passed) == (first.tool, first.findings, first.passed)


@pytest.mark.parametrize(
    "change",
    [
        "source",
        "new file",
        "ruff config",
        "gate args",
    ],
)
def test_changed_inputs_run_again(source: Project, fake_bin: FakeBin, memory_cache: MemoryCache, change: str) -> None:
    fake_bin.tool("ruff", FAKE_RUFF)
    _run(source, fake_bin, memory_cache)
    extra_toml = ""
    if change == "source":
        source.write("pkg/mod.py", '"""Module."""\n\nVALUE = 2\n')
    elif change == "new file":
        source.write("pkg/other.py", '"""Other."""\n')
    elif change == "ruff config":
        source.write("pkg/ruff.toml", "line-length = 90\n")
    else:
        extra_toml = '[tool.tta-maturity.gates.lint]\nargs = ["--preview"]\n'
    outcome = _run(source, fake_bin, memory_cache, extra_toml)
    assert not outcome.cached
    assert len(fake_bin.calls()) == 3  # the check only: the version is cached by the executable's stat


def test_only_the_pyproject_tables_the_tool_reads_key_it(
    source: Project, fake_bin: FakeBin, memory_cache: MemoryCache
) -> None:
    """An unrelated edit of pyproject.toml and its revert start nothing; an edit of [tool.ruff] runs ruff again."""
    fake_bin.tool("ruff", FAKE_RUFF)
    _run(source, fake_bin, memory_cache)
    unrelated = '[project]\nname = "proj"\nversion = "1.1"\n\n[tool.pyright]\nstrict = ["pkg"]\n'
    assert _run(source, fake_bin, memory_cache, unrelated).cached
    assert _run(source, fake_bin, memory_cache).cached  # the revert
    assert len(fake_bin.calls()) == 2  # only the first run's --version and check
    ruff_edit = "[tool.ruff]\nline-length = 90\n"
    assert not _run(source, fake_bin, memory_cache, ruff_edit).cached
    assert not _run(source, fake_bin, memory_cache, '[project]\nrequires-python = ">=3.12"\n').cached
    # the last outcomes are kept: going back to each of them starts nothing
    for toml in ("", ruff_edit, unrelated):
        assert _run(source, fake_bin, memory_cache, toml).cached
    assert len(fake_bin.calls()) == 4


def test_a_pyproject_that_is_not_toml_keys_on_its_whole_content(source: Project) -> None:
    source.write("pyproject.toml", "[tool.ruff]\nline-length = 90\n[broken\n")
    digests = Digests()
    broken = digests.tables(source.path / "pyproject.toml", ("tool.ruff",))
    assert broken == digests.file(source.path / "pyproject.toml")


def test_new_tool_version_runs_again(source: Project, fake_bin: FakeBin, memory_cache: MemoryCache) -> None:
    fake_bin.tool("ruff", FAKE_RUFF)
    _run(source, fake_bin, memory_cache)
    fake_bin.tool("ruff", FAKE_RUFF + "\n# reinstalled\n", version="9.9.10")
    outcome = _run(source, fake_bin, memory_cache)
    assert (outcome.cached, outcome.tool) == (False, "ruff 9.9.10")


def test_errors_are_not_cached(source: Project, fake_bin: FakeBin, memory_cache: MemoryCache) -> None:
    fake_bin.tool("ruff", "print('boom', file=sys.stderr)\nsys.exit(2)\n")
    error = (
        "lint: ruff 9.9.9 failed with exit status 2 (boom); fix the problem it reports, or run ruff by hand to see it"
    )
    assert _run(source, fake_bin, memory_cache).error_line == error
    assert "tta-maturity/gates/lint" not in memory_cache.data
    assert _run(source, fake_bin, memory_cache).error_line == error
    assert fake_bin.calls()[-1] != "--version"
    assert len([c for c in fake_bin.calls() if c != "--version"]) == 2


def test_custom_gates_are_never_cached(source: Project, fake_bin: FakeBin, memory_cache: MemoryCache) -> None:
    fake_bin.tool("checker", "sys.exit(0)\n")
    config = source.config('[tool.tta-maturity.gates.licenses]\ncommand = ["checker"]\n')
    for _ in range(2):
        outcome = start_gates(config, {"licenses": source.files()}, python=str(fake_bin.python), cache=memory_cache)
        assert not outcome.collect()["licenses"].cached
    assert fake_bin.calls() == ["", ""]


class BrokenCache:
    """A cache whose every call fails, as an unwritable cache directory under filterwarnings=error does."""

    def get(self, key: str, default: object) -> object:
        raise OSError("read-only")

    def set(self, key: str, value: object) -> None:
        raise OSError("read-only")


def test_broken_cache_costs_only_speed(source: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool("ruff", FAKE_RUFF)
    outcome = start_gates(source.config(), {"lint": source.files()}, python=str(fake_bin.python), cache=BrokenCache())
    assert len(outcome.collect()["lint"].findings or []) == 2


def test_version_cache_key(tmp_path: Path, fake_bin: FakeBin, memory_cache: MemoryCache, source: Project) -> None:
    fake_bin.tool("ruff", FAKE_RUFF)
    _run(source, fake_bin, memory_cache)
    versions = json.loads(memory_cache.data["tta-maturity/tool-versions"])
    assert list(versions.values()) == ["9.9.9"]
    assert str((fake_bin.folder / "ruff").resolve()) in next(iter(versions))
