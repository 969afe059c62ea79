"""The carbon component's entry point, as the game loads it."""

from components.carbon import Ledger, estimate

LEDGER = Ledger()


def charge(player, size, tokens, region="eu-west"):
    """Estimate one call and book it to ``player``."""
    grams = estimate(size, tokens, region)
    LEDGER.add(player, grams)
    return grams
