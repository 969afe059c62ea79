"""AI adapters."""

from .orchestration import pipeline

__all__ = ["pipeline"]
