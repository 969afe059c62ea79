"""End to end: new code per component, on a real project under git with a feature branch.

The figures are checked against an oracle written here, independently of the plugin's
own git reader: ``git diff -U0 <merge-base>`` (and git's untracked files) intersected with
coverage.py's own analysis of the run's data file (``Coverage.analysis2``), and ruff's JSON.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import coverage
import pytest

from tests.conftest import Project, needs_xdist

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BIN = Path(sys.executable).parent

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.coverage.run]
branch = {branch}

[tool.coverage.report]
precision = 1

[tool.tta-maturity.levels.development]
new_code_coverage = 80
new_code_findings = 0

[tool.tta-maturity.components.billing]
level = "development"
paths = ["src/app/billing.py"]
tests = ["tests/test_billing.py"]

[tool.tta-maturity.components.shipping]
level = "development"
paths = ["src/app/shipping.py", "src/app/zones.py"]
tests = ["tests/test_shipping.py", "tests/test_zones.py"]
"""

BILLING = """\
def total(prices):
    amount = sum(
        prices
    )
    return amount
"""

SHIPPING = """\
def cost(weight):
    if weight > 10:
        return 20
    return 5
"""

GITIGNORE = (
    "stdout\nstderr\nrunpytest-*\n.coverage\n.pytest_cache/\n__pycache__/\nreport.json\nreport.md\nreport.html\n"
)


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=path, check=True, capture_output=True, text=True).stdout


def commit(path: Path, message: str) -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)


def feature_branch(proj: Project, *, branch: bool = False) -> None:
    """main: billing and shipping; feature: a commit, a staged and an unstaged edit, an untracked module."""
    path = proj.path
    proj.write("pyproject.toml", PYPROJECT.format(branch="true" if branch else "false"))
    proj.write(".gitignore", GITIGNORE)
    proj.write("src/app/__init__.py", "")
    proj.write("src/app/billing.py", BILLING)
    proj.write("src/app/shipping.py", SHIPPING)
    proj.write(
        "tests/test_billing.py",
        "from app.billing import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
    )
    proj.write(
        "tests/test_shipping.py",
        "from app.shipping import cost\n\n\ndef test_cost():\n    assert cost(1) == 5\n    assert cost(11) == 20\n",
    )
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@example.com")
    git(path, "config", "user.name", "t")
    git(path, "config", "commit.gpgsign", "false")
    commit(path, "start")
    git(path, "checkout", "-q", "-b", "feature")
    # committed: a new function in billing, 3 of its 4 statements run by the tests (75 %)
    proj.write(
        "src/app/billing.py",
        BILLING
        + "\n\ndef discount(price, rate):\n    if rate < 0:\n        raise ValueError(rate)\n"
        + "    return price - price * rate / 100\n",
    )
    proj.write(
        "tests/test_billing.py",
        "from app.billing import discount, total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n\n\n"
        "def test_discount():\n    assert discount(100, 10) == 90\n",
    )
    commit(path, "discount")
    # a commit on the target branch after the fork: not part of this change
    git(path, "checkout", "-q", "main")
    proj.write("src/app/shipping.py", SHIPPING + "\n\ndef later():\n    return 0\n")
    commit(path, "main moves on")
    git(path, "checkout", "-q", "feature")
    # staged: a covered new function in shipping
    proj.write("src/app/shipping.py", SHIPPING + "\n\ndef heavy(weight):\n    return weight > 10\n")
    proj.write(
        "tests/test_shipping.py",
        "from app.shipping import cost, heavy\n\n\ndef test_cost():\n    assert cost(1) == 5\n"
        "    assert cost(11) == 20\n    assert heavy(11)\n",
    )
    git(path, "add", "src/app/shipping.py", "tests/test_shipping.py")
    # unstaged: only the continuation line of a multi-line statement changes (no new statement)
    text = (path / "src/app/billing.py").read_text().replace("        prices\n", "        prices,\n")
    (path / "src/app/billing.py").write_text(text)
    # untracked: a new module of shipping, and its test
    proj.write("tests/test_zones.py", "from app import zones\n\n\ndef test_zones():\n    assert zones.far(4)\n")
    proj.write("src/app/zones.py", "import os\n\nZONES = 3\n\n\ndef far(zone):\n    return zone > ZONES\n")


