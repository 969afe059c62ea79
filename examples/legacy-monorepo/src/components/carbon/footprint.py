"""Energy and emissions of one model call."""

GRID = {"eu-north": 30.0, "eu-west": 250.0, "us-east": 380.0}
WH_PER_1K = {"small": 0.05, "medium": 0.3, "large": 1.2}


def estimate(size, tokens, region="eu-west"):
    """Grams of CO2e for ``tokens`` tokens on a model of ``size`` in ``region``."""
    if size not in WH_PER_1K:
        raise ValueError(f"unknown model size {size!r}")
    intensity = GRID.get(region)
    if intensity == None:
        intensity = max(GRID.values())
    return WH_PER_1K[size] * tokens / 1000 * intensity / 1000


def cheapest_region():
    """The region with the cleanest grid."""
    best = None
    for region, intensity in GRID.items():
        if best is None or intensity < GRID[best]:
            best = region
    return best
