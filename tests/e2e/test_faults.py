"""Faults end in a clear error or a fail-closed gate; no report claims a pass it did not measure."""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from tests.conftest import Project, needs_xdist

ARGS = ("--tta-maturity", "--tta-maturity-report=json:report.json")


def development(project: Project) -> None:
    text = (project.path / "pyproject.toml").read_text()
    project.write("pyproject.toml", text.replace('level = "experimental"', 'level = "development"'))


def test_keyboard_interrupt_gives_a_partial_report(project: Project) -> None:
    project.write("tests/test_stop.py", "def test_stop():\n    raise KeyboardInterrupt\n")
    result = project.run(*ARGS, "--tta-maturity-no-gates", "-p", "no:randomly")
    assert result.ret == 2
    report = project.report()
    assert (report["partial"], report["partial_reason"]) == (True, "interrupted")
    cart = project.component("cart")
    assert cart["coverage"]["measured"] is False
    assert cart["coverage"]["note"] == "the run was interrupted before pytest-cov saved its data"


def test_collection_error_gives_a_partial_report(project: Project) -> None:
    project.write("tests/test_broken.py", "import not_a_module\n")
    result = project.run(*ARGS, "--tta-maturity-no-gates")
    assert result.ret == 2
    report = project.report()
    assert report["partial"] is True
    assert report["partial_reason"] == "1 collection error"


@needs_xdist
def test_xdist_worker_that_dies_fails_closed(project: Project) -> None:
    project.write("tests/test_die.py", "import os\n\ndef test_die():\n    os._exit(3)\n")
    result = project.run(*ARGS, "--tta-maturity-no-gates", "-n", "2")
    assert result.ret == 1
    cart = project.component("cart")
    assert cart["coverage"]["measured"] is False
    assert "died and its coverage data is lost" in cart["coverage"]["note"]
    assert cart["meets"] is False
    assert cart["blockers"][0].startswith("coverage: not measured (xdist worker gw")


def test_component_file_that_is_not_python_fails_closed(project: Project) -> None:
    development(project)
    project.write("src/shop/template.py", "def {{ name }}():\n    pass\n")
    text = (project.path / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml", text.replace('"src/shop/unused.py"]', '"src/shop/unused.py", "src/shop/template.py"]')
    )
    result = project.run(*ARGS, "--tta-maturity-no-gates")
    assert result.ret == 1
    pricing = project.component("pricing")
    assert pricing["coverage"]["measured"] is False
    assert "could not analyse" in pricing["coverage"]["note"]
    assert "template.py" in pricing["coverage"]["note"]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_gate_tool_killed_mid_run_is_an_error(project: Project) -> None:
    project.write(
        "conftest.py",
        f"""
        from pytest_tta_maturity.gates import GateSpec

        def pytest_tta_maturity_gates(config):
            kill = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
            return [GateSpec(name="killed", program={sys.executable!r}, arguments=lambda ctx: ["-c", kill],
                             parse=lambda run: [])]
        """,
    )
    text = (project.path / "pyproject.toml").read_text()
    project.write("pyproject.toml", text + '\n[tool.tta-maturity.levels.development]\ngates = ["tests", "killed"]\n')
    result = project.run(*ARGS)
    assert result.ret == 1
    killed = project.component("cart")["gates"]["killed"]
    message = f"{Path(sys.executable).name} {platform.python_version()} was killed by signal 9; run it again"
    assert (killed["status"], killed["message"]) == ("error", message)
    assert project.component("cart")["blockers"] == [f"killed: error ({message})"]


def test_cache_that_cannot_be_written_is_a_note_not_a_crash(project: Project) -> None:
    project.write("not-a-folder", "")
    text = (project.path / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml",
        text.replace(
            'testpaths = ["tests"]',
            'testpaths = ["tests"]\ncache_dir = "not-a-folder/cache"',
        ),
    )
    result = project.run(*ARGS, "--tta-maturity-no-gates")
    result.stdout.fnmatch_lines(["note: the report could not be kept in pytest's cache: *"])
    assert sum(line.startswith("note: the report could not be kept") for line in result.outlines) == 1
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert project.report()["summary"]["below"] == 0


def test_report_that_cannot_be_written_is_a_usage_error(project: Project) -> None:
    project.write("blocked", "")
    result = project.run("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:blocked/r.json")
    assert result.ret == 4
    assert "tta-maturity: cannot write the report" in result.stderr.str()


def test_missing_pytest_cov_fails_closed(project: Project) -> None:
    result = project.run(*ARGS, "--tta-maturity-no-gates", "-p", "no:pytest_cov")
    assert result.ret == 1
    cart = project.component("cart")
    assert cart["blockers"] == ["coverage: not measured (pytest-cov is not active)"]


def test_report_json_is_valid_even_when_below(project: Project) -> None:
    development(project)
    project.run(*ARGS, "--tta-maturity-no-gates")
    data = json.loads((project.path / "report.json").read_text())
    assert data["summary"]["below"] == 1