def cli(path: Path, *args: str) -> str:
    done = subprocess.run([str(BIN / "tta-maturity"), *args], cwd=path, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def oracle_lines(path: Path, base: str) -> dict[str, set[int]]:
    """``git diff -U0 base`` (working tree) and the untracked files: new lines per file."""
    out = git(path, "-c", "core.quotepath=off", "diff", "-U0", "--find-renames", "--no-color", base)
    found: dict[str, set[int]] = {}
    current = ""
    for line in out.splitlines():
        if line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else ""
        hunk = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if hunk and current:
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            found.setdefault(current, set()).update(range(start, start + count))
    for name in git(path, "ls-files", "--others", "--exclude-standard").split():
        found[name] = set(range(1, len((path / name).read_text().splitlines()) + 1))
    return found


def oracle(path: Path, files: list[str], new: dict[str, set[int]]) -> tuple[int, int, dict[str, list[int]]]:
    """New statements, covered and missing lines per file, from coverage.py's own analysis of the data."""
    cov = coverage.Coverage(data_file=str(path / ".coverage"), config_file=str(path / "pyproject.toml"))
    cov.load()
    statements = covered = 0
    missing: dict[str, list[int]] = {}
    for name in files:
        _, stmts, _, miss, _ = cov.analysis2(str(path / name))
        lines = new.get(name, set())
        statements += len(set(stmts) & lines)
        covered += len((set(stmts) - set(miss)) & lines)
        if set(miss) & lines:
            missing[name] = sorted(set(miss) & lines)
    return statements, covered, missing


def ruff_new(path: Path, files: list[str], new: dict[str, set[int]]) -> list[tuple[str, int, str]]:
    out = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-fix", "--output-format", "json", *files],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = []
    for item in json.loads(out):
        name = Path(item["filename"]).resolve().relative_to(path.resolve()).as_posix()
        if item["location"]["row"] in new.get(name, set()):
            found.append((name, item["location"]["row"], item["code"]))
    return sorted(found)


@pytest.fixture
def feature(pytester: pytest.Pytester) -> Project:
    proj = Project(pytester)
    feature_branch(proj)
    return proj


COMPONENT_FILES = {"billing": ["src/app/billing.py"], "shipping": ["src/app/shipping.py", "src/app/zones.py"]}


@pytest.mark.parametrize(
    "workers", [pytest.param((), id="serial"), pytest.param(("-n", "2"), id="xdist", marks=needs_xdist)]
)
def test_new_code_equals_git_diff_with_coveragepys_analysis_and_ruff(
    feature: Project, workers: tuple[str, ...]
) -> None:
    path = feature.path
    result = feature.run(
        *workers,
        "--tta-maturity",
        "--tta-maturity-new-code=main",
        "--tta-maturity-gates=declared",
        "--tta-maturity-report=json:report.json",
        "--tta-maturity-report=markdown:report.md",
        "--tta-maturity-report=html:report.html",
        "-p",
        "no:randomly",
    )
    report = feature.report()
    base = git(path, "merge-base", "main", "HEAD").strip()
    assert base != git(path, "rev-parse", "main").strip()  # main moved on after the fork
    assert report["new_code"] == {
        "ref": "main",
        "base": base,
        "head": git(path, "rev-parse", "HEAD").strip(),
        "files": 6,  # in the diff: billing, shipping and their tests; untracked: zones.py and its test
    }
    new = oracle_lines(path, base)
    assert sorted(new) == [
        "src/app/billing.py",
        "src/app/shipping.py",
        "src/app/zones.py",
        "tests/test_billing.py",
        "tests/test_shipping.py",
        "tests/test_zones.py",
    ]
    assert 3 in new["src/app/billing.py"]  # the changed continuation line ...
    for name, files in COMPONENT_FILES.items():
        comp = feature.component(name)
        statements, covered, missing = oracle(path, files, new)
        got = comp["new_code"]
        assert (got["statements"], got["covered"], got["missing_lines"]) == (statements, covered, missing), name
        lint = [(f["path"], f["line"], f["code"]) for f in got["findings"].get("lint", [])]
        assert sorted(lint) == ruff_new(path, files, new), name
    billing = feature.component("billing")["new_code"]
    assert billing["statements"] == 4  # ... is no new statement: it counts on its first line, unchanged
    assert (billing["covered"], billing["percent"]) == (3, 75.0)
    assert billing["missing_lines"] == {"src/app/billing.py": [10]}
    shipping = feature.component("shipping")["new_code"]
    assert shipping["percent"] == 100.0
    assert [(f["path"], f["line"], f["code"]) for f in shipping["findings"]["lint"]] == [
        ("src/app/zones.py", 1, "F401")
    ]
    # a level with new_code_coverage = 80 blocks billing (75 %) and names its uncovered new line
    assert feature.component("billing")["blockers"] == ["new code 75.0% < 80% (uncovered: src/app/billing.py:10)"]
    assert "new code: 1 finding > 0 (src/app/zones.py:1 F401 (lint))" in feature.component("shipping")["blockers"]
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "component*new code*",
            "billing*75.0% of 4*",
            "shipping*100.0% of 6, 1 finding*",
            f"new code since main (merge base {base[:8]}): 6 files changed",
            "  billing: new lines no test ran: src/app/billing.py:10",
        ]
    )
    markdown = (path / "report.md").read_text()
    assert "- `src/app/billing.py`: 10 not run by any test" in markdown
    page = (path / "report.html").read_text()
    assert "<summary>new code: 75.0% of 4</summary><ul><li><code>src/app/billing.py</code>: 10</li>" in page

    # the command, on the saved report: explain lists the uncovered new lines; report renders the same markdown
    explained = cli(path, "explain", "billing", "--report-file", "report.json")
    assert f"new code since main (merge base {base[:8]}): 75.0% of 4" in explained
    assert explained.index("    src/app/billing.py: 10") < explained.index("coverage: 85.7%")
    assert cli(path, "report", "report.json", "--format", "markdown") == markdown
    # check, from the run's coverage data and report, reads the change again and gives the same new code
    cli(path, "check", "--coverage-file", ".coverage", "--results", "report.json", "--report", "json:check.json")
    checked = json.loads((path / "check.json").read_text())
    assert checked["new_code"] == report["new_code"]
    for got, ran in zip(checked["components"], report["components"], strict=True):
        assert got["new_code"] == ran["new_code"]


