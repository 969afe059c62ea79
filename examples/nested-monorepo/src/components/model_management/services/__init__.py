"""Choosing a provider and calling it."""

from ..models import ModelInfo
from ..providers import EchoProvider


class ModelService:
    def __init__(self):
        self.providers = {"echo": EchoProvider()}

    def models(self):
        return [p.model for p in self.providers.values()]

    def complete(self, prompt, provider="echo"):
        if provider not in self.providers:
            raise KeyError(provider)
        return self.providers[provider].complete(prompt)

    def largest(self) -> ModelInfo:
        return max(self.models(), key=lambda m: m.size)
