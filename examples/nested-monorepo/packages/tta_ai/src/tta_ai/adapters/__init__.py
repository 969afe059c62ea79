"""Adapters between the platform and the models."""


def adapt(text):
    return text.strip().lower()


def adapt_all(texts):
    from ..orchestration import pipeline  # the two parts call each other

    return pipeline(texts)
