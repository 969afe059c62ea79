"""One run judged: what it measured in, the :class:`.model.Report` out, the same for both front ends.

The plugin (``pytest --tta-maturity``) and ``tta-maturity check`` (CI shards combined)
measure differently but judge alike: each fills a :class:`RunInputs` and calls
:func:`judge`, which scores the components, compares them with the baseline and records
how the coverage was measured, so neither repeats the long ``score`` call nor patches
those fields afterwards. Pure: no pytest, no files read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import __version__
from .baseline.store import Baseline, apply, required_gates
from .config import ComponentConfig, MaturityConfig
from .model import CoverageFigures, GateResult, GatesMode, NewCodeRun, Report, TestCounts
from .partial import Partial
from .scoring import score


@dataclass(frozen=True)
class RunInputs:
    """Everything one run measured and how it was made: what :func:`judge` needs, nothing more."""

    cfg: MaturityConfig
    #: the components judged (all of the configuration's, or those a command named)
    components: Sequence[ComponentConfig]
    coverage: Mapping[str, CoverageFigures]
    tests: Mapping[str, TestCounts]
    gates: Mapping[str, Mapping[str, GateResult]]
    #: what made the run partial (``None``: a full run)
    partial: Partial | None = None
    no_gates: bool = False
    gates_mode: GatesMode = GatesMode.ALL
    #: tests of the session (attributed to a component or not) that failed or errored
    tests_failed: int = 0
    warn_only: bool = False
    new_code: NewCodeRun | None = None
    #: the project's baseline (``None``: there is none, or it is not compared)
    baseline: Baseline | None = None
    #: coverage.py's measurement core and version ("" when not known)
    coverage_core: str = ""
    coverage_version: str = ""
    #: how whose tests ran each line was recorded ("tta-maturity", "pytest-cov" or "")
    coverage_contexts: str = ""
    #: when the report was made (ISO 8601, UTC); "" to leave it to whoever writes the report
    created: str = ""


def judge(run: RunInputs) -> Report:
    """The run's report: levels scored, the baseline compared, the measurement recorded."""
    partial = run.partial
    report = score(
        run.cfg,
        coverage=run.coverage,
        tests=run.tests,
        gates=run.gates,
        partial=partial is not None,
        partial_reason=partial.reason if partial else "",
        partial_kind=partial.kind if partial else None,
        no_gates=run.no_gates,
        gates_mode=run.gates_mode,
        tests_failed=run.tests_failed,
        warn_only=run.warn_only,
        version=__version__,
        components=run.components,
        new_code=run.new_code,
    )
    if run.baseline is not None:
        apply(report, run.baseline, required_gates(run.cfg))
    report.coverage_core, report.coverage_version = run.coverage_core, run.coverage_version
    report.coverage_contexts = run.coverage_contexts
    report.created = run.created
    return report
