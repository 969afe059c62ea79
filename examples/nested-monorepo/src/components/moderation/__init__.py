"""Content moderation (no test imports it yet)."""

from .filters import clean

__all__ = ["clean"]
