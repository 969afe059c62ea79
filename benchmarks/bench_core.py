"""Wall time of `pytest --tta-maturity --tta-maturity-no-gates` against `pytest --cov=<the same paths>`.

    python benchmarks/bench_core.py [--rounds 5] [--components 200] [--files 2000]

In ONE run, on the story-engine example and on a generated project (benchmarks/generate.py), three
commands are run in turn, their order rotating from round to round so that none always goes first:

    A  pytest --cov=PATH ... --cov-report=       pytest-cov measuring exactly the component paths,
                                                 no report at all (the strict baseline)
    B  pytest --cov=PATH ... --cov-report=term   the same with pytest-cov's usual terminal table
    P  pytest --tta-maturity --tta-maturity-no-gates

The table shows the median wall time of each, the RATIOS P/A and P/B (target <= 1.03x: the plugin
adds nothing measurable to coverage measurement), and the plugin's own time, read from the
`tta-maturity timings:` line it prints when TTA_MATURITY_TIMINGS=1: `measure` (coverage.py's
per-file analysis, the same work as `coverage report`) and scoring+reporting (`score` + `write`;
target < 0.3 s for 2,000 files).

Logs of every run go to benchmarks/_work/logs/, the figures to benchmarks/_work/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
EXAMPLE = ROOT / "examples" / "story-engine"
TIMINGS = re.compile(r"^tta-maturity timings:\s*(.*)$", re.MULTILINE)
TIMING_ITEM = re.compile(r"(\w+)=([0-9.]+)s")

sys.path.insert(0, str(HERE))
from generate import generate  # a sibling script, not a package

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass
class Project:
    name: str
    root: Path
    files: int
    cov_paths: list[str]


@dataclass
class Samples:
    wall: list[float] = field(default_factory=lambda: list[float]())
    plugin: list[dict[str, float]] = field(default_factory=lambda: list[dict[str, float]]())
    statuses: list[int] = field(default_factory=lambda: list[int]())
    expected: tuple[int, ...] = (0,)

    def good_walls(self) -> list[float]:
        """Wall times of the runs that ended as expected (a crashed run is not a timing)."""
        return [w for w, s in zip(self.wall, self.statuses, strict=True) if s in self.expected]

    def bad_statuses(self) -> list[int]:
        return sorted({s for s in self.statuses if s not in self.expected})


def component_paths(root: Path) -> list[str]:
    """Every path of every component in ``root``'s pyproject.toml, as the plugin measures them."""
    with (root / "pyproject.toml").open("rb") as handle:
        config = tomllib.load(handle)
    components = config["tool"]["tta-maturity"]["components"]
    return [path for comp in components.values() for path in comp["paths"]]


def count_files(root: Path, paths: list[str]) -> int:
    total = 0
    for raw in paths:
        path = root / raw
        total += 1 if path.is_file() else sum(1 for _ in path.rglob("*.py"))
    return total


def make_project(name: str, root: Path) -> Project:
    paths = component_paths(root)
    return Project(name, root, count_files(root, paths), paths)


BASE = "A"
BASE_TERM = "B"
PLUGIN = "P"
LABELS = {BASE: "pytest --cov", BASE_TERM: "pytest --cov --cov-report=term", PLUGIN: "pytest --tta-maturity"}


def variants(project: Project) -> dict[str, list[str]]:
    cov = [f"--cov={path}" for path in project.cov_paths]
    return {
        BASE: [*cov, "--cov-report="],
        BASE_TERM: [*cov, "--cov-report=term"],
        PLUGIN: ["--tta-maturity", "--tta-maturity-no-gates"],
    }


def clean(root: Path) -> None:
    for path in root.glob(".coverage*"):
        path.unlink()


