import pytest

from tta.carbon import BudgetExceededError, CarbonLedger, ModelCall


def call(model="narrator", size="medium", tokens=1000, region="us-east"):
    return ModelCall(model, size, tokens // 2, tokens - tokens // 2, region)


def test_empty_ledger():
    ledger = CarbonLedger()
    assert ledger.calls == 0
    assert ledger.summary() == "no model calls"
    assert ledger.remaining_g() is None
    assert ledger.by_model() == {}


def test_records_per_model_largest_first():
    ledger = CarbonLedger()
    ledger.record(call("small-one", size="small"))
    ledger.record(call("big-one", size="large"))
    ledger.record(call("big-one", size="large"))
    assert ledger.calls == 3
    assert list(ledger.by_model()) == ["big-one", "small-one"]
    assert ledger.summary().startswith("3 model calls: ")


def test_summary_singular():
    ledger = CarbonLedger()
    ledger.record(call())
    assert ledger.summary().startswith("1 model call: ")


def test_budget_refuses_the_call_that_would_exceed_it():
    one = CarbonLedger().record(call()).co2e_g
    ledger = CarbonLedger(budget_g=one * 2.5)
    ledger.record(call())
    ledger.record(call())
    assert ledger.remaining_g() == pytest.approx(one * 0.5)
    with pytest.raises(BudgetExceededError) as info:
        ledger.record(call())
    assert info.value.budget_g == pytest.approx(one * 2.5)
    assert ledger.calls == 2


def test_budget_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        CarbonLedger(budget_g=0)
