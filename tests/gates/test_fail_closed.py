"""Every way a gate tool can go wrong is an error outcome with a one-line message, never a pass."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from pytest_tta_maturity.gates import GateContext, GateRun, GateSpec
from pytest_tta_maturity.gates.process import GATE_NICENESS
from pytest_tta_maturity.gates.runner import start_gates
from pytest_tta_maturity.model import Finding

from .conftest import FakeBin, Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake tools are POSIX scripts")


def _source(project: Project) -> list[Path]:
    project.write("pkg/mod.py", '"""Module."""\n\nVALUE = 1\n')
    return project.files()


def _one_line(message: str) -> None:
    assert message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("gate", "tool_toml", "program", "hint"),
    [
        ("lint", "", "ruff", "pip install ruff"),
        ("format", "", "ruff", "pip install ruff"),
        ("security", "", "ruff", "pip install ruff"),
        ("security", '[tool.tta-maturity.gates.security]\ntool = "bandit"\n', "bandit", "pip install bandit"),
        ("docs", "", "ruff", "pip install ruff"),
        ("types", "", "pyright", 'pip install "pytest-tta-maturity[pyright]"'),
        (
            "types",
            '[tool.tta-maturity.gates.types]\ntool = "basedpyright"\n',
            "basedpyright",
            "pip install basedpyright",
        ),
        ("types", '[tool.tta-maturity.gates.types]\ntool = "mypy"\n', "mypy", "pip install mypy"),
    ],
)
def test_missing_tool(project: Project, fake_bin: FakeBin, gate: str, tool_toml: str, program: str, hint: str) -> None:
    config = project.config(tool_toml)
    outcome = start_gates(config, {gate: _source(project)}, python=str(fake_bin.python)).collect()[gate]
    assert (outcome.error_line, outcome.findings) == (
        f"{gate}: {program} is not installed (looked beside {fake_bin.python} and on PATH); {hint}",
        [],  # nothing was measured: no finding, and the error says why
    )


def test_missing_custom_command(project: Project, fake_bin: FakeBin) -> None:
    config = project.config('[tool.tta-maturity.gates.licenses]\ncommand = ["no-such-tool", "--check"]\n')
    outcome = start_gates(config, {"licenses": _source(project)}, python=str(fake_bin.python)).collect()["licenses"]
    assert "no-such-tool is not installed" in outcome.error_line
    _one_line(outcome.error_line)


def test_crash(project: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool(
        "ruff", "print('ruff failed', file=sys.stderr)\nprint('  Cause: bad config', file=sys.stderr)\nsys.exit(2)\n"
    )
    outcome = start_gates(project.config(), {"lint": _source(project)}, python=str(fake_bin.python)).collect()["lint"]
    assert outcome.error_line == (
        "lint: ruff 9.9.9 failed with exit status 2 (ruff failed Cause: bad config); "
        "fix the problem it reports, or run ruff by hand to see it"
    )
    assert outcome.tool == "ruff 9.9.9"


def test_killed_by_signal(project: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool("ruff", "os.kill(os.getpid(), 9)\n")
    outcome = start_gates(project.config(), {"lint": _source(project)}, python=str(fake_bin.python)).collect()["lint"]
    assert outcome.error_line == "lint: ruff 9.9.9 was killed by signal 9; run it again"


@pytest.mark.parametrize("gate", ["lint", "format", "security", "docs", "types"])
@pytest.mark.parametrize("output", ["garbage", "", '{"x": 1}'])
def test_garbage_output(
    project: Project, fake_bin: FakeBin, gate: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = "pyright" if gate == "types" else "ruff"
    fake_bin.tool(program, f"sys.stdout.write({output!r})\nsys.exit(0)\n")
    (fake_bin.folder / "node").symlink_to("/bin/true")  # the pyright wrapper check wants a node
    monkeypatch.setenv("PATH", str(fake_bin.folder))
    outcome = start_gates(project.config(), {gate: _source(project)}, python=str(fake_bin.python)).collect()[gate]
    assert outcome.error_line.startswith(f"{gate}: {program} 9.9.9 printed ")
    assert outcome.error_line.endswith(f"check that {program} runs by itself")
    assert not outcome.cached
    _one_line(outcome.error_line)


@pytest.mark.slow  # waits for a time-out on purpose
def test_hang_past_timeout_kills_the_process_group(project: Project, fake_bin: FakeBin, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    fake_bin.tool(
        "ruff",
        f"""\
        import subprocess
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
        """,
    )
    config = project.config("[tool.tta-maturity.gates.lint]\ntimeout = 1\n")
    started = time.monotonic()
    session = start_gates(config, {"lint": _source(project)}, python=str(fake_bin.python))
    outcome = session.collect()["lint"]
    assert time.monotonic() - started < 10
    assert outcome.error_line == (
        "lint: ruff 9.9.9 did not finish within 1 s and was stopped; "
        "raise [tool.tta-maturity.gates.lint] timeout or find out why it hangs"
    )
    child = int(pid_file.read_text())
    assert _gone(child)


def _gone(pid: int) -> bool:
    """True once ``pid`` no longer runs (gone, or a zombie waiting for a reaper)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        else:
            if "\nState:\tZ" in status:
                return True
        time.sleep(0.05)
    return False


