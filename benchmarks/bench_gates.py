"""Wall time of `pytest --tta-maturity` (gates beside the tests) against running the same tools one by one.

    python benchmarks/bench_gates.py [--rounds 3] [--files 300] [--components 30] [--tests-per-module 8]
    python benchmarks/bench_gates.py --real werkzeug [--nice 5,10] [--pytest-args "-n 2"] [--rounds 5]

With --real NAME, the project is a real one instead: its source distribution (tests included) is
downloaded and given a venv by real_projects.py's helpers (under benchmarks/_work/real), and every
component is declared `production`, so that every gate of every level runs over every component.
--nice N,M adds one cold variant P@N per value: the same run with the gate tools at nice +N (P
itself runs what the plugin ships, gates.process.GATE_NICENESS). --pytest-args adds arguments to
every pytest run (S's, P's and W's); pytest-xdist's workers are not counted as processes started.

A project is generated with benchmarks/generate.py and extended here: every component is declared
`development` or `staging` (so the lint, format, types and security gates all run over every file),
a few modules get a security finding (`eval`, ruff S307) or a formatting mistake, and each component
gets parametrized tests (`--tests-per-module` per imported module) so that the suite is not trivial.
On it, in ONE run, after one warm-up run of each, three variants run in turn for `--rounds` rounds,
their order rotating from round to round:

    S  the obvious alternative, one tool after another (each step timed):
       pytest --cov=PATH ... --cov-report=      (--s-cov-report=term: pytest-cov's default table,
                                                 the per-file figures a script would read)
       ruff check --no-fix --output-format json PATHS
       ruff format --check --output-format json PATHS
       pyright --outputjson --pythonpath PYTHON PATHS
       ruff check --no-fix --output-format json --extend-select S PATHS   (and D1 if a level needs docs)
    P  pytest --tta-maturity --cache-clear      (cold: the gates run concurrently with the tests)
    W  pytest --tta-maturity                    (warm: the unchanged tree, gates from pytest's cache)

It prints the median wall times, the ratios P/S (target <= 0.75), P/longest step of S (target
<= 1.1) and W/S, and two checks: that the warm run started no process at all (every subprocess
the pytest process starts is counted through a `subprocess.Popen` audit hook, every gate in the
JSON report must say "cached": true, and one extra warm run is traced with `strace -f -e
trace=execve` when strace works), and that the per-component gate counts of P equal what the
tools of S report on the same files. The plugin's own timings (`TTA_MATURITY_TIMINGS=1`:
`measure`, `gates_wait`, ...) and a one-file pyright run (its fixed start-up cost) show where the
time goes.

Logs, tool outputs and reports go to benchmarks/_work/gates/logs/, the figures to
benchmarks/_work/gates/results.json. Exit status 1 when a run ended with an unexpected status or a
check failed; missed targets are printed as notes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work" / "gates"
LOGS = WORK / "logs"
TIMINGS = re.compile(r"^tta-maturity timings:\s*(.*)$", re.MULTILINE)
TIMING_ITEM = re.compile(r"(\w+)=([0-9.]+)s")
SESSION_TIME = re.compile(r" in ([0-9.]+)s(?: \(|\s*=*\s*$)", re.MULTILINE)
IMPORT_LINE = re.compile(r"^from gen\.(c\d+) import (m\d+)$", re.MULTILINE)
SECURITY_CODE = re.compile(r"S\d+")
#: What execnet runs to start a pytest-xdist worker (left out of the processes the plugin starts).
XDIST_WORKER = "sys.stdin.readline()"
DOCS_CODE = re.compile(r"D1\d+")

sys.path.insert(0, str(HERE))
from generate import generate  # a sibling script, not a package
from real_projects import Project as RealProject  # a sibling script too
from real_projects import fetch, venv_python

from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.gates.process import GATE_NICENESS
from pytest_tta_maturity.gates.ruff import project_ignores

#: The interpreter whose pytest and tools are timed: this one, or a real project's venv (--real).
PYTHON = [sys.executable]
#: Extra pytest arguments for every pytest run (--pytest-args), e.g. ["-n", "2"].
PYTEST_EXTRA: list[str] = []

#: Real projects for --real, from their source distributions (tests included), set up by
#: real_projects.py's fetch/venv_python under benchmarks/_work/real; every component is declared
#: `production`, so every gate of every level runs over every component.
REAL: dict[str, RealProject] = {
    "werkzeug": RealProject(
        name="werkzeug",
        requirement="werkzeug==3.1.3",
        test_requirements=("pytest-timeout", "cryptography", "watchdog", "ephemeral-port-reserve", "cffi", "greenlet"),
        components={
            "werkzeug": ("src/werkzeug",),
            "debug": ("src/werkzeug/debug",),
            "routing": ("src/werkzeug/routing",),
            "middleware": ("src/werkzeug/middleware",),
            "sansio": ("src/werkzeug/sansio",),
            "datastructures": ("src/werkzeug/datastructures",),
            "wrappers": ("src/werkzeug/wrappers",),
        },
    ),
}
#: Added to a real project's [tool.pytest.ini_options] (its own configuration, so runs stay full):
#: werkzeug's dev_server tests start live servers whose reloader tests hang on this kind of machine.
REAL_ADDOPTS: dict[str, list[str]] = {"werkzeug": ["-m", "not dev_server"]}

#: Run by the pytest process of every variant: logs each subprocess it starts, then runs pytest.
BOOT = """\
import os, sys, time
_log = open(os.environ["BENCH_EXEC_LOG"], "a", encoding="utf-8")
def _hook(event, args):
    if event == "subprocess.Popen":
        _log.write(f"{time.time():.3f} {args[1]!r}\\n")
        _log.flush()
