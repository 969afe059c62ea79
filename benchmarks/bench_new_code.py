"""What --tta-maturity-new-code costs on a werkzeug-sized project, against the same run without it.

    .venv/bin/python benchmarks/bench_new_code.py [--runs 7] [--setup-only]

The project: werkzeug 3.1.3's sdist as ``bench_gates.py --real werkzeug`` sets it up (its venv under
benchmarks/_work/real, every component declared, its ``dev_server`` tests deselected by its own
addopts). This script copies it to ``benchmarks/_work/new-code/werkzeug``, makes the copy a git
repository (``main``: the sdist as it is), and on a branch ``feature``: one commit adding a function
to five modules of different components, a staged and an unstaged edit, and an untracked module:
a change of a pull request's size. The copy is imported (``PYTHONPATH=<copy>/src``), not the
venv's editable install of the original.

Then it times, with ``paired.py`` (interleaved A B A B after a warm-up of each, whole process, wall
and CPU, medians and the pair-by-pair ratio):

- A: ``pytest --tta-maturity --tta-maturity-no-gates --tta-maturity-new-code=main -p no:randomly``
- B: the same without ``--tta-maturity-new-code``

Gates are off in both (the new-code part of the gates is a filter over findings already there;
the gates' own time would only add noise). The analysis cache is warm in both (a first run of each
is the warm-up). The figure to read is the median wall ratio A/B.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_affected import git, under_git

WORK = HERE / "_work" / "new-code"

ADDED = '''

def _tta_bench_added(value, limit=10):
    """Added by bench_new_code.py: a new function, partly run by no test."""
    if value > limit:
        return limit
    return value
'''


def setup() -> tuple[Path, str]:
    """The copy of werkzeug under git, on ``feature``, and its venv's python."""
    from bench_gates import PYTHON, real_project

    found = real_project("werkzeug")
    root = WORK / "werkzeug"
    under_git(found.root, root, "werkzeug 3.1.3 sdist")
    git(root, "checkout", "-q", "-b", "feature")
    modules = [
        "src/werkzeug/utils.py",
        "src/werkzeug/routing/rules.py",
        "src/werkzeug/datastructures/structures.py",
        "src/werkzeug/sansio/utils.py",
        "src/werkzeug/wrappers/response.py",
    ]
    for name in modules[:3]:
        with (root / name).open("a", encoding="utf-8") as handle:
            handle.write(ADDED)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "feature")
    with (root / modules[3]).open("a", encoding="utf-8") as handle:
        handle.write(ADDED)
    git(root, "add", modules[3])  # staged
    with (root / modules[4]).open("a", encoding="utf-8") as handle:
        handle.write(ADDED)  # unstaged
    (root / "src/werkzeug/_tta_bench_new.py").write_text(ADDED.lstrip(), encoding="utf-8")  # untracked
    return root, PYTHON[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args()
    root, python = setup()
    base = [python, "-m", "pytest", "-q", "-p", "no:randomly", "--tta-maturity", "--tta-maturity-no-gates"]
    with_new = [*base, "--tta-maturity-new-code=main"]
    print(f"project: {root}")
    print("A:", " ".join(with_new))
    print("B:", " ".join(base))
    if args.setup_only:
        return 0
    # The venv's editable werkzeug is the original unpacked sdist: this copy goes first on the path.
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    # A check before timing: the run with the option reports new code for the changed components.
    done = subprocess.run(
        [*with_new, "--tta-maturity-report=json:new.json", "--tta-maturity-warn-only"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    print("\n".join(line for line in done.stdout.splitlines() if "new code" in line or line.startswith("component")))
    from paired import paired

    print(f"{args.runs} pairs, A with --tta-maturity-new-code=main, B without:")
    print("\n".join(paired(with_new, base, args.runs, root, env)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
