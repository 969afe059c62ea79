"""An end-to-end test inside src/ (a test, not code)."""

from src.agent_orchestration.workflows import explore


def test_explore():
    assert explore()[:2] == ["a dark room", "time passes"]
