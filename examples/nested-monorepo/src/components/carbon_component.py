"""The carbon component's entry point."""

from src.components.carbon import Ledger


def new_ledger():
    return Ledger()
