"""The HTTP-facing calls of model management."""

from ..services import ModelService

SERVICE = ModelService()


def complete(prompt):
    return {"text": SERVICE.complete(prompt)}
