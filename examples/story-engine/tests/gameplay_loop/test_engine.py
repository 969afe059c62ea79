import pytest

from tta.carbon import CarbonLedger, ModelCall
from tta.gameplay_loop import GameState, Room, StoryEngine, World


def make_world():
    return World(
        rooms={
            "hall": Room(
                "Great Hall", "Banners hang from the rafters.", {"north": "vault"}, {"lamp"}
            ),
            "vault": Room("Vault", "Cold stone all around.", {"south": "hall"}),
        },
        start="hall",
    )


class CountingNarrator:
    def narrate(self, event, state):
        return f"[{state.turn}] {event}", ModelCall("narrator", "small", 100, 50)


def test_walk_take_drop_and_quit():
    engine = StoryEngine(make_world())
    assert engine.turn("look").text.startswith("Great Hall Banners hang")
    assert engine.turn("look").text == "Great Hall You see lamp. Exits: north."
    assert engine.turn("take lamp").ok
    assert not engine.turn("take lamp").ok
    assert engine.turn("i").text == "You carry lamp."
    moved = engine.turn("n")
    assert moved.ok and "Cold stone" in moved.text
    assert not engine.turn("go east").ok
    assert engine.turn("drop lamp").ok
    assert not engine.turn("drop lamp").ok
    assert engine.turn("inventory").text == "You carry nothing."
    assert engine.turn("quit").text.startswith("You leave the story after 11 turns.")
    assert engine.turn("look").text == "The story is over."


def test_parse_errors_do_not_use_a_turn():
    engine = StoryEngine(make_world())
    result = engine.turn("sing")
    assert not result.ok and result.command is None
    assert engine.state.turn == 0


@pytest.mark.component("carbon")
def test_model_calls_are_accounted():
    ledger = CarbonLedger()
    engine = StoryEngine(make_world(), CountingNarrator(), ledger)
    assert engine.turn("look").text.startswith("[1] Great Hall")
    engine.turn("n")
    assert ledger.calls == 2
    assert "2 model calls" in engine.turn("quit").text


def test_world_is_checked():
    with pytest.raises(ValueError, match="start room"):
        World({}, "nowhere")
    with pytest.raises(ValueError, match="unknown room"):
        World({"a": Room("A", "", {"up": "b"})}, "a")


def test_first_visit():
    state = GameState("a")
    assert state.first_visit()
    assert not state.first_visit()
