"""Model management: one component made of sub-packages that work together."""

from .services import ModelService

__all__ = ["ModelService"]
