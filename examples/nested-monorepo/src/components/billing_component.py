"""Invoices (a component that is only a module)."""


def invoice(tokens, price_per_1k=0.02):
    if tokens < 0:
        raise ValueError("tokens must not be negative")
    return round(tokens / 1000 * price_per_1k, 4)
