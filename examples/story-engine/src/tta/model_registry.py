"""Registry of the language models the engine may call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelSpec:
    name: str
    provider: str
    size: str
    context_window: int
    cost_per_1k: float
    capabilities: frozenset[str] = field(default_factory=frozenset)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


class UnknownModelError(KeyError):
    pass


class ModelRegistry:
    def __init__(self, specs: Iterable[ModelSpec] = ()) -> None:
        self._specs: dict[str, ModelSpec] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: ModelSpec) -> None:
        if spec.name in self._specs:
            raise ValueError(f"model {spec.name!r} is already registered")
        if spec.context_window <= 0:
            raise ValueError(f"model {spec.name!r}: context window must be positive")
        self._specs[spec.name] = spec

    def get(self, name: str) -> ModelSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownModelError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def with_capability(self, capability: str) -> list[ModelSpec]:
        return sorted((s for s in self if s.can(capability)), key=lambda s: s.cost_per_1k)

    @classmethod
    def from_config(cls, raw: Mapping[str, Mapping[str, Any]]) -> ModelRegistry:
        specs = []
        for name, opts in raw.items():
            specs.append(
                ModelSpec(
                    name=name,
                    provider=str(opts.get("provider", "local")),
                    size=str(opts.get("size", "small")),
                    context_window=int(opts.get("context_window", 4096)),
                    cost_per_1k=float(opts.get("cost_per_1k", 0.0)),
                    capabilities=frozenset(opts.get("capabilities", ())),
                )
            )
        return cls(specs)
