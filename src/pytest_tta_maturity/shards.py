"""Combining CI shards: their coverage data and JSON reports, scored as one run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .config import ComponentConfig, MaturityConfig
from .errors import CoverageDataError, display_path
from .model import CoverageFigures, GateResult, Report, TestCounts
from .partial import SLICE_KINDS, Partial, PartialKind
from .project import load_report, now


@contextmanager
def _cwd(folder: Path) -> Generator[None, None, None]:
    """Run with ``folder`` as the working directory (coverage.py reads its configuration from there)."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def combine_coverage(
    cfg: MaturityConfig,
    data_files: Sequence[Path],
    components: Sequence[ComponentConfig],
    rcfile: str | None = None,
) -> dict[str, CoverageFigures]:
    """Combine the shards' coverage data as ``coverage combine`` would and measure every component.

    The combined data goes to a private temporary folder, so no sibling
    ``.coverage.*`` file is swept in and the shards' files are kept.
    """
    import warnings

    import coverage
    from coverage.exceptions import CoverageException, CoverageWarning

    from .measure import measure_components

    for path in data_files:
        if not path.exists():
            raise CoverageDataError(f"--coverage-file {display_path(path)}: no such file")
    config_file: str | bool = str(Path(rcfile).resolve()) if rcfile else True
    absolute = [str(p.resolve()) for p in data_files]
    with tempfile.TemporaryDirectory(prefix="tta-maturity-") as folder, _cwd(cfg.root), warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        cov = coverage.Coverage(data_file=os.path.join(folder, "combined"), config_file=config_file)
        try:
            cov.combine(absolute, strict=True, keep=True)
            return dict(measure_components(cov, cfg, components))
        except CoverageException as exc:
            raise CoverageDataError(f"coverage data cannot be combined: {exc}") from None
        finally:
            cov.get_data().close()  # release the SQLite connection before the folder goes


def merge_results(
    reports: Sequence[Report], components: Sequence[ComponentConfig]
) -> tuple[dict[str, TestCounts], dict[str, dict[str, GateResult]]]:
    """Sum the shards' test counts; take each gate from the first shard that ran it (an error anywhere wins)."""
    counts = {c.name: TestCounts() for c in components}
    gates: dict[str, dict[str, GateResult]] = {c.name: {} for c in components}
    for report in reports:
        for comp in report.components:
            if comp.name not in counts:
                continue
            total = counts[comp.name]
            total.passed += comp.tests.passed
            total.failed += comp.tests.failed
            total.skipped += comp.tests.skipped
            total.errors += comp.tests.errors
            total.details.extend(comp.tests.details)
            merged = gates[comp.name]
            for gate, result in comp.gates.items():
                if gate == "tests":
                    continue  # scored again from the summed counts
                seen = merged.get(gate)
                first_run = seen is None or (seen.status == "skipped" and result.status != "skipped")
                if first_run or (result.status == "error" and seen is not None and seen.status != "error"):
                    merged[gate] = result
    return counts, gates


def shard_partial(reports: Sequence[tuple[Path, Report]]) -> Partial | None:
    """Why the combined run is partial: a shard interrupted, stopped early or with collection errors.

    A shard that only ran a slice of the suite (tests selected on its command
    line, or some of its tests not run) is what sharding means, and does not make
    the combination partial. A partial shard of no known kind does, as incomplete.
    """
    kinds = {kind.value: kind for kind in PartialKind}
    for path, report in reports:
        kind = kinds.get(report.partial_kind)
        if report.partial and kind not in SLICE_KINDS:
            reason = f"shard {display_path(path)}: {report.partial_reason or 'partial'}"
            return Partial(kind or PartialKind.INCOMPLETE, reason)
    return None


def combine_shards(
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig],
    results: Sequence[Path],
    coverage_files: Sequence[Path],
    rcfile: str | None = None,
    *,
    warn_only: bool = False,
) -> Report:
    """Score the shards' combined coverage data and JSON reports as one run."""
    from .scoring import score

    shards = [(path, load_report(path)) for path in results]
    figures = combine_coverage(cfg, coverage_files, components, rcfile)
    counts, gates = merge_results([r for _, r in shards], components)
    partial = shard_partial(shards)
    report = score(
        cfg,
        coverage=figures,
        tests=counts,
        gates=gates,
        partial=partial is not None,
        partial_reason=partial.reason if partial else "",
        partial_kind=partial.kind.value if partial else "",
        no_gates=all(not r.gates_run for _, r in shards),
        gates_mode="declared" if any(r.gates_mode == "declared" for _, r in shards) else "all",
        tests_failed=sum(r.tests_failed for _, r in shards),
        warn_only=warn_only,
        version=__version__,
        components=components,
    )
    report.created = now()
    cores = {(r.coverage_core, r.coverage_version) for _, r in shards}
    if len(cores) == 1:  # the shards agree on what measured them
        report.coverage_core, report.coverage_version = cores.pop()
    return report
