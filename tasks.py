#!/usr/bin/env python3
"""Developer tasks for pytest-tta-maturity, with nothing but Python 3.10+ needed to start.

    python3 tasks.py example   set up .venv, run `pytest --tta-maturity` on examples/story-engine
    python3 tasks.py test      set up .venv, then ruff check, ruff format --check, pyright,
                               `pytest --tta-maturity -n 2` on the project itself and the
                               compatibility job, failing fast (this is what CI runs); a version set
                               whose versions are exactly .venv's (newest, usually) is not run again
    python3 tasks.py test --fast
                               set up .venv, then ruff check, ruff format --check and the fast tests
                               (`pytest -m "not slow"`: no pytest session in a subprocess, no real
                               tool; seconds), for use while editing; not what CI runs
    python3 tasks.py compat    only the compatibility job: the coverage oracle tests and the core
                               end-to-end tests against the oldest versions pyproject.toml declares
                               and against the newest ones (`compat oldest` or `compat newest`: one)
    python3 tasks.py bench     set up .venv, run benchmarks/bench_core.py (extra arguments are passed on),
                               then bench_gates.py, bench_gates_mode.py, bench_contexts.py and bench_files.py;
                               `bench core ARGS` (or `gates`, `gatesmode`, `contexts`, `files`, `cores`) runs only
                               that one, with ARGS; `bench cores` (bench_cores.py: the sysmon and ctrace
                               cores on Python 3.12 and 3.13) runs only when named
    python3 tasks.py mutate    add mutmut to .venv (the `mutation` extra), mutation-test the verdict core
                               ([tool.mutmut] in pyproject.toml) against the fast tests, print killed and
                               survived per module and every survivor; `--output FILE` also saves it

With --current-python (before or after the task), the interpreter running tasks.py is used as it
is, without .venv (tox.ini runs every task this way, in tox's own environments).

The virtual environment is `.venv` at the repository root. It is (re)built when it is missing, when
it was made by another Python, or when pyproject.toml changed since the last install (the install is
keyed by a hash of pyproject.toml). The compatibility job's venvs live in `.venv/compat/`, one per
Python and version set, keyed by what they install (the pinned requirements and pyproject.toml's
[project] table; the newest set is also refreshed once a day). Only the standard library is used here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "tasks-stamp.json"
EXAMPLE = ROOT / "examples" / "story-engine"
#: The extras .venv holds for every task; `mutate` adds `mutation`.
EXTRAS = ("test",)

#: What pytest's exit statuses mean (plus the plugin's use of 1).
EXIT_MEANING = {
    0: "every test passed and every component meets its declared level",
    1: "some test failed, or some component is below its declared level",
    2: "the run was interrupted",
    3: "internal error",
    4: "usage error (bad command line or bad [tool.tta-maturity] configuration)",
    5: "no tests were collected",
}

#: What the example is designed to show (see examples/story-engine/README.md).
EXAMPLE_BELOW = ["narrative_coherence"]
EXAMPLE_PROMOTABLE = ["carbon"]

if sys.version_info < (3, 10):  # noqa: UP036 - tasks.py may be started by any python3
    sys.exit(f"tasks.py needs Python 3.10 or newer; this is {sys.version.split()[0]}")


def say(message: str) -> None:
    """Print a progress line, flushed before a child process writes."""
    print(f"tasks.py: {message}", flush=True)


#: Set by --current-python: use the running interpreter and its scripts, never .venv.
USE_CURRENT = False


def bin_dir() -> Path:
    if USE_CURRENT:
        return Path(sys.executable).parent
    return VENV / ("Scripts" if os.name == "nt" else "bin")


def venv_python() -> Path:
    if USE_CURRENT:
        return Path(sys.executable)
    return bin_dir() / ("python.exe" if os.name == "nt" else "python")


def stamp_wanted() -> dict[str, Any]:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "python": sys.version.split()[0]}


def stamp_current() -> dict[str, Any]:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def venv_works() -> bool:
    python = venv_python()
    if not python.exists():
        return False
    try:
        done = subprocess.run([str(python), "-c", "import pip"], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def ensure_venv(extras: tuple[str, ...] = EXTRAS) -> None:
    """Create or refresh .venv so that it holds `-e .[EXTRAS]` for the current pyproject.toml.

    Extras installed for another task (`mutation` for `mutate`) are kept: the stamp lists them all.
    """
    if USE_CURRENT:
        return
    wanted = stamp_wanted()
    current = stamp_current()
    installed = current.get("extras", [])
    installed = installed if isinstance(installed, list) else []
    same = all(current.get(key) == value for key, value in wanted.items())
    if same and set(extras) <= set(installed) and venv_works():
        return
    if not venv_works() or current.get("python") != wanted["python"]:
        say(f"creating {VENV.name} with Python {wanted['python']}")
        if VENV.exists():
            shutil.rmtree(VENV)
        installed = []
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "tasks.py: `python3 -m venv` failed; on Debian or Ubuntu install the venv module "
                "(apt-get install python3-venv) and try again"
            )
    elif not same:
        say("pyproject.toml changed: reinstalling")
    wanted["extras"] = sorted({*extras, *(str(e) for e in installed)})
    spec = f".[{','.join(wanted['extras'])}]"
    STAMP.unlink(missing_ok=True)
    say(f"installing -e {spec} into {VENV.name} (quiet; this takes a minute the first time)")
    started = time.monotonic()
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run_checked([*pip, "install", "-q", "-e", spec], cwd=ROOT, what="pip install")
    STAMP.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    say(f"environment ready in {time.monotonic() - started:.0f} s")


def tool_env(venv: Path | None = None) -> dict[str, str]:
    """The environment for tools of a venv (.venv unless given): its bin first on PATH, no pyright self-update check."""
    env = dict(os.environ)
    if venv is None and USE_CURRENT:
        scripts = bin_dir()
    else:
        venv = venv or VENV
        scripts = venv / ("Scripts" if os.name == "nt" else "bin")
        env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = str(scripts) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    env.setdefault("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
    return env


def run(argv: list[str], *, cwd: Path, venv: Path | None = None) -> int:
    shown = " ".join(argv)
    where = "" if cwd == ROOT else f" (in {cwd.relative_to(ROOT)})"
    say(f"$ {shown}{where}")
    return subprocess.run(argv, cwd=cwd, env=tool_env(venv), check=False).returncode


def run_checked(argv: list[str], *, cwd: Path, what: str, venv: Path | None = None) -> None:
    status = run(argv, cwd=cwd, venv=venv)
    if status != 0:
        sys.exit(f"tasks.py: {what} failed with exit status {status}")


def tool(name: str) -> str:
    return str(bin_dir() / (name + (".exe" if os.name == "nt" else "")))


def task_example() -> int:
    """Run the example and check that the verdict is the designed one (exit 1, one component below)."""
    ensure_venv()
    with tempfile.TemporaryDirectory(prefix="tta-example-") as scratch:
        report = Path(scratch) / "report.json"
        status = run(
            [str(venv_python()), "-m", "pytest", "--tta-maturity", f"--tta-maturity-report=json:{report}"],
            cwd=EXAMPLE,
        )
        print(flush=True)
        say(f"pytest exit status {status}: {EXIT_MEANING.get(status, 'unknown')}")
        data = read_report(report)
    problems: list[str] = []
    if status != 1:
        problems.append(f"expected exit status 1 (narrative_coherence below its level), got {status}")
    if data is None:
        problems.append(f"no JSON report was written to {report.name}")
    else:
        components: list[dict[str, Any]] = data.get("components", [])
        below = sorted(str(c.get("name")) for c in components if not c.get("meets", True))
        failed = sum(int(c.get("tests", {}).get(key, 0)) for c in components for key in ("failed", "errors"))
        if below != EXAMPLE_BELOW:
            problems.append(f"expected exactly {EXAMPLE_BELOW} below their levels, got {below}")
        if failed:
            problems.append(f"expected every test to pass, {failed} failed or errored")
        promotable = sorted(data.get("summary", {}).get("promotable", []))
        if promotable != EXAMPLE_PROMOTABLE:
            problems.append(f"expected {EXAMPLE_PROMOTABLE} ready to promote, the report says {promotable}")
    if problems:
        for problem in problems:
            say(f"UNEXPECTED: {problem}")
        say("the example did not run as designed")
        return 1
    say(
        "the example ran as designed: exit status 1 is the expected verdict, because "
        "narrative_coherence is below its declared level, and carbon is ready to promote "
        "(see examples/story-engine/README.md)"
    )
    return 0


def read_report(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def task_fast() -> int:
    """ruff check, ruff format --check and the tests not marked slow (tests/conftest.py marks every
    test that starts a pytest session in a subprocess or a real tool); each step's time is printed."""
    started = time.monotonic()
    ensure_venv()
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [tool("ruff"), "check", "--no-fix", "."]),
        ("ruff format --check", [tool("ruff"), "format", "--check", "."]),
        ("pytest -m 'not slow'", [str(venv_python()), "-m", "pytest", "-q", "-m", "not slow", "-p", "no:xdist"]),
    ]
    for what, argv in steps:
        status = run(argv, cwd=ROOT)
        if status != 0:
            say(f"FAILED: {what} exited with status {status}")
            return status
    say(
        f"fast checks passed in {time.monotonic() - started:.0f} s (pyright, the slow tests and the compatibility job not run)"
    )
    return 0


