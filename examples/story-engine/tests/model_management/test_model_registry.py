import pytest

from tta.model_registry import ModelRegistry, ModelSpec, UnknownModelError

CONFIG = {
    "pico": {
        "size": "small",
        "context_window": 2048,
        "cost_per_1k": 0.0,
        "capabilities": ["narrate"],
    },
    "sage": {
        "provider": "cloud",
        "size": "large",
        "context_window": 32000,
        "cost_per_1k": 0.6,
        "capabilities": ["narrate", "summarise"],
    },
}


def test_from_config_and_lookup():
    registry = ModelRegistry.from_config(CONFIG)
    assert len(registry) == 2
    assert "sage" in registry
    assert registry.get("sage").provider == "cloud"
    assert registry.get("pico").provider == "local"
    assert [s.name for s in registry.with_capability("narrate")] == ["pico", "sage"]
    assert [s.name for s in registry.with_capability("summarise")] == ["sage"]


def test_unknown_model():
    with pytest.raises(UnknownModelError):
        ModelRegistry().get("nope")


def test_register_rejects_duplicates():
    spec = ModelSpec("m", "local", "small", 1024, 0.0)
    registry = ModelRegistry([spec])
    with pytest.raises(ValueError, match="already registered"):
        registry.register(spec)
