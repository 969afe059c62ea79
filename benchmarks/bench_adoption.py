"""Adopting pytest-tta-maturity on examples/legacy-monorepo: how long `init`, the first run and `baseline` take.

Each round copies the example into a fresh temporary folder (no pytest cache, no gate cache) and
times, each as its own process, the steps its README walks through:

  init      `tta-maturity init`
  run       `pytest --tta-maturity` (the first run: every gate cold), once the levels are declared
  baseline  `tta-maturity baseline`
  again     `pytest --tta-maturity` (the components below their level now hold their baseline)

against the obvious alternative, timed in the same round on another fresh copy: `pytest` alone,
the suite as the team runs it before adopting the plugin. It prints the median of each step, the
adoption (init + run + baseline) as a ratio of plain pytest, and checks that every step did what
the README says (init writes five components, the first run exits 1, baseline writes the file,
the second run exits 0).

    .venv/bin/python benchmarks/bench_adoption.py --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "legacy-monorepo"
BIN = Path(sys.executable).parent
#: The levels the example's README declares after `init` (the team's aims).
LEVELS = {"billing": "development", "carbon": "development", "gameplay": "staging", "narrator": "development"}


def copy_example(scratch: Path, name: str) -> Path:
    target = scratch / name
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__", "*.json"))
    return target


def declare_levels(project: Path) -> None:
    """Raise the levels as the README's step 2 does by hand."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    for name, level in LEVELS.items():
        header = f'[tool.tta-maturity.components.{name}]\nlevel = "experimental"'
        if header not in text:
            sys.exit(f"bench_adoption: init did not declare {name} as expected")
        text = text.replace(header, f'[tool.tta-maturity.components.{name}]\nlevel = "{level}"')
    pyproject.write_text(text, encoding="utf-8")


def timed(argv: list[str], cwd: Path, expect: int) -> float:
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""), PYRIGHT_PYTHON_IGNORE_WARNINGS="1")
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != expect:
        sys.exit(
            f"bench_adoption: {' '.join(argv)} exited {done.returncode}, expected {expect}\n"
            + done.stdout[-2000:]
            + done.stderr[-2000:]
        )
    return elapsed


def one_round(scratch: Path, index: int) -> dict[str, float]:
    plain = copy_example(scratch, f"plain-{index}")
    figures = {"pytest": timed([str(BIN / "pytest"), "-q"], plain, 0)}
    project = copy_example(scratch, f"adopt-{index}")
    figures["init"] = timed([str(BIN / "tta-maturity"), "init"], project, 0)
    declare_levels(project)
    figures["run"] = timed([str(BIN / "pytest"), "-q", "--tta-maturity"], project, 1)
    figures["baseline"] = timed([str(BIN / "tta-maturity"), "baseline"], project, 0)
    if not (project / "tta-maturity-baseline.json").is_file():
        sys.exit("bench_adoption: baseline wrote no file")
    figures["again"] = timed([str(BIN / "pytest"), "-q", "--tta-maturity"], project, 0)
    figures["adoption"] = figures["init"] + figures["run"] + figures["baseline"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5); medians are printed")
    args = parser.parse_args(argv)
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="tta-adoption-") as folder:
        for index in range(args.rounds + 1):  # the first round warms the interpreter's caches and is dropped
            figures = one_round(Path(folder), index)
            if index:
                rounds.append(figures)
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    spread = {key: (min(r[key] for r in rounds), max(r[key] for r in rounds)) for key in rounds[0]}
    print(f"examples/legacy-monorepo, {args.rounds} rounds (median, min-max), seconds of wall time:")
    labels = {
        "pytest": "pytest alone (the suite today)",
        "init": "tta-maturity init",
        "run": "pytest --tta-maturity (first run, cold)",
        "baseline": "tta-maturity baseline",
        "adoption": "init + first run + baseline",
        "again": "pytest --tta-maturity (baseline held)",
    }
    for key, label in labels.items():
        low, high = spread[key]
        print(f"  {label:<42} {median[key]:6.2f}  ({low:.2f}-{high:.2f})")
    print(f"adoption / pytest alone: {median['adoption'] / median['pytest']:.2f}x")
    print(f"run with the baseline held / pytest alone: {median['again'] / median['pytest']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
