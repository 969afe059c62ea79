"""The per-file cost: many small components, the plugin against pytest-cov alone printing nothing.

    python3 tasks.py bench files --pairs 7
    python3 tasks.py bench files --pairs 10 --no-contexts --cov-context --profile
    python3 tasks.py bench files --pairs 5 --no-contexts --cov-context --cov-term --phases --cached-bytecode
    .venv/bin/python benchmarks/bench_files.py --components 150 --files-per 10 --pairs 7 --workers 0,2
    .venv/bin/python benchmarks/bench_files.py --pairs 5 --no-contexts --profile

On a project written by ``generate.py`` (``--components`` components of ``--files-per`` files each:
150 x 10 = 1,500 files by default, two tests per component, no gate run), these commands run in
PAIRS, the two of a pair one right after the other, their order alternating from pair to pair:

| | command |
|---|---|
| A | ``pytest --cov=PATH ... --cov-report=``: pytest-cov measuring exactly the components' paths, printing nothing |
| P | ``pytest --tta-maturity --tta-maturity-no-gates``: the plugin, warm (its analysis kept by the warm-up run) |
| N | with ``--no-contexts``: P with ``--tta-maturity-no-contexts`` (no own-tests figures, no record), in the same pairs |
| C | with ``--cov-context``: A with ``--cov-context=test``: pytest-cov recording per-test coverage itself (what P records, the other way) |
| T | with ``--cov-term``: A with ``--cov-report=term``: coverage.py working out and printing every file's figures (what P works out per component) |

serially and with ``-n 2`` (``--workers 0,2``), after one warm-up run of each, every command with
``-p no:hypothesispytest`` (installed in .venv for the suite, unused here: it would add half a second
to every run alike). Each run's wall time
is read around the process, its CPU seconds from ``getrusage(RUSAGE_CHILDREN)`` (the whole process
tree: the plugin's analysis worker and the xdist workers included). The ratio P/A is taken pair by
pair, so that a machine whose speed drifts (other jobs) moves both runs of a pair alike; the table
gives the MEDIAN of those ratios, the median wall and CPU of each command, and the spread of the
ratios. Targets: P/A at most 1.03x wall and 1.08x CPU. The load average is printed before and after.

``--profile`` adds, outside the timed pairs, one serial run of A and of P under cProfile: the
plugin's own seconds in the pytest process (the time spent in the package's functions when pytest
or pluggy calls them, coverage.py's ``switch_context`` called by the plugin among them, P's minus
A's, where only the entry point is loaded), the entry points that took most, and the analysis
worker's seconds as the plugin times them (``TTA_MATURITY_TIMINGS``: ``analysis`` beside the tests,
``measure_in_worker`` after them), and then the worker's two steps (the facts from the cache, then
the measure step on the P run's data file) run in one process under cProfile, with the functions
that took most of their own time. cProfile slows Python code down, the plugin's and pytest's alike;
those seconds are steadier than wall times on a busy machine, not equal to them.

``--phases`` adds, outside the timed pairs, one serial run of each command with ``phase_timer.py``
(a pytest plugin loaded with ``-p``): the seconds of each phase of the run (start, configuration,
collection, the tests, after the tests, the session's end), each command's against A's, and the
seconds coverage.py spends saving what it measured (at every context switch and once at the end).
No profiler: these are the run's own seconds.

Bytecode: the generated project's ``__pycache__`` folders are removed before the runs. When
``PYTHONDONTWRITEBYTECODE`` is set (as in many CI containers), every run then compiles the project's
1,500 modules and rewrites its tests, which doubles A's time; ``--cached-bytecode`` unsets it for
every command, so that the warm-up runs write the bytecode and the timed runs read it, as on a
developer's machine. The header line says which.

It also checks that every P run kept the same coverage figures (the last report in pytest's cache)
and that no run ended otherwise than expected (A: 0; P and N: 0 or 1, since the generated levels
are not all met). Logs go to ``benchmarks/_work/files/logs``.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_core import children_cpu, kept_figures  # sibling scripts, not a package
from generate import generate

WORK = HERE / "_work" / "files"
TIMINGS = re.compile(r"^tta-maturity timings:\s*(.*)$", re.MULTILINE)
TIMING_ITEM = re.compile(r"(\w+)=([0-9.]+)s")
PACKAGE = f"{os.sep}pytest_tta_maturity{os.sep}"
TARGET_WALL = 1.03
TARGET_CPU = 1.08
PLUGIN = ["--tta-maturity", "--tta-maturity-no-gates"]
#: Plugins of .venv the generated project does not use, left out of every command alike: hypothesis's
#: imports all of hypothesis at each session's end (0.5 s), which would hide the plugin's cost in A's time.
LEAN = ("-p", "no:randomly", "-p", "no:hypothesispytest")
EXPECTED = {"A": (0,), "C": (0,), "T": (0,), "P": (0, 1), "N": (0, 1)}


@dataclass
class Runs:
    wall: list[float] = field(default_factory=lambda: list[float]())
    cpu: list[float] = field(default_factory=lambda: list[float]())
    statuses: list[int] = field(default_factory=lambda: list[int]())


def say(text: str) -> None:
    print(text, flush=True)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def project(components: int, files_per: int) -> tuple[Path, list[str]]:
    """The generated project (written once per size) and its components' paths."""
    root = WORK / f"gen-{components}x{files_per}"
    marker = root / ".generated"
    wanted = f"{components} {files_per}"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == wanted):
        stats = generate(root, components, components * files_per)
        marker.write_text(wanted, encoding="utf-8")
        say(f"generated {root}: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    for cache in list(root.rglob("__pycache__")):  # what earlier runs compiled: each run starts alike
        shutil.rmtree(cache)
    paths = sorted(f"src/gen/{p.name}" for p in (root / "src" / "gen").iterdir() if p.is_dir())
    return root, paths


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env["TTA_MATURITY_TIMINGS"] = "1"  # one line more in P's output; A ignores it
    return env


def argv(key: str, cov_paths: list[str], workers: int) -> list[str]:
    xdist = ["-n", str(workers)] if workers else []
    if key in ("A", "C", "T"):
        args = [*(f"--cov={path}" for path in cov_paths), "--cov-report=term" if key == "T" else "--cov-report="]
        args += ["--cov-context=test"] if key == "C" else []
    else:
        args = [*PLUGIN, *(["--tta-maturity-no-contexts"] if key == "N" else [])]
    return [sys.executable, "-m", "pytest", "-q", *LEAN, *xdist, *args]


def run(root: Path, command: list[str], log: Path) -> tuple[float, float, int]:
    for stale in root.glob(".coverage*"):
        stale.unlink()
    before = children_cpu()
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        status = subprocess.call(command, cwd=root, env=environment(), stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - started
    return wall, children_cpu() - before, status


def pairs(
    root: Path, cov_paths: list[str], workers: int, count: int, keys: list[str], problems: list[str]
) -> dict[str, Runs]:
    """``count`` rounds of ``keys`` run one after the other, the order rotating; a warm-up of each first."""
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    mode = f"-n {workers}" if workers else "serial"
    tag = f"n{workers}"
    for key in keys:
        run(root, argv(key, cov_paths, workers), logs / f"{tag}-warmup-{key}.log")
    runs = {key: Runs() for key in keys}
    figures: set[str] = set()
    for number in range(count):
        shift = number % len(keys)
        for key in keys[shift:] + keys[:shift]:
            log = logs / f"{tag}-{number}-{key}.log"
            wall, cpu, status = run(root, argv(key, cov_paths, workers), log)
            runs[key].wall.append(wall)
            runs[key].cpu.append(cpu)
            runs[key].statuses.append(status)
            if status not in EXPECTED[key]:
                problems.append(f"{mode} {key}: exit {status}, see {log}")
            if key == "P":
                figures.add(kept_figures(root))
            say(f"  {mode:<7} pair {number + 1}/{count} {key}  wall {wall:6.2f} s  cpu {cpu:6.2f} s  exit {status}")
    if len(figures) != 1 or "" in figures:
        problems.append(f"{mode}: the P runs kept {len(figures)} different sets of figures (or none)")
    return runs


def ratio_line(mode: str, key: str, runs: dict[str, Runs]) -> str:
    base, other = runs["A"], runs[key]
    walls = [p / a for p, a in zip(other.wall, base.wall, strict=True)]
    cpus = [p / a for p, a in zip(other.cpu, base.cpu, strict=True)]
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    met = "yes" if wall <= TARGET_WALL and cpu <= TARGET_CPU else "no"
    return (
        f"| {mode} | {key}/A | {statistics.median(base.wall):.2f} s | {statistics.median(other.wall):.2f} s "
        f"| **{wall:.3f}x** ({min(walls):.3f}-{max(walls):.3f}) "
        f"| {statistics.median(base.cpu):.2f} s | {statistics.median(other.cpu):.2f} s "
        f"| **{cpu:.3f}x** ({min(cpus):.3f}-{max(cpus):.3f}) | {met} |"
    )


def own_seconds(stats_file: Path) -> tuple[dict[str, float], float]:
    """The package's seconds per entry point (a function of it called from outside it), and switch_context's.

    Module bodies are left out: A imports the entry point as P does; the plugin itself is imported
    only when it is on, by the entry point's hook, whose seconds count.
    """
    stats = pstats.Stats(str(stats_file)).stats  # pyright: ignore[reportAttributeAccessIssue]
    switching = 0.0
    entries: dict[str, float] = {}
    for func, (_cc, _nc, _tt, _ct, callers) in stats.items():
        filename, line, name = func
        if name == "switch_context" and filename.endswith(f"coverage{os.sep}control.py"):
            switching += sum(ct for caller, (_a, _b, _c, ct) in callers.items() if PACKAGE in caller[0])
        if PACKAGE not in filename or name == "<module>":
            continue
        outside = sum(ct for caller, (_a, _b, _c, ct) in callers.items() if PACKAGE not in caller[0])
        if outside:
            key = f"{filename.split(PACKAGE, 1)[1]}:{line}({name})"
            entries[key] = entries.get(key, 0.0) + outside
    return entries, switching


def profile(root: Path, cov_paths: list[str]) -> list[str]:
    """One serial run of A and of P under cProfile: the plugin's own seconds in the pytest process."""
    logs = WORK / "logs"
    found: dict[str, dict[str, float]] = {}
    switching = 0.0
    timings = ""
    for key in ("A", "P"):
        out = WORK / f"profile-{key}.prof"
        command = argv(key, cov_paths, 0)
        command[1:1] = ["-m", "cProfile", "-o", str(out)]
        log = logs / f"profile-{key}.log"
        _wall, _cpu, status = run(root, command, log)
        if status not in EXPECTED[key]:
            return [f"PROBLEM: profile: {key} exited {status}, see {log}"]
        found[key], switched = own_seconds(out)
        if key == "P":
            switching = switched
            match = TIMINGS.search(log.read_text(encoding="utf-8"))
            timings = match.group(1) if match else ""
    names = set(found["A"]) | set(found["P"])
    added = {name: found["P"].get(name, 0.0) - found["A"].get(name, 0.0) for name in names}
    top = sorted(((seconds, name) for name, seconds in added.items()), reverse=True)[:8]
    worker = {k: float(v) for k, v in TIMING_ITEM.findall(timings)}
    return [
        "",
        "Profile (cProfile, serial, one run of each; the package's seconds when pytest or pluggy calls it):",
        (
            f"- the plugin's own seconds in the pytest process, P minus A (where only the entry point is loaded): "
            f"{sum(added.values()):.3f} s, of which coverage.py's switch_context (recording whose tests ran each "
            f"line) {switching:.3f} s"
        ),
        (
            f"- the analysis worker (its own process, not profiled): analysis beside the tests "
            f"{worker.get('analysis', 0.0):.3f} s, measure after the tests "
            f"{worker.get('measure_in_worker', 0.0):.3f} s; the pytest process waited "
            f"{worker.get('measure', 0.0):.3f} s for the figures"
        ),
        "- where (P minus A): " + ", ".join(f"{name} {seconds:.3f} s" for seconds, name in top),
    ]


WORKER_PROFILE = """
import cProfile, io, json, pstats, sys
from pathlib import Path
import coverage
from pytest_tta_maturity.measure import analysis
from pytest_tta_maturity.measure.contexts import Attribution

root, out = Path(sys.argv[1]), sys.argv[2]
cov = coverage.Coverage(config_file=str(root / "pyproject.toml"))
names = sorted(p.name for p in (root / "src" / "gen").iterdir() if p.is_dir())
job = {
    "root": str(root),
    "components": [[name, [str(root / "src" / "gen" / name)]] for name in names],
    "settings": analysis.settings_of(cov),
    "cache": str(root / ".pytest_cache" / "d" / analysis.CACHE_FOLDER / analysis.CACHE_FILE),
}
attribution = Attribution(str(cov.get_option("run:context") or ""), None, frozenset(names))
request = {"data_file": str(root / ".coverage"), "cwd": str(root), "attribution": attribution.to_dict()}
answer = io.StringIO()
profiler = cProfile.Profile()
profiler.runcall(analysis._worker, io.StringIO(json.dumps(job) + "\\n" + json.dumps(request) + "\\n"), answer)
profiler.dump_stats(out)
print(json.dumps(json.loads(answer.getvalue())["stats"]))
"""


def profile_worker(root: Path) -> list[str]:
    """The analysis worker's two steps run in one process under cProfile, on the data of the last P run."""
    out = WORK / "profile-worker.prof"
    done = subprocess.run(
        [sys.executable, "-c", WORKER_PROFILE, str(root), str(out)],
        cwd=root,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return [f"PROBLEM: the worker profile failed: {done.stderr.strip().splitlines()[-1:]}"]
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    table = pstats.Stats(str(out)).stats  # pyright: ignore[reportAttributeAccessIssue]
    own = sorted(((tt, func) for func, (_cc, _nc, tt, _ct, _callers) in table.items()), reverse=True)[:8]
    return [
        (
            f"- the analysis worker under cProfile, in one process (the data of the last P run): "
            f"{stats['reused']:.0f} files from the cache and {stats['parsed']:.0f} parsed in {stats['seconds']:.3f} s, "
            f"measured in {stats['measure_seconds']:.3f} s; most time of its own: "
            + ", ".join(f"{Path(f[0]).name}:{f[1]}({f[2]}) {tt:.3f} s" for tt, f in own)
        )
    ]


def bytecode_condition() -> str:
    """Whether the runs compile the generated project's modules and tests, or read them compiled."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "cached: the warm-up runs compile the generated project's modules and tests, the timed runs read them"
    return (
        "not cached: PYTHONDONTWRITEBYTECODE is set and the project's __pycache__ folders were removed, so every "
        "run compiles the generated modules and rewrites the tests (--cached-bytecode: as on a developer's machine)"
    )


#: The phases ``phase_timer.py`` marks, as the table names them: (from, to, what happens in between).
PHASES = (
    ("", "configure", "start: Python, pytest, plugins imported (the plugin's own import), coverage started"),
    ("configure", "collection", "configure and sessionstart hooks (the plugin's configuration, the record's snapshot)"),
    ("collection", "tests", "collection (the test modules and the code they import)"),
    ("tests", "after_tests", "the tests (the plugin's per-test context switches)"),
    ("after_tests", "sessionfinish", "after the tests: pytest-cov saves its data; the plugin measures and scores"),
    ("sessionfinish", "exit", "session end: the plugin keeps its report and the record; terminal summary"),
)


def phases(root: Path, cov_paths: list[str], keys: list[str]) -> list[str]:
    """One serial run of each command with ``phase_timer.py``: the seconds of each phase, and each against A."""
    logs = WORK / "logs"
    found: dict[str, dict[str, Any]] = {}
    for key in keys:
        command = [*argv(key, cov_paths, 0), "-p", "phase_timer"]
        log = logs / f"phases-{key}.log"
        env = {**environment(), "PYTHONPATH": str(HERE)}
        with log.open("w", encoding="utf-8") as out:
            subprocess.call(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
        line = next((x for x in log.read_text(encoding="utf-8").splitlines() if x.startswith("PHASES ")), "")
        if not line:
            return [f"PROBLEM: phases: {key} printed no timings, see {log}"]
        found[key] = json.loads(line[len("PHASES ") :])
    head = " | ".join(f"{key} s" for key in keys) + " | " + " | ".join(f"{key} - A" for key in keys[1:])
    lines = [
        "",
        "Phases (one serial run of each, phase_timer.py; seconds):",
        "",
        f"| phase | {head} |",
        "|---|" + "---:|" * (2 * len(keys) - 1),
    ]
    for start, end, what in PHASES:
        spans = [found[k]["marks"][end] - (found[k]["marks"][start] if start else 0.0) for k in keys]
        cells = [f"{v:.3f}" for v in spans] + [f"{v - spans[0]:+.3f}" for v in spans[1:]]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    flushes = ", ".join(f"{k} {found[k]['flush']['seconds']:.3f} s ({found[k]['flush']['calls']})" for k in keys)
    lines.append(f"\ncoverage.py saving what it measured (Collector.flush_data: seconds, calls): {flushes}")
    return lines


def main(args_list: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the plugin against pytest --cov on many small components")
    parser.add_argument("--components", type=int, default=150)
    parser.add_argument("--files-per", type=int, default=10, help="files per component (its __init__.py included)")
    parser.add_argument("--pairs", "--runs", type=int, default=7, help="pairs (rounds) per mode")
    parser.add_argument("--workers", default="0,2", help="xdist workers per mode, 0 = serial (default 0,2)")
    parser.add_argument("--no-contexts", action="store_true", help="also run N: P with --tta-maturity-no-contexts")
    parser.add_argument("--cov-context", action="store_true", help="also run C: A with --cov-context=test")
    parser.add_argument(
        "--cov-term",
        action="store_true",
        help="also run T: A with --cov-report=term (coverage.py works out every file's figures)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile one serial run of A and of P")
    parser.add_argument("--phases", action="store_true", help="also time each phase of one serial run of each")
    parser.add_argument(
        "--cached-bytecode",
        action="store_true",
        help="run every command without PYTHONDONTWRITEBYTECODE, as on a developer's machine (default: as the environment has it)",
    )
    args = parser.parse_args(args_list)
    if args.cached_bytecode:  # every command inherits it: the warm-up runs write bytecode, the timed runs read it
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        modes = [int(w) for w in str(args.workers).split(",")]
    except ValueError:
        parser.error(f"--workers {args.workers!r}: write numbers such as 0,2")
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    root, cov_paths = project(args.components, args.files_per)
    keys = ["A", "P", *(["N"] if args.no_contexts else []), *(["C"] if args.cov_context else [])]
    keys += ["T"] if args.cov_term else []
    before = load_average()
    problems: list[str] = []
    results = {mode: pairs(root, cov_paths, mode, args.pairs, keys, problems) for mode in modes}
    after = load_average()
    files = args.components * args.files_per
    lines = [
        "",
        (
            f"{args.components} components x {args.files_per} files ({files} files), {args.pairs} pairs per mode, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load average {before} before, {after} after"
        ),
        f"bytecode: {bytecode_condition()}",
        "A = pytest --cov=PATH ... --cov-report=  P = pytest --tta-maturity --tta-maturity-no-gates (warm)"
        + ("  N = P --tta-maturity-no-contexts" if args.no_contexts else "")
        + ("  C = A --cov-context=test" if args.cov_context else "")
        + ("  T = A --cov-report=term" if args.cov_term else ""),
        "",
        (
            "| mode | ratio | A wall | wall | wall ratio (median of pairs, min-max) | A CPU | CPU "
            f"| CPU ratio | within {TARGET_WALL}x wall, {TARGET_CPU}x CPU |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for mode, runs in results.items():
        for key in keys[1:]:
            lines.append(ratio_line(f"-n {mode}" if mode else "serial", key, runs))
    if args.phases:
        lines += phases(root, cov_paths, keys)
    if args.profile:
        lines += profile(root, cov_paths)
        lines += profile_worker(root)
    lines += [f"PROBLEM: {problem}" for problem in problems]
    say("\n".join(lines))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
