"""`pytest --tta-maturity` against pytest-cov under coverage.py's sysmon and ctrace cores, Python 3.12 and 3.13.

    python benchmarks/bench_cores.py [--rounds 3] [--pythons 3.12,3.13] [--cores sysmon,ctrace]
                                     [--projects werkzeug,story-engine] [--no-cold]

coverage.py measures with one of three cores (``COVERAGE_CORE``): ``ctrace`` (a C trace function),
``sysmon`` (``sys.monitoring``, Python 3.12+) and ``pytrace``. Before Python 3.14 sysmon measures
lines only: asked for with branch coverage on, coverage.py warns and uses ctrace instead. So that
the core is the only thing that changes, every run here measures LINES: it uses a copy of the
project's own ``[tool.coverage]`` settings with ``branch = false``, written beside its pyproject.toml
(``bench-cores-lines.toml``) and passed as ``--cov-config``.

The projects: werkzeug 3.1.3 as ``bench_gates.py`` sets it up (its sdist under
benchmarks/_work/real, ``REAL["werkzeug"]``, its ``dev_server`` tests deselected by its own addopts)
and a copy of examples/story-engine. Each Python (``--pythons``: a version found under ``pyenv
root``/versions, on PATH as ``pythonX.Y``, or a path) gets its own venv, made once by
real_projects.py's ``venv_python`` (werkzeug, its test requirements, this plugin ``-e``, the pinned
pytest, pytest-cov and coverage.py); the example runs in the same venv. Every Python keeps its own
pytest cache (``-o cache_dir=.pytest_cache-pyX.Y``), because the plugin keeps the analysis of one
Python at a time.

For every (Python, core) these run, after one warm-up plugin run per Python and project:

    A  pytest --cov=FOLDER ... --cov-report=         pytest-cov printing nothing
    C  pytest --tta-maturity --tta-maturity-no-gates  cold: the plugin's kept analysis deleted first
    W  the same, warm: the analysis kept by the run before

all with ``COVERAGE_CORE=<core>``, ``-p no:randomly`` and ``--cov-config=bench-cores-lines.toml``,
serially, for ``--rounds`` rounds, the order of all the (Python, core, variant) commands of a project
rotating from round to round. It prints the medians and the ratios C/A and W/A per (Python, core),
the CPU ratio of W/A (CPU seconds of the whole process tree), and sysmon/ctrace for A and W.

Checks (exit status 1 when one fails):
- coverage.py's own debug output (``COVERAGE_DEBUG=core``) says every run used the core asked for,
  and no run printed a CoverageWarning;
- the plugin's JSON report names that core (``coverage_core``);
- in the last round, every component's figures of W equal ``coverage json --include=<its files>
  --rcfile=bench-cores-lines.toml`` over the same data file (real_projects.py's ``check_coverage``),
  and C and W give the same figures.

Logs, coverage debug output and reports go to benchmarks/_work/cores/logs/, the figures to
benchmarks/_work/cores/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "cores"
LOGS = WORK / "logs"
EXAMPLE = ROOT / "examples" / "story-engine"
#: The coverage configuration every run uses: the project's own, with branch coverage off.
LINES_CONFIG = "bench-cores-lines.toml"
ANALYSIS_CACHE = Path("d") / "tta-maturity-coverage"

sys.path.insert(0, str(HERE))
import real_projects  # sibling scripts, not a package
import tomlkit
from bench_core import load_average
from bench_gates import REAL, REAL_WORK, TIMING_ITEM, TIMINGS, Run, median, real_root, run
from bench_gates_mode import bench_env

from pytest_tta_maturity.config import load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

A, C, W = "A", "C", "W"
LABELS = {
    A: "pytest --cov=FOLDER ... --cov-report=",
    C: "pytest --tta-maturity --tta-maturity-no-gates (cold)",
    W: "pytest --tta-maturity --tta-maturity-no-gates (warm)",
}
PLUGIN = (C, W)
#: pytest exits 1 when a component is below its level (story-engine has one, by design).
OK_STATUS = {A: (0,), C: (0, 1), W: (0, 1)}
CORE_CLASSES = {"sysmon": "SysMonitor", "ctrace": "CTracer", "pytrace": "PyTracer"}


@dataclass
class Interpreter:
    version: str  # "3.12"
    full: str  # "3.12.1"
    python: str  # the venv's interpreter


@dataclass
class Target:
    name: str
    root: Path
    cov_folders: list[str]
    spec: real_projects.Project
    files: int


@dataclass
class Cell:
    """Every run of one (project, Python, core, variant)."""

    wall: list[float] = field(default_factory=lambda: list[float]())
    cpu: list[float] = field(default_factory=lambda: list[float]())
    timings: list[dict[str, float]] = field(default_factory=lambda: list[dict[str, float]]())


# ----------------------------------------------------------------------------- setting up


def find_python(wanted: str) -> str:
    """An interpreter: a path, pyenv's newest X.Y.*, or pythonX.Y on PATH."""
    if os.sep in wanted:
        return wanted
    roots: list[Path] = []
    pyenv = shutil.which("pyenv")
    if pyenv:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            roots.append(Path(done.stdout.strip()))
    roots.append(Path.home() / ".pyenv")
    for root in roots:
        found = sorted(
            (p for p in (root / "versions").glob(f"{wanted}.*") if (p / "bin" / "python3").is_file()),
            key=lambda p: tuple(int(x) for x in p.name.split(".") if x.isdigit()),
        )
        if found:
            return str(found[-1] / "bin" / "python3")
    on_path = shutil.which(f"python{wanted}")
    if on_path is None:
        sys.exit(f"bench_cores.py: no Python {wanted}: not under pyenv's versions, no python{wanted} on PATH")
    return on_path