def task_test() -> int:
    """Lint, format check, type check, the test suite with the project's own maturity verdict, then
    the compatibility job; each step's time is printed at the end."""
    started = time.monotonic()
    ensure_venv()
    timings: list[tuple[str, float]] = [("setup .venv", time.monotonic() - started)]
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [tool("ruff"), "check", "--no-fix", "."]),
        ("ruff format --check", [tool("ruff"), "format", "--check", "."]),
        ("pyright", [tool("pyright"), "--pythonpath", str(venv_python())]),
        ("pytest", [str(venv_python()), "-m", "pytest", "--tta-maturity", "-n", "2"]),
    ]
    for what, argv in steps:
        step_started = time.monotonic()
        status = run(argv, cwd=ROOT)
        timings.append((what, time.monotonic() - step_started))
        if status != 0:
            meaning = f" ({EXIT_MEANING.get(status, 'unknown')})" if what == "pytest" else ""
            say(f"FAILED: {what} exited with status {status}{meaning}")
            return status
    status = compat_job(list(COMPAT_SETS), timings, suite_ran_in=venv_python())
    if status != 0:
        return status
    spent = ", ".join(f"{what} {seconds:.0f} s" for what, seconds in timings)
    say(f"all checks passed in {time.monotonic() - started:.0f} s ({spent})")
    return 0


