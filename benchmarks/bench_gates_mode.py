"""What running every level's gates costs: `--tta-maturity-gates=all` against `declared`, in ONE run.

    python benchmarks/bench_gates_mode.py [--rounds 3] [--projects werkzeug,story-engine]

On a real project (werkzeug 3.1.3: 52 Python files, its sdist set up by real_projects.py's
``fetch``/``venv_python`` under benchmarks/_work/real) and on a copy of examples/story-engine,
after one warm-up run of each, five commands run in turn for ``--rounds`` rounds, their order
rotating from round to round:

    P0  pytest --tta-maturity --tta-maturity-no-gates
    PD  pytest --tta-maturity --tta-maturity-gates=declared
    PA  pytest --tta-maturity                     (every gate of the ladder over every component)
    LT  pyright --outputjson --pythonpath PYTHON -  over every component file, as the types gate runs it
    LC  pytest --cov=FOLDER ... --cov-report=

Before every pytest run the gate results in pytest's cache (``.pytest_cache/v/tta-maturity/gates/``)
are deleted, so the gates really run; the rest of the cache (tool versions, coverage analysis) is
kept, the same for every variant. werkzeug's components are declared at ``development`` except
``routing`` at ``staging`` (so ``declared`` runs lint everywhere and format, types and security
too, but not docs); story-engine keeps its own declarations. Every pytest run has
``-p no:randomly``; werkzeug's ``dev_server`` tests (live servers) are deselected by its own
``addopts``, so the runs stay full runs.

It prints the median wall times, PA/PD, PA/P0 and PA/longest step (the longer of LT and LC;
target <= 1.10), the plugin's ``gates_wait`` (``TTA_MATURITY_TIMINGS=1``), which gates each mode
ran, and a check: for every (component, gate) that both PD and PA ran, the finding counts are
equal, and no gate result came from the cache. Logs and JSON reports go to
benchmarks/_work/gatesmode/, the figures to benchmarks/_work/gatesmode/results.json. Exit
status 1 when a run ended with an unexpected status or a check failed.
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
WORK = HERE / "_work" / "gatesmode"
LOGS = WORK / "logs"
EXAMPLE = ROOT / "examples" / "story-engine"
GATE_CACHE = Path(".pytest_cache") / "v" / "tta-maturity" / "gates"

sys.path.insert(0, str(HERE))
import real_projects  # sibling scripts, not a package
import tomlkit
from bench_core import load_average
from bench_gates import REAL, REAL_ADDOPTS, TIMING_ITEM, TIMINGS, Run, environment, median, plugin_gates, run

from pytest_tta_maturity.config import load

#: werkzeug as bench_gates.py sets it up (sdist, test requirements, components).
WERKZEUG = REAL["werkzeug"]
#: The one werkzeug component declared ``staging``; the others are ``development``.
WERKZEUG_STAGING = "routing"
#: Added to werkzeug's own addopts, as bench_gates.py does.
WERKZEUG_ADDOPTS = REAL_ADDOPTS["werkzeug"]

P0, PD, PA, LT, LC = "P0", "PD", "PA", "LT", "LC"
LABELS = {
    P0: "pytest --tta-maturity --tta-maturity-no-gates",
    PD: "pytest --tta-maturity --tta-maturity-gates=declared",
    PA: "pytest --tta-maturity (all)",
    LT: "pyright over every component file",
    LC: "pytest --cov",
}
PLUGIN_ARGS = {
    P0: ["--tta-maturity", "--tta-maturity-no-gates"],
    PD: ["--tta-maturity", "--tta-maturity-gates=declared"],
    PA: ["--tta-maturity"],
}
#: pytest exits 1 when a test fails or a component is below its level (story-engine is, by design).
OK_STATUS = {P0: (0, 1), PD: (0, 1), PA: (0, 1), LT: (0, 1), LC: (0, 1)}


@dataclass
class Target:
    name: str
    root: Path
    python: str
    files: list[str]  # every component file, relative to root (what the types gate checks under `all`)
    cov_folders: list[str]
    levels: dict[str, str]
    samples: dict[str, list[float]] = field(default_factory=lambda: {k: list[float]() for k in LABELS})
    timings: dict[str, list[dict[str, float]]] = field(default_factory=lambda: {P0: [], PD: [], PA: []})
    reports: dict[str, dict[str, Any] | None] = field(default_factory=lambda: dict[str, dict[str, Any] | None]())
    problems: list[str] = field(default_factory=lambda: list[str]())


def describe(name: str, root: Path, python: str) -> Target:
    """The component files and coverage folders, from the plugin's own reading of the configuration."""
    cfg = load(root / "pyproject.toml")
    components = {c.name: tuple(str(p.relative_to(cfg.root)) for p in c.paths) for c in cfg.components}
    spec = real_projects.Project(name=name, requirement="", test_requirements=(), components=components)
    files = sorted(str(f.relative_to(root.resolve())) for f in real_projects.owners(spec, root))
    levels = {c.name: c.level for c in cfg.components}
    return Target(name, root, python, files, real_projects.folders(spec, root), levels)


