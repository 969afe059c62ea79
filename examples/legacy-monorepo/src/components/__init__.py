"""The game's components. Importing the package loads the two most used ones."""

from . import carbon, gameplay

__all__ = ["carbon", "gameplay"]
