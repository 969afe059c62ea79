"""Carbon accounting of model calls."""

from .ledger import Ledger

__all__ = ["Ledger"]
