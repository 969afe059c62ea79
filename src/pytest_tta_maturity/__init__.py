"""pytest-tta-maturity: per-component maturity levels checked in one pytest session."""

from __future__ import annotations

__version__ = "0.1.0"