def test_version_failure_still_reports(project: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool("ruff", "print('[]')\nsys.exit(0)\n")
    path = fake_bin.folder / "ruff"
    path.write_text(path.read_text().replace("sys.exit(0)\n", "sys.exit(3)\n", 1))  # --version fails
    outcome = start_gates(project.config(), {"lint": _source(project)}, python=str(fake_bin.python)).collect()["lint"]
    assert (outcome.tool, outcome.passed, outcome.error) == ("ruff", True, "")


def test_pyright_would_download_node(
    project: Project, fake_bin: FakeBin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = fake_bin.folder / "pyright"
    script.write_text("#!/nowhere/venv/bin/python\nprint('must not run')\n")
    script.chmod(0o755)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    outcome = start_gates(project.config(), {"types": _source(project)}, python=str(fake_bin.python)).collect()["types"]
    assert (
        outcome.error_line
        == 'types: pyright needs Node.js and would download it; pip install "pytest-tta-maturity[pyright]"'
    )


@pytest.mark.parametrize(("status", "passed"), [(0, True), (3, False)])
def test_custom_gate_exit_status(project: Project, fake_bin: FakeBin, status: int, passed: bool) -> None:
    fake_bin.tool("checker", f"assert os.getcwd() == {str(project.path)!r}\nsys.exit({status})\n")
    config = project.config('[tool.tta-maturity.gates.licenses]\ncommand = ["checker", "--strict"]\n')
    outcome = start_gates(config, {"licenses": _source(project)}, python=str(fake_bin.python)).collect()["licenses"]
    assert (outcome.passed, outcome.findings, outcome.error, outcome.tool) == (passed, None, "", "checker")
    assert fake_bin.calls() == ["--strict"]


def test_unknown_gate_and_tests_gate(project: Project, fake_bin: FakeBin) -> None:
    outcomes = start_gates(
        project.config(), {"tests": [], "nothing": _source(project)}, python=str(fake_bin.python)
    ).collect()
    assert list(outcomes) == ["nothing"]
    assert outcomes["nothing"].error_line.startswith(
        "nothing: no tool runs this gate; define [tool.tta-maturity.gates.nothing]"
    )


def test_no_python_files_pass_without_a_tool(project: Project, fake_bin: FakeBin) -> None:
    data = project.write("pkg/data.json", "{}")
    outcome = start_gates(project.config(), {"lint": [data]}, python=str(fake_bin.python)).collect()["lint"]
    assert (outcome.passed, outcome.error_line, outcome.findings) == (True, "", [])


def _extra_parse(run: GateRun) -> list[Finding]:
    return [
        Finding(run.relative(line.split(":")[0]), int(line.split(":")[1]), "AUD", "bad") for line in run.stdout.split()
    ]


def test_extra_gate_from_a_plugin(project: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool("auditor", "for path in argv:\n    print(path + ':3')\nsys.exit(1 if argv else 0)\n", version="2.0")
    spec = GateSpec("audit", "auditor", arguments=lambda c: [str(f) for f in c.files], parse=_extra_parse)
    files = _source(project)
    outcome = start_gates(project.config(), {"audit": files}, python=str(fake_bin.python), extra=[spec]).collect()[
        "audit"
    ]
    assert outcome.tool == "auditor 2.0"
    assert outcome.findings == [
        Finding("pkg/__init__.py", 3, "AUD", "bad"),
        Finding("pkg/mod.py", 3, "AUD", "bad"),
    ]


def _broken_builder(context: GateContext) -> list[str]:
    raise RuntimeError("no way")


def _broken_parser(run: GateRun) -> list[Finding]:
    raise KeyError("missing")


@pytest.mark.parametrize(
    ("spec_kwargs", "error"),
    [
        ({"arguments": _broken_builder}, "audit: could not build the command line (no way)"),
        ({"parse": _broken_parser}, "audit: auditor 9.9.9 'missing'; check that auditor runs by itself"),
        (
            {"preflight": lambda c: "auditor needs a licence file; create LICENSES"},
            "audit: auditor needs a licence file; create LICENSES",
        ),
    ],
)
def test_extra_gate_failures_are_errors(
    project: Project, fake_bin: FakeBin, spec_kwargs: dict[str, object], error: str
) -> None:
    fake_bin.tool("auditor", "sys.exit(0)\n")
    base: dict[str, object] = {"arguments": lambda c: [], "parse": _extra_parse}
    spec = GateSpec("audit", "auditor", **{**base, **spec_kwargs})  # type: ignore[arg-type]
    outcome = start_gates(
        project.config(), {"audit": _source(project)}, python=str(fake_bin.python), extra=[spec]
    ).collect()["audit"]
    assert outcome.error_line == error


def test_cancel_stops_running_gates(project: Project, fake_bin: FakeBin) -> None:
    fake_bin.tool("ruff", "time.sleep(60)\n")
    session = start_gates(project.config(), {"lint": _source(project)}, python=str(fake_bin.python))
    started = time.monotonic()
    session.cancel()
    assert time.monotonic() - started < 5
    outcome = session.collect()["lint"]
    assert outcome.error_line == "lint: stopped before it finished; run the session again"


def test_the_type_checker_starts_first(project: Project, fake_bin: FakeBin, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bin.tool("ruff", "print('[]')\nsys.exit(0)\n")
    fake_bin.tool("pyright", "print(json.dumps({'generalDiagnostics': []}))\nsys.exit(0)\n")
    (fake_bin.folder / "node").symlink_to("/bin/true")  # the pyright wrapper check wants a node
    monkeypatch.setenv("PATH", str(fake_bin.folder))
    files = _source(project)
    session = start_gates(
        project.config(), {gate: files for gate in ("lint", "format", "types", "security")}, python=str(fake_bin.python)
    )
    # The slowest tool is started before the others (the session keeps the order gates were started in).
    assert list(session.running) == ["types", "lint", "format", "security"]
    assert list(session.collect()) == ["lint", "format", "types", "security"]  # outcomes in the caller's order


def test_gate_tools_run_below_pytest_priority(project: Project, fake_bin: FakeBin, tmp_path: Path) -> None:
    seen = tmp_path / "niceness"
    # The tool and what it starts both report their niceness.
    fake_bin.tool(
        "ruff",
        f"""\
        import subprocess
        child = f"import os; open({str(seen)!r}, 'a').write(str(os.getpriority(os.PRIO_PROCESS, 0)) + ' ')"
        exec(child)
        subprocess.run([sys.executable, "-c", child], check=True)
        print("[]")
        """,
    )
    outcome = start_gates(project.config(), {"lint": _source(project)}, python=str(fake_bin.python)).collect()["lint"]
    assert outcome.passed and not outcome.error
    wanted = min(os.getpriority(os.PRIO_PROCESS, 0) + GATE_NICENESS, 19)
    assert seen.read_text().split() == [str(wanted), str(wanted)]
