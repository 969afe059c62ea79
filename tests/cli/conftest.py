"""Fixtures of the command and renderer tests: reports built by hand, a small project, a CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_tta_maturity import cli
from pytest_tta_maturity.baseline import store as baseline
from pytest_tta_maturity.baseline import update as baseline_update
from pytest_tta_maturity.config import ComponentConfig, MaturityConfig
from pytest_tta_maturity.ladder import Ladder
from pytest_tta_maturity.model import (
    NO_COMPONENT,
    CoverageFigures,
    Finding,
    GateOutcome,
    GateResult,
    GatesMode,
    Outcome,
    Report,
    TestCounts,
)
from pytest_tta_maturity.partial import PartialKind
from pytest_tta_maturity.scoring import gate_results, score

LEVELS = ["experimental", "development", "staging", "production"]
GOLD = Path(__file__).parent / "gold"
#: Set TTA_MATURITY_REGOLD=1 to rewrite the gold files from the current renderers.
REGOLD = bool(os.environ.get("TTA_MATURITY_REGOLD"))


def _config(root: str, *components: ComponentConfig) -> MaturityConfig:
    return MaturityConfig(
        file=Path(root) / "pyproject.toml", root=Path(root), components=components, ladder=Ladder.build()
    )


def sample_report() -> Report:
    """Two components scored as a run scores them: one below its level with findings and a gate
    error, one ready to promote."""
    cfg = _config(
        "/src/project",
        ComponentConfig("carbon", "staging", (Path("/src/project/src/tta/carbon"),)),
        ComponentConfig("model_management", "development", (Path("/src/project/src/tta/model_management"),), (), 65.0),
    )
    carbon_cov = CoverageFigures(
        percent=65.22,
        covered_lines=60,
        num_statements=92,
        covered_branches=0,
        num_branches=0,
        missing_lines={"src/tta/carbon/x.py": [3, 4, 10, 11, 12, 13, 14, 30], "src/tta/carbon/y.py": [5, 6, 7]},
        raw_percent=65.21739130434783,
        precision=2,
    )
    model_cov = CoverageFigures(
        percent=84.21,
        covered_lines=150,
        num_statements=170,
        covered_branches=10,
        num_branches=20,
        missing_lines={"src/tta/model_registry.py": [40, 41, 42]},
        raw_percent=84.21052631578948,
        precision=2,
    )
    ruff, pyright = "ruff 0.17.6", "pyright 1.1.414"
    carbon_gates = {
        "lint": GateResult("pass", tool=ruff),
        "format": GateResult("pass", tool=ruff),
        "types": GateResult(
            "fail",
            findings=2,
            details=[
                Finding("src/tta/carbon/x.py", 12, "reportArgumentType", 'Argument of type "str" is not "int"'),
                Finding("src/tta/carbon/y.py", 3, "reportReturnType", "Type <None> is not <int>"),
            ],
            tool=pyright,
        ),
        "security": GateResult(
            "error",
            message="bandit is not installed (looked beside /usr/bin/python3 and on PATH); pip install bandit",
            tool="bandit",
        ),
        "docs": GateResult("pass", tool=ruff),
    }
    model_gates = {
        "lint": GateResult("pass", tool=ruff),
        "format": GateResult("pass", tool=ruff),
        "types": GateResult("pass", tool=pyright),
        "security": GateResult("pass", tool=ruff),
        "docs": GateResult(
            "fail",
            findings=1,
            details=[Finding("src/tta/model_registry.py", 1, "D100", "Missing docstring")],
            tool=ruff,
        ),
    }
    return score(
        cfg,
        coverage={"carbon": carbon_cov, "model_management": model_cov},
        tests={"carbon": TestCounts(passed=12, skipped=1), "model_management": TestCounts(passed=30)},
        gates={"carbon": carbon_gates, "model_management": model_gates},
        version="0.1.0",
    )


def nasty_report() -> Report:
    """Text that must be escaped everywhere: markup, quotes, pipes, newlines, control characters."""
    name = 'a|b<script>alert("x")</script>&\\'
    cfg = _config(
        "/src/project",
        ComponentConfig(name, "development", (Path("/src/project/src"),)),
        ComponentConfig("empty", "experimental", (Path("/src/project/src/empty"),)),
    )
    failed = TestCounts()
    failed.add('tests/test_<b>.py::test_x["|&"]', Outcome.FAILED)
    finding = Finding("src/<b>|x.py", 1, "E501", 'line "too" long\nsecond line \x1b[31m<red>\x00')
    # the gate states a run with --tta-maturity-gates=declared gives: lint ran over both components
    gates = gate_results(
        cfg, cfg.components, {"lint": []}, {"lint": GateOutcome("lint", "ruff", [finding])}, mode="declared"
    )
    cov = CoverageFigures(
        percent=10.0,
        covered_lines=1,
        num_statements=10,
        covered_branches=0,
        num_branches=0,
        missing_lines={"src/<b>|x.py": [1, 2]},
        raw_percent=10.0,
        precision=0,
    )
    return score(
        cfg,
        coverage={name: cov, "empty": CoverageFigures.unmeasured()},
        tests={name: failed, "empty": TestCounts()},
        gates=gates,
        partial=True,
        partial_reason='tests selected on the command line (-k "x")',
        partial_kind=PartialKind.SELECTION,
        tests_failed=1,
        gates_mode=GatesMode.DECLARED,
        version="0.1.0",
    )


def baseline_report() -> Report:
    """Scored against a baseline recorded from an earlier run: one component below its level holding
    it, one that broke it (a new finding, a coverage drop), one meeting its level."""
    cfg = _config(
        "/src/project",
        ComponentConfig("billing", "development", (Path("/src/project/src/billing.py"),)),
        ComponentConfig("carbon", "staging", (Path("/src/project/src/carbon"),)),
        ComponentConfig("model", "development", (Path("/src/project/src/model"),)),
    )
    ruff = "ruff 0.17.6"

    def cov(covered: int, statements: int) -> CoverageFigures:
        raw = 100.0 * covered / statements
        return CoverageFigures(round(raw, 1), covered, statements, 0, 0, raw_percent=raw, precision=1)

    def lint(*findings: Finding) -> GateResult:
        return GateResult("fail" if findings else "pass", findings=len(findings), details=list(findings), tool=ruff)

    e741 = Finding("src/billing.py", 14, "E741", "Ambiguous variable name: `l`")
    f401 = Finding("src/carbon/ledger.py", 3, "F401", "`sys` imported but unused")
    e711 = Finding("src/carbon/footprint.py", 12, "E711", "Comparison to `None` should be `cond is None`")
    new = Finding("src/billing.py", 1, "F401", "`os` imported but unused")
    passing = {g: lint() for g in ("format", "types", "security", "docs")}

    def run(billing: list[Finding], billing_cov: CoverageFigures) -> Report:
        return score(
            cfg,
            coverage={"billing": billing_cov, "carbon": cov(45, 80), "model": cov(19, 20)},
            tests={name: TestCounts(passed=3) for name in ("billing", "carbon", "model")},
            gates={
                "billing": {**passing, "lint": lint(*billing)},
                "carbon": {**passing, "lint": lint(f401, e711)},
                "model": {**passing, "lint": lint()},
            },
            version="0.1.0",
        )

    recorded = baseline_update.update_baseline(
        None, run([e741], cov(40, 50)), baseline.required_gates(cfg), version="0.1.0"
    ).baseline
    report = run([e741, new], cov(40, 70))
    baseline.apply(report, recorded, baseline.required_gates(cfg))
    return report


def _counts(lines: int, statements: int, branches: int = 0, branch_total: int = 0) -> CoverageFigures:
    """Figures with coverage.py's arithmetic: (lines + branches) over (statements + branch total), 1 decimal."""
    raw = 100.0 * (lines + branches) / (statements + branch_total)
    return CoverageFigures(round(raw, 1), lines, statements, branches, branch_total, raw_percent=raw, precision=1)


