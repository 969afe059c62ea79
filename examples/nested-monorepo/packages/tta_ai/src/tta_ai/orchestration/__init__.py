"""Pipelines over the adapters."""

from ..adapters import adapt


def pipeline(texts):
    return [adapt(t) for t in texts]
