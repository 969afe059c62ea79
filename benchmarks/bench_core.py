"""Wall time of `pytest --tta-maturity --tta-maturity-no-gates` against `pytest --cov=<the same paths>`.

    python benchmarks/bench_core.py [--rounds 5] [--generated 200x2000[,500x20000]] [--term]

In ONE run, on the story-engine example and on generated projects (benchmarks/generate.py,
COMPONENTSxFILES), these commands are run in turn, their order rotating from round to round so that
none always goes first:

    A  pytest --cov=PATH ... --cov-report=       pytest-cov measuring exactly the component paths,
                                                 printing nothing (the strict baseline)
    B  pytest --cov=PATH ... --cov-report=term   the same with pytest-cov's usual table (with --term)
    C  pytest --tta-maturity --tta-maturity-no-gates, COLD: the plugin's kept analysis is deleted
       first, so the worker parses every component file beside the tests
    W  the same, WARM: the analysis kept by an earlier run of the unchanged sources is used

The table shows the median wall time of each and the RATIOS C/A (target <= 1.03x) and W/A (target
<= 1.01x), with the plugin's own times read from the `tta-maturity timings:` line it prints when
TTA_MATURITY_TIMINGS=1: `analysis` (the worker's parsing beside the tests, off the critical path),
`measure` (what is left after the tests: the intersection with the measured data) and
scoring+reporting (`score` + `write`; target < 0.3 s for 2,000 files). Two steadier figures for a
busy machine: the CPU seconds of each command's whole process tree (CPU C/A, W/A: all the work the
plugin adds, the worker's included, wherever it runs) and "after the tests / A" (measure + score +
write over A's wall time: what the plugin adds to the critical path once the tests are done). It also
checks that cold and warm runs give the same figures (from the report each run keeps in pytest's
cache), and prints the load average of the machine before and after, since a busy machine moves
every wall-time figure.

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
    cpu: list[float] = field(default_factory=lambda: list[float]())
    plugin: list[dict[str, float]] = field(default_factory=lambda: list[dict[str, float]]())
    statuses: list[int] = field(default_factory=lambda: list[int]())
    expected: tuple[int, ...] = (0,)

    def good_walls(self) -> list[float]:
        """Wall times of the runs that ended as expected (a crashed run is not a timing)."""
        return [w for w, s in zip(self.wall, self.statuses, strict=True) if s in self.expected]

    def good_cpus(self) -> list[float]:
        """CPU seconds (user + system, the whole process tree) of the runs that ended as expected."""
        return [c for c, s in zip(self.cpu, self.statuses, strict=True) if s in self.expected and c >= 0]

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
COLD = "C"
WARM = "W"
PLUGINS = (COLD, WARM)
LABELS = {
    BASE: "pytest --cov",
    BASE_TERM: "pytest --cov --cov-report=term",
    COLD: "pytest --tta-maturity (cold)",
    WARM: "pytest --tta-maturity (warm)",
}
#: Where the plugin keeps its analysis (pytest's cache, ``config.cache.mkdir``) and its last report.
ANALYSIS_CACHE = Path(".pytest_cache") / "d" / "tta-maturity-coverage"
LAST_REPORT = Path(".pytest_cache") / "v" / "tta-maturity" / "last-report"


def variants(project: Project, term: bool) -> dict[str, list[str]]:
    cov = [f"--cov={path}" for path in project.cov_paths]
    plugin = ["--tta-maturity", "--tta-maturity-no-gates"]
    found = {BASE: [*cov, "--cov-report="], COLD: plugin, WARM: plugin}
    if term:
        found[BASE_TERM] = [*cov, "--cov-report=term"]
    return found


def clean(root: Path, key: str) -> None:
    for path in root.glob(".coverage*"):
        path.unlink()
    if key == COLD:
        shutil.rmtree(root / ANALYSIS_CACHE, ignore_errors=True)


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def kept_figures(root: Path) -> str:
    """The components' coverage figures of the last report the plugin kept, as text to compare."""
    try:
        report = json.loads((root / LAST_REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return json.dumps([[c["name"], c["coverage"]] for c in report.get("components", [])], sort_keys=True)


def children_cpu() -> float:
    """CPU seconds used so far by this script's finished child processes (and theirs); -1 without ``resource``."""
    try:
        import resource
    except ImportError:  # Windows
        return -1.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(project: Project, key: str, args: list[str], log: Path) -> tuple[float, float, int, dict[str, float]]:
    clean(project.root, key)
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env["TTA_MATURITY_TIMINGS"] = "1"
    env.setdefault("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
    argv = [sys.executable, "-m", "pytest", "-q", *args]
    cpu_before = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=project.root, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu_before if cpu_before >= 0 else -1.0
    log.write_text(f"$ {' '.join(argv)}\n(exit {done.returncode})\n{done.stdout}\n{done.stderr}", encoding="utf-8")
    timings: dict[str, float] = {}
    match = TIMINGS.search(done.stdout)
    if match:
        timings = {key: float(value) for key, value in TIMING_ITEM.findall(match.group(1))}
    return wall, cpu, done.returncode, timings


def scoring_time(timings: dict[str, float]) -> float:
    """The plugin's scoring and reporting: everything it times but coverage analysis and gate waits."""
    return sum(
        value for key, value in timings.items() if key not in ("measure", "gates_wait", "analysis", "measure_in_worker")
    )


def fmt_timings(samples: list[dict[str, float]]) -> str:
    if not samples or not any(samples):
        return "no 'tta-maturity timings:' line (plugin does not print it yet?)"
    keys = list(dict.fromkeys(key for sample in samples for key in sample))
    parts = [f"{key} {statistics.median(s.get(key, 0.0) for s in samples):.3f}s" for key in keys]
    return ", ".join(parts)


def bench(
    projects: list[Project], rounds: int, warmup: bool, term: bool, figures: dict[str, dict[str, set[str]]]
) -> dict[str, dict[str, Samples]]:
    results: dict[str, dict[str, Samples]] = {p.name: {} for p in projects}
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for project in projects:
        if warmup:  # bytecode caches, the OS file cache and a kept analysis, so round 1 is not an outlier
            for key, args in variants(project, term).items():
                run_once(project, key, args, logs / f"{project.name}-warmup-{key}.log")
    for round_no in range(rounds):
        for project in projects:
            items = list(variants(project, term).items())
            shift = round_no % len(items)
            items = items[shift:] + items[:shift]
            for key, args in items:
                log = logs / f"{project.name}-r{round_no}-{key}.log"
                wall, cpu, status, timings = run_once(project, key, args, log)
                samples = results[project.name].setdefault(key, Samples(expected=(0, 1) if key in PLUGINS else (0,)))
                samples.wall.append(wall)
                samples.cpu.append(cpu)
                samples.statuses.append(status)
                if timings and status in samples.expected:
                    samples.plugin.append(timings)
                if key in PLUGINS:
                    figures.setdefault(project.name, {}).setdefault(key, set()).add(kept_figures(project.root))
                print(
                    f"  round {round_no + 1}/{rounds}  {project.name:<14} {key} {LABELS[key]:<31} {wall:7.2f}s  "
                    f"cpu {cpu:7.2f}s  exit {status}  (load {load_average()})",
                    flush=True,
                )
    return results


def median_timing(samples: Samples, name: str) -> str:
    """The median of one of the plugin's own timings over the runs of one command."""
    values = [t.get(name, 0.0) for t in samples.plugin]
    return f"{statistics.median(values):.3f} s" if values else "n/a"


def after_tests(samples: Samples, base: float) -> str:
    """What the plugin does after the tests (measure, score, write), as a share of the baseline's wall time."""
    values = [t.get("measure", 0.0) + scoring_time(t) for t in samples.plugin]
    return f"{statistics.median(values) / base * 100:.1f} %" if values else "n/a"


def report(
    projects: list[Project],
    results: dict[str, dict[str, Samples]],
    rounds: int,
    figures: dict[str, dict[str, set[str]]],
    loads: tuple[str, str],
) -> tuple[list[str], bool]:
    keys = [key for key in (BASE, BASE_TERM, COLD, WARM) if any(key in results[p.name] for p in projects)]
    lines = [
        (
            f"pytest-tta-maturity benchmark: {rounds} rounds, median wall time "
            f"(Python {platform.python_version()}, {os.cpu_count()} CPUs; "
            f"load average {loads[0]} before, {loads[1]} after)"
        ),
        *(f"{key} = {LABELS[key]}" for key in keys),
        "",
        "| project | files | "
        + " | ".join(keys)
        + " | C/A | W/A | CPU C/A | CPU W/A | after the tests / A (C / W) "
        + "| plugin: analysis beside the tests (C) | plugin: measure after the tests (C / W) "
        + "| plugin: score+report | cold = warm figures |",
        "|---|---:|" + "---:|" * len(keys) + "---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    ok = True
    notes: list[str] = []
    for project in projects:
        runs = results[project.name]
        bad = {key: runs[key].bad_statuses() for key in keys if runs[key].bad_statuses()}
        if bad:
            ok = False
            shown = ", ".join(f"{key}: {statuses}" for key, statuses in bad.items())
            notes.append(f"{project.name}: UNEXPECTED exit statuses ({shown}), left out: see {WORK / 'logs'}")
        if any(not runs[key].good_walls() for key in keys):
            lines.append(f"| {project.name} | {project.files} | no successful run of every command |")
            continue
        med = {key: statistics.median(runs[key].good_walls()) for key in keys}

        scoring = [scoring_time(t) for key in PLUGINS for t in runs[key].plugin]
        seen = figures.get(project.name, {})
        same = len(seen.get(COLD, set()) | seen.get(WARM, set())) == 1 and "" not in seen.get(COLD, {""})
        if not same:
            ok = False
            notes.append(f"{project.name}: cold and warm runs gave DIFFERENT figures (or none were kept)")
        cpu = {key: statistics.median(runs[key].good_cpus()) if runs[key].good_cpus() else 0.0 for key in keys}
        after = {key: after_tests(runs[key], med[BASE]) for key in PLUGINS}
        cells = [
            project.name,
            str(project.files),
            *(f"{med[key]:.2f} s" for key in keys),
            f"{med[COLD] / med[BASE]:.3f}x",
            f"{med[WARM] / med[BASE]:.3f}x",
            f"{cpu[COLD] / cpu[BASE]:.3f}x" if cpu[BASE] else "n/a",
            f"{cpu[WARM] / cpu[BASE]:.3f}x" if cpu[BASE] else "n/a",
            f"{after[COLD]} / {after[WARM]}",
            median_timing(runs[COLD], "analysis"),
            f"{median_timing(runs[COLD], 'measure')} / {median_timing(runs[WARM], 'measure')}",
            f"{statistics.median(scoring):.3f} s" if scoring else "n/a",
            "yes" if same else "NO",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        for key in PLUGINS:
            notes.append(f"{project.name}: {key} plugin timings (median): {fmt_timings(runs[key].plugin)}")
        for key, target in ((COLD, 1.03), (WARM, 1.01)):
            ratio = med[key] / med[BASE]
            if ratio > target:
                notes.append(f"{project.name}: {key}/A = {ratio:.3f}x is above the {target:.2f}x target")
        if scoring and project.files >= 2000 and statistics.median(scoring) >= 0.3:
            notes.append(
                f"{project.name}: scoring+reporting {statistics.median(scoring):.3f} s is above the 0.3 s target"
            )
    return [*lines, "", *notes], ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pytest --tta-maturity against pytest --cov: wall-time ratio")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--generated",
        default="200x2000",
        help="generated projects as COMPONENTSxFILES, comma-separated (default 200x2000; e.g. 200x2000,500x20000)",
    )
    parser.add_argument("--term", action="store_true", help="also run B: pytest-cov with its terminal table")
    parser.add_argument("--no-example", action="store_true", help="only the generated projects")
    parser.add_argument("--no-generated", action="store_true", help="only the example")
    parser.add_argument("--no-warmup", action="store_true")
    args = parser.parse_args(argv)
    sizes: list[tuple[int, int]] = []
    for spec in str(args.generated).split(","):
        try:
            components, files = (int(part) for part in spec.lower().split("x"))
        except ValueError:
            parser.error(f"--generated {spec!r}: write COMPONENTSxFILES, e.g. 200x2000")
        sizes.append((components, files))

    projects: list[Project] = []
    if not args.no_example:
        # A copy, so that the runs leave no .coverage or caches in the example.
        copy = WORK / "story-engine"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        projects.append(make_project("story-engine", copy))
    for components, files in [] if args.no_generated else sizes:
        out = WORK / f"gen-{components}x{files}"
        stats = generate(out, components, files)
        print(f"generated {out.relative_to(ROOT)}: " + ", ".join(f"{k} {v}" for k, v in stats.items()), flush=True)
        projects.append(make_project(out.name, out))
    if not projects:
        parser.error("nothing to run: drop --no-example or --no-generated")

    before = load_average()
    figures: dict[str, dict[str, set[str]]] = {}
    results = bench(projects, args.rounds, not args.no_warmup, args.term, figures)
    lines, ok = report(projects, results, args.rounds, figures, (before, load_average()))
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
                    key: {"wall": s.wall, "cpu": s.cpu, "statuses": s.statuses, "plugin_timings": s.plugin}
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