#: The compatibility job: the tests that compare the plugin's figures with coverage.py's own report
#: (tests/unit/test_measure.py, and the oracle tests of tests/e2e/test_core.py) and the core end-to-end
#: tests, run in a venv with the oldest versions pyproject.toml declares and in one with the newest.
COMPAT_TESTS = (
    "tests/unit",
    "tests/e2e/test_core.py",
    "tests/e2e/test_static_analysis.py",
    "tests/e2e/test_own_coverage.py",
)
#: Besides `[project] dependencies`, the extras whose lower bounds the compatibility job also tests
#: (pytest-xdist, so that the xdist oracle tests run there too).
COMPAT_EXTRAS = ("xdist",)
#: oldest: every dependency at its declared lower bound; newest: every dependency at its newest release.
COMPAT_SETS = ("oldest", "newest")
COMPAT_ROOT = VENV / "compat"

#: Run by the Python of .venv (which has packaging, and tomli before 3.11): each requirement of
#: [project] dependencies and of the extras named in argv[2:], as [name, lower bound], markers applied,
#: and a digest of the [project] table (what `pip install -e .` reads; [tool.*] tables do not count).
DECLARED_LOWER_BOUNDS = """
import hashlib, json, sys
try:
    import tomllib
except ImportError:
    import tomli as tomllib
from packaging.requirements import Requirement
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
texts = list(project["dependencies"])
for extra in sys.argv[2:]:
    texts += project["optional-dependencies"][extra]
found = []
for text in texts:
    req = Requirement(text)
    if req.marker is not None and not req.marker.evaluate():
        continue
    lows = [s.version for s in req.specifier if s.operator in (">=", "~=", "==")]
    found.append([req.name, lows[0] if lows else None])
digest = hashlib.sha256(json.dumps(project, sort_keys=True, default=str).encode()).hexdigest()
print(json.dumps({"bounds": found, "project_sha256": digest}))
"""

#: Run by a compatibility venv's Python: the installed version of each name in argv[1:].
INSTALLED_VERSIONS = """
import importlib.metadata as m, json, sys
print(json.dumps({**{name: m.version(name) for name in sys.argv[1:]}, "python": sys.version.split()[0]}))
"""


