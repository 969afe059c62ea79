"""Combining CI shards: their coverage data and JSON reports, scored as one run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ComponentConfig, MaturityConfig
from ..errors import CoverageDataError, display_path
from ..measure.contexts import Attribution
from ..model import CoverageFigures, GateResult, GatesMode, Report, TestCounts
from ..newcode import attach
from ..partial import SLICE_KINDS, Partial, PartialKind
from ..project import load_report, now
from ..vcs import Change

if TYPE_CHECKING:
    from ..judge import RunInputs


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
    *,
    attribution: Attribution | None = None,
    unattributed: str = "",
    changed: Mapping[str, frozenset[int]] | None = None,
) -> dict[str, CoverageFigures]:
    """Combine the shards' coverage data as ``coverage combine`` would and measure every component.

    The combined data goes to a private temporary folder, so no sibling
    ``.coverage.*`` file is swept in and the shards' files are kept. With an
    ``attribution``, the own-tests and import-only figures are measured too (the
    project's static context, ``[run] context``, taken from its configuration).
    """
    import warnings

    import coverage
    from coverage.exceptions import CoverageException, CoverageWarning

    from ..measure.figures import measure_components

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
            if attribution is not None:
                attribution = replace(attribution, static=str(cov.get_option("run:context") or ""))
            return dict(
                measure_components(
                    cov, cfg, components, attribution=attribution, unattributed=unattributed, changed=changed
                )
            )
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
    for path, report in reports:
        kind = report.partial_kind
        if report.partial and kind not in SLICE_KINDS:
            reason = f"shard {display_path(path)}: {report.partial_reason or 'partial'}"
            return Partial(kind or PartialKind.INCOMPLETE, reason)
    return None


def shard_attribution(
    reports: Sequence[tuple[Path, Report]], counts: Mapping[str, TestCounts]
) -> tuple[Attribution | None, str]:
    """How to read the combined data's contexts; ``None`` and why when some shard did not record them.

    Only this plugin's own context labels name their components; pytest-cov's
    per-test ones (``--cov-context=test``) need the shard's attribution of test
    ids, which its report does not carry.
    """
    for path, report in reports:
        if report.coverage_contexts == "tta-maturity":
            continue
        if report.coverage_contexts == "pytest-cov":
            why = "it recorded pytest-cov's per-test contexts (--cov-context=test), which name tests, not components"
        else:
            notes = (c.coverage.sources_note for c in report.components if c.coverage.sources_note)
            why = next(notes, "it recorded no contexts")
        return None, f"shard {display_path(path)}: {why}"
    ran = frozenset(name for name, c in counts.items() if c.passed + c.failed + c.errors)
    return Attribution(ran=ran), ""


def shard_change(cfg: MaturityConfig, reports: Sequence[tuple[Path, Report]]) -> Change | None:
    """The change the shards judged new code against, read again from git here; ``None`` when none did.

    Every shard must have compared the same merge base, and this checkout must find it again.
    """
    from ..vcs import change_since

    runs = {(r.new_code.ref, r.new_code.base) if r.new_code is not None else None for _, r in reports}
    if runs == {None}:
        return None
    if len(runs) > 1:
        raise CoverageDataError(
            "the shards did not all compare new code against one merge base (--tta-maturity-new-code); "
            "run every shard with the same --tta-maturity-new-code=REF"
        )
    found = next(iter(runs))
    if found is None:  # pragma: no cover - excluded above
        return None
    ref, base = found
    change = change_since(ref, cfg.root)
    if change.base != base:
        raise CoverageDataError(
            f"--tta-maturity-new-code={ref}: the merge base here is {change.base[:12]}, the shards' was {base[:12]}; "
            "run check on the checkout the shards ran on"
        )
    return change


def shard_run(
    cfg: MaturityConfig,
    components: Sequence[ComponentConfig],
    results: Sequence[Path],
    coverage_files: Sequence[Path],
    rcfile: str | None = None,
    *,
    warn_only: bool = False,
) -> RunInputs:
    """What the shards measured, combined into one run's inputs (the coverage data read here)."""
    from ..judge import RunInputs  # scoring is imported by the commands that score, not by every command

    shards = [(path, load_report(path)) for path in results]
    counts, gates = merge_results([r for _, r in shards], components)
    attribution, unattributed = shard_attribution(shards, counts)
    change = shard_change(cfg, shards)
    figures = combine_coverage(
        cfg,
        coverage_files,
        components,
        rcfile,
        attribution=attribution,
        unattributed=unattributed,
        changed=change.lines_by_path() if change is not None else None,
    )
    new_code = attach(figures, gates, [c.name for c in components], cfg.root, change) if change is not None else None
    cores = {(r.coverage_core, r.coverage_version) for _, r in shards}
    core, version = cores.pop() if len(cores) == 1 else ("", "")  # kept when the shards agree on what measured them
    return RunInputs(
        cfg,
        components,
        coverage=figures,
        tests=counts,
        gates=gates,
        partial=shard_partial(shards),
        no_gates=all(not r.gates_run for _, r in shards),
        gates_mode=GatesMode.DECLARED if any(r.gates_mode == GatesMode.DECLARED for _, r in shards) else GatesMode.ALL,
        tests_failed=sum(r.tests_failed for _, r in shards),
        warn_only=warn_only,
        new_code=new_code,
        coverage_core=core,
        coverage_version=version,
        coverage_contexts="tta-maturity" if attribution is not None else "",
        created=now(),
    )
