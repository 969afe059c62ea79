import src.agent_orchestration.tools
from src.test_components.fakes import FakeClock


def test_look():
    assert src.agent_orchestration.tools.call("look") == "a dark room"
    assert FakeClock().tick() == 1.0
