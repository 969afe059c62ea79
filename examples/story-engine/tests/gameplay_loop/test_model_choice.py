"""The narrator's model choice, tested from the game loop's side: these tests count for gameplay_loop."""

import pytest

from tta.model_management.selection import ModelSelector, NoModelAvailableError, Request
from tta.model_registry import ModelRegistry, ModelSpec


@pytest.fixture
def registry():
    return ModelRegistry(
        [
            ModelSpec("pico", "local", "small", 1024, 0.0, frozenset({"narrate"})),
            ModelSpec("mid", "cloud", "medium", 8192, 0.2, frozenset({"narrate"})),
            ModelSpec("sage", "cloud", "large", 32000, 0.6, frozenset({"narrate", "summarise"})),
        ]
    )


def test_cheapest_model_that_fits(registry):
    selector = ModelSelector(registry)
    assert selector.select(Request("narrate", "Describe the cave.")).name == "pico"
    long_prompt = "word " * 2000
    assert selector.select(Request("narrate", long_prompt)).name == "mid"


def test_cost_cap_and_fallbacks(registry):
    selector = ModelSelector(registry)
    request = Request("narrate", "x" * 8000, max_cost_per_1k=0.3)
    assert selector.fallback_chain(request) == ["mid"]
    with pytest.raises(NoModelAvailableError):
        selector.select(Request("summarise", "x", max_cost_per_1k=0.1))
