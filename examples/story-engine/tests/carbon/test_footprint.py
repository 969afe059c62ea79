import pytest

from tta.carbon import Footprint, ModelCall, estimate


def test_estimate_scales_with_tokens_and_region():
    small = estimate(ModelCall("tiny", "small", 500, 500, region="eu-west"))
    assert small.energy_wh == pytest.approx(0.06)
    assert small.co2e_g == pytest.approx(0.06 / 1000 * 250)
    north = estimate(ModelCall("tiny", "small", 500, 500, region="eu-north"))
    assert north.energy_wh == small.energy_wh
    assert north.co2e_g < small.co2e_g


def test_large_models_cost_more():
    small = estimate(ModelCall("a", "small", 1000, 0))
    large = estimate(ModelCall("b", "large", 1000, 0))
    assert large.energy_wh == pytest.approx(small.energy_wh * 24)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (ModelCall("m", "huge", 1, 1), "unknown model size"),
        (ModelCall("m", "small", 1, 1, region="moon"), "unknown region"),
        (ModelCall("m", "small", -1, 1), "must not be negative"),
    ],
)
def test_estimate_rejects_bad_calls(call, message):
    with pytest.raises(ValueError, match=message):
        estimate(call)


def test_footprints_add_and_print():
    total = Footprint(1.0, 0.25) + Footprint(0.5, 0.5)
    assert total == Footprint(1.5, 0.75)
    assert str(total) == "1.50 Wh, 0.75 g CO2e"
    assert ModelCall("m", "small", 3, 4).total_tokens == 7
