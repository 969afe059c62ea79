"""Quality gates: start tool processes, collect and parse their JSON into findings.

This is the seam between the plugin (or the CLI) and the gate tools. The core calls
:func:`start_gates` when the session starts and :meth:`GateSession.collect` after the
tests; it then buckets each outcome's findings per component by path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..config import MaturityConfig
from ..model import Finding


class Cache(Protocol):
    """What gates need of a cache: pytest's ``config.cache`` satisfies it."""

    def get(self, key: str, default: Any) -> Any:
        """Return the JSON value stored at ``key``, or ``default``."""
        ...

    def set(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value at ``key``."""
        ...


@dataclass
class GateOutcome:
    """What one gate's single run over all its files produced.

    ``findings`` is ``None`` for gates that do not report per file (custom
    commands): then ``passed`` carries the verdict for every component. A
    non-empty ``error`` means the gate could not be measured (fail closed).
    """

    name: str
    tool: str = ""
    findings: list[Finding] | None = field(default_factory=lambda: list[Finding]())
    passed: bool = True
    error: str = ""
    cached: bool = False


class GateSession(Protocol):
    """Gate processes under way; ``collect`` waits for them and parses."""

    def collect(self) -> dict[str, GateOutcome]:
        """Wait for every gate (within its time-out) and return its outcome by gate name."""
        ...


@dataclass
class _Finished:
    outcomes: dict[str, GateOutcome]

    def collect(self) -> dict[str, GateOutcome]:
        return self.outcomes


def start_gates(
    config: MaturityConfig,
    files: Mapping[str, Sequence[Path]],
    *,
    python: str,
    cache: Cache | None = None,
) -> GateSession:
    """Start every gate in ``files`` (gate name -> the files it checks) and return at once.

    Placeholder until the gate runners land: every gate is an ``error``.
    """
    del config, python, cache
    return _Finished({name: GateOutcome(name, error="gate runners are not implemented yet") for name in files})
