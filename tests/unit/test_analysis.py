"""Figures from facts parsed beforehand (cold) or kept in the cache (warm) equal coverage.py's own report.

Each project here is measured for real: ``coverage run`` in a child process writes the data file,
then the figures from the analysis (in this process and through the worker process) are checked
against ``Coverage.json_report`` over the same data and the same files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import coverage
import pytest

from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.errors import CoverageDataError
from pytest_tta_maturity.measure import analysis
from pytest_tta_maturity.measure.figures import component_sources, measure
from pytest_tta_maturity.model import CoverageFigures

# Multi-line statements, a with block, exclusions, a partial branch by pragma and by
# partial_branches_always, a decorator, a loop with a break, a lambda and a generator.
TRICKY = '''\
"""Every construct whose statements or branches coverage.py treats specially."""

import contextlib
import functools


def f(x):
    total = (x +
             1)
    with contextlib.suppress(ValueError):
        total += int("3")
    if x:  # pragma: no branch
        total += 1
    while True:
        break
    if x > 100:  # pragma: no cover
        return 0
    if x == 7:
        total = 7
    for i in range(x):
        if i == 2:
            break
    else:
        total -= 1
    try:
        total += 1 // x
    except ZeroDivisionError:
        total = -1
    finally:
        total += 0
    return total


@functools.lru_cache(maxsize=None)
def g(
    a,
    b=2,
):
    squares = [n * n for n in range(a) if n % b]
    pick = lambda v: v if v else None  # noqa: E731
    return sum(squares), pick(a), (n for n in squares)


class K:
    def m(self):
        ...

    def never(self):  # tidy: skip
        return 1
'''

PLAIN = """\
def h(x):
    if x:
        return 1
    return 2
"""

RUN = """\
from pkg.a import tricky, plain
tricky.f(3)
tricky.f(0)
tricky.g(4)
plain.h(1)
"""

BASE = """\
[tool.coverage.run]
branch = {branch}
{run}
[tool.coverage.report]
precision = 2
exclude_also = ["# tidy: skip"]
{report}
[tool.tta-maturity.components.a]
level = "development"
paths = ["pkg/a"]
[tool.tta-maturity.components.b]
level = "development"
paths = ["pkg/b"]
"""

CONFIGS = {
    "branch": {"branch": "true"},
    "lines only": {"branch": "false"},
    "relative files": {"branch": "true", "run": "relative_files = true"},
    "omit": {"branch": "true", "run": 'omit = ["*/b/omitted.py"]', "report": 'omit = ["*/a/tools/*"]'},
    "partial branches": {"branch": "true", "report": 'partial_branches = ["if x:"]'},
}


def make_project(root: Path, config: dict[str, str]) -> MaturityConfig:
    files = {
        "pkg/__init__.py": "",
        "pkg/a/__init__.py": "",
        "pkg/a/tricky.py": TRICKY,
        "pkg/a/plain.py": PLAIN,
        "pkg/a/tools/script.py": PLAIN + "\nSCRIPT = 1\n",  # a folder without __init__.py
        "pkg/b/__init__.py": "",
        "pkg/b/never.py": TRICKY.replace("def f(", "def f2("),
        "pkg/b/omitted.py": PLAIN + "\nOMITTED = 1\n",
        "run_it.py": RUN,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    pyproject = BASE.format(branch=config["branch"], run=config.get("run", ""), report=config.get("report", ""))
    (root / "pyproject.toml").write_text(pyproject)
    return load(root / "pyproject.toml")


def run_coverage(root: Path) -> None:
    """``coverage run`` in a child process, measuring the project's package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_CORE_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--source=pkg", "run_it.py"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


def project_coverage(root: Path) -> coverage.Coverage:
    cov = coverage.Coverage(data_file=str(root / ".coverage"), config_file=str(root / "pyproject.toml"))
    cov.load()
    return cov


def coverage_json(cov: coverage.Coverage, root: Path, files: list[str]) -> dict[str, Any]:
    """coverage.py's own JSON report over exactly ``files``."""
    out = root / "coverage.json"
    cov.json_report(morfs=[str(root / f) for f in files], outfile=str(out))
    return json.loads(out.read_text())


