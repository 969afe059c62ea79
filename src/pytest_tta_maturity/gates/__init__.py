"""Quality gates: start tool processes, collect and parse their JSON into findings.

This is the seam between the plugin (or the CLI) and the gate tools. The core calls
:func:`start_gates` when the session starts and :meth:`GateSession.collect` after the
tests; it then buckets each outcome's findings per component by path.

Built-in gates (SPEC section 2): ``lint``, ``format``, ``security`` and ``docs``
run ruff (``security`` can run bandit), ``types`` runs pyright (or basedpyright,
or mypy), and a configured ``command`` makes a custom pass/fail gate. Other
plugins add gates as :class:`GateSpec` objects through the
``pytest_tta_maturity_gates`` hook; the core passes them as ``extra``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from ..config import MaturityConfig
from .runner import RunningGates, start
from .spec import PYTHON_SUFFIXES, Cache, GateContext, GateOutcome, GateRun, GateSpec, load_json, relative_path

__all__ = [
    "PYTHON_SUFFIXES",
    "Cache",
    "GateContext",
    "GateOutcome",
    "GateRun",
    "GateSession",
    "GateSpec",
    "RunningGates",
    "load_json",
    "relative_path",
    "start_gates",
]


class GateSession(Protocol):
    """Gate processes under way; ``collect`` waits for them and parses."""

    def collect(self) -> dict[str, GateOutcome]:
        """Wait for every gate (within its time-out) and return its outcome by gate name."""
        ...


def start_gates(
    config: MaturityConfig,
    files: Mapping[str, Sequence[Path]],
    *,
    python: str,
    cache: Cache | None = None,
    extra: Sequence[GateSpec] = (),
) -> RunningGates:
    """Start every gate in ``files`` (gate name -> the absolute files it checks) and return at once.

    Each gate's tool runs once, in ``config.root``, over all its files, beside
    the tests; ``python`` is the interpreter running pytest (tools are looked for
    beside it first, and type checkers resolve imports against it). With a
    ``cache`` (pytest's ``config.cache``), a gate whose inputs did not change is
    not run again. ``extra`` holds the gates other plugins add. The name
    ``tests`` is ignored (pytest itself is that gate). Nothing raises: a gate
    that cannot run becomes an outcome with ``error`` set.
    """
    return start(config, files, python=python, cache=cache, extra=extra)
