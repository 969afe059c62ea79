from src.components.carbon_component import new_ledger


def test_ledger_adds_up():
    ledger = new_ledger()
    ledger.add("ana", 1.5)
    ledger.add("ana", 0.5)
    assert ledger.total("ana") == 2.0
