"""Fixtures for the gate tests: small projects in tmp_path, fake tools and an in-memory cache."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pytest_tta_maturity.config import MaturityConfig, load
from tests.conftest import ProjectFolder


class MemoryCache:
    """The get/set half of pytest's ``config.cache``, in memory (JSON round-tripped like the real one)."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def get(self, key: str, default: Any) -> Any:
        import json

        return json.loads(self.data[key]) if key in self.data else default

    def set(self, key: str, value: Any) -> None:
        import json

        self.data[key] = json.dumps(value)


class Project(ProjectFolder):
    """A project folder with a ``[tool.tta-maturity]`` table and a ``pkg`` component, for the gate engine."""

    def config(self, extra_toml: str = "") -> MaturityConfig:
        self.write(
            "pyproject.toml",
            '[tool.tta-maturity.components.pkg]\nlevel = "production"\npaths = ["pkg"]\n\n' + extra_toml,
        )
        return load(self.path / "pyproject.toml")

    def files(self) -> list[Path]:
        return sorted(p.resolve() for p in (self.path / "pkg").rglob("*") if p.is_file())


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    proj = Project(root.resolve())
    proj.write("pkg/__init__.py", '"""Package."""\n')
    return proj


class FakeBin:
    """A folder with a ``python`` (the real one) and fake tools written as Python scripts.

    Pass ``str(fake.python)`` as ``python=``: tools are looked for beside it first.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.python = folder / "python"
        self.python.symlink_to(sys.executable)
        self.log = folder / "calls.log"

    def tool(self, name: str, body: str, version: str = "9.9.9") -> Path:
        """A tool that logs its arguments, answers ``--version``, then runs ``body``."""
        path = self.folder / name
        header = (
            f"#!{sys.executable}\n"
            "import json, os, sys, time\n"
            "argv = sys.argv[1:]\n"
            f"with open({str(self.log)!r}, 'a') as log:\n"
            "    log.write(' '.join(argv) + '\\n')\n"
            "if argv == ['--version']:\n"
            f"    print({name!r} + ' ' + {version!r})\n"
            "    sys.exit(0)\n"
        )
        path.write_text(header + textwrap.dedent(body))
        path.chmod(0o755)
        return path

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeBin:
    if sys.platform == "win32":
        pytest.skip("fake tools are POSIX scripts")
    folder = tmp_path / "bin"
    folder.mkdir()
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return FakeBin(folder)


@pytest.fixture
def memory_cache() -> MemoryCache:
    return MemoryCache()
