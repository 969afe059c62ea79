import pytest

from components.carbon import Ledger, estimate
from components.carbon_component import charge


def test_estimate_grows_with_tokens():
    assert estimate("small", 2000) == pytest.approx(2 * estimate("small", 1000))


def test_unknown_region_uses_the_dirtiest_grid():
    assert estimate("large", 1000, "mars") == pytest.approx(1.2 * 380 / 1000)


def test_ledger_totals():
    ledger = Ledger()
    ledger.add("ann", 1.5)
    ledger.add("ann", 0.5)
    assert ledger.total("ann") == 2.0
    assert charge("bob", "small", 1000) > 0
