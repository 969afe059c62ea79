"""Affected runs against full runs, change by change, on a real project under git (werkzeug 3.1.3).

    .venv/bin/python benchmarks/bench_affected.py [--rounds 5] [--gates none|declared|all] [-n N]

``--project networkx``: networkx 3.4.2's sdist (its tests beside its modules, a longer suite; run with
the same venv, networkx imported from the copy), components per sub-package, and three of the
changes (a leaf module's function body, a new function in it, no change).

The project: werkzeug 3.1.3's sdist as ``bench_gates.py --real werkzeug`` sets it up (its venv
under benchmarks/_work/real, every component declared ``production``, its ``dev_server`` tests
deselected by its own addopts), copied to ``benchmarks/_work/affected/werkzeug`` and made a git
repository. A full run of the committed tree leaves the record affected runs start from; it is
kept aside and put back before every affected run, so each round asks the same question.

For each change below, each round applies the change, then times (wall clock, the whole process,
paired and interleaved: the order of the pair alternates between rounds):

- A, the full run: ``pytest --tta-maturity`` with a cache folder of its own (so it never feeds B);
- B, the affected run: the same with ``--tta-maturity-affected``;

then reverts the change. Before timing, one pair per change checks that B's JSON report equals A's
(every figure, test, gate and level; only ``created``, ``affected`` and the gates' ``cached`` may
differ) and the exit status too: a benchmark of a wrong answer would be worthless.

The changes: a leaf module (``middleware/proxy_fix.py``: a line inside a function's body, then a
new function), a test file, a module most of the package imports (``_internal.py``), a new module
nothing imports, and no change.

``--gates none`` (the default) runs both without the tool gates (``--tta-maturity-no-gates``): the
tests are what an affected run leaves out; ``declared``/``all`` add the gates, which run in full in
both (their cache by content makes unchanged files free, but a type checker re-checks the whole
program when any file changes: that sets the floor). It prints, per change, the medians and the
median of the pair-by-pair ratios B/A, and what recording (in A) and planning and merging (in B)
cost, each as a share of the full run, from the plugin's own timings (``TTA_MATURITY_TIMINGS=1``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_tta_maturity.affected.imports import IMPORTS_NAME

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

WORK = HERE / "_work" / "affected"
RECORD = Path(".pytest_cache/d/tta-maturity-affected")

LEAF = "src/werkzeug/middleware/proxy_fix.py"
TEST_FILE = "tests/middleware/test_proxy_fix.py"
CORE = "src/werkzeug/_internal.py"
NEW = "src/werkzeug/_bench_new_module.py"

NETWORKX = "networkx==3.4.2"
#: networkx has no pytest configuration of its own; its tests live beside its modules.
NETWORKX_CONFIG = """
[tool.pytest.ini_options]
testpaths = ["networkx"]

