"""End to end: the gates run once, beside the tests, and their findings land per component.

Counts are checked against each tool run directly on the component's files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Project, needs_xdist

BIN = Path(sys.executable).parent

GOOD = '''\
"""Well-kept code."""


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b
'''

MESSY = """\
import os
import subprocess


def run(cmd: str) -> int:
    value: int = "not a number"
    x=1
    return subprocess.call(cmd, shell=True) + value + x


def undocumented(y):
    if y:
        return eval(y)
    return None
"""

MESSY_TOO = """\
def other() -> str:
    return 1
"""

TESTS = """\
from app.good import add
from app.messy import undocumented


def test_add():
    assert add(1, 2) == 3


def test_undocumented():
    assert undocumented("") is None
"""

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]

[tool.ruff]
line-length = 100

[tool.tta-maturity.components.good]
level = "production"
paths = ["src/app/good.py"]
tests = ["tests"]

[tool.tta-maturity.components.messy]
level = "staging"
paths = ["src/app/messy.py", "src/app/messy_too.py"]
tests = ["tests"]
"""


@pytest.fixture
def gated(pytester: pytest.Pytester) -> Project:
    proj = Project(pytester)
    proj.write("src/app/__init__.py", "")
    proj.write("src/app/good.py", GOOD)
    proj.write("src/app/messy.py", MESSY)
    proj.write("src/app/messy_too.py", MESSY_TOO)
    proj.write("tests/test_app.py", TESTS)
    proj.write("pyproject.toml", PYPROJECT)
    return proj


def tool_json(cwd: Path, *argv: str) -> Any:
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    out = subprocess.run(
        [str(BIN / argv[0]), *argv[1:]], cwd=cwd, capture_output=True, text=True, env=env, check=False
    ).stdout
    return json.loads(out)


def ruff_codes(cwd: Path, files: list[str], *select: str) -> list[str]:
    found = tool_json(cwd, "ruff", "check", "--no-fix", "--output-format", "json", *select, *files)
    return sorted(item["code"] for item in found)


def test_gate_counts_equal_the_tools_run_directly(gated: Project) -> None:
    result = gated.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    assert result.ret == 1
    messy_files = ["src/app/messy.py", "src/app/messy_too.py"]
    messy = gated.component("messy")
    lint = ruff_codes(gated.path, messy_files)
    assert messy["gates"]["lint"]["findings"] == len(lint) > 0
    assert sorted(d["code"] for d in messy["gates"]["lint"]["details"]) == lint
    security = ruff_codes(gated.path, messy_files, "--select", "S")
    assert messy["gates"]["security"]["findings"] == len(security) == 2  # S602 and S307
    formatted = tool_json(gated.path, "ruff", "format", "--check", "--output-format", "json", *messy_files)
    assert messy["gates"]["format"]["findings"] == len({item["filename"] for item in formatted}) == 1
    pyright = tool_json(gated.path, "pyright", "--outputjson", "--pythonpath", sys.executable, *messy_files)
    errors = [d for d in pyright["generalDiagnostics"] if d["severity"] == "error"]
    assert messy["gates"]["types"]["findings"] == len(errors) == 2
    assert {d["path"] for d in messy["gates"]["types"]["details"]} == set(messy_files)
    # docs belongs to production, the level above messy's: it runs for messy too, but does not block staging
    docs = ruff_codes(gated.path, messy_files, "--select", "D1")
    assert messy["gates"]["docs"]["findings"] == len(docs) > 0
    assert not any(b.startswith("docs") for b in messy["blockers"])
    good = gated.component("good")
    assert {name: g["status"] for name, g in good["gates"].items()} == {
        "tests": "pass",
        "lint": "pass",
        "format": "pass",
        "types": "pass",
        "security": "pass",
        "docs": "pass",
    }
    assert good["achieved"] == "production"
    assert messy["achieved"] == "experimental"  # its lint findings keep it below development
    last = result.stdout.lines[-1]
    assert last.startswith("tta-maturity: FAILED: 1 of 2 components meet their declared levels; 1 below: messy (")
    assert f"types: {len(errors)} errors" in last


@needs_xdist
def test_gates_give_the_same_result_under_xdist(gated: Project) -> None:
    gated.run("--tta-maturity", "--tta-maturity-report=json:serial.json", "-p", "no:cacheprovider")
    gated.run("--tta-maturity", "--tta-maturity-report=json:xdist.json", "-n", "2", "-p", "no:cacheprovider")
    serial = [c["gates"] for c in gated.report("serial.json")["components"]]
    xdist = [c["gates"] for c in gated.report("xdist.json")["components"]]
    assert serial == xdist


