"""A running total of emissions per player."""

import sys


class Ledger:
    """Grams of CO2e spent, per player."""

    def __init__(self):
        self.totals = {}

    def add(self, player, grams):
        if grams < 0:
            raise ValueError("grams must not be negative")
        self.totals[player] = self.totals.get(player, 0.0) + grams

    def total(self, player=None):
        if player is None:
            return sum(self.totals.values())
        return self.totals.get(player, 0.0)

    def worst(self):
        if not self.totals:
            return None
        return max(self.totals, key=self.totals.get)
