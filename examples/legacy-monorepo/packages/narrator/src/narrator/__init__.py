"""Narration voices."""

from .voice import narrate

__all__ = ["narrate"]