sys.addaudithook(_hook)
import pytest
class _Nice:  # variant P@N: the gate tools at nice +N instead of what the plugin ships
    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        from pytest_tta_maturity.gates import process
        process.GATE_NICENESS = int(os.environ["BENCH_GATE_NICE"])
sys.exit(pytest.main(plugins=[_Nice()] if os.environ.get("BENCH_GATE_NICE") else []))
"""

SECURITY_SNIPPET = '''

def evaluate(expression: str) -> object:
    """A deliberate security finding (ruff S307): eval of text."""
    return eval(expression)
'''

FORMAT_SNIPPET = """

SPACING = {'low':1, 'high' :2}
"""

MORE_TESTS = '''\
"""Parametrized tests of component {comp}: {per} cases per imported module."""

import pytest

{imports}

MODULES = [{modules}]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("number", range({per}))
def test_module(module, number):
    values = list(range(-number, number * 3))
    assert len(module.scale(values)) == len(values)
    assert sum(module.summarise(values).values()) == len(values)
    acc = module.Accumulator(ceiling=number * 2)
    for value in values:
        acc.add(abs(value))
    assert acc.total <= number * 2
'''

SEQ = "S"
COLD = "P"
WARM = "W"
LABELS = {
    SEQ: "the tools one after another",
    COLD: "pytest --tta-maturity --cache-clear",
    WARM: "pytest --tta-maturity (warm cache)",
}
#: Exit statuses that are not a crash: the project is designed to be below its levels (exit 1).
EXPECTED = {"pytest": (0,), "lint": (0, 1), "format": (0, 1), "types": (0, 1), "security": (0, 1), "docs": (0, 1)}
PLUGIN_EXPECTED = (0, 1)


@dataclass
class Project:
    root: Path
    files: int
    cfg: MaturityConfig
    paths: list[str]
    gates: list[str]
    stats: dict[str, int]
    description: str = ""


@dataclass
class Run:
    wall: float
    status: int
    stdout: str
    log: Path
    spawned: list[str] = field(default_factory=lambda: list[str]())
    cpu: float = 0.0
    first_spawn: float | None = None
    report: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=lambda: dict[str, float]())
    session: float | None = None


@dataclass
class Samples:
    wall: list[float] = field(default_factory=lambda: list[float]())
    steps: dict[str, list[float]] = field(default_factory=lambda: dict[str, list[float]]())
    steps_cpu: dict[str, list[float]] = field(default_factory=lambda: dict[str, list[float]]())
    timings: list[dict[str, float]] = field(default_factory=lambda: list[dict[str, float]]())
    sessions: list[float] = field(default_factory=lambda: list[float]())
    spawned: list[int] = field(default_factory=lambda: list[int]())
    cpu: list[float] = field(default_factory=lambda: list[float]())
    first_spawn: list[float] = field(default_factory=lambda: list[float]())
    problems: list[str] = field(default_factory=lambda: list[str]())


# ----------------------------------------------------------------------------- the project


def build_project(out: Path, components: int, files: int, tests_per_module: int, seed: int) -> Project:
    """generate.py's project, with levels needing every tool gate, security/format findings and more tests."""
    stats = generate(out, components, files, seed=seed)
    rng = random.Random(seed + 1)
    pyproject = out / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('level = "experimental"', 'level = "development"').replace(
        'level = "production"', 'level = "staging"'
    )
    pyproject.write_text(text, encoding="utf-8")
    stats["security_findings"] = 0
    stats["format_findings"] = 0
    for module in sorted((out / "src" / "gen").glob("c*/m*.py")):
        extra = ""
        if rng.random() < 0.04:
            extra += SECURITY_SNIPPET
            stats["security_findings"] += 1
        if rng.random() < 0.04:
            extra += FORMAT_SNIPPET
            stats["format_findings"] += 1
        if extra:
            module.write_text(module.read_text(encoding="utf-8") + extra, encoding="utf-8")
    stats["tests"] = 0
    for test in sorted((out / "tests").glob("c*/test_c*.py")):
        found = IMPORT_LINE.findall(test.read_text(encoding="utf-8"))
        stats["tests"] += 2
        if not found or tests_per_module <= 0:
            continue
        comp = found[0][0]
        imports = "\n".join(f"from gen.{c} import {m}" for c, m in found)
        modules = ", ".join(m for _, m in found)
        body = MORE_TESTS.format(comp=comp, per=tests_per_module, imports=imports, modules=modules)
        (test.parent / f"test_more_{comp}.py").write_text(body, encoding="utf-8")
        stats["tests"] += tests_per_module * len(found)
    cfg = load(pyproject)
    paths = [str(p.relative_to(cfg.root)) for comp in cfg.components for p in comp.paths]
    checked = cfg.gates_checked()
    gates = [g for g in ("lint", "format", "types", "security", "docs") if any(g in v for v in checked.values())]
    count = sum(1 for _ in (out / "src" / "gen").rglob("*.py"))
    description = (
        f"generated: {count} files in {stats['components']} components, {stats['tests']} tests; "
        f"seeded findings: {stats['lint_findings']} unused imports, {stats['type_errors']} type errors, "
        f"{stats['security_findings']} eval, {stats['format_findings']} unformatted"
    )
    return Project(out, count, cfg, paths, gates, stats, description)


