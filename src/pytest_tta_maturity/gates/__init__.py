"""Quality gates: start tool processes, collect and parse their JSON into findings.

This is the seam between the plugin (or the CLI) and the gate tools. The core calls
:func:`.runner.start_gates` when the session starts and :meth:`.runner.RunningGates.collect`
after the tests; it then buckets each outcome's findings per component by path. This package
exports only what a gate is (:mod:`.spec`), so that the configuration can read
:mod:`.config` and :mod:`.registry` without importing the runner.

The built-in gates are listed in :mod:`.registry`: ``lint``,
``format``, ``security`` and ``docs`` run ruff (``security`` can run bandit),
``types`` runs pyright (or basedpyright, or mypy); a configured ``command`` makes a
custom pass/fail gate. Other plugins add gates as :class:`GateSpec` objects through
the ``pytest_tta_maturity_gates`` hook; the core passes them as ``extra``.

Modules: :mod:`.spec` (what a gate is), one module per tool family (:mod:`.ruff`,
:mod:`.typecheck`, :mod:`.bandit`, :mod:`.custom`), :mod:`.runner` (orchestration),
:mod:`.process` (process control), :mod:`.cache` (the gate cache), :mod:`.config` (a gate's
options) and :mod:`.registry` (the built-in gates).
"""

from __future__ import annotations

from ..errors import relative_path
from ..model import GateOutcome
from .spec import PYTHON_SUFFIXES, Cache, GateContext, GateRun, GateSpec, load_json

__all__ = [
    "PYTHON_SUFFIXES",
    "Cache",
    "GateContext",
    "GateOutcome",
    "GateRun",
    "GateSpec",
    "load_json",
    "relative_path",
]
