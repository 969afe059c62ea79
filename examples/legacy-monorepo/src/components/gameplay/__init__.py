"""The game loop."""

from .loop import Game

__all__ = ["Game"]