def oracle_files(cfg: MaturityConfig, name: str, cov: coverage.Coverage) -> list[str]:
    """The component's files that coverage.py would report ([run] omit applies to unexecuted files)."""
    comp = next(c for c in cfg.components if c.name == name)
    omitted = analysis.adapter.run_omit(cov)
    return [os.path.relpath(f, cfg.root) for f in component_sources([comp]) if not omitted(f)]


def assert_equal_to_coverage(fig: CoverageFigures, theirs: dict[str, Any]) -> None:
    totals = theirs["totals"]
    assert fig.percent == float(totals["percent_covered_display"])
    assert fig.raw_percent == pytest.approx(totals["percent_covered"])
    assert (fig.num_statements, fig.covered_lines) == (totals["num_statements"], totals["covered_lines"])
    assert (fig.num_branches, fig.covered_branches) == (
        totals.get("num_branches", 0),
        totals.get("covered_branches", 0),
    )
    expected = {
        Path(p).as_posix(): info["missing_lines"] for p, info in theirs["files"].items() if info["missing_lines"]
    }
    assert fig.missing_lines == expected


def static(root: Path, cfg: MaturityConfig, cov: coverage.Coverage, cache: Path | None) -> analysis.StaticAnalysis:
    found = analysis.StaticAnalysis(analysis.settings_of(cov))
    found.load(cache)
    for filename in component_sources(cfg.components):
        found.add(filename)
    found.save(cache)
    return found


@pytest.fixture
def chdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


@pytest.mark.parametrize("config", CONFIGS.values(), ids=list(CONFIGS))
def test_cold_and_warm_figures_equal_coverage_report(chdir: Path, config: dict[str, str]) -> None:
    cfg = make_project(chdir, config)
    run_coverage(chdir)
    cov = project_coverage(chdir)
    cache = chdir / "cache" / "analysis.json"
    cold = static(chdir, cfg, cov, cache)
    assert (cold.parsed, cold.reused) == (6, 1)  # the two empty __init__.py are parsed once
    warm = static(chdir, cfg, cov, cache)
    assert (warm.parsed, warm.reused) == (0, 7)
    in_process = measure(cov, cfg.root, cfg.components)
    assert measure(cov, cfg.root, cfg.components, prepared=cold.prepared) == in_process
    assert measure(cov, cfg.root, cfg.components, prepared=warm.prepared) == in_process
    for name in ("a", "b"):
        assert_equal_to_coverage(in_process[name], coverage_json(cov, chdir, oracle_files(cfg, name, cov)))
    assert in_process["a"].num_statements > 25
    assert 0 < in_process["a"].percent < 100
    assert 19 in in_process["a"].missing_lines["pkg/a/tricky.py"]