def declared_lower_bounds() -> tuple[list[tuple[str, str]], str]:
    """[(name, lower bound)] of the dependencies the compatibility job pins, and a digest of [project]."""
    argv = [str(venv_python()), "-c", DECLARED_LOWER_BOUNDS, str(ROOT / "pyproject.toml"), *COMPAT_EXTRAS]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"tasks.py: reading the dependencies of pyproject.toml failed: {done.stderr.strip()}")
    data = json.loads(done.stdout)
    found: list[tuple[str, str]] = []
    for name, low in data["bounds"]:
        if low is None:
            sys.exit(
                f"tasks.py: pyproject.toml: dependency {name!r} has no lower bound; "
                f"declare the oldest supported version (e.g. '{name}>=X.Y') so the compatibility job can test it"
            )
        found.append((name, low))
    return found, str(data["project_sha256"])


def compat_requirements(which: str, bounds: list[tuple[str, str]]) -> list[str]:
    if which == "oldest":
        return [f"{name}=={low}" for name, low in bounds]
    return [name for name, _ in bounds]


def compat_venv(which: str, requirements: list[str], project_digest: str) -> Path:
    """The venv of one version set, (re)built when what it installs changed (the requirements, the
    package's [project] table, the Python); the newest set is also refreshed once a day."""
    venv = COMPAT_ROOT / f"py{sys.version_info[0]}.{sys.version_info[1]}-{which}"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = venv / "tasks-stamp.json"
    wanted: dict[str, Any] = {
        "python": sys.version.split()[0],
        "project_sha256": project_digest,
        "requirements": requirements,
    }
    if which == "newest":
        wanted["day"] = time.strftime("%Y-%m-%d", time.gmtime())
    try:
        current = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    if current == wanted and python.exists():
        return venv
    say(f"creating the compatibility venv {venv.relative_to(ROOT)} ({which} versions)")
    started = time.monotonic()
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    run_checked([sys.executable, "-m", "venv", str(venv)], cwd=ROOT, what="python3 -m venv")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input", "install", "-q"]
    run_checked([*pip, "-e", ".", *requirements], cwd=ROOT, what=f"pip install ({which})", venv=venv)
    stamp.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    say(f"compatibility venv ready in {time.monotonic() - started:.0f} s")
    return venv


