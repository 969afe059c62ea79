"""Moderation of player input."""

from .filters import clean

__all__ = ["clean"]
