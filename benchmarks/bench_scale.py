"""Scoring and reporting at scale: 500 components, 20,000 files, no pytest session.

    python benchmarks/bench_scale.py [--components 500] [--files 20000] [--rounds 3] [--naive-sample 50]

The project is written by ``generate.py`` (to ``benchmarks/_work/scale``, reused while its size is
unchanged). A coverage data file is then built with ``coverage.CoverageData`` as a run of the
project's tests would record it: the modules the generated tests import (60 % of each component's
modules) and every component's ``__init__.py`` get the arcs that executing them really produces
(recorded once per module shape by running coverage.py on a representative file); the other
modules are absent from the data (never imported: 0 %). Gate outcomes are synthetic but shaped like
real ones (lint on the unused imports, types on the deliberate type errors, a few files to reformat,
security/docs findings), so every gate path of the scoring is exercised.

What is timed (median of ``--rounds``), each phase on its own:

- ``bucketing``: the components' files (``component_files``: the folder walk) and the owner of every
  measured file and every finding (``Bucketer``);
- ``measure``: ``measure.measure_components``. It analyses every file the way ``coverage report``
  does; that analysis (``coverage.report_core.get_analysis_to_report`` over the same files) is
  timed alone too, and the difference is the plugin's own share of ``measure``;
- ``scoring+reporting``: ``scoring.gate_results`` + ``scoring.score`` + rendering the terminal
  section and the json, markdown, prometheus, junit and html reports. Targets: under 1 s, and under
  200 MiB of extra memory (tracemalloc peak, in a separate run since tracemalloc slows Python down;
  the process's peak RSS growth is printed too).

For comparison, in the same run: coverage.py's own ``Coverage.report()`` over the same data (one
table of every measured file), and the naive way to get per-component figures, one
``Coverage.report(include=<component>/*)`` per component (timed on ``--naive-sample`` components and
scaled to all of them; it also misses the never-imported files, which the plugin counts as 0 %).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import coverage
from coverage import CoverageData
from coverage.exceptions import NoDataError
from coverage.report_core import get_analysis_to_report

from pytest_tta_maturity import __version__
from pytest_tta_maturity.bucketing import Bucketer, component_files
from pytest_tta_maturity.config import MaturityConfig, load
from pytest_tta_maturity.gates import GateOutcome
from pytest_tta_maturity.measure.figures import measure_components
from pytest_tta_maturity.model import CoverageFigures, Finding, Report, TestCounts
from pytest_tta_maturity.render import formats, terminal
from pytest_tta_maturity.scoring import gate_results, score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # a sibling script, not a package

DATA_NAME = "scale-coverage.db"  # never ".coverage.*": coverage.py would combine such siblings
T = TypeVar("T")
TARGET_SECONDS = 1.0
TARGET_MIB = 200.0


def say(text: str) -> None:
    """Print a progress line at once."""
    print(text, flush=True)


def project(out: Path, components: int, files: int) -> Path:
    """Generate the project once per size; return its root."""
    marker = out / ".generated"
    wanted = f"{components} {files}"
    if not (marker.is_file() and marker.read_text(encoding="utf-8") == wanted):
        say(f"generating {components} components, {files} files into {out} ...")
        generate(out, components, files)
        marker.write_text(wanted, encoding="utf-8")
    return out


def shape(text: str) -> tuple[bool, bool]:
    """A generated module's shape: (has the unused import, has the type error)."""
    return "import os  # unused" in text, "def checksum" in text


def executed_arcs(path: Path, *, call: bool) -> set[tuple[int, int]]:
    """The arcs coverage.py records when ``path`` is imported (and, with ``call``, when the tests use it)."""
    cov = coverage.Coverage(data_file=None, branch=True, config_file=False)
    namespace: dict[str, Any] = {"__name__": f"_bench_{path.stem}"}
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    cov.start()
    try:
        exec(code, namespace)  # noqa: S102 - a generated module of the benchmark project
        if call:  # what the generated tests do with an imported module
            namespace["scale"]([1, -2], 3)
            namespace["classify"](0)
            namespace["Accumulator"](5).add(9)
    finally:
        cov.stop()
    return set(cov.get_data().arcs(str(path)) or ())


def build_data(root: Path, cfg: MaturityConfig) -> tuple[Path, int]:
    """Write the coverage data file; return it and the number of measured files."""
    files = component_files(cfg.components)
    samples: dict[tuple[bool, bool], set[tuple[int, int]]] = {}
    init_arcs: set[tuple[int, int]] | None = None
    arcs: dict[str, set[tuple[int, int]]] = {}
    for comp in cfg.components:
        modules = sorted(p for p in files[comp.name] if p.name != "__init__.py")
        tested = modules[: round(len(modules) * 0.6)]  # generate.py's tests import these
        for path in files[comp.name]:
            if path.name == "__init__.py":
                init_arcs = init_arcs if init_arcs is not None else executed_arcs(path, call=False)
                arcs[os.fspath(path)] = init_arcs
        for path in tested:
            kind = shape(path.read_text(encoding="utf-8"))
            if kind not in samples:
                samples[kind] = executed_arcs(path, call=True)
            arcs[os.fspath(path)] = samples[kind]
    data_file = root / DATA_NAME
    data_file.unlink(missing_ok=True)
    data = CoverageData(basename=str(data_file))
    data.add_arcs(arcs)
    data.write()
    return data_file, len(arcs)


