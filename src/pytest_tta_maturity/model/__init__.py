"""The result data model: what a run measured and how each component scored.

Everything here is plain data, JSON-safe through ``to_dict``/``from_dict``. The
JSON report (schema version 1) is ``Report.to_dict()``; every renderer and the
``tta-maturity`` command read a ``Report``. The parts: :mod:`.results` (what was
measured), :mod:`.blockers` (what stands between a component and a level),
:mod:`.baselines` (a component against its baseline), :mod:`.report` (the scores).
"""

from __future__ import annotations

from .baselines import BaselineResult, CoverageDrop, NewFinding
from .blockers import BLOCKER_KINDS, Blocker, BlockerKind, Undetermined
from .report import AffectedRun, ComponentResult, NewCodeRun, Report
from .results import (
    COVERAGE_SOURCES,
    GATE_STATUSES,
    NO_COMPONENT,
    SCHEMA_VERSION,
    CoverageFigures,
    CoverageSource,
    FailedTest,
    Finding,
    GateOutcome,
    GateResult,
    GatesMode,
    GateStatus,
    NewCode,
    Outcome,
    TestCounts,
)

__all__ = [
    "BLOCKER_KINDS",
    "COVERAGE_SOURCES",
    "GATE_STATUSES",
    "NO_COMPONENT",
    "SCHEMA_VERSION",
    "AffectedRun",
    "BaselineResult",
    "Blocker",
    "BlockerKind",
    "ComponentResult",
    "CoverageDrop",
    "CoverageFigures",
    "CoverageSource",
    "FailedTest",
    "Finding",
    "GateOutcome",
    "GateResult",
    "GateStatus",
    "GatesMode",
    "NewCode",
    "NewCodeRun",
    "NewFinding",
    "Outcome",
    "Report",
    "TestCounts",
    "Undetermined",
]
