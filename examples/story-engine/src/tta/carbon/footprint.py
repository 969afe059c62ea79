"""Estimate the energy and emissions of one model call.

The figures are deliberately simple: energy grows with the number of tokens and the
size of the model, emissions are energy times the grid intensity of the region the
model runs in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Grid carbon intensity in grams of CO2-equivalent per kWh.
GRID_INTENSITY: dict[str, float] = {
    "eu-north": 30.0,
    "eu-west": 250.0,
    "us-east": 380.0,
    "us-west": 210.0,
    "ap-south": 630.0,
}

#: Energy in watt-hours per 1,000 tokens, by model size class.
WH_PER_1K_TOKENS: dict[str, float] = {
    "small": 0.05,
    "medium": 0.3,
    "large": 1.2,
}

#: Data-centre overhead (power usage effectiveness) applied to every call.
PUE = 1.2


@dataclass(frozen=True)
class ModelCall:
    """One call to a language model, as the engine records it."""

    model: str
    size: str
    prompt_tokens: int
    completion_tokens: int
    region: str = "eu-west"

    @property
    def total_tokens(self) -> int:
        """Prompt and completion tokens together."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Footprint:
    """Energy (Wh) and emissions (g CO2e) of one or more calls."""

    energy_wh: float = 0.0
    co2e_g: float = 0.0

    def __add__(self, other: Footprint) -> Footprint:
        """Add two footprints."""
        return Footprint(self.energy_wh + other.energy_wh, self.co2e_g + other.co2e_g)

    def __str__(self) -> str:
        """``1.23 Wh, 0.31 g CO2e``."""
        return f"{self.energy_wh:.2f} Wh, {self.co2e_g:.2f} g CO2e"


def estimate(call: ModelCall) -> Footprint:
    """Estimate the footprint of ``call``.

    Raises:
        ValueError: for an unknown model size or region, or negative token counts.
    """
    if call.prompt_tokens < 0 or call.completion_tokens < 0:
        raise ValueError(f"token counts must not be negative: {call!r}")
    try:
        per_1k = WH_PER_1K_TOKENS[call.size]
    except KeyError:
        raise ValueError(f"unknown model size {call.size!r}") from None
    try:
        intensity = GRID_INTENSITY[call.region]
    except KeyError:
        raise ValueError(f"unknown region {call.region!r}") from None
    energy_wh = per_1k * call.total_tokens / 1000 * PUE
    return Footprint(energy_wh, energy_wh / 1000 * intensity)
