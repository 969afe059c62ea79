"""Billing: what a session costs."""

import json

PRICE_PER_1K_TOKENS = {"small": 0.1, "medium": 0.5, "large": 2.0}


def cost(size, tokens):
    """Cents for ``tokens`` tokens on a model of ``size``."""
    return PRICE_PER_1K_TOKENS[size] * tokens / 1000


def invoice(calls):
    """Total cents of ``calls`` (pairs of size and tokens)."""
    l = [cost(size, tokens) for size, tokens in calls]
    return round(sum(l), 2)