def setup_werkzeug() -> Target:
    work = HERE / "_work" / "real"
    work.mkdir(parents=True, exist_ok=True)
    python = real_projects.venv_python(work, WERKZEUG)
    root = real_projects.fetch(WERKZEUG, work)
    pyproject, original = root / "pyproject.toml", root / "pyproject.toml.orig"
    if not original.exists():
        shutil.copy2(pyproject, original)
    doc = tomlkit.parse(original.read_text(encoding="utf-8"))
    ini = cast(Any, doc)["tool"]["pytest"]["ini_options"]
    ini["addopts"] = [*ini.get("addopts", []), *WERKZEUG_ADDOPTS]
    comps = tomlkit.table(is_super_table=True)
    for name, paths in WERKZEUG.components.items():
        comp = tomlkit.table()
        comp["level"] = "staging" if name == WERKZEUG_STAGING else "development"
        comp["paths"] = list(paths)
        comp["tests"] = ["tests"]
        comps[name] = comp
    maturity = tomlkit.table(is_super_table=True)
    maturity["components"] = comps
    cast(Any, doc)["tool"]["tta-maturity"] = maturity
    pyproject.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return describe("werkzeug", root, str(python))


def setup_story_engine() -> Target:
    copy = WORK / "story-engine"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    return describe("story-engine", copy, sys.executable)


# ----------------------------------------------------------------------------- running


def bench_env() -> dict[str, str]:
    env = environment()  # no PYTEST_ADDOPTS, TTA_MATURITY_TIMINGS=1, pyright's wrapper quiet
    env["PYTHONHASHSEED"] = "0"  # as real_projects.py: some suites parametrize over sets
    env.pop("COVERAGE_FILE", None)
    return env


