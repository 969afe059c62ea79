"""One run of the plugin: what it gathers while pytest runs, and how that ends in a report.

The plugin's hooks fill a :class:`Run` (each test's components and outcome, the gates and the
coverage analysis started beside the tests, an affected run's decision, what xdist workers saw)
and, once pytest-cov has combined its data, call :meth:`Run.finish` with the little only pytest
knows: pytest-cov's ``Coverage`` object (or why there is no data) and what made the run partial.
From there on nothing needs pytest: the figures (from the analysis worker, or from this process
when it cannot give them), the gates' outcomes, the report judged as ``check`` judges shards
(:func:`.judge.judge`), and the record the next affected run reads.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from coverage.exceptions import CoverageException

from ._util import did_you_mean
from .affected.data import keep
from .affected.record import Record, Recording
from .affected.select import Decision, affected_run
from .baseline.store import Baseline
from .bucketing import Bucketer
from .config import ComponentConfig, MaturityConfig
from .errors import MarkerError, MaturityError
from .gates import GateOutcome
from .gates.runner import RunningGates
from .judge import RunInputs, judge
from .measure.analysis import AnalysisFailed, AnalysisWorker
from .measure.contexts import Attribution
from .measure.coverage_adapter import VERSION as COVERAGE_VERSION
from .measure.figures import measure_components
from .model import CoverageFigures, GateResult, GatesMode, NewCodeRun, Outcome, Report, TestCounts
from .newcode import attach
from .partial import Partial, Selection
from .scoring import gate_results
from .vcs import Change

__all__ = ["Run"]


@dataclass
class Run:
    """What the plugin keeps for one session (in ``config.stash``), and the end of that session's work."""

    cfg: MaturityConfig
    components: tuple[ComponentConfig, ...]
    warn_only: bool
    no_gates: bool
    gates_mode: GatesMode
    report_specs: list[str]
    outcomes: dict[str, Outcome] = field(default_factory=lambda: dict[str, Outcome]())
    attribution: dict[str, list[str]] = field(default_factory=lambda: dict[str, list[str]]())
    collected: int = 0
    deselected: int = 0
    collect_errors: int = 0
    interrupted: bool = False
    crashed_workers: list[str] = field(default_factory=lambda: list[str]())
    notes: list[str] = field(default_factory=lambda: list[str]())
    #: the tests pytest's cache recorded as failed last time (``cache/lastfailed``)
    last_failed: frozenset[str] = frozenset()
    #: some collected test of this run failed last time: pytest's ``--lf`` then narrows the run to them
    failed_last_time: bool = False
    #: what the project's own ``addopts`` alone select (a full run selects no more than this)
    project_selection: Selection = field(default_factory=Selection)
    gate_files: dict[str, list[Path]] = field(default_factory=lambda: dict[str, list[Path]]())
    gate_session: RunningGates | None = None
    report: Report | None = None
    baseline: Baseline | None = None
    timings: dict[str, float] = field(default_factory=lambda: dict[str, float]())
    analysis: AnalysisWorker | None = None
    coverage_core: str = ""
    #: how whose tests ran each line is recorded ("tta-maturity", "pytest-cov" or ""), and why not
    contexts: str = ""
    contexts_note: str = ""
    #: components with a test at collection, deselected ones included (xdist: the workers' too)
    tested: set[str] = field(default_factory=lambda: set[str]())
    #: the run was stopped by a configuration error found after the tests: nothing to score
    refused: bool = False
    #: the change new code is judged against (``--tta-maturity-new-code``)
    change: Change | None = None
    #: what this run keeps for the next affected run (``None``: it keeps nothing)
    recording: Recording | None = None
    #: ``--tta-maturity-affected`` (or its ini key) asked for an affected run
    affected_asked: bool = False
    #: the affected run's decision; its ``fallback`` says why everything runs
    decision: Decision | None = None
    record: Record | None = None
    #: the recorded tests this process (or, on the controller, its workers) took from the record
    taken: set[str] = field(default_factory=lambda: set[str]())

    # --- while the tests run ---------------------------------------------------------------------

    def attribute(self, tests: Iterable[tuple[str, Path, Sequence[object]]]) -> None:
        """Give each collected test (node id, path, the ``component`` markers' names) its components.

        By the components' ``tests`` paths, then by the marker. A marker naming no component raises
        :class:`MarkerError`, one line naming the test and the nearest component.
        """
        by_path = Bucketer.for_tests(self.cfg.components)
        names = {c.name for c in self.cfg.components}
        attribution: dict[str, list[str]] = {}
        for nodeid, path, marked in tests:
            owners = list(by_path.owners(path)) if by_path else []
            for name in marked:
                if name not in names:
                    fix = did_you_mean(str(name), sorted(names), "name a component of [tool.tta-maturity.components]")
                    raise MarkerError(
                        f"{nodeid}: @pytest.mark.component({name!r}): no such component in {self.cfg.file.name}; {fix}"
                    )
                if name not in owners:
                    owners.append(str(name))
            if owners:
                attribution[nodeid] = owners
        self.attribution = attribution
        self.tested.update(name for owners in attribution.values() for name in owners)

    def add_outcome(self, nodeid: str, outcome: Outcome) -> None:
        """A test's outcome in one phase; the worst of its phases stays."""
        previous = self.outcomes.get(nodeid)
        if previous is None or outcome.rank > previous.rank:
            self.outcomes[nodeid] = outcome

    def worker_output(self) -> dict[str, Any]:
        """What an xdist worker hands its controller (:meth:`merge_worker` reads it)."""
        return {
            "attribution": self.attribution,
            "collected": self.collected,
            "deselected": self.deselected,
            "tested": sorted(self.tested),
            "failed_last_time": self.failed_last_time,
            "taken": sorted(self.taken),
            "contexts": self.contexts,
            "contexts_note": self.contexts_note,
        }

    def merge_worker(self, data: Mapping[str, Any]) -> None:
        """Merge what a worker saw (:meth:`worker_output`) into the controller's run."""
        self.attribution.update(cast(dict[str, list[str]], data.get("attribution", {})))
        self.collected = max(self.collected, int(data.get("collected", 0)))
        self.deselected = max(self.deselected, int(data.get("deselected", 0)))
        self.tested.update(str(name) for name in data.get("tested", ()))
        self.failed_last_time = self.failed_last_time or bool(data.get("failed_last_time", False))
        self.taken.update(str(nodeid) for nodeid in data.get("taken", ()))
        if "contexts" in data and not self.contexts_note:  # one worker that could not record is enough
            self.contexts, self.contexts_note = str(data["contexts"]), str(data.get("contexts_note", ""))

    def take_recorded(self) -> None:
        """The outcomes and components of the tests taken from the record, as if they had run."""
        if self.record is None or not self.taken:
            return
        outcomes, owners = self.record.results(self.taken)
        self.outcomes.update(outcomes)
        self.attribution.update(owners)

    # --- after the tests --------------------------------------------------------------------------

    def finish(self, cov: Any, unmeasured: str, partial: Partial | None) -> Report:
        """Measure, wait for the gates, judge; keep the record after a full run.

        ``cov`` is pytest-cov's ``Coverage`` (``None`` without one); ``unmeasured`` says why its
        data cannot be measured ("" when it can); ``partial`` what made the run partial.
        """
        timings = self.timings
        counts, tests_failed = self._test_counts()

        started = time.perf_counter()
        if not self.contexts and not self.contexts_note:
            self.contexts_note = "contexts were not recorded"
        figures = self._coverage(cov, unmeasured, counts)
        timings["measure"] = time.perf_counter() - started

        started = time.perf_counter()
        outcomes: dict[str, GateOutcome] = {}
        if self.gate_session is not None:
            if self.interrupted:
                self.gate_session.cancel()  # an interrupted run does not wait for its gates
            outcomes = self.gate_session.collect()
        timings["gates_wait"] = time.perf_counter() - started

        started = time.perf_counter()
        gates = gate_results(
            self.cfg, self.components, self.gate_files, outcomes, no_gates=self.no_gates, mode=self.gates_mode
        )
        self.report = report = judge(
            RunInputs(
                self.cfg,
                self.components,
                coverage=figures,
                tests=counts,
                gates=gates,
                partial=partial,
                no_gates=self.no_gates,
                gates_mode=self.gates_mode,
                tests_failed=tests_failed + self.collect_errors,
                warn_only=self.warn_only,
                new_code=self._new_code(figures, gates),
                baseline=self.baseline,
                coverage_core=self.coverage_core,
                coverage_version=COVERAGE_VERSION if self.coverage_core else "",
                coverage_contexts=self.contexts,
            )
        )
        timings["score"] = time.perf_counter() - started
        if self.affected_asked and self.decision is not None:
            report.affected = affected_run(self.decision, self.record, len(self.outcomes), len(self.taken))
        if not report.partial and not self.interrupted and cov is not None:
            started = time.perf_counter()
            self._keep_record(cov)
            timings["record"] = time.perf_counter() - started
        return report

    def _test_counts(self) -> tuple[dict[str, TestCounts], int]:
        """Each component's test counts, and how many tests failed or errored (of any component or none)."""
        counts = {c.name: TestCounts() for c in self.components}
        failed = 0
        for nodeid, outcome in self.outcomes.items():
            failed += outcome in (Outcome.FAILED, Outcome.ERROR)
            for name in self.attribution.get(nodeid, ()):
                if name in counts:
                    counts[name].add(nodeid, outcome)
        return counts, failed

    def _coverage(self, cov: Any, unmeasured: str, counts: Mapping[str, TestCounts]) -> dict[str, CoverageFigures]:
        """Every selected component's figures; unmeasured ones (fail closed) say why."""
        worker, self.analysis = self.analysis, None
        note = unmeasured
        try:
            if not note:
                try:
                    return self._measured(cov, worker, counts)
                except MaturityError as exc:
                    note = str(exc)
        finally:
            if worker is not None:
                worker.cancel()
        return {c.name: CoverageFigures.unmeasured(note) for c in self.components}

    def _attribution(self, cov: Any, counts: Mapping[str, TestCounts]) -> Attribution | None:
        """How to read the data's contexts; ``None`` when they were not recorded (``contexts_note``)."""
        if not self.contexts:
            return None
        nodeids = {k: tuple(v) for k, v in self.attribution.items()} if self.contexts == "pytest-cov" else None
        ran = frozenset(name for name, c in counts.items() if c.passed + c.failed + c.errors)
        return Attribution(str(cov.get_option("run:context") or ""), nodeids, ran)

    def _measured(
        self, cov: Any, worker: AnalysisWorker | None, counts: Mapping[str, TestCounts]
    ) -> dict[str, CoverageFigures]:
        """The figures from the analysis worker; from this process when it cannot give them."""
        attribution = self._attribution(cov, counts)
        changed = self.change.lines_by_path() if self.change is not None else None
        if worker is not None:
            try:
                data = cov.get_data()
                figures = worker.measure(
                    data_file=str(data.data_filename()),
                    cwd=os.getcwd(),
                    measured=len(data.measured_files()),
                    attribution=attribution,
                    unattributed=self.contexts_note,
                    changed=changed,
                )
            except AnalysisFailed as exc:
                self.notes.append(
                    f"the coverage analysis worker failed ({exc}); the files were analysed after the tests"
                )
            except CoverageException:
                pass  # measuring in this process says what is wrong with the data
            else:
                self.timings["analysis"] = worker.stats.get("seconds", 0.0)
                self.timings["measure_in_worker"] = worker.stats.get("measure_seconds", 0.0)
                return figures
        return measure_components(
            cov, self.cfg, self.components, attribution=attribution, unattributed=self.contexts_note, changed=changed
        )

    def _new_code(
        self, figures: dict[str, CoverageFigures], gates: dict[str, dict[str, GateResult]]
    ) -> NewCodeRun | None:
        """Each component's new code, findings on new lines included (the baseline's stay known)."""
        if self.change is None:
            return None
        return attach(figures, gates, [c.name for c in self.components], self.cfg.root, self.change, self.baseline)

    def _keep_record(self, cov: Any) -> None:
        """Keep what the next affected run needs: per-test files and outcomes, content ids, the environment."""
        if self.recording is None or not self.contexts:
            return
        try:
            data_file = str(cov.get_data().data_filename())
            context = str(cov.get_option("run:context") or "")
            keep(self.recording, data_file, self.outcomes, self.attribution, context)
        except (CoverageException, OSError) as exc:
            self.notes.append(f"no record was kept for affected runs: {exc}")