def run_once(project: Project, args: list[str], log: Path) -> tuple[float, int, dict[str, float]]:
    clean(project.root)
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env["TTA_MATURITY_TIMINGS"] = "1"
    env.setdefault("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
    argv = [sys.executable, "-m", "pytest", "-q", *args]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=project.root, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    log.write_text(f"$ {' '.join(argv)}\n(exit {done.returncode})\n{done.stdout}\n{done.stderr}", encoding="utf-8")
    timings: dict[str, float] = {}
    match = TIMINGS.search(done.stdout)
    if match:
        timings = {key: float(value) for key, value in TIMING_ITEM.findall(match.group(1))}
    return wall, done.returncode, timings


def scoring_time(timings: dict[str, float]) -> float:
    """The plugin's scoring and reporting: everything it times but coverage analysis and gate waits."""
    return sum(value for key, value in timings.items() if key not in ("measure", "gates_wait"))


def fmt_timings(samples: list[dict[str, float]]) -> str:
    if not samples or not any(samples):
        return "no 'tta-maturity timings:' line (plugin does not print it yet?)"
    keys = list(dict.fromkeys(key for sample in samples for key in sample))
    parts = [f"{key} {statistics.median(s.get(key, 0.0) for s in samples):.3f}s" for key in keys]
    return ", ".join(parts)


def bench(projects: list[Project], rounds: int, warmup: bool) -> dict[str, dict[str, Samples]]:
    results: dict[str, dict[str, Samples]] = {p.name: {} for p in projects}
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for project in projects:
        if warmup:  # bytecode caches and the OS file cache, so round 1 is not an outlier
            for key, args in variants(project).items():
                run_once(project, args, logs / f"{project.name}-warmup-{key}.log")
    for round_no in range(rounds):
        for project in projects:
            items = list(variants(project).items())
            shift = round_no % len(items)
            items = items[shift:] + items[:shift]
            for key, args in items:
                log = logs / f"{project.name}-r{round_no}-{key}.log"
                wall, status, timings = run_once(project, args, log)
                samples = results[project.name].setdefault(key, Samples(expected=(0, 1) if key == PLUGIN else (0,)))
                samples.wall.append(wall)
                samples.statuses.append(status)
                if timings and status in samples.expected:
                    samples.plugin.append(timings)
                print(
                    f"  round {round_no + 1}/{rounds}  {project.name:<14} {key} {LABELS[key]:<31} {wall:7.2f}s  exit {status}",
                    flush=True,
                )
    return results


def report(projects: list[Project], results: dict[str, dict[str, Samples]], rounds: int) -> tuple[list[str], bool]:
    lines = [
        (
            f"pytest-tta-maturity benchmark: {rounds} rounds, median wall time "
            f"(Python {platform.python_version()}, {os.cpu_count()} CPUs)"
        ),
        "A = pytest --cov=PATHS --cov-report=",
        "B = pytest --cov=PATHS --cov-report=term",
        "P = pytest --tta-maturity --tta-maturity-no-gates",
        "",
        "| project | files | A | B | P | P/A | P/B | plugin: measure | plugin: score+report |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ok = True
    notes: list[str] = []
    for project in projects:
        runs = results[project.name]
        bad = {key: runs[key].bad_statuses() for key in (BASE, BASE_TERM, PLUGIN) if runs[key].bad_statuses()}
        if bad:
            ok = False
            shown = ", ".join(f"{key}: {statuses}" for key, statuses in bad.items())
            notes.append(f"{project.name}: UNEXPECTED exit statuses ({shown}), left out: see {WORK / 'logs'}")
        if any(not runs[key].good_walls() for key in (BASE, BASE_TERM, PLUGIN)):
            lines.append(f"| {project.name} | {project.files} | no successful run of every command |")
            continue
        med = {key: statistics.median(runs[key].good_walls()) for key in (BASE, BASE_TERM, PLUGIN)}
        plug = runs[PLUGIN]
        measure = statistics.median(t.get("measure", 0.0) for t in plug.plugin) if plug.plugin else None
        scoring = statistics.median(scoring_time(t) for t in plug.plugin) if plug.plugin else None
        cells = [
            project.name,
            str(project.files),
            *(f"{med[key]:.2f} s" for key in (BASE, BASE_TERM, PLUGIN)),
            f"{med[PLUGIN] / med[BASE]:.3f}x",
            f"{med[PLUGIN] / med[BASE_TERM]:.3f}x",
            f"{measure:.3f} s" if measure is not None else "n/a",
            f"{scoring:.3f} s" if scoring is not None else "n/a",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        notes.append(f"{project.name}: plugin timings (median): {fmt_timings(plug.plugin)}")
        for key in (BASE, BASE_TERM):
            ratio = med[PLUGIN] / med[key]
            if ratio > 1.03:
                notes.append(f"{project.name}: P/{key} = {ratio:.3f}x is above the 1.03x target")
        if scoring is not None and project.files >= 2000 and scoring >= 0.3:
            notes.append(f"{project.name}: scoring+reporting {scoring:.3f} s is above the 0.3 s target")
    return [*lines, "", *notes], ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pytest --tta-maturity against pytest --cov: wall-time ratio")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--components", type=int, default=200)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--no-example", action="store_true", help="only the generated project")
    parser.add_argument("--no-generated", action="store_true", help="only the example")
    parser.add_argument("--no-warmup", action="store_true")
    args = parser.parse_args(argv)

    projects: list[Project] = []
    if not args.no_example:
        # A copy, so that the runs leave no .coverage or caches in the example.
        copy = WORK / "story-engine"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        projects.append(make_project("story-engine", copy))
    if not args.no_generated:
        out = WORK / f"gen-{args.components}x{args.files}"
        stats = generate(out, args.components, args.files)
        print(f"generated {out.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in stats.items()), flush=True)
        projects.append(make_project(out.name, out))
    if not projects:
        parser.error("nothing to run: drop --no-example or --no-generated")

    results = bench(projects, args.rounds, warmup=not args.no_warmup)
    lines, ok = report(projects, results, args.rounds)
    print()
    print("\n".join(lines))
    payload = {
        "rounds": args.rounds,
        "python": platform.python_version(),
        "variants": LABELS,
        "projects": {
            p.name: {
                "files": p.files,
                **{
                    key: {"wall": s.wall, "statuses": s.statuses, "plugin_timings": s.plugin}
                    for key, s in results[p.name].items()
                },
            }
            for p in projects
        },
        "table": lines,
    }
    (WORK / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
