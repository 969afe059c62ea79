"""Pick the model for a request: capable, large enough, cheapest first."""

from __future__ import annotations

from dataclasses import dataclass

from tta.model_management.health import HealthTracker
from tta.model_registry import ModelRegistry, ModelSpec

# Rough characters-per-token ratio for English prose.
CHARS_PER_TOKEN = 4


class NoModelAvailableError(LookupError):
    pass


@dataclass(frozen=True)
class Request:
    capability: str
    prompt: str
    max_completion_tokens: int = 256
    max_cost_per_1k: float | None = None

    @property
    def estimated_tokens(self) -> int:
        return len(self.prompt) // CHARS_PER_TOKEN + 1 + self.max_completion_tokens


class ModelSelector:
    def __init__(self, registry: ModelRegistry, health: HealthTracker | None = None) -> None:
        self.registry = registry
        self.health = health or HealthTracker()

    def candidates(self, request: Request) -> list[ModelSpec]:
        chosen = []
        for spec in self.registry.with_capability(request.capability):
            if spec.context_window < request.estimated_tokens:
                continue
            if request.max_cost_per_1k is not None and spec.cost_per_1k > request.max_cost_per_1k:
                continue
            if not self.health.is_available(spec.name):
                continue
            chosen.append(spec)
        return chosen

    def select(self, request: Request) -> ModelSpec:
        found = self.candidates(request)
        if not found:
            raise NoModelAvailableError(
                f"no healthy model can {request.capability!r} "
                f"with {request.estimated_tokens} tokens"
            )
        return found[0]

    def fallback_chain(self, request: Request, length: int = 3) -> list[str]:
        return [spec.name for spec in self.candidates(request)[:length]]
