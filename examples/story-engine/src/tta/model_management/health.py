"""A per-model circuit breaker: stop calling a model that keeps failing."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None


class HealthTracker:
    def __init__(self, threshold: int = 3, cool_down_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self.cool_down_s = cool_down_s
        self._clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def _circuit(self, model: str) -> _Circuit:
        return self._circuits.setdefault(model, _Circuit())

    def record_success(self, model: str) -> None:
        self._circuits[model] = _Circuit()

    def record_failure(self, model: str) -> None:
        circuit = self._circuit(model)
        circuit.failures += 1
        if circuit.failures >= self.threshold and circuit.opened_at is None:
            circuit.opened_at = self._clock()

    def is_available(self, model: str) -> bool:
        circuit = self._circuits.get(model)
        if circuit is None or circuit.opened_at is None:
            return True
        if self._clock() - circuit.opened_at >= self.cool_down_s:
            # Half-open: let one call through; a failure opens the circuit again.
            circuit.opened_at = None
            circuit.failures = self.threshold - 1
            return True
        return False

    def status(self) -> dict[str, str]:
        report = {}
        for model, circuit in sorted(self._circuits.items()):
            if circuit.opened_at is not None:
                report[model] = "open"
            elif circuit.failures:
                report[model] = f"degraded ({circuit.failures} failures)"
            else:
                report[model] = "ok"
        return report
