"""tta: a small text-adventure story engine.

The sub-packages are imported on demand; importing ``tta`` alone loads none of them.
"""

__version__ = "0.3.0"
