"""The model management component's entry point."""

from src.components.model_management.api import complete

__all__ = ["complete"]
