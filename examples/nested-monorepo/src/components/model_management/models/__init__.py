"""The models known to the platform."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size: str
