"""Carbon accounting of model calls."""

from .ledger import Ledger
from .footprint import estimate

__all__ = ["Ledger", "estimate"]