def run_variant(target: Target, key: str, tag: str) -> Run:
    log = LOGS / f"{target.name}-{tag}-{key}.log"
    real_projects.clean_coverage(target.root)
    shutil.rmtree(target.root / GATE_CACHE, ignore_errors=True)
    if key == LT:
        argv = [real_projects.tool(Path(target.python), "pyright"), "--outputjson", "--pythonpath", target.python, "-"]
        started = time.perf_counter()
        done = subprocess.run(
            argv,
            cwd=target.root,
            env=bench_env(),
            input="\n".join(target.files) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        log.write_text(
            f"$ {' '.join(argv)} < {len(target.files)} files\n(exit {done.returncode}, {wall:.2f} s)\n"
            f"{done.stdout[-2000:]}\n{done.stderr}",
            encoding="utf-8",
        )
        return Run(wall, done.returncode, done.stdout, log)
    argv = [target.python, "-m", "pytest", "-q", "-p", "no:randomly"]
    report = LOGS / f"{target.name}-{tag}-{key}.json"
    report.unlink(missing_ok=True)
    if key == LC:
        argv += [*(f"--cov={f}" for f in target.cov_folders), "--cov-report="]
    else:
        argv += [*PLUGIN_ARGS[key], f"--tta-maturity-report=json:{report}"]
    result = run(argv, target.root, log, bench_env())
    if key in PLUGIN_ARGS:
        match = TIMINGS.search(result.stdout)
        if match:
            result.timings = {k: float(v) for k, v in TIMING_ITEM.findall(match.group(1))}
        try:
            result.report = cast(dict[str, Any], json.loads(report.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            result.report = None
    return result


def bench(target: Target, rounds: int) -> None:
    order = list(LABELS)
    for key in order:  # warm-up: bytecode, OS file cache, ruff's cache, node's start, the analysis cache
        result = run_variant(target, key, "warmup")
        print(f"  [{target.name}] warm-up {key} {result.wall:7.2f}s  exit {result.status}", flush=True)
    for number in range(rounds):
        shift = number % len(order)
        for key in order[shift:] + order[:shift]:
            result = run_variant(target, key, f"r{number}")
            target.samples[key].append(result.wall)
            if result.status not in OK_STATUS[key]:
                target.problems.append(f"r{number} {key}: exit {result.status} (see {result.log})")
            if key in PLUGIN_ARGS:
                if result.timings:
                    target.timings[key].append(result.timings)
                if result.report is None:
                    target.problems.append(f"r{number} {key}: no JSON report (see {result.log})")
                target.reports[key] = result.report
            print(
                f"  [{target.name}] round {number + 1}/{rounds} {key} {LABELS[key]:<52} {result.wall:7.2f}s"
                f"  exit {result.status}  load {load_average()}",
                flush=True,
            )


# ----------------------------------------------------------------------------- checks and report


def ran(report: dict[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
    """(component, gate) -> state, for every tool gate that ran (pass or fail) in a report."""
    return {k: s for k, s in plugin_gates(report).items() if s.get("status") in ("pass", "fail")}


def gates_summary(states: dict[tuple[str, str], dict[str, Any]]) -> str:
    per_gate: dict[str, int] = {}
    for _, gate in states:
        per_gate[gate] = per_gate.get(gate, 0) + 1
    return ", ".join(f"{gate} x{n}" for gate, n in per_gate.items()) or "none"


def check(target: Target) -> list[str]:
    """PD's and PA's counts agree where both ran a gate; nothing came from the cache; P0 ran none."""
    problems: list[str] = []
    declared, every = ran(target.reports.get(PD)), ran(target.reports.get(PA))
    if not every:
        problems.append("PA ran no gate")
    for key in sorted(set(declared) & set(every)):
        if declared[key].get("findings") != every[key].get("findings"):
            problems.append(f"{key[0]} {key[1]}: PD {declared[key].get('findings')} != PA {every[key].get('findings')}")
    for name, states in ((PD, declared), (PA, every)):
        cached = sorted(f"{c}:{g}" for (c, g), s in states.items() if s.get("cached"))
        if cached:
            problems.append(f"{name}: {len(cached)} gate result(s) from the cache, e.g. {cached[:3]}")
    extra = sorted(set(declared) - set(every))
    if extra:
        problems.append(f"PD ran gates PA did not: {extra[:5]}")
    if ran(target.reports.get(P0)):
        problems.append("P0 ran gates")
    return problems


def report(target: Target, checks: list[str]) -> tuple[list[str], dict[str, float]]:
    med = {key: median(walls) for key, walls in target.samples.items()}
    longest = LT if med[LT] >= med[LC] else LC
    ratios = {
        "PA/PD": med[PA] / med[PD],
        "PA/P0": med[PA] / med[P0],
        "PA/longest": med[PA] / med[longest],
        "PD/longest": med[PD] / med[longest],
    }
    declared, every = ran(target.reports.get(PD)), ran(target.reports.get(PA))
    both = set(declared) & set(every)
    levels = ", ".join(f"{name} {level}" for name, level in target.levels.items())
    wait = {k: median([t.get("gates_wait", 0.0) for t in target.timings[k]]) for k in (PD, PA)}
    lines = [
        f"{target.name}: {len(target.files)} component files; levels: {levels}",
        "| P0 no gates | PD declared | PA all | LT pyright | LC pytest --cov | PA/PD | PA/P0 | PA/longest |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        (
            f"| {med[P0]:.2f} s | {med[PD]:.2f} s | {med[PA]:.2f} s | {med[LT]:.2f} s | {med[LC]:.2f} s "
            f"| {ratios['PA/PD']:.2f}x | {ratios['PA/P0']:.2f}x | {ratios['PA/longest']:.2f}x ({longest}) |"
        ),
        "  spread (min-max): " + ", ".join(f"{k} {min(v):.1f}-{max(v):.1f}s" for k, v in target.samples.items() if v),
        (
            f"  PA/longest step <= 1.10: {'yes' if ratios['PA/longest'] <= 1.10 else 'NO'}; "
            f"PD/longest step {ratios['PD/longest']:.2f}x"
        ),
        f"  gates run (component x gate): PD {gates_summary(declared)}; PA {gates_summary(every)}",
        f"  plugin waited for the gates after the tests (gates_wait, median): PD {wait[PD]:.2f}s, PA {wait[PA]:.2f}s",
        f"  PD and PA finding counts equal on the {len(both)} (component, gate) pairs both ran, no gate cached: "
        + ("yes" if not checks else f"NO ({len(checks)} problems)"),
        *(f"    {line}" for line in checks[:10]),
    ]
    if target.problems:
        lines += ["  UNEXPECTED (left in the medians):", *(f"    {p}" for p in target.problems)]
    return lines, ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median); default 3")
    parser.add_argument("--projects", default="werkzeug,story-engine", help="comma-separated: werkzeug, story-engine")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.projects.split(",") if n.strip()]
    setups = {"werkzeug": setup_werkzeug, "story-engine": setup_story_engine}
    unknown = [n for n in names if n not in setups]
    if unknown:
        parser.error(f"unknown project(s) {', '.join(unknown)}; choose from {', '.join(setups)}")
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.iterdir():
        old.unlink()
    started = time.perf_counter()
    load_before = load_average()
    targets = [setups[name]() for name in names]
    lines = [
        (
            f"pytest-tta-maturity gates modes: {args.rounds} rounds, median wall time "
            f"(Python {platform.python_version()}, {os.cpu_count()} CPUs), gate cache deleted before each run"
        ),
    ]
    results: dict[str, Any] = {"rounds": args.rounds, "python": platform.python_version(), "cpus": os.cpu_count()}
    failed = False
    for target in targets:
        bench(target, args.rounds)
        checks = check(target)
        body, ratios = report(target, checks)
        lines += ["", *body]
        failed = failed or bool(checks or target.problems)
        results[target.name] = {
            "samples": target.samples,
            "timings": target.timings,
            "ratios": ratios,
            "checks": checks,
            "problems": target.problems,
            "levels": target.levels,
        }
    load_after = load_average()
    lines += [
        "",
        (
            f"load average (1, 5, 15 min) before: {load_before}; after: {load_after}; "
            f"whole benchmark {time.perf_counter() - started:.0f} s"
        ),
    ]
    if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        lines.append(
            f"NOTE: a loaded machine ({os.cpu_count()} CPUs): the gates compete with other work; "
            "rerun on a quiet machine before quoting these figures as the plugin's cost"
        )
    print()
    print("\n".join(lines))
    results["table"] = lines
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