#: Where real projects are unpacked and get their venvs (real_projects.py's work folder layout).
REAL_WORK = HERE / "_work" / "real"


def real_project(name: str) -> Project:
    """A real project's unpacked sdist with every component at ``production``; PYTHON becomes its venv's."""
    REAL_WORK.mkdir(parents=True, exist_ok=True)
    PYTHON[0] = str(venv_python(REAL_WORK, REAL[name]))
    root = real_root(name)
    cfg = load(root / "pyproject.toml")
    paths = sorted({str(p.relative_to(cfg.root)) for comp in cfg.components for p in comp.paths})
    checked = cfg.gates_checked()
    gates = [g for g in ("lint", "format", "types", "security", "docs") if any(g in v for v in checked.values())]
    count = len({f for p in paths for f in (root / p).rglob("*.py")})
    stats = {"components": len(cfg.components), "tests": 0}
    description = (
        f"{REAL[name].requirement} (sdist): {count} files in {len(cfg.components)} components, all `production`"
    )
    if name in REAL_ADDOPTS:
        description += f" (its pytest addopts: {' '.join(REAL_ADDOPTS[name])})"
    return Project(root, count, cfg, paths, gates, stats, description)


def real_root(name: str) -> Path:
    """Unpack (once) a real project's sdist, add REAL_ADDOPTS and every component at ``production``
    to its pyproject.toml (from the kept original), and return its root."""
    spec = REAL[name]
    REAL_WORK.mkdir(parents=True, exist_ok=True)
    root = fetch(spec, REAL_WORK)
    pyproject, original = root / "pyproject.toml", root / "pyproject.toml.orig"
    if not original.exists():
        shutil.copy2(pyproject, original)
    text = original.read_text(encoding="utf-8").rstrip("\n") + "\n\n# added by benchmarks/bench_gates.py\n"
    addopts = f"addopts = {json.dumps(REAL_ADDOPTS.get(name, []))}\n"
    if "[tool.pytest.ini_options]\n" in text:
        text = text.replace("[tool.pytest.ini_options]\n", "[tool.pytest.ini_options]\n" + addopts, 1)
    else:
        text += "[tool.pytest.ini_options]\n" + addopts + "\n"
    for comp, comp_paths in spec.components.items():
        listed = ", ".join(json.dumps(p) for p in comp_paths)
        text += (
            f'[tool.tta-maturity.components.{comp}]\nlevel = "production"\npaths = [{listed}]\ntests = ["tests"]\n\n'
        )
    pyproject.write_text(text, encoding="utf-8")
    return root


def owner(project: Project, filename: str) -> str | None:
    """The component whose path holds ``filename`` (longest prefix)."""
    path = Path(filename)
    path = (path if path.is_absolute() else project.root / path).resolve()
    best: tuple[int, str] | None = None
    for comp in project.cfg.components:
        for prefix in comp.paths:
            prefix = prefix.resolve()
            if (path == prefix or prefix in path.parents) and (best is None or len(prefix.parts) > best[0]):
                best = (len(prefix.parts), comp.name)
    return best[1] if best else None


# ----------------------------------------------------------------------------- running


