"""End to end on examples/legacy-monorepo: the adoption its README walks through, step by step."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pytest_tta_maturity import cli
from tests.conftest import needs_xdist, run_pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy-monorepo"
LEVELS = {"billing": "development", "carbon": "development", "gameplay": "staging", "narrator": "development"}


def last_line(result: pytest.RunResult) -> str:
    return [line for line in result.outlines if line.strip()][-1]


@pytest.mark.parametrize(
    "workers", [pytest.param((), id="serial"), pytest.param(("-n", "2"), id="xdist", marks=needs_xdist)]
)
def test_init_baseline_a_passing_run_and_a_new_finding(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], workers: tuple[str, ...]
) -> None:
    shutil.copytree(
        EXAMPLE, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__")
    )
    assert cli.main(["init"]) == 0
    pyproject = pytester.path / "pyproject.toml"
    text = pyproject.read_text()
    for name, level in LEVELS.items():  # step 2 of the README: the levels the team aims at
        text = text.replace(f'components.{name}]\nlevel = "experimental"', f'components.{name}]\nlevel = "{level}"')
    pyproject.write_text(text)

    first = run_pytest(pytester, "--tta-maturity", *workers)
    assert first.ret == 1
    assert last_line(first) == (
        "tta-maturity: FAILED: 3 of 5 components meet their declared levels; 2 below: billing (lint: 2 findings), "
        "carbon (coverage 56.2% < 60% (+3.8 pts, ~3 statements or branches); lint: 2 findings)."
    )

    capsys.readouterr()
    assert cli.main(["baseline"]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "wrote tta-maturity-baseline.json: 2 components below their level",
        "  billing: below development, 2 findings known (lint 2), coverage 100% (0 uncovered)",
        "  carbon: below development, 10 findings known (docs 6, lint 2, types 2), coverage 56.2% (28 uncovered)",
    ]
    recorded = json.loads((pytester.path / "tta-maturity-baseline.json").read_text())
    assert sorted(recorded["components"]) == ["billing", "carbon"]

    held = run_pytest(pytester, "--tta-maturity", *workers)
    assert held.ret == 0, held.stdout.str()
    held.stdout.fnmatch_lines(
        [
            # counted as `baseline` counted them; docs and types are recorded, not compared at development
            "billing *below development, baseline held (known 2: lint 2)",
            "carbon *below development, baseline held (coverage not lower; known 10: lint 2; not needed: docs 6, types 2)",
            "tta-maturity: PASSED: 3 of 5 components meet their declared levels; 2 below their level hold their baseline: billing, carbon.",
        ]
    )

    ledger = pytester.path / "src/components/carbon/ledger.py"
    ledger.write_text(ledger.read_text().replace("import sys\n", "import os\nimport sys\n"))
    broken = run_pytest(pytester, "--tta-maturity", *workers)
    assert broken.ret == 1
    assert last_line(broken) == (
        "tta-maturity: FAILED: 3 of 5 components meet their declared levels; 1 below: carbon (new since the baseline: "
        "lint: src/components/carbon/ledger.py:3 F401 `os` imported but unused); "
        "1 below its level holds its baseline: billing."
    )
