"""The components, side by side; importing the package loads some of them."""

from . import carbon, model_management

__all__ = ["carbon", "model_management"]