def test_warm_cache_starts_no_gate_process(gated: Project) -> None:
    gated.run("--tta-maturity", "--tta-maturity-report=json:cold.json")
    gated.run("--tta-maturity", "--tta-maturity-report=json:warm.json")
    cold = gated.component("messy", "cold.json")["gates"]
    warm = gated.component("messy", "warm.json")["gates"]
    ran = [name for name, g in cold.items() if name != "tests" and g["status"] != "skipped"]
    assert ran == ["lint", "format", "types", "security", "docs"]
    assert not any(cold[name].get("cached") for name in ran)
    assert all(warm[name].get("cached") for name in ran)
    assert {k: v["details"] for k, v in cold.items()} == {k: v["details"] for k, v in warm.items()}
    gated.run("--tta-maturity", "--tta-maturity-report=json:cleared.json", "--cache-clear")
    cleared = gated.component("messy", "cleared.json")["gates"]
    assert not any(g.get("cached") for g in cleared.values())


OVERLAP_TEST = """\
import time
from pathlib import Path


def test_gate_started_before_the_tests_ended():
    marker = Path("gate-started")
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists()
"""


def test_gates_start_when_the_session_starts(gated: Project) -> None:
    gated.write("tests/test_overlap.py", OVERLAP_TEST)
    text = (gated.path / "pyproject.toml").read_text()
    gated.write(
        "pyproject.toml",
        text
        + "\n[tool.tta-maturity.gates.stamp]\n"
        + f"command = [{json.dumps(sys.executable)}, \"-c\", \"open('gate-started', 'w').close()\"]\n"
        + 'level = "development"\n',
    )
    result = gated.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    result.assert_outcomes(passed=3)
    assert gated.component("good")["gates"]["stamp"]["status"] == "pass"


def test_missing_tool_fails_closed(gated: Project) -> None:
    text = (gated.path / "pyproject.toml").read_text()
    gated.write("pyproject.toml", text + '\n[tool.tta-maturity.gates.types]\ntool = "basedpyright"\n')
    result = gated.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    good = gated.component("good")
    message = f"basedpyright is not installed (looked beside {sys.executable} and on PATH); pip install basedpyright"
    assert (good["gates"]["types"]["status"], good["gates"]["types"]["message"]) == ("error", message)
    assert (good["achieved"], good["meets"]) == ("development", False)
    assert good["blockers"] == [f"types: error ({message})"]
    assert result.ret == 1


def test_hanging_custom_gate_times_out(gated: Project) -> None:
    text = (gated.path / "pyproject.toml").read_text()
    command = json.dumps([sys.executable, "-c", "import time; time.sleep(60)"])
    gated.write(
        "pyproject.toml",
        text + f'\n[tool.tta-maturity.gates.slow]\ncommand = {command}\ntimeout = 1\nlevel = "development"\n',
    )
    result = gated.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    slow = gated.component("good")["gates"]["slow"]
    message = (
        f"{Path(sys.executable).name} did not finish within 1 s and was stopped; "
        "raise [tool.tta-maturity.gates.slow] timeout or find out why it hangs"
    )
    assert (slow["status"], slow["message"]) == ("error", message)
    assert result.ret == 1


FAKE_TOOL = """\
#!{python}
with open({log!r}, "a") as log:
    log.write({name!r} + "\\n")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="fake tools are POSIX scripts")
def test_no_gates_runs_no_tool(
    gated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every tool is a fake beside the interpreter that logs its start: under --tta-maturity-no-gates none starts.

    In process, so that the plugin looks for its tools beside a ``python`` in a folder of fakes
    (tools are looked for beside the interpreter first, then on an emptied PATH).
    """
    fakes = tmp_path / "bin"
    fakes.mkdir()
    (fakes / "python").symlink_to(sys.executable)
    log = tmp_path / "started.log"
    for name in ("ruff", "pyright", "stamp"):
        tool = fakes / name
        tool.write_text(FAKE_TOOL.format(python=sys.executable, log=str(log), name=name))
        tool.chmod(0o755)
    text = (gated.path / "pyproject.toml").read_text()
    gated.write(
        "pyproject.toml", text + '\n[tool.tta-maturity.gates.stamp]\ncommand = ["stamp"]\nlevel = "development"\n'
    )
    monkeypatch.setattr(sys, "executable", str(fakes / "python"))
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    args = ("--tta-maturity", "--no-cov", "-p", "no:randomly", "--tta-maturity-report=json:report.json")

    result = gated.pytester.runpytest_inprocess(*args, "--tta-maturity-no-gates")
    assert not log.exists()
    statuses = {n: g["status"] for n, g in gated.component("messy")["gates"].items()}
    assert statuses == dict.fromkeys(("tests", "lint", "format", "types", "security", "docs", "stamp"), "skipped") | {
        "tests": "pass"
    }
    result.stdout.fnmatch_lines(["tool gates skipped (--tta-maturity-no-gates)*"])

    # the same run with its gates starts every fake: the evidence above is evidence
    gated.pytester.runpytest_inprocess(*args)
    capsys.readouterr()
    assert sorted(set(log.read_text().split())) == ["pyright", "ruff", "stamp"]