def interpreter(wanted: str) -> Interpreter:
    base = find_python(wanted)
    done = subprocess.run(
        [base, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    )
    full = done.stdout.strip()
    version = ".".join(full.split(".")[:2])
    python = real_projects.venv_python(REAL_WORK, REAL["werkzeug"], base=base, tag=f"py{version}")
    return Interpreter(version, full, str(python))


def write_lines_config(root: Path) -> None:
    """The project's own [tool.coverage] settings with branch coverage off, as LINES_CONFIG."""
    with (root / "pyproject.toml").open("rb") as handle:
        settings = cast(dict[str, Any], tomllib.load(handle)).get("tool", {}).get("coverage", {})
    settings = dict(settings)
    settings["run"] = {**settings.get("run", {}), "branch": False}
    text = tomlkit.dumps({"tool": {"coverage": settings}})
    header = "# written by benchmarks/bench_cores.py: the project's [tool.coverage], branch = false\n"
    (root / LINES_CONFIG).write_text(header + text, encoding="utf-8")


def target(name: str, root: Path) -> Target:
    """The components as the plugin reads them; their files and folders as real_projects.py finds them."""
    cfg = load(root / "pyproject.toml")
    components = {c.name: tuple(str(p.relative_to(cfg.root)) for p in c.paths) for c in cfg.components}
    spec = real_projects.Project(name=name, requirement="", test_requirements=(), components=components)
    write_lines_config(root)
    files = len(real_projects.owners(spec, root))
    return Target(name, root, real_projects.folders(spec, root), spec, files)


def setup_werkzeug() -> Target:
    return target("werkzeug", real_root("werkzeug"))


def setup_story_engine() -> Target:
    copy = WORK / "story-engine"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    return target("story-engine", copy)


# ----------------------------------------------------------------------------- running


def cache_dir(py: Interpreter) -> str:
    return f".pytest_cache-py{py.version}"


def run_one(t: Target, py: Interpreter, core: str, key: str, tag: str) -> tuple[Run, list[str]]:
    """One command; returns the run and what is wrong with it (the core used, warnings, the report)."""
    stem = f"{t.name}-py{py.version}-{core}-{key}-{tag}"
    log, debug, report = LOGS / f"{stem}.log", LOGS / f"{stem}.debug", LOGS / f"{stem}.json"
    for path in (debug, report):
        path.unlink(missing_ok=True)
    real_projects.clean_coverage(t.root)
    if key == C:
        shutil.rmtree(t.root / cache_dir(py) / ANALYSIS_CACHE, ignore_errors=True)
    argv = [py.python, "-m", "pytest", "-q", "-p", "no:randomly", "-o", f"cache_dir={cache_dir(py)}"]
    argv.append(f"--cov-config={LINES_CONFIG}")
    if key == A:
        argv += [*(f"--cov={f}" for f in t.cov_folders), "--cov-report="]
    else:
        argv += ["--tta-maturity", "--tta-maturity-no-gates", f"--tta-maturity-report=json:{report}"]
    env = bench_env()
    env.update(COVERAGE_CORE=core, COVERAGE_DEBUG="core", COVERAGE_DEBUG_FILE=str(debug))
    result = run(argv, t.root, log, env)
    problems: list[str] = []
    if result.status not in OK_STATUS[key]:
        problems.append(f"exit {result.status}")
    try:
        used = {line.split("=", 1)[1].strip() for line in debug.read_text().splitlines() if "Using core=" in line}
    except OSError:
        used = set()
    if used != {core}:
        problems.append(f"coverage.py used core {sorted(used) or 'unknown'}, not {core}")
    if "CoverageWarning" in log.read_text(encoding="utf-8"):
        problems.append("a CoverageWarning was printed")
    if key in PLUGIN:
        match = TIMINGS.search(result.stdout)
        if match:
            result.timings = {k: float(v) for k, v in TIMING_ITEM.findall(match.group(1))}
        try:
            result.report = cast(dict[str, Any], json.loads(report.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            problems.append("no JSON report")
        else:
            if result.report.get("coverage_core") != core:
                problems.append(f"the report names core {result.report.get('coverage_core')!r}, not {core!r}")
    return result, [f"{stem}: {p} (see {log})" for p in problems]


def figures(report: dict[str, Any] | None) -> str:
    if report is None:
        return ""
    return json.dumps([[c["name"], c["coverage"]] for c in report.get("components", [])], sort_keys=True)


def bench(
    t: Target, pythons: list[Interpreter], cores: list[str], keys: list[str], rounds: int
) -> tuple[dict[tuple[str, str, str], Cell], list[str], list[str]]:
    cells = {(py.version, core, key): Cell() for py in pythons for core in cores for key in keys}
    problems: list[str] = []
    checks: list[str] = []
    compared: list[int] = []  # components whose figures were compared with coverage json, per (Python, core)
    for py in pythons:  # warm-up: bytecode of this Python, the OS file cache, the plugin's kept analysis
        result, wrong = run_one(t, py, cores[0], W, "warmup")
        problems += wrong
        print(f"  [{t.name}] warm-up py{py.version} {cores[0]} W {result.wall:7.2f}s  exit {result.status}", flush=True)
    order = [(py, core, key) for py in pythons for core in cores for key in keys]
    for number in range(rounds):
        shift = (number * max(1, len(order) // rounds)) % len(order)
        last: dict[tuple[str, str, str], Run] = {}
        for py, core, key in order[shift:] + order[:shift]:
            result, wrong = run_one(t, py, core, key, f"r{number}")
            problems += wrong
            cell = cells[(py.version, core, key)]
            cell.wall.append(result.wall)
            cell.cpu.append(result.cpu)
            if result.timings:
                cell.timings.append(result.timings)
            last[(py.version, core, key)] = result
            if number == rounds - 1 and key == W and result.report is not None:
                checks += check_figures(t, py, core, result.report)
                compared.append(len(result.report.get("components", [])))
            print(
                f"  [{t.name}] round {number + 1}/{rounds} py{py.version} {core:<7} {key} {result.wall:7.2f}s"
                f"  exit {result.status}  load {load_average()}",
                flush=True,
            )
        for py in pythons:
            for core in cores:
                cold, warm = last.get((py.version, core, C)), last.get((py.version, core, W))
                if cold and warm and figures(cold.report) != figures(warm.report):
                    checks.append(f"r{number} py{py.version} {core}: C and W give different figures")
    if len(compared) != len(pythons) * len(cores) or not all(compared):
        checks.append(f"figures compared with coverage json for {compared} components, not every (Python, core)")
    return cells, problems, checks


def check_figures(t: Target, py: Interpreter, core: str, report: dict[str, Any]) -> list[str]:
    """The plugin's figures against ``coverage json`` over the data file the run left."""
    row = real_projects.Row(project=t.name)
    files = real_projects.owners(t.spec, t.root)
    real_projects.check_coverage(Path(py.python), t.root, files, report, row, rcfile=LINES_CONFIG)
    return [f"py{py.version} {core}: {p}" for p in row.problems]


# ----------------------------------------------------------------------------- report


def table(
    t: Target, pythons: list[Interpreter], cores: list[str], keys: list[str], cells: dict[tuple[str, str, str], Cell]
) -> tuple[list[str], dict[str, Any]]:
    med = {k: median(c.wall) for k, c in cells.items() if c.wall}
    cpu = {k: median(c.cpu) for k, c in cells.items() if c.cpu}
    plugin = [k for k in keys if k != A]
    names = {A: "A pytest --cov", C: "C plugin cold", W: "W plugin warm"}
    lines = [
        f"{t.name}: {t.files} component files, line coverage",
        "| Python | core | "
        + " | ".join(names[k] for k in keys)
        + "".join(f" | {k}/A" for k in plugin)
        + " | CPU W/A | after the tests / A (W) |",
        "|---|---|" + "---:|" * (len(keys) + len(plugin) + 2),
    ]
    ratios: dict[str, Any] = {}
    nan = float("nan")
    for py in pythons:
        for core in cores:
            wall = {k: med.get((py.version, core, k), nan) for k in keys}
            warm = cells.get((py.version, core, W))
            after = nan
            if warm and warm.timings:
                after = median([tm.get("measure", 0) + tm.get("score", 0) + tm.get("write", 0) for tm in warm.timings])
            cpu_ratio = cpu.get((py.version, core, W), nan) / cpu.get((py.version, core, A), nan)
            row = f"| {py.full} | {core} | " + " | ".join(f"{wall[k]:.2f} s" for k in keys)
            row += "".join(f" | {wall[k] / wall[A]:.2f}x" for k in plugin)
            row += f" | {cpu_ratio:.2f}x | {100 * after / wall[A]:.1f} % |"
            lines.append(row)
            ratios[f"py{py.version} {core}"] = {**{f"{k}/A": wall[k] / wall[A] for k in plugin}, "CPU W/A": cpu_ratio}
    if "sysmon" in cores and "ctrace" in cores:
        for py in pythons:
            parts = []
            for key in keys:
                s, c = med.get((py.version, "sysmon", key)), med.get((py.version, "ctrace", key))
                s_cpu, c_cpu = cpu.get((py.version, "sysmon", key)), cpu.get((py.version, "ctrace", key))
                if s and c and s_cpu and c_cpu:
                    parts.append(f"{key} {s / c:.2f}x (CPU {s_cpu / c_cpu:.2f}x)")
                    ratios[f"py{py.version} sysmon/ctrace {key}"] = s / c
                    ratios[f"py{py.version} sysmon/ctrace CPU {key}"] = s_cpu / c_cpu
            lines.append(f"  Python {py.full}: sysmon / ctrace wall time (CPU seconds): " + ", ".join(parts))
    spread = [
        f"py{v} {core} {key} {min(c.wall):.1f}-{max(c.wall):.1f}s" for (v, core, key), c in cells.items() if c.wall
    ]
    lines.append("  spread (min-max): " + ", ".join(spread))
    return lines, ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median); default 3")
    parser.add_argument("--pythons", default="3.12,3.13", help="comma-separated versions or paths; default 3.12,3.13")
    parser.add_argument("--cores", default="sysmon,ctrace", help="comma-separated COVERAGE_CORE values")
    parser.add_argument("--projects", default="werkzeug,story-engine", help="comma-separated: werkzeug, story-engine")
    parser.add_argument("--no-cold", action="store_true", help="leave out C (the plugin with its analysis deleted)")
    args = parser.parse_args(argv)
    setups = {"werkzeug": setup_werkzeug, "story-engine": setup_story_engine}
    names = [n.strip() for n in args.projects.split(",") if n.strip()]
    cores = [c.strip() for c in args.cores.split(",") if c.strip()]
    if unknown := [n for n in names if n not in setups]:
        parser.error(f"unknown project(s) {', '.join(unknown)}; choose from {', '.join(setups)}")
    if unknown := [c for c in cores if c not in CORE_CLASSES]:
        parser.error(f"unknown core(s) {', '.join(unknown)}; choose from {', '.join(CORE_CLASSES)}")
    keys = [A, W] if args.no_cold else [A, C, W]
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.iterdir():
        old.unlink()
    started = time.perf_counter()
    pythons = [interpreter(p.strip()) for p in args.pythons.split(",") if p.strip()]
    targets = [setups[name]() for name in names]
    versions = subprocess.run(
        [
            pythons[0].python,
            "-c",
            "import importlib.metadata as m; print(m.version('coverage'), m.version('pytest-cov'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    load_before = load_average()
    lines = [
        (
            f"pytest-tta-maturity under coverage.py's cores: {args.rounds} rounds, median wall time, "
            f"{os.cpu_count()} CPUs, coverage.py {versions[0]}, pytest-cov {versions[1]}, "
            f"Pythons {', '.join(p.full for p in pythons)}, line coverage ({LINES_CONFIG})"
        ),
    ]
    results: dict[str, Any] = {"rounds": args.rounds, "pythons": [p.full for p in pythons], "cores": cores}
    failed = False
    for t in targets:
        cells, problems, checks = bench(t, pythons, cores, keys, args.rounds)
        body, ratios = table(t, pythons, cores, keys, cells)
        lines += ["", *body]
        same = " and C = W" if C in keys else ""
        lines.append(
            "  checks: every run used the core asked for, no CoverageWarning, the report names the core, "
            f"figures equal `coverage json` (every component, every Python and core){same}: "
            f"{'yes' if not (problems or checks) else 'NO'}"
        )
        lines += [f"    {p}" for p in (problems + checks)[:20]]
        failed = failed or bool(problems or checks)
        results[t.name] = {
            "samples": {f"py{v} {c} {k}": cell.wall for (v, c, k), cell in cells.items()},
            "cpu": {f"py{v} {c} {k}": cell.cpu for (v, c, k), cell in cells.items()},
            "timings": {f"py{v} {c} {k}": cell.timings for (v, c, k), cell in cells.items()},
            "ratios": ratios,
            "problems": problems,
            "checks": checks,
        }
    lines += [
        "",
        (
            f"load average (1, 5, 15 min) before: {load_before}; after: {load_average()}; "
            f"whole benchmark {time.perf_counter() - started:.0f} s (host Python {platform.python_version()})"
        ),
    ]
    print()
    print("\n".join(lines))
    results["table"] = lines
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