def test_a_warm_run_does_not_rewrite_the_cache(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cov = project_coverage(chdir)
    cache = chdir / "analysis.json"
    static(chdir, cfg, cov, cache)
    before = cache.stat().st_mtime_ns
    time.sleep(0.01)
    assert static(chdir, cfg, cov, cache).parsed == 0
    assert cache.stat().st_mtime_ns == before


def test_a_changed_setting_parses_again(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cache = chdir / "analysis.json"
    static(chdir, cfg, project_coverage(chdir), cache)
    text = (chdir / "pyproject.toml").read_text().replace('"# tidy: skip"', '"# tidy: skip", "never"')
    (chdir / "pyproject.toml").write_text(text)
    run_coverage(chdir)
    cov = project_coverage(chdir)
    again = static(chdir, cfg, cov, cache)
    assert again.parsed == 6
    assert measure(cov, cfg.root, cfg.components, prepared=again.prepared) == measure(cov, cfg.root, cfg.components)


def test_a_renamed_file_is_taken_from_the_cache(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cache = chdir / "analysis.json"
    static(chdir, cfg, project_coverage(chdir), cache)
    (chdir / "pkg/b/never.py").rename(chdir / "pkg/b/renamed.py")
    assert static(chdir, cfg, project_coverage(chdir), cache).parsed == 0


@pytest.mark.parametrize("garbage", ["{not json", '{"key": 1, "files": []}', "[]", ""])
def test_a_cache_that_cannot_be_read_is_ignored(chdir: Path, garbage: str) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    run_coverage(chdir)
    cov = project_coverage(chdir)
    cache = chdir / "analysis.json"
    cache.write_text(garbage)
    found = static(chdir, cfg, cov, cache)
    assert found.parsed == 6
    assert measure(cov, cfg.root, cfg.components, prepared=found.prepared) == measure(cov, cfg.root, cfg.components)
    assert json.loads(cache.read_text())["key"] == found.key  # written again, readable


def test_a_damaged_entry_is_parsed_again(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    run_coverage(chdir)
    cov = project_coverage(chdir)
    cache = chdir / "analysis.json"
    static(chdir, cfg, cov, cache)
    data = json.loads(cache.read_text())
    damaged = [{"s": "x"}, {"s": [1], "x": [], "a": None, "e": None, "n": None, "t": {"nope": 1}, "u": {}}, 7]
    for digest, bad in zip(list(data["files"]), damaged, strict=False):
        data["files"][digest] = bad
    cache.write_text(json.dumps(data))
    found = static(chdir, cfg, cov, cache)
    assert found.parsed == 3  # the damaged entries (the first is the two empty __init__.py files')
    assert measure(cov, cfg.root, cfg.components, prepared=found.prepared) == measure(cov, cfg.root, cfg.components)


def test_a_file_changed_after_the_analysis_is_parsed_again(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cov = project_coverage(chdir)
    found = static(chdir, cfg, cov, None)
    (chdir / "pkg/a/plain.py").write_text(PLAIN + "\n\ndef more():\n    return 3\n")
    run_coverage(chdir)
    cov = project_coverage(chdir)
    figures = measure(cov, cfg.root, cfg.components, prepared=found.prepared)
    assert figures == measure(cov, cfg.root, cfg.components)
    assert figures["a"].missing_lines["pkg/a/plain.py"] == [4, 8]


def test_a_file_that_does_not_parse_fails_as_coverage_report_does(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    (chdir / "pkg/a/tools/broken.py").write_text("def (:\n")
    run_coverage(chdir)
    cov = project_coverage(chdir)
    found = static(chdir, cfg, cov, None)
    with pytest.raises(CoverageDataError, match="could not analyse a component's file: Couldn't parse"):
        measure(cov, cfg.root, cfg.components, prepared=found.prepared)
    cov.set_option("report:ignore_errors", True)
    figures = measure(cov, cfg.root, cfg.components, prepared=found.prepared)
    assert "pkg/a/tools/broken.py" not in figures["a"].missing_lines
    assert figures == measure(cov, cfg.root, cfg.components)


def test_the_worker_gives_the_same_figures(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["relative files"])
    run_coverage(chdir)
    cov = project_coverage(chdir)
    folder = chdir / "cache"
    stats: list[dict[str, float]] = []
    for _ in range(2):  # cold, then warm
        worker = analysis.start(cov, root=cfg.root, components=cfg.components, python=sys.executable, cache_dir=folder)
        data = cov.get_data()
        figures = worker.measure(
            data_file=data.data_filename(), cwd=str(chdir), measured=len(data.measured_files()), timeout=120
        )
        assert figures == measure(cov, cfg.root, cfg.components)
        worker.cancel()
        stats.append(worker.stats)
    assert [(s["parsed"], s["reused"]) for s in stats] == [(6, 1), (0, 7)]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script stands for a broken interpreter")
def test_a_worker_that_fails_says_so(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cov = project_coverage(chdir)
    broken = chdir / "broken-python"
    broken.write_text("#!/bin/sh\nread job\necho boom >&2\nexit 3\n")
    broken.chmod(0o755)
    worker = analysis.start(cov, root=cfg.root, components=cfg.components, python=str(broken), cache_dir=None)
    with pytest.raises(analysis.AnalysisFailed, match=r"^exit status 3: boom$"):
        worker.measure(data_file=str(chdir / ".coverage"), cwd=str(chdir), measured=0, timeout=60)
    worker.cancel()


def test_a_worker_that_cannot_start_says_so(chdir: Path) -> None:
    cfg = make_project(chdir, CONFIGS["branch"])
    cov = project_coverage(chdir)
    with pytest.raises(analysis.AnalysisFailed, match="the worker could not start"):
        analysis.start(cov, root=cfg.root, components=cfg.components, python=str(chdir / "no-python"), cache_dir=None)


def test_plugins_keep_the_analysis_in_process(chdir: Path) -> None:
    make_project(chdir, CONFIGS["branch"])
    cov = project_coverage(chdir)
    assert analysis.usable(cov)
    cov.set_option("run:plugins", ["some_plugin"])
    assert not analysis.usable(cov)
