"""Carbon-footprint accounting for the language-model calls a story makes."""

from tta.carbon.footprint import Footprint, ModelCall, estimate
from tta.carbon.ledger import BudgetExceededError, CarbonLedger

__all__ = ["BudgetExceededError", "CarbonLedger", "Footprint", "ModelCall", "estimate"]