def tool(name: str) -> str:
    """The tool beside the interpreter that runs pytest (as the plugin finds it), else on PATH."""
    beside = Path(PYTHON[0]).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"bench_gates.py: {name} is not installed beside {PYTHON[0]} or on PATH")
    return found


def environment(exec_log: Path | None = None, nice: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BENCH_GATE_NICE", None)
    if nice is not None:
        env["BENCH_GATE_NICE"] = str(nice)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"
    env["TTA_MATURITY_TIMINGS"] = "1"
    if exec_log is not None:
        env["BENCH_EXEC_LOG"] = str(exec_log)
    return env


def clean(root: Path) -> None:
    for path in root.glob(".coverage*"):
        path.unlink()


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far, and their children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], cwd: Path, log: Path, env: dict[str, str]) -> Run:
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu = children_cpu() - cpu
    shown = " ".join(a if "\n" not in a else "<boot>" for a in argv)
    log.write_text(f"$ {shown}\n(exit {done.returncode}, {wall:.2f} s)\n{done.stdout}\n{done.stderr}", encoding="utf-8")
    return Run(wall, done.returncode, done.stdout, log, cpu=cpu)


def pytest_argv(args: list[str]) -> list[str]:
    return [PYTHON[0], "-c", BOOT, "-q", "-p", "no:randomly", *PYTEST_EXTRA, *args]


def run_pytest(project: Project, args: list[str], name: str, nice: int | None = None) -> Run:
    """pytest through BOOT: every subprocess the pytest process starts is logged."""
    clean(project.root)
    exec_log = LOGS / f"{name}.exec"
    exec_log.write_text("", encoding="utf-8")
    started = time.time()
    result = run(pytest_argv(args), project.root, LOGS / f"{name}.log", environment(exec_log, nice))
    lines = [line.split(" ", 1) for line in exec_log.read_text(encoding="utf-8").splitlines() if line]
    lines = [line for line in lines if XDIST_WORKER not in line[1]]  # -n N: pytest-xdist's workers are no gates
    result.spawned = [argv for _, argv in lines]
    if lines:  # how long after the python running pytest was started did the first gate start?
        result.first_spawn = float(lines[0][0]) - started
    match = TIMINGS.search(result.stdout)
    if match:
        result.timings = {key: float(value) for key, value in TIMING_ITEM.findall(match.group(1))}
    sessions = SESSION_TIME.findall(result.stdout)
    result.session = float(sessions[-1]) if sessions else None
    return result


def sequential_steps(project: Project) -> list[tuple[str, list[str]]]:
    ruff, pyright = tool("ruff"), tool("pyright")
    paths = project.paths
    check = [ruff, "check", "--no-fix", "--output-format", "json", "--force-exclude"]
    steps: list[tuple[str, list[str]]] = [("pytest", [])]

    def ignoring(family: str) -> list[str]:  # the project's own ignores of that family, as the gates keep them
        ignored = project_ignores(project.root, family)
        return ["--ignore", ",".join(ignored)] if ignored else []

    commands = {
        "lint": [*check, *paths],
        "format": [ruff, "format", "--check", "--output-format", "json", "--force-exclude", *paths],
        "types": [pyright, "--outputjson", "--pythonpath", PYTHON[0], *paths],
        "security": [*check, "--extend-select", "S", *ignoring("S"), *paths],
        "docs": [*check, "--extend-select", "D1", *ignoring("D"), *paths],
    }
    steps += [
        (gate, commands[gate]) for gate in ("lint", "format", "types", "security", "docs") if gate in project.gates
    ]
    return steps


#: pytest-cov's report in S's pytest step: "" (none at all, the strict baseline) or e.g. "term".
S_COV_REPORT = [""]


def run_sequential(project: Project, tag: str) -> tuple[float, dict[str, Run]]:
    runs: dict[str, Run] = {}
    started = time.perf_counter()
    for step, argv in sequential_steps(project):
        if step == "pytest":
            runs[step] = run_pytest(
                project, [f"--cov={p}" for p in project.paths] + [f"--cov-report={S_COV_REPORT[0]}"], f"{tag}-S-pytest"
            )
        else:
            runs[step] = run(argv, project.root, LOGS / f"{tag}-S-{step}.log", environment())
            (LOGS / f"{tag}-S-{step}.json").write_text(runs[step].stdout, encoding="utf-8")
    return time.perf_counter() - started, runs


def run_plugin(project: Project, warm: bool, tag: str, nice: int | None = None) -> Run:
    key = WARM if warm else (COLD if nice is None else f"{COLD}@{nice}")
    report = LOGS / f"{tag}-{key}.json"
    report.unlink(missing_ok=True)
    args = ["--tta-maturity", f"--tta-maturity-report=json:{report}"]
    if not warm:
        args.append("--cache-clear")
    result = run_pytest(project, args, f"{tag}-{key}", nice)
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        result.report = cast(dict[str, Any], data) if isinstance(data, dict) else None
    except (OSError, ValueError):
        result.report = None
    return result


