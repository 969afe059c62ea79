#!/usr/bin/env python3
"""The gate cache after an edit of pyproject.toml that no tool reads, and after its revert.

Generates a project (benchmarks/generate.py), then runs `pytest --tta-maturity` (every gate of the
ladder: ruff's gates, pyright) in this order, timing each run and counting the gate processes the
pytest process starts (a `subprocess.Popen` audit hook; `--version` probes included, the
coverage-analysis worker left out):

    cold      --cache-clear: every gate runs
    warm      the same tree again
    edit      [project] version bumped and a level changed in [tool.tta-maturity]
    revert    pyproject.toml as it was
    ruff      [tool.ruff] line-length changed: ruff's gates must run again, pyright must not

Before the per-gate keys, `edit` and `revert` each re-ran every gate (the key covered the whole file).
Prints a table with each run's wall time, its ratio to the cold run and its gate processes.

    .venv/bin/python benchmarks/bench_gate_cache.py [--files 120] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

BOOT = """\
import os, sys
_log = open(os.environ["BENCH_EXEC_LOG"], "a", encoding="utf-8")
def _hook(event, args):
    if event == "subprocess.Popen":
        _log.write(f"{args[1]!r}\\n")
        _log.flush()
sys.addaudithook(_hook)
import pytest
sys.exit(pytest.main())
"""

STEPS = ("cold", "warm", "edit", "revert", "ruff")


def run(project: Path, log: Path, *extra: str) -> tuple[float, int]:
    """One `pytest --tta-maturity` run: its wall time and the processes it started."""
    log.write_text("")
    env = {**os.environ, "BENCH_EXEC_LOG": str(log)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", BOOT, "--tta-maturity", "-q", "-p", "no:randomly", *extra],
        cwd=project,
        env=env,
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - start
    # the plugin's coverage-analysis worker is not a gate
    started = [
        line for line in log.read_text().splitlines() if line and "pytest_tta_maturity.measure.analysis" not in line
    ]
    return wall, len(started)


def one_round(project: Path, log: Path) -> dict[str, tuple[float, int]]:
    pyproject = project / "pyproject.toml"
    original = pyproject.read_text()
    results = {"cold": run(project, log, "--cache-clear"), "warm": run(project, log)}
    edited = original.replace('level = "experimental"', 'level = "development"', 1)
    pyproject.write_text(edited.replace('version = "0"', 'version = "1.1"', 1))
    results["edit"] = run(project, log)
    pyproject.write_text(original)
    results["revert"] = run(project, log)
    pyproject.write_text(original.replace("line-length = 120", "line-length = 99", 1))
    results["ruff"] = run(project, log)
    pyproject.write_text(original)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the gate cache after an unrelated pyproject edit and its revert")
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        generate(project, max(1, args.files // 10), args.files)
        log = Path(tmp) / "exec.log"
        rounds = [one_round(project, log) for _ in range(args.rounds)]
    print(f"{args.files} files, {args.rounds} rounds (medians); load average {os.getloadavg()[0]:.2f}")
    print("| run | wall | / cold | gate processes |")
    print("|---|---:|---:|---:|")
    cold = statistics.median(r["cold"][0] for r in rounds)
    for step in STEPS:
        wall = statistics.median(r[step][0] for r in rounds)
        processes = statistics.median(r[step][1] for r in rounds)
        print(f"| {step} | {wall:.2f} s | {wall / cold:.2f}x | {processes:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
