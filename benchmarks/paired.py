"""Paired timing of two commands, A and B: interleaved A B A B (after one warm-up of each), whole process.

Wall seconds from a monotonic clock around each run; CPU seconds (user + system) from the
operating system's accounting of the finished children (``resource.getrusage``). The ratio A/B
is taken pair by pair, so that a machine whose speed drifts during the runs still compares
like with like; medians are quoted, min and max show the spread.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def _once(cmd: Sequence[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(list(cmd), cwd=cwd, env=dict(env), capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def paired(a: Sequence[str], b: Sequence[str], runs: int, cwd: Path, env: Mapping[str, str]) -> list[str]:
    """Time ``a`` against ``b`` over ``runs`` pairs; the table to print (Markdown)."""
    _once(a, cwd, env)
    _once(b, cwd, env)
    pairs = [(_once(a, cwd, env), _once(b, cwd, env)) for _ in range(runs)]
    lines = [
        "| | A median | B median | A/B median (pair by pair) | A/B min .. max |",
        "|---|---:|---:|---:|---:|",
    ]
    for index, name in enumerate(("wall", "cpu")):
        a_s = [pa[index] for pa, _ in pairs]
        b_s = [pb[index] for _, pb in pairs]
        ratios = [x / y for x, y in zip(a_s, b_s, strict=True)]
        lines.append(
            f"| {name} | {statistics.median(a_s):.3f} s | {statistics.median(b_s):.3f} s | "
            f"{statistics.median(ratios):.4f} | {min(ratios):.3f} .. {max(ratios):.3f} |"
        )
    return lines