def load_cov(root: Path, data_file: Path) -> coverage.Coverage:
    """A Coverage object on the data, with the project's configuration (as pytest-cov would have it)."""
    cov = coverage.Coverage(data_file=str(data_file), config_file=str(root / "pyproject.toml"))
    cov.load()
    return cov


def synthetic_outcomes(cfg: MaturityConfig, files: dict[str, list[Path]]) -> dict[str, GateOutcome]:
    """Gate outcomes shaped like real ones, over the generated files."""
    found: dict[str, list[Finding]] = {g: [] for g in ("lint", "format", "security", "docs", "types")}
    number = 0
    for paths in files.values():
        for path in paths:
            number += 1
            if path.name == "__init__.py":
                continue
            rel = path.relative_to(cfg.root).as_posix()
            text = path.read_text(encoding="utf-8")
            lint, typed = shape(text)
            if lint:
                found["lint"].append(Finding(rel, 4, "F401", "`os` imported but unused"))
            if typed:
                line = text.splitlines().index("def checksum(values: list[int]) -> int:") + 3
                found["types"].append(Finding(rel, line, "reportReturnType", '"str" is not assignable to "int"'))
            if number % 97 == 0:
                found["format"].append(Finding(rel, 1, "format", "would be reformatted"))
            if number % 41 == 0:
                found["security"].append(Finding(rel, 9, "S101", "Use of `assert` detected"))
            if number % 13 == 0:
                found["docs"].append(Finding(rel, 1, "D100", "Missing docstring in public module"))
    tools = {"types": "pyright 1.1.414"}
    return {g: GateOutcome(g, tool=tools.get(g, "ruff 0.17.6"), findings=f) for g, f in found.items()}


def gate_files_of(cfg: MaturityConfig, files: dict[str, list[Path]]) -> dict[str, list[Path]]:
    """Gate name -> the files it ran on (the components whose declared level needs it), as the plugin does."""
    result: dict[str, list[Path]] = {}
    for comp in cfg.components:
        for gate in cfg.ladder.level(comp.level).gates:
            if gate != "tests":
                result.setdefault(gate, []).extend(files[comp.name])
    return result


def test_counts(cfg: MaturityConfig) -> dict[str, TestCounts]:
    """Two passing tests per component (what the generated tests are), one failure every 50th."""
    return {c.name: TestCounts(passed=2, failed=int(i % 50 == 0)) for i, c in enumerate(cfg.components)}


FORMATS = ("json", "markdown", "prometheus", "junit", "html")


def score_and_render(
    cfg: MaturityConfig,
    figures: dict[str, CoverageFigures],
    gate_files: dict[str, list[Path]],
    outcomes: dict[str, GateOutcome],
    counts: dict[str, TestCounts],
) -> tuple[Report, dict[str, float], int]:
    """Bucket the gates, score, render every format; return the report, the phase times and the output size."""
    times: dict[str, float] = {}
    started = time.perf_counter()
    gates = gate_results(cfg, cfg.components, gate_files, outcomes)
    times["gate_results"] = time.perf_counter() - started
    started = time.perf_counter()
    report = score(cfg, coverage=figures, tests=counts, gates=gates, version=__version__)
    times["score"] = time.perf_counter() - started
    size = 0
    started = time.perf_counter()
    size += sum(len(line) for line in terminal.render(report))
    times["terminal"] = time.perf_counter() - started
    for fmt in FORMATS:
        started = time.perf_counter()
        size += len(formats.render(report, fmt))
        times[fmt] = time.perf_counter() - started
    return report, times, size


def timed(func: Callable[[], T]) -> tuple[float, T]:
    """Wall time of one call, and its result."""
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def bucketing(cfg: MaturityConfig, measured: list[str], outcomes: dict[str, GateOutcome]) -> int:
    """The bucketing the plugin does: the components' files, then the owner of each measured file and finding."""
    component_files(cfg.components)
    bucketer = Bucketer.for_sources(cfg.components)
    owned = sum(bucketer.owner(f) is not None for f in measured)
    root = str(cfg.root)
    for outcome in outcomes.values():
        owned += sum(bucketer.owner(os.path.join(root, f.path)) is not None for f in outcome.findings or ())
    return owned


def analyse(cov: coverage.Coverage, files: list[str]) -> int:
    """coverage.py's own per-file analysis of ``files`` (what ``coverage report`` does for each)."""
    return sum(1 for _ in get_analysis_to_report(cov, files))


def rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--components", type=int, default=500)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=50, help="components timed for the naive loop")
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "scale")
    args = parser.parse_args(argv)

    root = project(args.out.resolve(), args.components, args.files)
    cfg = load(root / "pyproject.toml")
    data_file, measured_count = build_data(root, cfg)
    files = component_files(cfg.components)
    n_files = sum(len(v) for v in files.values())
    say(f"project: {len(cfg.components)} components, {n_files} files, {measured_count} measured in {data_file.name}")
    outcomes = synthetic_outcomes(cfg, files)
    gate_files = gate_files_of(cfg, files)
    counts = test_counts(cfg)
    n_findings = sum(len(o.findings or ()) for o in outcomes.values())

    samples: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        samples.setdefault(key, []).append(value)

    figures: dict[str, CoverageFigures] = {}
    report: Report | None = None
    size = 0
    measured: list[str] = []
    all_files = sorted({os.fspath(p) for paths in files.values() for p in paths if p.suffix == ".py"})
    for number in range(args.rounds):
        measured = sorted(load_cov(root, data_file).get_data().measured_files())
        add("bucketing", timed(functools.partial(bucketing, cfg, measured, outcomes))[0])
        seconds, figures = timed(functools.partial(measure_components, load_cov(root, data_file), cfg))
        add("measure", seconds)
        add("analysis", timed(functools.partial(analyse, load_cov(root, data_file), all_files))[0])
        seconds, (report, phases, size) = timed(
            functools.partial(score_and_render, cfg, figures, gate_files, outcomes, counts)
        )
        add("scoring+reporting", seconds)
        for key, value in phases.items():
            add(key, value)
        add("coverage report", timed(functools.partial(load_cov(root, data_file).report, file=io.StringIO()))[0])
        say(f"round {number + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in samples.items()))

    # The naive alternative: one coverage report per component (sampled).
    sample = cfg.components[: args.naive_sample]
    cov = load_cov(root, data_file)

    def naive() -> None:
        for comp in sample:
            include = [os.path.join(p, "*") if p.is_dir() else os.fspath(p) for p in comp.paths]
            # A component whose files were all never imported: coverage.py has nothing to report.
            with contextlib.suppress(NoDataError):
                cov.report(include=include, file=io.StringIO())

    naive_seconds = timed(naive)[0] * len(cfg.components) / max(1, len(sample))

    # Memory: the same scoring+reporting under tracemalloc, and the RSS growth it causes.
    rss_before = rss_mib()
    tracemalloc.start()
    score_and_render(cfg, figures, gate_files, outcomes, counts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / (1024 * 1024)
    rss_growth = rss_mib() - rss_before

    med = {k: statistics.median(v) for k, v in samples.items()}
    assert report is not None
    ours_in_measure = max(0.0, med["measure"] - med["analysis"])
    say("")
    say(f"{len(cfg.components)} components, {n_files} files ({measured_count} measured), {n_findings} gate findings")
    say(f"medians of {args.rounds} rounds:")
    say(
        f"  bucketing alone (walk + owner of {len(measured)} files and {n_findings} findings): {med['bucketing']:.3f} s"
    )
    say(
        f"  measure_components: {med['measure']:.2f} s, of which coverage.py's per-file analysis "
        f"{med['analysis']:.2f} s (the same work `coverage report` does) and the plugin's own share "
        f"{ours_in_measure:.2f} s"
    )
    parts = ", ".join(f"{k} {med[k]:.3f}" for k in ("gate_results", "score", "terminal", *FORMATS))
    say(f"  scoring+reporting: {med['scoring+reporting']:.3f} s (target < {TARGET_SECONDS:g} s) [{parts}]")
    say(
        f"  extra memory: {peak_mib:.1f} MiB (tracemalloc peak; target < {TARGET_MIB:g} MiB), "
        f"peak RSS growth {rss_growth:.1f} MiB; {size / 1e6:.1f} MB of reports rendered"
    )
    say("comparison, same data:")
    say(
        f"  coverage.py's own `coverage report` (one table, every measured file): {med['coverage report']:.2f} s; "
        f"measure_components / coverage report = {med['measure'] / med['coverage report']:.2f}x"
    )
    say(
        f"  naive per-component `cov.report(include=...)` loop: {naive_seconds:.1f} s "
        f"(timed on {len(sample)} components, scaled to {len(cfg.components)}); "
        f"measure_components is {naive_seconds / med['measure']:.1f}x faster, and the loop misses never-imported files"
    )
    below = sum(1 for c in report.components if not c.meets)
    say(f"verdict: {below} of {len(report.components)} components below their level")
    missed = med["scoring+reporting"] >= TARGET_SECONDS or peak_mib >= TARGET_MIB
    if missed:
        say("NOTE: a target was missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
