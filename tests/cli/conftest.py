"""Fixtures of the command and renderer tests: reports built by hand, a small project, a CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_tta_maturity import cli
from pytest_tta_maturity.model import ComponentResult, CoverageFigures, Finding, GateResult, Report, TestCounts

LEVELS = ["experimental", "development", "staging", "production"]
GOLD = Path(__file__).parent / "gold"
#: Set TTA_MATURITY_REGOLD=1 to rewrite the gold files from the current renderers.
REGOLD = bool(os.environ.get("TTA_MATURITY_REGOLD"))


def sample_report() -> Report:
    """Two components: one below its level with findings and a gate error, one ready to promote."""
    carbon = ComponentResult(
        name="carbon",
        declared="staging",
        achieved="development",
        meets=False,
        coverage=CoverageFigures(
            percent=65.22,
            covered_lines=60,
            num_statements=92,
            covered_branches=0,
            num_branches=0,
            missing_lines={"src/tta/carbon/x.py": [3, 4, 10, 11, 12, 13, 14, 30], "src/tta/carbon/y.py": [5, 6, 7]},
            raw_percent=65.21739130434783,
            precision=2,
        ),
        tests=TestCounts(passed=12, failed=0, skipped=1, errors=0),
        gates={
            "tests": GateResult("pass"),
            "lint": GateResult("pass", tool="ruff 0.17.6"),
            "format": GateResult("pass", tool="ruff 0.17.6"),
            "types": GateResult(
                "fail",
                findings=2,
                details=[
                    Finding("src/tta/carbon/x.py", 12, "reportArgumentType", 'Argument of type "str" is not "int"'),
                    Finding("src/tta/carbon/y.py", 3, "reportReturnType", "Type <None> is not <int>"),
                ],
                tool="pyright 1.1.414",
            ),
            "security": GateResult("error", message="bandit is not installed; pip install bandit", tool="bandit"),
        },
        blockers=[
            "coverage 65.2% < 70% (+4.8 pts, ~5 lines)",
            "types: 2 errors",
            "security: error (bandit is not installed; pip install bandit)",
        ],
        threshold=70.0,
        next_level="staging",
        next_blockers=[
            "coverage 65.2% < 70% (+4.8 pts, ~5 lines)",
            "types: 2 errors",
            "security: error (bandit is not installed; pip install bandit)",
        ],
    )
    model = ComponentResult(
        name="model_management",
        declared="development",
        achieved="staging",
        meets=True,
        coverage=CoverageFigures(
            percent=84.21,
            covered_lines=150,
            num_statements=170,
            covered_branches=10,
            num_branches=20,
            missing_lines={"src/tta/model_registry.py": [40, 41, 42]},
            raw_percent=84.21052631578948,
            precision=2,
        ),
        tests=TestCounts(passed=30),
        gates={
            "tests": GateResult("pass"),
            "lint": GateResult("pass", tool="ruff 0.17.6"),
        },
        blockers=[],
        threshold=65.0,
        next_level="production",
        next_blockers=["docs: not run: no declared level of this component needs it"],
    )
    return Report(version="0.1.0", components=[carbon, model], levels=list(LEVELS), project_root="/src/project")


def nasty_report() -> Report:
    """Text that must be escaped everywhere: markup, quotes, pipes, newlines, control characters."""
    name = 'a|b<script>alert("x")</script>&\\'
    comp = ComponentResult(
        name=name,
        declared="development",
        achieved="experimental",
        meets=False,
        coverage=CoverageFigures(
            percent=10.0,
            covered_lines=1,
            num_statements=10,
            covered_branches=0,
            num_branches=0,
            missing_lines={"src/<b>|x.py": [1, 2]},
            raw_percent=10.0,
            precision=0,
        ),
        tests=TestCounts(failed=1),
        gates={
            "tests": GateResult("fail", findings=1),
            "lint": GateResult(
                "fail",
                findings=1,
                details=[Finding("src/<b>|x.py", 1, "E501", 'line "too" long\nsecond line \x1b[31m<red>\x00')],
                tool="ruff",
            ),
        },
        blockers=["coverage 10.0% < 60% (+50.0 pts, ~5 lines)", "tests: 1 failed or errored", "lint: 1 finding"],
        threshold=60.0,
        next_level="development",
        next_blockers=["coverage 10.0% < 60% (+50.0 pts, ~5 lines)"],
    )
    unmeasured = ComponentResult(
        name="empty",
        declared="experimental",
        achieved="experimental",
        meets=True,
        coverage=CoverageFigures.unmeasured(),
        tests=TestCounts(),
        gates={"tests": GateResult("skipped", message="no attributed test ran in this partial run")},
        blockers=[],
        threshold=0.0,
        next_level="development",
        next_blockers=["coverage: not measured"],
    )
    return Report(
        version="0.1.0",
        components=[comp, unmeasured],
        partial=True,
        partial_reason='tests selected on the command line (-k "x")',
        gates_run=True,
        levels=list(LEVELS),
    )


REPORTS: dict[str, Callable[[], Report]] = {"sample": sample_report, "nasty": nasty_report}


def check_gold(name: str, actual: str) -> None:
    """Compare ``actual`` with the gold file ``name`` (rewrite it when TTA_MATURITY_REGOLD is set)."""
    path = GOLD / name
    if REGOLD or not path.exists():
        path.write_text(actual, encoding="utf-8", newline="")
        if not REGOLD:
            pytest.fail(f"gold file {name} was missing and has been written; check it in")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; TTA_MATURITY_REGOLD=1 rewrites it"


@dataclass
class Result:
    """What one run of the command printed and returned."""

    status: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``tta-maturity ARGS`` in this process and capture its output."""

    def run(*args: str) -> Result:
        capsys.readouterr()  # drop what came before (pytester's own output)
        status = cli.main(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


def write_report(path: Path, report: Report) -> Path:
    """Save ``report`` as the JSON the plugin writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2), encoding="utf-8")
    return path