# ----------------------------------------------------------------------------- checks


def sequential_counts(project: Project, runs: dict[str, Run]) -> dict[tuple[str, str], int]:
    """Per (component, gate): what the sequential tools found, counted as the gates count."""
    counts: Counter[tuple[str, str]] = Counter()
    for gate in project.gates:
        data: Any = json.loads(runs[gate].stdout)
        if gate == "types":
            for item in cast(list[dict[str, Any]], data["generalDiagnostics"]):
                if item.get("severity") == "error":
                    counts[(owner(project, str(item["file"])) or "?", gate)] += 1
            continue
        items = cast(list[dict[str, Any]], data)
        if gate == "format":
            for filename in {str(item["filename"]) for item in items}:
                counts[(owner(project, filename) or "?", gate)] += 1
            continue
        keep = {"security": SECURITY_CODE, "docs": DOCS_CODE}.get(gate)
        for item in items:
            code = str(item.get("code") or "invalid-syntax")
            if keep is None or keep.fullmatch(code) or code == "invalid-syntax":
                counts[(owner(project, str(item["filename"])) or "?", gate)] += 1
    return dict(counts)


def plugin_gates(report: dict[str, Any] | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (component, gate): the state of each tool gate in a JSON report (not ``tests``: pytest itself)."""
    if report is None:
        return {}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for comp in cast(list[dict[str, Any]], report.get("components", [])):
        for gate, state in cast(dict[str, dict[str, Any]], comp.get("gates", {})).items():
            if gate != "tests":
                found[(str(comp["name"]), gate)] = state
    return found


def consistency(project: Project, seq: dict[str, Run], cold: Run) -> list[str]:
    """Differences between P's per-component gate counts and the sequential tools' (empty: consistent)."""
    if cold.report is None:
        return [f"P wrote no JSON report (see {cold.log})"]
    expected = sequential_counts(project, seq)
    states = plugin_gates(cold.report)
    problems: list[str] = []
    stray = sorted(key for key in expected if key[0] == "?")
    if stray:
        problems.append(f"findings outside every component: {stray}")
    for comp in project.cfg.components:
        for gate in project.gates:
            state = states.get((comp.name, gate))
            wanted = expected.get((comp.name, gate), 0)
            if state is None:
                problems.append(f"{comp.name} {gate}: not in P's report (tools found {wanted})")
            elif state.get("status") not in ("pass", "fail"):
                problems.append(f"{comp.name} {gate}: {state.get('status')} ({state.get('message', '')})")
            elif int(state.get("findings", -1)) != wanted:
                problems.append(f"{comp.name} {gate}: P {state.get('findings')} != tools {wanted}")
    return problems


def warm_problems(warm: Run, cold: Run) -> list[str]:
    """Why a warm run does not count as 'no gate process started' (empty: it started none)."""
    problems: list[str] = []
    if warm.spawned:
        problems.append(f"started {len(warm.spawned)} process(es): {warm.spawned[:3]}")
    states = plugin_gates(warm.report)
    if not states:
        problems.append("no JSON report")
    ran = {key: s for key, s in states.items() if s.get("status") in ("pass", "fail", "error")}
    uncached = sorted(f"{c}:{g}" for (c, g), s in ran.items() if not s.get("cached"))
    if uncached:
        problems.append(f"{len(uncached)} gate result(s) not cached, e.g. {uncached[:3]}")
    before = {key: s.get("findings") for key, s in plugin_gates(cold.report).items()}
    after = {key: s.get("findings") for key, s in states.items()}
    if before != after:
        problems.append("gate counts differ from the cold run's")
    return problems


def strace_warm(project: Project) -> str:
    """One extra warm run under ``strace -f -e trace=execve``: how many programs did it execute?"""
    strace = shutil.which("strace")
    if strace is None:
        return "not run (strace not installed)"
    if "-n" in PYTEST_EXTRA or any(arg.startswith("--numprocesses") for arg in PYTEST_EXTRA):
        return "not run (pytest-xdist's workers are processes too)"
    trace = LOGS / "strace-warm.txt"
    clean(project.root)
    argv = [strace, "-f", "-qq", "-e", "trace=execve", "-o", str(trace), *pytest_argv(["--tta-maturity"])]
    exec_log = LOGS / "strace-warm.exec"
    exec_log.write_text("", encoding="utf-8")
    done = run(argv, project.root, LOGS / "strace-warm.log", environment(exec_log))
    try:
        lines = trace.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    execs = [line for line in lines if "execve(" in line and "= 0" in line]
    if done.status not in PLUGIN_EXPECTED or not execs:
        return f"not usable (exit {done.status}, {len(execs)} execve seen; see {done.log.name})"
    others = execs[1:]  # the first is the python running pytest
    if not others:
        return "yes: the only execve was the python running pytest"
    shown = ", ".join(sorted({m.group(1) for line in others if (m := re.search(r'execve\("([^"]+)"', line))}))
    return f"NO: {len(others)} more execve ({shown})"


def pyright_startup(project: Project) -> float:
    """Wall time of pyright on one tiny file: its fixed start-up cost."""
    first = min((p for p in project.paths if p.endswith(".py")), default=None) or next(
        str(f.relative_to(project.root)) for p in project.paths for f in sorted((project.root / p).rglob("*.py"))
    )
    argv = [tool("pyright"), "--outputjson", "--pythonpath", PYTHON[0], first]
    return run(argv, project.root, LOGS / "pyright-one-file.log", environment()).wall


# ----------------------------------------------------------------------------- the benchmark


#: Gate niceness of the extra cold variants P@N (--nice); P itself runs what the plugin ships.
NICE: list[int] = []


def bench(project: Project, rounds: int, warmup: bool) -> tuple[dict[str, Samples], dict[str, Run], Run, Run]:
    extra = [f"{COLD}@{n}" for n in NICE]
    for key, nice in zip(extra, NICE, strict=True):
        LABELS[key] = f"the same, gate tools at nice +{nice}"
    samples = {key: Samples() for key in (SEQ, COLD, *extra, WARM)}
    last_seq: dict[str, Run] = {}
    last_cold: Run | None = None
    last_warm: Run | None = None
    if warmup:  # bytecode, OS file cache, ruff's cache, pyright's node start; fills the gate cache
        run_sequential(project, "warmup")
        run_plugin(project, False, "warmup")
        run_plugin(project, True, "warmup")
    order = [SEQ, COLD, *extra, WARM]
    for round_no in range(rounds):
        shift = round_no % len(order)
        for key in order[shift:] + order[:shift]:
            tag = f"r{round_no}"
            LOADS.append(os.getloadavg()[0])
            if key == SEQ:
                wall, runs = run_sequential(project, tag)
                for step, result in runs.items():
                    samples[SEQ].steps.setdefault(step, []).append(result.wall)
                    samples[SEQ].steps_cpu.setdefault(step, []).append(result.cpu)
                    if result.status not in EXPECTED[step]:
                        samples[SEQ].problems.append(f"{tag} {step}: exit {result.status} (see {result.log.name})")
                samples[SEQ].wall.append(wall)
                samples[SEQ].cpu.append(sum(r.cpu for r in runs.values()))
                if runs["pytest"].session is not None:
                    samples[SEQ].sessions.append(runs["pytest"].session)
                last_seq = runs
                status = ",".join(str(r.status) for r in runs.values())
                steps = " ".join(f"{step} {r.wall:.2f}" for step, r in runs.items())
                detail = f"({steps})"
            else:
                nice = NICE[extra.index(key)] if key in extra else None
                result = run_plugin(project, key == WARM, tag, nice)
                target = samples[key]
                target.wall.append(result.wall)
                target.spawned.append(len(result.spawned))
                target.cpu.append(result.cpu)
                if result.first_spawn is not None:
                    target.first_spawn.append(result.first_spawn)
                if result.timings:
                    target.timings.append(result.timings)
                if result.session is not None:
                    target.sessions.append(result.session)
                if result.status not in PLUGIN_EXPECTED or result.report is None:
                    target.problems.append(f"{tag} {key}: exit {result.status} (see {result.log.name})")
                if key == COLD:
                    last_cold = result
                elif key == WARM:
                    last_warm = result
                status = str(result.status)
                wall = result.wall
                detail = f"({len(result.spawned)} processes started)"
            print(
                f"  round {round_no + 1}/{rounds}  {key:<4} {LABELS[key]:<38} {wall:7.2f}s  exit {status}  {detail}",
                flush=True,
            )
    assert last_cold is not None and last_warm is not None
    return samples, last_seq, last_cold, last_warm


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_timings(samples: list[dict[str, float]]) -> str:
    if not samples:
        return "no 'tta-maturity timings:' line"
    keys = list(dict.fromkeys(key for sample in samples for key in sample))
    return ", ".join(f"{key} {median([s.get(key, 0.0) for s in samples]):.2f}s" for key in keys)


#: The 1-minute load average before each timed run.
LOADS: list[float] = []


def variant_lines(samples: dict[str, Samples], seq: float, longest: float, step: str) -> list[str]:
    """One line per cold variant: P (what the plugin ships) and each P@N (gate tools at nice +N)."""
    lines = [f"cold variants (P: the gate tools at nice +{GATE_NICENESS}, as shipped; P@N: at nice +N):"]
    for key, sample in samples.items():
        if key == COLD or key.startswith(COLD + "@"):
            wall = median(sample.wall)
            lines.append(
                f"  {key:<5} {wall:6.2f} s  /S {wall / seq:.2f}x  /longest step ({step}) {wall / longest:.2f}x"
                f"  pytest session {median(sample.sessions):.2f} s  CPU {median(sample.cpu):.2f} s"
            )
    return lines


def first_gate(cold: Run) -> str:
    """Which program the plugin started first (the type checker should be first: it is the slowest)."""
    if not cold.spawned:
        return "none (no process started)"
    first = re.findall(r"'([^']+)'", cold.spawned[0])
    name = Path(first[0]).name if first else cold.spawned[0][:60]
    return f"{name} ({'the type checker, as it should' if name in ('pyright', 'basedpyright', 'mypy') else 'NOT the type checker'})"


def report(
    project: Project,
    samples: dict[str, Samples],
    checks: dict[str, list[str]],
    extra: dict[str, Any],
    rounds: int,
) -> tuple[list[str], dict[str, float]]:
    seq, cold, warm = samples[SEQ], samples[COLD], samples[WARM]
    step_medians = {step: median(walls) for step, walls in seq.steps.items()}
    longest = max(step_medians, key=lambda step: step_medians[step])
    med = {key: median(samples[key].wall) for key in (SEQ, COLD, WARM)}
    gates_wait = median([t.get("gates_wait", 0.0) for t in cold.timings])
    ratios = {
        "P/S": med[COLD] / med[SEQ],
        f"P/{longest}": med[COLD] / step_medians[longest],
        "W/S": med[WARM] / med[SEQ],
    }
    lines = [
        (
            f"pytest-tta-maturity gates benchmark: {rounds} rounds, median wall time "
            f"(Python {platform.python_version()}, {os.cpu_count()} CPUs)"
        ),
        f"project: {project.description}; gates {', '.join(project.gates)}"
        + (f"; pytest {' '.join(PYTEST_EXTRA)}" if PYTEST_EXTRA else ""),
        "",
        "| S: " + " | ".join(step_medians) + " | S total | P (cold) | W (warm) | P/S | P/longest step | W/S |",
        "|" + "---:|" * (len(step_medians) + 6),
        "| "
        + " | ".join(f"{value:.2f} s" for value in step_medians.values())
        + f" | {med[SEQ]:.2f} s | {med[COLD]:.2f} s | {med[WARM]:.2f} s"
        + f" | {ratios['P/S']:.2f}x | {ratios[f'P/{longest}']:.2f}x ({longest}) | {ratios['W/S']:.2f}x |",
        "",
        (
            f"P/S <= 0.75: {'yes' if ratios['P/S'] <= 0.75 else 'NO'};  "
            f"P/longest step <= 1.1: {'yes' if ratios[f'P/{longest}'] <= 1.1 else 'NO'}"
        ),
        *variant_lines(samples, med[SEQ], step_medians[longest], longest),
        f"first gate process P started: {extra['first_gate']}",
        f"warm run started no gate process: {'yes' if not checks['warm'] else 'NO: ' + '; '.join(checks['warm'])}",
        (
            f"  processes started by the pytest process (median): P {median([float(n) for n in cold.spawned]):.0f}, "
            f"W {median([float(n) for n in warm.spawned]):.0f}; strace of one more warm run: {extra['strace']}"
        ),
        (
            "per-component gate counts of P equal the sequential tools': "
            + ("yes" if not checks["consistency"] else f"NO ({len(checks['consistency'])} differences)")
        ),
        *(f"  {line}" for line in checks["consistency"][:10]),
        "",
        "where the time goes (medians):",
        (
            f"  pytest session (pytest's own 'in N s'): S {median(seq.sessions):.2f}s, "
            f"P {median(cold.sessions):.2f}s, W {median(warm.sessions):.2f}s"
        ),
        (
            f"  W (the plugin, no gate work) / S's pytest step: {med[WARM] / step_medians['pytest']:.2f}x "
            f"({med[WARM] - step_medians['pytest']:+.2f}s); in P the plugin waited {gates_wait:.2f}s for the gates "
            "after the tests and coverage analysis"
        ),
        f"  plugin timings, P: {fmt_timings(cold.timings)}",
        f"  plugin timings, W: {fmt_timings(warm.timings)}",
        f"  pyright on one tiny file (fixed start-up cost): {extra['pyright_startup']:.2f}s",
        (
            f"  first gate process started {median(cold.first_spawn):.2f}s after the python running pytest "
            "(pytest start-up, plugin import, configuration, collection of the files to check)"
        ),
        (
            f"  CPU seconds (user+system, all processes): S {median(seq.cpu):.2f}, P {median(cold.cpu):.2f}, "
            f"W {median(warm.cpu):.2f}; S's steps: "
            + ", ".join(f"{step} {median(cpu):.2f}" for step, cpu in seq.steps_cpu.items())
            + f"; P's CPU / wall = {median(cold.cpu) / med[COLD]:.2f} cores busy "
            f"(of {os.cpu_count()})"
        ),
        (
            f"  load average (1 min) before each timed run: median {median(LOADS):.2f}, "
            f"min {min(LOADS, default=0.0):.2f}, max {max(LOADS, default=0.0):.2f}"
        ),
        (
            f"  P minus longest step of S: {med[COLD] - step_medians[longest]:+.2f}s; "
            f"S minus P: {med[SEQ] - med[COLD]:+.2f}s"
        ),
    ]
    busy = median(LOADS)
    if busy > 0.5 * (os.cpu_count() or 1):
        lines.append(
            f"NOTE: the machine was busy (load average {busy:.1f} on {os.cpu_count()} CPUs): concurrency cannot help "
            "when every CPU is taken; rerun on a quiet machine before quoting these figures"
        )
    problems = [*seq.problems, *cold.problems, *warm.problems]
    if problems:
        lines += ["", "UNEXPECTED exit statuses (left in the medians, see the logs):", *(f"  {p}" for p in problems)]
    return lines, ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pytest --tta-maturity with its gates against the tools one by one")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", type=int, default=300, help="Python files in the components (default 300)")
    parser.add_argument("--components", type=int, default=None, help="default: files / 10")
    parser.add_argument("--tests-per-module", type=int, default=8, help="parametrized cases per imported module")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-warmup", action="store_true")
    parser.add_argument(
        "--s-cov-report",
        default="",
        help="pytest-cov's report in S's pytest step: '' (default: none, the strict baseline) or 'term'",
    )
    parser.add_argument(
        "--real",
        choices=sorted(REAL),
        help="time a real project (its sdist, every component at production) instead of a generated one",
    )
    parser.add_argument(
        "--nice",
        default="",
        help="comma-separated niceness values: one more cold variant P@N per value, the gate tools at nice +N",
    )
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments for every run, e.g. '-n 2'")
    args = parser.parse_args(argv)
    S_COV_REPORT[0] = args.s_cov_report
    NICE[:] = [int(n) for n in args.nice.split(",") if n.strip()]
    PYTEST_EXTRA[:] = args.pytest_args.split()
    components = args.components or max(1, args.files // 10)

    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.iterdir():
        old.unlink()
    if args.real:
        project = real_project(args.real)
        out = project.root
    else:
        out = WORK / f"gen-{components}x{args.files}"
        project = build_project(out, components, args.files, args.tests_per_module, args.seed)
    print(f"{out.relative_to(ROOT)}: {project.description}; gates: {', '.join(project.gates)}", flush=True)

    load_before = os.getloadavg()[0]
    samples, last_seq, last_cold, last_warm = bench(project, args.rounds, warmup=not args.no_warmup)
    load_after = os.getloadavg()[0]
    checks = {
        "warm": warm_problems(last_warm, last_cold),
        "consistency": consistency(project, last_seq, last_cold),
    }
    extra: dict[str, Any] = {
        "strace": strace_warm(project),
        "first_gate": first_gate(last_cold),
        "pyright_startup": pyright_startup(project),
        "load_before": load_before,
        "load_after": load_after,
    }
    lines, ratios = report(project, samples, checks, extra, args.rounds)
    print()
    print("\n".join(lines))
    payload = {
        "rounds": args.rounds,
        "loads": LOADS,
        "pytest_args": PYTEST_EXTRA,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "project": {"root": str(out), "files": project.files, "gates": project.gates, **project.stats},
        "variants": LABELS,
        "sequential_steps": {step: argv[:6] for step, argv in sequential_steps(project)},
        "samples": {
            key: {
                "wall": s.wall,
                "steps": s.steps,
                "steps_cpu": s.steps_cpu,
                "timings": s.timings,
                "sessions": s.sessions,
                "spawned": s.spawned,
                "cpu": s.cpu,
                "first_spawn": s.first_spawn,
                "problems": s.problems,
            }
            for key, s in samples.items()
        },
        "ratios": ratios,
        "checks": checks,
        "extra": extra,
        "table": lines,
    }
    (WORK / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    failed = any(s.problems for s in samples.values()) or any(checks.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