def sources_report() -> Report:
    """Own-tests and import-only figures beside the one from all tests: carbon's all-tests figure hides
    weak own tests (most of it comes from billing's and model's tests), model is judged on its own
    tests, billing has no coverage at all."""
    cfg = _config(
        "/src/project",
        ComponentConfig("carbon", "development", (Path("/src/project/src/carbon"),)),
        ComponentConfig("model", "staging", (Path("/src/project/src/model"),), coverage_from="own_tests"),
        ComponentConfig("billing", "experimental", (Path("/src/project/src/billing.py"),)),
    )
    carbon = _counts(150, 170, 10, 20)
    carbon.missing_lines = {"src/carbon/ledger.py": [12, 13, 14, 40]}
    carbon.sources = {"own_tests": _counts(30, 170, 4, 20), "import_only": _counts(22, 170, 0, 20)}
    carbon.other_tests = {"billing": 70, "model": 24, NO_COMPONENT: 12}
    carbon.other_tests_total = 90  # 16 statements ran by tests of billing and of model
    model = _counts(92, 100)
    model.missing_lines = {"src/model/core.py": [8, 9]}
    model.sources = {"own_tests": _counts(85, 100), "import_only": _counts(20, 100)}
    model.other_tests = {"carbon": 7}
    model.other_tests_total = 7
    passing = {g: GateResult("pass", tool="ruff 0.17.6") for g in ("lint", "format", "types", "security", "docs")}
    return score(
        cfg,
        coverage={"carbon": carbon, "model": model, "billing": CoverageFigures.unmeasured()},
        tests={"carbon": TestCounts(passed=2), "model": TestCounts(passed=9), "billing": TestCounts(passed=1)},
        gates={name: passing for name in ("carbon", "model", "billing")},
        version="0.1.0",
    )


#: Reports whose renderings are compared with gold files: only what real runs do not produce here
#: (the real runs' gold files are in tests/e2e/gold/).
REPORTS: dict[str, Callable[[], Report]] = {
    "nasty": nasty_report,
    "baseline": baseline_report,
    "sources": sources_report,
}


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
