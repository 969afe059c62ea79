"""Providers of completions."""

from ..interfaces import Provider
from ..models import ModelInfo


class EchoProvider(Provider):
    name = "echo"
    model = ModelInfo("echo-1", "small")

    def complete(self, prompt):
        return prompt