def installed_versions(python: str, names: list[str]) -> dict[str, str]:
    """The installed version of each distribution in ``names``, as ``python`` sees them, and Python's own
    (under the key ``python``, which no distribution of ``names`` is)."""
    done = subprocess.run([python, "-c", INSTALLED_VERSIONS, *names], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def compat_job(
    sets: list[str], timings: list[tuple[str, float]] | None = None, *, suite_ran_in: Path | None = None
) -> int:
    """Run COMPAT_TESTS in the venv of each version set; the first failure stops the job.

    ``suite_ran_in`` is the Python whose full suite has just passed (``tasks.py test``): a version set
    whose versions are exactly that Python's (the newest set, on a .venv installed today) ran
    COMPAT_TESTS there already, so they are not run again; the job says so, and runs them whenever a
    single version differs.
    """
    ensure_venv()
    bounds, project_digest = declared_lower_bounds()
    names = [name for name, _ in bounds]
    suite_versions = installed_versions(str(suite_ran_in), names) if suite_ran_in is not None else None
    for which in sets:
        started = time.monotonic()
        venv = compat_venv(which, compat_requirements(which, bounds), project_digest)
        python = str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
        if timings is not None:
            timings.append((f"setup {which}", time.monotonic() - started))
            started = time.monotonic()
        installed = installed_versions(python, names)
        versions = ", ".join(f"{name} {version}" for name, version in installed.items())
        if installed == suite_versions:
            say(
                f"compatibility job, {which} versions: {versions}: the versions of {suite_ran_in}, whose "
                "full suite (COMPAT_TESTS included) just passed; not run again"
            )
            if timings is not None:
                timings.append(
                    (f"compat {which} (same versions as the suite: not run again)", time.monotonic() - started)
                )
            continue
        say(f"compatibility job, {which} versions: {versions}")
        status = run([python, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", *COMPAT_TESTS], cwd=ROOT, venv=venv)
        if timings is not None:
            timings.append((f"compat {which}", time.monotonic() - started))
        if status != 0:
            say(f"FAILED: the compatibility job ({which} versions: {versions}) exited with status {status}")
            return status
    return 0


#: `mutate` runs mutmut in a copy of these under .venv/mutation/, so that its `mutants/` folder never
#: lands in the work tree. What it mutates and which tests it runs: [tool.mutmut] in pyproject.toml.
MUTATION_WORK = VENV / "mutation"
MUTATION_COPY = ("src", "tests", "examples", "pyproject.toml")


def task_mutate(args: list[str]) -> int:
    """Mutation-test the verdict core against the fast tests and print killed/survived per module.

    Every run starts afresh (a survivor is retested after the tests change). With ``--output FILE``
    the report is also written there; it is always kept in .venv/mutation/report.md.
    """
    output: Path | None = None
    if args[:1] == ["--output"] and len(args) == 2:
        output = (Path.cwd() / args[1]).resolve()
    elif args:
        print("tasks.py: usage: python3 tasks.py mutate [--output FILE]", file=sys.stderr)
        return 2
    ensure_venv((*EXTRAS, "mutation"))
    if MUTATION_WORK.exists():
        shutil.rmtree(MUTATION_WORK)
    MUTATION_WORK.mkdir(parents=True)
    for name in MUTATION_COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, MUTATION_WORK / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, MUTATION_WORK / name)
    started = time.monotonic()
    status = run([tool("mutmut"), "run", "--max-children", str(os.cpu_count() or 2)], cwd=MUTATION_WORK)
    spent = time.monotonic() - started
    print(flush=True)
    if status != 0:
        say(f"FAILED: mutmut run exited with status {status}")
        return status
    version = subprocess.run(
        [str(venv_python()), "-c", "import importlib.metadata as m; print(m.version('mutmut'))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    header = (
        "# Mutation testing: the verdict core\n\n"
        f"Command: `python3 tasks.py mutate`; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"commit {commit or 'unknown'}; mutmut {version}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} workers; mutmut ran {spent:.0f} s. Modules and tests: `[tool.mutmut]` in pyproject.toml."
    )
    report = [str(venv_python()), str(ROOT / "mutation" / "report.py"), "--header", header]
    report += ["--output", str(output or MUTATION_WORK / "report.md")]
    status = run(report, cwd=MUTATION_WORK)
    if status == 0:
        say(f"report kept in {(output or MUTATION_WORK / 'report.md')}")
    return status


#: The benchmark scripts `tasks.py bench` runs, in order (see benchmarks/README.md).
BENCHES = {
    "core": "bench_core.py",
    "gates": "bench_gates.py",
    "gatesmode": "bench_gates_mode.py",
    "contexts": "bench_contexts.py",
    "files": "bench_files.py",
    "cores": "bench_cores.py",
}
#: Run only when named: `cores` needs Python 3.12 and 3.13 besides the one running the benchmarks.
ONLY_WHEN_NAMED = ("cores",)


def task_bench(args: list[str]) -> int:
    """Run the benchmarks (see benchmarks/README.md).

    ``bench core ARGS`` (or ``gates``, ``gatesmode``, ``contexts``, ``files``, ``cores``) runs one script with ARGS; otherwise
    every script but ``cores`` runs, the extra arguments going to bench_core.py. The worst exit
    status is returned.
    """
    ensure_venv()
    if args and args[0] in BENCHES:
        plan = {args[0]: args[1:]}
    else:
        plan = {name: (args if name == "core" else []) for name in BENCHES if name not in ONLY_WHEN_NAMED}
    worst = 0
    for name, extra in plan.items():
        status = run([str(venv_python()), str(ROOT / "benchmarks" / BENCHES[name]), *extra], cwd=ROOT)
        worst = max(worst, status)
    return worst


def main(argv: list[str]) -> int:
    global USE_CURRENT
    if "--current-python" in argv:
        USE_CURRENT = True
        argv = [a for a in argv if a != "--current-python"]
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    task, rest = argv[0], argv[1:]
    if task == "example" and not rest:
        return task_example()
    if task == "test" and not rest:
        return task_test()
    if task == "test" and rest == ["--fast"]:
        return task_fast()
    if task == "bench":
        return task_bench(rest)
    if task == "compat" and all(r in COMPAT_SETS for r in rest):
        return compat_job(rest or list(COMPAT_SETS))
    if task == "mutate":
        return task_mutate(rest)
    print(f"tasks.py: unknown task {' '.join(argv)!r}; use example, test, compat, bench or mutate", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