[tool.coverage.run]
branch = true
"""
NETWORKX_CONFIG += "".join(
    f'\n[tool.tta-maturity.components.{name}]\nlevel = "development"\npaths = ["{path}"]\n'
    for name, path in (
        ("networkx", "networkx"),
        ("algorithms", "networkx/algorithms"),
        ("classes", "networkx/classes"),
        ("generators", "networkx/generators"),
        ("readwrite", "networkx/readwrite"),
        ("utils", "networkx/utils"),
        ("linalg", "networkx/linalg"),
        ("drawing", "networkx/drawing"),
    )
)
NX_LEAF = "networkx/algorithms/isolate.py"

ADDED = '''

def _bench_affected(value, limit=10):
    """Added by bench_affected.py."""
    if value > limit:
        return limit
    return value
'''


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def under_git(source: Path, root: Path, message: str) -> None:
    """A copy of ``source`` at ``root``, a git repository with one commit."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__", ".coverage*"))
    (root / ".gitignore").write_text(
        ".pytest_cache/\n.full_cache/\n__pycache__/\n.coverage*\n*.json\n", encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def setup(project: str) -> tuple[Path, str, Path]:
    """The copy of the project under git, the python to run it with, and the folder to import it from."""
    from bench_gates import PYTHON, real_project

    found = real_project("werkzeug")  # its venv has pytest, pytest-cov, xdist and this plugin
    root = WORK / project
    if project == "werkzeug":
        under_git(found.root, root, "werkzeug 3.1.3 sdist")
        return root, PYTHON[0], root / "src"
    from real_projects import Project, fetch

    source = fetch(Project(name="networkx", requirement=NETWORKX, test_requirements=(), components={}), WORK)
    under_git(source, root, "networkx sdist")
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(NETWORKX_CONFIG)
    git(root, "commit", "-q", "-am", "tta-maturity components")
    return root, PYTHON[0], root


def append(root: Path, name: str, text: str) -> Callable[[], None]:
    path = root / name
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")

    def revert() -> None:
        path.write_text(original, encoding="utf-8")

    return revert


def replace(root: Path, name: str, old: str, new: str) -> Callable[[], None]:
    path = root / name
    original = path.read_text(encoding="utf-8")
    assert old in original, f"{name} no longer holds {old!r}"
    path.write_text(original.replace(old, new, 1), encoding="utf-8")

    def revert() -> None:
        path.write_text(original, encoding="utf-8")

    return revert


def new_file(root: Path, name: str, text: str) -> Callable[[], None]:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return lambda: path.unlink()


NETWORKX_CHANGES: dict[str, Callable[[Path], Callable[[], None]]] = {
    "leaf module, a function's body": lambda root: replace(
        root, NX_LEAF, "    return sum(1 for v in isolates(G))\n", "    return sum(1 for _ in isolates(G))\n"
    ),
    "leaf module, a new function": lambda root: append(root, NX_LEAF, ADDED),
    "no change": lambda _root: lambda: None,
}

CHANGES: dict[str, Callable[[Path], Callable[[], None]]] = {
    "leaf module, a function's body": lambda root: replace(
        root, LEAF, "            return values[-trusted]\n", "            return values[len(values) - trusted]\n"
    ),
    "leaf module, a new function": lambda root: append(root, LEAF, ADDED),
    "test file": lambda root: append(root, TEST_FILE, "\n\ndef test_bench_added():\n    assert True\n"),
    "widely imported module": lambda root: append(root, CORE, ADDED),
    "new module": lambda root: new_file(root, NEW, ADDED.lstrip()),
    "no change": lambda _root: lambda: None,
}


def timings(stdout: str) -> dict[str, float]:
    found = re.search(r"^tta-maturity timings: (.*)$", stdout, re.MULTILINE)
    if not found:
        return {}
    return {k: float(v.rstrip("s")) for k, v in (part.split("=") for part in found.group(1).split())}


def run(cmd: list[str], root: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False, env=env)
    return time.perf_counter() - started, done


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    for comp in report["components"]:
        for gate in comp["gates"].values():
            gate.pop("cached", None)
    return {k: v for k, v in report.items() if k not in ("created", "affected")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gates", choices=("none", "declared", "all"), default="none")
    parser.add_argument("-n", dest="workers", default="", help="pytest-xdist workers for both runs")
    parser.add_argument("--project", choices=("werkzeug", "networkx"), default="werkzeug")
    parser.add_argument("--only", default="", help="only the changes whose name holds this text")
    args = parser.parse_args()
    root, python, path = setup(args.project)
    changes = CHANGES if args.project == "werkzeug" else NETWORKX_CHANGES
    gates = {"none": ["--tta-maturity-no-gates"], "declared": ["--tta-maturity-gates=declared"], "all": []}[args.gates]
    base = [python, "-m", "pytest", "-q", "-p", "no:randomly", "--tta-maturity", "--tta-maturity-warn-only", *gates]
    if args.workers:
        base += ["-n", args.workers]
    full = [*base, "-o", "cache_dir=.full_cache"]
    affected = [*base, "--tta-maturity-affected"]
    # the copy goes first on the path (the venv's editable werkzeug is the original unpacked sdist)
    env = {**os.environ, "PYTHONPATH": str(path), "TTA_MATURITY_TIMINGS": "1"}
    print(f"project: {root}")
    print("A (full):    ", " ".join(full))
    print("B (affected):", " ".join(affected))
    seconds, done = run([*base], root, env)  # the record of the committed tree (and warm caches)
    print(f"recording run of the committed tree: {seconds:.1f} s, exit {done.returncode}")
    kept = WORK / "record"
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(root / RECORD, kept)
    # A's own caches (its cache folder) are warmed by the check pair below, which is not timed

    def restore() -> None:
        # the record of the committed tree; the imports read so far stay (a cache by content, as in daily use)
        imports = root / RECORD / IMPORTS_NAME
        saved = imports.read_bytes() if imports.exists() else None
        shutil.rmtree(root / RECORD)
        shutil.copytree(kept, root / RECORD)
        if saved is not None:
            imports.write_bytes(saved)

    rows: list[str] = []
    all_ratios: list[float] = []
    for name, change in changes.items():
        if args.only not in name:
            continue
        revert = change(root)
        try:
            restore()
            _, b = run([*affected, "--tta-maturity-report=json:affected.json"], root, env)
            _, a = run([*full, "--tta-maturity-report=json:full.json"], root, env)
            mine = json.loads((root / "affected.json").read_text(encoding="utf-8"))
            theirs = json.loads((root / "full.json").read_text(encoding="utf-8"))
            same = comparable(dict(mine)) == comparable(dict(theirs)) and a.returncode == b.returncode
            info = mine.get("affected") or {}
            pairs: list[tuple[float, float, dict[str, float], dict[str, float]]] = []
            for i in range(args.rounds):
                restore()
                if i % 2:
                    sb, db = run(affected, root, env)
                    sa, da = run(full, root, env)
                else:
                    sa, da = run(full, root, env)
                    restore()
                    sb, db = run(affected, root, env)
                pairs.append((sa, sb, timings(da.stdout), timings(db.stdout)))
        finally:
            revert()
        ratios = [b / a for a, b, _, _ in pairs]
        all_ratios.extend(ratios)
        med_a = statistics.median(a for a, _, _, _ in pairs)
        med_b = statistics.median(b for _, b, _, _ in pairs)
        record_share = statistics.median(t.get("record", 0.0) / a for a, _, t, _ in pairs)
        merge_share = statistics.median(
            (t.get("affected_plan", 0.0) + t.get("affected_merge", 0.0) + t.get("record", 0.0)) / a
            for a, _, _, t in pairs
        )
        ran = f"{info.get('ran', '?')} of {info.get('total', '?')}"
        why = f" (ran everything: {info['fallback']})" if info.get("fallback") else ""
        rows.append(
            f"| {name} | {ran}{why} | {med_a:.1f} | {med_b:.1f} | {statistics.median(ratios):.3f} | "
            f"{record_share:.1%} | {merge_share:.1%} | {'yes' if same else 'NO'} |"
        )
    print()
    print(f"{args.rounds} rounds per change; wall seconds, medians; ratio = affected / full, median of the pairs")
    print(
        "| change | tests ran | full s | affected s | ratio | recording, in the full run | "
        "planning, merging and recording, in the affected run (of the full run) | same report |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print(f"median ratio over every pair: {statistics.median(all_ratios):.3f}")
    collect = [
        run([python, "-m", "pytest", "-q", "-p", "no:randomly", "--collect-only"], root, env)[0] for _ in range(3)
    ]
    print(
        f"the floor: pytest collecting the suite alone (--collect-only, no coverage) takes {statistics.median(collect):.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
