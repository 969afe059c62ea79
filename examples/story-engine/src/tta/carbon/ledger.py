"""A running ledger of the footprint of a play session, with an optional budget."""

from __future__ import annotations

from collections import defaultdict

from tta.carbon.footprint import Footprint, ModelCall, estimate


class BudgetExceededError(RuntimeError):
    """Raised when a call would take the session over its carbon budget."""

    def __init__(self, spent_g: float, budget_g: float) -> None:
        """Record how much was spent against which budget."""
        super().__init__(f"carbon budget exceeded: {spent_g:.2f} g of {budget_g:.2f} g CO2e")
        self.spent_g = spent_g
        self.budget_g = budget_g


class CarbonLedger:
    """Accumulates the footprint of every model call, per model and in total."""

    def __init__(self, budget_g: float | None = None) -> None:
        """Start an empty ledger; ``budget_g`` caps the total emissions, if given."""
        if budget_g is not None and budget_g <= 0:
            raise ValueError("the budget must be positive")
        self.budget_g = budget_g
        self._by_model: dict[str, Footprint] = defaultdict(Footprint)
        self._calls = 0

    @property
    def calls(self) -> int:
        """How many calls were recorded."""
        return self._calls

    @property
    def total(self) -> Footprint:
        """The footprint of every recorded call."""
        return sum(self._by_model.values(), Footprint())

    def remaining_g(self) -> float | None:
        """Grams of CO2e left in the budget (``None`` without a budget)."""
        if self.budget_g is None:
            return None
        return max(0.0, self.budget_g - self.total.co2e_g)

    def record(self, call: ModelCall) -> Footprint:
        """Record ``call`` and return its footprint.

        Raises:
            BudgetExceededError: when the call would exceed the budget; it is not recorded.
        """
        footprint = estimate(call)
        spent = self.total.co2e_g + footprint.co2e_g
        if self.budget_g is not None and spent > self.budget_g:
            raise BudgetExceededError(spent, self.budget_g)
        self._by_model[call.model] = self._by_model[call.model] + footprint
        self._calls += 1
        return footprint

    def by_model(self) -> dict[str, Footprint]:
        """The footprint per model, largest emitter first."""
        return dict(sorted(self._by_model.items(), key=lambda item: -item[1].co2e_g))

    def summary(self) -> str:
        """One line for the end-of-session screen."""
        if not self._calls:
            return "no model calls"
        plural = "call" if self._calls == 1 else "calls"
        return f"{self._calls} model {plural}: {self.total}"
