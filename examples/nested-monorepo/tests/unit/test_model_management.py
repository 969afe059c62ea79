from src.components.model_management.services import ModelService


def test_echo():
    assert ModelService().complete("hi") == "hi"


def test_unknown_provider():
    try:
        ModelService().complete("hi", provider="none")
    except KeyError:
        return
    raise AssertionError("no KeyError")