def test_branches_of_new_code(pytester: pytest.Pytester) -> None:
    proj = Project(pytester)
    feature_branch(proj, branch=True)
    proj.run(
        "--tta-maturity",
        "--tta-maturity-new-code=main",
        "--tta-maturity-no-gates",
        "--tta-maturity-report=json:report.json",
    )
    path = proj.path
    cov = coverage.Coverage(data_file=str(path / ".coverage"), config_file=str(path / "pyproject.toml"))
    cov.load()
    analysis: Any = cov._analyze(str(path / "src/app/billing.py"))  # the oracle's branch stats (coverage.py's own)
    stats = analysis.branch_stats()
    new = oracle_lines(path, git(path, "merge-base", "main", "HEAD").strip())["src/app/billing.py"]
    total = sum(stats[line][0] for line in stats if line in new)
    taken = sum(stats[line][1] for line in stats if line in new)
    billing = proj.component("billing")["new_code"]
    assert (billing["num_branches"], billing["covered_branches"]) == (total, taken) == (2, 1)
    assert billing["missing_branches"] == {"src/app/billing.py": ["9->10"]}


def test_unknown_ref_is_one_line_exit_4(feature: Project) -> None:
    result = feature.run("--tta-maturity", "--tta-maturity-new-code=nosuch")
    assert result.ret == 4
    top = git(feature.path, "rev-parse", "--show-toplevel").strip()
    result.stderr.fnmatch_lines(
        [
            (
                f"ERROR: --tta-maturity-new-code=nosuch: git knows no commit 'nosuch' in {top}; "
                "fetch it (git fetch origin) or name an existing branch, tag or commit"
            )
        ]
    )


def test_not_a_repository_is_one_line_exit_4(pytester: pytest.Pytester) -> None:
    proj = Project(pytester)
    proj.write("pyproject.toml", PYPROJECT.format(branch="false"))
    proj.write("src/app/billing.py", BILLING)
    proj.write("src/app/shipping.py", SHIPPING)
    proj.write("src/app/zones.py", "")
    for name in ("billing", "shipping", "zones"):
        proj.write(f"tests/test_{name}.py", "def test_x():\n    pass\n")
    result = proj.run("--tta-maturity", "--tta-maturity-new-code=main", "-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(
        [
            "ERROR: --tta-maturity-new-code=main: * is not in a git repository (*); run it in a git checkout, or without the option"
        ]
    )
