"""The gates with the real tools, on small projects: counts equal what each tool reports run directly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_tta_maturity.gates import GateOutcome
from pytest_tta_maturity.gates.process import locate
from pytest_tta_maturity.gates.runner import start_gates

from .conftest import MemoryCache, Project

#: Every test here runs a real tool (ruff, pyright, mypy, bandit): not among the fast tests.
pytestmark = pytest.mark.slow

PYTHON = sys.executable

MOD = """\
import os
import subprocess
def run(cmd: str) -> int:
    assert cmd
    return subprocess.call(cmd, shell=True)
class Thing:
  def value(self) -> int:
      return "x"
"""
CLEAN = '''\
"""A clean module."""


def double(value: int) -> int:
    """Twice the value."""
    return value * 2
'''
NOTES = """\
# Notes

```python
x  =  1
```
"""


def _tool(name: str) -> str:
    found = locate(name, PYTHON, Path.cwd())
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _direct(root: Path, argv: list[str], stdin: str | None = None) -> Any:
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, input=stdin, env=env, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def _gates(
    project: Project, names: list[str], extra_toml: str = "", cache: MemoryCache | None = None
) -> dict[str, GateOutcome]:
    config = project.config(extra_toml)
    outcomes = start_gates(config, {name: project.files() for name in names}, python=PYTHON, cache=cache).collect()
    for outcome in outcomes.values():
        assert outcome.error == ""
    return outcomes


@pytest.fixture
def sources(project: Project) -> Project:
    project.write("pkg/mod.py", MOD)
    project.write("pkg/clean.py", CLEAN)
    project.write("pkg/notes.md", NOTES)
    return project


def _py(project: Project) -> list[str]:
    return [str(f) for f in project.files() if f.suffix == ".py"]


def test_ruff_gates_match_ruff(sources: Project) -> None:
    ruff = _tool("ruff")
    before = {f: f.read_bytes() for f in sources.files()}
    outcomes = _gates(sources, ["lint", "format", "security", "docs"], "[tool.ruff]\nfix = true\n")
    files = _py(sources)
    lint = json.loads(_direct(sources.path, [ruff, "check", "--no-fix", "--output-format", "json", *files]))
    assert len(outcomes["lint"].findings or []) == len(lint) > 0
    assert {"F401", "I001"} <= {f.code for f in outcomes["lint"].findings or []}

    formatted = json.loads(_direct(sources.path, [ruff, "format", "--check", "--output-format", "json", *files]))
    assert len(outcomes["format"].findings or []) == len({d["filename"] for d in formatted}) == 1
    assert [(f.path, f.code) for f in outcomes["format"].findings or []] == [("pkg/mod.py", "format")]

    security = json.loads(
        _direct(sources.path, [ruff, "check", "--no-fix", "--select", "S", "--output-format", "json", *files])
    )
    assert (
        sorted(f.code for f in outcomes["security"].findings or [])
        == sorted(d["code"] for d in security)
        == ["S101", "S602"]
    )

    docs = json.loads(
        _direct(sources.path, [ruff, "check", "--no-fix", "--select", "D1", "--output-format", "json", *files])
    )
    assert sorted(f.code for f in outcomes["docs"].findings or []) == sorted(d["code"] for d in docs)
    assert sorted(f.code for f in outcomes["docs"].findings or []) == ["D100", "D101", "D102", "D103"]
    assert all(o.tool.startswith("ruff ") for o in outcomes.values())
    # fix = true in the project's configuration: the gates never rewrite a file (nor the Markdown).
    assert {f: f.read_bytes() for f in sources.files()} == before


def test_security_and_docs_respect_the_projects_ignores(sources: Project) -> None:
    ruff = _tool("ruff")
    toml = '[tool.ruff.lint]\nignore = ["S101", "D102"]\n[tool.ruff.lint.per-file-ignores]\n"pkg/clean.py" = ["D103"]\n'
    sources.write("pkg/clean.py", CLEAN.replace('    """Twice the value."""\n', ""))
    outcomes = _gates(sources, ["security", "docs"], toml)
    security = [f.code for f in outcomes["security"].findings or []]
    assert security == ["S602"]
    files = _py(sources)
    direct = json.loads(
        _direct(
            sources.path,
            [ruff, "check", "--no-fix", "--select", "S", "--ignore", "S101", "--output-format", "json", *files],
        )
    )
    assert len(direct) == len(security)
    assert sorted(f.code for f in outcomes["docs"].findings or []) == [
        "D100",
        "D101",
        "D103",
    ]  # clean.py's D103 ignored


def test_noqa_is_respected(sources: Project) -> None:
    _tool("ruff")
    sources.write("pkg/mod.py", MOD.replace("shell=True)", "shell=True)  # noqa: S602"))
    outcomes = _gates(sources, ["security"])
    assert [f.code for f in outcomes["security"].findings or []] == ["S101"]


def test_pyright_matches_pyright(sources: Project) -> None:
    pyright = _tool("pyright")
    sources.write("pkg/typed.py", '"""T."""\n\nimport json\n\nVALUE: int = json.dumps(1)\nreveal_type(VALUE)\n')
    cache = MemoryCache()
    outcome = _gates(sources, ["types"], cache=cache)["types"]
    report = json.loads(_direct(sources.path, [pyright, "--outputjson", "--pythonpath", PYTHON, *_py(sources)]))
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert len(errors) == report["summary"]["errorCount"] == 2
    assert sorted((f.path, f.line, f.code) for f in outcome.findings or []) == [
        ("pkg/mod.py", 8, "reportReturnType"),
        ("pkg/typed.py", 5, "reportAssignmentType"),
    ]
    assert outcome.tool == f"pyright {report['version']}"
    # Warm run: no process at all, same outcome.
    config = sources.config()
    session = start_gates(config, {"types": sources.files()}, python=PYTHON, cache=cache)
    assert session.running == {}
    warm = session.collect()["types"]
    assert warm.cached
    assert warm.findings == outcome.findings


def test_mypy_matches_mypy(sources: Project) -> None:
    mypy = _tool("mypy")
    outcome = _gates(sources, ["types"], '[tool.tta-maturity.gates.types]\ntool = "mypy"\n')["types"]
    text = _direct(sources.path, [mypy, "--no-error-summary", "--python-executable", PYTHON, *_py(sources)])
    errors = [line for line in text.splitlines() if ": error: " in line]
    assert len(outcome.findings or []) == len(errors) == 1
    assert outcome.tool.startswith("mypy ")


def test_bandit_matches_bandit(sources: Project) -> None:
    bandit = _tool("bandit")
    outcome = _gates(sources, ["security"], '[tool.tta-maturity.gates.security]\ntool = "bandit"\n')["security"]
    report = json.loads(_direct(sources.path, [bandit, "-f", "json", "-q", *_py(sources)]))
    assert len(outcome.findings or []) == len(report["results"]) == 3
    assert outcome.tool.startswith("bandit ")


def test_clean_project_passes(project: Project) -> None:
    _tool("ruff")
    _tool("pyright")
    project.write("pkg/clean.py", CLEAN)
    outcomes = _gates(project, ["lint", "format", "security", "docs", "types"])
    assert {name: (o.passed, o.findings) for name, o in outcomes.items()} == {
        name: (True, []) for name in ["lint", "format", "security", "docs", "types"]
    }


def test_gates_run_concurrently(sources: Project) -> None:
    _tool("ruff")
    _tool("pyright")
    session = start_gates(sources.config(), {"lint": sources.files(), "types": sources.files()}, python=PYTHON)
    assert set(session.running) == {"lint", "types"}  # both started, nothing waited for
    assert all(not o.error for o in session.collect().values())
