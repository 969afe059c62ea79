"""One test file for three components, as in the real suite."""

from src.agent_orchestration import run_turn
from src.components.model_management_component import complete
from src.components.narrative import voice_component


def test_a_turn_narrated():
    text = complete(run_turn("look"))["text"]
    assert voice_component.narrate(text) == "a dark room."
