"""What recording whose tests ran each line costs: attribution on (the default) against off.

    python3 tasks.py bench contexts --rounds 5
    .venv/bin/python benchmarks/bench_contexts.py --rounds 3 --projects example,grouped,interleaved
    .venv/bin/python benchmarks/bench_contexts.py --projects werkzeug --rounds 3

The own-tests and import-only figures need coverage.py to record, for every line, which component's
tests ran it: the plugin switches coverage.py's context (``Coverage.switch_context``, which flushes
the data collected so far) each time the running test's components change, and reads the data back
per context after the tests. ``--tta-maturity-no-contexts`` turns that off. This script times, in
ONE run, on each project:

| | command |
|---|---|
| ON  | ``pytest --tta-maturity --tta-maturity-no-gates`` (contexts recorded: the default) |
| OFF | the same with ``--tta-maturity-no-contexts`` |

serially and with ``-n 2`` (pytest-xdist), rounds rotating the order, after one warm-up run of each
(the static analysis is then kept in pytest's cache: both variants run warm). The projects:

- ``example``: a copy of ``examples/story-engine``;
- ``grouped``: ``generate.py``'s project, 200 components and 2,000 files, tests in collection order
  (grouped by component: one switch per component);
- ``interleaved``: the same project with its tests reordered round-robin across components, so
  that every test is another component's (one switch per test, the worst case);
- ``werkzeug``: werkzeug 3.1.3's sdist, its components as ``bench_gates.py --real werkzeug``
  declares them (its venv is set up once under ``benchmarks/_work/real``).

It prints the median wall time of each command, the ratio ON/OFF (target: at most 1.05x), the
plugin's own time after the tests (``measure``, from ``TTA_MATURITY_TIMINGS``), and checks that ON
and OFF give identical all-tests figures (the contexts must change nothing else) and that ON has
the own-tests figures OFF has not. The load average is printed before and after: on a busy machine
the ratios only mean something between runs of one round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_gates import real_project
from generate import generate

WORK = HERE / "_work" / "contexts"
RUN = ["--tta-maturity", "--tta-maturity-no-gates", "-q", "-p", "no:randomly", "--tta-maturity-report=json:bench.json"]
VARIANTS = {"ON": [], "OFF": ["--tta-maturity-no-contexts"]}
INTERLEAVE = '''\
"""Added by bench_contexts.py: run the tests round-robin across components (a switch per test)."""


def pytest_collection_modifyitems(items):
    groups = {}
    for item in items:
        groups.setdefault(item.path.parent.name, []).append(item)
    queues = list(groups.values())
    items[:] = [queue[i] for i in range(max(map(len, queues), default=0)) for queue in queues if i < len(queue)]
'''


@dataclass
class Project:
    name: str
    root: Path
    python: str
    description: str


@dataclass
class Samples:
    wall: list[float] = field(default_factory=lambda: list[float]())
    measure: list[float] = field(default_factory=lambda: list[float]())
    report: dict[str, Any] | None = None


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def example() -> Project:
    root = WORK / "example"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(ROOT / "examples" / "story-engine", root)
    return Project("example", root, sys.executable, "examples/story-engine (4 components)")


def generated(name: str, interleaved: bool) -> Project:
    root = WORK / name
    shutil.rmtree(root, ignore_errors=True)
    stats = generate(root, 200, 2000, seed=1)
    if interleaved:
        (root / "conftest.py").write_text(INTERLEAVE, encoding="utf-8")
    order = "interleaved round-robin" if interleaved else "grouped by component"
    return Project(
        name, root, sys.executable, f"generated: {stats['components']} components, 2,000 files, tests {order}"
    )


def werkzeug() -> Project:
    from bench_gates import PYTHON

    found = real_project("werkzeug")
    return Project("werkzeug", found.root, PYTHON[0], found.description)


PROJECTS = {
    "example": example,
    "grouped": lambda: generated("grouped", False),
    "interleaved": lambda: generated("interleaved", True),
    "werkzeug": werkzeug,
}


def run_once(project: Project, args: list[str], samples: Samples) -> None:
    for path in project.root.glob(".coverage*"):
        path.unlink()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    env["TTA_MATURITY_TIMINGS"] = "1"
    started = time.perf_counter()
    done = subprocess.run(
        [project.python, "-m", "pytest", *RUN, *args],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    samples.wall.append(time.perf_counter() - started)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{project.name} {' '.join(args)}: exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr}")
    for line in done.stdout.splitlines():
        if line.startswith("tta-maturity timings:"):
            parts = dict(item.split("=") for item in line.split(":", 1)[1].split())
            samples.measure.append(float(parts.get("measure", "0s").rstrip("s")))
    samples.report = json.loads((project.root / "bench.json").read_text(encoding="utf-8"))


def figures(report: dict[str, Any] | None) -> dict[str, Any]:
    comps = (report or {}).get("components", [])
    return {c["name"]: {k: v for k, v in c["coverage"].items() if k not in ("sources", "other_tests")} for c in comps}


def has_own(report: dict[str, Any] | None) -> bool:
    comps = (report or {}).get("components", [])
    return bool(comps) and all(c["coverage"]["sources"]["own_tests"].get("measured", True) for c in comps)


def bench(project: Project, rounds: int, xdist: bool) -> dict[str, Samples]:
    extra = ["-n", "2"] if xdist else []
    samples = {name: Samples() for name in VARIANTS}
    for args in VARIANTS.values():  # warm-up: the static analysis is kept in pytest's cache
        run_once(project, [*args, *extra], Samples())
    names = list(VARIANTS)
    for index in range(rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            run_once(project, [*VARIANTS[name], *extra], samples[name])
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="own-tests attribution on against off: wall-time ratio")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--projects", default="example,grouped,interleaved,werkzeug")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    problems: list[str] = []
    print(f"load average before: {load_average()}", flush=True)
    for key in args.projects.split(","):
        project = PROJECTS[key]()
        print(f"{project.name}: {project.description}", flush=True)
        for xdist in (False, True):
            samples = bench(project, args.rounds, xdist)
            on, off = (statistics.median(samples[n].wall) for n in ("ON", "OFF"))
            measure = {n: statistics.median(samples[n].measure) if samples[n].measure else 0.0 for n in VARIANTS}
            mode = "-n 2" if xdist else "serial"
            rows.append(
                f"| {project.name} | {mode} | {on:.2f} s | {off:.2f} s | {on / off:.3f}x "
                f"| {measure['ON']:.2f} s / {measure['OFF']:.2f} s |"
            )
            print(rows[-1], f"(load {load_average()})", flush=True)
            if figures(samples["ON"].report) != figures(samples["OFF"].report):
                problems.append(f"{project.name} {mode}: all-tests figures differ between ON and OFF")
            if not has_own(samples["ON"].report) or has_own(samples["OFF"].report):
                problems.append(f"{project.name} {mode}: own-tests figures not where expected")
    print()
    print(f"rounds: {args.rounds}; medians; load average after: {load_average()}")
    print(
        "| project | tests | ON (contexts) | OFF (--tta-maturity-no-contexts) | ON/OFF | measure after the tests ON / OFF |"
    )
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
