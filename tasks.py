#!/usr/bin/env python3
"""Developer tasks for pytest-tta-maturity, with nothing but Python 3.10+ needed to start.

    python3 tasks.py example   set up .venv, run `pytest --tta-maturity` on examples/story-engine
    python3 tasks.py test      set up .venv, then ruff check, ruff format --check, pyright and
                               `pytest --tta-maturity -n 2` on the project itself, failing fast
    python3 tasks.py bench     set up .venv, run benchmarks/bench_core.py (extra arguments are passed on),
                               then benchmarks/bench_gates.py; `bench core ARGS` or `bench gates ARGS`
                               runs only that one, with ARGS

With --current-python (before or after the task), the interpreter running tasks.py is used as it
is, without .venv (tox uses this for its `example` environment).

The virtual environment is `.venv` at the repository root. It is (re)built when it is missing, when
it was made by another Python, or when pyproject.toml changed since the last install (the install is
keyed by a hash of pyproject.toml). Only the standard library is used here.
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
EXTRAS = "test"

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


def stamp_wanted() -> dict[str, str]:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "python": sys.version.split()[0], "extras": EXTRAS}


def stamp_current() -> dict[str, str]:
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


def ensure_venv() -> None:
    """Create or refresh .venv so that it holds `-e .[test]` for the current pyproject.toml."""
    if USE_CURRENT:
        return
    wanted = stamp_wanted()
    current = stamp_current()
    if current == wanted and venv_works():
        return
    if not venv_works() or current.get("python") != wanted["python"]:
        say(f"creating {VENV.name} with Python {wanted['python']}")
        if VENV.exists():
            shutil.rmtree(VENV)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "tasks.py: `python3 -m venv` failed; on Debian or Ubuntu install the venv module "
                "(apt-get install python3-venv) and try again"
            )
    else:
        say("pyproject.toml changed: reinstalling")
    STAMP.unlink(missing_ok=True)
    say(f"installing -e .[{EXTRAS}] into {VENV.name} (quiet; this takes a minute the first time)")
    started = time.monotonic()
    pip = [str(venv_python()), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run_checked([*pip, "install", "-q", "-e", f".[{EXTRAS}]"], cwd=ROOT, what="pip install")
    STAMP.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    say(f"environment ready in {time.monotonic() - started:.0f} s")


def tool_env() -> dict[str, str]:
    """The environment for tools of the venv: its bin first on PATH, no pyright self-update check."""
    env = dict(os.environ)
    env["PATH"] = str(bin_dir()) + os.pathsep + env.get("PATH", "")
    if not USE_CURRENT:
        env["VIRTUAL_ENV"] = str(VENV)
    env.pop("PYTHONHOME", None)
    env.setdefault("PYRIGHT_PYTHON_IGNORE_WARNINGS", "1")
    return env


def run(argv: list[str], *, cwd: Path) -> int:
    shown = " ".join(argv)
    where = "" if cwd == ROOT else f" (in {cwd.relative_to(ROOT)})"
    say(f"$ {shown}{where}")
    return subprocess.run(argv, cwd=cwd, env=tool_env(), check=False).returncode


def run_checked(argv: list[str], *, cwd: Path, what: str) -> None:
    status = run(argv, cwd=cwd)
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


def task_test() -> int:
    """Lint, format check, type check, then the test suite with the project's own maturity verdict."""
    ensure_venv()
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [tool("ruff"), "check", "--no-fix", "."]),
        ("ruff format --check", [tool("ruff"), "format", "--check", "."]),
        ("pyright", [tool("pyright"), "--pythonpath", str(venv_python())]),
        ("pytest", [str(venv_python()), "-m", "pytest", "--tta-maturity", "-n", "2"]),
    ]
    started = time.monotonic()
    for what, argv in steps:
        status = run(argv, cwd=ROOT)
        if status != 0:
            meaning = f" ({EXIT_MEANING.get(status, 'unknown')})" if what == "pytest" else ""
            say(f"FAILED: {what} exited with status {status}{meaning}")
            return status
    say(f"all checks passed in {time.monotonic() - started:.0f} s")
    return 0


#: The benchmark scripts `tasks.py bench` runs, in order (see benchmarks/README.md).
BENCHES = {"core": "bench_core.py", "gates": "bench_gates.py", "gatesmode": "bench_gates_mode.py"}


def task_bench(args: list[str]) -> int:
    """Run the benchmarks (see benchmarks/README.md).

    ``bench core ARGS`` or ``bench gates ARGS`` runs one script with ARGS; otherwise every script
    runs, the extra arguments going to bench_core.py. The worst exit status is returned.
    """
    ensure_venv()
    if args and args[0] in BENCHES:
        plan = {args[0]: args[1:]}
    else:
        plan = {name: (args if name == "core" else []) for name in BENCHES}
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
    if task == "bench":
        return task_bench(rest)
    print(f"tasks.py: unknown task {' '.join(argv)!r}; use example, test or bench", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
